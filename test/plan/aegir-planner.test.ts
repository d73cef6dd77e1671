import {tmpdir} from 'node:os';
import {describe, expect, it} from 'vitest';
import type {PrerequisiteRow} from '../../source/aegir/prerequisite-types.js';
import {planPack} from '../../source/plan/planner.js';
import type {Plan} from '../../source/plan/step.js';
import {reportSummary, rowCheck} from '../../source/plan/steps/aegir-prerequisites.js';
import {host, localDirectories, makePack} from './fixtures.js';

const ids = (plan: Plan, name: string) => plan.hosts.find(hostPlan => hostPlan.host.name === name)!.steps.map(step => step.id);
const titleOf = (plan: Plan, name: string, id: string) => plan.hosts.find(hostPlan => hostPlan.host.name === name)!.steps.find(step => step.id === id)!.title;
const base = {configDir: tmpdir(), platformsDir: tmpdir(), localSources: localDirectories(tmpdir())};
const aegirPrerequisites = true;
const AEGIR = [
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

describe('planning with Aegir prerequisites', () => {
	it('is off by default: the plan is exactly as before', () => {
		const pack = makePack();
		const without = planPack(pack, base);
		expect(ids(without, 'web1')).not.toContain('aegir/prerequisites');
		expect(titleOf(without, 'web1', 'preflight/aegir')).toBe('aegir user and group exist');
	});

	it('reads the table before anything changes, checks the account in preflight, and adds a step per row before the web steps of every web head', () => {
		const pack = makePack();
		const without = planPack(pack, base);
		const plan = planPack(pack, {...base, aegirPrerequisites});
		for (const name of ['master', 'web1', 'web2']) {
			const before = ids(without, name);
			const account = before.indexOf('preflight/aegir');
			// The rows fix what the web steps rely on (aegir in www-data, the include): they come first, and one reload covers all.
			const web = before.findIndex(id => id.startsWith('web/'));
			expect(ids(plan, name)).toEqual([...before.slice(0, account), 'aegir/prerequisites', ...before.slice(account, web), ...AEGIR, ...before.slice(web)]);
			expect(titleOf(plan, name, 'preflight/aegir')).toBe('aegir user and group (Aegir)');
		}
	});

	it('leaves a separate NFS server alone: it is not one of Aegir web servers', () => {
		const storage = host('storage', '192.0.2.20');
		const pack = makePack({nfsServer: storage});
		const plan = planPack(pack, {...base, aegirPrerequisites});
		expect(ids(plan, 'storage')).toEqual(ids(planPack(pack, base), 'storage'));
		expect(titleOf(plan, 'storage', 'preflight/aegir')).toBe('aegir user and group exist');
		const master = ids(plan, 'master');
		expect(master.slice(master.indexOf(AEGIR[0]!), master.indexOf(AEGIR[0]!) + AEGIR.length)).toEqual(AEGIR);
	});
});

describe('a prerequisite row as a step check', () => {
	const row = (partial: Partial<PrerequisiteRow>): PrerequisiteRow => ({id: 'known-host', title: 'member known to Aegir ssh', ok: false, detail: 'missing', ...partial});
	const fix = {summary: 'add keys', commands: [{command: 'x', what: 'x'}], display: ['write it'], diff: '+line\n'};

	it('✔ is ok with the evidence', () => {
		expect(rowCheck(row({ok: true, detail: 'known'}))).toEqual({state: 'ok', message: 'known'});
	});

	it('a fix is a change that shows its commands and diff, and says when it runs on the Aegir server', () => {
		expect(rowCheck(row({fix: {...fix, runsOn: 'member'}}))).toEqual({state: 'change', message: 'fix: add keys', commands: ['write it'], diff: '+line\n'});
		expect(rowCheck(row({fix: {...fix, runsOn: 'aegir-server'}}))).toEqual({
			state: 'change',
			message: 'fix on the Aegir server: add keys',
			commands: ['on the Aegir server: write it'],
			diff: '+line\n',
		});
	});

	it('anything for a human fails with what to do, even when part of it could be fixed', () => {
		expect(rowCheck(row({manual: 'Edit that line, then run again.', fix: {...fix, runsOn: 'member'}}))).toEqual({state: 'fail', message: 'Edit that line, then run again.'});
		expect(rowCheck(row({detail: 'depends on the web server'}))).toEqual({state: 'fail', message: 'depends on the web server'});
	});

	it('the table step sums the rows up in one line', () => {
		const report = {host: 'web1', rows: [row({ok: true}), row({id: 'rsync', title: 'rsync', fix: {...fix, runsOn: 'member'}}), row({id: 'sudoers', title: 'sudo', manual: 'by hand'})]};
		expect(reportSummary(report)).toBe('2 of 3 to fix (1 by hand): rsync, sudo');
		expect(reportSummary({host: 'web1', rows: [row({ok: true})]})).toBe('all 1 Aegir prerequisites met');
	});
});
