// After a head's web server config changed: test it (apache2ctl configtest,
// nginx -t) and reload the web server gracefully. A failed test puts the
// previous config back (the copy the config sync kept), reloads nothing, so
// the web server keeps running the config it had, and fails this host with
// the tester's own output. The "pending" note on the head, not this run's
// memory, says a change is waiting: a run stopped between the sync and the
// reload is finished by the next one.

import type {Host} from '../../pack/types.js';
import {AEGIR_CONFIG_DIR, appsIn, headContext, type WebApp} from '../../aegir/provision-layout.js';
import {StepFailedError, tail} from '../../contracts/command-error.js';
import {commandLine} from '../../shell/quote.js';
import {RELOAD_PENDING_FILE, WEB_RELOAD_SCRIPT} from '../../shell/web-config-scripts.js';
import {sourceListing} from '../local-sources.js';
import type {ResolvedPlanOptions} from '../options.js';
import type {Step, StepRef} from '../step.js';
import {linkedApp, WEB_CONFIG_READ} from './config-sync.js';
import {readWebConfigState, webConfigState} from './web-config-state.js';

export const WEB_RELOAD_STEP = 'web/reload';

const TEST: Record<WebApp, string> = {apache: 'apache2ctl configtest', nginx: 'nginx -t'};
const RELOAD: Record<WebApp, string> = {apache: 'apache2ctl graceful', nginx: 'nginx -s reload (or /etc/init.d/nginx reload)'};
const SERVER: Record<WebApp, string> = {apache: 'apache2', nginx: 'nginx'};

/** `after`: e.g. a slave waits for the master's code, which its vhosts include through the share. */
export function webReloadStep(host: Host, options: ResolvedPlanOptions, after: StepRef[] = []): Step {
	const context = headContext(host.name);
	const user = options.aegirUser;

	/** The web server to test: the one its own config is for, when installed. */
	const kindOf = (installed: WebApp[]): WebApp | undefined => {
		const listing = sourceListing(options.localSources, options.configDir);
		const own = listing ? appsIn(listing.entries, context) : [];
		const linked = linkedApp(own, installed);
		return linked !== undefined && installed.includes(linked) ? linked : installed[0];
	};

	return {
		id: WEB_RELOAD_STEP,
		title: 'web server config test and graceful reload',
		host: host.name,
		...(after.length > 0 ? {after} : {}),
		reads: {webConfig: WEB_CONFIG_READ},
		async check({transport, signal, facts}) {
			const state = webConfigState(facts) ?? (await readWebConfigState(transport, user, signal));
			if (state.pending === undefined) return {state: 'ok', message: 'no web server config change: not reloaded'};
			const kind = kindOf(state.installed);
			if (kind === undefined) return {state: 'ok', message: 'no apache2 or nginx here: nothing to test or reload'};
			return {
				state: 'change',
				message: `test the ${SERVER[kind]} config, then reload it gracefully (if the test fails: put the previous config back)`,
				commands: [TEST[kind], RELOAD[kind]],
			};
		},
		async apply({transport, signal}) {
			const state = await readWebConfigState(transport, user, signal);
			const kind = kindOf(state.installed);
			if (kind === undefined) return {status: 'ok', message: 'no apache2 or nginx here: nothing to test or reload'};
			const command = commandLine(['sh', '-c', WEB_RELOAD_SCRIPT, 'aegir-pack', kind, AEGIR_CONFIG_DIR, user, context, RELOAD_PENDING_FILE]);
			const result = await transport.exec(command, {sudo: true, signal, timeoutMs: 120_000});
			const own = result.stdout
				.split('\n')
				.filter(line => line.startsWith('aegir-pack: '))
				.map(line => line.slice('aegir-pack: '.length));
			if (result.code !== 0) {
				const message = own.length > 0 ? own.join('; ') : `the ${SERVER[kind]} config test or reload failed (exit code ${result.code})`;
				throw new StepFailedError(`${host.name}: ${message}`, {command: TEST[kind], code: result.code, stderrTail: tail(result.stderr, 12)});
			}
			return {message: own.at(-1) ?? `${SERVER[kind]} reloaded`};
		},
	};
}
