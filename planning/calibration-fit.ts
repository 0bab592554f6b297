/**
 * The throughput model held against measurements: how far each estimate is from a measured
 * throughput, the errors over a set, and the factors fitted on one.
 *
 * The error of one case is ln(estimate ÷ measured): symmetric (×2 and ÷2 are ±0.69) and additive,
 * so a set is summarized by its median |ln| and the shares within ±25 % and within 2×. Factors are
 * fitted by least squares on ln(estimate) − ln(measured) (Levenberg–Marquardt, ml-levenberg-marquardt),
 * every efficiency kept in (0, 1].
 *
 * The engine decides what a benchmark ran with where its result does not say: the KV memory and
 * the cap on concurrent sequences (`engineDefaults`). Pure: no I/O.
 */
import { levenbergMarquardt } from "ml-levenberg-marquardt";
import type {
  BenchmarkCase,
  BenchmarkEngine,
  CalibrationAdjustment,
  CalibrationError,
  GpuSpec,
  Interconnect,
  ModelArchitecture,
  Source,
  ThroughputCalibration,
  ThroughputFactors,
} from "../catalog/types";
import { DEFAULT_OVERHEAD_GIB } from "./fit";
import { GIB } from "./memory";
import { estimateThroughput, modelFamily, weightsPerGpu, type ThroughputEstimate } from "./throughput";

/** A benchmark case with its GPU, model and interconnect looked up. */
export interface ResolvedCase {
  readonly case: BenchmarkCase;
  readonly gpu: GpuSpec;
  readonly model: ModelArchitecture;
  readonly interconnect: Interconnect;
  /**
   * KV cache memory of the replica the benchmark ran against, bytes (a site's own deployment, as
   * its fit check counts it). @default - the engine's defaults (`engineDefaults`)
   */
  readonly kvCacheBytesPerReplica?: number;
}

/** What a case's estimate came to. */
export interface CaseResult {
  readonly id: string;
  readonly measured: number;
  /** Output tokens per second estimated end to end; null when the model cannot run the case (it does not fit). */
  readonly estimate: number | null;
  /** ln(estimate ÷ measured); null with `estimate`. */
  readonly lnError: number | null;
  readonly estimateDetail?: ThroughputEstimate;
  /** Why there is no estimate. */
  readonly problem?: string;
}

/** What an engine runs with unless told otherwise. */
export interface EngineDefaults {
  /** The share of memory the KV cache may take: of all memory (vLLM, SGLang) or of what the weights leave (TensorRT-LLM). */
  readonly memoryFraction: number;
  readonly fractionOf: "total" | "free";
  /** The cap on sequences decoded together. */
  readonly maxSequences: number;
  /** How a running sequence's KV cache is counted against the pool (see ThroughputInput.kvReservation). */
  readonly kvReservation: "mean" | "full";
  /** Whether sliding-window (and chunked) attention layers keep only their window of KV cache. */
  readonly windowedKv: boolean;
  readonly source: Source;
}

/**
 * The defaults an engine applies, by GPU. vLLM v0.16.0: `--gpu-memory-utilization` 0.9 of the
 * whole GPU, and `get_batch_defaults` (vllm/engine/arg_utils.py) sets max_num_seqs 1024 on GPUs of
 * ≥ 70 GiB that are not A100s, else 256. TensorRT-LLM: `kv_cache_free_gpu_mem_fraction` 0.9 of
 * the memory left after the weights (0.95 in NVIDIA's published runs), and a max batch of 4096.
 * SGLang sizes its pool from `mem_fraction_static` (≈ 0.88 on 80 GB GPUs) and caps requests by the
 * pool alone. NIM serves with TensorRT-LLM.
 */
