// Issue 10, point 4 on the lab: after a head's web server config changed, the
// real apache2 on that head tests it (apache2ctl configtest) and reloads
// gracefully (same parent process, new vhost served). A broken vhost puts the
// previous config back exactly, fails that host with apache's own words, and
// apache keeps serving the old config. The lab hosts share one network
// stack, so each head's apache listens on its own lab address only.
import fs from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, test} from 'vitest';
import {apacheSetup} from '../lab/aegir-tree.mjs';
import {parseRecap, runApply, stepLines, type AegirServer, useLabAndAegirServer} from './helpers/apply-run.js';
import {canRunLab, type Lab} from './helpers/lab.js';

const HOSTS = ['master', 'web1', 'web2'];
const VHOST = 'server_web1/apache/vhost.d/site1.example.com';

if (!canRunLab.ok) console.warn(`[e2e] skipping the web server reload tests: ${canRunLab.reason}`);

/** An HTTP/1.0 GET to a head's own address with this Host header, from inside the head. */
async function get(lab: Lab, host: string, name: string): Promise<string> {
	const address = lab.host(host).address;
	const request = `exec 3<>/dev/tcp/${address}/80; printf 'GET / HTTP/1.0\\r\\nHost: ${name}\\r\\n\\r\\n' >&3; timeout 5 cat <&3`;
	return (await lab.exec(host, `bash -c ${JSON.stringify(request)}`)).stdout;
}

const pidOf = (lab: Lab, host: string) => lab.exec(host, 'cat /run/apache2/apache2.pid').then(result => result.stdout.trim());

describe.skipIf(!canRunLab.ok)('web server config: test, graceful reload, and rollback of a broken change', () => {
	let lab: Lab;
	let server: AegirServer;

	useLabAndAegirServer({names: HOSTS}, (started, seeded) => {
		lab = started;
		server = seeded;
	});

	beforeAll(async () => {
		for (const host of HOSTS) {
			const started = await lab.exec(host, apacheSetup(lab.host(host).address), {timeoutMs: 180_000});
			expect(started.code, `${host}: ${started.stderr}`).toBe(0);
		}
	});

	test('the first apply links each head\'s own config, tests it and reloads apache gracefully', async () => {
		const pids = Object.fromEntries(await Promise.all(HOSTS.map(async host => [host, await pidOf(lab, host)] as const)));
		const result = await runApply(lab, server);
		expect(result.code, result.stdout + result.stderr).toBe(0);
		for (const host of HOSTS) {
			expect(stepLines(result.stdout, host).find(line => line.includes('config test and graceful reload')), host).toMatch(
				/\schanged\s.*apache config tested and reloaded gracefully/,
			);
			expect(await pidOf(lab, host), host).toBe(pids[host]);
			expect(await get(lab, host, 'site1.example.com'), host).toContain('drupal-10 (aegir-pack lab)');
		}
	});

	test('a changed vhost: only that head is tested and reloaded, gracefully, and serves the change', async () => {
		const vhost = path.join(server.configDir, VHOST);
		fs.writeFileSync(vhost, fs.readFileSync(vhost, 'utf8').replace('    ServerName site1.example.com\n', '    ServerName site1.example.com\n    ServerAlias new.example.com\n'));
		const pid = await pidOf(lab, 'web1');
		expect(await get(lab, 'web1', 'new.example.com')).not.toContain('drupal-10 (aegir-pack lab)');

		const result = await runApply(lab, server);
		expect(result.code, result.stdout + result.stderr).toBe(0);
		expect(stepLines(result.stdout, 'web1').find(line => line.includes('config test and graceful reload'))).toMatch(/\schanged\s/);
		for (const host of ['master', 'web2']) {
			expect(stepLines(result.stdout, host).find(line => line.includes('config test and graceful reload')), host).toMatch(/\sok\s.*not reloaded/);
		}
		expect(await pidOf(lab, 'web1')).toBe(pid);
		expect(await get(lab, 'web1', 'new.example.com')).toContain('drupal-10 (aegir-pack lab)');
	});

	test('a broken vhost: the previous config is back, apache keeps serving it, web1 fails with apache\'s words', async () => {
		const broken = path.join(server.configDir, 'server_web1/apache/vhost.d/broken.example.com');
		fs.writeFileSync(broken, '<VirtualHost *:80>\n    ServerName broken.example.com\n    NoSuchDirective on\n</VirtualHost>\n');
		const before = await lab.checksumTree('web1', '/var/aegir/config/server_web1');
		const link = (await lab.exec('web1', 'readlink /var/aegir/config/apache.conf')).stdout;
		const pid = await pidOf(lab, 'web1');

		const result = await runApply(lab, server);
		expect(result.code, result.stdout + result.stderr).toBe(1);
		const recap = parseRecap(result.stdout);
		expect(recap['web1']?.failed).toBe(1);
		for (const host of ['master', 'web2']) expect(recap[host], host).toMatchObject({failed: 0, skipped: 0});
		const web1 = stepLines(result.stdout, 'web1').find(line => line.includes('config test and graceful reload')) ?? '';
		expect(web1).toMatch(/\sfailed\s.*the apache config test failed; apache was not reloaded and keeps running its previous config/);
		expect(result.stdout).toMatch(/^web1\s+stderr: .*Invalid command 'NoSuchDirective'/m);

		expect(await lab.checksumTree('web1', '/var/aegir/config/server_web1')).toEqual(before);
		expect((await lab.exec('web1', 'readlink /var/aegir/config/apache.conf')).stdout).toBe(link);
		expect(await pidOf(lab, 'web1')).toBe(pid);
		expect(await get(lab, 'web1', 'new.example.com')).toContain('drupal-10 (aegir-pack lab)');
		const rejected = await lab.exec('web1', 'tar -tf /var/backups/aegir-pack/*/web-config/rejected.tar');
		expect(rejected.stdout).toContain('server_web1/apache/vhost.d/broken.example.com');

		// Fixed here: the next run syncs, tests and reloads again.
		fs.rmSync(broken);
		const again = await runApply(lab, server);
		expect(again.code, again.stdout + again.stderr).toBe(0);
	});
});
