import {describe, expect, test} from 'vitest';
import {chooseWebServer, includeTarget, webServerKindOf} from '../../source/aegir/web-server.js';

describe('chooseWebServer', () => {
	test.each([
		[{apache: true, nginx: false}, undefined, {state: 'chosen', kind: 'apache'}],
		[{apache: false, nginx: true}, undefined, {state: 'chosen', kind: 'nginx'}],
		[{apache: false, nginx: true}, 'nginx', {state: 'chosen', kind: 'nginx'}],
		[{apache: true, nginx: true}, 'nginx', {state: 'chosen', kind: 'nginx', note: 'apache2 and nginx are both installed; Aegir uses nginx'}],
		[{apache: true, nginx: true}, undefined, {state: 'ambiguous'}],
		[{apache: false, nginx: false}, 'apache', {state: 'none'}],
		[{apache: false, nginx: false}, undefined, {state: 'none'}],
		[{apache: true, nginx: false}, 'nginx', {state: 'mismatch', wanted: 'nginx', installed: 'apache'}],
	] as const)('%o wanted %s → %o', (installed, wanted, choice) => {
		expect(chooseWebServer(installed, wanted)).toEqual(choice);
	});
});

test('webServerKindOf maps the SSL flavours and nothing else', () => {
	expect(['apache', 'apache_ssl', 'nginx', 'nginx_ssl', 'pack', 'cluster', undefined].map(webServerKindOf)).toEqual([
		'apache',
		'apache',
		'nginx',
		'nginx',
		undefined,
		undefined,
		undefined,
	]);
});

test('includeTarget is under the Aegir home', () => {
	expect(includeTarget('apache', '/var/aegir/')).toBe('/var/aegir/config/apache.conf');
	expect(includeTarget('nginx', '/var/aegir')).toBe('/var/aegir/config/nginx.conf');
});
