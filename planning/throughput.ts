/**
 * Roofline estimate of the tokens per second one model replica serves.
 *
 * One decode step emits one output token for each of the B sequences in the batch. It reads the
 * weights it touches plus every sequence's KV cache from HBM, and does 2 × active parameters FLOPs
 * per token — the roofline model (Williams, Waterman and Patterson, CACM 2009,
 * https://doi.org/10.1145/1498765.1498785) with a forward pass of 2 FLOPs per parameter per token
 * (Kaplan et al. 2020, https://arxiv.org/abs/2001.08361):
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
 * The efficiency factors come from catalog/calibration.ts (fitted on MLPerf results, with sources);
 * the weight and KV cache bytes from planning/memory.ts, the same arithmetic the fit check uses.
 * Pure: no I/O.
 */
import { THROUGHPUT_CALIBRATION } from "../catalog/calibration";
import { VLLM } from "../catalog/upstream";
import type { EfficiencyFactor, GpuSpec, ModelSpec, ThroughputCalibration, WeightPrecision } from "../catalog/types";
import { DEFAULT_OVERHEAD_GIB } from "./fit";
import { GIB, kvBytesPerSequence, weightsBytes, type KvCacheDtype } from "./memory";

/**
 * Precision of the KV cache: vLLM `--kv-cache-dtype`, the same values as the fit check's
 * `kvCacheDtype` (`auto` is the model's 16-bit dtype, see planning/memory.ts).
 */
export type KvCachePrecision = KvCacheDtype;

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

/** The share of HBM vLLM gives to weights + KV cache by default (`--gpu-memory-utilization`, catalog/upstream.ts). */
export const DEFAULT_GPU_MEMORY_UTILIZATION: number = VLLM.defaultGpuMemoryUtilization;

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
   * KV cache memory available in the whole replica, bytes, summed over its GPUs: TP × (usable −
   * weights ÷ TP − overhead) per GPU, as the fit check counts it. (MLA keeps a full copy of the
   * latent on every GPU, so an MLA sequence takes TP × its KV bytes of this; see `kvReplication`.)
   * @default - TP × (GPU memory × 0.9 − DEFAULT_OVERHEAD_GIB) − weights: the fit check's room at vLLM's
   * default `--gpu-memory-utilization` and the default overhead
   */
  readonly kvCacheBytesPerReplica?: number;
  /** @default "auto" (BF16, see planning/memory.ts `kvBytesPerElement`) */
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
   * The efficiency factors applied to the roofline, with their sources (an environment file's
   * override, or the catalog's).
   * @default THROUGHPUT_CALIBRATION from catalog/calibration.ts
   */
  readonly calibration?: ThroughputCalibration;
  /**
   * Fraction of the roofline the serving stack reaches, in (0, 1], for both the bandwidth and the
   * compute regime; replaces the calibration's three decode factors.
   * @default - from `calibration`: `memoryBandwidthEfficiency` for bandwidth-bound steps;
   * `computeEfficiencyFp4` when the matmuls run at FP4, else `computeEfficiency`, for compute-bound ones
   */
  readonly efficiency?: number;
  /**
   * Fraction of the compute ceiling reached on prompt tokens, in (0, 1].
   * @default - `calibration.prefillEfficiency`
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

/** The tensor-core precision the matmuls run at, and its dense FLOP/s. */
export function computeFlops(gpu: GpuSpec, precision: WeightPrecision): { precision: "bf16" | "fp8" | "fp4"; flops: number } {
  const t = gpu.denseTflops;
  // Weight-only 4-bit formats run as W4A16 (dequantized to BF16) except MXFP4 on GPUs with FP4 cores.
  if (precision === "fp8" && t.fp8 !== null) return { precision: "fp8", flops: t.fp8 * 1e12 };
  if (precision === "mxfp4" && t.fp4 !== null) return { precision: "fp4", flops: t.fp4 * 1e12 };
  return { precision: "bf16", flops: t.bf16 * 1e12 };
}

/**
 * How many copies of each sequence's KV cache a replica keeps. GQA shards KV heads across the TP
 * ranks (replicated when there are fewer KV heads than ranks); MLA's single latent is replicated on
 * every rank (vLLM). For every layout the fit check accepts (TP divides the KV heads) this is TP ÷
 * the fit check's KV shards (planning/fit.ts `kvShards`), so both count the same KV memory.
 */
export function kvReplication(model: ModelSpec, tensorParallel: number): number {
  if (model.attention.kind === "mla") return tensorParallel;
  return Math.max(1, tensorParallel / model.kvHeads);
}

/** The calibration's factors, each checked to be a fraction in (0, 1]. */
const CALIBRATION_FACTORS: readonly EfficiencyFactor[] = [
  "computeEfficiency",
  "computeEfficiencyFp4",
  "memoryBandwidthEfficiency",
  "prefillEfficiency",
];

function requireFraction(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0 && value <= 1)) {
    throw new Error(`throughput: ${name}: must be in (0, 1] (a fraction of the physical ceiling), got ${String(value)}`);
  }
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

