// The live run screen: a title line, a question modal when the run asks
// something, one pane per host sized to fit the terminal, and the latest
// notices. When the run ends, a final summary is printed once and the
// screen exits (the caller awaits that; nothing here exits the process).
import os from 'node:os';
import {Box, Static, Text, useApp, useInput, useStdin} from 'ink';
import {useEffect, useRef, useState, useSyncExternalStore} from 'react';
import {Clock, ClockProvider} from './clock.js';
import {FinalSummary} from './final-summary.js';
import {HostPaneView, paneColumns} from './host-pane.js';
import type {InkPrompter, PendingQuestion, PrompterSnapshot} from './ink-prompter.js';
import {chooseLayout} from './layout.js';
import {noticeLines, NoticeList} from './notice-lines.js';
import {QuestionModal} from './question-modal.js';
import {describeQuestion, questionHeight} from './question-view.js';
import type {RunStore} from './run-store.js';
import {Elapsed} from './spinner.js';
import {hostTotals, type RunState} from './run-reducer.js';
import {useTerminalSize, type TerminalSize} from '../components/use-terminal-size.js';

export type RunScreenProps = {
	store: RunStore;
	/** The user confirmed Ctrl-C: stop each host after its current command. */
	onInterrupt: () => void;
	/** Where the run's questions come from (host keys, sudo password, confirmations). */
	prompter?: InkPrompter;
	/** Shared clock for spinners and elapsed times (tests pass their own). */
	clock?: Clock;
	/** Fixed size instead of the terminal's (tests). */
	size?: TerminalSize;
	/** Home directory, shown as `~` in paths. */
	home?: string;
	/** Leave Ink when the run has finished (default true). */
	exitWhenFinished?: boolean;
};

type StopState = 'idle' | 'confirming' | 'stopping';

const NO_QUESTION: PrompterSnapshot = {waiting: 0};
const noQuestion = (): PrompterSnapshot => NO_QUESTION;
const noSubscription = (): (() => void) => () => {};

export function RunScreen({store, onInterrupt, prompter, clock: givenClock, size, home = os.homedir(), exitWhenFinished = true}: RunScreenProps) {
	const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
	const questions = useSyncExternalStore(prompter?.subscribe ?? noSubscription, prompter?.getSnapshot ?? noQuestion);
	const [clock] = useState(() => givenClock ?? new Clock());
	const {columns, rows} = useTerminalSize(size);
	const {isRawModeSupported} = useStdin();
	const {exit} = useApp();
	const [stop, setStop] = useState<StopState>('idle');
	// Two Ctrl-C can arrive before React re-renders: decide on the latest value.
	const stopRef = useRef<StopState>('idle');

	const setStopState = (next: StopState): void => {
		stopRef.current = next;
		setStop(next);
	};

	const confirmStop = (): void => {
		setStopState('stopping');
		prompter?.close();
		onInterrupt();
	};

	useInput(
		(input, key) => {
			const current = stopRef.current;
			if (key.ctrl && input === 'c') {
				if (current === 'idle') setStopState('confirming');
				else if (current === 'confirming') confirmStop();
				return;
			}

			if (current !== 'confirming') return;
			if (input === 'y' || input === 'Y') confirmStop();
			else if (input === 'n' || input === 'N' || key.return || key.escape) setStopState('idle');
		},
		{isActive: isRawModeSupported === true && state.phase !== 'finished'},
	);

	useEffect(() => {
		// Without a keyboard (stdin not a TTY) nobody can answer: say no rather than hang the run.
		if (isRawModeSupported !== true && questions.current) prompter?.close();
	}, [isRawModeSupported, questions, prompter]);

	useEffect(() => {
		if (state.phase !== 'finished') return;
		// Nobody can answer once the run is over.
		prompter?.close();
		if (!exitWhenFinished) return;
		// Leave on the next turn: <Static> must first commit that its summary is
		// printed, or Ink's final frame on exit prints it a second time.
		const timer = setTimeout(() => {
			exit(state.exitCode);
		}, 0);
		return () => {
			clearTimeout(timer);
		};
	}, [state.phase, state.exitCode, prompter, exitWhenFinished, exit]);

	if (state.phase === 'finished') {
		return <Static items={[state]}>{final => <FinalSummary key="summary" state={final} columns={columns} home={home} />}</Static>;
	}

	// The clock is read once, above the live view: a tick re-renders the spinners and times, not the panes.
	return (
		<ClockProvider clock={clock}>
			<LiveView
				state={state}
				question={questions.current}
				waiting={questions.waiting}
				stop={stop}
				columns={columns}
				rows={rows}
				clock={clock}
				home={home}
				keyboard={isRawModeSupported === true}
				onAnswer={(id, answer) => prompter?.answer(id, answer)}
			/>
		</ClockProvider>
	);
}

