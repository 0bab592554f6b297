/**
 * The cdktf app: one AiFactoryStack per planned environment. The only place an App is made, so
 * the command line stays free of cdktf imports.
 */
import { App, Aspects, type StackManifest } from "cdktf";
import type { Plan } from "../planning/plan";
import type { CostSummary } from "../planning/tco";
import type { ResolvedEnvironment } from "../config/resolve";
import { AiFactoryStack, type GrafanaDashboard } from "./ai-factory-stack";
import { PolicyAspect } from "./policy-aspect";

/** What one stack is built from. */
export interface StackInput {
  readonly env: ResolvedEnvironment;
  readonly plan: Plan;
  readonly costs: CostSummary;
  /** Grafana dashboards for `monitoring` (report/dashboards.ts, built by the CLI). @default - none */
  readonly dashboards?: readonly GrafanaDashboard[];
}

/** Builds the stacks of `inputs` in `app` (no I/O; `app.synth()` writes). */
export function buildApp(app: App, inputs: readonly StackInput[]): AiFactoryStack[] {
  return inputs.map(({ env, plan, costs, dashboards }) => {
    const stack = new AiFactoryStack(app, env.config.name, { env, plan, costs, dashboards });
    // Policy checks at synth (stacks/policy-aspect.ts): a violation fails the synth with exit 1.
    Aspects.of(stack).add(new PolicyAspect({ file: env.file }));
    return stack;
  });
}

export interface SynthesizeOptions {
  /** Where to write (the synth's staging directory). @default CDKTF_OUTDIR, else cdktf.out */
  readonly outdir?: string;
  /**
   * Entries of the previous `manifest.json` (its `stacks` map) for stacks a partial synth keeps:
   * cdktf writes them into the new manifest beside the stacks built, so it lists every stack the
   * output holds (and `cdktf synth` does not delete the others as orphans).
   */
  readonly keepStacks?: Readonly<Record<string, unknown>>;
}

/** Synthesizes `inputs` into the output directory; returns it. */
export function synthesizeApp(inputs: readonly StackInput[], options: SynthesizeOptions = {}): string {
  const app = new App(options.outdir === undefined ? {} : { outdir: options.outdir });
  const built = new Set(buildApp(app, inputs).map((stack) => stack.node.id));
  for (const [name, entry] of Object.entries(options.keepStacks ?? {})) {
    if (!built.has(name)) app.manifest.stacks[name] = entry as StackManifest;
  }
  app.synth();
  return app.outdir;
}
