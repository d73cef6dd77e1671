#!/usr/bin/env node
// `npm run demo`: the whole aegir-pack flow on one machine. Brings up a lab of
// three Debian hosts (master, web1, web2: real sshd on 127.0.1.1-3), then
// starts the wizard pointed at them, with their host keys already known.
// Needs root on Linux. The lab stays up afterwards so you can ssh in and look.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {HEAD_SETUP, makeAegirTree} from './aegir-tree.mjs';
import {down, labSupport, openLab, up} from './lab.mjs';
import {REPO_DIR} from './lib/config.mjs';
import {run} from './lib/run.mjs';

const log = message => process.stderr.write(`demo: ${message}\n`);

async function main() {
	const support = labSupport();
	if (!support.ok) {
		log(`cannot run the demo here: ${support.reason}`);
		return 1;
	}

	log('building aegir-pack (npm run build)…');
	const build = await run('npm', ['run', 'build', '--silent'], {cwd: REPO_DIR, allowFail: true});
	const cli = path.join(REPO_DIR, 'dist', 'cli.js');
	if (build.code !== 0) {
		if (!fs.existsSync(cli)) {
			log(`the build failed:\n${build.stdout}${build.stderr}`);
			return 1;
		}
		log('warning: the TypeScript build reported errors; starting the last emitted dist/cli.js anyway');
	}

	// A fresh lab every time: what an earlier demo (or test) did to the hosts is gone.
	await down({log, quiet: true});
	const state = await up({names: ['master', 'web1', 'web2'], log});
	// Each head as Aegir's remote server setup leaves it: aegir in www-data (so settings.php keeps its group).
	const lab = openLab();
	for (const host of state.hosts) await lab.exec(host.name, HEAD_SETUP);
	const aegir = seedAegirServer(state.dir, state.hosts.map(host => host.name));

	const {identityFile, sshConfigFile, knownHostsFile} = state;
	const storeDir = path.join(state.dir, 'store');
	process.stderr.write(`
  Lab hosts (real Debian 12 with their own sshd; names resolve between hosts):
${state.hosts.map(host => `    ${host.name.padEnd(8)} ${host.address}`).join('\n')}

  Log in yourself:  ssh -F ${path.relative(process.cwd(), sshConfigFile) || sshConfigFile} web1
  Root, or the sudo user admin, with the lab key ${identityFile}.
  Stop it all:      npm run lab -- down

  Starting the wizard…

`);
	const wizard = spawn(process.execPath, [
		cli,
		...['--store-dir', storeDir, '--ssh-config', sshConfigFile, '--known-hosts', knownHostsFile],
		...['--config-dir', aegir.configDir, '--platforms-dir', aegir.platformsDir],
	], {
		stdio: 'inherit',
		cwd: REPO_DIR,
	});
	const code = await new Promise(resolve => wizard.on('close', (exitCode, signal) => resolve(exitCode ?? (signal ? 130 : 1))));
	process.stderr.write(`\n  The lab is still up: ssh -F ${path.relative(process.cwd(), sshConfigFile) || sshConfigFile} master\n  Stop it: npm run lab -- down\n`);
	return code;
}

/**
 * This machine plays the Aegir server: its config and platforms as provision
 * lays them out (test/lab/aegir-tree.mjs), which aegir-pack rsyncs to the
 * pack: each head its own server_<name>, the code to the master, which
 * shares it over NFS.
 */
function seedAegirServer(dir, heads) {
	const root = path.join(dir, 'aegir');
	fs.rmSync(root, {recursive: true, force: true});
	const {configDir, platformsDir} = makeAegirTree(root, {heads});
	return {configDir, platformsDir};
}

main().then(
	code => process.exit(code),
	error => {
		log(error instanceof Error ? error.message : String(error));
		process.exit(1);
	},
);
