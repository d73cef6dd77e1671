import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {
	MAX_ALIAS_FILE_BYTES,
	aegirPacks,
	aegirServerFromAlias,
	aegirWebServers,
	parseServerAliasFile,
	readAegirServers,
	readFailureMessage,
	type AegirServer,
} from '../../source/aegir/alias-files.js';
import {parsePhpExport} from '../../source/aegir/php-export-reader.js';
import {aegirContextName} from '../../source/pack/validate.js';

const home = path.join(import.meta.dirname, 'fixtures', 'aegir-home');
const drush = path.join(home, '.drush');
const file = (name: string) => path.join(drush, `${name}.alias.drushrc.php`);

const temporary: string[] = [];
afterEach(() => {
	for (const directory of temporary.splice(0)) rmSync(directory, {recursive: true, force: true});
});

function tempHome(): string {
	const directory = mkdtempSync(path.join(tmpdir(), 'aegir-home-'));
	temporary.push(directory);
	mkdirSync(path.join(directory, '.drush'));
	return directory;
}

describe('readAegirServers on the fixture Aegir home', async () => {
	const result = await readAegirServers(home);
	const byContext = new Map(result.servers.map(server => [server.context, server]));

	test('finds the servers, in file name order, and ignores site and platform aliases', () => {
		expect(result.found).toBe(true);
		expect(result.servers.map(server => server.context)).toEqual([
			'server_clusterexamplecom',
			'server_dbexamplecom',
			'server_emptypack',
			'server_master',
			'server_oddstrings',
			'server_packexamplecom',
			'server_web1examplecom',
			'server_web2examplecom',
			'server_web3examplecom',
			'server_web4examplecom',
		]);
	});

	test('an apache server, its port saved as a string', () => {
		expect(byContext.get('server_web1examplecom')).toEqual({
			context: 'server_web1examplecom',
			name: 'web1.example.com',
			remoteHost: 'web1.example.com',
			httpServiceType: 'apache',
			httpPort: 80,
			httpRestartCmd: 'sudo /usr/sbin/apache2ctl graceful',
			scriptUser: 'aegir',
			aegirRoot: '/var/aegir',
			masterWebServers: [],
			slaveWebServers: [],
			file: file('server_web1examplecom'),
		} satisfies AegirServer);
	});

	test('an nginx server on another port, reached by IP address', () => {
		const web2 = byContext.get('server_web2examplecom')!;
		expect(web2).toMatchObject({httpServiceType: 'nginx', httpPort: 8080, remoteHost: '192.0.2.12', httpRestartCmd: 'sudo /etc/init.d/nginx reload'});
		// Its context does not come from its address: the name is the context without server_.
		expect(web2.name).toBe('web2examplecom');
		expect(aegirContextName(web2.name)).toBe(web2.context);
	});

	test("the Aegir server's own context is named master", () => {
		const master = byContext.get('server_master')!;
		expect(master).toMatchObject({name: 'master', remoteHost: 'aegir.example.com', httpServiceType: 'apache'});
		expect(aegirContextName(master.name)).toBe('server_master');
	});

	test('a pack lists its master and slave contexts without the @', () => {
		expect(byContext.get('server_packexamplecom')).toMatchObject({
			name: 'pack.example.com',
			httpServiceType: 'pack',
			masterWebServers: ['server_web1examplecom'],
			slaveWebServers: ['server_web2examplecom', 'server_web3examplecom'],
		});
		expect(byContext.get('server_emptypack')).toMatchObject({masterWebServers: ['server_master'], slaveWebServers: []});
	});

	test('a db-only server has no web service type', () => {
		expect(byContext.get('server_dbexamplecom')?.httpServiceType).toBeUndefined();
		expect(byContext.get('server_dbexamplecom')?.httpPort).toBeUndefined();
	});

	test('a server with awkward strings elsewhere still reads, its restart command exact', () => {
		expect(byContext.get('server_oddstrings')?.httpRestartCmd).toBe(`sudo /usr/sbin/apache2ctl graceful # it's "quoted"`);
	});

	test('every broken file is reported once, with the reason, and skipped', () => {
		const problems = new Map(result.problems.map(problem => [path.basename(problem.file), problem.message]));
		expect([...problems.keys()].sort()).toEqual(
			[
				'server_badlist',
				'server_badport',
				'server_empty',
				'server_garbage',
				'server_handedited',
				'server_latin1',
				'server_noremotehost',
				'server_notaserver',
				'server_renamed',
				'server_truncated',
			].map(name => `${name}.alias.drushrc.php`),
		);
		const about = (name: string) => problems.get(`${name}.alias.drushrc.php`);
		expect(about('server_truncated')).toMatch(/is not an alias file as provision writes it: line \d+, column \d+: the file ends too early/);
		expect(about('server_garbage')).toBe('is not valid UTF-8 text');
		expect(about('server_latin1')).toBe('is not valid UTF-8 text');
		expect(about('server_empty')).toContain('the file ends too early');
		expect(about('server_handedited')).toContain("expected '$aliases[…] = …;'");
		expect(about('server_renamed')).toBe("should hold only the alias 'server_renamed', holds 'server_othername'");
		expect(about('server_notaserver')).toBe("context_type is \"platform\", expected 'server'");
		expect(about('server_noremotehost')).toBe('remote_host is missing or empty');
		expect(about('server_badport')).toBe('http_port is "eighty", expected a port number');
		expect(about('server_badlist')).toBe('master_web_servers is "@server_master", expected a list of servers');
	});

	test('aegirWebServers keeps apache, apache_ssl, nginx and nginx_ssl only', () => {
		expect(aegirWebServers(result.servers).map(server => `${server.context}:${server.httpServiceType}`)).toEqual([
			'server_master:apache',
			'server_oddstrings:apache',
			'server_web1examplecom:apache',
			'server_web2examplecom:nginx',
			'server_web3examplecom:apache_ssl',
			'server_web4examplecom:nginx_ssl',
		]);
	});

	test('aegirPacks keeps packs only (not the older cluster)', () => {
		expect(aegirPacks(result.servers).map(server => server.context)).toEqual(['server_emptypack', 'server_packexamplecom']);
	});
});

