// What Aegir's remote web server documentation asks beyond the account and the
// web server: PHP with its MySQL extension (the sites run there), a MySQL
// client (drush talks to the database from the head), and Apache's rewrite
// module (Drupal's clean URLs). Each row says what it found and installs or
// enables what is missing with the same apt and a2enmod a human would use.

import {aptInstall, memberFix, plain} from './fix-commands.js';
import type {PrerequisiteInput, PrerequisiteRow} from './prerequisite-types.js';
import type {WebServerKind} from './web-server.js';

/** Debian 12 names: php-mysql brings mysqli and pdo_mysql; the web server needs its own PHP handler. */
export const PHP_PACKAGES: Record<WebServerKind, string[]> = {
	apache: ['php-cli', 'php-mysql', 'libapache2-mod-php'],
	nginx: ['php-cli', 'php-mysql', 'php-fpm'],
};

/** Bookworm has no `mysql-client`: this one pulls the MariaDB client, which installs `mysql` too. */
export const MYSQL_CLIENT_PACKAGE = 'default-mysql-client';

const NOT_SETTLED = 'depends on the web server, which is not settled (see above)';

/** Apache serves PHP through mod_php (`php8.2.load`); nginx through php-fpm. */
function phpHandler(input: PrerequisiteInput, kind: WebServerKind): string | undefined {
	if (kind === 'apache') return input.member.apacheModules?.find(name => /^php\d/.test(name));
	return input.member.phpFpm?.[0];
}

export function phpRow(input: PrerequisiteInput, kind: WebServerKind | undefined): PrerequisiteRow {
	const base = {id: 'php' as const, title: 'PHP with MySQL'};
	if (!kind) return {...base, ok: false, detail: NOT_SETTLED};
	const {member} = input;
	const issues: string[] = [];
	if (member.commands['php'] === undefined) issues.push('no php');
	else if (member.phpMysql !== true) issues.push('php lacks mysqli or pdo_mysql');
	const handler = phpHandler(input, kind);
	if (!handler) issues.push(kind === 'apache' ? "Apache's PHP module is not enabled" : 'no php-fpm for nginx');
	if (issues.length === 0) return {...base, ok: true, detail: `php with mysqli and pdo_mysql; ${handler}`};
	const packages = PHP_PACKAGES[kind];
	return {
		...base,
		ok: false,
		detail: issues.join('; '),
		fix: memberFix(`install ${packages.join(', ')}`, [aptInstall(packages, input.lockWaitSeconds)]),
	};
}

export function mysqlClientRow(input: PrerequisiteInput): PrerequisiteRow {
	const base = {id: 'mysql-client' as const, title: 'MySQL client'};
	const found = input.member.commands['mysql'] ?? input.member.commands['mariadb'];
	if (found !== undefined) return {...base, ok: true, detail: `installed (${found})`};
	return {
		...base,
		ok: false,
		detail: 'no mysql or mariadb client: drush reaches the sites\' databases with it',
		fix: memberFix(`install ${MYSQL_CLIENT_PACKAGE}`, [aptInstall([MYSQL_CLIENT_PACKAGE], input.lockWaitSeconds)]),
	};
}

export function rewriteRow(input: PrerequisiteInput, kind: WebServerKind | undefined): PrerequisiteRow {
	const base = {id: 'apache-rewrite' as const, title: "Apache's rewrite module"};
	if (!kind) return {...base, ok: false, detail: NOT_SETTLED};
	if (kind === 'nginx') return {...base, ok: true, detail: 'not needed: nginx rewrites in its own config'};
	if (input.member.apacheModules?.includes('rewrite')) return {...base, ok: true, detail: 'enabled'};
	return {
		...base,
		ok: false,
		detail: 'not enabled: Drupal needs it for clean URLs',
		// a2enmod only links the module; the web server reads it at its next graceful reload.
		fix: memberFix('enable rewrite (a2enmod)', [plain(['a2enmod', '-q', 'rewrite'], 'enabling the rewrite module')]),
	};
}
