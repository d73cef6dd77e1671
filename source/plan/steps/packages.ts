// One apt run per host installs whatever of its packages is missing, so a host
// takes the dpkg lock once.

import type {Host} from '../../pack/types.js';
import {LOCK_WAIT_PREFIX, aptInstallCommand, describeAptInstall} from '../../shell/apt.js';
import type {Facts} from '../facts.js';
import type {ResolvedPlanOptions} from '../options.js';
import type {Step} from '../step.js';
import {runAsRoot} from './run-command.js';

export const PACKAGES_STEP = 'packages';

function missing(facts: Facts, packages: string[]): string[] {
	return packages.filter(name => !facts.packages[name]?.installed);
}

export function packagesStep(host: Host, packages: string[], options: ResolvedPlanOptions): Step {
	return {
		id: PACKAGES_STEP,
		title: `packages ${packages.join(', ')}`,
		host: host.name,
		check({facts}) {
			const needed = missing(facts, packages);
			if (needed.length === 0) return {state: 'ok', message: 'already installed'};
			return {state: 'change', message: `install ${needed.join(', ')}`, commands: [describeAptInstall(needed)]};
		},
		async apply(context) {
			const needed = missing(context.facts, packages);
			let warned = false;
			await runAsRoot(context, aptInstallCommand(needed, options.lockWaitSeconds, options.lockPollSeconds), `installing ${needed.join(', ')}`, {
				// Installs can be slow; the lock wait has its own limit inside the script.
				timeoutMs: (options.lockWaitSeconds + 30 * 60) * 1000,
				onOutput(chunk) {
					if (warned || !chunk.includes(LOCK_WAIT_PREFIX)) return;
					warned = true;
					context.notice(
						'warn',
						`${host.name}: another apt or dpkg holds the dpkg lock; waiting up to ${options.lockWaitSeconds}s before giving up`,
					);
				},
			});
			return {message: `installed ${needed.join(', ')}`};
		},
	};
}
