import {describe, expect, it} from 'vitest';
import {unifiedDiff} from '../../source/shell/unified-diff.js';

const labels = {oldLabel: '/etc/fstab', newLabel: '/etc/fstab (aegir-pack)'};

describe('unified diff', () => {
	it('is empty for equal texts', () => {
		expect(unifiedDiff('a\n', 'a\n', labels)).toBe('');
	});

	it('shows an appended line with context, like diff -u', () => {
		expect(unifiedDiff('a\nb\nc\nd\n', 'a\nb\nc\nd\nnew\n', labels)).toBe(
			['--- /etc/fstab', '+++ /etc/fstab (aegir-pack)', '@@ -2,3 +2,4 @@', ' b', ' c', ' d', '+new', ''].join('\n'),
		);
	});

	it('shows a replaced line', () => {
		expect(unifiedDiff('x\nold\ny\n', 'x\nnew\ny\n', labels)).toBe(
			['--- /etc/fstab', '+++ /etc/fstab (aegir-pack)', '@@ -1,3 +1,3 @@', ' x', '-old', '+new', ' y', ''].join('\n'),
		);
	});

	it('creates a file from nothing', () => {
		expect(unifiedDiff('', 'one\n', {oldLabel: '/dev/null', newLabel: 'f'})).toBe('--- /dev/null\n+++ f\n@@ -0,0 +1,1 @@\n+one\n');
	});

	it('splits far-apart changes into separate hunks', () => {
		const old = Array.from({length: 20}, (_, index) => `line ${index}`);
		const changed = [...old];
		changed[1] = 'changed 1';
		changed[18] = 'changed 18';
		const diff = unifiedDiff(`${old.join('\n')}\n`, `${changed.join('\n')}\n`, labels);
		expect(diff.match(/^@@/gm)).toHaveLength(2);
		expect(diff).toContain('-line 1\n+changed 1');
		expect(diff).toContain('-line 18\n+changed 18');
	});

	it('says when a file lacks its final newline', () => {
		expect(unifiedDiff('a', 'a\nb\n', labels)).toContain('does not end with a newline');
	});
});
