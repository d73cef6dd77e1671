// Aegir's own sync, as steps of a pack pane: with Aegir on this machine, the
// drush commands of source/aegir/verify-plan.ts run here, as the aegir user,
// one step each, in order, on a host of the plan that is this machine ("Aegir").
// Each waits for the hosts it is about (NFS in place, everything else of
// theirs done); its check says whether it must run and why, a dry run lists
// the exact command line, and its output streams into this pane.

import {asAegirUser, WEB_PACK_FEATURE_HELP, webPackFeatureEnabled} from '../../aegir/registration.js';
import {aegirVerifyPlan, type DrushDecision, type DrushSpec, type VerifyRuntime} from '../../aegir/verify-plan.js';
import {StepFailedError, tail} from '../../contracts/command-error.js';
import type {Host, Pack} from '../../pack/types.js';
import {commandLine} from '../../shell/quote.js';
import type {Facts} from '../facts.js';
import type {ResolvedPlanOptions} from '../options.js';
import type {CheckContext, CheckResult, HostPlan, Step, StepRef} from '../step.js';

/** The pane of Aegir's commands: upper case, so never a pack host's name (those are lower case). */
export const AEGIR_HOST_NAME = 'Aegir';

/** A verify may copy a whole platform to the master: give it time. */
const DRUSH_TIMEOUT_MS = 60 * 60 * 1000;

/** The Aegir pane runs on this machine: no facts to read there. */
const NO_FACTS: Facts = {
	hostname: AEGIR_HOST_NAME,
	commands: [],
	packages: {},
	freeKb: {},
	fstab: {present: false},
	dropIn: {present: false},
	mountProbeAnswered: true,
	sharedDir: {state: 'missing'},
	marker: {present: false},
};

export function isAegirHost(host: Pick<Host, 'name'>): boolean {
	return host.name === AEGIR_HOST_NAME;
}

function runtimeOf(context: CheckContext): VerifyRuntime {
	return {
		webServerOf: name => context.aegir?.webServerOf?.(name),
		changed: (hostName, ids) => ids.some(id => context.stepStatus?.({host: hostName, id}) === 'changed'),
	};
}

/** Aegir's verify reaches the member over ssh as aegir: say what fixes that when it cannot. */
function hintFor(output: string): string | undefined {
	if (/Permission denied \(publickey|Host key verification failed/.test(output)) {
		return "Aegir could not reach the member over ssh as aegir: run with --aegir-prerequisites (its key and known host)";
	}

	return undefined;
}

function drushStep(spec: DrushSpec, options: ResolvedPlanOptions, waitsFor: StepRef[]): Step {
	const asAegir = (argv: string[]) => asAegirUser(argv, {currentUser: options.aegir.currentUser, aegirUser: options.aegirUser});
	const decide = (context: CheckContext): DrushDecision => spec.decide(runtimeOf(context));
	return {
		id: spec.id,
		title: spec.title,
		host: AEGIR_HOST_NAME,
		dependsOn: waitsFor,
		check(context): CheckResult {
			const decision = decide(context);
			if ('problem' in decision) return {state: 'fail', message: decision.problem};
			if (!decision.run) return {state: 'ok', message: decision.why};
			// The exact line, so a dry run's plain output lists what the run would run.
			const line = commandLine(asAegir(decision.argv));
			return {state: 'change', message: `run ${line} (${decision.why})`, commands: [line]};
		},
		async apply(context) {
			const decision = decide(context);
			if ('problem' in decision) throw new StepFailedError(decision.problem);
			if (!decision.run) return {status: 'ok', message: decision.why};
			const line = commandLine(asAegir(decision.argv));
			const result = await context.transport.exec(line, {timeoutMs: DRUSH_TIMEOUT_MS});
			const subject = decision.argv.find(arg => arg.startsWith('@')) ?? 'Aegir';
			if (result.code !== 0) {
				const hint = hintFor(`${result.stdout}\n${result.stderr}`);
				const what = spec.featureCheck ? 'the Web pack feature check' : `${decision.argv.find(arg => /^(provision|hosting)-/.test(arg)) ?? 'drush'} of ${subject}`;
				throw new StepFailedError(`${what} failed (exit code ${result.code})${hint ? `: ${hint}` : ''}`, {
					command: result.command,
					code: result.code,
					stderrTail: tail(result.stderr || result.stdout, 8),
				});
			}

			if (spec.featureCheck) {
				if (!webPackFeatureEnabled(result.stdout)) throw new StepFailedError(WEB_PACK_FEATURE_HELP);
				return {status: 'ok', message: 'hosting_web_pack is enabled'};
			}

			return {message: `done (${decision.why})`};
		},
		// drush's exit code is the proof; checking again would ask the same question of an unchanged record.
		async verify() {},
	};
}

export type AegirHostInput = {
	/** The pack as it is once the run succeeds. */
	pack: Pack;
	options: ResolvedPlanOptions;
	/** The pack hosts of this plan, each with its steps. */
	hostPlans: readonly HostPlan[];
};

/** The last step of a host's plan: once it passed, everything of that host did. */
const lastOf = (hostPlan: HostPlan): StepRef[] => {
	const last = hostPlan.steps.at(-1);
	return last ? [{host: hostPlan.host.name, id: last.id}] : [];
};

/**
 * The Aegir pane's plan, or undefined outside Aegir mode. Registration
 * problems (a context that is not a web server, a pack name Aegir uses for
 * something else) fail its first step, after the hosts' own steps ran.
 */
export function aegirHostPlan(input: AegirHostInput): HostPlan | undefined {
	const {pack, options, hostPlans} = input;
	if (!options.aegirMode) return undefined;
	const members = [pack.master, ...pack.slaves].map(host => host.name).filter(name => hostPlans.some(hostPlan => hostPlan.host.name === name));
	const verify = aegirVerifyPlan({pack, members, knowledge: options.aegir, ...(pack.record?.aegir ? {record: pack.record.aegir} : {})});
	const everyHost = hostPlans.flatMap(lastOf);
	const memberLast = (name: string) => hostPlans.filter(hostPlan => hostPlan.host.name === name).flatMap(lastOf);
	const steps: Step[] =
		verify.problems.length > 0
			? [problemStep(verify.problems, everyHost)]
			: verify.specs.map(spec => drushStep(spec, options, spec.member ? memberLast(spec.member) : everyHost));
	const host: Host = {name: AEGIR_HOST_NAME, address: 'localhost', port: 0, user: options.aegir.currentUser};
	return {host, roles: ['aegir-server'], steps, gatherFacts: async () => NO_FACTS};
}

function problemStep(problems: string[], waitsFor: StepRef[]): Step {
	const message = problems.map(problem => `cannot register in Aegir: ${problem}`).join('; ');
	return {
		id: 'aegir/register',
		title: 'the pack in Aegir',
		host: AEGIR_HOST_NAME,
		dependsOn: waitsFor,
		check: () => ({state: 'fail', message}),
		async apply() {
			throw new StepFailedError(message);
		},
	};
}

/** Notes worth saying before the run (a member Aegir knows under another name, an IPv6 literal). */
export function aegirNotes(pack: Pack, options: ResolvedPlanOptions, members: readonly string[]): string[] {
	if (!options.aegirMode) return [];
	return aegirVerifyPlan({pack, members, knowledge: options.aegir}).notes;
}
