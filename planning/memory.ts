/**
 * GPU memory arithmetic for serving a model with vLLM: weight bytes and KV cache bytes.
 * Pure functions, no I/O; all results are in bytes unless the name says otherwise. Formulas:
 * - weights: parameters × bytes per weight;
 * - KV cache per token, multi-head or grouped-query attention: 2 (K and V) × layers × KV heads ×
 *   head dim × bytes (GQA: Ainslie et al. 2023, https://arxiv.org/abs/2305.13245; vLLM keeps it in
 *   paged blocks: Kwon et al. 2023, https://arxiv.org/abs/2309.06180);
 * - multi-head latent attention caches layers × (kv_lora_rank + RoPE key dim) elements (DeepSeek-V3
 *   technical report, https://arxiv.org/abs/2412.19437);
 * - sliding-window layers hold at most the window (gpt-oss model card,
 *   https://openai.com/index/gpt-oss-model-card/);
 * - NVFP4 stores an FP8 (E4M3) scale per 16 FP4 (E2M1) values, plus one FP32 scale per tensor
 *   (NVIDIA, "Introducing NVFP4 for Efficient and Accurate Low-Precision Inference", 2025-06,
 *   https://developer.nvidia.com/blog/introducing-nvfp4-for-efficient-and-accurate-low-precision-inference/).
 */
import type { ModelArchitecture, WeightPrecision } from "../catalog/types";

/** Bytes in one GiB. */
export const GIB = 2 ** 30;

/** Bytes in one MiB. */
export const MIB = 2 ** 20;

/** Bytes in one KiB. */
export const KIB = 2 ** 10;

/** Converts bytes to GiB. */
export function toGiB(bytes: number): number {
  return bytes / GIB;
}

/** The `--kv-cache-dtype` values the planner understands. */
export type KvCacheDtype = "auto" | "bf16" | "fp8";

/**
 * Bytes one weight takes in a precision.
 *
 * MXFP4 is 4-bit values plus one shared 8-bit scale per block of 32: (32 × 4 + 8) / 32 = 4.25 bits
 * = 0.53125 bytes. That is exact for the MoE expert weights, which hold almost all of an MXFP4
 * model's parameters; the attention, router and embedding weights stay in BF16, so
 * `parametersB.total × 0.53125` underestimates the file. Set `checkpointGiB` on the model to use
 * the real size (see `weightsBytes`).
 *
 * NVFP4 is 4-bit values plus one FP8 scale per block of 16: (16 × 4 + 8) / 16 = 4.5 bits = 0.5625
 * bytes (NVIDIA's cuTile NVFP4 tutorial counts the same: 16 values in 8 packed bytes plus one scale
 * byte, 9 bytes; https://nvidia.github.io/cuda-rust/cutile/latest/tutorials/11-nvfp4-inference.html).
 * The per-tensor FP32 scale is 4 bytes per tensor and left out. As with MXFP4,
 * NVIDIA Model Optimizer checkpoints keep some tensors (embeddings, often attention) in higher
 * precision, so `checkpointGiB` beats this estimate when the file size is known.
 */
export function bytesPerWeight(precision: WeightPrecision): number {
  switch (precision) {
    case "bf16":
      return 2;
    case "fp8":
      return 1;
    case "int4":
      return 0.5;
    case "mxfp4":
      return 4.25 / 8;
    case "nvfp4":
      return 4.5 / 8;
  }
}

/**
 * Bytes the model's weights take in GPU memory (all GPUs together).
 * In the model's native precision the published checkpoint size wins when it is known: it is what
 * vLLM loads, and it includes the tensors that are not quantized.
 */
export function weightsBytes(model: ModelArchitecture, precision: WeightPrecision): number {
  if (precision === model.nativePrecision && model.checkpointGiB !== undefined) {
    return model.checkpointGiB * GIB;
  }
  return model.parametersB.total * 1e9 * bytesPerWeight(precision);
}

/**
 * Bytes of one KV cache element. vLLM's `auto` uses the model's activation dtype, which is BF16
 * for every model here, whatever the weight precision: an FP8-native checkpoint (DeepSeek-V3) or
 * an FP8/INT4-quantized one still keeps a BF16 KV cache unless `fp8` is asked for.
 */
export function kvBytesPerElement(kvCacheDtype: KvCacheDtype): number {
  return kvCacheDtype === "fp8" ? 1 : 2;
}

/** KV cache of one sequence, split into the part that grows with context and the part that does not. */
export interface KvBytes {
  /** Bytes per token of context, over the layers that attend to the full context (all layers for MLA). */
  readonly perToken: number;
  /**
   * Bytes per sequence for the sliding-window layers once the context reaches the window; 0 for
   * models without sliding-window layers. Shorter contexts use a proportional share.
   */
  readonly perSequenceFixed: number;
}

