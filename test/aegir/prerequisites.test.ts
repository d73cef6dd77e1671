import {describe, expect, test} from 'vitest';
import type {AegirServer} from '../../source/aegir/alias-files.js';
import type {FixCommand} from '../../source/aegir/prerequisite-types.js';
import {describeSafeEdit, expectedFrom} from '../../source/shell/safe-edit.js';
import {prerequisiteLines} from '../../source/aegir/prerequisite-table.js';
import {checkPrerequisites, prerequisitesMet, type PrerequisiteId, type PrerequisiteRow} from '../../source/aegir/prerequisites.js';
import {keyLine} from '../../source/aegir/ssh-keys.js';
import {newSudoersContent} from '../../source/aegir/sudoers.js';
import {STAMP, aegirKey, freshMember, goodMember, goodServer, prerequisiteInput, pubLine, web1HostKey} from './prerequisite-fixtures.js';

function rowOf(input: Parameters<typeof checkPrerequisites>[0], id: PrerequisiteId): PrerequisiteRow {
	const row = checkPrerequisites(input).rows.find(candidate => candidate.id === id);
	if (!row) throw new Error(`no row ${id}`);
	return row;
}

/** The bytes a fix command sends, as text. */
const stdinText = (command: FixCommand | undefined): string => Buffer.from(command?.stdin ?? '').toString('utf8');

const record = (overrides: Partial<AegirServer>): AegirServer => ({
	context: 'server_web1',
	name: 'web1',
	remoteHost: '192.0.2.11',
	httpServiceType: 'apache',
	httpRestartCmd: 'sudo /usr/sbin/apache2ctl graceful',
	masterWebServers: [],
	slaveWebServers: [],
	file: '/var/aegir/.drush/server_web1.alias.drushrc.php',
	...overrides,
});

describe('a member that meets every prerequisite', () => {
	const report = checkPrerequisites(prerequisiteInput());

	test('every row is ✔ with its evidence, nothing to fix', () => {
		expect(prerequisitesMet(report)).toBe(true);
		expect(report.webServer).toBe('apache');
		expect(report.rows.map(row => [row.id, row.ok, row.detail])).toEqual([
			['rsync', true, 'installed (/usr/bin/rsync)'],
			['web-server', true, 'apache (apache2 installed)'],
			['aegir-account', true, 'uid 1001, gid 1001, home /var/aegir, shell /bin/bash, in www-data'],
			['sudoers', true, '/etc/sudoers.d/aegir: aegir runs /usr/sbin/apache2ctl with no password and no tty'],
			['web-include', true, '/etc/apache2/conf-enabled/aegir.conf → /var/aegir/config/apache.conf'],
			['php', true, 'php with mysqli and pdo_mysql; php8.2'],
			['mysql-client', true, 'installed (/usr/bin/mysql)'],
			['apache-rewrite', true, 'enabled'],
			['authorized-key', true, "/var/aegir/.ssh/authorized_keys has the Aegir server's key"],
			['known-host', true, "192.0.2.11 is in the Aegir server's known hosts"],
		]);
		expect(report.rows.every(row => row.fix === undefined && row.manual === undefined)).toBe(true);
	});

	test('the table: one ✔ line per row, within 80 columns', () => {
		const lines = prerequisiteLines(report);
		expect(lines[0]).toBe('web1: Aegir prerequisites');
		expect(lines.slice(1).every(line => line.startsWith('  ✔ '))).toBe(true);
		expect(lines).toHaveLength(11);
		expect(lines.every(line => [...line].length <= 80)).toBe(true);
	});
});

