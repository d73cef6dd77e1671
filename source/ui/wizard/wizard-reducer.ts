// The wizard as a pure reducer: every answer lives here, so Esc can go back
// a step without losing anything and tests can drive it without a terminal.
import {DEFAULT_EXPORT_PATH, packHosts, type Host, type Pack} from '../../pack/types.js';
import {aegirPickerHosts} from './aegir-hosts.js';
import {mergeHosts} from './picker-hosts.js';
import {chooseRemoveSlave, openRerun, startAtState, submitAddSlaves, tickAddSlaves} from './rerun-state.js';
import {
	ADD_HOST_FIELDS,
	addHostProblems,
	exportPathProblems,
	formHost,
	nameProblems,
	stepProblems,
	unconsentedWideSubnets,
} from './selectors.js';
import type {
	AddHostField,
	Answers,
	HostPickStep,
	StepId,
	WizardAction,
	WideQuestion,
	WizardInit,
	WizardState,
} from './types.js';

const MAIN_STEPS: readonly StepId[] = ['name', 'master', 'slaves', 'nfsServer', 'export', 'review'];

export const EMPTY_ANSWERS: Answers = {
	name: '',
	slaves: [],
	nfsServer: {kind: 'master'},
	exportPath: DEFAULT_EXPORT_PATH,
	subnetsText: '',
	subnetsEdited: false,
	subnetProposal: 'per-client',
	wideConsent: [],
};

export function initState(init: WizardInit): WizardState {
	const preset = init.preset;
	const presetHosts = preset?.hosts ?? [];
	const answers: Answers = {...EMPTY_ANSWERS, ...preset?.answers};
	const skip = [...(preset?.skip ?? [])];
	// Naming the pack on the command line means a new pack: no start menu.
	if (skip.includes('name')) skip.push('start');

	const flagErrors: WizardState['flagErrors'] = {};
	const generalErrors: string[] = [];
	for (const error of preset?.errors ?? []) {
		if (error.step) (flagErrors[error.step] ??= []).push(error.message);
		else generalErrors.push(error.message);
	}

	// Aegir's web servers lead the pickers; those no known host stands for are new hosts.
	const picker = aegirPickerHosts(mergeHosts(presetHosts, init.hosts), init.aegir?.servers ?? []);

	let state: WizardState = {
		step: 'name',
		sequence: init.packs.length > 0 ? ['start', ...MAIN_STEPS] : [...MAIN_STEPS],
		hosts: picker.hosts,
		newHosts: [...presetHosts.map(host => host.name), ...picker.created.map(host => host.name)],
		packs: init.packs,
		answers,
		initialAnswers: answers,
		origin: {kind: 'new'},
		skip,
		tried: [],
		flagErrors,
		generalErrors,
		exportFocus: 'path',
		review: {mode: 'choose'},
		returnToReview: false,
		autoConfirm: preset?.autoConfirm ?? false,
		autoConfirmUsed: false,
		aegir: {
			servers: init.aegir?.servers ?? [],
			hosts: picker.aegir,
			problems: [...(init.aegir?.problems ?? []), ...picker.problems],
		},
	};

	// A step the flags answered is still re-opened when the answer does not hold
	// together with the others (e.g. a client outside every --subnet).
	for (const step of skip) {
		const problems = stepProblems(state, step);
		if (problems.length === 0) continue;
		state = {
			...state,
			skip: state.skip.filter(s => s !== step),
			flagErrors: {...state.flagErrors, [step]: [...(state.flagErrors[step] ?? []), ...problems.map(p => p.message)]},
		};
	}

	const opened = init.startAt
		? startAtState(state, init.startAt)
		: enter(state, state.sequence.find(step => !state.skip.includes(step)) ?? 'review');
	// Skipped alias files are said once, on the screen the session opens with.
	return {...opened, aegir: {...opened.aegir, warnAt: opened.step}};
}