/**
 * KV cache bytes per token and per sequence.
 *
 * - GQA/MHA: `2 (K and V) × layers × kvHeads × headDim × bytes`. Sliding-window layers only keep
 *   `windowTokens` tokens, so they go to `perSequenceFixed`.
 * - MLA: `layers × (kvLoraRank + qkRopeHeadDim) × bytes`: one compressed latent and one RoPE key
 *   per token, no separate V (DeepSeek-V3 report, arXiv:2412.19437).
 *
 * @param _weightPrecision accepted for call sites that have it at hand; it does not change the
 *   result, because `auto` resolves to BF16 for every weight precision (see `kvBytesPerElement`).
 */
export function kvBytesPerToken(
  model: ModelArchitecture,
  kvCacheDtype: KvCacheDtype,
  _weightPrecision?: WeightPrecision,
): KvBytes {
  const bytes = kvBytesPerElement(kvCacheDtype);
  const attention = model.attention;
  if (attention.kind === "mla") {
    return { perToken: model.layers * (attention.kvLoraRank + attention.qkRopeHeadDim) * bytes, perSequenceFixed: 0 };
  }
  const perLayerToken = 2 * model.kvHeads * model.headDim * bytes;
  const window = attention.slidingWindow;
  if (window === undefined) {
    return { perToken: model.layers * perLayerToken, perSequenceFixed: 0 };
  }
  return {
    perToken: (model.layers - window.layers) * perLayerToken,
    perSequenceFixed: window.layers * perLayerToken * window.windowTokens,
  };
}

/**
 * KV cache bytes of one sequence of `contextTokens` tokens: the full-attention layers for every
 * token, the sliding-window layers for `min(contextTokens, windowTokens)` tokens.
 */
export function kvBytesPerSequence(model: ModelArchitecture, contextTokens: number, kvCacheDtype: KvCacheDtype): number {
  const kv = kvBytesPerToken(model, kvCacheDtype);
  return kv.perToken * contextTokens + kvWindowBytes(model, kv, contextTokens);
}

/** The sliding-window share of one sequence's KV at `contextTokens` (0 without sliding-window layers). */
export function kvWindowBytes(model: ModelArchitecture, kv: KvBytes, contextTokens: number): number {
  if (model.attention.kind !== "gqa" || model.attention.slidingWindow === undefined) return 0;
  const windowTokens = model.attention.slidingWindow.windowTokens;
  return (kv.perSequenceFixed * Math.min(contextTokens, windowTokens)) / windowTokens;
}

/**
 * How many copies of each sequence's KV cache a replica keeps over its `tensorParallel` GPUs. GQA
 * shards KV heads across the TP ranks (replicated when there are fewer KV heads than ranks); MLA's
 * single latent is replicated on every rank (vLLM). For every layout the fit check accepts this is
 * TP ÷ its KV shards (`kvShards`).
 */
export function kvReplication(model: Pick<ModelArchitecture, "attention" | "kvHeads">, tensorParallel: number): number {
  if (model.attention.kind === "mla") return tensorParallel;
  return Math.max(1, tensorParallel / model.kvHeads);
}

/**
 * GPUs one sequence's KV cache is split over: tensorParallel ÷ `kvReplication`. GQA shards its KV
 * heads across the TP ranks (at most one head per rank: with more ranks than KV heads, vLLM
 * replicates them). MLA has one latent "head" that cannot be split, so vLLM keeps the whole latent
 * cache on every rank: 1. See sgl-project/sglang#2591 and vllm-project/vllm#51454 (DP8 vs TP8 for
 * single-KV-head MLA).
 */
export function kvShards(model: Pick<ModelArchitecture, "attention" | "kvHeads">, tensorParallel: number): number {
  return tensorParallel / kvReplication(model, tensorParallel);
}

/**
 * Sequences of `contextTokens` tokens whose KV cache fits at once in `kvRoomBytesPerGpu` bytes on
 * each of a replica's `tensorParallel` GPUs: floor(room × kvShards ÷ kvBytesPerSequence), 0 when
 * not even one does. Paged attention shares one pool between the sequences, so this is how many
 * run together at that length. The one count the fit check (planning/fit.ts) and the throughput
 * model's batch (planning/throughput.ts) share.
 */
export function sequencesInKvRoom(
  model: ModelArchitecture,
  kvRoomBytesPerGpu: number,
  tensorParallel: number,
  contextTokens: number,
  kvCacheDtype: KvCacheDtype,
): number {
  return Math.floor((kvRoomBytesPerGpu * kvShards(model, tensorParallel)) / kvBytesPerSequence(model, contextTokens, kvCacheDtype));
}
