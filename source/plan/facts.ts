// Facts: what a host looks like right now, parsed from the sections the facts
// script prints. Parsing is pure; gathering is one exec.

import {parseExportfs, type ExportEntry} from './exports-file.js';
import {factsCommand, factsScript, type FactsRequest} from './facts-script.js';
import {parseTreeListing, type ReceiverGroups, type TreeListing} from './sync-manifest.js';
import {readSections, splitSections} from '../shell/sectioned-script.js';
import {byteText} from '../shell/byte-text.js';
import type {Transport} from '../contracts/transport.js';

/**
 * A file as the facts read it. `content` is byte text (one character per byte,
 * see shell/byte-text.ts): the exact bytes, whatever their encoding. A link
 * where the aegir user's file belongs is reported with its target and never
 * read (`readable` false); so is anything that is not a regular file.
 */
export type FileFact =
	| {present: false}
	| {
			present: true;
			content: string;
			readable: boolean;
			/** What the symbolic link at the path points to (then nothing was read). */
			link?: string;
			/** Why it was not read: not a regular file, too large. */
			problem?: string;
	  };

export type PackageFact = {status: string; version: string; installed: boolean};

export type OsFact = {id: string; idLike: string[]; versionId: string; prettyName: string};

export type AccountFact = {name: string; uid?: number; gid: number; home?: string};

export type MountFact = {target: string; source: string; fstype: string; options: string};

export type DirectoryFact =
	| {state: 'missing'}
	| {state: 'not-directory'}
	/** A symbolic link: never entered, never created through. */
	| {state: 'link'; target: string}
	| {state: 'directory'; entryCount: number; sample: string[]}
	/** The probe timed out or failed: e.g. a hard NFS mount whose server is gone. */
	| {state: 'unresponsive'};

export type Facts = {
	hostname: string;
	/** Effective uid the commands ran as (0: root or sudo worked). */
	uid?: number;
	os?: OsFact;
	/** Which of the tools the steps use are on PATH. */
	commands: string[];
	packages: Record<string, PackageFact>;
	aegirUser?: AccountFact;
	aegirGroup?: AccountFact;
	/** Free KiB by path asked (`/`, `/var`). */
	freeKb: Record<string, number>;
	fstab: FileFact;
	dropIn: FileFact;
	/** Entries of `exportfs -v`; undefined when exportfs is not installed. */
	exports?: ExportEntry[];
	/** What is mounted at the shared path (the topmost mount), if anything. */
	mount?: MountFact;
	/** False when findmnt itself timed out (hung mount). */
	mountProbeAnswered: boolean;
	sharedDir: DirectoryFact;
	/** The marker file under the shared path: on a client, read through the mount. */
	marker: FileFact;
	/** What the request's `reads` asked for; a read that failed is absent (the step then reads it live). */
	reads?: FactsReadResults;
};

/** A state script's output, as the step's live read would have returned it (exit code 0 only). */
export type FactsReadResults = {
	webConfig?: string;
	codeTarget?: string;
	/** The NFS server's state command: its exit code and output. */
	nfsServer?: {code: number; stdout: string};
	/** A client's probe of the server's port (only read where the share was mounted). */
	serverAnswers?: {code: number; stdout: string};
	/** The receiving user's groups on the host (for the sync manifests). */
	receiver?: ReceiverGroups;
	/** Sync manifests by key. */
	trees?: Record<string, TreeListing>;
};

export class FactsParseError extends Error {
	override name = 'FactsParseError';
}

