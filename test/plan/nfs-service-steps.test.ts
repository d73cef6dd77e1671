// The NFS server's service step and a client's wait for the server, on fake
// hosts: what each check reads, the exact commands it shows, and what the
// apply runs.
import {describe, expect, it} from 'vitest';
import {nfsServiceStep, serverAnswersStep, SERVICE_STEP} from '../../source/plan/steps/nfs-service.js';
import type {CheckContext} from '../../source/plan/step.js';
import {FakeTransport} from '../run/fake-transport.js';
import {makeContext, makeFacts, makePack, nfsProbeAnswer} from './fixtures.js';

const pack = makePack();
const installed = makeFacts({packages: {'nfs-kernel-server': {status: 'ii', version: '1', installed: true}}});
const serverRef = {host: 'master', id: SERVICE_STEP};

function serverHost(state: {enabled?: boolean; listening?: boolean}, after?: {enabled?: boolean; listening?: boolean}) {
	let applied = false;
	return new FakeTransport('master', command => {
		if (command.includes('aegir-pack-nfs-service')) {
			applied = true;
			return {output: 'aegir-pack: restarted nfs-server\n'};
		}

		return nfsProbeAnswer(command, pack.nfsServer.address, applied && after ? after : state) ?? {};
	});
}

describe('nfs-server/service', () => {
	const step = nfsServiceStep(pack.master, pack);

	it('enabled and listening for the server address: ok, one read', async () => {
		const transport = serverHost({});
		expect(await step.check(makeContext(transport, installed))).toEqual({
			state: 'ok',
			message: 'enabled at boot; listening on 192.0.2.10:2049 (systemd: not running systemd)',
		});
		expect(transport.execs).toHaveLength(1);
		expect(transport.execs[0]).toMatch(/aegir-pack-nfs-server 192\.0\.2\.10$/);
	});

	it('enabled and listening in the facts (read in the batched command): ok, no read of its own; anything else is read again live', async () => {
		expect(step.reads).toEqual({nfsServer: {address: '192.0.2.10'}});
		const transport = serverHost({listening: false});
		const listening = {...installed, reads: {nfsServer: {code: 0, stdout: nfsProbeAnswer('aegir-pack-nfs-server', '192.0.2.10')!.output}}};
		expect(await step.check(makeContext(transport, listening))).toMatchObject({state: 'ok'});
		expect(transport.execs).toEqual([]);
		const silent = {...installed, reads: {nfsServer: {code: 0, stdout: nfsProbeAnswer('aegir-pack-nfs-server', '192.0.2.10', {listening: false})!.output}}};
		expect(await step.check(makeContext(transport, silent))).toMatchObject({state: 'change'});
		expect(transport.execs).toHaveLength(1);
	});

	it('a server that died after a good run (exports still listed): restart it, shown exactly', async () => {
		const check = await step.check(makeContext(serverHost({listening: false}), installed));
		expect(check).toEqual({
			state: 'change',
			message: 'start it (nothing listens on port 2049)',
			commands: ['systemctl restart nfs-server', 'wait up to 15 s for a listener on port 2049'],
		});
	});

	it('disabled for boot: enable it; the apply enables (no restart: it listens), then reads again', async () => {
		const transport = serverHost({enabled: false}, {});
		const check = await step.check(makeContext(transport, installed));
		expect(check).toMatchObject({state: 'change', message: 'enable nfs-server at boot (it is disabled)', commands: ['systemctl enable nfs-server', 'wait up to 15 s for a listener on port 2049']});
		const context = makeContext(transport, installed);
		expect(await step.apply(context)).toEqual({message: 'enabled at boot'});
		const applied = transport.execs.find(command => command.includes('aegir-pack-nfs-service'))!;
		expect(applied).toMatch(/aegir-pack-nfs-service yes no$/);
		await step.verify!(context);
	});

	it('both: enable and restart in one script; a verify that still finds it silent fails', async () => {
		const transport = serverHost({enabled: false, listening: false}, {enabled: true, listening: false});
		const context = makeContext(transport, installed);
		await step.apply(context);
		expect(transport.execs.find(command => command.includes('aegir-pack-nfs-service'))).toMatch(/aegir-pack-nfs-service yes yes$/);
		await expect(step.verify!(context)).rejects.toThrow('applied, but the check still says: start it (nothing listens on port 2049)');
	});

	it('before nfs-kernel-server is installed (a dry run on a fresh host): what the apply will do, no failure', async () => {
		const transport = new FakeTransport('master', () => ({output: 'unit 1 unknown not-running-systemd\nss 0\n\n'}));
		expect(await step.check(makeContext(transport, makeFacts()))).toMatchObject({state: 'change', message: 'enable nfs-server at boot (it is unknown); start it (nothing listens on port 2049) once nfs-kernel-server is installed'});
	});

	it('a probe that did not answer on an installed server fails the step, never a guess', async () => {
		const transport = new FakeTransport('master', () => ({code: -1, stderr: 'timed out\n'}));
		expect(await step.check(makeContext(transport, installed))).toEqual({state: 'fail', message: 'could not check the NFS service: timed out'});
	});
});

