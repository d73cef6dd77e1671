import {describe, expect, it} from 'vitest';
import type {RunEvent} from '../../../source/contracts/events.js';
import {appendOutput, DIFF_LINE_LIMIT, hostTotals, initialRunState, OUTPUT_RING_SIZE, reduceRun, visibleOutput, NOTICE_LIMIT, type RunState} from '../../../source/ui/run/run-reducer.js';
import {output, runStarted, stepFinished, stepStarted, summaries, T0, wholeRun} from '../../report/run-fixtures.js';

function reduce(events: RunEvent[], from: RunState = initialRunState()): RunState {
	return events.reduce(reduceRun, from);
}

function pane(state: RunState, name: string) {
	const found = state.hosts.find(host => host.name === name);
	if (!found) throw new Error(`no pane ${name}`);
	return found;
}

describe('reduceRun: hosts and steps', () => {
	it('creates one waiting pane per announced host with its roles and address', () => {
		const state = reduce([runStarted(summaries(3), {dryRun: true})]);
		expect(state.phase).toBe('running');
		expect(state.dryRun).toBe(true);
		expect(state.logDir).toBe('/var/log/aegir-pack/run-1');
		expect(state.hosts.map(host => [host.name, host.status, host.address, host.roles])).toEqual([
			['web1', 'waiting', '192.0.2.10', ['master', 'nfs-server']],
			['web2', 'waiting', '192.0.2.11', ['slave']],
			['web3', 'waiting', '192.0.2.12', ['slave']],
		]);
	});

	it('tracks the current step "i/n title" and when it started', () => {
		const state = reduce([runStarted(summaries(2)), {type: 'host-started', at: T0 + 5, host: 'web2'}, stepStarted('web2', 3, T0 + 3000)]);
		const web2 = pane(state, 'web2');
		expect(web2.status).toBe('running');
		expect(web2.startedAt).toBe(T0 + 5);
		expect(web2.step).toEqual({id: 'step-3', title: 'Install nfs-kernel-server', index: 3, count: 9, startedAt: T0 + 3000});
		expect(pane(state, 'web1').status).toBe('waiting');
	});

	it('counts step results per status and keeps the finished step until the next starts', () => {
		const state = reduce([runStarted(summaries(1)), stepStarted('web1', 1), stepFinished('web1', 1, 'ok'), stepStarted('web1', 2), stepFinished('web1', 2, 'changed'), stepFinished('web1', 3, 'skipped')]);
		const web1 = pane(state, 'web1');
		expect(web1.counts).toEqual({ok: 1, changed: 1, failed: 0, skipped: 1});
		expect(web1.step?.status).toBe('skipped');
	});

	it('records the failed step, the failure and the log path; a host failing keeps its first failure', () => {
		const failure = {command: 'mount /var/aegir/platforms', code: 32, stderrTail: 'access denied', message: 'mount failed'};
		const state = reduce([
			runStarted(summaries(2)),
			stepStarted('web2', 5),
			stepFinished('web2', 5, 'failed', {failure}),
			stepFinished('web2', 6, 'failed', {failure: {message: 'later'}}),
			{type: 'host-finished', at: T0 + 9000, host: 'web2', status: 'failed', failedStep: 'step-5', durationMs: 9000, logPath: '/logs/web2.log'},
		]);
		const web2 = pane(state, 'web2');
		expect(web2.status).toBe('failed');
		expect(web2.failedStep).toBe('Reload exports');
		expect(web2.failure).toEqual(failure);
		expect(web2.logPath).toBe('/logs/web2.log');
		expect(web2.durationMs).toBe(9000);
		expect(hostTotals(state)).toEqual({waiting: 1, running: 0, ok: 0, failed: 1, stopped: 0});
	});

	it('takes the failed step from host-finished when no step failed (e.g. the connection did)', () => {
		const state = reduce([runStarted(summaries(1)), {type: 'host-finished', at: T0, host: 'web1', status: 'failed', failedStep: 'Connect', durationMs: 3000}]);
		expect(pane(state, 'web1').failedStep).toBe('Connect');
	});

	it('makes a pane for a host the run did not announce instead of dropping its events', () => {
		const state = reduce([runStarted(summaries(1)), stepStarted('storage', 1)]);
		expect(pane(state, 'storage').status).toBe('running');
	});

	it('finishes with the recap and exit code, and marks hosts that never finished as stopped', () => {
		const state = reduce([
			runStarted(summaries(3)),
			stepStarted('web1', 2),
			{type: 'host-finished', at: T0, host: 'web2', status: 'ok', durationMs: 10},
			{type: 'run-finished', at: T0 + 5000, recap: [{host: 'web1', ok: 1, changed: 0, failed: 0, skipped: 0, durationMs: 5, logPath: '/l/web1.log'}], exitCode: 130, interrupted: true, logDir: '/l'},
		]);
		expect(state.phase).toBe('finished');
		expect(state.exitCode).toBe(130);
		expect(state.interrupted).toBe(true);
		expect(state.hosts.map(host => host.status)).toEqual(['stopped', 'ok', 'stopped']);
		expect(pane(state, 'web1').logPath).toBe('/l/web1.log');
		expect(state.recap).toHaveLength(1);
	});

	it('leaves the previous state untouched (pure)', () => {
		const before = reduce([runStarted(summaries(2))]);
		const snapshot = JSON.stringify(before);
		reduceRun(before, stepStarted('web1', 1));
		reduceRun(before, output('web1', 'x\n'));
		expect(JSON.stringify(before)).toBe(snapshot);
	});

	it('reduces a whole run to every host finished', () => {
		const state = reduce(wholeRun(8, ['web4']));
		expect(hostTotals(state)).toEqual({waiting: 0, running: 0, ok: 7, failed: 1, stopped: 0});
		expect(state.exitCode).toBe(1);
	});
});

