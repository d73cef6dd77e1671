// After a fully successful run with Aegir here: what Aegir now knows of the
// pack, its members and platforms (the alias files read again, after the
// drush commands wrote them), kept in the pack's record so that the next run
// in which nothing changed runs no verify.

import {readAegirServers} from '../aegir/alias-files.js';
import {readAegirPlatforms} from '../aegir/platform-aliases.js';
import {nextVerifyRecord} from '../aegir/verify-plan.js';
import type {AegirVerifyRecord, Pack} from '../pack/types.js';

export type VerifyRecordRequest = {
	aegirHome: string;
	/** The pack as saved after the run. */
	pack: Pack;
	/** The members the run dealt with (the plan's pack hosts). */
	members: readonly string[];
	/** The run imported the pack into the front end. */
	imported: boolean;
	now?: Date;
};

export async function verifyRecordAfterRun(request: VerifyRecordRequest): Promise<AegirVerifyRecord> {
	const [servers, platforms] = await Promise.all([readAegirServers(request.aegirHome), readAegirPlatforms(request.aegirHome)]);
	return nextVerifyRecord({
		pack: request.pack,
		members: request.members,
		servers: servers.servers,
		platforms: platforms.records,
		...(request.pack.record?.aegir ? {previous: request.pack.record.aegir} : {}),
		imported: request.imported,
		now: request.now ?? new Date(),
	});
}
