// The floor the first-frame bench compares against: the smallest Ink app
// (one line of text), loaded as the CLI loads Ink (production React).
process.env['NODE_ENV'] ??= 'production';
const [{render, Text}, {createElement}] = await Promise.all([import('ink'), import('react')]);
const instance = render(createElement(Text, null, 'Minimal Ink app: Ctrl-C quit'));
await instance.waitUntilExit();
