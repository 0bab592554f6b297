import fc from "fast-check";
import type { CalibrationAdjustment, GpuSpec, Interconnect, ModelSpec, ThroughputCalibration, ThroughputFactors, WeightPrecision } from "../../catalog/types";
import { GIB, kvBytesPerSequence, weightsBytes } from "../../planning/memory";
import {
  computeFlops,
  decodeAttentionFlops,
  estimateThroughput,
  factorsFor,
  kvReplication,
  measuredAboveCeiling,
  prefillAttentionFlops,
  weightsSplit,
  weightsTouched,
  type ThroughputEstimate,
  type ThroughputInput,
} from "../../planning/throughput";
import {
  a100,
  b200,
  deepseekV3,
  gptOss120b,
  h100,
  h200,
  l40s,
  llama70b,
  llama8b,
  pcieGen4,
  qwen30bA3b,
  toyDense,
  toyGpu,
  toyGpuFp4,
  toyMoe,
  toyNvlink,
  toyWindow,
  halfCalibration as HALF,
} from "../helpers/specs";

// Fixtures come from test/helpers/specs.ts, not from catalog/, so these tests pin the arithmetic alone. The toy
// fixtures are round: toyDense is 10B parameters (10e9 B at FP8), 10 layers, 10,000 B of BF16 KV per token and
// 4,000 attention FLOPs per attended token and layer, hidden size 5,000; toyGpu is 2 TB/s, 2,000 FP8 and 1,000 BF16
// TFLOPS. Attention runs at the KV cache's precision, BF16 by default (1e15 FLOP/s), whatever the weights' precision.


/** The toy model on one toy GPU at FP8, prompts of 900 and outputs of 200 tokens (mean context 1,000), 1e12 B of KV. */
const TOY: ThroughputInput = {
  model: toyDense,
  gpu: toyGpu,
  precision: "fp8",
  tensorParallel: 1,
  promptTokens: 900,
  outputTokens: 200,
  kvCacheBytesPerReplica: 1e12,
  calibration: HALF,
};

/** Asserts `actual` is within a relative `1e-digits` of `expected` (the hand arithmetic is exact; floats are not). */
function expectNear(actual: number | null | undefined, expected: number, digits = 9): void {
  expect(actual).toEqual(expect.any(Number));
  expect((actual as number) / expected).toBeCloseTo(1, digits);
}

function estimate(overrides: Partial<ThroughputInput> = {}): ThroughputEstimate {
  return estimateThroughput({ ...TOY, ...overrides });
}

// The byte counts come from planning/memory.ts (the fit check's arithmetic); these pin what the model reads.
describe("weights and KV cache", () => {
  test("GIVEN a dense model WHEN sized at each precision THEN bytes = parameters × bytes per parameter", () => {
    expect(weightsBytes(llama70b, "bf16")).toBeCloseTo(141.2e9, -3); // 70.6e9 × 2
    expect(weightsBytes(llama70b, "fp8")).toBeCloseTo(70.6e9, -3); // 70.6e9 × 1
    expect(weightsBytes(llama70b, "int4")).toBeCloseTo(35.3e9, -3); // 70.6e9 × 0.5
    expect(weightsBytes(llama70b, "mxfp4")).toBeCloseTo(37.50625e9, -3); // 70.6e9 × 4.25 / 8
    expect(weightsBytes(llama70b, "nvfp4")).toBeCloseTo(39.7125e9, -3); // 70.6e9 × 4.5 / 8
  });

  test("GIVEN a checkpoint size WHEN served at its native precision THEN the checkpoint size is used", () => {
    expect(weightsBytes(gptOss120b, "mxfp4")).toBe(60.8 * GIB);
    // Another precision falls back to parameters × bytes: 116.8e9 × 2.
    expect(weightsBytes(gptOss120b, "bf16")).toBeCloseTo(233.6e9, -3);
  });

  test("GIVEN GQA models WHEN one token is cached THEN KV bytes are 2 × layers × KV heads × head dim × bytes", () => {
    // 2 (K, V) × 80 layers × 8 KV heads × 128 head dim × 2 bytes = 327,680
    expect(kvBytesPerSequence(llama70b, 1, "bf16")).toBe(327_680);
    // 2 × 32 × 8 × 128 × 2 = 131,072
    expect(kvBytesPerSequence(llama8b, 1, "bf16")).toBe(131_072);
    // FP8 halves it.
    expect(kvBytesPerSequence(llama70b, 1, "fp8")).toBe(163_840);
    // 2 × 10 × 2 × 125 × 2 = 10,000 B per token; 1,000 tokens = 1e7 B.
    expect(kvBytesPerSequence(toyDense, 1000, "auto")).toBe(1e7);
  });

  test("GIVEN sliding-window layers WHEN the context exceeds the window THEN those layers hold only the window", () => {
    // Per layer per token: 2 × 8 × 64 × 2 = 2,048 B. 18 full layers × 10,000 tokens + 18 window layers × 128 tokens.
    expect(kvBytesPerSequence(gptOss120b, 10_000, "bf16")).toBe(2048 * (18 * 10_000 + 18 * 128));
    // Below the window every layer holds the whole context.
    expect(kvBytesPerSequence(gptOss120b, 100, "bf16")).toBe(2048 * 36 * 100);
  });

  test("GIVEN MLA WHEN one token is cached THEN KV = layers × (kv_lora_rank + rope dim) × bytes", () => {
    // 61 × (512 + 64) × 2 = 70,272 (kv_lora_rank 512, qk_rope_head_dim 64: DeepSeek-V3's config.json)
    expect(kvBytesPerSequence(deepseekV3, 1, "bf16")).toBe(70_272);
  });

  test("GIVEN tensor parallelism WHEN KV heads cannot be split further THEN KV is replicated", () => {
    expect(kvReplication(llama70b, 4)).toBe(1); // 8 KV heads over 4 ranks: sharded
    expect(kvReplication(llama70b, 16)).toBe(2); // 8 KV heads over 16 ranks
    expect(kvReplication(toyDense, 8)).toBe(4); // 2 KV heads over 8 ranks
    expect(kvReplication(deepseekV3, 8)).toBe(8); // the MLA latent lives on every rank
  });

  test("GIVEN a weight precision WHEN picking tensor cores THEN FP8 and FP4 (MXFP4 and NVFP4) are used only where the GPU has them", () => {
    expect(computeFlops(h100, "fp8")).toEqual({ precision: "fp8", flops: 1979e12 });
    expect(computeFlops(a100, "fp8")).toEqual({ precision: "bf16", flops: 312e12 });
    expect(computeFlops(h100, "mxfp4")).toEqual({ precision: "bf16", flops: 989e12 });
    expect(computeFlops(h100, "nvfp4")).toEqual({ precision: "bf16", flops: 989e12 });
    expect(computeFlops(b200, "mxfp4")).toEqual({ precision: "fp4", flops: 9000e12 });
    expect(computeFlops(b200, "nvfp4")).toEqual({ precision: "fp4", flops: 9000e12 });
    expect(computeFlops(b200, "int4")).toEqual({ precision: "bf16", flops: 2250e12 });
  });
});