/**
 * What no measurement of one replica can exceed: its compute ceiling, TP × dense FLOPS ÷ (2 × active
 * parameters) output tokens per second. Returns the message (without a path) when `measured` is
 * above it, else undefined: the cost plan reports it as a problem of the file, and
 * `estimateThroughput` throws on it (its callers check first).
 */
export function measuredAboveCeiling(
  input: Pick<ThroughputInput, "model" | "gpu" | "precision" | "tensorParallel">,
  measured: number,
): string | undefined {
  const compute = computeFlops(input.gpu, input.precision);
  const tp = input.tensorParallel;
  // The same operations, in the same order, as estimateThroughput's ceiling: equal to the last bit.
  const computeCeiling = (tp * compute.flops) / (2 * (input.model.parametersB.active * 1e9));
  if (!(measured > computeCeiling)) return undefined;
  return (
    `measuredTokensPerSecond ${measured} exceeds the physical ceiling ${Math.floor(computeCeiling)} tokens/s of one replica ` +
    `(2 × ${input.model.parametersB.active}B active parameters FLOPs per token at ${+(compute.flops / 1e12).toPrecision(6)} ${compute.precision} ` +
    `TFLOPS × ${tp} on ${input.gpu.id}); give the rate of one replica, not of a whole server`
  );
}

/** Estimates one replica's output tokens per second from the roofline (or takes a measurement). */
export function estimateThroughput(input: ThroughputInput): ThroughputEstimate {
  const { model, gpu, precision } = input;
  const tp = input.tensorParallel;
  if (!(Number.isInteger(tp) && tp >= 1)) {
    throw new Error(`throughput: tensorParallel: must be an integer ≥ 1, got ${String(tp)}`);
  }
  requirePositive("avgContextTokens", input.avgContextTokens);
  const kvPrecision = input.kvCachePrecision ?? "auto";
  const calibration = input.calibration ?? THROUGHPUT_CALIBRATION;
  for (const name of CALIBRATION_FACTORS) requireFraction(`calibration.${name}`, calibration[name]);
  for (const [name, value] of [
    ["efficiency", input.efficiency],
    ["prefillEfficiency", input.prefillEfficiency],
  ] as const) {
    if (value !== undefined) requireFraction(name, value);
  }
  const compute = computeFlops(gpu, precision);
  const computeEfficiency =
    input.efficiency ?? (compute.precision === "fp4" ? calibration.computeEfficiencyFp4 : calibration.computeEfficiency);
  const memoryEfficiency = input.efficiency ?? calibration.memoryBandwidthEfficiency;
  const prefillEfficiency = input.prefillEfficiency ?? calibration.prefillEfficiency;
  if (input.maxSecondsPerOutputToken !== undefined) requirePositive("maxSecondsPerOutputToken", input.maxSecondsPerOutputToken);
  if (input.maxConcurrentSequences !== undefined && !(Number.isInteger(input.maxConcurrentSequences) && input.maxConcurrentSequences >= 1)) {
    throw new Error(`throughput: maxConcurrentSequences: must be an integer ≥ 1, got ${String(input.maxConcurrentSequences)}`);
  }

  const bandwidth = tp * gpu.memoryBandwidthTBps * 1e12;
  const flops = tp * compute.flops;
  const activeParameters = model.parametersB.active * 1e9;
  const flopsPerToken = 2 * activeParameters;
  const weightsTotal = weightsBytes(model, precision);
  const weightsActive = weightsTotal * (model.parametersB.active / model.parametersB.total);
  const kvPerSequence = kvBytesPerSequence(model, input.avgContextTokens, kvPrecision) * kvReplication(model, tp);

  // Counted like the fit check: per GPU, usable − weights ÷ TP − overhead; summed over the TP GPUs.
  const kvAvailable =
    input.kvCacheBytesPerReplica ??
    tp * (gpu.memoryGiB * DEFAULT_GPU_MEMORY_UTILIZATION * GIB - weightsTotal / tp - DEFAULT_OVERHEAD_GIB * GIB);
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
    // The cost plan reports this as a problem of the file before it gets here (planning/costs.ts).
    const above = measuredAboveCeiling(input, measured);
    if (above !== undefined) throw new Error(`throughput: ${model.id} on ${tp}× ${gpu.id}: ${above}`);
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
