import {
  API_PRICES,
  CATALOG_DATE,
  GPUS,
  GPU_RENTAL_PRICES,
  MODELS,
  SERVERS,
  apiPriceIds,
  findApiPrice,
  findGpu,
  findGpuRental,
  findModel,
  findServer,
  gpuIds,
  gpuRentalIds,
  modelIds,
  serverIds,
} from "../../catalog";
import type { ModelSpec, Source } from "../../catalog";

const LISTS: Record<string, readonly { readonly id: string; readonly sources: readonly Source[] }[]> = {
  GPUS,
  SERVERS,
  MODELS,
  API_PRICES,
  GPU_RENTAL_PRICES,
};

/** Looks an id up and fails the test with the id when it is missing. */
function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`catalog has no ${what}`);
  return value;
}

/** KV cache of one token in BF16 (2 bytes) for the layers that keep the full context. */
function kvBytesPerTokenBf16(model: ModelSpec): number {
  if (model.attention.kind === "mla") {
    return model.layers * (model.attention.kvLoraRank + model.attention.qkRopeHeadDim) * 2;
  }
  const fullLayers = model.layers - (model.attention.slidingWindow?.layers ?? 0);
  return 2 * fullLayers * model.kvHeads * model.headDim * 2;
}

describe("catalog lists", () => {
  it.each(Object.entries(LISTS))("%s has unique ids", (_name, entries) => {
    // GIVEN one catalog list
    // WHEN its ids are collected
    const ids = entries.map((e) => e.id);
    // THEN no id appears twice
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(Object.entries(LISTS))("%s cites at least one dated source per entry", (_name, entries) => {
    // GIVEN every entry of one list
    for (const entry of entries) {
      // THEN it has a source, each with a URL and a YYYY-MM(-DD) date no later than the catalog date
      expect({ id: entry.id, hasSource: entry.sources.length >= 1 }).toEqual({ id: entry.id, hasSource: true });
      for (const source of entry.sources) {
        expect(source.url).toMatch(/^https:\/\/\S+$/);
        expect(source.date).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
        expect(source.date <= CATALOG_DATE).toBe(true);
      }
    }
  });

  it("dates the catalog by its newest source", () => {
    // GIVEN every source date in the catalog
    const dates = Object.values(LISTS).flatMap((entries) => entries.flatMap((e) => e.sources.map((s) => s.date)));
    // WHEN the newest is taken (YYYY-MM sorts before any day of that month, which is what we want)
    const newest = [...dates].sort().at(-1);
    // THEN CATALOG_DATE is that day
    expect(CATALOG_DATE).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(newest).toBe(CATALOG_DATE);
  });
});

describe("GPUS", () => {
  it("holds the required GPU ids", () => {
    // GIVEN the ids planning and environments refer to
    const required = ["h100-sxm", "h100-nvl", "h200", "b200", "l40s", "rtx-pro-6000", "rtx-pro-6000-server", "a100-80gb"];
    // THEN every one is in the catalog
    expect(gpuIds()).toEqual(expect.arrayContaining(required));
  });

  it("has positive specs and board power", () => {
    for (const gpu of GPUS) {
      expect(gpu.memoryGiB).toBeGreaterThan(0);
      expect(gpu.memoryBandwidthTBps).toBeGreaterThan(0);
      expect(gpu.denseTflops.bf16).toBeGreaterThan(0);
      expect(gpu.tdpW).toBeGreaterThan(0);
    }
  });

  it("has no FP8 on Ampere and no FP4 before Blackwell", () => {
    // GIVEN the GPUs by generation
    // THEN native precisions follow the architecture
    expect(must(findGpu("a100-80gb"), "a100-80gb").denseTflops.fp8).toBeNull();
    for (const id of ["a100-80gb", "h100-sxm", "h100-nvl", "h200", "l40s"]) {
      expect({ id, fp4: must(findGpu(id), id).denseTflops.fp4 }).toEqual({ id, fp4: null });
    }
    for (const id of ["b200", "rtx-pro-6000", "rtx-pro-6000-server"]) {
      expect(must(findGpu(id), id).denseTflops.fp4).toBeGreaterThan(0);
    }
  });

  it("doubles dense throughput per precision step where both are native", () => {
    // GIVEN each GPU with FP8 (Hopper, Ada and Blackwell; not A100) and each with FP4 (Blackwell)
    const withFp8 = GPUS.filter((gpu) => gpu.denseTflops.fp8 !== null);
    const withFp4 = withFp8.filter((gpu) => gpu.denseTflops.fp4 !== null);
    expect(withFp8.map((gpu) => gpu.id)).toEqual(expect.arrayContaining(["b200", "h100-nvl", "h100-sxm", "h200", "l40s", "rtx-pro-6000"]));
    expect(withFp4.map((gpu) => gpu.id)).toEqual(expect.arrayContaining(["b200", "rtx-pro-6000"]));
    // THEN FP8 is 2x BF16 (within rounding), and FP4 2x FP8
    for (const gpu of withFp8) {
      const { bf16, fp8 } = gpu.denseTflops;
      expect({ id: gpu.id, ratio: Math.round(((fp8 as number) / bf16) * 10) / 10 }).toEqual({ id: gpu.id, ratio: 2 });
    }
    for (const gpu of withFp4) {
      expect({ id: gpu.id, ratio: (gpu.denseTflops.fp4 as number) / (gpu.denseTflops.fp8 as number) }).toEqual({ id: gpu.id, ratio: 2 });
    }
  });

  it("gives MIG profiles only to MIG-capable GPUs", () => {
    // GIVEN the MIG-capable parts named in the MIG user guide, and L40S which has none
    const migCapable = ["a100-80gb", "h100-sxm", "h100-nvl", "h200", "b200", "rtx-pro-6000", "rtx-pro-6000-server"];
    for (const id of migCapable) expect(must(findGpu(id), id).migProfiles.length).toBeGreaterThan(0);
    // THEN L40S has no profiles
    expect(must(findGpu("l40s"), "l40s").migProfiles).toEqual([]);
  });

  it("keeps every MIG profile within the GPU's memory", () => {
    for (const gpu of GPUS) {
      for (const profile of gpu.migProfiles) {
        // GIVEN a homogeneous partition of one profile
        // WHEN its instances are added up
        const total = profile.instancesPerGpu * profile.memoryGiB;
        // THEN they fit the GPU
        expect({ gpu: gpu.id, profile: profile.name, fits: total <= gpu.memoryGiB + 1e-9 }).toEqual({
          gpu: gpu.id,
          profile: profile.name,
          fits: true,
        });
        expect(profile.instancesPerGpu).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it("spells MIG profiles as nvidia-smi does and sizes them as named", () => {
    for (const gpu of GPUS) {
      for (const profile of gpu.migProfiles) {
        // GIVEN a profile name such as 3g.71gb
        const match = /^([1-7])g\.(\d+)gb$/.exec(profile.name);
        expect({ gpu: gpu.id, name: profile.name, valid: match !== null }).toEqual({ gpu: gpu.id, name: profile.name, valid: true });
        // THEN its memory is the named size, which the name rounds (70.5 -> 71)
        expect(Math.abs(Number(match![2]) - profile.memoryGiB)).toBeLessThanOrEqual(1);
      }
    }
    // AND on every MIG-capable part the largest profile is the whole GPU
    const migCapable = GPUS.filter((gpu) => gpu.migProfiles.length > 0);
    expect(migCapable.map((gpu) => gpu.id)).toEqual(expect.arrayContaining(["a100-80gb", "b200", "h100-nvl", "h100-sxm", "h200", "rtx-pro-6000"]));
    for (const gpu of migCapable) {
      expect({ id: gpu.id, largestGiB: Math.max(...gpu.migProfiles.map((p) => p.memoryGiB)) }).toEqual({ id: gpu.id, largestGiB: gpu.memoryGiB });
    }
  });

  it("gives the RTX PRO 6000 Server Edition its own, lower bandwidth and the workstation card's MIG layout", () => {
    // GIVEN both editions of the RTX PRO 6000 Blackwell
    const server = must(findGpu("rtx-pro-6000-server"), "rtx-pro-6000-server");
    const workstation = must(findGpu("rtx-pro-6000"), "rtx-pro-6000");
    // THEN the Server Edition has 1,597 GB/s (the workstation card 1,792), the same memory, power and MIG profiles
    expect(server.memoryBandwidthTBps).toBe(1.597);
    expect(server.memoryBandwidthTBps).toBeLessThan(workstation.memoryBandwidthTBps);
    expect({ memoryGiB: server.memoryGiB, tdpW: server.tdpW, migProfiles: server.migProfiles }).toEqual({
      memoryGiB: workstation.memoryGiB,
      tdpW: workstation.tdpW,
      migProfiles: workstation.migProfiles,
    });
  });

  it("lists the H200 profiles of the MIG user guide", () => {
    // GIVEN the H200 141GB table of the MIG user guide
    const h200 = must(findGpu("h200"), "h200");
    // THEN names and instance counts match it
    expect(h200.migProfiles.map((p) => [p.name, p.instancesPerGpu])).toEqual([
      ["1g.18gb", 7],
      ["1g.35gb", 4],
      ["2g.35gb", 3],
      ["3g.71gb", 2],
      ["4g.71gb", 1],
      ["7g.141gb", 1],
    ]);
  });
});

describe("SERVERS", () => {
  it("holds the required server ids", () => {
    const required = ["hgx-h100-8", "hgx-h200-8", "hgx-b200-8", "l40s-8", "rtx-pro-6000-server-8", "rtx-pro-6000-ws-4"];
    expect(serverIds()).toEqual(expect.arrayContaining(required));
  });

  it("refers only to GPUs in the catalog", () => {
    for (const server of SERVERS) {
      expect({ server: server.id, gpuKnown: findGpu(server.gpu) !== undefined }).toEqual({ server: server.id, gpuKnown: true });
    }
  });

  it("has a positive price, a whole GPU count and idle power below max", () => {
    for (const server of SERVERS) {
      expect(server.priceUsd).toBeGreaterThan(0);
      expect(Number.isInteger(server.gpusPerServer) && server.gpusPerServer > 0).toBe(true);
      expect(server.powerKw.idle).toBeGreaterThan(0);
      expect(server.powerKw.idle).toBeLessThan(server.powerKw.max);
    }
  });

  it("gives every server a sourced GPU-to-GPU link", () => {
    for (const server of SERVERS) {
      const { kind, gbpsPerGpu, sources } = server.interconnect;
      expect({ server: server.id, ok: (kind === "nvlink" || kind === "pcie") && gbpsPerGpu > 0 && sources.length > 0 }).toEqual({ server: server.id, ok: true });
      for (const source of sources) {
        expect(source.url).toMatch(/^https:\/\/\S+$/);
        expect(source.date <= CATALOG_DATE).toBe(true);
      }
    }
  });

  // One direction per GPU: half NVIDIA's NVLink totals (600 / 900 / 1,800 GB/s both ways), PCIe per-direction rates.
  it.each([
    ["a100-80gb-8", "nvlink", 300], // NVLink 3: 600 / 2
    ["hgx-h100-8", "nvlink", 450], // NVLink 4: 900 / 2
    ["hgx-h200-8", "nvlink", 450], // NVLink 4: 900 / 2
    ["hgx-b200-8", "nvlink", 900], // NVLink 5: 1,800 / 2
    ["l40s-8", "pcie", 32], // PCIe Gen4 x16: 64 GB/s bidirectional / 2
    ["rtx-pro-6000-server-8", "pcie", 64], // PCIe Gen5 x16
    ["rtx-pro-6000-ws-4", "pcie", 64], // PCIe Gen5 x16
  ])("%s links its GPUs over %s at %i GB/s each way", (id, kind, gbpsPerGpu) => {
    expect(must(findServer(id), id).interconnect).toMatchObject({ kind, gbpsPerGpu });
  });

  it("draws at least its GPUs' board power at full load", () => {
    for (const server of SERVERS) {
      // GIVEN the GPUs' board power
      const gpuKw = (must(findGpu(server.gpu), server.gpu).tdpW * server.gpusPerServer) / 1000;
      // THEN the server's maximum covers it plus some host
      expect({ server: server.id, covers: server.powerKw.max > gpuKw }).toEqual({ server: server.id, covers: true });
    }
  });
});

describe("MODELS", () => {
  it("holds the required model ids", () => {
    const required = ["llama-3.1-8b", "llama-3.3-70b", "qwen3-32b", "qwen3-30b-a3b", "gpt-oss-20b", "gpt-oss-120b", "deepseek-v3"];
    expect(modelIds()).toEqual(expect.arrayContaining(required));
  });

  it("pins every model to a 40-hex commit, never a branch", () => {
    for (const model of MODELS) {
      expect(model.huggingFace.revision).toMatch(/^[0-9a-f]{40}$/);
      expect(model.huggingFace.repo).toMatch(/^[\w.-]+\/[\w.-]+$/);
    }
  });

  it("marks only the Llama repositories as gated", () => {
    for (const model of MODELS) {
      expect({ id: model.id, gated: model.huggingFace.gated }).toEqual({ id: model.id, gated: model.id.startsWith("llama-") });
    }
  });

  it("has active parameters no larger than total, equal for dense models", () => {
    for (const model of MODELS) {
      expect(model.parametersB.active).toBeLessThanOrEqual(model.parametersB.total);
      expect(model.defaultContextTokens).toBeGreaterThan(0);
    }
    for (const id of ["llama-3.1-8b", "llama-3.3-70b", "qwen3-32b"]) {
      const model = must(findModel(id), id);
      expect(model.parametersB.active).toBe(model.parametersB.total);
    }
  });

  it("gives experts exactly to the mixture-of-experts models, as their config.json routes", () => {
    // GIVEN every model THEN it has `moe` exactly when a token touches fewer parameters than the model has
    for (const model of MODELS) {
      expect({ id: model.id, moe: model.moe !== undefined }).toEqual({ id: model.id, moe: model.parametersB.active < model.parametersB.total });
    }
    // AND the routed experts and experts per token are the configs' (shared experts not counted)
    expect(must(findModel("deepseek-v3"), "deepseek-v3").moe).toEqual({ experts: 256, expertsPerToken: 8 });
    expect(must(findModel("gpt-oss-120b"), "gpt-oss-120b").moe).toEqual({ experts: 128, expertsPerToken: 4 });
    expect(must(findModel("gpt-oss-20b"), "gpt-oss-20b").moe).toEqual({ experts: 32, expertsPerToken: 4 });
    expect(must(findModel("qwen3-30b-a3b"), "qwen3-30b-a3b").moe).toEqual({ experts: 128, expertsPerToken: 8 });
  });

  it("stores native precision as published", () => {
    expect(must(findModel("deepseek-v3"), "deepseek-v3").nativePrecision).toBe("fp8");
    expect(must(findModel("gpt-oss-20b"), "gpt-oss-20b").nativePrecision).toBe("mxfp4");
    expect(must(findModel("gpt-oss-120b"), "gpt-oss-120b").nativePrecision).toBe("mxfp4");
    expect(must(findModel("llama-3.3-70b"), "llama-3.3-70b").nativePrecision).toBe("bf16");
  });

  // KV bytes per token worked out by hand from the architectures (2 for K and V, 2 bytes in BF16).
  it.each([
    ["llama-3.1-8b", 131_072], // 2 x 32 layers x 8 KV heads x 128 x 2
    ["llama-3.3-70b", 327_680], // 2 x 80 x 8 x 128 x 2
    ["qwen3-32b", 262_144], // 2 x 64 x 8 x 128 x 2
    ["qwen3-30b-a3b", 98_304], // 2 x 48 x 4 x 128 x 2
    ["gpt-oss-20b", 24_576], // 2 x 12 full-attention layers x 8 x 64 x 2
    ["gpt-oss-120b", 36_864], // 2 x 18 full-attention layers x 8 x 64 x 2
    ["deepseek-v3", 70_272], // 61 layers x (512 latent + 64 RoPE key) x 2
  ])("%s keeps %i KV bytes per token in BF16", (id, expected) => {
    // GIVEN the model's attention fields
    const model = must(findModel(id), id);
    // WHEN the per-token KV size is computed from them
    // THEN it equals the hand-computed product
    expect(kvBytesPerTokenBf16(model)).toBe(expected);
  });

  it("caps gpt-oss sliding-window layers at 128 tokens on half the layers", () => {
    for (const id of ["gpt-oss-20b", "gpt-oss-120b"]) {
      const model = must(findModel(id), id);
      // GIVEN gpt-oss, which alternates sliding and full attention
      expect(model.attention).toEqual({ kind: "gqa", slidingWindow: { layers: model.layers / 2, windowTokens: 128 } });
    }
    // THEN gpt-oss-120b's windowed layers hold 18 x 128 x (2 x 8 x 64 x 2) = 4,718,592 bytes (4.5 MiB) per sequence
    const big = must(findModel("gpt-oss-120b"), "gpt-oss-120b");
    if (big.attention.kind !== "gqa" || big.attention.slidingWindow === undefined) throw new Error("gpt-oss-120b: no sliding window");
    const windowBytes = big.attention.slidingWindow.layers * big.attention.slidingWindow.windowTokens * 2 * big.kvHeads * big.headDim * 2;
    expect(windowBytes).toBe(4_718_592);
  });

  it("matches hidden size to heads x head dim for the Llama models", () => {
    // GIVEN Llama, where hidden = attention heads x head dim (Qwen3 and gpt-oss differ by design)
    for (const id of ["llama-3.1-8b", "llama-3.3-70b"]) {
      const model = must(findModel(id), id);
      expect(model.attentionHeads * model.headDim).toBe(model.hiddenSize);
    }
  });

  it("sizes checkpoints that differ from parameters x bytes", () => {
    // GIVEN MXFP4 (~4.25 bits on MoE weights) and FP8 checkpoints
    const small = must(findModel("gpt-oss-20b"), "gpt-oss-20b");
    const big = must(findModel("gpt-oss-120b"), "gpt-oss-120b");
    const deepseek = must(findModel("deepseek-v3"), "deepseek-v3");
    // THEN gpt-oss-120b fits one 80 GiB GPU and DeepSeek-V3 is about one byte per parameter
    expect(big.checkpointGiB).toBeLessThan(80);
    expect(small.checkpointGiB).toBeLessThan(16);
    expect(deepseek.checkpointGiB! * 2 ** 30).toBeGreaterThan(deepseek.parametersB.total * 1e9 * 0.9);
    expect(deepseek.checkpointGiB! * 2 ** 30).toBeLessThan(deepseek.parametersB.total * 1e9 * 1.1);
  });
});

describe("API_PRICES", () => {
  it("holds the required price-book ids", () => {
    const required = ["claude-sonnet-4.5", "claude-opus-4.5", "claude-haiku-4.5", "gpt-5", "gpt-5-mini", "gpt-5-codex", "gpt-4.1", "gemini-2.5-pro", "gemini-2.5-flash", "gemini-3-pro-preview"];
    expect(apiPriceIds()).toEqual(expect.arrayContaining(required));
  });

  it("has positive prices, cache reads no dearer than input and cache writes no cheaper", () => {
    for (const price of API_PRICES) {
      const p = price.usdPerMillion;
      expect({ id: price.id, positive: p.input > 0 && p.cachedInput > 0 && p.cacheWrite > 0 && p.output > 0 }).toEqual({ id: price.id, positive: true });
      expect({ id: price.id, ok: p.cachedInput <= p.input }).toEqual({ id: price.id, ok: true });
      expect({ id: price.id, ok: p.cacheWrite >= p.input }).toEqual({ id: price.id, ok: true });
      expect({ id: price.id, ok: p.output >= p.input }).toEqual({ id: price.id, ok: true });
    }
  });

  it("bills cache writes as input where the provider has no separate charge", () => {
    // GIVEN OpenAI and Google, which charge nothing extra to write the cache
    for (const price of API_PRICES.filter((p) => p.provider !== "Anthropic")) {
      // THEN cacheWrite equals input
      expect({ id: price.id, write: price.usdPerMillion.cacheWrite }).toEqual({ id: price.id, write: price.usdPerMillion.input });
    }
  });

  it("prices Claude Sonnet 4.5 as Anthropic's price page does", () => {
    expect(must(findApiPrice("claude-sonnet-4.5"), "claude-sonnet-4.5").usdPerMillion).toEqual({
      input: 3,
      cachedInput: 0.3,
      cacheWrite: 3.75,
      output: 15,
    });
  });
});

describe("GPU_RENTAL_PRICES", () => {
  it("holds the required ids and covers H100, H200, B200 and L40S", () => {
    expect(gpuRentalIds()).toEqual(expect.arrayContaining(["aws-p5", "aws-p5en", "aws-p6-b200", "aws-g6e", "azure-nd-h100-v5", "gcp-a3-highgpu", "coreweave-h100"]));
    const gpus = new Set(GPU_RENTAL_PRICES.map((r) => r.gpu));
    for (const gpu of ["h100-sxm", "h200", "b200", "l40s"]) expect(gpus.has(gpu)).toBe(true);
  });

  it("quotes at least two GPU clouds besides AWS, Azure and GCP", () => {
    const others = new Set(GPU_RENTAL_PRICES.map((r) => r.provider).filter((p) => !["AWS", "Azure", "GCP"].includes(p)));
    expect(others.size).toBeGreaterThanOrEqual(2);
  });

  it("refers only to GPUs in the catalog and has positive prices", () => {
    for (const rental of GPU_RENTAL_PRICES) {
      expect({ id: rental.id, gpuKnown: findGpu(rental.gpu) !== undefined }).toEqual({ id: rental.id, gpuKnown: true });
      expect(rental.usdPerGpuHour).toBeGreaterThan(0);
    }
  });

  it("divides an 8-GPU instance price by its GPUs", () => {
    // GIVEN p5.48xlarge at $55.04/h for 8x H100
    // THEN the per-GPU price is $6.88
    expect(must(findGpuRental("aws-p5"), "aws-p5").usdPerGpuHour).toBeCloseTo(55.04 / 8, 6);
  });
});

describe("lookups", () => {
  it("finds known ids and returns undefined for unknown ones", () => {
    // GIVEN one known id per list, and one unknown id
    // WHEN each is looked up
    // THEN the known one comes back and the unknown one is undefined without throwing
    expect(findGpu("h100-sxm")?.memoryGiB).toBe(80);
    expect(findServer("hgx-h100-8")?.gpu).toBe("h100-sxm");
    expect(findModel("llama-3.3-70b")?.layers).toBe(80);
    expect(findApiPrice("gpt-5")?.provider).toBe("OpenAI");
    expect(findGpuRental("aws-p5")?.instance).toBe("p5.48xlarge");
    expect(findGpu("h100")).toBeUndefined();
    expect(findServer("")).toBeUndefined();
    expect(findModel("LLAMA-3.3-70B")).toBeUndefined();
    expect(findApiPrice("claude-sonnet")).toBeUndefined();
    expect(findGpuRental("aws-p4d")).toBeUndefined();
  });

  it("lists ids sorted, one per entry", () => {
    const cases: [string[], readonly { id: string }[]][] = [
      [gpuIds(), GPUS],
      [serverIds(), SERVERS],
      [modelIds(), MODELS],
      [apiPriceIds(), API_PRICES],
      [gpuRentalIds(), GPU_RENTAL_PRICES],
    ];
    for (const [ids, entries] of cases) {
      expect(ids).toEqual([...entries.map((e) => e.id)].sort());
      expect(ids).toHaveLength(entries.length);
    }
  });

  it("hands out a fresh id array each call, so callers cannot corrupt it", () => {
    const first = gpuIds();
    first.pop();
    expect(gpuIds()).toHaveLength(GPUS.length);
  });
});