/** The step each screen's actions belong to. */
const STEP_OF_ACTION: Partial<Record<WizardAction['type'], StepId>> = {
	'start-new': 'start',
	'open-pack': 'start',
	'change-pack': 'start',
	'start-add-slave': 'start',
	'start-remove-slave': 'start',
	'check-health': 'start',
	'export-ansible': 'start',
	'tick-add-slaves': 'add-slave',
	'submit-add-slaves': 'add-slave',
	'choose-remove-slave': 'remove-slave',
	'set-name': 'name',
	'submit-name': 'name',
	'choose-master': 'master',
	'tick-slaves': 'slaves',
	'submit-slaves': 'slaves',
	'choose-nfs': 'nfsServer',
	'set-export-path': 'export',
	'set-subnets': 'export',
	'focus-export': 'export',
	'pick-subnet-proposal': 'export',
	'submit-export': 'export',
	'ask-wide-export': 'review',
	'open-edit': 'review',
	'edit-step': 'review',
};

const FORM_ACTIONS: ReadonlyArray<WizardAction['type']> = ['set-add-host', 'focus-add-host', 'submit-add-host'];

/**
 * Keys read in one batch can reach a screen that is already being replaced
 * (a second Enter, a late tick): an action counts only on its own screen.
 */
function belongsHere(state: WizardState, action: WizardAction): boolean {
	if (FORM_ACTIONS.includes(action.type)) return state.addHost !== undefined;
	if (action.type === 'open-add-host') return !state.addHost && state.step === action.returnTo;
	const step = STEP_OF_ACTION[action.type];
	return step === undefined || (!state.addHost && state.step === step);
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
	if (!belongsHere(state, action)) return state;
	switch (action.type) {
		case 'back':
			return back(state);
		case 'start-new': {
			const fresh = state.origin.kind === 'pack'
				? {...state, answers: state.initialAnswers, origin: {kind: 'new'} as const, base: undefined}
				: state;
			return advance(fresh, 'start');
		}
		case 'open-pack':
			return openPack(state, action.name, 'review');
		case 'change-pack':
			return openPack(state, action.name, 'export');
		case 'start-add-slave':
			return openRerun(state, {kind: 'add-slave', pack: action.name, hosts: []});
		case 'start-remove-slave':
			return openRerun(state, {kind: 'remove-slave', pack: action.name});
		case 'check-health':
			return state.packs.some(pack => pack.name === action.name) ? {...state, health: action.name} : state;
		case 'export-ansible':
			return state.packs.some(pack => pack.name === action.name) ? {...state, exportAnsible: action.name} : state;
		case 'tick-add-slaves':
			return tickAddSlaves(state, action.names);
		case 'submit-add-slaves':
			return submitAddSlaves(state);
		case 'choose-remove-slave':
			return chooseRemoveSlave(state, action.name);
		case 'set-name':
			return withAnswers(state, {name: action.value});
		case 'submit-name':
			if (nameProblems(state).length > 0) return tried(state, 'name');
			return advance(state, 'name');
		case 'choose-master':
			return advance(chooseMaster(state, action.name), 'master');
		case 'tick-slaves':
			if (sameList(state.answers.slaves, action.names)) return state;
			return withAnswers(state, {slaves: action.names.filter(name => name !== state.answers.master)});
		case 'submit-slaves':
			return advance(state, 'slaves');
		case 'choose-nfs':
			return advance(withAnswers(state, {nfsServer: action.choice}), 'nfsServer');
		case 'set-export-path':
			return withAnswers(state, {exportPath: action.value});
		case 'set-subnets':
			return withAnswers(state, {subnetsText: action.value, subnetsEdited: true});
		case 'focus-export':
			return state.wideQuestion ? state : {...state, exportFocus: action.field};
		case 'pick-subnet-proposal':
			return state.answers.subnetsEdited ? state : withAnswers(state, {subnetProposal: action.choice});
		case 'submit-export':
			return state.wideQuestion ? state : submitExport(state);
		case 'ask-wide-export':
			return askWideExport(state, 'confirm');
		case 'answer-wide-export':
			return answerWideExport(state, action.yes);
		case 'open-add-host':
			return {
				...state,
				addHost: {
					returnTo: action.returnTo,
					values: {name: '', address: '', user: '', port: ''},
					focus: 'name',
					tried: [],
				},
			};
		case 'set-add-host':
			if (!state.addHost) return state;
			return {
				...state,
				addHost: {...state.addHost, values: {...state.addHost.values, [action.field]: action.value}},
			};
		case 'focus-add-host':
			if (!state.addHost) return state;
			return {...state, addHost: {...state.addHost, focus: action.field}};
		case 'submit-add-host':
			return submitAddHost(state);
		case 'open-edit':
			return {...state, review: {mode: 'edit'}};
		case 'edit-step':
			return {...enter(state, action.step), returnToReview: true};
		case 'auto-confirm-used':
			return {...state, autoConfirmUsed: true};
		case 'save-failed':
			return {...state, review: {mode: 'choose', error: action.message}};
	}
}