function parseOsRelease(text: string): OsFact | undefined {
	const values = new Map<string, string>();
	for (const line of text.split('\n')) {
		const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
		if (!match) continue;
		const raw = match[2]!;
		const unquoted = /^(["']).*\1$/.test(raw) ? raw.slice(1, -1) : raw;
		values.set(match[1]!, unquoted.replace(/\\(.)/g, '$1'));
	}

	const id = values.get('ID');
	if (id === undefined) return undefined;
	return {
		id,
		idLike: (values.get('ID_LIKE') ?? '').split(/\s+/).filter(Boolean),
		versionId: values.get('VERSION_ID') ?? '',
		prettyName: values.get('PRETTY_NAME') ?? id,
	};
}

function parsePackages(text: string): Record<string, PackageFact> {
	const packages: Record<string, PackageFact> = {};
	for (const line of text.split('\n')) {
		const [name, status = '', version = ''] = line.split('\t');
		if (!name) continue;
		packages[name.replace(/:.*$/, '')] = {status: status.trim(), version, installed: status.startsWith('ii')};
	}

	return packages;
}

function number(text: string | undefined): number | undefined {
	if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
	return Number(text.trim());
}

function parsePasswd(text: string): AccountFact | undefined {
	const fields = text.trim().split('\n')[0]?.split(':') ?? [];
	const uid = number(fields[2]);
	const gid = number(fields[3]);
	if (!fields[0] || uid === undefined || gid === undefined) return undefined;
	return {name: fields[0], uid, gid, home: fields[5]};
}

function parseGroup(text: string): AccountFact | undefined {
	const fields = text.trim().split('\n')[0]?.split(':') ?? [];
	const gid = number(fields[2]);
	if (!fields[0] || gid === undefined) return undefined;
	return {name: fields[0], gid};
}

function parseDf(text: string): Record<string, number> {
	const free: Record<string, number> = {};
	const rows = text.split('\n').slice(1).filter(line => line.trim() !== '');
	const asked = ['/', '/var'];
	rows.forEach((row, index) => {
		const fields = row.trim().split(/\s+/);
		const available = number(fields.at(-3));
		const path = asked[index];
		if (available !== undefined && path) free[path] = available;
	});
	return free;
}

function parseMount(json: string): MountFact | undefined {
	if (json.trim() === '') return undefined;
	try {
		const parsed = JSON.parse(json) as {filesystems?: Array<Partial<Record<'target' | 'source' | 'fstype' | 'options', string>>>};
		const top = parsed.filesystems?.at(-1);
		if (!top?.target) return undefined;
		return {target: top.target, source: top.source ?? '', fstype: top.fstype ?? '', options: top.options ?? ''};
	} catch {
		throw new FactsParseError(`findmnt printed something that is not JSON: ${json.slice(0, 200)}`);
	}
}

function parseDirectory(text: string, code: number | undefined): DirectoryFact {
	const lines = text.split('\n');
	const state = lines[0]?.trim();
	if (code !== 0) return {state: 'unresponsive'};
	if (state === 'missing') return {state: 'missing'};
	if (state === 'link') return {state: 'link', target: lines[1] ?? ''};
	if (state === 'not-directory') return {state: 'not-directory'};
	if (state === 'directory') {
		return {state: 'directory', entryCount: number(lines[1]) ?? 0, sample: lines.slice(2).filter(line => line !== '')};
	}

	return {state: 'unresponsive'};
}

const fromBase64 = (text: string) => byteText(Buffer.from(text.trim(), 'base64'));

/** A file the script printed with `file NAME PATH`. */
function fileFact(sections: Map<string, string>, name: string): FileFact {
	const encoded = sections.get(`${name}.b64`);
	if (encoded !== undefined) return {present: true, content: fromBase64(encoded), readable: sections.get(`${name}.rc`) === '0'};
	const large = sections.get(`${name}.toolarge`);
	if (large !== undefined) return {present: true, content: '', readable: false, problem: `is ${large.trim()} bytes, larger than aegir-pack reads`};
	const other = sections.get(`${name}.notfile`);
	if (other !== undefined) return {present: true, content: '', readable: false, problem: `is a ${other.trim() || 'special file'}, not a regular file`};
	return {present: false};
}

/** The marker, as the marker probe printed it: `link`, `file` + base64, `notfile`, `missing`. */
function markerFact(text: string | undefined, code: number | undefined): FileFact {
	const [state = '', rest = ''] = (text ?? '').split('\n');
	if (state === 'link') return {present: true, content: '', readable: false, link: rest};
	// Only a probe that ran to the end read the file (a hung mount, an unreadable file: absent).
	if (state === 'file' && code === 0) return {present: true, content: fromBase64(rest), readable: true};
	if (state === 'notfile') return {present: true, content: '', readable: false, problem: `is a ${rest.trim() || 'special file'}, not a regular file`};
	return {present: false};
}

function parseReceiver(text: string | undefined): ReceiverGroups | undefined {
	if (text === undefined) return undefined;
	const [ids = '', names = ''] = text.split('\n');
	const gids = ids.trim().split(/\s+/).filter(Boolean).map(Number);
	if (gids.length === 0 || gids.some(gid => !Number.isInteger(gid))) return undefined;
	return {gids, names: names.trim().split(/\s+/).filter(Boolean)};
}

function parseReads(sections: Map<string, string>): FactsReadResults | undefined {
	const reads: FactsReadResults = {};
	const ok = (name: string) => sections.get(`${name}.rc`) === '0';
	if (sections.has('webconfig') && ok('webconfig')) reads.webConfig = sections.get('webconfig')!;
	if (sections.has('codetarget') && ok('codetarget')) reads.codeTarget = sections.get('codetarget')!;
	const nfs = sections.get('nfsserver');
	const nfsCode = number(sections.get('nfsserver.rc'));
	if (nfs !== undefined && nfsCode !== undefined) reads.nfsServer = {code: nfsCode, stdout: nfs.replace(/\n$/, '')};
	const answers = sections.get('serveranswers');
	const answersCode = number(sections.get('serveranswers.rc'));
	if (answers !== undefined && answersCode !== undefined) reads.serverAnswers = {code: answersCode, stdout: answers.replace(/\n$/, '')};
	const receiver = parseReceiver(sections.get('receiver'));
	if (receiver) reads.receiver = receiver;
	for (const [name, text] of sections) {
		if (!name.startsWith('tree.') || name.endsWith('.rc')) continue;
		const code = sections.get(`${name}.rc`);
		const listing: TreeListing = code === '0' ? parseTreeListing(text) : {state: 'unreadable', reason: `the listing ended with exit code ${code ?? '?'}`};
		(reads.trees ??= {})[name.slice('tree.'.length)] = listing;
	}
	return Object.keys(reads).length > 0 ? reads : undefined;
}

/** Parse the whole output of the facts script. */
export function parseFacts(text: string, nonce: string): Facts {
	const sections = splitSections(text, nonce);
	if (!sections.has('end')) throw new FactsParseError('the facts command stopped before the end of its output');
	const get = (name: string) => sections.get(name) ?? '';
	const mountCode = number(sections.get('mount.rc'));
	const exportfs = sections.get('exportfs');
	const reads = parseReads(sections);
	return {
		hostname: get('hostname').trim(),
		uid: number(get('uid')),
		os: parseOsRelease(get('os-release')),
		commands: get('commands')
			.split('\n')
			.map(line => line.trim())
			.filter(Boolean),
		packages: parsePackages(get('packages')),
		aegirUser: parsePasswd(get('passwd')),
		aegirGroup: parseGroup(get('group')),
		freeKb: parseDf(get('df')),
		fstab: fileFact(sections, 'fstab'),
		dropIn: fileFact(sections, 'dropin'),
		exports: exportfs === undefined ? undefined : parseExportfs(exportfs),
		// findmnt exits 1 when nothing is mounted there; 124+ when timeout killed it.
		mount: mountCode === 0 ? parseMount(get('mount')) : undefined,
		mountProbeAnswered: mountCode === 0 || mountCode === 1,
		sharedDir: parseDirectory(get('dir'), number(sections.get('dir.rc'))),
		marker: markerFact(sections.get('marker'), number(sections.get('marker.rc'))),
		...(reads ? {reads} : {}),
	};
}

/** Run the facts script on a host (as root) and parse what it printed. */
export async function gatherFacts(
	transport: Transport,
	request: Omit<FactsRequest, 'nonce'>,
	signal?: AbortSignal,
): Promise<Facts> {
	return readSections(transport, {
		what: 'the state of',
		script: factsScript(request.reads, request.user),
		command: nonce => factsCommand({...request, nonce}),
		parse: parseFacts,
		timeoutMs: 60_000,
		signal,
	});
}
