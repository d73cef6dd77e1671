// Per host, what a dry run would change (every changing step, its message
// and diff) or, after a real run, the diffs of the files that changed.
import {Box, Text} from 'ink';
import type {HostPane, StepResult} from './run-reducer.js';

function diffColour(line: string): {color?: string; dimColor?: boolean} {
	if (line.startsWith('+++') || line.startsWith('---')) return {dimColor: true};
	if (line.startsWith('+')) return {color: 'green'};
	if (line.startsWith('-')) return {color: 'red'};
	if (line.startsWith('@@')) return {color: 'cyan'};
	return {dimColor: true};
}

function Diff({diff}: {diff: string}) {
	return (
		<Box flexDirection="column" paddingLeft={6}>
			{diff.split('\n').map((line, index) => (
				// Lines of one diff never reorder.
				// eslint-disable-next-line react/no-array-index-key
				<Text key={index} {...diffColour(line)} wrap="truncate-end">
					{line === '' ? ' ' : line}
				</Text>
			))}
		</Box>
	);
}

function StepChange({result}: {result: StepResult}) {
	const where = result.index > 0 ? `${result.index}/${result.count} ` : '';
	return (
		<Box flexDirection="column">
			<Box paddingLeft={2}>
				<Text wrap="wrap">
					{where}
					{result.title}
					{result.message ? <Text dimColor> · {result.message}</Text> : undefined}
				</Text>
			</Box>
			{result.diff ? <Diff diff={result.diff} /> : undefined}
		</Box>
	);
}

/** Steps worth listing: in a dry run every one that would change; after a run, the ones with a diff. */
export function changesToShow(pane: HostPane, dryRun: boolean): StepResult[] {
	return pane.results.filter(result => (dryRun ? result.status === 'changed' : result.status === 'changed' && result.diff !== undefined));
}

export function ChangesSummary({hosts, dryRun}: {hosts: readonly HostPane[]; dryRun: boolean}) {
	const withChanges = hosts.map(pane => ({pane, changes: changesToShow(pane, dryRun)})).filter(entry => entry.changes.length > 0);
	if (withChanges.length === 0) return null;
	return (
		<Box flexDirection="column" marginTop={1}>
			{withChanges.map(({pane, changes}) => (
				<Box key={pane.name} flexDirection="column">
					<Text>
						<Text bold>{pane.name}</Text> {dryRun ? 'would change:' : 'changed:'}
					</Text>
					{changes.map(result => (
						<StepChange key={`${result.index}:${result.title}`} result={result} />
					))}
				</Box>
			))}
		</Box>
	);
}