/** Show a step: it is no longer skipped, whatever flags said. */
function enter(state: WizardState, step: StepId): WizardState {
	const next: WizardState = {...state, step, skip: state.skip.filter(s => s !== step), wideQuestion: undefined};
	if (step === 'start') {
		// Back on the menu: no flow is under way any more.
		next.flowStart = undefined;
		next.rerun = undefined;
	}
	if (step === 'export') next.exportFocus = 'path';
	if (step === 'review') {
		next.review = {mode: 'choose'};
		next.returnToReview = false;
	}
	return next;
}

function advance(answered: WizardState, from: StepId): WizardState {
	// The step is answered now: a refused flag value is no longer news.
	const {[from]: _answered, ...flagErrors} = answered.flagErrors;
	const state: WizardState = {...answered, flagErrors};
	if (state.returnToReview) {
		// Back to the review, unless the edit broke a later answer (e.g. a new slave outside
		// the subnets): then that step first, still on the way back to the review.
		const broken = state.sequence
			.slice(state.sequence.indexOf(from) + 1)
			.find(step => step !== 'review' && stepProblems(state, step).length > 0);
		return broken ? {...enter(state, broken), returnToReview: true} : enter(state, 'review');
	}
	const index = state.sequence.indexOf(from);
	const next = state.sequence.slice(index + 1).find(step => !state.skip.includes(step)) ?? 'review';
	return enter(state, next);
}

function back(state: WizardState): WizardState {
	// Esc on the wide-export question is a no.
	if (state.wideQuestion) return answerWideExport(state, false);
	if (state.addHost) return {...state, addHost: undefined};
	if (state.step === 'review' && state.review.mode === 'edit') return {...state, review: {mode: 'choose'}};
	if (state.step === 'rerun-review' && state.rerun) return {...state, step: state.rerun.kind};
	if (state.flowStart !== undefined && state.flowStart === state.step) return toMenu(state);
	const index = state.sequence.indexOf(state.step);
	const previous = index > 0 ? state.sequence[index - 1] : undefined;
	return previous ? enter(state, previous) : state;
}

function tried(state: WizardState, step: StepId): WizardState {
	return state.tried.includes(step) ? state : {...state, tried: [...state.tried, step]};
}

function addOnce<T>(list: readonly T[], item: T): T[] {
	return list.includes(item) ? [...list] : [...list, item];
}

function withAnswers(state: WizardState, changes: Partial<Answers>): WizardState {
	return {...state, answers: {...state.answers, ...changes}};
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
	return a.length === b.length && a.every((value, index) => value === b[index]);
}

function chooseMaster(state: WizardState, name: string): WizardState {
	const {nfsServer} = state.answers;
	return withAnswers(state, {
		master: name,
		// The master cannot also be a slave; a host picked as NFS server that is now the master is "the master".
		slaves: state.answers.slaves.filter(slave => slave !== name),
		nfsServer: nfsServer.kind === 'host' && nfsServer.name === name ? {kind: 'master'} : nfsServer,
	});
}

function submitExport(state: WizardState): WizardState {
	if (state.exportFocus === 'path') {
		if (exportPathProblems(state).length > 0) return tried(state, 'export');
		return {...state, exportFocus: 'subnets'};
	}
	if (stepProblems(state, 'export').length > 0) return tried(state, 'export');
	const asked = askWideExport(state, 'next');
	return asked === state ? advance(state, 'export') : asked;
}

