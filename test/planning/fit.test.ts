import type { GpuSpec } from "../../catalog/types";
import { DEFAULT_OVERHEAD_GIB, checkFit, describeFit, type FitInput } from "../../planning/fit";
import {
  deepseekV3,
  gpu,
  gptOss120b,
  h100 as sharedH100,
  h200 as sharedH200,
  l40s as sharedL40s,
  llama70b,
  llama8b,
  mig3g40gb,
  qwen30bA3b,
  qwen32b,
} from "../helpers/specs";

// Architectures and GPU sizes from test/helpers/specs.ts (config.json values and datasheets), so the test does
// not depend on the catalog. Every expected number below is worked out by hand in the comments.
const GIB = 2 ** 30;

// The fit check reads a GPU's memory and MIG profiles only; this file has always given it placeholder
// bandwidth, FLOPS and TDP, kept so that sharing the specs changes none of its inputs.
const PLACEHOLDERS = { memoryBandwidthTBps: 1, denseTflops: { bf16: 1, fp8: 1, fp4: null }, tdpW: 700 };
const h100: GpuSpec = { ...sharedH100, ...PLACEHOLDERS }; // MIG 1g.10gb, 2g.20gb, 3g.40gb, 4g.40gb, 7g.80gb
const h200: GpuSpec = { ...sharedH200, ...PLACEHOLDERS };
const l40s: GpuSpec = { ...sharedL40s, ...PLACEHOLDERS };
const rtxPro6000: GpuSpec = gpu({ id: "rtx-pro-6000", memoryGiB: 96, ...PLACEHOLDERS });
const mig2g20gb = h100.migProfiles.find((p) => p.name === "2g.20gb")!;
const START_RULE = "(vLLM would refuse to start: its KV cache cannot hold one sequence of maxContextTokens)";

function input(overrides: Partial<FitInput> & Pick<FitInput, "model" | "gpu">): FitInput {
  return {
    precision: "bf16",
    tensorParallel: 1,
    maxContextTokens: 8192,
    maxConcurrentSequences: 1,
    kvCacheDtype: "auto",
    gpuMemoryUtilization: 0.9,
    gpusPerServer: 8,
    ...overrides,
  };
}

