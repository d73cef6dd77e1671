// A one-line choice (e.g. Confirm / Edit / Cancel): Left/Right or Tab move,
// Enter picks. One line instead of a list keeps the review within 24 rows.
import {Box, Text, useInput} from 'ink';
import {useRef, useState} from 'react';
import {isBatchedEnter} from './pick-list.js';

export type Choice<V extends string> = {label: string; value: V};

export type ChoiceRowProps<V extends string> = {
	choices: ReadonlyArray<Choice<V>>;
	onChoose: (value: V) => void;
	isActive?: boolean;
};

export function ChoiceRow<V extends string>({choices, onChoose, isActive = true}: ChoiceRowProps<V>) {
	const [index, setIndex] = useState(0);
	// A ref as well as state: keys read in one batch ("Right Enter") must see each other's effect.
	const current = useRef(index);
	const move = (next: number) => {
		current.current = next;
		setIndex(next);
	};
	useInput(
		(input, key) => {
			const count = choices.length;
			if (key.leftArrow || (key.shift && key.tab)) move((current.current + count - 1) % count);
			else if (key.rightArrow || key.tab) move((current.current + 1) % count);
			else if (key.return || isBatchedEnter(input)) {
				const choice = choices[Math.min(current.current, count - 1)];
				if (choice) onChoose(choice.value);
			}
		},
		{isActive},
	);
	return (
		<Box>
			{choices.map((choice, i) => (
				<Box key={choice.value} marginRight={2}>
					{/* Brackets as well as colour: the choice must show on a terminal without colours. */}
					{i === index ? (
						<Text inverse bold>
							{`[${choice.label}]`}
						</Text>
					) : (
						<Text>{` ${choice.label} `}</Text>
					)}
				</Box>
			))}
		</Box>
	);
}