export function engineDefaults(engine: BenchmarkEngine, gpu: GpuSpec): EngineDefaults {
  switch (engine) {
    case "vllm":
      return {
        memoryFraction: 0.9,
        fractionOf: "total",
        maxSequences: gpu.memoryGiB >= 70 && !gpu.id.startsWith("a100") ? 1024 : 256,
        kvReservation: "mean",
        windowedKv: true,
        source: {
          url: "https://github.com/vllm-project/vllm/blob/v0.16.0/vllm/engine/arg_utils.py",
          date: "2026-11-30",
          note: "get_batch_defaults: default_max_num_seqs 1024 when device memory ≥ 70 GiB and the device is not an A100, else 256; gpu_memory_utilization 0.9",
        },
      };
    case "sglang":
      return {
        memoryFraction: 0.88,
        fractionOf: "total",
        maxSequences: Number.MAX_SAFE_INTEGER,
        kvReservation: "mean",
        windowedKv: true,
        source: { url: "https://github.com/sgl-project/sglang/blob/main/python/sglang/srt/server_args.py", date: "2026-11-30", note: "mem_fraction_static ≈ 0.88 on 80 GB GPUs; max_running_requests from the pool" },
      };
    case "tensorrt-llm":
    case "nim":
      return {
        memoryFraction: 0.95,
        fractionOf: "free",
        maxSequences: 4096,
        kvReservation: "full",
        windowedKv: false,
        source: {
          url: "https://github.com/NVIDIA/TensorRT-LLM/blob/258c7540c03517def55d9a5aadfa9288af474e1b/docs/source/performance/perf-overview.md",
          date: "2026-11-30",
          note:
            "The published throughput runs set --kv_cache_free_gpu_mem_fraction 0.95 'in the majority of cases' (of the memory " +
            "left after the weights; the default is 0.90), and the example run prints 'Max Runtime Batch Size: 4096' [assumed for every run]",
        },
      };
  }
}

/** KV bytes of the replica under the engine's defaults (the fit check's overhead per GPU). */
function engineKvBytes(c: ResolvedCase, d: EngineDefaults): number {
  const tp = c.case.tensorParallel;
  const perGpuWeights = weightsPerGpu(c.model, c.case.precision, tp);
  const mem = c.gpu.memoryGiB * GIB;
  const overhead = DEFAULT_OVERHEAD_GIB * GIB;
  const perGpu = d.fractionOf === "total" ? mem * d.memoryFraction - perGpuWeights - overhead : (mem - perGpuWeights - overhead) * d.memoryFraction;
  return tp * perGpu;
}

/** The estimate for one case under `calibration`. */
export function estimateCase(c: ResolvedCase, calibration: ThroughputCalibration): CaseResult {
  const k = c.case;
  const d = engineDefaults(k.engine, c.gpu);
  try {
    // An engine that keeps every layer's whole context sees the model without its windows.
    const model = d.windowedKv || c.model.attention.kind !== "gqa" ? c.model : { ...c.model, attention: { kind: "gqa" as const } };
    const e = estimateThroughput({
      model,
      gpu: c.gpu,
      precision: k.precision,
      tensorParallel: k.tensorParallel,
      interconnect: c.interconnect,
      promptTokens: k.inputTokens,
      outputTokens: k.outputTokens,
      kvCacheBytesPerReplica: c.kvCacheBytesPerReplica ?? engineKvBytes(c, d),
      kvCachePrecision: k.kvCacheDtype,
      maxConcurrentSequences: k.concurrency === "offline" ? d.maxSequences : Math.min(k.concurrency, d.maxSequences),
      engine: k.engine,
      kvReservation: d.kvReservation,
      calibration,
    });
    const estimate = e.workloadTokensPerSecond;
    return { id: k.id, measured: k.measuredOutputTokensPerSecond, estimate, lnError: Math.log(estimate / k.measuredOutputTokensPerSecond), estimateDetail: e };
  } catch (err) {
    return { id: k.id, measured: k.measuredOutputTokensPerSecond, estimate: null, lnError: null, problem: (err as Error).message.replace(/^throughput: /, "") };
  }
}

/** Median of a non-empty list. */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** ln(1.25): the widest |ln| error still within ±25 % on both sides is ln(1.25) above and ln(0.75) below. */
const WITHIN_25 = (ln: number) => Math.exp(ln) >= 0.75 && Math.exp(ln) <= 1.25;

