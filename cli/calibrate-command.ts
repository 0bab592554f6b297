/**
 * `ai-factory calibrate <results…> --env <env-file> [--model <served name>] [--write] [--json]`:
 * fits the throughput model to a site's own benchmark. The results (cli/benchmark-results.ts: the
 * JSON of `vllm bench serve --save-result` against ONE replica, or a benchmark CSV) are grouped by
 * GPU and model family, and each group gets the decode and prefill scales that best fit it
 * (`fitAdjustment`, planning/calibration-fit.ts), starting from the environment's calibration.
 *
 * Prints, per result, the measured throughput against the estimate before and after, and per
 * group the median |ln(estimate ÷ measured)| and the share within ±25 % (on stderr, for people),
 * then the YAML of `catalog.calibration` with the new adjustments (on stdout, to paste or pipe):
 * adjustments of other GPU and family pairs are kept, those refitted replaced. `--write` puts it
 * in the environment file instead, through the YAML document model so comments and every other
 * line stay as they are, staged beside the file, loaded and planned, then renamed over it.
 *
 * Exit codes: 0 fitted (and written), 1 a result or the environment is invalid (nothing written),
 * 2 usage (a file that does not exist, a missing --env or --model), 73 the file cannot be written.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { isMap, parseDocument, stringify } from "yaml";
import type { CalibrationAdjustment, CalibrationError, Source, ThroughputCalibration } from "../catalog/types";
import { ConfigError, Problem, UsageError, formatLocatedProblem, show } from "../config/errors";
import { displayPath } from "../config/loader";
import { CalibrationOverrideSchema, type CatalogOverrides } from "../config/schema";
import { CaseResult, estimateCase, fitAdjustment, summarize } from "../planning/calibration-fit";
import { modelFamily } from "../planning/throughput";
import { formatNumber, formatPercent, formatSignificant, plural } from "../report/format";
import type { TableData } from "../report/table";
import { terminalTable } from "../report/terminal";
import { BenchmarkResult, FileResults, readBenchmarkFile, resultsContext } from "./benchmark-results";
import { PlannedEnvironment, loadAndPlan } from "./load";
import { Io, withExitCodeAsync } from "./output";
import { isFileSystemError } from "./staging";

/** Exit code when the environment file cannot be written (sysexits' EX_CANTCREAT, as `diff --out` and the synth use). */
export const EXIT_CANNOT_WRITE = 73;

/** The command line of `calibrate`. */
export interface CalibrateArgs {
  /** Benchmark result files, in the order given. */
  readonly results: readonly string[];
  /** The environment file whose deployment was benchmarked and whose calibration is adjusted. */
  readonly env: string;
  /** The served name the vLLM results belong to. @default - the environment's only model */
  readonly model?: string;
  /** Write `catalog.calibration` into the environment file instead of printing it. @default false */
  readonly write: boolean;
  /** One JSON document on stdout. @default false */
  readonly json: boolean;
}

const VALUE_OPTIONS = ["--env", "--model"] as const;
type ValueOption = (typeof VALUE_OPTIONS)[number];

/** Parses the arguments after `calibrate`. */
export function parseCalibrateArgs(argv: readonly string[]): CalibrateArgs {
  const results: string[] = [];
  const values = new Map<ValueOption, string>();
  let write = false;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json") json = true;
    else if (arg === "--write") write = true;
    else if (arg.startsWith("-") && arg !== "-") {
      const eq = arg.indexOf("=");
      const name = VALUE_OPTIONS.find((o) => o === (eq === -1 ? arg : arg.slice(0, eq)));
      if (name === undefined) throw new UsageError(`unknown option ${arg} for calibrate`);
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined || value === "" || value.startsWith("--")) {
        throw new UsageError(`${name} needs a value, e.g. ${name === "--env" ? "--env environments/prod.yaml" : "--model coder"}`);
      }
      if (values.has(name)) throw new UsageError(`${name} is given twice`);
      values.set(name, value);
    } else results.push(arg);
  }
  const env = values.get("--env");
  if (env === undefined) throw new UsageError("calibrate needs --env <env-file>: the environment whose deployment was benchmarked");
  if (results.length === 0) {
    throw new UsageError("calibrate needs at least one benchmark result: a vllm bench serve --save-result JSON file or a benchmark CSV");
  }
  const twice = results.find((r, i) => results.indexOf(r) !== i);
  if (twice !== undefined) throw new UsageError(`${show(twice)} is given twice`);
  const model = values.get("--model");
  return { results, env, ...(model === undefined ? {} : { model }), write, json };
}

