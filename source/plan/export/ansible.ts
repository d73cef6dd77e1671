// A saved pack as an Ansible inventory, playbook and README (issue 14). Pure:
// pack + plan options in, file contents out (cli/commands/export.ts writes
// them). Every fact comes from where the tool itself takes it: the exports
// drop-in from exports-file.ts, the fstab line and its tag from fstab.ts, the
// marker from the NFS server step, the packages from role-steps.ts, the sync
// paths and filters from the sync steps and provision-layout.ts, the fstab
// validator from safe-edit.ts. Every pack value lives in the inventory, tagged
// `!unsafe` (Ansible never templates it) and double-quoted (YAML never reads
// it as structure); the playbook itself holds no pack value at all.

import {AEGIR_CONFIG_DIR, appsIn, codeFilters, configFilters, configPaths, headContext, ownLinkTarget, type WebApp} from '../../aegir/provision-layout.js';
import {packHosts, type Host, type Pack} from '../../pack/types.js';
import {quote} from '../../shell/quote.js';
import {DRUSH_VCS_EXCLUDES, receiverCommand} from '../../shell/rsync-argv.js';
import {FSTAB_VALIDATE} from '../../shell/safe-edit.js';
import {dropInContent} from '../exports-file.js';
import {effectiveMountOptions, fstabFields, fstabLine, fstabTag, nfsSource} from '../fstab.js';
import {sourceListing} from '../local-sources.js';
import {NFS_PORT, NFS_UNIT} from '../nfs-service-state.js';
import type {ResolvedPlanOptions} from '../options.js';
import {packFiles} from '../pack-files.js';
import {packagesOf, situationOf} from '../role-steps.js';
import {codeOf} from '../steps/code-sync.js';
import {linkedApp} from '../steps/config-sync.js';
import {markerContent} from '../steps/nfs-server.js';
import {START_WAIT_SECONDS} from '../steps/nfs-service.js';
import {toYaml, unsafe, type YamlValue} from './yaml.js';

export const INVENTORY_FILE = 'inventory.yml';
export const PLAYBOOK_FILE = 'site.yml';
export const README_FILE = 'README.md';

/** The groups the issue names; every pack host is in at least one. */
export const GROUPS = {server: 'nfs_server', clients: 'nfs_clients', master: 'pack_master'} as const;
const PACK_HOSTS = `${GROUPS.server}:${GROUPS.clients}:${GROUPS.master}`;

export type AnsibleExport = {
	/** File name → content, in the order they are written. */
	files: Array<{name: string; content: string}>;
	/** What the export could not carry over, one sentence each (also in its README). */
	notes: string[];
};

/** Thrown for a pack the playbook could not bring to the tool's end state; nothing is written. */
export class ExportRefusedError extends Error {}

/**
 * ansible.posix.mount escapes `\`, space and `&` in the fields it writes (as
 * \134, \040, \046); the tool escapes space, `\` and control characters. A
 * field both write the same way is one that holds none of `&` and control
 * characters: anything else would give a different line.
 */
const MOUNT_MODULE_DIFFERS = /[&\u0000-\u001f\u007f]/;

