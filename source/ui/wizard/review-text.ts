// The review as plain text, for runs without a terminal (and for logs).
import {aegirContextName} from '../../pack/validate.js';
import type {Pack} from '../../pack/types.js';
import type {PlanOptions} from '../../plan/options.js';
import {clientNames, exportsFile, fstabFile, exportsLines, fstabLines, reviewRows, reviewWarnings} from './review-model.js';

/** `accepted`: lines saying which wide subnets were agreed to (see selectors.acceptedWideSubnets). */
export function reviewText(pack: Pack, planOptions?: PlanOptions, accepted: readonly string[] = []): string {
	const rows = reviewRows(pack, planOptions);
	const header = {role: 'ROLE', host: 'HOST', address: 'ADDRESS', action: 'WHAT IS DONE'};
	const all = [header, ...rows];
	const width = (key: 'role' | 'host' | 'address') => Math.max(...all.map(r => r[key].length));
	const table = all.map(r =>
		[r.role.padEnd(width('role')), r.host.padEnd(width('host')), r.address.padEnd(width('address')), r.action].join('  ').trimEnd(),
	);
	const clients = clientNames(pack);
	const lines = [
		`Pack ${pack.name} (Aegir context ${aegirContextName(pack.name)})`,
		'',
		...table,
		'',
		`${exportsFile(pack)} on ${pack.nfsServer.name}:`,
		...(pack.subnets.length > 0 ? exportsLines(pack).map(line => `  ${line}`) : ['  (no subnet: nothing exported)']),
		clients.length > 0 ? `${fstabFile(pack)} on ${clients.join(', ')}:` : `${fstabFile(pack)}: no host mounts the share`,
		...(clients.length > 0 ? fstabLines(pack).map(line => `  ${line}`) : []),
		'',
		...[...accepted, ...reviewWarnings(pack)].map(warning => `Warning: ${warning}`),
	];
	return `${lines.join('\n')}\n`;
}