/** Runs `calibrate` with the arguments after the command name; returns the exit code. */
export function runCalibrate(argv: readonly string[], io: Io, cwd = process.cwd()): Promise<number> {
  const json = argv.includes("--json");
  return withExitCodeAsync(io, () => calibrateCommand(parseCalibrateArgs(argv), io, cwd), { format: json ? "json" : "text", writes: argv.includes("--write") });
}

/** One GPU and model family, fitted. */
export interface CalibrationGroup {
  readonly gpu: string;
  readonly family: "dense" | "moe";
  readonly results: readonly BenchmarkResult[];
  readonly adjustment: CalibrationAdjustment;
  /** Per result, under the environment's calibration and under the new one. */
  readonly before: readonly CaseResult[];
  readonly after: readonly CaseResult[];
  readonly errorBefore: CalibrationError;
  readonly errorAfter: CalibrationError;
}

/** What a run of `calibrate` found. */
export interface Calibration {
  readonly groups: readonly CalibrationGroup[];
  /** The environment's calibration with the new adjustments. */
  readonly calibration: ThroughputCalibration;
}

/**
 * The sources of a group's adjustment: one per benchmark file, dated by its newest result, with
 * what the group took from it.
 */
function groupSources(members: readonly BenchmarkResult[]): Source[] {
  const files = [...new Set(members.map((r) => r.file))];
  return files.map((file) => {
    const cases = members.filter((r) => r.file === file).map((r) => r.resolved.case);
    const engines = [...new Set(cases.map((c) => `${c.engine} ${c.engineVersion}`))].join(", ");
    return { url: file, date: cases.map((c) => c.source.date).sort().at(-1)!, note: `${plural(cases.length, "result")} (${engines})` };
  });
}

/**
 * Fits one adjustment per GPU and model family of `results`, starting from `calibration`. Groups
 * are sorted by GPU and family.
 * @throws ConfigError when the model can run no result of a group
 */
