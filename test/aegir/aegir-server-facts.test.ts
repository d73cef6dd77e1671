import {afterEach, describe, expect, test} from 'vitest';
import {parseAegirServerFacts} from '../../source/aegir/aegir-server-facts.js';
import {arrangeServer, makeTree, me, myGid, myUid, serverFacts, type Tree} from './local-tree.js';

let tree: Tree;
afterEach(() => tree?.cleanup());

describe("the Aegir server's facts", () => {
	test("read the aegir user's uid and gid there: members get the same", () => {
		tree = makeTree();
		arrangeServer(tree);
		// local-tree asks for the default user; ask for the one running the tests instead.
		const facts = serverFacts(tree, me);
		expect(facts.user).toMatchObject({name: me, uid: myUid});
		// The group of the same name, when this machine has one (Aegir's user and group share the name).
		if (facts.group) expect(facts.group).toMatchObject({name: me, gid: myGid});
		expect(facts.identities.map(identity => identity.name)).toEqual(['id_ed25519']);
	});

	test('no aegir user there: no ids, nothing guessed', () => {
		const facts = parseAegirServerFacts('\n@@n@@ passwd\n\n@@n@@ group\n\n@@n@@ end\n', 'n');
		expect(facts.user).toBeUndefined();
		expect(facts.group).toBeUndefined();
	});
});
