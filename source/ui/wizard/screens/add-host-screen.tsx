// "Add a host…": a small form opened from the master, slaves or NFS server
// step. The host is saved to the store only when the pack is confirmed.
import {Box, Text, useInput} from 'ink';
import {Field} from '../../components/field.js';
import {Messages} from '../../components/messages.js';
import {Screen} from '../../components/screen.js';
import {ADD_HOST_FIELDS, addHostProblems} from '../selectors.js';
import type {AddHostField, AddHostForm} from '../types.js';
import {screenErrors, type ScreenArgs} from './common.js';

const LABELS: Record<AddHostField, string> = {name: 'Name', address: 'Address', user: 'SSH user', port: 'SSH port'};
const PLACEHOLDERS: Record<AddHostField, string> = {
	name: 'short name, e.g. web3',
	address: 'IP address or DNS name',
	user: 'root (default)',
	port: '22 (default)',
};
const RETURN_TO: Record<AddHostForm['returnTo'], string> = {
	master: 'master',
	slaves: 'slaves',
	nfsServer: 'NFS server',
	'add-slave': 'hosts to add',
};
const LABEL_WIDTH = 12;

export function AddHostScreen({state, dispatch, size, form}: ScreenArgs & {form: AddHostForm}) {
	useInput((_input, key) => {
		const index = ADD_HOST_FIELDS.indexOf(form.focus);
		const step = key.upArrow || (key.shift && key.tab) ? -1 : key.downArrow || key.tab ? 1 : 0;
		if (step === 0) return;
		const field = ADD_HOST_FIELDS[(index + step + ADD_HOST_FIELDS.length) % ADD_HOST_FIELDS.length];
		if (field) dispatch({type: 'focus-add-host', field});
	});
	const problems = addHostProblems(form, state.hosts);
	// A field's problems show once it holds something, or after a refused Enter.
	const shownFor = (field: AddHostField) =>
		form.values[field] !== '' || form.tried.includes(field) ? problems.filter(problem => problem.formField === field) : [];
	return (
		<Screen
			title="Add a host"
			hint={`A machine reachable over SSH; back to the ${RETURN_TO[form.returnTo]} list with it chosen.`}
			errors={screenErrors(state)}
			keys="Enter next field / add   Tab/Up/Down switch field   Esc cancel   Ctrl-C quit"
			width={size.columns}
		>
			{ADD_HOST_FIELDS.map(field => (
				<Box key={field} flexDirection="column">
					<Field
						label={LABELS[field]}
						labelWidth={LABEL_WIDTH}
						value={form.values[field]}
						placeholder={PLACEHOLDERS[field]}
						focused={form.focus === field}
						onChange={value => dispatch({type: 'set-add-host', field, value})}
						onSubmit={() => dispatch({type: 'submit-add-host'})}
					/>
					<Messages kind="error" messages={shownFor(field).map(problem => problem.message)} />
				</Box>
			))}
			<Box marginTop={1}>
				<Text dimColor>Saved with the pack when you confirm it; never a password.</Text>
			</Box>
		</Screen>
	);
}
