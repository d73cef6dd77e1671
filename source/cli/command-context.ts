// What every command gets from main: the flags, what the store and
// ~/.ssh/config hold, where to write, and whether a person is at a terminal.
import type {LazyStore, WizardInputs} from './wizard-app.js';
import type {PlanOptions} from '../plan/options.js';
import type {CliFlags} from './flags.js';

export type CommandContext = {
	/** The flags, with the ssh config file already resolved (flag, env or default). */
	flags: CliFlags;
	/** The plan options of every review and run of this process, worked out once (cli/plan-options.ts). */
	planOptions: PlanOptions;
	/** Known hosts (store then ~/.ssh/config) and saved packs. */
	inputs: WizardInputs;
	store: LazyStore;
	storeDir: string;
	interactive: boolean;
	out: (text: string) => void;
	err: (text: string) => void;
};
