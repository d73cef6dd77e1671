// Run-wide notices (a uid/gid table, a warning about a host) under the panes.
import {Box, Text} from 'ink';
import type {Notice} from './run-reducer.js';

type NoticeLine = {key: string; level: Notice['level']; text: string; first: boolean};

const MARK: Record<Notice['level'], string> = {info: '·', warn: '!', error: '✖'};
const COLOUR: Record<Notice['level'], string> = {info: 'cyan', warn: 'yellow', error: 'red'};

/** Every notice as lines (a message may have several), oldest first. */
export function noticeLines(notices: readonly Notice[]): NoticeLine[] {
	const lines: NoticeLine[] = [];
	notices.forEach((notice, noticeIndex) => {
		const parts = notice.message.replace(/\n+$/, '').split('\n');
		parts.forEach((part, index) => {
			const text = index === 0 && notice.host ? `${notice.host}: ${part}` : part;
			lines.push({key: `${noticeIndex}:${index}`, level: notice.level, text, first: index === 0});
		});
	});
	return lines;
}

/** The newest `count` notice lines (all of them when `count` is undefined). */
export function NoticeList({notices, count, wrap = 'truncate-end'}: {notices: readonly Notice[]; count?: number; wrap?: 'wrap' | 'truncate-end'}) {
	const lines = noticeLines(notices);
	const shown = count === undefined ? lines : lines.slice(-count);
	if (shown.length === 0) return null;
	return (
		<Box flexDirection="column">
			{shown.map(line => (
				<Box key={line.key}>
					<Box width={2} flexShrink={0}>
						<Text color={COLOUR[line.level]}>{line.first ? MARK[line.level] : ' '}</Text>
					</Box>
					<Box flexGrow={1} flexShrink={1} minWidth={0}>
						<Text color={line.level === 'info' ? undefined : COLOUR[line.level]} wrap={wrap}>
							{line.text}
						</Text>
					</Box>
				</Box>
			))}
		</Box>
	);
}
