// A re-run command in a terminal without --yes: the wizard opens on that
// flow's screens (add or remove a slave) and asks; a confirmed re-run then
// runs as the menu's does.
import {EXIT, exitCodeForStop} from '../contracts/exit-codes.js';
import type {WizardInit} from '../ui/wizard/types.js';
import type {CommandContext} from './command-context.js';
import {runRerunRequest} from './menu-request.js';
import {runInteractiveWizard} from './wizard-app.js';

/** A re-run command in a terminal without --yes: the wizard opens on that flow's screens and asks. */
export async function rerunInTerminal(context: CommandContext, startAt: NonNullable<WizardInit['startAt']>): Promise<number> {
	const outcome = await runInteractiveWizard(context.flags, context.inputs, context.store, context.planOptions, undefined, startAt);
	switch (outcome.kind) {
		case 'rerun':
			return runRerunRequest(outcome.request, context);
		case 'quit':
			if (outcome.signal) {
				context.err(`Stopped by ${outcome.signal}: nothing was run.\n`);
				return exitCodeForStop(outcome.signal);
			}
			context.err('Quit: nothing was run.\n');
			return EXIT.interrupted;
		case 'cancelled':
			context.err('Cancelled: nothing was run.\n');
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
