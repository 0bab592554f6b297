/**
 * Roofline estimate of the tokens per second one model replica serves.
 *
 * One decode step emits one output token for each of the B sequences in the batch. It reads the
 * weights it touches plus every sequence's KV cache from HBM, and does 2 × active parameters FLOPs
 * per token (cost-data.md §5.3, formula 3):
 *
 *   memory(B)  = (W_touched(B) + B · KV_seq · r) / (TP · BW)
 *   compute(B) = B · 2 · N_act / (TP · F)
 *   ceiling  = B₁ / max(memory(B₁), compute(B₁))                      (efficiency 1)
 *   estimate = B / max(memory(B) / e_mem, compute(B) / e_compute)     (≤ ceiling: e ≤ 1, B ≤ B₁)
 *
 * W_touched(B) = min(all weights, active weights × B) (an MoE batch touches more experts as it
 * grows); r is how many copies of a sequence's KV the TP ranks keep (see kvReplication).
 * B (B₁ for the ceiling) is the largest batch that the KV memory, an optional cap on concurrent
 * sequences and an optional latency target allow, stopped where the step turns compute-bound (past
 * that point more batch adds latency, not throughput). Prefill (prompt tokens) is compute-bound
 * work, rated separately at the compute ceiling `TP · F / (2 · N_act)`.
 *
 * Pure: no I/O. The efficiency constants are in THROUGHPUT_CALIBRATION with the measurements they
 * come from; they move to catalog/ later.
 */
import type { GpuSpec, ModelSpec, Source, WeightPrecision } from "../catalog/types";

/** Precision of the KV cache (vLLM `--kv-cache-dtype`: `auto` is the model's 16-bit dtype, or `fp8`). */
export type KvCachePrecision = "bf16" | "fp8";

/** What limits a replica's throughput. */
export type ThroughputBound =
  /** Bandwidth-bound step and the batch held at `maxConcurrentSequences`. */
  | "memory-bandwidth"
  /** The step is compute-bound: the compute ceiling is reached, more batch would not help. */
  | "compute"
  /** Bandwidth-bound step and no room for more sequences' KV cache. */
  | "kv-capacity"
  /** Bandwidth-bound step and a bigger batch would make each step slower than the latency target. */
  | "latency"
  /** `measuredTokensPerSecond` was given and replaces the estimate. */
  | "measured";

/** A public measurement the efficiency is calibrated on. */
export interface CalibrationPoint {
  /** System and benchmark, e.g. `DGX H100 (8× H100 SXM), MLPerf Inference v5.0 closed, Llama-2-70B Offline`. */
  readonly system: string;
  /** Measured output tokens per second per GPU. */
  readonly measuredTokensPerSecondPerGpu: number;
  /** This module's roofline ceiling per GPU at the benchmark's configuration (see `config`). */
  readonly rooflineTokensPerSecondPerGpu: number;
  /** measured ÷ roofline. */
  readonly ratio: number;
  /** The configuration the roofline was evaluated at. */
  readonly config: string;
  readonly source: Source;
}

/** An efficiency factor and where it comes from. */
export interface EfficiencyConstant {
  readonly value: number;
  /** How the value was derived. */
  readonly derivation: string;
  readonly calibration: readonly CalibrationPoint[];
}

const MLPERF_V50_H100: Source = {
  url: "https://github.com/mlcommons/inference_results_v5.0/blob/main/closed/NVIDIA/results/DGX-H100_H100-SXM-80GBx8_TRT/llama2-70b-99/Offline/performance/run_1/mlperf_log_summary.txt",
  date: "2025-04",
  note: "Offline 31,306.8 output tokens/s on 8 GPUs = 3,913.35 per GPU. Configuration (closed/NVIDIA/configs/llama2-70b/Offline/__init__.py): FP8 weights, FP8 KV cache, 2 GPUs per model instance (PP2), kvcache_free_gpu_mem_frac 0.95",
};
const MLPERF_V51_H200: Source = {
  url: "https://github.com/mlcommons/inference_results_v5.1/blob/main/closed/Dell/results/XE9680_H200_SXM_141GBx8_TRT/README.md",
  date: "2025-08",
  note: "Offline 35,316.7 output tokens/s on 8 GPUs = 4,414.6 per GPU",
};
const MLPERF_V51_H200_INTERACTIVE: Source = {
  ...MLPERF_V51_H200,
  note: "Interactive 21,915.6 output tokens/s on 8 GPUs = 2,739.45 per GPU, TTFT ≤ 450 ms and TPOT ≤ 40 ms",
};
const MLPERF_V51_B200: Source = {
  url: "https://github.com/mlcommons/inference_results_v5.1/blob/main/closed/Dell/results/XE9680L_B200_SXM_180GBx8_TRT/README.md",
  date: "2025-08",
  note: "Offline 101,253 output tokens/s on 8 GPUs = 12,656.6 per GPU; NVIDIA's Blackwell Llama-2-70B configuration serves FP4 weights with an FP8 KV cache",
};