/** A Python `re` pattern matching exactly `text`. */
export function pythonRegexLiteral(text: string): string {
	let out = '';
	for (const character of text) {
		const code = character.codePointAt(0)!;
		if (/^[A-Za-z0-9_]$/.test(character)) out += character;
		else if (code >= 0x20 && code <= 0x7e) out += `\\${character}`;
		else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, '0')}`;
		else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
		else out += `\\U${code.toString(16).padStart(8, '0')}`;
	}

	return out;
}

/** A Python `re.sub` replacement that writes exactly `text` (backslashes are its only escapes). */
export function pythonReplacementLiteral(text: string): string {
	return text.replaceAll('\\', '\\\\');
}

/** Ansible's `validate:` runs `command % tempfile` split like a shell (no shell): `%` doubled, the script one quoted word. */
export function fstabValidateCommand(fstabPath: string): string {
	return `sh -c ${quote(FSTAB_VALIDATE).replaceAll('%', '%%')} aegir-pack-validate %s ${quote(fstabPath).replaceAll('%', '%%')}`;
}

type SyncData = {config: {paths: string[]; rsyncOpts: string[]; app?: WebApp}; code: {platforms: string[]; rsyncOpts: string[]}};

/** rsync's options as the tool passes them (provision's), each one quoted: synchronize joins them into one command line. */
function rsyncOptions(filters: ReadonlyArray<{rule: string; pattern: string}>, maxDelete: number): string[] {
	const options = [
		...DRUSH_VCS_EXCLUDES.map(name => `--exclude=${name}`),
		...filters.map(filter => `--${filter.rule}=${filter.pattern}`),
		'--relative',
		'--keep-dirlinks',
		'--omit-dir-times',
		`--max-delete=${maxDelete}`,
	];
	return options.map(option => quote(option));
}

function syncOf(pack: Pack, host: Host, options: ResolvedPlanOptions, notes: string[]): SyncData {
	const at = situationOf(pack, host, options);
	const data: SyncData = {config: {paths: [], rsyncOpts: []}, code: {platforms: [], rsyncOpts: []}};
	// With Aegir on this machine its own verify moves config and code, as in the tool's runs: nothing to sync.
	if (options.aegirMode) return data;
	if (at.receivesSync) {
		const context = headContext(host.name);
		const listing = sourceListing(options.localSources, options.configDir);
		if (listing) {
			data.config.paths = configPaths(listing.entries, context);
			data.config.app = linkedApp(appsIn(listing.entries, context), []);
		}

		if (data.config.paths.length === 0) notes.push(`${host.name}: no ${options.configDir}/${context} on this machine when exported: its config is not synced`);
		else data.config.rsyncOpts = rsyncOptions(configFilters(context), options.maxDelete);
	}

	if (at.syncsPlatforms) {
		const listing = sourceListing(options.localSources, options.platformsDir);
		const code = listing ? codeOf(listing) : {platforms: [], sites: []};
		if ('problem' in code) {
			notes.push(`${host.name}: the code is not synced: ${code.problem}`);
		} else {
			data.code.platforms = code.platforms;
			if (code.platforms.length > 0) data.code.rsyncOpts = rsyncOptions(codeFilters(code.sites), options.maxDelete);
			else notes.push(`no platform in ${options.platformsDir} on this machine when exported: no code is synced`);
		}
	}

	return data;
}

const strings = (values: readonly string[]) => values.map(value => unsafe(value));

/** The inventory: hosts with their connection, the three groups, and the pack's values (all `!unsafe`). */
export function inventoryValue(pack: Pack, options: ResolvedPlanOptions, notes: string[] = []): YamlValue {
	const files = packFiles(pack, options);
	const fields = fstabFields(pack);
	const tag = fstabTag(pack.name);
	const line = fstabLine(pack);
	// Any entry for the mount point: not a comment, its second field the path (trailing slashes allowed).
	const entryRegexp = `^[ \\t]*[^#\\s]\\S*[ \\t]+${pythonRegexLiteral(fields.target)}/*(?:[ \\t]|$)`;
	// fromEntries: a host name is an own key whatever it is (never the object's prototype).
	const hosts = Object.fromEntries(packHosts(pack).map((host): [string, YamlValue] => {
		const at = situationOf(pack, host, options);
		const sync = syncOf(pack, host, options, notes);
		return [host.name, {
			ansible_host: unsafe(host.address),
			ansible_port: host.port,
			ansible_user: unsafe(host.user),
			// A login that is not root gets root by sudo, as the tool's own connection does (-K asks its password).
			ansible_become: host.user !== 'root',
			...(host.identityFile === undefined ? {} : {ansible_ssh_private_key_file: unsafe(host.identityFile)}),
			aegir_pack_roles: strings(at.roles),
			aegir_pack_packages: strings(packagesOf(at)),
			aegir_pack_context: unsafe(headContext(host.name)),
			aegir_pack_rsync_path: unsafe(receiverCommand(host.user, options.aegirUser)),
			aegir_pack_config_paths: strings(sync.config.paths),
			aegir_pack_config_rsync_opts: strings(sync.config.rsyncOpts),
			aegir_pack_config_link: sync.config.app ? unsafe(`${sync.config.app}.conf`) : null,
			aegir_pack_config_link_target: sync.config.app ? unsafe(ownLinkTarget(headContext(host.name), sync.config.app)) : null,
			aegir_pack_code_platforms: strings(sync.code.platforms),
			aegir_pack_code_rsync_opts: strings(sync.code.rsyncOpts),
		}];
	}));

	const group = (members: readonly Host[]): YamlValue => ({hosts: Object.fromEntries(members.map(host => [host.name, {}]))});
	const clients = packHosts(pack).filter(host => situationOf(pack, host, options).isClient);
	return {
		all: {
			hosts,
			vars: {
				aegir_pack_name: unsafe(pack.name),
				aegir_pack_master: unsafe(pack.master.name),
				aegir_pack_slaves: strings(pack.slaves.map(slave => slave.name)),
				aegir_pack_nfs_server: unsafe(pack.nfsServer.name),
				aegir_pack_nfs_server_address: unsafe(pack.nfsServer.address),
				aegir_pack_export_path: unsafe(pack.exportPath),
				aegir_pack_subnets: strings(pack.subnets),
				aegir_pack_export_options: unsafe(pack.exportOptions),
				aegir_pack_mount_options: unsafe(pack.mountOptions),
				aegir_pack_aegir_user: unsafe(options.aegirUser),
				// Derived, exactly as the tool writes them (edit the pack and export again rather than these).
				aegir_pack_exports_file: unsafe(files.dropIn),
				aegir_pack_exports_content: unsafe(dropInContent(pack)),
				aegir_pack_marker_file: unsafe(files.marker),
				aegir_pack_marker_content: unsafe(markerContent(pack)),
				aegir_pack_nfs_unit: unsafe(NFS_UNIT),
				aegir_pack_nfs_port: NFS_PORT,
				aegir_pack_wait_seconds: START_WAIT_SECONDS,
				aegir_pack_fstab_file: unsafe(files.fstab),
				aegir_pack_fstab_source: unsafe(nfsSource(pack.nfsServer.address, pack.exportPath)),
				aegir_pack_fstab_options: unsafe(effectiveMountOptions(pack)),
				aegir_pack_fstab_tag: unsafe(tag),
				aegir_pack_fstab_line: unsafe(line),
				aegir_pack_fstab_entry_regexp: unsafe(entryRegexp),
				aegir_pack_fstab_tagged_regexp: unsafe(`^(?:[ \\t]*# aegir-pack: [^\\n]*\\n)?${pythonRegexLiteral(line)}$`),
				aegir_pack_fstab_tagged_replace: unsafe(`${pythonReplacementLiteral(tag)}\n${pythonReplacementLiteral(line)}`),
				aegir_pack_fstab_validate: unsafe(fstabValidateCommand(files.fstab)),
				aegir_pack_config_dir: unsafe(options.configDir),
				aegir_pack_platforms_dir: unsafe(options.platformsDir),
				aegir_pack_remote_config_dir: unsafe(AEGIR_CONFIG_DIR),
				aegir_pack_max_delete: options.maxDelete,
			},
			children: {
				[GROUPS.server]: group([pack.nfsServer]),
				[GROUPS.clients]: group(clients),
				[GROUPS.master]: group([pack.master]),
			},
		},
	};
}

