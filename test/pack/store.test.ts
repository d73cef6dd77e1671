import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {hostname, tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {defaultStoreDir, PackStore, StoreError} from '../../source/pack/store.js';
import type {Host} from '../../source/pack/types.js';
import {makePack, makePackFields, web1, web2, web3} from './fixtures.js';
import {forgedPackForTests} from './trusted-pack.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'aegir-pack-store-'));
});
afterEach(() => {
	rmSync(dir, {recursive: true, force: true});
});

const fileIn = (folder: string) => join(folder, 'config.json');
const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

/** Open a store on `contents` and expect a StoreError; the file must keep every byte. */
function expectRefused(contents: string | Buffer, ...fragments: string[]): void {
	const file = fileIn(dir);
	writeFileSync(file, contents);
	const before = readFileSync(file);
	let error: unknown;
	try {
		new PackStore({dir});
	} catch (caught) {
		error = caught;
	}
	expect(error).toBeInstanceOf(StoreError);
	const message = (error as Error).message;
	expect(message).toContain(file);
	for (const fragment of fragments) expect(message).toContain(fragment);
	expect(readFileSync(file).equals(before)).toBe(true);
}

describe('PackStore round trip', () => {
	test('a new store writes schemaVersion 1 and empty lists', () => {
		const store = new PackStore({dir});
		expect(store.path).toBe(fileIn(dir));
		expect(readJson(store.path)).toEqual({schemaVersion: 1, hosts: [], packs: []});
		expect(store.listHosts()).toEqual([]);
		expect(store.listPacks()).toEqual([]);
	});

	test('the directory is created when missing, the file readable by its owner only', () => {
		const nested = join(dir, 'a', 'b');
		const store = new PackStore({dir: nested});
		expect(statSync(store.path).mode & 0o777).toBe(0o600);
	});

	test('hosts: save, replace by name in place, delete, and read back in a new store', () => {
		const store = new PackStore({dir});
		store.saveHost(web1);
		store.saveHost(web2);
		store.saveHost(web3);
		store.saveHost({...web2, address: '192.0.2.22'});
		store.deleteHost('web1');
		store.deleteHost('no-such-host');
		const expected = [{...web2, address: '192.0.2.22'}, web3];
		expect(store.listHosts()).toEqual(expected);
		expect(new PackStore({dir}).listHosts()).toEqual(expected);
		expect(readJson(store.path)).toMatchObject({schemaVersion: 1, hosts: expected});
	});

	test('packs: save, get, replace, delete, and read back in a new store', () => {
		const store = new PackStore({dir});
		const pack = makePack();
		const other = makePack({name: 'other.example.com', record: {aegirUid: 1001, aegirGid: 1001, lastAppliedAt: '2025-01-02T03:04:05.000Z'}});
		store.savePack(pack);
		store.savePack(other);
		expect(store.getPack('pack.example.com')).toEqual(pack);
		expect(store.getPack('missing.example.com')).toBeUndefined();

		const changed = makePack({slaves: [web2], subnets: ['192.0.2.0/24', '198.51.100.0/24']});
		store.savePack(changed);
		expect(store.listPacks()).toEqual([changed, other]);

		const reopened = new PackStore({dir});
		expect(reopened.getPack('other.example.com')).toEqual(other);
		reopened.deletePack('pack.example.com');
		expect(new PackStore({dir}).listPacks()).toEqual([other]);
	});

	test('only known fields reach the file (nothing secret can ride along)', () => {
		const store = new PackStore({dir});
		const withExtra = {...web1, password: 'hunter2'} as Host;
		store.saveHost(withExtra);
		store.savePack(makePack({master: withExtra, nfsServer: withExtra}));
		const text = readFileSync(store.path, 'utf8');
		expect(text).not.toContain('password');
		expect(text).not.toContain('hunter2');
		expect(store.listHosts()).toEqual([web1]);
	});

	test('lists returned are copies: changing them does not change the store', () => {
		const store = new PackStore({dir});
		store.saveHost(web1);
		store.listHosts().push(web2);
		expect(store.listHosts()).toEqual([web1]);
	});
});

describe('PackStore refuses bad data', () => {
	test('savePack validates first and lists every problem; nothing is written', () => {
		const store = new PackStore({dir});
		const before = readFileSync(store.path);
		const bad = forgedPackForTests(makePackFields({name: '', slaves: [web1], exportPath: 'relative'}));
		expect(() => store.savePack(bad)).toThrow(StoreError);
		expect(() => store.savePack(bad)).toThrow(
			'pack not saved:\nname: is empty; enter a pack name\nslaves: web1 is the master; it cannot also be a slave\nexportPath: relative is relative',
		);
		expect(readFileSync(store.path).equals(before)).toBe(true);
	});

	test('saveHost validates first', () => {
		const store = new PackStore({dir});
		expect(() => store.saveHost({...web1, address: '10.1'})).toThrow('host not saved:\nhost.address: 10.1 is not a full IPv4 address');
		expect(store.listHosts()).toEqual([]);
	});
});

