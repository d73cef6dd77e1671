// The wizard: one reducer, one screen at a time, and the keys that work
// everywhere (Esc back, Ctrl-C quit). Confirming saves through `store` and
// hands the pack to `onDone`; quitting saves nothing. A re-run of a saved pack
// (add / remove a slave, check health) is handed to `onRerun` instead.
import {useInput} from 'ink';
import {useCallback, useEffect, useReducer, useRef} from 'react';
import type {Pack} from '../../pack/types.js';
import type {PlanOptions} from '../../plan/options.js';
import {useTerminalSize, type TerminalSize} from '../components/use-terminal-size.js';
import {savePackWithHosts, type PackSink} from './save.js';
import type {RerunRequest} from './rerun-request.js';
import {exportRequest, healthRequest, rerunRequest, rerunReviewOf} from './rerun-selectors.js';
import {AddHostScreen} from './screens/add-host-screen.js';
import {AddSlaveScreen} from './screens/add-slave-screen.js';
import {RemoveSlaveScreen} from './screens/remove-slave-screen.js';
import {RerunReviewScreen} from './screens/rerun-review-screen.js';
import type {ScreenArgs} from './screens/common.js';
import {ExportScreen} from './screens/export-screen.js';
import {MasterScreen} from './screens/master-screen.js';
import {NameScreen} from './screens/name-screen.js';
import {NfsServerScreen} from './screens/nfs-server-screen.js';
import {ReviewScreen} from './screens/review-screen.js';
import {SlavesScreen} from './screens/slaves-screen.js';
import {StartScreen} from './screens/start-screen.js';
import {confirmedPack, unconsentedWideSubnets} from './selectors.js';
import {initState, wizardReducer} from './wizard-reducer.js';
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
	/** A re-run review was confirmed (add / remove a slave), or "Check health" chosen: called once. */
	onRerun?: (request: RerunRequest) => void;
	/** The options the re-run will be planned with, so its review says what the run will do. */
	planOptions?: PlanOptions;
	/** Answers to start from (coming back from the details). */
	resume?: WizardState;
	/** Fixed size for tests; the real terminal's size otherwise. */
	size?: TerminalSize;
};

export function Wizard({init, store, onDone, onQuit, onCancel, onDetails, onRerun, planOptions, resume, size: fixedSize}: WizardProps) {
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
		const pack = confirmedPack(state);
		if (done.current || state.step !== 'review' || !pack) return;
		// A wide subnet not agreed to in this session (a saved pack, --yes without --allow-wide-export): ask first.
		if (unconsentedWideSubnets(state).length > 0) {
			dispatch({type: 'ask-wide-export'});
			return;
		}
		try {
			savePackWithHosts(store, pack, state.hosts.filter(host => state.newHosts.includes(host.name)));
		} catch (error) {
			dispatch({type: 'save-failed', message: `Not saved: ${error instanceof Error ? error.message : String(error)}`});
			return;
		}
		done.current = true;
		onDone(pack);
	}, [state, store, onDone]);

	// Re-runs are not saved here: the app runs them (and saves what they change).
	const confirmRerun = useCallback(() => {
		const request = state.step === 'rerun-review' ? rerunRequest(state, planOptions) : undefined;
		if (done.current || !request || !onRerun) return;
		done.current = true;
		onRerun(request);
	}, [state, planOptions, onRerun]);

	// "Check health" and "Export to Ansible" need no review: hand them over as soon as chosen.
	useEffect(() => {
		const request = healthRequest(state) ?? exportRequest(state);
		if (done.current || !request || !onRerun) return;
		done.current = true;
		onRerun(request);
	}, [state, onRerun]);

	// The wide export was just accepted on the review: the confirm it interrupted goes on.
	useEffect(() => {
		if (state.step === 'review' && state.review.confirmRequested) confirm();
	}, [state.step, state.review.confirmRequested, confirm]);

	// --yes accepts the review once, as soon as it is reached with nothing wrong.
	useEffect(() => {
		if ((state.step !== 'review' && state.step !== 'rerun-review') || !state.autoConfirm || state.autoConfirmUsed) return;
		dispatch({type: 'auto-confirm-used'});
		if (state.step === 'review') confirm();
		else confirmRerun();
	}, [state.step, state.autoConfirm, state.autoConfirmUsed, confirm, confirmRerun]);

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
		case 'add-slave':
			return <AddSlaveScreen key="add-slave" {...args} />;
		case 'remove-slave':
			return <RemoveSlaveScreen key="remove-slave" {...args} />;
		case 'rerun-review': {
			// Unreachable by keys (the pickers refuse a missing pack): say so rather than show nothing.
			const review = rerunReviewOf(state, planOptions) ?? {
				title: 'Re-run',
				lines: [],
				widened: [],
				narrowed: [],
				problems: [`no saved pack named ${state.rerun?.pack ?? '?'}, or nothing picked`],
			};
			return <RerunReviewScreen key="rerun-review" {...args} review={review} onConfirm={confirmRerun} onCancel={onCancel} />;
		}
		case 'review':
			return (
				<ReviewScreen
					key={`review-${state.review.mode}`}
					{...args}
					onConfirm={confirm}
					onDetails={
						onDetails &&
						(() => {
							const pack = confirmedPack(state);
							if (pack) onDetails(pack, state);
						})
					}
					onCancel={onCancel}
					planOptions={planOptions}
				/>
			);
	}
}
