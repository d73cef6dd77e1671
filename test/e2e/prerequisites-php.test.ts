// Issue 10 point 7 on the lab: what Aegir's remote-server documentation asks
// beyond the earlier rows — PHP with its MySQL extension, a MySQL client,
// Apache's rewrite module — checked and fixed from the offline package cache,
// and a second run changes nothing. And a head that Aegir's
// aegir3-cluster-slave package set up (a clearly labelled stand-in .deb, built
// here, whose postinst writes the package's fstab line): the table says so,
// and that line is kept as the one entry for the mount point.
import fs from 'node:fs';
import {afterAll, describe, expect, test} from 'vitest';
import {makeAegirHome, type AegirHome} from './helpers/aegir-home.js';
import {applyArgs, parseRecap, stepLines, useLabAndAegirServer, type AegirServer} from './helpers/apply-run.js';
import {runCli, type CliResult} from './helpers/cli.js';
import {runStatus, type StatusReport} from './helpers/rerun.js';
import {canRunLab, type Lab} from './helpers/lab.js';

if (!canRunLab.ok) console.warn(`[e2e] skipping the PHP / MySQL / rewrite prerequisite tests: ${canRunLab.reason}`);

const HOSTS = ['web1', 'web2'];
const SHARE = '/var/aegir/platforms';
const CLUSTER_LINE = `web1:${SHARE} ${SHARE} nfs rw 0 0`;

/** A stand-in for Aegir's aegir3-cluster-slave package: its postinst only writes the fstab line the real one writes. */
const BUILD_CLUSTER_SLAVE = `set -e
d=$(mktemp -d)
mkdir -p "$d/pkg/DEBIAN"
cat >"$d/pkg/DEBIAN/control" <<'EOF'
Package: aegir3-cluster-slave
Version: 7.x-3.190-labstandin
Architecture: all
Maintainer: aegir-pack lab <lab@example.invalid>
Description: aegir-pack LAB STAND-IN for Aegir's cluster slave package (never outside the lab)
 Only its postinst's fstab line, as the real package writes it from aegir/master_mountpoint.
EOF
cat >"$d/pkg/DEBIAN/postinst" <<'EOF'
#!/bin/sh
# aegir-pack LAB STAND-IN: what aegir3-cluster-slave's postinst does to /etc/fstab, nothing else.
set -e
[ "$1" = configure ] || exit 0
mkdir -p ${SHARE}
echo '${CLUSTER_LINE}' >> /etc/fstab
EOF
chmod 0755 "$d/pkg/DEBIAN/postinst"
dpkg-deb --build "$d/pkg" "$d/aegir3-cluster-slave.deb" >/dev/null
dpkg -i "$d/aegir3-cluster-slave.deb" >/dev/null
rm -rf "$d"
`;

const PHP_STATE = `
php -r 'echo extension_loaded("mysqli") && extension_loaded("pdo_mysql") ? "mysqli" : "none";' 2>/dev/null || echo no-php
echo
mysql --version >/dev/null 2>&1 && echo mysql || echo no-mysql
test -e /etc/apache2/mods-enabled/rewrite.load && echo rewrite || echo no-rewrite
`;

/** The ✔/✖ lines of one host's table, by title. */
function rowsOf(stdout: string, host: string): Record<string, string> {
	const lines = stdout.split('\n');
	const start = lines.findIndex(line => line.includes(`${host}: Aegir prerequisites`));
	if (start < 0) throw new Error(`no Aegir prerequisite table for ${host} in:\n${stdout}`);
	const rows: Record<string, string> = {};
	for (const line of lines.slice(start + 1)) {
		const match = /\s([✔✖]) (.{30}) /.exec(line);
		if (!match) {
			if (/^\S+\s+\d+\/\d+ /.test(line)) break;
			continue;
		}
		rows[match[2]!.trim()] ??= match[1]!;
	}

	return rows;
}

