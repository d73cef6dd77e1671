// Step 5: the shared path and the subnets allowed to mount it. The subnets
// field starts with a proposal: each NFS client's own address, or (picked on
// the proposal row) their small private network. A wide subnet is asked about.
import {Box, Text, useInput} from 'ink';
import {Field} from '../../components/field.js';
import {Messages} from '../../components/messages.js';
import {Screen} from '../../components/screen.js';
import {fit} from '../host-label.js';
import {clientHosts, exportPathProblems, sharedNetworkOffer, subnetProblems, subnetsText, wideQuestionLines} from '../selectors.js';
import type {ExportFocus} from '../types.js';
import {progress, screenErrors, screenWarnings, type ScreenArgs} from './common.js';
import {WideExportQuestion} from './wide-export-question.js';

const LABEL_WIDTH = 16;

export function ExportScreen({state, dispatch, size}: ScreenArgs) {
	const asking = state.wideQuestion !== undefined;
	const network = sharedNetworkOffer(state);
	const order: ExportFocus[] = network ? ['path', 'subnets', 'proposal'] : ['path', 'subnets'];
	// The proposal row goes away once the field is typed over: its focus falls back to the field.
	const focus: ExportFocus = order.includes(state.exportFocus) ? state.exportFocus : 'subnets';
	useInput(
		(input, key) => {
			const step = key.upArrow || (key.shift && key.tab) ? -1 : key.tab || key.downArrow ? 1 : 0;
			if (step !== 0) {
				dispatch({type: 'focus-export', field: order[(order.indexOf(focus) + step + order.length) % order.length]!});
			} else if (focus === 'proposal') {
				if (key.leftArrow || key.rightArrow) {
					dispatch({type: 'pick-subnet-proposal', choice: state.answers.subnetProposal === 'network' ? 'per-client' : 'network'});
				} else if (key.return || /^[\r\n]+$/.test(input)) {
					dispatch({type: 'submit-export'});
				}
			}
		},
		{isActive: !asking},
	);
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
			keys={asking ? 'y export   n back to the field   Ctrl-C quit' : `Enter next   Tab/Up/Down switch field${network ? '   Left/Right proposal' : ''}   Esc back   Ctrl-C quit`}
			width={size.columns}
		>
			<Field
				label="Export path"
				labelWidth={LABEL_WIDTH}
				value={state.answers.exportPath}
				focused={focus === 'path' && !asking}
				onChange={value => dispatch({type: 'set-export-path', value})}
				onSubmit={() => dispatch({type: 'submit-export'})}
			/>
			<Messages kind="error" messages={pathProblems.map(problem => problem.message)} />
			<Field
				label="NFS subnets"
				labelWidth={LABEL_WIDTH}
				value={text}
				placeholder="192.0.2.0/24"
				focused={focus === 'subnets' && !asking}
				onChange={value => dispatch({type: 'set-subnets', value})}
				onSubmit={() => dispatch({type: 'submit-export'})}
			/>
			<Box marginLeft={LABEL_WIDTH}>
				<Text dimColor wrap="truncate-end">
					{state.answers.subnetsEdited ? 'comma-separated' : 'proposed from the NFS clients\' addresses; comma-separated'}
				</Text>
			</Box>
			{network ? <ProposalRow network={network} chosen={state.answers.subnetProposal} focused={focus === 'proposal' && !asking} /> : null}
			<Messages kind="error" messages={subnetShown.map(problem => problem.message)} />
			{asking ? <WideExportQuestion lines={wideQuestionLines(state)} dispatch={dispatch} /> : null}
			<Box marginTop={1}>
				<Text dimColor>{fit(clientLine, size.columns)}</Text>
			</Box>
		</Screen>
	);
}

/** The two proposals: each client's address (the default), or their small private network. */
function ProposalRow({network, chosen, focused}: {network: string; chosen: 'per-client' | 'network'; focused: boolean}) {
	const option = (label: string, on: boolean) => (on ? <Text inverse bold>{`[${label}]`}</Text> : <Text>{` ${label} `}</Text>);
	return (
		<Box>
			<Box width={LABEL_WIDTH} flexShrink={0}>
				<Text color={focused ? 'cyan' : undefined} bold={focused}>
					{focused ? '> ' : '  '}Proposal
				</Text>
			</Box>
			{option('each client', chosen === 'per-client')}
			<Text> </Text>
			{option(`their network ${network}`, chosen === 'network')}
		</Box>
	);
}
