// Colours on (before Ink and its chalk load), to see that the marks are dim.
import {render} from 'ink-testing-library';
import {afterAll, describe, expect, test, vi} from 'vitest';
import {PickList} from '../../../source/ui/components/pick-list.js';
import {HostTicker} from '../../../source/ui/wizard/screens/host-ticker.js';
import {waitForFrame} from '../helpers/keys.js';
import {host, web1} from './fixtures.js';

const before = vi.hoisted(() => {
	const value = process.env.FORCE_COLOR;
	process.env.FORCE_COLOR = '1';
	return value;
});

// The worker may run other files next: leave the environment as it was.
afterAll(() => {
	if (before === undefined) delete process.env.FORCE_COLOR;
	else process.env.FORCE_COLOR = before;
});

const DIM = '\u001B[2m';
const web5 = host('web5', '192.0.2.15');

describe('the Aegir marks are dim', () => {
	test('a pick list shows an item\'s note dim after its label', async () => {
		const app = render(<PickList items={[{label: 'web5  root@192.0.2.15:22', note: '  Aegir', value: 'web5'}]} onSelect={() => {}} />);
		await waitForFrame(app, frame => frame.includes('Aegir'));
		expect(app.lastFrame()).toContain(`${DIM}  Aegir`);
		app.unmount();
	});

	test('the host ticker shows "Aegir" dim on the Aegir rows only', async () => {
		const app = render(
			<HostTicker candidates={[web1, web5]} ticked={[]} width={80} limit={5} aegir={['web5']} onTick={() => {}} onSubmit={() => {}} onAddHost={() => {}} />,
		);
		const frame = await waitForFrame(app, shown => shown.includes('Aegir'));
		// Aegir's host first.
		expect(frame.split('\n')[0]).toMatch(/web5 +root@192\.0\.2\.15:22 +Aegir$/);
		const raw = app.lastFrame() ?? '';
		expect(raw).toContain(`${DIM}Aegir`);
		expect(raw.split(DIM)).toHaveLength(2);
		app.unmount();
	});
});
