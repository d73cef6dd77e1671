// The re-run entry points the add-slave and remove-slave command tests mock
// (each test file declares the vi.mock itself: vitest hoists it per file).
import {expect, vi} from 'vitest';
import {rerunInTerminal} from '../../../source/cli/rerun-in-terminal.js';
import {runAddSlave, runRemoveSlave} from '../../../source/cli/rerun.js';

/** Every mocked run answers exit 0 and has no calls recorded. */
export function resetRerunMocks(): void {
	vi.mocked(runAddSlave).mockReset().mockResolvedValue(0);
	vi.mocked(runRemoveSlave).mockReset().mockResolvedValue(0);
	vi.mocked(rerunInTerminal).mockReset().mockResolvedValue(0);
}

/** A refusal reached neither a run nor the terminal's review. */
export function expectNothingRun(): void {
	expect(runAddSlave).not.toHaveBeenCalled();
	expect(runRemoveSlave).not.toHaveBeenCalled();
	expect(rerunInTerminal).not.toHaveBeenCalled();
}
