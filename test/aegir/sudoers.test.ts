import {describe, expect, test} from 'vitest';
import type {AegirServer} from '../../source/aegir/alias-files.js';
import {checkPrerequisites} from '../../source/aegir/prerequisites.js';
import {goodMember, prerequisiteInput} from './prerequisite-fixtures.js';
import {
	SUDOERS_VALIDATE,
	completeSudoers,
	includedDirectories,
	newSudoersContent,
	sudoersState,
} from '../../source/aegir/sudoers.js';

const apache = {user: 'aegir', programs: ['/usr/sbin/apache2ctl']};
const nginx = {user: 'aegir', programs: ['/etc/init.d/nginx', '/usr/sbin/nginx']};

describe('newSudoersContent', () => {
	test("Aegir's documented lines, with a comment saying why", () => {
		expect(newSudoersContent(apache)).toBe(
			[
				'# Aegir (as aegir) reloads the web server as root over ssh: no password, no terminal.',
				'# Written by aegir-pack; checked with visudo -cf before it was put in place.',
				'Defaults:aegir !requiretty',
				'aegir ALL=NOPASSWD: /usr/sbin/apache2ctl',
				'',
			].join('\n'),
		);
		expect(newSudoersContent(nginx)).toContain('aegir ALL=NOPASSWD: /etc/init.d/nginx, /usr/sbin/nginx\n');
	});

	test('refuses a user name that would need sudoers escaping', () => {
		expect(() => newSudoersContent({user: 'ae gir', programs: ['/x']})).toThrow('is not a user name');
		expect(() => completeSudoers('', {user: 'ALL', programs: ['/x']})).toThrow('is not a user name');
	});

	test('the validation runs visudo on the temp file only', () => {
		expect(SUDOERS_VALIDATE).toBe('visudo -cf "$1"');
	});
});

describe('sudoersState', () => {
	test.each([
		['the documented file', 'Defaults:aegir !requiretty\naegir ALL=NOPASSWD: /usr/sbin/apache2ctl\n'],
		['extra spaces and a Runas list', 'Defaults:aegir   !requiretty\naegir  ALL = (root) NOPASSWD:   /usr/sbin/apache2ctl\n'],
		['(ALL:ALL) and several commands', 'Defaults:aegir !requiretty\naegir ALL=(ALL:ALL) NOPASSWD: /bin/true, /usr/sbin/apache2ctl graceful\n'],
		['a line continuation', 'Defaults:aegir !requiretty\naegir ALL=NOPASSWD: /bin/true, \\\n  /usr/sbin/apache2ctl\n'],
		['a global !requiretty and NOPASSWD: ALL', 'Defaults !requiretty\naegir ALL=NOPASSWD: ALL\n'],
		['requiretty among other defaults', 'Defaults:aegir env_reset, !requiretty\naegir ALL=NOPASSWD: /usr/sbin/apache2ctl\n'],
	])('complete: %s', (_what, content) => {
		expect(sudoersState(content, apache)).toEqual({noRequiretty: true, missingPrograms: []});
	});

	test.each([
		['nothing', '', {noRequiretty: false, missingPrograms: ['/usr/sbin/apache2ctl']}],
		['a commented rule', '# Defaults:aegir !requiretty\n# aegir ALL=NOPASSWD: /usr/sbin/apache2ctl\n', {noRequiretty: false, missingPrograms: ['/usr/sbin/apache2ctl']}],
		['requiretty for another user', 'Defaults:www-data !requiretty\naegir ALL=NOPASSWD: /usr/sbin/apache2ctl\n', {noRequiretty: false, missingPrograms: []}],
		['a rule that asks for a password', 'Defaults:aegir !requiretty\naegir ALL=(root) /usr/sbin/apache2ctl\n', {noRequiretty: true, missingPrograms: ['/usr/sbin/apache2ctl']}],
		['PASSWD: switching back before the program', 'Defaults:aegir !requiretty\naegir ALL=NOPASSWD: /bin/true, PASSWD: /usr/sbin/apache2ctl\n', {noRequiretty: true, missingPrograms: ['/usr/sbin/apache2ctl']}],
		['a rule for another user', 'Defaults:aegir !requiretty\nwww-data ALL=NOPASSWD: /usr/sbin/apache2ctl\n', {noRequiretty: true, missingPrograms: ['/usr/sbin/apache2ctl']}],
		['a rule running as another user', 'Defaults:aegir !requiretty\naegir ALL=(www-data) NOPASSWD: /usr/sbin/apache2ctl\n', {noRequiretty: true, missingPrograms: ['/usr/sbin/apache2ctl']}],
		['a prefix of the program', 'Defaults:aegir !requiretty\naegir ALL=NOPASSWD: /usr/sbin/apache2\n', {noRequiretty: true, missingPrograms: ['/usr/sbin/apache2ctl']}],
	])('incomplete: %s', (_what, content, state) => {
		expect(sudoersState(content, apache)).toEqual(state);
	});

	test('nginx needs both programs Aegir may use', () => {
		expect(sudoersState('Defaults:aegir !requiretty\naegir ALL=NOPASSWD: /etc/init.d/nginx\n', nginx).missingPrograms).toEqual(['/usr/sbin/nginx']);
	});
});

