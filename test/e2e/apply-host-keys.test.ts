// Host keys without a person at the keyboard: an unknown key is refused (the
// fingerprint named, nothing run), --accept-new-host-keys records it, and a
// changed key is refused with the known_hosts file and line named, before a
// single command runs on that host.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {stripVTControlCharacters} from 'node:util';
import {describe, expect, test} from 'vitest';
import {
	applyArgs,
	logDirOf,
	parseRecap,
	runApply,
	snapshot,
	stepLines,
	type AegirServer,
	useLabAndAegirServer,
} from './helpers/apply-run.js';
import {canRunLab, type Lab} from './helpers/lab.js';
import {spawnCliPty} from './helpers/cli.js';

const HOSTS = ['master', 'web1', 'web2'];

/** The newest run's log directory under the store (a terminal run prints it only in its summary). */
function newestLogDir(server: AegirServer): string {
	const logs = path.join(server.storeDir, 'logs');
	return path.join(logs, fs.readdirSync(logs).sort().at(-1)!);
}

/** The commands a host's run log says were run on it (`[time] $ command`). */
function commandsLogged(logDir: string, host: string): string[] {
	const file = path.join(logDir, `${host}.log`);
	if (!fs.existsSync(file)) return [];
	return fs.readFileSync(file, 'utf8').split('\n').filter(line => /^\[[^\]]+\] \$ /.test(line));
}

