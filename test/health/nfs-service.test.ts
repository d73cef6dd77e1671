import {execFileSync} from 'node:child_process';
import net from 'node:net';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {listensFor, parseServerState, parseServiceProbe, probeNfsService, serverStateCommand, serviceProbeCommand} from '../../source/health/nfs-service.js';
import type {ExecResult} from '../../source/contracts/transport.js';
import {LocalShTransport} from '../plan/local-sh-transport.js';

const result = (stdout: string, code = 0, stderr = ''): ExecResult => ({command: 'probe', code, stdout, stderr, durationMs: 1});

describe('parseServiceProbe', () => {
	it('server: a listener on the pack address, or on every address, answers', () => {
		expect(parseServiceProbe(result('ss 0\nLISTEN 0 64 127.0.1.1:2049 0.0.0.0:*\n'), 'server', '127.0.1.1')).toEqual({state: 'answering', detail: 'listening on 127.0.1.1:2049'});
		expect(parseServiceProbe(result('ss 0\nLISTEN 0 64 [::]:2049 [::]:*\n'), 'server', '192.0.2.10').state).toBe('answering');
		expect(parseServiceProbe(result('ss 0\nLISTEN 0 64 *:2049 *:*\n'), 'server', '2001:db8::1').state).toBe('answering');
	});

	it('server: nothing listening (a stopped NFS server whose exports are still in etab) does not answer', () => {
		expect(parseServiceProbe(result('ss 0\n\n'), 'server', '192.0.2.10')).toEqual({state: 'not-answering', detail: 'nothing listens on port 2049'});
		expect(parseServiceProbe(result('ss 0\nLISTEN 0 64 10.9.9.9:2049 0.0.0.0:*\n'), 'server', '192.0.2.10')).toEqual({
			state: 'not-answering',
			detail: 'nothing listens for 192.0.2.10 on port 2049',
		});
	});

	it('server known by name: any listener will do (the name may resolve to any of its addresses)', () => {
		expect(listensFor('LISTEN 0 64 10.9.9.9:2049 0.0.0.0:*', 'nfs.example.com')).toBe('10.9.9.9:2049');
	});

	it('client: connected, refused, or no answer in time', () => {
		expect(parseServiceProbe(result('tcp 0\n\n'), 'client', '192.0.2.10')).toEqual({state: 'answering', detail: '192.0.2.10 port 2049 accepts connections'});
		expect(parseServiceProbe(result('tcp 1\nbash: connect: Connection refused\nbash: line 1: /dev/tcp/192.0.2.10/2049: Connection refused\n'), 'client', '192.0.2.10')).toEqual({
			state: 'not-answering',
			detail: '192.0.2.10 port 2049: Connection refused',
		});
		expect(parseServiceProbe(result('tcp 124\n\n'), 'client', '192.0.2.10')).toEqual({state: 'not-answering', detail: '192.0.2.10 port 2049: no answer within 3 s'});
	});

	it('a probe that did not run (channel closed, timeout) is unknown, not healthy and not a dead server', () => {
		expect(parseServiceProbe(result('', -1, 'aegir-pack: no result after 10 s; channel closed\n'), 'client', '192.0.2.10')).toEqual({
			state: 'unknown',
			detail: 'could not check the NFS service: aegir-pack: no result after 10 s; channel closed',
		});
		expect(parseServiceProbe(result('none 0\nneither ss nor bash is installed\n'), 'client', 'x').state).toBe('unknown');
	});

	it('quotes the address as one argument: it never becomes shell code', () => {
		expect(serviceProbeCommand('client', "x'; reboot; '")).toMatch(/aegir-pack-health client 'x'\\''; reboot; '\\'''$/);
	});
});

const LOOPBACK = '127.0.0.77';
const hasTools = (() => {
	try {
		execFileSync('sh', ['-c', 'command -v ss && command -v bash && command -v timeout'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
})();

describe.skipIf(!hasTools)('the probe script, run by a real shell against loopback', () => {
	const transport = new LocalShTransport();
	let server: net.Server | undefined;

	beforeAll(async () => {
		server = net.createServer(socket => socket.destroy());
		await new Promise<void>((resolve, reject) => {
			server!.once('error', reject);
			server!.listen(2049, LOOPBACK, resolve);
		});
	});

	afterAll(async () => {
		await new Promise(resolve => server?.close(resolve));
	});

	it('client: connects to a listener on port 2049 and is refused where nothing listens', async () => {
		expect(await probeNfsService(transport, 'client', LOOPBACK)).toEqual({state: 'answering', detail: `${LOOPBACK} port 2049 accepts connections`});
		expect(await probeNfsService(transport, 'client', '127.0.0.78')).toEqual({state: 'not-answering', detail: '127.0.0.78 port 2049: Connection refused'});
	});

	it('server: ss sees the listener on the server address', async () => {
		expect(await probeNfsService(transport, 'server', LOOPBACK)).toEqual({state: 'answering', detail: `listening on ${LOOPBACK}:2049`});
	});
});

describe('parseServerState: the unit line, then the listener', () => {
	it('enabled and listening; what is-active says is carried, never trusted', () => {
		const state = parseServerState(result('unit 0 enabled not-running-systemd\nss 0\nLISTEN 0 64 127.0.1.1:2049 0.0.0.0:*\n'), '127.0.1.1');
		expect(state).toEqual({
			service: {state: 'answering', detail: 'listening on 127.0.1.1:2049'},
			unit: {enabled: 'enabled', enabledAtBoot: true, active: 'not running systemd'},
		});
	});

	it('disabled, masked or unknown is not enabled at boot; a dead server is not answering', () => {
		expect(parseServerState(result('unit 1 disabled active\nss 0\n\n'), '127.0.1.1')).toEqual({
			service: {state: 'not-answering', detail: 'nothing listens on port 2049'},
			unit: {enabled: 'disabled', enabledAtBoot: false, active: 'active'},
		});
		expect(parseServerState(result('unit 1 masked inactive\nss 0\n\n'), 'x').unit.enabledAtBoot).toBe(false);
		expect(parseServerState(result('unit 127 no-systemctl no-systemctl\nss 0\n\n'), 'x').unit).toEqual({enabled: 'no-systemctl', enabledAtBoot: false, active: 'no systemctl'});
	});

	it('output without the unit line (the probe did not run) is unknown, never enabled', () => {
		expect(parseServerState(result('', -1, 'channel closed\n'), 'x')).toEqual({
			service: {state: 'unknown', detail: 'could not check the NFS service: channel closed'},
			unit: {enabled: 'unknown', enabledAtBoot: false, active: 'unknown'},
		});
	});
});

describe.skipIf(!hasTools)('the server state script, run by a real shell with a systemctl on PATH that says disabled', () => {
	it('prints the unit line and the listener probe', async () => {
		const {mkdtempSync, writeFileSync, rmSync} = await import('node:fs');
		const {tmpdir} = await import('node:os');
		const dir = mkdtempSync(`${tmpdir()}/nfs-unit-`);
		try {
			writeFileSync(`${dir}/systemctl`, '#!/bin/sh\n[ "$1 $2" = "is-enabled nfs-server" ] && { echo disabled; exit 1; }\nexit 3\n', {mode: 0o755});
			const transport = new LocalShTransport({env: {PATH: `${dir}:${process.env['PATH'] ?? ''}`}});
			const state = parseServerState(await transport.exec(serverStateCommand('127.0.0.79')), '127.0.0.79');
			expect(state.unit).toMatchObject({enabled: 'disabled', enabledAtBoot: false});
			expect(state.service.state).toBe('not-answering');
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});
