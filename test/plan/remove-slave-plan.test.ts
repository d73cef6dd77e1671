import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {userInfo} from 'node:os';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {dropInContent} from '../../source/plan/exports-file.js';
import {fstabEntry, fstabLine, fstabTag, legacyFstabLine} from '../../source/plan/fstab.js';
import {RerunInputError} from '../../source/plan/reruns/errors.js';
import {FSTAB_REMOVAL_STEP, fstabRemovalStep, removeFstabEntries} from '../../source/plan/reruns/fstab-removal.js';
import {narrowExportStep, subnetsOnlyFor} from '../../source/plan/reruns/narrow-export.js';
import {UNMOUNT_STEP, unmountStep} from '../../source/plan/reruns/unmount.js';
import {unmountCommand} from '../../source/shell/mount-scripts.js';
import {resolvePlanOptions} from '../../source/plan/options.js';
import {planRemoveSlave} from '../../source/plan/remove-slave-plan.js';
import {type CheckContext, type CheckResult, type Plan} from '../../source/plan/step.js';
import {StepFailedError} from '../../source/contracts/command-error.js';
import {markerContent} from '../../source/plan/steps/nfs-server.js';
import type {Facts} from '../../source/plan/facts.js';
import type {RunEvent} from '../../source/contracts/events.js';
import {runPlan} from '../../source/run/runner.js';
import {FakeTransport} from '../run/fake-transport.js';
import {host, makeContext, makeFacts, makePack, makeSandboxPack, refusingPrompter} from './fixtures.js';
import {LocalShTransport, NOBODY} from './local-sh-transport.js';
import {makeSandbox, type Sandbox} from './sandbox.js';
import {trustedPackForTests} from '../pack/trusted-pack.js';

const SLAVE = ['preflight/access', 'preflight/system', 'nfs-client/unmount', 'nfs-client/fstab-remove'];
const NARROW = ['preflight/access', 'nfs-server/exports-file', 'nfs-server/export'];
const names = (plan: Plan) => plan.hosts.map(hostPlan => hostPlan.host.name);
const ids = (plan: Plan, name: string) => plan.hosts.find(hostPlan => hostPlan.host.name === name)!.steps.map(step => step.id);
const stepOf = (plan: Plan, name: string, id: string) => plan.hosts.find(hostPlan => hostPlan.host.name === name)!.steps.find(step => step.id === id)!;
const check = (result: CheckResult | Promise<CheckResult>) => result as CheckResult;