describe.skipIf(!canRunLab.ok)('apply meeting host keys it does not know', () => {
	let lab: Lab;
	let server: AegirServer;
	let knownHosts: string;

	useLabAndAegirServer({names: HOSTS, writeKnownHosts: false}, (started, seeded) => {
		lab = started;
		server = seeded;
		knownHosts = path.join(server.dir, 'known_hosts');
		fs.writeFileSync(knownHosts, fs.readFileSync(lab.knownHostsFile, 'utf8'));
	});

	test('unknown host keys are refused non-interactively: exit 1, each fingerprint named, nothing run anywhere', async () => {
		expect(fs.readFileSync(knownHosts, 'utf8')).toBe('');
		const before = await snapshot(lab, HOSTS, ['/etc', '/var/aegir']);
		const result = await runApply(lab, server, {knownHosts});
		expect(result.code, result.stdout + result.stderr).toBe(1);
		const logDir = logDirOf(result.stdout);
		const recap = parseRecap(result.stdout);
		for (const host of HOSTS) {
			const {hostKeyFingerprint} = lab.host(host);
			const failed = stepLines(result.stdout, host).find(line => /\sfailed\s/.test(line)) ?? '';
			expect(failed, host).toContain(hostKeyFingerprint);
			expect(failed, host).toMatch(/unknown host key/i);
			expect(failed, host).toContain('--accept-new-host-keys');
			expect(recap[host]).toMatchObject({ok: 0, changed: 0, failed: 1});
			expect(commandsLogged(logDir, host), host).toEqual([]);
		}
		expect(fs.readFileSync(knownHosts, 'utf8')).toBe('');
		expect(await snapshot(lab, HOSTS, ['/etc', '/var/aegir'])).toEqual(before);
	});

	test('--accept-new-host-keys connects and appends each key to known_hosts', async () => {
		const result = await runApply(lab, server, {knownHosts, extra: ['--accept-new-host-keys', '--dry-run']});
		expect(result.code, result.stdout + result.stderr).toBe(0);
		const lines = fs.readFileSync(knownHosts, 'utf8').split('\n').filter(Boolean);
		for (const host of HOSTS) {
			const {address, hostKey, hostKeyFingerprint} = lab.host(host);
			expect(lines.filter(line => line.endsWith(` ${hostKey}`)), host).toEqual([`${address} ${hostKey}`]);
			// Said on the output, as ssh's "Permanently added": which key was trusted, and where it went.
			expect(result.stdout, host).toMatch(new RegExp(`^${host}\\s+accepting new ssh-ed25519 key ${hostKeyFingerprint.replaceAll('+', '\\+')} .*${knownHosts}`, 'm'));
		}
		expect(lines).toHaveLength(HOSTS.length);
		// Now known: a run without the flag connects as well.
		const again = await runApply(lab, server, {knownHosts, extra: ['--dry-run']});
		expect(again.code, again.stdout + again.stderr).toBe(0);
		expect(fs.readFileSync(knownHosts, 'utf8').split('\n').filter(Boolean)).toEqual(lines);
	});

	test('in a terminal, --accept-new-host-keys says each key it accepts (fingerprint, file) and writes it to that host\'s log', async () => {
		const freshKnownHosts = path.join(server.dir, 'known_hosts-terminal');
		fs.writeFileSync(freshKnownHosts, '');
		const session = spawnCliPty(applyArgs(lab, server, {knownHosts: freshKnownHosts, extra: ['--accept-new-host-keys', '--dry-run']}));
		let code: number;
		try {
			code = await session.exit;
		} finally {
			session.kill();
		}
		// Everything the terminal was sent, as a person read it (wrapped lines joined).
		const shown = stripVTControlCharacters(session.output()).replaceAll(/\s+/g, ' ');
		expect(code, shown).toBe(0);
		const logDir = newestLogDir(server);
		for (const host of HOSTS) {
			const {address, hostKeyFingerprint} = lab.host(host);
			const line = `accepting new ssh-ed25519 key ${hostKeyFingerprint} of ${address} port 22 (--accept-new-host-keys), adding it to ${freshKnownHosts}`;
			expect(shown, host).toContain(`${host}: ${line}`);
			expect(fs.readFileSync(path.join(logDir, `${host}.log`), 'utf8'), host).toContain(line);
		}
		expect(fs.readFileSync(freshKnownHosts, 'utf8').split('\n').filter(Boolean)).toHaveLength(HOSTS.length);
	});

	test('a changed host key is refused with the file and line named, and no command runs on that host', async () => {
		// web2's recorded key replaced by another (as after a reinstall, or a machine in the middle).
		const other = path.join(server.dir, 'other_key');
		execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', other]);
		const otherKey = fs.readFileSync(`${other}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
		const web2 = lab.host('web2');
		const lines = fs.readFileSync(knownHosts, 'utf8').split('\n').filter(Boolean);
		const lineIndex = lines.findIndex(line => line === `${web2.address} ${web2.hostKey}`);
		expect(lineIndex).toBeGreaterThanOrEqual(0);
		lines[lineIndex] = `${web2.address} ${otherKey}`;
		const changed = `${lines.join('\n')}\n`;
		fs.writeFileSync(knownHosts, changed);

		const before = await lab.checksumTree('web2', '/etc');
		const result = await runApply(lab, server, {knownHosts, extra: ['--accept-new-host-keys']});
		expect(result.code, result.stdout + result.stderr).toBe(1);
		const failed = stepLines(result.stdout, 'web2').find(line => /\sfailed\s/.test(line)) ?? '';
		expect(failed).toMatch(/changed|mismatch|does not match/i);
		expect(failed).toContain(web2.hostKeyFingerprint);
		expect(failed).toContain(`${knownHosts} line ${lineIndex + 1}`);
		expect(parseRecap(result.stdout)['web2']).toMatchObject({ok: 0, changed: 0, failed: 1});
		expect(commandsLogged(logDirOf(result.stdout), 'web2')).toEqual([]);
		expect(await lab.checksumTree('web2', '/etc')).toEqual(before);
		expect(await lab.readFile('web2', '/var/aegir/config/server_web2/apache.conf')).toBeUndefined();
		// Refused even with --accept-new-host-keys, and the file is left as it was.
		expect(fs.readFileSync(knownHosts, 'utf8')).toBe(changed);
		// The hosts whose keys match are applied as usual.
		const recap = parseRecap(result.stdout);
		expect(recap['master']?.failed).toBe(0);
		expect(recap['web1']?.failed).toBe(0);
	});
});
