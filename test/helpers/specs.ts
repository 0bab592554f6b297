/**
 * Model and GPU specs for the planning tests: architecture figures from each model's config.json on Hugging
 * Face (e.g. https://huggingface.co/meta-llama/Llama-3.1-70B-Instruct/blob/main/config.json; DeepSeek-V3's MLA
 * dimensions also in https://arxiv.org/abs/2412.19437), GPU figures from NVIDIA's datasheets (e.g.
 * https://www.nvidia.com/en-us/data-center/h100/), defined here rather than imported from catalog/ so planning
 * tests do not move when the catalog is updated.
 *
 * `hiddenSize` is a placeholder (4096 unless a spec sets it): nothing in planning/ reads it. A test file that
 * needs a field to differ spreads the spec and overrides that field, so the difference stays visible there.
 */
import type { GpuSpec, Interconnect, MigProfile, ModelSpec, ThroughputCalibration } from "../../catalog/types";

const REVISION = "0".repeat(40);

/** A model from its architecture: name = id, a pinned `test/<id>` repository, a 128k default context. */
export function model(spec: Omit<ModelSpec, "name" | "huggingFace" | "sources" | "hiddenSize" | "defaultContextTokens">): ModelSpec {
  return {
    name: spec.id,
    hiddenSize: 4096,
    defaultContextTokens: 131072,
    huggingFace: { repo: `test/${spec.id}`, revision: REVISION, gated: false },
    sources: [],
    ...spec,
  };
}

/** A GPU from its memory and speed: name = id, 700 W, no MIG unless given. */
export function gpu(spec: Partial<GpuSpec> & Pick<GpuSpec, "id" | "memoryGiB" | "memoryBandwidthTBps" | "denseTflops">): GpuSpec {
  return { name: spec.id, tdpW: 700, migProfiles: [], sources: [], ...spec };
}

export const llama70b = model({
  id: "llama-3.3-70b",
  parametersB: { total: 70.6, active: 70.6 },
  layers: 80,
  attentionHeads: 64,
  kvHeads: 8,
  headDim: 128,
  attention: { kind: "gqa" },
  nativePrecision: "bf16",
});

export const llama8b = model({
  id: "llama-3.1-8b",
  parametersB: { total: 8.03, active: 8.03 },
  layers: 32,
  attentionHeads: 32,
  kvHeads: 8,
  headDim: 128,
  attention: { kind: "gqa" },
  nativePrecision: "bf16",
});

export const qwen32b = model({
  id: "qwen3-32b",
  parametersB: { total: 32.8, active: 32.8 },
  layers: 64,
  attentionHeads: 64,
  kvHeads: 8,
  headDim: 128,
  attention: { kind: "gqa" },
  nativePrecision: "bf16",
});

export const qwen30bA3b = model({
  id: "qwen3-30b-a3b",
  parametersB: { total: 30.5, active: 3.3 },
  layers: 48,
  attentionHeads: 32,
  kvHeads: 4,
  headDim: 128,
  attention: { kind: "gqa" },
  nativePrecision: "bf16",
});

export const gptOss120b = model({
  id: "gpt-oss-120b",
  parametersB: { total: 116.8, active: 5.1 },
  layers: 36,
  attentionHeads: 64,
  kvHeads: 8,
  headDim: 64,
  // Half the layers attend to a 128-token window.
  attention: { kind: "gqa", slidingWindow: { layers: 18, windowTokens: 128 } },
  nativePrecision: "mxfp4",
  checkpointGiB: 60.8,
});

export const deepseekV3 = model({
  id: "deepseek-v3",
  parametersB: { total: 671, active: 37 },
  layers: 61,
  attentionHeads: 128,
  kvHeads: 128,
  headDim: 128,
  attention: { kind: "mla", kvLoraRank: 512, qkRopeHeadDim: 64 },
  nativePrecision: "fp8",
});

export const mig3g40gb: MigProfile = { name: "3g.40gb", memoryGiB: 40, instancesPerGpu: 2 };

export const h100 = gpu({
  id: "h100-sxm",
  memoryGiB: 80,
  memoryBandwidthTBps: 3.35,
  denseTflops: { bf16: 989, fp8: 1979, fp4: null },
  migProfiles: [
    { name: "1g.10gb", memoryGiB: 10, instancesPerGpu: 7 },
    { name: "2g.20gb", memoryGiB: 20, instancesPerGpu: 3 },
    mig3g40gb,
    { name: "4g.40gb", memoryGiB: 40, instancesPerGpu: 1 },
    { name: "7g.80gb", memoryGiB: 80, instancesPerGpu: 1 },
  ],
});

export const h200 = gpu({ id: "h200-sxm", memoryGiB: 141, memoryBandwidthTBps: 4.8, denseTflops: { bf16: 989, fp8: 1979, fp4: null } });

