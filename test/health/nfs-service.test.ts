import {execFileSync} from 'node:child_process';
import net from 'node:net';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {listensFor, parseServiceProbe, probeNfsService, serviceProbeCommand} from '../../source/health/nfs-service.js';
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