type LiveViewProps = {
	state: RunState;
	question: PendingQuestion | undefined;
	waiting: number;
	stop: StopState;
	columns: number;
	rows: number;
	clock: Clock;
	home: string;
	keyboard: boolean;
	onAnswer: (id: number, answer: boolean | string | undefined) => void;
};

function LiveView({state, question, waiting, stop, columns, rows, clock, home, keyboard, onAnswer}: LiveViewProps) {
	const budget = Math.max(1, rows - 1);
	// A question never takes the space every host needs for one line.
	const questionRoom = Math.max(6, budget - 2 - state.hosts.length);
	const view = question ? describeQuestion(question, questionRoom - 5, home) : undefined;
	// The modal's true height: if panes no longer fit, the layout folds and counts them.
	const modalLines = view ? questionHeight(view) : 0;
	const stopLines = stop === 'idle' ? 0 : 1;
	const notices = noticeLines(state.notices);
	const layout = chooseLayout({rows, hosts: state.hosts, chromeLines: 1 + modalLines + stopLines, noticeLines: notices.length});
	const widths = paneColumns(state.hosts, layout, columns);
	const shown = layout.foldDone ? state.hosts.filter(pane => pane.status !== 'ok') : state.hosts;
	const visible = shown.slice(0, layout.maxPanes);
	const hidden = shown.slice(layout.maxPanes);
	const done = state.hosts.filter(pane => pane.status === 'ok');

	return (
		<Box flexDirection="column" width={columns}>
			<TitleLine state={state} stop={stop} clock={clock} />
			{question && view ? (
				<QuestionModal
					key={question.id}
					question={question}
					view={view}
					waiting={waiting}
					active={keyboard && stop !== 'confirming'}
					columns={columns}
					onAnswer={onAnswer}
				/>
			) : undefined}
			{stop === 'idle' ? undefined : <StopLine stop={stop} />}
			{layout.spacer ? <Text> </Text> : undefined}
			{layout.foldDone ? (
				<Text color="green" wrap="truncate-end">
					✔ {done.length} done: {done.map(pane => pane.name).join(' ')}
				</Text>
			) : undefined}
			{visible.map(pane => (
				<Box key={pane.name} flexDirection="column" marginTop={layout.gap ? 1 : 0}>
					<HostPaneView pane={pane} layout={layout} widths={widths} clock={clock} home={home} />
				</Box>
			))}
			{hidden.length > 0 ? (
				<Text dimColor wrap="truncate-end">
					… {hidden.length} more: {hidden.map(pane => pane.name).join(' ')}
				</Text>
			) : undefined}
			{layout.noticeLines > 0 ? <NoticeList notices={state.notices} count={layout.noticeLines} /> : undefined}
		</Box>
	);
}

function TitleLine({state, stop, clock}: {state: RunState; stop: StopState; clock: Clock}) {
	const totals = hostTotals(state);
	const parts: string[] = [];
	if (totals.running > 0) parts.push(`${totals.running} running`);
	if (totals.waiting > 0) parts.push(`${totals.waiting} waiting`);
	if (totals.ok > 0) parts.push(`${totals.ok} done`);
	if (totals.failed > 0) parts.push(`${totals.failed} failed`);
	const what = state.phase === 'waiting' ? 'connecting…' : `${state.hosts.length} host${state.hosts.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
	return (
		<Box>
			<Box flexGrow={1} flexShrink={1} minWidth={0}>
				<Text wrap="truncate-end">
					<Text bold>aegir-pack</Text>
					{state.dryRun ? <Text color="cyan"> dry run (read-only)</Text> : undefined}
					<Text> · {what}</Text>
				</Text>
			</Box>
			<Box flexShrink={0} marginLeft={1}>
				{state.startedAt === undefined ? undefined : <Elapsed dim clock={clock} since={state.startedAt} />}
				<Text dimColor>{stop === 'idle' ? ' · Ctrl-C stops' : ''}</Text>
			</Box>
		</Box>
	);
}

function StopLine({stop}: {stop: StopState}) {
	if (stop === 'confirming') {
		return (
			<Text bold color="yellow" wrap="truncate-end">
				Stop after each host&apos;s current command? [y/N]
			</Text>
		);
	}

	return (
		<Text color="yellow" wrap="truncate-end">
			Stopping: each host finishes its current command, then stops…
		</Text>
	);
}
