import {tmpdir} from 'node:os';
import {describe, expect, it} from 'vitest';
import {planAddSlave} from '../../source/plan/add-slave-plan.js';
import type {Facts} from '../../source/plan/facts.js';
import {planPack} from '../../source/plan/planner.js';
import type {Plan} from '../../source/plan/step.js';
import {computePackRecord, packAfterRun, runSucceeded} from '../../source/run/pack-record.js';
import {runPlan, type RunOutcome} from '../../source/run/runner.js';
import {host, localDirectories, makeFacts, makePack, refusingPrompter} from '../plan/fixtures.js';
import {FakeTransport} from './fake-transport.js';

const options = {configDir: tmpdir(), platformsDir: tmpdir(), localSources: localDirectories(tmpdir())};
const now = new Date('2026-11-24T21:00:00.000Z');

async function run(plan: Plan, factsFor: (name: string) => Facts, dryRun = false, signal?: AbortSignal) {
	for (const hostPlan of plan.hosts) hostPlan.gatherFacts = async () => factsFor(hostPlan.host.name);
	return runPlan(plan, {connect: async target => new FakeTransport(target.name), prompter: refusingPrompter, dryRun, signal});
}

/** Every check of the plan says ok: preflight passes, nothing to change (the config sync finds nothing new). */
const readOnlyPlan = (plan: Plan): Plan => ({
	...plan,
	hosts: plan.hosts.map(hostPlan => ({...hostPlan, steps: hostPlan.steps.filter(step => step.id.startsWith('preflight/'))})),
});

describe('the pack record after a run', () => {
	it('records the aegir uid/gid every host showed and the time, after a successful run', async () => {
		const pack = makePack();
		const outcome = await run(readOnlyPlan(planPack(pack, options)), () => makeFacts());
		expect(outcome.exitCode).toBe(0);
		expect(Object.keys(outcome.facts ?? {}).sort()).toEqual(['master', 'web1', 'web2']);
		expect(packAfterRun(pack, outcome, now)).toEqual({...pack, record: {aegirUid: 1500, aegirGid: 1500, lastAppliedAt: '2026-11-24T21:00:00.000Z'}});
	});

	it('records nothing after a failed run, a dry run or an interrupted one', async () => {
		const pack = makePack();
		const plan = planPack(pack, options);
		const failed = await run(readOnlyPlan(plan), name => makeFacts({uid: name === 'web2' ? 1000 : 0}));
		expect(failed.exitCode).toBe(1);
		expect(packAfterRun(pack, failed, now)).toBeUndefined();

		const dry = await run(readOnlyPlan(plan), () => makeFacts(), true);
		expect(dry.exitCode).toBe(0);
		expect(dry.dryRun).toBe(true);
		expect(packAfterRun(pack, dry, now)).toBeUndefined();

		const stop = new AbortController();
		stop.abort();
		const interrupted = await run(readOnlyPlan(plan), () => makeFacts(), false, stop.signal);
		expect(runSucceeded(interrupted)).toBe(false);
		expect(packAfterRun(pack, interrupted, now)).toBeUndefined();
	});

	it('an add touches some hosts only: the earlier uid/gid stay, the time moves on, the new slave is saved', async () => {
		const pack = makePack({record: {aegirUid: 1500, aegirGid: 1500, lastAppliedAt: '2026-01-01T00:00:00.000Z'}});
		const add = planAddSlave(pack, [host('web3', '192.0.2.13')], options);
		const outcome = await run(readOnlyPlan(add), () => makeFacts());
		expect(outcome.exitCode).toBe(0);
		const saved = packAfterRun(add.pack, outcome, now);
		expect(saved?.slaves.map(slave => slave.name)).toEqual(['web1', 'web2', 'web3']);
		expect(saved?.record).toEqual({aegirUid: 1500, aegirGid: 1500, lastAppliedAt: '2026-11-24T21:00:00.000Z'});
	});

	it('an add to a pack without a record does not invent one from the new hosts alone', async () => {
		const pack = makePack();
		const add = planAddSlave(pack, [host('web3', '192.0.2.13')], options);
		const outcome = await run(readOnlyPlan(add), () => makeFacts());
		expect(packAfterRun(add.pack, outcome, now)?.record).toEqual({lastAppliedAt: '2026-11-24T21:00:00.000Z'});
	});

	it('hosts that disagree (read, but the run still exited 0) leave the ids unrecorded', () => {
		const pack = makePack();
		const outcome: RunOutcome = {
			exitCode: 0,
			recap: [],
			interrupted: false,
			facts: {master: makeFacts(), web1: makeFacts(), web2: makeFacts({aegirGroup: {name: 'aegir', gid: 1501}})},
		};
		expect(computePackRecord(pack, outcome, now)).toEqual({lastAppliedAt: '2026-11-24T21:00:00.000Z'});
	});
});