describe('completeSudoers', () => {
	test('no file: the whole new file', () => {
		expect(completeSudoers(undefined, apache)).toEqual({content: newSudoersContent(apache), changed: true});
	});

	test('a complete file is left exactly as it is', () => {
		const content = '# mine\nDefaults:aegir !requiretty\naegir ALL=NOPASSWD: /usr/sbin/apache2ctl';
		expect(completeSudoers(content, apache)).toEqual({content, changed: false});
	});

	test('an incomplete file keeps every line and gets only what is missing, after a newline', () => {
		const content = '# mine\nDefaults:aegir !requiretty\naegir ALL=NOPASSWD: /bin/true';
		expect(completeSudoers(content, apache)).toEqual({
			content: `${content}\n# Added by aegir-pack for Aegir's web server reloads:\naegir ALL=NOPASSWD: /usr/sbin/apache2ctl\n`,
			changed: true,
		});
	});

	test('completing twice changes nothing the second time', () => {
		const once = completeSudoers('aegir ALL=(root) /usr/sbin/apache2ctl\n', nginx);
		expect(once.changed).toBe(true);
		expect(completeSudoers(once.content, nginx)).toEqual({content: once.content, changed: false});
	});
});

test('includedDirectories reads #includedir and @includedir', () => {
	expect(includedDirectories('Defaults env_reset\n#includedir /etc/sudoers.d\n@includedir /etc/sudoers.local/\n# includedir /nope\n')).toEqual([
		'/etc/sudoers.d',
		'/etc/sudoers.local',
	]);
});

describe("the sudoers rule grants only Aegir's documented restart programs (S1)", () => {
	const recordWith = (httpRestartCmd: string, httpServiceType = 'apache'): AegirServer => ({
		context: 'server_web1',
		name: 'web1',
		remoteHost: '192.0.2.11',
		httpServiceType,
		httpRestartCmd,
		masterWebServers: [],
		slaveWebServers: [],
		file: '/var/aegir/.drush/server_web1.alias.drushrc.php',
	});
	const sudoersRowFor = (httpRestartCmd: string, httpServiceType = 'apache') => {
		const member = goodMember();
		member.sudoers = {present: false};
		if (httpServiceType === 'nginx') {
			member.packages = {nginx: true, rsync: true, sudo: true};
			member.commands = {rsync: '/usr/bin/rsync', visudo: '/usr/sbin/visudo', nginx: '/usr/sbin/nginx'};
		}

		return checkPrerequisites(prerequisiteInput({member, aegirRecord: recordWith(httpRestartCmd, httpServiceType)})).rows.find(row => row.id === 'sudoers')!;
	};

	test.each([
		['sudo /bin/bash'],
		['sudo /usr/sbin/apache2ctl,ALL graceful'],
		['sudo /usr/sbin/apache2ctl graceful; id'],
		['sudo -u root /bin/sh'],
		['sudo /tmp/apache2ctl graceful'],
		['sudo /usr/sbin/apache2ctl $(id)'],
		['sudo /usr/local/sbin/apachectl graceful'],
		['sudo /usr/sbin/nginx -s reload'],
	])('%s: refused with the reason, no sudoers file written', command => {
		const row = sudoersRowFor(command);
		expect(row.ok).toBe(false);
		expect(row.fix).toBeUndefined();
		expect(row.manual).toContain('aegir-pack grants sudo only for /usr/sbin/apache2ctl (Apache) or /usr/sbin/nginx, /etc/init.d/nginx (nginx)');
		expect(row.manual).toContain('/etc/sudoers.d/aegir was not written');
		expect(row.manual).toContain(JSON.stringify(command));
	});

	test.each([
		['sudo /usr/sbin/apache2ctl graceful', 'apache', '/usr/sbin/apache2ctl'],
		['sudo apache2ctl graceful', 'apache', '/usr/sbin/apache2ctl'],
		['sudo -n /usr/sbin/apache2ctl graceful', 'apache', '/usr/sbin/apache2ctl'],
		['sudo /etc/init.d/nginx reload', 'nginx', '/etc/init.d/nginx'],
		['sudo /usr/sbin/nginx -s reload', 'nginx', '/usr/sbin/nginx'],
	])('%s (%s): one program, its absolute path', (command, kind, program) => {
		const row = sudoersRowFor(command, kind);
		const written = String(row.fix?.commands.find(step => step.what.startsWith('writing'))?.stdin);
		expect(written).toContain(`aegir ALL=NOPASSWD: ${program}\n`);
	});

	test('the sudoers writer itself refuses any other program', () => {
		expect(() => newSudoersContent({user: 'aegir', programs: ['/bin/bash']})).toThrow('is not a web server restart program');
		expect(() => completeSudoers('', {user: 'aegir', programs: ['/usr/sbin/apache2ctl,ALL']})).toThrow('is not a web server restart program');
	});
});

describe('a sudoers file a person made wider (S2)', () => {
	test('is not rewritten, but the row says it grants more than Aegir needs', () => {
		const member = goodMember();
		member.sudoers = {present: true, stat: {type: 'file', mode: 0o440, uid: 0, gid: 0}, content: 'Defaults:aegir !requiretty\naegir ALL=NOPASSWD: ALL\n', readable: true};
		const row = checkPrerequisites(prerequisiteInput({member})).rows.find(candidate => candidate.id === 'sudoers')!;
		expect(row.ok).toBe(true);
		expect(row.fix).toBeUndefined();
		expect(row.detail).toContain('/etc/sudoers.d/aegir also lets aegir run ALL: more than Aegir needs');
	});
});
