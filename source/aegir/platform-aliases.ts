// The platforms Aegir knows, read from the drush alias files provision keeps
// for them: `<aegirHome>/.drush/platform_<name>.alias.drushrc.php`, parsed
// (never run) with the same rules as the server files. A platform whose
// `web_server` is the pack's context is served by the pack: verifying it is
// what pushes its code to the pack's master.

import {aliasValueOf, readAliasFiles, type AliasFileProblem, type AliasFiles} from './alias-files.js';
import type {PhpValue} from './php-export-reader.js';

export type AegirPlatform = {
	/** The alias name without '@', e.g. `platform_drupal10`. */
	context: string;
	/** The Drupal root Aegir recorded for the platform. */
	root: string;
	/** The web server (or pack) that serves it, as an alias: `@server_packexamplecom`. */
	webServer?: string;
	/** The server that holds its files (`@server_master`). */
	server?: string;
	makefile?: string;
	file: string;
};

/** A platform alias file: `platform_` then anything, as provision names them. */
export const PLATFORM_ALIAS_FILE = /^platform_.+\.alias\.drushrc\.php$/;

const shown = (value: PhpValue | undefined) => (value === undefined ? 'missing' : value instanceof Map ? 'an array' : JSON.stringify(value));

/** The platform record in one alias value, or why it is not one. */
export function aegirPlatformFromAlias(file: string, context: string, value: PhpValue): AegirPlatform | AliasFileProblem {
	if (!(value instanceof Map)) return {file, message: `the alias ${context} is ${shown(value)}, not an array`};
	if (value.get('context_type') !== 'platform') return {file, message: `context_type is ${shown(value.get('context_type'))}, expected 'platform'`};
	const text = (key: string): string | undefined | AliasFileProblem => {
		const field = value.get(key);
		if (field === undefined || field === null) return undefined;
		return typeof field === 'string' ? field : {file, message: `${key} is ${shown(field)}, expected a string`};
	};

	const fields = {root: text('root'), webServer: text('web_server'), server: text('server'), makefile: text('makefile')};
	for (const field of Object.values(fields)) if (typeof field === 'object') return field;
	const {root, webServer, server, makefile} = fields as Record<keyof typeof fields, string | undefined>;
	if (root === undefined || root.trim() === '') return {file, message: 'root is missing or empty'};
	return {
		context,
		root,
		...(webServer === undefined ? {} : {webServer}),
		...(server === undefined ? {} : {server}),
		...(makefile === undefined ? {} : {makefile}),
		file,
	};
}

/** Parse the bytes of one platform alias file. */
export function parsePlatformAliasFile(file: string, bytes: Uint8Array): AegirPlatform | AliasFileProblem {
	const alias = aliasValueOf(file, bytes);
	if ('message' in alias) return alias;
	return aegirPlatformFromAlias(file, alias.context, alias.value);
}

/** Every platform alias file of an Aegir home, in name order. */
export async function readAegirPlatforms(aegirHome: string): Promise<AliasFiles<AegirPlatform>> {
	return readAliasFiles<AegirPlatform>(aegirHome, PLATFORM_ALIAS_FILE, (file, bytes) => {
		const result = parsePlatformAliasFile(file, bytes);
		return 'message' in result ? {problem: result} : {record: result};
	});
}

/** The platforms the pack serves (their `web_server` is the pack's context), in context order. */
export function platformsOnPack(platforms: readonly AegirPlatform[], packContext: string): AegirPlatform[] {
	return platforms.filter(platform => platform.webServer === `@${packContext}`).sort((a, b) => (a.context < b.context ? -1 : a.context > b.context ? 1 : 0));
}
