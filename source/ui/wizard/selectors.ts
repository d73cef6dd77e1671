// Derived views of the wizard state: the draft pack, the problems of each step,
// and the confirmed Pack (the draft through checkPack). Pure functions over
// WizardState; the screens and the reducer share them.
import {checkPack, type PackCheck} from '../../pack/check-pack.js';
import {addressCount, subnetWidth, wideExportSentence, wideSubnets, type SubnetWidth} from '../../pack/export-policy.js';
import {proposeSubnets, sharedPrivateNetwork} from '../../pack/subnets.js';
import {showValue} from '../../pack/text.js';
import {
	DEFAULT_EXPORT_OPTIONS,
	DEFAULT_MOUNT_OPTIONS,
	DEFAULT_SSH_PORT,
	DEFAULT_SSH_USER,
	type Host,
	type Pack,
	type PackFields,
	type Problem,
} from '../../pack/types.js';
import {
	parseSubnetList,
	validateExportPath,
	validateHost,
	validatePackName,
} from '../../pack/validate.js';
import type {AddHostField, AddHostForm, Answers, StepId, WizardState} from './types.js';

export function findHost(hosts: readonly Host[], name: string | undefined): Host | undefined {
	if (name === undefined) return undefined;
	return hosts.find(host => host.name === name);
}

/** Name of the NFS server host, following the master when that is the choice. */
export function nfsServerName(answers: Answers): string | undefined {
	return answers.nfsServer.kind === 'master' ? answers.master : answers.nfsServer.name;
}

/** Web heads that will mount the share: master and slaves, except the NFS server. */
export function clientHosts(state: WizardState): Host[] {
	const server = nfsServerName(state.answers);
	const names = [state.answers.master, ...state.answers.slaves].filter(
		(name): name is string => name !== undefined && name !== server,
	);
	return names.map(name => findHost(state.hosts, name)).filter((host): host is Host => host !== undefined);
}

/** The proposal shown while the field is not typed over: each client's address, or their network when picked. */
export function proposedSubnets(state: WizardState): string[] {
	const addresses = clientHosts(state).map(host => host.address);
	const network = state.answers.subnetProposal === 'network' ? sharedPrivateNetwork(addresses) : undefined;
	return network ? [network] : proposeSubnets(addresses);
}

/** The clients' small private network, offered beside their own addresses while the field shows a proposal. */
export function sharedNetworkOffer(state: WizardState): string | undefined {
	if (state.answers.subnetsEdited) return undefined;
	return sharedPrivateNetwork(clientHosts(state).map(host => host.address));
}

/** The subnets field: what the user typed, or our proposal while they have not typed. */
export function subnetsText(state: WizardState): string {
	return state.answers.subnetsEdited ? state.answers.subnetsText : proposedSubnets(state).join(', ');
}

/** Wide subnets in the answers that the user has not agreed to in this session. */
export function unconsentedWideSubnets(state: WizardState): SubnetWidth[] {
	const {subnets} = parseSubnetList(subnetsText(state));
	return wideSubnets(subnets).filter(width => !state.answers.wideConsent.includes(width.cidr));
}

/** The open wide-export question as lines: one per subnet, then the question itself. */
export function wideQuestionLines(state: WizardState): string[] {
	const subnets = state.wideQuestion?.subnets ?? [];
	return [
		...subnets.map(cidr => `${wideExportSentence(subnetWidth(cidr), state.answers.exportPath)}.`),
		`Export ${subnets.length === 1 ? 'that' : 'those'} wide? Any machine there could change the code of every site.`,
	];
}

/** For the review: the wide subnets accepted in this session, with their size. */
export function acceptedWideSubnets(state: WizardState): string[] {
	const {subnets} = parseSubnetList(subnetsText(state));
	return wideSubnets(subnets)
		.filter(width => state.answers.wideConsent.includes(width.cidr))
		.map(width => `wide export accepted: ${width.cidr} (${addressCount(width)})`);
}

export function nameProblems(state: WizardState): Problem[] {
	return validatePackName(state.answers.name);
}

export function exportPathProblems(state: WizardState): Problem[] {
	return validateExportPath(state.answers.exportPath);
}

export function subnetProblems(state: WizardState): Problem[] {
	const {problems} = parseSubnetList(subnetsText(state));
	if (problems.length > 0) return problems;
	// Whether every NFS client may mount is a whole-pack rule: ask the model, keep its subnet findings.
	const pack = draftPack(state);
	return pack ? (checkPack(pack).problems ?? []).filter(problem => problem.field === 'subnets') : [];
}

