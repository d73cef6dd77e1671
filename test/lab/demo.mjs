#!/usr/bin/env node
// `npm run demo`: the whole aegir-pack flow on one machine. Brings up a lab of
// three Debian hosts (master, web1, web2: real sshd on 127.0.1.1-3), then
// starts the wizard pointed at them, with their host keys already known.
// Needs root on Linux. The lab stays up afterwards so you can ssh in and look.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {down, labSupport, up} from './lab.mjs';
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
	const aegir = seedAegirServer(state.dir);

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
 * This machine plays the Aegir server: it holds the web server config and the
 * platform code that aegir-pack rsyncs to the pack (config to every web head,
 * code to the master, which shares it over NFS).
 */
function seedAegirServer(dir) {
	const root = path.join(dir, 'aegir');
	const platform = path.join(root, 'platforms', 'drupal-10', 'web');
	fs.mkdirSync(path.join(platform, 'sites', 'default'), {recursive: true});
	fs.writeFileSync(path.join(platform, 'index.php'), '<?php\n// Drupal 10 platform (aegir-pack lab demo)\n');
	fs.mkdirSync(path.join(root, 'config', 'server_master'), {recursive: true});
	fs.writeFileSync(path.join(root, 'config', 'nginx.conf'), '# Aegir web server config (aegir-pack lab demo)\n');
	return {configDir: path.join(root, 'config'), platformsDir: path.join(root, 'platforms')};
}

main().then(
	code => process.exit(code),
	error => {
		log(error instanceof Error ? error.message : String(error));
		process.exit(1);
	},
);
