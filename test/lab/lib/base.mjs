// The shared read-only base image: built once with debootstrap, cached under
// the cache dir by a hash of its recipe (host/build-base.sh), rebuilt when the
// recipe changes. Half-built images are removed, and so are images of other
// recipes once no lab has used them for KEEP_UNUSED_DAYS: several branches
// with different recipes share one machine's cache, and each `up` must not
// delete the others' image (a rebuild costs minutes).
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {HOST_SCRIPTS_DIR} from './config.mjs';
import {mountsUnder, unmountUnder} from './mounts.mjs';
import {run, sleep} from './run.mjs';

const RECIPE = path.join(HOST_SCRIPTS_DIR, 'build-base.sh');
/** An image of another recipe that no lab used for this long is deleted at the next build. */
export const KEEP_UNUSED_DAYS = 3;
/** Beside each image: touched at every use (never inside the image: it is a mounted overlay's lower dir). */
const usedStamp = base => `${base}.used`;

/** The directory the base image for the current recipe lives in (it may not exist yet). */
export function basePath(config) {
	const hash = createHash('sha256').update(fs.readFileSync(RECIPE)).update('bookworm amd64').digest('hex');
	return path.join(config.cacheDir, `base-${hash.slice(0, 16)}`);
}

/**
 * Returns the base image, building it first when missing (about a minute on
 * two cores, plus downloads from the Debian mirror).
 * @param {import('./config.mjs').LabConfig} config
 * @param {(message: string) => void} log
 */
export async function ensureBase(config, log) {
	const base = basePath(config);
	if (fs.existsSync(path.join(base, 'etc', 'debian_version'))) return markUsed(base);
	fs.mkdirSync(config.cacheDir, {recursive: true});
	const release = await takeLock(path.join(config.cacheDir, 'build.lock'));
	try {
		if (fs.existsSync(path.join(base, 'etc', 'debian_version'))) return markUsed(base);
		await removeStale(config, base);
		const partial = `${base}.partial`;
		log(`building the lab base image in ${base} (debootstrap; about a minute, once per recipe)…`);
		const started = Date.now();
		const result = await run('bash', [RECIPE, partial, config.mirror], {allowFail: true});
		if (result.code !== 0) {
			await removeTree(partial);
			throw new Error(`building the lab base image failed:\n${(result.stderr || result.stdout).trim().split('\n').slice(-20).join('\n')}`);
		}
		fs.renameSync(partial, base);
		log(`base image built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		return markUsed(base);
	} finally {
		release();
	}
}

function markUsed(base) {
	const now = new Date();
	try {
		fs.utimesSync(usedStamp(base), now, now);
	} catch {
		fs.writeFileSync(usedStamp(base), '');
	}
	return base;
}

/** Last use of an image: its stamp, or the image's own mtime for one built before stamps existed. */
function lastUsedMs(image) {
	for (const file of [usedStamp(image), image]) {
		try {
			return fs.statSync(file).mtimeMs;
		} catch {}
	}
	return 0;
}

/**
 * Leftovers of interrupted builds (anything not a complete image), and images
 * of other recipes no lab used for KEEP_UNUSED_DAYS (with their stamps);
 * never one a lab still mounts.
 */
async function removeStale(config, keep) {
	const oldest = Date.now() - KEEP_UNUSED_DAYS * 24 * 3600 * 1000;
	for (const entry of fs.readdirSync(config.cacheDir)) {
		const full = path.join(config.cacheDir, entry);
		if (!entry.startsWith('base-') || full === keep || entry.endsWith('.used')) continue;
		if (inUse(full)) continue;
		const complete = fs.existsSync(path.join(full, 'etc', 'debian_version'));
		if (complete && lastUsedMs(full) > oldest) continue;
		await removeTree(full);
		fs.rmSync(usedStamp(full), {force: true});
	}
}

function inUse(dir) {
	const mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8');
	return mountinfo.includes(`lowerdir=${dir}`) || mountinfo.includes(`lowerdir=${dir},`);
}

/** rm -rf, but never through a mount point (debootstrap mounts /proc inside while it runs). */
async function removeTree(dir) {
	if (!fs.existsSync(dir)) return;
	await unmountUnder(dir);
	if (mountsUnder(dir).length > 0) throw new Error(`refusing to delete ${dir}: something is still mounted inside it`);
	fs.rmSync(dir, {recursive: true, force: true});
}

/** A lock file holding the builder's pid, so two `up`s never build at once (stale locks are taken over). */
async function takeLock(file) {
	for (;;) {
		try {
			fs.writeFileSync(file, String(process.pid), {flag: 'wx'});
			return () => fs.rmSync(file, {force: true});
		} catch (error) {
			if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
			const holder = Number(fs.readFileSync(file, 'utf8'));
			if (!holder || !processAlive(holder)) fs.rmSync(file, {force: true});
			else await sleep(500);
		}
	}
}

/** True while `pid` runs (a zombie waiting for its parent to reap it counts as gone). */
export function processAlive(pid) {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
	} catch {
		return false;
	}
}
