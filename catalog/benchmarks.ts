/**
 * The throughput model's calibration set: published throughputs of one model replica, each with the
 * full configuration it was measured at (engine and version, GPUs, precision, KV cache type, tensor
 * parallelism, request lengths, concurrency). planning/ fits its efficiency factors on the `fit`
 * cases and checks them against the `held-out` ones.
 *
 * Every rate is copied as its source prints it: the tables below keep the published rows (thousands
 * separators dropped), and the builders only parse them. Where a source gives totals instead of
 * means (GPUStack), the builder divides the published totals, and the source note says so. Anything
 * a source does not state is marked `[assumed]` in its note.
 *
 * Case ids: `<engine>-<version>-<gpu>-<model>-<precision>-tp<N>-<isl>-<osl>[-c<concurrency>]`, with
 * `<engine>` one of trtllm, vllm, sglang, nim, `<isl>-<osl>` the requested lengths (`sharegpt` for
 * ShareGPT prompts), `-c` only for a fixed client concurrency (none for offline runs), and a trailing
 * `-fp8kv` where the same run was also published with an FP8 KV cache.
 *
 * Split: cases are grouped by `${engine}|${model}|${server}|${tensorParallel}` (engine as in
 * `BenchmarkEngine`, e.g. `tensorrt-llm|llama-3.3-70b|hgx-h100-8|4`). A group is `held-out` when the
 * first byte of sha256(group key, UTF-8) modulo 3 is 0, else `fit`; every case of a group shares its
 * split, so a held-out check never sees a configuration the factors were fitted on. The values are
 * written out below; test/catalog/benchmarks.test.ts recomputes them.
 */
import type { BenchmarkCase, BenchmarkEngine, Source, WeightPrecision } from "./types";

type Split = BenchmarkCase["split"];
type KvCacheDtype = BenchmarkCase["kvCacheDtype"];

/** The day the pages without a publication date of their own were read. */
const READ = "2026-11-23";

/** What every case of one published column (or one run configuration) shares. */
interface Column {
  readonly engine: BenchmarkEngine;
  readonly engineVersion: string;
  readonly server: string;
  readonly model: string;
  readonly precision: WeightPrecision;
  readonly kvCacheDtype: KvCacheDtype;
  readonly tensorParallel: number;
  readonly split: Split;
  readonly source: Source;
  /** Appended to the case id to tell apart runs that differ only in what the id does not name. */
  readonly idSuffix?: string;
}

/** A table row: `"<isl>/<osl>"`, then one rate per column (output tokens/s), `null` for an empty cell. */
type TableRow = readonly [lengths: string, ...outputTokensPerSecond: (number | null)[]];

/** A concurrency sweep row: `"<isl>/<osl>"`, client concurrency, output tokens/s. */
type SweepRow = readonly [lengths: string, concurrency: number, outputTokensPerSecond: number];

/**
 * A `vllm bench serve` result block: `"<isl>/<osl>"` as requested (or `sharegpt`), Successful
 * requests, Total input tokens, Total generated tokens, Output token throughput (tok/s), and the
 * Maximum request concurrency when the block states one.
 */
type TotalsRow = readonly [
  workload: string,
  requests: number,
  totalInputTokens: number,
  totalGeneratedTokens: number,
  outputTokensPerSecond: number,
  concurrency?: number,
];

const ENGINE_TAG: Readonly<Record<BenchmarkEngine, string>> = {
  "tensorrt-llm": "trtllm",
  vllm: "vllm",
  sglang: "sglang",
  nim: "nim",
};

const GPU_TAG: Readonly<Record<string, string>> = {
  "a100-80gb-8": "a100",
  "hgx-b200-8": "b200",
  "hgx-h100-8": "h100",
  "hgx-h200-8": "h200",
  "l40s-8": "l40s",
  "rtx-pro-6000-server-8": "rtxpro6000s",
  "rtx-pro-6000-ws-4": "rtxpro6000ws",
};

/** Parses a table's `"128/2048"` into its prompt and output lengths (tokens per request). */
export function parseLengths(lengths: string): { readonly inputTokens: number; readonly outputTokens: number } {
  const match = /^(\d+)\/(\d+)$/.exec(lengths);
  if (match === null) {
    throw new Error(`catalog/benchmarks.ts: lengths: expected "<input>/<output>" tokens, got "${lengths}"`);
  }
  return { inputTokens: Number(match[1]), outputTokens: Number(match[2]) };
}

function caseId(column: Column, workload: string, concurrency: number | "offline"): string {
  const gpu = GPU_TAG[column.server];
  if (gpu === undefined) {
    throw new Error(`catalog/benchmarks.ts: server: no id tag for "${column.server}"; add it to GPU_TAG`);
  }
  const lengths = workload.replace("/", "-");
  const clients = concurrency === "offline" ? "" : `-c${concurrency}`;
  return (
    `${ENGINE_TAG[column.engine]}-${column.engineVersion}-${gpu}-${column.model}-${column.precision}` +
    `-tp${column.tensorParallel}-${lengths}${clients}${column.idSuffix ?? ""}`
  );
}

function benchmarkCase(
  column: Column,
  workload: string,
  lengths: { readonly inputTokens: number; readonly outputTokens: number },
  concurrency: number | "offline",
  measuredOutputTokensPerSecond: number,
): BenchmarkCase {
  return {
    id: caseId(column, workload, concurrency),
    engine: column.engine,
    engineVersion: column.engineVersion,
    server: column.server,
    model: column.model,
    precision: column.precision,
    kvCacheDtype: column.kvCacheDtype,
    tensorParallel: column.tensorParallel,
    inputTokens: lengths.inputTokens,
    outputTokens: lengths.outputTokens,
    concurrency,
    measuredOutputTokensPerSecond,
    split: column.split,
    source: column.source,
  };
}

/** Expands an offline max-throughput table: one case per non-empty cell. */
function table(columns: readonly Column[], rows: readonly TableRow[]): BenchmarkCase[] {
  return rows.flatMap(([lengths, ...rates]) => {
    if (rates.length !== columns.length) {
      throw new Error(`catalog/benchmarks.ts: row "${lengths}": expected ${columns.length} rates, got ${rates.length}`);
    }
    return rates.flatMap((rate, i) =>
      rate === null ? [] : [benchmarkCase(columns[i], lengths, parseLengths(lengths), "offline", rate)],
    );
  });
}

/** Expands a fixed-concurrency sweep of one configuration. */
function sweep(column: Column, rows: readonly SweepRow[]): BenchmarkCase[] {
  return rows.map(([lengths, concurrency, rate]) =>
    benchmarkCase(column, lengths, parseLengths(lengths), concurrency, rate),
  );
}

