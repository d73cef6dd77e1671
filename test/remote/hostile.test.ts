// Hostile values that slipped past validation reach a real /bin/sh on the
// "host" (the test server runs every received command line with sh -c in a
// temp dir). Quoted with quote(), they must arrive as one literal word and
// never run anything: no `pwned` file may appear, directly or through sudo.

import {access, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectHost} from '../../source/remote/connect.js';
import type {SshTransport} from '../../source/remote/ssh-transport.js';
import {commandLine, quote} from '../../source/shell/quote.js';
import {answeringPrompter, startTestServer, type SudoEmulation, type TestServer} from './ssh-test-server.js';

const HOSTILE = [
	`'; touch pwned; '`,
	`$(touch pwned)`,
	'`touch pwned`',
	'x\ntouch pwned\n',
	`'"'"'; touch pwned; '"'"'`,
	`"; touch pwned; "`,
	`\\'; touch pwned; \\'`,
	`; touch pwned`,
	`| touch pwned`,
	`&& touch pwned`,
	`> pwned`,
	`\${IFS}touch\${IFS}pwned`,
	`$((0))$(touch pwned)`,
	`-n; touch pwned`,
	`'\\''; touch pwned #`,
	`*`,
	`~root`,
	'',
];

type Setup = {server: TestServer; transport: SshTransport; dir: string};

async function setup(user: string, sudo?: SudoEmulation, password?: string): Promise<Setup> {
	const dir = await mkdtemp(join(tmpdir(), 'aegir-pack-hostile-'));
	const server = await startTestServer({user, ...(sudo ? {sudo} : {})});
	const knownHosts = join(dir, 'known_hosts');
	await writeFile(knownHosts, `[127.0.0.1]:${server.port} ssh-ed25519 ${server.hostKeyBlob.toString('base64')}\n`);
	const transport = await connectHost(server.host(), {
		knownHostsFiles: [knownHosts],
		globalKnownHostsFiles: [],
		prompter: answeringPrompter(password === undefined ? {} : {sudoPassword: password}),
		sshConfigFile: false,
		agentSocket: false,
		defaultIdentityFiles: [],
	});
	return {server, transport, dir};
}

async function teardown(setup: Setup | undefined): Promise<void> {
	if (!setup) return;
	await setup.transport.close();
	await setup.server.close();
	await rm(setup.dir, {recursive: true, force: true});
}

const pwned = async (server: TestServer) =>
	access(join(server.workDir, 'pwned')).then(
		() => true,
		() => false,
	);

describe.each([
	{label: 'as root', user: 'root', sudo: undefined, password: undefined},
	{label: 'through NOPASSWD sudo (sh -c wrapper)', user: 'admin', sudo: {mode: 'nopasswd'} as const, password: undefined},
	{label: 'through password sudo', user: 'admin', sudo: {mode: 'password', password: 'pw'} as const, password: 'pw'},
])('quoted hostile arguments $label', ({user, sudo, password}) => {
	let context: Setup | undefined;
	beforeAll(async () => {
		context = await setup(user, sudo, password);
	});
	afterAll(async () => {
		await teardown(context);
	});

	it.each(HOSTILE.map(value => [JSON.stringify(value), value]))('%s arrives as one literal word', async (_name, value) => {
		const {server, transport} = context!;
		const result = await transport.exec(`${commandLine(['printf', '%s', value])} > out`, {sudo: sudo !== undefined});
		expect(result.code).toBe(0);
		expect(await readFile(join(server.workDir, 'out'), 'utf8')).toBe(value);
		expect(await pwned(server)).toBe(false);
	});

	it('keeps hostile values in a file path and in stdin inert', async () => {
		const {server, transport} = context!;
		for (const value of HOSTILE.filter(candidate => candidate !== '' && !candidate.includes('/'))) {
			const name = `f-${value}`;
			const result = await transport.exec(`cat > ${quote(name)} && cat ${quote(name)}`, {sudo: sudo !== undefined, stdin: value});
			expect(result).toMatchObject({code: 0, stdout: value});
		}
		expect(await pwned(server)).toBe(false);
	});

	it('the control: an unquoted value does run (the harness would notice a breakout)', async () => {
		const {server, transport} = context!;
		await transport.exec(`printf %s ${HOSTILE[1]!}`, {sudo: sudo !== undefined});
		expect(await pwned(server)).toBe(true);
		await rm(join(server.workDir, 'pwned'));
	});
});
