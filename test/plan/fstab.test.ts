import {describe, expect, it} from 'vitest';
import {editFstab, effectiveMountOptions, fstabEntry, fstabLine, fstabMountPoint, fstabTag, legacyFstabLine, nfsSource} from '../../source/plan/fstab.js';
import {DEFAULT_EXPORT_OPTIONS, DEFAULT_MOUNT_OPTIONS, type PackFields} from '../../source/pack/types.js';

const host = (name: string, address: string) => ({name, address, port: 22, user: 'root'});

function pack(overrides: Partial<PackFields> = {}): PackFields {
	const master = host('master', '192.0.2.10');
	return {
		name: 'pack.example.com',
		master,
		slaves: [host('web1', '192.0.2.11')],
		nfsServer: master,
		exportPath: '/var/aegir/platforms',
		subnets: ['192.0.2.0/24'],
		exportOptions: DEFAULT_EXPORT_OPTIONS,
		mountOptions: DEFAULT_MOUNT_OPTIONS,
		...overrides,
	};
}

// Every client mount gets nosuid,nodev, whatever the pack stores (issue 11).
// Issue 14: a standard six-field line (ansible.posix.mount reads it), the tag a comment line directly above.
const TAG = '# aegir-pack: pack.example.com';
const LINE = '192.0.2.10:/var/aegir/platforms /var/aegir/platforms nfs rw,hard,_netdev,nofail,nosuid,nodev 0 0';
const ENTRY = `${TAG}\n${LINE}`;
const OLD_FORM = `${LINE}  ${TAG}`;

describe('fstab line', () => {
	it('is <server>:<path> <path> nfs <options> 0 0, six fields, under a comment line naming the pack', () => {
		expect(fstabLine(pack())).toBe(LINE);
		expect(fstabLine(pack()).split(' ')).toHaveLength(6);
		expect(fstabTag('pack.example.com')).toBe(TAG);
		expect(fstabEntry(pack())).toBe(ENTRY);
		expect(legacyFstabLine(pack())).toBe(OLD_FORM);
	});

	it('always carries nosuid,nodev: added to what the pack stores, suid and dev dropped', () => {
		expect(effectiveMountOptions({mountOptions: 'rw,hard,_netdev,nofail'})).toBe('rw,hard,_netdev,nofail,nosuid,nodev');
		expect(effectiveMountOptions({mountOptions: 'rw,nodev,hard'})).toBe('rw,nodev,hard,nosuid');
		expect(effectiveMountOptions({mountOptions: 'rw,suid,dev'})).toBe('rw,nosuid,nodev');
		expect(effectiveMountOptions({mountOptions: 'rw,hard,nosuid,nodev'})).toBe('rw,hard,nosuid,nodev');
	});

	it('replaces an entry an earlier version wrote without nosuid,nodev', () => {
		const old = '192.0.2.10:/var/aegir/platforms /var/aegir/platforms nfs rw,hard,_netdev,nofail 0 0  # aegir-pack: pack.example.com';
		expect(editFstab(`# fstab\n${old}\n`, '/var/aegir/platforms', fstabEntry(pack()))).toMatchObject({
			changed: true,
			action: 'replaced',
			content: `# fstab\n${ENTRY}\n`,
		});
	});

	it('puts an IPv6 server in brackets', () => {
		expect(nfsSource('2001:db8::1', '/var/aegir/platforms')).toBe('[2001:db8::1]:/var/aegir/platforms');
		expect(fstabLine(pack({nfsServer: host('nfs', '2001:db8::1')}))).toMatch(/^\[2001:db8::1\]:\/var\/aegir\/platforms /);
	});

	it('never lets a hostile value split the line or start a new one', () => {
		const line = fstabLine(
			pack({name: 'evil\n/dev/sda1 / ext4 defaults 0 0', exportPath: '/var/aegir/plat forms\tx', mountOptions: 'rw\nbad'}),
		);
		expect(line).not.toContain('\n');
		expect(line).not.toContain('\t');
		expect(fstabEntry(pack({name: 'evil\n/dev/sda1 / ext4 defaults 0 0'})).split('\n')).toEqual(['# aegir-pack: evil?/dev/sda1 / ext4 defaults 0 0', LINE]);
		const fields = line.split(' ');
		expect(fields).toHaveLength(6);
		expect(fields[1]).toBe('/var/aegir/plat\\040forms\\011x');
		expect(fstabMountPoint(line)).toBe('/var/aegir/plat forms\tx');
	});
});