describe('readAegirServers on a real directory', () => {
	test('no .drush directory: not found, nothing to report', async () => {
		const directory = mkdtempSync(path.join(tmpdir(), 'aegir-home-'));
		temporary.push(directory);
		expect(await readAegirServers(directory)).toEqual({found: false, servers: [], problems: []});
	});

	test('a .drush that cannot be listed is reported, not taken for "no Aegir"', async () => {
		const directory = mkdtempSync(path.join(tmpdir(), 'aegir-home-'));
		temporary.push(directory);
		writeFileSync(path.join(directory, '.drush'), 'a file, not a directory');
		const result = await readAegirServers(directory);
		expect(result.found).toBe(true);
		expect(result.problems).toEqual([{file: path.join(directory, '.drush'), message: expect.stringContaining('cannot be read (ENOTDIR') as string}]);
	});

	test('an empty .drush directory: found, no servers', async () => {
		expect(await readAegirServers(tempHome())).toEqual({found: true, servers: [], problems: []});
	});

	test('a directory named like an alias file is reported, not read', async () => {
		const directory = tempHome();
		mkdirSync(path.join(directory, '.drush', 'server_dir.alias.drushrc.php'));
		const result = await readAegirServers(directory);
		expect(result.problems).toEqual([{file: path.join(directory, '.drush', 'server_dir.alias.drushrc.php'), message: 'is not a regular file'}]);
	});

	test('a dangling symlink is reported as a link, naming where it points', async () => {
		const directory = tempHome();
		const link = path.join(directory, '.drush', 'server_gone.alias.drushrc.php');
		symlinkSync('/nonexistent/aegir-pack-test', link);
		const result = await readAegirServers(directory);
		expect(result.problems).toEqual([
			{file: link, message: 'is a symbolic link to /nonexistent/aegir-pack-test: skipped (alias files are written by provision, never links)'},
		]);
	});

	// Root reads .drush, which the aegir user writes: a link planted there must not make root read
	// (and print) another file. An intended change: a link to a good alias file was read through before.
	test('a symlink, even to a good alias file, is reported and not followed', async () => {
		const directory = tempHome();
		const link = path.join(directory, '.drush', 'server_web1examplecom.alias.drushrc.php');
		symlinkSync(file('server_web1examplecom'), link);
		const result = await readAegirServers(directory);
		expect(result.servers).toEqual([]);
		expect(result.problems).toEqual([{file: link, message: `is a symbolic link to ${file('server_web1examplecom')}: skipped (alias files are written by provision, never links)`}]);
	});

	test('a link to a secret: no message carries a byte of it', async () => {
		const directory = tempHome();
		const secret = path.join(directory, 'shadow');
		writeFileSync(secret, 'root:$6$secretsalt$secrethash:19000:0:99999:7:::\n');
		symlinkSync(secret, path.join(directory, '.drush', 'server_x.alias.drushrc.php'));
		// The same bytes as a file of its own are not an alias file either: still nothing of them is shown.
		writeFileSync(path.join(directory, '.drush', 'server_y.alias.drushrc.php'), 'root:$6$secretsalt$secrethash:19000:0:99999:7:::\n');
		const result = await readAegirServers(directory);
		expect(result.problems).toHaveLength(2);
		for (const problem of result.problems) expect(problem.message).not.toMatch(/secret|root:/);
	});

	test('a FIFO named like an alias file is reported at once, not waited on', async () => {
		const directory = tempHome();
		const fifo = path.join(directory, '.drush', 'server_fifo.alias.drushrc.php');
		execFileSync('mkfifo', [fifo]);
		const result = await readAegirServers(directory);
		expect(result.problems).toEqual([{file: fifo, message: 'is not a regular file'}]);
	});

	test('an oversized file is reported without being read', async () => {
		const directory = tempHome();
		const big = path.join(directory, '.drush', 'server_big.alias.drushrc.php');
		writeFileSync(big, `<?php\n$aliases['server_big'] = '${'x'.repeat(MAX_ALIAS_FILE_BYTES)}';\n`);
		const result = await readAegirServers(directory);
		expect(result.problems[0]?.message).toMatch(/bytes, far too large for an alias file$/);
	});

	test('files that are not server aliases are left alone', async () => {
		const directory = tempHome();
		for (const name of ['hostmaster.alias.drushrc.php', 'drushrc.php', 'server_x.alias.drushrc.php.bak', 'server_.alias.drushrc.php']) {
			writeFileSync(path.join(directory, '.drush', name), 'garbage');
		}

		expect(await readAegirServers(directory)).toEqual({found: true, servers: [], problems: []});
	});

	test('read failures say what to do', () => {
		const errno = (code: string) => Object.assign(new Error(`${code}: failed`), {code});
		expect(readFailureMessage(errno('EACCES'))).toBe('cannot be read (permission denied: run as root or as the aegir user)');
		expect(readFailureMessage(errno('EPERM'))).toBe('cannot be read (permission denied: run as root or as the aegir user)');
		expect(readFailureMessage(errno('EIO'))).toBe('cannot be read (EIO: failed)');
	});

	test('the fixture directory holds only what make-fixtures.php writes', () => {
		expect(readdirSync(drush).every(name => name.endsWith('.alias.drushrc.php'))).toBe(true);
	});
});