describe("attention FLOPs", () => {
  test("GIVEN full attention WHEN decoding at context c THEN 4 · heads · head dim · layers · c", () => {
    // 4 × 8 × 125 = 4,000 per attended token and layer; × 10 layers × 1,000 tokens = 4e7
    expect(decodeAttentionFlops(toyDense, 1000)).toBe(4e7);
  });

  test("GIVEN sliding-window layers WHEN decoding past the window THEN those layers attend to the window only", () => {
    // 4,000 × (6 full layers × 1,000 + 4 window layers × 100) = 4,000 × 6,400 = 2.56e7
    expect(decodeAttentionFlops(toyWindow, 1000)).toBe(2.56e7);
  });

  test("GIVEN a causal prompt of s tokens WHEN prefilling THEN a token attends to s/2 tokens on average", () => {
    // 4,000 × 10 layers × 900 / 2 = 1.8e7
    expect(prefillAttentionFlops(toyDense, 900)).toBe(1.8e7);
  });

  test("GIVEN sliding-window layers WHEN the prompt exceeds the window THEN they attend to w − w²/(2s) on average", () => {
    // s = 1,000, w = 100: 6 full layers × 500 + 4 window layers × (100 − 100² / 2,000 = 95) = 3,380; × 4,000 = 1.352e7
    expect(prefillAttentionFlops(toyWindow, 1000)).toBeCloseTo(1.352e7, 3);
    // s = 80 ≤ w: every layer attends to s/2 = 40: 4,000 × 10 × 40 = 1.6e6
    expect(prefillAttentionFlops(toyWindow, 80)).toBe(1.6e6);
  });
});

describe("weights touched per decode step", () => {
  // toyMoe: 20B shared + 80B routed, 2 of 16 experts per token (k/E = 1/8); 100e9 B at FP8.
  const W = 100e9;

  test("GIVEN a dense model WHEN decoding any batch THEN every weight is read", () => {
    expect(weightsTouched(toyDense, 10e9, 1)).toBe(10e9);
    expect(weightsTouched(toyDense, 10e9, 500)).toBe(10e9);
  });

  test("GIVEN an MoE model WHEN decoding one sequence THEN W·(1 − f_e) + W·f_e·k/E, the active share", () => {
    // f_e = (100 − 30) / (100 × (1 − 1/8)) = 0.8; 100e9 × 0.2 + 100e9 × 0.8 × 1/8 = 20e9 + 10e9 = 30e9 = 30/100 of W
    expectNear(weightsTouched(toyMoe, W, 1), 30e9);
  });

  test("GIVEN an MoE model WHEN decoding two sequences THEN the routed part touched is 1 − (1 − k/E)^2", () => {
    // 20e9 + 80e9 × (1 − (7/8)²) = 20e9 + 80e9 × 15/64 = 20e9 + 18.75e9 = 38.75e9
    expectNear(weightsTouched(toyMoe, W, 2), 38.75e9);
  });

  test("GIVEN an MoE model WHEN the batch is large THEN all weights are read", () => {
    // (7/8)^1000 ≈ e^−133.5 ≈ 0: 20e9 + 80e9
    expectNear(weightsTouched(toyMoe, W, 1000), 100e9);
    expect(weightsTouched(toyMoe, W, 10)).toBeLessThan(weightsTouched(toyMoe, W, 20));
  });

  test("GIVEN an MoE model WHEN the bytes are split THEN the shared 20e9 B and the routed experts touched", () => {
    const split = weightsSplit(toyMoe, W, 2);
    expectNear(split.shared, 20e9);
    expectNear(split.routed, 18.75e9);
    expect(weightsSplit(toyDense, 10e9, 7)).toEqual({ shared: 10e9, routed: 0 });
  });

  test("GIVEN a model with fewer active than total parameters but no expert counts WHEN split THEN the active share grows with the batch", () => {
    // Qwen3-30B-A3B as specs.ts has it (no moe field): 61e9 B at BF16; one token reads 3.3/30.5 of it = 6.6e9 B
    expectNear(weightsSplit(qwen30bA3b, 61e9, 1).routed, 6.6e9);
    expectNear(weightsSplit(qwen30bA3b, 61e9, 2).routed, 13.2e9);
    // 10 tokens × 6.6e9 B > 61e9 B: capped at all of them
    expect(weightsSplit(qwen30bA3b, 61e9, 10)).toEqual({ shared: 0, routed: 61e9 });
  });

  test("GIVEN an MoE model WHEN a step of 2 sequences is estimated THEN the routed experts run at moeEfficiency", () => {
    const e = estimate({ model: toyMoe, maxConcurrentSequences: 2 });
    // shared 20e9 B / (2e12 B/s × 0.5) + routed 18.75e9 B / (2e12 × 0.5 × 0.5 MoE) = 20 ms + 37.5 ms
    expectNear(e.step?.weights, 0.0575);
    // Shared FLOPs per token 2 × (30e9 − 80e9 × 2/16) = 4e10, routed 2 × 10e9 = 2e10:
    // 2 × 4e10 / (2e15 × 0.5) + 2 × 2e10 / (2e15 × 0.5 × 0.5) = 80 µs + 80 µs
    expectNear(e.step?.compute, 1.6e-4);
    // Attention is not an expert's, and runs at BF16 (the KV cache's precision): 2 × 4e7 / (1e15 × 0.5)
    expectNear(e.step?.attention, 1.6e-7);
  });

  test("GIVEN moeExpertTokensHalf WHEN few tokens reach each expert THEN the routed matmuls run at t / (t + half) of the efficiency", () => {
    const e = estimate({ model: toyMoe, maxConcurrentSequences: 2, calibration: { ...HALF, moeExpertTokensHalf: 0.25 } });
    // t = 2 × 2/16 = 0.25 tokens per expert: 0.25 / (0.25 + 0.25) = 0.5; routed 4e10 / (2e15 × 0.125) = 160 µs; + 80 µs shared
    expectNear(e.step?.compute, 2.4e-4);
  });
});

