import {
  GIB,
  bytesPerWeight,
  kvBytesPerElement,
  kvBytesPerSequence,
  kvBytesPerToken,
  toGiB,
  weightsBytes,
} from "../../planning/memory";
import { deepseekV3, gptOss120b, llama70b, llama8b, qwen30bA3b } from "../helpers/specs";

// Architectures from the models' Hugging Face config.json, defined in test/helpers/specs.ts so the
// test does not depend on the catalog.

describe("bytesPerWeight", () => {
  test("is 2, 1 and 0.5 bytes for bf16, fp8 and int4", () => {
    // GIVEN the integer-ish precisions WHEN sized THEN bytes per weight follow the bit width
    expect([bytesPerWeight("bf16"), bytesPerWeight("fp8"), bytesPerWeight("int4")]).toEqual([2, 1, 0.5]);
  });

  test("counts MXFP4 as 4.25 bits: 4-bit values plus an 8-bit scale per block of 32", () => {
    // GIVEN MXFP4 WHEN sized THEN (32 × 4 + 8) / 32 = 4.25 bits = 0.53125 bytes
    expect(bytesPerWeight("mxfp4")).toBe(0.53125);
  });

  test("counts NVFP4 as 4.5 bits: 4-bit values plus an FP8 scale per block of 16", () => {
    // GIVEN NVFP4 WHEN sized THEN (16 × 4 + 8) / 16 = 4.5 bits = 0.5625 bytes
    expect(bytesPerWeight("nvfp4")).toBe(0.5625);
    // AND it costs more than MXFP4 (a scale per 16 values, not per 32) and less than FP8
    expect(bytesPerWeight("nvfp4")).toBeGreaterThan(bytesPerWeight("mxfp4"));
    expect(bytesPerWeight("nvfp4")).toBeLessThan(bytesPerWeight("fp8"));
  });
});

describe("weightsBytes", () => {
  test("multiplies parameters by bytes per weight", () => {
    // GIVEN Llama 3.3 70B (70.6B parameters) WHEN served in bf16 and fp8
    // THEN 70.6e9 × 2 = 141.2e9 bytes and 70.6e9 × 1 = 70.6e9 bytes
    expect(weightsBytes(llama70b, "bf16")).toBeCloseTo(141.2e9, -3);
    expect(weightsBytes(llama70b, "fp8")).toBeCloseTo(70.6e9, -3);
  });

  test("uses the checkpoint size in the native precision", () => {
    // GIVEN gpt-oss-120b with a 60.8 GiB MXFP4 checkpoint WHEN served in mxfp4 (native)
    // THEN the checkpoint size, not 116.8e9 × 0.53125 = 62.05e9 bytes (57.8 GiB)
    expect(weightsBytes(gptOss120b, "mxfp4")).toBeCloseTo(60.8 * GIB, -3);
  });

  test("ignores the checkpoint size in another precision", () => {
    // GIVEN gpt-oss-120b WHEN served in bf16 THEN 116.8e9 × 2 = 233.6e9 bytes
    expect(weightsBytes(gptOss120b, "bf16")).toBeCloseTo(233.6e9, -3);
  });

  test("sizes MXFP4 from parameters when no checkpoint size is known", () => {
    // GIVEN Llama 3.1 8B (no checkpointGiB) WHEN served in mxfp4 THEN 8.03e9 × 0.53125 = 4.2659375e9 bytes
    expect(weightsBytes(llama8b, "mxfp4")).toBeCloseTo(4.2659375e9, -3);
  });
});

