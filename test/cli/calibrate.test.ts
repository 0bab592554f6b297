/**
 * `ai-factory calibrate` end to end: benchmark results in, the `catalog.calibration` override out
 * (printed, or written into a copy of an example environment). Throughputs that must move the fit
 * one way are made from the model's own estimate (estimateCase) scaled, so the expected direction
 * follows from the fixture, not from a number copied out of the code.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import type { CalibrationAdjustment } from "../../catalog/types";
import { UsageError } from "../../config/errors";
import { CalibrationOverrideSchema } from "../../config/schema";
import { calibrationOverride, keepUnchangedLines, mergeAdjustments, parseCalibrateArgs, runCalibrate } from "../../cli/calibrate-command";
import { loadAndPlan } from "../../cli/load";
import { runCliAsync } from "../../cli/main";
import { ResolvedCase, estimateCase } from "../../planning/calibration-fit";
import { REPO, tempDir } from "../helpers/run";

jest.setTimeout(60_000);

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `calibrate <argv>` in-process from `cwd`. */
async function calibrate(argv: readonly string[], cwd: string): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCalibrate(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, cwd);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** `npx ai-factory <argv>` through the CLI's entry (`runCliAsync`), from the repository root. */
async function cli(argv: readonly string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const before = process.cwd();
  process.chdir(REPO);
  try {
    const code = await runCliAsync(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    process.chdir(before);
  }
}

const FIXTURES = "test/fixtures/calibrate";
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A directory holding a copy of environments/dev.yaml (as environments/dev.yaml), with `extra` appended. */
function devCopy(extra = ""): { dir: string; envFile: string } {
  const dir = tempDir("ai-factory-calibrate-");
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, "environments"));
  fs.mkdirSync(path.join(dir, "results"));
  const envFile = path.join(dir, "environments", "dev.yaml");
  fs.writeFileSync(envFile, fs.readFileSync(path.join(REPO, "environments", "dev.yaml"), "utf8") + extra);
  return { dir, envFile };
}

/**
 * A `vllm bench serve --save-result` file (v0.16.0 keys, one line as json.dump writes it) for the
 * dev model at `concurrency`, whose throughput is `factor` × the model's estimate of that run.
 */
