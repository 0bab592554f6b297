/**
 * The tokens per second one model replica serves: a roofline model of prefill and decode with
 * the efficiencies a real serving stack reaches, fitted on published measurements
 * (catalog/benchmarks.ts, fitted by planning/calibration-fit.ts).
 *
 * A replica is TP GPUs (vLLM `--tensor-parallel-size`); bandwidth, FLOPS and memory add up across
 * them, and every layer pays two all-reduces of its activations over the server's interconnect
 * (Megatron-style tensor parallelism: Shoeybi et al. 2019, https://arxiv.org/abs/1909.08053).
 * Notation: B sequences decoded together, c their mean context, W weight bytes, N parameters
 * (N_shared used by every token, N_routed the routed experts a token uses), L layers, h hidden
 * size, F dense FLOP/s of the weights' precision and F_a of the KV cache's precision (attention
 * runs at the latter), BW HBM bytes/s of one GPU, link the per-GPU interconnect bandwidth; e_* are
 * the calibration's efficiencies (ThroughputFactors, catalog/types.ts), each in (0, 1].
 *
 * Decode, one step emits one token for each of the B sequences (the roofline model: Williams,
 * Waterman and Patterson, CACM 2009, https://doi.org/10.1145/1498765.1498785):
 *
 *   weights(B)  = W_shared / (TP · BW · e_w) + W_routed(B) / (TP · BW · e_w · m)
 *   compute(B)  = B · 2 · N_shared / (TP · F · e_c) + B · 2 · N_routed / (TP · F · e_c · m · x(B · k/E))
 *   kv(B)       = B · KV(c) · r / (TP · BW · e_kv)
 *   attn(B)     = B · A_dec(c) / (TP · F_a · e_c)
 *   comm(B)     = 2 · L · (α + 2 · (TP − 1)/TP · B · h · 2 bytes / (link · e_link · d))      (TP > 1)
 *   step(B)     = max(weights(B), compute(B)) + max(kv(B), attn(B)) + comm(B) + τ + B · σ
 *   decode rate = B / step(B)
 *
 * The matmuls (weights) and attention (KV cache) run one after the other in every layer, each
 * bound by the slower of its bytes and its FLOPs: at a large batch the matmuls turn compute-bound
 * while attention stays bound by the KV cache it reads. e_c is `computeEfficiency`, or
 * `computeEfficiencyFp4` when the matmuls run on FP4 tensor cores.
 *
 * - W_shared, W_routed(B): a dense model reads all its weights every step. An MoE model reads its
 *   shared part and the experts its B tokens are routed to: with E experts of which k are used per
 *   token, an expert is untouched by one token with probability 1 − k/E, so the routed weights
 *   touched are W_routed · (1 − (1 − k/E)^B) (uniform routing). W_routed follows from the
 *   parameter counts: N_act = N_shared + N_routed_total · k/E.
 * - KV(c) · r: one sequence's KV cache at its mean context (planning/memory.ts, the fit check's
 *   arithmetic), times the copies the TP ranks keep (`kvReplication`).
 * - A_dec(c): attention FLOPs per token: 4 · heads · head dim per attended token and layer for
 *   GQA (QKᵀ and AV), fewer on sliding-window layers; MLA attends over its latent.
 * - m, x(t): routed experts reach a smaller share of peak, of FLOPS and of bandwidth (grouped GEMMs,
 *   routing imbalance): `moeEfficiency`; and an expert with t tokens in a step runs at
 *   x(t) = t / (t + `moeExpertTokensHalf`) of that. Both 1 for dense models.
 * - e_link is `interconnectEfficiency` over NVLink, `pcieEfficiency` over PCIe; d is
 *   `crossDomainEfficiency` when the TP group spans both CPU sockets of a PCIe server, else 1.
 * - α: the fixed cost of one all-reduce (launch and synchronization); τ the fixed cost of a step
 *   (launching it), σ the cost of each sequence in it (scheduling, sampling, detokenizing: host
 *   work that large batches of small models are bound by).
 *
 * B is the largest batch the KV memory, the concurrency cap (`--max-num-seqs`, or the client's
 * concurrency) and the latency target allow: the decode rate never falls as B grows (step(B) / B
 * only falls), so the largest allowed batch is the best.
 *
 * Prefill, per prompt token (compute-bound; Kaplan et al. 2020, https://arxiv.org/abs/2001.08361
 * for 2 FLOPs per parameter, causal attention over the prompt on top):
 *
 *   prefill time/token = 2 · N_shared / (TP · F · e_p) + 2 · N_routed / (TP · F · e_p · m · x(8192 · k/E))
 *                        + A_pre(s) / (TP · F_a · e_a) + 2 · L · 2 · (TP − 1)/TP · h · 2 / (link · e_link · d)
 *
 * with e_p `prefillEfficiency` (`prefillEfficiencyFp4` on FP4 tensor cores), e_a
 * `attentionEfficiency`, prompts processed in chunks of 8,192 tokens (vLLM's and TensorRT-LLM's
 * default token budget per step), and A_pre(s) the attention FLOPs averaged over a causal prompt of
 * s tokens (a token at position i attends to i tokens, s/2 on average; w − w²/(2s) on a window w).
 *
 * A workload of prompts of s tokens (s_c of them computed: prefix-cache hits are not) and outputs of
 * o tokens then runs at
 *
 *   output tokens/s = 1 / (1 / decode rate + (s_c / o) / prefill rate)
 *
 * (prefill and decode share the GPUs' time; chunked prefill interleaves them). An engine other
 * than the reference scales the decode and prefill efficiencies (`engines`), and a site adjustment
 * for the GPU and model family scales them again (`factorsFor`).
 *
 * The physical ceiling is the same model with every efficiency 1 and no fixed costs: no stack can
 * beat it, and the estimate is never above it. Pure: no I/O.
 */