describe("decode step", () => {
  test("GIVEN 100 sequences of the dense toy on one GPU WHEN decoding THEN each part and the rate are the roofline's", () => {
    const e = estimate({ maxConcurrentSequences: 100, calibration: { ...HALF, stepOverheadMs: 1 } });
    expect(e.batch).toBe(100);
    expect(e.meanContextTokens).toBe(1000); // 900 + 200 / 2
    expect(e.kvBatch).toBe(100_000); // floor(1e12 B / (1,000 tokens × 10,000 B))
    const step = e.step!;
    expectNear(step.weights, 0.01); // 10e9 B / (2e12 B/s × 0.5) = 10 ms
    expectNear(step.kvCache, 0.001); // 100 × 1e7 B / (2e12 B/s × 0.5) = 1 ms
    expectNear(step.compute, 0.002); // 100 × 2 × 10e9 / (2,000e12 × 0.5) = 2 ms
    expectNear(step.attention, 8e-6); // 100 × 4e7 / (1,000e12 BF16 × 0.5) = 8 µs
    expect(step.interconnect).toBe(0); // one GPU: no all-reduces
    expectNear(step.overhead, 0.001);
    // step = max(10, 2) + max(1, 0.008) + 0 + 1 = 12 ms; 100 / 12 ms = 8,333.3 tokens/s
    expectNear(e.secondsPerOutputToken, 0.012);
    expectNear(e.tokensPerSecond, 100 / 0.012);
    // Ceiling (efficiency 1, no fixed costs): max(5, 1) + max(0.5, 0.004) = 5.5 ms → 18,181.8 tokens/s
    expectNear(e.ceilingTokensPerSecond, 100 / 0.0055);
    expectNear(e.efficiency, 0.0055 / 0.012);
    // 2e15 FLOP/s / (2 × 10e9) = 100,000 tokens/s
    expectNear(e.computeCeilingTokensPerSecond, 100_000);
  });

  test("GIVEN sequenceOverheadUs WHEN decoding THEN each sequence adds its fixed cost to the step", () => {
    const e = estimate({ maxConcurrentSequences: 100, calibration: { ...HALF, stepOverheadMs: 1, sequenceOverheadUs: 10 } });
    // 1 ms + 100 × 10 µs = 2 ms; step = 10 + 1 + 2 = 13 ms
    expectNear(e.step?.overhead, 0.002);
    expectNear(e.tokensPerSecond, 100 / 0.013);
  });

  test("GIVEN TP 2 over a 100 GB/s link WHEN decoding THEN the interconnect term is 2·L·(α + 2·(TP−1)/TP·B·h·2 / (link·e_link))", () => {
    const e = estimate({ tensorParallel: 2, interconnect: toyNvlink, maxConcurrentSequences: 100, calibration: { ...HALF, allReduceLatencyUs: 5 } });
    const step = e.step!;
    expectNear(step.weights, 0.005); // 10e9 B / (2 × 2e12 B/s × 0.5) = 5 ms
    expectNear(step.kvCache, 0.0005); // 2 KV heads over 2 ranks: no replication; 100 × 1e7 / 2e12 = 0.5 ms
    expectNear(step.compute, 0.001); // 100 × 2e10 / (2 × 2e15 × 0.5) = 1 ms
    // 2 × 10 × (5 µs + 2 × 1/2 × 100 × 5,000 × 2 B / (100e9 B/s × 0.5)) = 20 × (5 µs + 20 µs) = 0.5 ms
    expectNear(step.interconnect, 5e-4);
    // attention 100 × 4e7 / (2 × 1e15 × 0.5) = 0.004 ms: max(5, 1) + max(0.5, 0.004) + 0.5 = 6 ms → 16,666.7 tokens/s
    expectNear(e.secondsPerOutputToken, 0.006);
    expectNear(e.tokensPerSecond, 100 / 0.006);
  });

  test("GIVEN no interconnect WHEN TP > 1 THEN PCIe Gen4 at 32 GB/s is assumed, at pcieEfficiency", () => {
    const e = estimate({ tensorParallel: 2, maxConcurrentSequences: 100, calibration: { ...HALF, pcieEfficiency: 0.25 } });
    // 2 × 10 × 2 × 1/2 × 100 × 5,000 × 2 B / (32e9 B/s × 0.25) = 20 × 1e6 / 8e9 = 2.5 ms
    expectNear(e.step?.interconnect, 0.0025);
    // An NVLink-class link runs at interconnectEfficiency instead: 20 × 1e6 / (100e9 × 0.5) = 0.4 ms
    expectNear(estimate({ tensorParallel: 2, maxConcurrentSequences: 100, interconnect: toyNvlink, calibration: { ...HALF, pcieEfficiency: 0.25 } }).step?.interconnect, 4e-4);
  });

  test("GIVEN a TP group larger than a socket's GPUs WHEN decoding THEN the all-reduces also pay crossDomainEfficiency", () => {
    const input: Partial<ThroughputInput> = { tensorParallel: 8, promptTokens: 100, outputTokens: 1000, maxConcurrentSequences: 256 };
    // 2 × 10 × 256 × (2 × 7/8 × 5,000 × 2 = 17,500 B) / (32e9 × 0.5 × 0.5) = 20 × 4.48e6 / 8e9 = 11.2 ms
    expectNear(estimate({ ...input, interconnect: { ...pcieGen4, gpusPerDomain: 4 } }).step?.interconnect, 0.0112);
    // Eight GPUs per socket domain: the group stays inside it, 20 × 4.48e6 / 1.6e10 = 5.6 ms.
    expectNear(estimate({ ...input, interconnect: { ...pcieGen4, gpusPerDomain: 8 } }).step?.interconnect, 0.0056);
  });

  test("GIVEN the sliding-window toy WHEN decoding THEN its attention FLOPs cap at the window on those layers", () => {
    const e = estimate({ model: toyWindow, maxConcurrentSequences: 100 });
    // 100 × 2.56e7 / (1e15 BF16 × 0.5) = 5.12 µs
    expectNear(e.step?.attention, 5.12e-6);
  });

  test("GIVEN an FP8 KV cache WHEN the GPU has FP8 cores THEN attention runs at FP8 TFLOPS, whatever the weights' precision", () => {
    const e = estimate({ maxConcurrentSequences: 100, kvCachePrecision: "fp8" });
    // 5,000 B of FP8 KV per token: 100 × 5e6 B / (2e12 × 0.5) = 0.5 ms
    expectNear(e.step?.kvCache, 5e-4);
    // 100 × 4e7 / (2,000e12 FP8 × 0.5) = 4 µs
    expectNear(e.step?.attention, 4e-6);
    // prefill: 2e10 / 1e15 + 1.8e7 / (2e15 × 0.5) = 20 µs + 0.018 µs
    expectNear(e.prefillTokensPerSecond, 1 / 2.0018e-5);
    // BF16 weights: the matmuls drop to 1,000 TFLOPS (100 × 2e10 / 5e14 = 4 ms, 2e10 / 5e14 = 40 µs per prompt token),
    // attention stays at FP8: 4 µs per step, 0.018 µs per prompt token.
    const bf16 = estimate({ maxConcurrentSequences: 100, kvCachePrecision: "fp8", precision: "bf16" });
    expectNear(bf16.step?.compute, 0.004);
    expectNear(bf16.step?.attention, 4e-6);
    expectNear(bf16.prefillTokensPerSecond, 1 / 4.0018e-5);
  });

  test("GIVEN an FP8 KV cache WHEN the GPU has no FP8 cores THEN attention runs at BF16", () => {
    const noFp8: GpuSpec = { ...toyGpu, denseTflops: { bf16: 1000, fp8: null, fp4: null } };
    const e = estimate({ gpu: noFp8, maxConcurrentSequences: 100, kvCachePrecision: "fp8" });
    // 100 × 4e7 / (1,000e12 BF16 × 0.5) = 8 µs
    expectNear(e.step?.attention, 8e-6);
    // FP8 weights run at BF16 too: 2e10 / 5e14 + 1.8e7 / 5e14 = 40 µs + 0.036 µs
    expectNear(e.prefillTokensPerSecond, 1 / 4.0036e-5);
  });
});

