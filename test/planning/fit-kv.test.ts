import fc from "fast-check";
import type { ModelArchitecture } from "../../catalog/types";
import { GIB, kvReplication, kvShards, sequencesInKvRoom } from "../../planning/memory";
import { estimateThroughput, kvReplication as throughputKvReplication } from "../../planning/throughput";
import { deepseekV3, gptOss120b, h100, llama70b, qwen30bA3b, toyDense, toyWindow } from "../helpers/specs";

// The KV arithmetic the fit check (planning/fit.ts) and the throughput model's batch
// (planning/throughput.ts) share, from planning/memory.ts. Expected numbers are worked out by hand.

describe("kvShards and kvReplication", () => {
  test("GIVEN GQA, MLA and more ranks than KV heads WHEN sharded THEN shards × copies = tensorParallel", () => {
    // GIVEN Llama 3.3 70B (8 KV heads) WHEN TP 4 THEN 4 shards, 1 copy; TP 16: 8 shards, each head on 2 ranks
    expect([kvShards(llama70b, 4), kvReplication(llama70b, 4)]).toEqual([4, 1]);
    expect([kvShards(llama70b, 16), kvReplication(llama70b, 16)]).toEqual([8, 2]);
    // AND the toy's 2 KV heads over 8 ranks: 2 shards, 4 copies
    expect([kvShards(toyDense, 8), kvReplication(toyDense, 8)]).toEqual([2, 4]);
    // AND DeepSeek-V3's one latent: 1 shard, on every one of 8 ranks
    expect([kvShards(deepseekV3, 8), kvReplication(deepseekV3, 8)]).toEqual([1, 8]);
  });

  test("GIVEN planning/throughput.ts WHEN it exports kvReplication THEN it is the shared one", () => {
    expect(throughputKvReplication).toBe(kvReplication);
  });
});

describe("sequencesInKvRoom", () => {
  test("GIVEN a GQA model on 2 GPUs WHEN 10 GiB per GPU are free THEN the sequences of 2,250 tokens that fit", () => {
    // GIVEN 20 GiB over the replica; 327,680 B per token × 2,250 = 737,280,000 B per sequence
    // THEN floor(21,474,836,480 ÷ 737,280,000) = floor(29.13) = 29
    expect(sequencesInKvRoom(llama70b, 10 * GIB, 2, 2250, "auto")).toBe(29);
  });

  test("GIVEN an MLA model on 8 GPUs WHEN 10 GiB per GPU are free THEN each GPU holds every sequence's latent", () => {
    // GIVEN 70,272 B per token × 2,250 = 158,112,000 B per sequence on every GPU
    // THEN floor(10,737,418,240 ÷ 158,112,000) = floor(67.9) = 67 (not 8 × as many)
    expect(sequencesInKvRoom(deepseekV3, 10 * GIB, 8, 2250, "auto")).toBe(67);
  });

  test("GIVEN a sliding-window model WHEN sized THEN window layers count 128 tokens at most", () => {
    // GIVEN 36,864 × 2,250 + 4,718,592 = 87,662,592 B per sequence in 20 GiB on one GPU
    // THEN floor(21,474,836,480 ÷ 87,662,592) = floor(244.97) = 244
    expect(sequencesInKvRoom(gptOss120b, 20 * GIB, 1, 2250, "auto")).toBe(244);
    // AND an fp8 KV cache holds twice the bytes' worth: 43,831,296 B per sequence → floor(489.94) = 489
    expect(sequencesInKvRoom(gptOss120b, 20 * GIB, 1, 2250, "fp8")).toBe(489);
  });

  test("GIVEN no room WHEN sized THEN no sequence fits", () => {
    expect(sequencesInKvRoom(llama70b, 0, 1, 8192, "auto")).toBe(0);
  });
});

