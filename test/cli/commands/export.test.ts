// `aegir-pack export ansible <pack>` driven in-process: it writes the three
// files, refuses a directory that is not empty unless --force (exit 2, nothing
// written), and refuses bad input naming the usage. No host is contacted.
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {defaultExportDir, exportCommand} from '../../../source/cli/commands/export.js';
import {dropInContent} from '../../../source/plan/exports-file.js';
import {runRerunRequest} from '../../../source/cli/menu-request.js';
import {fakeContext, pack} from './fake-context.js';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});

function tempDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'aegir-pack-export-'));
	dirs.push(dir);
	return dir;
}

describe('export ansible', () => {
	test('writes inventory.yml, site.yml and README.md into --out, says how to run it, and touches no store', async () => {
		const out = join(tempDir(), 'pack');
		const {context, output, storeFiles} = fakeContext(['--out', out]);
		expect(await exportCommand(['ansible', pack.name], context)).toBe(0);
		expect(readdirSync(out).sort()).toEqual(['README.md', 'inventory.yml', 'site.yml']);
		expect(readFileSync(join(out, 'inventory.yml'), 'utf8')).toContain(JSON.stringify(dropInContent(pack)));
		expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain("do not take aegir-pack's pack lock");
		expect(output.out).toContain(`ansible-playbook -i ${join(out, 'inventory.yml')} ${join(out, 'site.yml')}`);
		expect(output.out).toContain("Ansible runs do not take aegir-pack's pack lock");
		expect(output.err).toBe('');
		expect(storeFiles()).toEqual([]);
	});

	test('an empty directory is fine; a non-empty one is refused (exit 2, nothing written) unless --force', async () => {
		const empty = tempDir();
		expect(await exportCommand(['ansible', pack.name], fakeContext(['--out', empty]).context)).toBe(0);

		const busy = tempDir();
		writeFileSync(join(busy, 'notes.txt'), 'mine\n');
		const refused = fakeContext(['--out', busy]);
		expect(await exportCommand(['ansible', pack.name], refused.context)).toBe(2);
		expect(refused.output.err).toBe(`${busy} is not empty (1 entry): give --force to write the export there, or another --out; nothing was written.\n`);
		expect(readdirSync(busy)).toEqual(['notes.txt']);

		const forced = fakeContext(['--out', busy, '--force']);
		expect(await exportCommand(['ansible', pack.name], forced.context)).toBe(0);
		expect(readdirSync(busy).sort()).toEqual(['README.md', 'inventory.yml', 'notes.txt', 'site.yml']);
		expect(readFileSync(join(busy, 'notes.txt'), 'utf8')).toBe('mine\n');
	});

	test('a file where the directory should be is refused', async () => {
		const file = join(tempDir(), 'file');
		writeFileSync(file, 'x');
		const {context, output} = fakeContext(['--out', file, '--force']);
		expect(await exportCommand(['ansible', pack.name], context)).toBe(1);
		expect(output.err).toContain(`Cannot write the export to ${file}`);
		const plain = fakeContext(['--out', file]);
		expect(await exportCommand(['ansible', pack.name], plain.context)).toBe(2);
		expect(plain.output.err).toContain('exists and is not a directory');
	});

	test('chosen on the start menu, it writes the same export (--out and --force as for the command)', async () => {
		const out = join(tempDir(), 'from-menu');
		const {context} = fakeContext(['--out', out]);
		expect(await runRerunRequest({kind: 'export-ansible', pack}, context)).toBe(0);
		expect(readdirSync(out).sort()).toEqual(['README.md', 'inventory.yml', 'site.yml']);
		expect(await runRerunRequest({kind: 'export-ansible', pack}, fakeContext(['--out', out]).context)).toBe(2);
	});

	test('the default directory is ./<pack>-ansible', () => {
		expect(defaultExportDir('pack.example.com')).toBe('pack.example.com-ansible');
		expect(defaultExportDir('a/b c')).toBe('a_b_c-ansible');
	});

	test('bad input is named with the usage (exit 2)', async () => {
		const cases: Array<[string[], string]> = [
			[[], 'Name the format: aegir-pack export ansible <pack> [--out DIR] [--force]\n'],
			[['chef', pack.name], 'Unknown export format chef: aegir-pack export ansible <pack> [--out DIR] [--force]\n'],
			[['ansible', 'nope'], 'No saved pack named nope (saved packs: pack.example.com, other.example.com).\n'],
			[['ansible', pack.name, 'extra'], 'Unexpected argument: extra (aegir-pack export ansible <pack> [--out DIR] [--force])\n'],
		];
		for (const [operands, message] of cases) {
			const out = join(tempDir(), 'x');
			const {context, output} = fakeContext(['--out', out]);
			expect(await exportCommand(operands, context), operands.join(' ')).toBe(2);
			expect(output.err).toBe(message);
			expect(() => readdirSync(out)).toThrow();
		}
	});
});
