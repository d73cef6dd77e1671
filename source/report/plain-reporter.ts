// The non-TTY consumer of the run events: one plain line per event that
// matters, then the recap. Meant for CI logs, pipes and `| tee`: no Ink,
// no cursor movement, colours only when asked. Remote text is sanitized.
import type {HostSummary, RunEvent, StepStatus} from '../contracts/events.js';
import {paint, type Colour} from './ansi-colour.js';
import {exitCodeMeaning} from './exit-meaning.js';
import {formatDuration} from './format-duration.js';
import {joinRecapCells, recapLines} from './recap-text.js';
import {roleLabel} from './role-label.js';
import {partialText, splitOutput, stripControl, tailLines} from './terminal-text.js';

export type PlainReporterOptions = {
	/** Where lines go, e.g. process.stdout. Each call gets whole lines ending in `\n`. */
	out: {write(text: string): unknown};
	/** ANSI colours for statuses (default off). */
	color?: boolean;
	/** Also print every output line of the running commands, prefixed `host |` (default off: it is in the host logs). */
	showOutput?: boolean;
	/** How many stderr lines of a failed command to show (default 5). */
	stderrLines?: number;
};

const STATUS_COLOUR: Record<StepStatus, Colour> = {ok: 'green', changed: 'yellow', failed: 'red', skipped: 'cyan'};

type StepPosition = {index: number; count: number};

export class PlainReporter {
	/** Pass this to the runner's subscribe(). */
	readonly listener = (event: RunEvent): void => {
		this.handle(event);
	};

	readonly #options: Required<Omit<PlainReporterOptions, 'out'>> & Pick<PlainReporterOptions, 'out'>;
	#hostWidth = 0;
	readonly #steps = new Map<string, StepPosition>();
	readonly #partials = new Map<string, string>();

	constructor(options: PlainReporterOptions) {
		this.#options = {color: false, showOutput: false, stderrLines: 5, ...options};
	}

	handle(event: RunEvent): void {
		switch (event.type) {
			case 'run-started': {
				this.#runStarted(event.hosts, event.dryRun, event.logDir);
				break;
			}

			case 'host-started': {
				break;
			}

			case 'step-started': {
				this.#steps.set(event.host, {index: event.index, count: event.count});
				break;
			}

			case 'output': {
				if (this.#options.showOutput) this.#output(event.host, event.chunk);
				break;
			}

			case 'step-finished': {
				this.#flushOutput(event.host);
				const position = this.#steps.get(event.host);
				const where = position ? `${position.index}/${position.count} ` : '';
				const status = this.#paint(STATUS_COLOUR[event.status], event.status);
				const message = event.message ? `  (${stripControl(event.message).replaceAll('\n', ' ')})` : '';
				this.#line(event.host, `${where}${stripControl(event.title)}  ${status}  ${formatDuration(event.durationMs)}${message}`);
				if (event.failure) {
					const {failure} = event;
					const detail = (text: string): void => {
						this.#line(event.host, `  ${text}`);
					};

					if (failure.message && failure.message !== event.message) detail(stripControl(failure.message).replaceAll('\n', ' '));
					if (failure.command) detail(`command: ${stripControl(failure.command).replaceAll('\n', ' ')}`);
					if (failure.code !== undefined) detail(`exit code: ${failure.code}`);
					for (const line of tailLines(failure.stderrTail ?? '', this.#options.stderrLines)) detail(`stderr: ${line}`);
				}

				if (event.diff) {
					for (const line of stripControl(event.diff).replace(/\n$/, '').split('\n')) this.#line(event.host, `  | ${line}`);
				}

				break;
			}

			case 'host-finished': {
				this.#flushOutput(event.host);
				const time = formatDuration(event.durationMs);
				const log = event.logPath ? `  log: ${event.logPath}` : '';
				if (event.status === 'ok') {
					this.#line(event.host, `${this.#paint('green', 'done')}  ${time}${log}`);
				} else {
					const step = event.failedStep ? ` at "${stripControl(event.failedStep)}"` : '';
					this.#line(event.host, `${this.#paint('red', 'FAILED')}${step}  ${time}${log}`);
				}

				break;
			}

			case 'notice': {
				const label = event.level === 'info' ? '' : `${this.#paint(event.level === 'error' ? 'red' : 'yellow', event.level === 'error' ? 'error' : 'warning')}: `;
				const lines = stripControl(event.message).replace(/\n$/, '').split('\n');
				lines.forEach((line, index) => {
					this.#line(event.host, index === 0 ? `${label}${line}` : `  ${line}`);
				});
				break;
			}

			case 'run-finished': {
				for (const host of this.#partials.keys()) this.#flushOutput(host);
				this.#runFinished(event);
				break;
			}
		}
	}

	/** A line about one host (or the run) in the same format as the events, e.g. from the non-interactive prompter. */
	say(host: string | undefined, message: string): void {
		for (const line of stripControl(message).split('\n')) this.#line(host, line);
	}

	#runStarted(hosts: HostSummary[], dryRun: boolean, logDir?: string): void {
		this.#hostWidth = Math.max(0, ...hosts.map(host => host.name.length));
		const mode = dryRun ? 'dry run on' : 'applying to';
		this.#write(`aegir-pack: ${mode} ${hosts.length} host${hosts.length === 1 ? '' : 's'}${dryRun ? ' (read-only checks, nothing is changed)' : ''}`);
		for (const host of hosts) {
			this.#line(host.name, `${roleLabel(host.roles)}  ${host.address}  ${host.stepCount} steps`);
		}

		if (logDir) this.#write(`logs: ${logDir}`);
	}

	#runFinished(event: Extract<RunEvent, {type: 'run-finished'}>): void {
		this.#write('');
		const colours: Partial<Record<string, Colour>> = {ok: 'green', changed: 'yellow', failed: 'red', skipped: 'cyan'};
		for (const line of recapLines(event.recap)) {
			this.#write(
				joinRecapCells(line, (column, text, current) => {
					const colour = colours[column];
					const value = current.row && column !== 'host' && column !== 'time' ? current.row[column] : 0;
					return colour && value > 0 ? this.#paint(colour, text) : text;
				}),
			);
		}

		if (event.interrupted && event.exitCode !== 130) this.#write('interrupted: each host stopped after its current command');
		if (event.logDir) this.#write(`logs: ${event.logDir}`);
		const meaning = `exit ${event.exitCode}: ${exitCodeMeaning(event.exitCode)}`;
		this.#write(event.exitCode === 0 ? this.#paint('green', meaning) : this.#paint('red', meaning));
	}

	#output(host: string, chunk: string): void {
		const {lines, partial} = splitOutput(this.#partials.get(host) ?? '', chunk);
		this.#partials.set(host, partial);
		for (const line of lines) if (line !== '') this.#line(host, `| ${line}`);
	}

	#flushOutput(host: string): void {
		const partial = this.#partials.get(host);
		this.#partials.delete(host);
		if (!this.#options.showOutput || partial === undefined) return;
		const text = partialText(partial);
		if (text !== '') this.#line(host, `| ${text}`);
	}

	#line(host: string | undefined, text: string): void {
		if (host === undefined) {
			this.#write(text);
			return;
		}

		this.#hostWidth = Math.max(this.#hostWidth, host.length);
		this.#write(`${this.#paint('bold', host.padEnd(this.#hostWidth))}  ${text}`);
	}

	#paint(colour: Colour, text: string): string {
		return paint(this.#options.color, colour, text);
	}

	#write(line: string): void {
		this.#options.out.write(`${line}\n`);
	}
}