/** Expands `vllm bench serve` result blocks; mean lengths are the published totals over the requests. */
function totals(column: Column, rows: readonly TotalsRow[]): BenchmarkCase[] {
  return rows.map(([workload, requests, totalInputTokens, totalGeneratedTokens, rate, concurrency]) =>
    benchmarkCase(
      column,
      workload,
      { inputTokens: totalInputTokens / requests, outputTokens: totalGeneratedTokens / requests },
      concurrency ?? "offline",
      rate,
    ),
  );
}

/** The source of one column: the table's source with the column named in its note. */
function columnSource(tableSource: Source, column: string): Source {
  return { ...tableSource, note: `${tableSource.note ?? ""} Column: ${column}.` };
}

// ---------------------------------------------------------------------------------------------
// A. TensorRT-LLM v0.17 performance overview
// ---------------------------------------------------------------------------------------------

const TRTLLM_V017: Source = {
  url: "https://github.com/NVIDIA/TensorRT-LLM/blob/258c7540c03517def55d9a5aadfa9288af474e1b/docs/source/performance/perf-overview.md",
  date: "2025-01",
  note:
    "TensorRT-LLM v0.17 performance overview, table 'Throughput Measurements' ('All data in the table below was " +
    "generated using version 0.17', tokens/second). trtllm-bench throughput queues every request at once (offline) with " +
    "fixed lengths (token-norm-dist, stdev 0). The rate counts output tokens: the page's sample run prints 182.86 req/s " +
    "and 23,405.93 tokens/s at 128 output tokens per request. FP8 engines keep an FP8 KV cache ('If you specify FP8 " +
    "quantization, the KV cache will automatically be set to FP8'); the A100 column is FP16, filed as bf16 with KV auto. " +
    "Rows 'LLaMA v3.1 70B' are filed under llama-3.3-70b (the same architecture). Skipped: the GH200 column and Mixtral 8x22B.",
};

const V017_GPUS = {
  h200: { server: "hgx-h200-8", precision: "fp8", kvCacheDtype: "fp8", header: "H200 141GB HBM3 (FP8)" },
  h100: { server: "hgx-h100-8", precision: "fp8", kvCacheDtype: "fp8", header: "H100 80GB HBM3 (FP8)" },
  l40s: { server: "l40s-8", precision: "fp8", kvCacheDtype: "fp8", header: "L40S (FP8)" },
  a100: { server: "a100-80gb-8", precision: "bf16", kvCacheDtype: "auto", header: "A100-SXM4-80GB (FP16)" },
} as const;

const V017_MODEL_ROWS: Readonly<Record<string, string>> = {
  "llama-3.1-8b": "LLaMA v3.1 8B",
  "llama-3.3-70b": "LLaMA v3.1 70B",
  "llama-3.1-405b": "LLaMA v3.1 405B",
  "mistral-7b": "Mistral 7B",
  "mixtral-8x7b": "Mixtral 8x7B",
};

function v017(gpu: keyof typeof V017_GPUS, model: string, tensorParallel: number, split: Split): Column {
  const { header, ...spec } = V017_GPUS[gpu];
  return {
    engine: "tensorrt-llm",
    engineVersion: "0.17",
    model,
    tensorParallel,
    split,
    ...spec,
    source: columnSource(
      TRTLLM_V017,
      `${header}, rows ${V017_MODEL_ROWS[model]} with Tensor Model Parallel Size ${tensorParallel}`,
    ),
  };
}

