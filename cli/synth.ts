/**
 * Synthesis: validate every selected environment first, then build one stack per environment
 * and write `cdktf.out`. Used by main.ts (`npx cdktf synth`, `npm run synth`).
 */
import * as path from "node:path";
import { UsageError } from "../config/errors";
import { displayPath, findEnvironmentFiles } from "../config/loader";
import type { AiFactoryStack } from "../stacks/ai-factory-stack";
import { StackInput, buildApp as buildStacks, synthesizeApp } from "../stacks/app";
import { renderCostFiles, writeCostFiles } from "./cost-files";
import { PlannedEnvironment, loadAndPlan } from "./load";
import { Io, processIo, withExitCodeAsync } from "./output";

/** Directory of the example environments and of every environment `cdktf synth` builds. */
export const ENVIRONMENTS_DIR = "environments";

/** The environment files to synthesize: all of environments/, or those named in ENVIRONMENTS. */
export function selectEnvironmentFiles(filter: string | undefined, dir = ENVIRONMENTS_DIR): string[] {
  const files = findEnvironmentFiles(dir);
  if (files.length === 0) throw new UsageError(`no environment files (*.yaml) in ${dir}/`);
  if (!filter || filter.trim() === "") return files;
  const stem = (f: string) => f.replace(/^.*\//, "").replace(/\.ya?ml$/, "");
  const known = files.map(stem);
  const wanted = filter.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const unknown = wanted.filter((w) => !known.includes(w));
  if (unknown.length > 0) {
    throw new UsageError(`ENVIRONMENTS names unknown environment(s) ${unknown.join(", ")}; known: ${known.join(", ")}`);
  }
  return files.filter((f) => wanted.includes(stem(f)));
}

/** The stack inputs of planned environments. */
export function stackInputs(planned: readonly PlannedEnvironment[]): StackInput[] {
  return planned.map(({ env, plan, costs }) => ({ env, plan, costs: costs.summary }));
}

/** Builds the stacks of `planned` in `app` (tests pass cdktf's Testing app); no I/O. */
export function buildApp(app: Parameters<typeof buildStacks>[0], planned: readonly PlannedEnvironment[]): AiFactoryStack[] {
  return buildStacks(app, stackInputs(planned));
}

export interface SynthOptions {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly io?: Io;
}

/** Validates and synthesizes, then writes the cost summaries; returns the exit code. */
export async function runSynth(options: SynthOptions): Promise<number> {
  const io = options.io ?? processIo;
  return withExitCodeAsync(
    io,
    async () => {
      const files = selectEnvironmentFiles(options.env.ENVIRONMENTS);
      const planned = loadAndPlan(files);
      // Everything is computed before the first byte is written.
      const costFiles = await renderCostFiles(planned);
      const outdir = synthesizeApp(stackInputs(planned));
      writeCostFiles(path.join(outdir, "costs"), costFiles);
      io.out(`synthesized ${planned.map((p) => p.env.config.name).join(", ")} into ${displayPath(outdir)} (cost summaries in ${displayPath(path.join(outdir, "costs"))})`);
      return 0;
    },
    { writes: true },
  );
}
