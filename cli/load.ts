/**
 * Loading as every command does it: read and validate the files (config/), then plan them
 * (planning/), collecting the problems of all files before failing.
 */
import { ConfigError, Problem } from "../config/errors";
import { loadEnvironmentFiles } from "../config/loader";
import type { ResolvedEnvironment } from "../config/resolve";
import { checkEnvironment } from "../planning/check";
import type { CostPlan } from "../planning/costs";
import type { Plan } from "../planning/plan";
import { checkModelStore } from "../constructs/model-store-plan";

export interface PlannedEnvironment {
  readonly env: ResolvedEnvironment;
  readonly plan: Plan;
  readonly costs: CostPlan;
}

export interface LoadOptions {
  /** Working directory the files are relative to. @default process.cwd() */
  readonly cwd?: string;
  /** Report capacity below demand instead of failing (the `cost` command). @default - costs.allowShortfall */
  readonly allowShortfall?: boolean;
}

/** Loads, checks and plans `files`; throws one ConfigError with every problem of every file. */
export function loadAndPlan(files: readonly string[], options: LoadOptions | string = {}): PlannedEnvironment[] {
  const opts: LoadOptions = typeof options === "string" ? { cwd: options } : options;
  const envs = loadEnvironmentFiles(files, opts.cwd);
  const problems: Problem[] = [];
  const planned: PlannedEnvironment[] = [];
  for (const env of envs) {
    const result = checkEnvironment(env, { allowShortfall: opts.allowShortfall });
    problems.push(...result.problems);
    const store = env.config.modelStore;
    if (store && result.plan.checkpoints.length > 0) {
      // The store's own rules (tokens for gated models, job names) live beside the construct.
      for (const p of checkModelStore(store, result.plan.checkpoints)) problems.push({ file: env.file, path: p.path, message: p.message });
    }
    if (result.costs) planned.push({ env, plan: result.plan, costs: result.costs });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return planned;
}
