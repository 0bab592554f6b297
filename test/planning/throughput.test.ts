import fc from "fast-check";
import { THROUGHPUT_CALIBRATION } from "../../catalog/calibration";
import type { CalibrationMeasurement, GpuSpec, ModelSpec, ThroughputCalibration } from "../../catalog/types";
import { checkFit } from "../../planning/fit";
import { kvBytesPerSequence, weightsBytes } from "../../planning/memory";
import { computeFlops, estimateThroughput, kvReplication, measuredAboveCeiling, type ThroughputInput } from "../../planning/throughput";
import { deepseekV3, gpu, gptOss120b, h100, h200, llama70b, llama8b, qwen30bA3b } from "../helpers/specs";

// Fixtures come from test/helpers/specs.ts, not from catalog/, so these tests pin the arithmetic alone.
const GIB = 2 ** 30;

function measurement(id: string): CalibrationMeasurement {
  const found = THROUGHPUT_CALIBRATION.measurements.find((m) => m.id === id);
  if (found === undefined) throw new Error(`catalog/calibration.ts has no measurement ${id}`);
  return found;
}

// This file's models have always had hiddenSize 8192 (4096 for Llama 3.1 8B), 64 attention heads and an
// example/ repository. The roofline reads none of these and the fit check only needs the heads to divide
// tensorParallel, which 64 does in every case here; the overrides keep each input as it was.
function asHere(spec: ModelSpec, overrides: Partial<ModelSpec>): ModelSpec {
  return { ...spec, ...overrides, huggingFace: { ...spec.huggingFace, repo: `example/${spec.id}` } };
}

// Llama 2 70B has the layers and heads of Llama 3.3 70B; only the parameter count differs.
const LLAMA_2_70B = asHere(
  { ...llama70b, id: "llama-2-70b", name: "llama-2-70b", parametersB: { total: 68.98, active: 68.98 } },
  { hiddenSize: 8192 },
);
const LLAMA_3_70B = asHere(llama70b, { hiddenSize: 8192 });
const LLAMA_3_8B = asHere(llama8b, { attentionHeads: 64 });
const QWEN3_30B_A3B = asHere(qwen30bA3b, { hiddenSize: 8192, attentionHeads: 64 });
const GPT_OSS_120B = asHere(gptOss120b, { hiddenSize: 8192 });
const DEEPSEEK_V3 = asHere(deepseekV3, { hiddenSize: 8192, attentionHeads: 64 });

// The shared H100 and H200 carry the datasheet figures this file uses (H100 SXM: 3.35 TB/s, 989 TFLOPS BF16 and
// 1,979 FP8 dense, https://www.nvidia.com/en-us/data-center/h100/); its H100 has never listed MIG profiles.
const H100: GpuSpec = { ...h100, migProfiles: [] };
const H200 = h200;
const B200 = gpu({ id: "b200", memoryGiB: 180, memoryBandwidthTBps: 8, denseTflops: { bf16: 2250, fp8: 4500, fp4: 9000 } });
const A100 = gpu({ id: "a100-80", memoryGiB: 80, memoryBandwidthTBps: 2.039, denseTflops: { bf16: 312, fp8: null, fp4: null } });