describe("prefill", () => {
  test("GIVEN the dense toy on one GPU WHEN prefilling 900-token prompts THEN 2·N / (F · e_p) + attention / (F_a · e_att)", () => {
    // 2 × 10e9 / (2e15 FP8 × 0.5) + 1.8e7 / (1e15 BF16 × 0.5) = 20 µs + 0.036 µs = 20.036 µs → 49,910.2 tokens/s
    expectNear(estimate().prefillTokensPerSecond, 1 / 2.0036e-5);
  });

  test("GIVEN a lower attentionEfficiency WHEN prefilling THEN only the attention part slows", () => {
    // 20 µs + 1.8e7 / (1e15 × 0.25) = 20 µs + 0.072 µs
    expectNear(estimate({ calibration: { ...HALF, attentionEfficiency: 0.25 } }).prefillTokensPerSecond, 1 / 2.0072e-5);
  });

  test("GIVEN sliding-window layers WHEN prefilling 1,000-token prompts THEN their attention is w − w²/(2s)", () => {
    // 2e10 / 1e15 + 1.352e7 / 5e14 = 20 µs + 0.02704 µs = 20.02704 µs → 49,932.5 tokens/s
    expectNear(estimate({ model: toyWindow, promptTokens: 1000 }).prefillTokensPerSecond, 1 / 2.002704e-5);
  });

  test("GIVEN FP4 tensor cores WHEN prefilling THEN the matmuls run at prefillEfficiencyFp4 and attention at BF16 and attentionEfficiency", () => {
    const e = estimate({ gpu: toyGpuFp4, precision: "nvfp4", calibration: { ...HALF, prefillEfficiencyFp4: 0.2 } });
    // Matmuls at 0.2 of 4,000 TFLOPS: 2e10 / 8e14 = 25 µs; attention 1.8e7 / (1e15 × 0.5) = 0.036 µs → 25.036 µs → 39,942.5 tokens/s
    expectNear(e.prefillTokensPerSecond, 1 / 2.5036e-5);
  });

  test("GIVEN FP4 tensor cores WHEN the decode efficiencies change THEN prefill does not move; prefillEfficiencyFp4 alone sets its matmuls", () => {
    const fp4 = { gpu: toyGpuFp4, precision: "nvfp4" as const };
    // 2e10 / (4e15 × 0.8) + 1.8e7 / (1e15 × 0.5) = 6.25 µs + 0.036 µs = 6.286 µs, above prefillEfficiency (0.5) too
    expectNear(estimate({ ...fp4, calibration: { ...HALF, prefillEfficiencyFp4: 0.8 } }).prefillTokensPerSecond, 1 / 6.286e-6);
    // computeEfficiencyFp4 and computeEfficiency are decode's: 2e10 / (4e15 × 0.5) + 0.036 µs = 10.036 µs whatever they are
    const decodeOnly = { ...HALF, computeEfficiencyFp4: 0.8, computeEfficiency: 0.1 };
    expectNear(estimate({ ...fp4, calibration: decodeOnly }).prefillTokensPerSecond, 1 / 1.0036e-5);
  });

  test("GIVEN an MoE model WHEN prefilling THEN the routed experts' matmuls are multiplied by moeEfficiency", () => {
    // shared 4e10 / (2e15 × 0.5) + routed 2e10 / (2e15 × 0.5 × 0.5) + attention 1.8e7 / (1e15 × 0.5) = 40 + 40 + 0.036 µs
    // → 12,494.4 tokens/s
    expectNear(estimate({ model: toyMoe }).prefillTokensPerSecond, 1 / 8.0036e-5);
  });

  test("GIVEN moeExpertTokensHalf WHEN prefilling in 8,192-token chunks THEN the routed matmuls saturate at t / (t + half)", () => {
    // t = 8,192 × 2/16 = 1,024 tokens per expert; half 1,024 → 0.5: routed 2e10 / 2.5e14 = 80 µs; 40 + 80 + 0.036 µs
    expectNear(estimate({ model: toyMoe, calibration: { ...HALF, moeExpertTokensHalf: 1024 } }).prefillTokensPerSecond, 1 / 1.20036e-4);
  });

  test("GIVEN TP 2 WHEN prefilling THEN each token pays the all-reduce bytes without the fixed latency", () => {
    const e = estimate({ tensorParallel: 2, interconnect: toyNvlink, calibration: { ...HALF, allReduceLatencyUs: 5 } });
    // 2e10 / (2 × 2e15 × 0.5) + 1.8e7 / (2 × 1e15 × 0.5) + 20 × 10,000 B / (100e9 × 0.5) = 10 + 0.018 + 4 µs = 14.018 µs
    expectNear(e.prefillTokensPerSecond, 1 / 1.4018e-5);
  });
});

describe("workload", () => {
  test("GIVEN decode and prefill rates WHEN mixed at 900:200 THEN 1 / (1/decode + (s/o)/prefill)", () => {
    const e = estimate({ maxConcurrentSequences: 100 });
    // decode: 100 / (max(10, 2) + max(1, 0.008)) ms = 9,090.9/s → 110 µs per output token
    expectNear(e.tokensPerSecond, 100 / 0.011);
    // prefill: 900 / 200 × 20.036 µs = 90.162 µs per output token; 1 / 200.162 µs = 4,995.95/s
    expectNear(e.workloadTokensPerSecond, 1 / 2.00162e-4);
    expectNear(e.prefillShare, 9.0162e-5 / 2.00162e-4);
  });

  test("GIVEN cached prompt tokens WHEN fewer are computed THEN the workload rate rises", () => {
    const e = estimate({ maxConcurrentSequences: 100, computedPromptTokens: 450 });
    // The context (KV, decode) is unchanged; prefill: 450 / 200 × 20.036 µs = 45.081 µs; 1 / 155.081 µs = 6,448.3/s
    expect(e.meanContextTokens).toBe(1000);
    expectNear(e.workloadTokensPerSecond, 1 / 1.55081e-4);
    expect(e.workloadTokensPerSecond).toBeGreaterThan(1 / 2.00162e-4);
    // Nothing computed: the decode rate alone.
    expectNear(estimate({ maxConcurrentSequences: 100, computedPromptTokens: 0 }).workloadTokensPerSecond, 100 / 0.011);
  });
});

