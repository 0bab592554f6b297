/**
 * Every planning-side check of one environment, in the order a user fixes them: fit and placement
 * (with ways out that were checked against all of the below), scheduling, then capacity against
 * demand and the cost plan. Pure: the loader (cli/load.ts) calls it for each file.
 */
import type { Problem } from "../config/errors";
import type { ResolvedEnvironment } from "../config/resolve";
import { CostPlan, planCosts } from "./costs";
import { LaterChecks, Plan, planEnvironment } from "./plan";
import { checkScheduling } from "./scheduling";

export interface CheckOptions {
  /** Report capacity below demand instead of failing. @default - costs.allowShortfall */
  readonly allowShortfall?: boolean;
  /** Judge each throughput estimate against the calibration set (for reports; no check needs it). @default true */
  readonly confidence?: boolean;
}

/** The checks that run on a plan: scheduling always, capacity only on a plan whose models fit and place. */
export function laterChecks(options: CheckOptions = {}): LaterChecks {
  return (env, plan, planProblems) => [
    // Every pod the stack creates must have a node to run on (labels, taints, cluster.otherNodes).
    ...checkScheduling(env, plan),
    // Throughput needs models that fit; capacity is checked only for a plan without problems.
    ...(planProblems === 0 ? planCosts(env, plan, { ...options, confidence: false }).problems : []),
  ];
}

/** Plans and checks `env`; `costs` is there only when the plan itself has no problem. */
export function checkEnvironment(env: ResolvedEnvironment, options: CheckOptions = {}): { plan: Plan; costs?: CostPlan; problems: Problem[] } {
  const later = laterChecks(options);
  const { plan, problems } = planEnvironment(env, { laterChecks: later });
  const out: Problem[] = [...problems, ...checkScheduling(env, plan)];
  if (problems.length > 0) return { plan, problems: out };
  const costs = planCosts(env, plan, options);
  return { plan, costs: costs.costs, problems: [...out, ...costs.problems] };
}
