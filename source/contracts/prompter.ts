// Questions the run may need to ask mid-way (unknown host key, sudo password,
// files in the mount point). The Ink screen answers by asking the user; the
// non-interactive path answers from flags. Steps and remote code only see this.

export type HostKeyQuestion = {
	host: string;
	address: string;
	port: number;
	keyType: string;
	/** `SHA256:…` as OpenSSH prints it. */
	fingerprint: string;
	knownHostsFile: string;
};

export interface Prompter {
	/** Set when unknown host keys are accepted without asking: the reason said with each, e.g. '--accept-new-host-keys'. */
	readonly acceptsNewHostKeys?: string;
	/** Accept an unknown host key? (Accepting appends it to known_hosts.) */
	acceptHostKey(question: HostKeyQuestion): Promise<boolean>;
	/** The sudo password for user@host, or undefined to give up on that host. Kept in memory only. */
	sudoPassword(host: string, user: string): Promise<string | undefined>;
	/** A yes/no question about one host, e.g. moving aside files in a non-empty mount point. */
	confirm(host: string, question: string, detail?: string): Promise<boolean>;
}
