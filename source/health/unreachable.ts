// Why a host gave no health answer, as "what is wrong" and "what to do". The
// SSH layer's errors are read by shape (reason, name), so this file needs
// nothing from source/remote.

import type {Host} from '../pack/types.js';

export type Unreachable = {reason: string; fix: string};

/** The host did not answer within the deadline; its work was abandoned. */
export class HostDeadlineError extends Error {
	override name = 'HostDeadlineError';
}

/** The whole check was stopped (q in the watch view, Ctrl-C). */
export class CheckStoppedError extends Error {
	override name = 'CheckStoppedError';
}

const firstSentence = (text: string) => {
	const line = text.split('\n')[0]!.trim();
	const end = line.search(/\.(\s|$)/);
	return end === -1 ? line : line.slice(0, end);
};

export function explainUnreachable(error: unknown, host: Host): Unreachable {
	const name = error instanceof Error ? error.name : '';
	const message = error instanceof Error ? error.message : String(error);
	const reason = (error as {reason?: unknown} | undefined)?.reason;
	const up = `check that ${host.name} is up and answers SSH, then check again`;
	if (error instanceof HostDeadlineError) return {reason: message, fix: up};
	if (error instanceof CheckStoppedError) return {reason: 'check stopped before this host answered', fix: 'check again'};
	switch (name) {
		case 'HostKeyRejectedError': {
			return {reason: 'unknown SSH host key', fix: 'run the apply (it asks to accept the key), or pass --accept-new-host-keys'};
		}

		case 'HostKeyMismatchError': {
			return {reason: 'SSH host key changed since it was recorded', fix: 'if the host was reinstalled, remove its old key (ssh-keygen -R) and check again'};
		}

		case 'HostKeyRevokedError': {
			return {reason: 'SSH host key is marked @revoked in known_hosts', fix: 'find out why the key was revoked before trusting this host'};
		}

		default: {
			break;
		}
	}

	switch (reason) {
		case 'auth': {
			return {reason: `SSH login as ${host.user} failed`, fix: `put your public key in ${host.user}'s ~/.ssh/authorized_keys on ${host.name}`};
		}

		case 'refused': {
			return {reason: 'SSH connection refused', fix: `start sshd on ${host.name}, or fix its SSH port`};
		}

		case 'dns': {
			return {reason: `${host.address} does not resolve`, fix: 'fix the host address of the pack, or DNS'};
		}

		case 'timeout':
		case 'unreachable':
		case 'closed': {
			return {reason: `cannot connect: ${firstSentence(message).replace(/^Cannot connect to [^(]*\([^)]*\): /, '')}`, fix: up};
		}

		default: {
			break;
		}
	}

	if (/\bsudo\b/.test(message)) {
		return {reason: firstSentence(message), fix: `log in as root, or give ${host.user} passwordless sudo`};
	}

	return {reason: firstSentence(message), fix: up};
}
