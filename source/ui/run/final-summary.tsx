// What stays on the terminal when the run ends: what changed (or would, in a
// dry run), why hosts failed or stopped, the notices, the recap, where the
// logs are and what the exit code means.
// Printed once (through <Static>), so it may be taller than the terminal.
import {Box, Text} from 'ink';
import {exitCodeMeaning} from '../../report/exit-meaning.js';
import {ChangesSummary} from './changes-summary.js';
import {formatDuration} from '../../report/format-duration.js';
import {tailLines} from '../../report/terminal-text.js';
import {NoticeList} from './notice-lines.js';
import {RecapTable} from './recap-table.js';
import {shortenHome} from './shorten-path.js';
import type {HostPane, RunState} from './run-reducer.js';

const STDERR_LINES = 3;

function FailedHost({pane, home}: {pane: HostPane; home?: string}) {
	const failure = pane.failure;
	const step = pane.step && pane.failedStep === pane.step.title && pane.step.index > 0 ? `${pane.step.index}/${pane.step.count} ` : '';
	return (
		<Box flexDirection="column">
			<Text color="red" wrap="wrap">
				✖ <Text bold>{pane.name}</Text> failed at {step}
				{pane.failedStep ?? 'connecting'}
				{pane.durationMs === undefined ? '' : ` after ${formatDuration(pane.durationMs)}`}
			</Text>
			<Box flexDirection="column" paddingLeft={4}>
				{failure ? <Text wrap="wrap">{failure.message}</Text> : undefined}
				{failure?.command ? <Text wrap="wrap">command: {failure.command}</Text> : undefined}
				{failure?.code === undefined ? undefined : <Text>exit code: {failure.code}</Text>}
				{tailLines(failure?.stderrTail ?? '', STDERR_LINES).map((line, index) => (
					// eslint-disable-next-line react/no-array-index-key
					<Text key={index} dimColor wrap="truncate-end">
						stderr: {line}
					</Text>
				))}
				{pane.logPath ? <Text wrap="wrap">log: {shortenHome(pane.logPath, home)}</Text> : undefined}
			</Box>
		</Box>
	);
}

function StoppedHost({pane}: {pane: HostPane}) {
	const where = pane.step ? `after ${pane.step.index > 0 ? `${pane.step.index}/${pane.step.count} ` : ''}${pane.step.title}` : 'before it started';
	return (
		<Text color="yellow" wrap="wrap">
			■ <Text bold>{pane.name}</Text> stopped {where}
		</Text>
	);
}

export function FinalSummary({state, columns, home}: {state: RunState; columns: number; home?: string}) {
	const exitCode = state.exitCode ?? 0;
	const took = state.startedAt !== undefined && state.finishedAt !== undefined ? ` in ${formatDuration(state.finishedAt - state.startedAt)}` : '';
	const failed = state.hosts.filter(pane => pane.status === 'failed');
	const stopped = state.hosts.filter(pane => pane.status === 'stopped');
	return (
		<Box flexDirection="column" width={columns}>
			<Text bold>
				aegir-pack {state.dryRun ? 'dry run' : 'run'} finished{took}
				{state.interrupted ? <Text color="yellow"> (interrupted)</Text> : undefined}
			</Text>
			<ChangesSummary hosts={state.hosts} dryRun={state.dryRun} />
			{failed.length + stopped.length > 0 ? (
				<Box flexDirection="column" marginTop={1}>
					{failed.map(pane => (
						<FailedHost key={pane.name} pane={pane} home={home} />
					))}
					{stopped.map(pane => (
						<StoppedHost key={pane.name} pane={pane} />
					))}
				</Box>
			) : undefined}
			{state.notices.length > 0 ? (
				<Box marginTop={1}>
					<NoticeList notices={state.notices} wrap="wrap" />
				</Box>
			) : undefined}
			{state.recap && state.recap.length > 0 ? (
				<Box marginTop={1}>
					<RecapTable rows={state.recap} />
				</Box>
			) : undefined}
			{state.logDir ? <Text wrap="wrap">Logs: {shortenHome(state.logDir, home)}</Text> : undefined}
			<Text color={exitCode === 0 ? 'green' : 'red'} wrap="wrap">
				Exit {exitCode}: {exitCodeMeaning(exitCode)}
			</Text>
		</Box>
	);
}
