/**
 * Does a model fit its GPUs? The check the synth runs for every model server, before anything is
 * deployed: tensor-parallel layout rules and the per-GPU memory budget vLLM works within
 * (`W/TP + KV/TP + overhead ≤ memory × gpu_memory_utilization`: the engine takes that share of each
 * GPU for weights, activations and KV cache, https://docs.vllm.ai/en/stable/configuration/engine_args.html
 * `--gpu-memory-utilization`), with ways out when it fails: fixes
 * as keys of the environment file, which planning/plan.ts checks by planning again before it offers
 * them. Pure functions, no I/O.
 *
 * Which KV cache the budget counts decides what is refused:
 * - by default, one sequence of `maxContextTokens`: vLLM's own start rule. The engine refuses to
 *   start only when its KV cache cannot hold one request of `--max-model-len`, and otherwise starts
 *   and logs the concurrency it reaches at that length; paged attention shares the pool, so shorter
 *   sequences run together and only a real overflow queues or preempts. How many sequences fit at the
 *   full and at the workload's mean context is reported (`maxConcurrentSequencesAtContext`,
 *   `maxConcurrentSequencesAtMeanContext`, `preemptionRisk`), not refused;
 * - with `strictKvFit`, `maxConcurrentSequences` sequences of `maxContextTokens` each: no sequence is
 *   ever preempted for memory, for sites that want that guarantee.
 */
import type { GpuSpec, MigProfile, ModelSpec, WeightPrecision } from "../catalog/types";
import type { DocPath } from "../config/errors";
import { precisionProblem } from "../config/resolve-models";
import { Fix, FixChange, PlanIssue, issueMessage } from "./fixes";
import {
  GIB,
  KIB,
  MIB,
  bytesPerWeight,
  kvBytesPerToken,
  kvShards,
  kvWindowBytes,
  sequencesInKvRoom,
  toGiB,
  weightsBytes,
  type KvBytes,
  type KvCacheDtype,
} from "./memory";

/**
 * Runtime memory per GPU besides weights and KV cache, GiB: vLLM's profile-run activation peak
 * (about `max_num_batched_tokens` 8192 × the MLP width, ~1 GiB for a 70B), CUDA graphs (~0.5–1
 * GiB) and NCCL/cuBLAS workspaces.
 *
 * The rule is a flat 2 GiB per GPU (or MIG slice), whatever the model and GPU. A common rule of
 * thumb budgets 5–10% of GPU memory for overhead (activations, CUDA graphs, fragmentation). The
 * `gpuMemoryUtilization` share (0.90 by default) already keeps 10% of the GPU outside vLLM's pool,
 * and that absorbs fragmentation and other processes. So the 2 GiB only covers what vLLM
 * allocates inside its pool. Together they hold back 8 + 2 = 10 GiB of an 80 GiB H100
 * (12.5%), just above that range. A flat figure does not shrink on small GPUs or MIG
 * slices, and it should not: activations depend on the batch, not on the memory size.
 */
export const DEFAULT_OVERHEAD_GIB = 2;

/** Context suggestions are whole multiples of this many tokens. */
const CONTEXT_STEP_TOKENS = 1024;

