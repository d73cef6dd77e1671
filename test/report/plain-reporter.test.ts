import {describe, expect, it} from 'vitest';
import {PlainReporter} from '../../source/report/plain-reporter.js';
import type {RunEvent} from '../../source/contracts/events.js';
import {output, runStarted, stepFinished, stepStarted, summaries, wholeRun} from './run-fixtures.js';

function report(events: RunEvent[], options: {color?: boolean; showOutput?: boolean} = {}): string[] {
	let text = '';
	const reporter = new PlainReporter({out: {write: chunk => (text += chunk)}, ...options});
	for (const event of events) reporter.listener(event);
	expect(text.endsWith('\n')).toBe(true);
	return text.slice(0, -1).split('\n');
}

describe('PlainReporter', () => {
	it('prints one line per finished step as host, step, status, time', () => {
		const lines = report([runStarted(summaries(2)), stepStarted('web2', 3), stepFinished('web2', 3, 'changed', {message: 'installed'})]);
		expect(lines).toContain('web2  3/9 Install nfs-kernel-server  changed  0.5s  (installed)');
	});

	it('announces the hosts with their roles, and the log directory, at the start', () => {
		const lines = report([runStarted(summaries(2))]);
		expect(lines[0]).toBe('aegir-pack: applying to 2 hosts');
		expect(lines).toContain('web1  master · NFS server  192.0.2.10  9 steps');
		expect(lines).toContain('web2  slave  192.0.2.11  9 steps');
		expect(lines).toContain('logs: /var/log/aegir-pack/run-1');
	});

	it('says a dry run changes nothing', () => {
		expect(report([runStarted(summaries(1), {dryRun: true})])[0]).toMatch(/dry run on 1 host .*nothing is changed/);
	});

	it('details a failure: command, exit code and the stderr tail', () => {
		const lines = report([
			runStarted(summaries(2)),
			stepStarted('web2', 3),
			stepFinished('web2', 3, 'failed', {failure: {command: 'mount /var/aegir/platforms', code: 32, stderrTail: 'line1\nmount.nfs: access denied\n', message: 'mount failed'}}),
		]);
		expect(lines).toEqual(
			expect.arrayContaining([
				'web2  3/9 Install nfs-kernel-server  failed  0.5s',
				'web2    mount failed',
				'web2    command: mount /var/aegir/platforms',
				'web2    exit code: 32',
				'web2    stderr: line1',
				'web2    stderr: mount.nfs: access denied',
			]),
		);
	});

	it('prints a diff under its step, line by line', () => {
		const lines = report([runStarted(summaries(1)), stepFinished('web1', 4, 'changed', {diff: '--- a\n+++ b\n+line\n'})]);
		expect(lines.slice(-3)).toEqual(['web1    | --- a', 'web1    | +++ b', 'web1    | +line']);
	});

	it('prints notices, run-wide and per host, with every line of a table', () => {
		const lines = report([
			runStarted(summaries(2)),
			{type: 'notice', at: 0, level: 'error', message: 'aegir uid/gid differ:\nweb1 1000/1000\nweb2 1001/1000'},
			{type: 'notice', at: 0, host: 'web2', level: 'warn', message: 'files moved aside'},
			{type: 'notice', at: 0, host: 'web1', level: 'info', message: 'waiting for the dpkg lock: 45s left'},
		]);
		expect(lines.slice(-5)).toEqual(['error: aegir uid/gid differ:', '  web1 1000/1000', '  web2 1001/1000', 'web2  warning: files moved aside', 'web1  waiting for the dpkg lock: 45s left']);
	});

	it('ends with the recap table, the log directory and what the exit code means', () => {
		const lines = report(wholeRun(3, ['web3']));
		const recap = lines.indexOf(lines.find(line => line.startsWith('RECAP'))!);
		expect(lines.slice(recap)).toEqual([
			'RECAP  ok  changed  failed  skipped  time',
			'web1    7        2       0        0   12s',
			'web2    7        2       0        0   12s',
			'web3    2        0       1        0   12s',
			'logs: /var/log/aegir-pack/run-1',
			'exit 1: at least one host failed; the others finished',
		]);
		expect(lines).toContain('web3  FAILED at "Install nfs-kernel-server"  12s  log: /var/log/aegir-pack/run-1/web3.log');
		expect(lines).toContain('web1  done  12s  log: /var/log/aegir-pack/run-1/web1.log');
	});

	it('prints no escape sequence unless colours are asked for', () => {
		const plain = report(wholeRun(2, ['web2'])).join('\n');
		expect(plain).not.toContain('\u001B');
		const coloured = report(wholeRun(2, ['web2']), {color: true}).join('\n');
		expect(coloured).toContain('\u001B[31m');
	});

	it('never passes remote escape sequences through', () => {
		const lines = report(
			[
				runStarted(summaries(1)),
				stepFinished('web1', 1, 'failed', {failure: {message: 'boom', stderrTail: '\u001B]0;owned\u0007\u001B[2Jgone\n'}}),
				output('web1', '\u001B[31mred\u001B[0m\n'),
			],
			{showOutput: true},
		);
		expect(lines.join('\n')).not.toContain('\u001B');
		expect(lines).toContain('web1    stderr: gone');
	});

	it('does not print command output unless asked, then prints whole lines prefixed with the host', () => {
		const events = [runStarted(summaries(1)), stepStarted('web1', 1), output('web1', 'Reading pack'), output('web1', 'age lists\r\nDone\n'), output('web1', 'tail without newline'), stepFinished('web1', 1, 'ok')];
		expect(report(events).some(line => line.includes('|'))).toBe(false);
		expect(report(events, {showOutput: true}).filter(line => line.includes('|'))).toEqual(['web1  | Reading package lists', 'web1  | Done', 'web1  | tail without newline']);
	});

	it('lets the non-interactive prompter say things in the same format', () => {
		let text = '';
		const reporter = new PlainReporter({out: {write: chunk => (text += chunk)}});
		reporter.listener(runStarted(summaries(2)));
		reporter.say('web2', 'refusing unknown host key');
		expect(text.trimEnd().split('\n').at(-1)).toBe('web2  refusing unknown host key');
	});
});
