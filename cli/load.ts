/**
 * Loading as every command does it: read and validate the files (config/), then plan them
 * (planning/), collecting the problems of all files before failing. Planning's problems are
 * located (line and column) here, with the positions the loader kept for each file.
 */
import { ConfigError, Problem } from "../config/errors";
import { loadEnvironments } from "../config/loader";
import type { ResolvedEnvironment } from "../config/resolve";
import { checkEnvironment } from "../planning/check";
import type { CostPlan } from "../planning/costs";
import type { Plan } from "../planning/plan";
import { checkModelStore } from "../planning/model-store";

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
  /** Judge each throughput estimate's confidence (plan and cost reports; `validate` needs none). @default true */
  readonly confidence?: boolean;
}

/**
 * Loads, checks and plans `files`; throws one ConfigError with every problem of every file, each
 * with its line and column.
 */
export function loadAndPlan(files: readonly string[], options: LoadOptions | string = {}): PlannedEnvironment[] {
  const opts: LoadOptions = typeof options === "string" ? { cwd: options } : options;
  const loaded = loadEnvironments(files, opts.cwd);
  if (loaded.problems.length > 0) throw new ConfigError(loaded.problems);
  const envs = loaded.envs;
  const problems: Problem[] = [];
  const planned: PlannedEnvironment[] = [];
  for (const env of envs) {
    const result = checkEnvironment(env, { allowShortfall: opts.allowShortfall, confidence: opts.confidence });
    problems.push(...result.problems);
    const store = env.config.modelStore;
    if (store && result.plan.checkpoints.length > 0) {
      // The store's own rules (tokens for gated models, job names) live beside the construct.
      for (const p of checkModelStore(store, result.plan.checkpoints)) problems.push({ file: env.file, path: p.path, message: p.message });
    }
    if (result.costs) planned.push({ env, plan: result.plan, costs: result.costs });
  }
  if (problems.length > 0) throw new ConfigError(loaded.locate(problems, "plan"));
  return planned;
}
