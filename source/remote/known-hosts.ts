// OpenSSH known_hosts, read and appended the way ssh(1) does, so that the keys
// this tool accepts are the keys `ssh` and the rsync it spawns accept too.
// Format: `[@marker] patterns keytype base64 [comment]`; patterns are a comma
// list with `*`, `?` and `!negation`, or one hashed name `|1|salt|hmac-sha1`.

import {createHash, createHmac, timingSafeEqual} from 'node:crypto';
import {mkdir, open, readFile, stat} from 'node:fs/promises';
import {dirname} from 'node:path';

export type KnownHostsEntry = {
	file: string;
	/** 1-based line number, as editors and `ssh-keygen -R` users count. */
	line: number;
	marker?: 'revoked' | 'cert-authority';
	/** The host field as written: a pattern list or one hashed name. */
	hosts: string;
	keyType: string;
	key: Buffer;
};

export type HostKeyStatus =
	| {status: 'known'; file: string; line: number}
	| {status: 'unknown'}
	/** Recorded keys exist for this host, and the offered one is not among them. */
	| {status: 'mismatch'; file: string; line: number}
	/** The offered key is marked `@revoked`. */
	| {status: 'revoked'; file: string; line: number};

const HASH_MAGIC = '|1|';

/** How OpenSSH names a host in known_hosts: bare for port 22, `[host]:port` otherwise. */
export function knownHostsName(address: string, port: number): string {
	const host = address.toLowerCase();
	return port === 22 ? host : `[${host}]:${port}`;
}

/** Parse known_hosts text; malformed lines and unknown markers are skipped, as ssh does. */
export function parseKnownHosts(text: string, file: string): KnownHostsEntry[] {
	const entries: KnownHostsEntry[] = [];
	const lines = text.split('\n');
	for (const [index, raw] of lines.entries()) {
		const trimmed = raw.trim();
		if (trimmed === '' || trimmed.startsWith('#')) continue;
		const fields = trimmed.split(/\s+/);
		let marker: KnownHostsEntry['marker'];
		if (fields[0]?.startsWith('@')) {
			const name = fields.shift();
			if (name === '@revoked') marker = 'revoked';
			else if (name === '@cert-authority') marker = 'cert-authority';
			else continue;
		}
		const [hosts, keyType, keyBase64] = fields;
		if (hosts === undefined || keyType === undefined || keyBase64 === undefined) continue;
		if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyBase64)) continue;
		const key = Buffer.from(keyBase64, 'base64');
		if (key.length === 0) continue;
		entries.push({file, line: index + 1, ...(marker ? {marker} : {}), hosts, keyType, key});
	}
	return entries;
}

/** Whether a known_hosts host field names this host (plain pattern list or hashed). */
export function hostFieldMatches(hosts: string, address: string, port: number): boolean {
	const name = knownHostsName(address, port);
	if (hosts.startsWith(HASH_MAGIC)) return hashedNameMatches(hosts, name);
	let found = false;
	for (const pattern of hosts.toLowerCase().split(',')) {
		const negated = pattern.startsWith('!');
		const glob = negated ? pattern.slice(1) : pattern;
		if (!globMatches(glob, name)) continue;
		if (negated) return false;
		found = true;
	}
	return found;
}

