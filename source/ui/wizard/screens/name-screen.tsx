// Step 1: the pack's name, which is also its Aegir server node.
import {Box, Text} from 'ink';
import {aegirContextName} from '../../../pack/validate.js';
import {LineInput} from '../../components/line-input.js';
import {Messages} from '../../components/messages.js';
import {Screen} from '../../components/screen.js';
import {nameProblems} from '../selectors.js';
import {progress, screenErrors, type ScreenArgs} from './common.js';

export function NameScreen({state, dispatch, size}: ScreenArgs) {
	const {name} = state.answers;
	// An empty field is not an error until Enter is pressed on it.
	const shown = name !== '' || state.tried.includes('name') ? nameProblems(state) : [];
	return (
		<Screen
			title="Name the pack"
			progress={progress('name')}
			hint="The pack is a virtual Aegir server node, named like a host: pack.example.com"
			errors={screenErrors(state)}
			// First screen when no pack is saved: nothing to go back to.
			keys={state.sequence[0] === 'name' ? 'Enter next   Ctrl-C quit' : 'Enter next   Esc back   Ctrl-C quit'}
			width={size.columns}
		>
			<Box>
				<Text bold>Pack name: </Text>
				<LineInput
					value={name}
					placeholder="e.g. pack.example.com"
					onChange={value => dispatch({type: 'set-name', value})}
					onSubmit={() => dispatch({type: 'submit-name'})}
				/>
			</Box>
			<Text dimColor wrap="truncate-end">
				Aegir context: {name === '' ? '(type a name)' : aegirContextName(name)}
			</Text>
			<Messages kind="error" messages={shown.map(problem => problem.message)} />
		</Screen>
	);
}
