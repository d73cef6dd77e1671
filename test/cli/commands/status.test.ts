// `aegir-pack status <pack>` driven in-process with a fake context: what it
// refuses (exit 2), what reaches runStatus (the pack and the connection
// flags), and a whole check with fake hosts put in at that boundary (no SSH).
import {beforeEach, describe, expect, test, vi} from 'vitest';
import {statusCommand} from '../../../source/cli/commands/status.js';
import * as showHealth from '../../../source/cli/show-health.js';
import type {HealthReport} from '../../../source/health/types.js';
import type {Host} from '../../../source/pack/types.js';
import {healthyAnswer, healthyHost, isServiceProbe, pack as healthPack} from '../../health/fixtures.js';
import {FakeTransport} from '../../run/fake-transport.js';
import {fakeContext} from './fake-context.js';

// runStatus stays the real one unless a test says otherwise (the refusals go through it).
vi.mock('../../../source/cli/show-health.js', async importOriginal => {
	const actual = await importOriginal<typeof import('../../../source/cli/show-health.js')>();
	return {...actual, runStatus: vi.fn(actual.runStatus)};
});
const actual = await vi.importActual<typeof import('../../../source/cli/show-health.js')>('../../../source/cli/show-health.js');
const runStatus = vi.mocked(showHealth.runStatus);

beforeEach(() => {
	runStatus.mockClear();
});

/** The fake context, with the health fixtures' pack (master exports, web1 and web2 mount) saved. */
function statusContext(argv: string[] = [], interactive = false) {
	return fakeContext(argv, {interactive, inputs: {packs: [healthPack], hosts: [], savedHosts: []}});
}

/** Let runStatus run for real once, against fake hosts instead of SSH. */
function checkWith(connect: (host: Host) => Promise<FakeTransport>): void {
	runStatus.mockImplementationOnce(async (pack, options) => actual.runStatus(pack, {...options, connect}));
}

describe('status refuses bad input (exit 2) without checking anything', () => {
	test('an unknown pack is named, with the saved ones listed', async () => {
		const {context, output} = statusContext();
		expect(await statusCommand(['nope'], context)).toBe(2);
		expect(output.err).toBe('No saved pack named nope (saved packs: pack.example.com).\n');
		expect(runStatus).not.toHaveBeenCalled();
	});

	test('no pack named: says which are saved', async () => {
		const {context, output} = statusContext();
		expect(await statusCommand([], context)).toBe(2);
		expect(output.err).toBe('Name the pack (saved packs: pack.example.com).\n');
		expect(runStatus).not.toHaveBeenCalled();
	});

	test('a second argument is refused, showing the usage', async () => {
		const {context, output} = statusContext();
		expect(await statusCommand(['pack.example.com', 'web1'], context)).toBe(2);
		expect(output.err).toBe('Unexpected argument: web1 (aegir-pack status <pack>)\n');
		expect(runStatus).not.toHaveBeenCalled();
	});

	test('--watch without a terminal, and --watch with --json, are refused before connecting', async () => {
		const plain = statusContext(['--watch']);
		expect(await statusCommand(['pack.example.com'], plain.context)).toBe(2);
		expect(plain.output.err).toMatch(/^--watch needs a terminal/);
		const both = statusContext(['--watch', '--json'], true);
		expect(await statusCommand(['pack.example.com'], both.context)).toBe(2);
		expect(both.output.err).toMatch(/^--watch and --json do not go together/);
		expect(both.output.out).toBe('');
	});
});

describe('status hands runStatus the pack and the connection flags', () => {
	test('the saved pack, --json, --known-hosts, --ssh-config and --accept-new-host-keys reach runStatus; its code is the exit code', async () => {
		runStatus.mockResolvedValueOnce(1);
		const {context} = statusContext(['--json', '--known-hosts', '/tmp/known', '--ssh-config', '/tmp/ssh_config', '--accept-new-host-keys']);
		expect(await statusCommand(['pack.example.com'], context)).toBe(1);
		expect(runStatus).toHaveBeenCalledExactlyOnceWith(healthPack, {
			json: true,
			watch: false,
			interactive: false,
			acceptNewHostKeys: true,
			knownHosts: '/tmp/known',
			sshConfig: '/tmp/ssh_config',
			out: context.out,
			err: context.err,
		});
	});

	test('in a terminal with --watch: the screen is asked for, host keys are not accepted by default', async () => {
		runStatus.mockResolvedValueOnce(0);
		const {context} = statusContext(['--watch'], true);
		expect(await statusCommand(['pack.example.com'], context)).toBe(0);
		expect(runStatus.mock.calls[0]![1]).toEqual({json: false, watch: true, interactive: true, acceptNewHostKeys: false, out: context.out, err: context.err});
	});
});

describe('status with fake hosts in place of SSH', () => {
	test('--json on a healthy pack prints only the report and exits 0', async () => {
		checkWith(async host => healthyHost(host));
		const {context, output} = statusContext(['--json']);
		expect(await statusCommand(['pack.example.com'], context)).toBe(0);
		const report = JSON.parse(output.out) as HealthReport;
		expect(report).toMatchObject({pack: 'pack.example.com', healthy: true});
		expect(report.rows.map(row => row.host)).toEqual(['master', 'web1', 'web2']);
		expect(output.err).toBe('');
	});

	test('without a terminal: the plain table, and exit 1 when the NFS server is not running', async () => {
		checkWith(async host => new FakeTransport(host.name, command => (isServiceProbe(command) && host.name === 'master' ? {output: 'unit 0 enabled not-running-systemd\nss 0\n\n'} : healthyAnswer(host, command))));
		const {context, output} = statusContext();
		expect(await statusCommand(['pack.example.com'], context)).toBe(1);
		expect(output.out).toContain('pack.example.com: 1 problem on 1 of 3 hosts');
		expect(output.out).toContain('master: NFS server not running: nothing listens on port 2049; not running systemd — run `systemctl restart nfs-server` on master, or apply the pack again');
	});
});