describe("checkFit: memory", () => {
  test("fits with strictKvFit: Llama 3.1 8B bf16 on one L40S, 8 × 8k sequences", () => {
    // GIVEN 8.03e9 weights × 2 bytes on a 48 GiB L40S at 0.90, every sequence counted at full context
    const weights = (8.03e9 * 2) / GIB; // 14.957 GiB
    const kv = (8192 * 8 * 131072) / GIB; // 8192 tokens × 8 seqs × 128 KiB = 8 GiB
    const usable = 48 * 0.9; // 43.2 GiB
    // WHEN checked
    const result = checkFit(input({ model: llama8b, gpu: l40s, maxConcurrentSequences: 8, strictKvFit: true }));
    // THEN it fits with the waterfall per GPU
    expect(result.fits).toBe(true);
    expect(result.problems).toEqual([]);
    expect(result.perGpu.capacityGiB).toBe(48);
    expect(result.perGpu.usableGiB).toBeCloseTo(usable, 9);
    expect(result.perGpu.weightsGiB).toBeCloseTo(weights, 9);
    expect(result.perGpu.kvCacheGiB).toBe(kv);
    expect(result.perGpu.overheadGiB).toBe(DEFAULT_OVERHEAD_GIB);
    expect(result.perGpu.totalGiB).toBeCloseTo(weights + kv + 2, 9); // 24.957 GiB
    // AND 1 GiB per 8k sequence leaves room for floor(43.2 − 14.957 − 2) = floor(26.24) = 26 of them
    expect(result.maxConcurrentSequencesAtContext).toBe(26);
    // AND 8 sequences can each hold floor(26.2430 GiB / 8 / 131072 B) = floor(26.2430 × 1024) = 26,872 tokens
    expect(result.maxContextAtConcurrency).toBe(Math.floor(((usable - weights - 2) * GIB) / 8 / 131072));
    expect(result.maxContextAtConcurrency).toBe(26872);
  });

  test("does not fit: 70B fp8 at 32k on one H100, with the full message", () => {
    // GIVEN Llama 3.3 70B fp8 on one H100 (80 GiB × 0.90 = 72.0 GiB) at 32,768 tokens
    const weights = (70.6e9 * 1) / GIB; // 65.75 GiB
    const kv = (32768 * 327680) / GIB; // 32768 tokens × 320 KiB = 10.0 GiB
    // weights + KV + overhead = 65.75 + 10 + 2 = 77.75 GiB > 72.0
    // TP 2: 32.88 + 5 + 2 = 39.9 GiB ≤ 72 → fits
    // Context: (72 − 65.75 − 2) GiB = 70 × 2^30 − 70.6e9 = 4,561,927,680 B ÷ 327,680 B = 13,921 tokens → 13,312
    // fp8 KV alone: 65.75 + 5 + 2 = 72.75 > 72 → not suggested
    const result = checkFit(input({ model: llama70b, gpu: h100, precision: "fp8", maxContextTokens: 32768 }));
    // WHEN checked THEN one problem with the waterfall and the way out
    expect(result.fits).toBe(false);
    expect(result.perGpu.weightsGiB).toBeCloseTo(weights, 9);
    expect(result.perGpu.kvCacheGiB).toBe(kv);
    expect(result.problems).toEqual([
      "does not fit one h100-sxm (80 GiB × 0.90 = 72.0 GiB): weights 65.8 GiB + KV cache 10.0 GiB " +
        "(32768 tokens × 1 sequence × 320 KiB) + overhead 2.0 GiB = 77.8 GiB " +
        "(vLLM would refuse to start: its KV cache cannot hold one sequence of maxContextTokens); " +
        "use tensorParallel: 2, or maxContextTokens ≤ 13312",
    ]);
    expect(result.maxConcurrentSequencesAtContext).toBe(0);
    expect(result.maxContextAtConcurrency).toBe(Math.floor((70 * GIB - 70.6e9) / 327680));
    expect(result.maxContextAtConcurrency).toBe(13921);
  });

  test("overheadGiB overrides the default and can tip the fit", () => {
    // GIVEN 70B fp8 on one H100 at 8k: 65.75 + 8192 × 320 KiB (2.5 GiB) + 2 = 70.25 GiB ≤ 72 fits
    const base = input({ model: llama70b, gpu: h100, precision: "fp8", maxContextTokens: 8192 });
    expect(checkFit(base).fits).toBe(true);
    // WHEN the overhead is 4 GiB THEN 65.75 + 2.5 + 4 = 72.25 GiB > 72 does not
    const result = checkFit({ ...base, overheadGiB: 4 });
    expect(result.fits).toBe(false);
    expect(result.perGpu.overheadGiB).toBe(4);
    expect(result.problems[0]).toContain("+ overhead 4.0 GiB = 72.3 GiB (vLLM would refuse to start");
  });

  test("tensor parallel splits weights and KV per GPU, and the message says per GPU", () => {
    // GIVEN Llama 3.3 70B bf16 on 2 × H100, 16 × 8k sequences, all counted (strictKvFit)
    const weights = (70.6e9 * 2) / 2 / GIB; // 141.2e9 B ÷ 2 GPUs = 65.75 GiB per GPU
    const kv = (8192 * 16 * 327680) / 2 / GIB; // 40 GiB ÷ 2 = 20 GiB per GPU → 87.75 > 72
    // TP 4: 32.88 + 10 + 2 = 44.9 ≤ 72 → fits
    // Context at TP 2: (70 × 2^30 − 70.6e9) × 2 GPUs ÷ 16 seqs ÷ 327,680 = 1,740 tokens → 1,024
    // Sequences at TP 2: 4,561,927,680 × 2 ÷ (8192 × 327,680 = 2,684,354,560) = 3.4 → 3
    // fp8 KV: 65.75 + 10 + 2 = 77.75 > 72 → not suggested
    const result = checkFit(input({ model: llama70b, gpu: h100, tensorParallel: 2, maxConcurrentSequences: 16, strictKvFit: true }));
    // WHEN checked THEN
    expect(result.perGpu.weightsGiB).toBeCloseTo(weights, 9);
    expect(result.perGpu.kvCacheGiB).toBe(kv);
    expect(result.maxConcurrentSequencesAtContext).toBe(3);
    expect(result.problems).toEqual([
      "does not fit 2 × h100-sxm (per GPU: 80 GiB × 0.90 = 72.0 GiB): weights 65.8 GiB + KV cache 20.0 GiB " +
        "(8192 tokens × 16 sequences × 320 KiB ÷ 2 GPUs) + overhead 2.0 GiB = 87.8 GiB per GPU " +
        "(strictKvFit: every sequence at maxContextTokens); " +
        "use tensorParallel: 4, or maxContextTokens ≤ 1024, or maxConcurrentSequences ≤ 3",
    ]);
  });

  test("an fp8 KV cache halves the KV and doubles the sequences", () => {
    // GIVEN Qwen3-32B fp8 on one H100, 2 × 32k sequences, all counted (strictKvFit)
    const weights = 32.8e9 / GIB; // 30.55 GiB
    const free = 72 - weights - 2; // 39.45 GiB for KV
    // bf16 KV: 2 × 64 × 8 × 128 × 2 = 262,144 B/token → 8 GiB per 32k sequence
    const bf16 = checkFit(
      input({ model: qwen32b, gpu: h100, precision: "fp8", maxContextTokens: 32768, maxConcurrentSequences: 2, strictKvFit: true }),
    );
    // WHEN the KV dtype is fp8: 131,072 B/token → 4 GiB per sequence
    const fp8 = checkFit(
      input({ model: qwen32b, gpu: h100, precision: "fp8", maxContextTokens: 32768, maxConcurrentSequences: 2, kvCacheDtype: "fp8", strictKvFit: true }),
    );
    // THEN both fit, KV 16 → 8 GiB, and floor(39.45 / 8) = 4 → floor(39.45 / 4) = 9 sequences
    expect(bf16.fits && fp8.fits).toBe(true);
    expect([bf16.kvBytesPerToken, fp8.kvBytesPerToken]).toEqual([262144, 131072]);
    expect([bf16.perGpu.kvCacheGiB, fp8.perGpu.kvCacheGiB]).toEqual([16, 8]);
    expect([bf16.maxConcurrentSequencesAtContext, fp8.maxConcurrentSequencesAtContext]).toEqual([
      Math.floor(free / 8),
      Math.floor(free / 4),
    ]);
    expect(fp8.maxConcurrentSequencesAtContext).toBe(9);
  });

  test("suggests kvCacheDtype: fp8 when that alone fits", () => {
    // GIVEN Qwen3-32B fp8 on one H100, 5 × 32k sequences with strictKvFit: 30.55 + 5 × 8 + 2 = 72.55 GiB > 72
    // fp8 KV: 30.55 + 20 + 2 = 52.55 ≤ 72; TP 2: 15.27 + 20 + 2 = 37.3 ≤ 72
    // Context: (70 × 2^30 − 32.8e9) ÷ 5 ÷ 262,144 = 42,361,927,680 ÷ 5 ÷ 262,144 = 32,319 → 31,744
    // Sequences: floor(39.45 / 8) = 4
    const result = checkFit(
      input({ model: qwen32b, gpu: h100, precision: "fp8", maxContextTokens: 32768, maxConcurrentSequences: 5, strictKvFit: true }),
    );
    // WHEN checked THEN every way out is offered
    expect(result.maxContextAtConcurrency).toBe(Math.floor((70 * GIB - 32.8e9) / 5 / 262144));
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(
      /; use tensorParallel: 2, or maxContextTokens ≤ 31744, or maxConcurrentSequences ≤ 4, or kvCacheDtype: fp8$/,
    );
  });

  test("suggests a bigger TP with a shorter context when the current one cannot hold the weights", () => {
    // GIVEN Llama 3.3 70B bf16 on one H100: 131.5 GiB of weights alone exceed 72 GiB; 16 × 8k sequences (strictKvFit)
    // TP 2: 65.75 + 20 + 2 = 87.75 > 72; TP 4: 32.88 + 10 + 2 = 44.9 → the smallest TP that fits is 4
    // Context and sequences only help from TP 2 on: 1,024 tokens or 3 sequences (see the TP 2 test)
    const result = checkFit(input({ model: llama70b, gpu: h100, maxConcurrentSequences: 16, strictKvFit: true }));
    // WHEN checked THEN
    expect(result.problems[0]).toMatch(
      /; use tensorParallel: 4, or maxContextTokens ≤ 1024 with tensorParallel: 2, or maxConcurrentSequences ≤ 3 with tensorParallel: 2$/,
    );
  });
});

