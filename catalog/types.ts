/**
 * Shapes of the catalog: the facts from the outside world (hardware specs, prices, model
 * architectures) that planning and constructs read. Every entry names where its numbers come
 * from and when they were read, so a reviewer can check them and an environment can override them.
 */

/** Where a figure came from. */
export interface Source {
  /** A public page, datasheet or repository path. */
  readonly url: string;
  /** The date the figure was read or published, `YYYY-MM-DD` or `YYYY-MM`. */
  readonly date: string;
  /** What the source says, or how the figure was derived from it. */
  readonly note?: string;
}

/** A Multi-Instance GPU profile (NVIDIA MIG), e.g. `1g.10gb`. */
export interface MigProfile {
  /** The profile name as `nvidia-smi mig -lgip` and mig-parted spell it, e.g. `3g.40gb`. */
  readonly name: string;
  /** GPU memory of one instance, GiB. */
  readonly memoryGiB: number;
  /** How many instances of this profile one GPU holds when it is partitioned homogeneously. */
  readonly instancesPerGpu: number;
}

/** A GPU model. */
export interface GpuSpec {
  /** Catalog id, e.g. `h100-sxm`. */
  readonly id: string;
  /** Marketing name, e.g. `NVIDIA H100 SXM5 80GB`. */
  readonly name: string;
  /** GPU memory, GiB (HBM capacities are binary: "80 GB" HBM3 is 80 GiB). */
  readonly memoryGiB: number;
  /** Memory bandwidth, TB/s (10^12 bytes per second). */
  readonly memoryBandwidthTBps: number;
  /** Dense tensor throughput, TFLOPS (no 2:4 sparsity); `null` where the GPU has no native support. */
  readonly denseTflops: {
    readonly bf16: number;
    readonly fp8: number | null;
    readonly fp4: number | null;
  };
  /** Board power (TDP/TGP), watts. */
  readonly tdpW: number;
  /** MIG profiles the GPU supports; empty when it has no MIG. */
  readonly migProfiles: readonly MigProfile[];
  readonly sources: readonly Source[];
}

/**
 * How a server's GPUs exchange tensor-parallel traffic (the all-reduces after attention and after
 * the MLP of every layer).
 */
export interface Interconnect {
  /** `nvlink`: NVLink/NVSwitch between every pair of GPUs; `pcie`: PCIe (through switches or the CPUs). */
  readonly kind: "nvlink" | "pcie";
  /** Bandwidth one GPU can send to its peers, one direction, GB/s (10^9 bytes per second), as the datasheet states it. */
  readonly gbpsPerGpu: number;
  /**
   * GPUs that reach each other without crossing from one CPU socket to the other (PCIe servers
   * spread their GPUs over both sockets); a tensor-parallel group larger than this crosses the
   * socket link. @default - every GPU of the server (NVLink/NVSwitch)
   */
  readonly gpusPerDomain?: number;
  readonly sources: readonly Source[];
}

/** A GPU server (one Kubernetes node): price, power and its GPUs. */
export interface ServerSpec {
  /** Catalog id, e.g. `hgx-h100-8`. */
  readonly id: string;
  readonly name: string;
  /** GPU catalog id. */
  readonly gpu: string;
  readonly gpusPerServer: number;
  /** Purchase price of one server, USD (hardware incl. GPUs; network/racks come from infraCapexPercent). */
  readonly priceUsd: number;
  /** Wall power of one server, kW: idle and at full load. */
  readonly powerKw: { readonly idle: number; readonly max: number };
  /** The GPU-to-GPU link tensor parallelism runs over. */
  readonly interconnect: Interconnect;
  readonly sources: readonly Source[];
}

/**
 * Numeric precisions a model's weights can be served in. `mxfp4`: OCP microscaling FP4 (a shared
 * 8-bit scale per 32 values); `nvfp4`: NVIDIA FP4 (an FP8 scale per 16 values), the format of
 * NVIDIA's Model Optimizer FP4 checkpoints. Both run on FP4 tensor cores where the GPU has them.
 */
export type WeightPrecision = "bf16" | "fp8" | "int4" | "mxfp4" | "nvfp4";

/** Attention layout, which decides the KV cache size per token. */
export type AttentionSpec =
  | {
      /** Multi-head or grouped-query attention: K and V of `kvHeads × headDim` per layer. */
      readonly kind: "gqa";
      /**
       * Layers that attend only to a sliding window of recent tokens (their KV is capped at the
       * window); absent when every layer attends to the full context.
       */
      readonly slidingWindow?: { readonly layers: number; readonly windowTokens: number };
    }
  | {
      /** Multi-head latent attention (DeepSeek-V2/V3): one compressed latent plus a RoPE key per layer. */
      readonly kind: "mla";
      readonly kvLoraRank: number;
      readonly qkRopeHeadDim: number;
    };

