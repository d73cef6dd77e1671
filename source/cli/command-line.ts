// How this run names itself in the locks it holds, so that whoever finds one
// held knows which command is working on the pack.
import process from 'node:process';

/** "aegir-pack add-slave pack.example.com web3 --yes" (at most 200 characters). */
export function commandLine(argv: readonly string[] = process.argv.slice(2)): string {
	const line = ['aegir-pack', ...argv].join(' ').replaceAll(/[\u0000-\u001f\u007f]/g, ' ');
	return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
