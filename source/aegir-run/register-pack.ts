// Registers a pack in Aegir after a successful run: the feature check, then
// each drush command of the registration plan in order, on this machine as
// the aegir user, stopping at the first failure. A dry run only lists them.

import {spawn} from 'node:child_process';
import {userInfo} from 'node:os';
import {
	WEB_PACK_FEATURE_HELP,
	asAegirUser,
	planAddSlave,
	planCreate,
	planRemoveSlave,
	webPackFeatureEnabled,
	type DrushCommand,
	type RegistrationPlan,
	type RegistrationRequest,
} from '../aegir/registration.js';
import type {Host} from '../pack/types.js';
import {tail} from '../contracts/command-error.js';
import {commandLine} from '../shell/quote.js';

export type DrushRun = (argv: string[]) => Promise<{code: number; stdout: string; stderr: string}>;

/** Which change to register: a new pack (default), an added slave, or a removed one. */
export type RegisterRequest = RegistrationRequest & {slave?: string; removed?: Host};

export type RegisterOptions = {
	dryRun: boolean;
	/** Environment of the drush processes (PATH finds drush). */
	env?: NodeJS.ProcessEnv;
	/** Runs one argv (tests); default: spawn it here. */
	run?: DrushRun;
	say(line: string): void;
	/** Aegir's user (default aegir) and who we are (default: this process's user). */
	aegirUser?: string;
	currentUser?: string;
};

export type RegisterResult = {ok: boolean; commands: string[]; message: string};

/** Spawns argv[0] with the rest as arguments (no shell), collecting its output. */
export function spawnRun(env: NodeJS.ProcessEnv = process.env): DrushRun {
	return async argv =>
		new Promise(resolve => {
			let stdout = '';
			let stderr = '';
			const child = spawn(argv[0]!, argv.slice(1), {env, stdio: ['ignore', 'pipe', 'pipe']});
			child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
			child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
			let done = false;
			child.on('error', error => {
				if (done) return;
				done = true;
				resolve({code: -1, stdout, stderr: `${stderr}${error.message}\n`});
			});
			child.on('close', code => {
				if (done) return;
				done = true;
				resolve({code: code ?? -1, stdout, stderr});
			});
		});
}

export function registrationPlan(request: RegisterRequest): RegistrationPlan {
	const {slave, removed, ...base} = request;
	if (removed) return planRemoveSlave({...base, removed});
	if (slave !== undefined) return planAddSlave({...base, slave});
	return planCreate(base);
}

function failed(command: DrushCommand, line: string, result: {code: number; stdout: string; stderr: string}): string {
	const why = tail(result.stderr || result.stdout, 8);
	return [`Registering in Aegir stopped: ${command.purpose} failed (exit code ${result.code}).`, `command: ${line}`, ...(why ? [why] : [])].join('\n');
}

export async function registerPack(request: RegisterRequest, options: RegisterOptions): Promise<RegisterResult> {
	const plan = registrationPlan(request);
	for (const note of plan.notes) options.say(note);
	if (plan.problems.length > 0) {
		const message = plan.problems.map(problem => `cannot register in Aegir: ${problem}`).join('\n');
		for (const line of message.split('\n')) options.say(line);
		return {ok: false, commands: [], message};
	}

	const asAegir = (command: DrushCommand) =>
		asAegirUser(command.argv, {currentUser: options.currentUser ?? userInfo().username, aegirUser: options.aegirUser ?? 'aegir'});
	const lines = [plan.featureCheck, ...plan.commands].map(command => commandLine(asAegir(command)));
	if (options.dryRun) {
		options.say('would register the pack in Aegir:');
		for (const line of lines) options.say(`  ${line}`);
		return {ok: true, commands: lines, message: `would run ${lines.length} drush command(s)`};
	}

	const run = options.run ?? spawnRun(options.env);
	const check = await run(asAegir(plan.featureCheck));
	if (check.code !== 0) {
		const message = failed(plan.featureCheck, lines[0]!, check);
		options.say(message);
		return {ok: false, commands: [lines[0]!], message};
	}

	if (!webPackFeatureEnabled(check.stdout)) {
		options.say(WEB_PACK_FEATURE_HELP);
		return {ok: false, commands: [lines[0]!], message: WEB_PACK_FEATURE_HELP};
	}

	const ran = [lines[0]!];
	for (const [index, command] of plan.commands.entries()) {
		const line = lines[index + 1]!;
		options.say(`${command.purpose}: ${line}`);
		ran.push(line);
		const result = await run(asAegir(command));
		if (result.code !== 0) {
			const message = failed(command, line, result);
			options.say(message);
			return {ok: false, commands: ran, message};
		}
	}

	const message = `registered ${request.pack.name} in Aegir (${plan.commands.length} drush command(s))`;
	options.say(message);
	return {ok: true, commands: ran, message};
}