/** Refuse what the playbook could not write as the tool does. */
function refuseDifferences(pack: Pack): void {
	const fields = fstabFields(pack);
	const raw = {source: nfsSource(pack.nfsServer.address, pack.exportPath), path: pack.exportPath, options: effectiveMountOptions(pack)};
	for (const [name, value] of Object.entries(raw)) {
		if (MOUNT_MODULE_DIFFERS.test(value)) {
			throw new ExportRefusedError(
				`the fstab ${name} ${JSON.stringify(value)} holds characters ansible.posix.mount writes differently from aegir-pack (& or control characters): not exported`,
			);
		}
	}

	// What is left, both escape alike: the line the module writes is the tool's.
	const escape = (value: string) => value.replaceAll('\\', '\\134').replaceAll(' ', '\\040').replaceAll('&', '\\046');
	if (escape(raw.source) !== fields.source || escape(raw.path) !== fields.target || escape(raw.options) !== fields.options) {
		throw new ExportRefusedError('the fstab line ansible.posix.mount would write differs from aegir-pack\'s: not exported');
	}
}

const T = {
	aegirUser: '{{ aegir_pack_aegir_user }}',
	uid: '{{ getent_passwd[aegir_pack_aegir_user][1] }}',
	gid: '{{ getent_passwd[aegir_pack_aegir_user][2] }}',
};

