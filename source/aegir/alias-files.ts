// The servers Aegir knows, read from the drush alias files provision keeps for
// them: `<aegirHome>/.drush/server_<name>.alias.drushrc.php`. Files are parsed
// (never run); a file that cannot be read exactly is reported and skipped.

import {readdir} from 'node:fs/promises';
import path from 'node:path';
import {aegirContextName} from '../pack/validate.js';
import {readAliasFile} from './read-alias-file.js';
import {PhpExportError, isPhpList, parseAliasFile, type PhpArray, type PhpValue} from './php-export-reader.js';

export type AegirServer = {
	/** The alias name without '@', e.g. `server_web1examplecom`. */
	context: string;
	/**
	 * The server's name for this tool: its remote_host when Aegir derived the
	 * context from it (`web1.example.com` → `server_web1examplecom`), else the
	 * context without `server_` (`server_master` → `master`). Either way
	 * `aegirContextName(name)` gives back `context` for contexts Aegir made.
	 */
	name: string;
	/** Where Aegir reaches the server (DNS name or IP address). */
	remoteHost: string;
	/** apache, apache_ssl, nginx, nginx_ssl, pack, cluster…; undefined: no web service (e.g. db-only). */
	httpServiceType?: string;
	httpPort?: number;
	/** The command Aegir runs on the server to reload it, e.g. `sudo /usr/sbin/apache2ctl graceful`. */
	httpRestartCmd?: string;
	scriptUser?: string;
	aegirRoot?: string;
	/** Pack members as contexts without '@' (`server_web1`); empty for other servers. */
	masterWebServers: string[];
	slaveWebServers: string[];
	/** Absolute path of the alias file. */
	file: string;
};

export type AliasFileProblem = {file: string; message: string};

export type AegirServers = {
	/** False when `<aegirHome>/.drush` does not exist (no Aegir here). */
	found: boolean;
	servers: AegirServer[];
	problems: AliasFileProblem[];
};

/** Service types of a real web server (a pack or a cluster is a group of them). */
export const WEB_SERVER_TYPES: readonly string[] = ['apache', 'apache_ssl', 'nginx', 'nginx_ssl'];

/** A server alias file: `server_` then anything, as provision names them. */
export const SERVER_ALIAS_FILE = /^server_.+\.alias\.drushrc\.php$/;

/** Alias files are a few KiB; anything far larger is not one. */
export const MAX_ALIAS_FILE_BYTES = 1024 * 1024;

const describe = (value: PhpValue | undefined): string => {
	if (value === undefined) return 'missing';
	if (value instanceof Map) return 'an array';
	if (typeof value === 'string') return JSON.stringify(value);
	return String(value);
};

class FieldError extends Error {}

function optionalString(record: PhpArray, key: string): string | undefined {
	const value = record.get(key);
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw new FieldError(`${key} is ${describe(value)}, expected a string`);
	return value;
}

function optionalPort(record: PhpArray, key: string): number | undefined {
	const value = record.get(key);
	if (value === undefined || value === null) return undefined;
	// provision saves its default as an int, a --http_port option as a string.
	const port = typeof value === 'string' && /^[0-9]{1,5}$/.test(value) ? Number(value) : value;
	if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) {
		throw new FieldError(`${key} is ${describe(value)}, expected a port number`);
	}

	return port;
}

/** A list of `@server_…` names; provision's explode(',') may leave an empty string for "none". */
function contextList(record: PhpArray, key: string): string[] {
	const value = record.get(key);
	if (value === undefined || value === null) return [];
	if (!isPhpList(value)) throw new FieldError(`${key} is ${describe(value)}, expected a list of servers`);
	const names: string[] = [];
	for (const item of value.values()) {
		if (typeof item !== 'string') throw new FieldError(`${key} holds ${describe(item)}, expected server names`);
		if (item === '') continue;
		names.push(item.replace(/^@/, ''));
	}

	return names;
}

function serverName(context: string, remoteHost: string): string {
	if (aegirContextName(remoteHost) === context) return remoteHost;
	return context.replace(/^server_/, '');
}

/** The server record in one alias value, or why it is not one. */
export function aegirServerFromAlias(file: string, context: string, value: PhpValue): AegirServer | AliasFileProblem {
	if (!(value instanceof Map)) return {file, message: `the alias ${context} is ${describe(value)}, not an array`};
	try {
		const type = optionalString(value, 'context_type');
		if (type !== 'server') return {file, message: `context_type is ${describe(value.get('context_type'))}, expected 'server'`};
		const remoteHost = optionalString(value, 'remote_host');
		if (remoteHost === undefined || remoteHost.trim() === '') return {file, message: 'remote_host is missing or empty'};
		return {
			context,
			name: serverName(context, remoteHost),
			remoteHost,
			httpServiceType: optionalString(value, 'http_service_type'),
			httpPort: optionalPort(value, 'http_port'),
			httpRestartCmd: optionalString(value, 'http_restart_cmd'),
			scriptUser: optionalString(value, 'script_user'),
			aegirRoot: optionalString(value, 'aegir_root'),
			masterWebServers: contextList(value, 'master_web_servers'),
			slaveWebServers: contextList(value, 'slave_web_servers'),
			file,
		};
	} catch (error) {
		if (error instanceof FieldError) return {file, message: error.message};
		throw error;
	}
}

