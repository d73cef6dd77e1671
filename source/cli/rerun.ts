// Running a confirmed re-run: the plan touches only the hosts that change, and
// the store gets the new pack (and new hosts) only when every one of them
// succeeded. Shared by the commands and the wizard's start menu.
import {runOnHosts, type ApplyContext} from './run-on-hosts.js';
import type {Host, Pack} from '../pack/types.js';
import {planAddSlave} from '../plan/add-slave-plan.js';
import {planRemoveSlave} from '../plan/remove-slave-plan.js';
import {EXIT} from '../contracts/exit-codes.js';

export type RerunContext = ApplyContext & {out: (text: string) => void};

export async function runAddSlave(pack: Pack, slaves: Host[], newHosts: Host[], context: RerunContext): Promise<number> {
	const code = await runOnHosts(
		{
			pack,
			plan: options => planAddSlave(pack, slaves, options),
			newHosts,
			// Aegir re-saves the pack context; each new member without a context gets one first.
			...(slaves.length === 1 && slaves[0] ? {change: {slave: slaves[0].name}} : {}),
		},
		context,
	);
	if (code === EXIT.ok && !context.flags.dryRun) {
		context.out(`Pack ${pack.name}: ${slaves.map(slave => slave.name).join(', ')} added; the saved pack is updated.\n`);
	} else if (code !== EXIT.ok) {
		context.out(`Pack ${pack.name} is saved as it was: run the same command again to resume.\n`);
	}

	return code;
}

export async function runRemoveSlave(pack: Pack, slave: string, context: RerunContext): Promise<number> {
	const removed = pack.slaves.find(host => host.name === slave);
	const code = await runOnHosts(
		{pack, plan: options => planRemoveSlave(pack, slave, options), ...(removed ? {change: {removed}} : {})},
		context,
	);
	if (code === EXIT.ok && !context.flags.dryRun) context.out(`Pack ${pack.name}: ${slave} removed; the saved pack is updated.\n`);
	else if (code !== EXIT.ok) context.out(`Pack ${pack.name} is saved as it was: run the same command again to finish.\n`);
	return code;
}
