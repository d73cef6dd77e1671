import {describe, expect, test} from 'vitest';
import {restartGrant} from '../../source/aegir/restart-command.js';

// Issue 11 (S1): what took the place of restartProgram, which copied any absolute program.
describe('restartGrant', () => {
	test.each([
		['sudo /usr/sbin/apache2ctl graceful', 'apache', '/usr/sbin/apache2ctl'],
		['sudo apache2ctl graceful', 'apache', '/usr/sbin/apache2ctl'],
		['sudo -n /usr/sbin/nginx -s reload', 'nginx', '/usr/sbin/nginx'],
		['/usr/bin/sudo /usr/sbin/apache2ctl graceful', 'apache', '/usr/sbin/apache2ctl'],
		['  sudo   /usr/sbin/apache2ctl  ', 'apache', '/usr/sbin/apache2ctl'],
		['sudo /etc/init.d/nginx reload', 'nginx', '/etc/init.d/nginx'],
	] as const)('%s (%s) grants %s', (command, kind, program) => {
		expect(restartGrant(command, kind)).toEqual({kind: 'grant', program});
	});

	test('a command without sudo needs no rule', () => {
		expect(restartGrant('/usr/sbin/apache2ctl graceful', 'apache')).toEqual({kind: 'no-sudo'});
	});

	test.each([
		['sudo /bin/bash', 'runs "/bin/bash" through sudo'],
		['sudo /usr/sbin/apache2ctl,ALL graceful', 'holds characters a restart command does not need'],
		['sudo /usr/sbin/apache2ctl graceful && id', 'holds characters a restart command does not need'],
		['sudo -u root /usr/sbin/apache2ctl', 'runs "-u" through sudo'],
		['sudo /usr/sbin/nginx -s reload', 'runs "/usr/sbin/nginx" through sudo'],
		['sudo', 'names no program after sudo'],
		['env sudo /bin/sh', 'runs sudo other than as its first word'],
		['sudo /usr/sbin/apache2ctl graceful\tx', 'holds characters a restart command does not need'],
	] as const)('%s is refused: %s', (command, why) => {
		expect(restartGrant(command, 'apache')).toEqual({kind: 'refused', reason: `the restart command ${JSON.stringify(command)} ${why}`});
	});
});
