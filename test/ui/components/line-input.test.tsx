import {expect, test} from 'vitest';
import {cleanLine} from '../../../source/ui/components/line-input.js';

test.each([
	['web4', {text: 'web4', submitted: false}],
	['web4\r', {text: 'web4', submitted: true}],
	['web4\r192.0.2.14\r', {text: 'web4', submitted: true}],
	['web4\n', {text: 'web4', submitted: true}],
	['admin\u007f\u007f\u007f\u007f\u007f', {text: '', submitted: false}],
	['web44\u007f', {text: 'web4', submitted: false}],
	['\u007fweb', {text: 'web', submitted: false}],
	['we\tb\u0000\u001b4', {text: 'web4', submitted: false}],
])('a batch of keys %j becomes %o', (raw, expected) => {
	expect(cleanLine(raw)).toEqual(expected);
});