/**
 * Efficiency factors applied to the roofline, with the measurements they are calibrated on.
 *
 * Compute regime: Llama-2-70B (68.98B parameters, 80 layers, 8 KV heads × 128) in MLPerf Inference
 * Offline, whose tokens/s count output tokens only. At each benchmark configuration this roofline is
 * compute-bound (the KV memory holds hundreds of sequences of a 450-token mean context; OpenOrca
 * prompts and answers are ≤ 1,024 tokens, answers average 294.45), so the ceiling is the compute
 * ceiling `F / (2 · N_act)` per GPU and the ratio does not hinge on the mean prompt length. The
 * measured output rate already pays for the benchmark's prompt processing, so the compute efficiency
 * is an end-to-end figure; prompt tokens are charged on top at `prefill` efficiency 1 (the physically
 * unavoidable FLOPs) so that the inefficiency is not counted twice. Were the benchmark's prompts as
 * long as its answers, that would land ~20 % under the measurement: it errs towards more GPUs.
 *
 * Bandwidth regime (small batches, latency targets): calibrated on MLPerf's interactive scenario
 * (TPOT ≤ 40 ms), see `memoryBandwidth`.
 */
export const THROUGHPUT_CALIBRATION = {
  /** Compute-bound share at BF16/FP8 compute (Hopper; the default for any GPU without its own point). */
  compute: {
    value: 0.273,
    derivation:
      "3,913.35 / 14,345 = 0.2728: MLPerf v5.0 DGX H100 Llama-2-70B Offline per GPU over the compute ceiling " +
      "(1,979 FP8 TFLOPS / (2 × 68.98e9 FLOPs per token)). The H200 point (0.308) is higher; the H100 one is kept as the conservative default",
    calibration: [
      {
        system: "NVIDIA DGX H100 (8× H100 SXM 80GB), MLPerf Inference v5.0 closed, Llama-2-70B (99%) Offline",
        measuredTokensPerSecondPerGpu: 3913.35,
        rooflineTokensPerSecondPerGpu: 14345,
        ratio: 0.2728,
        config: "FP8 weights and KV cache, 2 GPUs per replica, 95 % of HBM for weights + KV, 450-token mean context [assumed]: compute-bound",
        source: MLPERF_V50_H100,
      },
      {
        system: "Dell PowerEdge XE9680 (8× H200 SXM 141GB), MLPerf Inference v5.1 closed, Llama-2-70B Offline",
        measuredTokensPerSecondPerGpu: 4414.6,
        rooflineTokensPerSecondPerGpu: 14345,
        ratio: 0.3077,
        config: "FP8 weights and KV cache, 1 GPU per replica, 95 % of HBM, 450-token mean context [assumed]: compute-bound",
        source: MLPERF_V51_H200,
      },
    ],
  },
  /** Compute-bound share when the matmuls run at FP4 (Blackwell NVFP4/MXFP4). */
  computeFp4: {
    value: 0.194,
    derivation:
      "12,656.6 / 65,237 = 0.1940: MLPerf v5.1 Dell XE9680L B200 Llama-2-70B Offline per GPU over the FP4 compute ceiling " +
      "(9,000 TFLOPS / (2 × 68.98e9)); FP4 halves the time per FLOP but the measured gain over FP8 is smaller",
    calibration: [
      {
        system: "Dell PowerEdge XE9680L (8× B200 SXM 180GB), MLPerf Inference v5.1 closed, Llama-2-70B Offline",
        measuredTokensPerSecondPerGpu: 12656.6,
        rooflineTokensPerSecondPerGpu: 65237,
        ratio: 0.194,
        config: "FP4 weights, FP8 KV cache, 1 GPU per replica, 95 % of HBM, 450-token mean context [assumed]: compute-bound",
        source: MLPERF_V51_B200,
      },
    ],
  },
  /** Share of HBM bandwidth reached by bandwidth-bound decode steps. */
  memoryBandwidth: {
    value: 0.4,
    derivation:
      "MLPerf v5.1 Dell XE9680 H200 Llama-2-70B Interactive, 2,739.45 output tokens/s per GPU at TPOT ≤ 40 ms, is reproduced " +
      "by this roofline (compute share 0.273) with a bandwidth share of 0.40, assuming one GPU per replica as in NVIDIA's H200 " +
      "Offline configuration (the interactive one is not published in the reference) and the 40 ms limit as the step time. " +
      "0.40 lies inside the 0.36–0.53 single-user factor used by fitmyllm.com/methodology and gitea.opentesla.org/epilectrik/spark [S]",
    calibration: [
      {
        system: "Dell PowerEdge XE9680 (8× H200 SXM 141GB), MLPerf Inference v5.1 closed, Llama-2-70B Interactive",
        measuredTokensPerSecondPerGpu: 2739.45,
        rooflineTokensPerSecondPerGpu: 6848,
        ratio: 0.4,
        config:
          "FP8 weights and KV cache, 1 GPU per replica [assumed], 95 % of HBM, 450-token mean context [assumed], step ≤ 40 ms: " +
          "bandwidth-bound at a batch of ~110 (ceiling: the roofline at that batch)",
        source: MLPERF_V51_H200_INTERACTIVE,
      },
    ],
  },
  /** Prefill: prompt tokens at the compute ceiling (see above for why 1). */
  prefill: {
    value: 1,
    derivation:
      "the compute efficiency is calibrated on end-to-end output rates that already include the benchmark's prompt " +
      "processing; prompt tokens are added at the compute ceiling so the inefficiency is not charged twice",
    calibration: [],
  },
} as const satisfies Record<string, EfficiencyConstant>;

