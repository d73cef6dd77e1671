// Issue 10 point 8: what a host gets is written once. The whole-pack apply,
// add-slave, the review's words and status's checks all read the one list of
// source/plan/role-steps.ts; these tests hold them together.
import {tmpdir} from 'node:os';
import {describe, expect, it} from 'vitest';
import {planAddSlave} from '../../source/plan/add-slave-plan.js';
import {resolvePlanOptions} from '../../source/plan/options.js';
import {planPack} from '../../source/plan/planner.js';
import {healthChecksFor, reviewWordsFor, situationOf} from '../../source/plan/role-steps.js';
import type {Pack} from '../../source/pack/types.js';
import {CODE_SYNC_STEP} from '../../source/plan/steps/code-sync.js';
import {CONFIG_SYNC_STEP} from '../../source/plan/steps/config-sync.js';
import {host, localDirectories, makePack} from './fixtures.js';
import {trustedPackForTests} from '../pack/trusted-pack.js';

const base = {configDir: tmpdir(), platformsDir: tmpdir(), localSources: localDirectories(tmpdir())};
const shapes: Array<[string, Pack]> = [
	['master serves NFS', makePack()],
	['a separate NFS server', makePack({nfsServer: host('storage', '192.0.2.20')})],
	['a slave serves NFS', trustedPackForTests({...makePack(), nfsServer: host('web1', '192.0.2.11')})],
];

/** The step that answers for each status check id on a host that has it. */
const STEP_OF_CHECK: Record<string, string> = {
	export: 'nfs-server/export',
	'nfs-enabled': 'nfs-server/service',
	fstab: 'nfs-client/fstab',
	mount: 'nfs-client/mount',
	aegir: 'preflight/aegir',
};

describe('one list of what each role gets', () => {
	for (const [name, pack] of shapes) {
		for (const aegirMode of [false, true]) {
			it(`${name}${aegirMode ? ', Aegir here' : ''}: every status check of a host has its step in that host's plan; every host that gets steps has review words`, () => {
				const options = resolvePlanOptions({...base, aegirMode});
				const plan = planPack(pack, options);
				for (const hostPlan of plan.hosts.filter(candidate => candidate.host.name !== 'Aegir')) {
					const at = situationOf(pack, hostPlan.host, options);
					const ids = hostPlan.steps.map(step => step.id);
					for (const check of healthChecksFor(at)) {
						if (STEP_OF_CHECK[check]) expect(ids, `${hostPlan.host.name}: ${check}`).toContain(STEP_OF_CHECK[check]);
					}

					expect(reviewWordsFor(at, {options}).length, hostPlan.host.name).toBeGreaterThan(0);
					// The review says "config sync" and "code sync" exactly when the plan rsyncs them there.
					expect(reviewWordsFor(at, {options}).includes('config sync'), hostPlan.host.name).toBe(ids.includes(CONFIG_SYNC_STEP));
					expect(reviewWordsFor(at, {options}).includes('code sync'), hostPlan.host.name).toBe(ids.includes(CODE_SYNC_STEP));
				}
			});
		}
	}

	it("a slave added by add-slave gets exactly the steps a slave gets in a whole-pack apply (its gate is the record's)", () => {
		const pack = makePack({record: {aegirUid: 1500, aegirGid: 1500}});
		const web3 = host('web3', '192.0.2.13');
		const added = planAddSlave(pack, [web3], base);
		const whole = planPack(trustedPackForTests({...pack, slaves: [...pack.slaves, web3]}), base);
		const idsOf = (plan: typeof whole, hostName: string) => plan.hosts.find(hostPlan => hostPlan.host.name === hostName)!.steps.map(step => step.id);
		expect(idsOf(added, 'web3')).toEqual(idsOf(whole, 'web3'));
	});

	it('the NFS server widening its export gets the whole-pack export steps, and nothing else of its role', () => {
		const pack = makePack({record: {aegirUid: 1500, aegirGid: 1500}});
		const added = planAddSlave(pack, [host('far', '198.51.100.7')], base);
		const whole = planPack(pack, base);
		const server = (plan: typeof whole) => plan.hosts.find(hostPlan => hostPlan.host.name === 'master')!.steps.map(step => step.id);
		const widened = server(added).filter(id => id !== 'preflight/access');
		expect(widened).toEqual(server(whole).filter(id => widened.includes(id)));
		expect(widened).toEqual(['nfs-server/exports-file', 'nfs-server/export', 'nfs-server/service']);
	});
});