// The byte counts come from planning/memory.ts (the fit check's arithmetic); these pin what the roofline reads.
describe("weights and KV cache", () => {
  test("GIVEN a dense model WHEN sized at each precision THEN bytes = parameters × bytes per parameter", () => {
    expect(weightsBytes(LLAMA_3_70B, "bf16")).toBeCloseTo(141.2e9, -3); // 70.6e9 × 2
    expect(weightsBytes(LLAMA_3_70B, "fp8")).toBeCloseTo(70.6e9, -3); // 70.6e9 × 1
    expect(weightsBytes(LLAMA_3_70B, "int4")).toBeCloseTo(35.3e9, -3); // 70.6e9 × 0.5
    expect(weightsBytes(LLAMA_3_70B, "mxfp4")).toBeCloseTo(37.50625e9, -3); // 70.6e9 × 4.25 / 8
  });

  test("GIVEN a checkpoint size WHEN served at its native precision THEN the checkpoint size is used", () => {
    expect(weightsBytes(GPT_OSS_120B, "mxfp4")).toBe(60.8 * GIB);
    // Another precision falls back to parameters × bytes: 116.8e9 × 2.
    expect(weightsBytes(GPT_OSS_120B, "bf16")).toBeCloseTo(233.6e9, -3);
  });

  test("GIVEN GQA models WHEN one token is cached THEN KV bytes are 2 × layers × KV heads × head dim × bytes", () => {
    // 2 (K, V) × 80 layers × 8 KV heads × 128 head dim × 2 bytes = 327,680
    expect(kvBytesPerSequence(LLAMA_3_70B, 1, "bf16")).toBe(327_680);
    // 2 × 32 × 8 × 128 × 2 = 131,072
    expect(kvBytesPerSequence(LLAMA_3_8B, 1, "bf16")).toBe(131_072);
    // FP8 halves it.
    expect(kvBytesPerSequence(LLAMA_3_70B, 1, "fp8")).toBe(163_840);
    // 32k tokens of Llama-70B = 10 GiB.
    expect(kvBytesPerSequence(LLAMA_3_70B, 32_768, "bf16")).toBe(10 * GIB);
  });

  test("GIVEN sliding-window layers WHEN the context exceeds the window THEN those layers hold only the window", () => {
    // Per layer per token: 2 × 8 × 64 × 2 = 2,048 B. 18 full layers × 10,000 tokens + 18 window layers × 128 tokens.
    expect(kvBytesPerSequence(GPT_OSS_120B, 10_000, "bf16")).toBe(2048 * (18 * 10_000 + 18 * 128));
    // Below the window every layer holds the whole context.
    expect(kvBytesPerSequence(GPT_OSS_120B, 100, "bf16")).toBe(2048 * 36 * 100);
  });

  test("GIVEN MLA WHEN one token is cached THEN KV = layers × (kv_lora_rank + rope dim) × bytes", () => {
    // 61 × (512 + 64) × 2 = 70,272 (kv_lora_rank 512, qk_rope_head_dim 64: DeepSeek-V3's config.json)
    expect(kvBytesPerSequence(DEEPSEEK_V3, 1, "bf16")).toBe(70_272);
  });

  test("GIVEN tensor parallelism WHEN KV heads cannot be split further THEN KV is replicated", () => {
    expect(kvReplication(LLAMA_3_70B, 4)).toBe(1);
    expect(kvReplication(LLAMA_3_70B, 16)).toBe(2); // 8 KV heads over 16 ranks
    expect(kvReplication(DEEPSEEK_V3, 8)).toBe(8); // the MLA latent lives on every rank
  });

  test("GIVEN a weight precision WHEN picking tensor cores THEN FP8 and FP4 are used only where the GPU has them", () => {
    expect(computeFlops(H100, "fp8")).toEqual({ precision: "fp8", flops: 1979e12 });
    expect(computeFlops(A100, "fp8")).toEqual({ precision: "bf16", flops: 312e12 });
    expect(computeFlops(H100, "mxfp4")).toEqual({ precision: "bf16", flops: 989e12 });
    expect(computeFlops(B200, "mxfp4")).toEqual({ precision: "fp4", flops: 9000e12 });
    expect(computeFlops(B200, "int4")).toEqual({ precision: "bf16", flops: 2250e12 });
  });
});

