/**
 * The `ai-factory` command. Human output by default, `--json` for machines.
 * Exit codes: 0 success, 1 invalid input, 2 usage error.
 */
import { Problem, UsageError, formatLocatedProblem } from "../config/errors";
import { displayPath, loadEnvironments } from "../config/loader";
import type { Plan } from "../planning/plan";
import { gatewayFootprint, planGateway } from "../planning/gateway";
import { environmentArtifacts } from "../planning/artifacts";
import { renderArtifactsText } from "../report/artifacts-text";
import { renderCompareMarkdown } from "../report/compare-markdown";
import { renderCostJson } from "../report/cost-json";
import { renderCostMarkdown } from "../report/cost-markdown";
import { plural } from "../report/format";
import { renderPlanMarkdown } from "../report/plan-markdown";
import { renderCompareTable, renderCostTable, renderPlanTable, shouldUseColor } from "../report/terminal";
import { loadAndPlan } from "./load";
import { selectEnvironmentFiles } from "./files";
import { renderSarif } from "../report/sarif";
import { warningJson } from "../report/problems-json";
import { Io, OutputFormat, processIo, toolVersion, withExitCode } from "./output";

export const USAGE = `Usage: ai-factory <command> [options]

Commands:
  validate [files...] [--json | --format text|json|sarif]
                                 check environment files without synthesizing
                                 (default: every file in environments/); --format
                                 sarif writes a SARIF 2.1.0 log for code scanning
  plan <env-file> [--json]       per model: GPUs per replica, replicas, memory fit
                                 and the sequences that fit; sizing against demand
  cost <env-file> [--json]       cost summary: on-prem TCO against the cloud
                                 alternatives, break-even and savings
  compare [env-files...] [--json]
                                 environments side by side, in the order given
                                 (default: all in environments/)
  plan, cost and compare print tables; --format md prints Markdown instead
  (colour only on a terminal, never with NO_COLOR set).
  diff <base> <head> [--format md|json|text] [--out FILE] [--no-render]
                                 what a change does to each environment: resources added,
                                 changed, replaced, moved and destroyed, Helm values and
                                 rendered manifests, and the cost delta; each side is a
                                 synthesized output folder or a git ref (synthesized in a
                                 temporary checkout). Dangers first. --format md writes a
                                 pull-request comment, cut to fit GitHub's limit (the full
                                 report goes beside --out FILE as FILE.full.md)
  comment --pr N [--body-file FILE] [--repo OWNER/NAME] [--json]
                                 creates or updates the one plan-review comment on a GitHub
                                 pull request (token from GITHUB_TOKEN)
  images <env-file> [--json]     every image, chart, runtime file and checkpoint the
                                 environment pulls, upstream and as served by the mirror
                                 (the list an air-gapped site copies before deploying)
  calibrate <results...> --env <env-file> [--model NAME] [--write] [--json]
                                 fits the throughput model to your own benchmark of ONE
                                 replica: results of \`vllm bench serve --save-result\` (of
                                 the model --model names) or a CSV (engine,engine_version,
                                 gpu,model,precision,kv_cache_dtype,tensor_parallel,
                                 input_tokens,output_tokens,concurrency,
                                 output_tokens_per_second); prints the errors before and
                                 after (stderr) and the catalog.calibration YAML (stdout);
                                 --write puts it into the environment file
  help                           show this text

Synthesize every environment with \`npx cdktf synth\` (or \`npm run synth\`).
Problems print as <file>:<line>:<column>: <path>: <what is wrong>, warnings (a plan that
works, with a risk) as <file>:<line>:<column>: <path>: warning: <what>, exit 0. With --json,
stdout holds one JSON document, also on failure: { "valid": false, "problems": [...] }.
Exit codes: 0 ok, 1 invalid input, 2 usage error, 70 a bug in ai-factory.`;

interface ParsedArgs {
  readonly command: string | undefined;
  readonly positional: string[];
  /** The flags given; `--json` also when asked for as `--format json`. */
  readonly flags: Set<string>;
  /** What stdout carries: `--json` is `--format json`. */
  readonly format: OutputFormat;
}

/**
 * Splits a command line. `formats` are the values `--format <f>` (or `--format=<f>`) takes; a
 * command without "sarif" among them has no `--format`, only `--json`.
 */
