// Text cut into terminal rows ahead of rendering, so a screen can count and
// scroll its rows exactly (Ink's own wrapping happens too late for that).

/** `text` as rows of at most `width` characters, broken at spaces where possible. */
export function wrapText(text: string, width: number, indent = ''): string[] {
	const max = Math.max(1, width);
	if (text.length <= max) return [text];
	const rows: string[] = [];
	let rest = text;
	let prefix = '';
	while (prefix.length + rest.length > max) {
		const room = Math.max(1, max - prefix.length);
		const space = rest.lastIndexOf(' ', room);
		const cut = space > 0 ? space : room;
		rows.push(prefix + rest.slice(0, cut));
		rest = rest.slice(cut).replace(/^ /, '');
		prefix = indent.length < max ? indent : '';
	}
	rows.push(prefix + rest);
	return rows;
}
