import {tmpdir} from 'node:os';
import {describe, expect, it} from 'vitest';
import {fstabLine} from '../../source/plan/fstab.js';
import {planPack} from '../../source/plan/planner.js';
import type {Plan} from '../../source/plan/step.js';
import type {RunEvent} from '../../source/contracts/events.js';
import {checkPlanGraph} from '../../source/run/plan-graph.js';
import {runPlan} from '../../source/run/runner.js';
import {FakeTransport} from '../run/fake-transport.js';
import {configuredFacts, host, isNfsProbe, localDirectories, machineAt, makeFacts, makePack, nfsProbeAnswer, refusingPrompter} from './fixtures.js';
import {runWithFacts} from './run-with-facts.js';

const PREFLIGHT = ['preflight/access', 'preflight/system', 'preflight/disk', 'preflight/aegir', 'preflight/aegir-ids'];
const SERVER = ['nfs-server/directory', 'nfs-server/seed', 'nfs-server/marker', 'nfs-server/exports-file', 'nfs-server/export', 'nfs-server/service'];
const CLIENT = ['nfs-client/mount-point', 'nfs-client/fstab', 'nfs-client/server-answers', 'nfs-client/mount'];

const ids = (plan: Plan, name: string) => plan.hosts.find(hostPlan => hostPlan.host.name === name)!.steps.map(step => step.id);
const stepOf = (plan: Plan, name: string, id: string) => plan.hosts.find(hostPlan => hostPlan.host.name === name)!.steps.find(step => step.id === id)!;
const options = {configDir: tmpdir(), platformsDir: tmpdir(), localSources: localDirectories(tmpdir())};

describe('planning pack shapes', () => {
	it('master = NFS server with two slaves', () => {
		const plan = planPack(makePack(), options);
		expect(plan.hosts.map(hostPlan => [hostPlan.host.name, hostPlan.roles])).toEqual([
			['master', ['nfs-server', 'master']],
			['web1', ['slave']],
			['web2', ['slave']],
		]);
		expect(ids(plan, 'master')).toEqual([...PREFLIGHT, 'packages', ...SERVER, 'sync/config', 'sync/platforms']);
		expect(ids(plan, 'web1')).toEqual([...PREFLIGHT, 'packages', ...CLIENT, 'sync/config']);
		expect(stepOf(plan, 'master', 'packages').title).toBe('packages nfs-kernel-server, rsync');
		expect(stepOf(plan, 'web2', 'packages').title).toBe('packages nfs-common, rsync');
		expect(stepOf(plan, 'web1', 'nfs-client/mount').dependsOn).toEqual([{host: 'master', id: 'nfs-server/export'}]);
		expect(stepOf(plan, 'web1', 'nfs-client/server-answers').dependsOn).toEqual([{host: 'master', id: 'nfs-server/service'}]);
		expect(stepOf(plan, 'web1', 'preflight/aegir-ids').after).toEqual(
			['master', 'web1', 'web2'].map(name => ({host: name, id: 'preflight/aegir'})),
		);
		expect(plan.notes).toEqual([]);
		expect(() => checkPlanGraph(plan)).not.toThrow();
	});

	it('a separate NFS server: the master mounts the share and gets no platform rsync', () => {
		const storage = host('storage', '192.0.2.20');
		const plan = planPack(makePack({nfsServer: storage}), options);
		expect(plan.hosts.map(hostPlan => hostPlan.host.name)).toEqual(['master', 'web1', 'web2', 'storage']);
		expect(plan.hosts.at(-1)!.roles).toEqual(['nfs-server']);
		expect(ids(plan, 'storage')).toEqual([...PREFLIGHT, 'packages', ...SERVER]);
		expect(stepOf(plan, 'storage', 'packages').title).toBe('packages nfs-kernel-server');
		expect(ids(plan, 'master')).toEqual([...PREFLIGHT, 'packages', ...CLIENT, 'sync/config']);
		expect(stepOf(plan, 'master', 'nfs-client/mount').dependsOn).toEqual([{host: 'storage', id: 'nfs-server/export'}]);
		expect(plan.notes).toEqual(['platform code is not rsynced to master: it mounts /var/aegir/platforms from storage']);
		expect(() => checkPlanGraph(plan)).not.toThrow();
	});

	it('zero slaves: only the master, serving NFS to nobody yet', () => {
		const plan = planPack(makePack({slaves: []}), options);
		expect(plan.hosts.map(hostPlan => hostPlan.host.name)).toEqual(['master']);
		expect(ids(plan, 'master')).toEqual([...PREFLIGHT, 'packages', ...SERVER, 'sync/config', 'sync/platforms']);
	});

	it('nothing is rsynced to the machine running the tool', () => {
		const plan = planPack(makePack(), {...options, thisMachine: machineAt('192.0.2.10')});
		expect(ids(plan, 'master')).toEqual([...PREFLIGHT, 'packages', ...SERVER]);
		expect(stepOf(plan, 'master', 'packages').title).toBe('packages nfs-kernel-server');
		expect(ids(plan, 'web1')).toContain('sync/config');
		expect(plan.notes).toEqual(['master is this machine: nothing is rsynced to it']);
	});

	it('a slave as NFS server mounts nothing and serves the others', () => {
		const pack = makePack();
		const plan = planPack({...pack, nfsServer: pack.slaves[0]!}, options);
		expect(plan.hosts.find(hostPlan => hostPlan.host.name === 'web1')!.roles).toEqual(['nfs-server', 'slave']);
		expect(ids(plan, 'web1')).toEqual([...PREFLIGHT, 'packages', ...SERVER, 'sync/config']);
		expect(ids(plan, 'master')).toEqual([...PREFLIGHT, 'packages', ...CLIENT, 'sync/config']);
		expect(() => checkPlanGraph(plan)).not.toThrow();
	});
});