describe("checkFit: sliding window and MLA", () => {
  test("gpt-oss-120b: window layers are capped at 128 tokens", () => {
    // GIVEN gpt-oss-120b MXFP4 (60.8 GiB checkpoint) on one H100, 4 × 32k sequences, all counted (strictKvFit)
    // full layers: 2 × 18 × 8 × 64 × 2 = 36,864 B/token; window layers: 36,864 × 128 = 4.5 MiB per sequence
    const perSequence = 36864 * 32768 + 36864 * 128; // 1.125 GiB + 4.5 MiB
    const kv = (4 * perSequence) / GIB; // 4.518 GiB
    // sequences: floor((72 − 60.8 − 2) GiB / 1.1294 GiB) = floor(8.15) = 8 (all 36 layers full: only 4)
    const result = checkFit(
      input({ model: gptOss120b, gpu: h100, precision: "mxfp4", maxContextTokens: 32768, maxConcurrentSequences: 4, strictKvFit: true }),
    );
    // WHEN checked THEN
    expect(result.fits).toBe(true);
    expect(result.perGpu.weightsGiB).toBeCloseTo(60.8, 9);
    expect(result.perGpu.kvCacheGiB).toBeCloseTo(kv, 9);
    expect(result.kvBytesPerSequence).toBe(perSequence);
    expect(result.maxConcurrentSequencesAtContext).toBe(Math.floor(((72 - 60.8 - 2) * GIB) / perSequence));
    expect(result.maxConcurrentSequencesAtContext).toBe(8);
    // AND 4 sequences hold floor(((9.2 GiB ÷ 4) − 4.5 MiB) ÷ 36,864) = 66,864 tokens each
    expect(result.maxContextAtConcurrency).toBe(Math.floor(((9.2 * GIB) / 4 - 36864 * 128) / 36864));
    expect(result.maxContextAtConcurrency).toBe(66864);
  });

  test("gpt-oss-120b: the message names the sliding-window part", () => {
    // GIVEN 4 × 128k sequences with strictKvFit: 4 × (36,864 × 131,072 + 4.5 MiB) = 18.02 GiB; 60.8 + 18.02 + 2 = 80.8 > 72
    const result = checkFit(
      input({ model: gptOss120b, gpu: h100, precision: "mxfp4", maxContextTokens: 131072, maxConcurrentSequences: 4, strictKvFit: true }),
    );
    // WHEN checked THEN the KV part shows both terms
    expect(result.problems[0]).toContain(
      "KV cache 18.0 GiB (131072 tokens × 4 sequences × 36 KiB + 4 sequences × 4.5 MiB for the sliding-window layers)",
    );
  });

  test("DeepSeek-V3 (MLA) on 8 × H200: the latent KV is on every GPU, not split", () => {
    // GIVEN 671e9 fp8 weights ÷ 8 GPUs = 78.12 GiB per GPU; H200 141 × 0.90 = 126.9 GiB; 8 sequences counted (strictKvFit)
    const weights = 671e9 / 8 / GIB;
    // KV: 61 × (512 + 64) × 2 = 70,272 B/token; 32k sequence = 2,302,672,896 B = 2.14 GiB; × 8 seqs, not ÷ 8
    const perSequence = 32768 * 70272;
    const result = checkFit(
      input({ model: deepseekV3, gpu: h200, precision: "fp8", tensorParallel: 8, maxContextTokens: 32768, maxConcurrentSequences: 8, strictKvFit: true }),
    );
    // WHEN checked THEN it fits with 8 × 2.14 = 17.16 GiB of KV per GPU
    expect(result.fits).toBe(true);
    expect(result.kvBytesPerToken).toBe(70272);
    expect(result.perGpu.kvCacheGiB).toBeCloseTo((8 * perSequence) / GIB, 9);
    // AND floor((126.9 − 78.12 − 2) / 2.14) = floor(21.8) = 21 sequences (it would be 174 if KV were split)
    expect(result.maxConcurrentSequencesAtContext).toBe(Math.floor(((126.9 - weights - 2) * GIB) / perSequence));
    expect(result.maxConcurrentSequencesAtContext).toBe(21);
  });

  test("DeepSeek-V3 fp8 on 8 × H100: int4 would fit, but vLLM cannot make it from the fp8 checkpoint", () => {
    // GIVEN 78.12 GiB of weights per GPU > 72 GiB even at TP 8; int4 (335.5e9 ÷ 8 = 39.06 GiB + KV 2.14 + 2 ≤ 72)
    // needs a checkpoint published in int4: vLLM quantizes only bf16 → fp8 at load time
    const result = checkFit(
      input({ model: deepseekV3, gpu: h100, precision: "fp8", tensorParallel: 8, maxContextTokens: 32768 }),
    );
    // WHEN checked THEN no precision is suggested: nothing fits one server
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(
      / per GPU \(vLLM would refuse to start: [^)]*\); needs more than one server's memory \(nothing fits up to tensorParallel: 8\); multi-node serving is out of scope$/,
    );
    expect(result.problems[0]).toContain("2.1 GiB (32768 tokens × 1 sequence × 68.6 KiB, all of it on every GPU");
  });

  test("Llama 3.3 70B bf16 on a 2 × L40S server: fp8 weights are the only way out", () => {
    // GIVEN 141.2e9 B of bf16 weights: 65.75 GiB per GPU even at TP 2 > 48 × 0.90 = 43.2, so no context,
    // sequence or KV change helps; fp8 at TP 1: 65.75 + 2.5 + 2 = 70.25 > 43.2;
    // fp8 at TP 2: 32.87 + 8192 × 320 KiB ÷ 2 (1.25) + 2 = 36.1 ≤ 43.2
    const result = checkFit(input({ model: llama70b, gpu: l40s, gpusPerServer: 2 }));
    // WHEN checked THEN fp8 with TP 2 is the way out, as data too
    expect(result.problems[0]).toMatch(/; use precision: fp8 with tensorParallel: 2$/);
    expect(result.issues[0].fixes).toEqual([
      {
        changes: [
          { kind: "set", path: ["models", "model", "precision"], value: "fp8" },
          { kind: "set", path: ["models", "model", "tensorParallel"], value: 2 },
        ],
      },
    ]);
  });

  test("DeepSeek-V3 int4 on a 4 × L40S server needs more than one server", () => {
    // GIVEN 335.5e9 B ÷ 4 = 78.1 GiB per GPU > 48 × 0.9 = 43.2, and nothing is smaller than int4
    const result = checkFit(
      input({ model: deepseekV3, gpu: l40s, precision: "int4", tensorParallel: 4, gpusPerServer: 4 }),
    );
    // WHEN checked THEN
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(
      /; needs more than one server's memory \(nothing fits up to tensorParallel: 4\); multi-node serving is out of scope$/,
    );
  });
});