/** What to check: one model server replica, i.e. `tensorParallel` GPUs (or one MIG slice). */
export interface FitInput {
  readonly model: ModelSpec;
  readonly gpu: GpuSpec;
  /**
   * Serve on one MIG slice of `gpu` instead of whole GPUs.
   * @default - whole GPUs
   */
  readonly migProfile?: MigProfile;
  /**
   * Serve on one of this many time-sliced shares of `gpu` (the pool's `replicasPerGpu`): the
   * replica gets that fraction of the GPU's memory.
   * @default - whole GPUs
   */
  readonly timeSlices?: number;
  /**
   * The served model and its pool, as named in the environment file: ways out are keys there
   * (`models.<model>.tensorParallel`, `nodePools.<pool>.gpuSharing.profile`).
   * @default { model: "model", pool: "pool" }
   */
  readonly names?: { readonly model: string; readonly pool: string };
  /** Precision the weights are served in. */
  readonly precision: WeightPrecision;
  /** GPUs per replica (`--tensor-parallel-size`). */
  readonly tensorParallel: number;
  /** Longest sequence, prompt plus output, tokens (`--max-model-len`). */
  readonly maxContextTokens: number;
  /**
   * Sequences decoded at once (`--max-num-seqs`). With `strictKvFit` all of them must fit in the KV
   * cache at `maxContextTokens` each; without, more than fit at `meanContextTokens` is a preemption risk.
   */
  readonly maxConcurrentSequences: number;
  /**
   * Mean context a decoding sequence holds, tokens: the workload's prompt + half its output
   * (planning/workload.ts). Only reported: how many sequences fit at it.
   * @default - maxContextTokens
   */
  readonly meanContextTokens?: number;
  /**
   * Refuse unless `maxConcurrentSequences` sequences fit at `maxContextTokens` each (no preemption
   * ever), instead of vLLM's start rule (one sequence of `maxContextTokens`).
   * @default false
   */
  readonly strictKvFit?: boolean;
  /** `--kv-cache-dtype`; `auto` is BF16 (see `kvBytesPerElement`). */
  readonly kvCacheDtype: KvCacheDtype;
  /** `--gpu-memory-utilization`: share of each GPU's memory vLLM may use, in (0, 1]. */
  readonly gpuMemoryUtilization: number;
  /** GPUs in one server: the most tensor parallelism can span. */
  readonly gpusPerServer: number;
  /**
   * Runtime overhead per GPU besides weights and KV cache, GiB.
   * @default DEFAULT_OVERHEAD_GIB (2 GiB)
   */
  readonly overheadGiB?: number;
}

/** The memory budget of one GPU (or MIG slice) of the replica, GiB. */
export interface PerGpuMemory {
  /** Memory of the GPU or MIG slice. */
  readonly capacityGiB: number;
  /** `capacityGiB × gpuMemoryUtilization`: what vLLM may use. */
  readonly usableGiB: number;
  /** This GPU's share of the weights: total ÷ tensorParallel. */
  readonly weightsGiB: number;
  /**
   * This GPU's share of the KV cache the check counts: one sequence of `maxContextTokens` (vLLM's
   * start rule), or `maxConcurrentSequences` of them with `strictKvFit`.
   */
  readonly kvCacheGiB: number;
  readonly overheadGiB: number;
  /** weights + KV cache + overhead; fits when ≤ `usableGiB`. */
  readonly totalGiB: number;
}

/** The outcome of `checkFit`. */
export interface FitResult {
  /** True when there are no problems. */
  readonly fits: boolean;
  readonly perGpu: PerGpuMemory;
  /** KV bytes per token of context over the full-attention layers (all replica GPUs together). */
  readonly kvBytesPerToken: number;
  /** KV bytes of one sequence at `contextTokens`, sliding-window layers included. */
  readonly kvBytesPerSequence: number;
  /** The context the numbers are for: the input's `maxContextTokens`. */
  readonly contextTokens: number;
  /** Sequences of `contextTokens` tokens the KV cache holds at once (0 when not even one does). */
  readonly maxConcurrentSequencesAtContext: number;
  /** The input's `meanContextTokens` (its `maxContextTokens` when not given). */
  readonly meanContextTokens: number;
  /** Sequences of `meanContextTokens` tokens the KV cache holds at once (0 when not even one does). */
  readonly maxConcurrentSequencesAtMeanContext: number;
  /** Whether the check counted every sequence at the full context (`strictKvFit`) or vLLM's start rule. */
  readonly strictKvFit: boolean;
  /**
   * More sequences may run at once than the KV cache holds at the mean context: vLLM queues or
   * preempts the rest. Never with `strictKvFit`, which refuses it.
   */
  readonly preemptionRisk: boolean;
  /**
   * Longest context, tokens, for which `maxConcurrentSequences` sequences fit at once (0 when none
   * does). A memory bound only: the model's own context limit is not applied.
   */
  readonly maxContextAtConcurrency: number;
  /**
   * Every problem found, each a full sentence without a file or path prefix, with every candidate
   * way out (unchecked: the rest of the environment may refuse one; planning/plan.ts checks them).
   */
  readonly problems: readonly string[];
  /** The same problems as data: path, rule, summary and candidate ways out. */
  readonly issues: readonly PlanIssue[];
}

