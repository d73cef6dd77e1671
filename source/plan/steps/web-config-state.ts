// Reading a head's web server config and its code destination for the web
// steps: one read-only script each (source/shell/web-config-scripts.ts), its
// lines parsed here. A check reads them from the host's facts (the same
// scripts, in the one batched command; the facts are read again after any
// change on the host, so a step still sees what the steps before it changed);
// an apply reads them live.

import {AEGIR_CONFIG_DIR, type HeadConfigEntry, type WebApp} from '../../aegir/provision-layout.js';
import {StepFailedError, tail} from '../../contracts/command-error.js';
import type {Transport} from '../../contracts/transport.js';
import type {Facts} from '../facts.js';
import {commandLine} from '../../shell/quote.js';
import {CODE_TARGET_STATE_SCRIPT, RELOAD_PENDING_FILE, WEB_CONFIG_STATE_SCRIPT} from '../../shell/web-config-scripts.js';

export type TargetDirectory =
	| {state: 'directory'; writable: boolean}
	| {state: 'missing'; writable?: boolean}
	| {state: 'link'; target: string}
	| {state: 'not-directory'};

export type WebConfigState = {
	dir: TargetDirectory;
	entries: HeadConfigEntry[];
	/** The snapshot directory of a config change not yet tested and reloaded. */
	pending?: string;
	installed: WebApp[];
};

export type CodeTargetState = {
	dir: TargetDirectory;
	/** Directories at the top of the destination. */
	entries: string[];
	/** The user is in the web server's group. */
	member: boolean;
};

const TYPES: Record<string, HeadConfigEntry['type']> = {d: 'directory', f: 'file', l: 'link'};

function parseDirectory(fields: string[]): TargetDirectory {
	const [state = '', detail = ''] = fields;
	if (state === 'link') return {state, target: detail};
	if (state === 'not-directory') return {state};
	if (state === 'missing') return {state, ...(detail ? {writable: detail === 'writable'} : {})};
	return {state: 'directory', writable: detail === 'writable'};
}

export function parseWebConfigState(output: string): WebConfigState {
	const state: WebConfigState = {dir: {state: 'missing'}, entries: [], installed: []};
	for (const line of output.split('\n')) {
		const [key, ...fields] = line.split('\t');
		if (key === 'dir') state.dir = parseDirectory(fields);
		else if (key === 'entry' && fields[1]) {
			const type = TYPES[fields[0] ?? ''] ?? 'other';
			state.entries.push({name: fields[1], type, ...(type === 'link' ? {target: fields[2] ?? ''} : {})});
		} else if (key === 'pending' && fields[0]) state.pending = fields[0];
		else if (key === 'installed' && (fields[0] === 'apache' || fields[0] === 'nginx')) state.installed.push(fields[0]);
	}
	return state;
}

export function parseCodeTargetState(output: string): CodeTargetState {
	const state: CodeTargetState = {dir: {state: 'missing'}, entries: [], member: false};
	for (const line of output.split('\n')) {
		const [key, ...fields] = line.split('\t');
		if (key === 'dir') state.dir = parseDirectory(fields);
		else if (key === 'entry' && fields[0]) state.entries.push(fields[0]);
		else if (key === 'member') state.member = fields[0] === 'yes';
	}
	return state;
}

async function readState(transport: Transport, script: string, args: string[], signal: AbortSignal): Promise<string> {
	const command = commandLine(['sh', '-c', script, 'aegir-pack', ...args]);
	const result = await transport.exec(command, {sudo: true, quiet: true, signal, timeoutMs: 30_000});
	if (result.code !== 0) {
		throw new StepFailedError(`reading ${args[0]} failed (exit code ${result.code})`, {command: result.command, code: result.code, stderrTail: tail(result.stderr)});
	}
	return result.stdout;
}

export async function readWebConfigState(transport: Transport, user: string, signal: AbortSignal): Promise<WebConfigState> {
	return parseWebConfigState(await readState(transport, WEB_CONFIG_STATE_SCRIPT, [AEGIR_CONFIG_DIR, user, RELOAD_PENDING_FILE], signal));
}

export async function readCodeTargetState(transport: Transport, destination: string, user: string, group: string, signal: AbortSignal): Promise<CodeTargetState> {
	return parseCodeTargetState(await readState(transport, CODE_TARGET_STATE_SCRIPT, [destination, user, group], signal));
}

/** The web config state the host's facts read (the same script), or undefined when they did not. */
export function webConfigState(facts: Facts): WebConfigState | undefined {
	const output = facts.reads?.webConfig;
	return output === undefined ? undefined : parseWebConfigState(output);
}

/** The code destination's state the host's facts read (the same script), or undefined when they did not. */
export function codeTargetState(facts: Facts): CodeTargetState | undefined {
	const output = facts.reads?.codeTarget;
	return output === undefined ? undefined : parseCodeTargetState(output);
}

/** Why the tool must not sync into this directory as `user`, or undefined. */
export function targetProblem(path: string, dir: TargetDirectory, user: string): string | undefined {
	switch (dir.state) {
		case 'link': {
			return `${path} is a symbolic link to ${dir.target}: nothing is synced through it (it should be ${user}'s own directory)`;
		}

		case 'not-directory': {
			return `${path} exists and is not a directory`;
		}

		case 'directory': {
			return dir.writable ? undefined : `${user} cannot write ${path}: it must be ${user}'s (rsync runs there as ${user}, as Aegir does)`;
		}

		case 'missing': {
			return dir.writable === false ? `${path} is missing and ${user} cannot create it (its parent is not ${user}'s)` : undefined;
		}
	}
}
