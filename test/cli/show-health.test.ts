import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runStatus, type StatusOptions} from '../../source/cli/show-health.js';
import type {HealthReport} from '../../source/health/types.js';
import type {Host, Pack} from '../../source/pack/types.js';
import {startTestServer, type TestServer} from '../remote/ssh-test-server.js';
import {FakeTransport} from '../run/fake-transport.js';
import {healthyAnswer, healthyHost, isServiceProbe, makePack, pack} from '../health/fixtures.js';

function capture(overrides: Partial<StatusOptions> = {}) {
	const output = {out: '', err: ''};
	const options: StatusOptions = {
		json: false,
		watch: false,
		interactive: false,
		acceptNewHostKeys: false,
		out: text => void (output.out += text),
		err: text => void (output.err += text),
		connect: async (host: Host) => healthyHost(host),
		...overrides,
	};
	return {output, options};
}

const serverStopped = async (host: Host) =>
	new FakeTransport(host.name, command => (isServiceProbe(command) && host.name === 'master' ? {output: 'unit 0 enabled not-running-systemd\nss 0\n\n'} : healthyAnswer(host, command)));

describe('runStatus', () => {
	it('--json prints only the report as JSON and exits 0 when healthy', async () => {
		const {output, options} = capture({json: true});
		expect(await runStatus(pack, options)).toBe(0);
		const report = JSON.parse(output.out) as HealthReport;
		expect(report).toMatchObject({pack: 'pack.example.com', healthy: true});
		expect(report.rows.map(row => row.host)).toEqual(['master', 'web1', 'web2']);
		expect(output.err).toBe('');
	});

	it('without a terminal prints the plain table and exits 1 when anything is wrong', async () => {
		const {output, options} = capture({connect: serverStopped});
		expect(await runStatus(pack, options)).toBe(1);
		expect(output.out).toContain('pack.example.com: 1 problem on 1 of 3 hosts');
		expect(output.out).toContain('master: NFS server not running: nothing listens on port 2049; not running systemd — run `systemctl restart nfs-server` on master');
		expect(output.out).not.toContain('\u001B[');
	});

	it('--watch needs a terminal (exit 2), and does not go with --json', async () => {
		const plain = capture({watch: true});
		expect(await runStatus(pack, plain.options)).toBe(2);
		expect(plain.output.err).toMatch(/^--watch needs a terminal/);
		const both = capture({watch: true, json: true, interactive: true});
		expect(await runStatus(pack, both.options)).toBe(2);
		expect(both.output.out).toBe('');
	});

	it('a host that hangs makes status return by the host deadline, exit 1', async () => {
		const {output, options} = capture({
			json: true,
			hostTimeoutMs: 150,
			connect: async host => (host.name === 'web1' ? new FakeTransport(host.name, () => new Promise(() => undefined)) : healthyHost(host)),
		});
		const started = Date.now();
		expect(await runStatus(pack, options)).toBe(1);
		expect(Date.now() - started).toBeLessThan(3000);
		const report = JSON.parse(output.out) as HealthReport;
		expect(report.rows.find(row => row.host === 'web1')).toMatchObject({reachable: false});
	});
});

describe('runStatus over real SSH (loopback test server)', () => {
	let server: TestServer;
	let dir: string;
	let sshPack: Pack;

	beforeAll(async () => {
		server = await startTestServer();
		dir = await mkdtemp(join(tmpdir(), 'aegir-pack-status-'));
		const master = server.host('master');
		sshPack = makePack({master, nfsServer: master, slaves: []});
	});

	afterAll(async () => {
		await server.close();
		await rm(dir, {recursive: true, force: true});
	});

	it('never asks about an unknown host key: a red row says to run the apply or pass --accept-new-host-keys', async () => {
		const knownHosts = join(dir, 'known_hosts-refuse');
		await writeFile(knownHosts, '');
		const {output, options} = capture({json: true, knownHosts, sshConfig: join(dir, 'no-ssh-config'), connect: undefined});
		expect(await runStatus(sshPack, options)).toBe(1);
		const report = JSON.parse(output.out) as HealthReport;
		expect(report.rows[0]!.problems).toEqual(['unknown SSH host key — run the apply (it asks to accept the key), or pass --accept-new-host-keys']);
		expect(await readFile(knownHosts, 'utf8')).toBe('');
		expect(server.commands).toEqual([]);
	});

	it('with --accept-new-host-keys it records the key, logs in and reads the host (read-only commands only)', async () => {
		const knownHosts = join(dir, 'known_hosts-accept');
		await writeFile(knownHosts, '');
		const {output, options} = capture({json: true, knownHosts, sshConfig: join(dir, 'no-ssh-config'), acceptNewHostKeys: true, connect: undefined});
		await runStatus(sshPack, options);
		const report = JSON.parse(output.out) as HealthReport;
		expect(report.rows[0]).toMatchObject({host: 'master', reachable: true});
		expect(await readFile(knownHosts, 'utf8')).toContain('ssh-ed25519');
		expect(output.err).toContain('accepting new ssh-ed25519 key');
		expect(server.commands.map(command => command.split(' ').slice(0, 2).join(' '))).toEqual(expect.arrayContaining(['sh -s', 'sh -c']));
		expect(server.commands).toHaveLength(2);
	});
});
