import * as fs from "node:fs";
import * as path from "node:path";
import { loadAndPlan } from "../../cli/load";
import { ConfigError } from "../../config/errors";
import { tempDir } from "../helpers/run";
import { packs, planEnvironment } from "../../planning/plan";
import { envFromYaml, modelsEnvYaml, plannedFromYaml } from "../helpers/env";


const env = modelsEnvYaml;

function problemsOf(yaml: string, viaLoader = false): string[] {
  try {
    if (viaLoader) {
      const dir = tempDir();
      try {
        fs.writeFileSync(path.join(dir, "test.yaml"), yaml);
        loadAndPlan(["test.yaml"], dir);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    } else {
      plannedFromYaml(yaml);
    }
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message.split("\n");
  }
  throw new Error("expected the environment to be rejected");
}

describe("packs (first-fit decreasing)", () => {
  test("GIVEN replicas that tile the nodes WHEN packed THEN they fit", () => {
    expect(packs([4, 4, 4, 4], 2, 8)).toBe(true);
  });
  test("GIVEN replicas whose sum fits but whose shapes do not WHEN packed THEN they do not fit", () => {
    // 6 + 6 + 4 = 16 = 2 × 8, but a 4 cannot share a node with a 6.
    expect(packs([6, 6, 4], 2, 8)).toBe(false);
  });
  test("GIVEN more GPUs than the nodes have WHEN packed THEN they do not fit", () => {
    expect(packs([1, 1, 1], 1, 2)).toBe(false);
  });
});

describe("planEnvironment", () => {
  test("GIVEN an 8B model on a 4-way time-sliced 96 GiB GPU WHEN planned THEN a replica gets a quarter of the GPU and of the utilization", () => {
    const { plan } = plannedFromYaml(
      env(
        "  ws: { nodes: [ws-01], server: rtx-pro-6000-ws-4, gpuSharing: { mode: time-slicing, replicasPerGpu: 4 } }",
        "  small: { model: llama-3.1-8b, pool: ws, maxContextTokens: 8192, maxConcurrentSequences: 4, replicas: 3 }",
      ),
    );
    const [m] = plan.models;
    expect(m.allocation).toEqual({ kind: "time-slice", resourceName: "nvidia.com/gpu", count: 1, memoryGiBPerUnit: 96 / 4 });
    // vLLM's fraction is of the whole GPU: 0.90 of a quarter is 0.225 of the GPU.
    expect(m.gpuMemoryUtilization).toBeCloseTo(0.9 / 4, 10);
    expect(m.fit.perGpu.capacityGiB).toBeCloseTo(24, 10);
    expect(m.fit.perGpu.usableGiB).toBeCloseTo(24 * 0.9, 10);
    // Llama 3.1 8B: 8.03e9 parameters × 2 bytes.
    expect(m.weightsGiB).toBeCloseTo((8.03e9 * 2) / 2 ** 30, 6);
    // One workstation: 4 GPUs × 4 shares = 16 units; 3 replicas + 1 for a rolling update.
    expect(plan.pools[0]).toMatchObject({ unitName: "GPU share", unitsPerNode: 16, unitsOffered: 16, unitsUsed: 3, surgeUnits: 1 });
  });

  test("GIVEN a MIG pool WHEN planned with the single and the mixed strategy THEN the requested resource follows the strategy", () => {
    const pools = "  mig: { nodes: [g1], server: hgx-h100-8, gpuSharing: { mode: mig, profile: 3g.40gb } }";
    const models = "  m: { model: llama-3.1-8b, pool: mig, maxContextTokens: 8192, maxConcurrentSequences: 4 }";
    const single = plannedFromYaml(env(pools, models)).plan;
    expect(single.models[0].allocation).toEqual({ kind: "mig", resourceName: "nvidia.com/gpu", count: 1, memoryGiBPerUnit: 40 });
    // 8 GPUs × 2 slices of 3g.40gb.
    expect(single.pools[0].unitsOffered).toBe(16);
    const mixed = plannedFromYaml(env(pools, models, "gpuOperator: { migStrategy: mixed }\n")).plan;
    expect(mixed.models[0].allocation.resourceName).toBe("nvidia.com/mig-3g.40gb");
  });

  test("GIVEN replicas that leave no room for a rolling update WHEN planned THEN the error counts GPUs needed and offered", () => {
    const yaml = env(
      "  h100: { nodes: [g1], server: hgx-h100-8 }",
      "  big: { model: llama-3.3-70b, pool: h100, precision: fp8, tensorParallel: 2, maxContextTokens: 8192, maxConcurrentSequences: 4, replicas: 4 }",
    );
    // 4 replicas × 2 GPUs = 8, + 2 for the rolling update = 10 > 1 node × 8.
    expect(problemsOf(yaml)).toEqual([
      'test.yaml: models.big.replicas: pool "h100" cannot place its replicas: big 4 × 2 GPUs + 2 for a rolling update = 10 needed; 1 node × 8 GPUs = 8 offered (a replica\'s GPUs must be on one node); lower replicas or tensorParallel, or add nodes to the pool',
    ]);
    // Three replicas leave exactly the two GPUs a new replica needs.
    const ok = plannedFromYaml(yaml.replace("replicas: 4", "replicas: 3")).plan;
    expect(ok.pools[0]).toMatchObject({ unitsOffered: 8, unitsUsed: 6, surgeUnits: 2 });
  });

  test("GIVEN autoscaling WHEN planned THEN placement counts the maximum replicas", () => {
    const yaml = env(
      "  h100: { nodes: [g1, g2], server: hgx-h100-8 }",
      "  m: { model: llama-3.1-8b, pool: h100, maxContextTokens: 8192, replicas: { min: 2, max: 16 } }",
    );
    // 16 + 1 > 2 × 8.
    expect(problemsOf(yaml)[0]).toMatch(/m 16 × 1 GPUs \+ 1 for a rolling update = 17 needed; 2 nodes × 8 GPUs = 16 offered/);
  });

  test("GIVEN a model too large for its GPU WHEN planned THEN the waterfall names the model's path", () => {
    const lines = problemsOf(
      env("  h100: { nodes: [g1], server: hgx-h100-8 }", "  coder: { model: llama-3.3-70b, pool: h100, precision: fp8, maxContextTokens: 32768, maxConcurrentSequences: 1 }"),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^test\.yaml: models\.coder: does not fit one h100-sxm \(80 GiB × 0\.90 = 72\.0 GiB\): weights 65\.\d GiB \+ KV cache 10\.0 GiB \(32768 tokens × 1 sequence × 320 KiB\) \+ overhead 2\.0 GiB = 77\.\d GiB; use tensorParallel: 2/,
    );
  });

  test("GIVEN tensor parallelism on a time-sliced pool WHEN planned THEN it is refused", () => {
    const lines = problemsOf(
      env(
        "  ws: { nodes: [ws-01], server: rtx-pro-6000-ws-4, gpuSharing: { mode: time-slicing, replicasPerGpu: 2 } }",
        "  m: { model: llama-3.1-8b, pool: ws, tensorParallel: 2, maxContextTokens: 4096, maxConcurrentSequences: 1 }",
      ),
    );
    expect(lines[0]).toBe(
      'test.yaml: models.m.tensorParallel: must be 1 on the time-sliced pool "ws", got 2: time-sliced shares of one GPU would hold the shards; use a pool without sharing',
    );
  });

  test("GIVEN a tensor-parallel degree that does not divide the KV heads WHEN planned THEN the path is the model's tensorParallel", () => {
    // Qwen3-30B-A3B has 4 KV heads.
    const lines = problemsOf(env("  h100: { nodes: [g1], server: hgx-h100-8 }", "  m: { model: qwen3-30b-a3b, pool: h100, tensorParallel: 8, maxContextTokens: 8192 }"));
    expect(lines[0]).toMatch(/^test\.yaml: models\.m\.tensorParallel: tensorParallel must divide the attention heads \(32\) and KV heads \(4\) of qwen3-30b-a3b, got 8/);
  });

  test("GIVEN a planned environment WHEN planned twice THEN the plans are equal", () => {
    const e = envFromYaml(env("  h100: { nodes: [g1], server: hgx-h100-8 }", "  m: { model: llama-3.1-8b, pool: h100, maxContextTokens: 8192 }"));
    expect(planEnvironment(e)).toEqual(planEnvironment(e));
  });
});

describe("model store checks at load time", () => {
  test("GIVEN a gated model from the hub without a token WHEN loaded THEN the store's source is named", () => {
    const lines = problemsOf(
      env("  h100: { nodes: [g1], server: hgx-h100-8 }", "  m: { model: llama-3.1-8b, pool: h100, maxContextTokens: 8192 }").replace(
        /source: \{ kind: s3.*\}/,
        "source: { kind: huggingFace }",
      ),
      true,
    );
    expect(lines).toEqual(["test.yaml: modelStore.source: models need a token to download meta-llama/Llama-3.1-8B-Instruct (gated); set modelStore.source.tokenSecret"]);
  });

  test("GIVEN a claim size below the weights WHEN loaded THEN the needed size is given", () => {
    // Llama 3.1 8B: 8.03e9 × 2 B = 14.96 GiB; + 20% = 17.95 → 20 GiB.
    const lines = problemsOf(
      env("  h100: { nodes: [g1], server: hgx-h100-8 }", "  m: { model: llama-3.1-8b, pool: h100, maxContextTokens: 8192 }", "").replace("modelStore:\n", "modelStore:\n  sizeGiB: 10\n"),
      true,
    );
    expect(lines).toEqual(["test.yaml: modelStore.sizeGiB: must hold the weights plus 20% headroom (20 GiB), got 10; raise sizeGiB or remove it to size the claim from the weights"]);
  });
});
