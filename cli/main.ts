/**
 * The `ai-factory` command. Human output by default, `--json` for machines.
 * Exit codes: 0 success, 1 invalid input, 2 usage error.
 */
import { UsageError } from "../config/errors";
import { describeFit } from "../planning/fit";
import type { Plan } from "../planning/plan";
import { loadAndPlan } from "./load";
import { selectEnvironmentFiles } from "./synth";
import { Io, processIo, withExitCode } from "./output";

export const USAGE = `Usage: ai-factory <command> [options]

Commands:
  validate [files...] [--json]   check environment files without synthesizing
                                 (default: every file in environments/)
  plan <env-file> [--json]       per model: GPUs per replica, replicas, memory fit
                                 and the sequences that fit; per pool: GPUs used
  help                           show this text

Synthesize every environment with \`npx cdktf synth\` (or \`npm run synth\`).
Exit codes: 0 ok, 1 invalid input (each problem names the file and the path in it), 2 usage error.`;

interface ParsedArgs {
  readonly command: string | undefined;
  readonly positional: string[];
  readonly flags: Set<string>;
}

function parseArgs(argv: readonly string[], allowedFlags: readonly string[]): ParsedArgs {
  const [command, ...rest] = argv;
  const positional: string[] = [];
  const flags = new Set<string>();
  for (const arg of rest) {
    if (arg.startsWith("--")) {
      if (!allowedFlags.includes(arg)) throw new UsageError(`unknown option ${arg} for ${command}`);
      flags.add(arg);
    } else {
      positional.push(arg);
    }
  }
  return { command, positional, flags };
}

function validate(args: ParsedArgs, io: Io): number {
  const files = args.positional.length > 0 ? args.positional : selectEnvironmentFiles(undefined);
  const envs = loadAndPlan(files).map((p) => p.env);
  if (args.flags.has("--json")) {
    io.out(
      JSON.stringify(
        {
          valid: true,
          environments: envs.map((e) => ({
            name: e.config.name,
            file: e.file,
            pools: e.pools.map((p) => ({ name: p.name, nodes: p.nodes.length, gpu: p.gpu.id, sharing: p.sharing.mode })),
          })),
        },
        null,
        2,
      ),
    );
  } else {
    for (const e of envs) {
      const gpus = e.pools.reduce((n, p) => n + p.nodes.length * p.server.gpusPerServer, 0);
      io.out(`${e.file}: ok (${e.pools.length} node pool${e.pools.length === 1 ? "" : "s"}, ${gpus} GPUs)`);
    }
  }
  return 0;
}

function round1(x: number): string {
  return (Math.round(x * 10) / 10).toFixed(1);
}

/** The plan as plain data for `--json` (unrounded). */
export function planJson(plan: Plan): unknown {
  return {
    environment: plan.environment,
    pools: plan.pools.map((p) => ({
      name: p.pool.name,
      nodes: p.pool.nodes.length,
      gpu: p.pool.gpu.id,
      unit: p.unitName,
      unitsOffered: p.unitsOffered,
      unitsUsed: p.unitsUsed,
      surgeUnits: p.surgeUnits,
    })),
    models: plan.models.map((m) => ({
      name: m.model.servedName,
      model: m.model.spec.id,
      pool: m.model.pool.name,
      precision: m.model.precision,
      tensorParallel: m.model.tensorParallel,
      replicas: m.model.replicas,
      gpuResource: m.allocation.resourceName,
      gpusPerReplica: m.allocation.count,
      maxContextTokens: m.model.maxContextTokens,
      maxConcurrentSequences: m.model.maxConcurrentSequences,
      gpuMemoryUtilization: m.gpuMemoryUtilization,
      memoryPerGpuGiB: m.fit.perGpu,
      sequencesAtContext: m.fit.maxConcurrentSequencesAtContext,
      weightsGiB: m.weightsGiB,
      checkpointGiB: m.checkpointGiB,
    })),
  };
}

/** The plan for people. */
export function planText(plan: Plan, file: string): string[] {
  const lines = [`${plan.environment} (${file})`];
  for (const p of plan.pools) {
    const free = p.unitsOffered - p.unitsUsed;
    lines.push(
      `  pool ${p.pool.name}: ${p.pool.nodes.length} × ${p.pool.server.id} (${p.pool.gpu.id}, sharing ${p.pool.sharing.mode}); ` +
        `${p.unitsUsed} of ${p.unitsOffered} ${p.unitName}s used, ${free} free` +
        (p.surgeUnits > 0 ? `, ${p.surgeUnits} of them kept for rolling updates` : ""),
    );
  }
  if (plan.models.length === 0) lines.push("  no models");
  for (const m of plan.models) {
    const r = m.model.replicas;
    const replicas = r.min === r.max ? `${r.min}` : `${r.min}–${r.max}`;
    lines.push(
      `  model ${m.model.servedName}: ${m.model.spec.id} ${m.model.precision} on ${m.model.pool.name}, ` +
        `${replicas} replica${r.max === 1 ? "" : "s"} × ${m.allocation.count} ${m.allocation.resourceName}, ` +
        `context ${m.model.maxContextTokens} tokens, weights ${round1(m.weightsGiB)} GiB`,
    );
    lines.push(`    ${describeFit(m.fit)}`);
  }
  return lines;
}

function plan(args: ParsedArgs, io: Io): number {
  if (args.positional.length !== 1) throw new UsageError("plan takes one environment file, e.g. `ai-factory plan environments/prod.yaml`");
  const [planned] = loadAndPlan(args.positional);
  if (args.flags.has("--json")) io.out(JSON.stringify(planJson(planned.plan), null, 2));
  else for (const line of planText(planned.plan, planned.env.file)) io.out(line);
  return 0;
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export function runCli(argv: readonly string[], io: Io = processIo): number {
  return withExitCode(io, () => {
    const command = argv[0];
    switch (command) {
      case "validate":
        return validate(parseArgs(argv, ["--json"]), io);
      case "plan":
        return plan(parseArgs(argv, ["--json"]), io);
      case "help":
      case "--help":
      case "-h":
        io.out(USAGE);
        return 0;
      case undefined:
        throw new UsageError("missing command");
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  });
}
