// What every wizard screen receives, and the step numbering shown in titles.
import type {Dispatch} from 'react';
import {FRAME_LINES} from '../../components/screen.js';
import type {TerminalSize} from '../../components/use-terminal-size.js';
import {aegirSkippedWarning} from '../aegir-notes.js';
import type {StepId, WizardAction, WizardState} from '../types.js';

export type ScreenArgs = {
	state: WizardState;
	dispatch: Dispatch<WizardAction>;
	size: TerminalSize;
};

const NUMBERED: readonly StepId[] = ['name', 'master', 'slaves', 'nfsServer', 'export', 'review'];

export function progress(step: StepId): string | undefined {
	const index = NUMBERED.indexOf(step);
	return index === -1 ? undefined : `step ${index + 1} of ${NUMBERED.length}`;
}

/** Errors shown at the top of a screen: refused flag values for this step, then flag errors not tied to a step. */
export function screenErrors(state: WizardState): string[] {
	return [...(state.flagErrors[state.step] ?? []), ...(state.step === 'review' ? [] : state.generalErrors)];
}

/** Warnings at the top of a screen: Aegir alias files skipped, on the session's first screen. */
export function screenWarnings(state: WizardState): string[] {
	return aegirSkippedWarning(state);
}

/** Rows a list may take: what the frame, `errorLines` and `extra` lines leave, at least 3. */
export function listRows(size: TerminalSize, errorLines: number, extra: number): number {
	// One spare row: Ink redraws the whole screen (and flickers) when output reaches the last row.
	return Math.max(3, size.rows - 1 - FRAME_LINES - errorLines - extra);
}

/** Terminal lines a message takes once wrapped at `width` (with its 2-character marker). */
export function wrappedLines(texts: readonly string[], width: number, indent = 2): number {
	return texts.reduce((sum, text) => sum + Math.max(1, Math.ceil((text.length + indent) / Math.max(1, width))), 0);
}
