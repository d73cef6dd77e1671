// The real snapshot and reload scripts, run by /bin/sh against a temp config
// dir: a stand-in apache2ctl (rejects a NoSuchDirective) and a stand-in
// runuser (runs the command as us) are first on PATH. A rejected config is
// put back exactly, link included; a good one is kept and the snapshot forgotten.
import {execFileSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {commandLine} from '../../source/shell/quote.js';
import {SNAPSHOT_SCRIPT, WEB_CONFIG_STATE_SCRIPT, WEB_RELOAD_SCRIPT} from '../../source/shell/web-config-scripts.js';
import {parseWebConfigState} from '../../source/plan/steps/web-config-state.js';
import {LocalShTransport} from './local-sh-transport.js';

const APACHE2CTL = `#!/bin/sh
printf '%s\\n' "$*" >> "$TEST_DIR/apache2ctl.calls"
case $1 in
configtest)
	if grep -rqs NoSuchDirective "$TEST_DIR/config/"; then
		echo "AH00526: Syntax error on line 1 of $TEST_DIR/config/server_web1/apache/vhost.d/broken:" >&2
		echo "Invalid command 'NoSuchDirective', perhaps misspelled or defined by a module not included in the server configuration" >&2
		exit 1
	fi
	echo 'Syntax OK' >&2 ;;
esac
`;
const RUNUSER = `#!/bin/sh
[ "$1" = -u ] && shift 2
[ "$1" = -- ] && shift
exec "$@"
`;

let dir: string;
let cfg: string;
let transport: LocalShTransport;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'aegir-pack-web-'));
	cfg = join(dir, 'config');
	mkdirSync(join(dir, 'bin'));
	for (const [name, script] of [['apache2ctl', APACHE2CTL], ['runuser', RUNUSER]] as const) {
		writeFileSync(join(dir, 'bin', name), script);
		chmodSync(join(dir, 'bin', name), 0o755);
	}
	mkdirSync(join(cfg, 'server_web1/apache/vhost.d'), {recursive: true});
	mkdirSync(join(cfg, 'server_master'), {recursive: true});
	writeFileSync(join(cfg, 'server_web1/apache.conf'), 'Include server_web1/apache/vhost.d\n');
	writeFileSync(join(cfg, 'server_web1/apache/vhost.d/site1'), '<VirtualHost *:80>\n</VirtualHost>\n');
	symlinkSync('/var/aegir/config/server_master/apache.conf', join(cfg, 'apache.conf'));
	transport = new LocalShTransport({env: {PATH: `${join(dir, 'bin')}:${process.env['PATH'] ?? ''}`, TEST_DIR: dir}});
});
afterEach(() => {
	rmSync(dir, {recursive: true, force: true});
});

const pending = () => join(dir, 'lib/web-reload-pending');
const snap = (name = 'snap') => join(dir, name, 'web-config');
const snapshot = (name?: string) => transport.exec(commandLine(['sh', '-c', SNAPSHOT_SCRIPT, 'aegir-pack', cfg, 'aegir', 'server_web1', snap(name), pending()]));
const reload = () => transport.exec(commandLine(['sh', '-c', WEB_RELOAD_SCRIPT, 'aegir-pack', 'apache', cfg, 'aegir', 'server_web1', pending()]));
const tree = () => execFileSync('sh', ['-c', 'cd "$1" && find . | sort && cat server_web1/apache/vhost.d/*', 'tree', cfg], {encoding: 'utf8'});

describe('the snapshot and the reload on a head', () => {
	it('a rejected config is put back, link and all, nothing reloaded, with the tester\'s output', async () => {
		const before = tree();
		expect((await snapshot()).code).toBe(0);
		expect(readFileSync(pending(), 'utf8')).toBe(`${snap()}\n`);
		expect(readFileSync(join(snap(), 'apache.conf.link'), 'utf8')).toBe('/var/aegir/config/server_master/apache.conf\n');

		// The sync brings a broken vhost and points the link at the head's own directory.
		writeFileSync(join(cfg, 'server_web1/apache/vhost.d/broken'), 'NoSuchDirective on\n');
		rmSync(join(cfg, 'apache.conf'));
		symlinkSync('/var/aegir/config/server_web1/apache.conf', join(cfg, 'apache.conf'));

		const result = await reload();
		expect(result.code).toBe(1);
		expect(result.stderr).toContain("Invalid command 'NoSuchDirective'");
		expect(result.stdout).toContain(`aegir-pack: the previous ${cfg}/server_web1 and apache.conf are back (the rejected copy: ${snap()}/rejected.tar)`);
		expect(result.stdout).toContain('aegir-pack: the apache config test failed; apache was not reloaded and keeps running its previous config');
		expect(tree()).toBe(before);
		expect(readlinkSync(join(cfg, 'apache.conf'))).toBe('/var/aegir/config/server_master/apache.conf');
		expect(existsSync(join(snap(), 'rejected.tar'))).toBe(true);
		expect(existsSync(pending())).toBe(false);
		expect(readFileSync(join(dir, 'apache2ctl.calls'), 'utf8')).not.toContain('graceful');
	});

	it('says so when the previous config fails the test too', async () => {
		writeFileSync(join(cfg, 'server_web1/apache/vhost.d/old-broken'), 'NoSuchDirective on\n');
		await snapshot();
		const result = await reload();
		expect(result.code).toBe(1);
		expect(result.stdout).toContain('fails with the previous config too (broken before this change)');
	});

	it('a good config is kept; a server that is not running is not started; the pending note goes', async () => {
		await snapshot();
		writeFileSync(join(cfg, 'server_web1/apache/vhost.d/site2'), '<VirtualHost *:80>\n</VirtualHost>\n');
		const result = await reload();
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).toContain('aegir-pack: apache config tested; apache is not running, so it was not started');
		expect(existsSync(join(cfg, 'server_web1/apache/vhost.d/site2'))).toBe(true);
		expect(existsSync(pending())).toBe(false);
		expect(readFileSync(join(dir, 'apache2ctl.calls'), 'utf8')).toBe('configtest\n');
	});

	it('keeps the first snapshot while a change waits: that is what the web server runs', async () => {
		await snapshot('first');
		writeFileSync(join(cfg, 'server_web1/apache/vhost.d/site2'), 'changed, never reloaded\n');
		await snapshot('second');
		expect(readFileSync(pending(), 'utf8')).toBe(`${snap('first')}\n`);
		expect(existsSync(snap('second'))).toBe(false);
	});

	it('the state script reads the dir, its entries, the pending note and the installed servers', async () => {
		await snapshot();
		const result = await transport.exec(commandLine(['sh', '-c', WEB_CONFIG_STATE_SCRIPT, 'aegir-pack', cfg, 'aegir', pending()]));
		const state = parseWebConfigState(result.stdout);
		expect(state.dir).toEqual({state: 'directory', writable: true});
		expect(state.entries).toEqual(
			expect.arrayContaining([
				{name: 'apache.conf', type: 'link', target: '/var/aegir/config/server_master/apache.conf'},
				{name: 'server_web1', type: 'directory'},
			]),
		);
		expect(state.pending).toBe(snap());
		expect(state.installed).toContain('apache');
	});
});