/**
 * The errors of a set of results. A case without an estimate counts as a miss (outside ±25 % and
 * 2×, and at an infinite |ln| for the median).
 */
export function summarize(results: readonly CaseResult[]): CalibrationError {
  if (results.length === 0) return { cases: 0, medianAbsLn: 0, within25Percent: 0, within2x: 0 };
  const abs = results.map((r) => (r.lnError === null ? Infinity : Math.abs(r.lnError)));
  const within25 = results.filter((r) => r.lnError !== null && WITHIN_25(r.lnError)).length;
  const within2x = results.filter((r) => r.lnError !== null && Math.abs(r.lnError) <= Math.LN2).length;
  return { cases: results.length, medianAbsLn: median(abs), within25Percent: within25 / results.length, within2x: within2x / results.length };
}

/**
 * The fitted factors in a fixed order, with their bounds and a weak prior: where published
 * measurements leave a factor loosely determined (few small-batch results pin the weight-streaming
 * share, for instance), the fit stays near what kernel benchmarks report instead of trading one
 * factor against another. A prior is one pseudo-measurement with the residual
 * `(value − prior) / scale`: a factor `scale` away from its prior costs as much as one case whose
 * estimate is off by a factor e (|ln| = 1).
 */
const FIT_ORDER: readonly { readonly name: keyof ThroughputFactors; readonly min: number; readonly max: number; readonly prior: number; readonly scale: number }[] = [
  // Weight streaming by GEMV/GEMM kernels at small batch: 70–90 % of HBM bandwidth.
  { name: "weightBandwidthEfficiency", min: 0.05, max: 1, prior: 0.8, scale: 0.25 },
  // Paged-attention decode kernels: about half to three quarters of HBM bandwidth.
  { name: "kvBandwidthEfficiency", min: 0.05, max: 1, prior: 0.6, scale: 0.25 },
  { name: "computeEfficiency", min: 0.05, max: 1, prior: 0.5, scale: 0.25 },
  { name: "computeEfficiencyFp4", min: 0.05, max: 1, prior: 0.35, scale: 0.25 },
  { name: "prefillEfficiency", min: 0.05, max: 1, prior: 0.6, scale: 0.25 },
  { name: "prefillEfficiencyFp4", min: 0.05, max: 1, prior: 0.4, scale: 0.25 },
  // FlashAttention-2 reaches 50–73 % of A100 peak forward (Dao 2023, arXiv:2307.08691); varlen and causal less.
  { name: "attentionEfficiency", min: 0.05, max: 1, prior: 0.4, scale: 0.25 },
  { name: "moeEfficiency", min: 0.05, max: 1, prior: 0.5, scale: 0.5 },
  { name: "moeExpertTokensHalf", min: 0, max: 512, prior: 16, scale: 64 },
  { name: "interconnectEfficiency", min: 0.02, max: 1, prior: 0.7, scale: 0.3 },
  { name: "pcieEfficiency", min: 0.02, max: 1, prior: 0.5, scale: 0.3 },
  { name: "allReduceLatencyUs", min: 0, max: 200, prior: 10, scale: 20 },
  // Crossing the CPU socket link (UPI/xGMI) on a PCIe server: NCCL stages through host memory.
  { name: "crossDomainEfficiency", min: 0.02, max: 1, prior: 0.5, scale: 0.3 },
  { name: "stepOverheadMs", min: 0, max: 30, prior: 1, scale: 2 },
  { name: "sequenceOverheadUs", min: 0, max: 200, prior: 5, scale: 50 },
];

/** One fitted parameter: a factor, or an engine's scale. */
interface FitParameter {
  readonly min: number;
  readonly max: number;
  readonly prior: number;
  readonly scale: number;
  readonly get: (c: ThroughputCalibration) => number;
}

/** Engines need this many cases in the fitting part for a scale of their own. */
export const MIN_ENGINE_CASES = 10;

