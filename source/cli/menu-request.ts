// A re-run the wizard confirmed (start menu or a command in a terminal), run
// the same way the non-interactive commands run it.
import type {RerunRequest} from '../ui/wizard/rerun-request.js';
import type {CommandContext} from './command-context.js';
import {runAddSlave, runRemoveSlave} from './rerun.js';
import {runStatus, statusOptions} from './show-health.js';
import {exportPack} from './commands/export.js';

export async function runRerunRequest(request: RerunRequest, context: CommandContext): Promise<number> {
	const {flags} = context;
	const applyContext = {flags, planOptions: context.planOptions, storeDir: context.storeDir, interactive: context.interactive, out: context.out};
	switch (request.kind) {
		case 'add-slave':
			return runAddSlave(request.pack, request.hosts, request.newHosts, applyContext);
		case 'remove-slave':
			return runRemoveSlave(request.pack, request.host, applyContext);
		case 'status':
			return runStatus(request.pack, statusOptions(context, {json: false, watch: false}));
		case 'export-ansible':
			// Into ./<pack>-ansible (or --out), refused when not empty unless --force, as the command.
			return exportPack(request.pack, context);
	}
}