/** Checks that a model server replica fits its GPUs, and reports every problem found. */
export function checkFit(input: FitInput): FitResult {
  const modelPath: DocPath = ["models", namesOf(input).model];
  const invalid = invalidInputs(input);
  if (invalid.length > 0) {
    const issues = invalid.map((summary): PlanIssue => ({ path: modelPath, check: "input", base: modelPath, summary, fixes: [] }));
    return {
      fits: false,
      perGpu: { capacityGiB: 0, usableGiB: 0, weightsGiB: 0, kvCacheGiB: 0, overheadGiB: 0, totalGiB: 0 },
      kvBytesPerToken: 0,
      kvBytesPerSequence: 0,
      contextTokens: input.maxContextTokens,
      maxConcurrentSequencesAtContext: 0,
      meanContextTokens: input.meanContextTokens ?? input.maxContextTokens,
      maxConcurrentSequencesAtMeanContext: 0,
      strictKvFit: input.strictKvFit ?? false,
      preemptionRisk: false,
      maxContextAtConcurrency: 0,
      problems: issues.map((issue) => issueMessage(issue)),
      issues,
    };
  }

  const { model, gpu, migProfile, tensorParallel } = input;
  const issues: PlanIssue[] = [];
  const tpPath: DocPath = [...modelPath, "tensorParallel"];
  const setTp = (tp: number): Fix => ({ changes: [{ kind: "set", path: tpPath, value: tp }] });
  const layoutIssue = (check: string, summary: string, fixes: readonly Fix[], maxFixes?: number): void => {
    issues.push({ path: tpPath, check: `tensorParallel-${check}`, base: modelPath, summary, fixes, maxFixes });
  };
  // The degrees one server allows; a slice or a share takes 1 only, so only 1 is offered there.
  const feasible = range(1, input.gpusPerServer).filter((tp) => dividesHeads(model, tp));
  const offered = migProfile !== undefined || input.timeSlices !== undefined ? [1] : feasible;

  if (!dividesHeads(model, tensorParallel)) {
    // MLA has no KV heads to split (one shared latent), so only the attention heads count.
    const heads =
      model.attention.kind === "mla"
        ? `attention heads (${model.attentionHeads})`
        : `attention heads (${model.attentionHeads}) and KV heads (${model.kvHeads})`;
    // The allowed degree closest to the one asked for is the likeliest to fit and place; one is offered.
    layoutIssue(
      "heads",
      `tensorParallel must divide the ${heads} of ${model.id}, got ${tensorParallel}; allowed ${listNumbers(feasible)}`,
      byCloseness(offered, tensorParallel).map(setTp),
      1,
    );
  }
  if (tensorParallel > input.gpusPerServer) {
    layoutIssue(
      "server",
      `tensorParallel must be at most the ${input.gpusPerServer} GPUs of one server, got ${tensorParallel}; ` +
        "multi-node serving (pipeline parallel across servers) is out of scope",
      [...offered].reverse().map(setTp),
      1,
    );
  }
  if (migProfile !== undefined && tensorParallel !== 1) {
    layoutIssue(
      "mig",
      `tensorParallel must be 1 on a MIG slice (${migProfile.name}), got ${tensorParallel}: a CUDA process sees one MIG instance only`,
      [setTp(1), { changes: [wholeGpus(input)] }],
    );
  }

  const overheadGiB = input.overheadGiB ?? DEFAULT_OVERHEAD_GIB;
  const strict = input.strictKvFit ?? false;
  const base: Scenario = {
    capacityGiB: migProfile?.memoryGiB ?? gpu.memoryGiB / (input.timeSlices ?? 1),
    tensorParallel,
    contextTokens: input.maxContextTokens,
    // vLLM refuses to start only when its KV cache cannot hold one request of --max-model-len:
    // check_enough_kv_cache_memory, https://github.com/vllm-project/vllm/blob/v0.16.0/vllm/v1/core/kv_cache_utils.py
    // ("To serve at least one request with the model's max seq len …"). Concurrency beyond what
    // fits is queued or preempted, not refused; strictKvFit asks for every sequence at full context.
    sequences: strict ? input.maxConcurrentSequences : 1,
    kvCacheDtype: input.kvCacheDtype,
    precision: input.precision,
  };
  const budget = evaluate(input, overheadGiB, base);
  if (!budget.fits) {
    const way = wayOut(input, overheadGiB, base);
    issues.push({ path: modelPath, check: "memory", base: modelPath, summary: waterfall(input, base, budget, strict), ...way });
  }

  const meanContextTokens = input.meanContextTokens ?? input.maxContextTokens;
  const atMean = sequencesInKvRoom(model, budget.kvRoomBytesPerGpu, tensorParallel, meanContextTokens, input.kvCacheDtype);
  return {
    fits: issues.length === 0,
    perGpu: budget.perGpu,
    kvBytesPerToken: budget.kv.perToken,
    kvBytesPerSequence: budget.kvPerSequenceBytes,
    contextTokens: input.maxContextTokens,
    maxConcurrentSequencesAtContext: budget.maxSequences,
    meanContextTokens,
    maxConcurrentSequencesAtMeanContext: atMean,
    strictKvFit: strict,
    preemptionRisk: !strict && input.maxConcurrentSequences > atMean,
    maxContextAtConcurrency: maxContext(model, budget.kv, (budget.kvRoomBytesPerGpu * budget.kvShards) / input.maxConcurrentSequences),
    problems: issues.map((issue) => issueMessage(issue)),
    issues,
  };
}