import { THROUGHPUT_CALIBRATION } from "../catalog/calibration";
import { VLLM } from "../catalog/upstream";
import type {
  BenchmarkEngine,
  CalibrationAdjustment,
  GpuSpec,
  Interconnect,
  ModelArchitecture,
  ThroughputCalibration,
  ThroughputFactors,
  WeightPrecision,
} from "../catalog/types";
import { DEFAULT_OVERHEAD_GIB } from "./fit";
import { GIB, kvBytesPerSequence, kvReplication, sequencesInKvRoom, weightsBytes, type KvCacheDtype } from "./memory";

/** Precision of the KV cache: vLLM `--kv-cache-dtype` (see planning/memory.ts). */
export type KvCachePrecision = KvCacheDtype;

/** What limits a replica's throughput. */
export type ThroughputBound =
  /** Decode is bandwidth-bound and the batch is held at the concurrency cap. */
  | "memory-bandwidth"
  /** Decode is compute-bound: a bigger batch would not help. */
  | "compute"
  /** Decode is bandwidth-bound and there is no room for more sequences' KV cache. */
  | "kv-capacity"
  /** A bigger batch would make each step slower than the latency target. */
  | "latency"
  /** The tensor-parallel all-reduces take more of each step than the weights, KV and compute. */
  | "interconnect"
  /** Prompt processing takes most of the replica's time (prompt-heavy workloads). */
  | "prefill"
  /** `measuredTokensPerSecond` was given and replaces the estimate. */
  | "measured";

/** The share of HBM vLLM gives to weights + KV cache by default (`--gpu-memory-utilization`, catalog/upstream.ts). */
export const DEFAULT_GPU_MEMORY_UTILIZATION: number = VLLM.defaultGpuMemoryUtilization;

/** Bytes of one activation element exchanged by the all-reduces (BF16). */
const ACTIVATION_BYTES = 2;

/** All-reduces per layer under tensor parallelism: after attention and after the MLP. */
const ALL_REDUCES_PER_LAYER = 2;

/**
 * The interconnect assumed when none is given and TP > 1: PCIe Gen4 x16, 32 GB/s one way
 * (PCI-SIG, PCIe 4.0 base specification: 16 GT/s × 16 lanes, 128b/130b).
 */
export const DEFAULT_INTERCONNECT: Interconnect = {
  kind: "pcie",
  gbpsPerGpu: 32,
  sources: [{ url: "https://pcisig.com/specifications/pciexpress/", date: "2026-11-30", note: "PCIe 4.0: 16 GT/s per lane, x16 ≈ 32 GB/s per direction" }],
};

