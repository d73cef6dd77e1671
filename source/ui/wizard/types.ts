// Shapes shared by the wizard's reducer, its flag preset and its screens.
// Plain data only: no Ink here, so the reducer stays testable without a terminal.
import type {AegirServer} from '../../aegir/alias-files.js';
import type {Host, Pack} from '../../pack/types.js';

/** The screens of the wizard: the start menu, the new-pack steps in order, then the re-run screens. */
export type StepId =
	| 'start'
	| 'name'
	| 'master'
	| 'slaves'
	| 'nfsServer'
	| 'export'
	| 'review'
	| 'add-slave'
	| 'remove-slave'
	| 'rerun-review';

/** Steps the review's "Edit" can return to. */
export type EditableStep = 'name' | 'master' | 'slaves' | 'nfsServer' | 'export';

/** Steps that pick hosts and so can open the "Add a host…" form. */
export type HostPickStep = 'master' | 'slaves' | 'nfsServer' | 'add-slave';

/** The NFS server is either "whoever the master is" or one named host. */
export type NfsChoice = {kind: 'master'} | {kind: 'host'; name: string};

export type Answers = {
	name: string;
	/** Host name of the master. */
	master?: string;
	/** Host names of the slaves, in the order they were ticked. */
	slaves: string[];
	nfsServer: NfsChoice;
	exportPath: string;
	/** The subnets field as typed (comma-separated). */
	subnetsText: string;
	/** False while the field still shows our proposal, which then follows the chosen hosts. */
	subnetsEdited: boolean;
	/** Which proposal the field shows: each client's address (default), or their small private network. */
	subnetProposal: SubnetProposal;
	/** Wide subnets (see pack/export-policy.ts) the user agreed to export to, in this session only (never saved). */
	wideConsent: string[];
};

export type SubnetProposal = 'per-client' | 'network';

/** The question about wide subnets, open on the export screen (then: next step) or the review (then: confirm). */
export type WideQuestion = {subnets: string[]; then: 'next' | 'confirm'};

export type ExportFocus = 'path' | 'subnets' | 'proposal';

export type AddHostField = 'name' | 'address' | 'user' | 'port';

export type AddHostForm = {
	returnTo: HostPickStep;
	values: Record<AddHostField, string>;
	focus: AddHostField;
	/** Fields where Enter was refused: their problems show even while empty. */
	tried: AddHostField[];
};

/** A flag value that was refused, tied to the step that must re-open for it. */
export type FlagError = {
	flag: string;
	/** The step that re-opens; undefined for errors not tied to one step (e.g. a bad --host). */
	step?: StepId;
	message: string;
};

/** What the command-line flags answer before any screen is shown. */
export type Preset = {
	/** Hosts defined with --host (new: saved only when the pack is confirmed). */
	hosts: Host[];
	answers: Partial<Answers>;
	/** Steps fully answered by valid flags: not shown unless the user goes back to them. */
	skip: StepId[];
	errors: FlagError[];
	/** --yes: accept the review without asking. */
	autoConfirm: boolean;
};

/** A re-run of a saved pack being answered: the hosts ticked to add, or the slave to remove. */
export type Rerun = {kind: 'add-slave'; pack: string; hosts: string[]} | {kind: 'remove-slave'; pack: string; host?: string};

/** Where the CLI's add-slave / remove-slave commands open the wizard. */
export type StartAt = {kind: 'add-slave'; pack: string; hosts: string[]} | {kind: 'remove-slave'; pack: string; host?: string};

export type WizardInit = {
	/** Known hosts: saved ones and ~/.ssh/config ones, already deduplicated by name. */
	hosts: Host[];
	/** Saved packs, offered on the start screen. */
	packs: Pack[];
	preset?: Preset;
	/** Open straight at a re-run flow (hosts given: straight to its review). */
	startAt?: StartAt;
	/** What Aegir knows (readAegirServers), problems as "file: message" lines. */
	aegir?: {servers: AegirServer[]; problems: string[]};
};

