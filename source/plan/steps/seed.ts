// Seeding the share: when the NFS server's export is empty but the master
// holds platforms today (not yet a client of this pack), its tree is copied
// into the export first (what this machine, the Aegir server, holds arrives by
// the master's code sync or Aegir's verify, as provision sends it),
// so no head is ever left without its code. The copy is a tar stream piped
// through this machine over the two connections the run already has (no keys
// between hosts), owners, groups, modes and links kept, nothing deleted on
// either side. Both trees are then listed and compared. The master's own copy
// is moved aside (kept) only after this step, by its mount-point step.

import {StepFailedError, tail} from '../../contracts/command-error.js';
import type {Transport} from '../../contracts/transport.js';
import type {Host, Pack} from '../../pack/types.js';
import {commandLine} from '../../shell/quote.js';
import type {Facts} from '../facts.js';
import type {ResolvedPlanOptions} from '../options.js';
import {MARKER_NAME} from '../pack-files.js';
import type {CheckContext, CheckResult, PeerTarget, Step, StepRef} from '../step.js';
import {mountState} from './nfs-client.js';

export const SEED_STEP = 'nfs-server/seed';
/** Left in the export while a seed runs: a seed that stopped half way is done again (tar overwrites). */
export const SEEDING_NAME = '.aegir-pack-seeding';

export function seedStepRef(pack: Pack): StepRef {
	return {host: pack.nfsServer.name, id: SEED_STEP};
}

/** A seed may copy gigabytes through this machine. */
const SEED_TIMEOUT_MS = 6 * 60 * 60 * 1000;

/** Read-only, on the holder: the tree as a tar on stdout, this pack's own files left out. */
export const TAR_CREATE_SCRIPT = `
cd -- "$1" || exit 1
exec tar --one-file-system --numeric-owner -cpf - --exclude=./${MARKER_NAME} --exclude=./${SEEDING_NAME} --exclude='./*.aegir-pack-moved-*' .
`;

/** On the NFS server: mark, unpack (nothing deleted, owners by number as NFS sees them), unmark. */
export const TAR_EXTRACT_SCRIPT = `
set -e
cd -- "$1"
: > ${SEEDING_NAME}
tar --numeric-owner --no-overwrite-dir -xpf - --warning=no-timestamp
rm -f -- ${SEEDING_NAME}
`;

/** Every entry below the tree (path, type, size of files, mode, owner and group by number, link target), sorted, hashed; then the count. */
export const LISTING_SCRIPT = `
cd -- "$1" || exit 1
list=$(mktemp) || exit 1
trap 'rm -f -- "$list"' EXIT
find . -xdev -mindepth 1 \\( -path ./${MARKER_NAME} -o -path ./${SEEDING_NAME} -o -name '*.aegir-pack-moved-*' \\) -prune \\
	-o -type d -printf '%P\\td\\t-\\t%m\\t%U\\t%G\\t\\n' \\
	-o -printf '%P\\t%y\\t%s\\t%m\\t%U\\t%G\\t%l\\n' | LC_ALL=C sort > "$list" || exit 1
sha256sum < "$list" | cut -c1-64
wc -l < "$list"
`;

const script = (body: string, name: string, path: string) => `sh -c ${commandLine([body, name, path])}`;

export type Listing = {digest: string; entries: number};

function parseListing(stdout: string): Listing | undefined {
	const [digest = '', count = ''] = stdout.trim().split('\n').map(line => line.trim());
	return /^[0-9a-f]{64}$/.test(digest) && /^\d+$/.test(count) ? {digest, entries: Number(count)} : undefined;
}

async function listing(transport: Transport, path: string, where: string, signal: AbortSignal): Promise<Listing> {
	const result = await transport.exec(script(LISTING_SCRIPT, 'aegir-pack-listing', path), {sudo: true, signal, timeoutMs: 30 * 60 * 1000});
	const parsed = result.code === 0 ? parseListing(result.stdout) : undefined;
	if (!parsed) {
		throw new StepFailedError(`listing ${where}:${path} failed (exit code ${result.code})`, {command: result.command, code: result.code, stderrTail: tail(result.stderr || result.stdout)});
	}

	return parsed;
}

