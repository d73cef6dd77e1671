// Read an ssh config file as ssh sees it: every `Include` line replaced by the
// text of the files it names, so the host listing and the option evaluator
// read one and the same config. The ssh-config library does not follow
// Include, hence this step before parsing. As in ssh: relative paths are under
// ~/.ssh, `~` is the home folder, glob(7) wildcards match in sorted order, a
// name that matches nothing is skipped, nesting stops at 16 levels.
// Known limit: a Host or Match block inside a file included from within
// another block applies on its own, not only when the outer block matches.

import {readdirSync, readFileSync, statSync} from 'node:fs';
import {homedir} from 'node:os';
import {isAbsolute, join} from 'node:path';
import SSHConfig, {LineType} from 'ssh-config';

const MAX_INCLUDE_DEPTH = 16;
const INCLUDE_LINE = /^\s*include(?:\s*=\s*|\s+)\S/i;
const SECTION_LINE = /^\s*(?:host|match)(?:\s*=\s*|\s+)\S/i;
const WILDCARD = /[*?[]/;

/**
 * The text of an ssh config file with its Include lines expanded, or
 * undefined when the file does not exist. Other read errors are thrown as is.
 */
export function readSshConfigText(file: string, home: string = homedir()): string | undefined {
	try {
		return expandIncludes(readFileSync(file, 'utf8'), home, 1);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

function expandIncludes(text: string, home: string, depth: number): string {
	const lines: string[] = [];
	/** The Host or Match line whose block we are in; after an included file's own blocks, it is reopened. */
	let openSection = 'Match all';
	for (const line of text.split(/\r?\n/)) {
		if (SECTION_LINE.test(line)) openSection = line.trim();
		if (!INCLUDE_LINE.test(line)) {
			lines.push(line);
			continue;
		}
		if (depth >= MAX_INCLUDE_DEPTH) throw new Error(`Include nested more than ${MAX_INCLUDE_DEPTH} levels deep`);
		for (const path of includedFiles(line, home)) {
			const included = expandIncludes(readFileSync(path, 'utf8'), home, depth + 1);
			lines.push(included);
			if (included.split(/\r?\n/).some(includedLine => SECTION_LINE.test(includedLine))) lines.push(openSection);
		}
	}
	return lines.join('\n');
}

/** The existing files an Include line names, in order. */
function includedFiles(line: string, home: string): string[] {
	const [directive] = SSHConfig.parse(line.trim());
	if (directive?.type !== LineType.DIRECTIVE) return [];
	const names = Array.isArray(directive.value) ? directive.value.map(part => part.val) : [directive.value];
	return names.flatMap(name => {
		const path = absolutePath(name, home);
		if (WILDCARD.test(path)) return globFiles(path);
		return statSync(path, {throwIfNoEntry: false}) === undefined ? [] : [path];
	});
}

function absolutePath(name: string, home: string): string {
	if (name === '~') return home;
	if (name.startsWith('~/')) return join(home, name.slice(2));
	return isAbsolute(name) ? name : join(home, '.ssh', name);
}

/** Files matching a glob(7) pattern (`*`, `?`, `[...]` within one path part), sorted; dot files only when the pattern says so. */
function globFiles(pattern: string): string[] {
	let paths = ['/'];
	for (const part of pattern.split('/').filter(part => part !== '')) {
		if (!WILDCARD.test(part)) {
			paths = paths.map(path => join(path, part));
			continue;
		}
		const matches = partMatcher(part);
		paths = paths.flatMap(path => {
			let entries: string[];
			try {
				entries = readdirSync(path);
			} catch {
				return [];
			}
			return entries.filter(entry => matches.test(entry)).sort().map(entry => join(path, entry));
		});
	}
	return paths.filter(path => statSync(path, {throwIfNoEntry: false})?.isFile() === true);
}

function partMatcher(part: string): RegExp {
	let source = part.startsWith('.') ? '' : '(?!\\.)';
	for (let index = 0; index < part.length; index++) {
		const char = part[index]!;
		if (char === '*') source += '.*';
		else if (char === '?') source += '.';
		else if (char === '[') {
			const end = part.indexOf(']', index + 2);
			if (end === -1) {
				source += '\\[';
				continue;
			}
			const body = part.slice(index + 1, end);
			source += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`.replace(/\\/g, '\\\\');
			index = end;
		} else source += char.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
	}
	return new RegExp(`^${source}$`);
}
