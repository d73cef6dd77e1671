// The plan options of a run, from the flags and this machine's identity:
// worked out once per process (cli/main.tsx) and handed to every review and
// run of it, so the review and the run plan with the same options.

import type {PlanOptions} from '../plan/options.js';
import type {MachineIdentity} from '../plan/this-machine.js';
import type {ApplyFlags} from './run-on-hosts.js';

export function planOptionsFor(flags: Omit<ApplyFlags, 'dryRun' | 'acceptNewHostKeys'>, thisMachine: MachineIdentity, aegirMode = false): PlanOptions {
	return {
		thisMachine,
		// Aegir here (drush and its home, or asked): its verify moves config and code, and its prerequisites are checked.
		...(aegirMode ? {aegirMode, aegirPrerequisites: true} : {}),
		...(flags.aegirPrerequisites ? {aegirPrerequisites: true} : {}),
		moveAside: flags.moveAside,
		...(flags.configDir === undefined ? {} : {configDir: flags.configDir}),
		...(flags.platformsDir === undefined ? {} : {platformsDir: flags.platformsDir}),
		...(flags.lockWait === undefined ? {} : {lockWaitSeconds: flags.lockWait}),
		...(flags.maxDelete === undefined ? {} : {maxDelete: flags.maxDelete}),
	};
}
