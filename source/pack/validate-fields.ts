// Field-by-field validation. Each function returns every problem it finds, in
// words a sysadmin understands; nothing here throws on bad input.

import {forbiddenExportOptionProblems, systemPathProblem} from './export-policy.js';
import {hostnameProblems} from './hostname.js';
import {parseIpLiteral} from './subnets.js';
import {disallowedCharacters, listCharacters, showValue} from './text.js';
import {DEFAULT_EXPORT_OPTIONS, DEFAULT_MOUNT_OPTIONS, type Host, type Problem} from './types.js';

const problemsFor = (field: string, messages: string[]): Problem[] => messages.map(message => ({field, message}));

const isControl = (char: string) => /[\u0000-\u001f\u007f-\u009f]/.test(char);

/** Aegir's context name for a server node: `server_` + the title with every PHP `\W` character removed. */
export function aegirContextName(name: string): string {
	// PCRE without the u flag, like JavaScript without it: \w is [A-Za-z0-9_].
	return `server_${name.replace(/\W/g, '')}`;
}

/** The virtual pack server node name in Aegir (a host-name-like title such as `pack.example.com`). */
export function validatePackName(name: string): Problem[] {
	return problemsFor('name', hostnameProblems(name, {what: 'pack name', allowUpperCase: false}));
}

/** A host's short name in the tool, also its Aegir server node name (`web1`, `web1.example.com`). */
export function validateHostName(name: string): Problem[] {
	return problemsFor('name', hostnameProblems(name, {what: 'host name', allowUpperCase: false}));
}

function addressMessages(address: string): string[] {
	if (address === '') return ['is empty; enter a DNS name, an IPv4 address (192.0.2.10) or an IPv6 address (2001:db8::10)'];
	if (address.includes('/')) return [`${showValue(address)} is a network; enter the address of one machine`];
	if (address.includes(':') || /^[0-9.]+$/.test(address)) {
		const parsed = parseIpLiteral(address);
		return 'problem' in parsed ? [parsed.problem] : [];
	}
	return hostnameProblems(address, {what: 'DNS name', allowUpperCase: true});
}

/** A DNS name, a four-part IPv4 address or an IPv6 address (without brackets). */
export function validateAddress(address: string): Problem[] {
	return problemsFor('address', addressMessages(address));
}

function portMessages(port: number): string[] {
	if (Number.isInteger(port) && port >= 1 && port <= 65_535) return [];
	return [`must be a whole number from 1 to 65535 (got ${showValue(String(port))})`];
}

/** A login name as useradd accepts it portably: no shell metacharacters, no leading '-'. */
function userMessages(user: string): string[] {
	if (user === '') return ['is empty; enter root or a user with sudo'];
	const problems: string[] = [];
	const bad = disallowedCharacters(user, char => /[A-Za-z0-9_.-]/.test(char));
	if (bad.length > 0) problems.push(`contains ${listCharacters(bad)}; a user name may use only letters, digits, '_', '.' and '-'`);
	if (/^[-.]/.test(user)) problems.push(`must not start with '${user[0]}'`);
	if (/^[0-9]+$/.test(user)) problems.push('is only digits, which tools read as a numeric user id');
	if ([...user].length > 32) problems.push(`is ${[...user].length} characters long; a user name is at most 32`);
	return problems;
}

function identityFileMessages(file: string): string[] {
	if (file === '') return ['is empty; leave it out to use the SSH agent or the default keys'];
	const problems: string[] = [];
	const control = disallowedCharacters(file, char => !isControl(char));
	if (control.length > 0) problems.push(`contains ${listCharacters(control)}`);
	if (!file.startsWith('/') && !file.startsWith('~/')) {
		problems.push(`${showValue(file)} must be an absolute path (/root/.ssh/id_ed25519) or start with ~/`);
	}
	if (file.length > 4096) problems.push(`is ${file.length} characters long; a path is at most 4096`);
	return problems;
}

/**
 * Every problem with one host. `field` prefixes the problem fields, e.g.
 * `master` gives `master.address`, `slaves[1]` gives `slaves[1].port`.
 */