describe("checkFit: layout rules", () => {
  test("reports TP that does not divide the KV heads", () => {
    // GIVEN Qwen3-30B-A3B (32 heads, 4 KV heads) WHEN tensorParallel is 8 on an 8-GPU server
    // memory: 61e9 B ÷ 8 = 7.1 GiB per GPU fits, so only the layout is wrong
    const result = checkFit(input({ model: qwen30bA3b, gpu: h100, tensorParallel: 8 }));
    // THEN
    expect(result.fits).toBe(false);
    // AND the allowed degree closest to 8 is the way out
    expect(result.problems).toEqual([
      "tensorParallel must divide the attention heads (32) and KV heads (4) of qwen3-30b-a3b, got 8; allowed 1, 2 or 4; use tensorParallel: 4",
    ]);
    expect(result.issues[0]).toMatchObject({ path: ["models", "model", "tensorParallel"], check: "tensorParallel-heads" });
  });

  test("MLA models only need TP to divide the attention heads", () => {
    // GIVEN DeepSeek-V3 (128 heads) WHEN tensorParallel is 3 THEN heads only; 1, 2, 4, 8 allowed on 8 GPUs
    const result = checkFit(input({ model: deepseekV3, gpu: h200, precision: "fp8", tensorParallel: 3 }));
    // AND of 2 and 4, equally close to 3, the larger is suggested (more GPUs, more memory)
    expect(result.problems[0]).toBe(
      "tensorParallel must divide the attention heads (128) of deepseek-v3, got 3; allowed 1, 2, 4 or 8; use tensorParallel: 4",
    );
  });

  test("reports TP beyond one server as out of scope", () => {
    // GIVEN Llama 3.3 70B bf16 (141.2e9 B ÷ 8 = 16.4 GiB per GPU fits an L40S)
    // WHEN tensorParallel is 8 on a 4-GPU server
    const result = checkFit(input({ model: llama70b, gpu: l40s, tensorParallel: 8, gpusPerServer: 4 }));
    // THEN
    // AND the largest degree one server allows is the way out
    expect(result.problems).toEqual([
      "tensorParallel must be at most the 4 GPUs of one server, got 8; " +
        "multi-node serving (pipeline parallel across servers) is out of scope; use tensorParallel: 4",
    ]);
  });

  test("rejects input that cannot be checked", () => {
    // GIVEN tensorParallel 0 WHEN checked THEN a problem, not a division by zero
    const result = checkFit(input({ model: llama8b, gpu: h100, tensorParallel: 0 }));
    expect(result.fits).toBe(false);
    expect(result.problems).toEqual(["tensorParallel must be a whole number ≥ 1, got 0"]);
  });
});

