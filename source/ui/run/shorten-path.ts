// Paths under the home directory read better (and fit 80 columns) as `~/…`.

export function shortenHome(path: string, home: string | undefined): string {
	if (!home || home === '/') return path;
	if (path === home) return '~';
	return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}