const TRTLLM_V017_CASES: readonly BenchmarkCase[] = [
  ...table(
    [
      v017("h200", "llama-3.1-8b", 1, "fit"),
      v017("h100", "llama-3.1-8b", 1, "fit"),
      v017("l40s", "llama-3.1-8b", 1, "fit"),
      v017("a100", "llama-3.1-8b", 1, "fit"),
    ],
    [
      ["128/128", 29526.04, 28836.77, 9104.61, 6627.27],
      ["128/2048", 25398.86, 21109.38, 5365.81, 5255.99],
      ["128/4096", 17370.8, 13593.65, 3025.92, 3453.79],
      ["500/2000", 21020.81, 16500.69, 4273.75, 4276.58],
      ["1000/1000", 17537.96, 15244.78, 4054.71, 3786.83],
      ["2048/128", 3794.14, 3556.73, 1066.52, 799.61],
      ["2048/2048", 11968.5, 9488.42, 2225.27, 2424.16],
      ["5000/500", 3987.79, 3559.36, 981.2, 825.13],
      ["20000/2000", 1804.1, 1401.31, 327.97, 330.04],
    ],
  ),
  ...table(
    [v017("h200", "llama-3.3-70b", 1, "fit"), v017("h100", "llama-3.3-70b", 1, "held-out")],
    [
      ["128/128", 4020.75, 3378.03],
      ["128/2048", 4165.68, 911.62],
      ["128/4096", 2651.75, 426.32],
      ["500/2000", 3018.39, 775.57],
      ["1000/1000", 2823.45, 839.97],
      ["2048/128", 465.99, 343.29],
      ["2048/2048", 1913.8, null],
      ["5000/500", 560.16, 245.34],
      ["20000/2000", 279.52, null],
    ],
  ),
  ...table(
    [
      v017("h200", "llama-3.3-70b", 2, "fit"),
      v017("h100", "llama-3.3-70b", 2, "fit"),
      v017("a100", "llama-3.3-70b", 2, "held-out"),
    ],
    [
      ["128/128", 6823.01, 6645.12, 1313.96],
      ["128/2048", 8290.35, 6169.58, 531.26],
      ["128/4096", 6526.67, 3897.06, null],
      ["500/2000", 6848.02, 4972.57, 439.41],
      ["1000/1000", 5164.76, 4390.53, 472.94],
      ["2048/128", 809, 772.66, 148.96],
      ["2048/2048", 4183.88, 2898.16, 261.1],
      ["5000/500", 1025.38, 919.73, 121.47],
      ["20000/2000", 640.62, 443.01, null],
    ],
  ),
  ...table(
    [
      v017("h200", "llama-3.3-70b", 4, "fit"),
      v017("h100", "llama-3.3-70b", 4, "fit"),
      v017("l40s", "llama-3.3-70b", 4, "held-out"),
      v017("a100", "llama-3.3-70b", 4, "fit"),
    ],
    [
      ["128/128", 11098.63, 11127.53, 1523.52, 2733.48],
      ["128/2048", 14156, 11511.93, 1942.66, 2811.27],
      ["128/4096", 10574.06, 7439.41, 1440.23, 1976.49],
      ["500/2000", 12452.79, 9836.7, 1634.72, 2275.79],
      ["1000/1000", 8911.29, 7430.99, 1209.25, 1921.77],
      ["2048/128", 1358.06, 1302.6, 177.72, 325.15],
      ["2048/2048", 7130.44, 5480.03, 969.68, 1393.64],
      ["5000/500", 1811.55, 1602.78, 249.52, 392.62],
      ["20000/2000", 1199.68, 920.19, 162.25, 212.08],
    ],
  ),
  ...table(
    [
      v017("h200", "llama-3.3-70b", 8, "fit"),
      v017("h100", "llama-3.3-70b", 8, "fit"),
      v017("l40s", "llama-3.3-70b", 8, "fit"),
      v017("a100", "llama-3.3-70b", 8, "held-out"),
    ],
    [
      ["128/128", 15355.84, 14730.69, 1464.03, 4717.62],
      ["128/2048", 21195.88, 17061.82, 2303.31, 5241.5],
      ["128/4096", 16941.52, 14171.43, 2018.22, 3724.67],
      ["500/2000", 17278.4, 14679.33, 1971.96, 4445.37],
      ["1000/1000", 13181.24, 11451.16, 1333.62, 3320.41],
      ["2048/128", 1983.03, 1923.41, 176.16, 542.38],
      ["2048/2048", 11142.47, 8801.95, 1200.16, 2553.71],
      ["5000/500", 2717.83, 2457.42, 259.71, 696.34],
      ["20000/2000", 1920.45, 1512.6, 209.87, 413.38],
    ],
  ),
  ...table(
    [v017("h200", "llama-3.1-405b", 8, "fit")],
    [
      ["128/128", 3874.19],
      ["128/2048", 5938.09],
      ["128/4096", 5168.37],
      ["500/2000", 5084.29],
      ["1000/1000", 3399.69],
      ["2048/128", 463.42],
      ["2048/2048", 2940.62],
      ["5000/500", 669.13],
      ["20000/2000", 535.31],
    ],
  ),
  ...table(
    [
      v017("h200", "mistral-7b", 1, "fit"),
      v017("h100", "mistral-7b", 1, "held-out"),
      v017("l40s", "mistral-7b", 1, "fit"),
      v017("a100", "mistral-7b", 1, "fit"),
    ],
    [
      ["128/128", 31938.12, 31674.49, 9664.13, 6982.53],
      ["128/2048", 27409.3, 23496.42, 5720.65, 5630.62],
      ["128/4096", 18505.03, 14350.99, 3136.33, 3591.22],
      ["500/2000", 22354.67, 18026.27, 4521.77, 4400.48],
      ["1000/1000", 18426.16, 16035.66, 4177.76, 3896.58],
      ["2048/128", 3834.43, 3642.48, 1076.74, 808.58],
      ["2048/2048", 12347.37, 9958.17, 2286.71, 2489.77],
      ["5000/500", 4041.59, 3591.33, 1001.02, 844.64],
      ["20000/2000", 1822.69, 1373.24, 337.83, 332.3],
    ],
  ),
  ...table(
    [v017("h200", "mixtral-8x7b", 1, "fit"), v017("h100", "mixtral-8x7b", 1, "fit")],
    [
      ["128/128", 17157.72, 15962.49],
      ["128/2048", 15095.21, 8290.13],
      ["128/4096", 9534.62, 4784.86],
      ["500/2000", 12105.27, 6800.6],
      ["1000/1000", 10371.36, 6868.52],
      ["2048/128", 2009.67, 1892.81],
      ["2048/2048", 6940.32, 3983.1],
      ["5000/500", 2309.1, 1764.7],
      ["20000/2000", 1151.78, 673.7],
    ],
  ),
  ...table(
    [
      v017("h200", "mixtral-8x7b", 2, "fit"),
      v017("h100", "mixtral-8x7b", 2, "fit"),
      v017("a100", "mixtral-8x7b", 2, "fit"),
    ],
    [
      ["128/128", 27825.34, 27451.13, 5541.47],
      ["128/2048", 29584.05, 22830.08, 4169.78],
      ["128/4096", 21564.68, 14237.01, 2608.05],
      ["500/2000", 23410.63, 17036.04, 3446.37],
      ["1000/1000", 19151.19, 15770.89, 3154.52],
      ["2048/128", 3383.16, 3333.68, 649],
      ["2048/2048", 14007.29, 10685.85, 2056.58],
      ["5000/500", 4223.68, 3646.09, 724.44],
      ["20000/2000", 2299.21, 1757.45, 337.51],
    ],
  ),
  ...table(
    [
      v017("h200", "mixtral-8x7b", 4, "held-out"),
      v017("h100", "mixtral-8x7b", 4, "fit"),
      v017("l40s", "mixtral-8x7b", 4, "held-out"),
      v017("a100", "mixtral-8x7b", 4, "held-out"),
    ],
    [
      ["128/128", 42551.59, 41068.23, 6921.87, 10324.28],
      ["128/2048", 52291.78, 41164.73, 7996.93, 10911.86],
      ["128/4096", 39513.73, 27912.48, 5736.09, 7666.51],
      ["500/2000", 43818.99, 34489.34, 6914.68, 8456.21],
      ["1000/1000", 33580.9, 27784.74, 5251.49, 7122.84],
      ["2048/128", 5467.62, 5234.98, 827.62, 1237.62],
      ["2048/2048", 24980.93, 19432.08, 3935.32, 5222.98],
      ["5000/500", 7084.94, 6401.56, 1092.88, 1500.55],
      ["20000/2000", 4236.84, 3303.83, 682.48, 829.59],
    ],
  ),
  ...table(
    [
      v017("h200", "mixtral-8x7b", 8, "held-out"),
      v017("h100", "mixtral-8x7b", 8, "held-out"),
      v017("l40s", "mixtral-8x7b", 8, "held-out"),
      v017("a100", "mixtral-8x7b", 8, "held-out"),
    ],
    [
      ["128/128", 53212.55, 50849.55, 6740.84, 17043.54],
      ["128/2048", 68608.45, 61607.7, 10393.3, 20277.88],
      ["128/4096", 54827.78, 48280.37, 8472.35, 15282.89],
      ["500/2000", 58706.39, 52583.65, 8660.71, 17184.24],
      ["1000/1000", 44705.48, 40631.71, 5947.72, 12851.44],
      ["2048/128", 7554.38, 6988.18, 811.96, 2165.52],
      ["2048/2048", 36193.64, 30983.35, 5136.98, 9809.76],
      ["5000/500", 10271.8, 9210.11, 1153.76, 2761.28],
      ["20000/2000", 6835.53, 5602.43, 918.95, 1592.53],
    ],
  ),
];

