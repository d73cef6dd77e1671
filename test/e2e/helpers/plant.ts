// Issue 11 on the lab: what a less-privileged aegir user does before a run
// (plant a link in its own tree), and how a test proves afterwards that root
// did nothing through it: the target's bytes, owner and mode, the host's step
// line naming the link, and the other hosts' recap.
import {expect} from 'vitest';
import {quote} from '../../../source/shell/quote.js';
import {parseRecap, stepLines} from './apply-run.js';
import type {Lab} from './lab.js';

/** Run a shell command on a lab host as the aegir user (what it can do to its own tree). */
export async function plantAsAegir(lab: Lab, host: string, command: string): Promise<void> {
	const result = await lab.exec(host, `runuser -u aegir -- sh -c ${quote(command)}`);
	if (result.code !== 0) throw new Error(`planting as aegir on ${host} failed (${command}):\n${result.stderr}`);
}

/** Run a shell command on a lab host as root, failing the test when it fails. */
export async function asRoot(lab: Lab, host: string, command: string): Promise<string> {
	const result = await lab.exec(host, command);
	if (result.code !== 0) throw new Error(`on ${host}: ${command}\n${result.stderr}`);
	return result.stdout;
}

/** Owner, group, mode, size and sha256 of a path itself (not followed): `root:shadow 640 1043 <sha>`. */
export async function fileIdentity(lab: Lab, host: string, path: string): Promise<string> {
	const result = await lab.exec(host, `stat -c '%U:%G %a %s %F' -- ${quote(path)} && { [ ! -f ${quote(path)} ] || sha256sum < ${quote(path)}; }`);
	if (result.code !== 0) throw new Error(`cannot read ${path} on ${host}: ${result.stderr}`);
	return result.stdout.trim();
}

/** The one step line of `host` whose title contains `title`. */
export function stepLine(stdout: string, host: string, title: string): string {
	const line = stepLines(stdout, host).find(candidate => candidate.includes(title));
	if (!line) throw new Error(`no step "${title}" for ${host} in:\n${stdout}`);
	return line;
}

/** `host` failed at the step titled `title`, with a message containing `text` (in its step line or the failure lines). */
export function expectHostFailedWith(stdout: string, host: string, title: string, text: string): void {
	expect(stepLine(stdout, host, title), stdout).toMatch(/\sfailed\s/);
	const mentions = stdout.split('\n').filter(line => line.startsWith(host) && line.includes(text));
	expect(mentions.length, `${host}: "${text}" in:\n${stdout}`).toBeGreaterThan(0);
}

/** Every given host finished with no failed step (skipped ones are for the caller to check). */
export function expectNoFailures(stdout: string, hosts: string[]): void {
	const recap = parseRecap(stdout);
	for (const host of hosts) expect(recap[host]?.failed, `${host}\n${stdout}`).toBe(0);
}
