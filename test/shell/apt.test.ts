import {chmodSync, readFileSync, writeFileSync} from 'node:fs';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {LOCK_TIMEOUT_EXIT, aptInstallCommand} from '../../source/shell/apt.js';
import {resolvePlanOptions} from '../../source/plan/options.js';
import {StepFailedError} from '../../source/contracts/command-error.js';
import {packagesStep} from '../../source/plan/steps/packages.js';
import {host, makeContext, makeFacts} from '../plan/fixtures.js';
import {LocalShTransport} from '../plan/local-sh-transport.js';
import {makeSandbox, type Sandbox} from '../plan/sandbox.js';

// A stand-in apt-get on PATH: it plays the host's package manager (lock held for
// the first N calls, a stale list, or success) so the real install script runs.
const FAKE_APT = `#!/bin/sh
echo "$*" >> "$FAKE_DIR/calls"
n=$(wc -l < "$FAKE_DIR/calls")
case "$1" in update) echo "Reading package lists..."; touch "$FAKE_DIR/updated"; exit 0;; esac
if [ "$n" -le "$LOCKED_CALLS" ]; then
	echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr)" >&2
	echo "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?" >&2
	exit 100
fi
if [ -n "$STALE" ] && [ ! -e "$FAKE_DIR/updated" ]; then echo "E: Unable to locate package $4" >&2; exit 100; fi
if [ -n "$BROKEN" ]; then echo "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem." >&2; exit 100; fi
echo "Setting up $5 ..."
`;

let box: Sandbox;
const shell = (env: Record<string, string>) =>
	new LocalShTransport({env: {PATH: `${box.dir}:${process.env.PATH ?? ''}`, FAKE_DIR: box.dir, LOCKED_CALLS: '0', ...env}});
const calls = () => readFileSync(box.path('calls'), 'utf8').trim().split('\n');

beforeEach(() => {
	box = makeSandbox();
	writeFileSync(box.path('apt-get'), FAKE_APT);
	chmodSync(box.path('apt-get'), 0o755);
});
afterEach(() => {
	box.remove();
});

describe('apt install script', () => {
	it('installs noninteractively without recommends', async () => {
		const result = await shell({}).exec(aptInstallCommand(['nfs-common', 'rsync'], 5, 0.05));
		expect(result.code, result.stderr).toBe(0);
		expect(calls()).toEqual(['install -y -q --no-install-recommends -o DPkg::Lock::Timeout=0 nfs-common rsync']);
	});

	it('waits for a held dpkg lock with a visible countdown, then installs', async () => {
		const result = await shell({LOCKED_CALLS: '2'}).exec(aptInstallCommand(['nfs-common'], 30, 0.05));
		expect(result.code, result.stderr).toBe(0);
		expect(calls()).toHaveLength(3);
		const waits = result.stdout.split('\n').filter(line => line.startsWith('aegir-pack: waiting for the dpkg lock'));
		expect(waits).toHaveLength(2);
		expect(waits[0]).toMatch(/held by process 4242\): giving up in (29|30)s$/);
	});

	it('gives up clearly when the lock is still held at the limit', async () => {
		const result = await shell({LOCKED_CALLS: '1000'}).exec(aptInstallCommand(['nfs-common'], 1, 0.2));
		expect(result.code).toBe(LOCK_TIMEOUT_EXIT);
		expect(result.stderr).toContain('aegir-pack: another apt or dpkg (process 4242) still holds the dpkg lock after 1s; nothing was installed');
		expect(calls().length).toBeGreaterThan(1);
	});

	it('refreshes stale package lists once, then installs', async () => {
		const result = await shell({STALE: '1'}).exec(aptInstallCommand(['nfs-common'], 5, 0.05));
		expect(result.code, result.stderr).toBe(0);
		expect(calls()).toEqual([
			'install -y -q --no-install-recommends -o DPkg::Lock::Timeout=0 nfs-common',
			'update -q -o DPkg::Lock::Timeout=5',
			'install -y -q --no-install-recommends -o DPkg::Lock::Timeout=0 nfs-common',
		]);
	});

	it('passes any other failure through with apt’s own message', async () => {
		const result = await shell({BROKEN: '1'}).exec(aptInstallCommand(['nfs-common'], 5, 0.05));
		expect(result.code).toBe(100);
		expect(result.stderr).toContain("dpkg --configure -a");
	});
});

describe('packages step', () => {
	const options = resolvePlanOptions({lockWaitSeconds: 30, lockPollSeconds: 0.05});
	const step = packagesStep(host('web1', '192.0.2.11'), ['nfs-common', 'rsync'], options);

	it('is ok when every package is installed, and installs only what is missing', async () => {
		const installed = {status: 'ii', version: '1', installed: true};
		expect(step.check(makeContext(shell({}), makeFacts({packages: {'nfs-common': installed, rsync: installed}})))).toMatchObject({state: 'ok'});
		const change = step.check(makeContext(shell({}), makeFacts({packages: {rsync: installed}})));
		expect(change).toMatchObject({state: 'change', message: 'install nfs-common'});
	});

	it('tells the user once when it has to wait for the lock', async () => {
		const context = makeContext(shell({LOCKED_CALLS: '3'}), makeFacts());
		await step.apply(context);
		expect(context.record.notices).toEqual([
			{level: 'warn', message: 'web1: another apt or dpkg holds the dpkg lock; waiting up to 30s before giving up'},
		]);
	});

	it('fails with the command, exit code and apt’s message', async () => {
		const context = makeContext(shell({BROKEN: '1'}), makeFacts());
		const error = await step.apply(context).catch((error_: unknown) => error_);
		expect(error).toBeInstanceOf(StepFailedError);
		expect(error).toMatchObject({code: 100, message: 'installing nfs-common, rsync failed (exit code 100)'});
		expect((error as StepFailedError).stderrTail).toContain('dpkg --configure -a');
		expect((error as StepFailedError).command).toContain('apt-get install');
	});
});
