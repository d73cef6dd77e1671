// A small terminal emulator: enough of VT100/xterm to turn what Ink (or ssh,
// or a shell) writes to a pty into the text a person would see on screen.
// Colours and styles are dropped; cursor moves, erases and scrolling are kept.

export class Screen {
	private lines: string[][];
	private row = 0;
	private col = 0;
	private saved = {row: 0, col: 0};
	private pending = '';

	constructor(
		readonly cols: number,
		readonly rows: number,
	) {
		this.lines = Array.from({length: rows}, () => this.blankLine());
	}

	/** The visible screen, one line per row, trailing blanks trimmed. */
	text(): string {
		return this.lines
			.map(line => line.join('').trimEnd())
			.join('\n')
			.trimEnd();
	}

	write(data: string): void {
		const input = this.pending + data;
		this.pending = '';
		let index = 0;
		while (index < input.length) {
			const char = input[index]!;
			if (char === '\u001B') {
				const consumed = this.escape(input, index);
				if (consumed === 0) {
					// An escape split across writes: keep it for the next chunk.
					this.pending = input.slice(index);
					return;
				}
				index += consumed;
				continue;
			}
			const code = input.codePointAt(index)!;
			const width = code > 0xffff ? 2 : 1;
			index += width;
			this.character(String.fromCodePoint(code));
		}
	}

	private blankLine(): string[] {
		return Array.from({length: this.cols}, () => ' ');
	}

	private character(char: string): void {
		switch (char) {
			case '\r':
				this.col = 0;
				return;
			case '\n':
				this.lineFeed();
				return;
			case '\b':
				this.col = Math.max(0, this.col - 1);
				return;
			case '\t':
				this.col = Math.min(this.cols - 1, (Math.floor(this.col / 8) + 1) * 8);
				return;
			case '\u0007':
				return;
			default:
				if (char < ' ') return;
		}
		if (this.col >= this.cols) {
			this.col = 0;
			this.lineFeed();
		}
		this.lines[this.row]![this.col] = char;
		this.col++;
	}

	private lineFeed(): void {
		if (this.row === this.rows - 1) {
			this.lines.shift();
			this.lines.push(this.blankLine());
		} else this.row++;
	}

	/** Handles one escape sequence at `start`; returns its length, or 0 when incomplete. */
	private escape(input: string, start: number): number {
		const next = input[start + 1];
		if (next === undefined) return 0;
		if (next === '[') {
			const match = /^\u001B\[([?>=!]?)([0-9;:]*)([ -/]*)([@-~])/.exec(input.slice(start));
			if (!match) return input.length - start > 64 ? 2 : 0;
			this.csi(match[1]!, match[2]!, match[4]!);
			return match[0].length;
		}
		if (next === ']' || next === 'P' || next === '_' || next === '^') {
			// OSC / DCS / APC / PM: skip to BEL or ST.
			const rest = input.slice(start + 2);
			const end = /\u0007|\u001B\\/.exec(rest);
			if (!end) return 0;
			return 2 + end.index + end[0].length;
		}
		if (next === '(' || next === ')' || next === '#') return input.length - start >= 3 ? 3 : 0;
		if (next === '7') this.saved = {row: this.row, col: this.col};
		if (next === '8') ({row: this.row, col: this.col} = this.saved);
		if (next === 'M') this.row = Math.max(0, this.row - 1);
		if (next === 'D') this.lineFeed();
		if (next === 'E') {
			this.col = 0;
			this.lineFeed();
		}
		if (next === 'c') this.clear(2);
		return 2;
	}

	private csi(prefix: string, rawParams: string, final: string): void {
		const params = rawParams.split(';').map(part => (part === '' ? undefined : Number.parseInt(part, 10)));
		const n = (index: number, fallback = 1) => params[index] ?? fallback;
		const clampRow = (row: number) => Math.max(0, Math.min(this.rows - 1, row));
		const clampCol = (col: number) => Math.max(0, Math.min(this.cols - 1, col));
		if (prefix === '?') {
			// Alternate screen on/off: start from a clean screen either way.
			if ((final === 'h' || final === 'l') && [47, 1047, 1049].includes(n(0, 0))) this.clear(2);
			return;
		}
		if (prefix !== '') return;
		switch (final) {
			case 'A':
				this.row = clampRow(this.row - n(0));
				break;
			case 'B':
				this.row = clampRow(this.row + n(0));
				break;
			case 'C':
				this.col = clampCol(this.col + n(0));
				break;
			case 'D':
				this.col = clampCol(Math.min(this.col, this.cols - 1) - n(0));
				break;
			case 'E':
				this.row = clampRow(this.row + n(0));
				this.col = 0;
				break;
			case 'F':
				this.row = clampRow(this.row - n(0));
				this.col = 0;
				break;
			case 'G':
			case '`':
				this.col = clampCol(n(0) - 1);
				break;
			case 'd':
				this.row = clampRow(n(0) - 1);
				break;
			case 'H':
			case 'f':
				this.row = clampRow(n(0) - 1);
				this.col = clampCol(n(1) - 1);
				break;
			case 'J':
				this.clear(n(0, 0));
				break;
			case 'K':
				this.eraseLine(n(0, 0));
				break;
			case 'X':
				for (let col = this.col; col < Math.min(this.cols, this.col + n(0)); col++) this.lines[this.row]![col] = ' ';
				break;
			case 'P': {
				const line = this.lines[this.row]!;
				line.splice(this.col, n(0));
				while (line.length < this.cols) line.push(' ');
				break;
			}
			case '@': {
				const line = this.lines[this.row]!;
				line.splice(this.col, 0, ...Array.from({length: n(0)}, () => ' '));
				line.length = this.cols;
				break;
			}
			case 'L':
				for (let i = 0; i < n(0); i++) {
					this.lines.splice(this.row, 0, this.blankLine());
					this.lines.pop();
				}
				break;
			case 'M':
				for (let i = 0; i < n(0); i++) {
					this.lines.splice(this.row, 1);
					this.lines.push(this.blankLine());
				}
				break;
			case 'S':
				for (let i = 0; i < n(0); i++) {
					this.lines.shift();
					this.lines.push(this.blankLine());
				}
				break;
			case 'T':
				for (let i = 0; i < n(0); i++) {
					this.lines.pop();
					this.lines.unshift(this.blankLine());
				}
				break;
			case 's':
				this.saved = {row: this.row, col: this.col};
				break;
			case 'u':
				({row: this.row, col: this.col} = this.saved);
				break;
			default:
			// m (colours), h/l (modes), r (scroll region), n (reports): nothing visible to keep.
		}
	}

	private clear(mode: number): void {
		if (mode === 0) {
			this.eraseLine(0);
			for (let row = this.row + 1; row < this.rows; row++) this.lines[row] = this.blankLine();
		} else if (mode === 1) {
			this.eraseLine(1);
			for (let row = 0; row < this.row; row++) this.lines[row] = this.blankLine();
		} else {
			this.lines = Array.from({length: this.rows}, () => this.blankLine());
		}
	}

	private eraseLine(mode: number): void {
		const line = this.lines[this.row]!;
		const col = Math.min(this.col, this.cols);
		const [from, to] = mode === 0 ? [col, this.cols] : mode === 1 ? [0, col + 1] : [0, this.cols];
		for (let index = from; index < Math.min(to, this.cols); index++) line[index] = ' ';
	}
}
