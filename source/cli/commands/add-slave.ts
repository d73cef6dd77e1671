// `aegir-pack add-slave <pack> <host>...`: new web heads join a saved pack.
// Everything is checked before anything connects: the pack, the host names,
// whether the hosts can join, and whether their addresses are inside the
// export's subnets (widening needs --widen-export, or the wizard's review).
import {subnetsToWiden} from '../../plan/add-slave-plan.js';
import {EXIT} from '../../contracts/exit-codes.js';
import {addSlaveReview, rerunReviewText} from '../../ui/wizard/rerun-review.js';
import {aegirPickerHosts} from '../../ui/wizard/aegir-hosts.js';
import {resolveHostNames} from './rerun-hosts.js';
import {runAddSlave} from '../rerun.js';
import {findSavedPack} from './saved-pack.js';
import type {CommandContext} from '../command-context.js';
import {rerunInTerminal} from '../rerun-in-terminal.js';

export async function addSlaveCommand(operands: string[], context: CommandContext): Promise<number> {
	const {flags, inputs, err, out} = context;
	const [packName, ...names] = operands;
	const found = findSavedPack(inputs.packs, packName);
	if ('message' in found) return refuse(context, [found.message]);
	const {pack} = found;
	if (names.length === 0) return refuse(context, [`Name the host(s) to add to ${pack.name}: aegir-pack add-slave ${pack.name} <host>...`]);

	// Aegir's web servers can be named as they are in its pickers.
	const known = inputs.aegir ? aegirPickerHosts(inputs.hosts, inputs.aegir.servers).hosts : inputs.hosts;
	const resolved = resolveHostNames(names, flags.host, known, inputs.savedHosts ?? []);
	if (resolved.problems.length > 0) return refuse(context, resolved.problems);

	// With a terminal and no --yes, the wizard's review asks (and shows any widening diff).
	if (context.interactive && !flags.yes) {
		return rerunInTerminal(context, {kind: 'add-slave', pack: pack.name, hosts: names});
	}

	const review = addSlaveReview(pack, resolved.hosts, context.planOptions);
	out(rerunReviewText(review));
	if (review.problems.length > 0) return refuse(context, review.problems);

	const widened = subnetsToWiden(pack.subnets, resolved.hosts);
	if (widened.length > 0 && !flags.widenExport) {
		const outside = resolved.hosts.filter(host => widened.some(subnet => subnet.split('/')[0] === host.address));
		const who = outside.map(host => `${host.name} (${host.address})`).join(', ');
		return refuse(context, [
			`${who} ${outside.length === 1 ? 'is' : 'are'} outside pack ${pack.name}'s subnets ${pack.subnets.join(', ')}: nothing was run.`,
			`Give --widen-export to export ${pack.exportPath} to ${widened.join(', ')} as well (only the drop-in on ${pack.nfsServer.name} changes).`,
		]);
	}

	if (!flags.yes) {
		err('Nothing was run: add --yes to accept this review (without a terminal nothing is asked).\n');
		return EXIT.badInput;
	}

	return runAddSlave(pack, resolved.hosts, resolved.newHosts, context);
}

function refuse(context: CommandContext, messages: string[]): number {
	for (const message of messages) context.err(`${message}\n`);
	return EXIT.badInput;
}
