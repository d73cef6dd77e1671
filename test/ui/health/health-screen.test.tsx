import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {evaluateHealth} from '../../../source/health/evaluate.js';
import type {HealthReport} from '../../../source/health/types.js';
import {fitProblems, HealthScreen} from '../../../source/ui/health/health-screen.js';
import {renderHealth} from '../../../source/ui/health/render-health.js';
import {clientFacts, healthyObservations, observed, pack, serverFacts} from '../../health/fixtures.js';
import {gate} from '../../run/fake-transport.js';
import {KEY, overflow, plain, waitForFrame} from '../helpers/keys.js';
import {FakeTerminal, waitFor} from '../fake-terminal.js';

const SIZE = {columns: 80, rows: 24};
// Generous: other suites may load the machine; a pass is still as fast as the frames come.
const WAIT_MS = 10_000;
const TEST_MS = 30_000;
const at = (iso: string) => ({checkedAt: iso});
const healthy = (checkedAt = '2026-12-01T18:00:00.000Z'): HealthReport => evaluateHealth(pack, healthyObservations(), at(checkedAt));
const sick = (checkedAt = '2026-12-01T18:00:05.000Z'): HealthReport =>
	evaluateHealth(
		pack,
		healthyObservations({
			master: observed(pack.master, serverFacts(), {state: 'not-answering', detail: 'nothing listens on port 2049'}),
			web1: observed(pack.slaves[0]!, clientFacts({mount: undefined, marker: {present: false}})),
		}),
		at(checkedAt),
	);

const mounted: Array<{unmount(): void}> = [];
afterEach(() => {
	for (const app of mounted.splice(0)) app.unmount();
});

describe('HealthScreen', {timeout: TEST_MS}, () => {
	it('says it is checking, then shows the table and the problems in 80x24', async () => {
		const check = gate<HealthReport>();
		const app = render(<HealthScreen check={() => check.promise} watch={false} packName="pack.example.com" size={SIZE} />);
		mounted.push(app);
		const before = await waitForFrame(app, frame => frame.includes('checking…'), WAIT_MS);
		expect(before).toContain('aegir-pack: status of pack.example.com');
		expect(before).toContain('Connecting to every host of the pack…');
		check.open(sick());
		const frame = await waitForFrame(app, frame => frame.includes('problems on'), WAIT_MS);
		expect(frame).toContain('pack.example.com: 2 problems on 2 of 3 hosts');
		expect(frame).toContain('  host    role        ssh  aegir     export boot nfs fstab mount alive marker');
		expect(frame).toContain('✖ web1    slave        ✔   1500:1500   –     –    ✔    ✔     ✖     –     –');
		expect(frame).toContain('master: NFS server not running: nothing listens on port 2049; not running');
		expect(frame).toContain('exit code 1: problems found');
		expect(overflow(app.lastFrame() ?? '')).toEqual([]);
	});

	it('watching: checks again after the interval, showing "checking…" meanwhile and the time of the last check', async () => {
		const checks = [gate<HealthReport>(), gate<HealthReport>()];
		let calls = 0;
		const check = () => checks[Math.min(calls++, 1)]!.promise;
		const app = render(<HealthScreen check={check} watch intervalMs={20} size={SIZE} />);
		mounted.push(app);
		checks[0]!.open(healthy());
		const first = await waitForFrame(app, frame => frame.includes('healthy (3 hosts)') && frame.includes('checking…'), WAIT_MS);
		expect(first).toContain('Checks again every 20 ms');
		expect(calls).toBe(2);
		checks[1]!.open(sick());
		const second = await waitForFrame(app, frame => frame.includes('2 problems on 2 of 3 hosts'), WAIT_MS);
		expect(second).toMatch(/checked \d\d:\d\d:\d\d/);
		expect(second).toContain('q quit');
	});

	it('keeps to the screen when problems do not fit, saying how many more there are', () => {
		const many = Array.from({length: 30}, (_, index) => `web${index}: problem ${index} — fix ${index}`);
		const {shown, more} = fitProblems(many, 80, 10);
		expect(shown).toHaveLength(9);
		expect(more).toBe(21);
		expect(fitProblems(many.slice(0, 3), 80, 10)).toEqual({shown: many.slice(0, 3), more: 0});
		// A long line wraps: it takes the lines it needs.
		expect(fitProblems(['x'.repeat(170), 'y'], 80, 4).shown).toEqual(['x'.repeat(170), 'y']);
		expect(fitProblems(['x'.repeat(170), 'y', 'z'], 80, 4)).toEqual({shown: ['x'.repeat(170)], more: 2});
	});
});

describe('renderHealth', {timeout: TEST_MS}, () => {
	it('once: shows the table and resolves with the report', async () => {
		const terminal = new FakeTerminal();
		const report = sick();
		const view = renderHealth({check: async () => report, watch: false, ...terminal.streams()});
		expect(await view.waitUntilExit()).toBe(report);
		const text = terminal.text();
		expect(text).toContain('pack.example.com: 2 problems on 2 of 3 hosts');
		expect(text).toContain('web1: /var/aegir/platforms is not mounted');
	});

	for (const [name, key] of [
		['q', 'q'],
		['Esc', KEY.escape],
		['Ctrl-C', KEY.ctrlC],
	] as const) {
		it(`watching: ${name} leaves with the last report`, async () => {
			// Timers moved by hand: after the exit, firing every timer still pending proves that no check follows.
			vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout']});
			try {
				const terminal = new FakeTerminal();
				let calls = 0;
				const view = renderHealth({
					check: async () => (++calls === 1 ? healthy() : sick(`2026-12-01T18:00:0${Math.min(calls, 9)}.000Z`)),
					watch: true,
					intervalMs: 10,
					...terminal.streams(),
				});
				for (let turns = 0; !(calls >= 3 && plain(terminal.text()).includes('2 problems')); turns++) {
					if (turns > 1000) throw new Error(`no few refreshes after ${turns} intervals: ${calls} checks`);
					await vi.advanceTimersByTimeAsync(10);
				}
				terminal.type(key);
				const last = await view.waitUntilExit();
				expect(last?.healthy).toBe(false);
				expect(calls).toBeGreaterThanOrEqual(3);
				const after = calls;
				await vi.runAllTimersAsync();
				expect(calls).toBe(after);
			} finally {
				vi.useRealTimers();
			}
		});
	}

	it('quit before the first report: resolves undefined and aborts the running check', async () => {
		const terminal = new FakeTerminal();
		let signal: AbortSignal | undefined;
		const view = renderHealth({
			check: aborted => {
				signal = aborted;
				return new Promise<HealthReport>(() => undefined);
			},
			watch: false,
			...terminal.streams(),
		});
		await waitFor(() => terminal.text().includes('checking…'), 'the checking frame', WAIT_MS);
		terminal.type('q');
		expect(await view.waitUntilExit()).toBeUndefined();
		expect(signal?.aborted).toBe(true);
	});
});
