// The wizard: one reducer, one screen at a time, and the keys that work
// everywhere (Esc back, Ctrl-C quit). Confirming saves through `store` and
// hands the pack to `onDone`; quitting saves nothing.
import {useInput} from 'ink';
import {useCallback, useEffect, useReducer, useRef} from 'react';
import type {Pack} from '../../pack/types.js';
import {useTerminalSize, type TerminalSize} from '../components/use-terminal-size.js';
import {savePackWithHosts, type PackSink} from './save.js';
import {AddHostScreen} from './screens/add-host-screen.js';
import type {ScreenArgs} from './screens/common.js';
import {ExportScreen} from './screens/export-screen.js';
import {MasterScreen} from './screens/master-screen.js';
import {NameScreen} from './screens/name-screen.js';
import {NfsServerScreen} from './screens/nfs-server-screen.js';
import {ReviewScreen} from './screens/review-screen.js';
import {SlavesScreen} from './screens/slaves-screen.js';
import {StartScreen} from './screens/start-screen.js';
import {draftPack, reviewProblems} from './selectors.js';
import {initState, wizardReducer} from './state.js';
import type {WizardInit, WizardState} from './types.js';

export type WizardProps = {
	init: WizardInit;
	store: PackSink;
	/** The review was confirmed and the pack saved. */
	onDone: (pack: Pack) => void;
	/** Ctrl-C: leave at once, nothing saved. */
	onQuit: () => void;
	/** Cancel on the review: leave, nothing saved. */
	onCancel: () => void;
	/** "Details…" on the review: show a dry run of this (unsaved) pack, then come back with `state`. */
	onDetails?: (pack: Pack, state: WizardState) => void;
	/** Answers to start from (coming back from the details). */
	resume?: WizardState;
	/** Fixed size for tests; the real terminal's size otherwise. */
	size?: TerminalSize;
};

export function Wizard({init, store, onDone, onQuit, onCancel, onDetails, resume, size: fixedSize}: WizardProps) {
	const [state, dispatch] = useReducer(wizardReducer, init, init => resume ?? initState(init));
	const size = useTerminalSize(fixedSize);

	useInput((input, key) => {
		// Ctrl-C may also come inside a batch of typed keys ("web\u0003"): it still quits.
		if ((key.ctrl && input === 'c') || input.includes('\u0003')) onQuit();
		else if (key.escape) dispatch({type: 'back'});
	});

	// Set once the pack is saved: a second Enter read in the same batch must not save or finish twice.
	const done = useRef(false);
	const confirm = useCallback(() => {
		const pack = draftPack(state);
		if (done.current || state.step !== 'review' || !pack || reviewProblems(state).length > 0) return;
		try {
			savePackWithHosts(store, pack, state.hosts.filter(host => state.newHosts.includes(host.name)));
		} catch (error) {
			dispatch({type: 'save-failed', message: `Not saved: ${error instanceof Error ? error.message : String(error)}`});
			return;
		}
		done.current = true;
		onDone(pack);
	}, [state, store, onDone]);

	// --yes accepts the review once, as soon as it is reached with nothing wrong.
	useEffect(() => {
		if (state.step !== 'review' || !state.autoConfirm || state.autoConfirmUsed) return;
		dispatch({type: 'auto-confirm-used'});
		confirm();
	}, [state.step, state.autoConfirm, state.autoConfirmUsed, confirm]);

	const args: ScreenArgs = {state, dispatch, size};
	// Keys make React mount a fresh screen (and fresh inputs) on every step change.
	if (state.addHost) return <AddHostScreen key="add-host" {...args} form={state.addHost} />;
	switch (state.step) {
		case 'start':
			return <StartScreen key="start" {...args} />;
		case 'name':
			return <NameScreen key="name" {...args} />;
		case 'master':
			return <MasterScreen key="master" {...args} />;
		case 'slaves':
			return <SlavesScreen key="slaves" {...args} />;
		case 'nfsServer':
			return <NfsServerScreen key="nfs" {...args} />;
		case 'export':
			return <ExportScreen key="export" {...args} />;
		case 'review':
			return (
				<ReviewScreen
					key={`review-${state.review.mode}`}
					{...args}
					onConfirm={confirm}
					onDetails={
						onDetails &&
						(() => {
							const pack = draftPack(state);
							if (pack && reviewProblems(state).length === 0) onDetails(pack, state);
						})
					}
					onCancel={onCancel}
				/>
			);
	}
}
