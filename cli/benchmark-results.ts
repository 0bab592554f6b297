/**
 * Benchmark results a site measured on its own hardware, read for `ai-factory calibrate`: each
 * becomes a `BenchmarkCase` (catalog/types.ts) with its GPU, model and interconnect looked up
 * (`ResolvedCase`, planning/calibration-fit.ts). Two formats:
 *
 * - the JSON that `vllm bench serve --save-result` writes (one object; `--append-result` adds one
 *   per line). Keys as vLLM v0.16.0 writes them, https://github.com/vllm-project/vllm/blob/v0.16.0/vllm/benchmarks/serve.py:
 *   `main_async` sets `date` (`%Y%m%d-%H%M%S`), `backend`, `model_id`, `request_rate` (a number, or
 *   the string "inf" for the default), `max_concurrency` (null unless `--max-concurrency`) and
 *   `ramp_up_strategy` (only with a ramp-up), and merges the result dict of `benchmark()`:
 *   `completed`, `failed`, `total_input_tokens`, `total_output_tokens` (over the completed requests)
 *   and `output_throughput` (output tokens ÷ the run's duration). Python's `json.dump` writes NaN
 *   and Infinity bare, so they are read too. The result carries no deployment: it belongs to the
 *   environment's model named by `--model`, whose pool, precision, TP and KV cache dtype it ran
 *   with. The benchmark must target ONE replica (its pod or a port-forward), never a load-balanced
 *   Service: `output_throughput` is taken as one replica's.
 * - a CSV for other engines, with a header naming `BENCHMARK_CSV_COLUMNS` (any order): each row
 *   carries its own engine, GPU, model and settings.
 *
 * Problems name the file, line and column (`<file>:<line>:<column>: <key or column>: <message>`).
 */
import { DEFAULT_OVERHEAD_GIB } from "../planning/fit";
import { GIB, weightsBytes } from "../planning/memory";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { z } from "zod";
import { SERVERS, findGpu, gpuIds, findModel, modelIds } from "../catalog";
import type { BenchmarkCase, BenchmarkEngine, GpuSpec, ModelArchitecture, ServerSpec, WeightPrecision } from "../catalog/types";
import { VLLM } from "../catalog/upstream";
import { ConfigError, DocPath, Problem, UsageError, show, unknownId } from "../config/errors";
import { displayPath } from "../config/loader";
import { zodIssuesToProblems } from "../config/zod-issues";
import type { ResolvedCase } from "../planning/calibration-fit";
import type { PlannedEnvironment } from "./load";

/** The columns of a benchmark CSV, all required, in any order. */
export const BENCHMARK_CSV_COLUMNS = [
  "engine",
  "engine_version",
  "gpu",
  "model",
  "precision",
  "kv_cache_dtype",
  "tensor_parallel",
  "input_tokens",
  "output_tokens",
  "concurrency",
  "output_tokens_per_second",
] as const;

/** The largest results file read: a `--save-detailed` run keeps every request's text and timings. */
export const MAX_RESULTS_FILE_BYTES = 128 * 1024 * 1024;

/** The deployment a `vllm bench serve` result measured: one replica of one served model. */
export interface VllmDeployment {
  /** The model's served name (its key under `models:`). */
  readonly servedName: string;
  /** The id a case names: the catalog model id, or the served name for an inline model. */
  readonly modelId: string;
  readonly model: ModelArchitecture;
  readonly gpu: GpuSpec;
  readonly server: ServerSpec;
  readonly precision: WeightPrecision;
  readonly tensorParallel: number;
  readonly kvCacheDtype: "auto" | "fp8";
  /** `--max-num-seqs` of the server: it never decodes more sequences at once, whatever the client sends. */
  readonly maxConcurrentSequences: number;
  /** The vLLM version the chart deploys. */
  readonly engineVersion: string;
  /** KV cache memory of one replica as the fit check counts it (gpuMemoryUtilization, weights, overhead). */
  readonly kvCacheBytesPerReplica: number;
  /** What a result's `model_id` may say for this model: its served name and its Hugging Face repository. */
  readonly names: readonly string[];
}

