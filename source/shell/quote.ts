// Quoting for a POSIX shell on the remote side. Every argument that reaches a
// remote command line goes through `quote`; nothing is ever interpolated raw.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quote one argument so a POSIX shell reads it back as exactly one word. */
export function quote(value: string): string {
	if (value.includes('\0')) throw new Error('a shell argument cannot contain a NUL byte');
	if (value !== '' && SAFE.test(value)) return value;
	return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Quote and join an argv into one command line. */
export function commandLine(argv: readonly string[]): string {
	return argv.map(quote).join(' ');
}
