// The export's file edits run by the real ansible-playbook (Debian's ansible
// package; skipped, loudly, where it is not installed) on this machine, on
// temp files: the fstab tasks leave exactly the tool's own edit (editFstab with
// the tool's entry), migrate the earlier one-line form, and a second run
// changes nothing; the exports drop-in is the tool's byte for byte; a hostile
// pack value is never templated. Only the tasks that edit these files run
// (connection local): no package, service or mount is touched.
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ansibleExport, inventoryValue, playbookValue} from '../../../source/plan/export/ansible.js';
import {toYaml, type YamlValue} from '../../../source/plan/export/yaml.js';
import {dropInContent, dropInPath} from '../../../source/plan/exports-file.js';
import {editFstab, fstabEntry, legacyFstabLine} from '../../../source/plan/fstab.js';
import {resolvePlanOptions} from '../../../source/plan/options.js';
import type {Pack} from '../../../source/pack/types.js';
import {forgedPackForTests} from '../../pack/trusted-pack.js';
import {makePackFields} from '../../pack/fixtures.js';
import {HOSTILE} from './yaml-helpers.js';

const ansible = spawnSync('ansible-playbook', ['--version'], {encoding: 'utf8'}).status === 0;
if (!ansible) console.warn('ansible-playbook is not installed: the export\'s tasks are not run here (apt-get install ansible)');

type Task = Record<string, YamlValue>;
type Play = {tasks: Task[]};

/** The playbook's own tasks, by name, as the export writes them. */
function tasksNamed(prefix: string): Task[] {
	return (playbookValue() as unknown as Play[]).flatMap(play => play.tasks).filter(task => String(task['name']).startsWith(prefix));
}

let box: string;
beforeEach(() => {
	box = mkdtempSync(join(tmpdir(), 'aegir-pack-ansible-'));
});
afterEach(() => {
	rmSync(box, {recursive: true, force: true});
});

function sandboxPack(overrides: Partial<Parameters<typeof makePackFields>[0]> = {}): Pack {
	const share = join(box, 'platforms');
	mkdirSync(share, {recursive: true});
	return forgedPackForTests({...makePackFields(), exportPath: share, ...overrides});
}

