// A labelled one-line text input; only the focused field takes keys.
import {Box, Text} from 'ink';
import {LineInput} from './line-input.js';

export type FieldProps = {
	label: string;
	labelWidth: number;
	value: string;
	placeholder?: string;
	focused: boolean;
	onChange: (value: string) => void;
	onSubmit: () => void;
};

export function Field({label, labelWidth, value, placeholder, focused, onChange, onSubmit}: FieldProps) {
	return (
		<Box>
			<Box width={labelWidth} flexShrink={0}>
				<Text color={focused ? 'cyan' : undefined} bold={focused}>
					{focused ? '> ' : '  '}
					{label}
				</Text>
			</Box>
			<LineInput value={value} placeholder={placeholder} focus={focused} onChange={onChange} onSubmit={onSubmit} />
		</Box>
	);
}
