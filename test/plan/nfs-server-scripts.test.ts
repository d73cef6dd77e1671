// The export script for real, with a stand-in exportfs on PATH that records it
// ran: exportfs resolves the export path, so a link the aegir user planted
// there must stop the script before exportfs sees it (L10).

import {existsSync} from 'node:fs';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {exportStep} from '../../source/plan/steps/nfs-server.js';
import {linkRefusal} from '../../source/shell/path-guard.js';
import {FakeTransport} from '../run/fake-transport.js';
import {makeContext, makeFacts, makeSandboxPack} from './fixtures.js';
import {AEGIR, fakeBin, makeGuardBox, plant, sh, victimDirectory, type GuardBox} from '../shell/guard-sandbox.js';

let box: GuardBox;
beforeEach(() => {
	box = makeGuardBox();
});
afterEach(() => {
	box.remove();
});

/** The command the export step runs, taken from a fake host. */
async function exportCommand(exportPath: string): Promise<string> {
	const transport = new FakeTransport('master');
	const pack = makeSandboxPack(exportPath);
	await exportStep(pack.master, pack, {aegirUser: AEGIR.name}).apply(makeContext(transport, makeFacts()));
	return transport.execs[0]!;
}

describe('the export script (L10)', () => {
	it('a link where the shared directory belongs: fails naming it, exportfs never runs', async () => {
		const victim = victimDirectory(box);
		plant(`ln -s ${victim} ${box.home}/platforms`);
		const bin = fakeBin(box, 'exportfs', `#!/bin/sh\ntouch ${box.path('exportfs-ran')}\n`);
		const result = sh(await exportCommand(`${box.home}/platforms`), {env: {PATH: `${bin}:${process.env.PATH ?? ''}`}});
		expect(result.status).toBe(1);
		expect(result.stderr).toContain(linkRefusal(`${box.home}/platforms`, victim, 'the shared directory'));
		expect(existsSync(box.path('exportfs-ran'))).toBe(false);
	});

	it('a real directory: exportfs runs', async () => {
		plant(`mkdir ${box.home}/platforms`);
		const bin = fakeBin(box, 'exportfs', `#!/bin/sh\ntouch ${box.path('exportfs-ran')}\n`);
		const result = sh(await exportCommand(`${box.home}/platforms`), {env: {PATH: `${bin}:${process.env.PATH ?? ''}`}});
		expect(result, result.stderr).toMatchObject({status: 0});
		expect(existsSync(box.path('exportfs-ran'))).toBe(true);
	});
});