/** Install this host's packages; with stale package lists, update them and try once more (as the tool does). */
const packageTasks: YamlValue[] = [
	{
		name: 'packages: the ones this host needs',
		when: 'aegir_pack_packages | length > 0',
		block: [{name: 'install', 'ansible.builtin.apt': {name: '{{ aegir_pack_packages }}', state: 'present', install_recommends: false}}],
		rescue: [
			{
				name: 'install after apt-get update (the package lists looked stale)',
				'ansible.builtin.apt': {name: '{{ aegir_pack_packages }}', state: 'present', install_recommends: false, update_cache: true},
			},
		],
	},
];

/** Stat a path without following a link, and fail on a link (root never acts through one in aegir's trees). */
/** Seconds a task that looks into the share may take: a hung NFS mount fails the host instead of hanging the play (the tool's probes are bounded too). */
const BOUNDED_SECONDS = 30;

function noLink(path: string, register: string, what: string): YamlValue[] {
	return [
		{name: `${what}: look at it without following a link`, 'ansible.builtin.stat': {path, follow: false, get_checksum: false}, register, timeout: BOUNDED_SECONDS},
		{
			name: `${what}: not a symbolic link`,
			'ansible.builtin.fail': {msg: `${path} is a symbolic link to {{ ${register}.stat.lnk_target }}: refusing to act through it`},
			when: `${register}.stat.exists and ${register}.stat.islnk`,
		},
	];
}

/** The share's directory (export or mount point), stat'ed into `register`: a directory, created owned by aegir when missing. */
function shareDirectory(register: string, what: string, created: string): YamlValue[] {
	return [
		{
			name: `${what}: a directory`,
			'ansible.builtin.fail': {msg: '{{ aegir_pack_export_path }} exists and is not a directory'},
			when: `${register}.stat.exists and not ${register}.stat.isdir`,
		},
		{
			name: `${what}: ${created}`,
			'ansible.builtin.file': {path: '{{ aegir_pack_export_path }}', state: 'directory', owner: T.uid, group: T.gid, mode: '0755'},
			when: `not ${register}.stat.exists`,
		},
	];
}

const checkPlay: YamlValue = {
	name: 'aegir-pack: check every host before anything changes',
	hosts: PACK_HOSTS,
	gather_facts: false,
	any_errors_fatal: true,
	// Also with --tags sync (or any other tag): the later plays read the aegir ids it gathers.
	tags: ['always'],
	tasks: [
		{name: 'Debian or Ubuntu with apt', 'ansible.builtin.stat': {path: '/usr/bin/apt-get'}, register: 'aegir_pack_apt'},
		{name: 'apt is there', 'ansible.builtin.assert': {that: ['aegir_pack_apt.stat.exists'], fail_msg: 'this playbook manages Debian and Ubuntu hosts only (no /usr/bin/apt-get)', quiet: true}},
		{name: 'the aegir user exists', 'ansible.builtin.getent': {database: 'passwd', key: T.aegirUser}},
		{name: 'the aegir group exists', 'ansible.builtin.getent': {database: 'group', key: T.aegirUser}},
		{name: 'aegir uid/gid of this host', 'ansible.builtin.set_fact': {aegir_pack_ids: `${T.uid}:{{ getent_group[aegir_pack_aegir_user][1] }}`}},
		{
			name: 'aegir uid/gid are the same on every host (nothing is changed on any host otherwise)',
			run_once: true,
			'ansible.builtin.assert': {
				that: ["ansible_play_hosts_all | map('extract', hostvars, 'aegir_pack_ids') | unique | length == 1"],
				fail_msg:
					"{{ aegir_pack_aegir_user }} uid:gid differ between hosts: {{ dict(ansible_play_hosts_all | zip(ansible_play_hosts_all | map('extract', hostvars, 'aegir_pack_ids'))) }}; nothing was changed on any host",
				quiet: true,
			},
		},
	],
};

