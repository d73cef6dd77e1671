import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {Prompter} from '../../source/contracts/prompter.js';
import {connectHost} from '../../source/remote/connect.js';
import type {SshTransport} from '../../source/remote/ssh-transport.js';
import {sudoCommand, SUDO_PROBE} from '../../source/remote/sudo.js';
import {answeringPrompter, startTestServer, type SudoEmulation, type TestServer} from './ssh-test-server.js';

const PASSWORD = "s3cret pass'word";

let dir: string;
let server: TestServer | undefined;
let transport: SshTransport | undefined;

beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'aegir-pack-sudo-'));
});
afterEach(async () => {
	await transport?.close();
	await server?.close();
	transport = undefined;
	server = undefined;
	await rm(dir, {recursive: true, force: true});
});

async function open(user: string, sudo: SudoEmulation | undefined, prompter: Prompter): Promise<{server: TestServer; transport: SshTransport}> {
	server = await startTestServer({user, ...(sudo ? {sudo} : {})});
	const knownHosts = join(dir, 'known_hosts');
	await writeFile(knownHosts, `[127.0.0.1]:${server.port} ssh-ed25519 ${server.hostKeyBlob.toString('base64')}\n`);
	transport = await connectHost(server.host(), {
		knownHostsFiles: [knownHosts],
		globalKnownHostsFiles: [],
		prompter,
		sshConfigFile: false,
		agentSocket: false,
		defaultIdentityFiles: [],
	});
	return {server, transport};
}

describe('sudoCommand', () => {
	it('wraps the quoted command in sh -c, with -k -S -p "" when a password is fed', () => {
		expect(sudoCommand(`echo 'a b' | tee /x`, 'nopasswd')).toBe(`sudo -n -- sh -c 'echo '\\''a b'\\'' | tee /x'`);
		expect(sudoCommand('id -u', 'password')).toBe(`sudo -k -S -p '' -- sh -c 'id -u'`);
	});
});

describe('exec with sudo', () => {
	it('runs commands as-is when logged in as root', async () => {
		const prompter = answeringPrompter();
		const {server, transport} = await open('root', undefined, prompter);
		expect((await transport.exec('echo hi', {sudo: true})).stdout).toBe('hi\n');
		expect(server.commands).toEqual(['echo hi']);
		expect(prompter.passwordQuestions).toEqual([]);
	});

	it('uses NOPASSWD sudo without asking for anything', async () => {
		const prompter = answeringPrompter();
		const {server, transport} = await open('admin', {mode: 'nopasswd'}, prompter);
		const result = await transport.exec('echo "as root" | cat', {sudo: true});
		expect(result).toMatchObject({command: 'echo "as root" | cat', code: 0, stdout: 'as root\n'});
		expect(server.commands).toEqual([SUDO_PROBE, sudoCommand('echo "as root" | cat', 'nopasswd')]);
		expect(prompter.passwordQuestions).toEqual([]);
	});

	it('asks the password once per host, feeds it as the first stdin line, and never lets it out', async () => {
		const prompter = answeringPrompter({sudoPassword: PASSWORD});
		const {server, transport} = await open('admin', {mode: 'password', password: PASSWORD}, prompter);
		const seen: string[] = [];
		const onOutput = (chunk: string) => seen.push(chunk);

		const results = await Promise.all([
			transport.exec('cat > written; echo done', {sudo: true, stdin: 'payload line\n', onOutput}),
			...Array.from({length: 4}, (_, index) => transport.exec(`echo ${index}; echo warn >&2`, {sudo: true, onOutput})),
		]);

		expect(prompter.passwordQuestions).toEqual([{host: 'web1', user: 'admin'}]);
		expect(results.map(result => result.code)).toEqual([0, 0, 0, 0, 0]);
		expect(results[0]).toMatchObject({command: 'cat > written; echo done', stdout: 'done\n'});
		// The command's own stdin arrives intact, after the password line sudo consumed.
		expect(await readFile(join(server.workDir, 'written'), 'utf8')).toBe('payload line\n');
		const index = server.commands.indexOf(sudoCommand('cat > written; echo done', 'password'));
		expect(server.stdins[index]).toBe(`${PASSWORD}\npayload line\n`);
		// Nowhere in results, output or command lines.
		for (const result of results) expect(JSON.stringify(result)).not.toContain('s3cret');
		expect(seen.join('')).not.toContain('s3cret');
		expect(server.commands.join('\n')).not.toContain('s3cret');
	});

	it('feeds stdin bytes after the password line byte for byte (a non-UTF-8 file)', async () => {
		const prompter = answeringPrompter({sudoPassword: PASSWORD});
		const {server, transport} = await open('admin', {mode: 'password', password: PASSWORD}, prompter);
		const bytes = Buffer.from('# syst\xe8me\n', 'latin1');
		expect((await transport.exec('cat > written', {sudo: true, stdin: bytes})).code).toBe(0);
		expect(await readFile(join(server.workDir, 'written'))).toEqual(bytes);
	});

	it('fails every sudo exec clearly when the password is wrong, running nothing else', async () => {
		const prompter = answeringPrompter({sudoPassword: 'wrong'});
		const {server, transport} = await open('admin', {mode: 'password', password: PASSWORD}, prompter);
		const [first, second] = await Promise.all([transport.exec('touch ran-1', {sudo: true}), transport.exec('touch ran-2', {sudo: true})]);
		for (const result of [first!, second!]) {
			expect(result.code).toBe(-1);
			expect(result.stderr).toContain('sudo refused the password for admin on web1');
			expect(result.stderr).not.toContain('wrong');
		}
		expect(prompter.passwordQuestions).toHaveLength(1);
		expect(server.commands.some(command => command.includes('ran-'))).toBe(false);
	});

	it('fails clearly when no password is given', async () => {
		const prompter = answeringPrompter({});
		const {server, transport} = await open('admin', {mode: 'password', password: PASSWORD}, prompter);
		const result = await transport.exec('touch ran', {sudo: true});
		expect(result.code).toBe(-1);
		expect(result.stderr).toContain('sudo needs a password for admin on web1 and none was given');
		expect(server.commands).toEqual([SUDO_PROBE]);
	});

	it('does not use sudo unless asked', async () => {
		const {server, transport} = await open('admin', {mode: 'nopasswd'}, answeringPrompter());
		await transport.exec('echo plain');
		expect(server.commands).toEqual(['echo plain']);
	});
});
