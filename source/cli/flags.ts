// Command-line flags (meow). Every wizard answer has a flag; the rest say where
// files are or are passed through to the apply stage.
import meow from 'meow';
import type {WizardFlags} from '../ui/wizard/preset.js';

export type CliFlags = WizardFlags & {
	/** Store directory; undefined means $AEGIR_PACK_HOME or the default. */
	storeDir?: string;
	/** ssh config file to read known hosts from; undefined means $AEGIR_PACK_SSH_CONFIG or ~/.ssh/config. */
	sshConfig?: string;
	/** known_hosts file for the apply stage (passed through). */
	knownHosts?: string;
	/** Show what would change, change nothing. */
	dryRun: boolean;
	/** Save the confirmed pack and stop: no host is contacted. */
	saveOnly: boolean;
	/** Trust (and record) host keys seen for the first time, without asking. */
	acceptNewHostKeys: boolean;
	/** Move files already in an NFS mount point aside without asking. */
	moveAside: boolean;
	/** Local web server config dir synced to every web head (default /var/aegir/config). */
	configDir?: string;
	/** Local platform and site code synced to the master (default /var/aegir/platforms). */
	platformsDir?: string;
	/** Seconds to wait for another apt/dpkg to release its lock (default 120). */
	lockWait?: number;
	/** A sync stops before deleting more than this many paths on a host (default 100). */
	maxDelete?: number;
	/** add-slave: export the share to a new slave's address outside the pack's subnets. */
	widenExport: boolean;
	/** status: print the health report as JSON. */
	json: boolean;
	/** status: refresh the health table every few seconds until q. */
	watch: boolean;
	/** export: the directory to write (default ./<pack>-ansible). */
	out?: string;
	/** export: write into a directory that is not empty. */
	force: boolean;
	/** Aegir's home on this machine (default /var/aegir). */
	aegirHome?: string;
	/** Register the pack in Aegir after a successful run. */
	aegirRegister: boolean;
	/** Check and fix what Aegir needs on every web head. */
	aegirPrerequisites: boolean;
	/** Run Aegir's verify of every member, the pack and its platforms even when nothing changed. */
	aegirVerify: boolean;
};

export const HELP = `
	Usage
	  $ aegir-pack [flags]                        set up a pack (or open a saved one)
	  $ aegir-pack add-slave <pack> <host>...     add web heads to a saved pack
	  $ aegir-pack remove-slave <pack> <host>     retire a web head from a saved pack
	  $ aegir-pack status <pack>                  check the pack's health
	  $ aegir-pack export ansible <pack>          write the pack as an Ansible
	                                              inventory and playbook

	Sets up an Aegir pack: web heads serving the same sites, with the
	platforms shared over NFS. Without flags it asks, step by step.
	add-slave and remove-slave connect only to the hosts that change.

	Answers (each one skips its step)
	  --name <pack>            pack name, the Aegir server node (pack.example.com)
	  --master <host>          the web head that gets the code by rsync
	  --slave <host>           a web head that sees the code over NFS (repeatable)
	  --nfs-server <host>      who exports the share (default: master)
	  --export-path <path>     shared directory (default: /var/aegir/platforms)
	  --subnet <cidr>          network allowed to mount (repeatable)
	  --host <name=user@address:port>
	                           define a host (repeatable; user root, port 22
	                           by default; IPv6 as name=[2001:db8::1]:22)
	  --yes                    accept the review (needed without a terminal)
	  --allow-wide-export      export to a --subnet wider than /24 (IPv6 /64)
	                           or outside private networks (without a
	                           terminal; in one, the wizard asks)

	Files
	  --store-dir <dir>        where packs and hosts are saved ($AEGIR_PACK_HOME)
	  --ssh-config <file>      hosts to offer ($AEGIR_PACK_SSH_CONFIG,
	                           default ~/.ssh/config)
	  --known-hosts <file>     SSH known_hosts to check host keys against
	                           (default ~/.ssh/known_hosts)
	  --config-dir <dir>       web server config to sync to every web head
	                           (default /var/aegir/config)
	  --platforms-dir <dir>    platform and site code to sync to the master
	                           (default /var/aegir/platforms)

	Applying
	  --save-only              save the pack and stop; no host is contacted
	  --dry-run                connect, show every command and file diff,
	                           change nothing
	  --accept-new-host-keys   trust host keys seen for the first time
	                           (without a terminal they are refused)
	  --move-aside             move files already in a mount point aside
	                           (without a terminal the run fails instead)
	  --lock-wait <seconds>    wait this long for another apt/dpkg to finish
	                           (default 120)
	  --max-delete <n>         a sync that would delete more than n paths on a
	                           host stops and lists them (default 100)

	Re-runs
	  --widen-export           add-slave: export the share to a new slave's
	                           address outside the pack's subnets (its /32)
	  --json                   status: print the report as JSON
	  --watch                  status: refresh every few seconds until q
	  --out <dir>              export: where to write (default ./<pack>-ansible)
	  --force                  export: write into a directory that is not empty

	Aegir
	  --aegir-home <dir>       Aegir's home here: its drush alias files and the
	                           aegir user's ssh key (default /var/aegir)
	  --aegir-prerequisites    check on every web head what Aegir needs (aegir
	                           user and uid/gid, sudoers for web server reloads,
	                           web server include, Aegir's ssh key and known
	                           host, rsync, PHP with MySQL, a MySQL client,
	                           Apache rewrite), show a table, fix each item
	  --aegir-register         after a successful run, register the pack (or
	                           the added/removed slave) in Aegir with drush, as
	                           the aegir user; on by default when drush is on
	                           PATH and <aegir-home>/.drush exists; with
	                           --dry-run the drush commands are listed.
	                           Aegir's own verify then brings config and
	                           code to the heads: aegir-pack rsyncs nothing
	  --aegir-verify           run Aegir's verify of every member, the pack
	                           and its platforms even when nothing changed
	                           (a re-run otherwise verifies only what changed)

	Without a terminal (or with CI set) nothing is asked: give every answer
	as a flag and --yes, or it exits 2 naming the missing flag.

	Exit codes: 0 done (status: healthy), 1 failed (status: a problem),
	2 bad or missing flag, 130 interrupted (Ctrl-C), 143 terminated
	(SIGTERM), 129 hung up (SIGHUP): each host stops after its current command.
`;

