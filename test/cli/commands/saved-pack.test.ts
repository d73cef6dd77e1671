// findSavedPack, the one place the re-run commands (add-slave, remove-slave,
// status) look up the pack they name: the pack itself when saved, else a
// message that lists what is saved (or says how to make the first one).
import {describe, expect, test} from 'vitest';
import {findSavedPack} from '../../../source/cli/commands/saved-pack.js';
import {other, pack} from './fake-context.js';

describe('findSavedPack', () => {
	test('gives back the saved pack itself, among several', () => {
		const found = findSavedPack([other, pack], 'pack.example.com');
		expect('pack' in found && found.pack).toBe(pack);
	});

	test('matches the name exactly: another case or spaces around it is another name', () => {
		for (const name of ['Pack.Example.com', ' pack.example.com', 'pack.example.com.']) {
			expect(findSavedPack([pack, other], name)).toEqual({message: `No saved pack named ${name} (saved packs: pack.example.com, other.example.com).`});
		}
	});

	test('no name, or an empty one, asks for it and lists the saved packs in the order saved', () => {
		for (const name of [undefined, '']) {
			expect(findSavedPack([pack, other], name)).toEqual({message: 'Name the pack (saved packs: pack.example.com, other.example.com).'});
		}
	});

	test('with nothing saved, any name says how to make the first pack', () => {
		expect(findSavedPack([], 'pack.example.com')).toEqual({message: 'No saved pack named pack.example.com (no pack is saved yet: create one with aegir-pack).'});
		expect(findSavedPack([], '')).toEqual({message: 'Name the pack (no pack is saved yet: create one with aegir-pack).'});
	});
});
