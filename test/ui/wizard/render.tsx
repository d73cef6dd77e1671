// Renders the real Wizard at 80x24 over a real store in a temp directory.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, vi} from 'vitest';
import {PackStore} from '../../../source/pack/store.js';
import type {Pack} from '../../../source/pack/types.js';
import {presetFromFlags, type WizardFlags} from '../../../source/ui/wizard/preset.js';
import type {WizardInit} from '../../../source/ui/wizard/types.js';
import {Wizard} from '../../../source/ui/wizard/wizard.js';
import type {RerunRequest} from '../../../source/ui/wizard/rerun-request.js';
import {noFlags} from './fixtures.js';

// Every key waits for a redraw: on a busy 2-core machine a long key sequence needs more than 5 s.
vi.setConfig({testTimeout: 20_000});

const dirs: string[] = [];
const cleanups: Array<() => void> = [];

afterEach(() => {
	for (const cleanup of cleanups.splice(0)) cleanup();
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});

export type RenderOptions = {
	flags?: Partial<WizardFlags>;
	rows?: number;
	columns?: number;
};

export function renderWizard(init: Omit<WizardInit, 'preset'>, options: RenderOptions = {}) {
	const dir = mkdtempSync(join(tmpdir(), 'aegir-pack-wizard-'));
	dirs.push(dir);
	const store = new PackStore({dir});
	const onDone = vi.fn<(pack: Pack) => void>();
	const onQuit = vi.fn<() => void>();
	const onCancel = vi.fn<() => void>();
	const onRerun = vi.fn<(request: RerunRequest) => void>();
	const preset = options.flags ? presetFromFlags({...noFlags, ...options.flags}, init.hosts, init.aegir?.servers) : undefined;
	const app = render(
		<Wizard
			init={{...init, preset}}
			store={store}
			onDone={onDone}
			onQuit={onQuit}
			onCancel={onCancel}
			onRerun={onRerun}
			size={{columns: options.columns ?? 80, rows: options.rows ?? 24}}
		/>,
	);
	cleanups.push(() => app.unmount());
	return {app, store, dir, onDone, onQuit, onCancel, onRerun};
}