/** The share of HBM vLLM gives to weights + KV cache by default (`--gpu-memory-utilization`). */
export const DEFAULT_GPU_MEMORY_UTILIZATION = 0.9;

/** Inputs of one replica's throughput estimate. */
export interface ThroughputInput {
  readonly model: ModelSpec;
  readonly gpu: GpuSpec;
  /** Precision the weights are served in. */
  readonly precision: WeightPrecision;
  /** GPUs per replica (vLLM `--tensor-parallel-size`); memory, bandwidth and FLOPS add up across them. */
  readonly tensorParallel: number;
  /**
   * Mean number of tokens in a sequence's context during decode (prompt + half the output is a good
   * figure). It sets both the KV read per step and the KV memory each sequence holds.
   */
  readonly avgContextTokens: number;
  /**
   * KV cache memory available in the whole replica, bytes (from the fit check).
   * @default - TP × GPU memory × 0.9 − weights (no activation overhead: prefer the fit check's figure)
   */
  readonly kvCacheBytesPerReplica?: number;
  /** @default "bf16" */
  readonly kvCachePrecision?: KvCachePrecision;
  /**
   * Latency target: maximum seconds per output token for each user (TPOT). Caps the batch so that a
   * decode step, at the estimated efficiency, is no slower than this.
   * @default - no target
   */
  readonly maxSecondsPerOutputToken?: number;
  /**
   * Cap on sequences decoded together (vLLM `--max-num-seqs`).
   * @default - no cap other than the KV memory
   */
  readonly maxConcurrentSequences?: number;
  /**
   * Fraction of the roofline the serving stack reaches, in (0, 1], for both the bandwidth and the
   * compute regime.
   * @default - THROUGHPUT_CALIBRATION: `memoryBandwidth` for bandwidth-bound steps; `computeFp4` when
   * the matmuls run at FP4, else `compute`, for compute-bound ones
   */
  readonly efficiency?: number;
  /**
   * Fraction of the compute ceiling reached on prompt tokens, in (0, 1].
   * @default THROUGHPUT_CALIBRATION.prefill.value
   */
  readonly prefillEfficiency?: number;
  /**
   * A measured end-to-end rate for this replica on the workload's own mix, output tokens per second.
   * Replaces the estimate (prefill included, so `prefillTokensPerSecond` is null).
   * @default - estimate from the roofline
   */
  readonly measuredTokensPerSecond?: number;
}

