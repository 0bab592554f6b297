/**
 * Loading as every command does it: read and validate the files (config/), then plan them
 * (planning/), collecting the problems of all files before failing.
 */
import { ConfigError, Problem } from "../config/errors";
import { loadEnvironmentFiles } from "../config/loader";
import type { ResolvedEnvironment } from "../config/resolve";
import { Plan, planEnvironment } from "../planning/plan";
import { checkModelStore } from "../constructs/model-store-plan";

export interface PlannedEnvironment {
  readonly env: ResolvedEnvironment;
  readonly plan: Plan;
}

/** Loads, checks and plans `files`; throws one ConfigError with every problem of every file. */
export function loadAndPlan(files: readonly string[], cwd?: string): PlannedEnvironment[] {
  const envs = loadEnvironmentFiles(files, cwd);
  const problems: Problem[] = [];
  const planned = envs.map((env) => {
    const result = planEnvironment(env);
    problems.push(...result.problems);
    const store = env.config.modelStore;
    if (store && result.plan.checkpoints.length > 0) {
      // The store's own rules (tokens for gated models, job names) live beside the construct.
      for (const p of checkModelStore(store, result.plan.checkpoints)) problems.push({ file: env.file, path: p.path, message: p.message });
    }
    return { env, plan: result.plan };
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return planned;
}
