// Key pairs for tests. ssh2's generateKeyPairSync('ed25519') strips leading
// zero bytes of the public key, so about 1 key in 256 comes out 31 bytes long
// and cannot be parsed back (mscdex/ssh2 issues #1390, #1513): draw again.

import ssh2, {type ParsedKey} from 'ssh2';

export type TestKeyPair = {private: string; public: string; parsedPublic: ParsedKey};

export function generateTestKeyPair(type: 'ed25519' | 'ecdsa' = 'ed25519', passphrase?: string): TestKeyPair {
	for (let attempt = 0; attempt < 20; attempt++) {
		const encryption: ssh2.utils.KeyPairOptions = passphrase ? {passphrase, cipher: 'aes256-ctr', rounds: 4} : {};
		const pair =
			type === 'ecdsa' ? ssh2.utils.generateKeyPairSync('ecdsa', {bits: 256, ...encryption}) : ssh2.utils.generateKeyPairSync('ed25519', encryption);
		const parsedPublic = first(ssh2.utils.parseKey(pair.public));
		const parsedPrivate = first(ssh2.utils.parseKey(pair.private, passphrase));
		if (parsedPublic && parsedPrivate) return {private: pair.private, public: pair.public, parsedPublic};
	}
	throw new Error('could not generate a parsable key pair');
}

function first(result: ParsedKey | ParsedKey[] | Error): ParsedKey | undefined {
	if (result instanceof Error) return undefined;
	return Array.isArray(result) ? result[0] : result;
}