// ---------------------------------------------------------------------------------------------
// B. TensorRT-LLM v1.0 performance overview (PyTorch backend)
// ---------------------------------------------------------------------------------------------

const TRTLLM_V10: Source = {
  url: "https://github.com/NVIDIA/TensorRT-LLM/blob/00f37686aa854010d68bcbd0f4ab000221541ca6/docs/source/performance/perf-overview.md",
  date: "2025-09",
  note:
    "TensorRT-LLM v1.0 performance overview, per-model 'Throughput Measurements' tables; 'The reported metric is Total " +
    "Output Throughput (tokens/sec)' of one trtllm-bench throughput run (PyTorch backend, every request queued at once, " +
    "fixed lengths) on the GPUs its header names. Weights are NVIDIA's ModelOpt FP4 (filed as nvfp4) and FP8 checkpoints. " +
    "KV cache FP8 [assumed: the ModelOpt FP8/NVFP4 checkpoints quantize the KV cache to FP8; the page does not say]. " +
    "MoE models (Llama 4, Qwen3 MoE) ran with expert parallelism and attention data parallelism (the page's MoE command), " +
    "so their TPn is the replica's GPU count. Skipped: GB200 columns and RTX 6000 Pro columns with PP > 1. " +
    "Date: release month of v1.0 [assumed].",
};

function v10(
  tableName: string,
  header: string,
  server: string,
  model: string,
  precision: "fp8" | "nvfp4",
  tensorParallel: number,
  split: Split,
): Column {
  return {
    engine: "tensorrt-llm",
    engineVersion: "1.0",
    server,
    model,
    precision,
    kvCacheDtype: "fp8",
    tensorParallel,
    split,
    source: columnSource(TRTLLM_V10, `table ${tableName}, ${header}`),
  };
}


const RTX_SERVER = "RTX 6000 Pro Blackwell Server Edition";
const RTX = "rtx-pro-6000-server-8";