/** Mixture of experts: the experts of each MoE layer and how many a token is routed to. */
export interface MoeSpec {
  /** Routed experts per MoE layer (shared experts, always used, are not counted here). */
  readonly experts: number;
  /** Routed experts each token uses. */
  readonly expertsPerToken: number;
}

/**
 * What memory and throughput need of a model: its architecture. Every catalog model is one; the
 * throughput calibration set also names models that are only benchmarked, never deployed.
 */
export interface ModelArchitecture {
  readonly id: string;
  readonly name: string;
  /** Parameters, billions: all of them, and those touched per token (equal for dense models). */
  readonly parametersB: { readonly total: number; readonly active: number };
  readonly layers: number;
  readonly hiddenSize: number;
  readonly attentionHeads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly attention: AttentionSpec;
  /** Routed experts, for a mixture-of-experts model. @default - dense */
  readonly moe?: MoeSpec;
  /** The precision the published checkpoint is stored in. */
  readonly nativePrecision: WeightPrecision;
  /** Size of the published checkpoint on disk, GiB, where known (MXFP4 and FP8 checkpoints differ from N × bytes). */
  readonly checkpointGiB?: number;
  readonly sources: readonly Source[];
}

/** An open-weight model's architecture, as far as memory and throughput need it. */
export interface ModelSpec extends ModelArchitecture {
  /** Catalog id, e.g. `llama-3.3-70b`. */
  readonly id: string;
  /** Context length the model supports, tokens. */
  readonly defaultContextTokens: number;
  readonly huggingFace: {
    /** Repository, e.g. `meta-llama/Llama-3.3-70B-Instruct`. */
    readonly repo: string;
    /** A pinned commit (40 hex digits), never a branch. */
    readonly revision: string;
    /** Whether the repository requires accepting a licence (a token is needed to download). */
    readonly gated: boolean;
  };
  /**
   * Files the server loads at start besides the checkpoint (e.g. tokenizer encodings fetched from
   * the internet by a library): the model store fetches them too, so a server starts offline.
   * @default - none
   */
  readonly runtimeFiles?: readonly RuntimeFileSet[];
}

/** A set of files a server needs at run time besides its checkpoint, kept in the model store. */
export interface RuntimeFileSet {
  /** Directory name in the store (`/models/_files/<id>`) and in a mirror (`<prefix>/_files/<id>/`). */
  readonly id: string;
  /** The files, each with its upstream URL and SHA-256 (checked after every download). */
  readonly files: readonly { readonly name: string; readonly url: string; readonly sha256: string }[];
  /** Environment variable of the server that names the directory. */
  readonly env: string;
  readonly sources: readonly Source[];
}

/** Per-token API prices, USD per million tokens. */
export interface ApiPrice {
  /** Price-book id, e.g. `claude-sonnet-4.5`. */
  readonly id: string;
  readonly provider: string;
  readonly model: string;
  readonly usdPerMillion: {
    readonly input: number;
    readonly cachedInput: number;
    /** Writing the prompt cache; providers without a separate charge bill it as input. */
    readonly cacheWrite: number;
    readonly output: number;
  };
  readonly sources: readonly Source[];
}

/** On-demand price of a rented cloud GPU. */
export interface GpuRentalPrice {
  /** Price-book id, e.g. `aws-p5`. */
  readonly id: string;
  readonly provider: string;
  /** The instance or SKU, e.g. `p5.48xlarge`. */
  readonly instance: string;
  /** GPU catalog id. */
  readonly gpu: string;
  readonly usdPerGpuHour: number;
  readonly sources: readonly Source[];
}

/**
 * The efficiencies of the throughput model (planning/throughput.ts): the share of each physical
 * roof a serving stack reaches, and its fixed costs.
 */
export interface ThroughputFactors {
  /** Share of HBM bandwidth reached reading the weights in a decode step. */
  readonly weightBandwidthEfficiency: number;
  /** Share of HBM bandwidth reached reading the KV cache (paged attention kernels). */
  readonly kvBandwidthEfficiency: number;
  /** Share of dense BF16/FP8 FLOPS reached by compute-bound decode. */
  readonly computeEfficiency: number;
  /** The same when the matmuls run on FP4 tensor cores (Blackwell MXFP4/NVFP4). */
  readonly computeEfficiencyFp4: number;
  /** Share of dense FLOPS reached by the prompts' matmuls (prefill). */
  readonly prefillEfficiency: number;
  /** The same on FP4 tensor cores. */
  readonly prefillEfficiencyFp4: number;
  /** Share of dense FLOPS reached by attention over the prompt (FlashAttention-style kernels; long prompts). */
  readonly attentionEfficiency: number;
  /** Multiplies the efficiencies of mixture-of-experts models' routed experts (grouped GEMMs, routing imbalance). */
  readonly moeEfficiency: number;
  /**
   * Tokens per expert at which a routed expert's matmuls reach half their efficiency: an expert
   * that gets t tokens in a step runs at t / (t + this) of it. 0: no dependence on the batch.
   */
  readonly moeExpertTokensHalf: number;
  /** Share of an NVLink interconnect's bandwidth reached by the tensor-parallel all-reduces. */
  readonly interconnectEfficiency: number;
  /** The same over PCIe (no NVSwitch: the traffic crosses PCIe switches or the CPU's root complex). */
  readonly pcieEfficiency: number;
  /** Fixed cost of one all-reduce, microseconds (launch and synchronization). */
  readonly allReduceLatencyUs: number;
  /** Multiplies the interconnect's bandwidth when a TP group crosses from one CPU socket to the other (PCIe). */
  readonly crossDomainEfficiency: number;
  /** Fixed cost of one decode step, milliseconds (launching the step). */
  readonly stepOverheadMs: number;
  /** Cost of each sequence in a decode step, microseconds (scheduling, sampling, detokenizing it). */
  readonly sequenceOverheadUs: number;
}

