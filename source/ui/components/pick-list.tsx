// A single-choice list that scrolls. Unlike ink-select-input it keeps the
// highlighted index in a ref, so keys that arrive in one read over a slow SSH
// link ("Down Down Enter") pick the item the user actually moved to.
import {Box, Text, useInput} from 'ink';
import {useRef, useState} from 'react';

export type PickItem<V> = {
	label: string;
	value: V;
	/** Shown dim after the label (e.g. "Aegir"); the caller keeps label and note within the width. */
	note?: string;
};

export type PickListProps<V> = {
	items: ReadonlyArray<PickItem<V>>;
	/** Rows to show; the list scrolls when it has more items. */
	limit?: number;
	initialIndex?: number;
	onSelect: (item: PickItem<V>) => void;
	isActive?: boolean;
};

type View = {index: number; offset: number};

/** Keep `index` inside the window of `visible` rows starting at `offset`. */
function settle(index: number, offset: number, visible: number): View {
	if (index < offset) return {index, offset: index};
	if (index >= offset + visible) return {index, offset: index - visible + 1};
	return {index, offset};
}

/** Several Enters read at once arrive as one "\r\r" input, which Ink does not call a return key. */
export function isBatchedEnter(input: string): boolean {
	return input.length > 1 && /^[\r\n]+$/.test(input);
}

export function PickList<V>({items, limit, initialIndex = 0, onSelect, isActive = true}: PickListProps<V>) {
	const count = items.length;
	const visible = Math.max(1, Math.min(limit ?? count, count));
	const [view, setView] = useState<View>(() => settle(Math.min(Math.max(0, initialIndex), Math.max(0, count - 1)), 0, visible));
	const current = useRef(view);
	// The window may have shrunk (terminal resized): keep the highlighted row in it.
	const shown = settle(Math.min(view.index, Math.max(0, count - 1)), view.offset, visible);
	current.current = {...shown, offset: Math.min(shown.offset, Math.max(0, count - visible))};

	useInput(
		(input, key) => {
			if (count === 0) return;
			const {index, offset} = current.current;
			let next = index;
			if (key.upArrow || input === 'k') next = index === 0 ? count - 1 : index - 1;
			else if (key.downArrow || input === 'j') next = index === count - 1 ? 0 : index + 1;
			else if (key.pageUp) next = Math.max(0, index - visible);
			else if (key.pageDown) next = Math.min(count - 1, index + visible);
			else if (key.home) next = 0;
			else if (key.end) next = count - 1;
			else if (key.return || isBatchedEnter(input)) {
				const item = items[index];
				if (item) onSelect(item);
				return;
			} else return;
			current.current = settle(next, offset, visible);
			setView(current.current);
		},
		{isActive},
	);

	const {index, offset} = current.current;
	return (
		<Box flexDirection="column">
			{items.slice(offset, offset + visible).map((item, row) => {
				const selected = offset + row === index;
				return (
					<Box key={offset + row}>
						<Text color={selected ? 'cyan' : undefined}>{selected ? '❯ ' : '  '}</Text>
						<Text color={selected ? 'cyan' : undefined} wrap="truncate-end">
							{item.label}
							{item.note ? <Text dimColor>{item.note}</Text> : null}
						</Text>
					</Box>
				);
			})}
		</Box>
	);
}
