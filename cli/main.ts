/**
 * The `ai-factory` command. Human output by default, `--json` for machines.
 * Exit codes: 0 success, 1 invalid input, 2 usage error.
 */
import { UsageError } from "../config/errors";
import { describeFit } from "../planning/fit";
import type { Plan } from "../planning/plan";
import type { FactorySizing } from "../planning/sizing";
import { environmentArtifacts } from "../planning/artifacts";
import { renderArtifactsText } from "../report/artifacts-text";
import { renderCompareMarkdown } from "../report/compare-markdown";
import { renderCostJson } from "../report/cost-json";
import { renderCostMarkdown } from "../report/cost-markdown";
import { loadAndPlan } from "./load";
import { selectEnvironmentFiles } from "./synth";
import { Io, processIo, withExitCode } from "./output";

export const USAGE = `Usage: ai-factory <command> [options]

Commands:
  validate [files...] [--json]   check environment files without synthesizing
                                 (default: every file in environments/)
  plan <env-file> [--json]       per model: GPUs per replica, replicas, memory fit
                                 and the sequences that fit; sizing against demand
  cost <env-file> [--json]       cost summary: on-prem TCO against the cloud
                                 alternatives, break-even and savings
  compare [env-files...] [--json]
                                 environments side by side (default: all in environments/)
  images <env-file> [--json]     every image, chart, runtime file and checkpoint the
                                 environment pulls, upstream and as served by the mirror
                                 (the list an air-gapped site copies before deploying)
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

function round0(x: number): string {
  return Math.round(x).toLocaleString("en-US");
}

/** The plan for people; with `sizing`, each model's demand and the factory's capacity against it. */
export function planText(plan: Plan, file: string, sizing?: FactorySizing | null): string[] {
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
    const z = sizing?.models.find((x) => x.id === m.model.servedName);
    if (z) {
      lines.push(
        `    demand: peak ${round0(z.peakTokensPerSecond)} tokens/s needs ${z.replicasNeeded} replica${z.replicasNeeded === 1 ? "" : "s"} ` +
          `(${z.gpusNeeded} GPUs, ${z.serversNeeded} server${z.serversNeeded === 1 ? "" : "s"}) at ${round0(z.replicaTokensPerSecond)} tokens/s each (${z.boundBy}); ` +
          `${z.replicas} planned carry ${round0(z.capacityTokensPerSecond)} tokens/s` +
          (z.shortfall ? ` — SHORTFALL: add ${z.shortfall.missingReplicas} replicas (${z.shortfall.missingGpus} GPUs)` : ` (${Math.round(z.peakLoadPercent)}% load at peak)`),
      );
      if (!z.latency.met) lines.push(`    latency target missed: ${z.latency.estimatedSecondsPerOutputToken} s per output token estimated`);
    } else if (sizing !== undefined) {
      lines.push("    no demand declared (models.<name>.demand): not sized");
    }
  }
  if (sizing) {
    const pct = sizing.demandTokensPerMonth > 0 ? Math.round((100 * sizing.capacityTokensPerMonth) / sizing.demandTokensPerMonth) : 0;
    lines.push(
      `  factory: capacity ${round0(sizing.capacityTokensPerMonth / 1e6)}M tokens/month against demand ${round0(sizing.demandTokensPerMonth / 1e6)}M (${pct}%)`,
    );
  }
  return lines;
}

function cost(args: ParsedArgs, io: Io): number {
  if (args.positional.length !== 1) throw new UsageError("cost takes one environment file, e.g. `ai-factory cost environments/prod.yaml`");
  // A shortfall is reported in the summary, not refused: costing a plan that is too small is the point.
  const [planned] = loadAndPlan(args.positional, { allowShortfall: true });
  const name = planned.env.config.name;
  if (args.flags.has("--json")) io.out(renderCostJson(name, planned.costs.summary).trimEnd());
  else io.out(renderCostMarkdown(name, planned.costs.summary, { sizing: planned.costs.sizing ?? undefined }).trimEnd());
  return 0;
}

function compare(args: ParsedArgs, io: Io): number {
  const files = args.positional.length > 0 ? args.positional : selectEnvironmentFiles(undefined);
  const planned = loadAndPlan(files, { allowShortfall: true });
  if (args.flags.has("--json")) {
    io.out(`[${planned.map((p) => renderCostJson(p.env.config.name, p.costs.summary).trimEnd()).join(",\n")}]`);
  } else {
    io.out(renderCompareMarkdown(planned.map((p) => ({ env: p.env.config.name, summary: p.costs.summary }))).trimEnd());
  }
  return 0;
}

function plan(args: ParsedArgs, io: Io): number {
  if (args.positional.length !== 1) throw new UsageError("plan takes one environment file, e.g. `ai-factory plan environments/prod.yaml`");
  // A shortfall is shown, not refused: the plan is where one sees how much is missing.
  const [planned] = loadAndPlan(args.positional, { allowShortfall: true });
  if (args.flags.has("--json")) io.out(JSON.stringify({ ...(planJson(planned.plan) as object), sizing: planned.costs.sizing }, null, 2));
  else for (const line of planText(planned.plan, planned.env.file, planned.costs.sizing)) io.out(line);
  return 0;
}

function images(args: ParsedArgs, io: Io): number {
  if (args.positional.length !== 1) throw new UsageError("images takes one environment file, e.g. `ai-factory images environments/prod.yaml`");
  const [planned] = loadAndPlan(args.positional, { allowShortfall: true });
  const artifacts = environmentArtifacts(planned.env, planned.plan);
  if (args.flags.has("--json")) io.out(JSON.stringify(artifacts, null, 2));
  else for (const line of renderArtifactsText(artifacts, planned.env.file)) io.out(line);
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
      case "cost":
        return cost(parseArgs(argv, ["--json"]), io);
      case "compare":
        return compare(parseArgs(argv, ["--json"]), io);
      case "images":
        return images(parseArgs(argv, ["--json"]), io);
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
