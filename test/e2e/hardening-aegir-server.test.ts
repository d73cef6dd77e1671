// Issue 11 on the lab (L4): on the Aegir server, the aegir user plants a link
// where its ssh known_hosts belongs, pointing at a root-owned file (or at
// nothing). The CLI runs there as root with --aegir-prerequisites: each member
// fails only the step that would add its host key, naming the link and its
// target; the root file keeps its bytes, owner and mode (a dangling target is
// never created); every other step completes. Without the link, the next run
// converges. The Aegir server is the lab host `aegir` (a real aegir user).
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {hostFileFlags, makeAegirServerHost, type AegirServerHost} from './helpers/aegir-server-host.js';
import {PACK_NAME, parseRecap} from './helpers/apply-run.js';
import {canRunLab, startLab, type Lab} from './helpers/lab.js';
import {asRoot, expectHostFailedWith, fileIdentity, plantAsAegir} from './helpers/plant.js';

if (!canRunLab.ok) console.warn(`[e2e] skipping the Aegir server link tests: ${canRunLab.reason}`);

const MEMBERS = ['web1', 'web2'];
const KNOWN_HOSTS = '/var/aegir/.ssh/known_hosts';
const VICTIM = '/etc/aegir-pack-victim';
const ABSENT = '/etc/aegir-pack-absent';
const TOOL_KNOWN_HOSTS = '/root/aegir-pack-known-hosts';

describe.skipIf(!canRunLab.ok)("the Aegir server's known_hosts a link the aegir user planted (L4)", () => {
	let lab: Lab;
	let aegir: AegirServerHost;
	beforeAll(async () => {
		lab = await startLab({names: ['aegir', ...MEMBERS]});
		aegir = await makeAegirServerHost(lab, 'aegir', MEMBERS);
		await asRoot(lab, 'aegir', `printf 'secret\\n' > ${VICTIM} && chmod 0640 ${VICTIM}`);
		// The lab lists every host in the system-wide known hosts, which Aegir's ssh reads too: then there
		// would be nothing to add. The tool checks host keys against its own copy; the system one is emptied.
		await asRoot(lab, 'aegir', `cp /etc/ssh/ssh_known_hosts ${TOOL_KNOWN_HOSTS} && : > /etc/ssh/ssh_known_hosts`);
	}, 300_000);
	afterAll(async () => {
		await lab?.down();
	});

	const flags = () => hostFileFlags().map(flag => (flag === '/etc/ssh/ssh_known_hosts' ? TOOL_KNOWN_HOSTS : flag));
	const apply = () =>
		aegir.cli([...flags(), '--name', PACK_NAME, '--master', 'web1', '--slave', 'web2', '--subnet', '127.0.1.0/24', '--aegir-prerequisites', '--yes'], 400_000);

	test.each([
		['to a root-owned file', VICTIM],
		['dangling', ABSENT],
	])('a link %s: both members fail only that step, naming it; nothing changes where it points', async (_what, target) => {
		await plantAsAegir(lab, 'aegir', `rm -f ${KNOWN_HOSTS} && ln -s ${target} ${KNOWN_HOSTS}`);
		const before = await fileIdentity(lab, 'aegir', VICTIM);
		const run = await apply();
		expect(run.code, run.stdout + run.stderr).toBe(1);
		const recap = parseRecap(run.stdout);
		for (const member of MEMBERS) {
			expectHostFailedWith(run.stdout, member, 'Aegir: member known to Aegir ssh', `${KNOWN_HOSTS} is a symbolic link to ${target}, where`);
			// Shared by every member, so each fails that one step; nothing before it stopped.
			expect(recap[member]?.failed, member).toBe(1);
		}

		expect(await fileIdentity(lab, 'aegir', VICTIM)).toBe(before);
		expect(run.stdout + run.stderr).not.toContain('secret');
		expect((await lab.exec('aegir', `test -e ${ABSENT}`)).code).not.toBe(0);
	}, 500_000);

	test('without the link, the next run adds both host keys as aegir and converges', async () => {
		await plantAsAegir(lab, 'aegir', `rm -f ${KNOWN_HOSTS}`);
		const run = await apply();
		expect(run.code, run.stdout + run.stderr).toBe(0);
		expect(await asRoot(lab, 'aegir', `stat -c '%U %a' ${KNOWN_HOSTS}`)).toBe('aegir 644\n');
		for (const member of MEMBERS) expect(await asRoot(lab, 'aegir', `cat ${KNOWN_HOSTS}`)).toContain(`${lab.host(member).address} ssh-ed25519 `);
	}, 500_000);
});
