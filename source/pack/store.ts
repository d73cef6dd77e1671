// Saved hosts and packs, one JSON file through conf. The file may be edited by
// hand, so a broken file is reported (naming the file and the problem) and
// never rewritten or cleared; every pack read goes through checkPack. Nothing
// secret is stored: Host and Pack hold none. Every read-change-write happens
// under a lock beside the file (config.json.lock), so processes saving at the
// same time each keep their change; reads need none (conf writes by rename).

import {mkdirSync, readFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import Conf from 'conf';
import {pickHost, pickPack, STORE_SCHEMA_VERSION, storeRootSchema, storeSchema, unknownKeys, type StoreData} from './store-schema.js';
import {checkPack} from './check-pack.js';
import type {Host, Pack, Problem} from './types.js';
import {formatProblems, validateHost} from './validate.js';
import {describeOwner, sleepSync, tryLock} from './lock-file.js';
import {defaultStoreDir} from './store-dir.js';

export {defaultStoreDir} from './store-dir.js';

/**
 * How long a writer waits for others to finish. Each holds the lock for milliseconds,
 * but every write is fsynced, and a loaded disk makes a queue of writers slow.
 */
const STORE_LOCK_WAIT_MS = 30_000;

/** Run `change` holding the store's lock, waiting briefly for another writer. */
function withStoreLock<T>(file: string, change: () => T): T {
	const path = `${file}.lock`;
	const deadline = Date.now() + STORE_LOCK_WAIT_MS;
	for (;;) {
		let result;
		try {
			result = tryLock(path, 'store');
		} catch (error) {
			throw new StoreError(`cannot lock ${file} (${path}): ${messageOf(error)}`);
		}
		if (!('held' in result)) {
			try {
				return change();
			} finally {
				result.release();
			}
		}
		if (Date.now() > deadline) {
			throw new StoreError(`${file} is locked by aegir-pack ${describeOwner(result.held)} for more than ${STORE_LOCK_WAIT_MS / 1000} s; try again (a lock of a process that is gone is taken over)`);
		}
		// Jittered, so that writers started together do not retry in step.
		sleepSync(10 + Math.floor(Math.random() * 30));
	}
}

export class StoreError extends Error {
	override name = 'StoreError';
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

const LEFT_ALONE = 'aegir-pack has left the file as it is; fix it by hand or move it away';

/** Turn conf's errors into one clear sentence naming the file. */
function openError(file: string, error: unknown): StoreError {
	const message = messageOf(error);
	if (error instanceof SyntaxError) return new StoreError(`${file} is not valid JSON (${message}); ${LEFT_ALONE}`);
	if (message.startsWith('Config schema violation:')) {
		const data = parsedFile(file);
		const newer = newerSchemaVersion(data);
		if (newer !== undefined) {
			return new StoreError(
				`${file} was written by a newer aegir-pack (schemaVersion ${newer}; this one reads ${STORE_SCHEMA_VERSION}); upgrade aegir-pack`,
			);
		}
		const details = message
			.slice('Config schema violation:'.length)
			.trim()
			.replaceAll('``', 'the top level')
			.replaceAll('`', '');
		const unknown = unknownKeys(data);
		const named = unknown.length > 0 ? ` (unknown: ${unknown.join(', ')})` : '';
		return new StoreError(`${file} does not have the expected layout: ${details}${named}; ${LEFT_ALONE}`);
	}
	const code = (error as NodeJS.ErrnoException).code;
	return new StoreError(`cannot open ${file}${code ? ` (${code})` : ''}: ${message}`);
}

/** The file's JSON for a closer look at a schema violation (undefined if it cannot be read again). */
function parsedFile(file: string): unknown {
	try {
		return JSON.parse(readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

function newerSchemaVersion(data: unknown): number | undefined {
	const version = (data as {schemaVersion?: unknown} | null | undefined)?.schemaVersion;
	return typeof version === 'number' && version > STORE_SCHEMA_VERSION ? version : undefined;
}

/** The file's contents once checked: hosts, and packs that passed checkPack. */
type CheckedContents = {hosts: Host[]; packs: Pack[]};

/** Meaning checks on top of the schema: what a hand edit can get wrong that ajv cannot see. */
function checkContents(data: StoreData): {contents: CheckedContents; problems: []} | {contents?: undefined; problems: Problem[]} {
	const problems: Problem[] = [];
	const seenHosts = new Set<string>();
	data.hosts.forEach((host, index) => {
		const field = `hosts[${index}]`;
		problems.push(...validateHost(host, field));
		if (seenHosts.has(host.name)) problems.push({field, message: `host ${JSON.stringify(host.name)} is saved twice`});
		seenHosts.add(host.name);
	});
	const packs: Pack[] = [];
	const seenPacks = new Set<string>();
	data.packs.forEach((fields, index) => {
		const field = `packs[${index}]`;
		const checked = checkPack(fields);
		if (checked.pack) packs.push(checked.pack);
		else problems.push(...checked.problems.map(problem => ({field: `${field}.${problem.field}`, message: problem.message})));
		if (seenPacks.has(fields.name)) problems.push({field, message: `pack ${JSON.stringify(fields.name)} is saved twice`});
		seenPacks.add(fields.name);
	});
	return problems.length > 0 ? {problems} : {contents: {hosts: data.hosts, packs}, problems: []};
}

export class PackStore {
	/** The JSON file. */
	readonly path: string;
	readonly #conf: Conf<StoreData>;

	/** Opens (or creates) the store; throws StoreError, leaving the file untouched, if it is broken. */
	constructor(options: {dir?: string} = {}) {
		const dir = resolve(options.dir ?? defaultStoreDir());
		const file = join(dir, 'config.json');
		this.path = file;
		try {
			// The lock lives beside the file; conf would create the directory anyway.
			mkdirSync(dir, {recursive: true, mode: 0o700});
		} catch (error) {
			throw openError(file, error);
		}
		// conf writes its defaults when the file is missing: that is a write too.
		this.#conf = withStoreLock(file, () => this.#openConf(dir, file));
		this.#read();
	}

	#openConf(dir: string, file: string): Conf<StoreData> {
		try {
			return new Conf<StoreData>({
				cwd: dir,
				configName: 'config',
				schema: storeSchema,
				rootSchema: storeRootSchema,
				defaults: {schemaVersion: STORE_SCHEMA_VERSION, hosts: [], packs: []},
				clearInvalidConfig: false,
				accessPropertiesByDotNotation: false,
				// Only the user running the tool needs its inventory of production hosts.
				configFileMode: 0o600,
				// The schema is ours and fixed: checking it against JSON Schema's meta-schema on every
				// start costs some 40 ms before the start menu. test/pack/store-schema.test.ts checks it once.
				ajvOptions: {validateSchema: false},
			});
		} catch (error) {
			throw openError(file, error);
		}
	}

	/** The whole file, freshly read and checked (another process or a hand edit may have changed it). */
	#read(): CheckedContents {
		let data: StoreData;
		try {
			data = this.#conf.store;
		} catch (error) {
			throw openError(this.path, error);
		}
		const {contents, problems} = checkContents(data);
		if (!contents) throw new StoreError(`${this.path} has invalid entries; ${LEFT_ALONE}:\n${formatProblems(problems)}`);
		return contents;
	}

	/** Read, change and write one list under the store lock; `change` returns undefined to write nothing. */
	#update<Key extends 'hosts' | 'packs'>(key: Key, change: (contents: CheckedContents) => StoreData[Key] | undefined): void {
		withStoreLock(this.path, () => {
			const value = change(this.#read());
			if (value === undefined) return;
			try {
				this.#conf.set(key, value);
			} catch (error) {
				throw new StoreError(`cannot save to ${this.path}: ${messageOf(error)}`);
			}
		});
	}

	listHosts(): Host[] {
		return this.#read().hosts;
	}

	/** Add the host, or replace the saved host of the same name in place. */
	saveHost(host: Host): void {
		const problems = validateHost(host, 'host');
		if (problems.length > 0) throw new StoreError(`host not saved:\n${formatProblems(problems)}`);
		this.#update('hosts', ({hosts}) => {
			const index = hosts.findIndex(saved => saved.name === host.name);
			if (index === -1) hosts.push(pickHost(host));
			else hosts[index] = pickHost(host);
			return hosts;
		});
	}

	/** Forget a saved host (packs keep their own copy of it). Unknown names are ignored. */
	deleteHost(name: string): void {
		this.#update('hosts', ({hosts}) => {
			const kept = hosts.filter(host => host.name !== name);
			return kept.length === hosts.length ? undefined : kept;
		});
	}

	listPacks(): Pack[] {
		return this.#read().packs;
	}

	getPack(name: string): Pack | undefined {
		return this.#read().packs.find(pack => pack.name === name);
	}

	/**
	 * Add the pack or replace the saved pack of the same name in place. The entry
	 * written is held to the read's own check, so a saved pack always loads; for a
	 * Pack (already checked) this refuses only one forged with a cast.
	 */
	savePack(pack: Pack): void {
		const entry = pickPack(pack);
		const {problems} = checkPack(entry);
		if (problems) throw new StoreError(`pack not saved:\n${formatProblems(problems)}`);
		this.#update('packs', contents => {
			const packs: StoreData['packs'] = contents.packs;
			const index = packs.findIndex(saved => saved.name === entry.name);
			if (index === -1) packs.push(entry);
			else packs[index] = entry;
			return packs;
		});
	}

	/** Forget a saved pack. Unknown names are ignored. */
	deletePack(name: string): void {
		this.#update('packs', ({packs}) => {
			const kept: StoreData['packs'] = packs.filter(pack => pack.name !== name);
			return kept.length === packs.length ? undefined : kept;
		});
	}
}
