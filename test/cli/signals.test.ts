import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import process from 'node:process';
import {pathToFileURL} from 'node:url';
import {build} from 'esbuild';
import {afterEach, describe, expect, test} from 'vitest';
import {SIGNAL_EXIT, watchStopSignals, type StopSignal} from '../../source/cli/signals.js';

const REPO = resolve(import.meta.dirname, '../..');

let uninstall: (() => void) | undefined;
afterEach(() => uninstall?.());

describe('watchStopSignals', () => {
	test.each(['SIGTERM', 'SIGHUP', 'SIGINT'] as const)('%s: the first asks to stop after the current command, the second to stop now', signal => {
		const calls: string[] = [];
		uninstall = watchStopSignals({stop: s => calls.push(`stop ${s}`), hardStop: s => calls.push(`hard ${s}`)});
		process.emit(signal, signal);
		expect(calls).toEqual([`stop ${signal}`]);
		process.emit('SIGINT', 'SIGINT');
		expect(calls).toEqual([`stop ${signal}`, 'hard SIGINT']);
	});

	test('the exit codes: 143 terminated, 129 hung up, 130 interrupted', () => {
		expect(SIGNAL_EXIT).toEqual({SIGTERM: 143, SIGHUP: 129, SIGINT: 130} satisfies Record<StopSignal, number>);
	});

	test('uninstalled, it leaves no listener behind', () => {
		const before = ['SIGTERM', 'SIGHUP', 'SIGINT'].map(signal => process.listenerCount(signal));
		watchStopSignals({stop: () => {}, hardStop: () => {}})();
		expect(['SIGTERM', 'SIGHUP', 'SIGINT'].map(signal => process.listenerCount(signal))).toEqual(before);
	});
});

describe('a library that re-sends the signal after its own cleanup', () => {
	test('when-exit (conf\'s atomic writes) does not end the process: the run decides, with the signal\'s exit code', async () => {
		// signals.ts as plain JavaScript for a process of its own (the CLI's bundle does not export it).
		const dir = mkdtempSync(join(tmpdir(), 'aegir-pack-signals-'));
		const signalsModule = join(dir, 'signals.mjs');
		await build({entryPoints: [join(REPO, 'source/cli/signals.ts')], outfile: signalsModule, bundle: true, format: 'esm', platform: 'node', logLevel: 'error'});
		const script = `
			import whenExit from 'when-exit';
			import {watchStopSignals} from ${JSON.stringify(pathToFileURL(signalsModule).href)};
			whenExit(() => process.stderr.write('when-exit cleaned up\\n'));
			const unwatch = watchStopSignals({
				stop(signal) {
					process.stderr.write('stopping after ' + signal + '\\n');
					// The hosts finish their commands: a moment later the run ends with the signal's code.
					setTimeout(() => { unwatch(); process.exitCode = 143; }, 200);
				},
				hardStop() {
					process.stderr.write('hard stop\\n');
				},
			});
			process.stdout.write('ready\\n');
			setTimeout(() => {}, 5000);
		`;
		// From the repository, where when-exit (conf's) is installed.
		const child = spawn(process.execPath, ['--input-type=module', '-e', script], {cwd: REPO, stdio: ['ignore', 'pipe', 'pipe']});
		let stderr = '';
		child.stderr.on('data', chunk => (stderr += String(chunk)));
		await new Promise<void>(resolve => child.stdout.once('data', () => resolve()));
		child.kill('SIGTERM');
		const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
		expect({code, signal}).toEqual({code: 143, signal: null});
		expect(stderr).toContain('stopping after SIGTERM');
		expect(stderr).not.toContain('hard stop');
		rmSync(dir, {recursive: true, force: true});
	}, 20_000);
});
