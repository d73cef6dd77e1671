// checkPack is the only way to a Pack: an invalid pack cannot become one, at
// compile time (the @ts-expect-error lines, checked by tsc) or at run time.
import {readdirSync, readFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import {describe, expect, test} from 'vitest';
import {changedPack, checkPack} from '../../source/pack/check-pack.js';
import type {Pack, PackFields} from '../../source/pack/types.js';
import {makePack, makePackFields, web1, web2} from './fixtures.js';

const sourceDir = join(import.meta.dirname, '../../source');

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, {withFileTypes: true}).flatMap(entry =>
		entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : /\.tsx?$/.test(entry.name) ? [join(dir, entry.name)] : [],
	);
}

describe('a Pack is made only by checkPack (compile time)', () => {
	test('fields, a literal or a changed copy of a Pack are not a Pack', () => {
		const fields: PackFields = makePackFields();
		const pack: Pack = makePack();
		// @ts-expect-error unchecked fields are not a Pack
		const unchecked: Pack = fields;
		// @ts-expect-error an object literal is not a Pack, however valid
		const literal: Pack = {...fields};
		// @ts-expect-error a spread drops the brand: a changed pack must be checked again
		const changed: Pack = {...pack, slaves: [web2, web2]};
		// A Pack is still a PackFields: code reading fields takes either.
		const readable: PackFields = pack;
		expect([unchecked, literal, changed, readable]).toHaveLength(4);
	});

	// A cast (`fields as Pack`) compiles, as downcasts do: this scan keeps it to check-pack.ts.
	test('no source file but pack/check-pack.ts casts to Pack', () => {
		const casting = sourceFiles(sourceDir)
			.filter(file => /\bas\s+(unknown\s+as\s+)?Pack\b(?!\w)/.test(readFileSync(file, 'utf8')))
			.map(file => relative(sourceDir, file));
		expect(casting).toEqual(['pack/check-pack.ts']);
	});
});

describe('checkPack (run time)', () => {
	test('valid fields come back as the Pack, the same object', () => {
		const fields = makePackFields();
		const checked = checkPack(fields);
		expect(checked.problems).toBeUndefined();
		expect(checked.pack).toBe(fields);
	});

	test('invalid fields come back as every problem and no Pack', () => {
		const checked = checkPack(makePackFields({name: '', slaves: [web1], exportPath: 'relative'}));
		expect(checked.pack).toBeUndefined();
		expect(checked.problems?.map(problem => problem.field)).toEqual(['name', 'slaves', 'exportPath']);
	});

	test('a member named into the pack\'s Aegir context is refused here (registration does not check again)', () => {
		const sameName = checkPack(makePackFields({name: 'web2', slaves: [web2]}));
		expect(sameName.problems).toContainEqual({field: 'name', message: 'is the same as host web2; the pack is its own server node in Aegir and needs its own name'});
		const sameContext = checkPack(makePackFields({slaves: [{...web2, name: 'packexample.com'}]}));
		expect(sameContext.problems?.[0]?.message).toBe('pack.example.com and packexample.com both become Aegir context server_packexamplecom; rename one');
	});

	test('changedPack checks the changed pack as a whole', () => {
		const pack = makePack();
		const added = changedPack(pack, {slaves: [...pack.slaves, {...web2, name: 'web9', address: '192.0.2.19'}]});
		expect(added.pack?.slaves.map(slave => slave.name)).toEqual(['web2', 'web3', 'web9']);
		expect(pack.slaves).toHaveLength(2);
		const outside = changedPack(pack, {slaves: [...pack.slaves, {...web2, name: 'web9', address: '198.51.100.9'}]});
		expect(outside.pack).toBeUndefined();
		expect(outside.problems?.[0]?.message).toContain('NFS client web9 (198.51.100.9) is outside every subnet');
	});
});
