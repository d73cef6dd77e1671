import {describe, expect, test} from 'vitest';
import type {Host, Problem} from '../../source/pack/types.js';
import {
	aegirContextName,
	formatProblems,
	parseSubnetList,
	validateAddress,
	validateExportPath,
	validateHost,
	validateHostName,
	validateOptions,
	validatePack,
	validatePackName,
} from '../../source/pack/validate.js';
import {makePackFields, web1, web2, web3} from './fixtures.js';

type BadCase = {input: string; check: () => Problem[]; field: string; fragment: string};

const host = (overrides: Partial<Host>): Host => ({...web2, ...overrides});
const subnets = (text: string) => parseSubnetList(text).problems;

// Every row: one bad input, the field it must be reported on and words the message must contain.
const badInputs: BadCase[] = [
	{input: 'pack name with ;', check: () => validatePackName('pack;reboot'), field: 'name', fragment: "contains ';'"},
	{input: 'host name with $( )', check: () => validateHostName('web$(id)'), field: 'name', fragment: "'$', '(', ')'"},
	{input: 'host name with a backtick', check: () => validateHostName('web`id`'), field: 'name', fragment: "'`'"},
	{input: 'host name with |', check: () => validateHostName('web|sh'), field: 'name', fragment: "'|'"},
	{input: 'host name with &', check: () => validateHostName('web&'), field: 'name', fragment: "'&'"},
	{input: 'host name with < >', check: () => validateHostName('web<x>'), field: 'name', fragment: "'<', '>'"},
	{input: 'host name with a newline', check: () => validateHostName('web\n1'), field: 'name', fragment: 'a newline'},
	{input: 'host name with NUL', check: () => validateHostName('web\0'), field: 'name', fragment: 'a NUL byte'},
	{input: 'empty pack name', check: () => validatePackName(''), field: 'name', fragment: 'is empty'},
	{input: '300-character pack name', check: () => validatePackName('a'.repeat(300)), field: 'name', fragment: 'is 300 characters long; a pack name is at most 253'},
	{input: 'Cyrillic а in a pack name', check: () => validatePackName('pаck.example.com'), field: 'name', fragment: "'а' (U+0430, not ASCII)"},
	{input: 'Cyrillic е in a host name', check: () => validateHostName('wеb1'), field: 'name', fragment: 'look-alike letters'},
	{input: 'zero-width space in a host name', check: () => validateHostName('web\u200b1'), field: 'name', fragment: 'invisible character U+200B'},
	{input: 'escape sequence in a host name', check: () => validateHostName('web\u001b[2J'), field: 'name', fragment: 'control character U+001B'},
	{input: 'upper-case host name', check: () => validateHostName('Web1'), field: 'name', fragment: 'lower case (web1)'},
	{input: 'name starting with -', check: () => validateHostName('-web1'), field: 'name', fragment: "starts or ends with '-'"},
	{input: '64-character label', check: () => validatePackName(`${'a'.repeat(64)}.example.com`), field: 'name', fragment: 'is 64 characters long; each dot-separated part is at most 63'},
	{input: 'empty label', check: () => validatePackName('pack..example.com'), field: 'name', fragment: 'empty part'},
	{input: 'IP address as a name', check: () => validateHostName('192.0.2.11'), field: 'name', fragment: 'reads as an IP address'},
	{input: 'address 10.1', check: () => validateAddress('10.1'), field: 'address', fragment: '10.1 is not a full IPv4 address'},
	{input: 'address 300.1.1.1', check: () => validateAddress('300.1.1.1'), field: 'address', fragment: '300 is above 255'},
	{input: 'address with a leading zero', check: () => validateAddress('010.0.0.1'), field: 'address', fragment: 'write 10.0.0.1'},
	{input: 'IPv6 address in brackets', check: () => validateAddress('[2001:db8::1]'), field: 'address', fragment: 'without brackets'},
	{input: 'IPv6 with three colons', check: () => validateAddress('2001:db8:::1'), field: 'address', fragment: 'not a valid IPv6 address'},
	{input: 'IPv6 with nine groups', check: () => validateAddress('1:2:3:4:5:6:7:8:9'), field: 'address', fragment: 'not a valid IPv6 address'},
	{input: 'IPv6 with a zone id', check: () => validateAddress('fe80::1%eth0'), field: 'address', fragment: 'zone ids'},
	{input: 'network as an address', check: () => validateAddress('192.0.2.0/24'), field: 'address', fragment: 'is a network'},
	{input: 'DNS name with ;', check: () => validateAddress('db.example.com;reboot'), field: 'address', fragment: "';'"},
	{input: 'DNS name with _', check: () => validateAddress('db_1.example.com'), field: 'address', fragment: "'_'"},
	{input: 'empty address', check: () => validateAddress(''), field: 'address', fragment: 'is empty'},
	{input: 'subnet 300.1.1.1/24', check: () => subnets('300.1.1.1/24'), field: 'subnets', fragment: '300 is above 255'},
	{input: 'subnet 10.0.0.0/33', check: () => subnets('10.0.0.0/33'), field: 'subnets', fragment: '/33 is too long for IPv4 (at most /32)'},
	{input: 'subnet 10.1/16', check: () => subnets('10.1/16'), field: 'subnets', fragment: 'not a full IPv4 address'},
	{input: 'subnet with host bits', check: () => subnets('192.0.2.5/24'), field: 'subnets', fragment: '192.0.2.5/24 has host bits set; did you mean 192.0.2.0/24?'},
	{input: 'IPv6 subnet with host bits', check: () => subnets('2001:db8::1/64'), field: 'subnets', fragment: 'did you mean 2001:db8::/64?'},
	{input: 'IPv6 prefix /129', check: () => subnets('2001:db8::/129'), field: 'subnets', fragment: 'at most /128'},
	{input: 'subnet /0', check: () => subnets('0.0.0.0/0'), field: 'subnets', fragment: 'any machine'},
	{input: 'subnet prefix not a number', check: () => subnets('192.0.2.0/x'), field: 'subnets', fragment: 'must be a number from 1 to 32'},
	{input: 'relative export path', check: () => validateExportPath('var/aegir/platforms'), field: 'exportPath', fragment: 'is relative'},
	{input: 'export path with ..', check: () => validateExportPath('/var/aegir/../../etc/x'), field: 'exportPath', fragment: "'..'"},
	{input: 'export path with ;', check: () => validateExportPath('/var/aegir/platforms;rm -rf /'), field: 'exportPath', fragment: "';'"},
	{input: 'export path with $( )', check: () => validateExportPath('/var/aegir/$(id)'), field: 'exportPath', fragment: "'$', '(', ')'"},
	{input: 'export path with a backtick and |', check: () => validateExportPath('/srv/`id`|x'), field: 'exportPath', fragment: "'`', '|'"},
	{input: 'export path with a newline', check: () => validateExportPath('/var/aegir/plat\nforms'), field: 'exportPath', fragment: 'a newline'},
	{input: 'export path with NUL', check: () => validateExportPath('/var/aegir/plat\0forms'), field: 'exportPath', fragment: 'a NUL byte'},
	{input: 'export path with a space', check: () => validateExportPath('/var/aegir/my platforms'), field: 'exportPath', fragment: 'a space'},
	{input: 'export path /', check: () => validateExportPath('/'), field: 'exportPath', fragment: 'root directory'},
	{input: 'export path /var', check: () => validateExportPath('/var'), field: 'exportPath', fragment: '/var is a system directory'},
	{input: 'export path under /etc', check: () => validateExportPath('/etc/platforms'), field: 'exportPath', fragment: 'system directory'},
	{input: 'export path with a trailing /', check: () => validateExportPath('/var/aegir/platforms/'), field: 'exportPath', fragment: 'write /var/aegir/platforms'},
	{input: 'export options with an empty item', check: () => validateOptions('rw,,sync', 'exportOptions'), field: 'exportOptions', fragment: 'empty option'},
	{input: 'export options with ;', check: () => validateOptions('rw;reboot', 'exportOptions'), field: 'exportOptions', fragment: 'rw;reboot: each option is a name or name=value'},
	{input: 'export options rw and ro', check: () => validateOptions('rw,ro,sync', 'exportOptions'), field: 'exportOptions', fragment: 'both rw and ro'},
	{input: 'mount options with a space', check: () => validateOptions('rw, hard', 'mountOptions'), field: 'mountOptions', fragment: 'separate options with commas only'},
	{input: 'empty mount options', check: () => validateOptions('', 'mountOptions'), field: 'mountOptions', fragment: 'the default is rw,hard,_netdev,nofail'},
	{input: 'port 0', check: () => validateHost(host({port: 0}), 'slaves[0]'), field: 'slaves[0].port', fragment: 'from 1 to 65535 (got 0)'},
	{input: 'port 70000', check: () => validateHost(host({port: 70_000})), field: 'host.port', fragment: 'got 70000'},
	{input: 'port 22.5', check: () => validateHost(host({port: 22.5})), field: 'host.port', fragment: 'whole number'},
	{input: 'user with a space', check: () => validateHost(host({user: 'ro ot'})), field: 'host.user', fragment: 'a space'},
	{input: 'user that is an ssh option', check: () => validateHost(host({user: '-oProxyCommand=sh'})), field: 'host.user', fragment: "must not start with '-'"},
	{input: 'user with $', check: () => validateHost(host({user: 'web$'})), field: 'host.user', fragment: "'$'"},
	{input: 'numeric user', check: () => validateHost(host({user: '1000'})), field: 'host.user', fragment: 'numeric user id'},
	{input: 'empty user', check: () => validateHost(host({user: ''})), field: 'host.user', fragment: 'is empty'},
	{input: 'relative identity file', check: () => validateHost(host({identityFile: 'id_ed25519'})), field: 'host.identityFile', fragment: 'absolute path'},
	{input: 'identity file with a newline', check: () => validateHost(host({identityFile: '/root/.ssh/id\n'})), field: 'host.identityFile', fragment: 'a newline'},
	{
		input: 'client outside every subnet',
		check: () => validatePack(makePackFields({slaves: [web2, host({name: 'web4', address: '198.51.100.7'})]})),
		field: 'subnets',
		fragment: 'NFS client web4 (198.51.100.7) is outside every subnet (192.0.2.0/24); add one that contains it, e.g. 198.51.100.7/32',
	},
	{
		input: 'IPv6 client outside an IPv4-only subnet list',
		check: () => validatePack(makePackFields({slaves: [host({address: '2001:db8::12'})]})),
		field: 'subnets',
		fragment: 'web2 (2001:db8::12) is outside every subnet',
	},
	{input: 'master listed as a slave', check: () => validatePack(makePackFields({slaves: [web2, web1]})), field: 'slaves', fragment: 'web1 is the master; it cannot also be a slave'},
	{input: 'duplicate slaves', check: () => validatePack(makePackFields({slaves: [web2, web3, web2]})), field: 'slaves', fragment: 'web2 is listed 2 times'},
	{
		input: 'two names for one machine',
		check: () => validatePack(makePackFields({slaves: [host({name: 'web9', address: web1.address})]})),
		field: 'slaves[0].address',
		fragment: 'web9 has the same address and port as web1',
	},
	{
		input: 'names that collide as Aegir contexts',
		check: () => validatePack(makePackFields({slaves: [web2, host({name: 'web-2', address: '192.0.2.22'})]})),
		field: 'slaves',
		fragment: 'web2 and web-2 both become Aegir context server_web2',
	},
	{input: 'pack named like a host', check: () => validatePack(makePackFields({name: 'web1'})), field: 'name', fragment: 'is the same as host web1'},
	{
		input: 'NFS server with other details than the web head of that name',
		check: () => validatePack(makePackFields({nfsServer: {...web1, port: 2200}})),
		field: 'nfsServer',
		fragment: 'different connection details',
	},
	{
		input: 'no subnets while slaves mount the share',
		check: () => validatePack(makePackFields({subnets: []})),
		field: 'subnets',
		fragment: 'is empty, but web2, web3 mount the share; add their addresses (or a network they share), e.g. 192.0.2.12/32, 192.0.2.13/32',
	},
	{input: 'subnet not normalised in a pack', check: () => validatePack(makePackFields({subnets: ['192.0.2.0/24', '198.51.100.7']})), field: 'subnets', fragment: 'write 198.51.100.7 as 198.51.100.7/32'},
	{input: 'negative uid in the record', check: () => validatePack(makePackFields({record: {aegirUid: -1}})), field: 'record.aegirUid', fragment: 'whole number'},
];

