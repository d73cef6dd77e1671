// The wizard without a terminal: flags are the only answers, nothing is asked.
// Missing or bad flags come back as messages naming the flag (the CLI exits 2).
import type {Host, Pack, Problem} from '../../pack/types.js';
import type {PlanOptions} from '../../plan/options.js';
import type {WizardInit} from './types.js';
import {presetFromFlags, type WizardFlags} from './preset.js';
import {clientHosts, draftPack, reviewProblems, subnetsText} from './selectors.js';
import {initState} from './wizard-reducer.js';
import {reviewText} from './review-text.js';

export type PlainOutcome =
	| {kind: 'accepted'; pack: Pack; newHosts: Host[]; review: string}
	| {kind: 'refused'; messages: string[]; review?: string};

/** `aegir`: Aegir's web servers can be named like known hosts; those used are new hosts, saved with the pack. */
export function plainWizard(flags: WizardFlags, knownHosts: readonly Host[], aegir?: WizardInit['aegir'], planOptions?: PlanOptions): PlainOutcome {
	const preset = presetFromFlags(flags, knownHosts, aegir?.servers);
	const messages = preset.errors.map(error => error.message);
	if (flags.name === undefined) messages.push("--name is required: the pack's Aegir server name, e.g. pack.example.com");
	if (flags.master === undefined) {
		messages.push('--master is required: the name of a known host, or one defined with --host name=user@address:port');
	}
	if (messages.length > 0) return {kind: 'refused', messages: unique(messages)};

	const state = initState({hosts: [...knownHosts], packs: [], preset, ...(aegir ? {aegir} : {})});
	if (flags.subnet.length === 0 && subnetsText(state) === '' && clientHosts(state).length > 0) {
		messages.push('--subnet is required: no client has an IP address to propose a subnet from');
	}
	messages.push(...reviewProblems(state).map(flagMessage));
	const pack = draftPack(state);
	if (messages.length > 0 || !pack) return {kind: 'refused', messages: unique(messages)};

	const review = reviewText(pack, planOptions);
	if (!flags.yes) {
		return {kind: 'refused', review, messages: ['--yes is required to accept this review without a terminal']};
	}
	const newHosts = state.hosts.filter(host => state.newHosts.includes(host.name));
	return {kind: 'accepted', pack, newHosts, review};
}

const FLAG_OF_FIELD: ReadonlyArray<[prefix: string, flag: string]> = [
	['name', '--name'],
	['master', '--master'],
	['slaves', '--slave'],
	['nfsServer', '--nfs-server'],
	['exportPath', '--export-path'],
	['subnets', '--subnet'],
	['host', '--host'],
];

/** A pack problem in flag terms: "--subnet: NFS client web2 … is outside every subnet". */
function flagMessage(problem: Problem): string {
	const match = FLAG_OF_FIELD.find(([prefix]) => problem.field === prefix || problem.field.startsWith(`${prefix}.`) || problem.field.startsWith(`${prefix}[`));
	if (!match) return `${problem.field}: ${problem.message}`;
	const [prefix, flag] = match;
	return problem.field === prefix ? `${flag}: ${problem.message}` : `${flag}: ${problem.field} ${problem.message}`;
}

function unique(messages: string[]): string[] {
	return [...new Set(messages)];
}