describe('planning the removal of a slave', () => {
	it('inside a shared subnet: only the slave, the export stays', () => {
		const pack = makePack();
		const plan = planRemoveSlave(pack, 'web1');
		expect(names(plan)).toEqual(['web1']);
		expect(ids(plan, 'web1')).toEqual(SLAVE);
		expect(plan.untouched).toEqual(['master', 'web2']);
		expect(plan.narrowedSubnets).toBeUndefined();
		expect(plan.pack.slaves.map(slave => slave.name)).toEqual(['web2']);
		expect(plan.pack.subnets).toEqual(['192.0.2.0/24']);
		expect(plan.notes).toContain('web1: the mount point /var/aegir/platforms, anything under it and the installed packages stay');
		expect(plan.notes).toContain('the export on master stays as it is');
	});

	it('narrows a /32 that was there for this slave alone, after the slave unmounted', () => {
		const pack = makePack({slaves: [host('web1', '192.0.2.11'), host('web3', '198.51.100.7')], subnets: ['192.0.2.0/24', '198.51.100.7/32']});
		const plan = planRemoveSlave(pack, host('web3', '198.51.100.7'));
		expect(plan.narrowedSubnets).toEqual(['198.51.100.7/32']);
		expect(plan.pack.subnets).toEqual(['192.0.2.0/24']);
		expect(names(plan)).toEqual(['web3', 'master']);
		expect(ids(plan, 'master')).toEqual(NARROW);
		expect(stepOf(plan, 'master', 'nfs-server/exports-file').after).toEqual([{host: 'web3', id: 'nfs-client/unmount'}]);
		expect(plan.untouched).toEqual(['web1']);
	});

	it('a narrowing dry run connects to the slave and the NFS server only, dropping exactly that drop-in line', async () => {
		const pack = makePack({slaves: [host('web1', '192.0.2.11'), host('web3', '198.51.100.7')], subnets: ['192.0.2.0/24', '198.51.100.7/32']});
		const plan = planRemoveSlave(pack, 'web3');
		const transports: Record<string, FakeTransport> = {};
		const events: RunEvent[] = [];
		for (const hostPlan of plan.hosts) {
			hostPlan.gatherFacts = async () =>
				hostPlan.host.name === 'master'
					? makeFacts({
							dropIn: {present: true, readable: true, content: dropInContent(pack)},
							exports: pack.subnets.map(client => ({path: pack.exportPath, client, options: ['rw', 'sync', 'no_subtree_check']})),
						})
					: mountedFacts(pack);
		}

		const outcome = await runPlan(plan, {
			connect: async target => (transports[target.name] = new FakeTransport(target.name)),
			prompter: refusingPrompter,
			dryRun: true,
			onEvent: event => events.push(event),
		});
		expect(outcome.exitCode).toBe(0);
		expect(Object.keys(transports).sort()).toEqual(['master', 'web3']);
		const finished = (id: string) => events.find(event => event.type === 'step-finished' && event.host === 'master' && event.stepId === id);
		const diff = (finished('nfs-server/exports-file') as Extract<RunEvent, {type: 'step-finished'}>).diff ?? '';
		expect(diff.split('\n').filter(line => /^[+-][^+-]/.test(line))).toEqual(['-/var/aegir/platforms 198.51.100.7/32(rw,sync,no_subtree_check)']);
		expect(finished('nfs-server/export')).toMatchObject({status: 'changed', message: 'would stop exporting /var/aegir/platforms to 198.51.100.7/32 (still exported)'});
	});

	it('never narrows a subnet wider than the slave, or a /32 another client still uses', () => {
		expect(subnetsOnlyFor(['192.0.2.0/24'], '192.0.2.11', [])).toEqual([]);
		expect(subnetsOnlyFor(['198.51.100.7/32'], '198.51.100.7', ['198.51.100.7'])).toEqual([]);
		expect(subnetsOnlyFor(['198.51.100.8/32', '198.51.100.7/32'], '198.51.100.7', ['198.51.100.8'])).toEqual(['198.51.100.7/32']);
		expect(subnetsOnlyFor(['2001:db8::7/128'], '2001:db8::7', [])).toEqual(['2001:db8::7/128']);
		expect(subnetsOnlyFor(['192.0.2.0/24'], 'web3.example.com', [])).toEqual([]);
		const pack = makePack({subnets: ['192.0.2.11/32', '192.0.2.12/32']});
		const plan = planRemoveSlave(pack, 'web2');
		expect(plan.pack.subnets).toEqual(['192.0.2.11/32']);
		expect(plan.narrowedSubnets).toEqual(['192.0.2.12/32']);
	});

	it('refuses the master, the NFS server and hosts not in the pack', () => {
		const pack = makePack();
		expect(() => planRemoveSlave(pack, 'master')).toThrow(new RerunInputError('master is the master of pack pack.example.com, not a slave: it cannot be removed'));
		expect(() => planRemoveSlave(pack, 'web9')).toThrow('web9 is not a slave of pack pack.example.com');
		expect(() => planRemoveSlave(trustedPackForTests({...pack, nfsServer: pack.slaves[0]!}), 'web1')).toThrow(/web1 is the NFS server/);
	});

	it('a dry run connects to the slave only, and would unmount', async () => {
		const pack = makePack();
		const plan = planRemoveSlave(pack, 'web1');
		const transports: Record<string, FakeTransport> = {};
		const events: RunEvent[] = [];
		for (const hostPlan of plan.hosts) hostPlan.gatherFacts = async () => mountedFacts(pack);
		const outcome = await runPlan(plan, {
			connect: async target => (transports[target.name] = new FakeTransport(target.name)),
			prompter: refusingPrompter,
			dryRun: true,
			onEvent: event => events.push(event),
		});
		expect(outcome.exitCode).toBe(0);
		expect(Object.keys(transports)).toEqual(['web1']);
		expect(transports.web1!.execs).toEqual([]);
		expect(events.find(event => event.type === 'step-finished' && event.stepId === 'nfs-client/unmount')).toMatchObject({
			status: 'changed',
			commands: ['umount -- /var/aegir/platforms', 'umount -l -- /var/aegir/platforms (only if the normal unmount fails)'],
		});
	});
});

function mountedFacts(pack = makePack()): Facts {
	return makeFacts({
		fstab: {present: true, readable: true, content: `# /etc/fstab\n${fstabLine(pack)}\n`},
		mount: {target: pack.exportPath, source: `${pack.nfsServer.address}:${pack.exportPath}`, fstype: 'nfs4', options: 'rw'},
		marker: {present: true, readable: true, content: markerContent(pack)},
		sharedDir: {state: 'directory', entryCount: 1, sample: ['.aegir-pack-marker']},
	});
}

