// Every way a Pack enters the tool goes through checkPack: the flags without a
// terminal, the wizard's confirm, the store read, and the re-run changes
// (add / remove a slave, the record after a run). checkPack returns the object it
// was given, so "the Pack is one checkPack returned" is an identity check.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import type * as CheckPackModule from '../../source/pack/check-pack.js';
import {PackStore} from '../../source/pack/store.js';
import type {Pack} from '../../source/pack/types.js';
import {planAddSlave} from '../../source/plan/add-slave-plan.js';
import {planRemoveSlave} from '../../source/plan/remove-slave-plan.js';
import {RerunInputError} from '../../source/plan/reruns/errors.js';
import {packAfterRun} from '../../source/run/pack-record.js';
import type {RunOutcome} from '../../source/run/runner.js';
import {plainWizard} from '../../source/ui/wizard/plain-wizard.js';
import {waitForFrame} from '../ui/helpers/keys.js';
import {HOSTS, noFlags} from '../ui/wizard/fixtures.js';
import {renderWizard} from '../ui/wizard/render.js';
import {makePack, web2} from './fixtures.js';

/** Every Pack checkPack handed out in this test, and how often it was called (fixtures call it on import). */
const {made, count} = vi.hoisted(() => ({made: new Set<unknown>(), count: {calls: 0}}));

// Both ways to a Pack are watched (changedPack calls checkPack inside its own module, out of a mock's reach).
vi.mock('../../source/pack/check-pack.js', async importOriginal => {
	const real = await importOriginal<typeof CheckPackModule>();
	const watched = (checked: CheckPackModule.PackCheck) => {
		count.calls++;
		if (checked.pack) made.add(checked.pack);
		return checked;
	};
	return {
		...real,
		checkPack: (...args: Parameters<typeof real.checkPack>) => watched(real.checkPack(...args)),
		changedPack: (...args: Parameters<typeof real.changedPack>) => watched(real.changedPack(...args)),
	};
});

const madeByCheckPack = (pack: Pack | undefined) => pack !== undefined && made.has(pack);

const flags = {...noFlags, name: 'pack.example.com', master: 'web1', slave: ['web2'], nfsServer: 'master', subnet: ['192.0.2.0/24'], yes: true, allowWideExport: true};

let dir: string;
beforeEach(() => {
	made.clear();
	count.calls = 0;
	dir = mkdtempSync(join(tmpdir(), 'aegir-pack-entries-'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

describe('each entry makes its Pack with checkPack', () => {
	test('flags without a terminal', () => {
		const outcome = plainWizard(flags, HOSTS);
		expect(outcome.kind).toBe('accepted');
		expect(outcome.kind === 'accepted' && madeByCheckPack(outcome.pack)).toBe(true);
	});

	test('flags without a terminal that break a pack rule: refused with checkPack\'s problem, no Pack', () => {
		const outcome = plainWizard({...flags, slave: ['web2'], subnet: ['198.51.100.0/24']}, HOSTS);
		expect(outcome.kind).toBe('refused');
		expect(outcome.kind === 'refused' && outcome.messages.join('\n')).toContain('--subnet: NFS client web2');
		expect(count.calls).toBeGreaterThan(0);
		expect(made.size).toBe(0);
	});

	test('the wizard\'s confirm', async () => {
		const {onDone} = renderWizard({hosts: HOSTS, packs: []}, {flags});
		await waitForFrame({lastFrame: () => String(onDone.mock.calls.length)}, count => count === '1');
		expect(madeByCheckPack(onDone.mock.calls[0]?.[0])).toBe(true);
	});

	test('the store read', () => {
		new PackStore({dir}).savePack(makePack());
		made.clear();
		const store = new PackStore({dir});
		const [listed] = store.listPacks();
		expect(madeByCheckPack(listed)).toBe(true);
		expect(madeByCheckPack(store.getPack('pack.example.com'))).toBe(true);
	});

	test('adding and removing a slave, and the record after a run', () => {
		const pack = makePack({slaves: [web2]});
		const added = planAddSlave(pack, [{...web2, name: 'web9', address: '192.0.2.19'}]);
		expect(madeByCheckPack(added.pack)).toBe(true);
		const removed = planRemoveSlave(pack, 'web2');
		expect(madeByCheckPack(removed.pack)).toBe(true);
		const succeeded: RunOutcome = {exitCode: 0, recap: [], interrupted: false, facts: {}};
		expect(madeByCheckPack(packAfterRun(pack, succeeded))).toBe(true);
	});

	test('a slave the pack rules refuse (named into the pack\'s Aegir context) is refused before anything runs', () => {
		const pack = makePack({slaves: [web2]});
		const named = {...web2, name: 'packexample.com', address: '192.0.2.19'};
		expect(() => planAddSlave(pack, [named])).toThrow(RerunInputError);
		expect(() => planAddSlave(pack, [named])).toThrow('pack.example.com and packexample.com both become Aegir context server_packexamplecom');
	});
});
