// Types for lab.mjs (plain ESM so `npm run lab` needs no build step), used by
// the TypeScript e2e helpers in test/e2e/helpers/.

export type AegirIds = {uid: number; gid: number} | 'absent';

export type LabStateHost = {
	name: string;
	index: number;
	address: string;
	pid: number;
	initPid: number;
	cgroupDir?: string;
	aegir: AegirIds;
	/** `ssh-ed25519 AAAA…` */
	hostKey: string;
};

export type LabState = {
	version: 1;
	id: string;
	dir: string;
	prefix: string;
	base: string;
	cgroup: {mount: string; nftBase: string} | null;
	snat: boolean;
	request: {names: string[]; aegir: Record<string, AegirIds>; writeKnownHosts: boolean; systemdBooted?: true};
	hosts: LabStateHost[];
	identityFile: string;
	knownHostsFile: string;
	sshConfigFile: string;
	startedAt: string;
};

export type LabLocation = {dir?: string; prefix?: string; cacheDir?: string};

export type UpOptions = LabLocation & {
	names?: string[];
	count?: number;
	aegirUid?: number;
	aegirGid?: number;
	aegirUidOf?: Record<string, number | 'absent'>;
	aegirGidOf?: Record<string, number>;
	writeKnownHosts?: boolean;
	/** Hosts carry systemd's booted marker (/run/systemd/system), as a Debian server systemd started. */
	systemdBooted?: boolean;
	log?: (message: string) => void;
};

export type ExecResult = {code: number; stdout: string; stderr: string};

export type LabHandle = {
	state: LabState;
	host(name: string): LabStateHost;
	exec(name: string, command: string, options?: {input?: string; timeoutMs?: number}): Promise<ExecResult>;
	/** The argv that runs `command` in the host (a login shell when undefined). */
	command(name: string, command?: string, options?: {tty?: boolean}): string[];
	readFile(name: string, path: string): Promise<string | undefined>;
	writeFile(name: string, path: string, content: string): Promise<void>;
	checksumTree(name: string, dir: string): Promise<Record<string, string>>;
	/** The host's sshd log (every connection, LogLevel VERBOSE); '' before the first one. */
	sshdLog(name: string): Promise<string>;
	fault: {
		stopSshd(name: string): Promise<void>;
		killSshd(name: string): Promise<void>;
		startSshd(name: string): Promise<void>;
		stopNfsServer(name: string): Promise<void>;
		startNfsServer(name: string): Promise<void>;
		unreachable(name: string, mode: 'drop' | 'reject'): Promise<void>;
		reachable(name: string): Promise<void>;
		holdDpkgLock(name: string): Promise<() => Promise<void>>;
		readonlyFstab(name: string): Promise<void>;
		immutableFstab(name: string): Promise<void>;
		restoreFstab(name: string): Promise<void>;
		fillDisk(name: string, path: string): Promise<() => Promise<void>>;
	};
};

export const SUDO_USER: string;
export const DEFAULT_AEGIR_UID: number;
export const SSHD_LOG: string;
export function labSupport(): {ok: boolean; reason?: string};
export function labConfig(options?: LabLocation & {mirror?: string}): {dir: string; cacheDir: string; prefix: string; mirror: string; id: string};
export function defaultNames(count: number): string[];
export function readState(options?: LabLocation): LabState | undefined;
export function up(options?: UpOptions): Promise<LabState>;
export function down(options?: LabLocation & {log?: (message: string) => void; quiet?: boolean}): Promise<{removed: string[]}>;
export function status(options?: LabLocation): Promise<{
	dir: string;
	up: boolean;
	snat: boolean;
	hosts: {name: string; address: string; running: boolean; sshd: boolean}[];
	mounts: string[];
	cgroup: boolean;
	nftTable?: string;
}>;
export function openLab(options?: LabLocation): LabHandle;
export function sshConfig(state: LabState): string;
export function fingerprint(keyLine: string): string;
export function shellQuote(value: string): string;