describe('bad inputs are rejected with a message that names the problem', () => {
	test('the table covers at least 30 cases', () => {
		expect(badInputs.length).toBeGreaterThanOrEqual(30);
	});

	test.each(badInputs)('$input', ({check, field, fragment}) => {
		const problems = check();
		expect(problems, formatProblems(problems)).toContainEqual({field, message: expect.stringContaining(fragment)});
	});

	test.each(badInputs)('$input: every message is one printable line', ({check}) => {
		for (const {message} of check()) expect(message).toMatch(/^[^\u0000-\u001f\u007f]+$/);
	});
});

describe('good inputs pass', () => {
	test.each(['web1', 'web-1', 'web1.example.com', 'a'.repeat(63), `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`])(
		'host name %s',
		name => {
			expect(validateHostName(name)).toEqual([]);
			expect(validatePackName(name)).toEqual([]);
		},
	);

	test.each(['192.0.2.10', '0.0.0.0', '255.255.255.255', '2001:db8::1', '::1', '::ffff:192.0.2.1', 'db.example.com', 'DB.Example.COM', 'localhost'])(
		'address %s',
		address => {
			expect(validateAddress(address)).toEqual([]);
		},
	);

	test.each(['/var/aegir/platforms', '/srv/aegir-platforms', '/data/nfs/platforms_1.2', '/var/aegir/platforms+shared'])('export path %s', path => {
		expect(validateExportPath(path)).toEqual([]);
	});

	test.each([
		['rw,sync,no_subtree_check', 'exportOptions'],
		['rw,sync,no_subtree_check,fsid=0,sec=krb5:krb5i', 'exportOptions'],
		['rw,hard,_netdev,nofail', 'mountOptions'],
		['rw,hard,vers=4.2,x-systemd.automount,x-systemd.mount-timeout=30', 'mountOptions'],
	] as const)('options %s', (options, field) => {
		expect(validateOptions(options, field)).toEqual([]);
	});

	test('a host with every field set', () => {
		expect(validateHost(web3, 'slaves[1]')).toEqual([]);
		expect(validateHost({...web1, user: 'deploy.user_1', identityFile: '/root/.ssh/id_ed25519'})).toEqual([]);
	});

	test('an IPv4 pack exporting to its /24', () => {
		expect(validatePack(makePackFields())).toEqual([]);
	});

	test('an IPv6 pack', () => {
		const v6 = (name: string, address: string): Host => ({name, address, port: 22, user: 'root'});
		const master = v6('web1', '2001:db8::11');
		const pack = makePackFields({master, nfsServer: master, slaves: [v6('web2', '2001:db8::12'), v6('web3', '2001:db8:0:1::13')], subnets: ['2001:db8::/48']});
		expect(validatePack(pack)).toEqual([]);
	});

	test('one /32 per client', () => {
		expect(validatePack(makePackFields({subnets: ['192.0.2.12/32', '192.0.2.13/32']}))).toEqual([]);
	});

	test('several subnets, one per site', () => {
		const far = host({name: 'web4', address: '198.51.100.7'});
		expect(validatePack(makePackFields({slaves: [web2, far], subnets: ['192.0.2.0/24', '198.51.100.0/24']}))).toEqual([]);
	});

	test('DNS-name clients are not subnet-checked here (they are resolved at apply time)', () => {
		const named = host({address: 'web2.example.com'});
		expect(validatePack(makePackFields({slaves: [named], subnets: ['198.51.100.0/24']}))).toEqual([]);
	});

	test('a separate storage host exporting to every web head', () => {
		const storage: Host = {name: 'storage', address: '192.0.2.50', port: 22, user: 'root'};
		expect(validatePack(makePackFields({nfsServer: storage, subnets: ['192.0.2.8/29']}))).toEqual([]);
	});

	test('a slave as the NFS server: the master becomes a client and must be inside the subnets', () => {
		expect(validatePack(makePackFields({nfsServer: web2, subnets: ['192.0.2.11/32', '192.0.2.13/32']}))).toEqual([]);
		expect(validatePack(makePackFields({nfsServer: web2, subnets: ['192.0.2.13/32']}))).toContainEqual({
			field: 'subnets',
			message: expect.stringContaining('NFS client web1 (192.0.2.11) is outside every subnet'),
		});
	});

	test('a single-host pack needs no subnets', () => {
		expect(validatePack(makePackFields({slaves: [], subnets: []}))).toEqual([]);
	});
});