const UTF8 = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true});

/** The one alias value of an alias file named after it, or why the file is not one. */
export function aliasValueOf(file: string, bytes: Uint8Array): {context: string; value: PhpValue} | AliasFileProblem {
	let text: string;
	try {
		text = UTF8.decode(bytes);
	} catch {
		return {file, message: 'is not valid UTF-8 text'};
	}

	let aliases: Map<string, PhpValue>;
	try {
		aliases = parseAliasFile(text);
	} catch (error) {
		if (error instanceof PhpExportError) return {file, message: `is not an alias file as provision writes it: ${error.message}`};
		throw error;
	}

	const expected = path.basename(file).replace(/\.alias\.drushrc\.php$/, '');
	const names = [...aliases.keys()];
	if (names.length !== 1 || names[0] !== expected) {
		return {file, message: `should hold only the alias '${expected}', holds ${names.map(name => `'${name}'`).join(', ')}`};
	}

	return {context: expected, value: aliases.get(expected)!};
}

/** Parse the bytes of one server alias file (named `server_….alias.drushrc.php`). */
export function parseServerAliasFile(file: string, bytes: Uint8Array): AegirServer | AliasFileProblem {
	const alias = aliasValueOf(file, bytes);
	if ('message' in alias) return alias;
	return aegirServerFromAlias(file, alias.context, alias.value);
}

/** Why a file could not be read, in words that say what to do. */
export function readFailureMessage(error: unknown): string {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied: run as root or as the aegir user)';
	if (code === 'ENOENT') return 'disappeared while being read';
	return `cannot be read (${(error as Error).message})`;
}

/** The alias files of one kind in an Aegir home, each parsed or reported. */
export type AliasFiles<T> = {found: boolean; records: T[]; problems: AliasFileProblem[]};

/**
 * Every alias file of `<aegirHome>/.drush` whose name matches `pattern`, in
 * name order, parsed by `parse` (servers here, platforms in
 * ./platform-aliases.ts): one way to read them all.
 */
export async function readAliasFiles<T>(
	aegirHome: string,
	pattern: RegExp,
	parse: (file: string, bytes: Uint8Array) => {record: T} | {problem: AliasFileProblem},
): Promise<AliasFiles<T>> {
	const directory = path.join(aegirHome, '.drush');
	let names: string[];
	try {
		names = await readdir(directory);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {found: false, records: [], problems: []};
		return {found: true, records: [], problems: [{file: directory, message: readFailureMessage(error)}]};
	}

	const records: T[] = [];
	const problems: AliasFileProblem[] = [];
	for (const name of names.filter(name => pattern.test(name)).sort()) {
		const file = path.join(directory, name);
		try {
			// Not through a link, not blocking on a FIFO: .drush is the aegir user's to write.
			const read = await readAliasFile(file, MAX_ALIAS_FILE_BYTES);
			if ('problem' in read) {
				problems.push({file, message: read.problem});
				continue;
			}

			const result = parse(file, read.bytes);
			if ('problem' in result) problems.push(result.problem);
			else records.push(result.record);
		} catch (error) {
			problems.push({file, message: readFailureMessage(error)});
		}
	}

	return {found: true, records, problems};
}

/** Every server alias file of an Aegir home, in name order. */
export async function readAegirServers(aegirHome: string): Promise<AegirServers> {
	const read = await readAliasFiles<AegirServer>(aegirHome, SERVER_ALIAS_FILE, (file, bytes) => {
		const result = parseServerAliasFile(file, bytes);
		return 'message' in result ? {problem: result} : {record: result};
	});
	return {found: read.found, servers: read.records, problems: read.problems};
}

/** Real web servers (apache, apache_ssl, nginx, nginx_ssl): not packs, clusters or db-only servers. */
export function aegirWebServers(servers: readonly AegirServer[]): AegirServer[] {
	return servers.filter(server => server.httpServiceType !== undefined && WEB_SERVER_TYPES.includes(server.httpServiceType));
}

/** Pack contexts (http_service_type 'pack'). */
export function aegirPacks(servers: readonly AegirServer[]): AegirServer[] {
	return servers.filter(server => server.httpServiceType === 'pack');
}
