// The README's ladder, enforced: every import points down (or stays in its
// folder), no folder or file imports itself back round a cycle, ssh2 lives in
// remote/ only and Ink in the screens only. Type-only imports count too.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {cycles, importGraph, SOURCE_DIR} from './import-graph.js';

/** Top to bottom; a folder may import its own files and anything on a lower rung. */
const LADDER: Array<{rung: number; folders: string[]}> = [
	{rung: 8, folders: ['cli']},
	{rung: 7, folders: ['ui']},
	{rung: 6, folders: ['report']},
	{rung: 5, folders: ['run', 'aegir-run', 'health']},
	{rung: 4, folders: ['remote']},
	{rung: 3, folders: ['plan']},
	{rung: 2, folders: ['aegir']},
	{rung: 1, folders: ['pack']},
	{rung: 0.5, folders: ['shell']},
	{rung: 0, folders: ['contracts']},
];

/** The entry (cli.tsx) belongs with the composition it starts. */
const folderOf = (file: string) => (file === 'cli.tsx' ? 'cli' : file.split('/')[0]!);

function rungOf(file: string): number {
	const folder = folderOf(file);
	const found = LADDER.find(step => step.folders.includes(folder));
	if (!found) throw new Error(`${file}: its folder ${folder} is not on the ladder (add it to the README and this test)`);
	return found.rung;
}

const graph = importGraph();

describe('the source tree as the README draws it', () => {
	it('every relative import resolves to a file of the tree', () => {
		expect(graph.unresolved).toEqual([]);
	});

	it('every file sits in a folder on the ladder', () => {
		expect(() => graph.files.forEach(rungOf)).not.toThrow();
	});

	it('no import runs back up the ladder (type-only imports count)', () => {
		const upward = graph.edges
			.filter(edge => folderOf(edge.from) !== folderOf(edge.to) && rungOf(edge.to) >= rungOf(edge.from))
			.map(edge => `${edge.from} -> ${edge.to}${edge.typeOnly ? ' (type)' : ''}`);
		expect(upward).toEqual([]);
	});

	it('no two folders of the ladder import each other, even round a longer cycle', () => {
		const folders = [...new Set(graph.files.map(folderOf))];
		const folderEdges = graph.edges.map(edge => ({from: folderOf(edge.from), to: folderOf(edge.to)}));
		expect(cycles(folders, folderEdges)).toEqual([]);
	});

	it('no file imports itself back round a cycle', () => {
		expect(cycles(graph.files, graph.edges)).toEqual([]);
	});

	it('remote/ (ssh2) is wired in only by the runner and the entry', () => {
		const users = graph.edges
			.filter(edge => folderOf(edge.to) === 'remote' && folderOf(edge.from) !== 'remote')
			.filter(edge => !['cli', 'run'].includes(folderOf(edge.from)))
			.map(edge => `${edge.from} -> ${edge.to}`);
		expect(users).toEqual([]);
	});

	it('ssh2 is imported only in remote/, Ink and React only in ui/ (and the entry that renders it)', () => {
		const offenders: string[] = [];
		for (const file of graph.files) {
			const text = readFileSync(join(SOURCE_DIR, file), 'utf8');
			const packages = [...text.matchAll(/\b(?:from|import\()\s*['"]([^'".][^'"]*)['"]/g)].map(match => match[1]!);
			const folder = folderOf(file);
			if (packages.some(name => name === 'ssh2' || name.startsWith('ssh2/')) && folder !== 'remote') offenders.push(`${file}: ssh2`);
			const ink = packages.filter(name => /^(ink|react|@inkjs\/ui|ink-[a-z-]+)(\/|$)/.test(name) && name !== 'react/jsx-runtime');
			if (ink.length > 0 && folder !== 'ui' && folder !== 'cli') offenders.push(`${file}: ${ink.join(', ')}`);
		}
		expect(offenders).toEqual([]);
	});

	it('the plan is pure: no file system, process, network or clock', () => {
		const impure = [
			/from\s+['"](node:)?(fs|fs\/promises|child_process|net|os|process|crypto)['"]/,
			/\bDate\.now\(|\bnew Date\(|\bset(Timeout|Interval)\(|\bMath\.random\(|\bprocess\./,
		];
		const offenders = graph.files
			.filter(file => folderOf(file) === 'plan')
			.filter(file => impure.some(pattern => pattern.test(readFileSync(join(SOURCE_DIR, file), 'utf8'))));
		expect(offenders).toEqual([]);
	});
});
