// Aegir's commands as steps of the "Aegir" pane, run by the real runner on
// fake hosts: they wait for the pack's hosts, run in order as the aegir user
// (one exec each on this machine), a dry run lists them, a re-run with
// nothing changed runs none, and a failure says which command and why.
import {tmpdir} from 'node:os';
import {describe, expect, it} from 'vitest';
import type {AegirServer} from '../../source/aegir/alias-files.js';
import type {AegirPlatform} from '../../source/aegir/platform-aliases.js';
import {nextVerifyRecord} from '../../source/aegir/verify-plan.js';
import type {RunEvent} from '../../source/contracts/events.js';
import type {Pack} from '../../source/pack/types.js';
import {planAddSlave} from '../../source/plan/add-slave-plan.js';
import {planPack} from '../../source/plan/planner.js';
import type {Plan} from '../../source/plan/step.js';
import type {AegirPrerequisiteSource} from '../../source/plan/steps/aegir-context.js';
import {AEGIR_HOST_NAME} from '../../source/plan/steps/aegir-verify.js';
import {checkPlanGraph} from '../../source/run/plan-graph.js';
import {runPlan} from '../../source/run/runner.js';
import {FakeTransport, type FakeAnswer} from '../run/fake-transport.js';
import {configuredFacts, host, localDirectories, makePack, nfsProbeAnswer, refusingPrompter} from './fixtures.js';
import {trustedPackForTests} from '../pack/trusted-pack.js';

const pack: Pack = makePack();
const onPack: AegirPlatform = {context: 'platform_drupal10', root: '/var/aegir/platforms/drupal-10/web', webServer: '@server_packexamplecom', file: '/x'};
const base = {configDir: tmpdir(), platformsDir: tmpdir(), localSources: localDirectories(tmpdir())};
const knowledge = (servers: AegirServer[] = [], force = false) => ({servers, platforms: [onPack], force, currentUser: 'root', drush: 'drush'});
const SUDO = 'sudo -H -u aegir --';

/** Only what the Aegir steps ask of the run's Aegir side: the web server each member runs. */
const aegirSide = {webServerOf: () => 'apache'} as unknown as AegirPrerequisiteSource;

async function run(plan: Plan & {pack?: Pack}, options: {dryRun?: boolean; drush?: (command: string) => FakeAnswer} = {}) {
	const transports: Record<string, FakeTransport> = {};
	const events: RunEvent[] = [];
	// The pack's own steps are done already: this is about the Aegir pane.
	for (const hostPlan of plan.hosts) if (hostPlan.host.name !== AEGIR_HOST_NAME) hostPlan.gatherFacts = async () => configuredFacts(plan.pack ?? pack, hostPlan.host.name);
	const outcome = await runPlan(plan, {
		connect: async target =>
			(transports[target.name] = new FakeTransport(target.name, command =>
				target.name === AEGIR_HOST_NAME ? (options.drush?.(command) ?? {output: 'hosting_web_pack\n'}) : (nfsProbeAnswer(command, '0.0.0.0') ?? {}),
			)),
		prompter: refusingPrompter,
		dryRun: options.dryRun ?? false,
		aegir: aegirSide,
		onEvent: event => events.push(event),
	});
	const finished = events.flatMap(event => (event.type === 'step-finished' && event.host === AEGIR_HOST_NAME ? [event] : []));
	return {outcome, transports, finished, drush: transports[AEGIR_HOST_NAME]?.execs ?? []};
}

const drushLines = [
	`${SUDO} drush @hostmaster pm-list --type=module --status=enabled --pipe`,
	`${SUDO} drush provision-save @server_master --context_type=server --remote_host=192.0.2.10 --http_service_type=apache`,
	`${SUDO} drush @server_master provision-verify`,
	`${SUDO} drush provision-save @server_web1 --context_type=server --remote_host=192.0.2.11 --http_service_type=apache`,
	`${SUDO} drush @server_web1 provision-verify`,
	`${SUDO} drush provision-save @server_web2 --context_type=server --remote_host=192.0.2.12 --http_service_type=apache`,
	`${SUDO} drush @server_web2 provision-verify`,
	`${SUDO} drush provision-save @server_packexamplecom --context_type=server --remote_host=pack.example.com --http_service_type=pack --master_web_servers=@server_master --slave_web_servers=@server_web1,@server_web2`,
	`${SUDO} drush @server_packexamplecom provision-verify`,
	`${SUDO} drush @platform_drupal10 provision-verify`,
	`${SUDO} drush @hostmaster hosting-import @server_packexamplecom`,
];

