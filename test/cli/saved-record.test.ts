import {describe, expect, it} from 'vitest';
import {withSavedRecord} from '../../source/cli/wizard-app.js';
import {makePack} from '../plan/fixtures.js';

describe('a pack saved again by the wizard keeps what earlier applies recorded of it', () => {
	const record = {aegirUid: 1500, aegirGid: 1500, lastAppliedAt: '2026-01-01T00:00:00.000Z', aegir: {verifiedAt: 'x', members: {}, platforms: {}, imported: true}};
	it('the saved record of the same name, when the new pack has none', () => {
		expect(withSavedRecord(makePack(), [makePack({record})]).record).toEqual(record);
	});

	it("another pack's record is never taken; a record the pack has is kept", () => {
		expect(withSavedRecord(makePack(), [makePack({name: 'other.example.com', record})]).record).toBeUndefined();
		const own = {aegirUid: 7, aegirGid: 7};
		expect(withSavedRecord(makePack({record: own}), [makePack({record})]).record).toEqual(own);
	});
});