describe('validatePack returns every problem at once', () => {
	test('three independent mistakes give three problems', () => {
		const problems = validatePack(
			makePackFields({name: 'pack example', master: {...web1, port: 0}, nfsServer: {...web1, port: 0}, exportPath: 'platforms'}),
		);
		expect(problems.map(problem => problem.field)).toEqual(['name', 'master.port', 'exportPath']);
	});

	test('a pack with mistakes in every part reports each part', () => {
		const problems = validatePack({
			...makePackFields(),
			name: '',
			slaves: [web1, web2, web2, {...web3, address: '10.1'}],
			exportPath: '/var/aegir/../x',
			exportOptions: 'rw,,',
			mountOptions: 'rw hard',
			subnets: ['10.0.0.0/33'],
		});
		const fields = new Set(problems.map(problem => problem.field));
		for (const field of ['name', 'slaves', 'slaves[3].address', 'exportPath', 'exportOptions', 'mountOptions', 'subnets']) {
			expect(fields, formatProblems(problems)).toContain(field);
		}
	});
});

describe('aegirContextName', () => {
	test.each([
		['web1', 'server_web1'],
		['web-1.example.com', 'server_web1examplecom'],
		['web_1', 'server_web_1'],
		['wеb1', 'server_wb1'],
	])('%s becomes %s, as Aegir strips PHP \\W characters', (name, context) => {
		expect(aegirContextName(name)).toBe(context);
	});
});

