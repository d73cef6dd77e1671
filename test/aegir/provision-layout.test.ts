// Provision's layout as data: what a head gets from this machine's config dir,
// the drush filters of a code push, and what an earlier whole-directory copy
// left on a head that may go.
import {describe, expect, it} from 'vitest';
import {appsIn, classifyConfigEntries, codeFilters, configFilters, configPaths, headContext, unsafeForFilter, type HeadConfigEntry, type TreeEntry} from '../../source/aegir/provision-layout.js';

const local: TreeEntry[] = [
	{path: 'apache.conf', type: 'link', target: '/var/aegir/config/server_master/apache.conf'},
	{path: 'includes', type: 'directory'},
	{path: 'ssl.d', type: 'directory'},
	{path: 'server_master', type: 'directory'},
	{path: 'server_master/apache.conf', type: 'file'},
	{path: 'server_web1', type: 'directory'},
	{path: 'server_web1/apache.conf', type: 'file'},
	{path: 'server_web2', type: 'directory'},
	{path: 'server_web2/nginx.conf', type: 'file'},
	{path: 'server_packexamplecom', type: 'directory'},
];
const localNames = new Set(local.filter(entry => !entry.path.includes('/')).map(entry => entry.path));

describe('what a head gets', () => {
	it('its own server_<name> and the includes, nothing else; nothing when this machine has no directory for it', () => {
		expect(headContext('web1')).toBe('server_web1');
		expect(headContext('master')).toBe('server_master');
		expect(configPaths(local, 'server_web1')).toEqual(['server_web1', 'includes']);
		expect(configPaths(local, 'server_web3')).toEqual([]);
		expect(configPaths(local.filter(entry => entry.path !== 'includes'), 'server_web1')).toEqual(['server_web1']);
		expect(appsIn(local, 'server_web1')).toEqual(['apache']);
		expect(appsIn(local, 'server_web2')).toEqual(['nginx']);
		expect(appsIn(local, 'server_packexamplecom')).toEqual([]);
		expect(configFilters('server_web1')).toEqual([{rule: 'exclude', pattern: '/server_web1/ssl.d/*/*.receipt'}]);
	});

	it('code: each site without its files/ and private/ (anchored to it), then drush exclude-sites', () => {
		expect(codeFilters(['d10/web/sites/a.example.com'])).toEqual([
			{rule: 'exclude', pattern: '/d10/web/sites/a.example.com/files/*'},
			{rule: 'exclude', pattern: '/d10/web/sites/a.example.com/**/files/*'},
			{rule: 'exclude', pattern: '/d10/web/sites/a.example.com/private/*'},
			{rule: 'exclude', pattern: '/d10/web/sites/a.example.com/**/private/*'},
			{rule: 'include', pattern: '/d10/web/sites/a.example.com'},
			{rule: 'include', pattern: 'sites/all'},
			{rule: 'exclude', pattern: 'sites/*'},
		]);
		expect(codeFilters([])).toEqual([
			{rule: 'include', pattern: 'sites/all'},
			{rule: 'exclude', pattern: 'sites/*'},
		]);
		expect(unsafeForFilter('d10/web/sites/a.example.com')).toBe(false);
		expect(unsafeForFilter('d10/sites/[x]')).toBe(true);
		expect(unsafeForFilter('d*')).toBe(true);
	});
});

describe('classifyConfigEntries', () => {
	const copied: HeadConfigEntry[] = [
		{name: 'apache.conf', type: 'link', target: '/var/aegir/config/server_web1/apache.conf'},
		{name: 'includes', type: 'directory'},
		{name: 'server_web1', type: 'directory'},
		{name: 'server_master', type: 'directory'},
		{name: 'server_web2', type: 'directory'},
		{name: 'server_packexamplecom', type: 'directory'},
		{name: 'ssl.d', type: 'directory'},
		{name: '.aegir-pack-old', type: 'directory'},
		{name: 'server_headonly', type: 'directory'},
		{name: 'notes.txt', type: 'file'},
	];

	it('removes other servers\' directories and the central key store that an earlier copy left; leaves what did not come from here', () => {
		expect(classifyConfigEntries('server_web1', copied, localNames, ['apache'])).toEqual({
			remove: ['server_master', 'server_packexamplecom', 'server_web2', 'ssl.d'],
			left: ['server_headonly', 'notes.txt'],
		});
	});

	it('nothing foreign on a head laid out by provision', () => {
		const clean = copied.filter(entry => ['apache.conf', 'includes', 'server_web1'].includes(entry.name));
		expect(classifyConfigEntries('server_web1', clean, localNames, ['apache'])).toEqual({remove: [], left: []});
	});

	it('keeps the directory a live link still points into when there is no own directory to point it at', () => {
		const head: HeadConfigEntry[] = [
			{name: 'apache.conf', type: 'link', target: '/var/aegir/config/server_master/apache.conf'},
			{name: 'server_master', type: 'directory'},
			{name: 'ssl.d', type: 'directory'},
		];
		expect(classifyConfigEntries('server_web3', head, localNames, ['apache'])).toEqual({
			remove: ['ssl.d'],
			left: ['apache.conf → /var/aegir/config/server_master/apache.conf (apache is installed and has no server_web3/apache.conf here to point at)', 'server_master (apache.conf still points into it)'],
		});
	});

	it('removes the link of a web server that is not installed, and then the directory it pointed into', () => {
		const head: HeadConfigEntry[] = [
			{name: 'apache.conf', type: 'link', target: '/var/aegir/config/server_web1/apache.conf'},
			{name: 'nginx.conf', type: 'link', target: '/var/aegir/config/server_web2/nginx.conf'},
			{name: 'server_web1', type: 'directory'},
			{name: 'server_web2', type: 'directory'},
		];
		expect(classifyConfigEntries('server_web1', head, new Set([...localNames, 'nginx.conf']), ['apache'])).toEqual({remove: ['nginx.conf', 'server_web2'], left: []});
	});

	it('never removes an <app>.conf that is not a link (aegir3-cluster-slave leaves an empty file there)', () => {
		const head: HeadConfigEntry[] = [{name: 'apache.conf', type: 'file'}];
		expect(classifyConfigEntries('server_web1', head, localNames, [])).toEqual({remove: [], left: []});
	});
});
