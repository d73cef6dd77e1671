import {describe, expect, it} from 'vitest';
import {checkPackHealth} from '../../source/health/check-pack-health.js';
import type {Host} from '../../source/pack/types.js';
import type {ExecOptions, Transport} from '../../source/contracts/transport.js';
import {HostKeyRejectedError} from '../../source/remote/errors.js';
import {FakeTransport} from '../run/fake-transport.js';
import {healthyAnswer, healthyHost, isFactsCommand, isServiceProbe, pack} from './fixtures.js';

const NOW = new Date('2026-12-01T18:00:00.000Z');
const forever = <T>() => new Promise<T>(() => undefined);

function connectAll(make: (host: Host) => Transport | Promise<Transport> = healthyHost) {
	const opened: Record<string, Transport> = {};
	return {
		opened,
		connect: async (host: Host) => (opened[host.name] = await make(host)),
	};
}

describe('checkPackHealth', () => {
	it('connects to every host once, runs only the read-only facts command and the service probe, and closes each connection', async () => {
		const {opened, connect} = connectAll();
		const report = await checkPackHealth(pack, {connect, now: () => NOW});
		expect(report).toMatchObject({pack: pack.name, checkedAt: NOW.toISOString(), healthy: true});
		expect(Object.keys(opened).sort()).toEqual(['master', 'web1', 'web2']);
		for (const transport of Object.values(opened) as FakeTransport[]) {
			expect(transport.execs).toHaveLength(2);
			expect(transport.execs.filter(isFactsCommand)).toHaveLength(1);
			expect(transport.execs.filter(isServiceProbe)).toHaveLength(1);
			expect(transport.pushes).toEqual([]);
			expect(transport.closed).toBe(true);
		}
	});

	it('asks the NFS server whether it listens, and each client whether the server answers at its pack address', async () => {
		const {opened, connect} = connectAll();
		await checkPackHealth(pack, {connect});
		const probe = (name: string) => (opened[name] as FakeTransport).execs.find(isServiceProbe)!;
		expect(probe('master')).toMatch(/aegir-pack-nfs-server 192\.0\.2\.10$/);
		expect(probe('web1')).toMatch(/aegir-pack-health client 192\.0\.2\.10$/);
	});

	it('runs the hosts in parallel: a slow host does not delay the start of the others', async () => {
		const started: string[] = [];
		let release!: () => void;
		const held = new Promise<void>(resolve => (release = resolve));
		const {connect} = connectAll(
			host =>
				new FakeTransport(host.name, async command => {
					started.push(host.name);
					if (host.name === 'master') await held;
					return healthyAnswer(host, command);
				}),
		);
		const checking = checkPackHealth(pack, {connect});
		// web1 and web2 reach their commands while master's first one is still held.
		await expect.poll(() => new Set(started), {timeout: 5000}).toEqual(new Set(['master', 'web1', 'web2']));
		release();
		expect((await checking).healthy).toBe(true);
	});

	it('a host whose command hangs forever is reported unreachable by the deadline, its command aborted and its connection closed', async () => {
		const signals: AbortSignal[] = [];
		const {opened, connect} = connectAll(host =>
			host.name === 'web2'
				? new FakeTransport(host.name, (_command, options: ExecOptions) => {
						if (options.signal) signals.push(options.signal);
						return forever();
					})
				: healthyHost(host),
		);
		const started = Date.now();
		const report = await checkPackHealth(pack, {connect, hostTimeoutMs: 200});
		expect(Date.now() - started).toBeLessThan(3000);
		const web2 = report.rows.find(row => row.host === 'web2')!;
		expect(web2.reachable).toBe(false);
		expect(web2.problems[0]).toMatch(/^no answer within 0\.2 s — check that web2 is up and answers SSH, then check again$/);
		expect(report.rows.filter(row => row.host !== 'web2').every(row => row.problems.length === 0)).toBe(true);
		expect(signals.length).toBeGreaterThan(0);
		expect(signals.every(signal => signal.aborted)).toBe(true);
		expect((opened['web2'] as FakeTransport).closed).toBe(true);
	});

	it('a connection that never opens is abandoned at the deadline; if it opens later it is closed at once', async () => {
		let lateOpen!: (transport: Transport) => void;
		const late = new FakeTransport('web1');
		const connect = (host: Host): Promise<Transport> =>
			host.name === 'web1' ? new Promise(resolve => (lateOpen = resolve)) : Promise.resolve(healthyHost(host));
		const report = await checkPackHealth(pack, {connect, hostTimeoutMs: 100});
		expect(report.rows.find(row => row.host === 'web1')).toMatchObject({reachable: false});
		lateOpen(late);
		await expect.poll(() => late.closed).toBe(true);
		expect(late.execs).toEqual([]);
	});

	it('a connection that hangs on close does not hold the report past the deadline', async () => {
		const {connect} = connectAll(host => Object.assign(healthyHost(host), {close: () => forever<void>()}));
		const started = Date.now();
		await checkPackHealth(pack, {connect, hostTimeoutMs: 300});
		expect(Date.now() - started).toBeLessThan(3000);
	});

	it('never throws for a host problem: an unknown host key is a red row saying how to accept it', async () => {
		const connect = async (host: Host): Promise<Transport> => {
			if (host.name === 'web1') throw new HostKeyRejectedError({host: 'web1', address: '192.0.2.11', port: 22}, 'ssh-ed25519', 'SHA256:abc', '/root/.ssh/known_hosts');
			return healthyHost(host);
		};
		const report = await checkPackHealth(pack, {connect});
		expect(report.rows.find(row => row.host === 'web1')!.problems).toEqual([
			'unknown SSH host key — run the apply (it asks to accept the key), or pass --accept-new-host-keys',
		]);
	});

	it('a host whose state cannot be read (sudo refused) is unreachable, saying to use root or passwordless sudo', async () => {
		const {connect} = connectAll(
			host =>
				new FakeTransport(host.name, command =>
					host.name === 'web1' && isFactsCommand(command)
						? {code: -1, stderr: 'aegir-pack: sudo needs a password for admin on web1 and none was given\n'}
						: healthyAnswer(host, command),
				),
		);
		const report = await checkPackHealth(pack, {connect});
		expect(report.rows.find(row => row.host === 'web1')!.problems[0]).toMatch(/sudo needs a password .* — log in as root, or give root passwordless sudo$/);
	});

	it('stops promptly when the caller aborts, with every unfinished host marked as stopped', async () => {
		const stop = new AbortController();
		const {opened, connect} = connectAll(host => new FakeTransport(host.name, () => forever()));
		const checking = checkPackHealth(pack, {connect, signal: stop.signal, hostTimeoutMs: 60_000});
		// Abort once every host is in the middle of its first command.
		const running = () => Object.values(opened).filter(transport => (transport as FakeTransport).running > 0).length;
		await expect.poll(running).toBe(3);
		stop.abort();
		const report = await checking;
		expect(report.rows.every(row => row.problems[0]?.startsWith('check stopped before this host answered'))).toBe(true);
	});
});
