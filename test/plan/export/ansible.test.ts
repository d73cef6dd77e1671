// The Ansible export (issue 14): the inventory carries the pack's values exactly
// as the tool uses them (the exports drop-in, the fstab line and tag, the
// marker, the packages: pinned against the tool's own generators), every one
// !unsafe and quoted, and a hostile pack value can change neither the
// inventory's structure nor the playbook (which holds no pack value at all).
import {spawnSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {
	ansibleExport,
	ExportRefusedError,
	fstabValidateCommand,
	INVENTORY_FILE,
	playbookValue,
	PLAYBOOK_FILE,
	pythonRegexLiteral,
	pythonReplacementLiteral,
	README_FILE,
} from '../../../source/plan/export/ansible.js';
import {dropInContent, dropInPath} from '../../../source/plan/exports-file.js';
import {effectiveMountOptions, fstabLine, fstabTag, nfsSource} from '../../../source/plan/fstab.js';
import {resolvePlanOptions, type PlanOptions} from '../../../source/plan/options.js';
import {packagesOf, situationOf} from '../../../source/plan/role-steps.js';
import {markerContent} from '../../../source/plan/steps/nfs-server.js';
import {FSTAB_VALIDATE} from '../../../source/shell/safe-edit.js';
import {packHosts, type Pack, type PackFields} from '../../../source/pack/types.js';
import {forgedPackForTests} from '../../pack/trusted-pack.js';
import {makePack, makePackFields, web2, web3} from '../../pack/fixtures.js';
import {HOSTILE, parseYaml} from './yaml-helpers.js';

type Unsafe = {unsafe: string};
type Inventory = {
	all: {
		hosts: Record<string, Record<string, unknown>>;
		vars: Record<string, unknown>;
		children: Record<string, {hosts: Record<string, unknown>}>;
	};
};

function exported(pack: Pack, planOptions: PlanOptions = {}) {
	const result = ansibleExport(pack, resolvePlanOptions(planOptions));
	const file = (name: string) => result.files.find(candidate => candidate.name === name)!.content;
	return {result, inventory: parseYaml(file(INVENTORY_FILE)) as Inventory, playbook: parseYaml(file(PLAYBOOK_FILE)), text: file};
}

const value = (entry: unknown) => (entry as Unsafe).unsafe;

/** Every string leaf of a parsed inventory must carry !unsafe: plain strings are only the keys. */
function plainStrings(node: unknown, path = ''): string[] {
	if (typeof node === 'string') return [path];
	if (Array.isArray(node)) return node.flatMap((item, index) => plainStrings(item, `${path}[${index}]`));
	if (node && typeof node === 'object') {
		if (Object.keys(node).length === 1 && typeof (node as Unsafe).unsafe === 'string') return [];
		return Object.entries(node).flatMap(([key, item]) => plainStrings(item, `${path}.${key}`));
	}
	return [];
}

/** The pack's own values as the inventory must carry them: each one a string tagged !unsafe. */
function packValuesTagged(pack: Pack) {
	return {
		aegir_pack_name: {unsafe: pack.name},
		aegir_pack_export_path: {unsafe: pack.exportPath},
		aegir_pack_subnets: pack.subnets.map(subnet => ({unsafe: subnet})),
		aegir_pack_export_options: {unsafe: pack.exportOptions},
		aegir_pack_mount_options: {unsafe: pack.mountOptions},
	};
}

describe('the inventory', () => {
	const pack = makePack();
	const {inventory, result} = exported(pack);

	it('has every host with its address, port and user, in the groups nfs_server, nfs_clients and pack_master', () => {
		expect(Object.keys(inventory.all.hosts)).toEqual(['web1', 'web2', 'web3']);
		expect(inventory.all.hosts['web3']).toMatchObject({
			ansible_host: {unsafe: '192.0.2.13'},
			ansible_port: 2222,
			ansible_user: {unsafe: 'deploy'},
			ansible_become: true,
			ansible_ssh_private_key_file: {unsafe: '~/.ssh/pack_ed25519'},
		});
		expect(inventory.all.hosts['web1']).toMatchObject({ansible_user: {unsafe: 'root'}, ansible_become: false});
		expect(inventory.all.hosts['web1']).not.toHaveProperty('ansible_ssh_private_key_file');
		expect(inventory.all.children).toEqual({
			nfs_server: {hosts: {web1: {}}},
			nfs_clients: {hosts: {web2: {}, web3: {}}},
			pack_master: {hosts: {web1: {}}},
		});
	});

	it('carries the pack\'s values, every string tagged !unsafe', () => {
		expect(inventory.all.vars).toMatchObject({
			...packValuesTagged(pack),
			aegir_pack_nfs_server: {unsafe: 'web1'},
			aegir_pack_master: {unsafe: 'web1'},
			aegir_pack_slaves: [{unsafe: 'web2'}, {unsafe: 'web3'}],
		});
		expect(plainStrings(inventory)).toEqual([]);
	});

	it('holds the tool\'s own exports drop-in, fstab line and tag, marker and packages (one place per fact)', () => {
		const vars = inventory.all.vars;
		expect(value(vars['aegir_pack_exports_content'])).toBe(dropInContent(pack));
		expect(value(vars['aegir_pack_exports_file'])).toBe(dropInPath('/etc/exports.d', pack.name));
		expect(value(vars['aegir_pack_fstab_line'])).toBe(fstabLine(pack));
		expect(value(vars['aegir_pack_fstab_tag'])).toBe(fstabTag(pack.name));
		expect(value(vars['aegir_pack_fstab_source'])).toBe(nfsSource(pack.nfsServer.address, pack.exportPath));
		expect(value(vars['aegir_pack_fstab_options'])).toBe(effectiveMountOptions(pack));
		// The fields the mount module writes make exactly the tool's line.
		expect(`${value(vars['aegir_pack_fstab_source'])} ${value(vars['aegir_pack_export_path'])} nfs ${value(vars['aegir_pack_fstab_options'])} 0 0`).toBe(fstabLine(pack));
		expect(value(vars['aegir_pack_marker_content'])).toBe(markerContent(pack));
		expect(value(vars['aegir_pack_marker_file'])).toBe('/var/aegir/platforms/.aegir-pack-marker');
		for (const host of packHosts(pack)) {
			const packages = packagesOf(situationOf(pack, host, resolvePlanOptions()));
			expect((inventory.all.hosts[host.name]!['aegir_pack_packages'] as Unsafe[]).map(value), host.name).toEqual(packages);
		}
	});

	it('holds no secret: no password or key material, at most an identity file path', () => {
		const text = JSON.stringify(inventory);
		expect(text).not.toMatch(/password|PRIVATE KEY|ansible_ssh_pass|ansible_become_pass/i);
		expect(result.files.map(file => file.name)).toEqual([INVENTORY_FILE, PLAYBOOK_FILE, README_FILE]);
	});
});

describe('the playbook', () => {
	it('is the same for every pack: no pack value in it', () => {
		const plain = exported(makePack()).text(PLAYBOOK_FILE);
		const other = exported(makePack({name: 'other.example.org', exportPath: '/var/www/code', subnets: ['192.0.2.0/25'], mountOptions: 'rw,soft'})).text(PLAYBOOK_FILE);
		expect(other).toBe(plain);
		expect(plain).not.toContain('pack.example.com');
		expect(plain).not.toContain('192.0.2.');
	});

	it('checks aegir\'s uid/gid on every host in its first play, before any change, stopping every host on a mismatch', () => {
		const plays = exported(makePack()).playbook as Array<{name: string; any_errors_fatal?: boolean; tasks: Array<Record<string, unknown>>; tags?: string[]}>;
		expect(plays[0]!.name).toContain('before anything changes');
		expect(plays[0]!.any_errors_fatal).toBe(true);
		expect(plays[0]!.tags).toEqual(['always']);
		const modules = (play: (typeof plays)[number]) => play.tasks.flatMap(task => Object.keys(task).filter(key => key.startsWith('ansible.')));
		expect(modules(plays[0]!).every(name => ['ansible.builtin.stat', 'ansible.builtin.assert', 'ansible.builtin.getent', 'ansible.builtin.set_fact'].includes(name))).toBe(true);
		expect(JSON.stringify(plays[0])).toContain("map('extract', hostvars, 'aegir_pack_ids') | unique | length == 1");
		expect(plays.at(-1)!.tags).toEqual(['sync']);
	});

	it('uses only modules of Debian 12\'s ansible package: ansible.builtin and ansible.posix', () => {
		const text = JSON.stringify(playbookValue());
		const modules = new Set([...text.matchAll(/"(ansible\.[a-z_]+\.[a-z_]+)"/g)].map(match => match[1]!));
		expect([...modules].every(name => name.startsWith('ansible.builtin.') || ['ansible.posix.mount', 'ansible.posix.synchronize'].includes(name))).toBe(true);
		expect(modules).toContain('ansible.posix.mount');
	});

	it('edits fstab only validated (the tool\'s findmnt check) and backed up; the drop-in backed up', () => {
		const tasks = (playbookValue() as Array<{tasks: Array<Record<string, Record<string, unknown>>>}>).flatMap(play => play.tasks);
		const argsOf = (module: string) => tasks.filter(task => module in task).map(task => task[module]!);
		const fstabEdits = [...argsOf('ansible.builtin.lineinfile'), ...argsOf('ansible.builtin.replace')];
		expect(fstabEdits).toHaveLength(2);
		for (const args of fstabEdits) expect(args).toMatchObject({path: '{{ aegir_pack_fstab_file }}', backup: true, validate: '{{ aegir_pack_fstab_validate }}'});
		expect(argsOf('ansible.builtin.copy')).toContainEqual(expect.objectContaining({content: '{{ aegir_pack_exports_content }}', backup: true}));
		expect(argsOf('ansible.posix.mount')).toEqual([expect.objectContaining({state: 'mounted', backup: true, opts: '{{ aegir_pack_fstab_options }}'})]);
	});

	// Found by the lab run (test/e2e/ansible-export.test.ts): each of these failed a fresh or a tool-applied host.
	it('creates /etc/exports.d when missing (nfs-kernel-server ships none), as the tool\'s edit does, before the drop-in', () => {
		const tasks = (playbookValue() as Array<{tasks: Array<Record<string, unknown>>}>).flatMap(play => play.tasks);
		const create = tasks.findIndex(task => JSON.stringify(task['ansible.builtin.file'] ?? {}).includes('aegir_pack_exports_file | dirname'));
		const dropIn = tasks.findIndex(task => JSON.stringify(task['ansible.builtin.copy'] ?? {}).includes('aegir_pack_exports_content'));
		expect(create).toBeGreaterThanOrEqual(0);
		expect(create).toBeLessThan(dropIn);
		expect(tasks[create]).toMatchObject({'ansible.builtin.file': {state: 'directory', mode: '0755'}, when: 'not aegir_pack_exports_dir.stat.exists'});
	});

	it('takes a mount point whose marker reads back as the pack\'s share, whatever findmnt calls it (the tool\'s rule), and refuses anything else not NFS', () => {
		const tasks = (playbookValue() as Array<{tasks: Array<Record<string, unknown>>}>).flatMap(play => play.tasks);
		const refusal = tasks.find(task => task['name'] === 'mount point: never mount NFS over another file system')!;
		expect(refusal['when']).toContain("not in ['nfs', 'nfs4']");
		expect(refusal['when']).toContain("(aegir_pack_marker_there.content | default('') | b64decode) != aegir_pack_marker_content");
	});

	it('syncs with the connection\'s own ssh settings (its known_hosts file among them), host keys checked', () => {
		const tasks = (playbookValue() as Array<{tasks: Array<Record<string, Record<string, unknown>>>}>).flatMap(play => play.tasks);
		const syncs = tasks.filter(task => 'ansible.posix.synchronize' in task).map(task => task['ansible.posix.synchronize']);
		expect(syncs).toHaveLength(2);
		for (const args of syncs) expect(args).toMatchObject({verify_host: true, use_ssh_args: true});
	});
});

/** Every text field of a pack set to one hostile value (host names too), past validation. */
function hostilePack(evil: string): Pack {
	const host = (name: string, address: string) => ({name: `${name}${evil}`, address, port: 22, user: `u${evil}`, identityFile: `/k${evil}`});
	const master = host('web1', `192.0.2.11${evil}`);
	const fields: PackFields = {
		...makePackFields(),
		name: `pack${evil}`,
		master,
		slaves: [host('web2', '192.0.2.12'), host('web3', '192.0.2.13')],
		nfsServer: master,
		exportPath: `/var/aegir/platforms${evil}`,
		subnets: [`192.0.2.0/24${evil}`, evil],
		exportOptions: `rw,sync${evil}`,
		mountOptions: `rw,hard${evil}`,
	};
	return forgedPackForTests(fields);
}

/** What the mount module would write differently: refused, not exported (tested below). */
const WRITABLE = HOSTILE.filter(evil => !/[&\u0000-\u001f\u007f]/.test(evil));

describe('a hostile pack value cannot inject anything', () => {
	const benign = exported(hostilePack(''));

	it.each(WRITABLE)('%j: the inventory keeps its shape, every value reads back exactly, the playbook is unchanged', evil => {
		const pack = hostilePack(evil);
		const {inventory, text} = exported(pack);
		expect(Object.keys(inventory)).toEqual(['all']);
		expect(Object.keys(inventory.all)).toEqual(['hosts', 'vars', 'children']);
		expect(Object.keys(inventory.all.hosts)).toEqual(packHosts(pack).map(host => host.name));
		expect(Object.keys(inventory.all.vars)).toEqual(Object.keys(benign.inventory.all.vars));
		for (const host of packHosts(pack)) {
			expect(Object.keys(inventory.all.hosts[host.name]!)).toEqual(Object.keys(benign.inventory.all.hosts['web1']!));
			expect(inventory.all.hosts[host.name]).toMatchObject({ansible_host: {unsafe: host.address}, ansible_user: {unsafe: host.user}, ansible_ssh_private_key_file: {unsafe: host.identityFile}});
		}
		expect(inventory.all.vars).toMatchObject({
			...packValuesTagged(pack),
			aegir_pack_exports_content: {unsafe: dropInContent(pack)},
			aegir_pack_fstab_line: {unsafe: fstabLine(pack)},
		});
		expect(plainStrings(inventory)).toEqual([]);
		expect(Object.keys(inventory.all.children)).toEqual(['nfs_server', 'nfs_clients', 'pack_master']);
		expect(text(PLAYBOOK_FILE)).toBe(benign.text(PLAYBOOK_FILE));
		// The README says the pack's name on one printable line only.
		expect(text(README_FILE)).toMatch(/^[\x20-\x7e\n]*$/);
	});

	it.each(['/var/aegir/a&b', '/var/aegir/line\nbreak', '/var/aegir/tab\there'])('a path the mount module would write differently (%j) is refused, nothing exported', exportPath => {
		expect(() => ansibleExport(forgedPackForTests({...makePackFields(), exportPath}), resolvePlanOptions())).toThrow(ExportRefusedError);
	});
});

const python = spawnSync('python3', ['-c', 'import re, shlex'], {encoding: 'utf8'}).status === 0;

/** Run a Python snippet with JSON in, JSON out. */
function py(script: string, input: unknown): unknown {
	const result = spawnSync('python3', ['-c', `import json, re, shlex, sys\ndata = json.load(sys.stdin)\n${script}`], {input: JSON.stringify(input), encoding: 'utf8'});
	expect(result.stderr).toBe('');
	return JSON.parse(result.stdout);
}

describe.skipIf(!python)('what Python (Ansible\'s re and shlex) reads back', () => {
	const texts = [...HOSTILE.filter(text => !text.includes('\0')), '# aegir-pack: p\\n/dev/sda1 / ext4 defaults 0 0', '\\1 \\g<0> $1'];

	it('a regex literal matches exactly its text; a replacement writes exactly its text', () => {
		const answers = py(
			'print(json.dumps([[bool(re.fullmatch(pattern, text)), re.sub("^.*$", replacement, "x", flags=re.S)] for text, pattern, replacement in data]))',
			texts.map(text => [text, pythonRegexLiteral(text), pythonReplacementLiteral(text)]),
		) as Array<[boolean, string]>;
		expect(answers).toEqual(texts.map(text => [true, text]));
	});

	it('the fstab validator reaches sh as the tool\'s script, with the temp file and the original', () => {
		const words = py('print(json.dumps(shlex.split(data % "/tmp/new fstab")))', fstabValidateCommand('/etc/fstab'));
		expect(words).toEqual(['sh', '-c', FSTAB_VALIDATE, 'aegir-pack-validate', '/tmp/new', 'fstab', '/etc/fstab']);
	});

	it('rsync options survive synchronize joining them into one command line, site names with blanks and quotes included', () => {
		const platforms = {state: 'directory' as const, entries: [{path: "d10 'x'", type: 'directory' as const}], sites: ["d10 'x'/sites/a \"b\" --rsync-path=evil"]};
		const options = {localSources: {'/var/aegir/platforms': platforms}};
		const {inventory} = exported(makePack(), options);
		const opts = (inventory.all.hosts['web1']!['aegir_pack_code_rsync_opts'] as Unsafe[]).map(value);
		const words = py('print(json.dumps(shlex.split(" ".join(data))))', opts) as string[];
		expect(words).toContain("--exclude=/d10 'x'/sites/a \"b\" --rsync-path=evil/files/*");
		expect(words.filter(word => word.startsWith('--rsync-path'))).toEqual([]);
	});
});

describe('sync data', () => {
	it('with Aegir on this machine nothing is synced by the playbook, as in the tool\'s runs', () => {
		const {inventory, result} = exported(makePack(), {aegirMode: true});
		for (const host of Object.values(inventory.all.hosts)) {
			expect(host['aegir_pack_config_paths']).toEqual([]);
			expect(host['aegir_pack_code_platforms']).toEqual([]);
		}
		expect(result.notes[0]).toContain('Aegir runs on this machine');
	});

	it('each head its own server_<name>, the code to the master only, as provision sends them', () => {
		const config = {state: 'directory' as const, entries: [
			{path: 'server_web1', type: 'directory' as const}, {path: 'server_web1/apache.conf', type: 'file' as const},
			{path: 'server_web2', type: 'directory' as const}, {path: 'includes', type: 'directory' as const},
		], sites: []};
		const platforms = {state: 'directory' as const, entries: [{path: 'drupal10', type: 'directory' as const}], sites: ['drupal10/sites/a.example.com']};
		const {inventory} = exported(makePack({slaves: [web2, web3]}), {localSources: {'/var/aegir/config': config, '/var/aegir/platforms': platforms}});
		const hosts = inventory.all.hosts;
		expect((hosts['web1']!['aegir_pack_config_paths'] as Unsafe[]).map(value)).toEqual(['server_web1', 'includes']);
		expect(hosts['web1']!['aegir_pack_config_link']).toEqual({unsafe: 'apache.conf'});
		expect((hosts['web2']!['aegir_pack_config_paths'] as Unsafe[]).map(value)).toEqual(['server_web2', 'includes']);
		expect(hosts['web3']!['aegir_pack_config_paths']).toEqual([]);
		expect((hosts['web1']!['aegir_pack_code_platforms'] as Unsafe[]).map(value)).toEqual(['drupal10']);
		expect(hosts['web2']!['aegir_pack_code_platforms']).toEqual([]);
		const opts = (hosts['web1']!['aegir_pack_code_rsync_opts'] as Unsafe[]).map(value);
		expect(opts).toContain("'--exclude=/drupal10/sites/a.example.com/files/*'");
		expect(opts).toContain("'--exclude=/drupal10/sites/a.example.com/private/*'");
		expect(opts).toContain('--max-delete=100');
		expect((hosts['web1']!['aegir_pack_rsync_path'] as Unsafe).unsafe).toBe('runuser -u aegir -- rsync');
		expect((hosts['web3']!['aegir_pack_rsync_path'] as Unsafe).unsafe).toBe('sudo -n -u aegir -- rsync');
	});
});
