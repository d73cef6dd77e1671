// Typed failures of the SSH layer. Each carries a message a sysadmin can act on
// without reading a stack trace; the run screen shows `message` as-is.

import {quote} from '../shell/quote.js';
import {knownHostsName} from './known-hosts.js';

/** Why a connection could not be opened. */
export type ConnectFailure = 'refused' | 'timeout' | 'auth' | 'host-key' | 'dns' | 'unreachable' | 'closed' | 'other';

/** Where the host was reached, for messages: `web1 (192.0.2.10:22)`. */
export type Endpoint = {host: string; address: string; port: number};

export function describeEndpoint(endpoint: Endpoint): string {
	const address = endpoint.address.includes(':') ? `[${endpoint.address}]` : endpoint.address;
	return `${endpoint.host} (${address}:${endpoint.port})`;
}

/** The connection failed before any command ran (refused, timed out, auth failed...). */
export class ConnectError extends Error {
	override name = 'ConnectError';

	constructor(
		readonly endpoint: Endpoint,
		readonly reason: ConnectFailure,
		message: string,
		options?: {cause?: unknown},
	) {
		super(message, options);
	}
}

/** Base of every host-key refusal: the connection was dropped before authentication. */
export class HostKeyError extends ConnectError {
	override name = 'HostKeyError';

	constructor(
		endpoint: Endpoint,
		message: string,
		/** Key type and `SHA256:` fingerprint the host offered. */
		readonly keyType: string,
		readonly fingerprint: string,
	) {
		super(endpoint, 'host-key', message);
	}
}

/** The host offered a key that differs from the one recorded for it. */
export class HostKeyMismatchError extends HostKeyError {
	override name = 'HostKeyMismatchError';

	constructor(
		endpoint: Endpoint,
		keyType: string,
		fingerprint: string,
		readonly file: string,
		readonly line: number,
	) {
		super(
			endpoint,
			`HOST KEY MISMATCH for ${describeEndpoint(endpoint)}: the key offered does not match ${file} line ${line}. ` +
				`Nothing was run on this host. If the host was reinstalled, remove that line ` +
				`(ssh-keygen -f ${quote(file)} -R ${quote(knownHostsName(endpoint.address, endpoint.port))}) and run again. ` +
				`The host offered ${keyType} ${fingerprint}.`,
			keyType,
			fingerprint,
		);
	}
}

/** The host offered a key that known_hosts marks `@revoked`. */
export class HostKeyRevokedError extends HostKeyError {
	override name = 'HostKeyRevokedError';

	constructor(
		endpoint: Endpoint,
		keyType: string,
		fingerprint: string,
		readonly file: string,
		readonly line: number,
	) {
		super(
			endpoint,
			`REVOKED HOST KEY for ${describeEndpoint(endpoint)}: the key offered (${keyType} ${fingerprint}) is marked ` +
				`@revoked in ${file} line ${line}. Nothing was run on this host.`,
			keyType,
			fingerprint,
		);
	}
}

/** The host key is not known and was not accepted (by the user, or non-interactively). */
export class HostKeyRejectedError extends HostKeyError {
	override name = 'HostKeyRejectedError';

	constructor(endpoint: Endpoint, keyType: string, fingerprint: string, knownHostsFile: string) {
		super(
			endpoint,
			`UNKNOWN HOST KEY for ${describeEndpoint(endpoint)} (${keyType} ${fingerprint}) was not accepted. ` +
				`Nothing was run on this host. Check the fingerprint out of band, then accept it when asked ` +
				`(or run with --accept-new-host-keys) to record it in ${knownHostsFile}.`,
			keyType,
			fingerprint,
		);
	}
}
