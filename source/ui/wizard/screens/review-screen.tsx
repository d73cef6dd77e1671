// Step 6: the whole pack before anything is saved: who does what, the exact
// exports and fstab lines, the risks, then Confirm / Edit / Cancel.
import {Box, Text, useInput} from 'ink';
import {PickList} from '../../components/pick-list.js';
import {useState} from 'react';
import type {PackFields} from '../../../pack/types.js';
import type {PlanOptions} from '../../../plan/options.js';
import {ChoiceRow} from '../../components/choice-row.js';
import {Messages} from '../../components/messages.js';
import {Screen} from '../../components/screen.js';
import {fit} from '../host-label.js';
import {clientNames, exportsFile, fstabFile, exportsLines, fstabLines, reviewRows, reviewWarnings} from '../review-model.js';
import {acceptedWideSubnets, draftPack, reviewProblems, wideQuestionLines} from '../selectors.js';
import type {EditableStep} from '../types.js';
import {listRows, wrappedLines, progress, screenErrors, type ScreenArgs} from './common.js';
import {WideExportQuestion} from './wide-export-question.js';

const EDIT_ITEMS: Array<{label: string; value: EditableStep}> = [
	{label: 'Pack name', value: 'name'},
	{label: 'Master', value: 'master'},
	{label: 'Slaves', value: 'slaves'},
	{label: 'NFS server', value: 'nfsServer'},
	{label: 'Export path and subnets', value: 'export'},
];

type ReviewChoice = 'confirm' | 'details' | 'edit' | 'cancel';

export function ReviewScreen({
	state,
	dispatch,
	size,
	onConfirm,
	onDetails,
	onCancel,
	planOptions,
}: ScreenArgs & {onConfirm: () => void; onDetails?: () => void; onCancel: () => void; planOptions?: PlanOptions}) {
	const pack = draftPack(state);
	const problems = reviewProblems(state);
	const errors = [...screenErrors(state), ...(state.review.error ? [state.review.error] : [])];
	const editing = state.review.mode === 'edit';
	// Confirm with a wide subnet not agreed to in this session: the question replaces the choice row.
	const question = state.wideQuestion ? wideQuestionLines(state) : undefined;
	const choices = [
		...(problems.length === 0 ? [{label: 'Confirm', value: 'confirm' as const}] : []),
		// A dry run on the hosts: every command and file diff, nothing changed.
		...(problems.length === 0 && onDetails ? [{label: 'Details…', value: 'details' as const}] : []),
		{label: 'Edit…', value: 'edit' as const},
		{label: 'Cancel', value: 'cancel' as const},
	];
	const choose = (value: ReviewChoice) => {
		if (value === 'confirm') onConfirm();
		else if (value === 'details') onDetails?.();
		else if (value === 'edit') dispatch({type: 'open-edit'});
		else onCancel();
	};

	// Lines under the host table: the files, the warnings, the problems and the choice.
	const lines = pack ? fileLines(pack, size.columns) : [];
	const warnings = pack ? [...acceptedWideSubnets(state), ...reviewWarnings(pack)] : [];
	const problemTexts = problems.map(problem => `${problem.field}: ${problem.message}`);
	// Lines below the table (wrapped as the terminal will), plus the gap and the choice row.
	const below = editing
		? 1 + EDIT_ITEMS.length
		: wrappedLines(lines.map(line => line.text), size.columns, 0) +
			wrappedLines([...warnings, ...problemTexts], size.columns) +
			(question ? wrappedLines(question, size.columns, 0) + 2 : 2);
	const space = listRows(size, wrappedLines(errors, size.columns), below);
	const hostCount = pack ? reviewRows(pack).length : 0;
	// A blank line under the table when everything fits; when it does not, the table scrolls.
	const gap = !editing && space >= hostCount + 2 ? 1 : 0;
	const tableRows = space - gap;
	const scrolls = hostCount > tableRows - 1;

	return (
		<Screen
			title={`Review pack ${state.answers.name}`}
			progress={progress('review')}
			hint={editing ? 'Return to which step? Your other answers are kept.' : 'Nothing has been saved or changed yet.'}
			errors={errors}
			keys={
				question
					? 'y export   n back to the review   Ctrl-C quit'
					: editing
					? 'Up/Down choose   Enter go   Esc back to review   Ctrl-C quit'
					: `Left/Right choose   Enter go   ${scrolls ? 'Up/Down scroll hosts   ' : ''}Esc back   Ctrl-C quit`
			}
			width={size.columns}
		>
			{pack ? <HostTable pack={pack} width={size.columns} rows={tableRows} scrollable={!editing} planOptions={planOptions} /> : null}
			{editing ? (
				<Box flexDirection="column" marginTop={1}>
					<PickList items={EDIT_ITEMS} onSelect={item => dispatch({type: 'edit-step', step: item.value})} />
				</Box>
			) : (
				<Box flexDirection="column" marginTop={gap}>
					{lines.map((line, index) => (
						<Text key={index} dimColor={line.dim} wrap="wrap">
							{line.text}
						</Text>
					))}
					<Messages kind="warning" messages={warnings} />
					<Messages kind="error" messages={problemTexts} />
					{question ? (
						<WideExportQuestion lines={question} dispatch={dispatch} />
					) : (
						<Box marginTop={1}>
							<ChoiceRow choices={choices} onChoose={choose} />
						</Box>
					)}
				</Box>
			)}
		</Screen>
	);
}

