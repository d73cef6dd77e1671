import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {hostname, tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {describeOwner, processStart, tryLock, type HeldLock, type LockOwner} from '../../source/pack/lock-file.js';

let dir: string;
let path: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'aegir-pack-lock-'));
	path = join(dir, 'x.lock');
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

const held = (result: ReturnType<typeof tryLock>): LockOwner | undefined => ('held' in result ? result.held : undefined);
const taken = (result: ReturnType<typeof tryLock>): HeldLock => {
	if ('held' in result) throw new Error(`lock held by ${describeOwner(result.held)}`);
	return result;
};

/** The pid of a process that has already exited (its pid is free). */
function deadPid(): number {
	const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
	return Number(child.stdout.toString());
}

describe('tryLock', () => {
	test('the first taker holds it; a second is told who holds it, with pid and start time', () => {
		const first = taken(tryLock(path, 'apply pack.example.com'));
		const second = held(tryLock(path, 'other'));
		expect(second).toMatchObject({pid: process.pid, host: hostname(), purpose: 'apply pack.example.com'});
		expect(second?.processStart).toBe(processStart(process.pid));
		expect(describeOwner(second)).toMatch(new RegExp(`^pid ${process.pid} on .+, started \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ \\(apply pack\\.example\\.com\\)$`));
		first.release();
		expect(existsSync(path)).toBe(false);
		taken(tryLock(path, 'again')).release();
		// Nothing but the lock itself was ever left in the directory.
		expect(readdirSync(dir)).toEqual([]);
	});

	test('a lock whose process has exited is taken over', () => {
		const owner: LockOwner = {pid: deadPid(), host: hostname(), startedAt: new Date().toISOString(), purpose: 'killed run'};
		writeFileSync(path, JSON.stringify(owner));
		const lock = taken(tryLock(path, 'new run'));
		expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({pid: process.pid, purpose: 'new run'});
		lock.release();
	});

	test('a lock whose pid now belongs to another process (start time differs) is taken over', () => {
		const owner: LockOwner = {pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), processStart: '1', purpose: 'old run'};
		writeFileSync(path, JSON.stringify(owner));
		taken(tryLock(path, 'new run')).release();
	});

	test('a lock of another machine is never taken over', () => {
		const owner: LockOwner = {pid: 1, host: 'other-host.example.com', startedAt: new Date().toISOString(), purpose: 'remote run'};
		writeFileSync(path, JSON.stringify(owner));
		expect(held(tryLock(path, 'mine'))).toMatchObject({host: 'other-host.example.com'});
	});

	test('release of a lock that was taken over leaves the new owner\'s lock', () => {
		const mine = taken(tryLock(path, 'mine'));
		const theirs: LockOwner = {pid: process.pid, host: hostname(), startedAt: '2000-01-01T00:00:00.000Z', purpose: 'theirs'};
		writeFileSync(path, JSON.stringify(theirs));
		mine.release();
		expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(theirs);
	});

	test('an unreadable lock file counts as held while it is fresh', () => {
		writeFileSync(path, '');
		expect('held' in tryLock(path, 'mine')).toBe(true);
	});
});
