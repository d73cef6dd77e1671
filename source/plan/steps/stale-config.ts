// What an earlier version of this tool left on a head by copying this
// machine's whole config dir, and provision never would: other servers'
// server_* directories (their vhosts and site keys), the central ssl.d key
// store, an <app>.conf link into another server's directory. Listed (review,
// --dry-run) and removed as the aegir user, once the head's own config is in
// place and reloaded. The rules are source/aegir/provision-layout.ts.

import type {Host} from '../../pack/types.js';
import {AEGIR_CONFIG_DIR, classifyConfigEntries, headContext} from '../../aegir/provision-layout.js';
import type {Transport} from '../../contracts/transport.js';
import {commandLine} from '../../shell/quote.js';
import {sourceListing} from '../local-sources.js';
import type {ResolvedPlanOptions} from '../options.js';
import type {Step, StepRef} from '../step.js';
import {runAsRoot} from './run-command.js';
import {deletionLines} from './sync-run.js';
import {readWebConfigState, webConfigState} from './web-config-state.js';
import {WEB_CONFIG_READ} from './config-sync.js';
import type {Facts} from '../facts.js';

export const STALE_CONFIG_STEP = 'web/stale-config';

/** The only names this step ever removes: direct children of the config dir. */
const REMOVABLE = /^(server_[A-Za-z0-9_.-]+|ssl\.d|apache\.conf|nginx\.conf)$/;

export function staleConfigStep(host: Host, options: ResolvedPlanOptions, dependsOn: StepRef[] = []): Step {
	const context = headContext(host.name);
	const user = options.aegirUser;

	/** From the facts in a check (read again after any change here); live in the apply. */
	const classify = async (transport: Transport, signal: AbortSignal, facts?: Facts) => {
		const listing = sourceListing(options.localSources, options.configDir);
		if (!listing) return undefined;
		const state = (facts && webConfigState(facts)) ?? (await readWebConfigState(transport, user, signal));
		if (state.dir.state !== 'directory') return undefined;
		const localNames = new Set(listing.entries.filter(entry => !entry.path.includes('/')).map(entry => entry.path));
		const {remove, left} = classifyConfigEntries(context, state.entries, localNames, state.installed);
		return {remove: remove.filter(name => REMOVABLE.test(name)), left};
	};
	const removeCommand = (names: string[]) =>
		commandLine(['runuser', '-u', user, '--', 'rm', '-rf', '--one-file-system', '--', ...names.map(name => `${AEGIR_CONFIG_DIR}/${name}`)]);

	return {
		id: STALE_CONFIG_STEP,
		title: `config copied by an earlier version, not ${context}'s`,
		host: host.name,
		...(dependsOn.length > 0 ? {dependsOn} : {}),
		reads: {webConfig: WEB_CONFIG_READ},
		async check({transport, signal, facts}) {
			const found = await classify(transport, signal, facts);
			if (!found) return {state: 'ok', message: `nothing to compare: no ${AEGIR_CONFIG_DIR} there, or no config dir here`};
			const left = found.left.length > 0 ? ` (left as is: ${found.left.join(', ')})` : '';
			if (found.remove.length === 0) return {state: 'ok', message: `nothing foreign${left}`};
			const paths = found.remove.map(name => `${AEGIR_CONFIG_DIR}/${name}`);
			return {
				state: 'change',
				message: `remove what an earlier aegir-pack copied here: ${found.remove.join(', ')}${left}`,
				commands: [removeCommand(found.remove)],
				diff: deletionLines(host.name, paths),
			};
		},
		async apply(stepContext) {
			const found = await classify(stepContext.transport, stepContext.signal);
			if (!found || found.remove.length === 0) return {status: 'ok', message: 'nothing foreign'};
			// As aegir: it is aegir's tree, and a link swapped in there leads nowhere aegir could not go.
			await runAsRoot(stepContext, removeCommand(found.remove), `removing ${found.remove.join(', ')}`);
			return {
				message: `removed ${found.remove.join(', ')}`,
				diff: deletionLines(host.name, found.remove.map(name => `${AEGIR_CONFIG_DIR}/${name}`), true),
			};
		},
	};
}