/** Inputs of one replica's throughput estimate. */
export interface ThroughputInput {
  readonly model: ModelArchitecture;
  readonly gpu: GpuSpec;
  /** Precision the weights are served in. */
  readonly precision: WeightPrecision;
  /** GPUs per replica (vLLM `--tensor-parallel-size`). */
  readonly tensorParallel: number;
  /** The link the TP ranks talk over. @default DEFAULT_INTERCONNECT (PCIe Gen4) when TP > 1 */
  readonly interconnect?: Interconnect;
  /** Mean prompt tokens per request (fresh and cached: all of them are in the context). */
  readonly promptTokens: number;
  /** Mean generated tokens per request. */
  readonly outputTokens: number;
  /**
   * Prompt tokens per request the replica computes (cache hits are not computed).
   * @default promptTokens
   */
  readonly computedPromptTokens?: number;
  /**
   * KV cache memory of the whole replica, bytes, summed over its GPUs, as the fit check counts it.
   * @default - TP × (GPU memory × 0.9 − weights ÷ TP − DEFAULT_OVERHEAD_GIB)
   */
  readonly kvCacheBytesPerReplica?: number;
  /** @default "auto" (BF16, see planning/memory.ts `kvBytesPerElement`) */
  readonly kvCachePrecision?: KvCachePrecision;
  /**
   * How much KV cache a running sequence holds for batching: `mean`, what it has so far, its mean
   * context over its life (vLLM's paged attention, which preempts on overflow); `full`, its whole
   * prompt + output reserved up front (TensorRT-LLM's GUARANTEED_NO_EVICT scheduler, or a site that
   * wants no preemption ever).
   * @default "mean"
   */
  readonly kvReservation?: "mean" | "full";
  /** Latency target: maximum seconds per output token for each user (TPOT). @default - none */
  readonly maxSecondsPerOutputToken?: number;
  /** Cap on sequences decoded together (vLLM `--max-num-seqs`, or a client's concurrency). @default - the KV memory's */
  readonly maxConcurrentSequences?: number;
  /**
   * The serving engine, whose efficiencies the calibration scales (catalog/calibration.ts `engines`).
   * @default "vllm", the engine the stacks deploy
   */
  readonly engine?: BenchmarkEngine;
  /** The efficiencies, with their sources. @default THROUGHPUT_CALIBRATION (catalog/calibration.ts) */
  readonly calibration?: ThroughputCalibration;
  /** A measured rate of this replica on the workload's mix, output tokens per second; replaces the estimate. */
  readonly measuredTokensPerSecond?: number;
}

/** Seconds of one decode step, by what they are spent on. */
export interface StepBreakdown {
  /** Reading the weights touched. */
  readonly weights: number;
  /** Reading the batch's KV cache. */
  readonly kvCache: number;
  /** The matmuls' FLOPs at the compute efficiency (they overlap the weight read: the larger counts). */
  readonly compute: number;
  /** Attention's FLOPs (they overlap the KV read: the larger counts). */
  readonly attention: number;
  /** All-reduces over the interconnect. */
  readonly interconnect: number;
  /** Fixed cost of a step. */
  readonly overhead: number;
}

/** One replica's throughput. */
export interface ThroughputEstimate {
  /** Output (decode) tokens per second of the replica at `batch`, prompt processing not included. */
  readonly tokensPerSecond: number;
  /** The physical bound of the decode rate: the same model at efficiency 1 and no fixed costs. */
  readonly ceilingTokensPerSecond: number;
  /** Compute ceiling of the replica: TP × dense FLOPS / (2 × active parameters), tokens per second. */
  readonly computeCeilingTokensPerSecond: number;
  /** Prompt tokens per second the replica computes; null when a measurement (which includes prefill) is used. */
  readonly prefillTokensPerSecond: number | null;
  /**
   * Output tokens per second end to end at the workload's prompt and output lengths (prefill
   * included): 1 / (1 / decode + (computed prompt / output) / prefill); the measurement when measured.
   */
  readonly workloadTokensPerSecond: number;
  /** Sequences decoded together. */
  readonly batch: number;
  /** Sequences the KV memory holds at the mean context. */
  readonly kvBatch: number;
  /** Mean context of a decoding sequence: prompt + half the output. */
  readonly meanContextTokens: number;
  /** Seconds per output token each user sees at `batch`; null when measured. */
  readonly secondsPerOutputToken: number | null;
  /** The decode step at `batch`, by part; null when measured. */
  readonly step: StepBreakdown | null;
  /** Share of the replica's time spent on prompt processing at the workload's lengths (0 when measured). */
  readonly prefillShare: number;
  /** False when even a batch of one is slower than `maxSecondsPerOutputToken`. */
  readonly meetsLatencyTarget: boolean;
  readonly boundBy: ThroughputBound;
  /** tokensPerSecond ÷ ceilingTokensPerSecond (1 for a measurement). */
  readonly efficiency: number;
}

/** The tensor-core precision the matmuls run at, and its dense FLOP/s. */
export function computeFlops(gpu: GpuSpec, precision: WeightPrecision): { precision: "bf16" | "fp8" | "fp4"; flops: number } {
  const t = gpu.denseTflops;
  // Weight-only 4-bit formats run as W4A16 (dequantized to BF16) except FP4 formats on GPUs with FP4 cores.
  if (precision === "fp8" && t.fp8 !== null) return { precision: "fp8", flops: t.fp8 * 1e12 };
  if ((precision === "mxfp4" || precision === "nvfp4") && t.fp4 !== null) return { precision: "fp4", flops: t.fp4 * 1e12 };
  return { precision: "bf16", flops: t.bf16 * 1e12 };
}

/** How many copies of each sequence's KV cache a replica keeps: planning/memory.ts, shared with the fit check. */
export { kvReplication } from "./memory";

