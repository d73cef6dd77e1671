import type {Reporter, TestModule} from 'vitest/node';

// Prints one plain closing line, `N passed, N failed, N skipped`, so a run that
// executed no test (or skipped the e2e suite) is visible at a glance in CI logs.
export default class SummaryReporter implements Reporter {
	onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
		let passed = 0;
		let failed = 0;
		let skipped = 0;
		for (const module of testModules) {
			for (const test of module.children.allTests()) {
				const state = test.result().state;
				if (state === 'passed') passed++;
				else if (state === 'failed') failed++;
				else skipped++;
			}
			// A file that failed to load has no tests but is still a failure.
			if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++;
		}
		process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
	}
}
