import {mkdtempSync, readFileSync, readdirSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {Host} from '../../source/pack/types.js';
import {type HostPlan, type Plan, type Step, type StepRef} from '../../source/plan/step.js';
import {StepFailedError} from '../../source/contracts/command-error.js';
import type {RunEvent} from '../../source/contracts/events.js';
import {PlanGraphError} from '../../source/run/plan-graph.js';
import {runPlan, type RunPlanOptions} from '../../source/run/runner.js';
import {host as makeHost, makeFacts, refusingPrompter} from '../plan/fixtures.js';
import type {HostKeyQuestion, Prompter} from '../../source/contracts/prompter.js';
import {FakeTransport, gate} from './fake-transport.js';

/** A step that runs its commands once; its check says ok afterwards (so the default verify passes). */
function doStep(host: string, id: string, commands: string[] = [`do ${id}`], extra: Partial<Step> = {}): Step {
	let done = false;
	return {
		id,
		title: `title ${id}`,
		host,
		check: () => (done ? {state: 'ok', message: 'done'} : {state: 'change', message: `make ${id}`, commands}),
		async apply({transport}) {
			for (const command of commands) {
				const result = await transport.exec(command, {sudo: true});
				if (result.code !== 0) throw new StepFailedError(`${id} failed`, {command, code: result.code, stderrTail: result.stderr});
			}

			done = true;
		},
		...extra,
	};
}

const okStep = (host: string, id: string, extra: Partial<Step> = {}): Step => ({
	id,
	title: `title ${id}`,
	host,
	check: () => ({state: 'ok', message: 'fine'}),
	apply: async () => {
		throw new Error('never applied');
	},
	...extra,
});

let factsReads: Record<string, number> = {};

function planOf(hosts: Record<string, Step[]>): Plan {
	factsReads = {};
	return {
		packName: 'p',
		notes: [],
		hosts: Object.entries(hosts).map(
			([name, steps]): HostPlan => ({
				host: makeHost(name, `192.0.2.${Object.keys(hosts).indexOf(name) + 10}`),
				roles: ['slave'],
				steps,
				async gatherFacts(transport) {
					factsReads[name] = (factsReads[name] ?? 0) + 1;
					await transport.exec('facts', {sudo: true});
					return makeFacts({hostname: name});
				},
			}),
		),
	};
}

async function run(plan: Plan, options: Partial<RunPlanOptions> & {transports?: Record<string, FakeTransport>; events?: RunEvent[]} = {}) {
	// Pass `events` to watch them while the run is going.
	const events: RunEvent[] = options.events ?? [];
	const transports = options.transports ?? {};
	const outcome = await runPlan(plan, {
		connect: async (host: Host) => (transports[host.name] ??= new FakeTransport(host.name)),
		prompter: refusingPrompter,
		onEvent: event => events.push(event),
		...options,
	});
	const finished = (host: string) =>
		events.flatMap(event => (event.type === 'step-finished' && event.host === host ? [`${event.stepId}:${event.status}`] : []));
	return {outcome, events, transports, finished};
}

const commandsOf = (transport: FakeTransport | undefined) => (transport?.execs ?? []).filter(command => command !== 'facts');

describe('runner: order, parallelism, dependencies', () => {
	it('runs the steps of a host in order over one connection, with 1-based positions', async () => {
		const {outcome, events, transports, finished} = await run(planOf({a: [doStep('a', 's1'), okStep('a', 's2'), doStep('a', 's3')]}));
		expect(outcome).toMatchObject({exitCode: 0, interrupted: false});
		expect(commandsOf(transports.a)).toEqual(['do s1', 'do s3']);
		expect(transports.a?.closed).toBe(true);
		expect(finished('a')).toEqual(['s1:changed', 's2:ok', 's3:changed']);
		expect(events.map(event => event.type)).toEqual([
			'run-started',
			'host-started',
			...Array.from({length: 3}, () => ['step-started', 'step-finished']).flat(),
			'host-finished',
			'run-finished',
		]);
		expect(events.flatMap(event => (event.type === 'step-started' ? [`${event.index}/${event.count}`] : []))).toEqual(['1/3', '2/3', '3/3']);
		expect(outcome.recap).toEqual([expect.objectContaining({host: 'a', ok: 1, changed: 2, failed: 0, skipped: 0})]);
	});

	it('runs hosts in parallel', async () => {
		let concurrent = 0;
		let most = 0;
		// Every command is held until the test lets them all go: run one after the other, only one would ever start.
		const held = gate();
		const slow = async () => {
			concurrent++;
			most = Math.max(most, concurrent);
			await held.promise;
			concurrent--;
			return {};
		};
		const transports = Object.fromEntries(['a', 'b', 'c'].map(name => [name, new FakeTransport(name, async command => (command === 'facts' ? {} : slow()))]));
		const running = run(planOf({a: [doStep('a', 's')], b: [doStep('b', 's')], c: [doStep('c', 's')]}), {transports});
		await expect.poll(() => concurrent).toBe(3);
		held.open();
		await running;
		expect(most).toBe(3);
	});

	it('makes a step wait for a step of another host', async () => {
		const serverDone = gate();
		const transports = {
			server: new FakeTransport('server', async command => {
				if (command === 'export') await serverDone.promise;
				return {};
			}),
		};
		const plan = planOf({
			server: [doStep('server', 'export', ['export'])],
			client: [doStep('client', 'install'), doStep('client', 'mount', ['mount'], {dependsOn: [{host: 'server', id: 'export'}]})],
		});
		const seen: RunEvent[] = [];
		const running = run(plan, {transports, events: seen});
		// The client has had its chance to start mount too early: its install is done and the server is inside export.
		await expect.poll(() => seen.some(event => event.type === 'step-finished' && event.host === 'client' && event.stepId === 'install')).toBe(true);
		await expect.poll(() => transports.server.running).toBe(1);
		// What the client does next needs no I/O: one turn of the event loop runs it all.
		await new Promise(resolve => setImmediate(resolve));
		serverDone.open();
		const {events} = await running;
		const order = events.flatMap(event =>
			(event.type === 'step-started' || event.type === 'step-finished') && event.stepId !== 'install' ? [`${event.type} ${event.host} ${event.stepId}`] : [],
		);
		expect(order).toEqual([
			'step-started server export',
			'step-finished server export',
			'step-started client mount',
			'step-finished client mount',
		]);
	});

	it('skips the dependents of a failed step; the failed host stops, the others finish', async () => {
		const transports = {
			server: new FakeTransport('server', command => (command === 'export' ? {code: 1, stderr: 'exportfs: bad line\n'} : {})),
		};
		const plan = planOf({
			server: [doStep('server', 'export', ['export']), doStep('server', 'after-export')],
			client: [doStep('client', 'install'), doStep('client', 'mount', ['mount'], {dependsOn: [{host: 'server', id: 'export'}]}), doStep('client', 'sync')],
			other: [doStep('other', 'install')],
		});
		const {outcome, events, finished} = await run(plan, {transports});
		expect(outcome.exitCode).toBe(1);
		expect(finished('server')).toEqual(['export:failed', 'after-export:skipped']);
		expect(finished('client')).toEqual(['install:changed', 'mount:skipped', 'sync:skipped']);
		expect(finished('other')).toEqual(['install:changed']);
		const failure = events.find(event => event.type === 'step-finished' && event.status === 'failed');
		expect(failure).toMatchObject({failure: {command: 'export', code: 1, stderrTail: 'exportfs: bad line\n', message: 'export failed'}});
		const skipped = events.find(event => event.type === 'step-finished' && event.host === 'client' && event.stepId === 'mount');
		expect(skipped).toMatchObject({message: 'skipped: waits for server: title export failed'});
		const hostsFinished = events.flatMap(event => (event.type === 'host-finished' ? [[event.host, event.status, event.failedStep]] : []));
		expect(hostsFinished).toEqual(
			expect.arrayContaining([
				['server', 'failed', 'title export'],
				['client', 'failed', 'title mount'],
				['other', 'ok', undefined],
			]),
		);
	});

	it('fails the first step of a host it cannot connect to, and carries on with the others', async () => {
		const plan = planOf({dead: [doStep('dead', 'a'), doStep('dead', 'b')], alive: [doStep('alive', 'a')]});
		const {outcome, events, finished} = await run(plan, {
			connect: async (host: Host) => {
				if (host.name === 'dead') throw new Error('dead (192.0.2.10:22): connection refused');
				return new FakeTransport(host.name);
			},
		});
		expect(outcome.exitCode).toBe(1);
		expect(finished('dead')).toEqual(['a:failed', 'b:skipped']);
		expect(finished('alive')).toEqual(['a:changed']);
		expect(events.find(event => event.type === 'step-finished' && event.host === 'dead')).toMatchObject({
			message: 'dead (192.0.2.10:22): connection refused',
		});
	});

	it('waits at an `after` barrier whatever the result, and shows a shared notice once', async () => {
		const notice = 'host uid gid\n a 1 1\n b 2 2';
		const gateStep = (host: string): Step =>
			okStep(host, 'gate', {
				after: [
					{host: 'a', id: 'pre'},
					{host: 'b', id: 'pre'},
					{host: 'c', id: 'pre'},
				],
				check: ({factsOf}) =>
					factsOf('a') && factsOf('b') ? {state: 'fail', message: 'ids differ', notice} : {state: 'ok', message: 'alone'},
			});
		const plan = planOf({
			a: [okStep('a', 'pre'), gateStep('a'), doStep('a', 'change')],
			b: [okStep('b', 'pre'), gateStep('b'), doStep('b', 'change')],
			c: [okStep('c', 'pre', {check: () => ({state: 'fail', message: 'no aegir user'})}), gateStep('c'), doStep('c', 'change')],
		});
		const {outcome, events, transports, finished} = await run(plan);
		expect(finished('a')).toEqual(['pre:ok', 'gate:failed', 'change:skipped']);
		expect(finished('c')).toEqual(['pre:failed', 'gate:skipped', 'change:skipped']);
		expect(events.filter(event => event.type === 'notice')).toEqual([expect.objectContaining({level: 'error', message: notice, host: undefined})]);
		expect(Object.values(transports).flatMap(commandsOf)).toEqual([]);
		expect(outcome.exitCode).toBe(1);
	});

	it('rejects a plan whose steps name unknown steps or wait in a circle', async () => {
		await expect(run(planOf({a: [doStep('a', 's', [], {dependsOn: [{host: 'b', id: 'x'}]})]}))).rejects.toThrow(PlanGraphError);
		const ref = (host: string, id: string): StepRef => ({host, id});
		const circular = planOf({
			a: [doStep('a', 'one', [], {dependsOn: [ref('b', 'two')]}), doStep('a', 'two')],
			b: [doStep('b', 'one', [], {dependsOn: [ref('a', 'two')]}), doStep('b', 'two')],
		});
		await expect(run(circular)).rejects.toThrow(/circle/);
	});
});

describe('runner: facts, verify, dry run', () => {
	it('reads facts once for a host with nothing to change, and again after each change', async () => {
		await run(planOf({idle: [okStep('idle', 'a'), okStep('idle', 'b'), okStep('idle', 'c')]}));
		expect(factsReads).toEqual({idle: 1});
		await run(planOf({busy: [doStep('busy', 'a'), okStep('busy', 'b')]}));
		// once before a, once to verify a (which also serves b)
		expect(factsReads).toEqual({busy: 2});
	});

	it('fails a step whose check still wants a change after the apply', async () => {
		const stubborn: Step = {
			...okStep('a', 'stubborn'),
			check: () => ({state: 'change', message: 'still not there', commands: ['x']}),
			apply: async ({transport}) => {
				await transport.exec('x');
			},
		};
		const {events, outcome} = await run(planOf({a: [stubborn]}));
		expect(outcome.exitCode).toBe(1);
		expect(events.find(event => event.type === 'step-finished')).toMatchObject({
			status: 'failed',
			message: 'applied, but the check still says: still not there',
		});
	});

	it('lets an apply report ok when nothing needed doing after all', async () => {
		const step: Step = {...doStep('a', 'sync'), apply: async () => ({status: 'ok', message: 'already in sync'}), verify: async () => {}};
		const {finished} = await run(planOf({a: [step]}));
		expect(finished('a')).toEqual(['sync:ok']);
	});

	it('dry run: reports what would run and the diff, applies nothing', async () => {
		const withDiff = doStep('a', 'fstab', ['write fstab'], {
			check: () => ({state: 'change', message: 'add the entry', diff: '--- a\n+++ b\n', commands: ['write fstab']}),
		});
		const {events, transports, outcome} = await run(planOf({a: [withDiff, doStep('a', 'mount', ['mount /x'])]}), {dryRun: true});
		expect(commandsOf(transports.a)).toEqual([]);
		expect(outcome.exitCode).toBe(0);
		expect(events[0]).toMatchObject({type: 'run-started', dryRun: true});
		const finishedEvents = events.filter(event => event.type === 'step-finished');
		expect(finishedEvents).toEqual([
			expect.objectContaining({status: 'changed', message: 'would add the entry', diff: '--- a\n+++ b\n', commands: ['write fstab']}),
			expect.objectContaining({status: 'changed', message: 'would make mount', commands: ['mount /x']}),
		]);
		expect(events.filter(event => event.type === 'output').map(event => event.type === 'output' && event.chunk)).toEqual([
			'would run: write fstab\n',
			'would run: mount /x\n',
		]);
	});
});

describe('runner: interrupt', () => {
	it('lets the running command finish, skips the rest, and exits 130', async () => {
		const controller = new AbortController();
		const transports = {
			a: new FakeTransport('a', command => {
				if (command === 'do s1') controller.abort();
				return {};
			}),
		};
		const {outcome, finished, transports: used} = await run(planOf({a: [doStep('a', 's1'), doStep('a', 's2'), doStep('a', 's3')]}), {
			transports,
			signal: controller.signal,
		});
		expect(commandsOf(used.a)).toEqual(['do s1']);
		expect(finished('a')).toEqual(['s1:changed', 's2:skipped', 's3:skipped']);
		expect(outcome).toMatchObject({exitCode: 130, interrupted: true});
		expect(outcome.recap[0]).toMatchObject({changed: 1, skipped: 2});
	});

	it('reports a step cut between two of its commands as failed, asking to run again', async () => {
		const controller = new AbortController();
		const transports = {
			a: new FakeTransport('a', command => {
				if (command === 'first') controller.abort();
				return {};
			}),
		};
		const {finished, events} = await run(planOf({a: [doStep('a', 'two-part', ['first', 'second']), doStep('a', 'next')]}), {
			transports,
			signal: controller.signal,
		});
		expect(transports.a.execs).not.toContain('second');
		expect(finished('a')).toEqual(['two-part:failed', 'next:skipped']);
		expect(events.find(event => event.type === 'step-finished')).toMatchObject({
			message: 'interrupted in the middle of this step: run again to finish it',
			failure: {message: 'interrupted before: second'},
		});
	});

	it('wakes a host waiting on another host and skips its step', async () => {
		const controller = new AbortController();
		const release = gate();
		const transports = {
			server: new FakeTransport('server', async command => {
				if (command === 'export') {
					controller.abort();
					await release.promise;
				}

				return {};
			}),
		};
		const plan = planOf({
			server: [doStep('server', 'export', ['export'])],
			client: [doStep('client', 'mount', ['mount'], {dependsOn: [{host: 'server', id: 'export'}]})],
		});
		const seen: RunEvent[] = [];
		const running = run(plan, {transports, signal: controller.signal, events: seen});
		// The client's step is settled (woken by the interrupt) while the server is still held in export.
		await expect.poll(() => seen.some(event => event.type === 'step-finished' && event.host === 'client')).toBe(true);
		release.open();
		const {finished, outcome} = await running;
		expect(finished('client')).toEqual(['mount:skipped']);
		expect(finished('server')).toEqual(['export:changed']);
		expect(outcome.exitCode).toBe(130);
	});

	it.each([
		['SIGTERM', 143],
		['SIGHUP', 129],
		['SIGINT', 130],
	])('stopped by %s: the running command finishes, the rest is skipped, exit %i', async (signal, code) => {
		const controller = new AbortController();
		const transports = {
			a: new FakeTransport('a', command => {
				if (command === 'do s1') controller.abort(signal);
				return {};
			}),
		};
		const {outcome, finished, events} = await run(planOf({a: [doStep('a', 's1'), doStep('a', 's2')]}), {transports, signal: controller.signal});
		expect(finished('a')).toEqual(['s1:changed', 's2:skipped']);
		expect(outcome).toMatchObject({exitCode: code, interrupted: true});
		expect(events.at(-1)).toMatchObject({type: 'run-finished', exitCode: code, interrupted: true});
	});

	it('runs nothing when interrupted before the start', async () => {
		const controller = new AbortController();
		controller.abort();
		const {finished, transports, outcome} = await run(planOf({a: [doStep('a', 's1')]}), {signal: controller.signal});
		expect(finished('a')).toEqual(['s1:skipped']);
		expect(transports.a).toBeUndefined();
		expect(outcome.exitCode).toBe(130);
	});
});

describe('runner: logs', () => {
	let dir: string | undefined;
	afterEach(() => {
		if (dir) rmSync(dir, {recursive: true, force: true});
	});

	it('writes one private transcript per host per run: commands, output, exit codes, durations', async () => {
		dir = mkdtempSync(join(tmpdir(), 'aegir-pack-logs-'));
		const transports = {
			a: new FakeTransport('a', command => (command === 'do s1' ? {output: 'Setting up nfs-common\n'} : {})),
		};
		const {outcome, events} = await run(planOf({a: [doStep('a', 's1')], b: [okStep('b', 'x')]}), {transports, logDir: dir, now: () => new Date(2024, 0, 2, 3, 4, 5)});
		const [runDir] = readdirSync(dir);
		expect(runDir).toMatch(/^20240102-030405-[0-9a-f]{4}$/);
		expect(outcome.logDir).toBe(join(dir, runDir!));
		expect(readdirSync(outcome.logDir!).sort()).toEqual(['a.log', 'b.log']);
		const logA = readFileSync(join(outcome.logDir!, 'a.log'), 'utf8');
		expect(logA).toContain('$ do s1   (as root)');
		expect(logA).toContain('| Setting up nfs-common');
		expect(logA).toMatch(/exit 0 after \d+ ms/);
		expect(logA).toContain('step s1: changed (make s1)');
		expect(statSync(join(outcome.logDir!, 'a.log')).mode & 0o777).toBe(0o600);
		expect(outcome.recap.map(row => row.logPath)).toEqual([join(outcome.logDir!, 'a.log'), join(outcome.logDir!, 'b.log')]);
		expect(events.find(event => event.type === 'host-finished')).toMatchObject({logPath: expect.stringMatching(/\.log$/)});
		expect(events.at(-1)).toMatchObject({type: 'run-finished', logDir: outcome.logDir});
	});

	it('keeps running when a listener throws', async () => {
		const {outcome} = await run(planOf({a: [doStep('a', 's1')]}), {
			onEvent: () => {
				throw new Error('broken screen');
			},
		});
		expect(outcome.exitCode).toBe(0);
	});
});

describe('runner: host keys accepted while connecting', () => {
	let dir: string | undefined;
	afterEach(() => {
		if (dir) rmSync(dir, {recursive: true, force: true});
	});

	const question = (host: string): HostKeyQuestion => ({
		host,
		address: '192.0.2.10',
		port: 22,
		keyType: 'ssh-ed25519',
		fingerprint: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
		knownHostsFile: '/root/.ssh/known_hosts',
	});

	it('each accepted key is a notice naming its fingerprint and why, and a line in that host\'s log', async () => {
		dir = mkdtempSync(join(tmpdir(), 'aegir-pack-logs-'));
		const accepting: Prompter = {...refusingPrompter, acceptsNewHostKeys: '--accept-new-host-keys', acceptHostKey: async () => true};
		const {outcome, events} = await run(planOf({a: [okStep('a', 'x')]}), {
			logDir: dir,
			prompter: accepting,
			// As the SSH layer does: the unknown key is put to the prompter it is given for this host.
			connect: async (host: Host, prompter?: Prompter) => {
				if (!(await prompter?.acceptHostKey(question(host.name)))) throw new Error('host key refused');
				return new FakeTransport(host.name);
			},
		});
		const line = 'accepting new ssh-ed25519 key SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU of 192.0.2.10 port 22 (--accept-new-host-keys), adding it to /root/.ssh/known_hosts';
		// Lasting: the run screen keeps it for the summary (a host's other info notices live in its pane only).
		expect(events).toContainEqual(expect.objectContaining({type: 'notice', host: 'a', level: 'info', message: line, lasting: true}));
		expect(readFileSync(join(outcome.logDir!, 'a.log'), 'utf8')).toContain(line);
	});

	it('a key a person accepted says so', async () => {
		const asking: Prompter = {...refusingPrompter, acceptHostKey: async () => true};
		const {events} = await run(planOf({a: [okStep('a', 'x')]}), {
			prompter: asking,
			connect: async (host: Host, prompter?: Prompter) => {
				await prompter?.acceptHostKey(question(host.name));
				return new FakeTransport(host.name);
			},
		});
		expect(events).toContainEqual(expect.objectContaining({type: 'notice', host: 'a', message: expect.stringContaining('(you said yes)')}));
	});
});

describe('runner: log directory', () => {
	it('refuses to start, touching no host, when the log directory cannot be created', async () => {
		const transports: Record<string, FakeTransport> = {};
		await expect(run(planOf({a: [doStep('a', 's1')]}), {transports, logDir: '/dev/null/logs'})).rejects.toThrow(
			/^cannot create the log directory \/dev\/null\/logs\//,
		);
		expect(transports).toEqual({});
	});
});
