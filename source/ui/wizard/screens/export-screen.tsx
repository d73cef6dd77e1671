// Step 5: the shared path and the subnets allowed to mount it. The subnets
// field starts with a proposal covering the NFS clients' addresses.
import {Box, Text, useInput} from 'ink';
import {Field} from '../../components/field.js';
import {Messages} from '../../components/messages.js';
import {Screen} from '../../components/screen.js';
import {fit} from '../host-label.js';
import {clientHosts, exportPathProblems, subnetProblems, subnetsText} from '../selectors.js';
import {progress, screenErrors, screenWarnings, type ScreenArgs} from './common.js';

const LABEL_WIDTH = 16;

export function ExportScreen({state, dispatch, size}: ScreenArgs) {
	const focus = state.exportFocus;
	useInput((_input, key) => {
		if (key.tab || key.upArrow || key.downArrow) {
			dispatch({type: 'focus-export', field: focus === 'path' ? 'subnets' : 'path'});
		}
	});
	const tried = state.tried.includes('export');
	const pathProblems = state.answers.exportPath !== '' || tried ? exportPathProblems(state) : [];
	const text = subnetsText(state);
	const subnetShown = text !== '' || tried ? subnetProblems(state) : [];
	const clients = clientHosts(state);
	const clientLine = clients.length === 0
		? 'No NFS client: every web head is the NFS server.'
		: `NFS clients: ${clients.map(host => `${host.name} ${host.address}`).join(', ')}`;
	return (
		<Screen
			title="Export path and subnets"
			progress={progress('export')}
			hint="The directory shared over NFS, and the networks allowed to mount it."
			errors={screenErrors(state)}
			warnings={screenWarnings(state)}
			keys="Enter next   Tab/Up/Down switch field   Esc back   Ctrl-C quit"
			width={size.columns}
		>
			<Field
				label="Export path"
				labelWidth={LABEL_WIDTH}
				value={state.answers.exportPath}
				focused={focus === 'path'}
				onChange={value => dispatch({type: 'set-export-path', value})}
				onSubmit={() => dispatch({type: 'submit-export'})}
			/>
			<Messages kind="error" messages={pathProblems.map(problem => problem.message)} />
			<Field
				label="NFS subnets"
				labelWidth={LABEL_WIDTH}
				value={text}
				placeholder="192.0.2.0/24"
				focused={focus === 'subnets'}
				onChange={value => dispatch({type: 'set-subnets', value})}
				onSubmit={() => dispatch({type: 'submit-export'})}
			/>
			<Box marginLeft={LABEL_WIDTH}>
				<Text dimColor wrap="truncate-end">
					{state.answers.subnetsEdited ? 'comma-separated' : 'proposed from the NFS clients\' addresses; comma-separated'}
				</Text>
			</Box>
			<Messages kind="error" messages={subnetShown.map(problem => problem.message)} />
			<Box marginTop={1}>
				<Text dimColor>{fit(clientLine, size.columns)}</Text>
			</Box>
		</Screen>
	);
}
