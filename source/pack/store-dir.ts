// Where the store lives, apart from the store itself: main works it out before
// the first screen, and the store's code (conf, ajv) loads only when needed.

import {homedir} from 'node:os';
import {join, resolve} from 'node:path';
import process from 'node:process';

/** conf's projectName; conf adds its `-nodejs` suffix to the directory. */
const PROJECT_NAME = 'aegir-pack';

/** $AEGIR_PACK_HOME if set, else the directory conf uses by default for project `aegir-pack`. */
export function defaultStoreDir(env: NodeJS.ProcessEnv = process.env): string {
	if (env.AEGIR_PACK_HOME) return resolve(env.AEGIR_PACK_HOME);
	// Same rules as env-paths (conf's default), but reading the given environment.
	const name = `${PROJECT_NAME}-nodejs`;
	const home = env.HOME || homedir();
	if (process.platform === 'darwin') return join(home, 'Library', 'Preferences', name);
	if (process.platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), name, 'Config');
	return join(env.XDG_CONFIG_HOME || join(home, '.config'), name);
}