describe("checkFit: MIG slices", () => {
  test("fits a small model on a 3g.40gb slice, sized from the slice", () => {
    // GIVEN Llama 3.1 8B fp8 on an H100 3g.40gb slice: 40 × 0.90 = 36.0 GiB usable
    const weights = 8.03e9 / GIB; // 7.48 GiB
    // 4 × 8k sequences × 128 KiB = 4 GiB; floor((36 − 7.48 − 2) / 1 GiB) = 26 sequences
    const result = checkFit(
      input({ model: llama8b, gpu: h100, migProfile: mig3g40gb, precision: "fp8", maxConcurrentSequences: 4 }),
    );
    // WHEN checked THEN
    expect(result.fits).toBe(true);
    expect(result.perGpu.capacityGiB).toBe(40);
    expect(result.perGpu.usableGiB).toBeCloseTo(36, 9);
    expect(result.maxConcurrentSequencesAtContext).toBe(Math.floor(36 - weights - 2));
    expect(result.maxConcurrentSequencesAtContext).toBe(26);
  });

  test("names the slice and suggests a bigger profile", () => {
    // GIVEN Qwen3-32B bf16 (65.6e9 B = 61.1 GiB) on a 3g.40gb slice (36.0 GiB usable)
    // 4g.40gb is no bigger; 7g.80gb: 72 − 61.1 − 2 = 8.9 GiB ≥ 4 × 8k × 256 KiB = 8 GiB → fits
    const result = checkFit(
      input({ model: qwen32b, gpu: h100, migProfile: mig3g40gb, maxConcurrentSequences: 4, names: { model: "coder", pool: "mig" } }),
    );
    // WHEN checked THEN the profile is named by its key in the file, with the pool's full path
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^does not fit one h100-sxm MIG slice 3g\.40gb \(40 GiB × 0\.90 = 36\.0 GiB\): weights 61\.1 GiB/);
    expect(result.problems[0]).toMatch(/; use nodePools\.mig\.gpuSharing\.profile: 7g\.80gb$/);
    expect(result.issues[0].fixes).toEqual([
      { changes: [{ kind: "set", path: ["nodePools", "mig", "gpuSharing", "profile"], value: "7g.80gb" }] },
    ]);
  });

  test("GIVEN a slice no bigger profile helps WHEN checked THEN whole GPUs are named as the pool's gpuSharing", () => {
    // GIVEN Llama 3.3 70B bf16 (131.5 GiB) on a 3g.40gb slice, 8k × 1 sequence (2.5 GiB of KV):
    // no slice holds the weights (7g.80gb: 72 GiB usable), nor one whole GPU;
    // whole GPUs at TP 2: 65.75 + 1.25 + 2 = 69 ≤ 72
    const result = checkFit(input({ model: llama70b, gpu: h100, migProfile: mig3g40gb, names: { model: "m", pool: "mig" } }));
    // WHEN checked THEN
    expect(result.problems[0]).toMatch(/; use nodePools\.mig\.gpuSharing: \{ mode: none \} with tensorParallel: 2$/);
  });

  test("reports TP > 1 on a MIG slice", () => {
    // GIVEN a 3g.40gb slice WHEN tensorParallel is 2 THEN a layout problem (memory fits: 8B fp8 ÷ 2)
    const result = checkFit(
      input({ model: llama8b, gpu: h100, migProfile: mig3g40gb, precision: "fp8", tensorParallel: 2 }),
    );
    expect(result.problems).toEqual([
      "tensorParallel must be 1 on a MIG slice (3g.40gb), got 2: a CUDA process sees one MIG instance only; " +
        "use tensorParallel: 1, or nodePools.pool.gpuSharing: { mode: none }",
    ]);
  });
});

