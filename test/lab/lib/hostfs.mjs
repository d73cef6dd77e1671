// Reading and writing a host's files straight from the lab machine. Paths are
// resolved as the host would resolve them: absolute symlinks inside the host
// point into the host, never at the lab machine's own files.
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Resolve `hostPath` inside `root` (like chroot would), following symlinks
 * for every component but the last when `followLast` is false.
 * @returns {string} A path on the lab machine.
 */
export function resolveInRoot(root, hostPath, followLast = true) {
	if (!hostPath.startsWith('/')) throw new Error(`host paths are absolute (got ${hostPath})`);
	const pending = hostPath.split('/').filter(Boolean);
	/** @type {string[]} */
	const done = [];
	let links = 0;
	while (pending.length > 0) {
		const part = /** @type {string} */ (pending.shift());
		if (part === '.') continue;
		if (part === '..') {
			done.pop();
			continue;
		}
		const candidate = path.join(root, ...done, part);
		let stat;
		try {
			stat = fs.lstatSync(candidate);
		} catch {
			stat = undefined;
		}
		if (stat?.isSymbolicLink() && (pending.length > 0 || followLast)) {
			if (++links > 40) throw new Error(`too many symlinks resolving ${hostPath}`);
			const target = fs.readlinkSync(candidate);
			if (target.startsWith('/')) done.length = 0;
			pending.unshift(...target.split('/').filter(Boolean));
			continue;
		}
		done.push(part);
	}
	return path.join(root, ...done);
}

export async function readHostFile(root, hostPath) {
	try {
		return await fs.promises.readFile(resolveInRoot(root, hostPath), 'utf8');
	} catch (error) {
		if (['ENOENT', 'ENOTDIR'].includes(/** @type {NodeJS.ErrnoException} */ (error).code ?? '')) return undefined;
		throw error;
	}
}

export async function writeHostFile(root, hostPath, content) {
	const target = resolveInRoot(root, hostPath);
	await fs.promises.mkdir(path.dirname(target), {recursive: true});
	await fs.promises.writeFile(target, content);
}

/**
 * One entry per file, directory and symlink below `dir` (paths as the host
 * sees them): content hash, mode and owner, so any change shows as a diff.
 * Does not descend into other mounts (e.g. /proc), as `find -xdev`.
 * @returns {Promise<Record<string, string>>}
 */
export async function checksumTree(root, dir) {
	const start = resolveInRoot(root, dir);
	/** @type {Record<string, string>} */
	const sums = {};
	let device;
	const walk = async (real, shown) => {
		const stat = await fs.promises.lstat(real);
		device ??= stat.dev;
		const meta = `${(stat.mode & 0o7777).toString(8)} ${stat.uid}:${stat.gid}`;
		if (stat.isSymbolicLink()) sums[shown] = `link ${await fs.promises.readlink(real)} ${meta}`;
		else if (stat.isFile()) {
			const hash = createHash('sha256').update(await fs.promises.readFile(real)).digest('hex');
			sums[shown] = `file ${hash} ${meta}`;
		} else if (stat.isDirectory()) {
			sums[shown] = `dir ${meta}`;
			if (stat.dev !== device) return;
			for (const entry of (await fs.promises.readdir(real)).sort()) {
				await walk(path.join(real, entry), path.posix.join(shown, entry));
			}
		} else sums[shown] = `special ${meta}`;
	};
	try {
		await walk(start, dir);
	} catch (error) {
		if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT') return {};
		throw error;
	}
	return sums;
}