describe("the throughput model's batch is the fit check's count", () => {
  /**
   * kvBatch as planning/throughput.ts computed it before the count moved to planning/memory.ts:
   * floor(KV bytes of the replica ÷ (one sequence's bytes × the copies the ranks keep)), with one
   * sequence's bytes written out from the architecture.
   */
  function kvBatchBefore(model: ModelArchitecture, tp: number, kvAvailable: number, context: number, dtype: "auto" | "fp8"): number {
    const bytes = dtype === "fp8" ? 1 : 2;
    const a = model.attention;
    let perSequence: number;
    if (a.kind === "mla") {
      perSequence = model.layers * (a.kvLoraRank + a.qkRopeHeadDim) * bytes * context;
    } else {
      const perLayerToken = 2 * model.kvHeads * model.headDim * bytes;
      const window = a.slidingWindow;
      const full = window === undefined ? model.layers : model.layers - window.layers;
      const windowBytes = window === undefined ? 0 : (window.layers * perLayerToken * window.windowTokens * Math.min(context, window.windowTokens)) / window.windowTokens;
      perSequence = full * perLayerToken * context + windowBytes;
    }
    const copies = a.kind === "mla" ? tp : Math.max(1, tp / model.kvHeads);
    return Math.floor(kvAvailable / (perSequence * copies));
  }

  const estimate = (model: ModelArchitecture, tp: number, kvAvailable: number, promptTokens: number, outputTokens: number, kvReservation?: "mean" | "full") =>
    estimateThroughput({ model, gpu: h100, precision: "bf16", tensorParallel: tp, promptTokens, outputTokens, kvCacheBytesPerReplica: kvAvailable, kvReservation });

  test.each([
    // model, TP, KV bytes of the replica, prompt, output, expected (hand-computed at the mean context prompt + output ÷ 2)
    ["llama-3.3-70b, TP 2", llama70b, 2, 20 * GIB, 2000, 500, 29], // 21,474,836,480 ÷ (327,680 × 2,250) = 29.13
    ["deepseek-v3, TP 8", deepseekV3, 8, 80 * GIB, 2000, 500, 67], // 85,899,345,920 ÷ (70,272 × 2,250 × 8 copies) = 67.9
    ["gpt-oss-120b, TP 1", gptOss120b, 1, 20 * GIB, 2000, 500, 244], // 21,474,836,480 ÷ 87,662,592 = 244.97
    ["toy, 2 KV heads on TP 8", toyDense, 8, 8 * GIB, 2000, 500, 95], // 8,589,934,592 ÷ (10,000 × 2,250 × 4 copies) = 95.44
  ] as const)("GIVEN %s WHEN estimated THEN kvBatch is the hand-computed count, as before", (_name, model, tp, kv, prompt, output, expected) => {
    const batch = estimate(model, tp, kv, prompt, output).kvBatch;
    expect(batch).toBe(expected);
    expect(batch).toBe(kvBatchBefore(model, tp, kv, prompt + output / 2, "auto"));
  });

  test("GIVEN the full reservation WHEN estimated THEN the whole prompt + output is reserved, as before", () => {
    // GIVEN Llama 3.3 70B on TP 2 with 20 GiB: 327,680 × 2,500 = 819,200,000 B per sequence → floor(26.21) = 26
    expect(estimate(llama70b, 2, 20 * GIB, 2000, 500, "full").kvBatch).toBe(26);
  });

  test("GIVEN any replica the fit check accepts WHEN estimated THEN kvBatch equals the count before the refactor", () => {
    const models = [llama70b, deepseekV3, gptOss120b, qwen30bA3b, toyDense, toyWindow];
    fc.assert(
      fc.property(
        fc.constantFrom(...models),
        fc.constantFrom(1, 2, 4, 8),
        fc.double({ min: 1, max: 400, noNaN: true }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 20_000 }),
        (model, tp, kvGiB, prompt, output) => {
          const kv = kvGiB * GIB;
          const before = kvBatchBefore(model, tp, kv, prompt + output / 2, "auto");
          // Below one sequence the estimate refuses (it throws), as before.
          if (before < 1) return;
          expect(estimate(model, tp, kv, prompt, output).kvBatch).toBe(before);
        },
      ),
      { numRuns: 2000, seed: 14 },
    );
  });
});
