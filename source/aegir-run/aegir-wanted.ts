// Whether to register the pack in Aegir after a run: when asked
// (--aegir-register), or when this machine looks like an Aegir server: drush
// on PATH and the Aegir home with its .drush directory. Pure but for the two
// file-system questions, which tests answer themselves.

import {accessSync, constants, statSync} from 'node:fs';
import path from 'node:path';

export const DEFAULT_AEGIR_HOME = '/var/aegir';

export type AegirProbe = {
	isExecutableFile(file: string): boolean;
	isDirectory(directory: string): boolean;
};

export const fileSystemProbe: AegirProbe = {
	isExecutableFile(file) {
		try {
			if (!statSync(file).isFile()) return false;
			accessSync(file, constants.X_OK);
			return true;
		} catch {
			return false;
		}
	},
	isDirectory(directory) {
		try {
			return statSync(directory).isDirectory();
		} catch {
			return false;
		}
	},
};

/** The drush PATH finds, or undefined. Relative PATH entries are skipped: they depend on where we were started. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv, probe: AegirProbe = fileSystemProbe): string | undefined {
	for (const directory of (env['PATH'] ?? '').split(path.delimiter)) {
		if (!path.isAbsolute(directory)) continue;
		const candidate = path.join(directory, name);
		if (probe.isExecutableFile(candidate)) return candidate;
	}

	return undefined;
}

export function aegirRegistrationWanted(
	env: NodeJS.ProcessEnv,
	options: {aegirHome?: string; flag?: boolean},
	probe: AegirProbe = fileSystemProbe,
): boolean {
	if (options.flag) return true;
	const home = options.aegirHome ?? DEFAULT_AEGIR_HOME;
	return findOnPath('drush', env, probe) !== undefined && probe.isDirectory(home) && probe.isDirectory(path.join(home, '.drush'));
}
