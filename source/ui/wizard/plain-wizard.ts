// The wizard without a terminal: flags are the only answers, nothing is asked.
// The answers become a Pack through checkAnswers (checkPack); missing or bad
// flags come back as messages naming the flag (the CLI exits 2).
import type {Host, Pack, Problem} from '../../pack/types.js';
import type {PlanOptions} from '../../plan/options.js';
import type {WizardInit} from './types.js';
import {presetFromFlags, type WizardFlags} from './preset.js';
import {acceptedWideSubnets, checkAnswers, clientHosts, subnetsText, unconsentedWideSubnets} from './selectors.js';
import {addressCount, NARROWEST_WIDE, wideSubnetReason, type SubnetWidth} from '../../pack/export-policy.js';
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
	const {pack, problems} = checkAnswers(state);
	messages.push(...(problems ?? []).map(flagMessage));
	if (messages.length > 0 || !pack) return {kind: 'refused', messages: unique(messages)};

	const review = reviewText(pack, planOptions, acceptedWideSubnets(state));
	// Consent is not a pack rule: without a terminal only the flag gives it.
	const wide = unconsentedWideSubnets(state).map(width => wideRefusal(width, pack.exportPath));
	if (wide.length > 0) return {kind: 'refused', review, messages: wide};
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

/** "--subnet 10.0.0.0/16: 65,536 addresses may mount /var/aegir/platforms (wider than /24); give …, or pass --allow-wide-export". */
function wideRefusal(width: SubnetWidth, exportPath: string): string {
	const tooWide = width.prefix < NARROWEST_WIDE[width.family];
	const instead = tooWide ? `give each client's address or a network of at most /${NARROWEST_WIDE[width.family]}` : "give each client's address";
	return `--subnet ${width.cidr}: ${addressCount(width)} may mount ${exportPath} (${wideSubnetReason(width)}); ${instead}, or pass --allow-wide-export`;
}

function unique(messages: string[]): string[] {
	return [...new Set(messages)];
}
