// Host name rules (RFC 1123 labels) shared by pack names, host names and DNS
// addresses. Returns messages only; callers attach the field.

import {disallowedCharacters, listCharacters, showValue} from './text.js';

export const MAX_HOSTNAME_LENGTH = 253;
export const MAX_LABEL_LENGTH = 63;

export type HostnameRules = {
	/** What the value is, for messages: `pack name`, `host name`, `DNS name`. */
	what: string;
	/** DNS names are case-insensitive; names we store and show are kept lower case. */
	allowUpperCase: boolean;
};

const isAscii = (char: string) => (char.codePointAt(0) ?? 0) <= 0x7f;

/** Every problem with `value` as a host name, as messages (empty: valid). */
export function hostnameProblems(value: string, rules: HostnameRules): string[] {
	if (value === '') return [`is empty; enter a ${rules.what}`];
	const problems: string[] = [];

	const foreign = disallowedCharacters(value, isAscii);
	if (foreign.length > 0) {
		problems.push(
			`contains ${listCharacters(foreign)}; a ${rules.what} is plain ASCII (look-alike letters from other alphabets are not allowed)`,
		);
	}
	// Non-ASCII and upper case are reported on their own lines above and below.
	const bad = disallowedCharacters(value, char => !isAscii(char) || /[A-Za-z0-9.-]/.test(char));
	if (bad.length > 0) {
		problems.push(`contains ${listCharacters(bad)}; a ${rules.what} may use only a-z, 0-9, '-' and '.'`);
	}
	if (!rules.allowUpperCase && /[A-Z]/.test(value)) {
		problems.push(`contains upper-case letters; write it in lower case (${showValue(value.toLowerCase())})`);
	}

	const length = [...value].length;
	if (length > MAX_HOSTNAME_LENGTH) {
		problems.push(`is ${length} characters long; a ${rules.what} is at most ${MAX_HOSTNAME_LENGTH}`);
	}

	const labels = value.split('.');
	if (labels.some(label => label === '')) {
		problems.push(`has an empty part (a '.' at the start or end, or two in a row)`);
	}
	if (length <= MAX_HOSTNAME_LENGTH) {
		const long = labels.filter(label => [...label].length > MAX_LABEL_LENGTH);
		for (const label of long) {
			problems.push(
				`part ${showValue(label, 20)} is ${[...label].length} characters long; each dot-separated part is at most ${MAX_LABEL_LENGTH}`,
			);
		}
	}
	const dashed = labels.filter(label => label.startsWith('-') || label.endsWith('-'));
	if (dashed.length > 0) {
		problems.push(`part ${showValue(dashed[0] ?? '', 20)} starts or ends with '-'`);
	}
	const last = labels.at(-1) ?? '';
	if (/^[0-9]+$/.test(last)) {
		problems.push(`ends in a part of only digits, which reads as an IP address, not a ${rules.what}`);
	}
	return problems;
}