const packagesPlay: YamlValue = {
	name: 'aegir-pack: packages',
	hosts: PACK_HOSTS,
	gather_facts: false,
	tasks: packageTasks,
};

const serverPlay: YamlValue = {
	name: 'aegir-pack: the NFS server exports the share',
	hosts: GROUPS.server,
	gather_facts: false,
	tasks: [
		...noLink('{{ aegir_pack_export_path }}', 'aegir_pack_shared', 'shared directory'),
		...shareDirectory('aegir_pack_shared', 'shared directory', 'created owned by aegir (an existing one is left as it is)'),
		...noLink('{{ aegir_pack_marker_file }}', 'aegir_pack_marker', 'marker file'),
		{
			name: 'marker file clients read back through their mount',
			'ansible.builtin.copy': {content: '{{ aegir_pack_marker_content }}', dest: '{{ aegir_pack_marker_file }}', owner: T.uid, group: T.gid, mode: '0644'},
		},
		// nfs-kernel-server ships no /etc/exports.d: the tool's edit creates it (0755) when missing, and so does this.
		{name: 'exports drop-in: its directory', 'ansible.builtin.stat': {path: '{{ aegir_pack_exports_file | dirname }}', get_checksum: false}, register: 'aegir_pack_exports_dir'},
		{
			name: 'exports drop-in: its directory, created when missing',
			'ansible.builtin.file': {path: '{{ aegir_pack_exports_file | dirname }}', state: 'directory', owner: 'root', group: 'root', mode: '0755'},
			when: 'not aegir_pack_exports_dir.stat.exists',
		},
		{
			name: 'exports drop-in: the tool\'s file, byte for byte (backup kept)',
			'ansible.builtin.copy': {content: '{{ aegir_pack_exports_content }}', dest: '{{ aegir_pack_exports_file }}', owner: 'root', group: 'root', mode: '0644', backup: true},
			notify: 'aegir-pack re-export',
		},
		{
			name: 'nfs-server enabled at boot and running',
			'ansible.builtin.service': {name: '{{ aegir_pack_nfs_unit }}', enabled: true, state: 'started'},
		},
		{name: 'apply the exports now', 'ansible.builtin.meta': 'flush_handlers'},
		{
			name: 'nfs-server answers on its port',
			'ansible.builtin.wait_for': {host: '{{ aegir_pack_nfs_server_address }}', port: '{{ aegir_pack_nfs_port }}', timeout: '{{ aegir_pack_wait_seconds }}'},
		},
		{name: 'exportfs -v lists the share', 'ansible.builtin.command': {argv: ['exportfs', '-v']}, register: 'aegir_pack_exportfs', changed_when: false, check_mode: false},
		{
			name: 'the share is exported',
			'ansible.builtin.assert': {that: ['aegir_pack_export_path in aegir_pack_exportfs.stdout'], fail_msg: '{{ aegir_pack_export_path }} is not in exportfs -v', quiet: true},
			when: 'not ansible_check_mode',
		},
	],
	handlers: [
		{name: 'aegir-pack re-export', 'ansible.builtin.command': {argv: ['exportfs', '-ra']}, notify: 'aegir-pack reload nfs-server'},
		{name: 'aegir-pack reload nfs-server', 'ansible.builtin.service': {name: '{{ aegir_pack_nfs_unit }}', state: 'reloaded'}},
	],
};

const fstabEdit = {path: '{{ aegir_pack_fstab_file }}', backup: true, validate: '{{ aegir_pack_fstab_validate }}'};

