// A lab host as the Aegir server, for registration through the real CLI:
// this machine has no aegir user and no sudo (and tests must not add them),
// so the CLI runs inside a lab host that has both. node, dist/ and the
// production node_modules are copied into it; the recording drush stand-in
// (test/aegir/drush-recorder/drush, clearly a stand-in) sits in /usr/local/bin,
// first on sudo's secure_path, so `sudo -H -u aegir -- drush …` finds it and
// it records who ran it.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {aliasFileName, aliasFileText, webServerFields, type AliasValue} from './aegir-home.js';
import type {ExecResult, Lab} from './lab.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const RECORDER = path.join(REPO, 'test', 'aegir', 'drush-recorder', 'drush');
/** Where the CLI lives inside the host. */
export const CLI_DIR = '/opt/aegir-pack';
/** Every drush call, one JSON line each (written by the stand-in as aegir). */
export const RECORD_FILE = '/var/tmp/drush-calls.jsonl';
export const STORE_DIR = '/root/aegir-pack-store';
const SSH_CONFIG = '/root/aegir-pack-ssh-config';

/** The stand-in's knobs (DRUSH_RECORDER_*), one `KEY=value` a line: sudo resets the environment, so the wrapper reads them here. */
export const KNOBS_FILE = '/var/tmp/drush-recorder.env';

/** sudo resets the environment: the wrapper names the record file and reads the knobs itself. */
const DRUSH_WRAPPER = `#!/bin/sh
# aegir-pack LAB TEST STAND-IN FOR DRUSH (never outside the lab): records each call, changes nothing.
DRUSH_RECORD_FILE=\${DRUSH_RECORD_FILE:-${RECORD_FILE}}
export DRUSH_RECORD_FILE
if [ -f ${KNOBS_FILE} ]; then
	while IFS='=' read -r key value; do
		case $key in DRUSH_RECORDER_*) export "$key=$value" ;; esac
	done < ${KNOBS_FILE}
fi
exec /usr/local/lib/aegir-pack-test/drush "$@"
`;

/** Production dependencies only: what `node dist/cli.js` loads. */
function productionModules(): string[] {
	const listed = execFileSync('npm', ['ls', '--omit=dev', '--parseable', '--all'], {cwd: REPO, encoding: 'utf8'})
		.trim()
		.split('\n')
		.filter(entry => entry.includes(`${path.sep}node_modules${path.sep}`))
		.sort();
	// A package's own folder holds its nested node_modules: copy each tree once.
	return listed.filter((entry, index) => !listed.slice(0, index).some(parent => entry.startsWith(`${parent}${path.sep}`)));
}

export type AegirServerHost = {
	name: string;
	/** `node dist/cli.js ARGS` inside the host as root, without a terminal. */
	cli(args: string[], timeoutMs?: number): Promise<ExecResult>;
	/** The drush calls recorded so far, in order. */
	calls(): Promise<Array<{argv: string[]; user: string}>>;
	clearCalls(): Promise<void>;
	/** Write `~aegir/.drush/<context>.alias.drushrc.php` as provision does (owned by aegir, 0440). */
	writeAlias(context: string, fields: Record<string, AliasValue>): Promise<void>;
	/** Set the stand-in's knobs for the next calls (replaces the earlier ones; {} clears them). */
	knobs(values: Record<string, string>): Promise<void>;
};

