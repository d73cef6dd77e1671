// The NFS server side as text: the exports drop-in we own, and what `exportfs -v`
// says is exported right now.

import type {PackFields} from '../pack/types.js';
import {commentText, escapeTabField, normalizeMountPath, unescapeTabField} from './tab-field.js';

/** Only `*.exports` files in /etc/exports.d are read; the name must stay a plain file name. */
export function dropInName(packName: string): string {
	const safe = packName.replace(/[^A-Za-z0-9._-]/g, '_');
	return `aegir-pack-${safe}.exports`;
}

export function dropInPath(exportsDir: string, packName: string): string {
	return `${exportsDir.replace(/\/+$/, '')}/${dropInName(packName)}`;
}

/** One line per subnet: `<path> <subnet>(<options>)`, under a header saying who owns the file. */
export function dropInContent(pack: PackFields): string {
	const path = escapeTabField(pack.exportPath);
	const options = escapeTabField(pack.exportOptions);
	const lines = [
		`# Managed by aegir-pack for pack ${commentText(pack.name)}: edits here are replaced on the next apply.`,
		...pack.subnets.map(subnet => `${path} ${escapeTabField(subnet)}(${options})`),
	];
	return `${lines.join('\n')}\n`;
}

export type ExportEntry = {path: string; client: string; options: string[]};

/**
 * Parse `exportfs -v`. It prints `path<TAB>client(options)`, or, for paths longer
 * than 14 characters, the path alone and the client indented on the next line;
 * a path exported to several clients is listed once per client.
 */
export function parseExportfs(text: string): ExportEntry[] {
	const entries: ExportEntry[] = [];
	let path: string | undefined;
	for (const token of text.split(/\s+/)) {
		if (token === '') continue;
		const open = token.indexOf('(');
		if (open === -1) {
			if (token.startsWith('/')) path = normalizeMountPath(token);
			continue;
		}

		if (path === undefined) continue;
		const client = unescapeTabField(token.slice(0, open));
		const options = token
			.slice(open + 1)
			.replace(/\)$/, '')
			.split(',')
			.filter(option => option !== '');
		entries.push({path, client, options});
	}

	return entries;
}

/** exportfs may print a one-address network without its prefix. */
function sameClient(listed: string, subnet: string): boolean {
	if (listed === subnet) return true;
	return subnet === `${listed}/32` || subnet === `${listed}/128`;
}

/**
 * What is missing for `exportPath` to be exported to every subnet with every
 * option: one sentence per problem, empty when all is there.
 */
export function exportProblems(entries: ExportEntry[], exportPath: string, subnets: string[], exportOptions: string): string[] {
	const path = normalizeMountPath(exportPath);
	const wanted = exportOptions.split(',').filter(option => option !== '');
	const problems: string[] = [];
	for (const subnet of subnets) {
		const entry = entries.find(candidate => candidate.path === path && sameClient(candidate.client, subnet));
		if (!entry) {
			problems.push(`${exportPath} is not exported to ${subnet}`);
			continue;
		}

		const missing = wanted.filter(option => !entry.options.includes(option));
		if (missing.length > 0) problems.push(`${exportPath} is exported to ${subnet} without ${missing.join(',')}`);
	}

	return problems;
}