/** What results are resolved against: the environment's models, pools and the catalog. */
export interface ResultsContext {
  /** The deployment vLLM results belong to, or why there is none (a usage error when a vLLM result is read). */
  readonly deployment: VllmDeployment | { readonly unavailable: string };
  /** Names by which each other model of the environment may appear in a result's `model_id`. */
  readonly otherModels: readonly { readonly servedName: string; readonly names: readonly string[] }[];
  /** A GPU by id: the environment's (with its overrides) or the catalog's. */
  findGpu(id: string): GpuSpec | undefined;
  readonly gpuIds: readonly string[];
  /** The server a GPU runs in: the environment's pool with that GPU, else the catalog's first. */
  serverFor(gpuId: string): ServerSpec | undefined;
  /** A model by served name of the environment or catalog id. */
  findModel(name: string): { readonly id: string; readonly model: ModelArchitecture } | undefined;
  readonly modelNames: readonly string[];
}

/** One benchmark result, resolved, and where it is. */
export interface BenchmarkResult {
  readonly resolved: ResolvedCase;
  /** The file, relative to the working directory. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** What a reader of the table should know, e.g. that the server capped the client's concurrency. */
  readonly remark?: string;
}

/** The results of one file. */
export interface FileResults {
  readonly results: readonly BenchmarkResult[];
}

/** vLLM's KV cache dtype as a case records it: `bf16` is what `auto` means for every model here. */
function caseKvDtype(dtype: "auto" | "bf16" | "fp8"): "auto" | "fp8" {
  return dtype === "fp8" ? "fp8" : "auto";
}

/** The id a case names for an environment's model: its catalog id, or the served name when it is inline. */
function modelIdOf(servedName: string, spec: { readonly id: string }): string {
  return spec.id === "inline" ? servedName : spec.id;
}

/**
 * What results of `planned` are resolved against. `servedName` is `--model`: required for vLLM
 * results when the environment serves several models.
 * @throws UsageError when `servedName` names no model of the environment
 */
export function resultsContext(planned: PlannedEnvironment, servedName: string | undefined): ResultsContext {
  const env = planned.env;
  const models = planned.plan.models.map((m) => m.model);
  const served = models.map((m) => m.servedName);
  if (servedName !== undefined && !served.includes(servedName)) {
    throw new UsageError(`--model ${show(servedName)} is not served by ${env.file}; its models: ${served.join(", ")}`);
  }
  const chosen = servedName !== undefined ? models.find((m) => m.servedName === servedName) : models.length === 1 ? models[0] : undefined;
  let deployment: ResultsContext["deployment"];
  if (chosen === undefined) {
    deployment = {
      unavailable:
        models.length === 0
          ? `${env.file} serves no model: a vllm bench serve result is of one of the environment's models`
          : `${env.file} serves ${models.length} models (${served.join(", ")}): name the one benchmarked with --model <served name>`,
    };
  } else if (chosen.pool.sharing.mode === "mig") {
    deployment = {
      unavailable: `model ${show(chosen.servedName)} runs on MIG slices (pool ${show(chosen.pool.name)}); calibration adjusts whole GPUs: benchmark a model on a pool without MIG`,
    };
  } else {
    deployment = {
      servedName: chosen.servedName,
      modelId: modelIdOf(chosen.servedName, chosen.spec),
      model: chosen.spec,
      gpu: chosen.pool.gpu,
      server: chosen.pool.server,
      precision: chosen.precision,
      tensorParallel: chosen.tensorParallel,
      kvCacheDtype: caseKvDtype(chosen.deployment.kvCacheDtype),
      maxConcurrentSequences: chosen.maxConcurrentSequences,
      engineVersion: VLLM.image.tag.replace(/^v/, ""),
      // Per GPU: usable − weights ÷ TP − overhead, as the fit check and the cost plan count it.
      kvCacheBytesPerReplica:
        chosen.tensorParallel *
        (chosen.pool.gpu.memoryGiB * chosen.deployment.gpuMemoryUtilization * GIB -
          weightsBytes(chosen.spec, chosen.precision) / chosen.tensorParallel -
          (chosen.deployment.overheadGiB ?? DEFAULT_OVERHEAD_GIB) * GIB),
      names: [chosen.servedName, chosen.spec.huggingFace.repo],
    };
  }
  const pools = [...env.pools].sort((a, b) => a.name.localeCompare(b.name));
  const envGpus = new Map(pools.map((p) => [p.gpu.id, p.gpu] as const));
  return {
    deployment,
    otherModels: models
      .filter((m) => m !== chosen)
      .map((m) => ({ servedName: m.servedName, names: [m.servedName, m.spec.huggingFace.repo] })),
    findGpu: (id) => envGpus.get(id) ?? findGpu(id),
    gpuIds: [...new Set([...envGpus.keys(), ...gpuIds()])].sort(),
    serverFor: (gpuId) => pools.find((p) => p.gpu.id === gpuId)?.server ?? SERVERS.find((s) => s.gpu === gpuId),
    findModel: (name) => {
      const m = models.find((x) => x.servedName === name);
      if (m !== undefined) return { id: modelIdOf(m.servedName, m.spec), model: m.spec };
      const spec = findModel(name);
      return spec === undefined ? undefined : { id: spec.id, model: spec };
    },
    modelNames: [...new Set([...served, ...modelIds()])].sort(),
  };
}