describe('Aegir mode: the Aegir pane', () => {
	it('no rsync of config or code; the Aegir pane waits for every host of the pack', () => {
		const plan = planPack(pack, {...base, aegirMode: true, aegir: knowledge()});
		expect(() => checkPlanGraph(plan)).not.toThrow();
		for (const hostPlan of plan.hosts) expect(hostPlan.steps.map(step => step.id).filter(id => id.startsWith('sync/'))).toEqual([]);
		const pane = plan.hosts.at(-1)!;
		expect(pane.host.name).toBe(AEGIR_HOST_NAME);
		expect(pane.roles).toEqual(['aegir-server']);
		expect(pane.steps[0]!.dependsOn).toEqual(['master', 'web1', 'web2'].map(name => ({host: name, id: plan.hosts.find(hostPlan => hostPlan.host.name === name)!.steps.at(-1)!.id})));
		// After the head's own last step (its web server reload of the tool's own changes): Aegir verifies a head that is ready.
		expect(pane.steps.find(step => step.id === 'aegir/verify:server_web1')!.dependsOn).toEqual([{host: 'web1', id: 'web/reload'}]);
		expect(plan.notes).toContain('Aegir runs here: its own verify brings config and code to the heads (the Aegir pane); aegir-pack rsyncs nothing');
		// Outside Aegir mode the plan is as before: no pane.
		expect(planPack(pack, base).hosts.map(hostPlan => hostPlan.host.name)).toEqual(['master', 'web1', 'web2']);
	});

	it('a new pack: every drush command line, in order, as the aegir user, after every host is done', async () => {
		const {outcome, drush, finished} = await run(planPack(pack, {...base, aegirMode: true, aegir: knowledge()}));
		expect(outcome.exitCode).toBe(0);
		expect(drush).toEqual(drushLines);
		expect(finished.map(event => [event.stepId, event.status])).toEqual([
			['aegir/feature-check', 'ok'],
			['aegir/save:server_master', 'changed'],
			['aegir/verify:server_master', 'changed'],
			['aegir/save:server_web1', 'changed'],
			['aegir/verify:server_web1', 'changed'],
			['aegir/save:server_web2', 'changed'],
			['aegir/verify:server_web2', 'changed'],
			['aegir/pack-save', 'changed'],
			['aegir/pack-verify', 'changed'],
			['aegir/platform-verify:platform_drupal10', 'changed'],
			['aegir/import', 'changed'],
		]);
	});

	it('--dry-run lists the same command lines and runs none', async () => {
		const {outcome, drush, finished} = await run(planPack(pack, {...base, aegirMode: true, aegir: knowledge()}), {dryRun: true});
		expect(outcome.exitCode).toBe(0);
		expect(drush).toEqual([]);
		expect(finished.flatMap(event => event.commands ?? [])).toEqual(drushLines);
		expect(finished.find(event => event.stepId === 'aegir/verify:server_web1')?.message).toBe(`would run ${SUDO} drush @server_web1 provision-verify (new to Aegir)`);
	});

	it('a re-run in which nothing changed (Aegir knows it all, as recorded) runs no drush at all', async () => {
		const servers: AegirServer[] = ['master', 'web1', 'web2'].map((name, index) => ({
			context: `server_${name}`,
			name,
			remoteHost: `192.0.2.1${index}`,
			httpServiceType: 'apache',
			masterWebServers: [],
			slaveWebServers: [],
			file: '/x',
		}));
		servers.push({context: 'server_packexamplecom', name: 'pack', remoteHost: 'pack.example.com', httpServiceType: 'pack', masterWebServers: ['server_master'], slaveWebServers: ['server_web1', 'server_web2'], file: '/x'});
		const record = nextVerifyRecord({pack, members: ['master', 'web1', 'web2'], servers, platforms: [onPack], imported: true, now: new Date()});
		const recorded = trustedPackForTests({...pack, record: {aegir: record}});
		const {outcome, drush, finished} = await run(planPack(recorded, {...base, aegirMode: true, aegir: knowledge(servers)}));
		expect(outcome.exitCode).toBe(0);
		expect(drush).toEqual([]);
		expect(finished.map(event => [event.stepId, event.status, event.message])).toEqual([
			['aegir/verify:server_master', 'ok', 'unchanged since the last verify'],
			['aegir/verify:server_web1', 'ok', 'unchanged since the last verify'],
			['aegir/verify:server_web2', 'ok', 'unchanged since the last verify'],
			['aegir/pack-verify', 'ok', 'unchanged since the last verify'],
			['aegir/platform-verify:platform_drupal10', 'ok', 'unchanged since the last verify'],
		]);
		// --aegir-verify asks for them all.
		const forced = await run(planPack(recorded, {...base, aegirMode: true, aegir: knowledge(servers, true)}));
		expect(forced.drush).toEqual([drushLines[0], drushLines[2], drushLines[4], drushLines[6], ...drushLines.slice(8)]);
	});

	it('a failed verify fails its step with the command, its exit code and output tail; later commands do not run', async () => {
		const {outcome, drush, finished} = await run(planPack(pack, {...base, aegirMode: true, aegir: knowledge()}), {
			drush: command =>
				command.endsWith('@server_web1 provision-verify')
					? {code: 1, stderr: 'Could not connect: Permission denied (publickey).\n'}
					: {output: 'hosting_web_pack\n'},
		});
		expect(outcome.exitCode).toBe(1);
		expect(drush.at(-1)).toBe(`${SUDO} drush @server_web1 provision-verify`);
		const failed = finished.find(event => event.status === 'failed')!;
		expect(failed.failure).toMatchObject({
			message: 'provision-verify of @server_web1 failed (exit code 1): Aegir could not reach the member over ssh as aegir: run with --aegir-prerequisites (its key and known host)',
			code: 1,
			stderrTail: 'Could not connect: Permission denied (publickey).',
		});
		expect(finished.filter(event => event.status === 'skipped').map(event => event.stepId)).toContain('aegir/import');
	});

	it("Aegir's Web pack feature off: the run stops there and says how to enable it", async () => {
		const {outcome, drush, finished} = await run(planPack(pack, {...base, aegirMode: true, aegir: knowledge()}), {drush: () => ({output: 'hosting\nhosting_site\n'})});
		expect(outcome.exitCode).toBe(1);
		expect(drush).toHaveLength(1);
		expect(finished[0]!.failure?.message).toContain('drush @hostmaster pm-enable -y hosting_web_pack');
	});

	it('add-slave: the pane runs only the new member, then the pack, each after the new slave is done', async () => {
		const plan = planAddSlave(pack, [host('web3', '192.0.2.13')], {...base, aegirMode: true, aegir: knowledge()});
		expect(plan.hosts.map(hostPlan => hostPlan.host.name)).toEqual(['web3', AEGIR_HOST_NAME]);
		const {drush} = await run(plan, {dryRun: true});
		expect(drush).toEqual([]);
		const {outcome, drush: ran} = await run(plan);
		expect(outcome.exitCode).toBe(0);
		expect(ran.map(line => line.replace(`${SUDO} drush `, ''))).toEqual([
			'@hostmaster pm-list --type=module --status=enabled --pipe',
			'provision-save @server_web3 --context_type=server --remote_host=192.0.2.13 --http_service_type=apache',
			'@server_web3 provision-verify',
			'provision-save @server_packexamplecom --context_type=server --remote_host=pack.example.com --http_service_type=pack --master_web_servers=@server_master --slave_web_servers=@server_web1,@server_web2,@server_web3',
			'@server_packexamplecom provision-verify',
			'@platform_drupal10 provision-verify',
			'@hostmaster hosting-import @server_packexamplecom',
		]);
	});
});