describe("kvBytesPerToken", () => {
  test("GQA: 2 × layers × kvHeads × headDim × 2 bytes in bf16", () => {
    // GIVEN Llama 3.3 70B WHEN the KV dtype is auto (bf16)
    // THEN 2 × 80 × 8 × 128 × 2 = 327,680 bytes (320 KiB), nothing fixed per sequence
    expect(kvBytesPerToken(llama70b, "auto")).toEqual({ perToken: 327680, perSequenceFixed: 0 });
    // Llama 3.1 8B: 2 × 32 × 8 × 128 × 2 = 131,072 (128 KiB); Qwen3-30B-A3B: 2 × 48 × 4 × 128 × 2 = 98,304
    expect(kvBytesPerToken(llama8b, "bf16").perToken).toBe(131072);
    expect(kvBytesPerToken(qwen30bA3b, "auto").perToken).toBe(98304);
  });

  test("an fp8 KV cache halves it", () => {
    // GIVEN Llama 3.3 70B WHEN kvCacheDtype is fp8 THEN 2 × 80 × 8 × 128 × 1 = 163,840 bytes
    expect(kvBytesPerToken(llama70b, "fp8").perToken).toBe(163840);
  });

  test("sliding-window layers go to the per-sequence part", () => {
    // GIVEN gpt-oss-120b: 36 layers, 18 of them on a 128-token window, 8 KV heads of 64
    // WHEN sized in bf16
    // THEN per token only the 18 full layers: 2 × 18 × 8 × 64 × 2 = 36,864 bytes (36 KiB)
    //      per sequence the window layers: 2 × 18 × 8 × 64 × 2 × 128 = 4,718,592 bytes (4.5 MiB)
    expect(kvBytesPerToken(gptOss120b, "auto")).toEqual({ perToken: 36864, perSequenceFixed: 4718592 });
  });

  test("MLA: layers × (kvLoraRank + qkRopeHeadDim) × bytes, no factor 2", () => {
    // GIVEN DeepSeek-V3 (61 layers, latent 512 + RoPE key 64) with fp8 weights WHEN the KV dtype is auto
    // THEN still bf16: 61 × 576 × 2 = 70,272 bytes (68.6 KiB); with fp8 KV 61 × 576 × 1 = 35,136
    expect(kvBytesPerToken(deepseekV3, "auto", "fp8")).toEqual({ perToken: 70272, perSequenceFixed: 0 });
    expect(kvBytesPerToken(deepseekV3, "fp8", "fp8").perToken).toBe(35136);
  });
});

describe("kvBytesPerElement", () => {
  test("auto and bf16 are 2 bytes, fp8 is 1", () => {
    // GIVEN each KV dtype WHEN sized THEN auto resolves to bf16
    expect([kvBytesPerElement("auto"), kvBytesPerElement("bf16"), kvBytesPerElement("fp8")]).toEqual([2, 2, 1]);
  });
});

describe("kvBytesPerSequence", () => {
  test("full attention grows with every token", () => {
    // GIVEN Llama 3.3 70B WHEN one 32,768-token sequence THEN 32768 × 327680 = 10 GiB
    expect(kvBytesPerSequence(llama70b, 32768, "auto")).toBe(10 * GIB);
  });

  test("window layers stop growing at the window", () => {
    // GIVEN gpt-oss-120b WHEN one 32,768-token sequence
    // THEN 36864 × 32768 + 4,718,592 = 1,207,959,552 + 4,718,592 = 1,212,678,144 bytes (1.13 GiB),
    //      not the 2.25 GiB of 36 full layers
    expect(kvBytesPerSequence(gptOss120b, 32768, "auto")).toBe(1212678144);
  });

  test("window layers hold only the context when it is shorter than the window", () => {
    // GIVEN gpt-oss-120b WHEN a 100-token sequence (window 128)
    // THEN full layers 36864 × 100 + window layers 2 × 18 × 8 × 64 × 2 × 100 = 3,686,400 + 3,686,400
    expect(kvBytesPerSequence(gptOss120b, 100, "auto")).toBe(7372800);
  });

  test("MLA at 32k tokens", () => {
    // GIVEN DeepSeek-V3 WHEN one 32,768-token sequence THEN 32768 × 70272 = 2,302,672,896 bytes (2.14 GiB)
    expect(kvBytesPerSequence(deepseekV3, 32768, "auto")).toBe(2302672896);
  });
});

describe("toGiB", () => {
  test("divides by 2^30", () => {
    // GIVEN 2^31 bytes WHEN converted THEN 2 GiB
    expect(GIB).toBe(1073741824);
    expect(toGiB(2 ** 31)).toBe(2);
  });
});
