// The one call the CLI makes after the wizard: plan the pack, run the plan.

import type {Pack} from '../pack/types.js';
import type {PlanOptions} from '../plan/options.js';
import {planPack} from '../plan/planner.js';
import {runPlan, type RunOutcome, type RunPlanOptions} from './runner.js';

export async function applyPack(pack: Pack, planOptions: PlanOptions, runOptions: RunPlanOptions): Promise<RunOutcome> {
	return runPlan(planPack(pack, planOptions), runOptions);
}
