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
  readonly sources: readonly Source[];
}

/** Numeric precisions a model's weights can be served in. */
export type WeightPrecision = "bf16" | "fp8" | "int4" | "mxfp4";

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

/** An open-weight model's architecture, as far as memory and throughput need it. */
export interface ModelSpec {
  /** Catalog id, e.g. `llama-3.3-70b`. */
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
  /** The precision the published checkpoint is stored in. */
  readonly nativePrecision: WeightPrecision;
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
  /** Size of the published checkpoint on disk, GiB, where known (MXFP4 and FP8 checkpoints differ from N × bytes). */
  readonly checkpointGiB?: number;
  /**
   * Files the server loads at start besides the checkpoint (e.g. tokenizer encodings fetched from
   * the internet by a library): the model store fetches them too, so a server starts offline.
   * @default - none
   */
  readonly runtimeFiles?: readonly RuntimeFileSet[];
  readonly sources: readonly Source[];
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

/** The efficiency factors of a `ThroughputCalibration`, by name. */
export type EfficiencyFactor = "computeEfficiency" | "computeEfficiencyFp4" | "memoryBandwidthEfficiency" | "prefillEfficiency";

/** A published benchmark result that an efficiency factor is fitted on (or checked against). */
export interface CalibrationMeasurement {
  /** Stable name, e.g. `mlperf-v5.0-dgx-h100-llama-2-70b-offline`. */
  readonly id: string;
  /** The factor this measurement sets or checks. */
  readonly factor: EfficiencyFactor;
  /** System, benchmark and scenario, e.g. `NVIDIA DGX H100 (8× H100 SXM 80GB), MLPerf Inference v5.0 closed, Llama-2-70B Offline`. */
  readonly system: string;
  /** Measured output tokens per second, per GPU. */
  readonly measuredTokensPerSecondPerGpu: number;
  /** The planner's roofline (efficiency 1) per GPU at the benchmark's configuration (see `config`). */
  readonly rooflineTokensPerSecondPerGpu: number;
  /** measuredTokensPerSecondPerGpu ÷ rooflineTokensPerSecondPerGpu. */
  readonly ratio: number;
  /** The configuration the roofline was evaluated at; `[assumed]` marks what the result does not publish. */
  readonly config: string;
  readonly sources: readonly Source[];
}

/**
 * How much of the physical roofline a serving stack reaches (planning/throughput.ts). Each factor
 * is a fraction in (0, 1]; the `sources` notes give the arithmetic from the measurements.
 */
export interface ThroughputCalibration {
  /** Share of the compute ceiling (dense BF16/FP8 FLOPS) reached by compute-bound decode, end to end. */
  readonly computeEfficiency: number;
  /** Share of the compute ceiling reached when the matmuls run at FP4 (Blackwell MXFP4/NVFP4). */
  readonly computeEfficiencyFp4: number;
  /** Share of HBM bandwidth reached by bandwidth-bound decode steps (small batches, latency targets). */
  readonly memoryBandwidthEfficiency: number;
  /** Share of the compute ceiling charged for prompt (prefill) tokens. */
  readonly prefillEfficiency: number;
  /** The benchmark results the factors come from; empty for a calibration that rests on its sources alone. */
  readonly measurements: readonly CalibrationMeasurement[];
  readonly sources: readonly Source[];
}