export const l40s = gpu({ id: "l40s", memoryGiB: 48, memoryBandwidthTBps: 0.864, denseTflops: { bf16: 362, fp8: 733, fp4: null }, tdpW: 350 });

// Round-number fixtures for the throughput model's hand arithmetic (planning/throughput.ts reads hiddenSize for the
// tensor-parallel all-reduces, so these set it). Per token and layer: KV 2 × 2 KV heads × 125 × 2 B = 1,000 B
// (10,000 B over 10 layers); attention 4 × 8 heads × 125 = 4,000 FLOPs per attended token.
const TOY = {
  layers: 10,
  attentionHeads: 8,
  kvHeads: 2,
  headDim: 125,
  nativePrecision: "bf16",
} as const;

/** A dense 10B model with round numbers: 10e9 B of FP8 weights, 10,000 B of BF16 KV per token. */
export const toyDense: ModelSpec = { ...model({ id: "toy-dense-10b", parametersB: { total: 10, active: 10 }, attention: { kind: "gqa" }, ...TOY }), hiddenSize: 5000 };

/**
 * An MoE model with 20B shared and 80B routed parameters, 2 of 16 experts per token:
 * active = 20 + 80 × 2/16 = 30B of 100B.
 */
export const toyMoe: ModelSpec = {
  ...model({ id: "toy-moe-100b-a30b", parametersB: { total: 100, active: 30 }, attention: { kind: "gqa" }, moe: { experts: 16, expertsPerToken: 2 }, ...TOY }),
  hiddenSize: 5000,
};

/** The dense toy with 4 of its 10 layers attending to a 100-token window. */
export const toyWindow: ModelSpec = {
  ...model({ id: "toy-window-10b", parametersB: { total: 10, active: 10 }, attention: { kind: "gqa", slidingWindow: { layers: 4, windowTokens: 100 } }, ...TOY }),
  hiddenSize: 5000,
};

/** A GPU with round numbers: 20 GiB, 2 TB/s, 1,000 BF16 and 2,000 FP8 dense TFLOPS, no FP4 cores. */
export const toyGpu = gpu({ id: "toy-gpu", memoryGiB: 20, memoryBandwidthTBps: 2, denseTflops: { bf16: 1000, fp8: 2000, fp4: null } });

/** The toy GPU with FP4 tensor cores (4,000 dense TFLOPS). */
export const toyGpuFp4 = gpu({ id: "toy-gpu-fp4", memoryGiB: 20, memoryBandwidthTBps: 2, denseTflops: { bf16: 1000, fp8: 2000, fp4: 4000 } });

/** NVIDIA A100 SXM 80GB (https://www.nvidia.com/en-us/data-center/a100/): 2.039 TB/s, 312 BF16 TFLOPS, no FP8. */
export const a100 = gpu({ id: "a100-80", memoryGiB: 80, memoryBandwidthTBps: 2.039, denseTflops: { bf16: 312, fp8: null, fp4: null }, tdpW: 400 });

/** NVIDIA B200 (https://www.nvidia.com/en-us/data-center/dgx-b200/): 180 GB, 8 TB/s, 2,250 BF16 / 4,500 FP8 / 9,000 FP4 dense TFLOPS. */
export const b200 = gpu({ id: "b200", memoryGiB: 180, memoryBandwidthTBps: 8, denseTflops: { bf16: 2250, fp8: 4500, fp4: 9000 }, tdpW: 1000 });

/** An NVLink-class link of 100 GB/s per GPU, one direction (round, for hand arithmetic). */
export const toyNvlink: Interconnect = { kind: "nvlink", gbpsPerGpu: 100, sources: [] };

/** PCIe Gen4 x16: 32 GB/s per GPU, one direction. */
export const pcieGen4: Interconnect = { kind: "pcie", gbpsPerGpu: 32, sources: [] };

/** A throughput calibration with every efficiency 0.5 and no fixed costs, so hand arithmetic stays simple. */
export const halfCalibration: ThroughputCalibration = {
  weightBandwidthEfficiency: 0.5,
  kvBandwidthEfficiency: 0.5,
  computeEfficiency: 0.5,
  computeEfficiencyFp4: 0.5,
  prefillEfficiency: 0.5,
  prefillEfficiencyFp4: 0.5,
  attentionEfficiency: 0.5,
  moeEfficiency: 0.5,
  moeExpertTokensHalf: 0,
  interconnectEfficiency: 0.5,
  pcieEfficiency: 0.5,
  allReduceLatencyUs: 0,
  crossDomainEfficiency: 0.5,
  stepOverheadMs: 0,
  sequenceOverheadUs: 0,
  adjustments: [],
  sources: [],
};
