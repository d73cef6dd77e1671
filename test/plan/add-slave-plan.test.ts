import {tmpdir} from 'node:os';
import {describe, expect, it} from 'vitest';
import {addSlaveProblems, planAddSlave, subnetsToWiden} from '../../source/plan/add-slave-plan.js';
import type {Facts} from '../../source/plan/facts.js';
import {dropInContent} from '../../source/plan/exports-file.js';
import {RerunInputError} from '../../source/plan/reruns/errors.js';
import type {Plan} from '../../source/plan/step.js';
import {checkPlanGraph} from '../../source/run/plan-graph.js';
import {host, isNfsProbe, localDirectories, machineAt, makeFacts, makePack} from './fixtures.js';
import {runWithFacts} from './run-with-facts.js';

const PREFLIGHT = ['preflight/access', 'preflight/system', 'preflight/disk', 'preflight/aegir', 'preflight/aegir-ids'];
const WEB = ['web/config-sync', 'web/reload', 'web/stale-config'];
const NEW_SLAVE = [...PREFLIGHT, 'packages', 'nfs-client/mount-point', 'nfs-client/fstab', 'nfs-client/server-answers', 'nfs-client/mount', ...WEB];
const WIDEN = ['preflight/access', 'nfs-server/exports-file', 'nfs-server/export', 'nfs-server/service'];
const options = {configDir: tmpdir(), platformsDir: tmpdir(), localSources: localDirectories(tmpdir())};
const recorded = {aegirUid: 1500, aegirGid: 1500, lastAppliedAt: '2026-01-01T00:00:00.000Z'};

/** Add-slave plans are looked at as dry runs unless a test says otherwise. */
const runWith = (plan: Plan, factsFor: (name: string) => Facts, dryRun = true) => runWithFacts(plan, factsFor, dryRun);
const names = (plan: Plan) => plan.hosts.map(hostPlan => hostPlan.host.name);
const ids = (plan: Plan, name: string) => plan.hosts.find(hostPlan => hostPlan.host.name === name)!.steps.map(step => step.id);
const stepOf = (plan: Plan, name: string, id: string) => plan.hosts.find(hostPlan => hostPlan.host.name === name)!.steps.find(step => step.id === id)!;


describe('adding a slave inside the current subnets', () => {
	const pack = makePack({record: recorded});
	const plan = planAddSlave(pack, [host('web3', '192.0.2.13')], options);

	it('plans only the new slave: the master and existing slaves are untouched', () => {
		expect(names(plan)).toEqual(['web3']);
		expect(ids(plan, 'web3')).toEqual(NEW_SLAVE);
		expect(plan.hosts[0]!.roles).toEqual(['slave']);
		expect(plan.untouched).toEqual(['master', 'web1', 'web2']);
		expect(plan.widenedSubnets).toBeUndefined();
		expect(plan.notes).toContain('master, web1, web2: untouched (not connected to)');
		expect(() => checkPlanGraph(plan)).not.toThrow();
	});

	it('the mount waits on nothing outside the plan, and the new pack lists the slave', () => {
		expect(stepOf(plan, 'web3', 'nfs-client/mount').dependsOn).toBeUndefined();
		expect(stepOf(plan, 'web3', 'packages').title).toBe('packages nfs-common, rsync');
		expect(plan.pack.slaves.map(slave => slave.name)).toEqual(['web1', 'web2', 'web3']);
		expect(plan.pack.subnets).toEqual(['192.0.2.0/24']);
		expect(pack.slaves).toHaveLength(2);
	});

	it('a dry run connects to the new slave only', async () => {
		const {outcome, transports} = await runWith(plan, () => makeFacts());
		expect(outcome.exitCode).toBe(0);
		expect(Object.keys(transports)).toEqual(['web3']);
	});

	it('no rsync to the machine running the tool', () => {
		const local = planAddSlave(pack, [host('web3', '192.0.2.13')], {...options, thisMachine: machineAt('192.0.2.13')});
		expect(ids(local, 'web3')).toEqual(NEW_SLAVE.slice(0, -WEB.length));
		expect(stepOf(local, 'web3', 'packages').title).toBe('packages nfs-common');
	});
});

