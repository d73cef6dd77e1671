// What happens once the wizard has a confirmed, saved pack: apply it to its hosts.
// The run (and ssh2 with it) loads only now: --save-only never needs it.
import {sshConfigFile, type CliFlags} from './flags.js';
import type {Pack} from '../pack/types.js';
import type {PlanOptions} from '../plan/options.js';
import {EXIT} from '../contracts/exit-codes.js';

export type AfterWizardContext = {
	flags: CliFlags;
	planOptions: PlanOptions;
	/** The store file the pack was saved to. */
	storePath: string;
	/** The store directory (run logs go beside the store). */
	storeDir: string;
	/** A terminal on both ends: the Ink run screen; otherwise plain lines. */
	interactive: boolean;
	out: (text: string) => void;
};

/** Runs after the review is accepted; returns the process exit code. */
export async function afterWizard(pack: Pack, context: AfterWizardContext): Promise<number> {
	context.out(`Pack ${pack.name} saved to ${context.storePath}.\n`);
	if (context.flags.saveOnly) return EXIT.ok;
	const {applyPackToHosts} = await import('./run-on-hosts.js');
	return applyPackToHosts(pack, {
		flags: {...context.flags, sshConfig: sshConfigFile(context.flags)},
		planOptions: context.planOptions,
		storeDir: context.storeDir,
		interactive: context.interactive,
	});
}
