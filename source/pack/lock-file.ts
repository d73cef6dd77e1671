// Lock files beside the store: one writer at a time. A lock is a file created
// atomically with its owner inside (pid, host, start time, what it is for), so
// whoever finds it held can say who holds it. A lock whose process is gone (or
// whose pid now belongs to another process) is taken over. Node 20, no daemon.

import {linkSync, readFileSync, statSync, unlinkSync, writeFileSync} from 'node:fs';
import {hostname} from 'node:os';
import process from 'node:process';

export type LockOwner = {
	pid: number;
	host: string;
	/** ISO time the lock was taken. */
	startedAt: string;
	/** Linux: the process's start time in clock ticks since boot (tells a reused pid apart). */
	processStart?: string;
	/** What the lock is held for: "store", or the command line of a run. */
	purpose: string;
};

export type HeldLock = {owner: LockOwner; release(): void};

/** A lock file that cannot be read (being replaced, or garbage) counts as held for this long. */
const UNREADABLE_GRACE_MS = 10_000;

const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

/** Block this thread for `ms` (the store is synchronous; waiting for its lock is too). */
export function sleepSync(ms: number): void {
	Atomics.wait(SLEEPER, 0, 0, ms);
}

/** Linux: field 22 of /proc/<pid>/stat; undefined where there is no /proc or no such process. */
export function processStart(pid: number): string | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
	} catch {
		return undefined;
	}
}

/** false: that process is gone (or its pid was reused); 'unknown': a lock of another machine. */
export function isAlive(owner: LockOwner): boolean | 'unknown' {
	if (owner.host !== hostname()) return 'unknown';
	try {
		process.kill(owner.pid, 0);
	} catch (error) {
		// EPERM: alive, owned by someone else.
		if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
	}
	const start = processStart(owner.pid);
	return owner.processStart === undefined || start === undefined || start === owner.processStart;
}

function ourOwner(purpose: string): LockOwner {
	const start = processStart(process.pid);
	return {pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), ...(start === undefined ? {} : {processStart: start}), purpose};
}

function isOwner(value: unknown): value is LockOwner {
	const owner = value as Partial<LockOwner> | null;
	return typeof owner === 'object' && owner !== null && Number.isInteger(owner.pid) && typeof owner.host === 'string' && typeof owner.startedAt === 'string';
}

const sameOwner = (a: LockOwner, b: LockOwner) =>
	a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt && a.processStart === b.processStart;

type Found = {kind: 'owner'; owner: LockOwner} | {kind: 'gone'} | {kind: 'unreadable'; ageMs: number};

function readOwner(path: string): Found {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {kind: 'gone'};
		throw error;
	}
	try {
		const owner: unknown = JSON.parse(text);
		if (isOwner(owner)) return {kind: 'owner', owner};
	} catch {
		// Garbage: judged by its age below.
	}
	let ageMs = 0;
	try {
		ageMs = Date.now() - statSync(path).mtimeMs;
	} catch {
		return {kind: 'gone'};
	}
	return {kind: 'unreadable', ageMs};
}

function unlinkQuietly(path: string): void {
	try {
		unlinkSync(path);
	} catch {
		// Already gone.
	}
}

/** Create `path` holding `owner`, atomically: the file never exists half-written. */
function createWithOwner(path: string, owner: LockOwner): boolean {
	const temporary = `${path}.${owner.pid}.${Math.random().toString(36).slice(2)}.tmp`;
	writeFileSync(temporary, `${JSON.stringify(owner)}\n`, {mode: 0o600, flag: 'wx'});
	try {
		linkSync(temporary, path);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw error;
	} finally {
		unlinkQuietly(temporary);
	}
}

/**
 * Remove the lock of a dead owner, under a short-lived guard so that two
 * processes taking over at once cannot both remove a lock a third has just taken.
 */
function takeOver(path: string, dead: Found): void {
	const guard = `${path}.takeover`;
	const guardOwner = ourOwner('takeover');
	if (!createWithOwner(guard, guardOwner)) {
		const found = readOwner(guard);
		const abandoned = found.kind === 'unreadable' ? found.ageMs > UNREADABLE_GRACE_MS : found.kind === 'owner' && isAlive(found.owner) === false;
		if (abandoned) unlinkQuietly(guard);
		return;
	}
	try {
		const now = readOwner(path);
		const same =
			(dead.kind === 'owner' && now.kind === 'owner' && sameOwner(dead.owner, now.owner)) ||
			(dead.kind === 'unreadable' && now.kind === 'unreadable');
		if (same) unlinkQuietly(path);
	} finally {
		const mine = readOwner(guard);
		if (mine.kind === 'owner' && sameOwner(mine.owner, guardOwner)) unlinkQuietly(guard);
	}
}

/**
 * Take the lock at `path` once, without waiting. `held` names the live owner
 * (undefined when its file could not be read yet). A dead owner's lock is taken over.
 */
export function tryLock(path: string, purpose: string): HeldLock | {held: LockOwner | undefined} {
	for (let attempt = 0; attempt < 4; attempt++) {
		const owner = ourOwner(purpose);
		if (createWithOwner(path, owner)) return {owner, release: () => releaseLock(path, owner)};
		const found = readOwner(path);
		if (found.kind === 'gone') continue;
		if (found.kind === 'owner' && isAlive(found.owner) !== false) return {held: found.owner};
		if (found.kind === 'unreadable' && found.ageMs <= UNREADABLE_GRACE_MS) return {held: undefined};
		takeOver(path, found);
	}
	const last = readOwner(path);
	return {held: last.kind === 'owner' ? last.owner : undefined};
}

/** Remove the lock only if it is still ours (a lock taken over from us belongs to someone else now). */
function releaseLock(path: string, owner: LockOwner): void {
	const found = readOwner(path);
	if (found.kind === 'owner' && sameOwner(found.owner, owner)) unlinkQuietly(path);
}

/** "pid 4242 on aegir, started 2026-12-02 04:31:10Z (add-slave pack.example.com web3)". */
export function describeOwner(owner: LockOwner | undefined): string {
	if (!owner) return 'a process that is still writing its lock file';
	const started = owner.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
	return `pid ${owner.pid} on ${owner.host}, started ${started}${owner.purpose ? ` (${owner.purpose})` : ''}`;
}
