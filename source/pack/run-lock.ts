// One run per pack: a lock in <store>/locks/<pack>.lock held for a whole
// apply, add-slave or remove-slave (and for the save that starts one), so two
// runs never edit the same exports and fstab lines or overwrite each other's
// record. Taken once, without waiting; held until the run ends or the process
// exits. Within one process it may be taken again (the wizard's save, then its run).

import {mkdirSync} from 'node:fs';
import {join} from 'node:path';
import process from 'node:process';
import {describeOwner, tryLock, type HeldLock} from './lock-file.js';

export type PackLock = {release(): void};

/** `<storeDir>/locks/<pack>.lock`; the name stays one plain file name whatever the pack is called. */
export function packLockPath(storeDir: string, packName: string): string {
	const safe = packName.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'pack';
	return join(storeDir, 'locks', `${safe}.lock`);
}

const held = new Map<string, {lock: HeldLock; count: number}>();
let releaseOnExit = false;

/** Release every pack lock this process holds (on exit; signals end the process through exit too). */
export function releasePackLocks(): void {
	for (const {lock} of held.values()) lock.release();
	held.clear();
}

/**
 * Hold the pack's run lock, or say who holds it. `purpose` is shown to whoever
 * finds it held (the command line of this run).
 */
export function holdPackLock(storeDir: string, packName: string, purpose: string): PackLock | {message: string} {
	const path = packLockPath(storeDir, packName);
	const mine = held.get(path);
	if (mine) {
		mine.count++;
		return {release: once(() => releaseOne(path))};
	}
	let result;
	try {
		mkdirSync(join(storeDir, 'locks'), {recursive: true, mode: 0o700});
		result = tryLock(path, purpose);
	} catch (error) {
		return {message: `cannot lock pack ${packName} (${path}): ${error instanceof Error ? error.message : String(error)}`};
	}
	if ('held' in result) {
		return {
			message: `pack ${packName} is in use by another aegir-pack run: ${describeOwner(result.held)}. Wait for it to finish; a lock left by a process that is gone is taken over.`,
		};
	}
	held.set(path, {lock: result, count: 1});
	if (!releaseOnExit) {
		releaseOnExit = true;
		process.on('exit', releasePackLocks);
	}
	return {release: once(() => releaseOne(path))};
}

function releaseOne(path: string): void {
	const entry = held.get(path);
	if (!entry) return;
	entry.count--;
	if (entry.count > 0) return;
	held.delete(path);
	entry.lock.release();
}

function once(action: () => void): () => void {
	let done = false;
	return () => {
		if (done) return;
		done = true;
		action();
	};
}