function parseArgs(argv: readonly string[], allowedFlags: readonly string[], formats: readonly OutputFormat[] = ["text", "json"]): ParsedArgs {
  const [command, ...rest] = argv;
  const positional: string[] = [];
  const flags = new Set<string>();
  const withFormat = formats.includes("sarif");
  let format: OutputFormat | undefined;
  const setFormat = (value: string | undefined): void => {
    if (value === undefined || value === "") throw new UsageError(`--format needs a value: ${formats.join(", ")}`);
    const known = formats.find((f) => f === value);
    if (!known) throw new UsageError(`unknown format ${JSON.stringify(value)} for ${command}; known: ${formats.join(", ")}`);
    if (format !== undefined && format !== known) throw new UsageError(`two output formats given: ${format} and ${known}`);
    format = known;
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === "--json") setFormat("json");
    else if (withFormat && arg === "--format") setFormat(rest[++i]);
    else if (withFormat && arg.startsWith("--format=")) setFormat(arg.slice("--format=".length));
    else if (arg.startsWith("--")) {
      if (!allowedFlags.includes(arg)) throw new UsageError(`unknown option ${arg} for ${command}`);
      flags.add(arg);
    } else {
      positional.push(arg);
    }
  }
  if (format === "json") flags.add("--json");
  return { command, positional, flags, format: format ?? "text" };
}

/**
 * The output format a command line asks for, read before it is parsed, so that a usage error in it
 * is reported in that format too (`--json`: a JSON document on stdout).
 */
function requestedFormat(argv: readonly string[]): OutputFormat {
  if (argv.includes("--json")) return "json";
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i] === "--format" ? argv[i + 1] : argv[i].startsWith("--format=") ? argv[i].slice("--format=".length) : undefined;
    if (value === "json" || value === "sarif") return value;
  }
  return "text";
}

/**
 * The plans' warnings with their line and column, located like planning's problems (cli/load.ts):
 * by path, where the loader saw it in the file (which is read again: the plans keep no positions).
 */
function locatedWarnings(files: readonly string[], warnings: readonly Problem[]): Problem[] {
  return warnings.length === 0 ? [] : loadEnvironments(files).locate(warnings, "plan");
}

function validate(args: ParsedArgs, io: Io): number {
  const files = args.positional.length > 0 ? args.positional : selectEnvironmentFiles(undefined);
  const planned = loadAndPlan(files, { confidence: false });
  const envs = planned.map((p) => p.env);
  const warnings = locatedWarnings(files, planned.flatMap((p) => p.plan.warnings));
  if (args.format === "sarif") {
    io.out(renderSarif([], { version: toolVersion() }, warnings));
  } else if (args.format === "json") {
    io.out(
      JSON.stringify(
        {
          valid: true,
          warnings: warnings.map(warningJson),
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
      const warned = warnings.filter((w) => w.file === e.file).length;
      io.out(`${e.file}: ok (${plural(e.pools.length, "node pool")}, ${plural(gpus, "GPU")}${warned > 0 ? `, ${plural(warned, "warning")}` : ""})`);
    }
  }
  // The report for people goes to stderr, as problems do, whatever stdout carries.
  for (const w of warnings) io.err(formatLocatedProblem({ ...w, message: `warning: ${w.message}` }));
  if (warnings.length > 0) io.err(`${plural(warnings.length, "warning")} found; the files are valid.`);
  return 0;
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
      strictKvFit: m.fit.strictKvFit,
      sequencesAtContext: m.fit.maxConcurrentSequencesAtContext,
      meanContextTokens: m.fit.meanContextTokens,
      meanContextAssumed: m.meanContextAssumed,
      sequencesAtMeanContext: m.fit.maxConcurrentSequencesAtMeanContext,
      preemptionRisk: m.fit.preemptionRisk,
      weightsGiB: m.weightsGiB,
      checkpointGiB: m.checkpointGiB,
    })),
  };
}

/** The human output of plan, cost and compare: tables (the default) or Markdown (`--format md`). */
type HumanFormat = "text" | "md";

/**
 * Takes `--format <text|md|json>` (or `--format=<…>`) out of `argv` for plan, cost and compare;
 * `json` becomes `--json`. Markdown only when asked: on a terminal its tables do not line up.
 */
function takeFormat(argv: readonly string[]): { argv: string[]; format: HumanFormat } {
  const rest: string[] = [];
  let format: HumanFormat = "text";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg !== "--format" && !arg.startsWith("--format=")) {
      rest.push(arg);
      continue;
    }
    const value = arg === "--format" ? argv[++i] : arg.slice("--format=".length);
    if (value === "json") rest.push("--json");
    else if (value === "text" || value === "md") format = value;
    else throw new UsageError(`--format takes text, md or json, got ${value === undefined ? "nothing" : JSON.stringify(value)}`);
  }
  if (format === "md" && rest.includes("--json")) throw new UsageError("--json and --format md exclude each other");
  return { argv: rest, format };
}

