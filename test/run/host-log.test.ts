import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {HostLog} from '../../source/run/host-log.js';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});

function tempDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'host-log-'));
	dirs.push(dir);
	return dir;
}

describe('HostLog', () => {
	it('holds every chunk, in order, with stderr marked, once closed (chunks are written in batches)', async () => {
		const log = new HostLog(tempDir(), 'web1');
		log.command('apt-get install -y nfs-common');
		for (let index = 0; index < 2000; index++) log.output(`line ${index}\n`, index % 2 === 0 ? 'stdout' : 'stderr');
		log.output('no newline yet', 'stdout');
		log.result(0, 12);
		await log.close();

		const lines = readFileSync(log.path, 'utf8').split('\n');
		expect(lines[0]).toMatch(/^\[.+\] \$ apt-get install -y nfs-common$/);
		expect(lines.slice(1, 2001)).toEqual(Array.from({length: 2000}, (_, index) => `${index % 2 === 0 ? '|' : '!'} line ${index}`));
		expect(lines[2001]).toBe('| no newline yet');
		expect(lines[2002]).toMatch(/^\[.+\] exit 0 after 12 ms$/);
	});

	it('more output than one batch holds reaches the file whole', async () => {
		const log = new HostLog(tempDir(), 'master');
		const chunk = `${'x'.repeat(999)}\n`;
		for (let index = 0; index < 300; index++) log.output(chunk, 'stdout');
		await log.close();
		expect(readFileSync(log.path, 'utf8')).toBe(`| ${'x'.repeat(999)}\n`.repeat(300));
	});
});
