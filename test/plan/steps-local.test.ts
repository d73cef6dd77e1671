// The real steps, their real scripts and the real runner, with this machine as
// the "host" and every system path pointed into a temp dir. Only the steps that
// need no root and no NFS run here (files, directories); mounting and exportfs
// are proven on the lab.

import {chmodSync, existsSync, lchownSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {userInfo} from 'node:os';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {fstabEntry, fstabLine, legacyFstabLine} from '../../source/plan/fstab.js';
import {linkRefusal} from '../../source/shell/path-guard.js';
import {planPack} from '../../source/plan/planner.js';
import {type Plan} from '../../source/plan/step.js';
import {StepFailedError} from '../../source/contracts/command-error.js';
import type {Pack} from '../../source/pack/types.js';
import type {RunEvent} from '../../source/contracts/events.js';
import type {Prompter} from '../../source/contracts/prompter.js';
import {runPlan} from '../../source/run/runner.js';
import {forgedPackForTests} from '../pack/trusted-pack.js';
import {makeContext, makePack, makeSandboxPack, refusingPrompter} from './fixtures.js';
import {LocalShTransport, NOBODY, runningAsRoot} from './local-sh-transport.js';
import {makeSandbox, type Sandbox} from './sandbox.js';

// The aegir user of these runs: the steps run as it (nobody when the tests run as root, so the
// sandbox, which is nobody's, is the user's own tree, as /var/aegir is aegir's on a host).
// Each test runs a dozen real scripts (facts, guarded edits, re-reads to verify) on a shared machine.
const SLOW = {timeout: 30_000};

const me = runningAsRoot() ? 'nobody' : userInfo().username;
let box: Sandbox;
let pack: Pack;
let fstab: string;

beforeEach(() => {
	box = makeSandbox();
	pack = makeSandboxPack(box.path('platforms'), {slaves: [makePack().slaves[0]!]});
	fstab = box.path('fstab');
});
afterEach(() => {
	box.remove();
});

const planFor = (extra = {}) => planPack(pack, {fstabPath: fstab, exportsDir: box.path('exports.d'), aegirUser: me, ...extra});

/** The plan cut down to the given steps of one host (and no waits on the steps left out). */
function only(plan: Plan, hostName: string, stepIds: string[]): Plan {
	const hostPlan = plan.hosts.find(candidate => candidate.host.name === hostName)!;
	const steps = hostPlan.steps.filter(step => stepIds.includes(step.id)).map(step => ({...step, after: [], dependsOn: []}));
	return {...plan, hosts: [{...hostPlan, steps}]};
}

/** Everything the test wrote in the sandbox belongs to the sandbox's user, as /etc's files are root's on a host. */
function ownAll(directory = box.dir) {
	if (!runningAsRoot()) return;
	for (const entry of readdirSync(directory, {withFileTypes: true})) {
		const path = `${directory}/${entry.name}`;
		lchownSync(path, NOBODY.uid, NOBODY.gid);
		if (entry.isDirectory()) ownAll(path);
	}
}

async function run(plan: Plan, prompter: Prompter = refusingPrompter, transport = new LocalShTransport({user: NOBODY})) {
	ownAll();
	const events: RunEvent[] = [];
	const outcome = await runPlan(plan, {connect: async () => transport, prompter, onEvent: event => events.push(event), now: () => new Date(2024, 0, 2, 3, 4, 5)});
	const statuses = events.flatMap(event => (event.type === 'step-finished' ? [`${event.stepId}:${event.status}`] : []));
	return {outcome, events, statuses, transport};
}

const SERVER_FILES = ['nfs-server/directory', 'nfs-server/marker', 'nfs-server/exports-file'];
const CLIENT_FILES = ['nfs-client/mount-point', 'nfs-client/fstab'];

describe('NFS server files, for real', SLOW, () => {
	it('creates the directory, the marker and the drop-in, then a re-run changes nothing', async () => {
		const first = await run(only(planFor(), 'master', SERVER_FILES));
		expect(first.statuses).toEqual(SERVER_FILES.map(id => `${id}:changed`));
		const dropIn = box.path('exports.d', 'aegir-pack-pack.example.com.exports');
		expect(readFileSync(dropIn, 'utf8')).toContain(`${pack.exportPath} 192.0.2.0/24(rw,sync,no_subtree_check)\n`);
		expect(readFileSync(box.path('platforms', '.aegir-pack-marker'), 'utf8')).toContain('pack.example.com');

		const second = await run(only(planFor(), 'master', SERVER_FILES));
		expect(second.statuses).toEqual(SERVER_FILES.map(id => `${id}:ok`));
		expect(second.transport.commands).toHaveLength(1);
		expect(readdirSync(box.path('exports.d'))).toEqual(['aegir-pack-pack.example.com.exports']);
	});

	it('puts back a drop-in someone edited, keeping their version as a backup', async () => {
		await run(only(planFor(), 'master', SERVER_FILES));
		const dropIn = box.path('exports.d', 'aegir-pack-pack.example.com.exports');
		writeFileSync(dropIn, 'hand edit\n');
		const {statuses, events} = await run(only(planFor(), 'master', ['nfs-server/exports-file']));
		expect(statuses).toEqual(['nfs-server/exports-file:changed']);
		expect(events.find(event => event.type === 'step-finished')).toMatchObject({diff: expect.stringContaining('-hand edit')});
		expect(readFileSync(`${dropIn}.aegir-pack-20240102-030405.bak`, 'utf8')).toBe('hand edit\n');
	});
});

describe('NFS server files through a link the aegir user planted (L5, L6)', SLOW, () => {
	it('a link where the shared directory belongs: the directory step fails naming it, nothing is written where it points', async () => {
		const victim = box.path('victim-dir');
		mkdirSync(victim, {mode: 0o700});
		writeFileSync(box.path('victim-dir', 'keep-me'), 'root data\n');
		symlinkSync(victim, pack.exportPath);
		const before = readdirSync(victim);
		const {statuses, events} = await run(only(planFor(), 'master', SERVER_FILES));
		expect(statuses[0]).toBe('nfs-server/directory:failed');
		expect(events.find(event => event.type === 'step-finished' && event.status === 'failed')).toMatchObject({
			message: expect.stringContaining(linkRefusal(pack.exportPath, victim, 'a directory')),
		});
		expect(readdirSync(victim)).toEqual(before);
		expect(statSync(victim).mode & 0o777).toBe(0o700);
	});

	it('a link where the marker belongs: the marker step fails naming it, the file it points to keeps its bytes', async () => {
		mkdirSync(pack.exportPath);
		const passwd = box.path('passwd');
		writeFileSync(passwd, 'root:x:0:0::/root:/bin/bash\n');
		symlinkSync(passwd, box.path('platforms', '.aegir-pack-marker'));
		const {statuses, events} = await run(only(planFor(), 'master', SERVER_FILES));
		expect(statuses).toContain('nfs-server/marker:failed');
		expect(events.find(event => event.type === 'step-finished' && event.stepId === 'nfs-server/marker')).toMatchObject({
			message: expect.stringContaining(linkRefusal(box.path('platforms', '.aegir-pack-marker'), passwd, 'a regular file')),
		});
		expect(readFileSync(passwd, 'utf8')).toBe('root:x:0:0::/root:/bin/bash\n');
	});

	it('the marker step refuses a link planted after the facts were read', async () => {
		mkdirSync(pack.exportPath);
		const plan = only(planFor(), 'master', ['nfs-server/marker']);
		const step = plan.hosts[0]!.steps[0]!;
		const transport = new LocalShTransport({user: NOBODY});
		const facts = await plan.hosts[0]!.gatherFacts(transport);
		const passwd = box.path('passwd');
		writeFileSync(passwd, 'root:x:0:0::/root:/bin/bash\n');
		symlinkSync(passwd, box.path('platforms', '.aegir-pack-marker'));
		const error = await step.apply(makeContext(transport, facts)).catch((error_: unknown) => error_);
		expect((error as Error).message).toContain(linkRefusal(box.path('platforms', '.aegir-pack-marker'), passwd, 'a regular file'));
		expect(readFileSync(passwd, 'utf8')).toBe('root:x:0:0::/root:/bin/bash\n');
	});
});

describe('NFS client files, for real', SLOW, () => {
	const before = '# /etc/fstab: static file system information.\n#\n# <file system> <mount point>   <type>  <options>       <dump>  <pass>\nproc  /proc  proc  defaults  0  0\n\n# keep this comment\n';

	it('creates the mount point and adds exactly one fstab entry, keeping every other byte; a re-run changes nothing', async () => {
		writeFileSync(fstab, before);
		const first = await run(only(planFor(), 'web1', CLIENT_FILES));
		expect(first.statuses).toEqual(CLIENT_FILES.map(id => `${id}:changed`));
		expect(readFileSync(fstab, 'utf8')).toBe(`${before}${fstabEntry(pack)}\n`);
		expect(readFileSync(`${fstab}.aegir-pack-20240102-030405.bak`, 'utf8')).toBe(before);
		expect(existsSync(pack.exportPath)).toBe(true);

		const second = await run(only(planFor(), 'web1', CLIENT_FILES));
		expect(second.statuses).toEqual(CLIENT_FILES.map(id => `${id}:ok`));
		expect(readFileSync(fstab, 'utf8')).toBe(`${before}${fstabEntry(pack)}\n`);
	});

	it('migrates an entry in the earlier one-line form (tag after the fields) to exactly one entry in the new form; a second run changes nothing (issue 14)', async () => {
		mkdirSync(pack.exportPath);
		writeFileSync(fstab, `${before}${legacyFstabLine(pack)}\ntmpfs /tmp tmpfs defaults 0 0\n`);
		const first = await run(only(planFor(), 'web1', CLIENT_FILES));
		expect(first.statuses).toEqual(['nfs-client/mount-point:ok', 'nfs-client/fstab:changed']);
		const after = readFileSync(fstab, 'utf8');
		expect(after).toBe(`${before}${fstabEntry(pack)}\ntmpfs /tmp tmpfs defaults 0 0\n`);
		expect(after.split('\n').filter(line => line.includes(` ${pack.exportPath} `))).toEqual([fstabLine(pack)]);
		expect(readFileSync(`${fstab}.aegir-pack-20240102-030405.bak`, 'utf8')).toBe(`${before}${legacyFstabLine(pack)}\ntmpfs /tmp tmpfs defaults 0 0\n`);
		const second = await run(only(planFor(), 'web1', CLIENT_FILES));
		expect(second.statuses).toEqual(CLIENT_FILES.map(id => `${id}:ok`));
		expect(readFileSync(fstab, 'utf8')).toBe(after);
	});

	it('replaces a different entry for the mount point only after showing the diff', async () => {
		mkdirSync(pack.exportPath);
		const old = `oldserver:/export ${pack.exportPath} nfs defaults 0 0`;
		writeFileSync(fstab, `${before}${old}\n`);
		const {statuses, events} = await run(only(planFor(), 'web1', CLIENT_FILES));
		expect(statuses).toEqual(['nfs-client/mount-point:ok', 'nfs-client/fstab:changed']);
		const noticeIndex = events.findIndex(event => event.type === 'notice' && event.level === 'warn');
		const finishedIndex = events.findIndex(event => event.type === 'step-finished' && event.stepId === 'nfs-client/fstab');
		expect(noticeIndex).toBeGreaterThan(-1);
		expect(noticeIndex).toBeLessThan(finishedIndex);
		expect(events[noticeIndex]).toMatchObject({message: expect.stringContaining(`-${old}\n+${fstabEntry(pack).replace('\n', '\n+')}`)});
		expect(readFileSync(fstab, 'utf8')).toBe(`${before}${fstabEntry(pack)}\n`);
	});

	it('edits an fstab that is not UTF-8: every old byte kept, our line added (H4)', async () => {
		const old = Buffer.from(`# disque syst\xe8me\n${before}`, 'latin1');
		writeFileSync(fstab, old);
		const first = await run(only(planFor(), 'web1', CLIENT_FILES));
		expect(first.statuses).toEqual(CLIENT_FILES.map(id => `${id}:changed`));
		expect(readFileSync(fstab)).toEqual(Buffer.concat([old, Buffer.from(`${fstabEntry(pack)}\n`)]));
		const second = await run(only(planFor(), 'web1', CLIENT_FILES));
		expect(second.statuses).toEqual(CLIENT_FILES.map(id => `${id}:ok`));
	});

	it('a link where the mount point belongs: refused naming it, no fstab entry for it (L7)', async () => {
		writeFileSync(fstab, before);
		const victim = box.path('victim-dir');
		mkdirSync(victim);
		symlinkSync(victim, pack.exportPath);
		const {statuses, events} = await run(only(planFor(), 'web1', CLIENT_FILES));
		expect(statuses).toEqual(['nfs-client/mount-point:failed', 'nfs-client/fstab:skipped']);
		expect(events.find(event => event.type === 'step-finished' && event.status === 'failed')).toMatchObject({
			message: linkRefusal(pack.exportPath, victim, 'the mount point (a directory)'),
		});
		expect(readFileSync(fstab, 'utf8')).toBe(before);
	});

	it('fails clearly when /etc cannot be written, leaving fstab as it was', async () => {
		const etc = box.path('etc');
		mkdirSync(etc);
		box.own(etc);
		fstab = box.path('etc', 'fstab');
		writeFileSync(fstab, before);
		box.own(fstab);
		mkdirSync(pack.exportPath);
		chmodSync(etc, 0o555);
		try {
			const {statuses, events} = await run(only(planFor(), 'web1', CLIENT_FILES), refusingPrompter, new LocalShTransport({user: NOBODY}));
			expect(statuses).toEqual(['nfs-client/mount-point:ok', 'nfs-client/fstab:failed']);
			const failed = events.find(event => event.type === 'step-finished' && event.status === 'failed');
			expect(failed).toMatchObject({message: expect.stringMatching(/^writing .*fstab failed: cannot create a temporary file in .*etc \(read-only or full\?\); .*fstab was not changed$/)});
			expect(readFileSync(fstab, 'utf8')).toBe(before);
			expect(readdirSync(etc)).toEqual(['fstab']);
		} finally {
			chmodSync(etc, 0o755);
		}
	});
});

describe('a mount point that already holds files', SLOW, () => {
	const fill = () => {
		mkdirSync(pack.exportPath);
		writeFileSync(box.path('platforms', 'drupal-10'), 'old code');
	};

	const step = (extra = {}) => planFor(extra).hosts.find(hostPlan => hostPlan.host.name === 'web1')!.steps.find(candidate => candidate.id === 'nfs-client/mount-point')!;
	const factsNow = async (extra = {}) => planFor(extra).hosts[1]!.gatherFacts(new LocalShTransport());

	it('is not hidden silently: without an answer the step fails and names --move-aside', async () => {
		fill();
		const facts = await factsNow();
		expect(step().check(makeContext(new LocalShTransport(), facts))).toMatchObject({state: 'change', message: expect.stringContaining('move aside the 1 entries already in')});
		const error = await step()
			.apply(makeContext(new LocalShTransport(), facts))
			.catch((error_: unknown) => error_);
		expect(error).toBeInstanceOf(StepFailedError);
		expect((error as Error).message).toContain('--move-aside');
		expect(readFileSync(box.path('platforms', 'drupal-10'), 'utf8')).toBe('old code');
	});

	it('is moved aside to a timestamped sibling when the user agrees', async () => {
		fill();
		const questions: string[] = [];
		const prompter: Prompter = {...refusingPrompter, confirm: async (_host, question) => questions.push(question) > 0};
		const context = makeContext(new LocalShTransport(), await factsNow(), {prompter});
		await step().apply(context);
		expect(questions).toEqual([expect.stringContaining(`Move them aside to ${pack.exportPath}.aegir-pack-moved-20240102-030405?`)]);
		expect(readFileSync(`${pack.exportPath}.aegir-pack-moved-20240102-030405/drupal-10`, 'utf8')).toBe('old code');
		expect(readdirSync(pack.exportPath)).toEqual([]);
	});

	it('is moved aside without a question with --move-aside', async () => {
		fill();
		const prompter: Prompter = {
			...refusingPrompter,
			confirm: async () => {
				throw new Error('must not ask');
			},
		};
		await step({moveAside: true}).apply(makeContext(new LocalShTransport(), await factsNow(), {prompter}));
		expect(existsSync(`${pack.exportPath}.aegir-pack-moved-20240102-030405/drupal-10`)).toBe(true);
	});
});

describe('hostile values that slipped past validation', SLOW, () => {
	it('stay data: files land at the literal paths and no injected command runs', async () => {
		const name = `plat forms'$(touch pwned)\`touch pwned2\`;touch pwned3;"x"`;
		pack = forgedPackForTests({...makePack(), name: `evil'; touch pwned4; echo '\n`, exportPath: box.path(name), slaves: [makePack().slaves[0]!]});
		writeFileSync(fstab, '# fstab\n');
		const transport = () => new LocalShTransport({cwd: box.dir, user: NOBODY});
		// Both sides on one machine share the path: the client goes first, while it is still empty.
		const client = await run(only(planFor(), 'web1', CLIENT_FILES), refusingPrompter, transport());
		const server = await run(only(planFor(), 'master', SERVER_FILES), refusingPrompter, transport());
		expect(client.statuses).toEqual(CLIENT_FILES.map(id => `${id}:changed`));
		expect(server.statuses).toEqual(['nfs-server/directory:ok', 'nfs-server/marker:changed', 'nfs-server/exports-file:changed']);
		expect(readdirSync(box.path(name))).toEqual(['.aegir-pack-marker']);
		const entries = readdirSync(box.dir);
		expect(entries.filter(entry => entry.startsWith('pwned'))).toEqual([]);
		expect(readdirSync(box.path('exports.d'))).toEqual(['aegir-pack-evil___touch_pwned4__echo___.exports']);
		const fstabNow = readFileSync(fstab, 'utf8');
		expect(fstabNow.split('\n').filter(line => line !== '')).toHaveLength(3);
		expect(fstabNow).toContain("plat\\040forms'$(touch\\040pwned)`touch\\040pwned2`;touch\\040pwned3;\"x\" nfs ");
		expect(fstabNow).toContain("# aegir-pack: evil'; touch pwned4; echo '?\n");
		// The tag is a line of its own, directly above a line of exactly six fields.
		const lines = fstabNow.split('\n');
		expect(lines[lines.indexOf("# aegir-pack: evil'; touch pwned4; echo '?") + 1]!.split(' ')).toHaveLength(6);
	});
});