describe("roofline", () => {
  test("GIVEN one sequence of 70B FP8 on one H100 WHEN efficiency is 1 THEN the decode floor is ~21.1 ms (70.6e9 B / 3.35e12 B/s)", () => {
    const estimate = estimateThroughput({
      model: LLAMA_3_70B,
      gpu: H100,
      precision: "fp8",
      tensorParallel: 1,
      avgContextTokens: 1,
      maxConcurrentSequences: 1,
      efficiency: 1,
    });
    // t = (70.6e9 + 327,680) B / 3.35e12 B/s = 21.0747 ms → 47.45 tokens/s
    expect(estimate.ceilingTokensPerSecond).toBeCloseTo(3.35e12 / (70.6e9 + 327_680), 6);
    expect(estimate.tokensPerSecond).toBeCloseTo(estimate.ceilingTokensPerSecond, 9);
    expect(estimate.secondsPerOutputToken).toBeCloseTo(0.0210747, 6);
    expect(estimate.batch).toBe(1);
    expect(estimate.boundBy).toBe("memory-bandwidth");
  });

  test("GIVEN the default efficiencies WHEN bandwidth-bound THEN the memory-bandwidth share applies", () => {
    const estimate = estimateThroughput({
      model: LLAMA_3_70B,
      gpu: H100,
      precision: "fp8",
      tensorParallel: 1,
      avgContextTokens: 1,
      maxConcurrentSequences: 1,
    });
    expect(estimate.efficiency).toBeCloseTo(THROUGHPUT_CALIBRATION.memoryBandwidthEfficiency, 9);
    expect(estimate.tokensPerSecond).toBeCloseTo(0.4 * (3.35e12 / (70.6e9 + 327_680)), 6);
  });

  test("GIVEN ample KV memory WHEN the batch grows THEN it stops at the compute ceiling 2 × active params FLOPs per token", () => {
    const estimate = estimateThroughput({
      model: LLAMA_3_70B,
      gpu: H200,
      precision: "fp8",
      tensorParallel: 1,
      avgContextTokens: 500,
      kvCachePrecision: "fp8",
      efficiency: 1,
    });
    // 1,979e12 / (2 × 70.6e9) = 14,015.6 tokens/s
    expect(estimate.computeCeilingTokensPerSecond).toBeCloseTo(1979e12 / (2 * 70.6e9), 6);
    expect(estimate.boundBy).toBe("compute");
    expect(estimate.ceilingTokensPerSecond).toBeCloseTo(estimate.computeCeilingTokensPerSecond, 6);
    // The batch is the first compute-bound one: B·2N/F ≥ (W + B·KV)/BW, i.e. B ≥ (W/BW) / (2N/F − KV/BW).
    const kv = 500 * 163_840;
    const crossover = 70.6e9 / 4.8e12 / ((2 * 70.6e9) / 1979e12 - kv / 4.8e12);
    expect(estimate.batch).toBe(Math.ceil(crossover));
    expect(estimate.prefillTokensPerSecond).toBeCloseTo(estimate.computeCeilingTokensPerSecond, 6);
  });

  test("GIVEN little KV memory WHEN sizing the batch THEN it is the sequences that fit", () => {
    const kvPerSequence = 1000 * 327_680; // 1,000 tokens, BF16
    const estimate = estimateThroughput({
      model: LLAMA_3_70B,
      gpu: H100,
      precision: "fp8",
      tensorParallel: 2,
      avgContextTokens: 1000,
      kvCacheBytesPerReplica: 10.5 * kvPerSequence,
      efficiency: 1,
    });
    expect(estimate.batch).toBe(10);
    expect(estimate.boundBy).toBe("kv-capacity");
    // t = (70.6e9 + 10 × 327.68e6) / (2 × 3.35e12) → 10 / t
    expect(estimate.ceilingTokensPerSecond).toBeCloseTo(10 / ((70.6e9 + 10 * kvPerSequence) / 6.7e12), 6);
  });

  test("GIVEN no KV memory figure WHEN estimating THEN the fallback is TP × (memory × 0.9 − 2 GiB overhead) − weights", () => {
    const kvPerSequence = 4000 * 327_680; // 1,310,720,000 B
    // One H100 as the fit check counts it: 72 GiB usable − 2 GiB overhead − 70.6e9 B of FP8 weights
    // = 75,161,927,680 − 70,600,000,000 = 4,561,927,680 B → 3.48 sequences. (Before the fallback took
    // the fit check's 2 GiB overhead it was 6,709,411,328 B, 5 sequences.)
    const fallback = 80 * GIB * 0.9 - 2 * GIB - 70.6e9;
    const estimate = estimateThroughput({ model: LLAMA_3_70B, gpu: H100, precision: "fp8", tensorParallel: 1, avgContextTokens: 4000 });
    expect(estimate.batch).toBe(Math.floor(fallback / kvPerSequence));
    expect(estimate.batch).toBe(3);
  });

  test.each([
    ["GQA (Llama-3.3-70B, FP8, TP 2 on H100)", LLAMA_3_70B, H100, "fp8", 2, 32_768],
    ["MLA (DeepSeek-V3, FP8, TP 8 on H200: the latent on every GPU)", DEEPSEEK_V3, H200, "fp8", 8, 32_768],
    ["sliding windows (gpt-oss-120b, MXFP4, TP 1 on H100)", GPT_OSS_120B, H100, "mxfp4", 1, 65_536],
  ] as const)("GIVEN %s and no KV memory figure WHEN estimating THEN the batch is the fit check's sequences at that context", (_name, m, g, precision, tp, context) => {
    const fit = checkFit({
      model: m,
      gpu: g,
      precision,
      tensorParallel: tp,
      maxContextTokens: context,
      maxConcurrentSequences: 1,
      kvCacheDtype: "auto",
      gpuMemoryUtilization: 0.9,
      gpusPerServer: 8,
    });
    const estimate = estimateThroughput({ model: m, gpu: g, precision, tensorParallel: tp, avgContextTokens: context, efficiency: 1 });
    expect(estimate.boundBy).toBe("kv-capacity");
    expect(fit.maxConcurrentSequencesAtContext).toBeGreaterThan(1);
    expect(estimate.batch).toBe(fit.maxConcurrentSequencesAtContext);
  });

  test("GIVEN kvCachePrecision auto WHEN estimating THEN it is BF16, as in the fit check", () => {
    const base: ThroughputInput = { model: LLAMA_3_70B, gpu: H100, precision: "fp8", tensorParallel: 2, avgContextTokens: 2000 };
    expect(estimateThroughput({ ...base, kvCachePrecision: "auto" })).toEqual(estimateThroughput({ ...base, kvCachePrecision: "bf16" }));
    expect(estimateThroughput(base)).toEqual(estimateThroughput({ ...base, kvCachePrecision: "bf16" }));
  });

  test("GIVEN a latency target WHEN the batch would slow each step beyond it THEN the batch is capped", () => {
    const estimate = estimateThroughput({
      model: LLAMA_3_70B,
      gpu: H100,
      precision: "fp8",
      tensorParallel: 2,
      avgContextTokens: 2000,
      maxSecondsPerOutputToken: 0.04,
    });
    expect(estimate.boundBy).toBe("latency");
    expect(estimate.meetsLatencyTarget).toBe(true);
    expect(estimate.secondsPerOutputToken).toBeLessThanOrEqual(0.04);
    const oneMore = estimateThroughput({
      model: LLAMA_3_70B,
      gpu: H100,
      precision: "fp8",
      tensorParallel: 2,
      avgContextTokens: 2000,
      maxConcurrentSequences: estimate.batch + 1,
    });
    expect(oneMore.secondsPerOutputToken).toBeGreaterThan(0.04);
  });

  test("GIVEN a latency target below the single-stream floor WHEN estimating THEN batch 1 and the target is reported missed", () => {
    const estimate = estimateThroughput({
      model: LLAMA_3_70B,
      gpu: H100,
      precision: "fp8",
      tensorParallel: 1,
      avgContextTokens: 100,
      maxSecondsPerOutputToken: 0.01,
    });
    expect(estimate.batch).toBe(1);
    expect(estimate.meetsLatencyTarget).toBe(false);
    expect(estimate.boundBy).toBe("latency");
  });

  test("GIVEN an MoE model WHEN decoding one sequence THEN only the active experts' bytes are read", () => {
    const estimate = estimateThroughput({
      model: QWEN3_30B_A3B,
      gpu: H100,
      precision: "bf16",
      tensorParallel: 1,
      avgContextTokens: 1,
      maxConcurrentSequences: 1,
      efficiency: 1,
    });
    // Active weights: 30.5e9 × 2 B × 3.3 / 30.5 = 6.6e9 B; KV of one token: 2 × 48 × 4 × 128 × 2 = 98,304 B.
    expect(estimate.ceilingTokensPerSecond).toBeCloseTo(3.35e12 / (6.6e9 + 98_304), 3);
  });

  test("GIVEN a measurement WHEN estimating THEN it replaces the roofline and prefill is folded in", () => {
    const estimate = estimateThroughput({
      model: LLAMA_3_70B,
      gpu: H100,
      precision: "fp8",
      tensorParallel: 2,
      avgContextTokens: 2000,
      measuredTokensPerSecond: 2500,
    });
    expect(estimate).toMatchObject({ tokensPerSecond: 2500, boundBy: "measured", prefillTokensPerSecond: null, efficiency: 1 });
    expect(estimate.ceilingTokensPerSecond).toBeCloseTo((2 * 1979e12) / (2 * 70.6e9), 6);
  });

  test("throws when a measurement exceeds the physical ceiling", () => {
    expect(() =>
      estimateThroughput({
        model: LLAMA_3_70B,
        gpu: H100,
        precision: "fp8",
        tensorParallel: 1,
        avgContextTokens: 2000,
        measuredTokensPerSecond: 31_306,
      }),
    ).toThrow(/measuredTokensPerSecond 31306 exceeds the physical ceiling 14015 tokens\/s .*one replica, not of a whole server/);
  });

  test("GIVEN a measurement at exactly the ceiling WHEN checked and estimated THEN both accept it; one above, both refuse it", () => {
    const input = { model: LLAMA_3_70B, gpu: H100, precision: "fp8" as const, tensorParallel: 1 };
    const { ceilingTokensPerSecond } = estimateThroughput({ ...input, avgContextTokens: 2000, measuredTokensPerSecond: 1 });
    expect(measuredAboveCeiling(input, ceilingTokensPerSecond)).toBeUndefined();
    expect(estimateThroughput({ ...input, avgContextTokens: 2000, measuredTokensPerSecond: ceilingTokensPerSecond }).tokensPerSecond).toBe(ceilingTokensPerSecond);
    const above = ceilingTokensPerSecond * (1 + 1e-12);
    expect(measuredAboveCeiling(input, above)).toMatch(/^measuredTokensPerSecond .* exceeds the physical ceiling 14015 tokens\/s of one replica \(.* on h100-sxm\); give the rate of one replica, not of a whole server$/);
    expect(() => estimateThroughput({ ...input, avgContextTokens: 2000, measuredTokensPerSecond: above })).toThrow(/exceeds the physical ceiling/);
  });

  test("throws when the weights leave no room for the KV cache", () => {
    expect(() =>
      estimateThroughput({ model: LLAMA_3_70B, gpu: H100, precision: "bf16", tensorParallel: 1, avgContextTokens: 1000 }),
    ).toThrow(/llama-3.3-70b at bf16 on 1× h100-sxm: no memory left for the KV cache .*use more GPUs per replica/);
  });

  test("throws when one sequence's KV cache does not fit", () => {
    expect(() =>
      estimateThroughput({
        model: LLAMA_3_70B,
        gpu: H100,
        precision: "fp8",
        tensorParallel: 1,
        avgContextTokens: 100_000,
        kvCacheBytesPerReplica: 1 * GIB,
      }),
    ).toThrow(/one sequence of 100000 tokens needs 30.52 GiB of KV cache, only 1.00 GiB available/);
  });

  test.each([
    [{ tensorParallel: 0 }, /tensorParallel: must be an integer ≥ 1, got 0/],
    [{ efficiency: 1.5 }, /efficiency: must be in \(0, 1\] \(a fraction of the physical ceiling\), got 1.5/],
    [{ prefillEfficiency: 0 }, /prefillEfficiency: must be in \(0, 1\]/],
    [{ avgContextTokens: -1 }, /avgContextTokens: must be a number > 0, got -1/],
    [{ maxConcurrentSequences: 2.5 }, /maxConcurrentSequences: must be an integer ≥ 1, got 2.5/],
  ])("throws when %j", (override, message) => {
    const input: ThroughputInput = { model: LLAMA_3_8B, gpu: H100, precision: "bf16", tensorParallel: 1, avgContextTokens: 1000, ...override };
    expect(() => estimateThroughput(input)).toThrow(message);
  });
});