// ---------------------------------------------------------------------------------------------
// Positions

/** Offsets where each line starts, for offset → line and column. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line and column (UTF-16 code units) of `offset`. */
function positionOf(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

/** `YYYY-MM-DD` of a day that exists, or undefined. */
function isoDate(year: string, month: string, day: string): string | undefined {
  const d = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const text = `${year}-${month}-${day}`;
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text ? undefined : text;
}

// ---------------------------------------------------------------------------------------------
// JSON with positions

/** One top-level JSON value of a file and where its top-level keys and values are. */
interface JsonDocument {
  readonly value: unknown;
  readonly start: number;
  /** Offsets of each top-level key and of its value, for an object. */
  readonly keys: ReadonlyMap<string, { readonly key: number; readonly value: number }>;
}

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Nesting of arrays and objects read; a result nests three deep. */
const MAX_JSON_DEPTH = 100;
const JSON_NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/**
 * Reads the JSON values of `text`, one after another (one for `--save-result`, one per line for
 * `--append-result`), with Python's bare NaN, Infinity and -Infinity. Objects have no prototype,
 * so no key (`__proto__`) means anything but itself; a key given twice is refused.
 */
function readJsonDocuments(text: string): JsonDocument[] {
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(message, at);
  };
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      i++;
    }
  };
  const str = (): string => {
    const start = i;
    let j = i + 1;
    while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
    if (j >= text.length) fail("a string is not closed", start);
    i = j + 1;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return fail("invalid string: a control character or a bad escape", start);
    }
  };
  const value = (depth: number, keys?: Map<string, { key: number; value: number }>): unknown => {
    if (depth > MAX_JSON_DEPTH) fail(`arrays and objects nest more than ${MAX_JSON_DEPTH} levels deep`);
    const c = text[i];
    if (c === "{") {
      i++;
      const obj = Object.create(null) as Record<string, unknown>;
      ws();
      if (text[i] === "}") {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("expected a key in double quotes");
        const keyAt = i;
        const key = str();
        if (Object.prototype.hasOwnProperty.call(obj, key)) fail(`the key ${show(key)} is given twice`, keyAt);
        ws();
        if (text[i] !== ":") fail(`expected ":" after the key ${show(key)}`);
        i++;
        ws();
        const valueAt = i;
        obj[key] = value(depth + 1);
        keys?.set(key, { key: keyAt, value: valueAt });
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return obj;
        } else fail('expected "," or "}"');
      }
    }
    if (c === "[") {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return arr;
      }
      for (;;) {
        ws();
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return arr;
        } else fail('expected "," or "]"');
      }
    }
    if (c === '"') return str();
    for (const [word, v] of [
      ["true", true],
      ["false", false],
      ["null", null],
      ["NaN", NaN],
      ["Infinity", Infinity],
      ["-Infinity", -Infinity],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    JSON_NUMBER.lastIndex = i;
    const m = JSON_NUMBER.exec(text);
    if (m === null || m[0] === "" || m[0] === "-") return fail(i >= text.length ? "the JSON ends too early" : `unexpected ${show(text[i])}`);
    i += m[0].length;
    return Number(m[0]);
  };
  const docs: JsonDocument[] = [];
  ws();
  while (i < text.length) {
    const start = i;
    const keys = new Map<string, { key: number; value: number }>();
    docs.push({ value: value(0, keys), start, keys });
    ws();
  }
  return docs;
}

// ---------------------------------------------------------------------------------------------
// vLLM results

// A fractional count reads "expected int, got 2.5", as in environment files.
const count = () => z.number().int();