describe('unmounting', () => {
	const pack = makePack();
	const step = unmountStep(pack.slaves[0]!, pack);
	const context = (facts: Facts) => ({facts}) as unknown as CheckContext;

	it('checks: nothing mounted is ok, the pack share changes, anything else is left alone', () => {
		expect(check(step.check(context(makeFacts())))).toEqual({state: 'ok', message: 'not mounted'});
		expect(check(step.check(context(mountedFacts())))).toMatchObject({state: 'change', message: 'unmount 192.0.2.10:/var/aegir/platforms from /var/aegir/platforms'});
		expect(check(step.check(context(makeFacts({mountProbeAnswered: false}))))).toMatchObject({state: 'change'});
		const local = makeFacts({mount: {target: pack.exportPath, source: '/dev/sdb1', fstype: 'ext4', options: 'rw'}});
		expect(check(step.check(context(local)))).toMatchObject({state: 'fail', message: expect.stringContaining("not this pack's share: left mounted")});
	});

	it('a normal umount that works: no lazy unmount', async () => {
		const transport = new FakeTransport('web1');
		const result = await step.apply(makeContext(transport, mountedFacts()));
		expect(transport.execs).toEqual([unmountCommand('/var/aegir/platforms')]);
		expect(result).toEqual({message: 'unmounted /var/aegir/platforms'});
	});

	it('falls back to umount -l only when umount fails, and says so', async () => {
		const transport = new FakeTransport('web1', command =>
			command === unmountCommand('/var/aegir/platforms', true) ? {} : {code: 32, stderr: 'umount.nfs4: /var/aegir/platforms: device is busy\n'},
		);
		const ctx = makeContext(transport, mountedFacts());
		const result = await step.apply(ctx);
		// Each through the guarded script: only if the path itself is still a mount point.
		expect(transport.execs).toEqual([unmountCommand('/var/aegir/platforms'), unmountCommand('/var/aegir/platforms', true)]);
		expect(result).toMatchObject({message: expect.stringMatching(/^umount failed \(umount\.nfs4: .*device is busy\): unmounted lazily with umount -l; /)});
		expect(ctx.record.notices).toEqual([{level: 'warn', message: expect.stringContaining('web1: umount failed')}]);
	});

	it('fails with both reasons when the lazy unmount fails too', async () => {
		const transport = new FakeTransport('web1', () => ({code: 32, stderr: 'umount: not permitted\n'}));
		const failure = await step.apply(makeContext(transport, mountedFacts())).catch((error: unknown) => error);
		expect(failure).toBeInstanceOf(StepFailedError);
		expect((failure as StepFailedError).message).toBe('umount failed (umount: not permitted), and so did umount -l: lazy unmount of /var/aegir/platforms failed (exit code 32)');
		expect((failure as StepFailedError).command).toBe(unmountCommand('/var/aegir/platforms', true));
	});
});

describe('narrowing the export', () => {
	const pack = makePack({subnets: ['192.0.2.0/24']});
	const step = narrowExportStep(pack.master, pack, ['198.51.100.7/32'], {aegirUser: 'aegir'});
	const exported = (clients: string[]) =>
		({facts: makeFacts({exports: clients.map(client => ({path: pack.exportPath, client, options: ['rw', 'sync', 'no_subtree_check']}))})}) as unknown as CheckContext;

	it('changes while the dropped client is still exported, ok once it is gone', () => {
		expect(check(step.check(exported(['192.0.2.0/24', '198.51.100.7'])))).toMatchObject({
			state: 'change',
			message: 'stop exporting /var/aegir/platforms to 198.51.100.7/32 (still exported)',
		});
		expect(check(step.check(exported(['192.0.2.0/24'])))).toMatchObject({state: 'ok'});
		expect(check(step.check(exported([])))).toMatchObject({state: 'change', message: 're-export: /var/aegir/platforms is not exported to 192.0.2.0/24'});
	});
});

