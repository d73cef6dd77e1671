// SSH key text as OpenSSH reads it: public key lines, authorized_keys (with
// options) and known_hosts (plain, wildcard and hashed host names). Aegir's
// own ssh and rsync, as the aegir user, need the Aegir server's key in each
// member's authorized_keys and each member's host key in its known_hosts.

import {createHmac, timingSafeEqual} from 'node:crypto';

export type PublicKey = {type: string; blob: string; comment?: string};

const KEY_TYPE = /^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function isKeyType(word: string): boolean {
	return KEY_TYPE.test(word);
}

/** The blob must be SSH wire format that starts with its own key type, or it is no key. */
function blobMatchesType(type: string, blob: string): boolean {
	if (!BASE64.test(blob)) return false;
	const bytes = Buffer.from(blob, 'base64');
	if (bytes.length < 4) return false;
	const length = bytes.readUInt32BE(0);
	return length === type.length && bytes.subarray(4, 4 + length).toString('latin1') === type;
}

/** `type base64 [comment]`, as in id_*.pub and ssh_host_*_key.pub; undefined when it is not one. */
export function parsePublicKey(line: string): PublicKey | undefined {
	const match = /^\s*(\S+)\s+(\S+)(?:\s+(.*?))?\s*$/.exec(line);
	if (!match) return undefined;
	const [, type = '', blob = '', comment] = match;
	if (!isKeyType(type) || !blobMatchesType(type, blob)) return undefined;
	return comment ? {type, blob, comment} : {type, blob};
}

export function sameKey(a: PublicKey, b: PublicKey): boolean {
	return a.type === b.type && a.blob === b.blob;
}

/** `type blob comment` for a file line. */
export function keyLine(key: PublicKey): string {
	return key.comment ? `${key.type} ${key.blob} ${key.comment}` : `${key.type} ${key.blob}`;
}

/** Split off authorized_keys options: up to the first whitespace outside double quotes. */
function splitOptions(line: string): {options: string; rest: string} {
	let quoted = false;
	for (let index = 0; index < line.length; index++) {
		const char = line[index]!;
		if (char === '\\' && quoted) {
			index++;
			continue;
		}

		if (char === '"') quoted = !quoted;
		else if (!quoted && (char === ' ' || char === '\t')) return {options: line.slice(0, index), rest: line.slice(index).trimStart()};
	}

	return {options: line, rest: ''};
}

export type AuthorizedKeyEntry = {key: PublicKey; options: string; line: number};

/** Every key of an authorized_keys text, with its options and 1-based line number. */
export function parseAuthorizedKeys(content: string): AuthorizedKeyEntry[] {
	const entries: AuthorizedKeyEntry[] = [];
	content.split('\n').forEach((raw, index) => {
		const line = raw.trim();
		if (line === '' || line.startsWith('#')) return;
		const first = line.split(/\s/, 1)[0]!;
		if (isKeyType(first)) {
			const key = parsePublicKey(line);
			if (key) entries.push({key, options: '', line: index + 1});
			return;
		}

		const {options, rest} = splitOptions(line);
		const key = parsePublicKey(rest);
		if (key) entries.push({key, options, line: index + 1});
	});
	return entries;
}

/** Options that stop Aegir's rsync and ssh from working with this key. */
export function restrictingOptions(options: string): string[] {
	const found: string[] = [];
	if (/(^|,)\s*command\s*=/i.test(options)) found.push('command=');
	if (/(^|,)\s*restrict\s*(,|$)/i.test(options)) found.push('restrict');
	if (/(^|,)\s*from\s*=/i.test(options)) found.push('from=');
	return found;
}

export type AuthorizedKeyStatus =
	| {state: 'present'; entry: AuthorizedKeyEntry}
	| {state: 'restricted'; entry: AuthorizedKeyEntry; options: string[]}
	| {state: 'missing'};