type Line = {text: string; dim: boolean};

/** The exports and fstab lines, each under a dim label naming the file and the hosts. */
function fileLines(pack: PackFields, width: number): Line[] {
	const clients = clientNames(pack);
	const exportsLabel = fit(`${exportsFile(pack)} on ${pack.nfsServer.name}:`, width);
	const lines: Line[] = [{text: exportsLabel, dim: true}];
	if (pack.subnets.length === 0) lines.push({text: '  (no subnet: nothing exported)', dim: false});
	else lines.push(...exportsLines(pack).map(text => ({text, dim: false})));
	if (clients.length === 0) {
		lines.push({text: `${fstabFile(pack)}: no host mounts the share`, dim: true});
	} else {
		lines.push({text: fit(`${fstabFile(pack)} on ${clients.join(', ')}:`, width), dim: true});
		lines.push(...fstabLines(pack).map(text => ({text, dim: false})));
	}
	return lines;
}

type HostTableProps = {pack: PackFields; width: number; rows: number; scrollable: boolean; planOptions?: PlanOptions};

/** Role, host, address and what will be done; scrolls with Up/Down when it does not fit. */
function HostTable({pack, width, rows: available, scrollable, planOptions}: HostTableProps) {
	const rows = reviewRows(pack, planOptions);
	const visible = Math.max(1, available - 1 - (rows.length > available - 1 ? 1 : 0));
	const [offset, setOffset] = useState(0);
	useInput(
		(_input, key) => {
			if (key.upArrow) setOffset(o => Math.max(0, o - 1));
			if (key.downArrow) setOffset(o => Math.min(Math.max(0, rows.length - visible), o + 1));
		},
		{isActive: scrollable && rows.length > visible},
	);
	const roleWidth = 14;
	const hostWidth = Math.min(16, Math.max(4, ...rows.map(row => row.host.length))) + 2;
	const addressWidth = Math.min(20, Math.max(7, ...rows.map(row => row.address.length))) + 2;
	const actionWidth = Math.max(10, width - roleWidth - hostWidth - addressWidth);
	const cells = (role: string, host: string, address: string, action: string, bold = false) => (
		<Box>
			<Box width={roleWidth} flexShrink={0}>
				<Text bold={bold}>{fit(role, roleWidth - 1)}</Text>
			</Box>
			<Box width={hostWidth} flexShrink={0}>
				<Text bold={bold}>{fit(host, hostWidth - 2)}</Text>
			</Box>
			<Box width={addressWidth} flexShrink={0}>
				<Text bold={bold}>{fit(address, addressWidth - 2)}</Text>
			</Box>
			<Box width={actionWidth}>
				<Text bold={bold} wrap="truncate-end">
					{action}
				</Text>
			</Box>
		</Box>
	);
	const start = Math.min(offset, Math.max(0, rows.length - visible));
	const shown = rows.slice(start, start + visible);
	return (
		<Box flexDirection="column">
			{cells('ROLE', 'HOST', 'ADDRESS', 'WHAT IS DONE', true)}
			{shown.map(row => (
				<Box key={row.host}>{cells(row.role, row.host, row.address, row.action)}</Box>
			))}
			{shown.length < rows.length ? (
				<Text dimColor>{`hosts ${start + 1}-${start + shown.length} of ${rows.length}; Up/Down to scroll`}</Text>
			) : null}
		</Box>
	);
}