const clientPlay: YamlValue = {
	name: 'aegir-pack: every NFS client mounts the share',
	hosts: GROUPS.clients,
	gather_facts: false,
	tasks: [
		...noLink('{{ aegir_pack_export_path }}', 'aegir_pack_mount_point', 'mount point'),
		{
			name: 'mount point: what is mounted there now (bounded: a hung NFS mount must not hang the play)',
			'ansible.builtin.command': {argv: ['timeout', '-k', '1', '10', 'findmnt', '-n', '-o', 'FSTYPE,SOURCE', '--mountpoint', '{{ aegir_pack_export_path }}']},
			register: 'aegir_pack_mounted',
			changed_when: false,
			check_mode: false,
			failed_when: 'aegir_pack_mounted.rc not in [0, 1]',
		},
		// As the tool decides (nfs-client.ts mountState): the server's marker reading back there proves the pack's share, whatever findmnt calls it.
		{
			name: 'mount point: the pack\'s marker, when something is mounted there',
			'ansible.builtin.slurp': {src: '{{ aegir_pack_marker_file }}'},
			register: 'aegir_pack_marker_there',
			failed_when: false,
			check_mode: false,
			when: 'aegir_pack_mounted.rc == 0',
		},
		{
			name: 'mount point: never mount NFS over another file system',
			'ansible.builtin.fail': {msg: '{{ aegir_pack_export_path }} is already a mount point ({{ aegir_pack_mounted.stdout }}): refusing to mount NFS over it'},
			when: "aegir_pack_mounted.rc == 0 and aegir_pack_mounted.stdout.split()[0] not in ['nfs', 'nfs4'] and (aegir_pack_marker_there.content | default('') | b64decode) != aegir_pack_marker_content",
		},
		{
			name: 'mount point: what it holds when nothing is mounted there',
			'ansible.builtin.find': {paths: '{{ aegir_pack_export_path }}', hidden: true, file_type: 'any'},
			timeout: BOUNDED_SECONDS,
			register: 'aegir_pack_held',
			when: 'aegir_pack_mounted.rc == 1 and aegir_pack_mount_point.stat.exists and aegir_pack_mount_point.stat.isdir',
		},
		{
			name: 'mount point: files already there are never hidden under the mount',
			'ansible.builtin.fail': {
				msg: "{{ aegir_pack_export_path }} holds {{ aegir_pack_held.matched }} entries and is not this pack's mount: not hiding them under the NFS mount. Move them away yourself (or run aegir-pack with --move-aside), then run again",
			},
			when: 'aegir_pack_held.matched is defined and aegir_pack_held.matched > 0',
		},
		...shareDirectory('aegir_pack_mount_point', 'mount point', 'created owned by aegir'),
		{name: 'fstab: read it', 'ansible.builtin.slurp': {src: '{{ aegir_pack_fstab_file }}'}, register: 'aegir_pack_fstab'},
		{
			name: 'fstab: at most one entry for the mount point (aegir-pack apply merges several)',
			'ansible.builtin.fail': {msg: '{{ aegir_pack_fstab_file }} has several entries for {{ aegir_pack_export_path }}: keep one (aegir-pack apply does), then run again'},
			when: "(aegir_pack_fstab.content | b64decode).splitlines() | select('match', aegir_pack_fstab_entry_regexp) | list | length > 1",
		},
		{
			name: 'fstab: the pack\'s line, in place of any other entry for the mount point (validated, backup kept)',
			'ansible.builtin.lineinfile': {...fstabEdit, regexp: '{{ aegir_pack_fstab_entry_regexp }}', line: '{{ aegir_pack_fstab_line }}'},
		},
		{
			name: 'fstab: the pack\'s tag on the line above it (validated, backup kept)',
			'ansible.builtin.replace': {...fstabEdit, regexp: '{{ aegir_pack_fstab_tagged_regexp }}', replace: '{{ aegir_pack_fstab_tagged_replace }}'},
		},
		{
			name: 'the NFS server answers (else mount.nfs would wait two minutes)',
			'ansible.builtin.wait_for': {host: '{{ aegir_pack_nfs_server_address }}', port: '{{ aegir_pack_nfs_port }}', timeout: '{{ aegir_pack_wait_seconds }}'},
		},
		{
			name: 'mounted, from the entry just written (it leaves the line as it is)',
			'ansible.posix.mount': {
				path: '{{ aegir_pack_export_path }}',
				src: '{{ aegir_pack_fstab_source }}',
				fstype: 'nfs',
				opts: '{{ aegir_pack_fstab_options }}',
				dump: '0',
				passno: '0',
				state: 'mounted',
				backup: true,
				fstab: '{{ aegir_pack_fstab_file }}',
			},
		},
		{
			name: 'the server\'s marker, read through the mount',
			'ansible.builtin.slurp': {src: '{{ aegir_pack_marker_file }}'},
			register: 'aegir_pack_marker_read',
			timeout: BOUNDED_SECONDS,
			when: 'not ansible_check_mode',
		},
		{
			name: 'the marker is this pack\'s',
			'ansible.builtin.assert': {
				that: ['(aegir_pack_marker_read.content | b64decode) == aegir_pack_marker_content'],
				fail_msg: '{{ aegir_pack_export_path }} is mounted, but the marker written on {{ aegir_pack_nfs_server }} does not read back through it',
				quiet: true,
			},
			when: 'not ansible_check_mode',
		},
	],
};

