// One cgroup (v2) per lab host: every process of the host lives in it, so the
// lab can tag the host's traffic in nftables (and SNAT it to the host's own
// address) and kill every process of the host at once.
import fs from 'node:fs';
import path from 'node:path';
import {mountTable} from './mounts.mjs';
import {sleep} from './run.mjs';

/**
 * Where cgroup v2 is mounted, and that mount's path as nftables names it
 * (nft resolves `socket cgroupv2` paths below /sys/fs/cgroup).
 * @returns {{mount: string, nftBase: string} | undefined}
 */
export function findCgroup2() {
	const mount = mountTable().find(entry => entry.fsType === 'cgroup2');
	if (!mount) return undefined;
	const nftRoot = '/sys/fs/cgroup';
	let nftBase;
	if (mount.mountPoint === nftRoot) nftBase = '';
	else if (mount.mountPoint.startsWith(`${nftRoot}/`)) nftBase = mount.mountPoint.slice(nftRoot.length + 1);
	return nftBase === undefined ? undefined : {mount: mount.mountPoint, nftBase};
}

export function labCgroupDir(cgroup, id) {
	return path.join(cgroup.mount, id);
}

export function hostCgroupDir(cgroup, id, name) {
	return path.join(cgroup.mount, id, name);
}

/** The path nft's `socket cgroupv2 level 2` needs for a host. */
export function hostCgroupNftPath(cgroup, id, name) {
	return [cgroup.nftBase, id, name].filter(Boolean).join('/');
}

export function createHostCgroup(cgroup, id, name) {
	const dir = hostCgroupDir(cgroup, id, name);
	fs.mkdirSync(dir, {recursive: true});
	return dir;
}

export function cgroupPids(dir) {
	try {
		return fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
	} catch {
		return [];
	}
}

/** Kill every process of the lab (cgroup.kill, or SIGKILL one by one on older kernels), then remove its cgroups. */
export async function removeLabCgroups(cgroup, id) {
	const labDir = labCgroupDir(cgroup, id);
	if (!fs.existsSync(labDir)) return;
	const hostDirs = fs
		.readdirSync(labDir, {withFileTypes: true})
		.filter(entry => entry.isDirectory())
		.map(entry => path.join(labDir, entry.name));
	for (const dir of hostDirs) killCgroup(dir);
	const deadline = Date.now() + 10_000;
	for (const dir of hostDirs) {
		// A killed task leaves cgroup.procs before it has finished exiting; until
		// `populated 0` the kernel refuses rmdir with EBUSY, so wait for both.
		while ((cgroupPids(dir).length > 0 || isPopulated(dir)) && Date.now() < deadline) {
			killCgroup(dir);
			await sleep(20);
		}
		await removeWhenFree(dir, deadline);
	}
	await removeWhenFree(labDir, deadline);
}

function isPopulated(dir) {
	try {
		return /^populated 1$/m.test(fs.readFileSync(path.join(dir, 'cgroup.events'), 'utf8'));
	} catch {
		return false;
	}
}

/** rmdir (not rm -r): cgroupfs removes a cgroup only with rmdir, and only when empty; EBUSY is retried. */
async function removeWhenFree(dir, deadline) {
	for (;;) {
		try {
			fs.rmdirSync(dir);
			return;
		} catch (error) {
			if (error.code !== 'EBUSY' || Date.now() >= deadline) return;
			await sleep(20);
		}
	}
}

function killCgroup(dir) {
	try {
		fs.writeFileSync(path.join(dir, 'cgroup.kill'), '1');
		return;
	} catch {}
	for (const pid of cgroupPids(dir)) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {}
	}
}
