import {render} from 'ink-testing-library';
import {useEffect} from 'react';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import type {RunEvent} from '../../../source/contracts/events.js';
import {Clock} from '../../../source/ui/run/clock.js';
import {RunScreen} from '../../../source/ui/run/run-screen.js';
import {RunStore} from '../../../source/ui/run/run-store.js';
import {output, runStarted, stepFinished, stepStarted, summaries, T0, wholeRun} from '../../report/run-fixtures.js';
import {KEY, manualTimers, press, pressQuietly, screen, screenLines, tick, waitFor, type Rendered} from './fixtures.js';

afterEach(() => {
	cleanup();
});

/** A clock frozen 65 s after the run started, so elapsed times are stable. */
function frozenClock(): Clock {
	return new Clock({intervalMs: 60_000, now: () => T0 + 65_000});
}

/** Draws nothing; calls `onUnmount` when Ink unmounts the tree, i.e. once the screen beside it has exited. */
function UnmountSignal({onUnmount}: {onUnmount: () => void}) {
	useEffect(() => onUnmount, [onUnmount]);
	return null;
}

function mount(options: {rows?: number; columns?: number; minIntervalMs?: number; onInterrupt?: () => void} = {}) {
	const store = new RunStore({minIntervalMs: options.minIntervalMs ?? 0});
	let unmounted!: () => void;
	const exited = new Promise<void>(resolve => {
		unmounted = resolve;
	});
	const instance = render(
		<>
			<RunScreen
				store={store}
				clock={frozenClock()}
				home="/home/admin"
				size={{columns: options.columns ?? 80, rows: options.rows ?? 24}}
				onInterrupt={options.onInterrupt ?? (() => {})}
			/>
			<UnmountSignal onUnmount={unmounted} />
		</>,
	);
	return {store, instance, exited};
}

async function feed(store: RunStore, instance: Rendered, events: RunEvent[]): Promise<void> {
	const before = instance.lastFrame();
	for (const event of events) store.dispatch(event);
	await waitFor(() => instance.lastFrame() !== before, 'a new frame');
	await tick();
}

/** Eight hosts, each in step 2 with some output. */
function eightRunning(): RunEvent[] {
	const hosts = summaries(8);
	return [
		runStarted(hosts),
		...hosts.flatMap(host => [
			{type: 'host-started', at: T0, host: host.name} satisfies RunEvent,
			stepStarted(host.name, 2, T0 + 60_000),
			output(host.name, `Reading package lists... ${host.name}\nBuilding dependency tree for ${host.name}\n`, 2),
		]),
	];
}

function expectFits(lines: string[], rows: number, columns: number): void {
	// One row stays free: Ink redraws in place only while its output is shorter than the terminal.
	expect(lines.length).toBeLessThanOrEqual(rows - 1);
	for (const line of lines) expect([...line].length).toBeLessThanOrEqual(columns);
}

