/**
 * Reading benchmark results for `ai-factory calibrate`: the JSON of `vllm bench serve
 * --save-result` (fixtures in the shape vLLM v0.16.0 writes: one line, `json.dump`'s separators)
 * and the benchmark CSV. Expected figures are worked from the fixtures' own numbers; positions
 * are found in the fixtures' text, never hard-coded.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, UsageError, formatLocatedProblem } from "../../config/errors";
import {
  BENCHMARK_CSV_COLUMNS,
  ResultsContext,
  parseBenchmarkCsv,
  parseVllmResults,
  readBenchmarkFile,
  resultsContext,
} from "../../cli/benchmark-results";
import { PlannedEnvironment, loadAndPlan } from "../../cli/load";
import { findServer } from "../../catalog";
import { REPO } from "../helpers/run";

const FIXTURES = path.join(REPO, "test", "fixtures", "calibrate");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");
const vllm = (name: string) => JSON.parse(fixture(name)) as Record<string, unknown>;

let dev: PlannedEnvironment;
let devContext: ResultsContext;
beforeAll(() => {
  [dev] = loadAndPlan(["environments/dev.yaml"], { cwd: REPO, allowShortfall: true });
  devContext = resultsContext(dev, undefined);
});
const devModel = () => dev.plan.models[0].model;

/** The problems a call throws, as the CLI prints them. */
function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map(formatLocatedProblem);
    throw err;
  }
  throw new Error("expected a ConfigError");
}

