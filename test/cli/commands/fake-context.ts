// A CommandContext for driving one command function in-process: the flags
// parsed as on the command line, the store's hosts and packs given as data, an
// empty temp store directory (the tests check it stays empty), and stdout and
// stderr collected. Nothing here connects: the command tests mock the run.
import {mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach} from 'vitest';
import type {CommandContext} from '../../../source/cli/command-context.js';
import {parseCliFlags} from '../../../source/cli/flags.js';
import {LazyStore, type WizardInputs} from '../../../source/cli/wizard-app.js';
import type {Host, Pack} from '../../../source/pack/types.js';
import {makePack, web1, web2, web3} from '../../pack/fixtures.js';
import {planOptionsFor} from '../../../source/cli/plan-options.js';

/** Outside the pack's 192.0.2.0/24. */
export const web9: Host = {name: 'web9', address: '198.51.100.9', port: 22, user: 'root'};
/** master web1 (NFS server) and slave web2 on 192.0.2.0/24; web3 is saved but not in it. */
export const pack: Pack = makePack({slaves: [web2]});
export const other: Pack = makePack({name: 'other.example.com', slaves: []});

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});

export type FakeContext = {
	context: CommandContext;
	output: {out: string; err: string};
	/** What the command left in the store directory (nothing, for every case these tests drive). */
	storeFiles(): string[];
};

export function fakeContext(argv: string[] = [], options: {interactive?: boolean; inputs?: Partial<WizardInputs>} = {}): FakeContext {
	const {args: _operands, ...flags} = parseCliFlags(argv);
	const storeDir = mkdtempSync(join(tmpdir(), 'aegir-pack-command-'));
	dirs.push(storeDir);
	const output = {out: '', err: ''};
	const inputs: WizardInputs = {hosts: [web1, web2, web3], packs: [pack, other], savedHosts: [web1, web2, web3], ...options.inputs};
	const context: CommandContext = {
		flags,
		// As main works them out, for a machine that is none of the pack's hosts.
		planOptions: planOptionsFor(flags, {names: [], addresses: []}),
		inputs,
		store: new LazyStore(storeDir),
		storeDir,
		interactive: options.interactive ?? false,
		out: text => void (output.out += text),
		err: text => void (output.err += text),
	};
	return {context, output, storeFiles: () => readdirSync(storeDir)};
}
