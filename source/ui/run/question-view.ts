// What a question modal says, as plain lines (pure, so its height is known
// to the layout before it is drawn, and it can be tested without Ink).
import {stripControl} from '../../report/terminal-text.js';
import type {PendingQuestion} from './ink-prompter.js';

export type QuestionView = {
	title: string;
	lines: string[];
	/** The answer line: `[y/N]` questions, or the password field's label. */
	prompt: string;
};

/** Lines a modal takes on screen: border (2), title, body, prompt. */
export function questionHeight(view: QuestionView): number {
	return 4 + view.lines.length;
}

function clip(lines: string[], maxLines: number): string[] {
	if (lines.length <= maxLines) return lines;
	const keep = Math.max(0, maxLines - 1);
	return [...lines.slice(0, keep), `… ${lines.length - keep} more lines (in the host log)`];
}

/** `maxBodyLines` bounds the detail of a confirmation (a list of files can be long). */
export function describeQuestion(question: PendingQuestion, maxBodyLines = 8, home?: string): QuestionView {
	switch (question.kind) {
		case 'host-key': {
			const q = question.question;
			const file = home && q.knownHostsFile.startsWith(`${home}/`) ? `~${q.knownHostsFile.slice(home.length)}` : q.knownHostsFile;
			const port = q.port === 22 ? '' : ` port ${q.port}`;
			return {
				title: `${q.host}: unknown host key`,
				lines: clip(
					[
						`${q.address}${port} offers a key that is not in ${file}:`,
						`  ${q.keyType} ${q.fingerprint}`,
						'Compare it with `ssh-keygen -lf` on the host itself.',
						`Yes adds it to ${file}.`,
					],
					Math.max(2, maxBodyLines),
				),
				prompt: 'Trust this key? [y/N]',
			};
		}

		case 'sudo-password': {
			return {
				title: `${question.host}: sudo password for ${question.user}`,
				lines: ['Kept in memory for this run only, never written anywhere.', 'Enter sends it · Esc gives up on this host.'],
				prompt: 'Password: ',
			};
		}

		case 'confirm': {
			const detail = question.detail ? stripControl(question.detail).replace(/\n+$/, '').split('\n') : [];
			return {
				title: `${question.host}: ${stripControl(question.question).replaceAll('\n', ' ')}`,
				lines: clip(detail, maxBodyLines),
				prompt: '[y/N]',
			};
		}
	}
}
