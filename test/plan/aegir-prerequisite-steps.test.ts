// The Aegir prerequisite steps run by the real runner on a simulated member
// (test/aegir/simulated-member.ts): the real facts, safe-edit and include
// scripts on a temp tree, stand-ins for what would change this machine.

import {existsSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import type {PrerequisiteReport} from '../../source/aegir/prerequisite-types.js';
import {newSudoersContent} from '../../source/aegir/sudoers.js';
import type {Host} from '../../source/pack/types.js';
import {resolvePlanOptions} from '../../source/plan/options.js';
import type {Plan} from '../../source/plan/step.js';
import type {AegirPrerequisiteOptions} from '../../source/aegir-run/prerequisite-options.js';
import {aegirAccountSteps, aegirPrerequisiteSteps} from '../../source/plan/steps/aegir-prerequisites.js';
import {AegirPrerequisiteState} from '../../source/aegir-run/prerequisite-state.js';
import type {RunEvent} from '../../source/contracts/events.js';
import {runPlan} from '../../source/run/runner.js';
import {me, myGid, myUid, sshFixtures} from '../aegir/local-tree.js';
import {arrangeAccount, simulatedMember, type SimulatedMember} from '../aegir/simulated-member.js';
import {makePack, web1, web2} from '../pack/fixtures.js';
import {makeFacts, refusingPrompter} from './fixtures.js';

const members: SimulatedMember[] = [];
afterEach(() => {
	for (const member of members.splice(0)) member.tree.cleanup();
});

function member(): SimulatedMember {
	const made = simulatedMember();
	members.push(made);
	return made;
}

function aegirOptions(target: SimulatedMember, reports: PrerequisiteReport[]): AegirPrerequisiteOptions {
	return {
		aegirServerHome: target.tree.serverHome,
		aegirHome: target.tree.home,
		webGroup: 'www-data',
		expectedUid: myUid,
		expectedGid: myGid,
		wantedWebServer: 'apache',
		connectAegirServer: async () => target.server,
		onReport: report => reports.push(report),
		paths: target.tree.request.paths,
		globalKnownHosts: target.tree.globalKnownHosts,
	};
}

/** A plan of only the Aegir steps, on these hosts (all reaching the same simulated member), with the run's Aegir side. */
function aegirPlan(
	target: SimulatedMember,
	reports: PrerequisiteReport[],
	{hosts = [web1], only, local = []}: {hosts?: Host[]; only?: string[]; local?: string[]} = {},
): Plan & {aegir: AegirPrerequisiteState} {
	const options = aegirOptions(target, reports);
	const thisMachine = {names: [], addresses: hosts.filter(host => local.includes(host.name)).map(host => host.address)};
	const planOptions = resolvePlanOptions({aegirUser: me, lockWaitSeconds: 5, thisMachine, aegirPrerequisites: true});
	return {
		packName: 'pack.example.com',
		notes: [],
		hosts: hosts.map(host => ({
			host,
			roles: ['slave'],
			steps: [...aegirAccountSteps(host, me), ...aegirPrerequisiteSteps(host)].filter(step => !only || only.includes(step.id)),
			gatherFacts: async () => makeFacts(),
		})),
		aegir: new AegirPrerequisiteState(makePack(), planOptions, options),
	};
}

async function run(target: SimulatedMember, plan: Plan & {aegir: AegirPrerequisiteState}, dryRun = false) {
	const events: RunEvent[] = [];
	const outcome = await runPlan(plan, {
		connect: async () => target.transport,
		prompter: refusingPrompter,
		dryRun,
		aegir: plan.aegir,
		onEvent: event => events.push(event),
	});
	const finished = events.flatMap(event => (event.type === 'step-finished' ? [event] : []));
	const statuses = Object.fromEntries(finished.map(event => [`${event.host} ${event.stepId}`, event.status]));
	return {outcome, finished, statuses};
}

const ROWS = [
	'aegir/rsync',
	'aegir/web-server',
	'aegir/sudoers',
	'aegir/web-include',
	'aegir/php',
	'aegir/mysql-client',
	'aegir/apache-rewrite',
	'aegir/authorized-key',
	'aegir/known-host',
];

// Each test runs dozens of real shell scripts; on a loaded machine the two full runs take longer than vitest's 5 s default.
describe('Aegir prerequisite steps on a simulated member', {timeout: 60_000}, () => {
	test('a member with every item wrong is fixed to all ✔ in one run; a second run changes nothing', async () => {
		const target = member();
		const reports: PrerequisiteReport[] = [];
		const first = await run(target, aegirPlan(target, reports));
		expect(first.finished.filter(event => event.status === 'failed').map(event => [event.stepId, event.message, event.failure?.stderrTail])).toEqual([]);
		expect(first.statuses).toEqual({
			'web1 preflight/aegir': 'changed',
			'web1 aegir/prerequisites': 'ok',
			...Object.fromEntries(ROWS.map(id => [`web1 ${id}`, 'changed'])),
		});
		expect(first.outcome.exitCode).toBe(0);
		expect(first.finished.find(event => event.stepId === 'aegir/rsync')?.message).toBe('fixed: install rsync');

		// The table was handed on before anything changed: all ten to fix.
		expect(reports).toHaveLength(1);
		expect(reports[0]!.rows.map(row => [row.id, row.ok])).toEqual([
			['rsync', false],
			['web-server', false],
			['aegir-account', false],
			['sudoers', false],
			['web-include', false],
			['php', false],
			['mysql-client', false],
			['apache-rewrite', false],
			['authorized-key', false],
			['known-host', false],
		]);
		expect(first.finished.find(event => event.stepId === 'aegir/prerequisites')?.message).toBe(
			`10 of 10 to fix: rsync, web server, ${me} user and group, sudo for web server reloads, web server reads Aegir's config, PHP with MySQL, MySQL client, Apache's rewrite module, Aegir server's key authorized, member known to Aegir ssh`,
		);

		// What the stand-ins were asked to do, in order: the account, then the packages, then visudo on the temp file.
		const commands = target.commands();
		expect(commands.slice(0, 3)).toEqual([
			`groupadd --system --gid ${myGid} ${me}`,
			`useradd --system --uid ${myUid} --gid ${me} --home-dir ${target.tree.home} --no-create-home --shell /bin/bash --comment Aegir ${me}`,
			`usermod --append --groups www-data ${me}`,
		]);
		expect(commands.filter(line => line.startsWith('apt-get install')).map(line => line.split(' ').at(-1))).toEqual(['rsync', 'apache2', 'libapache2-mod-php', 'default-mysql-client']);
		expect(commands.filter(line => line.startsWith('a2enmod'))).toEqual(['a2enmod -q rewrite']);
		expect(readdirSync(target.tree.request.paths.apacheModsEnabled!).sort()).toEqual(['mpm_event.load', 'php8.2.load', 'rewrite.load']);
		expect(commands.filter(line => line.startsWith('visudo'))).toHaveLength(1);

		// What the fixes left, for real, in the tree.
		const {paths} = target.tree.request;
		expect(readFileSync(paths.sudoersFile, 'utf8')).toBe(newSudoersContent({user: me, programs: ['/usr/sbin/apache2ctl']}));
		expect(statSync(paths.sudoersFile).mode & 0o777).toBe(0o440);
		expect(readlinkSync(paths.apacheInclude)).toBe(path.join(target.tree.home, 'config', 'apache.conf'));
		expect(readFileSync(path.join(target.tree.home, '.ssh', 'authorized_keys'), 'utf8')).toBe(readFileSync(path.join(sshFixtures, 'aegir_ed25519.pub'), 'utf8'));
		const known = readFileSync(path.join(target.tree.serverHome, '.ssh', 'known_hosts'), 'utf8');
		expect(known.split('\n').filter(Boolean).map(line => line.split(' ').slice(0, 2).join(' '))).toEqual(['192.0.2.11 ssh-ed25519', '192.0.2.11 ssh-rsa']);

		const second = await run(target, aegirPlan(target, reports));
		expect(Object.values(second.statuses).every(status => status === 'ok')).toBe(true);
		expect(second.finished.find(event => event.stepId === 'aegir/prerequisites')?.message).toBe('all 10 Aegir prerequisites met');
		expect(target.commands()).toEqual(commands);
	});

	test('a dry run shows every fix exactly (commands, diffs, where it runs) and changes nothing', async () => {
		const target = member();
		const reports: PrerequisiteReport[] = [];
		const {finished, statuses} = await run(target, aegirPlan(target, reports), true);
		expect(statuses).toEqual({
			'web1 preflight/aegir': 'changed',
			'web1 aegir/prerequisites': 'ok',
			...Object.fromEntries(ROWS.map(id => [`web1 ${id}`, 'changed'])),
		});
		const byId = new Map(finished.map(event => [event.stepId, event]));
		expect(byId.get('preflight/aegir')?.commands?.[0]).toBe(`groupadd --system --gid ${myGid} ${me}`);
		expect(byId.get('aegir/rsync')?.commands).toEqual(['DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends rsync']);
		const sudoers = byId.get('aegir/sudoers')!;
		expect(sudoers.commands?.join('\n')).toContain('validated with visudo -cf <temp>');
		expect(sudoers.diff).toContain(`+${me} ALL=NOPASSWD: /usr/sbin/apache2ctl`);
		const knownHost = byId.get('aegir/known-host')!;
		expect(knownHost.message).toMatch(/^would fix on the Aegir server: add web1's host keys to .*known_hosts$/);
		expect(byId.get('preflight/aegir')?.message).toBe(`would fix: no ${me} group; no ${me} user`);
		expect(knownHost.commands?.every(line => line.startsWith('on the Aegir server: '))).toBe(true);
		expect(knownHost.diff).toContain('+192.0.2.11 ssh-ed25519 ');

		// Read-only: no stand-in changed anything, no file was written.
		expect(target.commands()).toEqual([]);
		expect(existsSync(target.tree.request.paths.sudoersFile)).toBe(false);
		expect(existsSync(path.join(target.tree.serverHome, '.ssh', 'known_hosts'))).toBe(false);
		expect(reports.map(report => report.rows.filter(row => !row.ok).length)).toEqual([10]);
	});

	test('sudoers is never left invalid: when visudo rejects the new file the step fails and the old file stays', async () => {
		const target = member();
		arrangeAccount(target);
		target.install('rsync', 'rsync');
		target.install('apache2ctl', 'apache2');
		const {sudoersFile} = target.tree.request.paths;
		const original = `Defaults:${me} !requiretty\n`;
		writeFileSync(sudoersFile, original, {mode: 0o440});
		writeFileSync(path.join(target.sim, 'visudo-rejects'), '');

		const {finished, statuses, outcome} = await run(target, aegirPlan(target, [], {only: ['preflight/aegir', 'aegir/sudoers']}));
		expect(statuses).toEqual({'web1 preflight/aegir': 'ok', 'web1 aegir/sudoers': 'failed'});
		const failure = finished.find(event => event.stepId === 'aegir/sudoers')!.failure!;
		expect(failure.message).toBe(`writing ${sudoersFile} failed: the new content did not validate; ${sudoersFile} was not changed`);
		expect(failure.stderrTail).toContain('syntax error');
		expect(outcome.exitCode).toBe(1);
		expect(readFileSync(sudoersFile, 'utf8')).toBe(original);
		// No temp file and no backup are left where sudo reads its includes.
		expect(readdirSync(path.dirname(sudoersFile))).toEqual(['aegir']);
		expect(target.commands()).toEqual([expect.stringMatching(/^visudo -cf .*\/\.aegir\.aegir-pack\.\w+$/)]);
	});

	test('an item that needs a human fails with what to do, and the rest of the member is skipped', async () => {
		const target = member();
		arrangeAccount(target);
		const passwd = path.join(target.sim, 'passwd');
		writeFileSync(passwd, readFileSync(passwd, 'utf8').replace(`:x:${myUid}:`, ':x:4242:'));
		const {finished, statuses} = await run(target, aegirPlan(target, []));
		expect(statuses['web1 preflight/aegir']).toBe('failed');
		expect(finished.find(event => event.stepId === 'preflight/aegir')?.message).toContain(`the ${me} user has uid 4242 here but ${myUid} on the Aegir server`);
		expect(ROWS.every(id => statuses[`web1 ${id}`] === 'skipped')).toBe(true);
		expect(target.commands()).toEqual([]);
	});

	test('the Aegir server as a member: no ssh key or known host is asked of it, Aegir runs there without ssh', async () => {
		const target = member();
		const {statuses, finished} = await run(target, aegirPlan(target, [], {local: ['web1']}), true);
		expect(statuses['web1 aegir/authorized-key']).toBe('ok');
		expect(statuses['web1 aegir/known-host']).toBe('ok');
		expect(finished.find(event => event.stepId === 'aegir/known-host')?.message).toBe('this is the Aegir server: Aegir reaches it without ssh');
		expect(statuses['web1 aegir/sudoers']).toBe('changed');
	});

	test("two members add their host keys to the Aegir server's one known_hosts, one after the other", async () => {
		const target = member();
		await run(target, aegirPlan(target, []));
		rmSync(path.join(target.tree.serverHome, '.ssh', 'known_hosts'));

		const {statuses} = await run(target, aegirPlan(target, [], {hosts: [web1, web2]}));
		expect(statuses['web1 aegir/known-host']).toBe('changed');
		expect(statuses['web2 aegir/known-host']).toBe('changed');
		const names = readFileSync(path.join(target.tree.serverHome, '.ssh', 'known_hosts'), 'utf8')
			.split('\n')
			.filter(Boolean)
			.map(line => line.split(' ')[0]);
		expect(names.sort()).toEqual(['192.0.2.11', '192.0.2.11', '192.0.2.12', '192.0.2.12']);
	});
});
