// Which credentials to offer, in which order: the ssh-agent (ssh2 only uses it
// when given the socket explicitly), the host's key files, then the usual
// default keys. Passphrase-protected files cannot be used without a prompt we
// do not have, so they are skipped with a hint to load them into the agent.

import {readFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import {join} from 'node:path';
import ssh2, {type AnyAuthMethod, type AuthHandlerMiddleware, type IdentityCallback, type ParsedKey} from 'ssh2';
import type {ResolvedHost} from './resolve-host.js';
import type {RsyncTarget} from '../shell/rsync-argv.js';

export type AuthCandidate = {
	/** For error messages: `ssh-agent`, or the key file path. */
	label: string;
	method: AnyAuthMethod;
};

export type AuthPlan = {
	candidates: AuthCandidate[];
	/** Why some keys were not offered (missing, passphrase-protected, unreadable). */
	notes: string[];
};

export function defaultIdentityFiles(home = homedir()): string[] {
	return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map(name => join(home, '.ssh', name));
}

type KeyFile = {path: string; key?: ParsedKey; publicBlob?: Buffer; note?: string};

/**
 * Build the ordered list of credentials. Default key files are tried only when
 * the host is not limited to its own identities (IdentitiesOnly, or an
 * identity file set on the host), as ssh does.
 */
export async function planAuth(host: ResolvedHost, agentSocket: string | undefined, defaults: readonly string[]): Promise<AuthPlan> {
	const notes: string[] = [];
	const named = await Promise.all(host.identityFiles.map(path => loadKeyFile(path, true)));
	const fallback = host.identitiesOnly ? [] : await Promise.all(defaults.filter(path => !host.identityFiles.includes(path)).map(path => loadKeyFile(path, false)));
	const candidates: AuthCandidate[] = [];

	if (agentSocket) {
		const agent = host.identitiesOnly
			? new IdentityFilteredAgent(
					agentSocket,
					named.flatMap(file => (file.publicBlob ? [file.publicBlob] : [])),
				)
			: agentSocket;
		candidates.push({label: 'ssh-agent', method: {type: 'agent', username: host.user, agent}});
	}
	for (const file of [...named, ...fallback]) {
		if (file.note) notes.push(file.note);
		if (file.key) candidates.push({label: file.path, method: {type: 'publickey', username: host.user, key: file.key}});
	}
	return {candidates, notes};
}

async function loadKeyFile(path: string, named: boolean): Promise<KeyFile> {
	let data: Buffer;
	try {
		data = await readFile(path);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return named ? {path, note: `${path} does not exist`, ...(await loadPublicBlob(path))} : {path};
		return {path, note: `${path} cannot be read (${code ?? String(error)})`, ...(await loadPublicBlob(path))};
	}
	const parsed = ssh2.utils.parseKey(data);
	const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey | undefined) : parsed;
	if (key === undefined || key instanceof Error) {
		const message = key instanceof Error ? key.message : 'no key found';
		const note = /passphrase/i.test(message)
			? `${path} is passphrase-protected: load it into ssh-agent (ssh-add ${path})`
			: `${path} is not a usable private key (${message})`;
		return {path, note, ...(await loadPublicBlob(path))};
	}
	if (!key.isPrivateKey()) return {path, note: `${path} holds no private key`, publicBlob: key.getPublicSSH()};
	return {path, key, publicBlob: key.getPublicSSH()};
}

/** The `.pub` beside a key, so IdentitiesOnly can still pick the agent's copy of an encrypted key. */
async function loadPublicBlob(path: string): Promise<{publicBlob?: Buffer}> {
	try {
		const parsed = ssh2.utils.parseKey(await readFile(`${path}.pub`));
		const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey | undefined) : parsed;
		return key && !(key instanceof Error) ? {publicBlob: key.getPublicSSH()} : {};
	} catch {
		return {};
	}
}

/** The agent, showing only the keys named for the host (IdentitiesOnly). */
class IdentityFilteredAgent extends ssh2.OpenSSHAgent {
	constructor(
		socketPath: string,
		private readonly allowed: readonly Buffer[],
	) {
		super(socketPath);
	}

	override getIdentities(cb: IdentityCallback<ParsedKey>): void {
		super.getIdentities((error, keys) => {
			if (error) return cb(error);
			cb(
				undefined,
				(keys ?? []).filter(key => {
					const blob = 'getPublicSSH' in key ? key.getPublicSSH() : undefined;
					return blob !== undefined && this.allowed.some(allowed => allowed.equals(blob));
				}),
			);
		});
	}
}

/**
 * ssh2 middleware offering the candidates in order; `attempted` records the
 * labels tried, for the "authentication failed" message.
 */
export function authHandlerFor(plan: AuthPlan, attempted: string[]): AuthHandlerMiddleware {
	let next = 0;
	return (_methodsLeft, _partialSuccess, callback) => {
		const candidate = plan.candidates[next++];
		if (!candidate) {
			callback(false as never);
			return;
		}
		attempted.push(candidate.label);
		callback(candidate.method);
	};
}

/**
 * How the ssh that rsync spawns logs in: with exactly the credential the ssh2
 * connection logged in with. OpenSSH finds its default keys (and `~`) in the
 * passwd home, not in $HOME as this tool does, so left to itself it can offer
 * other keys, or none ("Permission denied (publickey)" where ssh2 succeeded).
 */
export function rsyncCredential(
	plan: AuthPlan,
	succeeded: string | undefined,
	host: Pick<ResolvedHost, 'identityFiles' | 'identitiesOnly'>,
	agentSocket: string | undefined,
): Pick<RsyncTarget, 'identityFiles' | 'identitiesOnly' | 'agentSocket'> {
	const used = plan.candidates.find(candidate => candidate.label === succeeded);
	if (used && used.method.type !== 'agent') return {identityFiles: [used.label], identitiesOnly: true, agentSocket: false};
	// The agent (or, should ssh2 not say, what the connection was given): the same socket and the same named keys.
	return {identityFiles: host.identityFiles, identitiesOnly: host.identitiesOnly, agentSocket: agentSocket ?? false};
}