describe("calibration on MLPerf (THROUGHPUT_CALIBRATION)", () => {
  // The configurations of the benchmark runs; each estimate must land on the measurement it was calibrated on.
  test("GIVEN DGX H100 Llama-2-70B Offline (FP8, 2 GPUs per replica) WHEN estimated THEN 3,913 tokens/s per GPU", () => {
    const estimate = estimateThroughput({
      model: LLAMA_2_70B,
      gpu: H100,
      precision: "fp8",
      tensorParallel: 2,
      avgContextTokens: 450,
      kvCachePrecision: "fp8",
      kvCacheBytesPerReplica: 2 * 80 * GIB * 0.95 - 68.98e9,
    });
    expect(estimate.boundBy).toBe("compute");
    expect(Math.abs(estimate.tokensPerSecond / 2 / 3913.35 - 1)).toBeLessThan(0.005);
  });

  test("GIVEN XE9680 H200 Llama-2-70B Offline WHEN estimated THEN within the H100-based efficiency (conservative)", () => {
    const estimate = estimateThroughput({
      model: LLAMA_2_70B,
      gpu: H200,
      precision: "fp8",
      tensorParallel: 1,
      avgContextTokens: 450,
      kvCachePrecision: "fp8",
      kvCacheBytesPerReplica: 141 * GIB * 0.95 - 68.98e9,
    });
    const measured = 4414.6;
    expect(estimate.tokensPerSecond).toBeLessThan(measured);
    expect(estimate.ceilingTokensPerSecond * measurement("mlperf-v5.1-xe9680-h200-llama-2-70b-offline").ratio).toBeCloseTo(measured, -1);
  });

  test("GIVEN XE9680 H200 Llama-2-70B Interactive (TPOT ≤ 40 ms) WHEN estimated THEN within 5 % of 2,739 tokens/s per GPU", () => {
    const estimate = estimateThroughput({
      model: LLAMA_2_70B,
      gpu: H200,
      precision: "fp8",
      tensorParallel: 1,
      avgContextTokens: 450,
      kvCachePrecision: "fp8",
      kvCacheBytesPerReplica: 141 * GIB * 0.95 - 68.98e9,
      maxSecondsPerOutputToken: 0.04,
    });
    expect(estimate.boundBy).toBe("latency");
    expect(Math.abs(estimate.tokensPerSecond / 2739.45 - 1)).toBeLessThan(0.05);
  });

  test("GIVEN XE9680L B200 Llama-2-70B Offline (FP4) WHEN estimated THEN 12,657 tokens/s per GPU", () => {
    const estimate = estimateThroughput({
      model: LLAMA_2_70B,
      gpu: B200,
      precision: "mxfp4",
      tensorParallel: 1,
      avgContextTokens: 450,
      kvCachePrecision: "fp8",
      kvCacheBytesPerReplica: 180 * GIB * 0.95 - 68.98e9 * (4.25 / 8),
    });
    expect(estimate.boundBy).toBe("compute");
    expect(Math.abs(estimate.tokensPerSecond / 12_656.6 - 1)).toBeLessThan(0.005);
  });

  test("every calibration point's ratio is measured ÷ roofline", () => {
    for (const point of THROUGHPUT_CALIBRATION.measurements) {
      expect(point.ratio).toBeCloseTo(point.measuredTokensPerSecondPerGpu / point.rooflineTokensPerSecondPerGpu, 3);
      for (const source of point.sources) expect(source.url).toMatch(/^https:\/\//);
    }
    for (const value of [
      THROUGHPUT_CALIBRATION.computeEfficiency,
      THROUGHPUT_CALIBRATION.computeEfficiencyFp4,
      THROUGHPUT_CALIBRATION.memoryBandwidthEfficiency,
      THROUGHPUT_CALIBRATION.prefillEfficiency,
    ]) {
      expect(value).toBeGreaterThan(0);
      expect(value).toBeLessThanOrEqual(1);
    }
  });

  test("every compute-regime point's roofline is this module's compute ceiling per GPU", () => {
    // Llama-2-70B: 1,979e12 / (2 × 68.98e9) = 14,344.7 on H100/H200 (FP8); 9,000e12 / (2 × 68.98e9) = 65,236.3 on B200 (FP4).
    const ceiling = (g: GpuSpec, precision: "fp8" | "mxfp4"): number =>
      estimateThroughput({ model: LLAMA_2_70B, gpu: g, precision, tensorParallel: 1, avgContextTokens: 450, kvCachePrecision: "fp8" })
        .computeCeilingTokensPerSecond;
    expect(ceiling(H100, "fp8")).toBeCloseTo(14_344.7, 0);
    expect(ceiling(H200, "fp8")).toBeCloseTo(14_344.7, 0);
    expect(ceiling(B200, "mxfp4")).toBeCloseTo(65_236.3, 0);
    expect(measurement("mlperf-v5.0-dgx-h100-llama-2-70b-offline").rooflineTokensPerSecondPerGpu).toBeCloseTo(ceiling(H100, "fp8"), -1);
    expect(measurement("mlperf-v5.1-xe9680-h200-llama-2-70b-offline").rooflineTokensPerSecondPerGpu).toBeCloseTo(ceiling(H200, "fp8"), -1);
    expect(measurement("mlperf-v5.1-xe9680l-b200-llama-2-70b-offline").rooflineTokensPerSecondPerGpu).toBeCloseTo(ceiling(B200, "mxfp4"), -1);
  });
});

describe("calibration input", () => {
  const base: ThroughputInput = {
    model: LLAMA_3_70B,
    gpu: H100,
    precision: "fp8",
    tensorParallel: 1,
    avgContextTokens: 1,
    maxConcurrentSequences: 1,
  };

  test("GIVEN no calibration WHEN estimating THEN the catalog's is used", () => {
    expect(estimateThroughput({ ...base, calibration: THROUGHPUT_CALIBRATION })).toEqual(estimateThroughput(base));
  });

  test("GIVEN an overriding calibration WHEN bandwidth-bound THEN its memory-bandwidth share applies", () => {
    const calibration: ThroughputCalibration = {
      ...THROUGHPUT_CALIBRATION,
      memoryBandwidthEfficiency: 0.6,
      measurements: [],
      sources: [{ url: "https://example.com/our-benchmark", date: "2026-11-01", note: "vLLM bench on our H100s" }],
    };
    const estimate = estimateThroughput({ ...base, calibration });
    // One sequence of one token: 0.6 × 3.35e12 / (70.6e9 + 327,680)
    expect(estimate.efficiency).toBeCloseTo(0.6, 9);
    expect(estimate.tokensPerSecond).toBeCloseTo(0.6 * (3.35e12 / (70.6e9 + 327_680)), 6);
  });

  test("GIVEN an overriding calibration WHEN compute-bound THEN its compute share and prefill share apply", () => {
    const calibration: ThroughputCalibration = { ...THROUGHPUT_CALIBRATION, computeEfficiency: 0.5, prefillEfficiency: 0.8 };
    const estimate = estimateThroughput({
      model: LLAMA_3_70B,
      gpu: H200,
      precision: "fp8",
      tensorParallel: 1,
      avgContextTokens: 500,
      kvCachePrecision: "fp8",
      calibration,
    });
    expect(estimate.boundBy).toBe("compute");
    // Compute ceiling 1,979e12 / (2 × 70.6e9) = 14,015.6 tokens/s; prefill at 0.8 of it.
    expect(estimate.prefillTokensPerSecond).toBeCloseTo(0.8 * (1979e12 / (2 * 70.6e9)), 6);
    expect(estimate.tokensPerSecond).toBeLessThanOrEqual(0.5 * estimate.computeCeilingTokensPerSecond * (1 + 1e-12));
  });

  test.each([
    ["computeEfficiency", 0],
    ["computeEfficiencyFp4", 1.2],
    ["memoryBandwidthEfficiency", Number.NaN],
    ["prefillEfficiency", -0.5],
  ] as const)("throws when calibration.%s is %p", (name, value) => {
    const calibration: ThroughputCalibration = { ...THROUGHPUT_CALIBRATION, [name]: value };
    expect(() => estimateThroughput({ ...base, calibration })).toThrow(
      new RegExp(`throughput: calibration\\.${name}: must be in \\(0, 1\\] \\(a fraction of the physical ceiling\\), got ${String(value)}`),
    );
  });
});

describe("properties", () => {
  const models = [LLAMA_3_70B, LLAMA_3_8B, QWEN3_30B_A3B, GPT_OSS_120B, DEEPSEEK_V3];
  const gpus = [H100, H200, B200, A100];
  const scenario = fc.record({
    model: fc.constantFrom(...models),
    gpu: fc.constantFrom(...gpus),
    precision: fc.constantFrom("bf16" as const, "fp8" as const, "int4" as const, "mxfp4" as const),
    tensorParallel: fc.constantFrom(1, 2, 4, 8),
    avgContextTokens: fc.integer({ min: 1, max: 32_000 }),
    kvCacheGiB: fc.double({ min: 1, max: 500, noNaN: true }),
    target: fc.option(fc.double({ min: 0.005, max: 1, noNaN: true }), { nil: undefined }),
    cap: fc.option(fc.integer({ min: 1, max: 2048 }), { nil: undefined }),
    efficiency: fc.option(fc.double({ min: 0.01, max: 1, noNaN: true }), { nil: undefined }),
  });
  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
  const toInput = (s: Scenario): ThroughputInput => ({
    model: s.model,
    gpu: s.gpu,
    precision: s.precision,
    tensorParallel: s.tensorParallel,
    avgContextTokens: s.avgContextTokens,
    kvCacheBytesPerReplica: s.kvCacheGiB * GIB,
    maxSecondsPerOutputToken: s.target,
    maxConcurrentSequences: s.cap,
    efficiency: s.efficiency,
  });
  /** The one refusal a scenario may meet: a single sequence needs more KV cache than it was given. */
  const DOES_NOT_FIT = /: one sequence of \d+ tokens needs [\d.]+ GiB of KV cache, only [\d.]+ GiB available; /;
  /** Counts the scenarios estimated and those refused for not fitting; any other error fails the test. */
  const counted = () => {
    const runs = { estimated: 0, doesNotFit: 0 };
    const tryEstimate = (input: ThroughputInput) => {
      try {
        const estimate = estimateThroughput(input);
        runs.estimated += 1;
        return estimate;
      } catch (err) {
        if (!(err instanceof Error && DOES_NOT_FIT.test(err.message))) throw err;
        runs.doesNotFit += 1; // covered by the throws tests
        return undefined;
      }
    };
    return { runs, tryEstimate };
  };

  test("the estimate never exceeds the roofline, which never exceeds the compute ceiling", () => {
    const { runs, tryEstimate } = counted();
    const branches = { capped: 0, targetMet: 0 };
    fc.assert(
      fc.property(scenario, (s) => {
        const estimate = tryEstimate(toInput(s));
        if (estimate === undefined) return;
        expect(estimate.tokensPerSecond).toBeGreaterThan(0);
        expect(estimate.tokensPerSecond).toBeLessThanOrEqual(estimate.ceilingTokensPerSecond * (1 + 1e-12));
        expect(estimate.ceilingTokensPerSecond).toBeLessThanOrEqual(estimate.computeCeilingTokensPerSecond * (1 + 1e-12));
        expect(estimate.efficiency).toBeLessThanOrEqual(1 + 1e-12);
        expect(estimate.batch).toBeGreaterThanOrEqual(1);
        if (s.cap !== undefined) {
          branches.capped += 1;
          expect(estimate.batch).toBeLessThanOrEqual(s.cap);
        }
        if (s.target !== undefined && estimate.meetsLatencyTarget) {
          branches.targetMet += 1;
          expect(estimate.secondsPerOutputToken).toBeLessThanOrEqual(s.target * (1 + 1e-12));
        }
      }),
      { numRuns: 300 },
    );
    // The property held on real estimates, not on a run of refusals: at least 200 of the 300.
    expect(runs.estimated + runs.doesNotFit).toBe(300);
    expect(runs.estimated).toBeGreaterThanOrEqual(200);
    // The conditional properties held on many cases too (215 capped and 141 meeting a target at the fixed seed).
    expect(branches.capped).toBeGreaterThanOrEqual(150);
    expect(branches.targetMet).toBeGreaterThanOrEqual(90);
  });

  test("more bandwidth or more KV memory never lowers the estimate", () => {
    const { runs, tryEstimate } = counted();
    fc.assert(
      fc.property(scenario, fc.double({ min: 1, max: 4, noNaN: true }), (s, factor) => {
        const base = toInput(s);
        const estimate = tryEstimate(base);
        if (estimate === undefined) return;
        const faster = estimateThroughput({ ...base, gpu: { ...base.gpu, memoryBandwidthTBps: base.gpu.memoryBandwidthTBps * factor } });
        const roomier = estimateThroughput({ ...base, kvCacheBytesPerReplica: (base.kvCacheBytesPerReplica as number) * factor });
        expect(faster.tokensPerSecond).toBeGreaterThanOrEqual(estimate.tokensPerSecond * (1 - 1e-9));
        expect(roomier.tokensPerSecond).toBeGreaterThanOrEqual(estimate.tokensPerSecond * (1 - 1e-9));
      }),
      { numRuns: 200 },
    );
    // At least 130 of the 200 scenarios were compared, not refused.
    expect(runs.estimated + runs.doesNotFit).toBe(200);
    expect(runs.estimated).toBeGreaterThanOrEqual(130);
  });
});
