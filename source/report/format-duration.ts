// Durations as people read them in a terminal: short, fixed-ish width.

/** A finished duration: `0.4s`, `3.2s`, `42s`, `1m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
	const safe = Number.isFinite(ms) && ms > 0 ? ms : 0;
	if (safe < 10_000) return `${(Math.floor(safe / 100) / 10).toFixed(1)}s`;
	return formatElapsed(safe);
}

/** A running clock, whole seconds only so it does not flicker: `0s`, `42s`, `1m 05s`, `1h 02m`. */
export function formatElapsed(ms: number): string {
	const seconds = Math.floor((Number.isFinite(ms) && ms > 0 ? ms : 0) / 1000);
	if (seconds < 60) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
	return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}
