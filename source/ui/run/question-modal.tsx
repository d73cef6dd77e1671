// A question from the run, drawn over the panes: y/N for host keys and
// confirmations (anything but y is no), a masked field for a sudo password.
import {Box, Text, useInput} from 'ink';
import TextInput from 'ink-text-input';
import {useState} from 'react';
import type {PendingQuestion} from './ink-prompter.js';
import type {QuestionView} from './question-view.js';

type QuestionModalProps = {
	question: PendingQuestion;
	view: QuestionView;
	/** Questions queued behind this one. */
	waiting: number;
	/** False while the stop confirmation has the keyboard (or without raw mode). */
	active: boolean;
	columns: number;
	onAnswer: (id: number, answer: boolean | string | undefined) => void;
};

export function QuestionModal({question, view, waiting, active, columns, onAnswer}: QuestionModalProps) {
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="yellow" width={columns} paddingX={1}>
			<Box>
				<Box flexGrow={1} flexShrink={1} minWidth={0}>
					<Text bold color="yellow" wrap="truncate-end">
						{view.title}
					</Text>
				</Box>
				{waiting > 0 ? (
					<Box flexShrink={0} marginLeft={1}>
						<Text dimColor>+{waiting} waiting</Text>
					</Box>
				) : undefined}
			</Box>
			{view.lines.map((line, index) => (
				// Lines of one question never reorder.
				// eslint-disable-next-line react/no-array-index-key
				<Text key={index} wrap="truncate-end">
					{line === '' ? ' ' : line}
				</Text>
			))}
			{question.kind === 'sudo-password' ? (
				<PasswordAnswer id={question.id} prompt={view.prompt} active={active} onAnswer={onAnswer} />
			) : (
				<YesNoAnswer id={question.id} prompt={view.prompt} active={active} onAnswer={onAnswer} />
			)}
		</Box>
	);
}

type AnswerProps = {id: number; prompt: string; active: boolean; onAnswer: QuestionModalProps['onAnswer']};

function YesNoAnswer({id, prompt, active, onAnswer}: AnswerProps) {
	useInput(
		(input, key) => {
			if (key.ctrl || key.meta) return;
			if (input === 'y' || input === 'Y') onAnswer(id, true);
			else if (input === 'n' || input === 'N' || key.return || key.escape) onAnswer(id, false);
		},
		{isActive: active},
	);
	return (
		<Text bold wrap="truncate-end">
			{prompt}
		</Text>
	);
}

function PasswordAnswer({id, prompt, active, onAnswer}: AnswerProps) {
	// The typed password lives in this component only until it is sent.
	const [value, setValue] = useState('');
	useInput(
		(_input, key) => {
			if (key.escape) {
				setValue('');
				onAnswer(id, undefined);
			}
		},
		{isActive: active},
	);
	return (
		<Box>
			<Text bold>{prompt}</Text>
			<TextInput
				value={value}
				mask="*"
				focus={active}
				showCursor={active}
				onChange={setValue}
				onSubmit={submitted => {
					// An empty Enter is most likely a slip, not an empty password.
					if (submitted === '') return;
					setValue('');
					onAnswer(id, submitted);
				}}
			/>
		</Box>
	);
}
