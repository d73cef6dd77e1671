import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, expect, test} from 'vitest';
import {LazyStore, STORE_FILE_NAME} from '../../source/cli/wizard-app.js';
import {PackStore} from '../../source/pack/store.js';
import {makePack} from '../pack/fixtures.js';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});
const tempDir = () => {
	const dir = mkdtempSync(join(tmpdir(), 'aegir-pack-store-'));
	dirs.push(dir);
	return dir;
};

test('LazyStore looks for the file PackStore really uses', () => {
	const dir = tempDir();
	expect(new PackStore({dir}).path).toBe(join(dir, STORE_FILE_NAME));
});

test('reading a store that does not exist creates nothing (its code not even loaded); saving creates it', async () => {
	const dir = join(tempDir(), 'store');
	const store = new LazyStore(dir);
	expect(store.read()).toEqual({hosts: [], packs: []});
	expect(existsSync(dir)).toBe(false);
	await store.load();
	store.saveHost({name: 'web1', address: '192.0.2.11', port: 22, user: 'root'});
	expect(store.path).toBe(join(dir, STORE_FILE_NAME));
	const again = new LazyStore(dir);
	expect(again.exists()).toBe(true);
	await again.load();
	expect(again.read().hosts).toEqual([{name: 'web1', address: '192.0.2.11', port: 22, user: 'root'}]);
});

test("a save before the store's code has loaded writes nothing, takes no lock, and says to try again", async () => {
	const dir = join(tempDir(), 'store');
	const store = new LazyStore(dir);
	expect(() => store.beginSave(makePack())).toThrow(/still loading, try again/);
	expect(() => store.savePack(makePack())).toThrow(/still loading, try again/);
	expect(existsSync(dir)).toBe(false);
	await store.load();
	store.beginSave(makePack());
	store.savePack(makePack());
	expect(new PackStore({dir}).listPacks().map(pack => pack.name)).toEqual([makePack().name]);
});