describe('a whole plan on hosts that are read, not changed', () => {
	it('stops every host before any change when aegir uid/gid differ, with a table', async () => {
		const pack = makePack();
		const plan = planPack(pack, options);
		const {outcome, events, transports} = await runWithFacts(plan, name =>
			makeFacts({aegirUser: {name: 'aegir', uid: name === 'web2' ? 1501 : 1500, gid: 1500}}),
		);
		expect(outcome.exitCode).toBe(1);
		for (const transport of Object.values(transports)) {
			expect(transport.execs).toEqual([]);
			expect(transport.pushes).toEqual([]);
		}

		for (const row of outcome.recap) expect(row).toMatchObject({ok: 4, changed: 0, failed: 1});
		const notices = events.filter(event => event.type === 'notice');
		expect(notices).toHaveLength(1);
		expect(notices[0]).toMatchObject({level: 'error'});
		const table = notices[0]!.type === 'notice' ? notices[0]!.message : '';
		expect(table).toMatch(/master\s+1500\s+1500\n/);
		expect(table).toMatch(/web2\s+1501\s+1500 {2}<- differs from master/);
		expect(table).toContain('Nothing was changed on any host');
	});

	it('a re-run on a configured pack: every step ok, nothing run but reads', async () => {
		const pack = makePack();
		const plan = planPack(pack, options);
		const transports: Record<string, FakeTransport> = {};
		for (const hostPlan of plan.hosts) hostPlan.gatherFacts = async () => configuredFacts(pack, hostPlan.host.name);
		const outcome = await runPlan(plan, {
			connect: async target => (transports[target.name] = new FakeTransport(target.name, command => nfsProbeAnswer(command, pack.nfsServer.address) ?? {})),
			prompter: refusingPrompter,
		});
		expect(outcome.exitCode).toBe(0);
		for (const row of outcome.recap) expect(row).toMatchObject({changed: 0, failed: 0, skipped: 0});
		for (const transport of Object.values(transports)) {
			// Only the live NFS service probes, which read.
			expect(transport.execs.filter(command => !isNfsProbe(command))).toEqual([]);
			expect(transport.pushes.every(push => push.dryRun)).toBe(true);
		}
	});

	it('a dry run on fresh hosts: commands and exact diffs, nothing applied', async () => {
		const pack = makePack();
		const plan = planPack(pack, options);
		// Fresh hosts: no NFS server installed, nothing listening on 2049.
		const nothing = (command: string) => nfsProbeAnswer(command, pack.nfsServer.address, {enabled: false, listening: false}) ?? {};
		const {outcome, events, transports} = await runWithFacts(plan, () => makeFacts(), true, nothing);
		expect(outcome.exitCode).toBe(0);
		for (const transport of Object.values(transports)) {
			expect(transport.execs.filter(command => !isNfsProbe(command))).toEqual([]);
			expect(transport.pushes.every(push => push.dryRun)).toBe(true);
		}

		const finished = (name: string, id: string) =>
			events.find(event => event.type === 'step-finished' && event.host === name && event.stepId === id) as Extract<RunEvent, {type: 'step-finished'}>;
		expect(finished('master', 'nfs-server/exports-file').diff).toBe(
			[
				'--- /dev/null',
				'+++ /etc/exports.d/aegir-pack-pack.example.com.exports (aegir-pack)',
				'@@ -0,0 +1,2 @@',
				'+# Managed by aegir-pack for pack pack.example.com: edits here are replaced on the next apply.',
				'+/var/aegir/platforms 192.0.2.0/24(rw,sync,no_subtree_check)',
				'',
			].join('\n'),
		);
		expect(finished('web1', 'nfs-client/fstab').diff).toBe(
			['--- /etc/fstab', '+++ /etc/fstab (aegir-pack)', '@@ -1,1 +1,2 @@', ' # /etc/fstab', `+${fstabLine(pack)}`, ''].join('\n'),
		);
		expect(finished('master', 'packages').commands).toEqual([
			'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nfs-kernel-server rsync',
		]);
		expect(finished('web1', 'nfs-client/mount')).toMatchObject({status: 'changed', commands: ['mount -- /var/aegir/platforms']});
		expect(finished('master', 'nfs-server/service')).toMatchObject({
			status: 'changed',
			commands: ['systemctl enable nfs-server', 'systemctl restart nfs-server', 'wait up to 15 s for a listener on port 2049'],
		});
		// The server is not there yet: the dry run trusts the server's service step to start it.
		expect(finished('web1', 'nfs-client/server-answers')).toMatchObject({status: 'ok', message: expect.stringContaining("master's nfs-server/service starts it first")});
		expect(finished('web1', 'nfs-client/mount-point').commands).toEqual(['install -d -o aegir -g aegir -m 0755 -- /var/aegir/platforms']);
		expect(finished('master', 'sync/platforms').commands?.[0]).toMatch(/^rsync .* to 192\.0\.2\.10:\/var\/aegir\/platforms$/);
	});
});
