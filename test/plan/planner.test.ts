import {tmpdir} from 'node:os';
import {describe, expect, it} from 'vitest';
import {fstabLine, fstabTag} from '../../source/plan/fstab.js';
import {planPack} from '../../source/plan/planner.js';
import type {Plan} from '../../source/plan/step.js';
import type {RunEvent} from '../../source/contracts/events.js';
import {checkPlanGraph} from '../../source/run/plan-graph.js';
import {runPlan} from '../../source/run/runner.js';
import {FakeTransport} from '../run/fake-transport.js';
import {configuredFacts, host, isNfsProbe, localDirectories, machineAt, makeFacts, makePack, nfsProbeAnswer, refusingPrompter} from './fixtures.js';
import {runWithFacts} from './run-with-facts.js';
import {trustedPackForTests} from '../pack/trusted-pack.js';
import {CODE_TARGET_STATE_SCRIPT, WEB_CONFIG_STATE_SCRIPT} from '../../source/shell/web-config-scripts.js';
import {commandLine} from '../../source/shell/quote.js';

/** The web steps' read-only looks at a head (the config dir, the code destination). */
const isStateRead = (command: string) =>
	[WEB_CONFIG_STATE_SCRIPT, CODE_TARGET_STATE_SCRIPT].some(script => command.startsWith(commandLine(['sh', '-c', script])));