/**
 * One line for plan output:
 * `weights 65.8 + KV 10.0 + overhead 2.0 = 77.8 of 72.0 GiB per GPU; 3 sequences fit at 32768 tokens`.
 */
export function describeFit(result: FitResult): string {
  const m = result.perGpu;
  const n = result.maxConcurrentSequencesAtContext;
  return (
    `weights ${gib(m.weightsGiB)} + KV ${gib(m.kvCacheGiB)} + overhead ${gib(m.overheadGiB)} = ` +
    `${gib(m.totalGiB)} of ${gib(m.usableGiB)} GiB per GPU; ` +
    `${n} ${n === 1 ? "sequence fits" : "sequences fit"} at ${result.contextTokens} tokens`
  );
}

/** The knobs the way-out search varies. */
interface Scenario {
  readonly capacityGiB: number;
  readonly tensorParallel: number;
  readonly contextTokens: number;
  readonly sequences: number;
  readonly kvCacheDtype: KvCacheDtype;
  readonly precision: WeightPrecision;
}

interface Budget {
  readonly fits: boolean;
  readonly perGpu: PerGpuMemory;
  readonly kv: KvBytes;
  readonly kvPerSequenceBytes: number;
  /** GPUs the KV cache is split over: tensorParallel for GQA (at most its KV heads), 1 for MLA (see `kvShards`). */
  readonly kvShards: number;
  /** Bytes left for the KV cache on each GPU: usable − weights ÷ TP − overhead, at least 0. */
  readonly kvRoomBytesPerGpu: number;
  /** Sequences of the scenario's context that fit at once. */
  readonly maxSequences: number;
  /** Longest context at which the scenario's sequences fit at once. */
  readonly maxContextTokens: number;
}

