/**
 * The cdktf app: one AiFactoryStack per planned environment. The only place an App is made, so
 * the command line stays free of cdktf imports.
 */
import { App } from "cdktf";
import type { Plan } from "../planning/plan";
import type { CostSummary } from "../planning/tco";
import type { ResolvedEnvironment } from "../config/resolve";
import { AiFactoryStack } from "./ai-factory-stack";

/** What one stack is built from. */
export interface StackInput {
  readonly env: ResolvedEnvironment;
  readonly plan: Plan;
  readonly costs: CostSummary;
}

/** Builds the stacks of `inputs` in `app` (no I/O; `app.synth()` writes). */
export function buildApp(app: App, inputs: readonly StackInput[]): AiFactoryStack[] {
  return inputs.map(({ env, plan, costs }) => new AiFactoryStack(app, env.config.name, { env, plan, costs }));
}

/** Synthesizes `inputs` into the output directory (CDKTF_OUTDIR, else cdktf.out); returns it. */
export function synthesizeApp(inputs: readonly StackInput[]): string {
  const app = new App();
  buildApp(app, inputs);
  app.synth();
  return app.outdir;
}
