import {describe, expect, test} from 'vitest';
import {prerequisiteLines} from '../../source/aegir/prerequisite-table.js';
import type {PrerequisiteReport} from '../../source/aegir/prerequisite-types.js';

const report: PrerequisiteReport = {
	host: 'web1',
	rows: [
		{id: 'rsync', title: 'rsync', ok: true, detail: 'installed (/usr/bin/rsync)'},
		{
			id: 'sudoers',
			title: 'sudo for web server reloads',
			ok: false,
			detail: '/etc/sudoers.d/aegir is missing',
			fix: {runsOn: 'member', summary: '/etc/sudoers.d/aegir is missing', commands: [], display: []},
		},
		{
			id: 'known-host',
			title: 'member known to Aegir ssh',
			ok: false,
			detail: 'the Aegir server knows 192.0.2.11 with other host keys (ssh-ed25519)',
			manual: 'The Aegir server\'s known hosts hold another key for 192.0.2.11:\na reinstalled host, or another machine at that address.',
		},
	],
};

describe('prerequisiteLines', () => {
	test('✔ and ✖ rows with their detail, fix and by-hand lines', () => {
		expect(prerequisiteLines(report, 200)).toEqual([
			'web1: Aegir prerequisites',
			'  ✔ rsync                          installed (/usr/bin/rsync)',
			'  ✖ sudo for web server reloads    /etc/sudoers.d/aegir is missing',
			'      fix: /etc/sudoers.d/aegir is missing',
			'  ✖ member known to Aegir ssh      the Aegir server knows 192.0.2.11 with other host keys (ssh-ed25519)',
			"      by hand: The Aegir server's known hosts hold another key for 192.0.2.11: a reinstalled host, or another machine at that address.",
		]);
	});

	test('long lines are cut to the width with …, never wrapped', () => {
		const lines = prerequisiteLines(report, 60);
		expect(lines.every(line => [...line].length <= 60)).toBe(true);
		expect(lines[4]).toMatch(/^ {2}✖ member known to Aegir ssh {6}the Aegir server.*…$/);
		expect([...lines[4]!].length).toBe(60);
		expect(lines).toHaveLength(6);
	});
});
