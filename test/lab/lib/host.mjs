// One lab host: its overlay root, the files that make it this host (name,
// address, keys, users), the namespaces it runs in, and running commands
// inside it.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {HOST_SCRIPTS_DIR} from './config.mjs';
import {run, waitUntil} from './run.mjs';

/** Scripts every host gets at /usr/local/lib/aegir-lab (copied at `up`, so editing them needs no rebuild). */
const HOST_SCRIPTS = ['init', 'mount-nfs', 'exportfs', 'rpc-nfsd', 'ganesha-sync', 'fault'];
/** The NFS units' lab drop-in (host/nfs-server.lab.conf), in the vendor unit dir: /etc stays as Debian ships it. */
const NFS_UNIT_DROP_INS = ['nfs-server.service', 'nfs-kernel-server.service'].map(unit => `usr/lib/systemd/system/${unit}.d/aegir-lab.conf`);
export const HOST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const hostDir = (labDir, name) => path.join(labDir, 'hosts', name);
export const overlayRoot = (labDir, name) => path.join(hostDir(labDir, name), 'root');

/** Mount the host's overlay (fresh upper dir) where the lab machine can read it. */
export async function mountOverlay(labDir, base, name) {
	const dir = hostDir(labDir, name);
	fs.rmSync(dir, {recursive: true, force: true});
	for (const sub of ['upper', 'work', 'root']) fs.mkdirSync(path.join(dir, sub), {recursive: true});
	// index+nfs_export: nfs-ganesha needs file handles that survive; without them "Could not get handle".
	const options = `lowerdir=${base},upperdir=${dir}/upper,workdir=${dir}/work,index=on,nfs_export=on`;
	await run('mount', ['-t', 'overlay', `aegir-lab-${name}`, '-o', options, path.join(dir, 'root')]);
}

/**
 * Write what makes a fresh overlay this host. All hosts' keys must exist
 * before `writeKnownHosts` runs, hence two steps.
 * @param {{labDir: string, name: string, address: string, prefix: string, aegir: {uid: number, gid: number} | 'absent', publicKey: string, privateKey: string, clientBindAddress: boolean, systemdBooted?: boolean}} host
 */
export async function prepareHost(host) {
	const root = overlayRoot(host.labDir, host.name);
	const write = (file, content, mode = 0o644) => {
		fs.mkdirSync(path.dirname(path.join(root, file)), {recursive: true});
		fs.writeFileSync(path.join(root, file), content, {mode});
		fs.chmodSync(path.join(root, file), mode);
	};
	const scripts = path.join(root, 'usr/local/lib/aegir-lab');
	fs.mkdirSync(scripts, {recursive: true});
	for (const script of HOST_SCRIPTS) {
		fs.copyFileSync(path.join(HOST_SCRIPTS_DIR, script), path.join(scripts, script));
		fs.chmodSync(path.join(scripts, script), 0o755);
	}
	const dropIn = fs.readFileSync(path.join(HOST_SCRIPTS_DIR, 'nfs-server.lab.conf'), 'utf8');
	for (const file of NFS_UNIT_DROP_INS) write(file, dropIn);
	write('etc/hostname', `${host.name}\n`);
	write(
		'etc/aegir-lab/host.env',
		`LAB_NAME=${host.name}\nLAB_ADDRESS=${host.address}\nLAB_PREFIX=${host.prefix}\nLAB_SYSTEMD_BOOTED=${host.systemdBooted ? 'yes' : 'no'}\n`,
	);
	write('etc/ssh/sshd_config.d/listen.conf', `# aegir-pack lab: this host's own loopback address only.\nListenAddress ${host.address}:22\n`);
	if (host.clientBindAddress) {
		// Fallback when cgroup SNAT is unavailable: at least ssh from this host comes from its address.
		write('etc/ssh/ssh_config.d/aegir-lab.conf', `BindAddress ${host.address}\n`);
	}
	fs.rmSync(path.join(root, 'etc/ssh/ssh_host_ed25519_key'), {force: true});
	await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${host.name}`, '-f', path.join(root, 'etc/ssh/ssh_host_ed25519_key')]);

	// root and the sudo user log in with the lab key; root also holds it, for host-to-host ssh and rsync.
	write('root/.ssh/authorized_keys', host.publicKey, 0o600);
	write('root/.ssh/id_ed25519', host.privateKey, 0o600);
	write('home/admin/.ssh/authorized_keys', host.publicKey, 0o600);
	await run('chown', ['-R', '1000:1000', path.join(root, 'home/admin/.ssh')]);
	fs.chmodSync(path.join(root, 'root/.ssh'), 0o700);
	fs.chmodSync(path.join(root, 'home/admin/.ssh'), 0o700);

	if (host.aegir !== 'absent') {
		const {uid, gid} = host.aegir;
		await run('chroot', [root, 'groupadd', '--gid', String(gid), 'aegir']);
		await run('chroot', [root, 'useradd', '--uid', String(uid), '--gid', String(gid), '--home-dir', '/var/aegir', '--create-home', '--shell', '/bin/bash', 'aegir']);
		write('var/aegir/.ssh/authorized_keys', host.publicKey, 0o600);
		fs.chmodSync(path.join(root, 'var/aegir/.ssh'), 0o700);
		await run('chown', ['-R', `${uid}:${gid}`, path.join(root, 'var/aegir/.ssh')]);
	}
}

/** The host's public host key line (`ssh-ed25519 AAAA…`). */
export function hostPublicKey(labDir, name) {
	const line = fs.readFileSync(path.join(overlayRoot(labDir, name), 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf8');
	return line.trim().split(/\s+/).slice(0, 2).join(' ');
}

/** /etc/hosts and /etc/ssh/ssh_known_hosts listing every lab host. */
export function writeHostTables(labDir, name, hosts, knownHosts) {
	const root = overlayRoot(labDir, name);
	const lines = hosts.map(host => `${host.address}\t${host.name}`);
	fs.writeFileSync(
		path.join(root, 'etc/hosts'),
		`127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n\n# aegir-pack lab hosts\n${lines.join('\n')}\n`,
	);
	fs.writeFileSync(path.join(root, 'etc/ssh/ssh_known_hosts'), knownHosts);
}