describe('RunScreen', () => {
	it('fits 8 running hosts in 80x24, each with its role, step i/n, time and last output line', async () => {
		const {store, instance} = mount();
		await feed(store, instance, eightRunning());
		const lines = screenLines(instance);
		expectFits(lines, 24, 80);
		for (let index = 1; index <= 8; index++) {
			const line = lines.find(text => text.includes(`web${index} `));
			expect(line, `web${index}`).toMatch(/2\/9 Same aegir uid\/gid/);
			expect(screen(instance)).toContain(`Building dependency tree for web${index}`);
		}

		expect(screen(instance)).toMatch(/master\+NFS/);
		expect(screen(instance)).toMatch(/5s/);
	});

	it('gives a few hosts roomy panes: full role, address, step line and three dimmed output lines', async () => {
		const {store, instance} = mount();
		const hosts = summaries(3);
		await feed(store, instance, [
			runStarted(hosts),
			{type: 'host-started', at: T0, host: 'web1'},
			stepStarted('web1', 3, T0 + 50_000),
			output('web1', 'one\ntwo\nthree\nfour\nUnpacking nfs-kernel-server', 3),
		]);
		const text = screen(instance);
		expect(text).toContain('master+NFS');
		expect(text).toContain('192.0.2.10');
		expect(text).toMatch(/3\/9 Install nfs-kernel-server +15s/);
		expect(text).toMatch(/three\n +four\n +Unpacking nfs-kernel-server/);
		expect(text).not.toMatch(/^ +two$/m);
		expect(text).toMatch(/· web2 +slave +192\.0\.2\.11 +waiting/);
		expectFits(screenLines(instance), 24, 80);
	});

	it('spells the roles out on a wide terminal', async () => {
		const {store, instance} = mount({columns: 120});
		await feed(store, instance, [runStarted(summaries(2)), stepStarted('web1', 1)]);
		expect(screen(instance)).toMatch(/web1 +master · NFS server +192\.0\.2\.10/);
		expectFits(screenLines(instance), 24, 120);
	});

	it('collapses finished hosts to one line: ✔ with counts, ✖ with the failed step, the reason and the log', async () => {
		const {store, instance} = mount();
		const events = wholeRun(3, ['web3']);
		await feed(store, instance, events.slice(0, -1));
		const lines = screenLines(instance);
		const web1 = lines.find(line => line.includes('web1'));
		expect(web1).toMatch(/^✔ web1 .*6 ok, 3 changed +12s$/);
		const failedIndex = lines.findIndex(line => line.includes('web3'));
		expect(lines[failedIndex]).toMatch(/^✖ web3 .*failed at 3\/9 Install nfs-kernel-server +12s$/);
		expect(lines[failedIndex + 1]).toMatch(/^ {4}apt-get failed \(exit 100\)$/);
		expect(lines[failedIndex + 2]).toMatch(/^ {4}log: \/var\/log\/aegir-pack\/run-1\/web3\.log$/);
		expect(screen(instance)).toContain('3 hosts: 2 done, 1 failed');
	});

	it('ends with the recap, the logs and the exit code meaning, then exits', async () => {
		const {store, instance, exited} = mount();
		await feed(store, instance, wholeRun(3, ['web3']));
		// Wait for the screen to exit: the summary must not be printed a second time on the way out.
		await exited;
		const text = screen(instance);
		expect(text.split('run finished')).toHaveLength(2);
		expect(text).toContain('aegir-pack run finished in 21s');
		expect(text).toMatch(/✖ web3 failed at 3\/9 Install nfs-kernel-server after 12s/);
		expect(text).toContain('command: apt-get install -y nfs-kernel-server');
		expect(text).toContain('exit code: 100');
		expect(text).toContain('stderr: E: Unable to locate package');
		expect(text).toMatch(/RECAP +ok +changed +failed +skipped +time/);
		expect(text).toMatch(/✔ web1 +7 +2 +0 +0 +12s/);
		expect(text).toMatch(/✖ web3 +2 +0 +1 +0 +12s/);
		expect(text).toContain('Logs: /var/log/aegir-pack/run-1');
		expect(text).toContain('Exit 1: at least one host failed; the others finished');
		// The live panes are gone: only the summary stays.
		expect(text).not.toContain('Ctrl-C');
	});

	it('says when a run was interrupted and which hosts stopped where', async () => {
		const {store, instance} = mount();
		await feed(store, instance, [
			runStarted(summaries(2)),
			stepStarted('web1', 4),
			{type: 'run-finished', at: T0 + 9000, recap: [], exitCode: 130, interrupted: true},
		]);
		const text = screen(instance);
		expect(text).toContain('(interrupted)');
		expect(text).toContain('■ web1 stopped after 4/9 Write export drop-in');
		expect(text).toContain('■ web2 stopped before it started');
		expect(text).toContain('Exit 130: interrupted');
	});

	it('ends a dry run with what each host would change, diffs included', async () => {
		const {store, instance} = mount();
		await feed(store, instance, [
			runStarted(summaries(2), {dryRun: true}),
			stepStarted('web1', 3),
			stepFinished('web1', 3, 'changed', {message: 'would run: apt-get install -y --no-install-recommends nfs-kernel-server'}),
			stepStarted('web1', 4),
			stepFinished('web1', 4, 'changed', {diff: '--- /etc/exports.d/aegir-pack-pack.exports\n+++ /etc/exports.d/aegir-pack-pack.exports\n+/var/aegir/platforms 192.0.2.0/24(rw,sync,no_subtree_check)\n'}),
			stepStarted('web2', 1),
			stepFinished('web2', 1, 'ok'),
			{type: 'host-finished', at: T0 + 4000, host: 'web1', status: 'ok', durationMs: 4000},
			{type: 'host-finished', at: T0 + 4000, host: 'web2', status: 'ok', durationMs: 4000},
			{type: 'run-finished', at: T0 + 4000, recap: [], exitCode: 0, interrupted: false},
		]);
		const text = screen(instance);
		expect(text).toContain('aegir-pack dry run finished');
		expect(text).toContain('web1 would change:');
		expect(text).toMatch(/^ {2}3\/9 Install nfs-kernel-server · would run: apt-get install -y\n {2}--no-install-recommends nfs-kernel-server$/m);
		expect(text).toMatch(/4\/9 Write export drop-in\n {6}--- \/etc\/exports\.d\/aegir-pack-pack\.exports\n {6}\+\+\+ .*\n {6}\+\/var\/aegir\/platforms 192\.0\.2\.0\/24\(rw,sync,no_subtree_check\)/);
		expect(text).not.toContain('web2 would change');
	});

	it('after a real run lists only the changes that come with a diff', async () => {
		const {store, instance} = mount();
		await feed(store, instance, [
			runStarted(summaries(2)),
			stepStarted('web2', 3),
			stepFinished('web2', 3, 'changed', {message: 'installed nfs-common'}),
			stepStarted('web2', 5),
			stepFinished('web2', 5, 'changed', {message: 'fstab entry replaced', diff: '-old\n+new\n'}),
			{type: 'run-finished', at: T0 + 4000, recap: [], exitCode: 0, interrupted: false},
		]);
		const text = screen(instance);
		expect(text).toContain('web2 changed:');
		expect(text).toMatch(/^ {2}5\/9 Reload exports · fstab entry replaced\n {6}-old\n {6}\+new$/m);
		expect(text).not.toContain('installed nfs-common');
	});

	it('shows a dry run as such', async () => {
		const {store, instance} = mount();
		await feed(store, instance, [runStarted(summaries(1), {dryRun: true})]);
		expect(screen(instance)).toContain('aegir-pack dry run (read-only)');
	});

	it('shows a host notice (lock countdown) in its pane and warnings under the panes', async () => {
		const {store, instance} = mount();
		await feed(store, instance, [
			...eightRunning(),
			{type: 'notice', at: T0, host: 'web3', level: 'info', message: 'dpkg lock held by apt (pid 812): waiting, 45s left'},
			{type: 'notice', at: T0, host: 'web5', level: 'warn', message: 'files in /var/aegir/platforms moved aside'},
		]);
		const lines = screenLines(instance);
		const web3 = lines.findIndex(line => line.includes('web3 '));
		expect(lines[web3 + 1]).toContain('dpkg lock held by apt (pid 812): waiting, 45s left');
		expect(lines.at(-1)).toBe('! web5: files in /var/aegir/platforms moved aside');
		expectFits(lines, 24, 80);
	});

	it('switches to a tighter layout on a short terminal and still fits', async () => {
		const {store, instance} = mount({rows: 12});
		await feed(store, instance, eightRunning());
		const lines = screenLines(instance);
		expectFits(lines, 12, 80);
		expect(lines.filter(line => line.startsWith('⠋'))).toHaveLength(8);
	});

	it('drops the address column before the step title on a narrow terminal', async () => {
		const {store, instance} = mount({columns: 60});
		await feed(store, instance, eightRunning());
		const lines = screenLines(instance);
		expectFits(lines, 24, 60);
		expect(screen(instance)).not.toContain('192.0.2.10');
		expect(lines.find(line => line.includes('web1 '))).toContain('2/9 Same aegir');
	});

	it('truncates a long host name instead of breaking the columns', async () => {
		const {store, instance} = mount();
		const hosts = summaries(2).map((host, index) => (index === 1 ? {...host, name: 'a-really-long-web-head-name-07'} : host));
		await feed(store, instance, [runStarted(hosts), stepStarted('a-really-long-web-head-name-07', 1)]);
		expectFits(screenLines(instance), 24, 80);
		expect(screen(instance)).toMatch(/⠋ a-really-long-w… {2}slave/);
	});

	it('redraws a bounded number of times for 10,000 output chunks (throttled, not one render per chunk)', async () => {
		// Timers moved by hand: the count of redraws depends on the throttle, not on this machine's speed.
		const timers = manualTimers();
		const store = new RunStore({minIntervalMs: 33, timers: timers.timers});
		const instance = render(<RunScreen store={store} clock={frozenClock()} size={{columns: 80, rows: 24}} onInterrupt={() => {}} />);
		for (const event of eightRunning()) store.dispatch(event);
		timers.advance(33);
		await waitFor(() => screen(instance).includes('Building dependency tree for web8'), 'the panes');
		await tick();
		const framesBefore = instance.frames.length;

		// 10,000 chunks in 20 bursts, 33 ms of (simulated) time apart.
		for (let batch = 0; batch < 20; batch++) {
			for (let index = 0; index < 500; index++) {
				const n = batch * 500 + index;
				store.dispatch(output(`web${(n % 8) + 1}`, `chunk ${n} `.repeat(3) + (n % 2 ? '\n' : ''), 2));
			}

			timers.advance(33);
			await tick();
		}

		await waitFor(() => screen(instance).includes('chunk 9999'), 'the last chunk on screen');
		const renders = instance.frames.length - framesBefore;
		// One redraw per 33 ms window at most: 20 windows (+1 for the burst that opened the first).
		expect(renders).toBeGreaterThanOrEqual(10);
		expect(renders).toBeLessThanOrEqual(21);
		expectFits(screenLines(instance), 24, 80);
	});
});

