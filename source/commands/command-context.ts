// What every command gets from main: the flags, what the store and
// ~/.ssh/config hold, where to write, and whether a person is at a terminal.
import {runInteractiveWizard, type LazyStore, type WizardInputs} from '../app.js';
import type {CliFlags} from '../flags.js';
import {EXIT} from '../run/events.js';
import type {WizardInit} from '../ui/wizard/types.js';
import {runRerunRequest} from './run-rerun-request.js';

export type CommandContext = {
	/** The flags, with the ssh config file already resolved (flag, env or default). */
	flags: CliFlags;
	/** Known hosts (store then ~/.ssh/config) and saved packs. */
	inputs: WizardInputs;
	store: LazyStore;
	storeDir: string;
	interactive: boolean;
	out: (text: string) => void;
	err: (text: string) => void;
};

/** A re-run command in a terminal without --yes: the wizard opens on that flow's screens and asks. */
export async function rerunInTerminal(context: CommandContext, startAt: NonNullable<WizardInit['startAt']>): Promise<number> {
	const outcome = await runInteractiveWizard(context.flags, context.inputs, context.store, undefined, startAt);
	switch (outcome.kind) {
		case 'rerun':
			return runRerunRequest(outcome.request, context);
		case 'quit':
		case 'cancelled':
			context.err(`${outcome.kind === 'quit' ? 'Quit' : 'Cancelled'}: nothing was run.\n`);
			return EXIT.interrupted;
		case 'refused':
			for (const message of outcome.messages) context.err(`${message}\n`);
			return EXIT.badInput;
		case 'failed':
			context.err(`${outcome.message}\n`);
			return EXIT.failed;
		case 'saved':
		case 'details':
			// The re-run flows end in 'rerun'; these belong to the create flow.
			return EXIT.failed;
	}
}
