import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {HostLog} from '../../source/run/host-log.js';
import {QUIET_LOG_LIMIT, RecordingTransport} from '../../source/run/recording-transport.js';
import {FakeTransport} from './fake-transport.js';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});

function recording(output: string) {
	const dir = mkdtempSync(join(tmpdir(), 'recording-'));
	dirs.push(dir);
	const log = new HostLog(dir, 'master');
	const shown: string[] = [];
	const transport = new RecordingTransport(new FakeTransport('master', () => ({output})), {log, onOutput: chunk => shown.push(chunk), isInterrupted: () => false});
	return {log, shown, transport};
}

describe('RecordingTransport', () => {
	it('a quiet read (the facts, with megabytes of tree listings) logs only its first 64 KiB, says how much it left out, and still returns all of it', async () => {
		const listing = 'f 0644 1500 33 12 1700000000 drupal/index.php\n'.repeat(50_000);
		const {log, shown, transport} = recording(listing);
		const result = await transport.quiet().exec('sh -s -- facts');
		await log.close();

		expect(result.stdout).toBe(listing);
		expect(shown).toEqual([]);
		const text = readFileSync(log.path, 'utf8');
		expect(text.length).toBeLessThan(QUIET_LOG_LIMIT * 1.2);
		expect(text).toContain(`(${listing.length - QUIET_LOG_LIMIT} more bytes of this read's output not logged)`);
	});

	it('a command a step runs is logged and shown whole, however long', async () => {
		const output = 'Setting up nfs-common ...\n'.repeat(10_000);
		const {log, shown, transport} = recording(output);
		await transport.exec('apt-get install -y nfs-common');
		await log.close();

		expect(shown.join('')).toBe(output);
		expect(readFileSync(log.path, 'utf8')).not.toContain('not logged');
		expect(readFileSync(log.path, 'utf8').length).toBeGreaterThan(output.length);
	});

	it('a state probe a check runs (quiet) is logged but not shown in the pane: its lines are data, not progress', async () => {
		const {log, shown, transport} = recording('unit\t1\tdisabled\tnot-running-systemd\nss\t0\n');
		const result = await transport.exec('sh -c probe', {quiet: true});
		await log.close();

		expect(result.stdout).toContain('not-running-systemd');
		expect(shown).toEqual([]);
		expect(readFileSync(log.path, 'utf8')).toContain('not-running-systemd');
	});
});
