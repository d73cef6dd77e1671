// This machine plays the Aegir server: a small web server config tree (synced
// to every web head) and a small platform (synced to the master, shared over
// NFS to the others). Sized like a bare Drupal platform skeleton, not a real
// one: the bench measures the tool, not rsync's throughput.
import fs from 'node:fs';
import path from 'node:path';

/** @returns {{configDir: string, platformsDir: string, files: number}} */
export function seedAegirServer(root) {
	const platformsDir = path.join(root, 'platforms');
	const configDir = path.join(root, 'config');
	let files = 0;
	const write = (file, content) => {
		fs.mkdirSync(path.dirname(file), {recursive: true});
		fs.writeFileSync(file, content);
		files++;
	};
	for (const platform of ['drupal-10.3', 'drupal-10.4']) {
		const web = path.join(platformsDir, platform, 'web');
		write(path.join(web, 'index.php'), `<?php\n// ${platform} (aegir-pack bench)\n`);
		for (let module = 0; module < 20; module++) {
			const dir = path.join(web, 'core', 'modules', `module_${module}`);
			write(path.join(dir, `module_${module}.info.yml`), `name: Module ${module}\ntype: module\ncore_version_requirement: ^10\n`);
			write(path.join(dir, `module_${module}.module`), `<?php\n${'// filler line so the file is not empty\n'.repeat(50)}`);
		}
		for (const site of ['default', 'site1.example.com', 'site2.example.com']) {
			write(path.join(web, 'sites', site, 'settings.php'), `<?php\n$databases = [];\n// ${site}\n`);
		}
	}
	write(path.join(configDir, 'nginx.conf'), '# Aegir web server config (aegir-pack bench)\n');
	for (const site of ['site1.example.com', 'site2.example.com']) {
		write(path.join(configDir, 'server_master', 'nginx', 'vhost.d', site), `server { server_name ${site}; }\n`);
	}
	return {configDir, platformsDir, files};
}
