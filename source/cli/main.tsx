// aegir-pack main: parse flags, pick the command (the wizard, or a re-run of a
// saved pack: add-slave, remove-slave, status, export) and the mode (terminal or not).
import process from 'node:process';
import {afterWizard} from './after-wizard.js';
import {applyPackToHosts} from './run-on-hosts.js';
import {LazyStore, loadAegirServers, loadWizardInputs, runInteractiveWizard, runPlainWizard, type WizardOutcome} from './wizard-app.js';
import {addSlaveCommand} from './commands/add-slave.js';
import type {CommandContext} from './command-context.js';
import {removeSlaveCommand} from './commands/remove-slave.js';
import {runRerunRequest} from './menu-request.js';
import {statusCommand} from './commands/status.js';
import {exportCommand} from './commands/export.js';
import {isInteractive, parseCliFlags, sshConfigFile} from './flags.js';
import {planOptionsFor} from './plan-options.js';
import {thisMachine} from '../run/local-host.js';
import {defaultStoreDir} from '../pack/store.js';
import {aegirRegistrationWanted, DEFAULT_AEGIR_HOME} from '../aegir-run/aegir-wanted.js';
import {EXIT, exitCodeForStop} from '../contracts/exit-codes.js';

const out = (text: string) => process.stdout.write(text);
const err = (text: string) => process.stderr.write(text);

const COMMANDS = {
	'add-slave': addSlaveCommand,
	'remove-slave': removeSlaveCommand,
	status: statusCommand,
	export: exportCommand,
} as const;

const isCommand = (word: string): word is keyof typeof COMMANDS => Object.hasOwn(COMMANDS, word);

async function main(): Promise<number> {
	const parsed = parseCliFlags();
	const [command, ...operands] = parsed.args;
	if (command !== undefined && !isCommand(command)) {
		err(`Unknown command: ${parsed.args.join(' ')} (commands: ${Object.keys(COMMANDS).join(', ')}; every wizard answer is a --flag; see --help)\n`);
		return EXIT.badInput;
	}

	if (parsed.lockWait !== undefined && !(Number.isFinite(parsed.lockWait) && parsed.lockWait >= 0 && parsed.lockWait <= 3600)) {
		err(`--lock-wait ${String(parsed.lockWait)}: give a number of seconds from 0 to 3600\n`);
		return EXIT.badInput;
	}

	if (parsed.maxDelete !== undefined && !(Number.isInteger(parsed.maxDelete) && parsed.maxDelete >= 0)) {
		err(`--max-delete ${String(parsed.maxDelete)}: give a whole number of paths, 0 or more\n`);
		return EXIT.badInput;
	}

	const flags = {...parsed, sshConfig: sshConfigFile(parsed)};
	const storeDir = flags.storeDir ?? defaultStoreDir(process.env);
	const store = new LazyStore(storeDir);
	const interactive = isInteractive(process);
	// Worked out once: every review and run of this process plans with the same options.
	const aegirHome = flags.aegirHome ?? DEFAULT_AEGIR_HOME;
	const aegirMode = aegirRegistrationWanted(process.env, {aegirHome, flag: flags.aegirRegister || flags.aegirVerify});
	const planOptions = planOptionsFor(flags, thisMachine(), aegirMode);
	let inputs;
	try {
		inputs = loadWizardInputs(store, flags.sshConfig);
		const aegir = await loadAegirServers(flags.aegirHome ?? DEFAULT_AEGIR_HOME);
		if (aegir) inputs.aegir = aegir;
		// The screens show a count of skipped alias files; without them, each is named once here.
		if (!interactive) for (const problem of aegir?.problems ?? []) err(`Warning: Aegir alias file skipped: ${problem}\n`);
	} catch (error) {
		err(`${error instanceof Error ? error.message : String(error)}\n`);
		return EXIT.failed;
	}

	const context: CommandContext = {flags, planOptions, inputs, store, storeDir, interactive, out, err};
	if (command !== undefined) return COMMANDS[command](operands, context);

	let outcome: WizardOutcome;
	if (!interactive) {
		outcome = runPlainWizard(flags, inputs, store, {out, err}, planOptions);
	} else if (flags.yes && flags.name !== undefined && flags.master !== undefined) {
		// Every answer given and accepted: no screen to show, print the review as without a terminal.
		const plain = runPlainWizard(flags, inputs, store, {out, err}, planOptions);
		outcome = plain.kind === 'refused' ? await runInteractiveWizard(flags, inputs, store, planOptions) : plain;
	} else {
		outcome = await runInteractiveWizard(flags, inputs, store, planOptions);
		// "Details…": a dry run of the unsaved pack on its hosts, then the same review again.
		while (outcome.kind === 'details') {
			await applyPackToHosts(outcome.pack, {flags: {...flags, dryRun: true}, planOptions, storeDir, interactive});
			outcome = await runInteractiveWizard(flags, inputs, store, planOptions, outcome.state);
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
			err(outcome.signal ? `Stopped by ${outcome.signal}: nothing saved.\n` : 'Quit: nothing saved.\n');
			return outcome.signal ? exitCodeForStop(outcome.signal) : EXIT.interrupted;
		case 'cancelled':
			err('Cancelled: nothing saved.\n');
			return EXIT.interrupted;
		case 'details':
			// Not reached: only the interactive wizard says 'details', and the loop above answers it.
			return EXIT.failed;
		case 'rerun':
			// From the start menu: add or remove a slave, or check the pack's health.
			return runRerunRequest(outcome.request, context);
		case 'saved':
			return afterWizard(outcome.pack, {flags, planOptions, storePath: store.path, storeDir, interactive, out});
	}
}

process.exitCode = await main();
