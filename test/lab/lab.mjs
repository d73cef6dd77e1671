// The aegir-pack lab: N simulated Debian servers on this machine, each with
// its own OpenSSH server on its own loopback address, its own files and its
// own hostname. `npm run lab`, `npm run demo` and the e2e helpers all drive
// the lab through this module.
import {spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {ensureBase} from './lib/base.mjs';
import {cgroupPids, createHostCgroup, findCgroup2, hostCgroupDir, labCgroupDir, removeLabCgroups} from './lib/cgroup.mjs';
import {checkHostName, defaultNames, labConfig} from './lib/config.mjs';
import {checksumTree, readHostFile, writeHostFile} from './lib/hostfs.mjs';
import {
	execInHost,
	hostCommand,
	hostPublicKey,
	mountOverlay,
	overlayRoot,
	prepareHost,
	sshBanner,
	startHost,
	waitReady,
	writeHostTables,
} from './lib/host.mjs';
import {mountsUnder, unmountUnder} from './lib/mounts.mjs';
import {createTable, deleteTable, setUnreachable, tableExists, tableName} from './lib/nft.mjs';
import {run} from './lib/run.mjs';
import {processAlive} from './lib/base.mjs';

export {labConfig, defaultNames};

const STATE_VERSION = 1;
export const SUDO_USER = 'admin';
export const DEFAULT_AEGIR_UID = 1500;
/** Where each host's sshd writes its log (host/init starts it with -E). */
export const SSHD_LOG = '/var/log/aegir-lab-sshd.log';
const REQUIRED_TOOLS = ['unshare', 'nsenter', 'nft', 'debootstrap', 'mount', 'chroot', 'ssh-keygen'];

/**
 * Whether this machine can run the lab: Linux, root, and the tools it uses.
 * @returns {{ok: boolean, reason?: string}}
 */
export function labSupport() {
	if (process.platform !== 'linux') return {ok: false, reason: `the lab needs Linux (this is ${process.platform})`};
	if (process.getuid?.() !== 0) return {ok: false, reason: 'the lab needs root (it mounts overlays, makes namespaces and nftables rules)'};
	const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin']);
	const missing = REQUIRED_TOOLS.filter(tool => !dirs.some(dir => fs.existsSync(path.join(dir, tool))));
	if (missing.length > 0) return {ok: false, reason: `the lab needs ${missing.join(', ')} (apt-get install debootstrap nftables util-linux openssh-client)`};
	if (!fs.readFileSync('/proc/filesystems', 'utf8').includes('overlay')) return {ok: false, reason: 'the lab needs overlayfs in the kernel'};
	return {ok: true};
}

/**
 * @typedef {object} UpOptions
 * @property {string[]} [names]          Host names (default master, web1, …).
 * @property {number} [count]            Number of hosts when no names are given (default 3).
 * @property {number} [aegirUid]         uid of `aegir` on every host (default 1500).
 * @property {number} [aegirGid]         gid of `aegir` on every host (default: its uid).
 * @property {Record<string, number | 'absent'>} [aegirUidOf]  Per-host uid, or no aegir user at all.
 * @property {Record<string, number>} [aegirGidOf]            Per-host gid.
 * @property {boolean} [writeKnownHosts] Write the lab's known_hosts (default true); false leaves it empty, for first-contact prompts.
 * @property {boolean} [systemdBooted]   Hosts carry systemd's booted marker /run/systemd/system, as a Debian server started by systemd (default false): Ansible's service module, and the tool, then take systemctl for the service manager.
 * @property {string} [dir]
 * @property {string} [prefix]
 * @property {string} [cacheDir]
 * @property {(message: string) => void} [log]
 */

/** @param {UpOptions} options */
function normalise(options) {
	const names = options.names ?? defaultNames(options.count ?? 3);
	if (names.length === 0 || names.length > 200) throw new Error('a lab has 1–200 hosts');
	names.forEach(checkHostName);
	if (new Set(names).size !== names.length) throw new Error(`lab host names must be unique (got ${names.join(', ')})`);
	const aegirUid = options.aegirUid ?? DEFAULT_AEGIR_UID;
	for (const name of [...Object.keys(options.aegirUidOf ?? {}), ...Object.keys(options.aegirGidOf ?? {})]) {
		if (!names.includes(name)) throw new Error(`no lab host named ${name} (hosts: ${names.join(', ')})`);
	}
	const aegir = Object.fromEntries(
		names.map(name => {
			const uid = options.aegirUidOf?.[name] ?? aegirUid;
			if (uid === 'absent') return [name, 'absent'];
			const gid = options.aegirGidOf?.[name] ?? options.aegirGid ?? uid;
			for (const id of [uid, gid]) if (!Number.isInteger(id) || id < 1 || id > 65533) throw new Error(`aegir uid/gid must be 1–65533 (got ${id})`);
			return [name, {uid, gid}];
		}),
	);
	return {names, aegir, writeKnownHosts: options.writeKnownHosts ?? true, ...(options.systemdBooted ? {systemdBooted: true} : {})};
}

const statePath = config => path.join(config.dir, 'state.json');

/** The running lab's recorded state, or undefined. */
export function readState(options = {}) {
	const config = labConfig(options);
	try {
		const state = JSON.parse(fs.readFileSync(statePath(config), 'utf8'));
		return state.version === STATE_VERSION ? state : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Bring the lab up (idempotent: an identical healthy lab is kept; anything
 * else is torn down and started fresh, with fresh host file systems).
 * @param {UpOptions} [options]
 */
export async function up(options = {}) {
	const log = options.log ?? (() => {});
	const support = labSupport();
	if (!support.ok) throw new Error(support.reason);
	const config = labConfig(options);
	const request = normalise(options);
	const base = await ensureBase(config, log);

	const existing = readState(options);
	if (existing && JSON.stringify(existing.request) === JSON.stringify(request) && existing.base === base && existing.prefix === config.prefix) {
		const health = await hostHealth(existing);
		if (health.every(host => host.running && host.sshd)) {
			log(`lab already up (${existing.hosts.map(host => host.name).join(', ')})`);
			return existing;
		}
	}
	await down({...options, log, quiet: true});

	const started = Date.now();
	fs.mkdirSync(config.dir, {recursive: true, mode: 0o700});
	const identityFile = path.join(config.dir, 'id_ed25519');
	if (!fs.existsSync(identityFile)) {
		await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'aegir-pack-lab', '-f', identityFile]);
	}
	const publicKey = fs.readFileSync(`${identityFile}.pub`, 'utf8');
	const privateKey = fs.readFileSync(identityFile, 'utf8');
	const cgroup = findCgroup2();
	const hosts = request.names.map((name, index) => ({name, index: index + 1, address: `${config.prefix}.${index + 1}`}));

	try {
		return await bringUp({config, request, base, cgroup, hosts, identityFile, publicKey, privateKey, started, log});
	} catch (error) {
		// Never leave half a lab behind: mounts, cgroups and processes go.
		await down({...options, log, quiet: true}).catch(cleanup => log(`cleanup after a failed up: ${cleanup.message}`));
		throw error;
	}
}

async function bringUp({config, request, base, cgroup, hosts, identityFile, publicKey, privateKey, started, log}) {
	// Overlays first: every host's namespace starts with all of them mounted (the NFS stand-in needs its peers).
	await Promise.all(hosts.map(host => mountOverlay(config.dir, base, host.name)));
	await Promise.all(
		hosts.map(host =>
			prepareHost({
				labDir: config.dir,
				name: host.name,
				address: host.address,
				prefix: config.prefix,
				aegir: request.aegir[host.name],
				publicKey,
				privateKey,
				clientBindAddress: !cgroup,
				systemdBooted: request.systemdBooted ?? false,
			}),
		),
	);
	const keys = Object.fromEntries(hosts.map(host => [host.name, hostPublicKey(config.dir, host.name)]));
	const knownHosts = hosts.map(host => `${host.name},${host.address} ${keys[host.name]}\n`).join('');
	for (const host of hosts) writeHostTables(config.dir, host.name, hosts, knownHosts);

	// nft resolves cgroup paths when the rule is added: cgroups first.
	const cgroupDirs = Object.fromEntries(hosts.map(host => [host.name, cgroup ? createHostCgroup(cgroup, config.id, host.name) : undefined]));
	await createTable({id: config.id, hosts, cgroup});
	const peers = hosts.map(host => `${host.address}=${overlayRoot(config.dir, host.name)}`);
	const running = await Promise.all(
		hosts.map(async host => {
			const cgroupDir = cgroupDirs[host.name];
			const {pid, initPid} = await startHost({labDir: config.dir, name: host.name, cgroupDir, peers});
			return {...host, pid, initPid, cgroupDir, aegir: request.aegir[host.name], hostKey: keys[host.name]};
		}),
	);
	const state = {
		version: STATE_VERSION,
		id: config.id,
		dir: config.dir,
		prefix: config.prefix,
		base,
		cgroup: cgroup ?? null,
		snat: Boolean(cgroup),
		request,
		hosts: running,
		identityFile,
		knownHostsFile: path.join(config.dir, 'known_hosts'),
		sshConfigFile: path.join(config.dir, 'ssh_config'),
		startedAt: new Date().toISOString(),
	};
	// Written before waiting, so a host that fails to boot is still torn down by `down`.
	fs.writeFileSync(statePath(config), `${JSON.stringify(state, null, '\t')}\n`);
	try {
		await Promise.all(running.map(host => waitReady(host, host.initPid)));
	} catch (error) {
		const consoles = running
			.map(host => `--- ${host.name} console ---\n${fs.readFileSync(path.join(config.dir, 'hosts', host.name, 'console.log'), 'utf8').trim()}`)
			.join('\n');
		throw new Error(`${/** @type {Error} */ (error).message}\n${consoles}`);
	}
	fs.writeFileSync(state.knownHostsFile, request.writeKnownHosts ? knownHosts : '', {mode: 0o600});
	fs.writeFileSync(state.sshConfigFile, sshConfig(state), {mode: 0o600});
	fs.mkdirSync(path.join(config.dir, 'store'), {recursive: true, mode: 0o700});
	if (!cgroup) log('warning: no cgroup v2 mount usable by nftables; hosts reach each other from 127.0.0.1 (ssh uses BindAddress)');
	log(`lab up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${running.map(host => `${host.name} ${host.address}`).join(', ')}`);
	return state;
}

/** ssh_config with one Host block per lab host, for the wizard and for people. */
export function sshConfig(state) {
	const blocks = state.hosts.map(
		host => `Host ${host.name}
	HostName ${host.address}
	Port 22
	User root
	IdentityFile ${state.identityFile}
	IdentitiesOnly yes
	UserKnownHostsFile ${state.knownHostsFile}
`,
	);
	return `# aegir-pack lab: one Host block per lab host (written by \`npm run lab -- up\`).
# Try: ssh -F ${state.sshConfigFile} ${state.hosts[0]?.name ?? 'master'}
# The sudo user ${SUDO_USER} (NOPASSWD) takes the same key: ssh -F … ${SUDO_USER}@HOST

${blocks.join('\n')}`;
}

/** `SHA256:…` fingerprint of an `ssh-ed25519 AAAA…` key line, as OpenSSH prints it. */
export function fingerprint(keyLine) {
	const blob = Buffer.from(keyLine.split(/\s+/)[1] ?? '', 'base64');
	return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

async function hostHealth(state) {
	return Promise.all(
		state.hosts.map(async host => ({
			name: host.name,
			address: host.address,
			running: processAlive(host.initPid) && fs.existsSync(`/proc/${host.initPid}/root/run/aegir-lab/ready`),
			sshd: await sshBanner(host.address, 500),
		})),
	);
}

/**
 * What is up: hosts with their process and sshd state, plus what the lab has
 * on this machine.
 */
export async function status(options = {}) {
	const config = labConfig(options);
	const state = readState(options);
	const cgroup = findCgroup2();
	return {
		dir: config.dir,
		up: Boolean(state),
		snat: state?.snat ?? false,
		hosts: state ? await hostHealth(state) : [],
		mounts: mountsUnder(config.dir),
		cgroup: Boolean(cgroup && fs.existsSync(labCgroupDir(cgroup, config.id))),
		nftTable: (await tableExists(config.id)) ? `ip ${tableName(config.id)}` : undefined,
	};
}

/**
 * Stop every host and remove everything the lab put on this machine, then
 * check that nothing is left: no mounts under the lab dir, no lab processes,
 * cgroups or nftables table, no socket on the lab's addresses.
 * @returns {Promise<{removed: string[]}>}
 */
export async function down(options = {}) {
	const log = options.log ?? (() => {});
	const config = labConfig(options);
	const state = readState(options);
	const prefix = state?.prefix ?? config.prefix;
	const cgroup = findCgroup2();
	const started = Date.now();
	const removed = [];

	// Processes: every host's cgroup at once; pids from the state as a fallback.
	if (cgroup && fs.existsSync(labCgroupDir(cgroup, config.id))) {
		await removeLabCgroups(cgroup, config.id);
		removed.push('processes and cgroups');
	}
	for (const host of state?.hosts ?? []) {
		for (const pid of [host.initPid, host.pid]) {
			if (pid && processAlive(pid) && ownProcess(pid, config.dir)) {
				process.kill(pid, 'SIGKILL');
				removed.push(`process ${pid}`);
			}
		}
	}
	for (const host of state?.hosts ?? []) {
		const deadline = Date.now() + 10_000;
		while ((processAlive(host.initPid) || processAlive(host.pid)) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20));
	}

	if (await tableExists(config.id)) {
		await deleteTable(config.id);
		removed.push(`nftables table ip ${tableName(config.id)}`);
	}
	const mounts = mountsUnder(config.dir);
	if (mounts.length > 0) {
		await unmountUnder(config.dir);
		removed.push(`${mounts.length} mounts`);
	}
	if (mountsUnder(config.dir).length === 0) {
		discard(config.dir, 'hosts');
		for (const file of ['state.json', 'known_hosts', 'ssh_config']) fs.rmSync(path.join(config.dir, file), {force: true});
		fs.rmSync(path.join(config.dir, 'store'), {recursive: true, force: true});
	}

	const leftovers = await leftoversOf(config, prefix, state);
	if (leftovers.length > 0) throw new Error(`lab down left things behind:\n  ${leftovers.join('\n  ')}`);
	if (!options.quiet || removed.length > 0) {
		log(removed.length > 0 ? `lab down in ${((Date.now() - started) / 1000).toFixed(1)} s (removed ${removed.join(', ')}); nothing left` : 'no lab was up; nothing left');
	}
	return {removed};
}

/**
 * Remove a directory of old host file systems without waiting: deleting tens
 * of MB takes seconds on a disk mounted with `discard`, and nothing needs them
 * gone now. It is renamed away at once, then deleted by a detached `rm`.
 */
function discard(labDir, name) {
	const from = path.join(labDir, name);
	if (!fs.existsSync(from)) return;
	const trash = path.join(labDir, 'trash');
	fs.mkdirSync(trash, {recursive: true});
	const to = path.join(trash, `${name}-${process.pid}-${Date.now()}`);
	fs.renameSync(from, to);
	spawn('rm', ['-rf', '--one-file-system', to], {detached: true, stdio: 'ignore'}).unref();
}

/** Is `pid` one of ours (a lab host's unshare or init)? Guards against recycled pids. */
function ownProcess(pid, labDir) {
	try {
		const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
		return cmdline.includes(path.join(labDir, 'hosts')) || cmdline.includes('/usr/local/lib/aegir-lab/init');
	} catch {
		return false;
	}
}

async function leftoversOf(config, prefix, state) {
	const leftovers = [];
	for (const mountPoint of mountsUnder(config.dir)) leftovers.push(`mount ${mountPoint}`);
	const cgroup = findCgroup2();
	if (cgroup && fs.existsSync(labCgroupDir(cgroup, config.id))) {
		leftovers.push(`cgroup ${labCgroupDir(cgroup, config.id)} (${cgroupPids(hostCgroupDir(cgroup, config.id, '')).length} processes)`);
	}
	if (await tableExists(config.id)) leftovers.push(`nftables table ip ${tableName(config.id)}`);
	for (const host of state?.hosts ?? []) {
		for (const pid of [host.initPid, host.pid]) if (processAlive(pid)) leftovers.push(`process ${pid} (${host.name})`);
	}
	for (const socket of socketsOn(prefix)) leftovers.push(`socket ${socket}`);
	return leftovers;
}

/** Sockets bound to an address of the lab (e.g. an sshd or ganesha that escaped). */
function socketsOn(prefix) {
	const found = [];
	for (const file of ['tcp', 'udp', 'tcp6', 'udp6']) {
		let lines = [];
		try {
			lines = fs.readFileSync(`/proc/net/${file}`, 'utf8').split('\n').slice(1);
		} catch {}
		for (const line of lines) {
			const fields = line.trim().split(/\s+/);
			// inode 0: no process holds it (TIME_WAIT remnants of closed connections).
			if (!fields[9] || fields[9] === '0') continue;
			const [hexAddress = '', hexPort = ''] = (fields[1] ?? '').split(':');
			// IPv4 as little-endian hex; IPv6 files hold v4 addresses as ::ffff:a.b.c.d.
			if (file.endsWith('6') && !hexAddress.startsWith('0000000000000000FFFF0000')) continue;
			const v4 = hexAddress.slice(-8);
			if (v4.length !== 8) continue;
			const address = [6, 4, 2, 0].map(at => parseInt(v4.slice(at, at + 2), 16)).join('.');
			if (address.startsWith(`${prefix}.`)) found.push(`${file} ${address}:${parseInt(hexPort, 16)}`);
		}
	}
	return found;
}

/**
 * A handle on the running lab, for tests and the CLI.
 * @param {{dir?: string, prefix?: string}} [options]
 */
export function openLab(options = {}) {
	const state = readState(options);
	if (!state) throw new Error(`no lab is up in ${labConfig(options).dir} (npm run lab -- up)`);
	const byName = name => {
		const host = state.hosts.find(entry => entry.name === name);
		if (!host) throw new Error(`no lab host named ${name} (hosts: ${state.hosts.map(entry => entry.name).join(', ')})`);
		return host;
	};
	const rootOf = name => {
		const host = byName(name);
		// The host's own view (its /run, its mounts) while it runs; its overlay otherwise.
		return processAlive(host.initPid) ? `/proc/${host.initPid}/root` : overlayRoot(state.dir, name);
	};
	const fault = async (name, ...args) => {
		const result = await execInHost(byName(name), `/usr/local/lib/aegir-lab/fault ${args.map(shellQuote).join(' ')}`, {timeoutMs: 20_000});
		if (result.code !== 0) throw new Error(`fault ${args.join(' ')} on ${name} failed: ${result.stderr.trim()}`);
	};
	return {
		state,
		host: byName,
		exec: (name, command, options) => execInHost(byName(name), command, options),
		command: (name, command, options) => hostCommand(byName(name), command, options),
		readFile: (name, file) => readHostFile(rootOf(name), file),
		writeFile: (name, file, content) => writeHostFile(rootOf(name), file, content),
		checksumTree: (name, dir) => checksumTree(rootOf(name), dir),
		// Every connection sshd saw (LogLevel VERBOSE, see host/init): proves a run never reached a host.
		sshdLog: async name => (await readHostFile(rootOf(name), SSHD_LOG)) ?? '',
		fault: {
			stopSshd: name => fault(name, 'stop-sshd'),
			killSshd: name => fault(name, 'kill-sshd'),
			startSshd: name => fault(name, 'start-sshd'),
			stopNfsServer: name => fault(name, 'stop-nfs-server'),
			startNfsServer: name => fault(name, 'start-nfs-server'),
			unreachable: (name, mode) => setUnreachable(state.id, byName(name), mode === 'reject' ? 'reject' : 'drop', state.snat),
			reachable: name => setUnreachable(state.id, byName(name), undefined, state.snat),
			holdDpkgLock: async name => {
				await fault(name, 'lock-dpkg');
				return () => fault(name, 'unlock-dpkg');
			},
			readonlyFstab: name => fault(name, 'readonly-fstab'),
			immutableFstab: name => fault(name, 'immutable-fstab'),
			restoreFstab: name => fault(name, 'restore-fstab'),
			fillDisk: async (name, dir) => {
				await fault(name, 'fill', dir);
				return () => fault(name, 'unfill', dir);
			},
		},
	};
}

/** POSIX single-quoting for the few arguments the lab puts on a host command line. */
export function shellQuote(value) {
	return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
