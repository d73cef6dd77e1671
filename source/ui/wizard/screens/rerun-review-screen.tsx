// The review of a re-run: who gets what, who is not connected to, and the
// exports drop-in diff when the export widens or narrows. Confirm hands the
// request to the app (confirming a widening is agreeing to it); Back returns
// to the picker; problems leave no Confirm.
import {Box, Text, useInput} from 'ink';
import {useState} from 'react';
import {ChoiceRow} from '../../components/choice-row.js';
import {Screen} from '../../components/screen.js';
import type {RerunReview} from '../rerun-review.js';
import {wrapText} from '../wrap-text.js';
import {listRows, wrappedLines, screenErrors, type ScreenArgs} from './common.js';

type Row = {text: string; color?: 'green' | 'red' | 'yellow'; dim?: boolean};
type Choice = 'confirm' | 'back' | 'cancel';

export function RerunReviewScreen({
	state,
	dispatch,
	size,
	review,
	onConfirm,
	onCancel,
}: ScreenArgs & {review: RerunReview; onConfirm: () => void; onCancel: () => void}) {
	const errors = [...screenErrors(state), ...review.problems];
	const rows = reviewRows(review, size.columns);
	// Rows left for the text: the frame, the errors, the gap and the choice row.
	const space = listRows(size, wrappedLines(errors, size.columns), 2);
	const scrolls = rows.length > space;
	const visible = scrolls ? space - 1 : rows.length;
	const [offset, setOffset] = useState(0);
	const start = Math.min(offset, Math.max(0, rows.length - visible));
	useInput((_input, key) => {
		if (!scrolls) return;
		if (key.upArrow) setOffset(Math.max(0, start - 1));
		else if (key.downArrow) setOffset(Math.min(rows.length - visible, start + 1));
	});
	const choices = [
		...(review.problems.length === 0 ? [{label: 'Confirm', value: 'confirm' as const}] : []),
		{label: 'Back', value: 'back' as const},
		{label: 'Cancel', value: 'cancel' as const},
	];
	const choose = (value: Choice) => {
		if (value === 'confirm') onConfirm();
		else if (value === 'back') dispatch({type: 'back'});
		else onCancel();
	};
	return (
		<Screen
			title={review.title}
			hint={review.problems.length > 0 ? 'This cannot run as asked: go back and pick again.' : 'Nothing has been changed yet.'}
			errors={errors}
			keys={`Left/Right choose   Enter go   ${scrolls ? 'Up/Down scroll   ' : ''}Esc back   Ctrl-C quit`}
			width={size.columns}
		>
			{rows.slice(start, start + visible).map((row, index) => (
				<Text key={start + index} color={row.color} dimColor={row.dim} wrap="truncate-end">
					{row.text === '' ? ' ' : row.text}
				</Text>
			))}
			{scrolls ? <Text dimColor>{`lines ${start + 1}-${start + visible} of ${rows.length}; Up/Down to scroll`}</Text> : null}
			<Box marginTop={1}>
				<ChoiceRow choices={choices} onChoose={choose} />
			</Box>
		</Screen>
	);
}

/** The review's lines, then the agreement a widening needs, then the diff: cut into rows of `width`. */
function reviewRows(review: RerunReview, width: number): Row[] {
	const rows: Row[] = review.lines.flatMap(line => wrapText(line, width, '  ').map(text => ({text})));
	if (review.widened.length > 0) {
		const agree = `Confirm widens the export to ${review.widened.join(', ')} (the diff below); Back to pick other hosts.`;
		rows.push(...wrapText(agree, width, '  ').map(text => ({text, color: 'yellow' as const})));
	}
	if (review.diff) {
		rows.push({text: ''});
		for (const line of review.diff.replace(/\n$/, '').split('\n')) {
			const header = line.startsWith('---') || line.startsWith('+++') || line.startsWith('@@');
			const color = header ? undefined : line.startsWith('+') ? ('green' as const) : line.startsWith('-') ? ('red' as const) : undefined;
			rows.push(...wrapText(line, width).map(text => ({text, color, dim: header})));
		}
	}
	return rows;
}