function evaluate(input: FitInput, overheadGiB: number, s: Scenario): Budget {
  const { model } = input;
  const shards = kvShards(model, s.tensorParallel);
  const kv = kvBytesPerToken(model, s.kvCacheDtype, s.precision);
  const kvPerSequenceBytes = kv.perToken * s.contextTokens + kvWindowBytes(model, kv, s.contextTokens);
  const usableBytes = s.capacityGiB * input.gpuMemoryUtilization * GIB;
  const weightsPerGpuBytes = weightsBytes(model, s.precision) / s.tensorParallel;
  const kvPerGpuBytes = (kvPerSequenceBytes * s.sequences) / shards;
  const overheadBytes = overheadGiB * GIB;
  const totalBytes = weightsPerGpuBytes + kvPerGpuBytes + overheadBytes;

  const kvRoomBytesPerGpu = Math.max(0, usableBytes - weightsPerGpuBytes - overheadBytes);
  // KV bytes the replica can hold, counted like kvPerSequenceBytes (all shards together).
  const kvRoomBytes = kvRoomBytesPerGpu * shards;
  return {
    fits: totalBytes <= usableBytes,
    perGpu: {
      capacityGiB: s.capacityGiB,
      usableGiB: toGiB(usableBytes),
      weightsGiB: toGiB(weightsPerGpuBytes),
      kvCacheGiB: toGiB(kvPerGpuBytes),
      overheadGiB,
      totalGiB: toGiB(totalBytes),
    },
    kv,
    kvPerSequenceBytes,
    kvShards: shards,
    kvRoomBytesPerGpu,
    maxSequences: sequencesInKvRoom(model, kvRoomBytesPerGpu, s.tensorParallel, s.contextTokens, s.kvCacheDtype),
    maxContextTokens: maxContext(model, kv, kvRoomBytes / s.sequences),
  };
}

/** Longest context whose one-sequence KV fits in `bytes`: full layers grow per token, window layers up to the window. */
function maxContext(model: ModelSpec, kv: KvBytes, bytes: number): number {
  const window = model.attention.kind === "gqa" ? model.attention.slidingWindow : undefined;
  if (window === undefined || kv.perSequenceFixed === 0) {
    return kv.perToken === 0 ? Infinity : Math.floor(bytes / kv.perToken);
  }
  const windowPerToken = kv.perSequenceFixed / window.windowTokens;
  const withinWindow = Math.floor(bytes / (kv.perToken + windowPerToken));
  if (withinWindow <= window.windowTokens) return withinWindow;
  return kv.perToken === 0 ? Infinity : Math.floor((bytes - kv.perSequenceFixed) / kv.perToken);
}

/** TP must split attention heads (and, for GQA, KV heads) evenly across ranks. */
function dividesHeads(model: ModelSpec, tensorParallel: number): boolean {
  if (model.attentionHeads % tensorParallel !== 0) return false;
  return model.attention.kind === "mla" || model.kvHeads % tensorParallel === 0;
}

function invalidInputs(input: FitInput): string[] {
  const problems: string[] = [];
  const wholeAtLeastOne = (name: string, value: number): void => {
    if (!Number.isInteger(value) || value < 1) problems.push(`${name} must be a whole number ≥ 1, got ${value}`);
  };
  wholeAtLeastOne("tensorParallel", input.tensorParallel);
  wholeAtLeastOne("maxContextTokens", input.maxContextTokens);
  wholeAtLeastOne("maxConcurrentSequences", input.maxConcurrentSequences);
  wholeAtLeastOne("gpusPerServer", input.gpusPerServer);
  if (input.timeSlices !== undefined) wholeAtLeastOne("timeSlices", input.timeSlices);
  if (input.meanContextTokens !== undefined && !(input.meanContextTokens > 0 && Number.isFinite(input.meanContextTokens))) {
    problems.push(`meanContextTokens must be a number > 0, got ${input.meanContextTokens}`);
  }
  if (!(input.gpuMemoryUtilization > 0 && input.gpuMemoryUtilization <= 1)) {
    problems.push(`gpuMemoryUtilization must be in (0, 1], got ${input.gpuMemoryUtilization}`);
  }
  if (input.overheadGiB !== undefined && !(input.overheadGiB >= 0)) {
    problems.push(`overheadGiB must be ≥ 0, got ${input.overheadGiB}`);
  }
  return problems;
}