/** Engine scales: decode and prefill, in [0.2, 5], a prior of 1 (as fast as the reference). */
const ENGINE_SCALE = { min: 0.2, max: 5, prior: 1, scale: 0.5 } as const;

/** The engine most cases come from: the reference the factors describe. */
export function referenceEngine(cases: readonly ResolvedCase[]): BenchmarkEngine {
  const counts = new Map<BenchmarkEngine, number>();
  for (const c of cases) counts.set(c.case.engine, (counts.get(c.case.engine) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
}

function withValues(
  base: ThroughputCalibration,
  engines: readonly BenchmarkEngine[],
  counts: ReadonlyMap<BenchmarkEngine, number>,
  values: readonly number[],
): ThroughputCalibration {
  const out: Record<string, unknown> = { ...base };
  FIT_ORDER.forEach((p, i) => {
    out[p.name] = Math.min(p.max, Math.max(p.min, values[i]));
  });
  const clamp = (x: number) => Math.min(ENGINE_SCALE.max, Math.max(ENGINE_SCALE.min, x));
  const scales: Record<string, { decodeScale: number; prefillScale: number; cases: number }> = {};
  engines.forEach((e, j) => {
    const at = FIT_ORDER.length + 2 * j;
    scales[e] = { decodeScale: clamp(values[at]), prefillScale: clamp(values[at + 1]), cases: counts.get(e) ?? 0 };
  });
  out.engines = scales;
  return out as unknown as ThroughputCalibration;
}

/**
 * Fits the factors on `cases` by least squares on the ln errors, starting from `start`, with a
 * decode and a prefill scale for each engine other than the reference that has
 * MIN_ENGINE_CASES cases. Cases the model cannot run are left out of the fit. Deterministic: the
 * same cases give the same factors.
 */
export function fitFactors(cases: readonly ResolvedCase[], start: ThroughputCalibration): ThroughputCalibration {
  const usable = cases.filter((c) => estimateCase(c, start).estimate !== null);
  if (usable.length === 0) return start;
  const reference = referenceEngine(usable);
  const counts = new Map<BenchmarkEngine, number>();
  for (const c of usable) counts.set(c.case.engine, (counts.get(c.case.engine) ?? 0) + 1);
  const engines = [...counts.entries()]
    .filter(([e, n]) => e !== reference && n >= MIN_ENGINE_CASES)
    .map(([e]) => e)
    .sort();
  const parameters: FitParameter[] = [
    ...FIT_ORDER.map((p) => ({ ...p, get: (c: ThroughputCalibration) => c[p.name] })),
    ...engines.flatMap((e) => [
      { ...ENGINE_SCALE, get: (c: ThroughputCalibration) => c.engines?.[e]?.decodeScale ?? 1 },
      { ...ENGINE_SCALE, get: (c: ThroughputCalibration) => c.engines?.[e]?.prefillScale ?? 1 },
    ]),
  ];
  // Points 0 … n−1 are the cases; n … the priors, one per parameter.
  const n = usable.length;
  const x = [...usable.map((_, i) => i), ...parameters.map((_, j) => n + j)];
  const y = [...usable.map((c) => Math.log(c.case.measuredOutputTokensPerSecond)), ...parameters.map((p) => p.prior / p.scale)];
  const f = (values: number[]) => {
    const calibration = withValues(start, engines, counts, values);
    const memo = new Map<number, number>();
    return (i: number): number => {
      if (i >= n) {
        const p = parameters[i - n];
        return p.get(calibration) / p.scale;
      }
      const hit = memo.get(i);
      if (hit !== undefined) return hit;
      const r = estimateCase(usable[i], calibration);
      // A case that stops fitting mid-search is pushed back by a large error.
      const v = r.estimate === null ? y[i] + 5 : Math.log(r.estimate);
      memo.set(i, v);
      return v;
    };
  };
  // Two starts, the given values and the priors; the better least-squares result wins.
  const starts = [parameters.map((p) => p.get(start)), parameters.map((p) => p.prior)];
  let best: { values: number[]; error: number } | undefined;
  for (const initialValues of starts) {
    const result = levenbergMarquardt({ x, y }, f, {
      initialValues,
      minValues: parameters.map((p) => p.min),
      maxValues: parameters.map((p) => p.max),
      gradientDifference: parameters.map((p) => (p.max - p.min) * 1e-4),
      damping: 1e-2,
      maxIterations: 300,
      errorTolerance: 1e-7,
    });
    if (best === undefined || result.parameterError < best.error) best = { values: result.parameterValues, error: result.parameterError };
  }
  return withValues(start, engines, counts, best!.values);
}

/** Rounds a factor for the catalog: 3 significant digits. */
export function roundFactor(x: number): number {
  return Number(x.toPrecision(3));
}

/**
 * A site's adjustment for one GPU and model family: the decode and prefill scales that best fit
 * its own results (least squares on ln errors), starting from 1. One result of one shape cannot
 * tell decode from prefill: both scales then move together.
 */
export function fitAdjustment(
  cases: readonly ResolvedCase[],
  calibration: ThroughputCalibration,
  sources: readonly Source[],
): CalibrationAdjustment | undefined {
  if (cases.length === 0) return undefined;
  const gpu = cases[0].gpu.id;
  const family = modelFamily(cases[0].model);
  const others = calibration.adjustments.filter((a) => !(a.gpu === gpu && a.family === family));
  const base: ThroughputCalibration = { ...calibration, adjustments: others };
  const before = summarize(cases.map((c) => estimateCase(c, base)));
  const ratios = new Set(cases.map((c) => (c.case.inputTokens / c.case.outputTokens).toPrecision(3)));
  const apply = (decodeScale: number, prefillScale: number): ThroughputCalibration => ({
    ...base,
    adjustments: [
      ...others,
      { gpu, family, decodeScale, prefillScale, cases: cases.length, medianAbsLnBefore: 0, medianAbsLnAfter: 0, sources },
    ],
  });
  const usable = cases.filter((c) => estimateCase(c, base).estimate !== null);
  if (usable.length === 0) return undefined;
  // Points 0 … n−1 are the results; then a weak prior per scale that the site runs as the catalog
  // says: ln(scale) / (2 ln 2), so a scale of 4 (or ¼) weighs like one result off by a factor e.
  // It also lets a single result be fitted.
  const n = usable.length;
  const together = ratios.size < 2;
  const scales = together ? 1 : 2;
  const x = [...usable.map((_, i) => i), ...Array.from({ length: scales }, (_, j) => n + j)];
  const y = [...usable.map((c) => Math.log(c.case.measuredOutputTokensPerSecond)), ...Array.from({ length: scales }, () => 0)];
  const f = (v: number[]) => {
    const cal = apply(v[0], together ? v[0] : v[1]);
    return (i: number): number => {
      if (i >= n) return Math.log(v[i - n]) / (2 * Math.LN2);
      const r = estimateCase(usable[i], cal);
      return r.estimate === null ? y[i] + 5 : Math.log(r.estimate);
    };
  };
  const fitted = levenbergMarquardt({ x, y }, f, {
    initialValues: together ? [1] : [1, 1],
    minValues: together ? [0.05] : [0.05, 0.05],
    maxValues: together ? [20] : [20, 20],
    gradientDifference: 1e-4,
    maxIterations: 200,
    errorTolerance: 1e-8,
  }).parameterValues;
  const decodeScale = roundFactor(fitted[0]);
  const prefillScale = roundFactor(together ? fitted[0] : fitted[1]);
  const after = summarize(cases.map((c) => estimateCase(c, apply(decodeScale, prefillScale))));
  return {
    gpu,
    family,
    decodeScale,
    prefillScale,
    cases: cases.length,
    medianAbsLnBefore: roundFactor(before.medianAbsLn),
    medianAbsLnAfter: roundFactor(after.medianAbsLn),
    sources,
  };
}
