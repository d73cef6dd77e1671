// aegir-pack main: parse flags, pick the mode (terminal or not), run the wizard to
// get a saved Pack, then hand it to afterWizard (where "apply" will plug in).
import process from 'node:process';
import {afterWizard} from './after-wizard.js';
import {applyPackToHosts} from './apply.js';
import {LazyStore, loadWizardInputs, runInteractiveWizard, runPlainWizard, type WizardOutcome} from './app.js';
import {isInteractive, parseCliFlags, sshConfigFile} from './flags.js';
import {defaultStoreDir} from './pack/store.js';
import {EXIT} from './run/events.js';

const out = (text: string) => process.stdout.write(text);
const err = (text: string) => process.stderr.write(text);

async function main(): Promise<number> {
	const flags = parseCliFlags();
	if (flags.unexpected.length > 0) {
		err(`Unexpected argument: ${flags.unexpected.join(' ')} (every answer is a --flag; see --help)\n`);
		return EXIT.badInput;
	}
	if (flags.lockWait !== undefined && !(Number.isFinite(flags.lockWait) && flags.lockWait >= 0 && flags.lockWait <= 3600)) {
		err(`--lock-wait ${String(flags.lockWait)}: give a number of seconds from 0 to 3600\n`);
		return EXIT.badInput;
	}

	const storeDir = flags.storeDir ?? defaultStoreDir(process.env);
	const store = new LazyStore(storeDir);
	const interactive = isInteractive(process);
	let inputs;
	try {
		inputs = loadWizardInputs(store, sshConfigFile(flags));
	} catch (error) {
		err(`${error instanceof Error ? error.message : String(error)}\n`);
		return EXIT.failed;
	}

	let outcome: WizardOutcome;
	if (!interactive) {
		outcome = runPlainWizard(flags, inputs, store, {out, err});
	} else if (flags.yes && flags.name !== undefined && flags.master !== undefined) {
		// Every answer given and accepted: no screen to show, print the review as without a terminal.
		const plain = runPlainWizard(flags, inputs, store, {out, err});
		outcome = plain.kind === 'refused' ? await runInteractiveWizard(flags, inputs, store) : plain;
	} else {
		outcome = await runInteractiveWizard(flags, inputs, store);
		// "Details…": a dry run of the unsaved pack on its hosts, then the same review again.
		while (outcome.kind === 'details') {
			await applyPackToHosts(outcome.pack, {flags: {...flags, dryRun: true, sshConfig: sshConfigFile(flags)}, storeDir, interactive});
			outcome = await runInteractiveWizard(flags, inputs, store, outcome.state);
		}
	}

	switch (outcome.kind) {
		case 'refused':
			for (const message of outcome.messages) err(`${message}\n`);
			return EXIT.badInput;
		case 'failed':
			err(`${outcome.message}\n`);
			return EXIT.failed;
		case 'quit':
			err('Quit: nothing saved.\n');
			return EXIT.interrupted;
		case 'cancelled':
			err('Cancelled: nothing saved.\n');
			return EXIT.interrupted;
		case 'details':
			// Not reached: only the interactive wizard says 'details', and the loop above answers it.
			return EXIT.failed;
		case 'saved':
			return afterWizard(outcome.pack, {flags, storePath: store.path, storeDir, interactive, out});
	}
}

process.exitCode = await main();
