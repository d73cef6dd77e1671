// Where the lab lives and how it is named. Everything the lab creates on the
// machine (mounts, cgroups, nftables table, processes) is named from here, so
// `down` can find and remove exactly that and nothing else.
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const LAB_SOURCE_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const REPO_DIR = path.resolve(LAB_SOURCE_DIR, '..', '..');
export const HOST_SCRIPTS_DIR = path.join(LAB_SOURCE_DIR, 'host');

/**
 * @typedef {object} LabConfig
 * @property {string} dir        Lab state: keys, ssh_config, known_hosts, per-host overlay dirs.
 * @property {string} cacheDir   Base images, keyed by a hash of their recipe.
 * @property {string} prefix     First three parts of the hosts' loopback addresses (host N is PREFIX.N).
 * @property {string} mirror     Debian mirror for building the base image (the only non-loopback traffic).
 * @property {string} id         Name of the lab's cgroup and nftables table.
 */

/**
 * Options from flags win over the environment, which wins over defaults.
 * @param {{dir?: string, cacheDir?: string, prefix?: string, mirror?: string}} [options]
 * @returns {LabConfig}
 */
export function labConfig(options = {}) {
	const env = process.env;
	const prefix = options.prefix ?? env.AEGIR_LAB_PREFIX ?? '127.0.1';
	if (!/^127\.\d{1,3}\.\d{1,3}$/.test(prefix) || prefix.split('.').some(part => Number(part) > 255)) {
		throw new Error(`lab address prefix must be three parts inside 127.0.0.0/8, like 127.0.1 (got ${prefix})`);
	}
	return {
		dir: path.resolve(options.dir ?? env.AEGIR_LAB_DIR ?? path.join(REPO_DIR, '.lab')),
		cacheDir: path.resolve(options.cacheDir ?? env.AEGIR_LAB_CACHE ?? '/var/cache/aegir-pack-lab'),
		prefix,
		mirror: options.mirror ?? env.AEGIR_LAB_MIRROR ?? 'http://deb.debian.org/debian',
		id: 'aegir-lab',
	};
}

/** Host names become hostnames, directory names and ssh_config Host patterns. */
export function checkHostName(name) {
	if (!/^[a-z][a-z0-9-]{0,30}$/.test(name)) {
		throw new Error(`lab host name must be lowercase letters, digits and dashes, starting with a letter (got ${JSON.stringify(name)})`);
	}
	return name;
}

export const DEFAULT_NAMES_3 = ['master', 'web1', 'web2'];

/** Default host names for N hosts: master, web1, web2, … */
export function defaultNames(count) {
	if (!Number.isInteger(count) || count < 1 || count > 200) throw new Error(`lab host count must be 1–200 (got ${count})`);
	return ['master', ...Array.from({length: count - 1}, (_, index) => `web${index + 1}`)];
}
