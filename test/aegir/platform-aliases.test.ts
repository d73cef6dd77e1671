// Platform alias files, read with the server files' rules: parsed, never run;
// a file that is not exactly a platform alias is skipped and said.
import {mkdtempSync, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {parsePlatformAliasFile, platformsOnPack, readAegirPlatforms} from '../../source/aegir/platform-aliases.js';

const fixtures = path.join(import.meta.dirname, 'fixtures', 'aegir-home');

describe('reading the platforms Aegir knows', () => {
	test('the fixtures: platform files only, in name order, with root, web server, server and makefile', async () => {
		const read = await readAegirPlatforms(fixtures);
		expect(read.problems).toEqual([]);
		expect(read.records.map(platform => [platform.context, platform.root, platform.webServer, platform.server])).toEqual([
			['platform_drupal10', '/var/aegir/platforms/drupal-10/web', '@server_packexamplecom', '@server_master'],
			['platform_hostmaster', '/var/aegir/hostmaster-7.x-3.x', '@server_master', '@server_master'],
		]);
		expect(read.records[0]!.makefile).toBe('');
	});

	test('the pack serves the platforms whose web_server is its context', async () => {
		const read = await readAegirPlatforms(fixtures);
		expect(platformsOnPack(read.records, 'server_packexamplecom').map(platform => platform.context)).toEqual(['platform_drupal10']);
		expect(platformsOnPack(read.records, 'server_otherexamplecom')).toEqual([]);
	});

	test('what is not a platform alias is a problem, not a guess', () => {
		const bytes = (text: string) => new TextEncoder().encode(text);
		const file = '/x/platform_a.alias.drushrc.php';
		expect(parsePlatformAliasFile(file, bytes("<?php \n$aliases['platform_a'] = array (\n  'context_type' => 'server',\n);\n"))).toEqual({file, message: "context_type is \"server\", expected 'platform'"});
		expect(parsePlatformAliasFile(file, bytes("<?php \n$aliases['platform_a'] = array (\n  'context_type' => 'platform',\n);\n"))).toEqual({file, message: 'root is missing or empty'});
		expect(parsePlatformAliasFile(file, bytes("<?php \n$aliases['platform_a'] = array (\n  'context_type' => 'platform',\n  'root' => 3,\n);\n"))).toEqual({file, message: 'root is 3, expected a string'});
		expect(parsePlatformAliasFile(file, bytes("<?php \n$aliases['platform_b'] = array (\n);\n"))).toMatchObject({message: "should hold only the alias 'platform_a', holds 'platform_b'"});
		expect(parsePlatformAliasFile(file, bytes('<?php system("reboot");'))).toMatchObject({message: expect.stringContaining('is not an alias file as provision writes it')});
	});

	test('an Aegir home without .drush has no platforms; a directory named like a file is skipped', async () => {
		const home = mkdtempSync(path.join(tmpdir(), 'aegir-platforms-'));
		try {
			expect(await readAegirPlatforms(home)).toEqual({found: false, records: [], problems: []});
			mkdirSync(path.join(home, '.drush', 'platform_dir.alias.drushrc.php'), {recursive: true});
			writeFileSync(path.join(home, '.drush', 'server_x.alias.drushrc.php'), 'not read here');
			const read = await readAegirPlatforms(home);
			expect(read.records).toEqual([]);
			expect(read.problems).toEqual([{file: path.join(home, '.drush', 'platform_dir.alias.drushrc.php'), message: 'is not a regular file'}]);
		} finally {
			rmSync(home, {recursive: true, force: true});
		}
	});
});
