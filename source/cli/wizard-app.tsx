// The application between the flags and the apply stage: load what the wizard
// offers (saved hosts and packs, ssh config hosts), run the wizard with a
// terminal (Ink) or without one (flags only), and report how it ended.
import {existsSync} from 'node:fs';
import process from 'node:process';
import {join, resolve} from 'node:path';
import {readAegirServers} from '../aegir/alias-files.js';
import {readSshConfigHosts} from '../pack/ssh-config-hosts.js';
import {changedPack} from '../pack/check-pack.js';
import {holdPackLock} from '../pack/run-lock.js';
import type {PackStore} from '../pack/store.js';
import {commandLine} from './command-line.js';
import {watchStopSignals} from './signals.js';
import type {StopSignal} from '../contracts/exit-codes.js';
import {packHosts, type Host, type Pack} from '../pack/types.js';
import type {PlanOptions} from '../plan/options.js';
import {mergeHosts} from '../ui/wizard/picker-hosts.js';
import {plainWizard} from '../ui/wizard/plain-wizard.js';
import {presetFromFlags, type WizardFlags} from '../ui/wizard/preset.js';
import {savePackWithHosts, type PackSink} from '../ui/wizard/save.js';
import type {RerunRequest} from '../ui/wizard/rerun-request.js';
import type {WizardInit, WizardState} from '../ui/wizard/types.js';

/** The file PackStore keeps in its directory (checked by test/cli/store-file.test.ts). */
export const STORE_FILE_NAME = 'config.json';

/**
 * The store, opened only when there is something to read or to save: opening a
 * PackStore creates its file, and a wizard left with Ctrl-C must leave nothing behind.
 * Its code (conf, ajv: tens of milliseconds) is loaded apart, with load(): main
 * waits for it unless the wizard's first screen can be drawn without it.
 */
export class LazyStore implements PackSink {
	readonly dir: string;
	#store: PackStore | undefined;
	#code: typeof import('../pack/store.js') | undefined;
	#loading: Promise<void> | undefined;
	#loadError: unknown;

	constructor(dir: string) {
		this.dir = resolve(dir);
	}

	get path(): string {
		return this.#store?.path ?? join(this.dir, STORE_FILE_NAME);
	}

	/** Whether the store's file is there (then reading it needs the store's code). */
	exists(): boolean {
		return existsSync(join(this.dir, STORE_FILE_NAME));
	}

	/** Loads the store's code, once; every read of an existing store and every save needs it first. */
	load(): Promise<void> {
		this.#loading ??= import('../pack/store.js').then(
			code => {
				this.#code = code;
			},
			(error: unknown) => {
				this.#loadError = error;
				throw error;
			},
		);
		return this.#loading;
	}

	/** Saved hosts and packs; none (and no file created) when the store does not exist yet. */
	read(): {hosts: Host[]; packs: Pack[]} {
		if (!this.#store && !this.exists()) return {hosts: [], packs: []};
		const store = this.#open();
		return {hosts: store.listHosts(), packs: store.listPacks()};
	}

	saveHost(host: Host): void {
		this.#open().saveHost(host);
	}

	savePack(pack: Pack): void {
		this.#open().savePack(pack);
	}

	/**
	 * The pack's run lock, taken before the save and held until the process ends:
	 * a definition must not change under a run of the same pack (its final save
	 * would overwrite it), and the run that follows this save holds it too.
	 */
	beginSave(pack: Pack): void {
		// Nothing is locked for a save that cannot happen yet.
		this.#ready();
		const lock = holdPackLock(this.dir, pack.name, commandLine());
		if ('message' in lock) throw new Error(lock.message);
	}

	#open(): PackStore {
		this.#store ??= new (this.#ready().PackStore)({dir: this.dir});
		return this.#store;
	}

	#ready(): typeof import('../pack/store.js') {
		if (this.#code) return this.#code;
		const why = this.#loadError === undefined ? 'it is still loading, try again' : `it could not be loaded: ${String(this.#loadError)}`;
		throw new Error(`the store's code is not ready (${why})`);
	}
}

export type WizardInputs = {
	hosts: Host[];
	packs: Pack[];
	savedHosts?: Host[];
	/** The servers Aegir knows on this machine (its drush alias files), when it has any. */
	aegir?: NonNullable<WizardInit['aegir']>;
};

/** Aegir's servers from its alias files; undefined when there is no Aegir here. Never throws: unreadable files are listed. */
export async function loadAegirServers(aegirHome: string): Promise<WizardInputs['aegir']> {
	const servers = await readAegirServers(aegirHome);
	if (!servers.found) return undefined;
	return {servers: servers.servers, problems: servers.problems.map(problem => `${problem.file}: ${problem.message}`)};
}

/** Saved hosts first, then ~/.ssh/config hosts not saved under the same name. Throws StoreError / SshConfigError. */
export function loadWizardInputs(store: LazyStore, sshConfigFile: string | undefined): WizardInputs {
	const saved = store.read();
	return {hosts: mergeHosts(saved.hosts, readSshConfigHosts(sshConfigFile)), packs: saved.packs, savedHosts: saved.hosts};
}

