#!/usr/bin/env node
// `npm run lab -- up|down|status|exec|fault`: the local lab of Debian hosts
// from the command line. See test/lab/README.md.
import {spawn} from 'node:child_process';
import {parseArgs} from 'node:util';
import {down, fingerprint, labSupport, openLab, readState, shellQuote, status, up} from './lab.mjs';

const USAGE = `usage: npm run lab -- COMMAND [options]

  up [N]                      start N hosts (default 3: master, web1, web2); idempotent
     --names a,b,c            host names instead of N
     --aegir-uid UID          uid of the aegir user on every host (default 1500)
     --aegir-gid GID          its gid (default: the uid)
     --aegir-uid-of HOST=UID  per host; HOST=absent for no aegir user (repeatable)
     --aegir-gid-of HOST=GID  per host (repeatable)
     --no-known-hosts         leave the lab's known_hosts empty (first-contact prompts)
     --systemd-booted         /run/systemd/system on every host, as systemd leaves it (Ansible then drives systemctl)
  down                        stop every host and remove all the lab made; verifies nothing is left
  status [--json]             hosts, their sshd, and what the lab holds on this machine
  exec HOST [COMMAND…]        run COMMAND in HOST as root (no ssh); a login shell without COMMAND
  fault HOST FAULT [ARG]      stop-sshd kill-sshd start-sshd stop-nfs-server start-nfs-server
                              lock-dpkg unlock-dpkg readonly-fstab
                              immutable-fstab restore-fstab fill PATH unfill PATH
                              unreachable-drop unreachable-reject reachable

  every command: --dir DIR (default .lab, or $AEGIR_LAB_DIR)  --prefix 127.0.1 ($AEGIR_LAB_PREFIX)
                 --cache-dir DIR (default /var/cache/aegir-pack-lab, or $AEGIR_LAB_CACHE)
  Needs root on Linux.`;

const common = {
	dir: {type: 'string'},
	prefix: {type: 'string'},
	'cache-dir': {type: 'string'},
	help: {type: 'boolean', short: 'h'},
};

const log = message => process.stderr.write(`lab: ${message}\n`);

/** `HOST=VALUE` pairs into a record. */
function pairs(list, what, allowAbsent) {
	const record = {};
	for (const item of list ?? []) {
		const [host, value] = item.split('=');
		if (!host || value === undefined) throw new Error(`--${what} takes HOST=VALUE (got ${item})`);
		record[host] = allowAbsent && value === 'absent' ? 'absent' : integer(value, `--${what} ${host}`);
	}
	return record;
}

function integer(value, what) {
	if (!/^\d+$/.test(value)) throw new Error(`${what} must be a number (got ${value})`);
	return Number(value);
}

async function main(argv) {
	const [command, ...rest] = argv;
	if (!command || command === 'help' || command === '--help' || command === '-h') {
		console.log(USAGE);
		return 0;
	}
	const support = labSupport();
	if (!support.ok) {
		log(`cannot run here: ${support.reason}`);
		return 1;
	}

	if (command === 'exec' || command === 'fault') return hostCommand(command, rest);

	if (command === 'up') {
		const {values, positionals} = parseArgs({
			args: rest,
			allowPositionals: true,
			options: {
				...common,
				names: {type: 'string'},
				'aegir-uid': {type: 'string'},
				'aegir-gid': {type: 'string'},
				'aegir-uid-of': {type: 'string', multiple: true},
				'aegir-gid-of': {type: 'string', multiple: true},
				'no-known-hosts': {type: 'boolean'},
				'systemd-booted': {type: 'boolean'},
			},
		});
		const names = values.names?.split(',').map(name => name.trim()).filter(Boolean);
		const count = positionals[0] === undefined ? undefined : integer(positionals[0], 'N');
		if (names && count !== undefined && count !== names.length) throw new Error(`N (${count}) and --names (${names.length}) disagree`);
		const state = await up({
			dir: values.dir,
			prefix: values.prefix,
			cacheDir: values['cache-dir'],
			names,
			count,
			aegirUid: values['aegir-uid'] === undefined ? undefined : integer(values['aegir-uid'], '--aegir-uid'),
			aegirGid: values['aegir-gid'] === undefined ? undefined : integer(values['aegir-gid'], '--aegir-gid'),
			aegirUidOf: pairs(values['aegir-uid-of'], 'aegir-uid-of', true),
			aegirGidOf: pairs(values['aegir-gid-of'], 'aegir-gid-of', false),
			writeKnownHosts: !values['no-known-hosts'],
			systemdBooted: values['systemd-booted'] ?? false,
			log,
		});
		for (const host of state.hosts) {
			const aegir = host.aegir === 'absent' ? 'no aegir user' : `aegir ${host.aegir.uid}:${host.aegir.gid}`;
			console.log(`${host.name.padEnd(10)} ${host.address.padEnd(15)} ${aegir.padEnd(18)} ${fingerprint(host.hostKey)}`);
		}
		console.log(`\nssh -F ${state.sshConfigFile} ${state.hosts[0].name}`);
		return 0;
	}

	const {values} = parseArgs({args: rest, options: {...common, json: {type: 'boolean'}}});
	const where = {dir: values.dir, prefix: values.prefix, cacheDir: values['cache-dir']};
	if (command === 'down') {
		await down({...where, log});
		return 0;
	}
	if (command === 'status') {
		const report = await status(where);
		if (values.json) {
			console.log(JSON.stringify(report, null, 2));
		} else if (!report.up) {
			console.log(`no lab is up in ${report.dir}`);
			if (report.mounts.length || report.cgroup || report.nftTable) console.log('but leftovers exist: run `npm run lab -- down`');
		} else {
			for (const host of report.hosts) {
				console.log(`${host.name.padEnd(10)} ${host.address.padEnd(15)} ${host.running ? 'running' : 'STOPPED'}  sshd ${host.sshd ? 'up' : 'DOWN'}`);
			}
			console.log(`\n${report.mounts.length} mounts, cgroup ${report.cgroup ? 'yes' : 'no'}, nftables ${report.nftTable ?? 'none'}, source NAT by cgroup ${report.snat ? 'on' : 'off'}`);
		}
		if (!report.up) return 3;
		return report.hosts.every(host => host.running && host.sshd) ? 0 : 1;
	}
	log(`unknown command ${command}\n\n${USAGE}`);
	return 2;
}

