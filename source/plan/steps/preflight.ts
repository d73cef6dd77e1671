// Preflight: read-only checks on every host, then one cross-host gate (aegir's
// uid/gid identical everywhere) that every host waits for, so a mismatch stops
// the whole run before any host changes anything.

import type {Host} from '../../pack/types.js';
import type {Facts} from '../facts.js';
import {REQUIRED_HOST_COMMANDS} from '../facts-script.js';
import type {ResolvedPlanOptions} from '../options.js';
import type {CheckContext, CheckResult, Step, StepRef} from '../step.js';

export const PREFLIGHT_LAST_HOST_STEP = 'preflight/aegir';
export const GATE_STEP = 'preflight/aegir-ids';


function checkOnly(host: Host, id: string, title: string, check: (context: CheckContext) => CheckResult, extra: Partial<Step> = {}): Step {
	return {
		id,
		title,
		host: host.name,
		...extra,
		check,
		async apply() {
			// A check-only step never asks for a change, so the runner never calls this.
			throw new Error(`${id} has nothing to apply`);
		},
	};
}

export function accessStep(host: Host): Step {
	return checkOnly(host, 'preflight/access', 'reachable, root or sudo', ({facts}) => {
		if (facts.uid === 0) {
			const how = host.user === 'root' ? 'logged in as root' : `logged in as ${host.user}, sudo gives root`;
			return {state: 'ok', message: how};
		}

		return {
			state: 'fail',
			message: `commands run as uid ${facts.uid ?? '?'}, not root: log in as root or give ${host.user} sudo rights`,
		};
	});
}

function isDebianLike(facts: Facts): boolean {
	const os = facts.os;
	if (!os) return false;
	return [os.id, ...os.idLike].some(id => id === 'debian' || id === 'ubuntu');
}

export function systemStep(host: Host): Step {
	return checkOnly(host, 'preflight/system', 'Debian or Ubuntu with apt and dpkg', ({facts}) => {
		if (!isDebianLike(facts)) {
			const found = facts.os ? facts.os.prettyName : 'no /etc/os-release';
			return {state: 'fail', message: `this tool manages Debian and Ubuntu hosts only; found ${found}`};
		}

		const missing = REQUIRED_HOST_COMMANDS.filter(command => !facts.commands.includes(command));
		if (missing.length > 0) return {state: 'fail', message: `missing commands: ${missing.join(', ')}`};
		return {state: 'ok', message: facts.os?.prettyName ?? 'Debian'};
	});
}

export function diskStep(host: Host, options: ResolvedPlanOptions): Step {
	return checkOnly(host, 'preflight/disk', 'free space on / and /var', ({facts}) => {
		const neededKb = options.minFreeMb * 1024;
		const low = Object.entries(facts.freeKb).filter(([, free]) => free < neededKb);
		if (Object.keys(facts.freeKb).length === 0) return {state: 'fail', message: 'could not read free space (df)'};
		if (low.length > 0) {
			const list = low.map(([path, free]) => `${path} has ${Math.floor(free / 1024)} MB free`).join(', ');
			return {state: 'fail', message: `${list}; at least ${options.minFreeMb} MB are needed`};
		}

		const root = facts.freeKb['/'];
		return {state: 'ok', message: root === undefined ? 'enough space' : `${Math.floor(root / 1024)} MB free on /`};
	});
}

export function aegirStep(host: Host, options: ResolvedPlanOptions): Step {
	const user = options.aegirUser;
	return checkOnly(host, PREFLIGHT_LAST_HOST_STEP, `${user} user and group exist`, ({facts}) => {
		const problems: string[] = [];
		if (!facts.aegirUser) problems.push(`no ${user} user`);
		if (!facts.aegirGroup) problems.push(`no ${user} group`);
		if (problems.length > 0) {
			return {
				state: 'fail',
				message: `${problems.join(' and ')} on this host: install Aegir's user first, with the same uid/gid as on the other hosts`,
			};
		}

		return {state: 'ok', message: `${user} is uid ${facts.aegirUser!.uid}, gid ${facts.aegirGroup!.gid}`};
	});
}

type IdRow = {host: string; uid?: number; gid?: number};

/** The table a mismatch shows: every host that could be read, the odd ones marked. */
export function idTable(rows: IdRow[], user: string): string {
	const reference = rows[0];
	const width = Math.max(4, ...rows.map(row => row.host.length));
	const lines = [`  ${'host'.padEnd(width)}  ${'uid'.padStart(6)}  ${'gid'.padStart(6)}`];
	for (const row of rows) {
		const differs = reference && (row.uid !== reference.uid || row.gid !== reference.gid);
		const uid = String(row.uid ?? 'none').padStart(6);
		const gid = String(row.gid ?? 'none').padStart(6);
		lines.push(`  ${row.host.padEnd(width)}  ${uid}  ${gid}${differs ? `  <- differs from ${reference.host}` : ''}`);
	}

	return [
		`The ${user} user and group must have the same uid and gid on every host of the pack (files on the NFS share are owned by number).`,
		...lines,
		`Nothing was changed on any host. Make them equal (usermod -u, groupmod -g, then chown the files they own) and run again.`,
	].join('\n');
}

/**
 * The gate: waits for every host's preflight (whatever the result), then
 * compares what could be read. Every host computes the same answer.
 */
export function idGateStep(host: Host, allHosts: Host[], options: ResolvedPlanOptions): Step {
	const after: StepRef[] = allHosts.map(other => ({host: other.name, id: PREFLIGHT_LAST_HOST_STEP}));
	return checkOnly(
		host,
		GATE_STEP,
		`${options.aegirUser} uid/gid match on every host`,
		({factsOf}) => {
			const rows: IdRow[] = allHosts.flatMap(other => {
				const facts = factsOf(other.name);
				if (!facts?.aegirUser || !facts.aegirGroup) return [];
				return [{host: other.name, uid: facts.aegirUser.uid, gid: facts.aegirGroup.gid}];
			});
			const first = rows[0];
			const mismatch = rows.some(row => row.uid !== first?.uid || row.gid !== first?.gid);
			if (mismatch) {
				return {
					state: 'fail',
					message: `${options.aegirUser} uid/gid differ between hosts: nothing was changed on any host`,
					notice: idTable(rows, options.aegirUser),
				};
			}

			return {state: 'ok', message: first ? `uid ${first.uid}, gid ${first.gid} on ${rows.length} host(s)` : 'nothing to compare'};
		},
		{after},
	);
}