describe('adding a slave outside the current subnets', () => {
	const pack = makePack({record: recorded});
	const outside = host('web3', '198.51.100.7');

	it('widens by exactly the new address, touching only the drop-in and the export on the NFS server', () => {
		const plan = planAddSlave(pack, [outside], options);
		expect(plan.widenedSubnets).toEqual(['198.51.100.7/32']);
		expect(plan.pack.subnets).toEqual(['192.0.2.0/24', '198.51.100.7/32']);
		expect(names(plan)).toEqual(['web3', 'master']);
		expect(ids(plan, 'master')).toEqual(WIDEN);
		expect(plan.untouched).toEqual(['web1', 'web2']);
		expect(stepOf(plan, 'web3', 'nfs-client/mount').dependsOn).toEqual([{host: 'master', id: 'nfs-server/export'}]);
		expect(stepOf(plan, 'master', 'nfs-server/exports-file').dependsOn).toEqual([{host: 'web3', id: 'preflight/aegir-ids'}]);
		expect(() => checkPlanGraph(plan)).not.toThrow();
	});

	it('the dry run shows the drop-in diff adding that one line', async () => {
		const plan = planAddSlave(pack, [outside], options);
		const {outcome, events, transports} = await runWith(plan, name =>
			name === 'master' ? makeFacts({dropIn: {present: true, readable: true, content: dropInContent(pack)}}) : makeFacts(),
		);
		expect(outcome.exitCode).toBe(0);
		expect(Object.keys(transports).sort()).toEqual(['master', 'web3']);
		const finished = events.find(event => event.type === 'step-finished' && event.stepId === 'nfs-server/exports-file');
		expect(finished).toMatchObject({status: 'changed'});
		const diff = finished?.type === 'step-finished' ? finished.diff ?? '' : '';
		expect(diff.split('\n').filter(line => /^[+-][^+-]/.test(line))).toEqual(['+/var/aegir/platforms 198.51.100.7/32(rw,sync,no_subtree_check)']);
	});

	it('a separate NFS server is the one widened; the master stays untouched', () => {
		const storage = host('storage', '192.0.2.20');
		const plan = planAddSlave(makePack({nfsServer: storage}), [outside], options);
		expect(names(plan)).toEqual(['web3', 'storage']);
		expect(ids(plan, 'storage')).toEqual(WIDEN);
		expect(plan.untouched).toEqual(['master', 'web1', 'web2']);
	});

	it('an IPv6 slave outside IPv4 subnets gets a /128; of two new slaves only the one outside widens', () => {
		expect(subnetsToWiden(['192.0.2.0/24'], [host('v6', '2001:db8::7')])).toEqual(['2001:db8::7/128']);
		const plan = planAddSlave(pack, [host('web4', '192.0.2.14'), outside], options);
		expect(plan.widenedSubnets).toEqual(['198.51.100.7/32']);
		expect(names(plan)).toEqual(['web4', 'web3', 'master']);
		expect(stepOf(plan, 'master', 'nfs-server/exports-file').dependsOn).toEqual([
			{host: 'web4', id: 'preflight/aegir-ids'},
			{host: 'web3', id: 'preflight/aegir-ids'},
		]);
		expect(stepOf(plan, 'web4', 'preflight/aegir-ids').after).toEqual([
			{host: 'web4', id: 'preflight/aegir'},
			{host: 'web3', id: 'preflight/aegir'},
		]);
	});

	it('a new slave given by DNS name keeps the subnets and says the mount proves it', () => {
		const plan = planAddSlave(pack, [host('web3', 'web3.example.com')], options);
		expect(plan.widenedSubnets).toBeUndefined();
		expect(names(plan)).toEqual(['web3']);
		expect(plan.notes.some(note => note.includes('web3 is given by DNS name') && note.includes('mounting the share proves'))).toBe(true);
	});
});

describe('the uid/gid gate of an add', () => {
	it('compares the new slave with the recorded value and stops before any change', async () => {
		const plan = planAddSlave(makePack({record: recorded}), [host('web3', '198.51.100.7')], options);
		const {outcome, events, transports} = await runWith(
			plan,
			name => makeFacts({aegirUser: {name: 'aegir', uid: name === 'web3' ? 1501 : 1500, gid: 1500}}),
			false,
		);
		expect(outcome.exitCode).toBe(1);
		for (const transport of Object.values(transports)) expect(transport.execs.filter(command => !isNfsProbe(command))).toEqual([]);
		const table = events.flatMap(event => (event.type === 'notice' && event.level === 'error' ? [event.message] : []));
		expect(table).toHaveLength(1);
		expect(table[0]).toMatch(/\(recorded\)\s+1500\s+1500\n/);
		expect(table[0]).toMatch(/web3\s+1501\s+1500 {2}<- differs from \(recorded\)/);
		const exportsFile = events.find(event => event.type === 'step-finished' && event.host === 'master' && event.stepId === 'nfs-server/exports-file');
		expect(exportsFile).toMatchObject({status: 'skipped'});
	});

	it('without a record, new slaves are compared with each other (and it is said)', async () => {
		const plan = planAddSlave(makePack(), [host('web3', '192.0.2.13'), host('web4', '192.0.2.14')], options);
		expect(plan.notes.some(note => note.startsWith('no aegir uid/gid recorded'))).toBe(true);
		const {outcome} = await runWith(plan, name => makeFacts({aegirGroup: {name: 'aegir', gid: name === 'web4' ? 1600 : 1500}}), false);
		expect(outcome.exitCode).toBe(1);
		const same = await runWith(plan, () => makeFacts());
		expect(same.outcome.exitCode).toBe(0);
		expect(Object.keys(same.transports).sort()).toEqual(['web3', 'web4']);
	});
});

describe('what cannot be added', () => {
	const pack = makePack();
	it('refuses hosts already in the pack, twice listed, or nothing at all', () => {
		expect(addSlaveProblems(pack, [])).toEqual(['no host to add']);
		expect(addSlaveProblems(pack, [host('web1', '192.0.2.50')])).toEqual(['web1 is already in pack pack.example.com']);
		expect(addSlaveProblems(pack, [host('web9', '192.0.2.11')])).toEqual([
			'web9 has the address of web1 (192.0.2.11), already in pack pack.example.com',
		]);
		expect(addSlaveProblems(pack, [host('web3', '192.0.2.13'), host('web3', '192.0.2.14')])).toEqual(['web3 is listed twice']);
		expect(() => planAddSlave(pack, [host('master', '192.0.2.99')], options)).toThrow(RerunInputError);
	});
});
