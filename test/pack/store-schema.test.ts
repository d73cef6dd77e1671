// The store's JSON Schema is valid JSON Schema (2020-12, as conf compiles it):
// the store skips that check on every start (ajvOptions.validateSchema), so it is made here.
import {Ajv2020} from 'ajv/dist/2020.js';
import {expect, test} from 'vitest';
import {storeRootSchema, storeSchema} from '../../source/pack/store-schema.js';

test('the store schema, as conf assembles it, passes the meta-schema check conf would make', () => {
	const ajv = new Ajv2020({allErrors: true, useDefaults: true});
	const schema = {...storeRootSchema, type: 'object', properties: storeSchema};
	expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
	expect(() => ajv.compile(schema)).not.toThrow();
});