/** One replica's throughput. */
export interface ThroughputEstimate {
  /** Output (decode) tokens per second of the replica. */
  readonly tokensPerSecond: number;
  /**
   * The physical bound the estimate sits under: the roofline (efficiency 1) at the largest useful
   * batch the same KV memory, cap and latency target allow; for a measured figure, the compute
   * ceiling (no measurement can exceed it).
   */
  readonly ceilingTokensPerSecond: number;
  /** Compute ceiling of the replica: TP × dense FLOPS / (2 × active parameters), tokens per second. */
  readonly computeCeilingTokensPerSecond: number;
  /** Prompt tokens per second the replica prefills; null when a measurement (which includes prefill) is used. */
  readonly prefillTokensPerSecond: number | null;
  /** Sequences decoded together. */
  readonly batch: number;
  /** Seconds per output token each user sees at `batch` (the step at the applied efficiencies); null when measured. */
  readonly secondsPerOutputToken: number | null;
  /** False when even a batch of one is slower than `maxSecondsPerOutputToken`. */
  readonly meetsLatencyTarget: boolean;
  readonly boundBy: ThroughputBound;
  /** tokensPerSecond ÷ ceilingTokensPerSecond: the efficiency that applied at `batch` (1 for a measurement). */
  readonly efficiency: number;
}

const BYTES_PER_PARAMETER: Readonly<Record<WeightPrecision, number>> = {
  bf16: 2,
  fp8: 1,
  int4: 0.5,
  // MXFP4: 4-bit values plus one 8-bit scale per 32 → 4.25 bits (cost-data.md §6.1).
  mxfp4: 4.25 / 8,
};

const BYTES_PER_KV_ELEMENT: Readonly<Record<KvCachePrecision, number>> = { bf16: 2, fp8: 1 };

const GIB = 2 ** 30;

/** The tensor-core precision the matmuls run at, and its dense FLOP/s. */
export function computeFlops(gpu: GpuSpec, precision: WeightPrecision): { precision: "bf16" | "fp8" | "fp4"; flops: number } {
  const t = gpu.denseTflops;
  // Weight-only 4-bit formats run as W4A16 (dequantized to BF16) except MXFP4 on GPUs with FP4 cores.
  if (precision === "fp8" && t.fp8 !== null) return { precision: "fp8", flops: t.fp8 * 1e12 };
  if (precision === "mxfp4" && t.fp4 !== null) return { precision: "fp4", flops: t.fp4 * 1e12 };
  return { precision: "bf16", flops: t.bf16 * 1e12 };
}

/** Bytes of all weights at `precision`; the published checkpoint size when serving its native precision. */
export function weightBytes(model: ModelSpec, precision: WeightPrecision): number {
  if (precision === model.nativePrecision && model.checkpointGiB !== undefined) {
    return model.checkpointGiB * GIB;
  }
  return model.parametersB.total * 1e9 * BYTES_PER_PARAMETER[precision];
}

/**
 * KV cache bytes of one sequence holding `contextTokens` tokens, over the whole model (all layers,
 * before any tensor-parallel split). Sliding-window layers hold at most their window.
 */
export function kvBytesPerSequence(model: ModelSpec, contextTokens: number, kvPrecision: KvCachePrecision): number {
  const bytes = BYTES_PER_KV_ELEMENT[kvPrecision];
  const attention = model.attention;
  if (attention.kind === "mla") {
    return model.layers * (attention.kvLoraRank + attention.qkRopeHeadDim) * bytes * contextTokens;
  }
  const perLayerPerToken = 2 * model.kvHeads * model.headDim * bytes;
  const window = attention.slidingWindow;
  const windowLayers = window?.layers ?? 0;
  const windowTokens = window === undefined ? 0 : Math.min(contextTokens, window.windowTokens);
  return perLayerPerToken * ((model.layers - windowLayers) * contextTokens + windowLayers * windowTokens);
}

/**
 * How many copies of each sequence's KV cache a replica keeps. GQA shards KV heads across the TP
 * ranks (replicated when there are fewer KV heads than ranks); MLA's single latent is replicated on
 * every rank (vLLM).
 */
export function kvReplication(model: ModelSpec, tensorParallel: number): number {
  if (model.attention.kind === "mla") return tensorParallel;
  return Math.max(1, tensorParallel / model.kvHeads);
}

