// `aegir-pack remove-slave <pack> <host>`: retire one web head. Only that host
// (and the NFS server when the export was widened for it alone) is connected to.
import {EXIT} from '../../contracts/exit-codes.js';
import {removeSlaveReview, rerunReviewText} from '../../ui/wizard/rerun-review.js';
import type {CommandContext} from '../command-context.js';
import {rerunInTerminal} from '../rerun-in-terminal.js';
import {runRemoveSlave} from '../rerun.js';
import {findSavedPack} from './saved-pack.js';

export async function removeSlaveCommand(operands: string[], context: CommandContext): Promise<number> {
	const {flags, inputs, err, out} = context;
	const [packName, host, ...rest] = operands;
	const found = findSavedPack(inputs.packs, packName);
	if ('message' in found) {
		err(`${found.message}\n`);
		return EXIT.badInput;
	}

	const {pack} = found;
	if (rest.length > 0) {
		err(`Remove one slave at a time: aegir-pack remove-slave ${pack.name} <host> (got ${[host, ...rest].join(' ')}).\n`);
		return EXIT.badInput;
	}

	if (context.interactive && !flags.yes) {
		return rerunInTerminal(context, {kind: 'remove-slave', pack: pack.name, ...(host === undefined ? {} : {host})});
	}

	if (host === undefined) {
		const slaves = pack.slaves.map(slave => slave.name).join(', ') || 'none';
		err(`Name the slave to remove from ${pack.name} (its slaves: ${slaves}).\n`);
		return EXIT.badInput;
	}

	const review = removeSlaveReview(pack, host, context.planOptions);
	out(rerunReviewText(review));
	if (review.problems.length > 0) {
		for (const problem of review.problems) err(`${problem}\n`);
		return EXIT.badInput;
	}

	if (!flags.yes) {
		err('Nothing was run: add --yes to accept this review (without a terminal nothing is asked).\n');
		return EXIT.badInput;
	}

	return runRemoveSlave(pack, host, context);
}