export function parseCliFlags(argv: readonly string[] = process.argv.slice(2)): CliFlags & {args: string[]} {
	const cli = meow(HELP, {
		importMeta: import.meta,
		argv,
		// The help text says it all; package.json's description would repeat it.
		description: false,
		allowUnknownFlags: false,
		flags: {
			name: {type: 'string'},
			master: {type: 'string'},
			slave: {type: 'string', isMultiple: true},
			nfsServer: {type: 'string'},
			exportPath: {type: 'string'},
			subnet: {type: 'string', isMultiple: true},
			host: {type: 'string', isMultiple: true},
			yes: {type: 'boolean', default: false},
			allowWideExport: {type: 'boolean', default: false},
			storeDir: {type: 'string'},
			sshConfig: {type: 'string'},
			knownHosts: {type: 'string'},
			dryRun: {type: 'boolean', default: false},
			saveOnly: {type: 'boolean', default: false},
			acceptNewHostKeys: {type: 'boolean', default: false},
			moveAside: {type: 'boolean', default: false},
			configDir: {type: 'string'},
			platformsDir: {type: 'string'},
			lockWait: {type: 'number'},
			maxDelete: {type: 'number'},
			widenExport: {type: 'boolean', default: false},
			json: {type: 'boolean', default: false},
			watch: {type: 'boolean', default: false},
			out: {type: 'string'},
			force: {type: 'boolean', default: false},
			aegirHome: {type: 'string'},
			aegirRegister: {type: 'boolean', default: false},
			aegirPrerequisites: {type: 'boolean', default: false},
			aegirVerify: {type: 'boolean', default: false},
		},
	});
	const {flags} = cli;
	return {
		name: flags.name,
		master: flags.master,
		slave: flags.slave ?? [],
		nfsServer: flags.nfsServer,
		exportPath: flags.exportPath,
		subnet: flags.subnet ?? [],
		host: flags.host ?? [],
		yes: flags.yes,
		allowWideExport: flags.allowWideExport,
		storeDir: flags.storeDir,
		sshConfig: flags.sshConfig,
		knownHosts: flags.knownHosts,
		dryRun: flags.dryRun,
		saveOnly: flags.saveOnly,
		acceptNewHostKeys: flags.acceptNewHostKeys,
		moveAside: flags.moveAside,
		configDir: flags.configDir,
		platformsDir: flags.platformsDir,
		lockWait: flags.lockWait,
		maxDelete: flags.maxDelete,
		widenExport: flags.widenExport,
		json: flags.json,
		watch: flags.watch,
		out: flags.out,
		force: flags.force,
		aegirHome: flags.aegirHome,
		aegirRegister: flags.aegirRegister,
		aegirPrerequisites: flags.aegirPrerequisites,
		aegirVerify: flags.aegirVerify,
		args: cli.input,
	};
}

/** The ssh config to read: the flag, else $AEGIR_PACK_SSH_CONFIG, else undefined (~/.ssh/config). */
export function sshConfigFile(flags: Pick<CliFlags, 'sshConfig'>, env: NodeJS.ProcessEnv = process.env): string | undefined {
	return flags.sshConfig ?? (env['AEGIR_PACK_SSH_CONFIG'] || undefined);
}

/** Whether the wizard may ask: a terminal on both ends and not in CI. */
export function isInteractive(
	io: {stdin: {isTTY?: boolean}; stdout: {isTTY?: boolean}},
	env: NodeJS.ProcessEnv = process.env,
): boolean {
	return Boolean(io.stdin.isTTY) && Boolean(io.stdout.isTTY) && !inCi(env);
}

/** CI as Ink itself detects it (is-in-ci), so we never draw where Ink would only print a last frame. */
function inCi(env: NodeJS.ProcessEnv): boolean {
	const set = (key: string) => key in env && env[key] !== '0' && env[key] !== 'false';
	return set('CI') || set('CONTINUOUS_INTEGRATION');
}