describe("batch and bound", () => {
  test("GIVEN KV memory for 37.5 sequences WHEN sizing the batch THEN 37, bound by kv-capacity", () => {
    const e = estimate({ kvCacheBytesPerReplica: 3.75e8 });
    // floor(3.75e8 B / (1,000 tokens × 10,000 B × replication 1)) = 37
    expect(e.kvBatch).toBe(37);
    expect(e.batch).toBe(37);
    expect(e.boundBy).toBe("kv-capacity");
    // max(10, 37 × 0.02) + max(37 × 0.01, 37 × 0.00008) ms = 10.37 ms → 37 / 10.37 ms = 3,568.0/s
    expectNear(e.tokensPerSecond, 37 / 0.01037);
    // A cap equal to the KV batch: still the KV memory's limit; one below it: the cap.
    expect(estimate({ kvCacheBytesPerReplica: 3.75e8, maxConcurrentSequences: 37 }).boundBy).toBe("kv-capacity");
    expect(estimate({ kvCacheBytesPerReplica: 3.75e8, maxConcurrentSequences: 36 }).boundBy).toBe("memory-bandwidth");
  });

  test("GIVEN KV heads replicated over TP ranks WHEN sizing the batch THEN each sequence counts r times", () => {
    // TP 4 over 2 KV heads: r = 2; floor(1e9 / (1e7 × 2)) = 50
    expect(estimate({ tensorParallel: 4, kvCacheBytesPerReplica: 1e9 }).kvBatch).toBe(50);
  });

  test("GIVEN kvReservation full WHEN sizing the batch THEN each sequence reserves its whole prompt + output", () => {
    const e = estimate({ kvCacheBytesPerReplica: 3.75e8, kvReservation: "full" });
    // floor(3.75e8 / (1,100 tokens × 10,000 B)) = 34, against 37 at the mean context of 1,000
    expect(e.kvBatch).toBe(34);
    // The decode step still reads the mean context's KV: 34 × 1e7 / 1e12 = 0.34 ms
    expectNear(e.step?.kvCache, 3.4e-4);
  });

  test("GIVEN no KV memory figure WHEN sizing the batch THEN TP × (memory × 0.9 − weights / TP − 2 GiB)", () => {
    // 20 GiB × 0.9 = 19,327,352,832 B − 10e9 B − 2,147,483,648 B = 7,179,869,184 B → floor(/ 1e7) = 717
    expect(estimate({ kvCacheBytesPerReplica: undefined }).kvBatch).toBe(717);
    // TP 2: 2 × (19,327,352,832 − 5e9 − 2,147,483,648) = 24,359,738,368 B → 2,435
    expect(estimate({ kvCacheBytesPerReplica: undefined, tensorParallel: 2 }).kvBatch).toBe(2435);
  });

  test("GIVEN a concurrency cap below the KV batch WHEN bandwidth-bound THEN the cap, bound by memory-bandwidth", () => {
    const e = estimate({ maxConcurrentSequences: 100 });
    expect(e.batch).toBe(100);
    expect(e.boundBy).toBe("memory-bandwidth");
  });

  test("GIVEN a latency target WHEN a bigger batch would be slower THEN the largest batch meeting it, bound by latency", () => {
    // step(B) = max(10, B × 0.02) + max(B × 0.01, B × 0.00008) ms = 10 + B × 0.01 ms below B = 500: B ≤ 25.5 for 10.255 ms
    const e = estimate({ maxSecondsPerOutputToken: 0.010255 });
    expect(e.batch).toBe(25);
    expect(e.boundBy).toBe("latency");
    expect(e.meetsLatencyTarget).toBe(true);
    expectNear(e.secondsPerOutputToken, 0.01025);
    expectNear(e.tokensPerSecond, 25 / 0.01025);
    // One more sequence: 10.26 ms, over the target.
    expectNear(estimate({ maxConcurrentSequences: 26 }).secondsPerOutputToken, 0.01026);
  });

  test("GIVEN a latency target below the single-stream step WHEN estimating THEN batch 1 and the target is reported missed", () => {
    // One sequence: 10 ms + 0.01 ms > 5 ms
    const e = estimate({ maxSecondsPerOutputToken: 0.005 });
    expect(e.batch).toBe(1);
    expect(e.meetsLatencyTarget).toBe(false);
    expect(e.boundBy).toBe("latency");
    expectNear(e.secondsPerOutputToken, 0.01001);
  });

  test("GIVEN a batch past the crossover WHEN compute takes longer than the reads THEN bound by compute", () => {
    // 100-token prompts, 1,000-token outputs: mean context 600, KV 6e6 B, 2e10 + 2.4e7 FLOPs per token.
    const e = estimate({ promptTokens: 100, outputTokens: 1000, maxConcurrentSequences: 2000 });
    // matmuls: max(10 ms of weights, 2,000 × 2e10 / 1e15 = 40 ms); attention: max(2,000 × 6e6 / 1e12 = 12 ms, 2,000 × 2.4e7 / 5e14 = 0.096 ms)
    expectNear(e.step?.compute, 0.04);
    expect(e.boundBy).toBe("compute");
    // 40 + 12 = 52 ms → 38,461.5 tokens/s
    expectNear(e.tokensPerSecond, 2000 / 0.052);
  });

  test("GIVEN TP 8 over PCIe and a large batch WHEN the all-reduces dominate THEN bound by interconnect", () => {
    const input: Partial<ThroughputInput> = { tensorParallel: 8, promptTokens: 100, outputTokens: 1000, maxConcurrentSequences: 256 };
    const e = estimate(input);
    const step = e.step!;
    expectNear(step.weights, 0.00125); // 10e9 / (8 × 2e12 × 0.5)
    expectNear(step.kvCache, 7.68e-4); // 256 × 6e6 B × r 4 / 8e12
    expectNear(step.compute, 6.4e-4); // 256 × 2e10 / (8 × 2e15 × 0.5)
    // 2 × 10 × 256 × (2 × 7/8 × 5,000 × 2 = 17,500 B) / (32e9 × 0.5) = 20 × 4.48e6 / 1.6e10 = 5.6 ms
    expectNear(step.interconnect, 0.0056);
    expect(e.boundBy).toBe("interconnect");
    // Over a 900 GB/s link the same all-reduces take 20 × 4.48e6 / 4.5e11 = 0.199 ms: the reads bound it.
    const nvlink: Interconnect = { ...toyNvlink, gbpsPerGpu: 900 };
    const fast = estimate({ ...input, interconnect: nvlink });
    expectNear(fast.step?.interconnect, (20 * 4.48e6) / 4.5e11);
    expect(fast.boundBy).toBe("memory-bandwidth");
  });

  test("GIVEN prompt-heavy requests WHEN prefill takes most of the time THEN bound by prefill", () => {
    const e = estimate({ promptTokens: 8000, outputTokens: 100, maxConcurrentSequences: 100 });
    // decode: max(10, 2) ms + max(100 × 8.05e7 / 1e12, 100 × 3.22e8 / 5e14 = 0.0644) ms = 18.05 ms for 100 tokens → 180.5 µs
    // per output token; prefill: 2e10 / 1e15 + 4,000 × 10 × 4,000 / 5e14 = 20.32 µs per prompt token × 80 = 1,625.6 µs
    expectNear(e.prefillShare, 1.6256e-3 / (1.6256e-3 + 1.805e-4));
    expect(e.boundBy).toBe("prefill");
  });
});