/** exec HOST [COMMAND…] and fault HOST FAULT [ARG]: lab options may come first. */
async function hostCommand(command, rest) {
	const where = {};
	const args = [...rest];
	while (args[0]?.startsWith('--')) {
		const flag = /** @type {string} */ (args.shift());
		const [name, inline] = flag.slice(2).split(/=(.*)/s);
		const value = inline ?? args.shift();
		if (name === 'dir') where.dir = value;
		else if (name === 'prefix') where.prefix = value;
		else if (name === 'cache-dir') where.cacheDir = value;
		else throw new Error(`unknown option ${flag}`);
	}
	const [host, ...words] = args;
	if (!host) throw new Error(`usage: npm run lab -- ${command} HOST …`);
	if (!readState(where)) throw new Error('no lab is up (npm run lab -- up)');
	const lab = openLab(where);
	if (command === 'fault') return fault(lab, host, words);

	const interactive = words.length === 0;
	const [program, ...argv] = lab.command(host, interactive ? undefined : words.join(' '), {tty: interactive && process.stdin.isTTY});
	const child = spawn(program, argv, {stdio: 'inherit'});
	return new Promise(resolve => child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
}

async function fault(lab, host, [name, arg]) {
	const f = lab.fault;
	const actions = {
		'stop-sshd': () => f.stopSshd(host),
		'kill-sshd': () => f.killSshd(host),
		'start-sshd': () => f.startSshd(host),
		'stop-nfs-server': () => f.stopNfsServer(host),
		'start-nfs-server': () => f.startNfsServer(host),
		'unreachable-drop': () => f.unreachable(host, 'drop'),
		'unreachable-reject': () => f.unreachable(host, 'reject'),
		reachable: () => f.reachable(host),
		'lock-dpkg': () => f.holdDpkgLock(host),
		'unlock-dpkg': () => lab.exec(host, '/usr/local/lib/aegir-lab/fault unlock-dpkg'),
		'readonly-fstab': () => f.readonlyFstab(host),
		'immutable-fstab': () => f.immutableFstab(host),
		'restore-fstab': () => f.restoreFstab(host),
		fill: () => f.fillDisk(host, arg ?? ''),
		unfill: () => lab.exec(host, `/usr/local/lib/aegir-lab/fault unfill ${shellQuote(arg ?? '')}`),
	};
	const action = name ? actions[name] : undefined;
	if (!action) throw new Error(`fault must be one of ${Object.keys(actions).join(', ')}`);
	if ((name === 'fill' || name === 'unfill') && !arg?.startsWith('/')) throw new Error(`${name} needs an absolute PATH`);
	await action();
	log(`${name}${arg ? ` ${arg}` : ''} on ${host}: done`);
	return 0;
}

main(process.argv.slice(2)).then(
	code => process.exit(code),
	error => {
		log(error instanceof Error ? error.message : String(error));
		process.exit(1);
	},
);
