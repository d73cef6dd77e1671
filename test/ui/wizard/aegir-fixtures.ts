// Servers as readAegirServers returns them, for the wizard's Aegir tests (data only).
import type {AegirServer} from '../../../source/aegir/alias-files.js';
import {aegirContextName} from '../../../source/pack/validate.js';

const DRUSH = '/var/aegir/.drush';

/** A server Aegir named after its remote_host, as its web UI does. */
export function aegirServer(remoteHost: string, extra: Partial<AegirServer> = {}): AegirServer {
	const context = extra.context ?? aegirContextName(remoteHost);
	return {
		context,
		name: remoteHost,
		remoteHost,
		httpServiceType: 'apache',
		masterWebServers: [],
		slaveWebServers: [],
		file: `${DRUSH}/${context}.alias.drushrc.php`,
		...extra,
	};
}

export function aegirPack(name: string, masters: string[], slaves: string[]): AegirServer {
	return aegirServer(name, {httpServiceType: 'pack', masterWebServers: masters, slaveWebServers: slaves});
}

/** Aegir's own server (the hostmaster's local web server): named `master`, context server_master. */
export const aegirMaster = aegirServer('aegir.example.com', {context: 'server_master', name: 'master'});
export const aegirWeb5 = aegirServer('web5.example.com');
export const aegirWeb6 = aegirServer('192.0.2.16', {httpServiceType: 'nginx'});
export const aegirDb = aegirServer('db.example.com', {httpServiceType: undefined});
export const aegirCluster = aegirServer('cluster.example.com', {httpServiceType: 'cluster'});
/** A pack Aegir has and this tool has not saved. */
export const aegirOldPack = aegirPack('old.example.com', ['server_web5examplecom'], ['server_1920216', 'server_gone']);
/** The pack the shared fixtures save (pack.example.com), as registered in Aegir. */
export const aegirSavedPack = aegirPack('pack.example.com', ['server_web1'], ['server_web2']);
