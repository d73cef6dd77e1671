// The source tree's imports as data: every relative import of every file under
// source/ (static, type-only, re-exports and dynamic import()), resolved to the
// file it names. The layer test reads it; nothing here runs the code.
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';

export const SOURCE_DIR = resolve(import.meta.dirname, '../../source');

export type ImportEdge = {from: string; to: string; typeOnly: boolean};

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap(name => {
		const full = join(dir, name);
		if (statSync(full).isDirectory()) return sourceFiles(full);
		return /\.tsx?$/.test(name) ? [full] : [];
	});
}

function resolveImport(fromFile: string, specifier: string): string | undefined {
	const base = resolve(dirname(fromFile), specifier).replace(/\.js$/, '');
	for (const candidate of [`${base}.ts`, `${base}.tsx`]) {
		try {
			if (statSync(candidate).isFile()) return candidate;
		} catch {}
	}
	return undefined;
}

// `import … from '…'`, `import type …`, `export … from '…'`, `import('…')`.
const STATIC = /^\s*(import|export)\s+(type\s+)?[^'"]*?\bfrom\s+['"](\.[^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/** Paths are relative to source/ (`plan/step.ts`). */
export function importGraph(): {files: string[]; edges: ImportEdge[]; unresolved: string[]} {
	const files = sourceFiles(SOURCE_DIR);
	const edges: ImportEdge[] = [];
	const unresolved: string[] = [];
	for (const file of files) {
		const text = readFileSync(file, 'utf8');
		const add = (specifier: string, typeOnly: boolean) => {
			const target = resolveImport(file, specifier);
			if (target) edges.push({from: relative(SOURCE_DIR, file), to: relative(SOURCE_DIR, target), typeOnly});
			else unresolved.push(`${relative(SOURCE_DIR, file)} -> ${specifier}`);
		};
		for (const match of text.matchAll(STATIC)) add(match[3]!, match[2] !== undefined);
		for (const match of text.matchAll(DYNAMIC)) add(match[1]!, false);
	}
	return {files: files.map(file => relative(SOURCE_DIR, file)), edges, unresolved};
}

/** Every cycle found by a depth-first walk, each as the list of nodes around it. */
export function cycles(nodes: string[], edges: Array<{from: string; to: string}>): string[][] {
	const next = new Map<string, string[]>(nodes.map(node => [node, []]));
	for (const edge of edges) if (edge.from !== edge.to) next.get(edge.from)?.push(edge.to);
	const state = new Map<string, 'open' | 'done'>();
	const stack: string[] = [];
	const found: string[][] = [];
	const visit = (node: string) => {
		state.set(node, 'open');
		stack.push(node);
		for (const target of next.get(node) ?? []) {
			if (state.get(target) === 'open') found.push([...stack.slice(stack.indexOf(target)), target]);
			else if (!state.has(target)) visit(target);
		}
		stack.pop();
		state.set(node, 'done');
	};
	for (const node of nodes) if (!state.has(node)) visit(node);
	return found;
}
