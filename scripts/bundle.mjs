#!/usr/bin/env node
// `npm run build`: the published command as an ESM bundle in dist/ (cli.js,
// plus the chunks it imports on demand, so the first screen loads only what
// it shows). Everything but ssh2 is bundled: the package then needs ssh2
// alone at run time. Types are checked by `npm run typecheck`, not here.
// `--sizes` prints each output's size.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import {bundleOptions} from './bundle-options.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(REPO, 'dist');

// Nothing of an earlier build (or of the old tsc output) may end up in the package.
fs.rmSync(OUT, {recursive: true, force: true});
const result = await build({
	...bundleOptions,
	absWorkingDir: REPO,
	entryPoints: {cli: 'source/cli.tsx'},
	outdir: OUT,
	// Chunks for the dynamic imports: the run, the commands and ssh2's callers load only when used.
	splitting: true,
	chunkNames: 'chunks/[name]-[hash]',
	// ssh2 stays a dependency: its optional native binding (and cpu-features) cannot be bundled.
	external: ['ssh2'],
	metafile: true,
});
fs.chmodSync(path.join(OUT, 'cli.js'), 0o755);

if (process.argv.includes('--sizes')) {
	for (const [file, output] of Object.entries(result.metafile.outputs)) process.stdout.write(`${(output.bytes / 1024).toFixed(0).padStart(6)} KiB  ${file}\n`);
}