/** Open the question about wide subnets not yet agreed to; the state as it was when there are none. */
function askWideExport(state: WizardState, then: WideQuestion['then']): WizardState {
	const wide = unconsentedWideSubnets(state);
	if (wide.length === 0) return state;
	return {...state, wideQuestion: {subnets: wide.map(width => width.cidr), then}};
}

function answerWideExport(state: WizardState, yes: boolean): WizardState {
	const question = state.wideQuestion;
	if (!question) return state;
	const closed: WizardState = {...state, wideQuestion: undefined};
	if (!yes) return question.then === 'next' ? {...closed, exportFocus: 'subnets'} : closed;
	const agreed = withAnswers(closed, {wideConsent: [...new Set([...state.answers.wideConsent, ...question.subnets])]});
	if (question.then === 'next') return advance(agreed, 'export');
	return {...agreed, review: {...agreed.review, confirmRequested: true}};
}

function submitAddHost(state: WizardState): WizardState {
	const form = state.addHost;
	if (!form) return state;
	const problems = addHostProblems(form, state.hosts);
	const fieldIndex = ADD_HOST_FIELDS.indexOf(form.focus);
	const nextField = ADD_HOST_FIELDS[fieldIndex + 1];
	// Enter on a field moves to the next one when that field is fine; on the last it adds the host.
	if (nextField) {
		if (problems.some(problem => problem.formField === form.focus)) {
			return {...state, addHost: {...form, tried: addOnce(form.tried, form.focus)}};
		}
		return {...state, addHost: {...form, focus: nextField}};
	}
	if (problems.length > 0) {
		const firstBad: AddHostField = problems[0]?.formField ?? form.focus;
		return {...state, addHost: {...form, tried: [...ADD_HOST_FIELDS], focus: firstBad}};
	}
	const host = formHost(form);
	const added: WizardState = {
		...state,
		addHost: undefined,
		hosts: [...state.hosts, host],
		newHosts: [...state.newHosts, host.name],
		step: form.returnTo,
	};
	return selectNewHost(added, form.returnTo, host);
}

/** Back on the list the form came from, with the new host chosen (not yet confirmed by Enter). */
function selectNewHost(state: WizardState, step: HostPickStep, host: Host): WizardState {
	switch (step) {
		case 'master':
			return chooseMaster(state, host.name);
		case 'slaves':
			return withAnswers(state, {slaves: [...state.answers.slaves, host.name]});
		case 'nfsServer':
			return withAnswers(state, {nfsServer: {kind: 'host', name: host.name}});
		case 'add-slave':
			return state.rerun?.kind === 'add-slave' ? {...state, rerun: {...state.rerun, hosts: [...state.rerun.hosts, host.name]}} : state;
	}
}

/** Esc on a flow's first screen: the menu, with the opened pack's answers dropped. */
function toMenu(state: WizardState): WizardState {
	const left: WizardState = state.origin.kind === 'pack'
		? {...state, answers: state.initialAnswers, origin: {kind: 'new'}, base: undefined}
		: state;
	return enter({...left, returnToReview: false}, 'start');
}

/** A saved pack's answers, on its review (Re-apply) or its export screen (Change subnet / options). */
function openPack(state: WizardState, name: string, step: 'review' | 'export'): WizardState {
	const pack: Pack | undefined = state.packs.find(p => p.name === name);
	if (!pack) return state;
	const opened: WizardState = {
		...state,
		// The pack's own copies of its hosts are what it was set up with.
		hosts: mergeHosts(packHosts(pack), state.hosts),
		answers: {
			name: pack.name,
			master: pack.master.name,
			slaves: pack.slaves.map(host => host.name),
			nfsServer: pack.nfsServer.name === pack.master.name ? {kind: 'master'} : {kind: 'host', name: pack.nfsServer.name},
			exportPath: pack.exportPath,
			subnetsText: pack.subnets.join(', '),
			subnetsEdited: true,
			subnetProposal: 'per-client',
			// Consent is never saved: opening the pack again asks again.
			wideConsent: [],
		},
		origin: {kind: 'pack', name: pack.name},
		base: pack,
		flowStart: step,
	};
	return enter(opened, step);
}
