// The published package on its own, as a sysadmin gets it: `npm pack` of this
// checkout (its prepack builds the bundle), installed into an empty prefix
// with production dependencies only. The tarball holds the bundle and the
// package's papers, nothing else; the installed command needs none of the
// packages it bundles, answers --help and --version, and dry-runs a pack on
// the lab without changing a file.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {applyArgs, EXPORTS_DROP_IN, SHARE, snapshot, type AegirServer, useLabAndAegirServer} from './helpers/apply-run.js';
import {canRunLab, type Lab} from './helpers/lab.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const HOSTS = ['master', 'web1', 'web2'];
const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {version: string}).version;

/** What the tarball may hold: the bundle (entry and chunks), package.json, README, license. */
const ALLOWED = /^package\/(package\.json|README\.md|LICENSE|dist\/cli\.js|dist\/chunks\/[\w-]+\.js)$/;
/** Bundled into dist/: an install that needed them would not be on its own. */
const BUNDLED = ['ink', 'react', 'conf', 'ajv', 'meow', '@inkjs', 'ink-select-input', 'ink-text-input', 'ssh-config', 'ipaddr.js', 'yoga-layout'];

type Result = {code: number; stdout: string; stderr: string};

function run(command: string, args: string[], options: {cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number}): Promise<Result> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
		child.on('error', reject);
		child.on('close', code => {
			clearTimeout(timer);
			resolve({code: code ?? -1, stdout, stderr});
		});
	});
}

describe.skipIf(!canRunLab.ok)('the packed tarball, installed with production dependencies only', () => {
	let lab: Lab;
	let server: AegirServer;
	let dir: string;
	let tarball: string;
	let prefix: string;

	// Before the lab: packing and installing need none of it.
	beforeAll(async () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aegir-pack-package-'));
		const packed = await run('npm', ['pack', '--pack-destination', dir], {cwd: REPO});
		expect(packed.code, packed.stdout + packed.stderr).toBe(0);
		const [file] = fs.readdirSync(dir).filter(name => name.endsWith('.tgz'));
		expect(file, `no tarball in ${dir}`).toBeDefined();
		tarball = path.join(dir, file!);
		// An empty prefix, outside the repository: nothing can be found in its node_modules.
		prefix = path.join(dir, 'prefix');
		fs.mkdirSync(prefix);
		const installed = await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', '--prefix', prefix, tarball], {cwd: dir});
		expect(installed.code, installed.stdout + installed.stderr).toBe(0);
	}, 600_000);

	afterAll(() => {
		if (dir) fs.rmSync(dir, {recursive: true, force: true});
	});

	useLabAndAegirServer({names: HOSTS}, (started, seeded) => {
		lab = started;
		server = seeded;
	});

	/** The installed `aegir-pack` as a user runs it: its bin link, from a directory of no project. */
	const aegirPack = (args: string[], env: NodeJS.ProcessEnv = {}) =>
		run(path.join(prefix, 'node_modules', '.bin', 'aegir-pack'), args, {
			cwd: dir,
			env: {...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env['PATH'] ?? ''}`, ...env},
			timeoutMs: 120_000,
		});

	test('the tarball holds the bundle, package.json, README and license: no tests, lab, sources, maps or tsc output', async () => {
		const listed = await run('tar', ['-tzf', tarball], {cwd: dir});
		expect(listed.code, listed.stderr).toBe(0);
		const files = listed.stdout.trim().split('\n');
		expect(files.filter(file => !ALLOWED.test(file))).toEqual([]);
		for (const needed of ['package/package.json', 'package/README.md', 'package/LICENSE', 'package/dist/cli.js']) expect(files).toContain(needed);
		expect(files.some(file => file.startsWith('package/dist/chunks/'))).toBe(true);
	});

	test('the install holds aegir-pack and its runtime dependency ssh2, none of the bundled packages', () => {
		const modules = fs.readdirSync(path.join(prefix, 'node_modules'));
		expect(modules).toContain('aegir-pack');
		expect(modules).toContain('ssh2');
		expect(modules.filter(name => BUNDLED.includes(name))).toEqual([]);
	});

	test('--help and --version answer from the install', async () => {
		const help = await aegirPack(['--help']);
		expect(help.code, help.stderr).toBe(0);
		expect(help.stdout).toContain('$ aegir-pack add-slave <pack> <host>...');
		expect(help.stdout).toContain('--dry-run');
		const version = await aegirPack(['--version']);
		expect({code: version.code, stdout: version.stdout, stderr: version.stderr}).toEqual({code: 0, stdout: `${VERSION}\n`, stderr: ''});
	});

	test('--dry-run against the lab shows what it would change (exports drop-in, fstab lines) and changes nothing', async () => {
		const dirs = ['/etc', '/var/aegir'];
		const before = await snapshot(lab, HOSTS, dirs);
		const result = await aegirPack(applyArgs(lab, server, {extra: ['--dry-run']}), {CI: 'true'});
		expect(result.code, result.stdout + result.stderr).toBe(0);
		expect(result.stdout).toContain('dry run');
		expect(result.stdout).toMatch(new RegExp(`^master\\s+\\| \\+\\+\\+ ${EXPORTS_DROP_IN.replaceAll('.', '\\.')}`, 'm'));
		for (const slave of ['web1', 'web2']) expect(result.stdout).toContain(`${slave}      | --- /etc/fstab`);
		expect(await snapshot(lab, HOSTS, dirs)).toEqual(before);
		for (const host of HOSTS) expect((await lab.exec(host, `test -e ${SHARE}`)).code, `${SHARE} on ${host}`).not.toBe(0);
	});
});