function scaledResult(dir: string, concurrency: number, factor: number): string {
  const [planned] = loadAndPlan(["environments/dev.yaml"], { cwd: dir, allowShortfall: true });
  const m = planned.plan.models[0].model;
  const completed = 200;
  const [isl, osl] = [1024, 256];
  const c: ResolvedCase = {
    case: {
      id: "scaled",
      engine: "vllm",
      engineVersion: "0.16.0",
      server: m.pool.server.id,
      model: m.spec.id,
      precision: m.precision,
      kvCacheDtype: m.deployment.kvCacheDtype === "fp8" ? "fp8" : "auto",
      tensorParallel: m.tensorParallel,
      inputTokens: isl,
      outputTokens: osl,
      concurrency: Math.min(concurrency, m.maxConcurrentSequences),
      measuredOutputTokensPerSecond: 1,
      split: "fit",
      source: { url: "test", date: "2026-03-12" },
    },
    gpu: m.pool.gpu,
    model: m.spec,
    interconnect: m.pool.server.interconnect,
  };
  const estimate = estimateCase(c, planned.env.calibration).estimate;
  expect(estimate).not.toBeNull();
  const throughput = factor * estimate!;
  const result = {
    date: "20260312-101500",
    endpoint_type: "openai",
    backend: "openai",
    label: null,
    model_id: m.spec.huggingFace.repo,
    tokenizer_id: m.spec.huggingFace.repo,
    num_prompts: completed,
    request_rate: "inf",
    burstiness: 1.0,
    max_concurrency: concurrency,
    duration: (completed * osl) / throughput,
    completed,
    failed: 0,
    total_input_tokens: completed * isl,
    total_output_tokens: completed * osl,
    request_throughput: throughput / osl,
    request_goodput: null,
    output_throughput: throughput,
    total_token_throughput: (throughput * (isl + osl)) / osl,
  };
  const file = `results/x${factor}-c${concurrency}.json`;
  fs.writeFileSync(path.join(dir, file), JSON.stringify(result).replace(/,"/g, ', "').replace(/":/g, '": '));
  return file;
}

/** The numbers of `median |ln(estimate ÷ measured)| B → A` in the report. */
function medians(err: string): { before: number; after: number }[] {
  return [...err.matchAll(/median \|ln\(estimate ÷ measured\)\| ([0-9.]+) → ([0-9.]+)/g)].map((m) => ({ before: Number(m[1]), after: Number(m[2]) }));
}

describe("parseCalibrateArgs", () => {
  test("GIVEN results, --env and --model (both spellings) WHEN parsed THEN each is taken", () => {
    expect(parseCalibrateArgs(["a.json", "--env", "environments/prod.yaml", "b.csv", "--model=coder", "--write", "--json"])).toEqual({
      results: ["a.json", "b.csv"],
      env: "environments/prod.yaml",
      model: "coder",
      write: true,
      json: true,
    });
  });

  test.each([
    [["a.json"], "calibrate needs --env <env-file>"],
    [["--env", "e.yaml"], "calibrate needs at least one benchmark result"],
    [["a.json", "--env"], "--env needs a value"],
    [["a.json", "--env", "e.yaml", "--env", "f.yaml"], "--env is given twice"],
    [["a.json", "--env", "e.yaml", "--fast"], "unknown option --fast for calibrate"],
    [["a.json", "a.json", "--env", "e.yaml"], '"a.json" is given twice'],
  ])("GIVEN %j WHEN parsed THEN it is a usage error", (argv, message) => {
    expect(() => parseCalibrateArgs(argv)).toThrow(UsageError);
    expect(() => parseCalibrateArgs(argv)).toThrow(message);
  });
});

describe("ai-factory calibrate", () => {
  test("GIVEN vLLM results at two concurrencies WHEN run through the CLI THEN it prints the errors before and after, and the adjustment as YAML", async () => {
    const r = await cli(["calibrate", `${FIXTURES}/vllm-c1.json`, `${FIXTURES}/vllm-c4.json`, "--env", "environments/dev.yaml"]);
    expect(r.code).toBe(0);
    // The report: every result with its measured and estimated throughput, and each group's errors.
    expect(r.err).toContain("Calibrating environments/dev.yaml on 2 benchmark results from 2 files, each taken as the throughput of ONE replica.");
    expect(r.err).toMatch(/Measured\s+│/);
    expect(r.err).toContain(`${FIXTURES}/vllm-c1.json`);
    const [group] = medians(r.err);
    expect(group.after).toBeLessThanOrEqual(group.before);
    expect(r.err).toMatch(/rtx-pro-6000, dense models \(2 results\): .* within ±25% \d+% → \d+%; decode efficiencies × [0-9.]+, prefill × [0-9.]+\./);

    // stdout: only the override, valid against the environment format.
    const printed = parseYaml(r.out) as { catalog: { calibration: unknown } };
    expect(Object.keys(printed)).toEqual(["catalog"]);
    const override = CalibrationOverrideSchema.parse(printed.catalog.calibration);
    expect(override.adjustments).toHaveLength(1);
    const [a] = override.adjustments!;
    expect(a).toMatchObject({ gpu: "rtx-pro-6000", family: "dense", cases: 2 });
    expect(a.medianAbsLnAfter).toBeLessThanOrEqual(a.medianAbsLnBefore);
    expect(a.sources.map((s) => [s.url, s.date])).toEqual([
      [`${FIXTURES}/vllm-c1.json`, "2026-03-12"],
      [`${FIXTURES}/vllm-c4.json`, "2026-03-12"],
    ]);
    // The fixtures measured more than the catalog's estimate: the decode scale goes up.
    expect(a.decodeScale).toBeGreaterThan(1);
  });

  test("GIVEN results at 2× the model's own estimate WHEN fitted THEN the decode scale rises above 1 and the error falls", async () => {
    const { dir } = devCopy();
    const files = [scaledResult(dir, 1, 2), scaledResult(dir, 4, 2)];
    const r = await calibrate([...files, "--env", "environments/dev.yaml", "--json"], dir);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({ valid: true, environment: "environments/dev.yaml", written: false });
    const [group] = json.groups;
    expect(group.adjustment.decodeScale).toBeGreaterThan(1);
    expect(group.after.medianAbsLn).toBeLessThan(group.before.medianAbsLn);
    // Before: every estimate is half the measurement.
    for (const result of json.results) expect(result.before.lnError).toBeCloseTo(-Math.LN2, 6);
    expect(json.calibration.adjustments).toEqual([expect.objectContaining({ gpu: "rtx-pro-6000", decodeScale: group.adjustment.decodeScale })]);

    // And the other way: half the estimate scales decode down.
    const slow = [scaledResult(dir, 1, 0.5), scaledResult(dir, 4, 0.5)];
    const down = JSON.parse((await calibrate([...slow, "--env", "environments/dev.yaml", "--json"], dir)).out);
    expect(down.groups[0].adjustment.decodeScale).toBeLessThan(1);
  });

  test("GIVEN --write WHEN run THEN only catalog.calibration of the file changes, every other line stays, and the file loads with it", async () => {
    const { dir, envFile } = devCopy();
    const original = fs.readFileSync(envFile, "utf8");
    const files = [scaledResult(dir, 1, 2), scaledResult(dir, 4, 2)];
    const r = await calibrate([...files, "--env", "environments/dev.yaml", "--write"], dir);
    expect(r.code).toBe(0);
    expect(r.out).toBe("");
    expect(r.err).toContain("Wrote catalog.calibration of environments/dev.yaml.");

    const written = fs.readFileSync(envFile, "utf8");
    // Every line of the original (its comments included) is still there, in order.
    expect(written.startsWith(original)).toBe(true);
    const before = parseYaml(original) as Record<string, unknown>;
    const after = parseYaml(written) as Record<string, unknown> & { catalog: { calibration: { adjustments: CalibrationAdjustment[] } } };
    const { catalog, ...rest } = after;
    expect(rest).toEqual(before);
    expect(Object.keys(catalog)).toEqual(["calibration"]);
    expect(catalog.calibration.adjustments[0].decodeScale).toBeGreaterThan(1);
    // Nothing is left of the staging.
    expect(fs.readdirSync(path.dirname(envFile))).toEqual(["dev.yaml"]);

    // The file loads and plans with the adjustment, and a second run replaces it rather than adding one.
    const [planned] = loadAndPlan(["environments/dev.yaml"], { cwd: dir, allowShortfall: true });
    expect(planned.env.calibration.adjustments).toEqual([expect.objectContaining({ gpu: "rtx-pro-6000", family: "dense", cases: 2 })]);
    expect((await calibrate([files[0], "--env", "environments/dev.yaml", "--write"], dir)).code).toBe(0);
    const again = parseYaml(fs.readFileSync(envFile, "utf8")) as typeof after;
    expect(again.catalog.calibration.adjustments).toEqual([expect.objectContaining({ gpu: "rtx-pro-6000", cases: 1 })]);
  });

  test("GIVEN a calibration override with factors, a comment and another GPU's adjustment WHEN written THEN they stay and the new adjustment joins them", async () => {
    const existing = [
      "catalog:",
      "  calibration:",
      "    # Our own bench of March: vLLM reaches less of the HBM roof than the catalog says.",
      "    weightBandwidthEfficiency: 0.7",
      "    adjustments:",
      "      - gpu: h100-sxm",
      "        family: moe",
      "        decodeScale: 0.9",
      "        prefillScale: 0.9",
      "        cases: 3",
      "        medianAbsLnBefore: 0.2",
      "        medianAbsLnAfter: 0.05",
      "        sources: [{ url: bench/h100.csv, date: 2026-03-01 }]",
      "    source: { url: https://wiki.example.com/bench-2026-03, date: 2026-03-01 }",
      "",
    ].join("\n");
    const { dir, envFile } = devCopy(existing);
    const file = scaledResult(dir, 4, 2);
    expect((await calibrate([file, "--env", "environments/dev.yaml", "--write"], dir)).code).toBe(0);
    const written = fs.readFileSync(envFile, "utf8");
    expect(written).toContain("    # Our own bench of March: vLLM reaches less of the HBM roof than the catalog says.\n    weightBandwidthEfficiency: 0.7\n");
    expect(written).toContain("    source: { url: https://wiki.example.com/bench-2026-03, date: 2026-03-01 }");
    const calibration = (parseYaml(written) as { catalog: { calibration: { adjustments: CalibrationAdjustment[] } } }).catalog.calibration;
    expect(calibration.adjustments.map((a) => [a.gpu, a.family, a.cases])).toEqual([
      ["h100-sxm", "moe", 3],
      ["rtx-pro-6000", "dense", 1],
    ]);
    // The fit starts from the file's own factors.
    const [planned] = loadAndPlan(["environments/dev.yaml"], { cwd: dir, allowShortfall: true });
    expect(planned.env.calibration.weightBandwidthEfficiency).toBe(0.7);
  });

  test("GIVEN a run with a finite request rate and no max concurrency WHEN calibrated THEN it exits 1 naming the file, line and column, and writes nothing", async () => {
    const { dir, envFile } = devCopy();
    const original = fs.readFileSync(envFile, "utf8");
    fs.copyFileSync(path.join(REPO, FIXTURES, "vllm-rate.json"), path.join(dir, "results", "rate.json"));
    const text = fs.readFileSync(path.join(dir, "results", "rate.json"), "utf8");
    const column = text.indexOf('"request_rate": ') + '"request_rate": '.length + 1;
    const r = await calibrate(["results/rate.json", "--env", "environments/dev.yaml", "--write"], dir);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err.split("\n")).toEqual([
      `results/rate.json:1:${column}: request_rate: 4 requests/s without max_concurrency: the run measured the load it offered, not what the replica can serve; rerun with --max-concurrency N (and the default --request-rate inf), or without both for an offline run`,
      "1 problem found; nothing was written.",
    ]);
    expect(fs.readFileSync(envFile, "utf8")).toBe(original);
  });

  test("GIVEN a CSV with a bad row and --json WHEN calibrated THEN the problem names the line and column, on stderr and in one JSON document", async () => {
    const r = await calibrate([`${FIXTURES}/results-bad-row.csv`, "--env", "environments/dev.yaml", "--json"], REPO);
    expect(r.code).toBe(1);
    const line3 = fs.readFileSync(path.join(REPO, FIXTURES, "results-bad-row.csv"), "utf8").split("\n")[2];
    const column = line3.indexOf(",many,") + 2;
    expect(r.err).toContain(`${FIXTURES}/results-bad-row.csv:3:${column}: concurrency: must be the requests in flight (a whole number) or offline, got "many"`);
    expect(JSON.parse(r.out)).toMatchObject({ valid: false, problems: [expect.objectContaining({ line: 3, column })] });
  });

  test("GIVEN vLLM results and a CSV WHEN calibrated THEN each GPU and model family gets its own adjustment", async () => {
    const r = await calibrate([`${FIXTURES}/vllm-c1.json`, `${FIXTURES}/vllm-c4.json`, `${FIXTURES}/results.csv`, "--env", "environments/dev.yaml", "--json"], REPO);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.groups.map((g: { gpu: string; family: string; adjustment: { cases: number } }) => [g.gpu, g.family, g.adjustment.cases])).toEqual([
      ["h100-sxm", "dense", 1],
      ["rtx-pro-6000", "dense", 3],
    ]);
    for (const g of json.groups) expect(g.after.medianAbsLn).toBeLessThanOrEqual(g.before.medianAbsLn);
  });

  test("GIVEN a result the model cannot run (the weights do not fit) WHEN calibrated THEN it exits 1 at that row, saying why", async () => {
    const { dir } = devCopy();
    const header = "engine,engine_version,gpu,model,precision,kv_cache_dtype,tensor_parallel,input_tokens,output_tokens,concurrency,output_tokens_per_second";
    // 70 billion BF16 parameters are 140 GB; one RTX PRO 6000 has 96 GB.
    fs.writeFileSync(path.join(dir, "results", "big.csv"), `${header}\nvllm,0.16.0,rtx-pro-6000,llama-3.3-70b,bf16,auto,1,1000,200,4,300\n`);
    const r = await calibrate(["results/big.csv", "--env", "environments/dev.yaml"], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^results\/big\.csv:2:1: \(document\): the throughput model cannot run this result \(.+\), and no other result of rtx-pro-6000 with a dense model can be fitted/);
  });

  test("GIVEN a results file or an environment file that does not exist WHEN calibrated THEN it is a usage error (exit 2)", async () => {
    const missing = await cli(["calibrate", `${FIXTURES}/none.json`, "--env", "environments/dev.yaml"]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`ai-factory: no such file: ${FIXTURES}/none.json`);
    const env = await cli(["calibrate", `${FIXTURES}/vllm-c1.json`, "--env", "environments/none.yaml"]);
    expect(env.code).toBe(2);
    expect(env.err).toContain("ai-factory: no such file: environments/none.yaml (--env names an environment file)");
    expect((await cli(["calibrate", `${FIXTURES}/vllm-c1.json`])).code).toBe(2);
  });

  test("GIVEN the synchronous entry WHEN asked for calibrate THEN it points at the asynchronous one", async () => {
    const { runCli } = await import("../../cli/main");
    const err: string[] = [];
    expect(runCli(["calibrate"], { out: () => undefined, err: (l) => err.push(l) })).toBe(2);
    expect(err[0]).toContain("calibrate runs asynchronously");
  });
});

