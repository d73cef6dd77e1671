// One host on the run screen. Running: a spinner, where it is, and the last
// lines of the running command (dimmed). Finished: one line, ✔ or ✖ (a failed
// host keeps a line or two saying why and where its log is).
import {Box, Text} from 'ink';
import {memo, type ReactNode} from 'react';
import {formatDuration} from '../../report/format-duration.js';
import {roleLabel} from '../../report/role-label.js';
import type {Clock} from './clock.js';
import type {Layout} from './layout.js';
import {shortenHome} from './shorten-path.js';
import {Elapsed, Spinner} from './spinner.js';
import {visibleOutput, type HostPane} from './run-reducer.js';

/** Column widths shared by every pane, so hosts line up. */
export type PaneColumns = {name: number; role: number; address: number; short: boolean};

const TIME_WIDTH = 8;
const MAX_NAME = 16;

export function paneColumns(hosts: readonly HostPane[], layout: Pick<Layout, 'density'>, columns: number): PaneColumns {
	// Long labels only when a wide terminal leaves room for the step title too.
	const short = layout.density === 'compact' || columns < 100;
	const name = Math.min(MAX_NAME, Math.max(4, ...hosts.map(pane => pane.name.length)));
	const role = Math.max(4, ...hosts.map(pane => roleLabel(pane.roles, short).length));
	// The address gives way first when the line is short: the step title matters more.
	const room = columns - 2 - (name + 2) - (role + 2) - TIME_WIDTH - 24;
	const address = Math.max(0, Math.min(room - 2, Math.max(...hosts.map(pane => pane.address.length), 0)));
	return {name, role, address: address >= 7 ? address : 0, short};
}

/** A fixed-width column; `gap` columns stay blank after its text even when the text is cut. */
function Cell({width, gap = 0, children}: {width: number; gap?: number; children: ReactNode}) {
	return (
		<Box width={width + gap} paddingRight={gap} flexShrink={0}>
			{children}
		</Box>
	);
}

/** mark · name · role · address · (middle, flexible) · time */
function HostLine({pane, widths, mark, middle, time}: {pane: HostPane; widths: PaneColumns; mark: ReactNode; middle: ReactNode; time?: ReactNode}) {
	return (
		<Box>
			<Cell width={2}>{mark}</Cell>
			<Cell width={widths.name} gap={2}>
				<Text bold wrap="truncate-end">
					{pane.name}
				</Text>
			</Cell>
			<Cell width={widths.role} gap={2}>
				<Text color="magenta" wrap="truncate-end">
					{roleLabel(pane.roles, widths.short)}
				</Text>
			</Cell>
			{widths.address > 0 ? (
				<Cell width={widths.address} gap={2}>
					<Text dimColor wrap="truncate-end">
						{pane.address}
					</Text>
				</Cell>
			) : undefined}
			<Box flexGrow={1} flexShrink={1} minWidth={0}>
				{middle}
			</Box>
			<Box width={TIME_WIDTH} flexShrink={0} justifyContent="flex-end">
				{time}
			</Box>
		</Box>
	);
}

function Indented({children}: {children: ReactNode}) {
	return (
		<Box paddingLeft={4} minWidth={0}>
			{children}
		</Box>
	);
}

function stepLabel(pane: HostPane): string {
	const {step} = pane;
	if (!step) return 'connecting…';
	return step.index > 0 ? `${step.index}/${step.count} ${step.title}` : step.title;
}

function failureReason(pane: HostPane): string {
	const failure = pane.failure;
	if (!failure) return 'failed';
	const message = failure.message.split('\n')[0] ?? '';
	const code = failure.code !== undefined && !message.includes(String(failure.code)) ? ` (exit ${failure.code})` : '';
	return `${message}${code}`;
}

function countsLabel(pane: HostPane): string {
	const {ok, changed, skipped} = pane.counts;
	const parts = [`${ok} ok`, `${changed} changed`];
	if (skipped > 0) parts.push(`${skipped} skipped`);
	return parts.join(', ');
}

type HostPaneViewProps = {
	pane: HostPane;
	layout: Pick<Layout, 'density' | 'outputLines' | 'detailLines'>;
	widths: PaneColumns;
	clock: Clock;
	home?: string;
};

/**
 * A pane re-renders only when its host, its share of the layout or the column
 * widths changed: one host's output does not re-render the seven others.
 */
export const HostPaneView = memo(HostPaneBody, (before, after) =>
	before.pane === after.pane &&
	before.clock === after.clock &&
	before.home === after.home &&
	before.layout.density === after.layout.density &&
	before.layout.outputLines === after.layout.outputLines &&
	before.layout.detailLines === after.layout.detailLines &&
	before.widths.name === after.widths.name &&
	before.widths.role === after.widths.role &&
	before.widths.address === after.widths.address &&
	before.widths.short === after.widths.short,
);