describe("site adjustments (factorsFor)", () => {
  const adjustment: CalibrationAdjustment = {
    gpu: "toy-gpu",
    family: "dense",
    decodeScale: 1.5,
    prefillScale: 4,
    cases: 3,
    medianAbsLnBefore: 0.4,
    medianAbsLnAfter: 0.05,
    sources: [],
  };
  const adjusted: ThroughputCalibration = { ...HALF, adjustments: [adjustment] };

  test("GIVEN an adjustment for the GPU and family WHEN resolving factors THEN decode × decodeScale, prefill × prefillScale, capped at 1", () => {
    const { factors, adjustment: applied } = factorsFor(adjusted, "toy-gpu", "dense");
    expect(applied).toBe(adjustment);
    // 0.5 × 1.5 = 0.75 for the decode efficiencies; 0.5 × 4 = 2, capped at 1, for prefill (BF16/FP8 and FP4) and
    // attention; the others untouched.
    expect(factors).toMatchObject({
      weightBandwidthEfficiency: 0.75,
      kvBandwidthEfficiency: 0.75,
      computeEfficiency: 0.75,
      computeEfficiencyFp4: 0.75,
      prefillEfficiency: 1,
      prefillEfficiencyFp4: 1,
      attentionEfficiency: 1,
      moeEfficiency: 0.5,
      interconnectEfficiency: 0.5,
      pcieEfficiency: 0.5,
      crossDomainEfficiency: 0.5,
    });
  });

  test("GIVEN an adjustment for another GPU or family WHEN resolving factors THEN the calibration's own apply", () => {
    expect(factorsFor(adjusted, "h100-sxm", "dense")).toEqual({ factors: adjusted });
    expect(factorsFor(adjusted, "toy-gpu", "moe")).toEqual({ factors: adjusted });
    expect(estimate({ model: toyMoe, maxConcurrentSequences: 2, calibration: adjusted })).toEqual(estimate({ model: toyMoe, maxConcurrentSequences: 2 }));
  });

  test("GIVEN an engine scale and a site adjustment WHEN resolving factors THEN both multiply, capped at 1", () => {
    const calibration: ThroughputCalibration = { ...adjusted, engines: { "tensorrt-llm": { decodeScale: 1.2, prefillScale: 0.5, cases: 20 } } };
    // decode 0.5 × 1.2 × 1.5 = 0.9; prefill and attention 0.5 × 0.5 × 4 = 1
    const { factors } = factorsFor(calibration, "toy-gpu", "dense", "tensorrt-llm");
    expect(factors.weightBandwidthEfficiency).toBeCloseTo(0.9, 12);
    expect(factors.computeEfficiency).toBeCloseTo(0.9, 12);
    expect(factors).toMatchObject({ prefillEfficiency: 1, prefillEfficiencyFp4: 1, attentionEfficiency: 1 });
    // vLLM (the default) has no entry: the reference factors, then the adjustment (0.5 × 1.5).
    expect(factorsFor(calibration, "toy-gpu", "dense").factors.weightBandwidthEfficiency).toBe(0.75);
    // Without an adjustment: 0.5 × 1.2 = 0.6 and 0.5 × 0.5 = 0.25.
    expect(factorsFor({ ...calibration, adjustments: [] }, "toy-gpu", "dense", "tensorrt-llm").factors).toMatchObject({
      kvBandwidthEfficiency: 0.6,
      prefillEfficiency: 0.25,
      prefillEfficiencyFp4: 0.25,
    });
  });

  test("GIVEN an engine with a decode scale WHEN estimating for it THEN its decode runs at the scaled efficiencies", () => {
    const calibration: ThroughputCalibration = { ...HALF, engines: { sglang: { decodeScale: 1.5, prefillScale: 1, cases: 12 } } };
    // As with the site adjustment below: 100 / (1.1e10 / 1.5e12) = 13,636.4/s; vLLM stays at 100 / 11 ms.
    expectNear(estimate({ maxConcurrentSequences: 100, calibration, engine: "sglang" }).tokensPerSecond, 100 / (1.1e10 / 1.5e12));
    expectNear(estimate({ maxConcurrentSequences: 100, calibration }).tokensPerSecond, 100 / 0.011);
  });

  test("GIVEN a matching adjustment WHEN estimating THEN decode and prefill run at the adjusted efficiencies", () => {
    const e = estimate({ maxConcurrentSequences: 100, calibration: adjusted });
    // decode: max(10e9 / 1.5e12, 2e12 / 1.5e15) + max(100 × 1e7 / 1.5e12, 4e9 / 7.5e14) = 7.3333 ms → 13,636.4/s
    expectNear(e.tokensPerSecond, 100 / (1.1e10 / 1.5e12));
    // prefill and attention at efficiency 1: 2e10 / 2e15 + 1.8e7 / 1e15 = 10 µs + 0.018 µs = 10.018 µs
    expectNear(e.prefillTokensPerSecond, 1 / 1.0018e-5);
  });
});

describe("measurements", () => {
  const input = { model: toyDense, gpu: toyGpu, precision: "fp8" as const, tensorParallel: 1 };

  test("GIVEN a measurement at exactly the compute ceiling WHEN checked THEN accepted; one above, refused with the ceiling", () => {
    // 2,000e12 FLOP/s / (2 × 10e9) = 100,000 tokens/s
    expect(measuredAboveCeiling(input, 100_000)).toBeUndefined();
    expect(measuredAboveCeiling(input, 100_001)).toBe(
      "measuredTokensPerSecond 100001 exceeds the physical ceiling 100000 tokens/s of one replica " +
        "(2 × 10B active parameters FLOPs per token at 2000 fp8 TFLOPS × 1 on toy-gpu); give the rate of one replica, not of a whole server",
    );
    // TP 2 doubles the ceiling.
    expect(measuredAboveCeiling({ ...input, tensorParallel: 2 }, 150_000)).toBeUndefined();
  });

  test("GIVEN a measurement WHEN estimating THEN it replaces the model and prefill is folded in", () => {
    const e = estimate({ tensorParallel: 2, measuredTokensPerSecond: 2500 });
    expect(e).toMatchObject({
      tokensPerSecond: 2500,
      workloadTokensPerSecond: 2500,
      boundBy: "measured",
      prefillTokensPerSecond: null,
      secondsPerOutputToken: null,
      step: null,
      prefillShare: 0,
      efficiency: 1,
    });
    // 2 × 2e15 / (2 × 10e9) = 200,000
    expectNear(e.ceilingTokensPerSecond, 200_000);
  });

  test("throws when a measurement exceeds the physical ceiling", () => {
    // Llama 3.3 70B on one H100 at FP8: 1,979e12 / (2 × 70.6e9) = 14,015.6 tokens/s
    expect(() =>
      estimateThroughput({ model: llama70b, gpu: h100, precision: "fp8", tensorParallel: 1, promptTokens: 1000, outputTokens: 200, measuredTokensPerSecond: 31_306 }),
    ).toThrow(/^throughput: llama-3.3-70b on 1× h100-sxm: measuredTokensPerSecond 31306 exceeds the physical ceiling 14015 tokens\/s .*one replica, not of a whole server$/);
  });
});

describe("errors", () => {
  test.each<[string, Partial<ThroughputInput>, string]>([
    ["tensorParallel is 0", { tensorParallel: 0 }, "throughput: tensorParallel: must be an integer ≥ 1, got 0"],
    ["tensorParallel is 1.5", { tensorParallel: 1.5 }, "throughput: tensorParallel: must be an integer ≥ 1, got 1.5"],
    ["promptTokens is 0", { promptTokens: 0 }, "throughput: promptTokens: must be a number > 0, got 0"],
    ["outputTokens is NaN", { outputTokens: Number.NaN }, "throughput: outputTokens: must be a number > 0, got NaN"],
    ["computedPromptTokens > promptTokens", { computedPromptTokens: 901 }, "throughput: computedPromptTokens: must be in [0, promptTokens], got 901"],
    ["computedPromptTokens < 0", { computedPromptTokens: -1 }, "throughput: computedPromptTokens: must be in [0, promptTokens], got -1"],
    ["maxSecondsPerOutputToken is 0", { maxSecondsPerOutputToken: 0 }, "throughput: maxSecondsPerOutputToken: must be a number > 0, got 0"],
    ["maxConcurrentSequences is 2.5", { maxConcurrentSequences: 2.5 }, "throughput: maxConcurrentSequences: must be an integer ≥ 1, got 2.5"],
    ["the link has no bandwidth", { tensorParallel: 2, interconnect: { ...toyNvlink, gbpsPerGpu: 0 } }, "throughput: interconnect.gbpsPerGpu: must be a number > 0, got 0"],
    ["a measurement is 0", { measuredTokensPerSecond: 0 }, "throughput: measuredTokensPerSecond: must be a number > 0, got 0"],
  ])("throws when %s", (_name, overrides, message) => {
    expect(() => estimate(overrides)).toThrow(message);
  });

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
  test.each(FRACTIONS.flatMap((name) => [0, 1.5, Number.NaN].map((value) => [name, value] as const)))(
    "throws when calibration.%s is %p",
    (name, value) => {
      expect(() => estimate({ calibration: { ...HALF, [name]: value } })).toThrow(
        `throughput: calibration.${name}: must be in (0, 1] (a fraction of the physical ceiling), got ${String(value)}`,
      );
    },
  );

  test.each([
    ["allReduceLatencyUs", -1],
    ["stepOverheadMs", Number.POSITIVE_INFINITY],
    ["sequenceOverheadUs", -0.5],
    ["moeExpertTokensHalf", Number.NaN],
  ] as const)("throws when calibration.%s is %p", (name, value) => {
    expect(() => estimate({ calibration: { ...HALF, [name]: value } })).toThrow(`throughput: calibration.${name}: must be a number ≥ 0, got ${String(value)}`);
  });

  test("throws when a site adjustment scales a factor to 0", () => {
    const adjustment: CalibrationAdjustment = { gpu: "toy-gpu", family: "dense", decodeScale: 0, prefillScale: 1, cases: 1, medianAbsLnBefore: 0, medianAbsLnAfter: 0, sources: [] };
    expect(() => estimate({ calibration: { ...HALF, adjustments: [adjustment] } })).toThrow(
      "throughput: calibration.weightBandwidthEfficiency: must be in (0, 1] (a fraction of the physical ceiling), got 0",
    );
  });

  test("throws when the weights leave no room for the KV cache", () => {
    // 20 GiB × 0.9 − 20e9 B of BF16 weights − 2 GiB = −2,820,130,816 B = −2.6 GiB
    expect(() => estimate({ precision: "bf16", kvCacheBytesPerReplica: undefined })).toThrow(
      "throughput: toy-dense-10b at bf16 on 1× toy-gpu: no memory left for the KV cache (weights 18.6 GiB, KV available -2.6 GiB); " +
        "use more GPUs per replica or a smaller precision",
    );
  });

  test("throws when one sequence's KV cache does not fit", () => {
    // Mean context 99,900 + 200 / 2 = 100,000 tokens × 10,000 B = 1e9 B = 0.93 GiB > 0.5 GiB
    expect(() => estimate({ promptTokens: 99_900, kvCacheBytesPerReplica: 0.5 * GIB })).toThrow(
      "throughput: toy-dense-10b on 1× toy-gpu: one sequence of 100000 tokens of mean context needs 0.93 GiB of KV cache, " +
        "only 0.50 GiB available; shorten the context or add GPUs per replica",
    );
    // Reserving the whole request: 100,100 tokens × 10,000 B = 1.001e9 B = 0.93 GiB
    expect(() => estimate({ promptTokens: 99_900, kvCacheBytesPerReplica: 0.5 * GIB, kvReservation: "full" })).toThrow(
      "throughput: toy-dense-10b on 1× toy-gpu: one sequence of 100100 tokens needs 0.93 GiB of KV cache, only 0.50 GiB available; ",
    );
  });
});

