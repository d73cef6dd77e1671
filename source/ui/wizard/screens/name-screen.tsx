// Step 1: the pack's name, which is also its Aegir server node. Without a
// start menu, the packs Aegir has that are not saved here are listed (dim),
// and a name that is already one of Aegir's packs is warned about.
import {Box, Text} from 'ink';
import {aegirContextName} from '../../../pack/validate.js';
import {LineInput} from '../../components/line-input.js';
import {Messages} from '../../components/messages.js';
import {Screen} from '../../components/screen.js';
import {nameAegirWarning, noteRows, unsavedAegirPacks} from '../aegir-notes.js';
import {nameProblems} from '../selectors.js';
import {progress, screenErrors, screenWarnings, type ScreenArgs} from './common.js';
import {DimRows} from './dim-rows.js';

/** Rows for Aegir's packs (the screen has no list to scroll). */
export const MAX_NAME_NOTE_ROWS = 6;

export function NameScreen({state, dispatch, size}: ScreenArgs) {
	const {name} = state.answers;
	// An empty field is not an error until Enter is pressed on it.
	const shown = name !== '' || state.tried.includes('name') ? nameProblems(state) : [];
	const aegirWarning = nameAegirWarning(state);
	// The start menu (saved packs) already lists them.
	const notes = state.sequence.includes('start')
		? []
		: noteRows(unsavedAegirPacks(state), size.columns, MAX_NAME_NOTE_ROWS, count => `… and ${count} more registered in Aegir`);
	return (
		<Screen
			title="Name the pack"
			progress={progress('name')}
			hint="The pack is a virtual Aegir server node, named like a host: pack.example.com"
			errors={screenErrors(state)}
			warnings={screenWarnings(state)}
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
			<Messages kind="warning" messages={aegirWarning ? [aegirWarning] : []} />
			<DimRows rows={notes} marginTop={1} />
		</Screen>
	);
}