describe("calibration override", () => {
  const adjustment = (gpu: string, family: "dense" | "moe", decodeScale: number): CalibrationAdjustment => ({
    gpu,
    family,
    decodeScale,
    prefillScale: decodeScale,
    cases: 1,
    medianAbsLnBefore: 0.5,
    medianAbsLnAfter: 0.1,
    sources: [{ url: `${gpu}.json`, date: "2026-03-01" }],
  });

  test("GIVEN adjustments in the file WHEN merged with refitted ones THEN a refitted pair is replaced where it was and new pairs come after", () => {
    const merged = mergeAdjustments([adjustment("a", "dense", 1), adjustment("b", "moe", 1)], [adjustment("c", "dense", 3), adjustment("a", "dense", 2)]);
    expect(merged.map((a) => [a.gpu, a.decodeScale])).toEqual([
      ["a", 2],
      ["b", 1],
      ["c", 3],
    ]);
  });

  test("GIVEN an override without factors WHEN rebuilt THEN its source names the files behind the adjustments; with factors, the source stays", () => {
    const fresh = calibrationOverride(undefined, [adjustment("a", "dense", 2)]);
    expect(fresh.sourceReplaced).toBe(true);
    expect(fresh.override.source).toMatchObject({ url: "a.json", date: "2026-03-01" });
    const source = { url: "https://wiki.example.com/bench", date: "2026-01-01" };
    const kept = calibrationOverride({ computeEfficiency: 0.4, source }, [adjustment("a", "dense", 2)]);
    expect(kept.sourceReplaced).toBe(false);
    expect(kept.override).toEqual({ computeEfficiency: 0.4, source, adjustments: [expect.objectContaining({ gpu: "a" })] });
  });

  test("GIVEN a document whose printing respaces lines WHEN one key is added THEN the other lines are kept as written", () => {
    const original = "a: [x]   # note\nb: 1\n";
    const before = "a: [ x ] # note\nb: 1\n";
    const after = "a: [ x ] # note\nb: 1\nc: 2\n";
    expect(keepUnchangedLines(original, before, after)).toBe("a: [x]   # note\nb: 1\nc: 2\n");
    // When the lines kept would not read the same, the printed document is used.
    expect(keepUnchangedLines("a: [x, y]\n", "a: [ x ]\n", "a: [ x ]\nc: 2\n")).toBe("a: [ x ]\nc: 2\n");
  });
});
