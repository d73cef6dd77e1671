// ink-text-input for one line of text. Over a slow SSH link keys arrive in
// batches ("web4\r" or several backspaces in one read), which TextInput would
// insert as text: here a line break ends the input (the text before it is kept
// and submitted), backspaces delete, other control characters are dropped.
import TextInput from 'ink-text-input';

export type LineInputProps = {
	value: string;
	placeholder?: string;
	focus?: boolean;
	onChange: (value: string) => void;
	onSubmit: () => void;
};

export function LineInput({value, placeholder, focus = true, onChange, onSubmit}: LineInputProps) {
	return (
		<TextInput
			value={value}
			placeholder={placeholder}
			focus={focus}
			showCursor={focus}
			onChange={next => {
				const {text, submitted} = cleanLine(next);
				if (text !== value) onChange(text);
				if (submitted) onSubmit();
			}}
			onSubmit={() => onSubmit()}
		/>
	);
}

/**
 * The text up to the first line break, with batched backspaces applied and
 * other control characters dropped; `submitted` when a line break was typed.
 */
export function cleanLine(raw: string): {text: string; submitted: boolean} {
	const lineBreak = raw.search(/[\r\n]/);
	const line = lineBreak === -1 ? raw : raw.slice(0, lineBreak);
	const kept: string[] = [];
	for (const char of line) {
		if (char === '\u007f' || char === '\b') kept.pop();
		// eslint-disable-next-line no-control-regex
		else if (!/[\u0000-\u001f]/.test(char)) kept.push(char);
	}
	return {text: kept.join(''), submitted: lineBreak !== -1};
}