const PREFLIGHT = ['preflight/access', 'preflight/system', 'preflight/disk', 'preflight/aegir', 'preflight/aegir-ids'];
const SERVER = ['nfs-server/directory', 'nfs-server/seed', 'nfs-server/marker', 'nfs-server/exports-file', 'nfs-server/export', 'nfs-server/service'];
const CLIENT = ['nfs-client/mount-point', 'nfs-client/fstab', 'nfs-client/server-answers', 'nfs-client/mount'];
/** A web head's own config, its test and reload, then the removal of what an earlier version copied. */
const WEB = ['web/config-sync', 'web/reload', 'web/stale-config'];
const MASTER_WEB = ['web/code-sync', ...WEB];

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
		expect(ids(plan, 'master')).toEqual([...PREFLIGHT, 'packages', ...SERVER, ...MASTER_WEB]);
		expect(ids(plan, 'web1')).toEqual([...PREFLIGHT, 'packages', ...CLIENT, ...WEB]);
		expect(stepOf(plan, 'master', 'web/code-sync').dependsOn).toEqual([{host: 'master', id: 'nfs-server/directory'}]);
		// A slave's vhosts include the platform's code: its config test waits for the master's copy.
		expect(stepOf(plan, 'web1', 'web/reload').after).toEqual([{host: 'master', id: 'web/code-sync'}]);
		expect(stepOf(plan, 'master', 'web/reload').after).toBeUndefined();
		expect(stepOf(plan, 'web1', 'web/stale-config').dependsOn).toEqual([
			{host: 'web1', id: 'web/config-sync'},
			{host: 'web1', id: 'web/reload'},
		]);
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

	it('a separate NFS server: the master mounts the share and gets the code through it', () => {
		const storage = host('storage', '192.0.2.20');
		const plan = planPack(makePack({nfsServer: storage}), options);
		expect(plan.hosts.map(hostPlan => hostPlan.host.name)).toEqual(['master', 'web1', 'web2', 'storage']);
		expect(plan.hosts.at(-1)!.roles).toEqual(['nfs-server']);
		expect(ids(plan, 'storage')).toEqual([...PREFLIGHT, 'packages', ...SERVER]);
		expect(stepOf(plan, 'storage', 'packages').title).toBe('packages nfs-kernel-server');
		expect(ids(plan, 'master')).toEqual([...PREFLIGHT, 'packages', ...CLIENT, ...MASTER_WEB]);
		expect(stepOf(plan, 'master', 'nfs-client/mount').dependsOn).toEqual([{host: 'storage', id: 'nfs-server/export'}]);
		// As aegir, through the master's own mount (root squash does not get in the way).
		expect(stepOf(plan, 'master', 'web/code-sync').dependsOn).toEqual([{host: 'master', id: 'nfs-client/mount'}]);
		expect(plan.notes).toEqual([]);
		expect(() => checkPlanGraph(plan)).not.toThrow();
	});

	it('zero slaves: only the master, serving NFS to nobody yet', () => {
		const plan = planPack(makePack({slaves: []}), options);
		expect(plan.hosts.map(hostPlan => hostPlan.host.name)).toEqual(['master']);
		expect(ids(plan, 'master')).toEqual([...PREFLIGHT, 'packages', ...SERVER, ...MASTER_WEB]);
	});

	it('nothing is rsynced to the machine running the tool', () => {
		const plan = planPack(makePack(), {...options, thisMachine: machineAt('192.0.2.10')});
		expect(ids(plan, 'master')).toEqual([...PREFLIGHT, 'packages', ...SERVER]);
		expect(stepOf(plan, 'master', 'packages').title).toBe('packages nfs-kernel-server');
		expect(ids(plan, 'web1')).toEqual([...PREFLIGHT, 'packages', ...CLIENT, ...WEB]);
		// No code sync in the plan: the slaves' reloads wait for nothing.
		expect(stepOf(plan, 'web1', 'web/reload').after).toBeUndefined();
		expect(plan.notes).toEqual(['master is this machine: nothing is rsynced to it']);
	});

	it('a slave as NFS server mounts nothing and serves the others', () => {
		const pack = makePack();
		const plan = planPack(trustedPackForTests({...pack, nfsServer: pack.slaves[0]!}), options);
		expect(plan.hosts.find(hostPlan => hostPlan.host.name === 'web1')!.roles).toEqual(['nfs-server', 'slave']);
		expect(ids(plan, 'web1')).toEqual([...PREFLIGHT, 'packages', ...SERVER, ...WEB]);
		expect(ids(plan, 'master')).toEqual([...PREFLIGHT, 'packages', ...CLIENT, ...MASTER_WEB]);
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

	it('leaves the own rsync steps out when Aegir itself syncs config and code; the reload stays for the tool\'s own changes', () => {
		const plan = planPack(makePack(), {...options, aegirMode: true});
		expect(ids(plan, 'master')).toEqual([...PREFLIGHT, 'packages', ...SERVER, 'web/reload']);
		expect(ids(plan, 'web1')).toEqual([...PREFLIGHT, 'packages', ...CLIENT, 'web/reload']);
		expect(stepOf(plan, 'web1', 'web/reload').after).toBeUndefined();
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
			// Only read-only looks: the live NFS service probes and the web steps' state reads.
			expect(transport.execs.filter(command => !isNfsProbe(command) && !isStateRead(command))).toEqual([]);
			expect(transport.pushes.every(push => push.dryRun)).toBe(true);
		}
	});

	it('a dry run on fresh hosts: commands and exact diffs, nothing applied', async () => {
		const pack = makePack();
		const withPlatform = {...options, localSources: {[tmpdir()]: {state: 'directory' as const, entries: [{path: 'drupal-10', type: 'directory' as const}], sites: []}}};
		const plan = planPack(pack, withPlatform);
		// Fresh hosts: no NFS server installed, nothing listening on 2049.
		const nothing = (command: string) => nfsProbeAnswer(command, pack.nfsServer.address, {enabled: false, listening: false}) ?? {};
		const {outcome, events, transports} = await runWithFacts(plan, () => makeFacts(), true, nothing);
		expect(outcome.exitCode).toBe(0);
		for (const transport of Object.values(transports)) {
			expect(transport.execs.filter(command => !isNfsProbe(command) && !isStateRead(command))).toEqual([]);
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
			['--- /etc/fstab', '+++ /etc/fstab (aegir-pack)', '@@ -1,1 +1,3 @@', ' # /etc/fstab', `+${fstabTag(pack.name)}`, `+${fstabLine(pack)}`, ''].join('\n'),
		);
		expect(finished('master', 'packages').commands).toEqual([
			'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nfs-kernel-server rsync',
		]);
		// Issue 11: the mount point is created refusing a link, and the share mounted onto the checked directory with nosuid,nodev.
		expect(finished('web1', 'nfs-client/mount')).toMatchObject({
			status: 'changed',
			commands: [
				'mount -t nfs -o rw,hard,_netdev,nofail,nosuid,nodev -- 192.0.2.10:/var/aegir/platforms /var/aegir/platforms (onto the checked directory itself: a symbolic link there is refused)',
			],
		});
		expect(finished('master', 'nfs-server/service')).toMatchObject({
			status: 'changed',
			commands: ['systemctl enable nfs-server', 'systemctl restart nfs-server', 'wait up to 15 s for a listener on port 2049'],
		});
		// The server is not there yet: the dry run trusts the server's service step to start it.
		expect(finished('web1', 'nfs-client/server-answers')).toMatchObject({status: 'ok', message: expect.stringContaining("master's nfs-server/service starts it first")});
		expect(finished('web1', 'nfs-client/mount-point').commands).toEqual(['mkdir -m 0755 -- /var/aegir/platforms (owned by aegir; a symbolic link there is refused)']);
		expect(finished('master', 'web/code-sync')).toMatchObject({status: 'changed', message: 'would send 1 platform(s) (0 site(s), without their files/ and private/)'});
		expect(finished('master', 'web/code-sync').commands?.[0]).toMatch(
			/^rsync -az .* --include=sites\/all '--exclude=sites\/\*' --relative --keep-dirlinks --omit-dir-times --delete --max-delete=100 '--rsync-path=runuser -u aegir -- rsync' \S+\/\.\/drupal-10 192\.0\.2\.10:\/var\/aegir\/platforms\/$/,
		);
	});
});