const TRTLLM_V10_CASES: readonly BenchmarkCase[] = [
  ...table(
    [
      v10("Llama 4 Scout", "B200 TP1 (FP4)", "hgx-b200-8", "llama-4-scout", "nvfp4", 1, "fit"),
      v10("Llama 4 Scout", "H200 TP4 (FP8)", "hgx-h200-8", "llama-4-scout", "fp8", 4, "fit"),
      v10("Llama 4 Scout", "H100 TP4 (FP8)", "hgx-h100-8", "llama-4-scout", "fp8", 4, "fit"),
    ],
    [
      ["128/128", 25342, 30354, null],
      ["128/2048", 14699, 34316, 15130],
      ["128/4096", 8932, 21332, 8603],
      ["500/2000", 11977, 24630, 12399],
      ["1000/1000", 10591, 21636, 12129],
      ["1000/2000", 9356, 18499, 9838],
      ["2048/128", 3137, 3699, 3253],
      ["2048/2048", 7152, 14949, 7972],
      ["5000/500", 2937, 4605, 3342],
      ["20000/2000", 1644, 2105, null],
    ],
  ),
  ...table(
    [
      v10("Llama 3.3 70B", "B200 TP1 (FP4)", "hgx-b200-8", "llama-3.3-70b", "nvfp4", 1, "fit"),
      v10("Llama 3.3 70B", "H200 TP1 (FP8)", "hgx-h200-8", "llama-3.3-70b", "fp8", 1, "fit"),
      v10("Llama 3.3 70B", "H100 TP2 (FP8)", "hgx-h100-8", "llama-3.3-70b", "fp8", 2, "fit"),
    ],
    [
      ["128/128", 11147, 3803, 6378],
      ["128/2048", 9922, 4336, 6651],
      ["128/4096", 6831, 2872, 4199],
      ["500/2000", 7762, 3666, 5222],
      ["1000/1000", 7007, 2909, 4205],
      ["1000/2000", 6271, 2994, 4146],
      ["2048/128", 1339, 442, 762],
      ["2048/2048", 4783, 2003, 3082],
      ["5000/500", 1459, 566, 898],
      ["20000/2000", 665, 283, 437],
    ],
  ),
  ...table(
    [v10(`Llama 3.3 70B, ${RTX_SERVER}`, "1 GPUs TP1,PP1 (FP4)", RTX, "llama-3.3-70b", "nvfp4", 1, "fit")],
    [
      ["128/128", 3264],
      ["128/2048", 2422],
      ["128/4096", 1349],
      ["500/2000", 1856],
      ["1000/1000", 1787],
      ["1000/2000", 1594],
      ["2048/128", 393],
      ["2048/2048", 1074],
      ["5000/500", 401],
      ["20000/2000", 142],
    ],
  ),
  ...table(
    [
      v10("Qwen3-235B-A22B", "B200 TP8 (FP4)", "hgx-b200-8", "qwen3-235b-a22b", "nvfp4", 8, "held-out"),
      v10("Qwen3-235B-A22B", "H200 TP8 (FP8)", "hgx-h200-8", "qwen3-235b-a22b", "fp8", 8, "held-out"),
      v10("Qwen3-235B-A22B", "H100 TP8 (FP8)", "hgx-h100-8", "qwen3-235b-a22b", "fp8", 8, "fit"),
    ],
    [
      ["128/128", 63362, 30429, null],
      ["128/2048", 66057, 42821, 19658],
      ["128/4096", 39496, 26852, 12447],
      ["500/2000", 57117, 28026, 18351],
      ["1000/1000", 42391, 23789, 14898],
      ["1000/2000", 34105, 22061, 15136],
      ["2048/128", 7329, 3331, null],
      ["2048/2048", 26854, 16672, 9924],
      ["5000/500", 8190, 3623, 3225],
      ["20000/2000", 4453, 1876, null],
    ],
  ),
  ...table(
    [v10("Qwen3-30B-A3B", "B200 TP1 (FP4)", "hgx-b200-8", "qwen3-30b-a3b", "nvfp4", 1, "fit")],
    [
      ["128/128", 39827],
      ["128/2048", 37844],
      ["128/4096", 24953],
      ["500/2000", 27817],
      ["1000/1000", 25828],
      ["1000/2000", 22051],
      ["2048/128", 6251],
      ["2048/2048", 17554],
      ["5000/500", 6142],
      ["20000/2000", 2944],
    ],
  ),
  ...table(
    [
      v10(`Qwen3-30B-A3B, ${RTX_SERVER}`, "1 GPUs TP1,PP1 (FP4)", RTX, "qwen3-30b-a3b", "nvfp4", 1, "fit"),
      v10(`Qwen3-30B-A3B, ${RTX_SERVER}`, "2 GPUs TP2,PP1 (FP4)", RTX, "qwen3-30b-a3b", "nvfp4", 2, "fit"),
      v10(`Qwen3-30B-A3B, ${RTX_SERVER}`, "4 GPUs TP4,PP1 (FP4)", RTX, "qwen3-30b-a3b", "nvfp4", 4, "fit"),
      v10(`Qwen3-30B-A3B, ${RTX_SERVER}`, "8 GPUs TP8,PP1 (FP4)", RTX, "qwen3-30b-a3b", "nvfp4", 8, "fit"),
    ],
    [
      ["128/128", 28011, 32646, 36819, 39490],
      ["128/2048", 12540, 22744, 35715, 52676],
      ["128/4096", 7491, 15049, 28139, 33895],
      ["500/2000", 10695, 17266, 26175, 44088],
      ["1000/1000", 9910, 16431, 24046, 31785],
      ["1000/2000", 8378, 13323, 25131, 28881],
      ["2048/128", 3257, 3785, 4311, 4798],
      ["2048/2048", 5908, 10679, 18134, 22391],
      ["5000/500", 2530, 3799, 5212, 5965],
      ["20000/2000", 871, 1558, 2551, null],
    ],
  ),
  ...table(
    [
      v10("Llama 4 Maverick", "B200 TP8 (FP4)", "hgx-b200-8", "llama-4-maverick", "nvfp4", 8, "fit"),
      v10("Llama 4 Maverick", "H200 TP8 (FP8)", "hgx-h200-8", "llama-4-maverick", "fp8", 8, "fit"),
      v10("Llama 4 Maverick", "H100 TP8 (FP8)", "hgx-h100-8", "llama-4-maverick", "fp8", 8, "fit"),
    ],
    [
      ["128/128", 124323, 63994, null],
      ["128/2048", 112676, 40572, 10829],
      ["128/4096", 68170, 24616, 6744],
      ["500/2000", null, 37835, 10108],
      ["1000/1000", 79617, 31782, 9677],
      ["1000/2000", 63766, 34734, 9151],
      ["2048/128", 18088, 7307, null],
      ["2048/2048", 52195, 20957, 6916],
      ["5000/500", null, 8456, 3457],
      ["20000/2000", 12678, 4106, null],
    ],
  ),
  ...table(
    [
      v10("Llama 3.1 405B", "B200 TP4 (FP4)", "hgx-b200-8", "llama-3.1-405b", "nvfp4", 4, "held-out"),
      v10("Llama 3.1 405B", "H200 TP8 (FP8)", "hgx-h200-8", "llama-3.1-405b", "fp8", 8, "fit"),
      v10("Llama 3.1 405B", "H100 TP8 (FP8)", "hgx-h100-8", "llama-3.1-405b", "fp8", 8, "held-out"),
    ],
    [
      ["128/128", 6281, 3814, 3627],
      ["128/2048", 8020, 5348, 4340],
      ["128/4096", 6345, 4741, 3116],
      ["500/2000", 6244, 4724, 3994],
      ["1000/1000", 5209, 3330, 2919],
      ["1000/2000", 4933, 3722, 2895],
      ["2048/128", 749, 456, 453],
      ["2048/2048", 4212, 2948, 2296],
      ["5000/500", 1048, 650, 610],
      ["20000/2000", 672, 505, 345],
    ],
  ),
  ...table(
    [
      v10("Llama 3.1 8B", "H200 TP1 (FP8)", "hgx-h200-8", "llama-3.1-8b", "fp8", 1, "fit"),
      v10("Llama 3.1 8B", "H100 TP1 (FP8)", "hgx-h100-8", "llama-3.1-8b", "fp8", 1, "fit"),
    ],
    [
      ["128/128", 27911, 28312],
      ["128/2048", 26221, 22714],
      ["128/4096", 18027, 14325],
      ["500/2000", 20770, 17660],
      ["1000/1000", 17744, 15220],
      ["1000/2000", 16828, 13899],
      ["2048/128", 3538, 3450],
      ["2048/2048", 12194, 9305],
      ["5000/500", 3902, 3459],
      ["20000/2000", 1804, 1351],
    ],
  ),
];

// ---------------------------------------------------------------------------------------------
// C. Fixed-concurrency and further offline measurements
// ---------------------------------------------------------------------------------------------

const NIM_LLAMA_33_70B: Source = {
  url: "https://docs.nvidia.com/nim/benchmarking/llm/1.0.0/performance.md",
  date: READ,
  note:
    "NVIDIA NIM LLM benchmarking 'Performance' page (AIPerf client), Llama-3.3-70b-instruct Results, Version 1.8.0, " +
    "'2 x H100 80G', 'fp8 TP2': column Throughput(Tokens/s) of the tables '5000 Input Tokens / 500 Output Tokens' (every " +
    "row) and '500 Input Tokens / 2000 Output Tokens' (the concurrency 1 row only; the rest of that table was not in the " +
    "copy read). The figure is the deployment's output tokens/s: at concurrency 1, 500 tokens / (406.77 ms TTFT + 499 × " +
    "18.58 ms ITL) = 51.6 tok/s against 51.67 published. NIM 1.8.0 runs TensorRT-LLM; KV cache FP8 [assumed].",
};

const NIM_CASES: readonly BenchmarkCase[] = sweep(
  {
    engine: "nim",
    engineVersion: "1.8.0",
    server: "hgx-h100-8",
    model: "llama-3.3-70b",
    precision: "fp8",
    kvCacheDtype: "fp8",
    tensorParallel: 2,
    split: "held-out",
    source: NIM_LLAMA_33_70B,
  },
  [
    ["5000/500", 1, 51.67],
    ["5000/500", 5, 218.48],
    ["5000/500", 25, 623.4],
    ["5000/500", 50, 814.37],
    ["5000/500", 100, 917.26],
    ["5000/500", 150, 920.9],
    ["5000/500", 200, 920.54],
    ["5000/500", 250, 920.12],
    ["500/2000", 1, 52.85],
  ],
);

