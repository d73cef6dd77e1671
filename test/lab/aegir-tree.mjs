// This machine plays the Aegir server: its /var/aegir laid out as Aegir 3's
// provision lays it (branch 7.x-3.x: server.tpl.php, vhost.tpl.php,
// platform.tpl.php, _provision_drupal_create_directories(), the SSL key
// store), in a directory of our choosing. Used by `npm run demo`, the bench
// and the e2e tests, so aegir-pack is tried on the tree it meets for real:
//
//   config/apache.conf -> /var/aegir/config/server_master/apache.conf  (Aegir's own link)
//   config/includes/global.inc
//   config/ssl.d/site1.example.com/openssl.{key,crt}    (the central key store)
//   config/server_master/ …                             (Aegir's own server)
//   config/server_<head>/apache.conf, apache/{pre.d,post.d,platform.d,vhost.d,subdir.d}/,
//                        ssl.d/default/, ssl.d/site1.example.com/ (+ a .receipt)
//   config/server_<pack context>/ (empty), config/server_dbexamplecom/ (a db server)
//   platforms/drupal-10/{.git,composer.json,vendor/,web/…}
//   platforms/drupal-10/web/sites/site1.example.com/settings.php  aegir:www-data 0440
//   …/files/ and …/private/  02770 aegir:www-data, each holding a file users "uploaded" here
//
// Owners are numeric: 1500 is the lab's aegir (this machine has no aegir
// user), 33 is www-data on Debian. Only root can set them; others get their own.
// Vhosts listen on *:80 only (the keys are there to be found, not served).
import {generateKeyPairSync} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const LAB_AEGIR_UID = 1500;
export const WWW_DATA_GID = 33;
export const PLATFORM = 'drupal-10';
export const SITE = 'site1.example.com';
export const PLATFORM_ROOT = `/var/aegir/platforms/${PLATFORM}/web`;

/** Aegir's context name for a host or pack name: `server_` and the name without non-word characters. */
export const contextOf = name => `server_${name.replace(/\W/g, '')}`;

const isRoot = process.getuid?.() === 0;

function tree(root) {
	let files = 0;
	const owner = (target, uid, gid) => {
		if (isRoot) fs.lchownSync(target, uid, gid);
	};
	/** mkdir -p, every directory it creates aegir's. */
	const parents = target => {
		const first = fs.mkdirSync(target, {recursive: true});
		for (let created = target; first !== undefined; created = path.dirname(created)) {
			owner(created, LAB_AEGIR_UID, LAB_AEGIR_UID);
			if (created === first || created === path.dirname(created)) break;
		}
	};
	const dir = (relative, mode = 0o755, uid = LAB_AEGIR_UID, gid = LAB_AEGIR_UID) => {
		const target = path.join(root, relative);
		parents(target);
		fs.chmodSync(target, mode);
		owner(target, uid, gid);
	};
	const file = (relative, content, mode = 0o644, uid = LAB_AEGIR_UID, gid = LAB_AEGIR_UID) => {
		const target = path.join(root, relative);
		parents(path.dirname(target));
		fs.writeFileSync(target, content);
		fs.chmodSync(target, mode);
		owner(target, uid, gid);
		files++;
	};
	const link = (relative, target) => {
		fs.symlinkSync(target, path.join(root, relative));
		owner(path.join(root, relative), LAB_AEGIR_UID, LAB_AEGIR_UID);
	};
	return {dir, file, link, count: () => files};
}

function keyPair() {
	const {privateKey} = generateKeyPairSync('ed25519');
	return privateKey.export({type: 'pkcs8', format: 'pem'});
}

/** provision's server.tpl.php (without its LoadModule fallbacks: Debian keeps modules elsewhere). */
function serverConf(context) {
	const base = `/var/aegir/config/${context}/apache`;
	return `# Aegir web server configuration file (aegir-pack lab: provision's server.tpl.php)

<VirtualHost *:80>
  ServerName default
  Redirect 404 /
</VirtualHost>

# other configuration, not touched by aegir
Include ${base}/pre.d

# virtual hosts
Include ${base}/vhost.d

# platforms
Include ${base}/platform.d

# other configuration, not touched by aegir
Include ${base}/post.d
`;
}

