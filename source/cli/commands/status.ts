// `aegir-pack status <pack> [--json] [--watch]`: the pack's health, read-only.
import {EXIT} from '../../contracts/exit-codes.js';
import type {CommandContext} from '../command-context.js';
import {findSavedPack} from './saved-pack.js';
import {runStatus, statusOptions} from '../show-health.js';

export async function statusCommand(operands: string[], context: CommandContext): Promise<number> {
	const {flags} = context;
	const [packName, ...rest] = operands;
	const found = findSavedPack(context.inputs.packs, packName);
	if ('message' in found) {
		context.err(`${found.message}\n`);
		return EXIT.badInput;
	}

	if (rest.length > 0) {
		context.err(`Unexpected argument: ${rest.join(' ')} (aegir-pack status <pack>)\n`);
		return EXIT.badInput;
	}

	return runStatus(found.pack, statusOptions(context, {json: flags.json, watch: flags.watch}));
}