function requirePositive(name: string, value: number, allowed = "a number > 0"): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new Error(`throughput: ${name}: must be ${allowed}, got ${String(value)}`);
  }
}

/** Largest integer B in [lo, hi] with pred(B) true, for a predicate true then false; lo - 1 when none. */
function lastTrue(lo: number, hi: number, pred: (b: number) => boolean): number {
  if (!pred(lo)) return lo - 1;
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = Math.floor((a + b + 1) / 2);
    if (pred(mid)) a = mid;
    else b = mid - 1;
  }
  return a;
}

interface BatchChoice {
  readonly batch: number;
  /** Step time at `batch` at the given efficiencies, seconds. */
  readonly stepTime: number;
  readonly boundBy: Exclude<ThroughputBound, "measured">;
  readonly meetsLatencyTarget: boolean;
}

/**
 * The batch that maximizes throughput: the largest one the KV memory, the cap and the latency target
 * allow, stopped at the first compute-bound step (throughput B / t(B) only grows with B, and is flat
 * once compute-bound).
 */
function chooseBatch(
  upper: number,
  kvBatch: number,
  target: number | undefined,
  memoryTime: (b: number) => number,
  computeTime: (b: number) => number,
  memoryEfficiency: number,
  computeEfficiency: number,
): BatchChoice {
  const memory = (b: number): number => memoryTime(b) / memoryEfficiency;
  const compute = (b: number): number => computeTime(b) / computeEfficiency;
  const step = (b: number): number => Math.max(memory(b), compute(b));
  const lastMemoryBound = lastTrue(1, upper, (b) => compute(b) < memory(b));
  const computeBatch = lastMemoryBound < upper ? lastMemoryBound + 1 : Infinity;
  let latencyBatch = Infinity;
  let meetsLatencyTarget = true;
  if (target !== undefined) {
    latencyBatch = lastTrue(1, upper, (b) => step(b) <= target);
    if (latencyBatch < 1) {
      latencyBatch = 1;
      meetsLatencyTarget = false;
    }
  }
  const batch = Math.min(upper, computeBatch, latencyBatch);
  let boundBy: BatchChoice["boundBy"];
  if (batch === computeBatch) boundBy = "compute";
  else if (batch === latencyBatch && latencyBatch < upper) boundBy = "latency";
  else if (batch === kvBatch) boundBy = "kv-capacity";
  else boundBy = "memory-bandwidth";
  return { batch, stepTime: step(batch), boundBy, meetsLatencyTarget };
}

