// Runs a plan on fake hosts whose facts are given: no shell, no network. The
// fake transports record what would have run on each host; the live NFS
// service probes find a healthy, enabled server (listening on every address).
import type {Facts} from '../../source/plan/facts.js';
import type {Plan} from '../../source/plan/step.js';
import type {RunEvent} from '../../source/contracts/events.js';
import {runPlan} from '../../source/run/runner.js';
import {FakeTransport, type FakeAnswer} from '../run/fake-transport.js';
import {nfsProbeAnswer, refusingPrompter} from './fixtures.js';

export async function runWithFacts(
	plan: Plan,
	factsFor: (name: string) => Facts,
	dryRun = false,
	answer: (command: string) => FakeAnswer = command => nfsProbeAnswer(command, '0.0.0.0') ?? {},
) {
	const transports: Record<string, FakeTransport> = {};
	const events: RunEvent[] = [];
	for (const hostPlan of plan.hosts) hostPlan.gatherFacts = async () => factsFor(hostPlan.host.name);
	const outcome = await runPlan(plan, {
		connect: async target => (transports[target.name] = new FakeTransport(target.name, answer, () => ['new-file'])),
		prompter: refusingPrompter,
		// This machine's platforms directory, looked at by the NFS server's seed step: empty here.
		connectThisMachine: async () => new FakeTransport('this machine'),
		dryRun,
		onEvent: event => events.push(event),
	});
	return {outcome, events, transports};
}