describe("checkFit: time-sliced shares", () => {
  test("names the share and suggests fewer shares per GPU, then whole GPUs", () => {
    // GIVEN Llama 3.1 8B bf16 (14.96 GiB) with 2 × 8k sequences (2 GiB of KV, strictKvFit) on an H100 time-sliced 8 ways
    // share of 80 ÷ n GiB × 0.90: n = 8 → 9.0; 7 → 10.3; 6 → 12.0; 5 → 14.4; 4 → 18.0; 3 → 24.0 GiB
    // need 14.96 + 2 + 2 = 18.96 GiB: 3 shares per GPU is the first that fits
    const result = checkFit(
      input({ model: llama8b, gpu: h100, timeSlices: 8, maxConcurrentSequences: 2, strictKvFit: true, names: { model: "chat", pool: "ws" } }),
    );
    // WHEN checked THEN the share is in the waterfall and the pool's replicasPerGpu is the first way out
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^does not fit one h100-sxm share \(1\/8 by time-slicing\) \(10 GiB × 0\.90 = 9\.0 GiB\): /);
    expect(result.problems[0]).toMatch(/; use nodePools\.ws\.gpuSharing\.replicasPerGpu: 3, or /);
    expect(result.perGpu.capacityGiB).toBe(10);
  });

  test("never suggests tensor parallelism on shares: whole GPUs come first", () => {
    // GIVEN Qwen3-32B bf16 (61.1 GiB) on an H100 time-sliced 2 ways (40 GiB × 0.90 = 36 GiB):
    // no share holds the weights; a whole GPU: 61.1 + 8192 × 256 KiB (2 GiB) + 2 = 65.1 ≤ 72
    const result = checkFit(input({ model: qwen32b, gpu: h100, timeSlices: 2, names: { model: "m", pool: "ws" } }));
    // WHEN checked THEN
    expect(result.problems[0]).toMatch(/; use nodePools\.ws\.gpuSharing: \{ mode: none \}$/);
  });
});

describe("describeFit", () => {
  test("summarizes the per-GPU waterfall and the sequences that fit", () => {
    // GIVEN the Llama 3.1 8B on L40S fit with strictKvFit (14.96 + 8 + 2 = 24.96 of 43.2 GiB, 26 sequences)
    const result = checkFit(input({ model: llama8b, gpu: l40s, maxConcurrentSequences: 8, strictKvFit: true }));
    // WHEN described THEN
    expect(describeFit(result)).toBe(
      "weights 15.0 + KV 8.0 + overhead 2.0 = 25.0 of 43.2 GiB per GPU; 26 sequences fit at 8192 tokens",
    );
  });

  test("says when one sequence fits", () => {
    // GIVEN 70B fp8 on one H100 at 8k, 1 sequence: (72 − 65.75 − 2) GiB ÷ 2.5 GiB = 1.7 → 1
    const result = checkFit(input({ model: llama70b, gpu: h100, precision: "fp8" }));
    expect(describeFit(result)).toMatch(/; 1 sequence fits at 8192 tokens$/);
  });
});

