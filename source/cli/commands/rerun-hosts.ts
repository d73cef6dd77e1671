// The hosts a re-run command names: known ones (store, ~/.ssh/config) or
// defined on the command line with --host. Every name must resolve before
// anything connects; the ones not yet in the store are saved only on success.
import {parseHostSpec} from '../../pack/validate.js';
import type {Host} from '../../pack/types.js';
import {mergeHosts} from '../../ui/wizard/picker-hosts.js';

export type ResolvedHosts = {hosts: Host[]; newHosts: Host[]; problems: string[]};

/** `storeHosts` are saved ones; `knownHosts` also holds ~/.ssh/config entries (not saved yet). */
export function resolveHostNames(names: readonly string[], hostSpecs: readonly string[], knownHosts: readonly Host[], storeHosts: readonly Host[]): ResolvedHosts {
	const problems: string[] = [];
	const defined: Host[] = [];
	for (const spec of hostSpecs) {
		const parsed = parseHostSpec(spec);
		if ('host' in parsed) defined.push(parsed.host);
		else problems.push(`--host ${spec}: ${parsed.problems.map(problem => problem.message).join('; ')}`);
	}

	// A host defined on the command line replaces a known one of the same name.
	const candidates = mergeHosts(defined, knownHosts);
	const hosts: Host[] = [];
	for (const name of names) {
		const host = candidates.find(candidate => candidate.name === name);
		if (host) hosts.push(host);
		else problems.push(`no host named ${name}: define it with --host ${name}=user@address:port`);
	}

	const saved = (host: Host) => storeHosts.some(other => JSON.stringify(other) === JSON.stringify(host));
	return {hosts, newHosts: hosts.filter(host => !saved(host)), problems};
}
