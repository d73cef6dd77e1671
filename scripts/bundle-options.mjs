// How aegir-pack is bundled for Node (esbuild): shared by the build
// (scripts/bundle.mjs) and the first-frame bench, which bundles a minimal Ink
// app the same way to show the floor.
import fs from 'node:fs';
import path from 'node:path';

/**
 * Ink imports its React devtools (react-devtools-core, ws) only when DEV=true.
 * The bundle leaves them out: the stub fails as a missing module would, so
 * Ink prints its own "install react-devtools-core" note instead.
 */
const noDevtools = {
	name: 'no-devtools',
	setup(esbuild) {
		esbuild.onResolve({filter: /^\.\/devtools\.js$/}, args =>
			args.importer.includes(`${path.sep}ink${path.sep}`) ? {path: 'ink-devtools', namespace: 'no-devtools'} : undefined,
		);
		esbuild.onResolve({filter: /^react-devtools-core$/}, () => ({path: 'react-devtools-core', namespace: 'no-devtools'}));
		esbuild.onLoad({filter: /.*/, namespace: 'no-devtools'}, () => ({
			contents: `throw Object.assign(new Error('React devtools are not part of the aegir-pack bundle'), {code: 'ERR_MODULE_NOT_FOUND'});`,
			loader: 'js',
		}));
	},
};

/**
 * Ink's layout engine (yoga-layout) carries its WebAssembly as a data: URL and,
 * where `fetch` exists, reads it through fetch: that loads Node's whole fetch
 * stack (undici) before the first frame, some 20 ms of CPU. Emscripten's own
 * path for runtimes without fetch decodes the same bytes in place: take it.
 */
const YOGA_FETCH = 'w||"function"!=typeof fetch?';
const yogaWithoutFetch = {
	name: 'yoga-without-fetch',
	setup(esbuild) {
		esbuild.onLoad({filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/}, args => {
			const text = fs.readFileSync(args.path, 'utf8');
			// Exactly once, or a new yoga-layout changed its loader: fail the build, do not guess.
			if (text.split(YOGA_FETCH).length !== 2) throw new Error(`${args.path}: the wasm loader changed (no single ${YOGA_FETCH}); review scripts/bundle-options.mjs`);
			return {contents: text.replace(YOGA_FETCH, 'w||true?'), loader: 'js'};
		});
	},
};

/** esbuild options for a Node ESM bundle of an Ink app; add entry points and the output. */
export const bundleOptions = {
	bundle: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	plugins: [noDevtools, yogaWithoutFetch],
	// React's production build only; cli.tsx still sets NODE_ENV for what it runs.
	define: {'process.env.NODE_ENV': '"production"'},
	logOverride: {'assign-to-define': 'silent'},
	// Bundled CommonJS packages require Node's built-ins: give the ESM chunks a require.
	banner: {js: `import {createRequire as __aegirPackRequire} from 'node:module';\nconst require = __aegirPackRequire(import.meta.url);`},
	jsx: 'automatic',
	legalComments: 'none',
	logLevel: 'warning',
};
