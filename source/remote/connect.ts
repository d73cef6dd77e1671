// Opening the one SSH connection of a host: resolve it through ~/.ssh/config,
// verify its host key against known_hosts before any authentication (ssh2
// accepts every key unless hostVerifier says otherwise), log in with the
// agent and key files, and hand back a Transport. Every failure is a typed
// error with a message for the host's pane; a dead host fails in seconds.

import {existsSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import ssh2, {type Algorithms} from 'ssh2';
import type {Host} from '../pack/types.js';
import type {Prompter} from '../contracts/prompter.js';
import {authHandlerFor, defaultIdentityFiles, planAuth, rsyncCredential} from './auth.js';
import {defaultSshConfigPath} from '../pack/ssh-config-hosts.js';
import {
	ConnectError,
	describeEndpoint,
	HostKeyMismatchError,
	HostKeyRejectedError,
	HostKeyRevokedError,
	type ConnectFailure,
	type Endpoint,
} from './errors.js';
import {appendKnownHost, checkHostKey, fingerprintSha256, keyTypeOf, knownKeyTypes, readKnownHosts, type KnownHostsEntry} from './known-hosts.js';
import {resolveHost} from './resolve-host.js';
import {SshTransport} from './ssh-transport.js';

export type ConnectOptions = {
	/** known_hosts files to trust; accepted keys are appended to the first. Default: ~/.ssh/known_hosts. */
	knownHostsFiles?: string[];
	/** Read-only system files also trusted (as ssh does). Default: /etc/ssh/ssh_known_hosts{,2}. */
	globalKnownHostsFiles?: string[];
	/**
	 * Answers the unknown-host-key and sudo-password questions; it is always asked
	 * about an unknown key (a policy such as --accept-new-host-keys lives in the
	 * prompter, so each acceptance can be said). Changed keys are refused regardless.
	 */
	prompter: Prompter;
	/** Default ~/.ssh/config; false: read none. */
	sshConfigFile?: string | false;
	/** ssh-agent socket. Default process.env.SSH_AUTH_SOCK; false: no agent. */
	agentSocket?: string | false;
	/** Key files tried after the host's own. Default ~/.ssh/id_ed25519, id_ecdsa, id_rsa. */
	defaultIdentityFiles?: string[];
	/** From TCP connect to logged in (time spent waiting for the user's answer excluded). Default 10 s. */
	readyTimeoutMs?: number;
	keepaliveIntervalMs?: number;
	keepaliveCountMax?: number;
	/** Concurrent exec channels on the connection; OpenSSH allows 10 sessions by default. Default 4. */
	maxChannels?: number;
};

export const CONNECT_DEFAULTS = {
	readyTimeoutMs: 10_000,
	keepaliveIntervalMs: 5_000,
	keepaliveCountMax: 3,
	maxChannels: 4,
} as const;

export function defaultKnownHostsFile(): string {
	return join(homedir(), '.ssh', 'known_hosts');
}

export const DEFAULT_GLOBAL_KNOWN_HOSTS_FILES = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];