describe.skipIf(!canRunLab.ok)('PHP with MySQL, a MySQL client and Apache rewrite on every head; aegir3-cluster-slave heads', () => {
	let lab: Lab;
	let server: AegirServer;
	let home: AegirHome;
	useLabAndAegirServer({names: HOSTS}, (started, seeded) => {
		lab = started;
		server = seeded;
		home = makeAegirHome('apache');
		// The local tree (test/lab/aegir-tree.mjs) drives apache: each head gets its own server_<name>/apache.conf.
	});
	afterAll(() => home?.remove());

	const apply = (extra: string[] = []): Promise<CliResult> =>
		runCli(applyArgs(lab, server, {master: 'web1', slaves: ['web2'], extra: ['--aegir-prerequisites', '--aegir-home', home.dir, '--move-aside', ...extra]}), {
			env: {CI: 'true'},
			timeoutMs: 600_000,
		});

	test('the table shows them ✖, the run installs and enables them from the offline cache, and they work', async () => {
		const built = await lab.exec('web2', BUILD_CLUSTER_SLAVE);
		expect(built.code, built.stderr).toBe(0);
		expect((await lab.readFile('web2', '/etc/fstab'))?.split('\n').filter(line => line.includes(SHARE))).toEqual([CLUSTER_LINE]);

		const started = Date.now();
		const run = await apply();
		console.log(`[e2e] PHP / MySQL / rewrite fix run: ${Date.now() - started} ms`);
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		for (const host of HOSTS) {
			const rows = rowsOf(run.stdout, host);
			expect(rows['PHP with MySQL'], host).toBe('✖');
			expect(rows['MySQL client'], host).toBe('✖');
			expect(rows["Apache's rewrite module"], host).toBe('✖');
			const steps = stepLines(run.stdout, host);
			for (const title of ['PHP with MySQL', 'MySQL client', "Apache's rewrite module"]) {
				expect(steps.find(line => line.includes(`Aegir: ${title}`)), `${host}: ${title}\n${steps.join('\n')}`).toMatch(/\schanged\s/);
			}

			expect((await lab.exec(host, PHP_STATE)).stdout.split('\n').filter(Boolean)).toEqual(['mysqli', 'mysql', 'rewrite']);
		}
	}, 700_000);

	test("aegir3-cluster-slave's head: said so, and its fstab line is the one entry (byte for byte), mounted, healthy", async () => {
		// The run above: the note under web2's table, and its fstab step kept the package's line.
		const run = await apply();
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		expect(run.stdout).toMatch(/web2\s+note: set up by aegir3-cluster-slave 7\.x-3\.190-labstandin/);
		expect(stepLines(run.stdout, 'web2').find(line => line.includes(`fstab entry for ${SHARE}`))).toMatch(/\sok\s.*aegir3-cluster-slave's entry, kept as the one entry/);
		expect((await lab.readFile('web2', '/etc/fstab'))?.split('\n').filter(line => line.includes(SHARE))).toEqual([CLUSTER_LINE]);
		expect((await lab.exec('web2', `findmnt -n -o TARGET ${SHARE}`)).stdout.trim()).toBe(SHARE);
		const status = await runStatus(lab, server, ['--json']);
		const report = JSON.parse(status.stdout) as StatusReport;
		const fstab = report.rows.find(row => row.host === 'web2')!.checks.find(check => check.id === 'fstab')!;
		expect(fstab).toMatchObject({ok: true, detail: expect.stringContaining("aegir3-cluster-slave's entry")});
	}, 700_000);

	test('a second run changes nothing: every row ✔', async () => {
		const run = await apply();
		expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
		for (const host of HOSTS) {
			expect(Object.values(rowsOf(run.stdout, host)).filter(mark => mark === '✖'), host).toEqual([]);
			expect(parseRecap(run.stdout)[host], host).toMatchObject({changed: 0, failed: 0});
		}
	}, 700_000);
});