const syncTask = (what: string, list: string, source: string, destination: string, opts: string): YamlValue => ({
	name: what,
	'ansible.posix.synchronize': {
		mode: 'push',
		src: `${source}/./{{ item }}`,
		dest: `${destination}/`,
		archive: true,
		compress: true,
		delete: true,
		// synchronize skips host key checking unless told: the keys are checked as every other connection's,
		// with the connection's own ssh settings (ssh_args, ssh_common_args: a known_hosts file, a jump host…).
		verify_host: true,
		use_ssh_args: true,
		rsync_path: '{{ aegir_pack_rsync_path }}',
		rsync_opts: `{{ ${opts} }}`,
	},
	loop: `{{ ${list} }}`,
	notify: 'aegir-pack web server',
});

const syncPlay: YamlValue = {
	name: 'aegir-pack: config and code, as Aegir\'s provision syncs them (skip with --skip-tags sync when Aegir runs its verify)',
	hosts: PACK_HOSTS,
	gather_facts: false,
	tags: ['sync'],
	tasks: [
		syncTask(
			'config: this head\'s own server_<name> and includes, as aegir',
			'aegir_pack_config_paths',
			'{{ aegir_pack_config_dir }}',
			'{{ aegir_pack_remote_config_dir }}',
			'aegir_pack_config_rsync_opts',
		),
		{
			name: 'config: where <app>.conf points now',
			'ansible.builtin.stat': {path: '{{ aegir_pack_remote_config_dir }}/{{ aegir_pack_config_link }}', follow: false, get_checksum: false},
			register: 'aegir_pack_link',
			when: 'aegir_pack_config_link and aegir_pack_config_paths | length > 0',
		},
		{
			name: 'config: <app>.conf a link to its own server_<name>/<app>.conf, made as aegir',
			'ansible.builtin.command': {
				argv: ['runuser', '-u', T.aegirUser, '--', 'ln', '-sfn', '--', '{{ aegir_pack_config_link_target }}', '{{ aegir_pack_remote_config_dir }}/{{ aegir_pack_config_link }}'],
			},
			when: 'aegir_pack_link.stat is defined and not (aegir_pack_link.stat.islnk | default(false) and aegir_pack_link.stat.lnk_target == aegir_pack_config_link_target)',
			notify: 'aegir-pack web server',
		},
		syncTask(
			'code: each platform without its sites, each site without its files/ and private/, to the master only, as aegir',
			'aegir_pack_code_platforms',
			'{{ aegir_pack_platforms_dir }}',
			'{{ aegir_pack_export_path }}',
			'aegir_pack_code_rsync_opts',
		),
	],
	handlers: [
		{
			name: 'aegir-pack web server',
			'ansible.builtin.shell': {
				// Tested, then reloaded gracefully only when running (a stopped web server is not started); any failure fails the host.
				cmd: [
					'rc=0',
					'if command -v apache2ctl >/dev/null 2>&1; then',
					'  if apache2ctl configtest; then if systemctl is-active --quiet apache2; then apache2ctl graceful || rc=1; fi; else rc=1; fi',
					'fi',
					'if command -v nginx >/dev/null 2>&1; then',
					'  if nginx -t; then if systemctl is-active --quiet nginx; then systemctl reload nginx || rc=1; fi; else rc=1; fi',
					'fi',
					'exit $rc',
				].join('\n'),
			},
		},
	],
};