/** The keys of a `vllm bench serve --save-result` file that calibration reads; the others pass. */
const VllmResultSchema = z.looseObject({
  date: z
    .string()
    .regex(/^[0-9]{8}-[0-9]{6}$/, "must be the date vllm bench serve writes, YYYYMMDD-HHMMSS")
    .optional(),
  backend: z.string().optional(),
  model_id: z.string().optional(),
  completed: count().min(1, "no request completed, so nothing was measured: check the server's log and rerun"),
  failed: count().min(0, "cannot be negative").optional(),
  total_input_tokens: count().min(1, "no prompt token was sent; a throughput needs prompts"),
  total_output_tokens: count().min(1, "no output token was generated, so nothing was measured (an embedding or pooling run?)"),
  output_throughput: z.number().positive("must be a throughput above 0 output tokens per second"),
  request_rate: z.union([z.literal("inf"), z.number().positive("must be above 0 requests per second, or \"inf\"")]),
  max_concurrency: z.number().int().min(1, "must be at least 1 request").nullable().optional(),
  ramp_up_strategy: z.string().nullable().optional(),
});

/** Reads the results of a `vllm bench serve --save-result` (or `--append-result`) file. */
export function parseVllmResults(file: string, text: string, context: ResultsContext, fallbackDate: string): FileResults {
  const starts = lineStarts(text);
  const at = (offset: number) => positionOf(starts, offset);
  let docs: JsonDocument[];
  try {
    docs = readJsonDocuments(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    throw new ConfigError([{ file, path: [], message: `not valid JSON: ${err.message}`, ...at(err.offset), rule: "file" }]);
  }
  if (docs.length === 0) {
    throw new ConfigError([{ file, path: [], message: "the file is empty; expected the JSON of vllm bench serve --save-result", line: 1, column: 1, rule: "file" }]);
  }
  const problems: Problem[] = [];
  const results: BenchmarkResult[] = [];
  docs.forEach((doc, index) => {
    // A key's problem points at its value; a missing key's, at the object.
    const place = (p: DocPath) => {
      const k = typeof p[0] === "string" ? doc.keys.get(p[0]) : undefined;
      return at(k === undefined ? doc.start : k.value);
    };
    const problem = (p: DocPath, message: string): Problem => ({ file, path: p, message, ...place(p), rule: "schema" });
    if (typeof doc.value !== "object" || doc.value === null || Array.isArray(doc.value)) {
      const what = Array.isArray(doc.value) ? "a list (the .pytorch.json file written beside a result?)" : show(doc.value);
      problems.push(problem([], `expected the object vllm bench serve --save-result writes, got ${what}`));
      return;
    }
    const raw = doc.value as Record<string, unknown>;
    // Older releases wrote the rate as given, the default as a bare Infinity: the same run as "inf".
    const data = raw.request_rate === Infinity ? { ...raw, request_rate: "inf" } : raw;
    const parsed = VllmResultSchema.safeParse(data);
    if (!parsed.success) {
      for (const p of zodIssuesToProblems(file, parsed.error.issues, VllmResultSchema, data)) problems.push(problem(p.path, p.message));
      return;
    }
    const r = parsed.data;
    const concurrencyMax = r.max_concurrency ?? undefined;
    if (r.ramp_up_strategy !== undefined && r.ramp_up_strategy !== null) {
      problems.push(
        problem(
          ["ramp_up_strategy"],
          `a ramp-up run (${show(r.ramp_up_strategy)}) offers a changing load, so its throughput is no capacity: rerun with a fixed --max-concurrency N and the default --request-rate inf`,
        ),
      );
      return;
    }
    if (r.request_rate !== "inf" && concurrencyMax === undefined) {
      problems.push(
        problem(
          ["request_rate"],
          `${r.request_rate} requests/s without max_concurrency: the run measured the load it offered, not what the replica can serve; rerun with --max-concurrency N (and the default --request-rate inf), or without both for an offline run`,
        ),
      );
      return;
    }
    if ("unavailable" in context.deployment) throw new UsageError(`${file}: ${context.deployment.unavailable}`);
    const d = context.deployment;
    if (r.model_id !== undefined && !d.names.includes(r.model_id)) {
      const other = context.otherModels.find((m) => m.names.includes(r.model_id!));
      if (other !== undefined) {
        problems.push(
          problem(["model_id"], `is model ${show(other.servedName)} of the environment, but --model is ${show(d.servedName)}: pass --model ${other.servedName}, or the result of ${d.servedName}`),
        );
        return;
      }
    }
    const date = r.date === undefined ? undefined : isoDate(r.date.slice(0, 4), r.date.slice(4, 6), r.date.slice(6, 8));
    if (r.date !== undefined && date === undefined) {
      problems.push(problem(["date"], `is no date, got ${show(r.date)}; expected YYYYMMDD-HHMMSS`));
      return;
    }
    const inputTokens = r.total_input_tokens / r.completed;
    const outputTokens = r.total_output_tokens / r.completed;
    // The server decodes at most --max-num-seqs sequences at once; more in flight only queue.
    const cap = d.maxConcurrentSequences;
    const concurrency = concurrencyMax === undefined ? cap : Math.min(concurrencyMax, cap);
    const requested = concurrencyMax === undefined ? "offline (every request sent at once)" : `max concurrency ${concurrencyMax}`;
    const capped = concurrencyMax === undefined || concurrencyMax > cap;
    const remark = capped ? `${concurrencyMax ?? "offline"} in flight, ${cap} decoded at once (maxConcurrentSequences)` : undefined;
    const id = docs.length === 1 ? file : `${file}#${index + 1}`;
    const failed = r.failed !== undefined && r.failed > 0 ? `, ${r.failed} failed` : "";
    const benchmarkCase: BenchmarkCase = {
      id,
      engine: "vllm",
      engineVersion: d.engineVersion,
      server: d.server.id,
      model: d.modelId,
      precision: d.precision,
      kvCacheDtype: d.kvCacheDtype,
      tensorParallel: d.tensorParallel,
      inputTokens,
      outputTokens,
      concurrency,
      measuredOutputTokensPerSecond: r.output_throughput,
      split: "fit",
      source: {
        url: file,
        date: date ?? fallbackDate,
        note:
          `vllm bench serve against one replica of ${d.servedName}: ${r.completed} requests${failed}, ${requested}, ` +
          `mean ${round(inputTokens)} prompt and ${round(outputTokens)} output tokens${capped ? `; the server decodes at most ${cap} at once (--max-num-seqs)` : ""}`,
      },
    };
    results.push({
      resolved: { case: benchmarkCase, gpu: d.gpu, model: d.model, interconnect: d.server.interconnect, kvCacheBytesPerReplica: d.kvCacheBytesPerReplica },
      file,
      ...at(doc.start),
      ...(remark === undefined ? {} : { remark }),
    });
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return { results };
}

/** A figure for a note: whole from 100 up, else 3 significant digits. */
function round(x: number): string {
  return x >= 100 ? String(Math.round(x)) : String(Number(x.toPrecision(3)));
}


// ---------------------------------------------------------------------------------------------
// CSV

const DECIMAL = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
const WHOLE = /^[0-9]+$/;

/** A number in a cell, then `inner`'s rules; messages quote the cell as written. */
const decimalCell = (inner: z.ZodNumber) => z.string().regex(DECIMAL, "must be a number").transform(Number).pipe(inner);
const wholeCell = (inner: z.ZodNumber, what = "must be a whole number") => z.string().regex(WHOLE, what).transform(Number).pipe(inner);

const ENGINES = ["vllm", "tensorrt-llm", "sglang", "nim"] as const satisfies readonly BenchmarkEngine[];
const PRECISIONS = ["bf16", "fp8", "int4", "mxfp4", "nvfp4"] as const satisfies readonly WeightPrecision[];

/** One row of a benchmark CSV, every cell a string as read. */
const CsvRowSchema = z.strictObject({
  engine: z.enum(ENGINES),
  engine_version: z
    .string()
    .min(1, "must not be empty: the engine's version as released, e.g. 0.16.0")
    .regex(/^[0-9A-Za-z][0-9A-Za-z.+_-]{0,39}$/, "must be a version such as 0.16.0 or 1.0.0rc2"),
  gpu: z.string().min(1, "must not be empty: a GPU catalog id, e.g. h100-sxm"),
  model: z.string().min(1, "must not be empty: a catalog model id or a served name of the environment"),
  precision: z.enum(PRECISIONS),
  kv_cache_dtype: z.enum(["auto", "bf16", "fp8"]),
  tensor_parallel: wholeCell(z.number().min(1, "must be at least 1 GPU").max(64, "must be at most 64 GPUs (one replica)")),
  input_tokens: decimalCell(z.number().positive("must be a mean prompt length above 0 tokens").max(10_000_000, "must be at most 10,000,000 tokens")),
  output_tokens: decimalCell(z.number().min(1, "must be a mean output length of at least 1 token").max(10_000_000, "must be at most 10,000,000 tokens")),
  concurrency: z.union([
    z.literal("offline"),
    wholeCell(
      z.number().min(1, "must be at least 1 request in flight, or offline").max(1_000_000, "must be at most 1,000,000 requests in flight"),
      "must be the requests in flight (a whole number) or offline",
    ),
  ]),
  output_tokens_per_second: decimalCell(z.number().positive("must be above 0 output tokens per second").max(100_000_000, "must be at most 100,000,000 tokens per second")),
});

/** Start offsets of the fields of one CSV record that starts at `start` (commas inside quotes skipped). */
function fieldStarts(text: string, start: number, end: number): number[] {
  const starts = [start];
  let quoted = false;
  for (let i = start; i < end; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === "," && !quoted) starts.push(i + 1);
    else if ((c === "\n" || c === "\r") && !quoted) break;
  }
  return starts;
}

/** Reads a benchmark CSV (`BENCHMARK_CSV_COLUMNS`); problems name the line and the column. */
export function parseBenchmarkCsv(file: string, input: string, context: ResultsContext, fallbackDate: string): FileResults {
  const text = input.startsWith("\uFEFF") ? input.slice(1) : input;
  const starts = lineStarts(text);
  const columnsText = BENCHMARK_CSV_COLUMNS.join(",");
  let records: { record: string[]; info: { bytes: number } }[];
  try {
    records = parseCsv(text, { info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown; lines?: unknown };
    if (typeof e.code !== "string" || typeof e.message !== "string") throw err;
    const line = typeof e.lines === "number" && e.lines >= 1 ? e.lines : 1;
    throw new ConfigError([{ file, path: [], message: `not valid CSV: ${e.message.replace(/ (on|at) line \d+$/, "")}`, line, column: 1, rule: "file" }]);
  }
  // info.bytes is where each record ends in UTF-8 bytes; walk them into string offsets.
  const bytes = Buffer.from(text, "utf8");
  let byteAt = 0;
  let charAt = 0;
  const located = records.map((r) => {
    let start = charAt;
    charAt += bytes.subarray(byteAt, r.info.bytes).toString("utf8").length;
    byteAt = r.info.bytes;
    while (start < charAt && /\s/.test(text[start])) start++;
    return { cells: r.record, start, fields: fieldStarts(text, start, charAt) };
  });
  if (located.length === 0) {
    throw new ConfigError([{ file, path: [], message: `the file is empty; a benchmark CSV starts with the header ${columnsText}`, line: 1, column: 1, rule: "file" }]);
  }

  const [header, ...rows] = located;
  const problems: Problem[] = [];
  const headerAt = (i: number) => positionOf(starts, header.fields[i] ?? header.start);
  const index = new Map<string, number>();
  header.cells.forEach((name, i) => {
    if (!(BENCHMARK_CSV_COLUMNS as readonly string[]).includes(name)) {
      problems.push({ file, path: [], message: `unknown column ${show(name)}; the header of a benchmark CSV is ${columnsText}`, ...headerAt(i), rule: "schema" });
    } else if (index.has(name)) {
      problems.push({ file, path: [name], message: `the column ${show(name)} is given twice`, ...headerAt(i), rule: "schema" });
    } else index.set(name, i);
  });
  const missing = BENCHMARK_CSV_COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) {
    problems.push({
      file,
      path: [],
      message: `the header lacks ${missing.join(", ")}; the first line of a benchmark CSV names its columns: ${columnsText}`,
      ...positionOf(starts, header.start),
      rule: "schema",
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (rows.length === 0) {
    throw new ConfigError([{ file, path: [], message: "has a header but no result; add one row per measurement", ...positionOf(starts, header.start), rule: "schema" }]);
  }

  const results: BenchmarkResult[] = [];
  for (const row of rows) {
    const where = positionOf(starts, row.start);
    const cellAt = (column: string) => positionOf(starts, row.fields[index.get(column)!] ?? row.start);
    const problem = (column: string, message: string): Problem => ({ file, path: [column], message, ...cellAt(column), rule: "schema" });
    if (row.cells.length !== header.cells.length) {
      problems.push({ file, path: [], message: `has ${row.cells.length} fields, the header ${header.cells.length} (${columnsText})`, ...where, rule: "schema" });
      continue;
    }
    const cells = Object.fromEntries(BENCHMARK_CSV_COLUMNS.map((c) => [c, row.cells[index.get(c)!]]));
    const parsed = CsvRowSchema.safeParse(cells);
    if (!parsed.success) {
      for (const p of zodIssuesToProblems(file, parsed.error.issues, CsvRowSchema, cells)) problems.push(problem(String(p.path[0] ?? "engine"), p.message));
      continue;
    }
    const r = parsed.data;
    const gpu = context.findGpu(r.gpu);
    const model = context.findModel(r.model);
    const rowProblems: Problem[] = [];
    if (gpu === undefined) rowProblems.push(problem("gpu", unknownId("GPU", r.gpu, context.gpuIds)));
    if (model === undefined) rowProblems.push(problem("model", `${unknownId("model", r.model, context.modelNames)} (a catalog model id or a served name of the environment)`));
    const server = gpu === undefined ? undefined : context.serverFor(gpu.id);
    if (gpu !== undefined && server === undefined) {
      rowProblems.push(problem("gpu", `no server of the environment or the catalog has ${show(gpu.id)} GPUs, so the link tensor parallelism ran over is unknown`));
    }
    if (server !== undefined && r.tensor_parallel > server.gpusPerServer) {
      rowProblems.push(
        problem("tensor_parallel", `${r.tensor_parallel} GPUs span more than one server (${server.id} has ${server.gpusPerServer}); calibration covers replicas within one server, got ${show(cells.tensor_parallel)}`),
      );
    }
    if (rowProblems.length > 0 || gpu === undefined || model === undefined || server === undefined) {
      problems.push(...rowProblems);
      continue;
    }
    const line = where.line;
    const benchmarkCase: BenchmarkCase = {
      id: `${file}:${line}`,
      engine: r.engine,
      engineVersion: r.engine_version,
      server: server.id,
      model: model.id,
      precision: r.precision,
      kvCacheDtype: caseKvDtype(r.kv_cache_dtype),
      tensorParallel: r.tensor_parallel,
      inputTokens: r.input_tokens,
      outputTokens: r.output_tokens,
      concurrency: r.concurrency,
      measuredOutputTokensPerSecond: r.output_tokens_per_second,
      split: "fit",
      source: { url: file, date: fallbackDate, note: `${r.engine} ${r.engine_version}, line ${line} of the benchmark CSV` },
    };
    results.push({ resolved: { case: benchmarkCase, gpu, model: model.model, interconnect: server.interconnect }, file, ...where });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { results };
}

// ---------------------------------------------------------------------------------------------
// Files

/** The day a file was last changed, `YYYY-MM-DD` (UTC): the date of results that carry none. */
function modifiedDate(stat: fs.Stats): string {
  return stat.mtime.toISOString().slice(0, 10);
}

/**
 * Reads one results file: a vLLM result (`.json`, `.jsonl`, or text starting with `{`) or a
 * benchmark CSV (anything else). `file` is as given on the command line, relative to `cwd`.
 * @throws UsageError when the file does not exist or is no regular file; ConfigError with its problems
 */
export function readBenchmarkFile(file: string, cwd: string, context: ResultsContext): FileResults {
  const shown = displayPath(file, cwd);
  const abs = path.resolve(cwd, file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new UsageError(`no such file: ${shown} (a result of vllm bench serve --save-result, or a benchmark CSV)`);
    throw new UsageError(`cannot read ${shown} (${code ?? "unknown error"})`);
  }
  if (!stat.isFile()) throw new UsageError(`${shown} is not a file (a result of vllm bench serve --save-result, or a benchmark CSV)`);
  const fileProblem = (message: string) => new ConfigError([{ file: shown, path: [], message, line: 1, column: 1, rule: "file" }]);
  if (stat.size > MAX_RESULTS_FILE_BYTES) {
    throw fileProblem(`the file has ${stat.size} bytes, over the limit of ${MAX_RESULTS_FILE_BYTES}; save results without --save-detailed`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(fs.readFileSync(abs));
  } catch (err) {
    if (err instanceof TypeError) throw fileProblem("not a text file: it is not valid UTF-8");
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${shown} (${code ?? "unknown error"})`);
  }
  const date = modifiedDate(stat);
  const json = /\.jsonl?$/i.test(file) || (!/\.csv$/i.test(file) && text.trimStart().startsWith("{"));
  return json ? parseVllmResults(shown, text, context, date) : parseBenchmarkCsv(shown, text, context, date);
}