/** The names of the factors. */
export type EfficiencyFactor = keyof ThroughputFactors;

/**
 * A site's correction for one GPU and model family, fitted on its own benchmark by
 * `ai-factory calibrate`: decode efficiencies × decodeScale, prefill × prefillScale (each kept ≤ 1).
 */
export interface CalibrationAdjustment {
  /** GPU catalog id. */
  readonly gpu: string;
  readonly family: "dense" | "moe";
  readonly decodeScale: number;
  readonly prefillScale: number;
  /** Benchmark results it was fitted on. */
  readonly cases: number;
  /** Median |ln(estimate ÷ measured)| over those results before and after the adjustment. */
  readonly medianAbsLnBefore: number;
  readonly medianAbsLnAfter: number;
  readonly sources: readonly Source[];
}

/** Errors of the model on a set of measurements. */
export interface CalibrationError {
  readonly cases: number;
  /** Median |ln(estimate ÷ measured)|. */
  readonly medianAbsLn: number;
  /** Share of cases with the estimate within ±25 % of the measurement. */
  readonly within25Percent: number;
  /** Share of cases with the estimate within a factor of 2. */
  readonly within2x: number;
}

/** The throughput model's factors with their sources, and a site's adjustments. */
export interface ThroughputCalibration extends ThroughputFactors {
  /** Per GPU and model family corrections (from `ai-factory calibrate`); empty for the catalog's. */
  readonly adjustments: readonly CalibrationAdjustment[];
  /**
   * Per engine, how its efficiencies compare with the reference engine's (the factors above):
   * decode and prefill efficiencies × these scales. An engine without an entry is the reference.
   */
  readonly engines?: Readonly<Partial<Record<BenchmarkEngine, { readonly decodeScale: number; readonly prefillScale: number; readonly cases: number }>>>;
  /** The errors of these factors on the catalog's calibration set, where known. */
  readonly errors?: { readonly fit: CalibrationError; readonly heldOut: CalibrationError };
  readonly sources: readonly Source[];
}

/** A serving engine whose published or measured results calibrate the throughput model. */
export type BenchmarkEngine = "vllm" | "tensorrt-llm" | "sglang" | "nim";

/**
 * One measured throughput of one replica: a published benchmark result (the catalog's calibration
 * set) or a site's own run (`ai-factory calibrate`). Lengths are per request; the rate is output
 * tokens per second of the whole replica (all its TP GPUs together).
 */
export interface BenchmarkCase {
  /** Stable name, e.g. `trtllm-0.17-h100-llama-3.1-70b-fp8-tp4-500-2000`. */
  readonly id: string;
  readonly engine: BenchmarkEngine;
  /** Engine version as published, e.g. `0.17.0`. */
  readonly engineVersion: string;
  /** The system, a catalog server id (catalog/servers.ts): its GPU, and the link tensor parallelism ran over. */
  readonly server: string;
  /** Model id: the catalog's (catalog/models.ts) or a benchmark-only architecture (catalog/benchmark-models.ts). */
  readonly model: string;
  readonly precision: WeightPrecision;
  /** KV cache element type. */
  readonly kvCacheDtype: "auto" | "fp8";
  readonly tensorParallel: number;
  /** Mean prompt tokens per request (ISL). */
  readonly inputTokens: number;
  /** Mean generated tokens per request (OSL). */
  readonly outputTokens: number;
  /** Requests in flight: the client's maximum concurrency, or `offline` (every request queued at once). */
  readonly concurrency: number | "offline";
  /** Measured output tokens per second of the replica. */
  readonly measuredOutputTokensPerSecond: number;
  /** `fit`: the factors are fitted on it; `held-out`: only checked against. */
  readonly split: "fit" | "held-out";
  readonly source: Source;
}