const SGLANG_GPT_OSS: Source = {
  url: "https://github.com/lm-sys/lm-sys.github.io/blob/dbd47f49bac0d5a080e2a6647c42ddb1b0fb4122/blog/2025-08-27-gpt-oss.md",
  date: "2025-08-27",
  note:
    "LMSYS blog 'SGLang for gpt-oss' (https://lmsys.org/blog/2025-08-27-gpt-oss/), table 'Low-Latency Performance " +
    "(Batch Size = 1)': single-batch decode throughput of gpt-oss-120b; 'B200 was tested with TP=4, H100 with TP=8 and " +
    "triton attention'. The AMD MI350 column is skipped. Lengths 1024/512 come from the reproduction command the post " +
    "links (sgl-project/sglang benchmark/gpt_oss: bench_one_batch_server --batch-size 1 --input-len 1024 --output-len " +
    "512, written out for MXFP4 on H100) [assumed for the other three cells]; SGLang v0.5.1.post3 from the same README " +
    "[assumed]; KV cache auto [assumed]. BF16 is the lmsys/gpt-oss-120b-bf16 checkpoint. A decode-only rate leaves out " +
    "the prompt's prefill, so it reads a few percent above an end-to-end output rate.",
};

function sglangGptOss(
  server: string,
  header: string,
  precision: "bf16" | "mxfp4",
  tensorParallel: number,
  split: Split,
): Column {
  return {
    engine: "sglang",
    engineVersion: "0.5.1.post3",
    server,
    model: "gpt-oss-120b",
    precision,
    kvCacheDtype: "auto",
    tensorParallel,
    split,
    source: columnSource(SGLANG_GPT_OSS, `${header}, row ${precision === "bf16" ? "BF16" : "MXFP4"}`),
  };
}

const SGLANG_GPT_OSS_CASES: readonly BenchmarkCase[] = [
  ...sweep(sglangGptOss("hgx-b200-8", "NVIDIA B200", "mxfp4", 4, "fit"), [["1024/512", 1, 416.02]]),
  ...sweep(sglangGptOss("hgx-b200-8", "NVIDIA B200", "bf16", 4, "fit"), [["1024/512", 1, 315.63]]),
  ...sweep(sglangGptOss("hgx-h100-8", "NVIDIA H100", "mxfp4", 8, "held-out"), [["1024/512", 1, 318.53]]),
  ...sweep(sglangGptOss("hgx-h100-8", "NVIDIA H100", "bf16", 8, "held-out"), [["1024/512", 1, 293.12]]),
];

const VLLM_FP8_KV: Source = {
  url: "https://github.com/vllm-project/vllm-project.github.io/blob/c3a01c4a5807c8d900ae468897e45263373e534e/_posts/2026-04-22-fp8-kvcache.md",
  date: "2026-04-22",
  note:
    "vLLM blog 'The State of FP8 KV-Cache and Attention Quantization in vLLM', section 'Throughput under Load': 150 " +
    "requests at concurrency 8, '~20k input tokens and ~2k output tokens (±15% variance)' (filed as 20000/2000 " +
    "[assumed means]), on one H100 ('All Hopper experiments run on a single H100 GPU'). Column Output tok/s of Table 4 " +
    "(Llama-3.1-8B) and Table 5 (gpt-oss-20b), rows BF16 (KV auto) and FP8 (KV fp8); the 'FP8 skip-SW' row (mixed KV) " +
    "is skipped. vLLM v0.19.1 [assumed: the 'after' version of the post's Table 3]; Llama weights BF16 " +
    "(meta-llama/Llama-3.1-8B) [assumed], gpt-oss-20b in its native MXFP4.",
};

function vllmFp8Kv(
  model: string,
  precision: WeightPrecision,
  kvCacheDtype: KvCacheDtype,
  tableName: string,
  split: Split,
): Column {
  return {
    engine: "vllm",
    engineVersion: "0.19.1",
    server: "hgx-h100-8",
    model,
    precision,
    kvCacheDtype,
    tensorParallel: 1,
    split,
    source: columnSource(VLLM_FP8_KV, `${tableName}, row ${kvCacheDtype === "fp8" ? "FP8" : "BF16"}`),
    ...(kvCacheDtype === "fp8" ? { idSuffix: "-fp8kv" } : {}),
  };
}

const VLLM_FP8_KV_CASES: readonly BenchmarkCase[] = [
  ...sweep(vllmFp8Kv("llama-3.1-8b", "bf16", "auto", "Table 4", "held-out"), [["20000/2000", 8, 450.3]]),
  ...sweep(vllmFp8Kv("llama-3.1-8b", "bf16", "fp8", "Table 4", "held-out"), [["20000/2000", 8, 517.5]]),
  ...sweep(vllmFp8Kv("gpt-oss-20b", "mxfp4", "auto", "Table 5", "fit"), [["20000/2000", 8, 831.6]]),
  ...sweep(vllmFp8Kv("gpt-oss-20b", "mxfp4", "fp8", "Table 5", "fit"), [["20000/2000", 8, 853]]),
];

/** GPUStack Performance Lab pages, read at one commit. */
const GPUSTACK_COMMIT = "47277d79f4a5bae12a2d25e9ecbed2a2177a5f2d";

function gpustack(page: string, date: string, serving: string): Source {
  return {
    url: `https://github.com/gpustack/gpustack/blob/${GPUSTACK_COMMIT}/docs/performance-lab/${page}.md`,
    date,
    note:
      "GPUStack Performance Lab, section 'Other Benchmark Cases', the vllm bench serve result blocks of one serving " +
      "script. Random workloads request the labelled input/output lengths with an unlimited request rate and no " +
      "concurrency cap (offline); 'ShareGPT batch size 4' caps concurrency at 4. Rate: 'Output token throughput (tok/s)'. " +
      "Mean lengths = 'Total input tokens' and 'Total generated tokens' ÷ 'Successful requests' (random outputs may stop " +
      "at end-of-sequence, short of the requested length). KV cache auto [assumed: no flag set]. " +
      `Serving script: ${serving}.`,
  };
}

/** One GPUStack serving script: its page, the run's configuration and how the page describes it. */
interface GpustackRun {
  readonly page: string;
  readonly date: string;
  readonly serving: string;
  readonly engine: BenchmarkEngine;
  readonly engineVersion: string;
  readonly server: string;
  readonly model: string;
  readonly precision: WeightPrecision;
  readonly tensorParallel: number;
  readonly split: Split;
}

function gpustackRun(run: GpustackRun): Column {
  const { page, date, serving, ...config } = run;
  return { ...config, kvCacheDtype: "auto", source: gpustack(page, date, serving) };
}

