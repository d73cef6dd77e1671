// Logging in as a sudo user instead of root, with the key in the user's
// ssh-agent (ssh2 does not read SSH_AUTH_SOCK by itself: the tool passes it).
// Every step runs through sudo; rsync runs as aegir on the host (`sudo -n -u aegir -- rsync`).
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {logDirOf, parseRecap, PACK_NAME, SHARE, type AegirServer, useLabAndAegirServer} from './helpers/apply-run.js';
import {runCli} from './helpers/cli.js';
import {canRunLab, type Lab} from './helpers/lab.js';

describe.skipIf(!canRunLab.ok)('apply as the NOPASSWD sudo user admin, key from ssh-agent', () => {
	let lab: Lab;
	let server: AegirServer;
	let agent: {socket: string; pid: string} | undefined;

	useLabAndAegirServer({names: ['master', 'web1'], heads: ['m1', 'w1']}, (started, seeded) => {
		lab = started;
		server = seeded;
	});

	beforeAll(() => {
		const started = execFileSync('ssh-agent', ['-s'], {encoding: 'utf8'});
		agent = {socket: /SSH_AUTH_SOCK=([^;]+);/.exec(started)![1]!, pid: /SSH_AGENT_PID=(\d+);/.exec(started)![1]!};
		execFileSync('ssh-add', [lab.identityFile], {env: {...process.env, SSH_AUTH_SOCK: agent.socket}, stdio: 'ignore'});
	});

	afterAll(() => {
		if (agent) execFileSync('ssh-agent', ['-k'], {env: {...process.env, SSH_AGENT_PID: agent.pid}, stdio: 'ignore'});
	});

	const apply = () =>
		runCli(
			[
				...['--store-dir', server.storeDir, '--known-hosts', lab.knownHostsFile, '--ssh-config', lab.sshConfigFile],
				...['--host', `m1=admin@${lab.host('master').address}`, '--host', `w1=admin@${lab.host('web1').address}`],
				...['--name', PACK_NAME, '--master', 'm1', '--slave', 'w1', '--subnet', '127.0.1.0/24'],
				...['--config-dir', server.configDir, '--platforms-dir', server.platformsDir, '--yes'],
			],
			{env: {CI: 'true', SSH_AUTH_SOCK: agent!.socket}, timeoutMs: 120_000},
		);

	test('the pack is applied through sudo, files owned by aegir, and a second run changes nothing', async () => {
		const first = await apply();
		expect(first.code, first.stdout + first.stderr).toBe(0);
		expect(first.stdout).toMatch(/m1\s+1\/\d+ reachable, root or sudo\s+ok .*sudo/);
		expect(await lab.readFile('web1', '/etc/fstab')).toContain(`${lab.host('master').address}:${SHARE} ${SHARE} nfs`);
		expect((await lab.exec('web1', 'stat -c %U /var/aegir/config/server_w1/apache.conf')).stdout.trim()).toBe('aegir');
		expect((await lab.exec('master', `stat -c %U ${SHARE}/drupal-10/web/index.php`)).stdout.trim()).toBe('aegir');
		// The receiving rsync ran as aegir, through passwordless sudo to aegir (never to root).
		for (const host of ['m1', 'w1']) {
			expect(fs.readFileSync(path.join(logDirOf(first.stdout), `${host}.log`), 'utf8'), host).toContain("'--rsync-path=sudo -n -u aegir -- rsync'");
		}

		const second = await apply();
		expect(second.code, second.stdout + second.stderr).toBe(0);
		for (const row of Object.values(parseRecap(second.stdout))) expect(row).toMatchObject({changed: 0, failed: 0});
	});
});