export type WizardOutcome =
	| {kind: 'saved'; pack: Pack}
	/** Bad or missing flags without a terminal (exit 2). */
	| {kind: 'refused'; messages: string[]}
	/** Ctrl-C (exit 130), or a signal (SIGTERM 143, SIGHUP 129): nothing saved. */
	| {kind: 'quit'; signal?: StopSignal}
	/** Cancel chosen on the review (exit 130: stopped by the user, nothing saved). */
	| {kind: 'cancelled'}
	/** The store refused the pack (exit 1). */
	| {kind: 'failed'; message: string}
	/** "Details…" on the review: dry-run this unsaved pack, then resume the wizard with `state`. */
	| {kind: 'details'; pack: Pack; state: WizardState}
	/** A re-run of a saved pack was confirmed (add or remove a slave), or its health asked for. */
	| {kind: 'rerun'; request: RerunRequest};

export type Output = {out: (text: string) => void; err: (text: string) => void};

/**
 * The wizard builds a pack from its answers, without what earlier applies
 * recorded of it; saving it again under its name keeps that record (the aegir
 * uid/gid add-slave compares with, what Aegir last verified), so a re-apply
 * in which nothing changed stays a no-op.
 */
export function withSavedRecord(pack: Pack, saved: readonly Pack[]): Pack {
	if (pack.record) return pack;
	const record = saved.find(candidate => candidate.name === pack.name)?.record;
	if (!record) return pack;
	// A record never breaks a pack rule; should it, the pack is saved as the wizard built it.
	return changedPack(pack, {record}).pack ?? pack;
}

function keepingRecords(store: PackSink, saved: readonly Pack[]): PackSink {
	return {saveHost: host => store.saveHost(host), savePack: pack => store.savePack(withSavedRecord(pack, saved))};
}

/** Without a terminal: flags are every answer; the review is printed, --yes accepts it. */
export function runPlainWizard(flags: WizardFlags, inputs: WizardInputs, store: PackSink, output: Output, planOptions?: PlanOptions): WizardOutcome {
	const outcome = plainWizard(flags, inputs.hosts, inputs.aegir, planOptions);
	if (outcome.review) output.out(outcome.review);
	if (outcome.kind === 'refused') return {kind: 'refused', messages: outcome.messages};
	const pack = withSavedRecord(outcome.pack, inputs.packs);
	try {
		savePackWithHosts(store, pack, outcome.newHosts);
	} catch (error) {
		return {kind: 'failed', message: `Not saved: ${error instanceof Error ? error.message : String(error)}`};
	}
	return {kind: 'saved', pack};
}

/**
 * Ink and the wizard's screens, imported once. Main starts this early when the
 * wizard will be drawn, so their files are read while it parses flags and
 * reads the ssh config; the first screen then waits only for what is left.
 */
export function loadWizardScreens() {
	wizardScreens ??= Promise.all([import('ink'), import('../ui/wizard/wizard.js')]);
	return wizardScreens;
}

let wizardScreens: Promise<[typeof import('ink'), typeof import('../ui/wizard/wizard.js')]> | undefined;

/** With a terminal: the Ink wizard, answering from flags what they answer. */
export async function runInteractiveWizard(
	flags: WizardFlags,
	inputs: WizardInputs,
	store: LazyStore,
	planOptions: PlanOptions,
	resume?: WizardState,
	startAt?: WizardInit['startAt'],
): Promise<WizardOutcome> {
	// Ink and the screens are most of the start-up: only a terminal run pays for them.
	const [{render}, {Wizard}] = await loadWizardScreens();
	let outcome: WizardOutcome = {kind: 'quit'};
	const preset = presetFromFlags(flags, inputs.hosts, inputs.aegir?.servers);
	// --yes may confirm the review on the first render: the store must be ready before it.
	if (flags.yes) await store.load();
	const instance = render(
		<Wizard
			init={{hosts: inputs.hosts, packs: inputs.packs, preset, ...(startAt ? {startAt} : {}), ...(inputs.aegir ? {aegir: inputs.aegir} : {})}}
			{...(resume ? {resume} : {})}
			store={keepingRecords(store, inputs.packs)}
			planOptions={planOptions}
			onDone={pack => {
				outcome = {kind: 'saved', pack: withSavedRecord(pack, inputs.packs)};
				instance.unmount();
			}}
			onQuit={() => {
				outcome = {kind: 'quit'};
				instance.unmount();
			}}
			onCancel={() => {
				outcome = {kind: 'cancelled'};
				instance.unmount();
			}}
			onRerun={request => {
				outcome = {kind: 'rerun', request};
				instance.unmount();
			}}
			onDetails={(pack, state) => {
				outcome = {kind: 'details', pack, state};
				instance.unmount();
			}}
		/>,
		// Ctrl-C is the wizard's to handle: it must end with 130 and save nothing.
		{exitOnCtrlC: false},
	);
	// The first screen is on the terminal (Ink drew it in render): now the store's code, for the save
	// at the end. A failure to load is kept, and said by the save.
	store.load().catch(() => {});
	// SIGTERM, SIGHUP (and SIGINT from outside) leave the wizard as Ctrl-C does: nothing saved.
	const unwatch = watchStopSignals({
		stop(signal) {
			outcome = {kind: 'quit', signal};
			if (signal === 'SIGHUP') process.stdout.on('error', () => {});
			try {
				instance.unmount();
			} catch {
				// A terminal that hung up may refuse being restored.
			}
		},
		hardStop: () => {},
	});
	try {
		await instance.waitUntilExit();
	} finally {
		unwatch();
	}
	return outcome;
}
