// The effective ssh options of one host name, as `ssh <name>` takes them from
// a config. The one evaluator is the ssh-config library's compute(): first
// value wins, Host patterns (`*`, `?`, `!`), Match host/originalhost/user/
// localuser/all/final. Around it, nothing ever runs: `Match exec` counts as not
// matching, and CanonicalizeHostName is dropped (the library would spawn
// nslookup). HostName and User are respelled as the library expects, so a
// later `Match host` or `Match user` sees them whatever their case. Include
// is expanded before parsing (ssh-config-file.ts).

import SSHConfig, {LineType, type Directive, type Line} from 'ssh-config';

export type SshConfig = SSHConfig;

export type SshHostOptions = {
	/** HostName with %h and %% expanded (the tokens ssh allows there); absent when the config names none. */
	hostName?: string;
	/** HostName uses other % tokens, which ssh rejects; hostName is then as written. */
	hostNameHasUnknownTokens?: true;
	user?: string;
	/** Port as written; callers decide what an invalid one means. */
	port?: string;
	/** Every IdentityFile that applies, in order, as written, without the `none` entries. */
	identityFiles: string[];
	/** IdentitiesOnly, when the config sets it. */
	identitiesOnly?: boolean;
	proxyJump?: string;
	proxyCommand?: string;
};

const SPELLING: Record<string, string> = {hostname: 'HostName', user: 'User'};
const NEVER_EVALUATED = new Set(['canonicalizehostname', 'canonicaldomains']);

const isDirective = (line: Line): line is Directive => line.type === LineType.DIRECTIVE;

/** The words of a directive's value (a Host line's patterns, a Match line's criteria). */
export function directiveWords(value: Directive['value']): string[] {
	if (Array.isArray(value)) return value.map(part => part.val);
	return value.split(/\s+/).filter(word => word !== '');
}

/** Parse config text (Include already expanded) for sshHostOptions; throws the library's error on bad syntax. */
export function parseSshConfig(text: string): SshConfig {
	const config = SSHConfig.parse(text);
	prepare(config);
	return config;
}

function prepare(lines: SSHConfig): void {
	for (let index = lines.length - 1; index >= 0; index--) {
		const line = lines[index]!;
		if (!isDirective(line)) continue;
		const key = line.param.toLowerCase();
		if (NEVER_EVALUATED.has(key)) lines.splice(index, 1);
		else line.param = SPELLING[key] ?? line.param;
		if ('config' in line) prepare(line.config);
	}
}

/** The options that apply to `name`, the way ssh evaluates them. */
export function sshHostOptions(config: SshConfig, name: string): SshHostOptions {
	const computed = config.compute(name, {ignoreCase: true, matchExec: false});
	const first = (key: string): string | undefined => {
		const value = computed[key];
		return Array.isArray(value) ? value[0] : value;
	};
	const options: SshHostOptions = {identityFiles: list(computed['identityfile']).filter(file => file.toLowerCase() !== 'none')};

	const hostName = first('hostname');
	if (hostName !== undefined) {
		const expanded = expandHostName(hostName, name);
		options.hostName = expanded ?? hostName;
		if (expanded === undefined) options.hostNameHasUnknownTokens = true;
	}
	const user = first('user');
	if (user !== undefined) options.user = user;
	const port = first('port');
	if (port !== undefined) options.port = port;
	const identitiesOnly = first('identitiesonly');
	if (identitiesOnly !== undefined) options.identitiesOnly = identitiesOnly.toLowerCase() === 'yes';
	const proxyJump = first('proxyjump');
	if (proxyJump !== undefined) options.proxyJump = proxyJump;
	const proxyCommand = first('proxycommand');
	if (proxyCommand !== undefined) options.proxyCommand = proxyCommand;
	return options;
}

/** HostName's %h (the name asked for) and %%; undefined when another token is left. */
function expandHostName(text: string, name: string): string | undefined {
	let unknown = false;
	const expanded = text.replace(/%(.)/g, (whole, token: string) => {
		if (token === 'h') return name;
		if (token === '%') return '%';
		unknown = true;
		return whole;
	});
	return unknown ? undefined : expanded;
}

function list(value: string | string[] | undefined): string[] {
	if (value === undefined) return [];
	return Array.isArray(value) ? value : [value];
}