/** Whether any of `keys` may log in through this authorized_keys text (first unrestricted match wins). */
export function authorizedKeyStatus(content: string, keys: readonly PublicKey[]): AuthorizedKeyStatus {
	const matches = parseAuthorizedKeys(content).filter(entry => keys.some(key => sameKey(key, entry.key)));
	const usable = matches.find(entry => restrictingOptions(entry.options).length === 0);
	if (usable) return {state: 'present', entry: usable};
	const first = matches[0];
	if (first) return {state: 'restricted', entry: first, options: restrictingOptions(first.options)};
	return {state: 'missing'};
}

/** The text with `line` appended as a line of its own (a missing final newline is added first). */
export function appendLine(content: string, line: string): string {
	if (content === '') return `${line}\n`;
	return `${content.endsWith('\n') ? content : `${content}\n`}${line}\n`;
}

/** How ssh names a host in known_hosts: plain on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port = 22): string {
	return port === 22 ? host : `[${host}]:${port}`;
}

function globMatches(pattern: string, name: string): boolean {
	const expression = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
	return new RegExp(`^${expression}$`, 's').test(name);
}

function hashedMatches(entry: string, name: string): boolean {
	const [, magic, salt, hash] = entry.split('|');
	if (magic !== '1' || !salt || !hash) return false;
	const expected = Buffer.from(hash, 'base64');
	const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
	return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Does a known_hosts host field (comma-separated patterns, `!negations`, hashes) name this host? */
export function hostFieldMatches(field: string, name: string): boolean {
	const lower = name.toLowerCase();
	if (field.startsWith('|')) return hashedMatches(field, lower);
	let matched = false;
	for (const pattern of field.split(',')) {
		if (pattern.startsWith('!')) {
			if (globMatches(pattern.slice(1).toLowerCase(), lower)) return false;
		} else if (globMatches(pattern.toLowerCase(), lower)) {
			matched = true;
		}
	}

	return matched;
}

export type KnownHostEntry = {marker?: string; hosts: string; key: PublicKey; line: number};

export function parseKnownHosts(content: string): KnownHostEntry[] {
	const entries: KnownHostEntry[] = [];
	content.split('\n').forEach((raw, index) => {
		const line = raw.trim();
		if (line === '' || line.startsWith('#')) return;
		const words = line.split(/\s+/);
		const marker = words[0]?.startsWith('@') ? words.shift() : undefined;
		const hosts = words.shift();
		const key = parsePublicKey(words.join(' '));
		if (hosts && key) entries.push({...(marker ? {marker} : {}), hosts, key, line: index + 1});
	});
	return entries;
}

export type KnownHostStatus =
	| {state: 'known'}
	| {state: 'missing'}
	/** The host is recorded with other keys: a changed host key, or the wrong machine. */
	| {state: 'conflict'; recorded: PublicKey[]}
	| {state: 'revoked'; key: PublicKey};

/**
 * Whether ssh will accept this host's keys for `name`: any recorded key that is
 * one of them is enough. `texts` are every known_hosts file ssh reads (the
 * user's, then the system-wide one).
 */
export function knownHostStatus(texts: readonly string[], name: string, keys: readonly PublicKey[]): KnownHostStatus {
	const entries = texts.flatMap(text => parseKnownHosts(text)).filter(entry => hostFieldMatches(entry.hosts, name));
	const revoked = entries.find(entry => entry.marker === '@revoked' && keys.some(key => sameKey(key, entry.key)));
	if (revoked) return {state: 'revoked', key: revoked.key};
	const plain = entries.filter(entry => entry.marker === undefined);
	if (plain.some(entry => keys.some(key => sameKey(key, entry.key)))) return {state: 'known'};
	if (plain.length > 0) return {state: 'conflict', recorded: plain.map(entry => entry.key)};
	return {state: 'missing'};
}

/** known_hosts lines for a host: one per key, without comments (they name the host's own file). */
export function knownHostsLines(name: string, keys: readonly PublicKey[]): string[] {
	return keys.map(key => `${name} ${key.type} ${key.blob}`);
}