/**
 * The failure message up to the way out, ending with the rule that refused: `(vLLM would refuse to
 * start: …)`, or `(strictKvFit: …)`:
 * - TP 1: `does not fit one h100-sxm (80 GiB × 0.90 = 72.0 GiB): weights … = 77.8 GiB (…)`
 * - TP n: `does not fit 2 × h100-sxm (per GPU: 80 GiB × 0.90 = 72.0 GiB): weights … = 39.9 GiB per GPU`,
 *   every figure being one GPU's share
 * - MIG: `does not fit one h100-sxm MIG slice 3g.40gb (40 GiB × 0.90 = 36.0 GiB): …`
 * - time-slicing: `does not fit one rtx-pro-6000 share (1/4 by time-slicing) (24 GiB × 0.90 = 21.6 GiB): …`
 */
function waterfall(input: FitInput, s: Scenario, b: Budget, strict: boolean): string {
  const tp = s.tensorParallel;
  const mig = input.migProfile;
  const gpuName = input.timeSlices === undefined ? input.gpu.id : `${input.gpu.id} share (1/${input.timeSlices} by time-slicing)`;
  const what = mig === undefined ? gpuName : `${input.gpu.id} MIG ${tp === 1 ? "slice" : "slices"} ${mig.name}`;
  const unit = mig === undefined ? "GPU" : "slice";
  const capacity = `${trimmed(s.capacityGiB)} GiB × ${input.gpuMemoryUtilization.toFixed(2)} = ${gib(b.perGpu.usableGiB)} GiB`;
  const head = tp === 1 ? `does not fit one ${what} (${capacity})` : `does not fit ${tp} × ${what} (per ${unit}: ${capacity})`;

  const seqs = `${s.sequences} ${s.sequences === 1 ? "sequence" : "sequences"}`;
  let kv = `${s.contextTokens} tokens × ${seqs} × ${bytes(b.kv.perToken)}`;
  const windowBytes = kvWindowBytes(input.model, b.kv, s.contextTokens);
  if (windowBytes > 0) kv += ` + ${seqs} × ${bytes(windowBytes)} for the sliding-window layers`;
  if (tp > 1) {
    if (b.kvShards === 1) kv += ", all of it on every GPU: MLA's latent is not split by tensor parallel";
    else kv += b.kvShards === tp ? ` ÷ ${tp} GPUs` : ` ÷ ${b.kvShards} (its ${b.kvShards} KV heads, each on ${tp / b.kvShards} of the ${tp} GPUs)`;
  }
  const m = b.perGpu;
  const rule = strict
    ? "strictKvFit: every sequence at maxContextTokens"
    : "vLLM would refuse to start: its KV cache cannot hold one sequence of maxContextTokens";
  return (
    `${head}: weights ${gib(m.weightsGiB)} GiB + KV cache ${gib(m.kvCacheGiB)} GiB (${kv}) + ` +
    `overhead ${gib(m.overheadGiB)} GiB = ${gib(m.totalGiB)} GiB${tp === 1 ? "" : ` per ${unit}`} (${rule})`
  );
}

/** A GPU layout to try: the current one first, then bigger ones in the order a user would reach for them. */
interface Layout {
  readonly capacityGiB: number;
  readonly tensorParallel: number;
  /** How to ask for it, e.g. `tensorParallel: 2`; none for the current layout. */
  readonly changes: readonly FixChange[];
}

