// The only parts of the screen that move on their own. They read the shared
// clock, so a tick re-renders a spinner and a few characters, not the screen.
import {Text} from 'ink';
import {formatElapsed} from '../../report/format-duration.js';
import {CLOCK_INTERVAL_MS, useNow, type Clock} from './clock.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function Spinner({clock}: {clock: Clock}) {
	const now = useNow(clock);
	// One frame per tick of the default clock.
	return <Text color="cyan">{FRAMES[Math.floor(now / CLOCK_INTERVAL_MS) % FRAMES.length]}</Text>;
}

/** Whole seconds since `since` (same clock base as the run events: Date.now()). */
export function Elapsed({clock, since, dim}: {clock: Clock; since: number; dim?: boolean}) {
	const now = useNow(clock);
	return <Text dimColor={dim}>{formatElapsed(now - since)}</Text>;
}
