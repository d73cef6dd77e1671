// The CLI form of a host: `--host name=user@address:port`, user and port
// optional. IPv6 takes a port only in brackets, as in ssh and URLs.

import {showValue} from './text.js';
import {DEFAULT_SSH_PORT, DEFAULT_SSH_USER, type Host, type Problem} from './types.js';
import {validateHost} from './validate-fields.js';

const USAGE = 'expected name=user@address:port, e.g. web1=root@192.0.2.10:22 or web2=[2001:db8::2]:2222 (user and port are optional)';

/** Split `address[:port]`, `[ipv6][:port]` or a bare IPv6 (no port). */
function splitAddress(text: string): {address: string; portText?: string; problem?: string} {
	if (text.startsWith('[')) {
		const close = text.indexOf(']');
		if (close === -1) return {address: text, problem: `${showValue(text)} has '[' without ']'; ${USAGE}`};
		const address = text.slice(1, close);
		if (!address.includes(':')) return {address, problem: `${showValue(address)}: brackets are for IPv6 addresses only`};
		const after = text.slice(close + 1);
		if (after === '') return {address};
		if (after.startsWith(':')) return {address, portText: after.slice(1)};
		return {address, problem: `${showValue(after)} after ']' should be :port; ${USAGE}`};
	}
	const colons = text.split(':').length - 1;
	if (colons !== 1) return {address: text};
	const [address = '', portText = ''] = text.split(':');
	return {address, portText};
}

/** Parse `--host name=user@address:port` into a valid Host, or every problem with it. */
export function parseHostSpec(spec: string): {host: Host} | {problems: Problem[]} {
	const equals = spec.indexOf('=');
	if (equals === -1) return {problems: [{field: 'host', message: `${showValue(spec)}: ${USAGE}`}]};
	const problems: Problem[] = [];
	const name = spec.slice(0, equals);
	let rest = spec.slice(equals + 1);
	let user = DEFAULT_SSH_USER;
	const at = rest.lastIndexOf('@');
	if (at !== -1) {
		user = rest.slice(0, at);
		rest = rest.slice(at + 1);
	}
	const {address, portText, problem} = splitAddress(rest);
	if (problem) problems.push({field: 'host.address', message: problem});
	let port = DEFAULT_SSH_PORT;
	if (portText !== undefined) {
		if (/^[0-9]{1,5}$/.test(portText)) port = Number(portText);
		else problems.push({field: 'host.port', message: `${showValue(portText)} is not a port number; use 1 to 65535`});
	}
	const host: Host = {name, address, port, user};
	problems.push(...validateHost(host, 'host').filter(found => !(problem && found.field === 'host.address')));
	return problems.length > 0 ? {problems} : {host};
}