/**
 * The ways out of a memory failure, best first:
 * - a bigger layout that fits as is: the smallest power-of-two `tensorParallel` dividing the heads
 *   and ≤ gpusPerServer; on a MIG slice, a bigger MIG profile, then whole GPUs; on a time-sliced
 *   share, fewer shares per GPU, then whole GPUs;
 * - `maxContextTokens ≤ N` (a multiple of 1024, at least 1024), `maxConcurrentSequences ≤ N`,
 *   `kvCacheDtype: fp8`: each at the current layout, or `… with <layout>` at the smallest bigger
 *   layout where it fits, left out when that layout already fits unchanged;
 * - only when none of those exists: `precision: fp8` (smaller than the current precision, and one
 *   vLLM can load the checkpoint at) at the smallest layout where it fits;
 * - otherwise none, and `needs more than one server's memory (nothing fits up to tensorParallel: N); …`.
 */
function wayOut(input: FitInput, overheadGiB: number, current: Scenario): { fixes: Fix[]; otherwise?: string } {
  const layouts = candidateLayouts(input, current);
  const at = (layout: Layout, change: Partial<Scenario> = {}): Budget =>
    evaluate(input, overheadGiB, {
      ...current,
      capacityGiB: layout.capacityGiB,
      tensorParallel: layout.tensorParallel,
      ...change,
    });
  const modelPath: DocPath = ["models", namesOf(input).model];
  const set = (key: string, value: unknown, atMost = false): FixChange => ({ kind: "set", path: [...modelPath, key], value, ...(atMost ? { atMost } : {}) });

  const fixes: Fix[] = [];
  const biggerIndex = layouts.findIndex((layout, i) => i > 0 && at(layout).fits);
  if (biggerIndex > 0) fixes.push({ changes: layouts[biggerIndex].changes });
  // A change with a layout only helps when it needs less than the layout that fits unchanged.
  const lastUseful = biggerIndex > 0 ? biggerIndex - 1 : layouts.length - 1;

  const tweaks: ((layout: Layout) => FixChange | undefined)[] = [
    (layout) => {
      const b = at(layout);
      const tokens = Math.floor(b.maxContextTokens / CONTEXT_STEP_TOKENS) * CONTEXT_STEP_TOKENS;
      if (tokens < CONTEXT_STEP_TOKENS || tokens >= current.contextTokens) return undefined;
      return at(layout, { contextTokens: tokens }).fits ? set("maxContextTokens", tokens, true) : undefined;
    },
    (layout) => {
      const n = at(layout).maxSequences;
      return n >= 1 && n < current.sequences ? set("maxConcurrentSequences", n, true) : undefined;
    },
    (layout) =>
      current.kvCacheDtype !== "fp8" && at(layout, { kvCacheDtype: "fp8" }).fits ? set("kvCacheDtype", "fp8") : undefined,
  ];
  for (const tweak of tweaks) {
    const found = firstLayout(layouts.slice(0, lastUseful + 1), tweak);
    if (found !== undefined) fixes.push(found);
  }

  if (fixes.length === 0) {
    for (const precision of ["fp8", "int4"] as const) {
      if (bytesPerWeight(precision) >= bytesPerWeight(current.precision)) continue;
      // vLLM quantizes bf16 to fp8 while loading, nothing else: int4 needs an int4 checkpoint.
      if (precisionProblem(input.model.nativePrecision, precision) !== undefined) continue;
      const found = firstLayout(layouts, (layout) => (at(layout, { precision }).fits ? set("precision", precision) : undefined));
      if (found !== undefined) {
        fixes.push(found);
        break;
      }
    }
  }

  if (fixes.length === 0) {
    const largest = layouts[layouts.length - 1];
    return {
      fixes,
      otherwise:
        `needs more than one server's memory (nothing fits up to tensorParallel: ${largest.tensorParallel}); ` +
        "multi-node serving is out of scope",
    };
  }
  return { fixes };
}