describe('RunScreen: Ctrl-C', () => {
	it('asks before stopping; n keeps the run going', async () => {
		const onInterrupt = vi.fn();
		const {store, instance} = mount({onInterrupt});
		await feed(store, instance, eightRunning());
		await press(instance, KEY.ctrlC);
		expect(screen(instance)).toContain("Stop after each host's current command? [y/N]");
		expectFits(screenLines(instance), 24, 80);
		await press(instance, 'n');
		expect(screen(instance)).not.toContain('Stop after');
		expect(onInterrupt).not.toHaveBeenCalled();
	});

	it('calls onInterrupt once on y and says it is stopping', async () => {
		const onInterrupt = vi.fn();
		const {store, instance} = mount({onInterrupt});
		await feed(store, instance, eightRunning());
		await press(instance, KEY.ctrlC);
		await press(instance, 'y');
		expect(onInterrupt).toHaveBeenCalledTimes(1);
		expect(screen(instance)).toContain('Stopping: each host finishes its current command');
		await pressQuietly(instance, KEY.ctrlC);
		expect(onInterrupt).toHaveBeenCalledTimes(1);
	});

	it('takes a second Ctrl-C while asking as yes', async () => {
		const onInterrupt = vi.fn();
		const {store, instance} = mount({onInterrupt});
		await feed(store, instance, eightRunning());
		await press(instance, KEY.ctrlC);
		await press(instance, KEY.ctrlC);
		expect(onInterrupt).toHaveBeenCalledTimes(1);
	});

	it('ignores other keys while not asking', async () => {
		const onInterrupt = vi.fn();
		const {store, instance} = mount({onInterrupt});
		await feed(store, instance, eightRunning());
		const before = instance.lastFrame();
		await pressQuietly(instance, 'y');
		expect(instance.lastFrame()).toBe(before);
		expect(onInterrupt).not.toHaveBeenCalled();
	});
});