/** The playbook: the same for every pack (every pack value is in the inventory). */
export function playbookValue(): YamlValue {
	return [checkPlay, packagesPlay, serverPlay, clientPlay, syncPlay];
}

function readme(pack: Pack, notes: readonly string[]): string {
	const lines = [
		`# Ansible export of an aegir-pack pack`,
		'',
		'Written by `aegir-pack export ansible`. `inventory.yml` holds the hosts (groups',
		'`nfs_server`, `nfs_clients`, `pack_master`) and every value of the pack;',
		'`site.yml` is the same for every pack.',
		'',
		'    ansible-playbook -i inventory.yml site.yml              # add -K when a login needs sudo',
		'    ansible-playbook -i inventory.yml site.yml --check --diff',
		'',
		'What it does, in order, as `aegir-pack` would:',
		'',
		'1. Checks every host before anything changes: apt is there, the aegir user and',
		'   group exist, and their uid/gid are the same on every host (else the play stops).',
		'2. Installs the packages each host needs (`nfs-kernel-server`, `nfs-common`, `rsync`).',
		'3. NFS server: the shared directory (owned by aegir; never through a link), the',
		'   marker file clients read back, the exports drop-in byte for byte as the tool',
		'   writes it (backup kept; `exportfs -ra`), `nfs-server` enabled and running.',
		'4. NFS clients: the mount point (never over a non-empty directory or another',
		'   file system), one `/etc/fstab` entry with the tag `# aegir-pack: <pack>` on the',
		'   line above (each edit validated with `findmnt --verify`, backup kept), the share',
		'   mounted, and the marker read back through it.',
		'5. Sync (tag `sync`): each head gets only its own `config/server_<name>` (and',
		'   `includes`), the master gets the platforms\' code without the sites\' `files/`',
		'   and `private/`, as the aegir user, with `--max-delete`. The lists were taken from',
		'   this machine when it was exported: export again after adding a platform or site.',
		'   **With Aegir on this machine**, run with `--skip-tags sync` and let Aegir\'s own',
		'   verify (or `aegir-pack`) sync afterwards.',
		'',
		'**Ansible runs do not take aegir-pack\'s pack lock**: do not run this playbook and',
		'`aegir-pack` on the same pack at the same time. `aegir-pack status` reads what',
		'either one set up. The export holds no secret: no key, no password (at most the',
		'path of an ssh identity file).',
		'',
	];
	if (notes.length > 0) lines.push('Not carried over:', '', ...notes.map(note => `- ${note.replace(/[^\x20-\x7e]/g, '?')}`), '');
	lines.push(`Pack: ${JSON.stringify(pack.name).replace(/[^\x20-\x7e]/g, '?')}`, '');
	return lines.join('\n');
}

/** The export of a pack: inventory, playbook, README. Throws ExportRefusedError when it could not match the tool. */
export function ansibleExport(pack: Pack, options: ResolvedPlanOptions): AnsibleExport {
	refuseDifferences(pack);
	const notes: string[] = options.aegirMode ? ['Aegir runs on this machine: its own verify syncs config and code (the sync play has nothing to do); let it run after the playbook'] : [];
	const inventory = toYaml(inventoryValue(pack, options, notes), [
		'aegir-pack export ansible: the pack\'s hosts and values. Every value is !unsafe (never templated).',
		'Change the pack with aegir-pack and export again, rather than editing this file.',
	]);
	const playbook = toYaml(playbookValue(), ['aegir-pack export ansible: ansible-playbook -i inventory.yml site.yml (see README.md)']);
	return {
		files: [
			{name: INVENTORY_FILE, content: inventory},
			{name: PLAYBOOK_FILE, content: playbook},
			{name: README_FILE, content: readme(pack, notes)},
		],
		notes,
	};
}