/** Colour only on a terminal, and never with NO_COLOR set (https://no-color.org). */
function useColor(io: Io): boolean {
  return shouldUseColor(io.isTTY, process.env);
}

function cost(args: ParsedArgs, io: Io, format: HumanFormat): number {
  if (args.positional.length !== 1) throw new UsageError("cost takes one environment file, e.g. `ai-factory cost environments/prod.yaml`");
  // A shortfall is reported in the summary, not refused: costing a plan that is too small is the point.
  const [planned] = loadAndPlan(args.positional, { allowShortfall: true });
  const name = planned.env.config.name;
  if (args.flags.has("--json")) io.out(renderCostJson(name, planned.costs.summary).trimEnd());
  else if (format === "md") io.out(renderCostMarkdown(name, planned.costs.summary, { sizing: planned.costs.sizing ?? undefined }).trimEnd());
  else io.out(renderCostTable(name, planned.costs.summary, { sizing: planned.costs.sizing ?? undefined, file: planned.env.file, color: useColor(io) }));
  return 0;
}

function compare(args: ParsedArgs, io: Io, format: HumanFormat): number {
  const files = args.positional.length > 0 ? args.positional : selectEnvironmentFiles(undefined);
  // Loading sorts by name; the columns follow the command line.
  const order = files.map((f) => displayPath(f));
  const planned = loadAndPlan(files, { allowShortfall: true }).sort((a, b) => order.indexOf(a.env.file) - order.indexOf(b.env.file));
  if (args.flags.has("--json")) {
    io.out(`[${planned.map((p) => renderCostJson(p.env.config.name, p.costs.summary).trimEnd()).join(",\n")}]`);
  } else {
    const environments = planned.map((p) => ({ env: p.env.config.name, summary: p.costs.summary }));
    io.out(format === "md" ? renderCompareMarkdown(environments).trimEnd() : renderCompareTable(environments, { color: useColor(io) }));
  }
  return 0;
}

function plan(args: ParsedArgs, io: Io, format: HumanFormat): number {
  if (args.positional.length !== 1) throw new UsageError("plan takes one environment file, e.g. `ai-factory plan environments/prod.yaml`");
  // A shortfall is shown, not refused: the plan is where one sees how much is missing.
  const [planned] = loadAndPlan(args.positional, { allowShortfall: true });
  const gateway = planGateway(planned.env);
  if (args.flags.has("--json")) {
    const footprint = gateway === undefined ? undefined : { gateway: { ...gateway, footprint: gatewayFootprint(gateway) } };
    io.out(JSON.stringify({ ...(planJson(planned.plan) as object), sizing: planned.costs.sizing, ...footprint }, null, 2));
  } else if (format === "md") io.out(renderPlanMarkdown(planned.plan, planned.env.file, planned.costs.sizing, gateway).trimEnd());
  else io.out(renderPlanTable(planned.plan, planned.env.file, planned.costs.sizing, { color: useColor(io), gateway }));
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

/** Runs the CLI with `argv` (without node and script), the asynchronous commands included; resolves to the exit code. */
export async function runCliAsync(argv: readonly string[], io: Io = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  // Loaded on demand: the other commands start without the diff libraries and the GitHub client.
  if (command === "diff") return (await import("./diff-command")).runDiff(rest, io, env);
  if (command === "comment") return (await import("./github-comment")).runComment(rest, env, io);
  if (command === "calibrate") return (await import("./calibrate-command")).runCalibrate(rest, io);
  return runCli(argv, io);
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. Asynchronous commands need `runCliAsync`. */
export function runCli(argv: readonly string[], io: Io = processIo): number {
  return withExitCode(io, () => {
    const command = argv[0];
    switch (command) {
      case "validate":
        return validate(parseArgs(argv, [], ["text", "json", "sarif"]), io);
      case "plan":
      case "cost":
      case "compare": {
        const { argv: rest, format } = takeFormat(argv);
        const run = { plan, cost, compare }[command];
        return run(parseArgs(rest, ["--json"]), io, format);
      }
      case "images":
        return images(parseArgs(argv, ["--json"]), io);
      case "help":
      case "--help":
      case "-h":
        io.out(USAGE);
        return 0;
      case undefined:
        throw new UsageError("missing command");
      case "diff":
      case "comment":
      case "calibrate":
        throw new UsageError(`${command} runs asynchronously: call runCliAsync`);
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  }, { format: requestedFormat(argv) });
}