/** Mean tokens a token attends to over a causal prompt of `s` tokens, with an optional window `w`. */
function causalMeanAttended(s: number, w: number | undefined): number {
  if (w === undefined || s <= w) return s / 2;
  return w - (w * w) / (2 * s);
}

/** FLOPs of attention per attended token and layer: QKᵀ and AV (2 FLOPs per multiply-add). */
function attentionFlopsPerAttended(model: ModelArchitecture, phase: "prefill" | "decode"): number {
  const a = model.attention;
  if (a.kind === "gqa") return 4 * model.attentionHeads * model.headDim;
  // MLA: decode attends over the cached latent and RoPE key (weights absorbed); prefill expands the
  // heads (qk head dim = nope + rope, v head dim), as vLLM's MLA backends do.
  if (phase === "decode") return 2 * model.attentionHeads * (2 * a.kvLoraRank + a.qkRopeHeadDim);
  return 2 * model.attentionHeads * (2 * model.headDim + a.qkRopeHeadDim);
}

/** Attention FLOPs of one decode token whose context is `c` tokens. */
export function decodeAttentionFlops(model: ModelArchitecture, c: number): number {
  const per = attentionFlopsPerAttended(model, "decode");
  const a = model.attention;
  if (a.kind === "gqa" && a.slidingWindow !== undefined) {
    const sw = a.slidingWindow;
    return per * ((model.layers - sw.layers) * c + sw.layers * Math.min(c, sw.windowTokens));
  }
  return per * model.layers * c;
}

/** Attention FLOPs per prompt token, averaged over a causal prompt of `s` tokens. */
export function prefillAttentionFlops(model: ModelArchitecture, s: number): number {
  const per = attentionFlopsPerAttended(model, "prefill");
  const a = model.attention;
  if (a.kind === "gqa" && a.slidingWindow !== undefined) {
    const sw = a.slidingWindow;
    return per * ((model.layers - sw.layers) * causalMeanAttended(s, undefined) + sw.layers * causalMeanAttended(s, sw.windowTokens));
  }
  return per * model.layers * causalMeanAttended(s, undefined);
}

/**
 * Weight bytes one decode step of `b` sequences reads: all of them for a dense model; for an MoE
 * model the shared part and the routed experts hit by b tokens under uniform routing.
 */
export function weightsTouched(model: ModelArchitecture, weights: number, b: number): number {
  const { shared, routed } = weightsSplit(model, weights, b);
  return shared + routed;
}

/**
 * The weight bytes one decode step of `b` sequences reads, split into the part every token uses
 * (all of a dense model) and the routed experts hit (see `weightsTouched`).
 */
export function weightsSplit(model: ModelArchitecture, weights: number, b: number): { shared: number; routed: number } {
  const moe = model.moe;
  const { total, active } = model.parametersB;
  if (active >= total) return { shared: weights, routed: 0 };
  if (moe === undefined) {
    // Without the expert counts: the active share, growing with the batch up to all of them.
    return { shared: 0, routed: Math.min(weights, (weights * active * b) / total) };
  }
  const share = moe.expertsPerToken / moe.experts;
  // N_act = N_shared + N_routed · k/E and N_total = N_shared + N_routed.
  const routedFraction = Math.min(1, Math.max(0, (total - active) / (total * (1 - share))));
  const routed = weights * routedFraction;
  return { shared: weights - routed, routed: routed * (1 - Math.pow(1 - share, b)) };
}

/** Weight bytes on each GPU of a replica (tensor parallelism shards every layer). */
export function weightsPerGpu(model: ModelArchitecture, precision: WeightPrecision, tp: number): number {
  return weightsBytes(model, precision) / tp;
}

/** Whether the model routes tokens to experts. */
export function isMoe(model: ModelArchitecture): boolean {
  return model.parametersB.active < model.parametersB.total;
}

/** A model's family for calibration: `moe` when it routes to experts, else `dense`. */
export function modelFamily(model: ModelArchitecture): "dense" | "moe" {
  return isMoe(model) ? "moe" : "dense";
}

