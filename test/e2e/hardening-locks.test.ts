// One run per pack, on the lab: while an apply runs, a second apply of the same
// pack fails at once (exit 1) naming the pid and start time of the first, which
// itself completes; afterwards the lock is gone and the next run goes ahead.
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {PACK_NAME, parseRecap, runApply, startApply, stepLines, type AegirServer, useLabAndAegirServer} from './helpers/apply-run.js';
import {canRunLab, type Lab} from './helpers/lab.js';

const HOSTS = ['master', 'web1', 'web2'];

describe.skipIf(!canRunLab.ok)('one run per pack', () => {
	let lab: Lab;
	let server: AegirServer;

	useLabAndAegirServer({names: HOSTS}, (started, seeded) => {
		lab = started;
		server = seeded;
	});

	test('a second apply while the first runs exits 1 naming the first (pid, start); the first completes; then the lock is free', async () => {
		const first = startApply(lab, server);
		// The first is working on the hosts.
		await first.waitFor(/^web1\s+\d+\/\d+ /m);
		let firstExited = false;
		void first.done.then(() => (firstExited = true));
		const second = await runApply(lab, server);
		// It failed while the first was still running: it did not wait for it.
		expect(firstExited).toBe(false);
		expect(second.code, second.stdout + second.stderr).toBe(1);
		expect(second.stderr).toMatch(
			new RegExp(`pack ${PACK_NAME.replaceAll('.', '\\.')} is in use by another aegir-pack run: pid \\d+ on \\S+, started \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ \\(aegir-pack .*--name ${PACK_NAME.replaceAll('.', '\\.')}`, 'm'),
		);
		// Nothing of it reached a host: no step line, no recap.
		for (const host of HOSTS) expect(stepLines(second.stdout, host), host).toEqual([]);

		const done = await first.done;
		expect(done.code, done.stdout + done.stderr).toBe(0);
		expect(Object.values(parseRecap(done.stdout)).every(row => row.failed === 0)).toBe(true);
		expect(fs.existsSync(path.join(server.storeDir, 'locks', `${PACK_NAME}.lock`))).toBe(false);

		const third = await runApply(lab, server);
		expect(third.code, third.stdout + third.stderr).toBe(0);
	});
});