/** The first layout where `tweak` gives a change: that change, with the layout's own. */
function firstLayout(layouts: readonly Layout[], tweak: (layout: Layout) => FixChange | undefined): Fix | undefined {
  for (const layout of layouts) {
    const change = tweak(layout);
    if (change !== undefined) return { changes: [change, ...layout.changes] };
  }
  return undefined;
}

/** Whole GPUs on the model's pool: `nodePools.<pool>.gpuSharing: { mode: none }`. */
function wholeGpus(input: FitInput): FixChange {
  return { kind: "set", path: ["nodePools", namesOf(input).pool, "gpuSharing"], value: { mode: "none" } };
}

function namesOf(input: FitInput): { readonly model: string; readonly pool: string } {
  return input.names ?? { model: "model", pool: "pool" };
}

function candidateLayouts(input: FitInput, current: Scenario): Layout[] {
  const layouts: Layout[] = [{ capacityGiB: current.capacityGiB, tensorParallel: current.tensorParallel, changes: [] }];
  const sharingPath: DocPath = ["nodePools", namesOf(input).pool, "gpuSharing"];
  const withTp = (tp: number): FixChange[] =>
    tp === current.tensorParallel ? [] : [{ kind: "set", path: ["models", namesOf(input).model, "tensorParallel"], value: tp }];
  const mig = input.migProfile;
  const shares = input.timeSlices;
  if (mig !== undefined) {
    const bigger = input.gpu.migProfiles
      .filter((p) => p.memoryGiB > mig.memoryGiB)
      .sort((a, b) => a.memoryGiB - b.memoryGiB || a.name.localeCompare(b.name));
    for (const profile of bigger) {
      layouts.push({
        capacityGiB: profile.memoryGiB,
        tensorParallel: 1,
        changes: [{ kind: "set", path: [...sharingPath, "profile"], value: profile.name }, ...withTp(1)],
      });
    }
  }
  if (shares !== undefined) {
    // Fewer, bigger shares; 2 is the fewest time-slicing allows (1 is whole GPUs).
    for (let n = shares - 1; n >= 2; n--) {
      layouts.push({
        capacityGiB: input.gpu.memoryGiB / n,
        tensorParallel: 1,
        changes: [{ kind: "set", path: [...sharingPath, "replicasPerGpu"], value: n }, ...withTp(1)],
      });
    }
  }
  const shared = mig !== undefined || shares !== undefined;
  const minTp = shared ? 1 : current.tensorParallel + 1;
  for (let tp = 1; tp <= input.gpusPerServer; tp *= 2) {
    if (tp < minTp || !dividesHeads(input.model, tp)) continue;
    layouts.push({
      capacityGiB: input.gpu.memoryGiB,
      tensorParallel: tp,
      changes: shared ? [wholeGpus(input), ...withTp(tp)] : withTp(tp),
    });
  }
  return layouts;
}

/** `values` ordered by distance to `target`, the larger first on a tie (more GPUs hold more memory). */
function byCloseness(values: readonly number[], target: number): number[] {
  return [...values].sort((a, b) => Math.abs(a - target) - Math.abs(b - target) || b - a);
}

/** GiB with one decimal. */
function gib(value: number): string {
  return value.toFixed(1);
}

/** One decimal, without a trailing `.0`: `80`, `39.5`. */
function trimmed(value: number): string {
  const text = value.toFixed(1);
  return text.endsWith(".0") ? text.slice(0, -2) : text;
}

/** A byte count in KiB below 1 MiB, MiB below 1 GiB, else GiB. */
function bytes(value: number): string {
  if (value < MIB) return `${trimmed(value / KIB)} KiB`;
  if (value < GIB) return `${trimmed(value / MIB)} MiB`;
  return `${trimmed(value / GIB)} GiB`;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let n = from; n <= to; n++) out.push(n);
  return out;
}

/** `1, 2, 4 or 8`. */
function listNumbers(values: readonly number[]): string {
  if (values.length <= 1) return values.join("");
  return `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`;
}
