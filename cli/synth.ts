/**
 * Synthesis: validate every selected environment first, then build one stack per environment
 * and write `cdktf.out`. Used by main.ts (`npx cdktf synth`, `npm run synth`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { displayPath } from "../config/loader";
import type { EnvironmentCost } from "../report/compare-markdown";
import type { AiFactoryStack } from "../stacks/ai-factory-stack";
import { StackInput, buildApp as buildStacks, synthesizeApp } from "../stacks/app";
import { environmentDashboards } from "../report/dashboards";
import { planGateway } from "../planning/gateway";
import { readCostJson, renderCostFiles, writeCostFiles } from "./cost-files";
import { selectEnvironmentFiles } from "./files";
import { PlannedEnvironment, loadAndPlan } from "./load";
import { Io, processIo, withExitCodeAsync } from "./output";
import { isFileSystemError, linkTree, publishOutput, recoverOutput } from "./staging";

export { ENVIRONMENTS_DIR, selectEnvironmentFiles } from "./files";

/** The stack inputs of planned environments. */
export function stackInputs(planned: readonly PlannedEnvironment[]): StackInput[] {
  return planned.map(({ env, plan, costs }) => ({
    env,
    plan,
    costs: costs.summary,
    dashboards:
      env.config.monitoring === undefined
        ? undefined
        : environmentDashboards({ environment: env.config.name, plan, costs: costs.summary, modelsNamespace: env.config.namespaces.models, gateway: planGateway(env) }),
  }));
}

/** Builds the stacks of `planned` in `app` (tests pass cdktf's Testing app); no I/O. */
export function buildApp(app: Parameters<typeof buildStacks>[0], planned: readonly PlannedEnvironment[]): AiFactoryStack[] {
  return buildStacks(app, stackInputs(planned));
}

/** Exit code when the output cannot be written (sysexits' EX_CANTCREAT); the previous output is kept. */
export const EXIT_CANNOT_WRITE = 73;

/** Where synthesis writes: CDKTF_OUTDIR (the cdktf CLI sets it for the app), else cdktf.out. */
export function outputDir(env: NodeJS.ProcessEnv): string {
  const dir = env.CDKTF_OUTDIR;
  return dir !== undefined && dir.trim() !== "" ? dir : "cdktf.out";
}

/** A step of writing the staged output, after which `SynthOptions.afterStep` runs. */
export type SynthStep = "stacks" | "kept" | "costs";

export interface SynthOptions {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly io?: Io;
  /**
   * For tests: runs after each step has written into the staging directory. What it throws
   * fails the synth as a failed write would (a full disk, a path that cannot be created).
   */
  readonly afterStep?: (step: SynthStep, staging: string) => void;
}

/** Names of environments, stacks and cost files (DNS labels: safe in a path). */
const ENV_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** What cdktf writes into a stack's directory; everything else there (Terraform's `.terraform/`, `.terraform.lock.hcl`) is carried over. */
const SYNTHESIZED_IN_STACK_DIR = new Set(["cdk.tf.json", "cdk.tf", "metadata.json", "assets", "plan"]);

/** What a partial synth keeps from the previous output: the environments it does not rebuild. */
interface Kept {
  /** Sorted. */
  readonly names: readonly string[];
  /** Their entries of the previous manifest.json. */
  readonly manifest: Readonly<Record<string, unknown>>;
  /** Their cost summaries, for compare.md. */
  readonly costs: readonly EnvironmentCost[];
  readonly warnings: readonly string[];
}

/**
 * The environments of the previous output at `outdir` that are not rebuilt: every stack its
 * manifest lists and every `costs/<env>.json`, less the names in `built`.
 */
function keptFromPrevious(outdir: string, built: ReadonlySet<string>): Kept {
  const warnings: string[] = [];
  let stacks: Record<string, unknown> = {};
  const manifestFile = path.join(outdir, "manifest.json");
  if (fs.existsSync(manifestFile)) {
    try {
      const doc = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as { stacks?: unknown };
      if (doc.stacks !== null && typeof doc.stacks === "object" && !Array.isArray(doc.stacks)) stacks = doc.stacks as Record<string, unknown>;
    } catch {
      warnings.push(`${displayPath(manifestFile)} is not JSON; the new manifest lists only the stacks built now`);
    }
  }
  const costsDir = path.join(outdir, "costs");
  const costJsons = fs.existsSync(costsDir) && fs.statSync(costsDir).isDirectory() ? fs.readdirSync(costsDir).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)) : [];
  const names = [...new Set([...Object.keys(stacks), ...costJsons])].filter((n) => ENV_NAME.test(n) && !built.has(n)).sort();
  const manifest: Record<string, unknown> = {};
  const costs: EnvironmentCost[] = [];
  for (const name of names) {
    if (name in stacks) manifest[name] = stacks[name];
    const file = path.join(costsDir, `${name}.json`);
    if (!fs.existsSync(file)) continue;
    const read = readCostJson(name, fs.readFileSync(file, "utf8"));
    if ("summary" in read) costs.push({ env: name, summary: read.summary });
    else warnings.push(`compare.md leaves out ${name}: ${displayPath(file)} cannot be read back (${read.reason}); a full synth rebuilds it`);
  }
  return { names, manifest, costs, warnings };
}