/** Empty for a seed: nothing but this pack's marker, or a seed that stopped half way (its mark is still there). */
export function exportIsEmpty(facts: Pick<Facts, 'sharedDir'>): boolean {
	const directory = facts.sharedDir;
	if (directory.state === 'missing') return true;
	if (directory.state !== 'directory') return false;
	if (directory.sample.includes(SEEDING_NAME)) return true;
	return directory.sample.filter(name => name !== MARKER_NAME).length === 0 && directory.entryCount <= 1;
}

export type Holder = {kind: 'host'; host: Host; entries: number} | {kind: 'this-machine'; path: string};

/** The master, when it is not the NFS server and holds platforms of its own (not this pack's mount). */
function masterHolder(pack: Pack, context: Pick<CheckContext, 'factsOf'>): Holder | undefined {
	if (pack.master.name === pack.nfsServer.name) return undefined;
	const facts = context.factsOf(pack.master.name);
	if (!facts || mountState(facts, pack).kind !== 'none') return undefined;
	const directory = facts.sharedDir;
	if (directory.state !== 'directory' || directory.entryCount === 0) return undefined;
	return {kind: 'host', host: pack.master, entries: directory.entryCount};
}

const where = (holder: Holder) => (holder.kind === 'host' ? holder.host.name : 'this machine');
const holderPath = (holder: Holder, pack: Pack) => (holder.kind === 'host' ? pack.exportPath : holder.path);
const peerOf = (holder: Holder): PeerTarget => (holder.kind === 'host' ? {host: holder.host.name} : {thisMachine: true});

function seedCommands(holder: Holder, pack: Pack): string[] {
	const server = pack.nfsServer.name;
	return [
		`on ${where(holder)}: tar --one-file-system --numeric-owner -C ${holderPath(holder, pack)} -cpf - .   (read only)`,
		`on ${server}: tar --numeric-owner -C ${pack.exportPath} --no-overwrite-dir -xpf -   (streamed through this machine; nothing deleted; the export directory keeps its owner and mode)`,
		`then both trees are listed and compared (path, type, size, mode, owner, group, link)`,
	];
}

export function seedStep(host: Host, pack: Pack, options: ResolvedPlanOptions): Step {
	const path = pack.exportPath;
	const assess = async (context: CheckContext): Promise<{result: CheckResult; holder?: Holder}> => {
		const master = masterHolder(pack, context);
		if (exportIsEmpty(context.facts)) {
			// Only a head that holds platforms of its own: what this machine holds reaches the share by the
			// master's code sync (or Aegir's platform verify), as provision sends it (no VCS, no uploads).
			const holder = master;
			if (!holder) return {result: {state: 'ok', message: 'nothing to seed: no other host holds platforms'}};
			const what = holder.kind === 'host' ? `${holder.entries} entries, with the sites' files/ and private/` : "this machine's platforms";
			const message = `seed ${path} (empty) from ${where(holder)}:${holderPath(holder, pack)} (${what}), streamed through this machine (no keys between hosts), nothing deleted`;
			return {result: {state: 'change', message, commands: seedCommands(holder, pack)}, holder};
		}

		if (!master) return {result: {state: 'ok', message: 'already holds the platforms'}};
		// Both hold platforms: only the same tree (a run that stopped after its seed) is fine.
		const peer = await openPeer(context, master);
		try {
			const [here, there] = await Promise.all([listing(context.transport, path, host.name, context.signal), listing(peer, path, where(master), context.signal)]);
			if (here.digest === there.digest) return {result: {state: 'ok', message: `already seeded from ${where(master)} (${here.entries} entries, the same on both)`}};
			const message = `${where(master)}:${path} and ${host.name}:${path} both hold platforms and differ: not choosing between them. Move one aside, then run again.`;
			return {result: {state: 'fail', message}};
		} finally {
			await peer.close().catch(() => undefined);
		}
	};

	return {
		id: SEED_STEP,
		title: `seed ${path} when another host holds the platforms`,
		host: host.name,
		async check(context) {
			return (await assess(context)).result;
		},
		async apply(context) {
			const {result, holder} = await assess(context);
			if (result.state !== 'change' || !holder) return {status: 'ok', message: result.message};
			const peer = await openPeer(context, holder);
			try {
				context.output(`seeding ${path} from ${where(holder)}:${holderPath(holder, pack)} through this machine`);
				await copy(peer, context.transport, holderPath(holder, pack), path, context.signal);
				const [source, copied] = await Promise.all([
					listing(peer, holderPath(holder, pack), where(holder), context.signal),
					listing(context.transport, path, host.name, context.signal),
				]);
				if (source.digest !== copied.digest) {
					throw new StepFailedError(
						`the seeded ${host.name}:${path} differs from ${where(holder)}:${holderPath(holder, pack)} (${copied.entries} entries here, ${source.entries} there): nothing was deleted on either side; look at both, then run again`,
					);
				}

				return {message: `seeded from ${where(holder)}: ${copied.entries} entries, listings equal`};
			} finally {
				await peer.close().catch(() => undefined);
			}
		},
		// What a seed leaves is compared with its source inside the apply; checking again would list both trees again.
		async verify() {},
	};
}

