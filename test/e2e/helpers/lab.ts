// The e2e suite's handle on the local lab (test/lab/): a fresh set of Debian
// hosts per test file, reachable over real SSH, plus direct access to their
// files and processes and the faults tests apply mid-run.
import {down, fingerprint, labSupport, openLab, SUDO_USER, up} from '../../lab/lab.mjs';

export type LabHost = {
	name: string;
	address: string;
	port: number;
	rootUser: 'root';
	sudoUser: string;
	/** `ssh-ed25519 AAAA…`, the host key as known_hosts holds it. */
	hostKey: string;
	/** `SHA256:…`, as OpenSSH (and the wizard's first-contact prompt) prints it. */
	hostKeyFingerprint: string;
	/** uid/gid of `aegir` on this host, or 'absent'. */
	aegir: {uid: number; gid: number} | 'absent';
};

export type ExecResult = {code: number; stdout: string; stderr: string};

export type LabFaults = {
	/** Like `systemctl stop ssh`: new connections are refused, open sessions stay. */
	stopSshd(host: string): Promise<void>;
	startSshd(host: string): Promise<void>;
	/** nfs-ganesha killed (a crashed or stopped nfsd): nothing answers on 2049, etab still lists the export. */
	stopNfsServer(host: string): Promise<void>;
	/** nfs-ganesha started again from etab (as `exportfs -ra` would). */
	startNfsServer(host: string): Promise<void>;
	/** Every sshd process killed: open sessions drop at once. */
	killSshd(host: string): Promise<void>;
	/** `drop`: packets vanish (connections time out); `reject`: "No route to host" at once. Both directions. */
	unreachable(host: string, mode: 'drop' | 'reject'): Promise<void>;
	reachable(host: string): Promise<void>;
	/** Hold dpkg's locks (as a running apt would); call the returned function to release. */
	holdDpkgLock(host: string): Promise<() => Promise<void>>;
	/** /etc/fstab on a read-only bind mount: writes fail with EROFS. */
	readonlyFstab(host: string): Promise<void>;
	/** chattr +i /etc/fstab: writes fail with EPERM. */
	immutableFstab(host: string): Promise<void>;
	/** Undo readonlyFstab and immutableFstab. */
	restoreFstab(host: string): Promise<void>;
	/** A tiny full filesystem over `path` (its content still visible); call the returned function to undo. */
	fillDisk(host: string, path: string): Promise<() => Promise<void>>;
};

export type Lab = {
	dir: string;
	hosts: LabHost[];
	identityFile: string;
	knownHostsFile: string;
	sshConfigFile: string;
	/** Where the wizard keeps packs for this lab (`--store-dir`); emptied by `down`. */
	storeDir: string;
	/** Source NAT by cgroup is on: hosts see each other's real addresses. */
	snat: boolean;
	host(name: string): LabHost;
	/** Run a shell command inside the host as root (namespaces entered directly, not via ssh). */
	exec(host: string, command: string, options?: {input?: string; timeoutMs?: number}): Promise<ExecResult>;
	/** Read a host file from the runner (symlinks resolved inside the host); undefined when missing. */
	readFile(host: string, path: string): Promise<string | undefined>;
	writeFile(host: string, path: string, content: string): Promise<void>;
	/** Hash, mode and owner of everything below `dir`, to prove nothing changed. */
	checksumTree(host: string, dir: string): Promise<Record<string, string>>;
	/** The host's sshd log: one `Connection from …` line per TCP connection, `Accepted …` per login. */
	sshdLog(host: string): Promise<string>;
	fault: LabFaults;
	down(): Promise<void>;
};

export type StartLabOptions = {
	names?: string[];
	count?: number;
	aegirUid?: number;
	aegirUidOf?: Record<string, number | 'absent'>;
	aegirGidOf?: Record<string, number>;
	/** false: the lab's known_hosts is empty, so the tool meets every host key for the first time. */
	writeKnownHosts?: boolean;
	/**
	 * true: hosts carry systemd's booted marker (/run/systemd/system), as a Debian server systemd started, so
	 * Ansible's service module drives systemctl (the daemonless one, which runs the units' commands for real).
	 */
	systemdBooted?: boolean;
};

const support = labSupport();

/** false when not root on Linux (or tools are missing): e2e files `describe.skipIf(!canRunLab.ok)`. */
export const canRunLab: {ok: boolean; reason?: string} = support;

if (!support.ok && !process.env.AEGIR_LAB_SKIP_NOTICE) {
	// One loud line per run (workers share the env), never a silent skip.
	process.env.AEGIR_LAB_SKIP_NOTICE = '1';
	console.warn(`\n!!! SKIPPING the end-to-end tests: ${support.reason}. CI runs them as root. !!!\n`);
}

const log = (message: string) => process.stderr.write(`[lab] ${message}\n`);

/** A fresh lab (any previous one is torn down first): new host file systems, new host keys. */
export async function startLab(options: StartLabOptions = {}): Promise<Lab> {
	await down({log, quiet: true});
	const state = await up({...options, log});
	const handle = openLab();
	const hosts: LabHost[] = state.hosts.map(host => ({
		name: host.name,
		address: host.address,
		port: 22,
		rootUser: 'root',
		sudoUser: SUDO_USER,
		hostKey: host.hostKey,
		hostKeyFingerprint: fingerprint(host.hostKey),
		aegir: host.aegir,
	}));
	return {
		dir: state.dir,
		hosts,
		identityFile: state.identityFile,
		knownHostsFile: state.knownHostsFile,
		sshConfigFile: state.sshConfigFile,
		storeDir: `${state.dir}/store`,
		snat: state.snat,
		host(name) {
			const host = hosts.find(entry => entry.name === name);
			if (!host) throw new Error(`no lab host named ${name} (hosts: ${hosts.map(entry => entry.name).join(', ')})`);
			return host;
		},
		exec: (host, command, execOptions) => handle.exec(host, command, execOptions),
		readFile: (host, path) => handle.readFile(host, path),
		writeFile: (host, path, content) => handle.writeFile(host, path, content),
		checksumTree: (host, dir) => handle.checksumTree(host, dir),
		sshdLog: host => handle.sshdLog(host),
		fault: handle.fault,
		async down() {
			await down({log});
		},
	};
}