/** Estimates one replica's output tokens per second from the roofline (or takes a measurement). */
export function estimateThroughput(input: ThroughputInput): ThroughputEstimate {
  const { model, gpu, precision } = input;
  const tp = input.tensorParallel;
  if (!(Number.isInteger(tp) && tp >= 1)) {
    throw new Error(`throughput: tensorParallel: must be an integer ≥ 1, got ${String(tp)}`);
  }
  requirePositive("avgContextTokens", input.avgContextTokens);
  const kvPrecision = input.kvCachePrecision ?? "bf16";
  const compute = computeFlops(gpu, precision);
  const computeEfficiency =
    input.efficiency ??
    (compute.precision === "fp4" ? THROUGHPUT_CALIBRATION.computeFp4.value : THROUGHPUT_CALIBRATION.compute.value);
  const memoryEfficiency = input.efficiency ?? THROUGHPUT_CALIBRATION.memoryBandwidth.value;
  const prefillEfficiency = input.prefillEfficiency ?? THROUGHPUT_CALIBRATION.prefill.value;
  for (const [name, value] of [
    ["efficiency", input.efficiency],
    ["prefillEfficiency", input.prefillEfficiency],
  ] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0 && value <= 1)) {
      throw new Error(`throughput: ${name}: must be in (0, 1] (a fraction of the physical ceiling), got ${String(value)}`);
    }
  }
  if (input.maxSecondsPerOutputToken !== undefined) requirePositive("maxSecondsPerOutputToken", input.maxSecondsPerOutputToken);
  if (input.maxConcurrentSequences !== undefined && !(Number.isInteger(input.maxConcurrentSequences) && input.maxConcurrentSequences >= 1)) {
    throw new Error(`throughput: maxConcurrentSequences: must be an integer ≥ 1, got ${String(input.maxConcurrentSequences)}`);
  }

  const bandwidth = tp * gpu.memoryBandwidthTBps * 1e12;
  const flops = tp * compute.flops;
  const activeParameters = model.parametersB.active * 1e9;
  const flopsPerToken = 2 * activeParameters;
  const weightsTotal = weightBytes(model, precision);
  const weightsActive = weightsTotal * (model.parametersB.active / model.parametersB.total);
  const kvPerSequence = kvBytesPerSequence(model, input.avgContextTokens, kvPrecision) * kvReplication(model, tp);

  const kvAvailable =
    input.kvCacheBytesPerReplica ?? tp * gpu.memoryGiB * GIB * DEFAULT_GPU_MEMORY_UTILIZATION - weightsTotal;
  if (!(kvAvailable > 0)) {
    throw new Error(
      `throughput: ${model.id} at ${precision} on ${tp}× ${gpu.id}: no memory left for the KV cache ` +
        `(weights ${(weightsTotal / GIB).toFixed(1)} GiB, KV available ${(kvAvailable / GIB).toFixed(1)} GiB); ` +
        "use more GPUs per replica or a smaller precision",
    );
  }
  const kvBatch = Math.floor(kvAvailable / kvPerSequence);
  if (kvBatch < 1) {
    throw new Error(
      `throughput: ${model.id} on ${tp}× ${gpu.id}: one sequence of ${input.avgContextTokens} tokens needs ` +
        `${(kvPerSequence / GIB).toFixed(2)} GiB of KV cache, only ${(kvAvailable / GIB).toFixed(2)} GiB available; ` +
        "shorten the context or add GPUs per replica",
    );
  }

  // MoE: a batch touches more experts as it grows; min(all, active × B) bounds the bytes read.
  const memoryTime = (b: number): number => (Math.min(weightsTotal, weightsActive * b) + b * kvPerSequence) / bandwidth;
  const computeTime = (b: number): number => (b * flopsPerToken) / flops;
  const stepTime = (b: number): number => Math.max(memoryTime(b), computeTime(b));
  const computeCeiling = flops / flopsPerToken;

  const upper = Math.min(kvBatch, input.maxConcurrentSequences ?? kvBatch);
  const target = input.maxSecondsPerOutputToken;
  // The serving stack reaches a different share of each roof: bandwidth-bound kernels stream HBM
  // well, while the compute-bound share also pays for scheduling, prefill interleaving and TP/PP traffic.
  const actual = chooseBatch(upper, kvBatch, target, memoryTime, computeTime, memoryEfficiency, computeEfficiency);
  // The physical ceiling: a perfect stack under the same memory, cap and latency constraints.
  const ideal = chooseBatch(upper, kvBatch, target, memoryTime, computeTime, 1, 1);
  const ceiling = ideal.batch / stepTime(ideal.batch);
  // min(): the ideal batch is never smaller and throughput grows with batch, so this only guards rounding.
  const estimate = Math.min(actual.batch / actual.stepTime, ceiling);

  if (input.measuredTokensPerSecond !== undefined) {
    const measured = input.measuredTokensPerSecond;
    requirePositive("measuredTokensPerSecond", measured);
    if (measured > computeCeiling) {
      throw new Error(
        `throughput: ${model.id} on ${tp}× ${gpu.id}: measuredTokensPerSecond ${measured} exceeds the physical ceiling ` +
          `${Math.floor(computeCeiling)} tokens/s (2 × ${model.parametersB.active}B active parameters FLOPs per token at ` +
          `${compute.flops / 1e12} ${compute.precision} TFLOPS × ${tp}); give the rate of one replica, not of a whole server`,
      );
    }
    return {
      tokensPerSecond: measured,
      ceilingTokensPerSecond: computeCeiling,
      computeCeilingTokensPerSecond: computeCeiling,
      prefillTokensPerSecond: null,
      batch: actual.batch,
      secondsPerOutputToken: null,
      meetsLatencyTarget: true,
      boundBy: "measured",
      efficiency: 1,
    };
  }

  return {
    tokensPerSecond: estimate,
    ceilingTokensPerSecond: ceiling,
    computeCeilingTokensPerSecond: computeCeiling,
    prefillTokensPerSecond: prefillEfficiency * computeCeiling,
    batch: actual.batch,
    secondsPerOutputToken: actual.stepTime,
    meetsLatencyTarget: actual.meetsLatencyTarget,
    boundBy: actual.boundBy,
    efficiency: estimate / ceiling,
  };
}