describe('nfs-client/server-answers', () => {
	const client = pack.slaves[0]!;

	it('waits on the server: probes the server address from the client, with retries outside a dry run', async () => {
		const step = serverAnswersStep(client, pack, serverRef);
		expect(step.dependsOn).toEqual([serverRef]);
		const transport = new FakeTransport('web1', command => nfsProbeAnswer(command, pack.nfsServer.address) ?? {});
		expect(await step.check(makeContext(transport, makeFacts()))).toEqual({state: 'ok', message: '192.0.2.10 port 2049 accepts connections'});
		expect(transport.execs[0]).toMatch(/aegir-pack-nfs-wait 192\.0\.2\.10 4$/);
	});

	it('answering in its facts (share mounted) and the server step found it running: ok without a probe of its own; otherwise probed live', async () => {
		const step = serverAnswersStep(client, pack, serverRef);
		expect(step.reads).toEqual({serverAnswers: {address: '192.0.2.10'}});
		const transport = new FakeTransport('web1', command => nfsProbeAnswer(command, pack.nfsServer.address) ?? {});
		const answered = makeFacts({reads: {serverAnswers: {code: 0, stdout: 'tcp 0\n'}}});
		expect(await step.check(makeContext(transport, answered, {stepStatus: () => 'ok'}))).toEqual({state: 'ok', message: '192.0.2.10 port 2049 accepts connections'});
		expect(transport.execs).toEqual([]);
		// The server step restarted it: its port is probed again, now.
		expect(await step.check(makeContext(transport, answered, {stepStatus: () => 'changed'}))).toMatchObject({state: 'ok'});
		expect(transport.execs).toHaveLength(1);
		// Not answering when the facts were read: probed live (with retries).
		const refused = makeFacts({reads: {serverAnswers: {code: 0, stdout: 'tcp 1\nConnection refused\n'}}});
		await step.check(makeContext(transport, refused, {stepStatus: () => 'ok'}));
		expect(transport.execs).toHaveLength(2);
	});

	it('a server that does not answer: fails before mount.nfs would wait two minutes, saying what to do', async () => {
		const step = serverAnswersStep(client, pack);
		const transport = new FakeTransport('web1', command => nfsProbeAnswer(command, pack.nfsServer.address, {listening: false}) ?? {});
		expect(await step.check(makeContext(transport, makeFacts()))).toEqual({
			state: 'fail',
			message:
				'NFS server master (192.0.2.10) does not answer on port 2049 (192.0.2.10 port 2049: Connection refused): not mounting (mount.nfs would wait about 2 minutes). Run the apply again, or on master: systemctl restart nfs-server',
		});
	});

	it('a dry run trusts the server step of the same plan when it would start the server, and only then', async () => {
		const step = serverAnswersStep(client, pack, serverRef);
		const transport = new FakeTransport('web1', command => nfsProbeAnswer(command, pack.nfsServer.address, {listening: false}) ?? {});
		const dry = (status: 'ok' | 'changed') => makeContext(transport, makeFacts(), {dryRun: true, stepStatus: () => status}) as CheckContext;
		expect(await step.check(dry('changed'))).toMatchObject({state: 'ok', message: expect.stringContaining("master's nfs-server/service starts it first")});
		expect(await step.check(dry('ok'))).toMatchObject({state: 'fail'});
		expect(transport.execs.at(-1)).toMatch(/aegir-pack-nfs-wait 192\.0\.2\.10 1$/);
	});
});
