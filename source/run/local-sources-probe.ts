// Reads what the sync sources look like on this machine, once, before the
// plan is made (the plan itself never touches the local disk).

import {statSync} from 'node:fs';
import type {LocalDirectory, LocalSources} from '../plan/local-sources.js';

function probe(path: string): LocalDirectory {
	try {
		return statSync(path).isDirectory() ? {state: 'directory'} : {state: 'not-directory'};
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' || code === 'ENOTDIR') return {state: 'missing'};
		return {state: 'unreadable', reason: code ?? (error as Error).message};
	}
}

export function probeLocalSources(paths: readonly string[]): LocalSources {
	return Object.fromEntries([...new Set(paths)].map(path => [path, probe(path)]));
}
