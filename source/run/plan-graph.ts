// Before running anything: every dependency must name a step of the plan, and
// waiting must never go round in a circle (a host waits for its own earlier
// steps, and for the steps its dependencies name). Both are planner bugs; they
// are caught here rather than hanging a run.

import type {Plan, StepRef} from '../plan/step.js';

export const stepKey = (ref: StepRef) => `${ref.host}\u0000${ref.id}`;

export class PlanGraphError extends Error {
	override name = 'PlanGraphError';
}

export function checkPlanGraph(plan: Plan): void {
	const edges = new Map<string, string[]>();
	const names = new Map<string, string>();
	for (const hostPlan of plan.hosts) {
		hostPlan.steps.forEach((step, index) => {
			const key = stepKey({host: hostPlan.host.name, id: step.id});
			if (edges.has(key)) throw new PlanGraphError(`step ${step.id} appears twice on ${hostPlan.host.name}`);
			const previous = hostPlan.steps[index - 1];
			const waits = [...(step.dependsOn ?? []), ...(step.after ?? [])].map(stepKey);
			if (previous) waits.push(stepKey({host: hostPlan.host.name, id: previous.id}));
			edges.set(key, waits);
			names.set(key, `${hostPlan.host.name} ${step.id}`);
		});
	}

	for (const [key, waits] of edges) {
		const unknown = waits.find(wait => !edges.has(wait));
		if (unknown) throw new PlanGraphError(`${names.get(key)} waits for ${unknown.replace('\u0000', ' ')}, which is not in the plan`);
	}

	const state = new Map<string, 'visiting' | 'done'>();
	const visit = (key: string, path: string[]): void => {
		if (state.get(key) === 'done') return;
		if (state.get(key) === 'visiting') {
			const cycle = [...path.slice(path.indexOf(key)), key].map(item => names.get(item)).join(' -> ');
			throw new PlanGraphError(`steps wait for each other in a circle: ${cycle}`);
		}

		state.set(key, 'visiting');
		for (const wait of edges.get(key) ?? []) visit(wait, [...path, key]);
		state.set(key, 'done');
	};

	for (const key of edges.keys()) visit(key, []);
}