describe("checkFit: vLLM's start rule (one sequence of maxContextTokens) refuses, concurrency is reported", () => {
  test("GIVEN a dense GQA model WHEN one sequence of maxContextTokens just fits THEN it plans, whatever maxConcurrentSequences", () => {
    // GIVEN Llama 3.3 70B fp8 on one H100: room for KV = (72 − 2) GiB − 70.6e9 B = 75,161,927,680 − 70,600,000,000
    // = 4,561,927,680 B; 2 × 80 layers × 8 KV heads × 128 × 2 B = 327,680 B per token
    // 13,921 tokens × 327,680 = 4,561,633,280 B ≤ 4,561,927,680 → vLLM starts
    const result = checkFit(
      input({ model: llama70b, gpu: h100, precision: "fp8", maxContextTokens: 13921, maxConcurrentSequences: 16, meanContextTokens: 4000 }),
    );
    // WHEN checked THEN it fits, with one sequence's KV in the waterfall
    expect(result.fits).toBe(true);
    expect(result.strictKvFit).toBe(false);
    expect(result.perGpu.kvCacheGiB).toBe(4561633280 / GIB);
    // AND one sequence at the full context; floor(4,561,927,680 ÷ (4,000 × 327,680 = 1,310,720,000)) = 3 at the mean
    expect(result.maxConcurrentSequencesAtContext).toBe(1);
    expect(result.meanContextTokens).toBe(4000);
    expect(result.maxConcurrentSequencesAtMeanContext).toBe(3);
    // AND 16 > 3 is a preemption risk, not a problem
    expect(result.preemptionRisk).toBe(true);
  });

  test("GIVEN a dense GQA model WHEN one sequence of maxContextTokens is a token too long THEN it is refused with vLLM's rule", () => {
    // GIVEN 13,922 tokens × 327,680 = 4,561,960,960 B > 4,561,927,680 B of room: vLLM would not start
    // ways out: TP 2 (32.9 + 2.1 + 2 ≤ 72), floor(13,921 ÷ 1,024) × 1,024 = 13,312 tokens, fp8 KV (2.1 GiB)
    const result = checkFit(input({ model: llama70b, gpu: h100, precision: "fp8", maxContextTokens: 13922, maxConcurrentSequences: 16 }));
    // WHEN checked THEN one sequence is counted, the rule is named, and no maxConcurrentSequences way out is offered
    expect(result.fits).toBe(false);
    expect(result.problems).toEqual([
      "does not fit one h100-sxm (80 GiB × 0.90 = 72.0 GiB): weights 65.8 GiB + KV cache 4.2 GiB " +
        `(13922 tokens × 1 sequence × 320 KiB) + overhead 2.0 GiB = 72.0 GiB ${START_RULE}; ` +
        "use tensorParallel: 2, or maxContextTokens ≤ 13312, or kvCacheDtype: fp8",
    ]);
    expect(result.maxConcurrentSequencesAtContext).toBe(0);
  });

  test("GIVEN a sliding-window model WHEN one sequence just fits THEN it plans; one token more THEN it is refused", () => {
    // GIVEN gpt-oss-120b (60.8 GiB) on one H100 at gpuMemoryUtilization 0.80: room = 64 − 60.8 − 2 = 1.2 GiB
    // = 1,288,490,188.8 B; 18 full layers × 2 × 8 × 64 × 2 = 36,864 B per token, 18 window layers hold 128 tokens:
    // 36,864 × 128 = 4,718,592 B (4.5 MiB) per sequence
    // 34,824 tokens: 36,864 × 34,824 + 4,718,592 = 1,288,470,528 B ≤ room; 34,825: 1,288,507,392 B > room
    // (all 36 layers full would need 34,824 × 73,728 = 2,567,503,872 B: the window is what lets it start)
    const at = (maxContextTokens: number) =>
      checkFit(input({ model: gptOss120b, gpu: h100, precision: "mxfp4", gpuMemoryUtilization: 0.8, maxContextTokens, maxConcurrentSequences: 16 }));
    // WHEN checked at 34,824 THEN it fits
    const fits = at(34824);
    expect(fits.fits).toBe(true);
    expect(fits.kvBytesPerSequence).toBe(1288470528);
    expect(fits.maxConcurrentSequencesAtContext).toBe(1);
    // WHEN checked at 34,825 THEN refused; fp8 KV halves it: 18,432 × 34,825 + 2,359,296 = 644,253,696 B ≤ room;
    // floor(34,824 ÷ 1,024) × 1,024 = 34,816
    const refused = at(34825);
    expect(refused.problems).toEqual([
      "does not fit one h100-sxm (80 GiB × 0.80 = 64.0 GiB): weights 60.8 GiB + KV cache 1.2 GiB " +
        "(34825 tokens × 1 sequence × 36 KiB + 1 sequence × 4.5 MiB for the sliding-window layers) + overhead 2.0 GiB = 64.0 GiB " +
        `${START_RULE}; use tensorParallel: 2, or maxContextTokens ≤ 34816, or kvCacheDtype: fp8`,
    ]);
  });

  test("GIVEN an MLA model on 8 GPUs WHEN one sequence's latent just fits on every GPU THEN it plans; one token more THEN refused", () => {
    // GIVEN DeepSeek-V3 fp8 on 8 × H200 at 0.64: usable 141 × 0.64 = 90.24 GiB; weights 671e9 ÷ 8 = 83,875,000,000 B
    // room = 90.24 × 2^30 − 83,875,000,000 − 2 × 2^30 = 10,871,978,549.76 B per GPU; the latent is 61 × (512 + 64) × 2
    // = 70,272 B per token on every GPU (not ÷ 8)
    // 154,712 × 70,272 = 10,871,921,664 B ≤ room; 154,713 × 70,272 = 10,871,991,936 B > room
    // (split over 8 GPUs like GQA heads, floor(10,871,978,549.76 × 8 ÷ 70,272) = 1,237,702 tokens would fit)
    const at = (maxContextTokens: number, meanContextTokens?: number) =>
      checkFit(
        input({
          model: deepseekV3,
          gpu: h200,
          precision: "fp8",
          tensorParallel: 8,
          gpuMemoryUtilization: 0.64,
          maxContextTokens,
          maxConcurrentSequences: 16,
          meanContextTokens,
        }),
      );
    // WHEN checked at 154,712 THEN it fits; at a 32,768 mean: floor(10,871,978,549.76 ÷ 2,302,672,896) = 4 sequences
    const fits = at(154712, 32768);
    expect(fits.fits).toBe(true);
    expect(fits.perGpu.kvCacheGiB).toBe(10871921664 / GIB);
    expect(fits.maxConcurrentSequencesAtMeanContext).toBe(4);
    // WHEN checked at 154,713 THEN refused, all of the latent on every GPU; 151 × 1,024 = 154,624; fp8 halves it
    expect(at(154713).problems).toEqual([
      "does not fit 8 × h200-sxm (per GPU: 141 GiB × 0.64 = 90.2 GiB): weights 78.1 GiB + KV cache 10.1 GiB " +
        "(154713 tokens × 1 sequence × 68.6 KiB, all of it on every GPU: MLA's latent is not split by tensor parallel) + " +
        `overhead 2.0 GiB = 90.2 GiB per GPU ${START_RULE}; use maxContextTokens ≤ 154624, or kvCacheDtype: fp8`,
    ]);
  });

  test("GIVEN a MIG slice WHEN one sequence just fits the slice THEN it plans; one token more THEN refused, a bigger profile first", () => {
    // GIVEN Llama 3.1 8B bf16 (8.03e9 × 2 = 16,060,000,000 B) on an H100 2g.20gb slice: usable 20 × 0.90 = 18 GiB
    // room = 16 × 2^30 − 16,060,000,000 = 1,119,869,184 B; 2 × 32 × 8 × 128 × 2 = 131,072 B per token
    // 8,543 × 131,072 = 1,119,748,096 B ≤ room; 8,544 × 131,072 = 1,119,879,168 B > room
    const at = (maxContextTokens: number) =>
      checkFit(input({ model: llama8b, gpu: h100, migProfile: mig2g20gb, maxContextTokens, maxConcurrentSequences: 4 }));
    // WHEN checked at 8,543 THEN it fits
    expect(at(8543).fits).toBe(true);
    expect(at(8543).perGpu.capacityGiB).toBe(20);
    // WHEN checked at 8,544 THEN refused: 3g.40gb (36 GiB usable) holds it; floor(8,543 ÷ 1,024) × 1,024 = 8,192; fp8 KV
    expect(at(8544).problems).toEqual([
      "does not fit one h100-sxm MIG slice 2g.20gb (20 GiB × 0.90 = 18.0 GiB): weights 15.0 GiB + KV cache 1.0 GiB " +
        `(8544 tokens × 1 sequence × 128 KiB) + overhead 2.0 GiB = 18.0 GiB ${START_RULE}; ` +
        "use nodePools.pool.gpuSharing.profile: 3g.40gb, or maxContextTokens ≤ 8192, or kvCacheDtype: fp8",
    ]);
  });

  test("GIVEN the issue's example (gpt-oss-120b, one RTX PRO 6000, 65,536 tokens, 16 sequences) WHEN checked THEN it plans, with the risk", () => {
    // GIVEN room = 96 × 0.90 − 60.8 − 2 = 23.6 GiB = 25,340,307,046.4 B
    // one sequence at 65,536: 36,864 × 65,536 + 4,718,592 = 2,420,637,696 B (2.25 GiB) → 60.8 + 2.25 + 2 = 65.05 ≤ 86.4: vLLM starts
    // at the full context: floor(25,340,307,046.4 ÷ 2,420,637,696) = floor(10.47) = 10
    // at a mean of 50,000 tokens: 36,864 × 50,000 + 4,718,592 = 1,847,918,592 B → floor(13.71) = 13
    const example = input({ model: gptOss120b, gpu: rtxPro6000, precision: "mxfp4", maxContextTokens: 65536, maxConcurrentSequences: 16, meanContextTokens: 50000 });
    // WHEN checked THEN
    const result = checkFit(example);
    expect(result.fits).toBe(true);
    expect(result.perGpu.kvCacheGiB).toBe(2420637696 / GIB);
    expect(result.maxConcurrentSequencesAtContext).toBe(10);
    expect(result.maxConcurrentSequencesAtMeanContext).toBe(13);
    expect(result.preemptionRisk).toBe(true);
    // AND with strictKvFit the old refusal comes back: 16 × 2,420,637,696 B = 36.07 GiB; 60.8 + 36.07 + 2 = 98.87 > 86.4
    // ways out: TP 2; (23.6 GiB ÷ 16 − 4.5 MiB) ÷ 36,864 = 42,834 → 41,984 tokens; 10 sequences;
    // fp8 KV: 16 × (18,432 × 65,536 + 2,359,296) = 19,365,101,568 B ≤ room
    const strict = checkFit({ ...example, strictKvFit: true });
    expect(strict.strictKvFit).toBe(true);
    expect(strict.preemptionRisk).toBe(false);
    expect(strict.problems).toEqual([
      "does not fit one rtx-pro-6000 (96 GiB × 0.90 = 86.4 GiB): weights 60.8 GiB + KV cache 36.1 GiB " +
        "(65536 tokens × 16 sequences × 36 KiB + 16 sequences × 4.5 MiB for the sliding-window layers) + overhead 2.0 GiB = 98.9 GiB " +
        "(strictKvFit: every sequence at maxContextTokens); " +
        "use tensorParallel: 2, or maxContextTokens ≤ 41984, or maxConcurrentSequences ≤ 10, or kvCacheDtype: fp8",
    ]);
  });

  test("GIVEN no mean context WHEN checked THEN the mean is the full context; GIVEN as many sequences as fit there THEN no risk", () => {
    // GIVEN Llama 3.1 8B bf16 on one L40S at 8k: floor((43.2 − 14.957 − 2) GiB ÷ 1 GiB) = 26 sequences at 8,192 tokens
    const result = checkFit(input({ model: llama8b, gpu: l40s, maxConcurrentSequences: 26 }));
    // WHEN checked THEN
    expect(result.meanContextTokens).toBe(8192);
    expect(result.maxConcurrentSequencesAtMeanContext).toBe(26);
    expect(result.preemptionRisk).toBe(false);
    // AND one more sequence is a risk
    expect(checkFit(input({ model: llama8b, gpu: l40s, maxConcurrentSequences: 27 })).preemptionRisk).toBe(true);
  });

  test("GIVEN a mean context that is not a positive number WHEN checked THEN it is an input problem", () => {
    expect(checkFit(input({ model: llama8b, gpu: h100, meanContextTokens: 0 })).problems).toEqual(["meanContextTokens must be a number > 0, got 0"]);
  });
});
