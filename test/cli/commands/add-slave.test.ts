// `aegir-pack add-slave <pack> <host>...` driven in-process with a fake
// context: what it refuses (exit 2, before anything connects), what it prints
// without --yes, and exactly what reaches the run (runAddSlave) or the
// terminal's review (rerunInTerminal), both mocked here.
import {beforeEach, describe, expect, test, vi} from 'vitest';
import {addSlaveCommand} from '../../../source/cli/commands/add-slave.js';
import {rerunInTerminal} from '../../../source/cli/rerun-in-terminal.js';
import {runAddSlave, runRemoveSlave} from '../../../source/cli/rerun.js';
import {aegirWeb6} from '../../ui/wizard/aegir-fixtures.js';
import {web3} from '../../pack/fixtures.js';
import {expectNothingRun, resetRerunMocks} from './rerun-mocks.js';
import {fakeContext, pack, web9} from './fake-context.js';

vi.mock('../../../source/cli/rerun.js', () => ({runAddSlave: vi.fn(), runRemoveSlave: vi.fn()}));
vi.mock('../../../source/cli/rerun-in-terminal.js', () => ({rerunInTerminal: vi.fn()}));

beforeEach(resetRerunMocks);

describe('add-slave refuses before anything runs (exit 2)', () => {
	test('an unknown pack is named, with the saved ones listed', async () => {
		const {context, output, storeFiles} = fakeContext(['--yes']);
		expect(await addSlaveCommand(['nope', 'web3'], context)).toBe(2);
		expect(output.err).toBe('No saved pack named nope (saved packs: pack.example.com, other.example.com).\n');
		expect(output.out).toBe('');
		expect(storeFiles()).toEqual([]);
		expectNothingRun();
	});

	test('no pack and no host: each says what to name', async () => {
		const none = fakeContext(['--yes']);
		expect(await addSlaveCommand([], none.context)).toBe(2);
		expect(none.output.err).toBe('Name the pack (saved packs: pack.example.com, other.example.com).\n');
		const noHost = fakeContext(['--yes']);
		expect(await addSlaveCommand(['pack.example.com'], noHost.context)).toBe(2);
		expect(noHost.output.err).toBe('Name the host(s) to add to pack.example.com: aegir-pack add-slave pack.example.com <host>...\n');
		expectNothingRun();
	});

	test('an unknown host says how to define it, and no review is printed', async () => {
		const {context, output} = fakeContext(['--yes']);
		expect(await addSlaveCommand(['pack.example.com', 'ghost'], context)).toBe(2);
		expect(output.err).toBe('no host named ghost: define it with --host ghost=user@address:port\n');
		expect(output.out).toBe('');
		expectNothingRun();
	});

	test('a host already in the pack: the review says it cannot run', async () => {
		const {context, output} = fakeContext(['--yes']);
		expect(await addSlaveCommand(['pack.example.com', 'web2'], context)).toBe(2);
		expect(output.out).toContain('Cannot run: ');
		expect(output.err).toContain('web2 is already in pack pack.example.com');
		expectNothingRun();
	});

	test('an address outside the subnets is refused naming the subnet and --widen-export', async () => {
		const {context, output} = fakeContext(['--yes', '--host', 'web9=root@198.51.100.9']);
		expect(await addSlaveCommand(['pack.example.com', 'web9'], context)).toBe(2);
		expect(output.err).toBe(
			"web9 (198.51.100.9) is outside pack pack.example.com's subnets 192.0.2.0/24: nothing was run.\n" +
				'Give --widen-export to export /var/aegir/platforms to 198.51.100.9/32 as well (only the drop-in on web1 changes).\n',
		);
		expectNothingRun();
	});

	test('without --yes and without a terminal: the review is printed, nothing runs', async () => {
		const {context, output, storeFiles} = fakeContext();
		expect(await addSlaveCommand(['pack.example.com', 'web3'], context)).toBe(2);
		expect(output.out).toMatch(/^Add web3 to pack pack\.example\.com\n\n/);
		expect(output.out).toContain('web3: new slave: ');
		expect(output.err).toBe('Nothing was run: add --yes to accept this review (without a terminal nothing is asked).\n');
		expect(storeFiles()).toEqual([]);
		expectNothingRun();
	});
});

describe('add-slave hands the run exactly what was asked', () => {
	test('--yes: the saved pack and the resolved hosts reach runAddSlave; a saved host is not new', async () => {
		const {context, output} = fakeContext(['--yes']);
		expect(await addSlaveCommand(['pack.example.com', 'web3'], context)).toBe(0);
		expect(runAddSlave).toHaveBeenCalledExactlyOnceWith(pack, [web3], [], context);
		expect(output.out).toMatch(/^Add web3 to pack pack\.example\.com\n/);
		expect(output.err).toBe('');
	});

	test("the run's exit code is the command's", async () => {
		vi.mocked(runAddSlave).mockResolvedValue(1);
		const {context} = fakeContext(['--yes']);
		expect(await addSlaveCommand(['pack.example.com', 'web3'], context)).toBe(1);
	});

	test('a host defined with --host is new (saved only when the run succeeds)', async () => {
		const {context} = fakeContext(['--yes', '--host', 'web8=admin@192.0.2.18:2222']);
		expect(await addSlaveCommand(['pack.example.com', 'web8'], context)).toBe(0);
		const web8 = {name: 'web8', address: '192.0.2.18', port: 2222, user: 'admin'};
		expect(runAddSlave).toHaveBeenCalledExactlyOnceWith(pack, [web8], [web8], context);
	});

	test('--widen-export lets a host outside the subnets through', async () => {
		const {context, output} = fakeContext(['--yes', '--widen-export', '--host', 'web9=root@198.51.100.9']);
		expect(await addSlaveCommand(['pack.example.com', 'web9'], context)).toBe(0);
		expect(runAddSlave).toHaveBeenCalledExactlyOnceWith(pack, [web9], [web9], context);
		expect(output.out).toContain('+/var/aegir/platforms');
	});

	test("an Aegir web server is named as in the wizard's pickers", async () => {
		const {context} = fakeContext(['--yes'], {inputs: {aegir: {servers: [aegirWeb6], problems: []}}});
		expect(await addSlaveCommand(['pack.example.com', 'aegir-1920216'], context)).toBe(0);
		const aegirHost = {name: 'aegir-1920216', address: '192.0.2.16', port: 22, user: 'root'};
		expect(runAddSlave).toHaveBeenCalledExactlyOnceWith(pack, [aegirHost], [aegirHost], context);
	});

	test("in a terminal without --yes the wizard's review asks, opened on the add-slave flow; nothing is printed", async () => {
		vi.mocked(rerunInTerminal).mockResolvedValue(130);
		const {context, output} = fakeContext([], {interactive: true});
		expect(await addSlaveCommand(['pack.example.com', 'web3'], context)).toBe(130);
		expect(rerunInTerminal).toHaveBeenCalledExactlyOnceWith(context, {kind: 'add-slave', pack: 'pack.example.com', hosts: ['web3']});
		expect(runAddSlave).not.toHaveBeenCalled();
		expect(output).toEqual({out: '', err: ''});
	});

	test('in a terminal with --yes nothing is asked: the run starts', async () => {
		const {context} = fakeContext(['--yes'], {interactive: true});
		expect(await addSlaveCommand(['pack.example.com', 'web3'], context)).toBe(0);
		expect(rerunInTerminal).not.toHaveBeenCalled();
		expect(runAddSlave).toHaveBeenCalledExactlyOnceWith(pack, [web3], [], context);
	});
});