const GPUSTACK_CASES: readonly BenchmarkCase[] = [
  ...totals(
    gpustackRun({
      page: "gpt-oss-120b/h100",
      date: "2025-10-15",
      serving: "baseline `vllm serve openai/gpt-oss-120b --max-model-len 32768` (vLLM v0.10.2, one H100)",
      engine: "vllm",
      engineVersion: "0.10.2",
      server: "hgx-h100-8",
      model: "gpt-oss-120b",
      precision: "mxfp4",
      tensorParallel: 1,
      split: "fit",
    }),
    [
      ["32000/100", 100, 3200000, 9877, 49.65],
      ["4000/200", 500, 1999249, 67205, 463.35],
      ["2000/100", 500, 999120, 49197, 675.11],
      ["128/4", 1000, 127755, 4000, 517.91],
      ["sharegpt", 100, 22946, 21691, 453.04, 4],
    ],
  ),
  ...totals(
    gpustackRun({
      page: "gpt-oss-120b/h100",
      date: "2025-10-15",
      serving: "optimized `vllm serve openai/gpt-oss-120b --async-scheduling -tp 2` (vLLM v0.10.2)",
      engine: "vllm",
      engineVersion: "0.10.2",
      server: "hgx-h100-8",
      model: "gpt-oss-120b",
      precision: "mxfp4",
      tensorParallel: 2,
      split: "held-out",
    }),
    [
      ["32000/100", 100, 3200000, 9955, 100.7],
      ["4000/200", 500, 1999249, 68046, 1135.29],
      ["2000/100", 500, 999120, 49059, 1595.22],
      ["128/4", 1000, 127755, 4000, 956.85],
      ["sharegpt", 100, 22946, 21691, 645.55, 4],
    ],
  ),
  ...totals(
    gpustackRun({
      page: "gpt-oss-120b/a100",
      date: "2025-10-15",
      serving:
        "baseline `vllm serve openai/gpt-oss-120b --max-model-len 32768` (vLLM v0.11.0, one A100 SXM 80GB; " +
        "the A100 has no FP4 math, so MXFP4 weights run through weight-only kernels)",
      engine: "vllm",
      engineVersion: "0.11.0",
      server: "a100-80gb-8",
      model: "gpt-oss-120b",
      precision: "mxfp4",
      tensorParallel: 1,
      split: "held-out",
    }),
    [
      ["32000/100", 100, 3200000, 9988, 13.5],
      ["4000/200", 500, 1999249, 67259, 249.67],
      ["2000/100", 500, 999120, 48981, 395.21],
      ["128/4", 1000, 127755, 4000, 283.95],
      ["sharegpt", 100, 22946, 21691, 326.09, 4],
    ],
  ),
  ...totals(
    gpustackRun({
      page: "gpt-oss-20b/h100",
      date: "2025-11-04",
      serving: "baseline `vllm serve openai/gpt-oss-20b` (vLLM v0.11.0, one H100 SXM)",
      engine: "vllm",
      engineVersion: "0.11.0",
      server: "hgx-h100-8",
      model: "gpt-oss-20b",
      precision: "mxfp4",
      tensorParallel: 1,
      split: "fit",
    }),
    [
      ["32000/100", 100, 3200000, 9350, 86.62],
      ["4000/200", 500, 1999249, 52309, 847.43],
      ["2000/100", 500, 999120, 47022, 1443.44],
      ["128/4", 1000, 127755, 4000, 851.04],
    ],
  ),
  ...totals(
    gpustackRun({
      page: "gpt-oss-20b/a100",
      date: "2025-11-04",
      serving: "baseline `vllm serve openai/gpt-oss-20b` (vLLM v0.11.0, one A100 SXM 80GB)",
      engine: "vllm",
      engineVersion: "0.11.0",
      server: "a100-80gb-8",
      model: "gpt-oss-20b",
      precision: "mxfp4",
      tensorParallel: 1,
      split: "fit",
    }),
    [
      ["32000/100", 100, 3200000, 9533, 21.62],
      ["4000/200", 500, 1999249, 53530, 415.64],
      ["2000/100", 500, 999120, 47224, 813.35],
      ["128/4", 1000, 127755, 4000, 735.4],
    ],
  ),
  ...totals(
    gpustackRun({
      page: "qwen3-32b/h100",
      date: "2025-11-13",
      serving: "baseline `vllm serve Qwen/Qwen3-32B` (vLLM v0.11.0, one H100 SXM)",
      engine: "vllm",
      engineVersion: "0.11.0",
      server: "hgx-h100-8",
      model: "qwen3-32b",
      precision: "bf16",
      tensorParallel: 1,
      split: "held-out",
    }),
    [
      ["32000/100", 100, 3200000, 7681, 6.64],
      ["4000/200", 500, 1997942, 99790, 102.21],
      ["2000/100", 500, 998175, 50000, 152.42],
      ["128/4", 1000, 127698, 4000, 121.66],
    ],
  ),
  ...totals(
    gpustackRun({
      page: "qwen3-32b/h100",
      date: "2025-11-13",
      serving:
        "optimized `trtllm-serve Qwen/Qwen3-32B-FP8 --max_seq_len=40960 --enable_chunked_prefill` " +
        "(TensorRT-LLM v1.2.0rc1, one H100 SXM)",
      engine: "tensorrt-llm",
      engineVersion: "1.2.0rc1",
      server: "hgx-h100-8",
      model: "qwen3-32b",
      precision: "fp8",
      tensorParallel: 1,
      split: "held-out",
    }),
    [
      ["32000/100", 100, 3200000, 7832, 9.93],
      ["4000/200", 500, 1997942, 99888, 234.7],
      ["2000/100", 500, 998175, 50000, 281.53],
      ["128/4", 1000, 127698, 4000, 207.33],
    ],
  ),
  ...totals(
    gpustackRun({
      page: "qwen3-32b/a100",
      date: "2025-11-13",
      serving: "baseline `vllm serve Qwen/Qwen3-32B` (vLLM v0.11.0, one A100 SXM 80GB)",
      engine: "vllm",
      engineVersion: "0.11.0",
      server: "a100-80gb-8",
      model: "qwen3-32b",
      precision: "bf16",
      tensorParallel: 1,
      split: "held-out",
    }),
    [
      ["32000/100", 100, 3200000, 7699, 4.32],
      ["4000/200", 500, 1997942, 99893, 87.48],
      ["2000/100", 500, 998175, 50000, 120.27],
      ["128/4", 1000, 127698, 4000, 80.69],
    ],
  ),
  ...totals(
    gpustackRun({
      page: "qwen3-32b/a100",
      date: "2025-11-13",
      serving:
        "optimized `trtllm-serve Qwen/Qwen3-32B --max_seq_len=40960 --enable_chunked_prefill` " +
        "(TensorRT-LLM v1.2.0rc1, one A100 SXM 80GB)",
      engine: "tensorrt-llm",
      engineVersion: "1.2.0rc1",
      server: "a100-80gb-8",
      model: "qwen3-32b",
      precision: "bf16",
      tensorParallel: 1,
      split: "held-out",
    }),
    [
      ["32000/100", 100, 3200000, 7880, 3.88],
      ["4000/200", 500, 1997942, 99874, 97.01],
      ["2000/100", 500, 998175, 50000, 129.55],
      ["128/4", 1000, 127698, 4000, 107.38],
    ],
  ),
  ...totals(
    gpustackRun({
      page: "qwen3-235b-a22b/h100",
      date: "2025-11-12",
      serving: "baseline `vllm serve Qwen/Qwen3-235B-A22B-Instruct-2507 -tp 8` (vLLM v0.11.0, 8 × H100 SXM)",
      engine: "vllm",
      engineVersion: "0.11.0",
      server: "hgx-h100-8",
      model: "qwen3-235b-a22b",
      precision: "bf16",
      tensorParallel: 8,
      split: "fit",
    }),
    [
      ["32000/100", 100, 3200000, 8191, 57.85],
      ["4000/200", 500, 1997942, 92185, 931.21],
      ["2000/100", 500, 998175, 49500, 1127.26],
      ["128/4", 984, 125650, 3936, 445.53],
    ],
  ),
  ...totals(
    gpustackRun({
      page: "qwen3-235b-a22b/h100",
      date: "2025-11-12",
      serving:
        "optimized `vllm serve Qwen/Qwen3-235B-A22B-Instruct-2507-FP8 -tp 4 --max-num-batched-tokens 16384` (vLLM v0.11.0; " +
        "the page runs two such replicas on 8 GPUs and its result blocks are one replica's, 'Total TPS: …x2')",
      engine: "vllm",
      engineVersion: "0.11.0",
      server: "hgx-h100-8",
      model: "qwen3-235b-a22b",
      precision: "fp8",
      tensorParallel: 4,
      split: "fit",
    }),
    [
      ["32000/100", 100, 3200000, 8281, 39.66],
      ["4000/200", 500, 1997942, 90966, 717.6],
      ["2000/100", 500, 998175, 49471, 894.84],
      ["128/4", 984, 125650, 3936, 644.28],
    ],
  ),
  ...totals(
    gpustackRun({
      page: "qwen3-235b-a22b/a100",
      date: "2025-11-12",
      serving: "baseline `vllm serve Qwen/Qwen3-235B-A22B-Instruct-2507 -tp 8` (vLLM v0.11.0, 8 × A100 SXM 80GB)",
      engine: "vllm",
      engineVersion: "0.11.0",
      server: "a100-80gb-8",
      model: "qwen3-235b-a22b",
      precision: "bf16",
      tensorParallel: 8,
      split: "fit",
    }),
    [
      ["32000/100", 100, 3200000, 8191, 17],
      ["4000/200", 500, 1997942, 91352, 357.26],
      ["2000/100", 500, 998175, 49632, 442.54],
      ["128/4", 1000, 127698, 4000, 226.26],
    ],
  ),
  ...totals(
    gpustackRun({
      page: "qwen3-235b-a22b/a100",
      date: "2025-11-12",
      serving:
        "optimized `vllm serve Qwen/Qwen3-235B-A22B-Instruct-2507-FP8 -tp 4` (vLLM v0.11.0; one of two replicas on 8 GPUs, " +
        "'Total TPS: …x2'; the A100 has no FP8 math, so FP8 weights run through weight-only kernels)",
      engine: "vllm",
      engineVersion: "0.11.0",
      server: "a100-80gb-8",
      model: "qwen3-235b-a22b",
      precision: "fp8",
      tensorParallel: 4,
      split: "fit",
    }),
    [
      ["32000/100", 100, 3200000, 8300, 10.69],
      ["4000/200", 500, 1997942, 90389, 200.55],
      ["2000/100", 500, 998175, 49495, 251.99],
      ["128/4", 1000, 127698, 4000, 150.7],
    ],
  ),
  ...totals(
    gpustackRun({
      page: "deepseek-r1/h200",
      date: "2025-10-15",
      serving:
        "baseline `vllm serve deepseek-ai/DeepSeek-R1-0528 -tp 8` (vLLM v0.11.0, 8 × H200 SXM; DeepSeek-R1 is filed under " +
        "deepseek-v3, the same architecture, in its native FP8)",
      engine: "vllm",
      engineVersion: "0.11.0",
      server: "hgx-h200-8",
      model: "deepseek-v3",
      precision: "fp8",
      tensorParallel: 8,
      split: "held-out",
    }),
    [
      ["32000/100", 100, 3199900, 10000, 48.33],
      ["4000/200", 500, 1997530, 100000, 753.67],
      ["2000/100", 500, 998393, 50000, 843.71],
      ["128/4", 1000, 126882, 4000, 181.27],
      ["sharegpt", 100, 22836, 21338, 196.81, 4],
    ],
  ),
  ...totals(
    gpustackRun({
      page: "deepseek-r1/h200",
      date: "2025-10-15",
      serving:
        "optimized `python3 -m sglang.launch_server --model deepseek-ai/DeepSeek-R1-0528 --tp 8 --enable-dp-attention` " +
        "(SGLang v0.5.3, 8 × H200 SXM; attention runs data-parallel, the other layers tensor-parallel over the 8 GPUs)",
      engine: "sglang",
      engineVersion: "0.5.3",
      server: "hgx-h200-8",
      model: "deepseek-v3",
      precision: "fp8",
      tensorParallel: 8,
      split: "held-out",
    }),
    [
      ["32000/100", 100, 3199900, 9952, 49.89],
      ["4000/200", 500, 1997530, 100000, 767.42],
      ["2000/100", 500, 998393, 50000, 907.31],
      ["128/4", 1000, 126882, 4000, 624.94],
    ],
  ),
];

/** The calibration set: every published case above, in source order. */
export const BENCHMARK_CASES: readonly BenchmarkCase[] = [
  ...TRTLLM_V017_CASES,
  ...TRTLLM_V10_CASES,
  ...NIM_CASES,
  ...SGLANG_GPT_OSS_CASES,
  ...VLLM_FP8_KV_CASES,
  ...GPUSTACK_CASES,
];
