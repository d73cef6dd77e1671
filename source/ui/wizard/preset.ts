// Command-line flags as answers: each valid flag answers (and skips) its step;
// each bad one is kept as an error naming the flag, for the step to re-open
// (interactive) or for the plain mode to exit 2 with.
import {parseSubnetList, parseHostSpec, validateExportPath, validatePackName} from '../../pack/validate.js';
import {showValue as shown} from '../../pack/text.js';
import {wideSubnets} from '../../pack/export-policy.js';
import type {Host, Problem} from '../../pack/types.js';
import type {AegirServer} from '../../aegir/alias-files.js';
import {aegirPickerHosts} from './aegir-hosts.js';
import {mergeHosts} from './picker-hosts.js';
import type {Answers, FlagError, Preset, StepId} from './types.js';

/** The flags that answer wizard questions (file and pass-through flags are not here). */
export type WizardFlags = {
	name?: string;
	master?: string;
	slave: string[];
	nfsServer?: string;
	exportPath?: string;
	subnet: string[];
	host: string[];
	yes: boolean;
	/** --allow-wide-export: the consent to export to the wide subnets given with --subnet. */
	allowWideExport?: boolean;
};

/** `aegirServers`: Aegir's web servers can be named by --master, --slave and --nfs-server like known hosts. */
export function presetFromFlags(flags: WizardFlags, knownHosts: readonly Host[], aegirServers: readonly AegirServer[] = []): Preset {
	const errors: FlagError[] = [];
	const answers: Partial<Answers> = {};
	const skip: StepId[] = [];

	const flagHosts: Host[] = [];
	for (const spec of flags.host) {
		const parsed = parseHostSpec(spec);
		if ('host' in parsed) flagHosts.push(parsed.host);
		else errors.push({flag: '--host', message: flagMessage('--host', spec, parsed.problems)});
	}
	// A host defined on the command line replaces a known one of the same name;
	// Aegir's servers are named as the wizard will offer them (see initState).
	const hosts = aegirPickerHosts(mergeHosts(flagHosts, knownHosts), aegirServers).hosts;
	const lookup = (flag: string, name: string, step: StepId): Host | undefined => {
		const host = hosts.find(h => h.name === name);
		if (!host) {
			errors.push({
				flag,
				step,
				message: `${flag} ${shown(name)}: no host named ${shown(name)}; define it with --host ${shown(name)}=user@address:port`,
			});
		}
		return host;
	};

	if (flags.name !== undefined) {
		answers.name = flags.name;
		const problems = validatePackName(flags.name);
		if (problems.length === 0) skip.push('name');
		else errors.push({flag: '--name', step: 'name', message: flagMessage('--name', flags.name, problems)});
	}

	const master = flags.master === undefined ? undefined : lookup('--master', flags.master, 'master');
	if (master) {
		answers.master = master.name;
		skip.push('master');
	}

	if (flags.slave.length > 0) {
		const slaves: string[] = [];
		let ok = true;
		for (const name of flags.slave) {
			if (master && name === master.name) {
				errors.push({flag: '--slave', step: 'slaves', message: `--slave ${shown(name)}: it is the master; a host cannot be both`});
				ok = false;
			} else if (lookup('--slave', name, 'slaves')) {
				if (!slaves.includes(name)) slaves.push(name);
			} else {
				ok = false;
			}
		}
		answers.slaves = slaves;
		if (ok) skip.push('slaves');
	}

	if (flags.nfsServer !== undefined) {
		// "master" (or the master's own name) means "the master", which follows a later change of master.
		if (flags.nfsServer === 'master' || flags.nfsServer === master?.name) {
			answers.nfsServer = {kind: 'master'};
			skip.push('nfsServer');
		} else if (lookup('--nfs-server', flags.nfsServer, 'nfsServer')) {
			answers.nfsServer = {kind: 'host', name: flags.nfsServer};
			skip.push('nfsServer');
		}
	}

	let exportOk = true;
	if (flags.exportPath !== undefined) {
		answers.exportPath = flags.exportPath;
		const problems = validateExportPath(flags.exportPath);
		if (problems.length > 0) {
			exportOk = false;
			errors.push({flag: '--export-path', step: 'export', message: flagMessage('--export-path', flags.exportPath, problems)});
		}
	}
	if (flags.subnet.length > 0) {
		answers.subnetsText = flags.subnet.join(', ');
		answers.subnetsEdited = true;
		for (const value of flags.subnet) {
			const {problems} = parseSubnetList(value);
			if (problems.length > 0) {
				exportOk = false;
				errors.push({flag: '--subnet', step: 'export', message: flagMessage('--subnet', value, problems)});
			}
		}
		// The export step is answered by --subnet (the path has a default).
		if (exportOk) skip.push('export');
		// The flag agrees to exactly the wide subnets given here; one typed later in the wizard is asked about.
		if (flags.allowWideExport) answers.wideConsent = wideSubnets(parseSubnetList(flags.subnet.join(',')).subnets).map(width => width.cidr);
	}

	return {hosts: flagHosts, answers, skip, errors, autoConfirm: flags.yes};
}

function flagMessage(flag: string, value: string, problems: readonly Problem[]): string {
	return `${flag} ${shown(value)}: ${problems.map(problem => problem.message).join('; ')}`;
}