function hashedNameMatches(field: string, name: string): boolean {
	const [salt, hash] = field.slice(HASH_MAGIC.length).split('|');
	if (!salt || !hash) return false;
	const expected = Buffer.from(hash, 'base64');
	const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
	return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** OpenSSH match_pattern: `*` any run, `?` one character, everything else literal. */
function globMatches(pattern: string, name: string): boolean {
	const source = [...pattern]
		.map(char => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
		.join('');
	return new RegExp(`^${source}$`, 's').test(name);
}

/**
 * Decide whether `key` (the raw public key blob the host offered) is the
 * recorded key for address:port. Stricter than a plain lookup on purpose:
 * a key marked @revoked is refused for every host, and when any key is
 * recorded for the host, an offered key that is not one of them is a
 * mismatch even if its type differs (a changed key must not be able to
 * slip in as "new" by switching algorithm). @cert-authority lines are
 * ignored: ssh2 does not do host certificates.
 */
export function checkHostKey(entries: readonly KnownHostsEntry[], address: string, port: number, key: Buffer): HostKeyStatus {
	const revoked = entries.find(entry => entry.marker === 'revoked' && entry.key.equals(key));
	if (revoked) return {status: 'revoked', file: revoked.file, line: revoked.line};
	const forHost = entries.filter(entry => entry.marker === undefined && hostFieldMatches(entry.hosts, address, port));
	const same = forHost.find(entry => entry.key.equals(key));
	if (same) return {status: 'known', file: same.file, line: same.line};
	if (forHost.length === 0) return {status: 'unknown'};
	const offeredType = keyTypeOf(key);
	const blame = forHost.find(entry => keyTypeOf(entry.key) === offeredType) ?? forHost[0]!;
	return {status: 'mismatch', file: blame.file, line: blame.line};
}

/** Key types recorded for the host, so the connection can ask the host for one of those first. */
export function knownKeyTypes(entries: readonly KnownHostsEntry[], address: string, port: number): string[] {
	const types = entries
		.filter(entry => entry.marker === undefined && hostFieldMatches(entry.hosts, address, port))
		.map(entry => keyTypeOf(entry.key));
	return [...new Set(types)];
}

/** Read every file that exists (a missing file is simply empty; an unreadable one is an error). */
export async function readKnownHosts(files: readonly string[]): Promise<KnownHostsEntry[]> {
	const entries: KnownHostsEntry[] = [];
	for (const file of files) {
		let text: string;
		try {
			text = await readFile(file, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
			throw error;
		}
		entries.push(...parseKnownHosts(text, file));
	}
	return entries;
}

/** Look the offered key up in the given files. */
export async function lookupHostKey(files: readonly string[], address: string, port: number, key: Buffer): Promise<HostKeyStatus> {
	return checkHostKey(await readKnownHosts(files), address, port, key);
}

/** The key type named inside an SSH public key blob (its first string), e.g. `ssh-ed25519`. */
export function keyTypeOf(blob: Buffer): string {
	if (blob.length < 4) return '';
	const length = blob.readUInt32BE(0);
	if (length > blob.length - 4) return '';
	return blob.subarray(4, 4 + length).toString('latin1');
}

/** `SHA256:` + unpadded base64 of the blob's SHA-256, exactly as `ssh-keygen -l` prints it. */
export function fingerprintSha256(keyBlob: Buffer): string {
	return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

// Appends from hosts connecting in parallel must not interleave.
let appendQueue: Promise<unknown> = Promise.resolve();

/**
 * Record an accepted key the way ssh does (`host` or `[host]:port`), creating
 * the directory (0700) and the file (0600) when missing.
 */
export async function appendKnownHost(file: string, host: string, port: number, keyType: string, keyBase64: string): Promise<void> {
	// Whatever the host or the network sent must not be able to forge extra entries.
	if (!/^[^\s,#@|!*?]+$/.test(host)) throw new Error(`refusing to record a host key for a strange host name: ${JSON.stringify(host)}`);
	if (!/^[A-Za-z0-9@._-]+$/.test(keyType)) throw new Error(`refusing to record a strange key type: ${JSON.stringify(keyType)}`);
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyBase64)) throw new Error('refusing to record a key that is not base64');
	const line = `${knownHostsName(host, port)} ${keyType} ${keyBase64}\n`;
	const run = appendQueue.then(() => appendLine(file, line));
	appendQueue = run.catch(() => undefined);
	return run;
}

async function appendLine(file: string, line: string): Promise<void> {
	await mkdir(dirname(file), {recursive: true, mode: 0o700});
	const size = await stat(file).then(
		info => info.size,
		() => 0,
	);
	const handle = await open(file, 'a+', 0o600);
	try {
		let prefix = '';
		if (size > 0) {
			const last = Buffer.alloc(1);
			await handle.read(last, 0, 1, size - 1);
			if (last[0] !== 0x0a) prefix = '\n';
		}
		await handle.appendFile(prefix + line);
	} finally {
		await handle.close();
	}
}