/** Problems that keep a step from being passed (used to re-open steps flags answered badly). */
export function stepProblems(state: WizardState, step: StepId): Problem[] {
	switch (step) {
		case 'name':
			return nameProblems(state);
		case 'master':
			return findHost(state.hosts, state.answers.master) ? [] : [{field: 'master', message: 'pick the master'}];
		case 'slaves':
			return state.answers.slaves
				.filter(name => !findHost(state.hosts, name))
				.map(name => ({field: 'slaves', message: `no host named ${name}`}));
		case 'nfsServer':
			return findHost(state.hosts, nfsServerName(state.answers))
				? []
				: [{field: 'nfsServer', message: 'pick the NFS server'}];
		case 'export':
			return [...exportPathProblems(state), ...subnetProblems(state)];
		default:
			return [];
	}
}

/** The pack as answered so far (not checked), or undefined while a host is still missing. */
export function draftPack(state: WizardState): PackFields | undefined {
	const master = findHost(state.hosts, state.answers.master);
	const nfsServer = findHost(state.hosts, nfsServerName(state.answers));
	if (!master || !nfsServer) return undefined;
	const slaves = state.answers.slaves
		.map(name => findHost(state.hosts, name))
		.filter((host): host is Host => host !== undefined);
	const pack: PackFields = {
		name: state.answers.name,
		master,
		slaves,
		nfsServer,
		exportPath: state.answers.exportPath,
		subnets: parseSubnetList(subnetsText(state)).subnets,
		exportOptions: state.base?.exportOptions ?? DEFAULT_EXPORT_OPTIONS,
		mountOptions: state.base?.mountOptions ?? DEFAULT_MOUNT_OPTIONS,
	};
	if (state.base?.record) pack.record = state.base.record;
	return pack;
}

/** The answers as a Pack (the draft through checkPack), or everything that keeps the review from being confirmed. */
export function checkAnswers(state: WizardState): PackCheck {
	const pack = draftPack(state);
	if (!pack) {
		return {
			problems: [
				...stepProblems(state, 'master'),
				...stepProblems(state, 'nfsServer'),
			],
		};
	}
	const checked = checkPack(pack);
	const problems = [...(checked.problems ?? []), ...stepProblems(state, 'export')];
	if (checked.pack && problems.length === 0) return checked;
	// The same problem can come from both checks: show it once.
	const seen = new Set<string>();
	return {
		problems: problems.filter(problem => {
			const key = `${problem.field}\u0000${problem.message}`;
			if (seen.has(key)) return false;
			seen.add(key);
			return true;
		}),
	};
}

/** Everything that keeps the review from being confirmed. */
export function reviewProblems(state: WizardState): Problem[] {
	return checkAnswers(state).problems ?? [];
}

/** The Pack to save when the review is confirmed; undefined while it has problems. */
export function confirmedPack(state: WizardState): Pack | undefined {
	return checkAnswers(state).pack;
}

/** The host the add-host form describes (empty user and port mean the defaults). */
export function formHost(form: AddHostForm): Host {
	const {name, address, user, port} = form.values;
	const portText = port.trim();
	return {
		name: name.trim(),
		address: address.trim(),
		user: user.trim() === '' ? DEFAULT_SSH_USER : user.trim(),
		port: portText === '' ? DEFAULT_SSH_PORT : /^\d+$/.test(portText) ? Number(portText) : Number.NaN,
	};
}

const FORM_FIELDS: readonly AddHostField[] = ['name', 'address', 'user', 'port'];

/** Problems of the add-host form, each tied to the form field it belongs to. */
export function addHostProblems(form: AddHostForm, hosts: readonly Host[]): Array<Problem & {formField: AddHostField}> {
	const host = formHost(form);
	const problems = validateHost(host, 'host').map(problem => ({
		...problem,
		formField: formFieldOf(problem.field),
	}));
	// The model sees a number; the user typed text: say what was typed, not "NaN".
	const portText = form.values.port.trim();
	if (Number.isNaN(host.port)) {
		const index = problems.findIndex(problem => problem.formField === 'port');
		const message = `${showValue(portText)} is not a port number; use 1 to 65535`;
		if (index === -1) problems.push({field: 'host.port', message, formField: 'port'});
		else problems[index] = {field: 'host.port', message, formField: 'port'};
	}
	if (host.name !== '' && findHost(hosts, host.name)) {
		problems.unshift({
			field: 'host.name',
			message: `a host named ${host.name} already exists: pick it from the list`,
			formField: 'name',
		});
	}
	return problems;
}

function formFieldOf(field: string): AddHostField {
	const last = field.split('.').pop() ?? '';
	return (FORM_FIELDS as readonly string[]).includes(last) ? (last as AddHostField) : 'name';
}

export const ADD_HOST_FIELDS = FORM_FIELDS;
