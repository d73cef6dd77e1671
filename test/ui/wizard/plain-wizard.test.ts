import {describe, expect, test} from 'vitest';
import {plainWizard} from '../../../source/ui/wizard/plain-wizard.js';
import {HOSTS, noFlags, web1, web2} from './fixtures.js';

const complete = {
	...noFlags,
	name: 'pack.example.com',
	master: 'web1',
	slave: ['web2'],
	subnet: ['192.0.2.0/24'],
	yes: true,
	// 192.0.2.0/24 is a public (documentation) network: exporting to it needs the consent flag.
	allowWideExport: true,
};

describe('the wizard without a terminal', () => {
	test('missing --name and --master: refused, naming both flags', () => {
		const outcome = plainWizard(noFlags, HOSTS);
		expect(outcome.kind).toBe('refused');
		if (outcome.kind !== 'refused') return;
		expect(outcome.messages[0]).toMatch(/^--name is required/);
		expect(outcome.messages[1]).toMatch(/^--master is required/);
	});

	test('every flag and --yes: accepted, with the review text', () => {
		const outcome = plainWizard(complete, HOSTS);
		expect(outcome.kind).toBe('accepted');
		if (outcome.kind !== 'accepted') return;
		expect(outcome.pack).toMatchObject({name: 'pack.example.com', master: web1, slaves: [web2], nfsServer: web1, subnets: ['192.0.2.0/24']});
		expect(outcome.review).toContain('/var/aegir/platforms 192.0.2.0/24(rw,sync,no_subtree_check)');
		expect(outcome.review).toContain('192.0.2.11:/var/aegir/platforms /var/aegir/platforms nfs rw,hard,_netdev,nofail,nosuid,nodev 0 0');
		expect(outcome.newHosts).toEqual([]);
	});

	test('without --yes the review is printed but not accepted', () => {
		const outcome = plainWizard({...complete, yes: false}, HOSTS);
		expect(outcome).toMatchObject({kind: 'refused', messages: ['--yes is required to accept this review without a terminal']});
		expect(outcome.review).toContain('Pack pack.example.com');
	});

	test('the subnet defaults to the proposal for the NFS clients', () => {
		const outcome = plainWizard({...complete, subnet: []}, HOSTS);
		expect(outcome.kind === 'accepted' && outcome.pack.subnets).toEqual(['192.0.2.12/32']);
	});

	test('a client outside --subnet is refused naming --subnet', () => {
		const outcome = plainWizard({...complete, subnet: ['198.51.100.0/24']}, HOSTS);
		expect(outcome.kind).toBe('refused');
		expect(outcome.kind === 'refused' && outcome.messages.join('\n')).toMatch(/^--subnet: NFS client web2 \(192\.0\.2\.12\) is outside/m);
	});

	test('a subnet wider than /24 without --allow-wide-export: refused, naming the subnet and how many may mount', () => {
		const lan = [{...HOSTS[0]!, address: '10.0.5.10'}, {...HOSTS[1]!, address: '10.0.5.11'}];
		const outcome = plainWizard({...complete, subnet: ['10.0.0.0/16'], allowWideExport: false}, lan);
		expect(outcome.kind).toBe('refused');
		expect(outcome.kind === 'refused' && outcome.messages).toEqual([
			"--subnet 10.0.0.0/16: 65,536 addresses may mount /var/aegir/platforms (wider than /24); give each client's address or a network of at most /24, or pass --allow-wide-export",
		]);
		expect(plainWizard({...complete, subnet: ['10.0.0.0/16'], allowWideExport: true}, lan).kind).toBe('accepted');
	});

	test('a public network without --allow-wide-export: refused; a private /24 is not asked about', () => {
		const outcome = plainWizard({...complete, allowWideExport: false}, HOSTS);
		expect(outcome.kind === 'refused' && outcome.messages).toEqual([
			"--subnet 192.0.2.0/24: 256 addresses may mount /var/aegir/platforms (not a private network); give each client's address, or pass --allow-wide-export",
		]);
		const lan = [{...HOSTS[0]!, address: '10.0.5.10'}, {...HOSTS[1]!, address: '10.0.5.11'}];
		expect(plainWizard({...complete, subnet: ['10.0.5.0/24'], allowWideExport: false}, lan).kind).toBe('accepted');
	});

	test('a bad --subnet value is refused naming the flag and the value', () => {
		const outcome = plainWizard({...complete, subnet: ['10.1']}, HOSTS);
		expect(outcome.kind === 'refused' && outcome.messages[0]).toMatch(/^--subnet 10\.1: /);
	});

	test('hosts defined with --host are returned as new (to be saved with the pack)', () => {
		const outcome = plainWizard({...complete, master: 'web9', slave: [], subnet: [], host: ['web9=192.0.2.19']}, HOSTS);
		expect(outcome.kind).toBe('accepted');
		if (outcome.kind !== 'accepted') return;
		expect(outcome.newHosts).toEqual([{name: 'web9', address: '192.0.2.19', user: 'root', port: 22}]);
		expect(outcome.review).toContain('No slaves');
	});

	test('a DNS-named client needs an explicit --subnet', () => {
		const outcome = plainWizard({...complete, slave: ['dns1'], subnet: [], host: ['dns1=web-dns.example.com']}, HOSTS);
		expect(outcome.kind === 'refused' && outcome.messages.join('\n')).toMatch(/^--subnet is required/m);
	});
});
