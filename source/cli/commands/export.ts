// `aegir-pack export ansible <pack> [--out DIR] [--force]`: the saved pack as
// an Ansible inventory, playbook and README (source/plan/export/ansible.ts
// makes them; this writes them). A directory that is not empty is refused
// unless --force: nothing is written then. No host is contacted; the sync
// lists are read from this machine's config and platforms directories.
import {mkdir, readdir, rename, rm, stat, writeFile} from 'node:fs/promises';
import {join, resolve} from 'node:path';
import process from 'node:process';
import {EXIT} from '../../contracts/exit-codes.js';
import {ansibleExport, ExportRefusedError, type AnsibleExport} from '../../plan/export/ansible.js';
import {resolvePlanOptions} from '../../plan/options.js';
import type {Pack} from '../../pack/types.js';
import {probeLocalSources} from '../../run/local-sources-probe.js';
import type {CommandContext} from '../command-context.js';
import {findSavedPack} from './saved-pack.js';

export const EXPORT_USAGE = 'aegir-pack export ansible <pack> [--out DIR] [--force]';

/** `./<pack>-ansible`, the pack name made a plain file name. */
export function defaultExportDir(packName: string): string {
	return `${packName.replace(/[^A-Za-z0-9._-]/g, '_')}-ansible`;
}

/** Why `dir` cannot be written to without --force, or undefined. */
async function occupied(dir: string): Promise<string | undefined> {
	let info;
	try {
		info = await stat(dir);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}

	if (!info.isDirectory()) return `${dir} exists and is not a directory`;
	const entries = await readdir(dir);
	return entries.length > 0 ? `${dir} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}): give --force to write the export there, or another --out` : undefined;
}

/** Each file written whole (temp file, then rename), so an interrupted export leaves no half file. */
async function writeExport(dir: string, result: AnsibleExport): Promise<void> {
	await mkdir(dir, {recursive: true, mode: 0o755});
	for (const file of result.files) {
		const target = join(dir, file.name);
		const temp = `${target}.tmp-${process.pid}`;
		try {
			await writeFile(temp, file.content, {mode: 0o644, flag: 'wx'});
			await rename(temp, target);
		} finally {
			await rm(temp, {force: true});
		}
	}
}

export async function exportPack(pack: Pack, context: CommandContext): Promise<number> {
	const {flags} = context;
	const dir = flags.out ?? defaultExportDir(pack.name);
	if (dir === '') {
		context.err(`--out needs a directory (${EXPORT_USAGE})\n`);
		return EXIT.badInput;
	}

	const refusal = flags.force ? undefined : await occupied(dir);
	if (refusal) {
		context.err(`${refusal}; nothing was written.\n`);
		return EXIT.badInput;
	}

	const resolved = resolvePlanOptions(context.planOptions);
	let result: AnsibleExport;
	try {
		const localSources = await probeLocalSources([resolved.configDir, resolved.platformsDir]);
		result = ansibleExport(pack, {...resolved, localSources});
	} catch (error) {
		if (error instanceof ExportRefusedError) {
			context.err(`${error.message}; nothing was written.\n`);
			return EXIT.badInput;
		}

		throw error;
	}

	try {
		await writeExport(dir, result);
	} catch (error) {
		context.err(`Cannot write the export to ${dir}: ${(error as Error).message}\n`);
		return EXIT.failed;
	}

	const shown = resolve(dir);
	context.out(`Wrote ${result.files.map(file => join(shown, file.name)).join(', ')}\n`);
	context.out(`Run: ansible-playbook -i ${join(dir, 'inventory.yml')} ${join(dir, 'site.yml')}   (see ${join(dir, 'README.md')})\n`);
	if (resolved.aegirMode) context.out('Aegir runs on this machine: add --skip-tags sync, and let Aegir\'s verify sync config and code.\n');
	for (const note of result.notes) context.out(`Note: ${note}\n`);
	context.out("Ansible runs do not take aegir-pack's pack lock: do not run both on this pack at once.\n");
	return EXIT.ok;
}

export async function exportCommand(operands: string[], context: CommandContext): Promise<number> {
	const [format, packName, ...rest] = operands;
	if (format !== 'ansible') {
		context.err(`${format === undefined ? 'Name the format' : `Unknown export format ${format}`}: ${EXPORT_USAGE}\n`);
		return EXIT.badInput;
	}

	const found = findSavedPack(context.inputs.packs, packName);
	if ('message' in found) {
		context.err(`${found.message}\n`);
		return EXIT.badInput;
	}

	if (rest.length > 0) {
		context.err(`Unexpected argument: ${rest.join(' ')} (${EXPORT_USAGE})\n`);
		return EXIT.badInput;
	}

	return exportPack(found.pack, context);
}
