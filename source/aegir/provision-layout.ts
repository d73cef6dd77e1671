// What Aegir's provision (7.x-3.x) puts where, as data: the config a web head
// may hold under /var/aegir/config, which local paths provision syncs to a head
// and with which drush filters, and what an earlier version of this tool copied
// that provision never would (to be removed).
//
// Sources: Provision_Context_server::sync() (one path, --relative, to
// script_user@host:/), Provision_Service::symlink_service() (<app>.conf made on
// the server itself, pointing at its own server_<name>), pack.php (code to the
// masters only), provision_drupal_push_site() (exclude-sites for the platform,
// files/* and private/* excluded for a site).

import {aegirContextName} from '../pack/validate-fields.js';
import type {RsyncFilter} from '../contracts/transport.js';

/** Where every Aegir server (and web head) keeps its web server config. */
export const AEGIR_CONFIG_DIR = '/var/aegir/config';

export const WEB_APPS = ['apache', 'nginx'] as const;
export type WebApp = (typeof WEB_APPS)[number];

/** A directory entry, by path relative to the directory listed. */
export type TreeEntry = {path: string; type: 'directory' | 'file' | 'link' | 'other'; target?: string};

/** A head's Aegir context: the directory under config/ that is its own. */
export function headContext(hostName: string): string {
	return aegirContextName(hostName);
}

/** The web server config files a head's own directory holds (`server_web1/apache.conf`). */
export function appsIn(entries: readonly TreeEntry[], context: string): WebApp[] {
	return WEB_APPS.filter(app => entries.some(entry => entry.path === `${context}/${app}.conf` && entry.type === 'file'));
}

/** The link provision makes on the head: `<app>.conf` to its own `server_<name>/<app>.conf`. */
export function ownLinkTarget(context: string, app: WebApp): string {
	return `${AEGIR_CONFIG_DIR}/${context}/${app}.conf`;
}

/** What of this machine's config dir reaches a head: its own directory, and the shared includes. */
export function configPaths(entries: readonly TreeEntry[], context: string): string[] {
	const isDirectory = (name: string) => entries.some(entry => entry.path === name && entry.type === 'directory');
	if (!isDirectory(context)) return [];
	return isDirectory('includes') ? [context, 'includes'] : [context];
}

/** provision syncs a site key's directory with `exclude => '*.receipt'` (Provision_Config_Http_Ssl_Site::write). */
export function configFilters(context: string): RsyncFilter[] {
	return [{rule: 'exclude', pattern: `/${context}/ssl.d/*/*.receipt`}];
}

/** drush's `exclude-sites`: a platform's code, without its sites (sites/all excepted). */
export const EXCLUDE_SITES: readonly RsyncFilter[] = [
	{rule: 'include', pattern: 'sites/all'},
	{rule: 'exclude', pattern: 'sites/*'},
];

/** provision's `exclude-paths` for a site pushed to a pack's masters: what users uploaded stays where it is. */
export const SITE_CONTENT = ['files', 'private'] as const;

/** Characters rsync reads as a pattern (or that could not travel as one): such names are refused, not escaped. */
const PATTERN_CHARACTERS = /[*?[\]\\\n\r\0]/;

export function unsafeForFilter(path: string): boolean {
	return PATTERN_CHARACTERS.test(path);
}

/**
 * The filters of one rsync that does provision's two pushes at once: every
 * platform's code with exclude-sites, and each site directory (a path relative
 * to the platforms dir, `drupal-10/web/sites/site1.example.com`) without the
 * contents of its files/ and private/, at any depth as drush's unanchored
 * `files/*` would. Anchored to the transfer root, so one site's rules never
 * touch another's; the first matching rule wins, so the site rules come first.
 * An excluded path is also never deleted (no --delete-excluded).
 */
export function codeFilters(sites: readonly string[]): RsyncFilter[] {
	const filters: RsyncFilter[] = [];
	for (const site of sites) {
		for (const content of SITE_CONTENT) {
			filters.push({rule: 'exclude', pattern: `/${site}/${content}/*`}, {rule: 'exclude', pattern: `/${site}/**/${content}/*`});
		}
	}
	for (const site of sites) filters.push({rule: 'include', pattern: `/${site}`});
	return [...filters, ...EXCLUDE_SITES];
}

/** An entry directly under a head's /var/aegir/config, as the head shows it. */
export type HeadConfigEntry = {name: string; type: TreeEntry['type']; target?: string};

export type ConfigClassification = {
	/** Names to remove: what only an earlier copy of this machine's whole config dir can have left. */
	remove: string[];
	/** Entries not provision's but left alone, with why (for the review). */
	left: string[];
};

/** Which server_<X> a link into /var/aegir/config/server_<X>/… points into, if any. */
function linkedContext(target: string | undefined): string | undefined {
	if (target === undefined) return undefined;
	const relative = target.startsWith(`${AEGIR_CONFIG_DIR}/`) ? target.slice(AEGIR_CONFIG_DIR.length + 1) : target.startsWith('/') ? undefined : target;
	const match = relative === undefined ? undefined : /^(server_[^/]+)\//.exec(relative);
	return match?.[1];
}

/**
 * What may go from a head's /var/aegir/config (provision's layout for head
 * `context`: its own server_<name>/, includes/, the <app>.conf link to its own
 * directory). An entry is removed only when it is not provision's for this
 * head AND this machine's config dir has an entry of the same name (so it can
 * only have come from the earlier whole-directory copy): another server's
 * directory (its vhosts and site keys), the central ssl.d key store, an
 * <app>.conf link into another server's directory. A web server that is
 * installed keeps its <app>.conf link when there is no own one to point it at
 * (its include would break), and no directory a kept link points into is
 * removed. Dot entries are never looked at. Anything else is left, and said.
 */
export function classifyConfigEntries(
	context: string,
	head: readonly HeadConfigEntry[],
	localNames: ReadonlySet<string>,
	installedApps: readonly WebApp[],
): ConfigClassification {
	const remove: string[] = [];
	const left: string[] = [];
	const live = new Map<string, string>();
	for (const entry of head) {
		const app = /^(apache|nginx)\.conf$/.exec(entry.name)?.[1] as WebApp | undefined;
		if (app === undefined || entry.type !== 'link') continue;
		const into = linkedContext(entry.target);
		if (into === context) continue;
		if (localNames.has(entry.name) && into !== undefined && !installedApps.includes(app)) {
			remove.push(entry.name);
			continue;
		}
		if (into !== undefined) live.set(into, entry.name);
		left.push(`${entry.name} → ${entry.target ?? '?'}${installedApps.includes(app) ? ` (${app} is installed and has no ${context}/${app}.conf here to point at)` : ''}`);
	}
	for (const entry of head) {
		const {name} = entry;
		if (name.startsWith('.') || name === context || name === 'includes' || /^(apache|nginx)\.conf$/.test(name)) continue;
		const foreign = entry.type === 'directory' && (/^server_/.test(name) || name === 'ssl.d');
		if (!foreign || !localNames.has(name)) left.push(name);
		else if (live.has(name)) left.push(`${name} (${live.get(name)!} still points into it)`);
		else remove.push(name);
	}
	return {remove: remove.sort(), left};
}