describe('a fresh host: every row ✖, each with its exact fix', () => {
	const input = prerequisiteInput({member: freshMember(), wantedWebServer: 'apache', aegirServer: {...goodServer(), knownHosts: {present: false}}});
	const report = checkPrerequisites(input);
	const row = (id: PrerequisiteId) => report.rows.find(candidate => candidate.id === id)!;

	test('all rows ✖; every one has a fix and none needs a human', () => {
		expect(report.rows.map(candidate => [candidate.id, candidate.ok, candidate.fix !== undefined, candidate.manual])).toEqual([
			['rsync', false, true, undefined],
			['web-server', false, true, undefined],
			['aegir-account', false, true, undefined],
			['sudoers', false, true, undefined],
			['web-include', false, true, undefined],
			['php', false, true, undefined],
			['mysql-client', false, true, undefined],
			['apache-rewrite', false, true, undefined],
			['authorized-key', false, true, undefined],
			['known-host', false, true, undefined],
		]);
		expect(report.webServer).toBe('apache');
	});

	test('rsync and apache2 are installed with the planner apt script', () => {
		expect(row('rsync').fix?.display).toEqual(['DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends rsync']);
		expect(row('rsync').fix?.commands[0]?.command).toMatch(/^sh -c .*aegir-pack-apt-install 120 2 rsync$/s);
		expect(row('web-server').detail).toBe('no web server installed; the pack uses apache');
		expect(row('web-server').fix?.display).toEqual(['DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends apache2']);
	});

	test('the aegir group and user get the pack ids, home, login shell and www-data', () => {
		expect(row('aegir-account').detail).toBe('no aegir group; no aegir user; /var/aegir does not exist');
		expect(row('aegir-account').fix?.display).toEqual([
			'groupadd --system --gid 1001 aegir',
			'useradd --system --uid 1001 --gid aegir --home-dir /var/aegir --no-create-home --shell /bin/bash --comment Aegir aegir',
			'usermod --append --groups www-data aegir',
			// Issue 11: created refusing a link, then checked (path guard).
			'mkdir -m 0755 -- /var/aegir   (owned by aegir; a symbolic link there is refused)',
		]);
		expect(row('aegir-account').fix?.commands.slice(0, 3).map(command => command.command)).toEqual(row('aegir-account').fix?.display.slice(0, 3));
		expect(row('aegir-account').fix?.commands[3]?.command).toMatch(/ap_mkdir "\$1" "\$2" "\$3"' aegir-pack-fix \/var\/aegir aegir 0755$/);
	});

	test('sudo is installed, then the sudoers file is written through safe-edit, checked by visudo, 0440', () => {
		const fix = row('sudoers').fix!;
		expect(row('sudoers').detail).toBe('sudo is not installed; /etc/sudoers.d/aegir is missing');
		expect(fix.display[0]).toBe('DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends sudo');
		// The wording is the planner's describeSafeEdit; what matters here is what it names.
		expect(fix.display[1]).toMatch(/^write \/etc\/sudoers\.d\/aegir atomically/);
		expect(fix.display[1]).toContain('visudo -cf <temp>');
		expect(fix.display[1]).toContain(`backup /etc/sudoers.d/aegir.aegir-pack-${STAMP}.bak`);
		expect(fix.display).toHaveLength(2);
		const write = fix.commands[1]!;
		expect(stdinText(write)).toBe(newSudoersContent({user: 'aegir', programs: ['/usr/sbin/apache2ctl']}));
		expect(write.command).toContain("'visudo -cf \"$1\"'");
		expect(write.command).toContain(' 0440 ');
		expect(write.command).toContain(' absent ');
		expect(fix.diff).toBe(
			[
				'--- /dev/null',
				'+++ /etc/sudoers.d/aegir (aegir-pack)',
				'@@ -0,0 +1,4 @@',
				'+# Aegir (as aegir) reloads the web server as root over ssh: no password, no terminal.',
				'+# Written by aegir-pack; checked with visudo -cf before it was put in place.',
				'+Defaults:aegir !requiretty',
				'+aegir ALL=NOPASSWD: /usr/sbin/apache2ctl',
				'',
			].join('\n'),
		);
	});

	test("Aegir's include is linked by the include script, with the config test around it", () => {
		const fix = row('web-include').fix!;
		expect(row('web-include').detail).toBe(
			'/etc/apache2/conf-enabled/aegir.conf is missing, not a link to /var/aegir/config/apache.conf; /var/aegir/config/apache.conf does not exist; /var/aegir/config does not exist',
		);
		expect(fix.commands).toHaveLength(1);
		expect(fix.commands[0]?.command).toMatch(
			new RegExp(`aegir-pack-include-link /etc/apache2/conf-enabled/aegir.conf /var/aegir/config/apache.conf aegir 'apache2ctl configtest' ${STAMP}$`),
		);
		expect(fix.display).toContain('ln -s -- /var/aegir/config/apache.conf /etc/apache2/conf-enabled/aegir.conf');
	});

	test("the Aegir server's key goes into a new authorized_keys, given to aegir", () => {
		const fix = row('authorized-key').fix!;
		// Issue 11: .ssh created by the path guard, the file written by aegir itself: nothing is chowned by name.
		expect(fix.display).toEqual([
			'mkdir -m 0700 -- /var/aegir/.ssh   (owned by aegir; a symbolic link there is refused)',
			describeSafeEdit({target: '/var/aegir/.ssh/authorized_keys', stamp: STAMP, newFileMode: '0600', expected: 'absent', user: 'aegir'}),
		]);
		expect(stdinText(fix.commands[1])).toBe(`${keyLine(aegirKey)}\n`);
		expect(fix.commands[1]?.command).toContain(' 0600 ');
		expect(fix.commands[1]?.command).toMatch(/ aegir$/);
	});

	test("the member's host keys go into the Aegir server's known_hosts, on the Aegir server", () => {
		const fix = row('known-host').fix!;
		expect(fix.runsOn).toBe('aegir-server');
		expect(stdinText(fix.commands[0])).toBe(`192.0.2.11 ssh-ed25519 ${web1HostKey.blob}\n`);
		// Issue 11: written by aegir where aegir owns .ssh; never chowned by name.
		expect(fix.display).toEqual([describeSafeEdit({target: '/var/aegir/.ssh/known_hosts', stamp: STAMP, newFileMode: '0644', expected: 'absent', user: 'aegir'})]);
	});

	test('the table says fix under each ✖, within 80 columns', () => {
		const lines = prerequisiteLines(report);
		expect(lines.filter(line => line.startsWith('  ✖ '))).toHaveLength(10);
		expect(lines.filter(line => line.startsWith('      fix'))).toHaveLength(10);
		expect(lines).toContain("      fix (Aegir server): add web1's host keys to /var/aegir/.ssh/known_hosts");
		expect(lines.every(line => [...line].length <= 80)).toBe(true);
	});
});

describe('the aegir account', () => {
	test.each<[string, (facts: ReturnType<typeof goodMember>) => void, string, string[]]>([
		['a nologin shell', facts => (facts.user!.shell = '/usr/sbin/nologin'), 'shell /usr/sbin/nologin is not a login shell', ['usermod --shell /bin/bash aegir']],
		['a shell missing from /etc/shells', facts => (facts.user!.shell = '/bin/zsh'), 'shell /bin/zsh is not a login shell', ['usermod --shell /bin/bash aegir']],
		['another home', facts => (facts.user!.home = '/home/aegir'), 'home is /home/aegir, not /var/aegir', ['usermod --home /var/aegir aegir']],
		[
			'not in www-data',
			facts => {
				facts.userGroups = ['aegir'];
				facts.webGroup!.members = [];
			},
			'not in the www-data group',
			['usermod --append --groups www-data aegir'],
		],
		[
			'a home owned by root',
			facts => (facts.home = {type: 'directory', mode: 0o755, uid: 0, gid: 0}),
			'/var/aegir is owned by uid 0, not aegir',
			['chown -- aegir: /var/aegir   (the directory itself, never through a link)'],
		],
	])('%s is fixed', (_what, breakIt, detail, display) => {
		const member = goodMember();
		breakIt(member);
		const row = rowOf(prerequisiteInput({member}), 'aegir-account');
		expect(row).toMatchObject({ok: false, detail, fix: {display}});
		expect(row.manual).toBeUndefined();
	});

	test('www-data as the primary group counts as membership', () => {
		const member = goodMember();
		member.userGroups = [];
		member.webGroup = {name: 'www-data', gid: 1001, members: []};
		member.group = {name: 'aegir', gid: 1001, members: []};
		expect(rowOf(prerequisiteInput({member}), 'aegir-account').ok).toBe(true);
	});

	test('a different uid or gid is left to a human, with the reason and how', () => {
		const member = goodMember();
		member.user!.uid = 1002;
		member.group!.gid = 1003;
		member.user!.gid = 1003;
		member.home = {type: 'directory', mode: 0o755, uid: 1002, gid: 1003};
		const row = rowOf(prerequisiteInput({member}), 'aegir-account');
		expect(row.ok).toBe(false);
		expect(row.fix).toBeUndefined();
		expect(row.manual).toContain('the aegir group has gid 1003 here but 1001 on the Aegir server');
		expect(row.manual).toContain('the aegir user has uid 1002 here but 1001 on the Aegir server');
		expect(row.manual).toContain('usermod --uid / groupmod --gid');
	});

	test('an id taken by another account is not created over', () => {
		const member = freshMember();
		member.uidHolder = {name: 'postgres', uid: 1001, gid: 1001, home: '/var/lib/postgresql', shell: '/bin/bash'};
		member.gidHolder = {name: 'postgres', gid: 1001, members: []};
		const row = rowOf(prerequisiteInput({member}), 'aegir-account');
		expect(row.manual).toContain('there is no aegir group, and gid 1001 is taken here by the group postgres');
		expect(row.manual).toContain('there is no aegir user, and uid 1001 is taken here by postgres');
		expect(row.fix?.display.some(line => /groupadd|useradd/.test(line))).toBe(false);
	});

	test("a primary group other than aegir's is left to a human", () => {
		const member = goodMember();
		member.user!.gid = 33;
		expect(rowOf(prerequisiteInput({member}), 'aegir-account').manual).toContain("the aegir user's primary group is gid 33, not the aegir group (gid 1001)");
	});

	test('without the pack ids (first apply), the user and group are created with the system defaults', () => {
		const row = rowOf(prerequisiteInput({member: freshMember(), expectedUid: undefined, expectedGid: undefined}), 'aegir-account');
		expect(row.fix?.display.slice(0, 2)).toEqual([
			'groupadd --system aegir',
			'useradd --system --gid aegir --home-dir /var/aegir --no-create-home --shell /bin/bash --comment Aegir aegir',
		]);
	});
});

describe('sudoers', () => {
	test('a file with a wrong mode and a missing program: completed, then root:root 0440', () => {
		const member = goodMember();
		const current = 'Defaults:aegir !requiretty\naegir ALL=NOPASSWD: /bin/true\n';
		member.sudoers = {present: true, stat: {type: 'file', mode: 0o644, uid: 0, gid: 0}, content: current, readable: true};
		const row = rowOf(prerequisiteInput({member}), 'sudoers');
		expect(row.detail).toBe('aegir may not run /usr/sbin/apache2ctl without a password; /etc/sudoers.d/aegir is mode 0644, owner 0:0, not 0440 root:root');
		expect(stdinText(row.fix?.commands[0])).toBe(`${current}# Added by aegir-pack for Aegir's web server reloads:\naegir ALL=NOPASSWD: /usr/sbin/apache2ctl\n`);
		// The edit refuses to run if the file changed since it was read.
		expect(row.fix?.commands[0]?.command).toContain(expectedFrom(current));
		expect(row.fix?.display.slice(1)).toEqual(['chown -h -- root:root /etc/sudoers.d/aegir && chmod 0440 -- /etc/sudoers.d/aegir']);
		expect(row.fix?.diff).toContain('+aegir ALL=NOPASSWD: /usr/sbin/apache2ctl');
	});

	test('a correct file with only the wrong owner: chown and chmod, no rewrite', () => {
		const member = goodMember();
		if (member.sudoers.present) member.sudoers.stat = {type: 'file', mode: 0o440, uid: 1001, gid: 0};
		expect(rowOf(prerequisiteInput({member}), 'sudoers').fix?.display).toEqual(['chown -h -- root:root /etc/sudoers.d/aegir && chmod 0440 -- /etc/sudoers.d/aegir']);
	});

	test("the program comes from Aegir's record of the server when there is one", () => {
		const member = goodMember();
		member.sudoers = {present: false};
		const row = rowOf(prerequisiteInput({member, aegirRecord: record({httpRestartCmd: 'sudo apache2ctl graceful'})}), 'sudoers');
		expect(stdinText(row.fix?.commands[0])).toContain('aegir ALL=NOPASSWD: /usr/sbin/apache2ctl\n');
		// Issue 11: only Aegir's documented restart programs; any other program is refused (see sudoers.test.ts).
		const other = rowOf(prerequisiteInput({member, aegirRecord: record({httpRestartCmd: 'sudo /usr/local/sbin/apachectl graceful'})}), 'sudoers');
		expect(other.fix).toBeUndefined();
		expect(other.manual).toContain('aegir-pack grants sudo only for');
	});

	test('nginx without a record: both programs provision may pick', () => {
		const member = goodMember();
		member.packages = {nginx: true, rsync: true, sudo: true};
		member.commands = {rsync: '/usr/bin/rsync', visudo: '/usr/sbin/visudo', nginx: '/usr/sbin/nginx'};
		member.sudoers = {present: false};
		const report = checkPrerequisites(prerequisiteInput({member}));
		expect(report.webServer).toBe('nginx');
		expect(stdinText(report.rows.find(row => row.id === 'sudoers')?.fix?.commands[0])).toContain('aegir ALL=NOPASSWD: /etc/init.d/nginx, /usr/sbin/nginx\n');
	});

	test('a restart command without sudo needs no rule', () => {
		expect(rowOf(prerequisiteInput({aegirRecord: record({httpRestartCmd: '/usr/local/bin/reload-web'})}), 'sudoers')).toMatchObject({
			ok: true,
			detail: "Aegir's restart command (/usr/local/bin/reload-web) does not use sudo",
		});
	});

	test('a program that is not a restart program is for a human', () => {
		// Issue 11: a bare apache2ctl is Aegir's own default and granted as /usr/sbin/apache2ctl; anything else is refused.
		expect(rowOf(prerequisiteInput({aegirRecord: record({httpRestartCmd: 'sudo apachectl graceful'})}), 'sudoers').manual).toContain('runs "apachectl" through sudo');
	});

	test('a main sudoers without the includedir is for a human (never edited)', () => {
		const member = goodMember();
		member.sudoersIncludes = [];
		const row = rowOf(prerequisiteInput({member}), 'sudoers');
		expect(row.manual).toContain('/etc/sudoers has no "@includedir /etc/sudoers.d"');
		expect(row.fix).toBeUndefined();
	});

	test('an unreadable file is not rewritten', () => {
		const member = goodMember();
		member.sudoers = {present: true, content: '', readable: false};
		const row = rowOf(prerequisiteInput({member}), 'sudoers');
		expect(row.manual).toContain('/etc/sudoers.d/aegir exists but cannot be read');
		expect(row.fix).toBeUndefined();
	});

	test('an unsettled web server leaves sudoers and the include waiting', () => {
		const member = goodMember();
		member.packages = {apache2: true, nginx: true, rsync: true};
		const report = checkPrerequisites(prerequisiteInput({member}));
		expect(report.webServer).toBeUndefined();
		for (const id of ['sudoers', 'web-include'] as const) {
			expect(report.rows.find(row => row.id === id)).toMatchObject({ok: false, detail: 'depends on the web server, which is not settled (see above)'});
		}
	});
});

describe('the web server', () => {
	test('both installed, Aegir has a record: its kind is used', () => {
		const member = goodMember();
		member.packages = {apache2: true, 'nginx-light': true, rsync: true, sudo: true};
		expect(rowOf(prerequisiteInput({member, aegirRecord: record({httpServiceType: 'apache_ssl'})}), 'web-server')).toMatchObject({
			ok: true,
			detail: 'apache2 and nginx are both installed; Aegir uses apache',
		});
	});

	test("the record says nginx, the host runs apache: for a human", () => {
		expect(rowOf(prerequisiteInput({aegirRecord: record({httpServiceType: 'nginx'})}), 'web-server').manual).toContain(
			"Aegir's record of web1 says nginx, the host runs apache",
		);
	});

	test('nothing installed and nothing wanted: for a human', () => {
		expect(rowOf(prerequisiteInput({member: freshMember()}), 'web-server').manual).toBe('Install apache2 or nginx (Aegir drives either), then run again.');
	});
});

describe("Aegir's config include", () => {
	test('a regular file where the link belongs is kept as a .bak', () => {
		const member = goodMember();
		member.apacheInclude = {stat: {type: 'file', mode: 0o644, uid: 0, gid: 0}, resolves: true};
		const row = rowOf(prerequisiteInput({member}), 'web-include');
		expect(row.detail).toBe('/etc/apache2/conf-enabled/aegir.conf is a regular file (kept as a .bak), not a link to /var/aegir/config/apache.conf');
		expect(row.fix?.display).toContain(`mv -T /etc/apache2/conf-enabled/aegir.conf /etc/apache2/conf-enabled/aegir.conf.aegir-pack-${STAMP}.bak`);
	});

	test('a link elsewhere, and a config dir that is not aegir\'s', () => {
		const member = goodMember();
		member.apacheInclude = {stat: {type: 'symlink', mode: 0o777, uid: 0, gid: 0}, target: '/etc/aegir.conf', resolves: false};
		member.configDir = {type: 'directory', mode: 0o755, uid: 0, gid: 0};
		expect(rowOf(prerequisiteInput({member}), 'web-include').detail).toBe(
			'/etc/apache2/conf-enabled/aegir.conf is a link to /etc/aegir.conf (dangling), not a link to /var/aegir/config/apache.conf; /var/aegir/config does not belong to aegir',
		);
	});

	test('nginx: conf.d and nginx -t', () => {
		const member = goodMember();
		member.packages = {nginx: true, rsync: true, sudo: true};
		member.commands = {rsync: '/usr/bin/rsync', visudo: '/usr/sbin/visudo'};
		const row = rowOf(prerequisiteInput({member}), 'web-include');
		expect(row.fix?.commands[0]?.command).toContain("/etc/nginx/conf.d/aegir.conf /var/aegir/config/nginx.conf aegir 'nginx -t'");
	});
});

describe('authorized_keys', () => {
	test('modes sshd refuses are tightened; ownership given to aegir', () => {
		const member = goodMember();
		member.home = {type: 'directory', mode: 0o2775, uid: 1001, gid: 1001};
		member.sshDir = {type: 'directory', mode: 0o755, uid: 0, gid: 0};
		if (member.authorizedKeys.present) member.authorizedKeys.stat = {type: 'file', mode: 0o644, uid: 0, gid: 0};
		const row = rowOf(prerequisiteInput({member}), 'authorized-key');
		// Issue 11: directories changed on the checked directory itself; aegir's file rewritten (becoming aegir's) and chmodded by aegir.
		expect(row.fix?.display).toEqual([
			'chmod 2755 -- /var/aegir   (the directory itself, never through a link)',
			'chown -- aegir: /var/aegir/.ssh && chmod 0700 -- /var/aegir/.ssh   (the directory itself, never through a link)',
			describeSafeEdit({target: '/var/aegir/.ssh/authorized_keys', stamp: STAMP, newFileMode: '0600', expected: 'x', user: 'aegir'}),
			'chmod 0600 -- /var/aegir/.ssh/authorized_keys   (as aegir; a symbolic link there is refused)',
		]);
	});

	test('the key is appended to existing keys, which are kept', () => {
		const member = goodMember();
		const other = `${pubLine('aegir_rsa.pub').replace('aegir@', 'someone@')}`;
		member.authorizedKeys = {present: true, stat: {type: 'file', mode: 0o600, uid: 1001, gid: 1001}, content: `${other}`, readable: true};
		const fix = rowOf(prerequisiteInput({member, aegirServer: {...goodServer(), identities: [{name: 'id_ed25519', key: aegirKey, line: ''}]}}), 'authorized-key').fix!;
		expect(stdinText(fix.commands[0])).toBe(`${other}\n${keyLine(aegirKey)}\n`);
		expect(fix.diff).toContain(`+${keyLine(aegirKey)}`);
		expect(fix.commands).toHaveLength(1);
	});

	test('a restricted key is for a human', () => {
		const member = goodMember();
		member.authorizedKeys = {present: true, stat: {type: 'file', mode: 0o600, uid: 1001, gid: 1001}, content: `command="/bin/false" ${pubLine('aegir_ed25519.pub')}\n`, readable: true};
		expect(rowOf(prerequisiteInput({member}), 'authorized-key').manual).toContain('limited by command=');
	});

	test('no key pair on the Aegir server: for a human', () => {
		const row = rowOf(prerequisiteInput({aegirServer: {...goodServer(), identities: []}}), 'authorized-key');
		expect(row.manual).toContain('Create one as aegir (ssh-keygen -t ed25519)');
	});
});

describe('known_hosts on the Aegir server', () => {
	test('another key recorded for the address: for a human, with the ssh-keygen -R line', () => {
		const aegirServer = goodServer();
		aegirServer.knownHosts = {present: true, content: `192.0.2.11 ${pubLine('other_host_ed25519.pub')}\n`, readable: true};
		const row = rowOf(prerequisiteInput({aegirServer}), 'known-host');
		expect(row.ok).toBe(false);
		expect(row.fix).toBeUndefined();
		expect(row.manual).toContain('ssh-keygen -R 192.0.2.11 -f /var/aegir/.ssh/known_hosts');
	});

	test('the system-wide known hosts count', () => {
		const aegirServer = goodServer();
		aegirServer.knownHosts = {present: false};
		aegirServer.globalKnownHosts = {present: true, content: `192.0.2.11 ssh-ed25519 ${web1HostKey.blob}\n`, readable: true};
		expect(rowOf(prerequisiteInput({aegirServer}), 'known-host').ok).toBe(true);
	});

	test('appended to an existing file, under the address Aegir uses', () => {
		const aegirServer = goodServer();
		aegirServer.knownHosts = {present: true, content: 'web9.example.com ssh-ed25519 AAAA\n', readable: true};
		const fix = rowOf(prerequisiteInput({aegirServer, remoteHost: 'web1.example.com'}), 'known-host').fix!;
		expect(stdinText(fix.commands[0])).toBe(
			`web9.example.com ssh-ed25519 AAAA\nweb1.example.com ssh-ed25519 ${web1HostKey.blob}\nweb1.example.com ssh-rsa ${goodMember().hostKeys[1]!.split(' ')[1]}\n`,
		);
		expect(fix.commands).toHaveLength(1);
	});

	test('no host keys read from the member: for a human', () => {
		const member = goodMember();
		member.hostKeys = ['garbage'];
		expect(rowOf(prerequisiteInput({member}), 'known-host').manual).toContain("Aegir's ssh must know web1's host key");
	});
});

describe('PHP with MySQL, a MySQL client, Apache rewrite (Aegir remote-server documentation)', () => {
	const without = (commands: Record<string, string>, names: string[]) => Object.fromEntries(Object.entries(commands).filter(([name]) => !names.includes(name)));
	const member = (changes: Partial<ReturnType<typeof goodMember>>) => ({...goodMember(), ...changes});
	const bare = () => ({phpMysql: undefined, apacheModules: ['mpm_event'], commands: without(goodMember().commands, ['php', 'mysql'])});

	test('no php, no module, no client, no rewrite: each row installs or enables it with the exact command', () => {
		const input = prerequisiteInput({member: member(bare())});
		expect(rowOf(input, 'php')).toMatchObject({ok: false, detail: "no php; Apache's PHP module is not enabled"});
		expect(rowOf(input, 'php').fix?.display).toEqual(['DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends php-cli php-mysql libapache2-mod-php']);
		expect(rowOf(input, 'php').fix?.commands[0]?.command).toMatch(/aegir-pack-apt-install 120 2 php-cli php-mysql libapache2-mod-php$/);
		expect(rowOf(input, 'mysql-client').fix?.display).toEqual(['DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends default-mysql-client']);
		expect(rowOf(input, 'apache-rewrite').fix?.display).toEqual(['a2enmod -q rewrite']);
		expect(rowOf(input, 'apache-rewrite').fix?.commands.map(command => command.command)).toEqual(['a2enmod -q rewrite']);
	});

	test('php without its MySQL extensions is fixed by the same install', () => {
		const input = prerequisiteInput({member: member({phpMysql: false})});
		expect(rowOf(input, 'php')).toMatchObject({ok: false, detail: 'php lacks mysqli or pdo_mysql'});
		expect(rowOf(input, 'php').fix?.summary).toBe('install php-cli, php-mysql, libapache2-mod-php');
	});

	test('the MariaDB client counts as the MySQL client', () => {
		const facts = member({commands: {...without(goodMember().commands, ['mysql']), mariadb: '/usr/bin/mariadb'}});
		expect(rowOf(prerequisiteInput({member: facts}), 'mysql-client')).toMatchObject({ok: true, detail: 'installed (/usr/bin/mariadb)'});
	});

	test('nginx: php-fpm is its PHP handler, and rewrite is not an Apache module there', () => {
		const commands = {...without(goodMember().commands, ['apache2ctl']), nginx: '/usr/sbin/nginx'};
		const nginx = member({packages: {nginx: true, rsync: true, sudo: true}, apacheModules: undefined, phpFpm: ['php-fpm8.2'], commands});
		const input = prerequisiteInput({member: nginx});
		expect(rowOf(input, 'php')).toMatchObject({ok: true, detail: 'php with mysqli and pdo_mysql; php-fpm8.2'});
		expect(rowOf(input, 'apache-rewrite')).toMatchObject({ok: true});
		const noFpm = prerequisiteInput({member: {...nginx, phpFpm: undefined}});
		expect(rowOf(noFpm, 'php').fix?.summary).toBe('install php-cli, php-mysql, php-fpm');
	});

	test('with the web server unsettled, the PHP and rewrite rows wait for it', () => {
		const input = prerequisiteInput({member: member({packages: {rsync: true, sudo: true}, commands: without(goodMember().commands, ['apache2ctl'])})});
		expect(rowOf(input, 'php')).toMatchObject({ok: false, detail: 'depends on the web server, which is not settled (see above)'});
		expect(rowOf(input, 'apache-rewrite').fix).toBeUndefined();
	});

	test("a head aegir3-cluster-slave set up is said to be so in the table", () => {
		const report = checkPrerequisites(prerequisiteInput({member: member({clusterSlave: {version: '7.x-3.190'}})}));
		expect(report.notes).toEqual([
			"set up by aegir3-cluster-slave 7.x-3.190: its /etc/fstab line for the share is kept as the one entry when it points at the pack's NFS server",
		]);
		expect(prerequisiteLines(report, 200).at(-1)).toBe(`  note: ${report.notes![0]}`);
		expect(checkPrerequisites(prerequisiteInput()).notes).toBeUndefined();
	});
});
