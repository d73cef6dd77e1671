// Reading the export's YAML back in tests (the `yaml` package, YAML 1.1 as
// PyYAML reads it, Ansible's !unsafe tag as a marker object), and values
// chosen to break YAML, Jinja, shells and regexes.
import {expect} from 'vitest';
import {parseDocument, type Tags} from 'yaml';

/** Ansible's `!unsafe` tag, as a marker object, so the tests see which scalars carry it. */
export const unsafeTag: Tags[number] = {tag: '!unsafe', resolve: (value: string) => ({unsafe: value})};

export function parseYaml(text: string): unknown {
	const document = parseDocument(text, {customTags: [unsafeTag], version: '1.1', uniqueKeys: true});
	expect(document.errors).toEqual([]);
	expect(document.warnings).toEqual([]);
	return document.toJS();
}

export const HOSTILE = [
	'{{ lookup("pipe", "touch /tmp/pwned") }}',
	'{% for x in range(3) %}x{% endfor %}',
	'line one\nline two\r\n- injected: item',
	'key: value',
	'a # not a comment',
	'"double" and \'single\' quotes',
	'- list',
	'yes',
	'0x10',
	'~',
	'',
	'  leading and trailing  ',
	'tab\there',
	'back\\slash \\n not a newline',
	'nul \0 bell \u0007 del \u007f',
	'é ü 中文 😀 \u2028 \u2029 \ufeff',
	'!!python/object/apply:os.system ["id"]',
	'&anchor *alias',
	'}} {{',
	'{# comment #}',
];

