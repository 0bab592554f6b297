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
import type { GpuSpec, MigProfile, ModelSpec } from "../../catalog/types";

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
