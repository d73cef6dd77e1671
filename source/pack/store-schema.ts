// The shape of the store file, checked by conf (ajv) on every read and write.
// Strict (no extra keys) so a hand-edited typo such as `prot` is reported.
// Meaning (valid names, subnets...) is checked by checkPack on top of this.

import type {Schema} from 'conf';
import type {AegirVerifyRecord, Host, PackFields} from './types.js';

/** Bump when the file layout changes incompatibly; older tools then refuse newer files. */
export const STORE_SCHEMA_VERSION = 1;

export type StoreData = {
	schemaVersion: number;
	hosts: Host[];
	/** As the file holds them: the store checks each (checkPack) before handing it out. */
	packs: PackFields[];
};

const hostSchema = {
	type: 'object',
	required: ['name', 'address', 'port', 'user'],
	additionalProperties: false,
	properties: {
		name: {type: 'string'},
		address: {type: 'string'},
		port: {type: 'integer', minimum: 1, maximum: 65_535},
		user: {type: 'string'},
		identityFile: {type: 'string'},
	},
} as const;

/** Optional: stores written before it existed load as they are. */
const aegirVerifySchema = {
	type: 'object',
	required: ['verifiedAt', 'members', 'platforms', 'imported'],
	additionalProperties: false,
	properties: {
		verifiedAt: {type: 'string'},
		members: {
			type: 'object',
			additionalProperties: {
				type: 'object',
				required: ['digest', 'role'],
				additionalProperties: false,
				properties: {digest: {type: 'string'}, role: {enum: ['master', 'slave']}},
			},
		},
		pack: {type: 'object', required: ['digest'], additionalProperties: false, properties: {digest: {type: 'string'}}},
		platforms: {type: 'object', additionalProperties: {type: 'string'}},
		imported: {type: 'boolean'},
	},
} as const;

const recordSchema = {
	type: 'object',
	additionalProperties: false,
	properties: {
		aegirUid: {type: 'integer', minimum: 0},
		aegirGid: {type: 'integer', minimum: 0},
		lastAppliedAt: {type: 'string'},
		aegir: aegirVerifySchema,
	},
} as const;

const packSchema = {
	type: 'object',
	required: ['name', 'master', 'slaves', 'nfsServer', 'exportPath', 'subnets', 'exportOptions', 'mountOptions'],
	additionalProperties: false,
	properties: {
		name: {type: 'string'},
		master: hostSchema,
		slaves: {type: 'array', items: hostSchema},
		nfsServer: hostSchema,
		exportPath: {type: 'string'},
		subnets: {type: 'array', items: {type: 'string'}},
		exportOptions: {type: 'string'},
		mountOptions: {type: 'string'},
		record: recordSchema,
	},
} as const;

export const storeSchema: Schema<StoreData> = {
	schemaVersion: {type: 'integer', const: STORE_SCHEMA_VERSION},
	hosts: {type: 'array', items: hostSchema},
	packs: {type: 'array', items: packSchema},
};

export const storeRootSchema = {
	required: ['schemaVersion', 'hosts', 'packs'],
	additionalProperties: false,
} as const;

/** Only the known fields: whatever else a caller's object carries never reaches the file. */
export function pickHost(host: Host): Host {
	const {name, address, port, user, identityFile} = host;
	return identityFile === undefined ? {name, address, port, user} : {name, address, port, user, identityFile};
}

export function pickPack(pack: PackFields): PackFields {
	const {name, master, slaves, nfsServer, exportPath, subnets, exportOptions, mountOptions, record} = pack;
	const picked: PackFields = {
		name,
		master: pickHost(master),
		slaves: slaves.map(pickHost),
		nfsServer: pickHost(nfsServer),
		exportPath,
		subnets: [...subnets],
		exportOptions,
		mountOptions,
	};
	if (record) {
		const {aegirUid, aegirGid, lastAppliedAt, aegir} = record;
		picked.record = {
			...(aegirUid === undefined ? {} : {aegirUid}),
			...(aegirGid === undefined ? {} : {aegirGid}),
			...(lastAppliedAt === undefined ? {} : {lastAppliedAt}),
			...(aegir === undefined ? {} : {aegir: pickAegirRecord(aegir)}),
		};
	}
	return picked;
}

function pickAegirRecord(record: AegirVerifyRecord): AegirVerifyRecord {
	const members = Object.fromEntries(Object.entries(record.members).map(([context, {digest, role}]) => [context, {digest, role}]));
	return {
		verifiedAt: record.verifiedAt,
		members,
		...(record.pack ? {pack: {digest: record.pack.digest}} : {}),
		platforms: {...record.platforms},
		imported: record.imported,
	};
}

const HOST_KEYS = Object.keys(hostSchema.properties);
const PACK_KEYS = Object.keys(packSchema.properties);
const RECORD_KEYS = Object.keys(recordSchema.properties);
const ROOT_KEYS = Object.keys(storeSchema);

/**
 * Paths of keys the schema does not know (`hosts/0/prot`): ajv only says
 * "must NOT have additional properties", and a sysadmin needs to know which.
 */
export function unknownKeys(data: unknown): string[] {
	const found: string[] = [];
	const isObject = (value: unknown): value is Record<string, unknown> =>
		typeof value === 'object' && value !== null && !Array.isArray(value);
	const check = (value: unknown, known: string[], path: string) => {
		if (!isObject(value)) return;
		for (const key of Object.keys(value)) if (!known.includes(key)) found.push(`${path}${key}`);
	};
	const checkHost = (value: unknown, path: string) => check(value, HOST_KEYS, path);
	if (!isObject(data)) return found;
	check(data, ROOT_KEYS, '');
	if (Array.isArray(data.hosts)) data.hosts.forEach((host, index) => checkHost(host, `hosts/${index}/`));
	if (Array.isArray(data.packs)) {
		data.packs.forEach((pack: unknown, index) => {
			const path = `packs/${index}/`;
			check(pack, PACK_KEYS, path);
			if (!isObject(pack)) return;
			checkHost(pack.master, `${path}master/`);
			checkHost(pack.nfsServer, `${path}nfsServer/`);
			if (Array.isArray(pack.slaves)) pack.slaves.forEach((slave, slaveIndex) => checkHost(slave, `${path}slaves/${slaveIndex}/`));
			check(pack.record, RECORD_KEYS, `${path}record/`);
		});
	}
	return found;
}
