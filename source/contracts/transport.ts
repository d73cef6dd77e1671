// The small interface steps use to touch a host. The planner and steps import
// only this file; source/remote/ implements it over ssh2, unit tests fake it.

import type {Readable, Writable} from 'node:stream';

export type ExecOptions = {
	/**
	 * The command's stdin (file contents travel this way, never on the command
	 * line): bytes as they are, or text sent as UTF-8.
	 */
	stdin?: string | Uint8Array;
	/** Run with root privileges: as-is when logged in as root, else through `sudo -S -p ''`. */
	sudo?: boolean;
	/** A read whose output is data, not progress (a state probe): logged, not shown on the screen. */
	quiet?: boolean;
	/** Live output for the screen and the host log, as it arrives. */
	onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
	/** Give up (and close the channel) after this long. */
	timeoutMs?: number;
	signal?: AbortSignal;
};

export type ExecResult = {
	/** The command as run (without the sudo wrapper or password), for logs and failures. */
	command: string;
	/** Exit code; -1 when the channel closed without one (killed, timed out, connection lost). */
	code: number;
	stdout: string;
	stderr: string;
	durationMs: number;
};

/** One rsync filter rule, in order: the first rule that matches a path decides. */
export type RsyncFilter = {rule: 'include' | 'exclude'; pattern: string};

export type PushTreeOptions = {
	/** Local directory on the machine running the tool: `paths` are relative to it. */
	source: string;
	/** What to send (rsync --relative from `source/./path`): each arrives as `destination/path`, nothing above it is touched. */
	paths: string[];
	/** Absolute directory on the host. */
	destination: string;
	/** Include/exclude rules after the VCS excludes (drush's filters; an excluded path is also never deleted). */
	filters?: RsyncFilter[];
	/** Delete on the host what the sent directories no longer hold (rsync --delete). */
	delete?: boolean;
	/** Real runs: rsync stops deleting after this many (--max-delete). */
	maxDelete?: number;
	/** The user the receiving rsync runs as on the host (the aegir user; never root). */
	runAs: string;
	/** Report what would change without changing anything (rsync --dry-run --itemize-changes). */
	dryRun?: boolean;
	onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
	signal?: AbortSignal;
};

export type PushTreeResult = ExecResult & {
	/** Paths rsync created, updated or deleted (from --itemize-changes), relative to the destination. Empty: nothing changed. */
	changed: string[];
	/** The deleted ones among them (`*deleting`). */
	deleted: string[];
};

export type StreamOptions = {
	/** Run with root privileges (as `exec`); a password, when sudo needs one, goes first on stdin. */
	sudo?: boolean;
	signal?: AbortSignal;
	timeoutMs?: number;
};

/** A running command whose stdin and stdout are binary streams (a tar piped between two hosts through this machine). */
export type CommandStream = {
	/** The command's stdin: write, then end it. */
	stdin: Writable;
	/** The command's stdout, byte for byte: read it to its end (resume() it when unused), else the command never settles. */
	stdout: Readable;
	/** Settles when the command ends; its `stdout` is empty (it went to the stream), its stderr is kept. */
	done: Promise<ExecResult>;
};

/** One open connection to one host, reused by every step of that host. */
export interface Transport {
	/** The pack host name this transport talks to. */
	readonly hostName: string;
	/** Run one shell command line (already quoted) on the host. Never throws for a non-zero exit. */
	exec(command: string, options?: ExecOptions): Promise<ExecResult>;
	/** Copy a local tree to the host with real rsync over SSH (host keys checked against the same known_hosts). */
	pushTree(options: PushTreeOptions): Promise<PushTreeResult>;
	/** Start a command with binary stdin and stdout (absent where a transport cannot stream). */
	stream?(command: string, options?: StreamOptions): Promise<CommandStream>;
	close(): Promise<void>;
}
