// The few SGR colours the plain reporter uses when asked (--color); off by default.

const CODES = {red: 31, green: 32, yellow: 33, cyan: 36, dim: 2, bold: 1} as const;

export type Colour = keyof typeof CODES;

export function paint(enabled: boolean, colour: Colour, text: string): string {
	if (!enabled || text === '') return text;
	return `\u001B[${CODES[colour]}m${text}\u001B[0m`;
}