/** Run the named tasks of the playbook on this machine, with the pack's inventory values; the recap line. */
function runTasks(pack: Pack, tasks: Task[]): {recap: string; output: string} {
	const options = resolvePlanOptions({fstabPath: join(box, 'fstab'), exportsDir: join(box, 'exports.d')});
	const inventory = inventoryValue(pack, options) as {all: {vars: YamlValue}};
	const local: YamlValue = {all: {hosts: {local: {ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3'}}, vars: inventory.all.vars}};
	writeFileSync(join(box, 'inventory.yml'), toYaml(local));
	writeFileSync(join(box, 'play.yml'), toYaml([{name: 'export tasks', hosts: 'all', gather_facts: false, tasks}]));
	const result = spawnSync('ansible-playbook', ['-i', join(box, 'inventory.yml'), join(box, 'play.yml')], {
		cwd: box,
		encoding: 'utf8',
		env: {...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(box, '.ansible-tmp'), ANSIBLE_RETRY_FILES_ENABLED: '0'},
	});
	const output = `${result.stdout}${result.stderr}`;
	expect(result.status, output).toBe(0);
	return {recap: output.split('\n').find(line => line.startsWith('local '))!, output};
}

const fstabTasks = () => tasksNamed('fstab:');

/** The exports drop-in task without its owner and group (the test may run as any user). */
function dropInTask(): Task {
	const task = tasksNamed("exports drop-in: the tool's file")[0]!;
	const {owner: _owner, group: _group, ...args} = task['ansible.builtin.copy'] as Record<string, YamlValue>;
	const {notify: _notify, ...rest} = task;
	return {...rest, 'ansible.builtin.copy': args};
}

const HEADER = '# /etc/fstab: static file system information.\nproc /proc proc defaults 0 0\n';

// ansible-playbook takes seconds to start, more on a loaded machine: a bound, not a measure.
describe.skipIf(!ansible)('the playbook\'s fstab and exports tasks, run by ansible-playbook', {timeout: 180_000}, () => {
	it.each([
		['a fresh fstab', (_pack: Pack) => HEADER],
		['the earlier one-line form (tag after the fields)', (pack: Pack) => `${HEADER}${legacyFstabLine(pack)}\n# after\n`],
		['a bare line without the tag', (pack: Pack) => `${HEADER}${fstabEntry(pack).split('\n')[1]}\n`],
		['another server\'s entry for the mount point', (pack: Pack) => `${HEADER}10.0.0.9:/old ${pack.exportPath}/ nfs defaults 0 0\n`],
		['the tool\'s own entry already', (pack: Pack) => `${HEADER}${fstabEntry(pack)}\n`],
	])('%s: exactly the tool\'s edit (one entry, tag above), backed up; a second run changes nothing', (_what, before) => {
		const pack = sandboxPack();
		const fstab = join(box, 'fstab');
		const initial = before(pack);
		writeFileSync(fstab, initial);
		const wanted = editFstab(initial, pack.exportPath, fstabEntry(pack));
		const first = runTasks(pack, fstabTasks());
		expect(readFileSync(fstab, 'utf8')).toBe(wanted.content);
		expect(first.recap).toMatch(wanted.changed ? /changed=[12]\b/ : /changed=0\b/);
		if (wanted.changed) expect(readdirSync(box).some(name => name.startsWith('fstab.') && readFileSync(join(box, name), 'utf8') === initial)).toBe(true);
		const second = runTasks(pack, fstabTasks());
		expect(second.recap).toMatch(/changed=0\b/);
		expect(readFileSync(fstab, 'utf8')).toBe(wanted.content);
	});

	it('refuses an fstab with two entries for the mount point, changing nothing', () => {
		const pack = sandboxPack();
		const fstab = join(box, 'fstab');
		const initial = `${HEADER}a:/x ${pack.exportPath} nfs rw 0 0\nb:/y ${pack.exportPath} nfs rw 0 0\n`;
		writeFileSync(fstab, initial);
		expect(() => runTasks(pack, fstabTasks())).toThrow(/several entries/);
		expect(readFileSync(fstab, 'utf8')).toBe(initial);
	});

	it('the exports drop-in is the tool\'s, byte for byte; a second run changes nothing', () => {
		const pack = sandboxPack({subnets: ['192.0.2.0/24', '2001:db8::/64']});
		mkdirSync(join(box, 'exports.d'));
		runTasks(pack, [dropInTask()]);
		const target = dropInPath(join(box, 'exports.d'), pack.name);
		expect(readFileSync(target, 'utf8')).toBe(dropInContent(pack));
		expect(runTasks(pack, [dropInTask()]).recap).toMatch(/changed=0\b/);
	});

	it('a hostile pack value is written as text, never templated or run', () => {
		const evil = "{{ lookup('pipe', 'touch pwned1') }}{% set x = lookup('pipe', 'touch pwned2') %}";
		const pack = sandboxPack({name: `p${evil}`, exportOptions: `rw,sync${evil}`});
		mkdirSync(join(box, 'exports.d'));
		writeFileSync(join(box, 'fstab'), HEADER);
		runTasks(pack, [dropInTask(), ...fstabTasks()]);
		expect(existsSync(join(box, 'pwned1')) || existsSync(join(box, 'pwned2'))).toBe(false);
		expect(readFileSync(dropInPath(join(box, 'exports.d'), pack.name), 'utf8')).toBe(dropInContent(pack));
		expect(readFileSync(join(box, 'fstab'), 'utf8')).toBe(`${HEADER}${fstabEntry(pack)}\n`);
	});

	it('Ansible\'s own loader reads every hostile value back exactly, as unsafe text, in the inventory\'s shape', () => {
		for (const evil of HOSTILE.filter(text => !/[&\u0000-\u001f\u007f]/.test(text))) {
			const pack = forgedPackForTests({...makePackFields(), name: `p${evil}`, exportPath: `/var/aegir/p${evil}`, exportOptions: `rw${evil}`, subnets: [evil]});
			const inventory = ansibleExport(pack, resolvePlanOptions()).files[0]!.content;
			writeFileSync(join(box, 'inventory.yml'), inventory);
			const listed = spawnSync('ansible-inventory', ['-i', join(box, 'inventory.yml'), '--list', '--export'], {encoding: 'utf8', env: {...process.env, ANSIBLE_NOCOLOR: '1'}});
			expect(listed.status, listed.stderr).toBe(0);
			expect(listed.stderr).not.toMatch(/WARNING|ERROR/);
			const data = JSON.parse(listed.stdout) as {all: {children: string[]; vars: Record<string, unknown>}; nfs_clients: {hosts: string[]}};
			expect(data.all.children.sort()).toEqual(['nfs_clients', 'nfs_server', 'pack_master', 'ungrouped'].sort());
			expect(data.nfs_clients.hosts).toEqual(['web2', 'web3']);
			expect(data.all.vars['aegir_pack_name']).toEqual({__ansible_unsafe: pack.name});
			expect(data.all.vars['aegir_pack_export_path']).toEqual({__ansible_unsafe: pack.exportPath});
			expect(data.all.vars['aegir_pack_export_options']).toEqual({__ansible_unsafe: pack.exportOptions});
			expect(data.all.vars['aegir_pack_subnets']).toEqual([{__ansible_unsafe: evil}]);
			expect(data.all.vars['aegir_pack_exports_content']).toEqual({__ansible_unsafe: dropInContent(pack)});
		}
	});
});
