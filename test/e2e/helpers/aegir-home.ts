// The Aegir side of an e2e run without touching this machine's /var/aegir:
// a temp Aegir home (--aegir-home) with the aegir user's ssh key pair, an
// empty known_hosts and drush alias files in the byte format provision writes
// (PHP's var_export, as the fixtures in test/aegir/fixtures show).
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type AliasValue = string | number | boolean | readonly string[];

function phpString(value: string): string {
	return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function phpValue(value: AliasValue): string {
	if (typeof value === 'string') return phpString(value);
	if (typeof value === 'number') return String(value);
	if (typeof value === 'boolean') return value ? 'true' : 'false';
	// var_export puts a nested array on its own line after "=> " (trailing space kept).
	const items = value.map((item, index) => `    ${index} => ${phpString(item)},\n`).join('');
	return `\n  array (\n${items}  )`;
}

/** One alias file as provision writes it: `<?php ` + newline, then `$aliases['name'] = array (…);`. */
export function aliasFileText(context: string, fields: Record<string, AliasValue>): string {
	const lines = Object.entries(fields).map(([key, value]) => `  ${phpString(key)} => ${phpValue(value)},\n`);
	return `<?php \n$aliases[${phpString(context)}] = array (\n${lines.join('')});\n`;
}

/** Fields every server context Aegir saves has. */
function serverFields(remoteHost: string): Record<string, AliasValue> {
	return {context_type: 'server', server: '@server_master', remote_host: remoteHost, aegir_root: '/var/aegir', script_user: 'aegir'};
}

/** Fields of a web server context as Aegir saves them. */
export function webServerFields(remoteHost: string, kind: 'apache' | 'nginx'): Record<string, AliasValue> {
	return {
		...serverFields(remoteHost),
		http_port: 80,
		http_service_type: kind,
		http_restart_cmd: kind === 'apache' ? 'sudo /usr/sbin/apache2ctl graceful' : 'sudo /etc/init.d/nginx reload',
		web_group: 'www-data',
	};
}

/** Fields of a pack context: master and slave lists of `@server_…` names. */
export function packFields(remoteHost: string, masters: string[], slaves: string[]): Record<string, AliasValue> {
	return {
		...serverFields(remoteHost),
		http_service_type: 'pack',
		master_web_servers: masters.map(context => `@${context}`),
		slave_web_servers: slaves.map(context => `@${context}`),
	};
}

export function aliasFileName(context: string): string {
	return `${context}.alias.drushrc.php`;
}

export type AegirHome = {
	dir: string;
	publicKey: string;
	knownHostsFile: string;
	drushDir: string;
	writeAlias(context: string, fields: Record<string, AliasValue>): void;
	remove(): void;
};

/**
 * A temp Aegir home for this machine as the Aegir server: `.ssh/id_ed25519(.pub)`,
 * an empty `.ssh/known_hosts` (so the known-host fix only edits it: creating it
 * would `chown aegir:` it, and this machine has no aegir user), and `.drush` with
 * Aegir's own `server_master` driving `kind`.
 */
export function makeAegirHome(kind: 'apache' | 'nginx' = 'apache'): AegirHome {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aegir-pack-aegir-home-'));
	const sshDir = path.join(dir, '.ssh');
	fs.mkdirSync(sshDir, {mode: 0o700});
	const key = path.join(sshDir, 'id_ed25519');
	execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'aegir@aegir-pack-e2e', '-f', key]);
	const knownHostsFile = path.join(sshDir, 'known_hosts');
	fs.writeFileSync(knownHostsFile, '', {mode: 0o644});
	const drushDir = path.join(dir, '.drush');
	fs.mkdirSync(drushDir);
	const writeAlias = (context: string, fields: Record<string, AliasValue>) => {
		const file = path.join(drushDir, aliasFileName(context));
		fs.writeFileSync(file, aliasFileText(context, fields));
		fs.chmodSync(file, 0o440);
	};

	writeAlias('server_master', webServerFields('aegir.example.com', kind));
	return {
		dir,
		publicKey: fs.readFileSync(`${key}.pub`, 'utf8').trim(),
		knownHostsFile,
		drushDir,
		writeAlias,
		remove: () => fs.rmSync(dir, {recursive: true, force: true}),
	};
}