describe('editing /etc/fstab', () => {
	const header = '# /etc/fstab: static file system information.\n#\n';
	const root = 'UUID=1234   /      ext4   errors=remount-ro 0       1\n';

	it('appends the entry, keeping every other line byte for byte', () => {
		const current = `${header}${root}\n# trailing comment\n`;
		const result = editFstab(current, '/var/aegir/platforms', ENTRY);
		expect(result).toMatchObject({changed: true, action: 'appended'});
		expect(result.content).toBe(`${current}${ENTRY}\n`);
	});

	it('adds the missing final newline before appending', () => {
		const result = editFstab(`${header}${root.trimEnd()}`, '/var/aegir/platforms', ENTRY);
		expect(result.content).toBe(`${header}${root}${ENTRY}\n`);
	});

	it('changes nothing when exactly our entry is there', () => {
		const current = `${header}${root}${ENTRY}\n`;
		expect(editFstab(current, '/var/aegir/platforms', ENTRY)).toEqual({content: current, changed: false, action: 'unchanged', removed: []});
	});

	it('replaces a different entry for the mount point in place', () => {
		const old = 'oldnfs:/export/platforms  /var/aegir/platforms/  nfs  defaults  0 0';
		const current = `${header}${old}\n${root}`;
		const result = editFstab(current, '/var/aegir/platforms', ENTRY);
		expect(result).toMatchObject({changed: true, action: 'replaced', removed: [old]});
		expect(result.content).toBe(`${header}${ENTRY}\n${root}`);
	});

	it('leaves exactly one entry when there were several', () => {
		const first = 'a:/x /var/aegir/platforms nfs rw 0 0';
		const second = 'b:/y /var/aegir/platforms nfs rw 0 0';
		const current = `${first}\n${root}${second}\n${ENTRY}\n`;
		const result = editFstab(current, '/var/aegir/platforms', ENTRY);
		expect(result.removed).toEqual([first, second, TAG, LINE]);
		expect(result.content).toBe(`${ENTRY}\n${root}`);
		expect(result.content.split('\n').filter(line => fstabMountPoint(line) === '/var/aegir/platforms')).toHaveLength(1);
	});

	it('ignores commented-out entries and other mount points that merely start the same', () => {
		const current = `#a:/x /var/aegir/platforms nfs rw 0 0\nc:/z /var/aegir/platforms2 nfs rw 0 0\n`;
		const result = editFstab(current, '/var/aegir/platforms', ENTRY);
		expect(result.action).toBe('appended');
		expect(result.content).toBe(`${current}${ENTRY}\n`);
	});

	it('creates the file when there is none', () => {
		expect(editFstab(undefined, '/var/aegir/platforms', ENTRY)).toMatchObject({content: `${ENTRY}\n`, action: 'created'});
	});

	it('matches a mount point written with octal escapes', () => {
		const current = 'a:/x /srv/my\\040share nfs rw 0 0\n';
		const result = editFstab(current, '/srv/my share', 'new line');
		expect(result.action).toBe('replaced');
		expect(result.content).toBe('new line\n');
	});
});

describe('the earlier one-line form (issue 14): migrated on the next apply', () => {
	const header = '# /etc/fstab\nUUID=1 / ext4 defaults 0 1\n';

	it('an entry with its tag after the fields becomes exactly one entry in the new form, in place; a second edit changes nothing', () => {
		const tail = 'tmpfs /tmp tmpfs defaults 0 0\n';
		const first = editFstab(`${header}${OLD_FORM}\n${tail}`, '/var/aegir/platforms', ENTRY);
		expect(first).toMatchObject({changed: true, action: 'replaced', removed: [OLD_FORM]});
		expect(first.content).toBe(`${header}${ENTRY}\n${tail}`);
		expect(first.content.split('\n').filter(line => fstabMountPoint(line) === '/var/aegir/platforms')).toEqual([LINE]);
		expect(editFstab(first.content, '/var/aegir/platforms', ENTRY)).toEqual({content: first.content, changed: false, action: 'unchanged', removed: []});
	});

	it('a bare line without the tag above it gets the tag', () => {
		expect(editFstab(`${header}${LINE}\n`, '/var/aegir/platforms', ENTRY).content).toBe(`${header}${ENTRY}\n`);
	});

	it('another pack\'s tag above an entry for the mount point goes with that entry', () => {
		const theirs = `# aegir-pack: old.example.com\n10.0.0.1:/x /var/aegir/platforms nfs rw 0 0`;
		const result = editFstab(`${header}${theirs}\n`, '/var/aegir/platforms', ENTRY);
		expect(result.content).toBe(`${header}${ENTRY}\n`);
		expect(result.removed).toEqual(theirs.split('\n'));
	});

	it('a tag comment above some other line, and a tag with no entry below, are left alone', () => {
		const current = `# aegir-pack: other\nproc /proc proc defaults 0 0\n# aegir-pack: pack.example.com\n`;
		const result = editFstab(current, '/var/aegir/platforms', ENTRY);
		expect(result).toMatchObject({action: 'appended', content: `${current}${ENTRY}\n`});
	});
});