describe('aegirServerFromAlias and parseServerAliasFile', () => {
	const record = (text: string) => parsePhpExport(text);

	test('a server whose context came from its remote_host is named by it', () => {
		const server = aegirServerFromAlias('f', 'server_web9examplecom', record("array ('context_type' => 'server', 'remote_host' => 'web9.example.com')"));
		expect(server).toMatchObject({name: 'web9.example.com', masterWebServers: [], slaveWebServers: []});
	});

	test('NULL optional fields read as absent', () => {
		const server = aegirServerFromAlias(
			'f',
			'server_x',
			record("array ('context_type' => 'server', 'remote_host' => 'x', 'http_service_type' => NULL, 'http_port' => NULL, 'slave_web_servers' => NULL)"),
		);
		expect(server).toMatchObject({httpServiceType: undefined, httpPort: undefined, slaveWebServers: []});
	});

	test("explode(',') of an empty option leaves '' in a list: read as no server", () => {
		const server = aegirServerFromAlias(
			'f',
			'server_p',
			record("array ('context_type' => 'server', 'remote_host' => 'p', 'http_service_type' => 'pack', 'slave_web_servers' => array (0 => ''))"),
		);
		expect(server).toMatchObject({slaveWebServers: []});
	});

	test.each([
		["an alias that is not an array", "'server'", 'the alias server_x is "server", not an array'],
		['a port out of range', "array ('context_type' => 'server', 'remote_host' => 'x', 'http_port' => 70000)", 'http_port is 70000, expected a port number'],
		['a non-string remote_host', "array ('context_type' => 'server', 'remote_host' => 5)", 'remote_host is 5, expected a string'],
		['a blank remote_host', "array ('context_type' => 'server', 'remote_host' => '  ')", 'remote_host is missing or empty'],
		['a list that is a map', "array ('context_type' => 'server', 'remote_host' => 'x', 'slave_web_servers' => array ('a' => '@s'))", 'slave_web_servers is an array, expected a list of servers'],
		['a list of numbers', "array ('context_type' => 'server', 'remote_host' => 'x', 'master_web_servers' => array (0 => 1))", 'master_web_servers holds 1, expected server names'],
		['no context_type', "array ('remote_host' => 'x')", "context_type is missing, expected 'server'"],
	])('reports %s', (_what, text, message) => {
		expect(aegirServerFromAlias('f', 'server_x', record(text))).toEqual({file: 'f', message});
	});

	test('two aliases in one server file are refused', () => {
		const bytes = Buffer.from("<?php\n$aliases['server_a'] = array ('context_type' => 'server', 'remote_host' => 'a');\n$aliases['server_b'] = NULL;\n");
		expect(parseServerAliasFile('/x/server_a.alias.drushrc.php', bytes)).toEqual({
			file: '/x/server_a.alias.drushrc.php',
			message: "should hold only the alias 'server_a', holds 'server_a', 'server_b'",
		});
	});
});