/** provision's vhost.tpl.php for a site on the platform. */
function siteVhost(site, platformRoot) {
	const database = site.replace(/\W/g, '');
	return `<VirtualHost *:80>
    SetEnv db_type  mysql
    SetEnv db_name  ${database}
    SetEnv db_user  ${database}
    SetEnv db_passwd lab-not-a-secret
    SetEnv db_host  localhost
    SetEnv db_port  3306

    ServerName ${site}
    DocumentRoot ${platformRoot}

    <IfModule mod_rewrite.c>
      RewriteEngine on
    </IfModule>

    # Error handler for Drupal > 4.6.7
    <Directory "${platformRoot}/sites/${site}/files">
      <Files *>
        SetHandler This_is_a_Drupal_security_line_do_not_remove
      </Files>
    </Directory>
</VirtualHost>
`;
}

/** provision's platform.tpl.php: the platform's own .htaccess is included, never read as .htaccess. */
function platformConf(platformRoot) {
	return `<Directory ${platformRoot}>
    Require all granted

    # Do not read any .htaccess in the platform
    AllowOverride none

    # Include the platform's htaccess file
    Include ${platformRoot}/.htaccess
</Directory>
`;
}

/**
 * Write the tree under `root` (`root/config`, `root/platforms`).
 * @param {string} root
 * @param {{heads?: string[], pack?: string, fillerModules?: number}} [options]
 *   heads: host names of the web heads (each gets server_<name>); fillerModules: extra module files, for the bench.
 * @returns {{configDir: string, platformsDir: string, files: number}}
 */