function quote(text: string): string {
	return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Makes `name` an Aegir server: the CLI, the drush stand-in, aegir's key, config and platforms. */
export async function makeAegirServerHost(lab: Lab, name: string, members: string[]): Promise<AegirServerHost> {
	const root = path.join(lab.dir, 'hosts', name, 'root');
	fs.copyFileSync(process.execPath, path.join(root, 'usr/local/bin/node'));
	fs.chmodSync(path.join(root, 'usr/local/bin/node'), 0o755);
	const cliDir = path.join(root, CLI_DIR.slice(1));
	fs.cpSync(path.join(REPO, 'dist'), path.join(cliDir, 'dist'), {recursive: true});
	fs.copyFileSync(path.join(REPO, 'package.json'), path.join(cliDir, 'package.json'));
	for (const module of productionModules()) {
		fs.cpSync(module, path.join(cliDir, path.relative(REPO, module)), {recursive: true, dereference: true});
	}

	fs.mkdirSync(path.join(root, 'usr/local/lib/aegir-pack-test'), {recursive: true});
	fs.copyFileSync(RECORDER, path.join(root, 'usr/local/lib/aegir-pack-test/drush'));
	fs.chmodSync(path.join(root, 'usr/local/lib/aegir-pack-test/drush'), 0o755);
	await lab.writeFile(name, '/usr/local/bin/drush', DRUSH_WRAPPER);
	const sshConfig = members
		.map(member => `Host ${member}\n  HostName ${lab.host(member).address}\n  User root\n  IdentityFile /root/.ssh/id_ed25519\n`)
		.join('\n');
	await lab.writeFile(name, SSH_CONFIG, sshConfig);
	const setup = await lab.exec(
		name,
		`set -e
chmod 0755 /usr/local/bin/drush
: >${RECORD_FILE} && chown aegir: ${RECORD_FILE}
install -d -o aegir -g aegir -m 0700 /var/aegir/.ssh
rm -f /var/aegir/.ssh/id_ed25519 /var/aegir/.ssh/id_ed25519.pub
su -s /bin/sh aegir -c "ssh-keygen -q -t ed25519 -N '' -C aegir@${name} -f /var/aegir/.ssh/id_ed25519"
install -o aegir -g aegir -m 0644 /dev/null /var/aegir/.ssh/known_hosts
install -d -o aegir -g aegir -m 0755 /var/aegir/.drush /var/aegir/config /var/aegir/platforms/drupal-10/web
printf '# Aegir apache config (aegir-pack e2e)\\n' >/var/aegir/config/apache.conf
printf '<?php\\n// Drupal 10 platform (aegir-pack e2e)\\n' >/var/aegir/platforms/drupal-10/web/index.php
chown -R aegir: /var/aegir/config /var/aegir/platforms
`,
	);
	if (setup.code !== 0) throw new Error(`could not make ${name} an Aegir server:\n${setup.stderr}`);

	const host: AegirServerHost = {
		name,
		async cli(args, timeoutMs = 300_000) {
			return lab.exec(name, `cd ${CLI_DIR} && CI=true exec /usr/local/bin/node dist/cli.js ${args.map(quote).join(' ')}`, {timeoutMs});
		},
		async calls() {
			const text = (await lab.readFile(name, RECORD_FILE)) ?? '';
			return text
				.split('\n')
				.filter(Boolean)
				.map(line => JSON.parse(line) as {argv: string[]; user: string});
		},
		async clearCalls() {
			await lab.exec(name, `: >${RECORD_FILE}`);
		},
		async writeAlias(context, fields) {
			const file = `/var/aegir/.drush/${aliasFileName(context)}`;
			// Replaced, not edited: provision rewrites a read-only (0440) alias file the same way.
			await lab.exec(name, `rm -f ${file}`);
			await lab.writeFile(name, file, aliasFileText(context, fields));
			await lab.exec(name, `chown aegir: ${file} && chmod 0440 ${file}`);
		},
		async knobs(values) {
			await lab.writeFile(name, KNOBS_FILE, Object.entries(values).map(([key, value]) => `${key}=${value}\n`).join(''));
		},
	};
	await host.writeAlias('server_master', webServerFields(`${name}.example.com`, 'apache'));
	return host;
}

/** The CLI flags every run inside the Aegir server host shares. */
export function hostFileFlags(): string[] {
	return ['--store-dir', STORE_DIR, '--ssh-config', SSH_CONFIG, '--known-hosts', '/etc/ssh/ssh_known_hosts'];
}
