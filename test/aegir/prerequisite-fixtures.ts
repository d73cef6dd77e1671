// Facts of a member and an Aegir server that meet every prerequisite; tests
// break one thing at a time. Documentation addresses only.

import {readFileSync} from 'node:fs';
import path from 'node:path';
import type {AegirServerFacts} from '../../source/aegir/aegir-server-facts.js';
import {DEFAULT_MEMBER_PATHS, type MemberFacts} from '../../source/aegir/member-facts.js';
import type {PrerequisiteInput} from '../../source/aegir/prerequisite-types.js';
import {parsePublicKey, type PublicKey} from '../../source/aegir/ssh-keys.js';
import {newSudoersContent} from '../../source/aegir/sudoers.js';

const ssh = path.join(import.meta.dirname, 'fixtures', 'ssh');
export const pubLine = (name: string) => readFileSync(path.join(ssh, name), 'utf8').trim();
export const aegirKey: PublicKey = parsePublicKey(pubLine('aegir_ed25519.pub'))!;
export const web1HostKey: PublicKey = parsePublicKey(pubLine('web1_host_ed25519.pub'))!;
export const STAMP = '20250102-030405';

const aegir = {uid: 1001, gid: 1001};

export function goodMember(): MemberFacts {
	return {
		uid: 0,
		user: {name: 'aegir', uid: 1001, gid: 1001, home: '/var/aegir', shell: '/bin/bash'},
		group: {name: 'aegir', gid: 1001, members: []},
		userGroups: ['aegir', 'www-data'],
		webGroup: {name: 'www-data', gid: 33, members: ['aegir']},
		uidHolder: {name: 'aegir', uid: 1001, gid: 1001, home: '/var/aegir', shell: '/bin/bash'},
		gidHolder: {name: 'aegir', gid: 1001, members: []},
		shells: ['/bin/sh', '/bin/bash', '/usr/bin/bash'],
		packages: {apache2: true, rsync: true, sudo: true},
		commands: {
			rsync: '/usr/bin/rsync',
			visudo: '/usr/sbin/visudo',
			sudo: '/usr/bin/sudo',
			apache2ctl: '/usr/sbin/apache2ctl',
			php: '/usr/bin/php',
			mysql: '/usr/bin/mysql',
			a2enmod: '/usr/sbin/a2enmod',
		},
		executables: ['/usr/sbin/apache2ctl'],
		sudoers: {
			present: true,
			stat: {type: 'file', mode: 0o440, uid: 0, gid: 0},
			content: newSudoersContent({user: 'aegir', programs: ['/usr/sbin/apache2ctl']}),
			readable: true,
		},
		sudoersIncludes: ['/etc/sudoers.d'],
		apacheInclude: {stat: {type: 'symlink', mode: 0o777, uid: 0, gid: 0}, target: '/var/aegir/config/apache.conf', resolves: true},
		nginxInclude: {resolves: false},
		apacheTarget: {type: 'file', mode: 0o644, ...aegir},
		configDir: {type: 'directory', mode: 0o755, ...aegir},
		home: {type: 'directory', mode: 0o755, ...aegir},
		sshDir: {type: 'directory', mode: 0o700, ...aegir},
		authorizedKeys: {present: true, stat: {type: 'file', mode: 0o600, ...aegir}, content: `${pubLine('aegir_ed25519.pub')}\n`, readable: true},
		hostKeys: [pubLine('web1_host_ed25519.pub'), pubLine('web1_host_rsa.pub')],
		phpMysql: true,
		apacheModules: ['mpm_prefork', 'php8.2', 'rewrite'],
	};
}

export function goodServer(): AegirServerFacts {
	return {
		identities: [{name: 'id_ed25519', key: aegirKey, line: pubLine('aegir_ed25519.pub')}],
		sshDir: {type: 'directory', mode: 0o700, ...aegir},
		knownHosts: {present: true, stat: {type: 'file', mode: 0o644, ...aegir}, content: `192.0.2.11 ssh-ed25519 ${web1HostKey.blob}\n`, readable: true},
		globalKnownHosts: {present: false},
	};
}

export function prerequisiteInput(overrides: Partial<PrerequisiteInput> = {}): PrerequisiteInput {
	return {
		hostName: 'web1',
		remoteHost: '192.0.2.11',
		member: goodMember(),
		aegirServer: goodServer(),
		aegirUser: 'aegir',
		aegirHome: '/var/aegir',
		aegirServerHome: '/var/aegir',
		webGroup: 'www-data',
		expectedUid: 1001,
		expectedGid: 1001,
		paths: DEFAULT_MEMBER_PATHS,
		stamp: STAMP,
		lockWaitSeconds: 120,
		...overrides,
	};
}

/** A fresh Debian host: none of Aegir's prerequisites. */
export function freshMember(): MemberFacts {
	return {
		uid: 0,
		userGroups: [],
		webGroup: {name: 'www-data', gid: 33, members: []},
		shells: ['/bin/sh', '/bin/bash'],
		packages: {},
		commands: {},
		executables: [],
		sudoers: {present: false},
		apacheInclude: {resolves: false},
		nginxInclude: {resolves: false},
		authorizedKeys: {present: false},
		hostKeys: [pubLine('web1_host_ed25519.pub')],
	};
}