const FRACTIONS: readonly (keyof ThroughputFactors)[] = [
  "weightBandwidthEfficiency",
  "kvBandwidthEfficiency",
  "computeEfficiency",
  "computeEfficiencyFp4",
  "prefillEfficiency",
  "prefillEfficiencyFp4",
  "attentionEfficiency",
  "moeEfficiency",
  "interconnectEfficiency",
  "pcieEfficiency",
  "crossDomainEfficiency",
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

/** Checks every factor of a calibration; throws naming the first bad one. */
export function checkFactors(f: ThroughputFactors, where = "calibration"): void {
  for (const name of FRACTIONS) requireFraction(`${where}.${name}`, f[name]);
  for (const name of ["allReduceLatencyUs", "stepOverheadMs", "sequenceOverheadUs", "moeExpertTokensHalf"] as const) {
    if (!(Number.isFinite(f[name]) && f[name] >= 0)) throw new Error(`throughput: ${where}.${name}: must be a number ≥ 0, got ${String(f[name])}`);
  }
}

/** Decode factors × `decode`, prefill factors × `prefill`, every efficiency kept ≤ 1. */
function scaled(f: ThroughputFactors, decode: number, prefill: number): ThroughputFactors {
  const cap = (x: number) => Math.min(1, x);
  return {
    ...f,
    weightBandwidthEfficiency: cap(f.weightBandwidthEfficiency * decode),
    kvBandwidthEfficiency: cap(f.kvBandwidthEfficiency * decode),
    computeEfficiency: cap(f.computeEfficiency * decode),
    computeEfficiencyFp4: cap(f.computeEfficiencyFp4 * decode),
    prefillEfficiency: cap(f.prefillEfficiency * prefill),
    prefillEfficiencyFp4: cap(f.prefillEfficiencyFp4 * prefill),
    attentionEfficiency: cap(f.attentionEfficiency * prefill),
  };
}

/**
 * The factors that apply to an engine, a GPU and a model family: the calibration's, scaled for
 * the engine (engines reach different shares of the same GPU; the reference engine, the one most
 * measurements come from, has none) and by a site adjustment for that GPU and family (from
 * `ai-factory calibrate`), every efficiency kept ≤ 1.
 */
export function factorsFor(
  calibration: ThroughputCalibration,
  gpuId: string,
  family: "dense" | "moe",
  engine: BenchmarkEngine = "vllm",
): { factors: ThroughputFactors; adjustment?: CalibrationAdjustment } {
  const e = calibration.engines?.[engine];
  const base = e === undefined ? calibration : scaled(calibration, e.decodeScale, e.prefillScale);
  const adjustment = calibration.adjustments.find((a) => a.gpu === gpuId && a.family === family);
  if (adjustment === undefined) return { factors: base };
  return { adjustment, factors: scaled(base, adjustment.decodeScale, adjustment.prefillScale) };
}

/** Bytes per second one GPU's all-reduce traffic moves at: the link at its efficiency, less when it crosses sockets. */
function linkRate(r: Replica, f: ThroughputFactors): number {
  return r.linkBytesPerSecond * (r.pcie ? f.pcieEfficiency : f.interconnectEfficiency) * (r.crossesDomain ? f.crossDomainEfficiency : 1);
}

/** Efficiency 1 everywhere and no fixed costs: the physical ceiling. */
const IDEAL: ThroughputFactors = {
  weightBandwidthEfficiency: 1,
  kvBandwidthEfficiency: 1,
  computeEfficiency: 1,
  computeEfficiencyFp4: 1,
  prefillEfficiency: 1,
  prefillEfficiencyFp4: 1,
  attentionEfficiency: 1,
  moeEfficiency: 1,
  moeExpertTokensHalf: 0,
  interconnectEfficiency: 1,
  pcieEfficiency: 1,
  allReduceLatencyUs: 0,
  crossDomainEfficiency: 1,
  stepOverheadMs: 0,
  sequenceOverheadUs: 0,
};

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

/** The replica's fixed quantities, shared by the estimate and its ceiling. */
interface Replica {
  readonly model: ModelArchitecture;
  readonly tp: number;
  readonly bandwidth: number;
  readonly flops: number;
  /**
   * Dense FLOP/s of attention, all GPUs: it runs at the KV cache's precision (FP8 with an FP8 KV
   * cache on a GPU with FP8 cores, else BF16), whatever the weights' precision.
   */
  readonly attentionFlops: number;
  readonly fp4: boolean;
  readonly moe: boolean;
  readonly weights: number;
  readonly kvPerSequence: number;
  /** Matmul FLOPs per token of the parts every token uses, and of the routed experts it is sent to. */
  readonly sharedFlopsPerToken: number;
  readonly routedFlopsPerToken: number;
  /** Routed experts a token uses out of the experts of a layer (k/E); 0 for a dense model. */
  readonly routedShare: number;
  readonly attentionFlopsPerToken: number;
  readonly prefillFlopsPerToken: number;
  readonly prefillAttentionFlopsPerToken: number;
  /** Bytes each GPU sends per token and all-reduce, ring algorithm: 2 (TP − 1)/TP × h × 2 B. */
  readonly allReduceBytesPerToken: number;
  readonly linkBytesPerSecond: number;
  /** The TP group spans more GPUs than share a CPU socket: its traffic crosses the socket link. */
  readonly crossesDomain: boolean;
  readonly pcie: boolean;
  readonly allReduces: number;
}

function stepParts(r: Replica, f: ThroughputFactors, b: number): StepBreakdown {
  const computeEfficiency = r.fp4 ? f.computeEfficiencyFp4 : f.computeEfficiency;
  const expertEfficiency = computeEfficiency * f.moeEfficiency * expertSaturation(r.routedShare * b, f.moeExpertTokensHalf);
  const comm =
    r.tp > 1 ? r.allReduces * (f.allReduceLatencyUs * 1e-6 + (b * r.allReduceBytesPerToken) / linkRate(r, f)) : 0;
  const w = weightsSplit(r.model, r.weights, b);
  return {
    // Routed experts are read by grouped GEMMs of a few tokens each: the MoE efficiency applies.
    weights: w.shared / (r.bandwidth * f.weightBandwidthEfficiency) + w.routed / (r.bandwidth * f.weightBandwidthEfficiency * (r.moe ? f.moeEfficiency : 1)),
    kvCache: (b * r.kvPerSequence) / (r.bandwidth * f.kvBandwidthEfficiency),
    compute: (b * r.sharedFlopsPerToken) / (r.flops * computeEfficiency) + (r.routedFlopsPerToken > 0 ? (b * r.routedFlopsPerToken) / (r.flops * expertEfficiency) : 0),
    attention: (b * r.attentionFlopsPerToken) / (r.attentionFlops * f.computeEfficiency),
    interconnect: comm,
    overhead: f.stepOverheadMs * 1e-3 + b * f.sequenceOverheadUs * 1e-6,
  };
}

/** The share of its efficiency a routed expert reaches with `tokens` tokens in a step: t / (t + half). */
function expertSaturation(tokens: number, half: number): number {
  return half <= 0 ? 1 : tokens / (tokens + half);
}

/** Prefill runs in chunks of this many tokens (vLLM's and TensorRT-LLM's default token budget per step). */
const PREFILL_CHUNK_TOKENS = 8192;

/** Matmul FLOPs per token: 2 per parameter, split into the shared part and the routed experts. */
function matmulFlops(model: ModelArchitecture): { sharedFlopsPerToken: number; routedFlopsPerToken: number; routedShare: number } {
  const active = model.parametersB.active * 1e9;
  const total = model.parametersB.total * 1e9;
  const moe = model.moe;
  if (active >= total) return { sharedFlopsPerToken: 2 * active, routedFlopsPerToken: 0, routedShare: 0 };
  if (moe === undefined) return { sharedFlopsPerToken: 0, routedFlopsPerToken: 2 * active, routedShare: active / total };
  const share = moe.expertsPerToken / moe.experts;
  const routedTotal = Math.min(total, Math.max(0, (total - active) / (1 - share)));
  const routedActive = routedTotal * share;
  return { sharedFlopsPerToken: 2 * (active - routedActive), routedFlopsPerToken: 2 * routedActive, routedShare: share };
}

function stepSeconds(s: StepBreakdown): number {
  return Math.max(s.weights, s.compute) + Math.max(s.kvCache, s.attention) + s.interconnect + s.overhead;
}

function prefillSecondsPerToken(r: Replica, f: ThroughputFactors): number {
  // FP4 tensor cores reach a share of their peak of their own, in prefill as in decode.
  const efficiency = r.fp4 ? f.prefillEfficiencyFp4 : f.prefillEfficiency;
  const expert = efficiency * f.moeEfficiency * expertSaturation(r.routedShare * PREFILL_CHUNK_TOKENS, f.moeExpertTokensHalf);
  const comm = r.tp > 1 ? (r.allReduces * r.allReduceBytesPerToken) / linkRate(r, f) : 0;
  const routed = r.routedFlopsPerToken;
  const attention = r.prefillAttentionFlopsPerToken / (r.attentionFlops * f.attentionEfficiency);
  return (r.prefillFlopsPerToken - routed) / (r.flops * efficiency) + (routed > 0 ? routed / (r.flops * expert) : 0) + attention + comm;
}

/** Largest batch in [1, upper] whose step meets the target; 1 (and missed) when none does. */
function latencyBatch(r: Replica, f: ThroughputFactors, upper: number, target: number | undefined): { batch: number; met: boolean } {
  if (target === undefined) return { batch: upper, met: true };
  const b = lastTrue(1, upper, (x) => stepSeconds(stepParts(r, f, x)) <= target);
  return b < 1 ? { batch: 1, met: false } : { batch: b, met: true };
}

/**
 * What no measurement of one replica can exceed: its compute ceiling, TP × dense FLOPS ÷ (2 × active
 * parameters) output tokens per second. Returns the message (without a path) when `measured` is
 * above it, else undefined.
 */
export function measuredAboveCeiling(
  input: Pick<ThroughputInput, "model" | "gpu" | "precision" | "tensorParallel">,
  measured: number,
): string | undefined {
  const compute = computeFlops(input.gpu, input.precision);
  const tp = input.tensorParallel;
  // The same operations, in the same order, as estimateThroughput's compute ceiling: equal to the last bit.
  const computeCeiling = (tp * compute.flops) / (2 * (input.model.parametersB.active * 1e9));
  if (!(measured > computeCeiling)) return undefined;
  return (
    `measuredTokensPerSecond ${measured} exceeds the physical ceiling ${Math.floor(computeCeiling)} tokens/s of one replica ` +
    `(2 × ${input.model.parametersB.active}B active parameters FLOPs per token at ${+(compute.flops / 1e12).toPrecision(6)} ${compute.precision} ` +
    `TFLOPS × ${tp} on ${input.gpu.id}); give the rate of one replica, not of a whole server`
  );
}

function boundOf(
  step: StepBreakdown,
  prefillShare: number,
  batch: number,
  limits: { kv: number; cap: number; latency: number },
): Exclude<ThroughputBound, "measured"> {
  if (prefillShare >= 0.5) return "prefill";
  const linear = Math.max(step.weights, step.compute);
  const attention = Math.max(step.kvCache, step.attention);
  if (step.interconnect >= Math.max(linear, attention)) return "interconnect";
  if (step.compute >= step.weights && linear >= attention) return "compute";
  if (batch === limits.latency && limits.latency < Math.min(limits.kv, limits.cap)) return "latency";
  if (batch === limits.kv && limits.kv <= limits.cap) return "kv-capacity";
  return "memory-bandwidth";
}

/** Estimates one replica's throughput (or takes a measurement). */
export function estimateThroughput(input: ThroughputInput): ThroughputEstimate {
  const { model, gpu, precision } = input;
  const tp = input.tensorParallel;
  if (!(Number.isInteger(tp) && tp >= 1)) {
    throw new Error(`throughput: tensorParallel: must be an integer ≥ 1, got ${String(tp)}`);
  }
  requirePositive("promptTokens", input.promptTokens);
  requirePositive("outputTokens", input.outputTokens);
  const computedPrompt = input.computedPromptTokens ?? input.promptTokens;
  if (!(Number.isFinite(computedPrompt) && computedPrompt >= 0 && computedPrompt <= input.promptTokens)) {
    throw new Error(`throughput: computedPromptTokens: must be in [0, promptTokens], got ${String(computedPrompt)}`);
  }
  const calibration = input.calibration ?? THROUGHPUT_CALIBRATION;
  const { factors } = factorsFor(calibration, gpu.id, modelFamily(model), input.engine ?? "vllm");
  checkFactors(factors);
  if (input.maxSecondsPerOutputToken !== undefined) requirePositive("maxSecondsPerOutputToken", input.maxSecondsPerOutputToken);
  if (input.maxConcurrentSequences !== undefined && !(Number.isInteger(input.maxConcurrentSequences) && input.maxConcurrentSequences >= 1)) {
    throw new Error(`throughput: maxConcurrentSequences: must be an integer ≥ 1, got ${String(input.maxConcurrentSequences)}`);
  }
  const interconnect = input.interconnect ?? DEFAULT_INTERCONNECT;
  requirePositive("interconnect.gbpsPerGpu", interconnect.gbpsPerGpu);

  const compute = computeFlops(gpu, precision);
  const kvPrecision = input.kvCachePrecision ?? "auto";
  const meanContext = input.promptTokens + input.outputTokens / 2;
  const weights = weightsBytes(model, precision);
  const replication = kvReplication(model, tp);
  const r: Replica = {
    model,
    tp,
    bandwidth: tp * gpu.memoryBandwidthTBps * 1e12,
    flops: tp * compute.flops,
    attentionFlops: tp * (kvPrecision === "fp8" && gpu.denseTflops.fp8 !== null ? gpu.denseTflops.fp8 : gpu.denseTflops.bf16) * 1e12,
    fp4: compute.precision === "fp4",
    moe: isMoe(model),
    weights,
    kvPerSequence: kvBytesPerSequence(model, meanContext, kvPrecision) * replication,
    ...matmulFlops(model),
    attentionFlopsPerToken: decodeAttentionFlops(model, meanContext),
    prefillFlopsPerToken: 2 * model.parametersB.active * 1e9,
    prefillAttentionFlopsPerToken: prefillAttentionFlops(model, input.promptTokens),
    allReduceBytesPerToken: (2 * (tp - 1) * model.hiddenSize * ACTIVATION_BYTES) / tp,
    linkBytesPerSecond: interconnect.gbpsPerGpu * 1e9,
    crossesDomain: interconnect.gpusPerDomain !== undefined && tp > interconnect.gpusPerDomain,
    pcie: interconnect.kind === "pcie",
    allReduces: ALL_REDUCES_PER_LAYER * model.layers,
  };

  // Counted like the fit check: per GPU, usable − weights ÷ TP − overhead; summed over the TP GPUs.
  const kvAvailable =
    input.kvCacheBytesPerReplica ??
    tp * (gpu.memoryGiB * DEFAULT_GPU_MEMORY_UTILIZATION * GIB - weightsPerGpu(model, precision, tp) - DEFAULT_OVERHEAD_GIB * GIB);
  if (!(kvAvailable > 0)) {
    throw new Error(
      `throughput: ${model.id} at ${precision} on ${tp}× ${gpu.id}: no memory left for the KV cache ` +
        `(weights ${(weights / GIB).toFixed(1)} GiB, KV available ${(kvAvailable / GIB).toFixed(1)} GiB); ` +
        "use more GPUs per replica or a smaller precision",
    );
  }
  // Paged attention holds what a sequence has so far (its mean context over its life); an engine that
  // admits a request only once its whole length is guaranteed reserves prompt + output.
  const reserved = input.kvReservation === "full" ? input.promptTokens + input.outputTokens : meanContext;
  const kvReserved = input.kvReservation === "full" ? kvBytesPerSequence(model, reserved, kvPrecision) * replication : r.kvPerSequence;
  // The fit check's count (planning/memory.ts): kvAvailable is summed over the TP GPUs, the room is per GPU.
  const kvBatch = sequencesInKvRoom(model, kvAvailable / tp, tp, reserved, kvPrecision);
  if (kvBatch < 1) {
    throw new Error(
      `throughput: ${model.id} on ${tp}× ${gpu.id}: one sequence of ${reserved} tokens${input.kvReservation === "full" ? "" : " of mean context"} needs ` +
        `${(kvReserved / GIB).toFixed(2)} GiB of KV cache, only ${(kvAvailable / GIB).toFixed(2)} GiB available; ` +
        "shorten the context or add GPUs per replica",
    );
  }
  const cap = input.maxConcurrentSequences ?? kvBatch;
  const upper = Math.min(kvBatch, cap);
  const target = input.maxSecondsPerOutputToken;

  const actual = latencyBatch(r, factors, upper, target);
  const ideal = latencyBatch(r, IDEAL, upper, target);
  const step = stepParts(r, factors, actual.batch);
  const stepTime = stepSeconds(step);
  const ceiling = ideal.batch / stepSeconds(stepParts(r, IDEAL, ideal.batch));
  // min(): every efficiency ≤ 1 and the ideal batch is never smaller, so this only guards rounding.
  const decode = Math.min(actual.batch / stepTime, ceiling);
  const prefill = 1 / prefillSecondsPerToken(r, factors);
  const decodeTime = 1 / decode;
  const prefillTime = computedPrompt / input.outputTokens / prefill;
  const workload = 1 / (decodeTime + prefillTime);
  const prefillShare = prefillTime / (decodeTime + prefillTime);
  const computeCeiling = r.flops / (2 * model.parametersB.active * 1e9);

  if (input.measuredTokensPerSecond !== undefined) {
    const measured = input.measuredTokensPerSecond;
    requirePositive("measuredTokensPerSecond", measured);
    const above = measuredAboveCeiling(input, measured);
    if (above !== undefined) throw new Error(`throughput: ${model.id} on ${tp}× ${gpu.id}: ${above}`);
    return {
      tokensPerSecond: measured,
      ceilingTokensPerSecond: computeCeiling,
      computeCeilingTokensPerSecond: computeCeiling,
      prefillTokensPerSecond: null,
      workloadTokensPerSecond: measured,
      batch: actual.batch,
      kvBatch,
      meanContextTokens: meanContext,
      secondsPerOutputToken: null,
      step: null,
      prefillShare: 0,
      meetsLatencyTarget: true,
      boundBy: "measured",
      efficiency: 1,
    };
  }

  return {
    tokensPerSecond: decode,
    ceilingTokensPerSecond: ceiling,
    computeCeilingTokensPerSecond: computeCeiling,
    prefillTokensPerSecond: prefill,
    workloadTokensPerSecond: workload,
    batch: actual.batch,
    kvBatch,
    meanContextTokens: meanContext,
    secondsPerOutputToken: stepTime,
    step,
    prefillShare,
    meetsLatencyTarget: actual.met,
    boundBy: boundOf(step, prefillShare, actual.batch, { kv: kvBatch, cap, latency: target === undefined ? Infinity : actual.batch }),
    efficiency: decode / ceiling,
  };
}
