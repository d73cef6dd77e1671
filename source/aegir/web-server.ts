// What Aegir needs to know about a web head's web server: which one runs
// there, where Aegir's config is included from, and which command Aegir runs
// (through sudo) to reload it. Facts in, answers out; nothing here runs.

/** The web servers Aegir drives on a web head (its SSL flavours included). */
export type WebServerKind = 'apache' | 'nginx';

/** Debian packages that provide each web server's binary. */
export const APACHE_PACKAGES = ['apache2'] as const;
export const NGINX_PACKAGES = ['nginx', 'nginx-core', 'nginx-light', 'nginx-full', 'nginx-extras'] as const;

/** The package a fix installs for each kind. */
export const WEB_SERVER_PACKAGE: Record<WebServerKind, string> = {apache: 'apache2', nginx: 'nginx'};

/** Where the web server reads Aegir's config (Apache 2.4 conf-enabled, nginx conf.d). */
export const DEFAULT_INCLUDE_LINK: Record<WebServerKind, string> = {
	apache: '/etc/apache2/conf-enabled/aegir.conf',
	nginx: '/etc/nginx/conf.d/aegir.conf',
};

/** The file under the Aegir home that Aegir's verify points at the server's own config. */
export function includeTarget(kind: WebServerKind, aegirHome: string): string {
	return `${aegirHome.replace(/\/+$/, '')}/config/${kind === 'apache' ? 'apache' : 'nginx'}.conf`;
}

/** Checks the whole web server config; run before and after linking Aegir's include. */
export const CONFIG_TEST_COMMAND: Record<WebServerKind, string> = {
	apache: 'apache2ctl configtest',
	nginx: 'nginx -t',
};

/**
 * The commands Aegir runs through sudo when it does not know better, as
 * provision guesses them on the Aegir server: `apache2ctl graceful`; for nginx
 * `/etc/init.d/nginx reload` when that script exists there, else `nginx -s reload`.
 */
export const DEFAULT_RESTART_PATHS: Record<WebServerKind, readonly string[]> = {
	apache: ['/usr/sbin/apache2ctl'],
	nginx: ['/etc/init.d/nginx', '/usr/sbin/nginx'],
};

export type InstalledWebServers = {apache: boolean; nginx: boolean};

export type WebServerChoice =
	| {state: 'chosen'; kind: WebServerKind; note?: string}
	/** Nothing installed: install `wanted` if known. */
	| {state: 'none'}
	/** Both installed and Aegir did not say which one it uses. */
	| {state: 'ambiguous'}
	/** Aegir's record says one kind, the host runs the other. */
	| {state: 'mismatch'; wanted: WebServerKind; installed: WebServerKind};

/** Which web server Aegir should use on a host, given what is installed and what Aegir's record says. */
export function chooseWebServer(installed: InstalledWebServers, wanted?: WebServerKind): WebServerChoice {
	if (installed.apache && installed.nginx) {
		if (wanted) return {state: 'chosen', kind: wanted, note: `apache2 and nginx are both installed; Aegir uses ${wanted}`};
		return {state: 'ambiguous'};
	}

	const only = installed.apache ? 'apache' : installed.nginx ? 'nginx' : undefined;
	if (!only) return {state: 'none'};
	if (wanted && wanted !== only) return {state: 'mismatch', wanted, installed: only};
	return {state: 'chosen', kind: only};
}

/** apache_ssl → apache, nginx_ssl → nginx; anything else (pack, cluster, none) → undefined. */
export function webServerKindOf(httpServiceType: string | undefined): WebServerKind | undefined {
	if (httpServiceType === 'apache' || httpServiceType === 'apache_ssl') return 'apache';
	if (httpServiceType === 'nginx' || httpServiceType === 'nginx_ssl') return 'nginx';
	return undefined;
}
