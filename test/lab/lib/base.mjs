// The shared read-only base image: built once with debootstrap, cached under
// the cache dir by a hash of its recipe (host/build-base.sh), rebuilt when the
// recipe changes. Stale images and half-built ones are removed.
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {HOST_SCRIPTS_DIR} from './config.mjs';
import {mountsUnder, unmountUnder} from './mounts.mjs';
import {run, sleep} from './run.mjs';

const RECIPE = path.join(HOST_SCRIPTS_DIR, 'build-base.sh');

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
	if (fs.existsSync(path.join(base, 'etc', 'debian_version'))) return base;
	fs.mkdirSync(config.cacheDir, {recursive: true});
	const release = await takeLock(path.join(config.cacheDir, 'build.lock'));
	try {
		if (fs.existsSync(path.join(base, 'etc', 'debian_version'))) return base;
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
		return base;
	} finally {
		release();
	}
}

/** Other base images (older recipes) and leftovers of interrupted builds, unless a lab still uses them. */
async function removeStale(config, keep) {
	for (const entry of fs.readdirSync(config.cacheDir)) {
		const full = path.join(config.cacheDir, entry);
		if (!entry.startsWith('base-') || full === keep) continue;
		if (inUse(full)) continue;
		await removeTree(full);
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
