// The NFS server's seed: when its export is empty and another host (the
// master, else this machine) holds platforms, their tree is streamed into the
// export, nothing deleted, then both are listed and compared. Decisions on
// fake hosts; the copy itself with real tar and find on temp trees.
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {execFileSync} from 'node:child_process';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {LocalTransport} from '../../source/aegir-run/local-transport.js';
import {resolvePlanOptions} from '../../source/plan/options.js';
import {exportIsEmpty, seedStep, TAR_CREATE_SCRIPT, TAR_EXTRACT_SCRIPT} from '../../source/plan/steps/seed.js';
import {markerContent} from '../../source/plan/steps/nfs-server.js';
import type {Facts} from '../../source/plan/facts.js';
import {FakeTransport} from '../run/fake-transport.js';
import {host, localDirectories, makeContext, makeFacts, makePack, makeSandboxPack} from './fixtures.js';

const storage = host('storage', '192.0.2.20');
const separate = makePack({nfsServer: storage});
const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});
const temp = () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'aegir-seed-'));
	dirs.push(dir);
	return dir;
};

const emptyExport: Partial<Facts> = {sharedDir: {state: 'directory', entryCount: 1, sample: ['.aegir-pack-marker']}};
const masterWith = (entries: number): Facts => makeFacts({sharedDir: {state: 'directory', entryCount: entries, sample: ['drupal-10']}});
const listingOf = (digest: string, entries: number) => ({output: `${digest.repeat(64).slice(0, 64)}\n${entries}\n`});

describe('is the export empty (for a seed)?', () => {
	it('nothing, only the marker, or a seed that stopped half way', () => {
		expect(exportIsEmpty({sharedDir: {state: 'missing'}})).toBe(true);
		expect(exportIsEmpty({sharedDir: {state: 'directory', entryCount: 0, sample: []}})).toBe(true);
		expect(exportIsEmpty(emptyExport as Facts)).toBe(true);
		expect(exportIsEmpty({sharedDir: {state: 'directory', entryCount: 5, sample: ['.aegir-pack-seeding', 'drupal-10']}})).toBe(true);
		expect(exportIsEmpty({sharedDir: {state: 'directory', entryCount: 2, sample: ['.aegir-pack-marker', 'drupal-10']}})).toBe(false);
		expect(exportIsEmpty({sharedDir: {state: 'unresponsive'}})).toBe(false);
	});
});

describe('what the seed step decides', () => {
	const options = resolvePlanOptions({platformsDir: '/srv/none', localSources: {}});
	const step = seedStep(storage, separate, options);

	it("an empty export and a master holding platforms: seed from the master, through this machine, shown exactly", async () => {
		const context = makeContext(new FakeTransport('storage'), makeFacts(emptyExport), {factsOf: name => (name === 'master' ? masterWith(3) : undefined)});
		const check = await step.check(context);
		expect(check).toEqual({
			state: 'change',
			message:
				"seed /var/aegir/platforms (empty) from master:/var/aegir/platforms (3 entries, with the sites' files/ and private/), streamed through this machine (no keys between hosts), nothing deleted",
			commands: [
				'on master: tar --one-file-system --numeric-owner -C /var/aegir/platforms -cpf - .   (read only)',
				'on storage: tar --numeric-owner -C /var/aegir/platforms --no-overwrite-dir -xpf -   (streamed through this machine; nothing deleted; the export directory keeps its owner and mode)',
				'then both trees are listed and compared (path, type, size, mode, owner, group, link)',
			],
		});
	});

	it("a master already mounting this pack's share holds nothing of its own", async () => {
		const mounted = makeFacts({
			sharedDir: {state: 'directory', entryCount: 3, sample: ['drupal-10']},
			mount: {target: '/var/aegir/platforms', source: '192.0.2.20:/var/aegir/platforms', fstype: 'nfs4', options: 'rw'},
			marker: {present: true, readable: true, content: markerContent(separate)},
		});
		const context = makeContext(new FakeTransport('storage'), makeFacts(emptyExport), {factsOf: () => mounted});
		expect(await step.check(context)).toEqual({state: 'ok', message: 'nothing to seed: no other host holds platforms'});
	});

	it('both hold platforms: the same tree is a seed already done; different trees fail, and neither is changed', async () => {
		const full = makeFacts({sharedDir: {state: 'directory', entryCount: 3, sample: ['.aegir-pack-marker', 'drupal-10']}});
		const same = async (masterDigest: string) => {
			const server = new FakeTransport('storage', () => listingOf('a', 2));
			const master = new FakeTransport('master', () => listingOf(masterDigest, 2));
			const context = makeContext(server, full, {factsOf: () => masterWith(2), openPeer: async () => master});
			const result = await step.check(context);
			expect(master.closed).toBe(true);
			expect([...server.execs, ...master.execs].every(command => command.includes('aegir-pack-listing'))).toBe(true);
			return result;
		};

		expect(await same('a')).toEqual({state: 'ok', message: 'already seeded from master (2 entries, the same on both)'});
		expect(await same('b')).toEqual({
			state: 'fail',
			message: 'master:/var/aegir/platforms and storage:/var/aegir/platforms both hold platforms and differ: not choosing between them. Move one aside, then run again.',
		});
	});

	it('an export that holds platforms and a master that holds none: nothing to do', async () => {
		const full = makeFacts({sharedDir: {state: 'directory', entryCount: 3, sample: ['.aegir-pack-marker', 'drupal-10']}});
		expect(await step.check(makeContext(new FakeTransport('storage'), full, {factsOf: () => makeFacts()}))).toEqual({state: 'ok', message: 'already holds the platforms'});
	});
});