/**
 * Start the host: its own mount, UTS, IPC and PID namespaces, inside its
 * cgroup, detached from the caller so `lab up` can exit.
 * @returns {Promise<{pid: number, initPid: number}>}
 */
export async function startHost({labDir, name, cgroupDir, peers}) {
	const log = fs.openSync(path.join(hostDir(labDir, name), 'console.log'), 'a');
	const enter = path.join(HOST_SCRIPTS_DIR, 'enter.sh');
	const unshare = ['unshare', '--mount', '--uts', '--ipc', '--pid', '--fork', '--propagation', 'private', '--', 'bash', enter, overlayRoot(labDir, name), name, ...peers];
	const joinCgroup = cgroupDir ? `echo $$ >"${cgroupDir}/cgroup.procs" && ` : '';
	const child = spawn('/bin/sh', ['-c', `${joinCgroup}exec "$@"`, 'sh', ...unshare], {
		detached: true,
		stdio: ['ignore', log, log],
		env: {PATH: HOST_PATH, LANG: 'C.UTF-8'},
	});
	child.unref();
	fs.closeSync(log);
	const pid = /** @type {number} */ (child.pid);
	const initPid = await waitUntil(() => childOf(pid), 5000, `${name}'s init to start`);
	return {pid, initPid};
}

function childOf(pid) {
	try {
		const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
		return children ? Number(children.split(/\s+/)[0]) : undefined;
	} catch {
		return undefined;
	}
}

/** True once the host's init ran and its sshd answers with an SSH banner. */
export async function waitReady(host, initPid, timeoutMs = 15_000) {
	await waitUntil(() => fs.existsSync(`/proc/${initPid}/root/run/aegir-lab/ready`) || !fs.existsSync(`/proc/${initPid}`), timeoutMs, `${host.name} to boot`);
	if (!fs.existsSync(`/proc/${initPid}`)) throw new Error(`${host.name} stopped while booting (see its console.log)`);
	await waitUntil(() => sshBanner(host.address), timeoutMs, `sshd on ${host.name} (${host.address}:22)`);
}

/** Resolves true when something on address:22 speaks SSH. */
export function sshBanner(address, timeoutMs = 1000) {
	return new Promise(resolve => {
		const socket = net.connect({host: address, port: 22});
		const done = value => {
			socket.destroy();
			resolve(value);
		};
		socket.setTimeout(timeoutMs, () => done(false));
		socket.once('data', data => done(data.toString('latin1').startsWith('SSH-')));
		socket.once('error', () => done(false));
	});
}

/**
 * The argv that runs `command` inside the host (its namespaces, its cgroup,
 * a clean root environment), without ssh.
 */
export function hostCommand({initPid, cgroupDir}, command, {tty = false} = {}) {
	const joinCgroup = cgroupDir ? `echo $$ >"${cgroupDir}/cgroup.procs" && ` : '';
	const env = ['PATH=' + HOST_PATH, 'HOME=/root', 'USER=root', 'LOGNAME=root', 'LANG=C.UTF-8', `TERM=${tty ? process.env.TERM ?? 'xterm' : 'dumb'}`, 'DEBIAN_FRONTEND=noninteractive'];
	const shell = command === undefined ? ['/bin/bash', '--login'] : ['/bin/bash', '-c', command];
	return ['/bin/sh', '-c', `${joinCgroup}exec "$@"`, 'sh', 'nsenter', `--target=${initPid}`, '--mount', '--uts', '--ipc', '--pid', '--root', '--wd', '--', '/usr/bin/env', '-i', ...env, ...shell];
}

/**
 * Run a command inside the host and collect its output.
 * @returns {Promise<{code: number, stdout: string, stderr: string}>}
 */
export function execInHost(handle, command, options = {}) {
	const [program, ...args] = hostCommand(handle, command);
	return run(/** @type {string} */ (program), args, {allowFail: true, input: options.input, timeoutMs: options.timeoutMs});
}
