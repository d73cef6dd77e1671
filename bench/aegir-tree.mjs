// This machine plays the Aegir server: its config and a platform laid out as
// provision lays them (test/lab/aegir-tree.mjs: each head's server_<name>,
// Aegir's own server_master and key store, a site with settings.php and
// uploads), with filler modules so the platform is sized like a bare Drupal
// skeleton, not a real one: the bench measures the tool, not rsync's throughput.
import {HEAD_SETUP, makeAegirTree} from '../test/lab/aegir-tree.mjs';

/** Heads of the bench's labs: master, web1 … web23 (the largest lab has 24 hosts; each head gets its own server_<name>). */
export const BENCH_HEADS = ['master', ...Array.from({length: 23}, (_, index) => `web${index + 1}`)];

/** @returns {{configDir: string, platformsDir: string, files: number}} */
export function seedAegirServer(root) {
	return makeAegirTree(root, {heads: BENCH_HEADS, fillerModules: 40});
}

/**
 * Each lab head as Aegir's remote server setup leaves it (aegir in www-data).
 * @param {{exec(name: string, command: string): Promise<{code: number, stderr: string}>}} lab
 * @param {string[]} names
 */
export async function prepareHeads(lab, names) {
	for (const name of names) {
		const result = await lab.exec(name, HEAD_SETUP);
		if (result.code !== 0) throw new Error(`${name}: ${HEAD_SETUP} failed: ${result.stderr}`);
	}
}
