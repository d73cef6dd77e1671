// `aegir-pack status` in a terminal: checks the pack, shows the table and the
// problems; once (then exits with the report) or, watching, again every few
// seconds until q, Esc or Ctrl-C (then exits with the last report).
import {Box, Text, useApp, useInput, useStdin} from 'ink';
import {useEffect, useRef, useState} from 'react';
import type {HealthReport} from '../../health/types.js';
import {formatTime, healthSummary, problemLines} from '../../report/health-grid.js';
import {FRAME_LINES, Screen} from '../components/screen.js';
import {useTerminalSize, type TerminalSize} from '../components/use-terminal-size.js';
import {HealthTable} from './health-table.js';

export const DEFAULT_WATCH_INTERVAL_MS = 5000;

export type HealthCheckFunction = (signal: AbortSignal) => Promise<HealthReport>;

export type HealthScreenProps = {
	check: HealthCheckFunction;
	watch: boolean;
	intervalMs?: number;
	/** Shown in the title before the first report arrives. */
	packName?: string;
	/** Fixed size instead of the terminal's (tests). */
	size?: TerminalSize;
};

type View = {report?: HealthReport; checking: boolean; error?: string};

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`);

export function HealthScreen({check, watch, intervalMs = DEFAULT_WATCH_INTERVAL_MS, packName, size}: HealthScreenProps) {
	const {exit} = useApp();
	const {isRawModeSupported} = useStdin();
	const {columns, rows} = useTerminalSize(size);
	const [view, setView] = useState<View>({checking: true});
	// The latest report, for the exit value (state may lag a key press by a render).
	const latest = useRef<HealthReport | undefined>(undefined);

	useEffect(() => {
		const stop = new AbortController();
		let timer: NodeJS.Timeout | undefined;
		const run = async () => {
			setView(current => ({...current, checking: true}));
			try {
				const report = await check(stop.signal);
				if (stop.signal.aborted) return;
				latest.current = report;
				setView({report, checking: false});
			} catch (error) {
				if (stop.signal.aborted) return;
				const message = error instanceof Error ? error.message : String(error);
				if (!watch) {
					exit(error instanceof Error ? error : new Error(message));
					return;
				}

				setView(current => ({...current, checking: false, error: message}));
			}

			if (watch && !stop.signal.aborted) timer = setTimeout(() => void run(), intervalMs);
		};

		void run();
		return () => {
			stop.abort();
			clearTimeout(timer);
		};
	}, [check, watch, intervalMs, exit]);

	// Once: leave after the frame with the table is committed (Ink then draws it as the last frame).
	useEffect(() => {
		if (watch || !view.report) return;
		const timer = setTimeout(() => {
			exit(view.report);
		}, 0);
		return () => {
			clearTimeout(timer);
		};
	}, [watch, view.report, exit]);

	useInput(
		(input, key) => {
			if (input === 'q' || key.escape || (key.ctrl && input === 'c')) exit(latest.current);
		},
		{isActive: isRawModeSupported === true},
	);

	const {report, checking, error} = view;
	const title = `status of ${report?.pack ?? packName ?? 'the pack'}`;
	const progress = checking ? 'checking…' : report ? `checked ${formatTime(report.checkedAt).slice(11)}` : undefined;
	const hint = watch ? `Read-only. Checks again every ${seconds(intervalMs)}.` : 'Read-only: nothing is changed on any host.';
	const keys = watch || checking ? 'q quit' : report?.healthy ? 'exit code 0: healthy' : 'exit code 1: problems found';
	const lastApply = report ? `last apply ${report.lastAppliedAt ? formatTime(report.lastAppliedAt) : 'none recorded'}` : '';

	return (
		<Screen title={title} progress={progress} hint={hint} keys={keys} width={columns} errors={error ? [`check failed: ${error}`] : []}>
			{report ? (
				<Body report={report} columns={columns} room={rows - FRAME_LINES - (error ? 1 : 0)} lastApply={lastApply} />
			) : (
				<Text dimColor>Connecting to every host of the pack…</Text>
			)}
		</Screen>
	);
}

/** Problem lines that fit `room` terminal lines once wrapped at `columns`, and how many are left out. */
export function fitProblems(problems: readonly string[], columns: number, room: number): {shown: string[]; more: number} {
	const height = (line: string) => Math.max(1, Math.ceil([...line].length / Math.max(1, columns)));
	const shown: string[] = [];
	let used = 0;
	for (const [index, problem] of problems.entries()) {
		// Keep one line for "… N more" unless this is the last problem.
		const reserve = index === problems.length - 1 ? 0 : 1;
		if (used + height(problem) + reserve > room) break;
		shown.push(problem);
		used += height(problem);
	}

	return {shown, more: problems.length - shown.length};
}

function Body({report, columns, room, lastApply}: {report: HealthReport; columns: number; room: number; lastApply: string}) {
	const problems = problemLines(report);
	// Summary, table head and rows, and the blank line above the problems: the rest is theirs.
	const {shown, more} = fitProblems(problems, columns, Math.max(1, room - 1 - (1 + report.rows.length) - 1));
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				<Text bold color={report.healthy ? 'green' : 'red'}>
					{healthSummary(report)}
				</Text>
				<Text dimColor> · {lastApply}</Text>
			</Text>
			<HealthTable report={report} columns={columns} />
			{problems.length > 0 ? (
				<Box flexDirection="column" marginTop={1}>
					{shown.map((problem, index) => (
						<Text key={index} color="red" wrap="wrap">
							{problem}
						</Text>
					))}
					{more > 0 ? (
						<Text dimColor wrap="truncate-end">
							… {more} more problem{more === 1 ? '' : 's'}: aegir-pack status --json lists them all
						</Text>
					) : undefined}
				</Box>
			) : undefined}
		</Box>
	);
}
