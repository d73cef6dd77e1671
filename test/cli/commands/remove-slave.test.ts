// `aegir-pack remove-slave <pack> <host>` driven in-process with a fake
// context: what it refuses (exit 2, before anything connects), what it prints
// without --yes, and exactly what reaches the run (runRemoveSlave) or the
// terminal's review (rerunInTerminal), both mocked here.
import {beforeEach, describe, expect, test, vi} from 'vitest';
import {removeSlaveCommand} from '../../../source/cli/commands/remove-slave.js';
import {rerunInTerminal} from '../../../source/cli/rerun-in-terminal.js';
import {runAddSlave, runRemoveSlave} from '../../../source/cli/rerun.js';
import {expectNothingRun, resetRerunMocks} from './rerun-mocks.js';
import {fakeContext, pack} from './fake-context.js';

vi.mock('../../../source/cli/rerun.js', () => ({runAddSlave: vi.fn(), runRemoveSlave: vi.fn()}));
vi.mock('../../../source/cli/rerun-in-terminal.js', () => ({rerunInTerminal: vi.fn()}));

beforeEach(resetRerunMocks);

describe('remove-slave refuses before anything runs (exit 2)', () => {
	test('an unknown pack is named, with the saved ones listed', async () => {
		const {context, output, storeFiles} = fakeContext(['--yes']);
		expect(await removeSlaveCommand(['nope', 'web2'], context)).toBe(2);
		expect(output.err).toBe('No saved pack named nope (saved packs: pack.example.com, other.example.com).\n');
		expect(output.out).toBe('');
		expect(storeFiles()).toEqual([]);
		expectNothingRun();
	});

	test('no pack named: says which are saved', async () => {
		const {context, output} = fakeContext(['--yes']);
		expect(await removeSlaveCommand([], context)).toBe(2);
		expect(output.err).toBe('Name the pack (saved packs: pack.example.com, other.example.com).\n');
		expectNothingRun();
	});

	test('one slave at a time: a second host is refused, even in a terminal', async () => {
		const {context, output} = fakeContext([], {interactive: true});
		expect(await removeSlaveCommand(['pack.example.com', 'web2', 'web3'], context)).toBe(2);
		expect(output.err).toBe('Remove one slave at a time: aegir-pack remove-slave pack.example.com <host> (got web2 web3).\n');
		expectNothingRun();
	});

	test('no host named without a terminal: lists the slaves to pick from', async () => {
		const {context, output} = fakeContext(['--yes']);
		expect(await removeSlaveCommand(['pack.example.com'], context)).toBe(2);
		expect(output.err).toBe('Name the slave to remove from pack.example.com (its slaves: web2).\n');
		const empty = fakeContext(['--yes']);
		expect(await removeSlaveCommand(['other.example.com'], empty.context)).toBe(2);
		expect(empty.output.err).toBe('Name the slave to remove from other.example.com (its slaves: none).\n');
		expectNothingRun();
	});

	test('the master is not a slave: the review says it cannot run', async () => {
		const {context, output} = fakeContext(['--yes']);
		expect(await removeSlaveCommand(['pack.example.com', 'web1'], context)).toBe(2);
		expect(output.out).toMatch(/^Remove web1 from pack pack\.example\.com\n/);
		expect(output.out).toContain('Cannot run: ');
		expect(output.err).toContain('web1 is the master of pack pack.example.com, not a slave');
		expectNothingRun();
	});

	test('without --yes and without a terminal: the review is printed, nothing runs', async () => {
		const {context, output, storeFiles} = fakeContext();
		expect(await removeSlaveCommand(['pack.example.com', 'web2'], context)).toBe(2);
		expect(output.out).toMatch(/^Remove web2 from pack pack\.example\.com\n\n/);
		expect(output.out).toContain('web2: leaves the pack: unmount /var/aegir/platforms, remove its fstab entry');
		expect(output.err).toBe('Nothing was run: add --yes to accept this review (without a terminal nothing is asked).\n');
		expect(storeFiles()).toEqual([]);
		expectNothingRun();
	});
});

describe('remove-slave hands the run exactly what was asked', () => {
	test('--yes: the saved pack and the host name reach runRemoveSlave, and its exit code is the command\'s', async () => {
		vi.mocked(runRemoveSlave).mockResolvedValue(1);
		const {context, output} = fakeContext(['--yes']);
		expect(await removeSlaveCommand(['pack.example.com', 'web2'], context)).toBe(1);
		expect(runRemoveSlave).toHaveBeenCalledExactlyOnceWith(pack, 'web2', context);
		expect(output.out).toMatch(/^Remove web2 from pack pack\.example\.com\n/);
		expect(output.err).toBe('');
	});

	test("in a terminal without --yes the wizard's review asks, opened on the remove-slave flow", async () => {
		const {context, output} = fakeContext([], {interactive: true});
		expect(await removeSlaveCommand(['pack.example.com', 'web2'], context)).toBe(0);
		expect(rerunInTerminal).toHaveBeenCalledExactlyOnceWith(context, {kind: 'remove-slave', pack: 'pack.example.com', host: 'web2'});
		expect(runRemoveSlave).not.toHaveBeenCalled();
		expect(output).toEqual({out: '', err: ''});
	});

	test('in a terminal, no host named: the wizard opens on the picker (no host given to it)', async () => {
		const {context} = fakeContext([], {interactive: true});
		expect(await removeSlaveCommand(['pack.example.com'], context)).toBe(0);
		expect(rerunInTerminal).toHaveBeenCalledExactlyOnceWith(context, {kind: 'remove-slave', pack: 'pack.example.com'});
	});

	test('in a terminal with --yes nothing is asked: the run starts', async () => {
		const {context} = fakeContext(['--yes'], {interactive: true});
		expect(await removeSlaveCommand(['pack.example.com', 'web2'], context)).toBe(0);
		expect(rerunInTerminal).not.toHaveBeenCalled();
		expect(runRemoveSlave).toHaveBeenCalledExactlyOnceWith(pack, 'web2', context);
	});
});
