import { createHash } from "node:crypto";
import { CATALOG_DATE } from "../../catalog";
import { BENCHMARK_MODELS } from "../../catalog/benchmark-models";
import { BENCHMARK_CASES, parseLengths } from "../../catalog/benchmarks";
import { MODELS } from "../../catalog/models";
import { SERVERS } from "../../catalog/servers";
import type { BenchmarkCase } from "../../catalog/types";

/** The split rule of catalog/benchmarks.ts, recomputed independently. */
function expectedSplit(c: BenchmarkCase): BenchmarkCase["split"] {
  const key = `${c.engine}|${c.model}|${c.server}|${c.tensorParallel}`;
  return createHash("sha256").update(key, "utf8").digest()[0] % 3 === 0 ? "held-out" : "fit";
}

/** The case with this id; fails the test naming the id when it is missing. */
function byId(id: string): BenchmarkCase {
  const found = BENCHMARK_CASES.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no benchmark case ${id}`);
  return found;
}

describe("BENCHMARK_CASES", () => {
  it("keys cases by unique ids of the documented form", () => {
    // GIVEN every case id
    const ids = BENCHMARK_CASES.map((c) => c.id);
    // THEN none repeats
    expect(new Set(ids).size).toBe(ids.length);
    // AND each names engine, version, GPU, model, precision, TP and lengths
    for (const c of BENCHMARK_CASES) {
      expect(c.id).toMatch(/^(trtllm|vllm|sglang|nim)-[0-9a-z.]+-[a-z0-9]+-[a-z0-9.-]+-(bf16|fp8|int4|mxfp4|nvfp4)-tp\d+-/);
      expect(c.id).toContain(`-${c.model}-${c.precision}-tp${c.tensorParallel}-`);
      if (c.concurrency !== "offline") expect(c.id).toMatch(new RegExp(`-c${c.concurrency}(-fp8kv)?$`));
    }
  });

  it("names only catalog servers and known model architectures", () => {
    const servers = new Map(SERVERS.map((s) => [s.id, s]));
    const models = new Set([...MODELS, ...BENCHMARK_MODELS].map((m) => m.id));
    for (const c of BENCHMARK_CASES) {
      // GIVEN one case
      const server = servers.get(c.server);
      // THEN its server exists and holds its tensor-parallel group
      expect(server).toBeDefined();
      expect(c.tensorParallel).toBeLessThanOrEqual(server?.gpusPerServer ?? 0);
      // AND its model is in catalog/models.ts or catalog/benchmark-models.ts
      expect(models.has(c.model)).toBe(true);
    }
  });

  it("holds positive lengths, parallelism, concurrency and rates", () => {
    for (const c of BENCHMARK_CASES) {
      expect(Number.isInteger(c.tensorParallel) && c.tensorParallel >= 1).toBe(true);
      expect(c.inputTokens).toBeGreaterThan(0);
      expect(c.outputTokens).toBeGreaterThan(0);
      expect(c.measuredOutputTokensPerSecond).toBeGreaterThan(0);
      if (c.concurrency !== "offline") expect(Number.isInteger(c.concurrency) && c.concurrency >= 1).toBe(true);
    }
  });

  it("splits by the sha256 of engine|model|server|tensorParallel, with both splits populated", () => {
    // GIVEN every case
    for (const c of BENCHMARK_CASES) {
      // THEN its split is the one the rule gives its group
      expect({ id: c.id, split: c.split }).toEqual({ id: c.id, split: expectedSplit(c) });
    }
    // AND both parts of the set are non-empty
    expect(BENCHMARK_CASES.some((c) => c.split === "fit")).toBe(true);
    expect(BENCHMARK_CASES.some((c) => c.split === "held-out")).toBe(true);
  });

  it("cites a dated https source with a note on every case", () => {
    for (const c of BENCHMARK_CASES) {
      expect(c.source.url).toMatch(/^https:\/\/\S+$/);
      expect(c.source.date).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
      expect(c.source.date <= CATALOG_DATE).toBe(true);
      expect(c.source.note ?? "").not.toBe("");
    }
  });

  it("measures both offline and at small fixed concurrency", () => {
    expect(BENCHMARK_CASES.some((c) => c.concurrency === "offline")).toBe(true);
    expect(BENCHMARK_CASES.filter((c) => c.concurrency !== "offline" && c.concurrency <= 8).length).toBeGreaterThan(10);
  });

  it.each([
    // TensorRT-LLM v0.17 overview, H100 80GB HBM3 column, LLaMA v3.1 70B TP 4, "500, 2000"
    ["trtllm-0.17-h100-llama-3.3-70b-fp8-tp4-500-2000", 9836.7],
    // same table, H200 column, LLaMA v3.1 70B TP 1, "128, 2048"
    ["trtllm-0.17-h200-llama-3.3-70b-fp8-tp1-128-2048", 4165.68],
    // same table, A100-SXM4-80GB (FP16) column, Mixtral 8x7B TP 8, "20000, 2000"
    ["trtllm-0.17-a100-mixtral-8x7b-bf16-tp8-20000-2000", 1592.53],
    // same table, L40S column, Mistral 7B TP 1, "128, 128"
    ["trtllm-0.17-l40s-mistral-7b-fp8-tp1-128-128", 9664.13],
    // TensorRT-LLM v1.0 overview, Llama 3.3 70B, "H100 TP2 (FP8)", 500/2000: "5,222"
    ["trtllm-1.0-h100-llama-3.3-70b-fp8-tp2-500-2000", 5222],
    // v1.0, Qwen3-30B-A3B on RTX 6000 Pro Server, "8 GPUs TP8,PP1 (FP4)", 128/2048: "52,676"
    ["trtllm-1.0-rtxpro6000s-qwen3-30b-a3b-nvfp4-tp8-128-2048", 52676],
    // v1.0, Llama 4 Maverick, "B200 TP8 (FP4)", 128/128: "124,323"
    ["trtllm-1.0-b200-llama-4-maverick-nvfp4-tp8-128-128", 124323],
    // NIM 1.8.0, 2 x H100 fp8 TP2, 5000 in / 500 out, concurrency 1
    ["nim-1.8.0-h100-llama-3.3-70b-fp8-tp2-5000-500-c1", 51.67],
    // SGLang gpt-oss blog, batch size 1, MXFP4 on B200
    ["sglang-0.5.1.post3-b200-gpt-oss-120b-mxfp4-tp4-1024-512-c1", 416.02],
    // vLLM FP8 KV blog, Table 4, FP8 row
    ["vllm-0.19.1-h100-llama-3.1-8b-bf16-tp1-20000-2000-c8-fp8kv", 517.5],
    // GPUStack gpt-oss-120b on H100, baseline, "ShareGPT batch size 4"
    ["vllm-0.10.2-h100-gpt-oss-120b-mxfp4-tp1-sharegpt-c4", 453.04],
  ])("quotes the published rate of %s", (id, rate) => {
    expect(byId(id).measuredOutputTokensPerSecond).toBe(rate);
  });

  it("files each TensorRT-LLM column with its server, precision and KV cache type", () => {
    // GIVEN the v0.17 A100 column (FP16) and an FP8 column
    const a100 = byId("trtllm-0.17-a100-llama-3.1-8b-bf16-tp1-128-128");
    const h100 = byId("trtllm-0.17-h100-llama-3.3-70b-fp8-tp4-500-2000");
    // THEN FP16 is filed as bf16 with the default KV cache, FP8 with an FP8 KV cache
    expect([a100.server, a100.precision, a100.kvCacheDtype]).toEqual(["a100-80gb-8", "bf16", "auto"]);
    expect([h100.server, h100.tensorParallel, h100.inputTokens, h100.outputTokens, h100.concurrency]).toEqual([
      "hgx-h100-8",
      4,
      500,
      2000,
      "offline",
    ]);
    expect(h100.kvCacheDtype).toBe("fp8");
    // AND the v1.0 FP4 columns are NVFP4 weights with an FP8 KV cache
    const b200 = byId("trtllm-1.0-b200-llama-3.3-70b-nvfp4-tp1-128-128");
    expect([b200.precision, b200.kvCacheDtype, b200.engineVersion]).toEqual(["nvfp4", "fp8", "1.0"]);
  });

  it("leaves out the skipped columns (GH200, GB200, RTX 6000 Pro with pipeline parallelism)", () => {
    // GH200 and GB200 have no catalog server; an RTX 6000 Pro PP > 1 column would show up as Llama 3.3 70B at TP1 on more GPUs
    const rtxLlama = BENCHMARK_CASES.filter((c) => c.server === "rtx-pro-6000-server-8" && c.model === "llama-3.3-70b");
    expect(rtxLlama.map((c) => c.measuredOutputTokensPerSecond)).toEqual([3264, 2422, 1349, 1856, 1787, 1594, 393, 1074, 401, 142]);
    expect(BENCHMARK_CASES.some((c) => c.model === "llama-4-scout" && c.server === "rtx-pro-6000-server-8")).toBe(false);
  });

  it("derives GPUStack mean lengths from the published totals", () => {
    // GIVEN "ShareGPT batch size 4": 100 requests, 22946 input and 21691 generated tokens
    const c = byId("vllm-0.10.2-h100-gpt-oss-120b-mxfp4-tp1-sharegpt-c4");
    // THEN the means are the totals over the requests
    expect(c.inputTokens).toBeCloseTo(229.46, 2);
    expect(c.outputTokens).toBeCloseTo(216.91, 2);
    expect(c.concurrency).toBe(4);
  });
});

describe("parseLengths", () => {
  it("reads a table's input/output lengths", () => {
    expect(parseLengths("20000/2000")).toEqual({ inputTokens: 20000, outputTokens: 2000 });
  });

  it("throws when the lengths are not <input>/<output>", () => {
    expect(() => parseLengths("128, 2048")).toThrow(
      'catalog/benchmarks.ts: lengths: expected "<input>/<output>" tokens, got "128, 2048"',
    );
  });
});
