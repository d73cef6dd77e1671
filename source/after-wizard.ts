// What happens once the wizard has a confirmed, saved pack. For now: say where
// it was saved. The apply stage (connect, plan, run) plugs in here.
import type {CliFlags} from './flags.js';
import {EXIT} from './run/events.js';
import type {Pack} from './pack/types.js';

export type AfterWizardContext = {
	flags: CliFlags;
	/** The store file the pack was saved to. */
	storePath: string;
	out: (text: string) => void;
};

/** Runs after the review is accepted; returns the process exit code. */
export async function afterWizard(pack: Pack, context: AfterWizardContext): Promise<number> {
	context.out(`Pack ${pack.name} saved to ${context.storePath}.\n`);
	return EXIT.ok;
}