describe('a broken store file is reported and left byte-for-byte untouched', () => {
	test('corrupted JSON', () => {
		expectRefused('{"schemaVersion": 1, "hosts": [', 'is not valid JSON', 'left the file as it is');
	});

	test('an empty file', () => {
		expectRefused('', 'is not valid JSON');
	});

	test('a port that is a string', () => {
		const data = {schemaVersion: 1, hosts: [{...web1, port: '22'}], packs: []};
		expectRefused(JSON.stringify(data, null, '\t'), 'does not have the expected layout', 'hosts/0/port must be integer');
	});

	test('a misspelt key', () => {
		const data = {schemaVersion: 1, hosts: [{name: 'web1', address: '192.0.2.11', prot: 22, user: 'root'}], packs: []};
		expectRefused(JSON.stringify(data), "hosts/0 must have required property 'port'", '(unknown: hosts/0/prot)');
	});

	test('an unknown key deep in a pack', () => {
		const data = {schemaVersion: 1, hosts: [], packs: [{...makePack(), slaves: [{...web2, pasword: 'x'}], record: {uid: 1}}]};
		expectRefused(JSON.stringify(data), '(unknown: packs/0/slaves/0/pasword, packs/0/record/uid)');
	});

	test('a missing top-level list', () => {
		expectRefused(JSON.stringify({schemaVersion: 1, hosts: []}), "the top level must have required property 'packs'");
	});

	test('not an object at all', () => {
		expectRefused('[1, 2, 3]', 'does not have the expected layout');
	});

	test('a store written by a newer aegir-pack', () => {
		expectRefused(JSON.stringify({schemaVersion: 2, hosts: [], packs: [], groups: []}), 'written by a newer aegir-pack (schemaVersion 2');
	});

	test('a well-formed entry with a dangerous value (hand-edited address)', () => {
		const data = {schemaVersion: 1, hosts: [{...web1, address: '192.0.2.11;reboot'}], packs: []};
		expectRefused(JSON.stringify(data), 'has invalid entries', "hosts[0].address: contains ';'");
	});

	test('a pack that no longer validates', () => {
		const data = {schemaVersion: 1, hosts: [], packs: [makePackFields({slaves: [web2, web2]})]};
		expectRefused(JSON.stringify(data), 'packs[0].slaves: web2 is listed 2 times');
	});

	test('a pack whose export options give root away (no_root_squash) is refused on load', () => {
		const data = {schemaVersion: 1, hosts: [], packs: [makePackFields({exportOptions: 'rw,sync,no_root_squash'})]};
		expectRefused(JSON.stringify(data), 'packs[0].exportOptions: no_root_squash is refused');
	});

	test('a pack exporting a system directory is refused on load', () => {
		const data = {schemaVersion: 1, hosts: [], packs: [makePackFields({exportPath: '/usr/local/sbin'})]};
		expectRefused(JSON.stringify(data), 'packs[0].exportPath: /usr/local/sbin is inside a system directory');
	});

	test('the same pack twice', () => {
		const data = {schemaVersion: 1, hosts: [], packs: [makePack(), makePack()]};
		expectRefused(JSON.stringify(data), 'packs[1]: pack "pack.example.com" is saved twice');
	});

	test('a file broken after opening: reads and writes fail, the file is not overwritten', () => {
		const store = new PackStore({dir});
		store.saveHost(web1);
		writeFileSync(store.path, '{ oops');
		expect(() => store.listHosts()).toThrow(StoreError);
		expect(() => store.savePack(makePack())).toThrow('is not valid JSON');
		expect(() => store.deleteHost('web1')).toThrow(StoreError);
		expect(readFileSync(store.path, 'utf8')).toBe('{ oops');
	});

	test('a directory where the file should be', () => {
		mkdirSync(fileIn(dir));
		expect(() => new PackStore({dir})).toThrow(`cannot open ${fileIn(dir)} (EISDIR)`);
	});
});

describe('one writer at a time', () => {
	test('a store lock left by a process that is gone is taken over, and released after the write', () => {
		const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
		const dead = {pid: Number(child.stdout.toString()), host: hostname(), startedAt: new Date().toISOString(), purpose: 'store'};
		writeFileSync(join(dir, 'config.json.lock'), JSON.stringify(dead));
		const store = new PackStore({dir});
		store.savePack(makePack());
		expect(new PackStore({dir}).listPacks()).toHaveLength(1);
		expect(existsSync(join(dir, 'config.json.lock'))).toBe(false);
	});
});

describe('defaultStoreDir', () => {
	test('$AEGIR_PACK_HOME wins, resolved to an absolute path', () => {
		expect(defaultStoreDir({AEGIR_PACK_HOME: '/etc/aegir-pack'})).toBe('/etc/aegir-pack');
		expect(defaultStoreDir({AEGIR_PACK_HOME: 'relative/dir'})).toBe(resolve('relative/dir'));
	});

	test.runIf(process.platform === 'linux')("otherwise conf's directory for aegir-pack (XDG, then ~/.config)", () => {
		expect(defaultStoreDir({XDG_CONFIG_HOME: '/home/ops/.cfg', HOME: '/home/ops'})).toBe('/home/ops/.cfg/aegir-pack-nodejs');
		expect(defaultStoreDir({HOME: '/home/ops'})).toBe('/home/ops/.config/aegir-pack-nodejs');
		expect(defaultStoreDir({AEGIR_PACK_HOME: '', HOME: '/root'})).toBe('/root/.config/aegir-pack-nodejs');
	});
});