describe('reduceRun: output', () => {
	it('splits chunks into lines across chunk borders, CRLF included', () => {
		const state = reduce([runStarted(summaries(1)), stepStarted('web1', 1), output('web1', 'Reading pa'), output('web1', 'ckage lists...\r'), output('web1', '\nBuilding'), output('web1', ' tree\r\n')]);
		expect(pane(state, 'web1').output).toEqual({lines: ['Reading package lists...', 'Building tree'], partial: ''});
	});

	it('shows a line still being written after the complete ones', () => {
		const state = reduce([runStarted(summaries(1)), output('web1', 'one\ntwo\nProgress: 40%\rProgress: 80%')]);
		expect(visibleOutput(pane(state, 'web1').output, 2)).toEqual(['two', 'Progress: 80%']);
	});

	it('strips colours, cursor moves and control characters from remote output', () => {
		const state = reduce([runStarted(summaries(1)), output('web1', '\u001B[32mok\u001B[0m \u001B]0;title\u0007done\u0007\n\u001B[2J\u001B[Hclean\n')]);
		expect(pane(state, 'web1').output.lines).toEqual(['ok done', 'clean']);
	});

	it('keeps only the newest lines in a bounded ring and drops blank lines', () => {
		let state = reduce([runStarted(summaries(1)), stepStarted('web1', 1)]);
		for (let index = 0; index < 1000; index++) state = reduceRun(state, output('web1', `line ${index}\n\n`));
		const lines = pane(state, 'web1').output.lines;
		expect(lines).toHaveLength(OUTPUT_RING_SIZE);
		expect(lines.at(-1)).toBe('line 999');
		expect(lines[0]).toBe(`line ${1000 - OUTPUT_RING_SIZE}`);
	});

	it('starts each step with empty output (the screen shows the running command)', () => {
		const state = reduce([runStarted(summaries(1)), stepStarted('web1', 1), output('web1', 'old\npart'), stepStarted('web1', 2)]);
		expect(pane(state, 'web1').output).toEqual({lines: [], partial: ''});
	});

	it('appendOutput returns the same lines array when a chunk completes no line', () => {
		const ring = appendOutput({lines: ['a'], partial: ''}, 'b');
		const next = appendOutput(ring, 'c');
		expect(next.lines).toBe(ring.lines);
		expect(next.partial).toBe('bc');
	});
});

