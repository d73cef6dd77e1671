// The real CLI in a real 80x24 pseudo-terminal, as a sysadmin sees it over
// SSH: while the pack is applied there is one pane per host, and when the run
// ends the recap table stays on screen.
import {describe, expect, test} from 'vitest';
import {applyArgs, SHARE, type AegirServer, useLabAndAegirServer} from './helpers/apply-run.js';
import {spawnCliPty} from './helpers/cli.js';
import {canRunLab, type Lab} from './helpers/lab.js';

const HOSTS = ['master', 'web1', 'web2'];

describe.skipIf(!canRunLab.ok)('apply in an 80x24 terminal', () => {
	let lab: Lab;
	let server: AegirServer;

	useLabAndAegirServer({names: HOSTS}, (started, seeded) => {
		lab = started;
		server = seeded;
	});

	test('per-host panes while running, then the recap table; exit 0 and the pack applied', async () => {
		const session = spawnCliPty(applyArgs(lab, server), {cols: 80, rows: 24});
		// Every screen seen while the run is going (sampled; the spinners redraw often).
		const running: string[] = [];
		let exited = false;
		void session.exit.then(() => (exited = true));
		try {
			while (!exited) {
				running.push(session.screen());
				await new Promise(resolve => setTimeout(resolve, 50));
			}
			const code = await session.exit;
			const final = session.screen();
			expect(code, final).toBe(0);

			// A screen mid-run with a pane for each host at once, each showing its progress.
			// A pane: a header line (status, host, role, address) followed by its current step `N/M title`.
			const paneOf = (host: string) => new RegExp(`^\\S\\s${host}\\s+(master\\+NFS|slave)\\s+${lab.host(host).address.replaceAll('.', '\\.')}\\b.*\\n\\s+\\d+/\\d+ \\S`, 'm');
			const panes = running.filter(screen => /^aegir-pack · 3 hosts/m.test(screen) && HOSTS.every(host => paneOf(host).test(screen)));
			expect(panes.length, `no screen with all three panes; last seen:\n${running.at(-1) ?? ''}`).toBeGreaterThan(0);
			// Each frame replaces the last: no screen ever shows a host's pane, or the title, twice
			// (a redraw that lost track of the cursor leaves stale copies stacked up).
			const headerOf = (host: string) => new RegExp(`^\\S\\s${host}\\s+(master\\+NFS|slave)\\s`, 'gm');
			for (const screen of running) {
				expect(screen.match(/^aegir-pack · 3 hosts/gm)?.length ?? 0, screen).toBeLessThanOrEqual(1);
				for (const host of HOSTS) expect(screen.match(headerOf(host))?.length ?? 0, screen).toBeLessThanOrEqual(1);
			}
			const busy = panes.find(screen => /packages|fstab|exports|mount/.test(screen)) ?? panes[0]!;
			for (const line of busy.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
			expect(busy.split('\n').length).toBeLessThanOrEqual(24);
			if (process.env['AEGIR_E2E_SHOW_SCREEN']) console.log(`a screen mid-run:\n${busy}`);

			// The recap table at the end, one row per host with its counts.
			expect(final).toMatch(/RECAP\s+ok\s+changed\s+failed\s+skipped/);
			expect(final).toMatch(/^Exit 0: /m);
			for (const host of HOSTS) expect(final).toMatch(new RegExp(`^\\S?\\s*${host}\\s+\\d+\\s+\\d+\\s+0\\s+0\\b`, 'm'));
		} finally {
			session.kill();
		}
		expect((await lab.exec('web1', `findmnt -n -o TARGET ${SHARE}`)).stdout).toBe(`${SHARE}\n`);
	});
});

describe.skipIf(!canRunLab.ok)('Ctrl-C during a run in an 80x24 terminal', () => {
	let lab: Lab;
	let server: AegirServer;

	useLabAndAegirServer({names: HOSTS}, (started, seeded) => {
		lab = started;
		server = seeded;
	});

	test('asks first; on y each host stops after its current command, the recap shows what ran, exit 130', async () => {
		const session = spawnCliPty(applyArgs(lab, server), {cols: 80, rows: 24});
		try {
			// The read-only checks are over and packages are going in: a good moment to change one's mind.
			await session.waitFor(/\d+\/\d+ packages/, 60_000);
			session.write('\u0003');
			await session.waitFor(/Stop after each host's current command\? \[y\/N\]/);
			session.write('y');
			const code = await session.exit;
			const final = session.screen();
			expect(code, final).toBe(130);
			expect(final).toMatch(/RECAP\s+ok\s+changed\s+failed\s+skipped/);
			expect(final).toMatch(/interrupted/i);
			// Every host stopped early: each has steps left over, reported skipped.
			for (const host of HOSTS) expect(final).toMatch(new RegExp(`^\\S?\\s*${host}\\s+\\d+\\s+\\d+\\s+\\d+\\s+[1-9]\\d*\\b`, 'm'));
		} finally {
			session.kill();
		}
		// Every file edit is atomic: fstab on a slave is either untouched or complete, and always valid.
		for (const host of ['web1', 'web2']) expect((await lab.exec(host, 'findmnt --verify --tab-file /etc/fstab')).code, host).toBe(0);
	});
});