export function validateHost(host: Host, field = 'host'): Problem[] {
	return [
		...problemsFor(`${field}.name`, hostnameProblems(host.name, {what: 'host name', allowUpperCase: false})),
		...problemsFor(`${field}.address`, addressMessages(host.address)),
		...problemsFor(`${field}.port`, portMessages(host.port)),
		...problemsFor(`${field}.user`, userMessages(host.user)),
		...(host.identityFile === undefined ? [] : problemsFor(`${field}.identityFile`, identityFileMessages(host.identityFile))),
	];
}

/**
 * The exported directory, written the same way in /etc/exports, /etc/fstab and
 * on the command line: absolute, normalised, no whitespace (both files split on
 * it) and nothing a shell would interpret.
 */
export function validateExportPath(path: string): Problem[] {
	const problems: string[] = [];
	if (path === '') return problemsFor('exportPath', ['is empty; the default is /var/aegir/platforms']);
	const bad = disallowedCharacters(path, char => /[A-Za-z0-9/._+@-]/.test(char));
	if (bad.length > 0) {
		problems.push(`contains ${listCharacters(bad)}; a shared path may use only letters, digits and / . _ - + @`);
	}
	if (!path.startsWith('/')) problems.push(`${showValue(path)} is relative; write an absolute path like /var/aegir/platforms`);
	const segments = path.split('/').slice(1);
	if (path.split('/').includes('..')) problems.push(`contains a '..' part; write the real path`);
	if (path === '/') {
		problems.push('is the root directory; share a dedicated directory like /var/aegir/platforms');
	} else if (path.startsWith('/') && (segments.includes('.') || segments.slice(0, -1).includes('') || path.endsWith('/'))) {
		const clean = `/${segments.filter(segment => segment !== '' && segment !== '.').join('/')}`;
		problems.push(`is not written plainly (a '.' part, '//' or a trailing '/'); write ${showValue(clean)}`);
	}
	// Only a plainly written absolute path is placed; the problems above already cover the rest.
	const system = problems.length === 0 ? systemPathProblem(path) : undefined;
	if (system) problems.push(system);
	if (path.length > 1024) problems.push(`is ${path.length} characters long; keep it under 1024`);
	return problemsFor('exportPath', problems);
}

// Names like x-systemd.automount carry '-' and '.'; values like sec=krb5:krb5i carry ':'.
const OPTION = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(=[A-Za-z0-9_.:/@+-]+)?$/;

/**
 * A comma-separated option list for /etc/exports or /etc/fstab: `name` or
 * `name=value` items, no spaces (both files split fields on whitespace).
 */
export function validateOptions(options: string, field: 'exportOptions' | 'mountOptions'): Problem[] {
	const fallback = field === 'exportOptions' ? DEFAULT_EXPORT_OPTIONS : DEFAULT_MOUNT_OPTIONS;
	if (options === '') return problemsFor(field, [`is empty; the default is ${fallback}`]);
	const problems: string[] = [];
	const blank = disallowedCharacters(options, char => !/\s/.test(char) && !isControl(char));
	if (blank.length > 0) problems.push(`contains ${listCharacters(blank)}; separate options with commas only`);
	const items = options.split(',');
	if (items.some(item => item === '')) problems.push('has an empty option (a comma at the start or end, or two in a row)');
	const bad = items.filter(item => item !== '' && !OPTION.test(item));
	if (bad.length > 0) {
		problems.push(
			`${bad.map(item => showValue(item, 20)).join(', ')}: each option is a name or name=value using letters, digits and _ . - (values also : / @ +)`,
		);
	}
	const names = new Set(items.map(item => item.split('=')[0]));
	if (names.has('rw') && names.has('ro')) problems.push('has both rw and ro; keep one (web heads need rw)');
	if (field === 'exportOptions') problems.push(...forbiddenExportOptionProblems(options));
	return problemsFor(field, problems);
}

/** One line per problem, `field: message`, for the terminal and for error messages. */
export function formatProblems(problems: Problem[]): string {
	return problems.map(problem => `${problem.field}: ${problem.message}`).join('\n');
}