describe('removing the fstab entry', () => {
	const pack = makePack();
	const ours = fstabEntry(pack);

	it('removes only entries for the mount point tagged with this pack, the tag line with its entry', () => {
		const other = `${fstabTag('other.example.com')}\n192.0.2.99:/x /var/aegir/platforms nfs rw 0 0`;
		const before = `# fstab\nproc /proc proc defaults 0 0\n${ours}\n${other}\n`;
		expect(removeFstabEntries(before, pack.exportPath, pack.name)).toEqual({
			content: `# fstab\nproc /proc proc defaults 0 0\n${other}\n`,
			removed: [fstabLine(pack)],
			foreign: ['192.0.2.99:/x /var/aegir/platforms nfs rw 0 0'],
		});
		expect(removeFstabEntries(`a b c\n${ours}`, pack.exportPath, pack.name).content).toBe('a b c');
		expect(removeFstabEntries('# nothing\n', pack.exportPath, pack.name)).toEqual({content: '# nothing\n', removed: [], foreign: []});
	});

	it('removes an entry in the earlier one-line form too (its tag after the fields)', () => {
		const old = legacyFstabLine(pack);
		const inlineOther = `192.0.2.99:/x /var/aegir/platforms nfs rw 0 0  ${fstabTag('other.example.com')}`;
		expect(removeFstabEntries(`# fstab\n${old}\n${inlineOther}\n`, pack.exportPath, pack.name)).toEqual({
			content: `# fstab\n${inlineOther}\n`,
			removed: [old],
			foreign: [inlineOther],
		});
	});

	it('leaves an untagged entry and its neighbours alone', () => {
		const plain = `192.0.2.10:/var/aegir/platforms /var/aegir/platforms nfs rw 0 0`;
		const before = `# my note\n${plain}\n`;
		expect(removeFstabEntries(before, pack.exportPath, pack.name)).toEqual({content: before, removed: [], foreign: [plain]});
	});
});

describe('removing the fstab entry, for real', () => {
	let box: Sandbox;
	beforeEach(() => {
		box = makeSandbox();
	});
	afterEach(() => {
		box.remove();
	});

	it('writes fstab without our line, every other byte kept, with a backup; the mount point and its data stay', async () => {
		const pack = makeSandboxPack(box.path('platforms'));
		mkdirSync(pack.exportPath);
		writeFileSync(box.path('platforms', 'site.txt'), 'data\n');
		const fstab = box.path('fstab');
		const head = '# /etc/fstab: static file system information.\n#\n# <file system> <mount point>   <type>  <options>       <dump>  <pass>\nproc  /proc  proc  defaults  0  0\n\n';
		const tail = '# keep this comment\t \ntmpfs\t/tmp   tmpfs defaults,noatime 0 0\n';
		const before = `${head}${fstabEntry(pack)}\n${tail}`;
		writeFileSync(fstab, before);
		box.own(fstab);
		const options = {fstabPath: fstab, exportsDir: box.path('exports.d'), aegirUser: userInfo().username};
		// planRemoveSlave checks the pack again, and a sandbox under /tmp is no export path the policy
		// accepts: the plan of the real pack names the client steps, made here for the sandbox pack.
		const full = planRemoveSlave(makePack(), 'web1', options);
		const web1 = full.hosts[0]!;
		expect(web1.steps.filter(step => step.id.startsWith('nfs-client/')).map(step => step.id)).toEqual([UNMOUNT_STEP, FSTAB_REMOVAL_STEP]);
		const leaving = pack.slaves.find(slave => slave.name === 'web1')!;
		const steps = [unmountStep(leaving, pack), fstabRemovalStep(leaving, pack, resolvePlanOptions(options))];
		const plan: Plan = {...full, hosts: [{...web1, steps}]};
		const events: RunEvent[] = [];
		const outcome = await runPlan(plan, {
			connect: async () => new LocalShTransport({hostName: 'web1', user: NOBODY}),
			prompter: refusingPrompter,
			onEvent: event => events.push(event),
			now: () => new Date(2024, 0, 2, 3, 4, 5),
		});
		const statuses = events.flatMap(event => (event.type === 'step-finished' ? [`${event.stepId}:${event.status}`] : []));
		expect(statuses).toEqual(['nfs-client/unmount:ok', 'nfs-client/fstab-remove:changed']);
		expect(outcome.exitCode).toBe(0);
		expect(readFileSync(fstab, 'utf8')).toBe(`${head}${tail}`);
		expect(readFileSync(`${fstab}.aegir-pack-20240102-030405.bak`, 'utf8')).toBe(before);
		expect(readFileSync(box.path('platforms', 'site.txt'), 'utf8')).toBe('data\n');

		const again = await runPlan(plan, {connect: async () => new LocalShTransport({hostName: 'web1', user: NOBODY}), prompter: refusingPrompter});
		expect(again.recap[0]).toMatchObject({ok: 2, changed: 0, failed: 0});
		expect(box.list().filter(name => name.includes('.bak'))).toEqual(['fstab.aegir-pack-20240102-030405.bak']);
		expect(existsSync(pack.exportPath)).toBe(true);
	});
});