export function fitCalibration(results: readonly BenchmarkResult[], calibration: ThroughputCalibration): Calibration {
  const byGroup = new Map<string, BenchmarkResult[]>();
  for (const r of results) {
    const key = `${r.resolved.gpu.id}\u0000${modelFamily(r.resolved.model)}`;
    byGroup.set(key, [...(byGroup.get(key) ?? []), r]);
  }
  const problems: Problem[] = [];
  const fitted: { results: BenchmarkResult[]; adjustment: CalibrationAdjustment }[] = [];
  for (const key of [...byGroup.keys()].sort()) {
    const members = byGroup.get(key)!;
    const cases = members.map((r) => r.resolved);
    const found = fitAdjustment(cases, calibration, groupSources(members));
    const adjustment = found === undefined ? undefined : { ...found, cases: members.length };
    if (adjustment === undefined) {
      for (const r of members) {
        const why = estimateCase(r.resolved, calibration).problem ?? "no estimate";
        problems.push({
          file: r.file,
          path: [],
          message: `the throughput model cannot run this result (${why}), and no other result of ${r.resolved.gpu.id} with a ${modelFamily(r.resolved.model)} model can be fitted; check its GPU, precision and tensor parallelism`,
          line: r.line,
          column: r.column,
          rule: "plan",
        });
      }
      continue;
    }
    fitted.push({ results: members, adjustment });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const adjustments = mergeAdjustments(
    calibration.adjustments,
    fitted.map((f) => f.adjustment),
  );
  const after: ThroughputCalibration = { ...calibration, adjustments };
  return {
    calibration: after,
    groups: fitted.map(({ results: members, adjustment }) => {
      const before = members.map((r) => estimateCase(r.resolved, calibration));
      const estimatesAfter = members.map((r) => estimateCase(r.resolved, after));
      return {
        gpu: adjustment.gpu,
        family: adjustment.family,
        results: members,
        adjustment,
        before,
        after: estimatesAfter,
        errorBefore: summarize(before),
        errorAfter: summarize(estimatesAfter),
      };
    }),
  };
}

/** `existing` with each refitted GPU and family replaced where it was, and the new ones after. */
export function mergeAdjustments(existing: readonly CalibrationAdjustment[], fitted: readonly CalibrationAdjustment[]): CalibrationAdjustment[] {
  const same = (a: CalibrationAdjustment, b: CalibrationAdjustment) => a.gpu === b.gpu && a.family === b.family;
  const kept = existing.map((a) => fitted.find((f) => same(a, f)) ?? a);
  return [...kept, ...fitted.filter((f) => !existing.some((a) => same(a, f)))];
}

/** The factors `catalog.calibration` may set, in the schema's order: every key but its source and adjustments. */
const FACTOR_KEYS: readonly string[] = Object.keys(CalibrationOverrideSchema.shape).filter((k) => k !== "source" && k !== "adjustments");

type CalibrationOverride = NonNullable<CatalogOverrides["calibration"]>;

/** A source as the environment format writes it: url, date and the note when there is one. */
function plainSource(s: Source): Record<string, string> {
  return { url: s.url, date: s.date, ...(s.note === undefined ? {} : { note: s.note }) };
}

/** An adjustment as the environment format writes it, keys in a fixed order. */
function plainAdjustment(a: CalibrationAdjustment): Record<string, unknown> {
  return {
    gpu: a.gpu,
    family: a.family,
    decodeScale: a.decodeScale,
    prefillScale: a.prefillScale,
    cases: a.cases,
    medianAbsLnBefore: a.medianAbsLnBefore,
    medianAbsLnAfter: a.medianAbsLnAfter,
    sources: a.sources.map(plainSource),
  };
}

/**
 * The environment's `catalog.calibration` with `adjustments`: the factors it sets, and its source
 * when it sets any (the source documents them); otherwise a source naming the benchmark files
 * behind the adjustments. `sourceReplaced` says whether the source is new.
 */
export function calibrationOverride(
  existing: CalibrationOverride | undefined,
  adjustments: readonly CalibrationAdjustment[],
): { override: Record<string, unknown>; sourceReplaced: boolean } {
  const given: Readonly<Record<string, unknown>> = existing ?? {};
  const factors = Object.fromEntries(FACTOR_KEYS.filter((k) => given[k] !== undefined).map((k) => [k, given[k]]));
  const keepSource = existing !== undefined && Object.keys(factors).length > 0;
  const urls = [...new Set(adjustments.flatMap((a) => a.sources.map((s) => s.url)))];
  const dates = adjustments.flatMap((a) => a.sources.map((s) => s.date)).sort();
  const source: Source =
    keepSource && existing !== undefined
    ? existing.source
    : {
        url: urls.join(", "),
        date: dates.at(-1) ?? "",
        note: "site adjustments per GPU and model family, fitted by `ai-factory calibrate` on these benchmark results; the factors are the catalog's",
      };
  return { override: { ...factors, source: plainSource(source), adjustments: adjustments.map(plainAdjustment) }, sourceReplaced: !keepSource };
}

async function calibrateCommand(args: CalibrateArgs, io: Io, cwd: string): Promise<number> {
  // A file that is not there is a mistake on the command line, not in a file.
  const envShown = displayPath(args.env, cwd);
  const envStat = fs.statSync(path.resolve(cwd, args.env), { throwIfNoEntry: false });
  if (envStat === undefined) throw new UsageError(`no such file: ${envShown} (--env names an environment file)`);
  if (!envStat.isFile()) throw new UsageError(`${envShown} is not a file (--env names an environment file)`);
  // A shortfall is no reason not to calibrate: a new calibration may be what resolves it.
  const [planned] = loadAndPlan([args.env], { cwd, allowShortfall: true });
  const context = resultsContext(planned, args.model);

  const read: FileResults[] = [];
  const problems: Problem[] = [];
  for (const file of args.results) {
    try {
      read.push(readBenchmarkFile(file, cwd, context));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const results = read.flatMap((f) => f.results);
  const fit = fitCalibration(results, planned.env.calibration);
  const { override, sourceReplaced } = calibrationOverride(planned.env.config.catalog?.calibration, fit.calibration.adjustments);

  let written = false;
  if (args.write) {
    try {
      writeCalibration(args.env, cwd, override, sourceReplaced);
    } catch (err) {
      if (!isFileSystemError(err)) throw err;
      io.err(`ai-factory: cannot write ${envShown}: ${err.code}; nothing was written`);
      return EXIT_CANNOT_WRITE;
    }
    written = true;
  }

  if (args.json) {
    io.out(JSON.stringify(calibrationJson(planned, args, fit, override, written), null, 2));
  } else {
    for (const line of calibrationReport(planned, fit, read.length)) io.err(line);
    if (written) io.err(`Wrote catalog.calibration of ${envShown}.`);
    else {
      io.err("");
      io.err(`catalog.calibration for ${envShown} (paste it into the file, or rerun with --write):`);
      io.out(overrideYaml(override).trimEnd());
    }
  }
  if (written) warnIfInvalid(args.env, cwd, io);
  return 0;
}

/** The YAML of `catalog.calibration`, nested under `catalog:` as the file has it. */
export function overrideYaml(override: Record<string, unknown>): string {
  return stringify({ catalog: { calibration: override } }, { lineWidth: 0 });
}

/** A signed percentage of estimate over measured: `+12%`, `-50%`. */
function errorPercent(r: CaseResult): string {
  if (r.estimate === null) return "n/a";
  const p = (r.estimate / r.measured - 1) * 100;
  const text = formatPercent(p);
  return p > 0 && text !== "0%" ? `+${text}` : text;
}

function tokensPerSecond(x: number | null): string {
  return x === null ? "n/a" : formatSignificant(x, 3);
}

/** The report for people: a table of every result, then each group's errors and scales. */
export function calibrationReport(planned: PlannedEnvironment, fit: Calibration, files: number): string[] {
  const results = fit.groups.reduce((n, g) => n + g.results.length, 0);
  const out = [
    `Calibrating ${planned.env.file} on ${plural(results, "benchmark result")} from ${plural(files, "file")}, each taken as the throughput of ONE replica.`,
    "",
  ];
  const table: TableData = {
    head: ["Result", "GPU", "Model", "Prompt / output tokens", "Concurrency", "Measured tok/s", "Before tok/s", "Error", "After tok/s", "Error"],
    align: ["left", "left", "left", "right", "right", "right", "right", "right", "right", "right"],
    rows: fit.groups.flatMap((g) =>
      g.results.map((r, i) => {
        const c = r.resolved.case;
        return [
          `${c.id}`,
          r.resolved.gpu.id,
          c.model,
          `${formatSignificant(c.inputTokens)} / ${formatSignificant(c.outputTokens)}`,
          String(c.concurrency),
          tokensPerSecond(c.measuredOutputTokensPerSecond),
          tokensPerSecond(g.before[i].estimate),
          errorPercent(g.before[i]),
          tokensPerSecond(g.after[i].estimate),
          errorPercent(g.after[i]),
        ];
      }),
    ),
  };
  out.push(...terminalTable(table), "");
  for (const g of fit.groups) {
    const a = g.adjustment;
    out.push(
      `${g.gpu}, ${g.family} models (${plural(g.results.length, "result")}): median |ln(estimate ÷ measured)| ` +
        `${formatNumber(g.errorBefore.medianAbsLn, 3)} → ${formatNumber(g.errorAfter.medianAbsLn, 3)}, within ±25% ` +
        `${formatPercent(g.errorBefore.within25Percent * 100)} → ${formatPercent(g.errorAfter.within25Percent * 100)}; ` +
        `decode efficiencies × ${a.decodeScale}, prefill × ${a.prefillScale}.`,
    );
  }
  const notes = fit.groups.flatMap((g) =>
    g.results.flatMap((r, i) => [
      ...(r.remark === undefined ? [] : [`${r.resolved.case.id}: ${r.remark}.`]),
      ...(g.before[i].problem === undefined ? [] : [`${r.resolved.case.id}: not fitted, the model cannot run it: ${g.before[i].problem}.`]),
    ]),
  );
  if (notes.length > 0) out.push("", ...notes);
  return out;
}

/** `--json`: every result with its estimates, every group with its errors, and the override. */
function calibrationJson(planned: PlannedEnvironment, args: CalibrateArgs, fit: Calibration, override: Record<string, unknown>, written: boolean): unknown {
  const estimate = (r: CaseResult) => ({ outputTokensPerSecond: r.estimate, lnError: r.lnError, ...(r.problem === undefined ? {} : { problem: r.problem }) });
  return {
    valid: true,
    environment: planned.env.file,
    model: args.model ?? null,
    results: fit.groups.flatMap((g) =>
      g.results.map((r, i) => ({
        id: r.resolved.case.id,
        file: r.file,
        line: r.line,
        gpu: r.resolved.gpu.id,
        family: g.family,
        case: r.resolved.case,
        ...(r.remark === undefined ? {} : { remark: r.remark }),
        before: estimate(g.before[i]),
        after: estimate(g.after[i]),
      })),
    ),
    groups: fit.groups.map((g) => ({ gpu: g.gpu, family: g.family, before: g.errorBefore, after: g.errorAfter, adjustment: g.adjustment })),
    calibration: override,
    written,
  };
}

/**
 * `original` with only the lines the edit changed replaced. `before` and `after` are the document
 * printed before and after the edit: printing normalizes some spacing (`[a]` → `[ a ]`, the
 * spaces before a comment) without moving lines, so the lines around the change are taken from
 * `original` as they were, when that reads the same as `after`.
 */
export function keepUnchangedLines(original: string, before: string, after: string): string {
  if (before === original) return after;
  const o = original.split("\n");
  const b = before.split("\n");
  const a = after.split("\n");
  if (o.length !== b.length) return after;
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const merged = [...o.slice(0, head), ...a.slice(head, a.length - tail), ...o.slice(o.length - tail)].join("\n");
  const data = (text: string) => {
    const doc = parseDocument(text);
    return doc.errors.length > 0 ? undefined : doc.toJS();
  };
  const mergedData = data(merged);
  return mergedData !== undefined && isDeepStrictEqual(mergedData, data(after)) ? merged : after;
}

/**
 * Writes `override` as `catalog.calibration` of the environment file: through the YAML document
 * model (comments and the other keys kept), staged in a directory beside the file under the
 * file's own name (the environment's name must match it), loaded and planned there, then renamed
 * over the file. Nothing changes when any step fails.
 * @throws ConfigError when the file as written would not load; a file-system error when it cannot be written
 */
export function writeCalibration(envFile: string, cwd: string, override: Record<string, unknown>, sourceReplaced: boolean): void {
  const shown = displayPath(envFile, cwd);
  const target = fs.realpathSync(path.resolve(cwd, envFile));
  const original = fs.readFileSync(target, "utf8");
  const doc = parseDocument(original);
  const options = { lineWidth: 0 };
  const before = doc.toString(options);
  const at = ["catalog", "calibration"];
  if (isMap(doc.getIn(at))) {
    // Only what changed, so comments on the factors stay.
    doc.setIn([...at, "adjustments"], doc.createNode(override.adjustments));
    if (sourceReplaced) doc.setIn([...at, "source"], doc.createNode(override.source));
  } else {
    doc.setIn(at, doc.createNode(override));
  }
  const text = keepUnchangedLines(original, before, doc.toString(options));

  const staging = fs.mkdtempSync(path.join(path.dirname(target), ".ai-factory-calibrate-"));
  try {
    const staged = path.join(staging, path.basename(target));
    fs.writeFileSync(staged, text);
    fs.chmodSync(staged, fs.statSync(target).mode & 0o777);
    try {
      loadAndPlan([staged], { cwd, allowShortfall: true });
    } catch (err) {
      if (err instanceof ConfigError) throw new ConfigError(err.problems.map((p) => ({ ...p, file: shown })));
      throw err;
    }
    fs.renameSync(staged, target);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** After a write: what `validate` would now say of the file (a capacity shortfall, typically), as notes. */
function warnIfInvalid(envFile: string, cwd: string, io: Io): void {
  try {
    loadAndPlan([envFile], { cwd });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`Note: with the new calibration, \`validate\` finds ${plural(err.problems.length, "problem")} in ${displayPath(envFile, cwd)}:`);
    for (const p of err.problems) io.err(`  ${formatLocatedProblem(p)}`);
  }
}
