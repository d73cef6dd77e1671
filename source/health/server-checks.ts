// Checks of the NFS server: the export is active, the service listens, the
// shared directory answers and holds the marker clients read back.

import type {Host, Pack} from '../pack/types.js';
import {exportProblems} from '../plan/exports-file.js';
import type {Facts} from '../plan/facts.js';
import {isPackMarker} from '../plan/steps/nfs-server.js';
import {linkRefusal} from '../shell/path-guard.js';
import {markerPath} from '../plan/pack-files.js';
import {APPLY_AGAIN, runOn} from './fixes.js';
import type {HealthCheck, NfsServiceFact, NfsUnitState} from './types.js';

export function exportCheck(host: Host, pack: Pack, facts: Facts): HealthCheck {
	const base = {id: 'export', label: 'export present'};
	if (!facts.exports) {
		return {...base, ok: false, detail: 'exportfs is not installed: nothing is exported', fix: `${APPLY_AGAIN} (it installs nfs-kernel-server)`};
	}

	const problems = exportProblems(facts.exports, pack.exportPath, pack.subnets, pack.exportOptions);
	if (problems.length === 0) return {...base, ok: true, detail: `${pack.exportPath} exported to ${pack.subnets.join(', ')}`};
	return {...base, ok: false, detail: problems.join('; '), fix: `${APPLY_AGAIN}, or ${runOn(host.name, ['exportfs', '-ra'])}`};
}

/** `; systemd: active`, or what stands in for it on a host without systemd. */
function systemdSays(unit: NfsUnitState | undefined): string {
	if (!unit) return '';
	return unit.active === 'not running systemd' || unit.active === 'no systemctl' ? `; ${unit.active}` : `; systemd: ${unit.active}`;
}

export function serverServiceCheck(host: Host, service: NfsServiceFact, unit?: NfsUnitState): HealthCheck {
	const base = {id: 'nfs-service', label: 'NFS service answering'};
	if (service.state === 'answering') return {...base, ok: true, detail: `${service.detail}${systemdSays(unit)}`};
	if (service.state === 'unknown') return {...base, ok: false, detail: service.detail, fix: `check by hand that ${host.name} serves NFS on port 2049`};
	return {
		...base,
		ok: false,
		detail: `NFS server not running: ${service.detail}${systemdSays(unit)}`,
		fix: `${runOn(host.name, ['systemctl', 'restart', 'nfs-server'])}, or ${APPLY_AGAIN}`,
	};
}

/** Enabled for boot: a server that runs now but is disabled does not come back after a reboot. */
export function serverEnabledCheck(host: Host, unit: NfsUnitState | undefined): HealthCheck {
	const base = {id: 'nfs-enabled', label: 'NFS server enabled at boot'};
	if (!unit || unit.enabled === 'unknown') return {...base, ok: false, detail: 'could not read whether nfs-server is enabled', fix: `run \`systemctl is-enabled nfs-server\` on ${host.name}`};
	if (unit.enabledAtBoot) return {...base, ok: true, detail: unit.enabled === 'enabled' ? 'enabled at boot' : `enabled at boot (${unit.enabled})`};
	return {
		...base,
		ok: false,
		detail: `${unit.enabled}: nfs-server will not start after a reboot`,
		fix: `${runOn(host.name, ['systemctl', 'enable', '--now', 'nfs-server'])}, or ${APPLY_AGAIN}`,
	};
}

export function serverDirectoryCheck(pack: Pack, facts: Facts): HealthCheck {
	const base = {id: 'responsive', label: 'shared directory responsive'};
	const path = pack.exportPath;
	switch (facts.sharedDir.state) {
		case 'directory': {
			return {...base, ok: true, detail: `${path} answers`};
		}

		case 'missing': {
			return {...base, ok: false, detail: `${path} does not exist`, fix: `${APPLY_AGAIN} (it creates the directory)`};
		}

		case 'not-directory': {
			return {...base, ok: false, detail: `${path} is not a directory`, fix: `move it away, then ${APPLY_AGAIN}`};
		}

		case 'link': {
			return {...base, ok: false, detail: linkRefusal(path, facts.sharedDir.target, 'a directory'), fix: `remove the link, then ${APPLY_AGAIN}`};
		}

		case 'unresponsive': {
			return {...base, ok: false, detail: `${path} does not answer within 5 s (a hung mount under it?)`, fix: `check what is mounted at ${path} on this host`};
		}
	}
}

export function serverMarkerCheck(pack: Pack, facts: Facts): HealthCheck {
	const base = {id: 'marker', label: 'marker in place'};
	if (facts.sharedDir.state !== 'directory') return {...base, ok: null, detail: 'not checked: the shared directory is not usable'};
	if (isPackMarker(facts.marker, pack)) return {...base, ok: true, detail: `${markerPath(pack.exportPath)} in place`};
	const what = facts.marker.present ? 'differs from this pack' : 'is missing';
	return {...base, ok: false, detail: `the marker file ${markerPath(pack.exportPath)} ${what}`, fix: `${APPLY_AGAIN} (it writes the marker)`};
}
