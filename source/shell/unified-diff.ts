// A small unified diff (the format `diff -u` prints) for the files a step edits,
// so a sysadmin sees exactly which lines of /etc/fstab or the exports drop-in
// change before and after they do. Files here are small: a plain LCS is enough.

export type DiffOptions = {
	oldLabel: string;
	newLabel: string;
	/** Unchanged lines shown around each change. */
	context?: number;
};

type Edit = {kind: ' ' | '-' | '+'; line: string; oldIndex: number; newIndex: number};

/** Lines of a text; a final newline does not make an empty last line. */
export function splitLines(text: string): string[] {
	if (text === '') return [];
	const lines = text.split('\n');
	if (lines.at(-1) === '') lines.pop();
	return lines;
}

// Beyond this many cells the table would cost real memory: show remove-all/add-all.
const MAX_CELLS = 4_000_000;

function edits(oldLines: string[], newLines: string[]): Edit[] {
	const rows = oldLines.length;
	const columns = newLines.length;
	if ((rows + 1) * (columns + 1) > MAX_CELLS) {
		return [
			...oldLines.map((line, index) => ({kind: '-' as const, line, oldIndex: index, newIndex: 0})),
			...newLines.map((line, index) => ({kind: '+' as const, line, oldIndex: rows, newIndex: index})),
		];
	}

	// lengths[i][j]: LCS length of oldLines[i..] and newLines[j..]
	const lengths: Uint32Array[] = [];
	for (let i = 0; i <= rows; i++) lengths.push(new Uint32Array(columns + 1));
	for (let i = rows - 1; i >= 0; i--) {
		const row = lengths[i]!;
		const below = lengths[i + 1]!;
		for (let j = columns - 1; j >= 0; j--) {
			row[j] = oldLines[i] === newLines[j] ? below[j + 1]! + 1 : Math.max(below[j]!, row[j + 1]!);
		}
	}

	const result: Edit[] = [];
	let i = 0;
	let j = 0;
	while (i < rows || j < columns) {
		if (i < rows && j < columns && oldLines[i] === newLines[j]) {
			result.push({kind: ' ', line: oldLines[i]!, oldIndex: i, newIndex: j});
			i++;
			j++;
		} else if (i < rows && (j === columns || lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) {
			// Removals before additions, as diff -u prints them.
			result.push({kind: '-', line: oldLines[i]!, oldIndex: i, newIndex: j});
			i++;
		} else {
			result.push({kind: '+', line: newLines[j]!, oldIndex: i, newIndex: j});
			j++;
		}
	}

	return result;
}

/** `diff -u` style text, or '' when both texts are equal. */
export function unifiedDiff(oldText: string, newText: string, options: DiffOptions): string {
	if (oldText === newText) return '';
	const context = options.context ?? 3;
	const oldLines = splitLines(oldText);
	const newLines = splitLines(newText);
	const all = edits(oldLines, newLines);

	const output = [`--- ${options.oldLabel}`, `+++ ${options.newLabel}`];
	let index = 0;
	while (index < all.length) {
		// Find the next change, then grow a hunk while changes are close together.
		while (index < all.length && all[index]!.kind === ' ') index++;
		if (index >= all.length) break;
		const start = Math.max(0, index - context);
		let end = index;
		let lastChange = index;
		while (end < all.length) {
			if (all[end]!.kind !== ' ') lastChange = end;
			else if (end - lastChange > context * 2) break;
			end++;
		}

		end = Math.min(all.length, lastChange + context + 1);
		const hunk = all.slice(start, end);
		const first = hunk[0]!;
		const oldCount = hunk.filter(edit => edit.kind !== '+').length;
		const newCount = hunk.filter(edit => edit.kind !== '-').length;
		const oldStart = oldCount === 0 ? first.oldIndex : first.oldIndex + 1;
		const newStart = newCount === 0 ? first.newIndex : first.newIndex + 1;
		output.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
		for (const edit of hunk) output.push(`${edit.kind}${edit.line}`);
		index = end;
	}

	const missingNewline = (text: string) => text !== '' && !text.endsWith('\n');
	if (missingNewline(oldText) || missingNewline(newText)) {
		output.push('\\ (a file above does not end with a newline)');
	}

	return `${output.join('\n')}\n`;
}
