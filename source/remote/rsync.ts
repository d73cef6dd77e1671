// Pushing local trees to a host with the real rsync, as Aegir's provision does
// (the command line is built in source/shell/rsync-argv.ts): spawned with an
// argv (no local shell), its output collected, and the failures a sysadmin can
// fix explained after rsync's own words.

import {spawn} from 'node:child_process';
import {OutputCollector} from './output-collector.js';
import type {PushTreeOptions, PushTreeResult} from '../contracts/transport.js';
import {commandLine} from '../shell/quote.js';
import {parseItemizedChanges, receiverCommand, rsyncArgv, type RsyncTarget} from '../shell/rsync-argv.js';

export type {RsyncTarget} from '../shell/rsync-argv.js';

/** Explain the failures a sysadmin can fix, after rsync's own words. */
export function rsyncHint(target: RsyncTarget, code: number, stderr: string, runAs = 'aegir'): string | undefined {
	if (code === 0) return undefined;
	if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(stderr)) {
		return `ssh refused the host key of ${target.address}:${target.port} (checked against ${target.knownHostsFiles.join(', ')}); host key checking is never turned off.`;
	}
	if (target.user !== 'root' && /sudo|password is required|terminal is required/i.test(stderr)) {
		return (
			`rsync runs as ${runAs} on the host through \`${receiverCommand(target.user, runAs)}\` for ${target.user}: that needs passwordless sudo ` +
			`(e.g. \`${target.user} ALL=(${runAs}) NOPASSWD: /usr/bin/rsync\` in /etc/sudoers.d/aegir-pack), or log in as root.`
		);
	}
	if (/runuser: user .* does not exist|unknown user/i.test(stderr)) {
		return `there is no ${runAs} user on ${target.address}: rsync runs as ${runAs} there, as Aegir does.`;
	}
	if (code === 25 || /Deletions stopped due to --max-delete/i.test(stderr)) {
		return 'rsync stopped deleting at the --max-delete limit: more paths to delete than the check saw; look at the list, then run again.';
	}
	if (/rsync: (command )?not found|rsync: No such file/i.test(stderr) || code === 127) {
		return `rsync is missing on ${target.address}: install it there (apt-get install rsync).`;
	}
	if (/Permission denied \(publickey/i.test(stderr)) {
		return `ssh could not log in as ${target.user} with ${target.identityFiles.length > 0 ? target.identityFiles.join(', ') : 'the agent'} (BatchMode: no password prompts).`;
	}
	if (code === 23 && /Permission denied/i.test(stderr)) {
		return (
			`rsync ran as ${runAs} on ${target.address} and was refused a path (above): ${runAs} must own what it receives; ` +
			'a path that is a link to somewhere else is not followed there. Or, on this machine: run aegir-pack as root (or aegir) to read the whole tree.'
		);
	}
	return undefined;
}

/** Run rsync; resolves (never rejects) with code -1 when it could not run or was aborted. */
export function runRsync(target: RsyncTarget, options: PushTreeOptions): Promise<PushTreeResult> {
	const started = Date.now();
	let argv: string[];
	try {
		argv = rsyncArgv(target, options);
	} catch (error) {
		const message = `aegir-pack: refusing to run rsync: ${(error as Error).message}\n`;
		return Promise.resolve({command: 'rsync', code: -1, stdout: '', stderr: message, durationMs: 0, changed: [], deleted: []});
	}
	const command = commandLine(['rsync', ...argv]);
	const env = {...process.env};
	if (target.agentSocket === false) delete env['SSH_AUTH_SOCK'];
	else if (target.agentSocket !== undefined) env['SSH_AUTH_SOCK'] = target.agentSocket;

	return new Promise(resolve => {
		const output = new OutputCollector(options.onOutput);
		let settled = false;
		const finish = (code: number, note?: string) => {
			if (settled) return;
			settled = true;
			output.end(); // flush first: the hint reads the whole of stderr
			output.end(note ?? rsyncHint(target, code, output.stderr, options.runAs));
			const {stdout, stderr} = output;
			// Exit 25 (--max-delete reached) still itemizes what it did.
			const items = code === 0 || code === 25 ? parseItemizedChanges(stdout) : {changed: [], deleted: []};
			resolve({command, code, stdout, stderr, durationMs: Date.now() - started, changed: [...items.changed, ...items.deleted], deleted: items.deleted});
		};

		if (options.signal?.aborted) {
			finish(-1, 'stopped before rsync started');
			return;
		}
		const child = spawn('rsync', argv, {stdio: ['ignore', 'pipe', 'pipe'], env, ...(options.signal ? {signal: options.signal} : {})});
		child.stdout.on('data', (chunk: Buffer) => output.write('stdout', chunk));
		child.stderr.on('data', (chunk: Buffer) => output.write('stderr', chunk));
		child.on('error', error => {
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'ENOENT') finish(-1, 'rsync is not installed on this machine (apt-get install rsync).');
			else if (error.name === 'AbortError') finish(-1, 'rsync was stopped.');
			else finish(-1, `rsync could not run: ${error.message}`);
		});
		child.on('close', (code, signal) => {
			finish(code ?? -1, code === null ? `rsync ended by signal ${signal ?? 'unknown'}.` : undefined);
		});
	});
}
