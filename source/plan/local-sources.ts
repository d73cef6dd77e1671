// What the sync sources on this machine look like, as data: read once before
// planning (source/run/local-sources-probe.ts), so the sync steps never touch
// the local disk themselves.

export type LocalDirectory =
	| {state: 'directory'}
	| {state: 'missing'}
	| {state: 'not-directory'}
	/** The probe could not tell (permission denied, an I/O error). */
	| {state: 'unreadable'; reason: string};

/** By absolute path, as given in the plan options (configDir, platformsDir). */
export type LocalSources = Readonly<Record<string, LocalDirectory>>;

/** Why a sync cannot start from this source, or undefined when it can. */
export function sourceProblem(sources: LocalSources, path: string): string | undefined {
	const found = sources[path];
	if (!found) return `${path} was not looked at on this machine before planning: nothing to sync from`;
	switch (found.state) {
		case 'directory': {
			return undefined;
		}

		case 'unreadable': {
			return `${path} cannot be read on this machine (${found.reason}): nothing to sync from`;
		}

		case 'missing':
		case 'not-directory': {
			return `${path} is not a directory on this machine: nothing to sync from`;
		}
	}
}
