import { BENCHMARK_MODELS } from "../../catalog/benchmark-models";
import { CATALOG_DATE, MODELS } from "../../catalog";
import type { ModelArchitecture } from "../../catalog";
import { kvBytesPerSequence, kvBytesPerToken } from "../../planning/memory";

/** The benchmark architecture with this id; fails the test with the id when it is missing. */
function must(id: string): ModelArchitecture {
  const model = BENCHMARK_MODELS.find((m) => m.id === id);
  if (model === undefined) throw new Error(`BENCHMARK_MODELS has no ${id}`);
  return model;
}

describe("BENCHMARK_MODELS", () => {
  it("holds the architectures public throughput benchmarks report on", () => {
    // GIVEN the models benchmark results name that the deployable catalog lacks
    const required = ["llama-3.1-405b", "llama-4-maverick", "llama-4-scout", "mistral-7b", "mixtral-8x7b", "qwen3-235b-a22b"];
    // THEN each is here, in id order
    const ids = BENCHMARK_MODELS.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(required));
    expect(ids).toEqual([...ids].sort());
  });

  it("has unique ids, none of them a catalog model's", () => {
    // GIVEN the benchmark ids and the deployable catalog's ids
    const ids = BENCHMARK_MODELS.map((m) => m.id);
    const catalogIds = new Set(MODELS.map((m) => m.id));
    // THEN no id repeats, and none names a catalog model (a benchmark case's model id resolves to exactly one)
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => catalogIds.has(id))).toEqual([]);
  });

  it("cites the config.json and a dated source for every entry", () => {
    for (const model of BENCHMARK_MODELS) {
      // GIVEN one entry's sources
      // THEN one is its Hugging Face config.json, and every one has a URL and a date no later than the catalog's
      expect({ id: model.id, config: model.sources.some((s) => /^https:\/\/huggingface\.co\/[\w.-]+\/[\w.-]+\/blob\/\w+\/config\.json$/.test(s.url)) }).toEqual({
        id: model.id,
        config: true,
      });
      for (const source of model.sources) {
        expect(source.url).toMatch(/^https:\/\/\S+$/);
        expect(source.date).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
        expect(source.date <= CATALOG_DATE).toBe(true);
      }
    }
  });

  it("has active parameters no larger than total, and experts exactly where they differ", () => {
    for (const model of BENCHMARK_MODELS) {
      // GIVEN one architecture
      const { total, active } = model.parametersB;
      // THEN a token touches at most all parameters
      expect({ id: model.id, ok: active > 0 && active <= total }).toEqual({ id: model.id, ok: true });
      // AND it is a mixture of experts exactly when a token touches fewer than all
      expect({ id: model.id, moe: model.moe !== undefined }).toEqual({ id: model.id, moe: active < total });
      if (model.moe !== undefined) {
        const { experts, expertsPerToken } = model.moe;
        expect({ id: model.id, ok: Number.isInteger(experts) && Number.isInteger(expertsPerToken) && expertsPerToken >= 1 && expertsPerToken < experts }).toEqual({
          id: model.id,
          ok: true,
        });
      }
    }
  });

  it("keeps sliding windows within the layers and every checkpoint in BF16", () => {
    for (const model of BENCHMARK_MODELS) {
      const window = model.attention.kind === "gqa" ? model.attention.slidingWindow : undefined;
      expect({ id: model.id, ok: window === undefined || (window.layers <= model.layers && window.windowTokens > 0) }).toEqual({ id: model.id, ok: true });
      expect({ id: model.id, precision: model.nativePrecision }).toEqual({ id: model.id, precision: "bf16" });
    }
  });

  it("routes as the configs say", () => {
    // GIVEN the config.json expert fields (num_local_experts / num_experts and num_experts_per_tok)
    // THEN the MoE entries carry them
    expect(must("mixtral-8x7b").moe).toEqual({ experts: 8, expertsPerToken: 2 });
    expect(must("qwen3-235b-a22b").moe).toEqual({ experts: 128, expertsPerToken: 8 });
    expect(must("llama-4-scout").moe).toEqual({ experts: 16, expertsPerToken: 1 });
    expect(must("llama-4-maverick").moe).toEqual({ experts: 128, expertsPerToken: 1 });
  });

  // KV bytes per token of context worked out by hand (2 for K and V, 2 bytes per element in BF16),
  // over the layers that keep the whole context.
  it.each([
    ["llama-3.1-405b", 516_096], // 2 x 126 layers x 8 KV heads x 128 x 2 B
    ["mixtral-8x7b", 131_072], // 2 x 32 x 8 x 128 x 2
    ["qwen3-235b-a22b", 192_512], // 2 x 94 x 4 x 128 x 2
    ["llama-4-scout", 49_152], // 2 x 12 global layers x 8 x 128 x 2 (the other 36 are chunked)
    ["llama-4-maverick", 49_152], // the same attention as Scout
    ["mistral-7b", 0], // every layer windowed: nothing grows past 4,096 tokens
  ])("%s keeps %i KV bytes per token of context in BF16", (id, expected) => {
    // GIVEN the architecture WHEN planning/memory.ts sizes its KV cache
    // THEN the per-token part equals the hand-computed product
    expect(kvBytesPerToken(must(id), "auto").perToken).toBe(expected);
  });

  it("caps Mistral 7B v0.1's KV at its 4,096-token window on every layer", () => {
    const mistral = must("mistral-7b");
    // GIVEN v0.1, which windows all 32 layers at 4,096 tokens
    expect(mistral.attention).toEqual({ kind: "gqa", slidingWindow: { layers: 32, windowTokens: 4096 } });
    // WHEN a sequence reaches the window THEN it holds 32 x 4096 x (2 x 8 x 128 x 2) = 536,870,912 B (512 MiB)
    expect(kvBytesPerSequence(mistral, 4096, "auto")).toBe(536_870_912);
    // AND below the window it grows like full attention: 1,024 tokens x 131,072 B = 134,217,728 B
    expect(kvBytesPerSequence(mistral, 1024, "auto")).toBe(134_217_728);
    // AND past it, it grows no further
    expect(kvBytesPerSequence(mistral, 32_768, "auto")).toBe(536_870_912);
  });

  it("caps Llama 4's chunked layers at 8,192 tokens", () => {
    const scout = must("llama-4-scout");
    // GIVEN 12 global and 36 chunked layers WHEN a sequence holds 32,768 tokens
    // THEN 32,768 x 49,152 B for the global layers + 36 x 8,192 x 4,096 B = 1,207,959,552 B for the chunked ones
    expect(kvBytesPerSequence(scout, 32_768, "auto")).toBe(32_768 * 49_152 + 1_207_959_552);
    // AND an FP8 cache halves both parts
    expect(kvBytesPerSequence(scout, 32_768, "fp8")).toBe((32_768 * 49_152 + 1_207_959_552) / 2);
  });
});