describe('formatProblems', () => {
	test('one "field: message" line per problem', () => {
		const text = formatProblems([
			{field: 'name', message: 'is empty; enter a pack name'},
			{field: 'master.port', message: 'must be a whole number from 1 to 65535 (got 0)'},
		]);
		expect(text).toBe('name: is empty; enter a pack name\nmaster.port: must be a whole number from 1 to 65535 (got 0)');
	});

	test('values with newlines are escaped, so each problem stays on one line', () => {
		const evil = {...web2, name: 'web2\nmaster: fine', address: '198.51.100.9'};
		const problems = validatePack(makePackFields({slaves: [evil]}));
		const lines = formatProblems(problems).split('\n');
		expect(lines).toHaveLength(problems.length);
		expect(lines.some(line => line.includes('"web2\\nmaster: fine"'))).toBe(true);
	});

	test('a 300-character value is shortened in messages', () => {
		const long = 'x'.repeat(300);
		const problems = validatePack(makePackFields({slaves: [{...web2, name: long, address: '198.51.100.9'}]}));
		for (const {message} of problems) expect(message.length).toBeLessThan(200);
	});
});

describe('export policy: options that hand the share to others are refused', () => {
	test.each([
		['rw,sync,no_root_squash', 'no_root_squash', 'any root in the subnets would be root on the share'],
		['rw,sync,insecure', 'insecure', 'unprivileged ports'],
		['rw,sync,all_squash', 'all_squash', 'every user'],
		['rw,sync,anonuid=0', 'anonuid=0', 'root'],
		['rw,sync,anongid=00', 'anongid=00', 'root'],
		['rw,sync,crossmnt', 'crossmnt', 'mounted below'],
		['rw,sync,nohide', 'nohide', 'mounted below'],
	])('%s', (options, option, reason) => {
		const problems = validateOptions(options, 'exportOptions');
		expect(problems).toContainEqual({field: 'exportOptions', message: expect.stringContaining(`${option} is refused: `)});
		expect(formatProblems(problems)).toContain(reason);
	});

	test('anonuid other than 0 and root_squash stay allowed', () => {
		expect(validateOptions('rw,sync,root_squash,anonuid=65534,anongid=65534', 'exportOptions')).toEqual([]);
	});

	test('a pack carrying one is not a pack', () => {
		expect(validatePack(makePackFields({exportOptions: 'rw,sync,no_subtree_check,no_root_squash'}))).toContainEqual({
			field: 'exportOptions',
			message: expect.stringContaining('no_root_squash is refused'),
		});
	});
});

describe('export policy: no share inside a system tree', () => {
	test.each([
		'/home/aegir', '/root/x', '/usr/local/sbin', '/usr/share/x', '/lib64/x', '/lib/x', '/bin/x', '/sbin/x', '/tmp/x', '/boot/x',
		'/var/lib/x', '/var/log/x', '/var/spool/cron', '/var/tmp/x', '/var/aegirx', '/var/www', '/var/aegir', '/srv', '/opt', '/run/x', '/proc/1',
	])('%s is refused', path => {
		const problems = validateExportPath(path);
		expect(problems, formatProblems(problems)).toContainEqual({field: 'exportPath', message: expect.stringContaining(path)});
	});

	test('the message says why: the NFS server would decide what runs there', () => {
		expect(formatProblems(validateExportPath('/usr/local/sbin'))).toBe(
			'exportPath: /usr/local/sbin is inside a system directory; mounting the share over it on every web head would let the NFS server decide what runs there: share a directory like /var/aegir/platforms',
		);
	});

	test.each(['/var/aegir/platforms', '/var/www/x', '/srv/aegir/platforms', '/opt/aegir/x', '/mnt/x', '/data/nfs/platforms'])('%s is allowed', path => {
		expect(validateExportPath(path)).toEqual([]);
	});
});