/** Host key algorithms for each recorded key type (an RSA key is offered under three names). */
const ALGORITHMS_FOR_KEY_TYPE: Record<string, string[]> = {
	'ssh-ed25519': ['ssh-ed25519'],
	'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
	'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
	'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
	'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * Ask the host for a key type already on record first, as ssh does, so a host
 * with several keys presents the one we know instead of looking "changed".
 */
export function hostKeyAlgorithms(knownTypes: readonly string[]): Algorithms | undefined {
	const preferred = knownTypes.flatMap(type => ALGORITHMS_FOR_KEY_TYPE[type] ?? []);
	if (preferred.length === 0) return undefined;
	// Object key order matters to ssh2: remove, then prepend, reorders the default list.
	return {serverHostKey: {remove: preferred, prepend: preferred} as unknown as Algorithms['serverHostKey']};
}

/** Connect to one host; resolves once logged in, with nothing run yet. */
export async function connectHost(host: Host, options: ConnectOptions): Promise<SshTransport> {
	const knownHostsFiles = options.knownHostsFiles?.length ? options.knownHostsFiles : [defaultKnownHostsFile()];
	const globalKnownHostsFiles = options.globalKnownHostsFiles ?? DEFAULT_GLOBAL_KNOWN_HOSTS_FILES;
	const agentSocket = options.agentSocket === false ? undefined : (options.agentSocket ?? process.env['SSH_AUTH_SOCK']) || undefined;
	const readyTimeoutMs = options.readyTimeoutMs ?? CONNECT_DEFAULTS.readyTimeoutMs;
	const keepaliveIntervalMs = options.keepaliveIntervalMs ?? CONNECT_DEFAULTS.keepaliveIntervalMs;
	const keepaliveCountMax = options.keepaliveCountMax ?? CONNECT_DEFAULTS.keepaliveCountMax;

	const resolved = await resolveHost(host, options.sshConfigFile);
	const endpoint: Endpoint = {host: host.name, address: resolved.address, port: resolved.port};
	let entries: KnownHostsEntry[];
	try {
		entries = await readKnownHosts([...knownHostsFiles, ...globalKnownHostsFiles]);
	} catch (error) {
		throw new ConnectError(endpoint, 'other', `Cannot read known_hosts for ${describeEndpoint(endpoint)}: ${(error as Error).message}`, {cause: error});
	}
	const plan = await planAuth(resolved, agentSocket, options.defaultIdentityFiles ?? defaultIdentityFiles());
	if (plan.candidates.length === 0) {
		throw new ConnectError(
			endpoint,
			'auth',
			`No credentials to log in to ${describeEndpoint(endpoint)} as ${resolved.user}: no ssh-agent (SSH_AUTH_SOCK is not set) ` +
				`and no usable key file${plan.notes.length ? ` (${plan.notes.join('; ')})` : ''}.`,
		);
	}

	const client = new ssh2.Client();
	const attempted: string[] = [];
	const algorithms = hostKeyAlgorithms(knownKeyTypes(entries, resolved.address, resolved.port));

	return new Promise<SshTransport>((resolve, reject) => {
		let settled = false;
		let timer: NodeJS.Timeout | undefined;
		/** A host-key refusal decided in the verifier; ssh2 itself only says "Host denied". */
		let refusal: ConnectError | undefined;

		const fail = (error: ConnectError) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			client.destroy();
			reject(error);
		};
		// Our own handshake deadline instead of ssh2's readyTimeout, so that it can
		// pause while the user reads a fingerprint.
		const armTimer = () => {
			clearTimeout(timer);
			timer = setTimeout(() => {
				fail(
					new ConnectError(
						endpoint,
						'timeout',
						`Cannot connect to ${describeEndpoint(endpoint)}: no SSH login within ${readyTimeoutMs / 1000} s ` +
							`(host down, firewalled, or not answering SSH).`,
					),
				);
			}, readyTimeoutMs);
		};

		/** The key verified at login; a re-key later on this connection must present the same one. */
		let trusted: Buffer | undefined;

		const decideHostKey = async (key: Buffer): Promise<boolean> => {
			if (trusted) return trusted.equals(key);
			const accepted = await decideNewConnectionKey(key);
			if (accepted) trusted = key;
			return accepted;
		};

		const decideNewConnectionKey = async (key: Buffer): Promise<boolean> => {
			const keyType = keyTypeOf(key);
			const fingerprint = fingerprintSha256(key);
			const verdict = checkHostKey(entries, resolved.address, resolved.port, key);
			switch (verdict.status) {
				case 'known':
					return true;
				case 'revoked':
					refusal = new HostKeyRevokedError(endpoint, keyType, fingerprint, verdict.file, verdict.line);
					return false;
				case 'mismatch':
					refusal = new HostKeyMismatchError(endpoint, keyType, fingerprint, verdict.file, verdict.line);
					return false;
				case 'unknown':
					break;
			}
			const file = knownHostsFiles[0]!;
			let accepted = false;
			clearTimeout(timer);
			try {
				accepted = await options.prompter.acceptHostKey({
					host: host.name,
					address: resolved.address,
					port: resolved.port,
					keyType,
					fingerprint,
					knownHostsFile: file,
				});
			} catch {
				accepted = false;
			}
			if (settled) return false;
			armTimer();
			if (!accepted) {
				refusal = new HostKeyRejectedError(endpoint, keyType, fingerprint, file);
				return false;
			}
			try {
				await appendKnownHost(file, resolved.address, resolved.port, keyType, key.toString('base64'));
			} catch (error) {
				// rsync's ssh checks the same file strictly: a key we cannot record would fail there.
				refusal = new ConnectError(endpoint, 'other', `Cannot record the host key of ${describeEndpoint(endpoint)} in ${file}: ${(error as Error).message}`);
				return false;
			}
			return true;
		};

		client.on('ready', () => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			resolve(
				new SshTransport({
					client,
					endpoint,
					user: resolved.user,
					prompter: options.prompter,
					maxChannels: options.maxChannels ?? CONNECT_DEFAULTS.maxChannels,
					rsync: {
						address: resolved.address,
						port: resolved.port,
						user: resolved.user,
						// The credential that just logged in (the last one offered), for rsync's own ssh.
						...rsyncCredential(plan, attempted.at(-1), resolved, agentSocket),
						knownHostsFiles,
						globalKnownHostsFiles,
						sshConfigFile: rsyncSshConfig(options.sshConfigFile),
						connectTimeoutSeconds: Math.max(1, Math.ceil(readyTimeoutMs / 1000)),
						serverAliveIntervalSeconds: Math.max(1, Math.ceil(keepaliveIntervalMs / 1000)),
						serverAliveCountMax: keepaliveCountMax,
					},
				}),
			);
		});
		client.on('error', (error: Error & {level?: string; code?: string}) => {
			// An unusable agent is not fatal: ssh2 goes on with the key files.
			if (error.level === 'agent') {
				plan.notes.push(`ssh-agent: ${error.message}`);
				return;
			}
			if (settled) return;
			fail(refusal ?? explain(error, endpoint, resolved.user, attempted, plan.notes));
		});
		client.on('close', () => {
			fail(refusal ?? new ConnectError(endpoint, 'closed', `Cannot connect to ${describeEndpoint(endpoint)}: the connection was closed before login.`));
		});

		armTimer();
		try {
			client.connect({
				host: resolved.address,
				port: resolved.port,
				username: resolved.user,
				readyTimeout: 0,
				keepaliveInterval: keepaliveIntervalMs,
				keepaliveCountMax,
				authHandler: authHandlerFor(plan, attempted),
				hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
					decideHostKey(key).then(verify, (error: unknown) => {
						refusal = new ConnectError(endpoint, 'other', `Cannot check the host key of ${describeEndpoint(endpoint)}: ${String(error)}`);
						verify(false);
					});
				},
				...(algorithms ? {algorithms} : {}),
			});
			// Many short commands, each a few small packets: Nagle + delayed ACK would add ~40 ms to each.
			client.setNoDelay(true);
		} catch (error) {
			fail(new ConnectError(endpoint, 'other', `Cannot connect to ${describeEndpoint(endpoint)}: ${(error as Error).message}`, {cause: error}));
		}
	});
}