describe("properties", () => {
  const models: readonly ModelSpec[] = [toyDense, toyMoe, toyWindow, llama70b, llama8b, qwen30bA3b, gptOss120b, deepseekV3];
  const gpus: readonly GpuSpec[] = [toyGpu, toyGpuFp4, h100, h200, l40s, a100, b200];
  const precisions: readonly WeightPrecision[] = ["bf16", "fp8", "int4", "mxfp4", "nvfp4"];
  const fraction = fc.double({ min: 1e-3, max: 1, noNaN: true });
  const calibration = fc
    .record({
      weightBandwidthEfficiency: fraction,
      kvBandwidthEfficiency: fraction,
      computeEfficiency: fraction,
      computeEfficiencyFp4: fraction,
      prefillEfficiency: fraction,
      prefillEfficiencyFp4: fraction,
      attentionEfficiency: fraction,
      moeEfficiency: fraction,
      moeExpertTokensHalf: fc.double({ min: 0, max: 100, noNaN: true }),
      interconnectEfficiency: fraction,
      pcieEfficiency: fraction,
      allReduceLatencyUs: fc.double({ min: 0, max: 50, noNaN: true }),
      crossDomainEfficiency: fraction,
      stepOverheadMs: fc.double({ min: 0, max: 5, noNaN: true }),
      sequenceOverheadUs: fc.double({ min: 0, max: 50, noNaN: true }),
      engineScales: fc.option(
        fc.record({ decodeScale: fc.double({ min: 0.2, max: 5, noNaN: true }), prefillScale: fc.double({ min: 0.2, max: 5, noNaN: true }), cases: fc.constant(10) }),
        { nil: undefined },
      ),
    })
    .map(({ engineScales, ...f }): ThroughputCalibration => ({
      ...f,
      ...(engineScales === undefined ? {} : { engines: { "tensorrt-llm": engineScales } }),
      adjustments: [],
      sources: [],
    }));
  const scenario = fc.record({
    model: fc.constantFrom(...models),
    gpu: fc.constantFrom(...gpus),
    precision: fc.constantFrom(...precisions),
    tensorParallel: fc.constantFrom(1, 2, 4, 8),
    interconnect: fc.option(
      fc.record(
        {
          kind: fc.constantFrom("nvlink" as const, "pcie" as const),
          gbpsPerGpu: fc.double({ min: 10, max: 1800, noNaN: true }),
          gpusPerDomain: fc.constantFrom(2, 4, 8),
          sources: fc.constant([]),
        },
        { requiredKeys: ["kind", "gbpsPerGpu", "sources"] },
      ),
      { nil: undefined },
    ),
    engine: fc.constantFrom("vllm" as const, "tensorrt-llm" as const),
    kvReservation: fc.constantFrom("mean" as const, "full" as const),
    promptTokens: fc.integer({ min: 1, max: 32_000 }),
    outputTokens: fc.integer({ min: 1, max: 4000 }),
    kvCacheGiB: fc.option(fc.double({ min: 0.5, max: 500, noNaN: true }), { nil: undefined }),
    target: fc.option(fc.double({ min: 0.002, max: 1, noNaN: true }), { nil: undefined }),
    cap: fc.option(fc.integer({ min: 1, max: 4096 }), { nil: undefined }),
    calibration,
  });
  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
  const toInput = (s: Scenario): ThroughputInput => ({
    model: s.model,
    gpu: s.gpu,
    precision: s.precision,
    tensorParallel: s.tensorParallel,
    interconnect: s.interconnect,
    promptTokens: s.promptTokens,
    outputTokens: s.outputTokens,
    kvCacheBytesPerReplica: s.kvCacheGiB === undefined ? undefined : s.kvCacheGiB * GIB,
    maxSecondsPerOutputToken: s.target,
    maxConcurrentSequences: s.cap,
    engine: s.engine,
    kvReservation: s.kvReservation,
    calibration: s.calibration,
  });
  /** The refusals a valid scenario may meet: the weights or one sequence's KV cache do not fit (covered by the throws tests). */
  const DOES_NOT_FIT = /^throughput: \S+ (at \S+ )?on \d+× \S+: (no memory left for the KV cache|one sequence of [\d.]+ tokens( of mean context)? needs)/;
  /** Estimates, or undefined for a scenario that does not fit; counts both. Any other error fails the test. */
  const counted = () => {
    const runs = { estimated: 0, doesNotFit: 0 };
    const tryEstimate = (input: ThroughputInput): ThroughputEstimate | undefined => {
      try {
        const e = estimateThroughput(input);
        runs.estimated += 1;
        return e;
      } catch (err) {
        if (!(err instanceof Error && DOES_NOT_FIT.test(err.message))) throw err;
        runs.doesNotFit += 1;
        return undefined;
      }
    };
    return { runs, tryEstimate };
  };
  const NUM_RUNS = Number(process.env.NUM_RUNS ?? 300);
  const atLeast = (a: number, b: number) => expect(a).toBeGreaterThanOrEqual(b * (1 - 1e-9));

  test("GIVEN random valid inputs and calibrations WHEN estimating THEN the decode rate never exceeds the ceiling, which never exceeds the compute ceiling", () => {
    const { runs, tryEstimate } = counted();
    fc.assert(
      fc.property(scenario, (s) => {
        const e = tryEstimate(toInput(s));
        if (e === undefined) return;
        expect(e.tokensPerSecond).toBeGreaterThan(0);
        // The unclamped rate (batch ÷ step), not only the reported one, stays under the ceiling.
        atLeast(e.ceilingTokensPerSecond, e.batch / (e.secondsPerOutputToken as number));
        atLeast(e.ceilingTokensPerSecond, e.tokensPerSecond);
        atLeast(e.computeCeilingTokensPerSecond, e.ceilingTokensPerSecond);
        atLeast(e.tokensPerSecond, e.workloadTokensPerSecond);
        expect(e.efficiency).toBeLessThanOrEqual(1);
        expect(e.batch).toBeGreaterThanOrEqual(1);
        expect(e.batch).toBeLessThanOrEqual(Math.min(e.kvBatch, s.cap ?? Infinity));
        if (s.target !== undefined && e.meetsLatencyTarget) expect(e.secondsPerOutputToken).toBeLessThanOrEqual(s.target);
      }),
      { numRuns: NUM_RUNS },
    );
    // The property held on real estimates, not on a run of refusals.
    expect(runs.estimated + runs.doesNotFit).toBe(NUM_RUNS);
    expect(runs.estimated).toBeGreaterThanOrEqual(NUM_RUNS / 2);
  });

  test("GIVEN a higher concurrency cap WHEN estimating THEN the workload rate does not fall", () => {
    const { runs, tryEstimate } = counted();
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 0, max: 4096 }), (s, cap, more) => {
        const low = tryEstimate({ ...toInput(s), maxConcurrentSequences: cap });
        if (low === undefined) return;
        const high = estimateThroughput({ ...toInput(s), maxConcurrentSequences: cap + more });
        atLeast(high.workloadTokensPerSecond, low.workloadTokensPerSecond);
      }),
      { numRuns: NUM_RUNS },
    );
    expect(runs.estimated).toBeGreaterThanOrEqual(NUM_RUNS / 2);
  });

  test("GIVEN longer prompts at a fixed output WHEN estimating THEN neither the workload nor the decode rate rises", () => {
    const { runs, tryEstimate } = counted();
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 32_000 }), (s, more) => {
        const short = tryEstimate(toInput(s));
        const long = tryEstimate({ ...toInput(s), promptTokens: s.promptTokens + more });
        if (short === undefined || long === undefined) return;
        atLeast(short.workloadTokensPerSecond, long.workloadTokensPerSecond);
        // The decode rate alone: a longer mean context means more KV per sequence and more attention.
        atLeast(short.tokensPerSecond, long.tokensPerSecond);
      }),
      { numRuns: NUM_RUNS },
    );
    expect(runs.estimated).toBeGreaterThanOrEqual(NUM_RUNS / 2);
  });

  const EFFICIENCIES: readonly (keyof ThroughputFactors)[] = [
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
  test("GIVEN a lower efficiency WHEN estimating THEN neither the workload nor the decode rate rises", () => {
    const { runs, tryEstimate } = counted();
    fc.assert(
      fc.property(scenario, fc.constantFrom(...EFFICIENCIES), fc.double({ min: 0.01, max: 1, noNaN: true }), (s, name, scale) => {
        const base = tryEstimate(toInput(s));
        if (base === undefined) return;
        const lower = estimateThroughput({ ...toInput(s), calibration: { ...s.calibration, [name]: s.calibration[name] * scale } });
        atLeast(base.workloadTokensPerSecond, lower.workloadTokensPerSecond);
        atLeast(base.tokensPerSecond, lower.tokensPerSecond);
      }),
      { numRuns: NUM_RUNS },
    );
    expect(runs.estimated).toBeGreaterThanOrEqual(NUM_RUNS / 3);
  });

  test("GIVEN higher fixed costs or a later expert saturation WHEN estimating THEN neither the workload nor the decode rate rises", () => {
    const { runs, tryEstimate } = counted();
    const COSTS = ["allReduceLatencyUs", "stepOverheadMs", "sequenceOverheadUs", "moeExpertTokensHalf"] as const;
    fc.assert(
      fc.property(scenario, fc.constantFrom(...COSTS), fc.double({ min: 0, max: 50, noNaN: true }), (s, name, more) => {
        const base = tryEstimate(toInput(s));
        if (base === undefined) return;
        const higher = estimateThroughput({ ...toInput(s), calibration: { ...s.calibration, [name]: s.calibration[name] + more } });
        atLeast(base.workloadTokensPerSecond, higher.workloadTokensPerSecond);
        atLeast(base.tokensPerSecond, higher.tokensPerSecond);
      }),
      { numRuns: NUM_RUNS },
    );
    expect(runs.estimated).toBeGreaterThanOrEqual(NUM_RUNS / 2);
  });

  test("GIVEN an FP4 replica WHEN computeEfficiency (the BF16/FP8 share) is lowered THEN the workload rate does not rise", () => {
    // On FP4 computeEfficiency governs decode attention alone (at BF16, the KV cache's precision); prefill runs at
    // prefillEfficiencyFp4 and attentionEfficiency. 5.625e9 B of NVFP4 weights (10e9 × 4.5 / 8), batch 100:
    // weights 5.625e9 / 1e12 = 5.625 ms, matmuls 100 × 2e10 / (4e15 × 0.2) = 2.5 ms, KV 100 × 1e7 / 1e12 = 1 ms,
    // attention 100 × 4e7 / (1e15 × e_c) = 8 µs at e_c 0.5, 16 µs at 0.25: the step stays 5.625 + 1 = 6.625 ms.
    const fp4 = { gpu: toyGpuFp4, precision: "nvfp4" as const, maxConcurrentSequences: 100 };
    const before = estimate({ ...fp4, calibration: { ...HALF, computeEfficiencyFp4: 0.2 } });
    const after = estimate({ ...fp4, calibration: { ...HALF, computeEfficiencyFp4: 0.2, computeEfficiency: 0.25 } });
    expect(after.workloadTokensPerSecond).toBeLessThanOrEqual(before.workloadTokensPerSecond);
    expectNear(before.step?.attention, 8e-6);
    expectNear(after.step?.attention, 1.6e-5);
    expectNear(after.secondsPerOutputToken, 0.006625);
    // Prefill: 2e10 / (4e15 × 0.5) + 1.8e7 / (1e15 × 0.5) = 10.036 µs, before and after.
    expectNear(before.prefillTokensPerSecond, 1 / 1.0036e-5);
    expectNear(after.prefillTokensPerSecond, 1 / 1.0036e-5);
  });

  test("GIVEN a faster interconnect WHEN estimating THEN the workload rate does not fall", () => {
    const { runs, tryEstimate } = counted();
    fc.assert(
      fc.property(scenario, fc.double({ min: 1, max: 50, noNaN: true }), (s, factor) => {
        const link: Interconnect = s.interconnect ?? { kind: "pcie", gbpsPerGpu: 32, sources: [] };
        const slow = tryEstimate({ ...toInput(s), interconnect: link });
        if (slow === undefined) return;
        const fast = estimateThroughput({ ...toInput(s), interconnect: { ...link, gbpsPerGpu: link.gbpsPerGpu * factor } });
        atLeast(fast.workloadTokensPerSecond, slow.workloadTokensPerSecond);
      }),
      { numRuns: NUM_RUNS },
    );
    expect(runs.estimated).toBeGreaterThanOrEqual(NUM_RUNS / 2);
  });
});