export function makeAegirTree(root, options = {}) {
	const heads = options.heads ?? ['master', 'web1', 'web2', 'web3'];
	const pack = options.pack ?? 'pack.example.com';
	const configDir = path.join(root, 'config');
	const platformsDir = path.join(root, 'platforms');
	const t = tree(root);

	// config/: every server Aegir knows has its directory here; only the Aegir server links apache.conf.
	t.dir('config', 0o711);
	t.link('config/apache.conf', '/var/aegir/config/server_master/apache.conf');
	t.file('config/includes/global.inc', '<?php # Aegir global settings (aegir-pack lab)\n');
	t.dir('config/ssl.d', 0o711);
	t.dir(`config/ssl.d/${SITE}`, 0o700);
	t.file(`config/ssl.d/${SITE}/openssl.key`, keyPair(), 0o600);
	t.file(`config/ssl.d/${SITE}/openssl.crt`, `# lab: ${SITE}'s certificate would be here\n`);
	const servers = [...new Set(['master', ...heads])];
	for (const name of servers) {
		const context = contextOf(name);
		t.dir(`config/${context}`, 0o711);
		t.file(`config/${context}/apache.conf`, serverConf(context));
		t.dir(`config/${context}/apache`, 0o711);
		for (const sub of ['pre.d', 'post.d', 'platform.d', 'vhost.d', 'subdir.d']) t.dir(`config/${context}/apache/${sub}`, 0o700);
		t.file(`config/${context}/apache/platform.d/platform_drupal10.conf`, platformConf(PLATFORM_ROOT));
		t.file(`config/${context}/apache/vhost.d/${SITE}`, siteVhost(SITE, PLATFORM_ROOT));
		if (name === 'master') t.file(`config/${context}/apache/vhost.d/aegir.example.com`, siteVhost('aegir.example.com', '/var/aegir/hostmaster-7.x-3.x'));
		t.dir(`config/${context}/ssl.d`, 0o711);
		t.dir(`config/${context}/ssl.d/default`, 0o700);
		t.file(`config/${context}/ssl.d/default/openssl.key`, keyPair(), 0o600);
		t.file(`config/${context}/ssl.d/default/openssl.crt`, `# lab: ${context}'s default certificate would be here\n`);
		t.dir(`config/${context}/ssl.d/${SITE}`, 0o700);
		t.file(`config/${context}/ssl.d/${SITE}/openssl.key`, keyPair(), 0o600);
		t.file(`config/${context}/ssl.d/${SITE}/openssl.crt`, `# lab: ${SITE}'s certificate would be here\n`);
		t.file(`config/${context}/ssl.d/${SITE}/${SITE}.receipt`, `# provision's receipt: never synced\n`);
	}
	t.dir(`config/${contextOf(pack)}`, 0o711);
	t.dir('config/server_dbexamplecom', 0o711);

	// platforms/: one Drupal 10 composer platform with one site.
	const web = `platforms/${PLATFORM}/web`;
	const site = `${web}/sites/${SITE}`;
	t.dir('platforms', 0o755);
	t.dir(`platforms/${PLATFORM}`, 0o755);
	t.file(`platforms/${PLATFORM}/.git/HEAD`, 'ref: refs/heads/main\n');
	t.file(`platforms/${PLATFORM}/composer.json`, '{"name": "aegir-pack/lab-platform", "require": {"drupal/core": "^10"}}\n');
	t.file(`platforms/${PLATFORM}/vendor/autoload.php`, '<?php // composer autoloader (aegir-pack lab)\n');
	t.file(`${web}/index.php`, '<?php\n// Drupal 10 platform (aegir-pack lab)\n');
	t.file(`${web}/index.html`, `${PLATFORM} (aegir-pack lab)\n`);
	t.file(`${web}/.htaccess`, '<IfModule mod_rewrite.c>\n  RewriteEngine on\n</IfModule>\nDirectoryIndex index.html index.php\n');
	t.file(`${web}/core/lib/Drupal.php`, '<?php\nclass Drupal { const VERSION = "10.3.0"; }\n');
	for (let index = 0; index < (options.fillerModules ?? 0); index++) {
		t.file(`${web}/core/modules/module_${index}/module_${index}.info.yml`, `name: Module ${index}\ntype: module\ncore_version_requirement: ^10\n`);
		t.file(`${web}/core/modules/module_${index}/module_${index}.module`, `<?php\n${'// filler line so the file is not empty\n'.repeat(50)}`);
	}
	t.file(`${web}/sites/all/modules/README.txt`, 'Contributed modules for every site of the platform.\n');
	t.file(`${web}/sites/default/default.settings.php`, '<?php\n// Drupal default settings\n');
	t.dir(`${web}/sites`, 0o755);
	t.dir(site, 0o755, LAB_AEGIR_UID, WWW_DATA_GID);
	t.file(`${site}/settings.php`, `<?php\n$databases['default']['default'] = ['driver' => 'mysql', 'database' => getenv('db_name')];\n`, 0o440, LAB_AEGIR_UID, WWW_DATA_GID);
	t.dir(`${site}/modules`, 0o2775, LAB_AEGIR_UID, WWW_DATA_GID);
	t.dir(`${site}/themes`, 0o2775, LAB_AEGIR_UID, WWW_DATA_GID);
	t.dir(`${site}/files`, 0o2770, LAB_AEGIR_UID, WWW_DATA_GID);
	t.dir(`${site}/files/styles`, 0o2770, LAB_AEGIR_UID, WWW_DATA_GID);
	t.file(`${site}/files/local-only.txt`, 'uploaded on the Aegir server: never pushed to the heads\n', 0o664, WWW_DATA_GID, WWW_DATA_GID);
	t.dir(`${site}/private`, 0o2770, LAB_AEGIR_UID, WWW_DATA_GID);
	t.file(`${site}/private/local-secret.txt`, 'private to the Aegir server: never pushed\n', 0o660, WWW_DATA_GID, WWW_DATA_GID);
	return {configDir, platformsDir, files: t.count()};
}

/**
 * What Aegir's remote web server setup gives a head, and the tool does not
 * do without --aegir-prerequisites: the aegir user in the web server's group
 * (a sync received as aegir keeps only the groups aegir is in).
 */
export const HEAD_SETUP = 'usermod -aG www-data aegir';

/**
 * apache2 on a lab head, from the offline cache, listening on the head's own
 * address only (the lab hosts share one network stack), with Aegir's include
 * and mod_rewrite, started.
 * @param {string} address
 */
export function apacheSetup(address) {
	return `set -e
export DEBIAN_FRONTEND=noninteractive
command -v apache2ctl >/dev/null || apt-get install -y -qq --no-install-recommends apache2 >/dev/null
printf 'Listen ${address}:80\\n' >/etc/apache2/ports.conf
printf 'ServerName ${address}\\n' >/etc/apache2/conf-enabled/servername.conf
rm -f /etc/apache2/sites-enabled/000-default.conf
ln -sfn /var/aegir/config/apache.conf /etc/apache2/conf-enabled/aegir.conf
a2enmod -q rewrite >/dev/null
mkdir -p /var/aegir/config && chown aegir: /var/aegir/config
[ -e /var/aegir/config/apache.conf ] || { : >/var/aegir/config/apache.conf; chown aegir: /var/aegir/config/apache.conf; }
apache2ctl start
`;
}