function HostPaneBody({pane, layout, widths, clock, home}: HostPaneViewProps) {
	switch (pane.status) {
		case 'running': {
			return <RunningPane pane={pane} layout={layout} widths={widths} clock={clock} />;
		}

		case 'ok': {
			return (
				<HostLine
					pane={pane}
					widths={widths}
					mark={<Text color="green">✔</Text>}
					middle={
						<Text color="green" wrap="truncate-end">
							{countsLabel(pane)}
						</Text>
					}
					time={<Text dimColor>{formatDuration(pane.durationMs ?? 0)}</Text>}
				/>
			);
		}

		case 'failed': {
			const step = pane.step && pane.failedStep === pane.step.title && pane.step.index > 0 ? `${pane.step.index}/${pane.step.count} ` : '';
			return (
				<Box flexDirection="column">
					<HostLine
						pane={pane}
						widths={widths}
						mark={<Text color="red">✖</Text>}
						middle={
							<Text color="red" wrap="truncate-end">
								failed at {step}
								{pane.failedStep ?? 'connecting'}
							</Text>
						}
						time={<Text dimColor>{formatDuration(pane.durationMs ?? 0)}</Text>}
					/>
					{layout.detailLines >= 1 ? (
						<Indented>
							<Text color="red" wrap="truncate-end">
								{failureReason(pane)}
							</Text>
						</Indented>
					) : undefined}
					{layout.detailLines >= 2 && pane.logPath ? (
						<Indented>
							<Text dimColor wrap="truncate-start">
								log: {shortenHome(pane.logPath, home)}
							</Text>
						</Indented>
					) : undefined}
				</Box>
			);
		}

		case 'stopped': {
			return (
				<HostLine
					pane={pane}
					widths={widths}
					mark={<Text color="yellow">■</Text>}
					middle={
						<Text color="yellow" wrap="truncate-end">
							stopped{pane.step ? ` after ${stepLabel(pane)}` : ' before it started'}
						</Text>
					}
				/>
			);
		}

		case 'waiting': {
			return <HostLine pane={pane} widths={widths} mark={<Text dimColor>·</Text>} middle={<Text dimColor>waiting</Text>} />;
		}
	}
}

function RunningPane({pane, layout, widths, clock}: Omit<HostPaneViewProps, 'home'>) {
	const notice = pane.notice;
	const output = visibleOutput(pane.output, notice ? layout.outputLines - 1 : layout.outputLines);
	// Always the same number of lines, so panes do not jump as output comes and goes.
	const lines: Array<{text: string; notice?: 'info' | 'warn' | 'error'}> = [
		...(notice && layout.outputLines > 0 ? [{text: notice.message.split('\n').at(-1) ?? '', notice: notice.level}] : []),
		...output.map(text => ({text})),
	];
	while (lines.length < layout.outputLines) lines.push({text: ''});
	const stepSince = pane.step?.startedAt ?? pane.startedAt ?? clock.getSnapshot();
	const hostSince = pane.startedAt ?? stepSince;

	const stepText = (
		<Text wrap="truncate-end">
			{stepLabel(pane)}
		</Text>
	);
	return (
		<Box flexDirection="column">
			{layout.density === 'roomy' ? (
				<>
					<HostLine pane={pane} widths={widths} mark={<Spinner clock={clock} />} middle={<Text> </Text>} time={<Elapsed clock={clock} since={hostSince} />} />
					<Box paddingLeft={2}>
						<Box flexGrow={1} flexShrink={1} minWidth={0}>
							{stepText}
						</Box>
						<Box width={TIME_WIDTH} flexShrink={0} justifyContent="flex-end">
							<Elapsed dim clock={clock} since={stepSince} />
						</Box>
					</Box>
				</>
			) : (
				<HostLine pane={pane} widths={widths} mark={<Spinner clock={clock} />} middle={stepText} time={<Elapsed clock={clock} since={stepSince} />} />
			)}
			{lines.map((line, index) => (
				// Lines are positional (a ring), so their index is their identity.
				// eslint-disable-next-line react/no-array-index-key
				<Indented key={index}>
					{line.notice ? (
						<Text color={line.notice === 'info' ? 'cyan' : line.notice === 'warn' ? 'yellow' : 'red'} wrap="truncate-end">
							{line.text}
						</Text>
					) : (
						<Text dimColor wrap="truncate-end">
							{line.text === '' ? ' ' : line.text}
						</Text>
					)}
				</Indented>
			))}
		</Box>
	);
}
