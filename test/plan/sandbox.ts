// Temp directories for tests that run real scripts. When the tests run as root
// the sandbox belongs to `nobody`, so scripts run as nobody meet real
// permissions (root would bypass a read-only directory).

import {chmodSync, chownSync, mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {NOBODY, runningAsRoot} from './local-sh-transport.js';

export type Sandbox = {dir: string; path(...parts: string[]): string; list(sub?: string): string[]; remove(): void; own(path: string): void};

export function makeSandbox(prefix = 'aegir-pack-test-'): Sandbox {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	chmodSync(dir, 0o755);
	const own = (path: string) => {
		if (runningAsRoot()) chownSync(path, NOBODY.uid, NOBODY.gid);
	};

	own(dir);
	return {
		dir,
		path: (...parts) => join(dir, ...parts),
		list: sub => readdirSync(sub ? join(dir, sub) : dir).sort(),
		remove() {
			chmodSync(dir, 0o755);
			rmSync(dir, {recursive: true, force: true});
		},
		own,
	};
}