/** The ssh config the tool evaluated, for rsync's ssh (`-F`): never ssh's own `~/.ssh/config` of the passwd home. */
function rsyncSshConfig(configured: string | false | undefined): string | false {
	const file = configured ?? defaultSshConfigPath();
	return file !== false && existsSync(file) ? file : false;
}

/** `connectHost` with the options bound: the `connect(host, prompter)` the runner takes (its prompter, when given, answers for that host). */
export function sshConnector(options: ConnectOptions): (host: Host, prompter?: Prompter) => Promise<SshTransport> {
	return (host, prompter) => connectHost(host, prompter ? {...options, prompter} : options);
}

/** Turn an ssh2 / socket error into the sentence a sysadmin needs. */
function explain(error: Error & {level?: string; code?: string}, endpoint: Endpoint, user: string, attempted: readonly string[], notes: readonly string[]): ConnectError {
	const where = describeEndpoint(endpoint);
	const make = (reason: ConnectFailure, text: string) => new ConnectError(endpoint, reason, text, {cause: error});
	switch (error.code) {
		case 'ECONNREFUSED':
			return make('refused', `Cannot connect to ${where}: connection refused. Is sshd running there, and is the port right?`);
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return make('dns', `Cannot connect to ${where}: the name does not resolve.`);
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
			return make('unreachable', `Cannot connect to ${where}: no route to the host.`);
		case 'ETIMEDOUT':
			return make('timeout', `Cannot connect to ${where}: timed out.`);
		case 'ECONNRESET':
			return make('closed', `Cannot connect to ${where}: the connection was reset by the host.`);
		default:
			break;
	}
	if (error.level === 'client-authentication') {
		const tried = attempted.length ? attempted.join(', ') : 'nothing';
		return make(
			'auth',
			`Authentication failed for ${user} on ${where}: tried ${tried}.` +
				(notes.length ? ` ${notes.join('; ')}.` : '') +
				` Put your public key in ${user}'s ~/.ssh/authorized_keys on the host, or set the host's identity file.`,
		);
	}
	if (error.level === 'client-timeout') return make('timeout', `Cannot connect to ${where}: ${error.message}.`);
	return make('other', `Cannot connect to ${where}: ${error.message}.`);
}