async function openPeer(context: Pick<CheckContext, 'openPeer'>, holder: Holder): Promise<Transport> {
	if (!context.openPeer) throw new StepFailedError(`this run cannot reach ${where(holder)} a second time to copy the platforms from it`);
	return context.openPeer(peerOf(holder));
}

/** holder's tar → this machine → the server's tar, with backpressure; either side failing stops both. */
async function copy(from: Transport, to: Transport, fromPath: string, toPath: string, signal: AbortSignal): Promise<void> {
	if (!from.stream || !to.stream) throw new StepFailedError('these connections cannot stream a copy');
	const stop = new AbortController();
	const onAbort = () => stop.abort();
	signal.addEventListener('abort', onAbort, {once: true});
	try {
		const reading = await from.stream(script(TAR_CREATE_SCRIPT, 'aegir-pack-seed-read', fromPath), {sudo: true, signal: stop.signal, timeoutMs: SEED_TIMEOUT_MS});
		const writing = await to.stream(script(TAR_EXTRACT_SCRIPT, 'aegir-pack-seed-write', toPath), {sudo: true, signal: stop.signal, timeoutMs: SEED_TIMEOUT_MS});
		reading.stdin.end();
		// Nothing comes out of the unpacking side, but its stream must be read to its end for the command to finish.
		writing.stdout.resume();
		let piped: Error | undefined;
		let ended = false;
		await new Promise<void>(resolve => {
			const broken = (error: Error) => {
				piped ??= error;
				if (!ended) stop.abort();
				resolve();
			};
			reading.stdout.on('error', broken);
			writing.stdin.on('error', broken);
			reading.stdout.on('end', () => {
				ended = true;
				writing.stdin.end();
				resolve();
			});
			// The server's side stopped while the holder still sends: stop the holder too.
			void writing.done.then(() => {
				if (!ended) broken(new Error('the NFS server stopped reading before the end of the copy'));
			});
			reading.stdout.pipe(writing.stdin, {end: false});
		});
		const [read, written] = await Promise.all([reading.done, writing.done]);
		for (const [result, what] of [
			[read, 'reading the platforms'],
			[written, 'unpacking them on the NFS server'],
		] as const) {
			if (result.code !== 0) {
				throw new StepFailedError(`${what} failed (exit code ${result.code})${piped ? `: ${piped.message}` : ''}`, {
					command: result.command,
					code: result.code,
					stderrTail: tail(result.stderr),
				});
			}
		}
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}