/** 1-based line and column of the first `needle` in `text`, `skip` characters into it. */
function positionOf(text: string, needle: string, skip = 0): { line: number; column: number } {
  const offset = text.indexOf(needle) + skip;
  expect(offset).toBeGreaterThanOrEqual(skip);
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

describe("vllm bench serve results", () => {
  test("GIVEN a result at max concurrency 4 WHEN read THEN ISL, OSL and throughput come from its totals, the rest from the deployment", () => {
    const raw = vllm("vllm-c4.json");
    const { results } = parseVllmResults("c4.json", fixture("vllm-c4.json"), devContext, "2000-01-01");
    expect(results).toHaveLength(1);
    const c = results[0].resolved.case;
    const m = devModel();
    expect(c.inputTokens).toBe((raw.total_input_tokens as number) / (raw.completed as number));
    expect(c.outputTokens).toBe((raw.total_output_tokens as number) / (raw.completed as number));
    expect(c.measuredOutputTokensPerSecond).toBe(raw.output_throughput);
    expect(c.concurrency).toBe(raw.max_concurrency);
    expect(c).toMatchObject({
      engine: "vllm",
      server: m.pool.server.id,
      model: m.spec.id,
      precision: m.precision,
      tensorParallel: m.tensorParallel,
      kvCacheDtype: "auto",
      split: "fit",
    });
    // The date the result carries (YYYYMMDD-HHMMSS), not the fallback.
    expect(c.source).toMatchObject({ url: "c4.json", date: `${(raw.date as string).slice(0, 4)}-${(raw.date as string).slice(4, 6)}-${(raw.date as string).slice(6, 8)}` });
    expect(results[0].resolved).toMatchObject({ gpu: m.pool.gpu, model: m.spec, interconnect: m.pool.server.interconnect });
  });

  test("GIVEN more requests in flight than the server decodes at once WHEN read THEN the concurrency is the server's cap, with a remark", () => {
    const cap = devModel().maxConcurrentSequences;
    const text = JSON.stringify({ ...vllm("vllm-c4.json"), max_concurrency: cap * 8 });
    const [r] = parseVllmResults("many.json", text, devContext, "2000-01-01").results;
    expect(r.resolved.case.concurrency).toBe(cap);
    expect(r.remark).toContain(`${cap * 8} in flight, ${cap} decoded at once`);
  });

  test('GIVEN an offline run (request_rate "inf", no max_concurrency) WHEN read THEN every sequence the server takes runs at once', () => {
    const text = JSON.stringify({ ...vllm("vllm-c4.json"), max_concurrency: null });
    const [r] = parseVllmResults("offline.json", text, devContext, "2000-01-01").results;
    expect(r.resolved.case.concurrency).toBe(devModel().maxConcurrentSequences);
    expect(r.resolved.case.source.note).toContain("offline");
  });

  test("GIVEN a finite request_rate without max_concurrency WHEN read THEN it is refused at request_rate: it measured the offered load", () => {
    const text = fixture("vllm-rate.json");
    const at = positionOf(text, '"request_rate": ', '"request_rate": '.length);
    expect(problemsOf(() => parseVllmResults("rate.json", text, devContext, "2000-01-01"))).toEqual([
      expect.stringMatching(new RegExp(`^rate\\.json:${at.line}:${at.column}: request_rate: 4 requests/s without max_concurrency: the run measured the load it offered, not what the replica can serve; rerun with --max-concurrency N`)),
    ]);
  });

  test("GIVEN a ramp-up run WHEN read THEN it is refused", () => {
    const text = JSON.stringify({ ...vllm("vllm-c4.json"), ramp_up_strategy: "linear", ramp_up_start_rps: 1, ramp_up_end_rps: 10 });
    expect(problemsOf(() => parseVllmResults("ramp.json", text, devContext, "2000-01-01"))[0]).toContain('ramp_up_strategy: a ramp-up run ("linear") offers a changing load');
  });

  test("GIVEN results appended by --append-result WHEN read THEN one result per line, each with its line", () => {
    const text = `${fixture("vllm-c1.json")}\n${fixture("vllm-c4.json")}`;
    const { results } = parseVllmResults("both.json", text, devContext, "2000-01-01");
    expect(results.map((r) => [r.resolved.case.id, r.line, r.resolved.case.concurrency])).toEqual([
      ["both.json#1", 1, 1],
      ["both.json#2", 2, 4],
    ]);
  });

  test("GIVEN Python's bare NaN and Infinity in keys calibration does not read WHEN read THEN the result is read", () => {
    const text = fixture("vllm-c4.json").replace('"std_ttft_ms": 9.4', '"std_ttft_ms": NaN').replace('"p99_ttft_ms": 97.3', '"p99_ttft_ms": Infinity');
    expect(text).toContain("NaN");
    expect(parseVllmResults("nan.json", text, devContext, "2000-01-01").results).toHaveLength(1);
  });

  test("GIVEN a result without a date WHEN read THEN it is dated by the fallback (the file's modification day)", () => {
    const { date: _date, ...rest } = vllm("vllm-c4.json");
    const [r] = parseVllmResults("nodate.json", JSON.stringify(rest), devContext, "2026-02-03").results;
    expect(r.resolved.case.source.date).toBe("2026-02-03");
  });

  test.each([
    ["no request completed", { completed: 0 }, "completed: no request completed"],
    ["output_throughput missing", { output_throughput: undefined }, "output_throughput: is required"],
    ["a negative throughput", { output_throughput: -3 }, "output_throughput: must be a throughput above 0 output tokens per second, got -3"],
    ["a date that is no day", { date: "20261341-000000" }, 'date: is no date, got "20261341-000000"'],
    ["a fractional concurrency", { max_concurrency: 2.5 }, "max_concurrency: expected int, got 2.5"],
  ])("GIVEN %s WHEN read THEN it is refused with the key and what is wrong", (_name, change, message) => {
    const text = JSON.stringify({ ...vllm("vllm-c4.json"), ...change });
    const problems = problemsOf(() => parseVllmResults("bad.json", text, devContext, "2000-01-01"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
    expect(problems[0]).toMatch(/^bad\.json:1:\d+: /);
  });

  test("GIVEN text that is not JSON WHEN read THEN the problem names where the parser stopped", () => {
    const text = '{"completed": 10,\n  "total_input_tokens": 5 5}';
    expect(problemsOf(() => parseVllmResults("broken.json", text, devContext, "2000-01-01"))).toEqual(['broken.json:2:27: (document): not valid JSON: expected "," or "}"']);
  });

  test("GIVEN a key twice WHEN read THEN it is refused at the second", () => {
    expect(problemsOf(() => parseVllmResults("twice.json", '{"completed": 1, "completed": 2}', devContext, "2000-01-01"))).toEqual([
      'twice.json:1:18: (document): not valid JSON: the key "completed" is given twice',
    ]);
  });

  test("GIVEN the .pytorch.json list vLLM writes beside a result WHEN read THEN the message says which file to pass", () => {
    expect(problemsOf(() => parseVllmResults("r.pytorch.json", "[{}]", devContext, "2000-01-01"))[0]).toContain("got a list (the .pytorch.json file written beside a result?)");
  });

  test("GIVEN an environment with several models and no --model WHEN a vLLM result is read THEN it is a usage error naming them", () => {
    const [staging] = loadAndPlan(["environments/staging.yaml"], { cwd: REPO, allowShortfall: true });
    const context = resultsContext(staging, undefined);
    expect(() => parseVllmResults("c4.json", fixture("vllm-c4.json"), context, "2000-01-01")).toThrow(UsageError);
    expect(() => parseVllmResults("c4.json", fixture("vllm-c4.json"), context, "2000-01-01")).toThrow(/serves 2 models \(gpt-oss-20b, qwen3-30b-a3b\): name the one benchmarked with --model/);
  });

  test("GIVEN --model naming no model of the environment THEN it is a usage error listing the served names", () => {
    expect(() => resultsContext(dev, "nope")).toThrow(new UsageError('--model "nope" is not served by environments/dev.yaml; its models: llama-3.1-8b'));
  });

  test("GIVEN a result whose model_id is another model of the environment WHEN read THEN it is refused", () => {
    const [prod] = loadAndPlan(["environments/prod.yaml"], { cwd: REPO, allowShortfall: true });
    const coder = prod.plan.models.find((m) => m.model.servedName === "coder")!.model;
    const other = prod.plan.models.find((m) => m.model.servedName !== "coder")!.model;
    const context = resultsContext(prod, "coder");
    const text = JSON.stringify({ ...vllm("vllm-c4.json"), model_id: other.spec.huggingFace.repo });
    expect(problemsOf(() => parseVllmResults("x.json", text, context, "2000-01-01"))[0]).toContain(
      `model_id: is model "${other.servedName}" of the environment, but --model is "coder"`,
    );
    const own = JSON.stringify({ ...vllm("vllm-c4.json"), model_id: coder.spec.huggingFace.repo });
    expect(parseVllmResults("x.json", own, context, "2000-01-01").results[0].resolved.case.tensorParallel).toBe(coder.tensorParallel);
  });
});

describe("benchmark CSV", () => {
  const header = BENCHMARK_CSV_COLUMNS.join(",");

  test("GIVEN the documented CSV WHEN read THEN each row is a case with its own GPU and model, the interconnect of a server with that GPU", () => {
    const { results } = parseBenchmarkCsv("r.csv", fixture("results.csv"), devContext, "2026-02-03");
    expect(results.map((r) => [r.resolved.case.id, r.line, r.resolved.case.engine, r.resolved.gpu.id, r.resolved.case.model])).toEqual([
      ["r.csv:2", 2, "sglang", "rtx-pro-6000", "llama-3.1-8b"],
      ["r.csv:3", 3, "tensorrt-llm", "h100-sxm", "llama-3.3-70b"],
    ]);
    // rtx-pro-6000: the environment's pool server; h100-sxm: the catalog's first server with it.
    expect(results[0].resolved.case.server).toBe(devModel().pool.server.id);
    const h100 = results[1].resolved;
    expect(findServer(h100.case.server)?.gpu).toBe("h100-sxm");
    expect(h100.interconnect).toBe(findServer(h100.case.server)!.interconnect);
    expect(h100.case).toMatchObject({ precision: "fp8", kvCacheDtype: "fp8", tensorParallel: 4, inputTokens: 2000, outputTokens: 500, concurrency: 64, measuredOutputTokensPerSecond: 3120 });
    expect(h100.case.source).toMatchObject({ url: "r.csv", date: "2026-02-03" });
  });

  test("GIVEN a bad cell WHEN read THEN the problem names its line and column and quotes it", () => {
    const text = fixture("results-bad-row.csv");
    const at = positionOf(text, ",many,", 1);
    expect(at.line).toBe(3);
    expect(problemsOf(() => parseBenchmarkCsv("bad.csv", text, devContext, "2026-02-03"))).toEqual([
      `bad.csv:3:${at.column}: concurrency: must be the requests in flight (a whole number) or offline, got "many"`,
    ]);
  });

  test("GIVEN columns in another order, a BOM, CRLF line ends and concurrency offline WHEN read THEN it is read", () => {
    const columns = [...BENCHMARK_CSV_COLUMNS].reverse();
    const row: Record<string, string> = {
      engine: "vllm",
      engine_version: "0.16.0",
      gpu: "rtx-pro-6000",
      model: "llama-3.1-8b",
      precision: "bf16",
      kv_cache_dtype: "bf16",
      tensor_parallel: "1",
      input_tokens: "512.5",
      output_tokens: "128",
      concurrency: "offline",
      output_tokens_per_second: "1500",
    };
    const text = `\uFEFF${columns.join(",")}\r\n${columns.map((c) => row[c]).join(",")}\r\n`;
    const [r] = parseBenchmarkCsv("o.csv", text, devContext, "2026-02-03").results;
    expect(r.resolved.case).toMatchObject({ concurrency: "offline", inputTokens: 512.5, kvCacheDtype: "auto" });
  });

  test("GIVEN a served name of the environment as model WHEN read THEN its architecture is the environment's", () => {
    const text = `${header}\nvllm,0.16.0,rtx-pro-6000,${devModel().servedName},bf16,auto,1,1000,200,4,300\n`;
    expect(parseBenchmarkCsv("s.csv", text, devContext, "2026-02-03").results[0].resolved.model).toBe(devModel().spec);
  });

  test.each([
    ["an unknown GPU", "vllm,0.16.0,b9000,llama-3.1-8b,bf16,auto,1,1000,200,4,300", "gpu", 'unknown GPU "b9000"; known: '],
    ["an unknown model", "vllm,0.16.0,h100-sxm,gpt-9,bf16,auto,1,1000,200,4,300", "model", 'unknown model "gpt-9"; known: '],
    ["an unknown engine", "ollama,0.1,h100-sxm,llama-3.1-8b,bf16,auto,1,1000,200,4,300", "engine", 'got "ollama"; allowed: "vllm", "tensorrt-llm", "sglang" or "nim"'],
    ["a throughput that is no number", "vllm,0.16.0,h100-sxm,llama-3.1-8b,bf16,auto,1,1000,200,4,fast", "output_tokens_per_second", 'must be a number, got "fast"'],
    ["a zero throughput", "vllm,0.16.0,h100-sxm,llama-3.1-8b,bf16,auto,1,1000,200,4,0", "output_tokens_per_second", 'must be above 0 output tokens per second, got "0"'],
    ["TP beyond one server", "vllm,0.16.0,rtx-pro-6000,llama-3.1-8b,bf16,auto,16,1000,200,4,300", "tensor_parallel", "16 GPUs span more than one server"],
  ])("GIVEN %s WHEN read THEN the problem is at its cell", (_name, line, column, message) => {
    const text = `${header}\n${line}\n`;
    const fieldIndex = BENCHMARK_CSV_COLUMNS.indexOf(column as (typeof BENCHMARK_CSV_COLUMNS)[number]);
    const col = line.split(",").slice(0, fieldIndex).join(",").length + (fieldIndex === 0 ? 1 : 2);
    const problems = problemsOf(() => parseBenchmarkCsv("c.csv", text, devContext, "2026-02-03"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`c.csv:2:${col}: ${column}: ${message}`);
  });

  test("GIVEN a header without some columns WHEN read THEN it names the missing ones and the header expected", () => {
    const problems = problemsOf(() => parseBenchmarkCsv("h.csv", "engine,gpu\nvllm,h100-sxm\n", devContext, "2026-02-03"));
    expect(problems).toEqual([`h.csv:1:1: (document): the header lacks engine_version, model, precision, kv_cache_dtype, tensor_parallel, input_tokens, output_tokens, concurrency, output_tokens_per_second; the first line of a benchmark CSV names its columns: ${header}`]);
  });

  test("GIVEN an unknown column WHEN read THEN the problem points at its header cell", () => {
    const problems = problemsOf(() => parseBenchmarkCsv("u.csv", `${header},date\n`, devContext, "2026-02-03"));
    expect(problems).toEqual([`u.csv:1:${header.length + 2}: (document): unknown column "date"; the header of a benchmark CSV is ${header}`]);
  });

  test("GIVEN a row with a field too few WHEN read THEN it is refused at its line", () => {
    const problems = problemsOf(() => parseBenchmarkCsv("f.csv", `${header}\n\nvllm,0.16.0,h100-sxm\n`, devContext, "2026-02-03"));
    expect(problems).toEqual([`f.csv:3:1: (document): has 3 fields, the header 11 (${header})`]);
  });

  test("GIVEN an unclosed quote WHEN read THEN it is not valid CSV, at its line", () => {
    expect(problemsOf(() => parseBenchmarkCsv("q.csv", `${header}\n"vllm,0.16.0\n`, devContext, "2026-02-03"))[0]).toMatch(/^q\.csv:2:1: \(document\): not valid CSV: Quote Not Closed/);
  });
});

describe("readBenchmarkFile", () => {
  test("GIVEN a file that does not exist WHEN read THEN it is a usage error", () => {
    expect(() => readBenchmarkFile("test/fixtures/calibrate/none.json", REPO, devContext)).toThrow(
      new UsageError("no such file: test/fixtures/calibrate/none.json (a result of vllm bench serve --save-result, or a benchmark CSV)"),
    );
    expect(() => readBenchmarkFile("test/fixtures/calibrate", REPO, devContext)).toThrow(UsageError);
  });

  test("GIVEN a .json and a .csv WHEN read THEN each is read in its format, named relative to the working directory", () => {
    const json = readBenchmarkFile("test/fixtures/calibrate/vllm-c1.json", REPO, devContext);
    expect(json.results[0].resolved.case).toMatchObject({ id: "test/fixtures/calibrate/vllm-c1.json", engine: "vllm" });
    const csv = readBenchmarkFile(path.join(FIXTURES, "results.csv"), REPO, devContext);
    expect(csv.results.map((r) => r.file)).toEqual(["test/fixtures/calibrate/results.csv", "test/fixtures/calibrate/results.csv"]);
    // No date in a CSV: the day the file was last changed.
    const day = fs.statSync(path.join(FIXTURES, "results.csv")).mtime.toISOString().slice(0, 10);
    expect(csv.results[0].resolved.case.source.date).toBe(day);
  });
});