describe('reduceRun: notices', () => {
	it('shows a host info notice (a lock countdown) in its pane only, until the next step', () => {
		let state = reduce([runStarted(summaries(1)), stepStarted('web1', 3), {type: 'notice', at: T0, host: 'web1', level: 'info', message: 'waiting for the dpkg lock: 40s left'}]);
		expect(pane(state, 'web1').notice?.message).toBe('waiting for the dpkg lock: 40s left');
		expect(state.notices).toEqual([]);
		state = reduceRun(state, stepStarted('web1', 4));
		expect(pane(state, 'web1').notice).toBeUndefined();
	});

	it('a host notice marked lasting (an accepted host key) is listed for the summary as well as shown in the pane', () => {
		const message = 'accepting new ssh-ed25519 key SHA256:abc of 192.0.2.10 port 22 (--accept-new-host-keys), adding it to /root/.ssh/known_hosts';
		const state = reduce([runStarted(summaries(1)), {type: 'notice', at: T0, host: 'web1', level: 'info', message, lasting: true}]);
		expect(pane(state, 'web1').notice?.message).toBe(message);
		expect(state.notices.map(notice => [notice.host, notice.message])).toEqual([['web1', message]]);
	});

	it('lists run-wide notices and host warnings, cleaned and bounded', () => {
		let state = reduce([runStarted(summaries(2)), {type: 'notice', at: T0, level: 'error', message: 'uid differs\u001B[31m!'}, {type: 'notice', at: T0, host: 'web2', level: 'warn', message: 'moved aside'}]);
		expect(state.notices.map(notice => [notice.host, notice.level, notice.message])).toEqual([
			[undefined, 'error', 'uid differs!'],
			['web2', 'warn', 'moved aside'],
		]);
		for (let index = 0; index < NOTICE_LIMIT * 2; index++) state = reduceRun(state, {type: 'notice', at: T0, level: 'info', message: `n${index}`});
		expect(state.notices).toHaveLength(NOTICE_LIMIT);
		expect(state.notices.at(-1)?.message).toBe(`n${NOTICE_LIMIT * 2 - 1}`);
	});

	it('cleans step titles and failures coming from remote text', () => {
		const state = reduce([
			runStarted(summaries(1)),
			stepFinished('web1', 1, 'failed', {title: 'Mount\u001B[2J', failure: {message: 'bad\u001B]0;x\u0007', stderrTail: '\u001B[31merr', command: 'mount'}}),
		]);
		const web1 = pane(state, 'web1');
		expect(web1.failedStep).toBe('Mount');
		expect(web1.failure).toEqual({message: 'bad', stderrTail: 'err', command: 'mount', code: undefined});
	});
});

describe('reduceRun: step results for the summary', () => {
	it('keeps each finished step with its message and diff, cleaned', () => {
		const state = reduce([
			runStarted(summaries(1), {dryRun: true}),
			stepStarted('web1', 4),
			stepFinished('web1', 4, 'changed', {message: 'would write\u001B[1m the drop-in', diff: '--- a\n+++ b\n+/var/aegir/platforms 192.0.2.0/24(rw)\u001B[0m\n'}),
		]);
		expect(pane(state, 'web1').results).toEqual([
			{index: 4, count: 9, title: 'Write export drop-in', status: 'changed', message: 'would write the drop-in', diff: '--- a\n+++ b\n+/var/aegir/platforms 192.0.2.0/24(rw)'},
		]);
	});

	it('bounds a huge diff', () => {
		const diff = Array.from({length: DIFF_LINE_LIMIT + 50}, (_, index) => `+line ${index}`).join('\n');
		const state = reduce([runStarted(summaries(1)), stepFinished('web1', 5, 'changed', {diff})]);
		const kept = pane(state, 'web1').results[0]?.diff?.split('\n') ?? [];
		expect(kept).toHaveLength(DIFF_LINE_LIMIT + 1);
		expect(kept.at(-1)).toBe('… 50 more lines in the host log');
	});
});
