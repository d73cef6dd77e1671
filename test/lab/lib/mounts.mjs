// Reading this machine's mount table, and unmounting what the lab mounted.
import fs from 'node:fs';
import {run} from './run.mjs';

/** Unescape the octal escapes mountinfo uses for spaces and friends. */
const unescape = value => value.replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(parseInt(octal, 8)));

/** @returns {{mountPoint: string, fsType: string, source: string, options: string}[]} */
export function mountTable() {
	return fs
		.readFileSync('/proc/self/mountinfo', 'utf8')
		.split('\n')
		.filter(Boolean)
		.map(line => {
			const [left = '', right = ''] = line.split(' - ');
			const fields = left.split(' ');
			const [fsType = '', source = '', options = ''] = right.split(' ');
			return {mountPoint: unescape(fields[4] ?? ''), fsType, source: unescape(source), options};
		});
}

/** Mount points at or below `dir`, deepest first. */
export function mountsUnder(dir) {
	const prefix = dir.endsWith('/') ? dir : `${dir}/`;
	return mountTable()
		.filter(mount => mount.mountPoint === dir || mount.mountPoint.startsWith(prefix))
		.map(mount => mount.mountPoint)
		.sort((a, b) => b.length - a.length);
}

/** Unmount everything at or below `dir` (repeats for stacked mounts). */
export async function unmountUnder(dir) {
	for (let round = 0; round < 5; round++) {
		const mounts = mountsUnder(dir);
		if (mounts.length === 0) return;
		for (const mountPoint of mounts) await run('umount', [mountPoint], {allowFail: true});
	}
	for (const mountPoint of mountsUnder(dir)) await run('umount', ['--lazy', mountPoint], {allowFail: true});
}