describe('the seed, for real (tar and find on temp trees)', () => {
	function arrange() {
		const source = temp();
		const share = temp();
		mkdirSync(path.join(source, 'drupal-10', 'web', 'sites', 'site1', 'files'), {recursive: true});
		writeFileSync(path.join(source, 'drupal-10', 'web', 'index.php'), '<?php // code\n');
		writeFileSync(path.join(source, 'drupal-10', 'web', 'sites', 'site1', 'settings.php'), '<?php // settings\n');
		chmodSync(path.join(source, 'drupal-10', 'web', 'sites', 'site1', 'settings.php'), 0o440);
		writeFileSync(path.join(source, 'drupal-10', 'web', 'sites', 'site1', 'files', 'an upload.txt'), 'uploaded\n');
		symlinkSync('site1', path.join(source, 'drupal-10', 'web', 'sites', 'alias.example.com'));
		writeFileSync(path.join(share, '.aegir-pack-marker'), 'marker\n');
		const pack = makeSandboxPack(share);
		const options = resolvePlanOptions({platformsDir: source, localSources: localDirectories(source), thisMachine: {names: [], addresses: []}});
		return {source, share, pack, step: seedStep(pack.nfsServer, pack, options)};
	}

	// uid 0: commands "as root" run as they are (the test needs no sudo; it changes nothing outside its temp trees).
	const local = () => new LocalTransport({hostName: 'local', uid: 0});

	it('the seed scripts copy the whole tree (sites and their uploads, modes, links); the source, the marker and the export directory itself are left as they were', () => {
		const {source, share} = arrange();
		chmodSync(share, 0o751);
		const before = statSync(share);
		const run = (script: string, name: string, dir: string, input?: Buffer) =>
			execFileSync('sh', ['-c', script, name, dir], input === undefined ? {} : {input});
		const tar = run(TAR_CREATE_SCRIPT, 'aegir-pack-seed-read', source);
		run(TAR_EXTRACT_SCRIPT, 'aegir-pack-seed-write', share, tar);
		expect(readFileSync(path.join(share, 'drupal-10', 'web', 'sites', 'site1', 'files', 'an upload.txt'), 'utf8')).toBe('uploaded\n');
		expect(statSync(path.join(share, 'drupal-10', 'web', 'sites', 'site1', 'settings.php')).mode & 0o777).toBe(0o440);
		expect(readlinkSync(path.join(share, 'drupal-10', 'web', 'sites', 'alias.example.com'))).toBe('site1');
		expect(readFileSync(path.join(share, '.aegir-pack-marker'), 'utf8')).toBe('marker\n');
		expect(existsSync(path.join(share, '.aegir-pack-seeding'))).toBe(false);
		expect(readFileSync(path.join(source, 'drupal-10', 'web', 'index.php'), 'utf8')).toBe('<?php // code\n');
		// The export directory keeps its own owner and mode: aegir writes the marker and the code sync into it.
		const after = statSync(share);
		expect([after.mode, after.uid, after.gid]).toEqual([before.mode, before.uid, before.gid]);
	});

	it('platforms on this machine are never a seed source: the code sync sends them as provision does (no VCS, no uploads)', async () => {
		const {step} = arrange();
		const empty = arrange().source;
		const pack = makeSandboxPack(temp());
		const nothing = seedStep(pack.nfsServer, pack, resolvePlanOptions({platformsDir: empty, localSources: localDirectories(empty)}));
		const context = makeContext(local(), makeFacts({sharedDir: {state: 'directory', entryCount: 0, sample: []}}), {openPeer: async () => local()});
		expect(await nothing.check(context)).toEqual({state: 'ok', message: 'nothing to seed: no other host holds platforms'});
		expect(step.id).toBe('nfs-server/seed');
	});
});