/** What the wizard shows of Aegir: its web servers marked in the pickers, its packs on the start screen. */
export type AegirView = {
	/** Every server Aegir knows (packs, web and other servers). */
	servers: AegirServer[];
	/** Names of the picker hosts that are Aegir's web servers. */
	hosts: string[];
	/** Alias files (and servers) skipped, as "file: message" lines. */
	problems: string[];
	/** The session's first screen: the one that says files were skipped. */
	warnAt?: StepId;
};

export type WizardState = {
	step: StepId;
	/** The steps of this session in order (with `start` only when packs are saved). */
	sequence: StepId[];
	/** Every host the user can pick: known, from flags, and added in this session. */
	hosts: Host[];
	/** Names of hosts not yet in the store (added here or by --host): saved on confirm. */
	newHosts: string[];
	packs: Pack[];
	answers: Answers;
	/** Answers to return to when "Create a new pack" follows an opened pack. */
	initialAnswers: Answers;
	/** Where the answers came from: a new pack, or the saved pack of that name. */
	origin: {kind: 'new'} | {kind: 'pack'; name: string};
	skip: StepId[];
	/** Steps where Enter was refused: their "required" problems are now shown. */
	tried: StepId[];
	flagErrors: Partial<Record<StepId, string[]>>;
	/** Flag errors not tied to a step, shown on the first screen. */
	generalErrors: string[];
	addHost?: AddHostForm;
	exportFocus: ExportFocus;
	/** Open while the user is asked whether to export to wide subnets. */
	wideQuestion?: WideQuestion;
	/** confirmRequested: the wide export was accepted on the review, so the confirm it interrupted goes on. */
	review: {mode: 'choose' | 'edit'; error?: string; confirmRequested?: boolean};
	/** Entered a step from the review's Edit: Enter goes straight back to the review. */
	returnToReview: boolean;
	/** The opened saved pack, kept for its options and record. */
	base?: Pack;
	autoConfirm: boolean;
	/** Set once --yes has been acted on, so a failed save does not loop. */
	autoConfirmUsed: boolean;
	/** The re-run being answered (add-slave, remove-slave and rerun-review steps). */
	rerun?: Rerun;
	/** First screen of the flow opened from the start menu: Esc there returns to the menu. */
	flowStart?: StepId;
	/** "Check health" was chosen for this pack: the wizard hands it over at once. */
	health?: string;
	/** "Export to Ansible" was chosen for this pack: handed over at once, like the health check. */
	exportAnsible?: string;
	aegir: AegirView;
};

export type WizardAction =
	| {type: 'back'}
	| {type: 'start-new'}
	/** Re-apply: the saved pack on its review. */
	| {type: 'open-pack'; name: string}
	/** Change subnet / options: the saved pack on the export screen, then its review. */
	| {type: 'change-pack'; name: string}
	| {type: 'start-add-slave'; name: string}
	| {type: 'start-remove-slave'; name: string}
	| {type: 'check-health'; name: string}
	| {type: 'export-ansible'; name: string}
	| {type: 'tick-add-slaves'; names: string[]}
	| {type: 'submit-add-slaves'}
	| {type: 'choose-remove-slave'; name: string}
	| {type: 'set-name'; value: string}
	| {type: 'submit-name'}
	| {type: 'choose-master'; name: string}
	| {type: 'tick-slaves'; names: string[]}
	| {type: 'submit-slaves'}
	| {type: 'choose-nfs'; choice: NfsChoice}
	| {type: 'set-export-path'; value: string}
	| {type: 'set-subnets'; value: string}
	| {type: 'focus-export'; field: ExportFocus}
	| {type: 'pick-subnet-proposal'; choice: SubnetProposal}
	| {type: 'submit-export'}
	/** Confirm on the review with wide subnets not yet agreed to: ask first. */
	| {type: 'ask-wide-export'}
	| {type: 'answer-wide-export'; yes: boolean}
	| {type: 'open-add-host'; returnTo: HostPickStep}
	| {type: 'set-add-host'; field: AddHostField; value: string}
	| {type: 'focus-add-host'; field: AddHostField}
	| {type: 'submit-add-host'}
	| {type: 'open-edit'}
	| {type: 'edit-step'; step: EditableStep}
	| {type: 'auto-confirm-used'}
	| {type: 'save-failed'; message: string};
