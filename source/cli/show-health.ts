// `aegir-pack status <pack>`: connect to every host at once, read-only, and
// show the pack's health — the Ink table in a terminal (once, or --watch until
// q), the plain table otherwise, JSON with --json. Exit 0 healthy, 1 not.
// Status never asks a question: an unknown host key is a red row.
import process from 'node:process';
import {checkPackHealth} from '../health/check-pack-health.js';
import type {HealthReport} from '../health/types.js';
import type {Host, Pack} from '../pack/types.js';
import type {Transport} from '../contracts/transport.js';
import {sshConnector} from '../remote/connect.js';
import {healthJson, healthTable} from '../report/health-text.js';
import {NonInteractivePrompter} from './non-interactive-prompter.js';
import {withNewKeyPolicy} from './host-key-policy.js';
import {announcingHostKeys} from '../run/host-key-notice.js';
import {EXIT} from '../contracts/exit-codes.js';
import type {CommandContext} from './command-context.js';

export type StatusOptions = {
	json: boolean;
	watch: boolean;
	interactive: boolean;
	knownHosts?: string;
	sshConfig?: string;
	acceptNewHostKeys: boolean;
	out(text: string): void;
	err(text: string): void;
	/** Instead of SSH (tests). */
	connect?: (host: Host) => Promise<Transport>;
	/** Per host, connect included (default 15 s). */
	hostTimeoutMs?: number;
	/** Between checks with --watch (default 5 s). */
	intervalMs?: number;
};

const exitCodeOf = (report: HealthReport) => (report.healthy ? EXIT.ok : EXIT.failed);

export async function runStatus(pack: Pack, options: StatusOptions): Promise<number> {
	if (options.watch && options.json) {
		options.err('--watch and --json do not go together: --json prints one report for monitoring, --watch keeps a screen up\n');
		return EXIT.badInput;
	}

	if (options.watch && !options.interactive) {
		options.err('--watch needs a terminal: without one, run aegir-pack status (or with --json) from a loop or a monitoring check\n');
		return EXIT.badInput;
	}

	const useScreen = options.interactive && !options.json;
	const prompter = withNewKeyPolicy(
		new NonInteractivePrompter({
			// The row says what went wrong; a line on stderr would only tear the screen.
			say: (host, message) => {
				if (!useScreen) options.err(`${host}: ${message}\n`);
			},
		}),
		{accept: options.acceptNewHostKeys},
	);
	// Each host key accepted is said: at once without the screen, under it once it is closed.
	const accepted: string[] = [];
	const sayAccepted = (host: string, line: string) => {
		if (useScreen) accepted.push(`${host}: ${line}\n`);
		else options.err(`${host}: ${line}\n`);
	};
	const ssh = sshConnector({
		prompter,
		...(options.knownHosts === undefined ? {} : {knownHostsFiles: [options.knownHosts]}),
		...(options.sshConfig === undefined ? {} : {sshConfigFile: options.sshConfig}),
	});
	const connect = options.connect ?? ((host: Host) => ssh(host, announcingHostKeys(prompter, line => sayAccepted(host.name, line))));
	const check = (signal?: AbortSignal) =>
		checkPackHealth(pack, {
			connect,
			...(signal ? {signal} : {}),
			...(options.hostTimeoutMs === undefined ? {} : {hostTimeoutMs: options.hostTimeoutMs}),
		});

	try {
		if (useScreen) {
			// Loaded only for a terminal: Ink costs about half a second of start-up.
			const {renderHealth} = await import('../ui/health/render-health.js');
			const view = renderHealth({
				check,
				watch: options.watch,
				packName: pack.name,
				...(options.intervalMs === undefined ? {} : {intervalMs: options.intervalMs}),
			});
			const report = await view.waitUntilExit();
			for (const line of accepted) options.err(line);
			return report ? exitCodeOf(report) : EXIT.interrupted;
		}

		const report = await check();
		options.out(options.json ? healthJson(report) : healthTable(report, {columns: terminalColumns(), colour: false}));
		return exitCodeOf(report);
	} catch (error) {
		options.err(`status of ${pack.name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
		return EXIT.failed;
	}
}

function terminalColumns(): number {
	const columns = process.stdout.isTTY ? process.stdout.columns : undefined;
	return columns && columns > 0 ? columns : 80;
}

/** runStatus's options from the command's context: the same connection flags as every run. */
export function statusOptions(context: Pick<CommandContext, 'flags' | 'interactive' | 'out' | 'err'>, view: {json: boolean; watch: boolean}): StatusOptions {
	const {flags} = context;
	return {
		...view,
		interactive: context.interactive,
		acceptNewHostKeys: flags.acceptNewHostKeys,
		...(flags.knownHosts === undefined ? {} : {knownHosts: flags.knownHosts}),
		...(flags.sshConfig === undefined ? {} : {sshConfig: flags.sshConfig}),
		out: context.out,
		err: context.err,
	};
}