/** Links `name` from the previous output into the staged one, when the previous output has it. */
function carry(previous: string, staging: string, ...name: string[]): void {
  const from = path.join(previous, ...name);
  if (fs.existsSync(from)) linkTree(from, path.join(staging, ...name));
}

/** The subdirectories of `dir`, sorted; none when it is missing. */
function listDirectories(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** `mkdir cdktf.out.staging-42/costs: file already exists (EEXIST)`, with paths as the user gave them. */
function describeFileSystemError(err: NodeJS.ErrnoException): string {
  const reason = /^E[A-Z0-9]+: ([^,]+)/.exec(err.message)?.[1] ?? err.message;
  const where = [err.path, (err as { dest?: string }).dest].filter((p): p is string => typeof p === "string").map((p) => displayPath(p)).join(" → ");
  return `${err.syscall}${where === "" ? "" : ` ${where}`}: ${reason} (${err.code})`;
}

/**
 * Validates and synthesizes, then writes the cost summaries; returns the exit code.
 *
 * The whole output is built in a staging directory beside it and swapped in when complete
 * (cli/staging.ts), so a failed or interrupted synth leaves the previous output whole. With
 * ENVIRONMENTS, only the named environments change: the other stacks (with their manifest
 * entries) and cost files are carried over from the previous output as they were, and
 * compare.md is rendered again from every environment the new output holds.
 */
export async function runSynth(options: SynthOptions): Promise<number> {
  const io = options.io ?? processIo;
  return withExitCodeAsync(
    io,
    async () => {
      const files = selectEnvironmentFiles(options.env.ENVIRONMENTS);
      const planned = loadAndPlan(files);
      const outdir = outputDir(options.env);
      const shown = displayPath(outdir);
      const partial = (options.env.ENVIRONMENTS ?? "").trim() !== "";
      const built = new Set(planned.map((p) => p.env.config.name));
      const step = (name: SynthStep, staging: string) => options.afterStep?.(name, staging);
      let keptNames: readonly string[] = [];
      try {
        const recovery = recoverOutput(outdir);
        if (recovery.restored) io.err(`ai-factory: restored ${shown} from ${displayPath(recovery.restored)}, left by an interrupted synth`);
        for (const p of recovery.removed) io.err(`ai-factory: removed ${displayPath(p)}, left by an interrupted synth`);
        const hadPrevious = fs.existsSync(outdir);
        const kept: Kept = partial && hadPrevious ? keptFromPrevious(outdir, built) : { names: [], manifest: {}, costs: [], warnings: [] };
        for (const w of kept.warnings) io.err(`ai-factory: ${w}`);
        keptNames = kept.names;
        // Everything is computed before the first byte is written.
        const costFiles = await renderCostFiles(planned, kept.costs);
        await publishOutput(outdir, (staging) => {
          synthesizeApp(stackInputs(planned), { outdir: staging, keepStacks: kept.manifest });
          step("stacks", staging);
          if (hadPrevious) {
            for (const name of kept.names) carry(outdir, staging, "stacks", name);
            for (const name of built) {
              const dir = path.join(outdir, "stacks", name);
              if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) continue;
              for (const entry of fs.readdirSync(dir).sort()) {
                if (!SYNTHESIZED_IN_STACK_DIR.has(entry) && !fs.existsSync(path.join(staging, "stacks", name, entry))) carry(outdir, staging, "stacks", name, entry);
              }
            }
          }
          if (hadPrevious && options.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined) {
            // Under `cdktf synth` (which sets that variable): the CLI listed the stack directories
            // before running us and deletes those the new manifest lacks, failing on any that is
            // gone. An empty directory in their place is what it deletes.
            for (const name of listDirectories(path.join(outdir, "stacks"))) {
              const dir = path.join(staging, "stacks", name);
              if (!fs.existsSync(dir)) fs.mkdirSync(dir);
            }
          }
          step("kept", staging);
          writeCostFiles(path.join(staging, "costs"), costFiles);
          for (const name of kept.names) for (const ext of ["json", "md", "svg"]) carry(outdir, staging, "costs", `${name}.${ext}`);
          step("costs", staging);
        });
      } catch (err) {
        if (!isFileSystemError(err)) throw err;
        io.err(`ai-factory: cannot write ${shown}: ${describeFileSystemError(err)}`);
        io.err(fs.existsSync(outdir) ? `The previous output in ${shown} is unchanged.` : "No output was written.");
        return EXIT_CANNOT_WRITE;
      }
      const names = planned.map((p) => p.env.config.name).join(", ");
      const costs = displayPath(path.join(outdir, "costs"));
      const keptNote = keptNames.length > 0 ? `; kept ${keptNames.join(", ")} as they were` : "";
      io.out(`synthesized ${names} into ${shown} (cost summaries in ${costs})${keptNote}`);
      return 0;
    },
    { writes: true },
  );
}
