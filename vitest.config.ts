import {defineConfig} from 'vitest/config';

// One run, two groups: fast unit tests first (in parallel), then the e2e suite,
// one file at a time because every e2e file owns the single lab on this machine.
export default defineConfig({
	test: {
		reporters: ['default', './test/summary-reporter.ts'],
		projects: [
			{
				test: {
					name: 'unit',
					include: ['test/**/*.test.{ts,tsx}'],
					exclude: ['test/e2e/**', 'node_modules/**'],
					sequence: {groupOrder: 0},
					// The screens are tested as a terminal shows them. With CI set, Ink (is-in-ci,
					// read once at import) draws nothing until exit; our CLI never mounts Ink in
					// CI, so the unit tests run Ink as on a terminal. CLI tests set CI themselves.
					env: {CI: 'false', CONTINUOUS_INTEGRATION: 'false'},
				},
			},
			{
				test: {
					name: 'e2e',
					include: ['test/e2e/**/*.test.{ts,tsx}'],
					sequence: {groupOrder: 1},
					maxWorkers: 1,
					fileParallelism: false,
					testTimeout: 180_000,
					hookTimeout: 600_000,
				},
			},
		],
	},
});
