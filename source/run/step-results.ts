// Results of every step of a run, as promises: a step waits on the steps it
// names (on any host) by awaiting their results here.

import type {Plan, StepRef} from '../plan/step.js';
import type {StepStatus} from '../contracts/events.js';
import {stepKey} from './plan-graph.js';

type Entry = {promise: Promise<StepStatus>; resolve(status: StepStatus): void; title: string; status?: StepStatus};

export class StepResults {
	readonly #entries = new Map<string, Entry>();

	constructor(plan: Plan) {
		for (const hostPlan of plan.hosts) {
			for (const step of hostPlan.steps) {
				let resolve!: (status: StepStatus) => void;
				const promise = new Promise<StepStatus>(done => {
					resolve = done;
				});
				this.#entries.set(stepKey({host: hostPlan.host.name, id: step.id}), {promise, resolve, title: step.title});
			}
		}
	}

	settle(ref: StepRef, status: StepStatus): void {
		const entry = this.#entry(ref);
		entry.status = status;
		entry.resolve(status);
	}

	/** How the step finished, or undefined while it has not (or when no such step is planned). */
	status(ref: StepRef): StepStatus | undefined {
		return this.#entries.get(stepKey(ref))?.status;
	}

	wait(ref: StepRef): Promise<StepStatus> {
		return this.#entry(ref).promise;
	}

	title(ref: StepRef): string {
		return this.#entry(ref).title;
	}

	#entry(ref: StepRef): Entry {
		const entry = this.#entries.get(stepKey(ref));
		// checkPlanGraph ran first, so this is a bug in the runner itself.
		if (!entry) throw new Error(`no step ${ref.id} on ${ref.host}`);
		return entry;
	}
}
