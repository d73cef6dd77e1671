// Problems and warnings as lines with a marker, so they read the same without colour.
import {Box, Text} from 'ink';

export type MessagesProps = {kind: 'error' | 'warning'; messages: readonly string[]};

export function Messages({kind, messages}: MessagesProps) {
	if (messages.length === 0) return null;
	return (
		<Box flexDirection="column">
			{messages.map((message, index) => (
				<Box key={index}>
					<Box width={2} flexShrink={0}>
						<Text color={kind === 'error' ? 'red' : 'yellow'}>{kind === 'error' ? 'x' : '!'}</Text>
					</Box>
					<Text color={kind === 'error' ? 'red' : 'yellow'}>{message}</Text>
				</Box>
			))}
		</Box>
	);
}
