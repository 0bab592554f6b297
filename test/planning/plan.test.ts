import * as fs from "node:fs";
import * as path from "node:path";
import { loadAndPlan } from "../../cli/load";
import { ConfigError } from "../../config/errors";
import { tempDir } from "../helpers/run";
import { packs, planEnvironment } from "../../planning/plan";
import { envFromYaml, modelsEnvYaml, plannedFromYaml } from "../helpers/env";
import { parse, stringify } from "yaml";


const env = modelsEnvYaml;
/** Autoscaling needs the Prometheus Operator declared (config/resolve.ts). */
const MONITORING = "monitoring: { serviceMonitorLabels: { release: kube-prometheus-stack } }\n";

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
    // 4 replicas × 2 GPUs = 8, + 2 for the rolling update = 10 > 1 node × 8. Ways out: 3 replicas (6 + 2 = 8);
    // recreate (8 ≤ 8); TP 1 (4 × 1 + 1 = 5 ≤ 8 GPUs; vLLM's start rule counts one 8k sequence:
    // 65.75 GiB fp8 + 8192 × 320 KiB = 2.5 GiB + 2 = 70.25 ≤ 72); a second node.
    expect(problemsOf(yaml)).toEqual([
      'test.yaml: models.big.replicas: pool "h100" cannot place its replicas: big 4 × 2 GPUs + 2 kept free for the rolling update of big ' +
        "(rollout: surge; with rollout: recreate the pool keeps none) = 10 needed; 1 node × 8 GPUs = 8 offered (a replica's GPUs must be on one node); " +
        "use models.big.replicas: 3, or models.big.rollout: recreate, or models.big.tensorParallel: 1, or 1 more node in nodePools.h100.nodes",
    ]);
    // AND with strictKvFit, TP 1 is not offered: 4 × 8k sequences are 10 GiB, 65.75 + 10 + 2 = 77.75 > 72.
    expect(problemsOf(yaml.replace("replicas: 4", "replicas: 4, strictKvFit: true"))[0]).toMatch(
      /; use models\.big\.replicas: 3, or models\.big\.rollout: recreate, or 1 more node in nodePools\.h100\.nodes$/,
    );
    // Three replicas leave exactly the two GPUs a new replica needs.
    const ok = plannedFromYaml(yaml.replace("replicas: 4", "replicas: 3")).plan;
    expect(ok.pools[0]).toMatchObject({ unitsOffered: 8, unitsUsed: 6, surgeUnits: 2 });
  });

  test("GIVEN the most replicas the schema allows on one node WHEN planned THEN the fewest nodes to add are offered", () => {
    const yaml = env(
      "  h100: { nodes: [g1], server: hgx-h100-8 }",
      "  m: { model: llama-3.3-70b, pool: h100, precision: fp8, tensorParallel: 8, maxContextTokens: 8192, maxConcurrentSequences: 4, replicas: 1000 }",
    );
    // One replica of 8 GPUs per node, plus one node for the rolling update: 1001 nodes, 1000 more
    // (found by bisection: a linear search packed 1000 replicas a thousand times).
    expect(problemsOf(yaml)[0]).toMatch(/; use .*1000 more nodes in nodePools\.h100\.nodes$/);
  });

  test("GIVEN autoscaling WHEN planned THEN placement counts the maximum replicas and suggests a lower maximum", () => {
    const yaml = env(
      "  h100: { nodes: [g1, g2], server: hgx-h100-8 }",
      "  m: { model: llama-3.1-8b, pool: h100, maxContextTokens: 8192, replicas: { min: 2, max: 16 } }",
      MONITORING,
    );
    // 16 + 1 > 2 × 8; 15 + 1 = 16 places.
    const [line] = problemsOf(yaml);
    expect(line).toMatch(/m 16 × 1 GPUs \+ 1 kept free for the rolling update of m \(.*\) = 17 needed; 2 nodes × 8 GPUs = 16 offered/);
    expect(line).toMatch(/; use models\.m\.replicas\.max: 15, or models\.m\.rollout: recreate, or 1 more node in nodePools\.h100\.nodes$/);
  });

  test("GIVEN a 4-GPU workstation WHEN a TP-4 model surges THEN placement says what recreate saves; WHEN it recreates THEN it places", () => {
    // Llama 3.3 70B bf16 over 4 × 96 GiB: 32.9 GiB of weights per GPU; with strictKvFit, TP 2 would need
    // 65.75 + 8 × 32k × 320 KiB ÷ 2 (40 GiB) + 2 = 107.75 > 86.4 GiB, so it is not offered.
    const model = (rollout: string) =>
      `  big: { model: llama-3.3-70b, pool: ws, tensorParallel: 4, maxContextTokens: 32768, maxConcurrentSequences: 8, strictKvFit: true${rollout} }`;
    const pool = "  ws: { nodes: [ws-01], server: rtx-pro-6000-ws-4 }";
    expect(problemsOf(env(pool, model("")))).toEqual([
      'test.yaml: models.big.replicas: pool "ws" cannot place its replicas: big 1 × 4 GPUs + 4 kept free for the rolling update of big ' +
        "(rollout: surge; with rollout: recreate the pool keeps none) = 8 needed; 1 node × 4 GPUs = 4 offered (a replica's GPUs must be on one node); " +
        "use models.big.rollout: recreate, or 1 more node in nodePools.ws.nodes",
    ]);
    const { plan } = plannedFromYaml(env(pool, model(", rollout: recreate")));
    expect(plan.pools[0]).toMatchObject({ unitsOffered: 4, unitsUsed: 4, surgeUnits: 0 });
    // AND without strictKvFit, vLLM's start rule counts one 32k sequence: 65.75 + 10 ÷ 2 + 2 = 72.75 ≤ 86.4 at TP 2,
    // and 2 + 2 kept free place on 4 GPUs, so TP 2 is offered too.
    expect(problemsOf(env(pool, model("").replace(", strictKvFit: true", "")))[0]).toMatch(
      /; use models\.big\.rollout: recreate, or models\.big\.tensorParallel: 2, or 1 more node in nodePools\.ws\.nodes$/,
    );
  });

  test("GIVEN a surging and a recreating model on one pool WHEN planned THEN only the surging one's replica is kept free", () => {
    const { plan } = plannedFromYaml(
      env(
        "  h100: { nodes: [g1], server: hgx-h100-8 }",
        [
          "  big: { model: llama-3.3-70b, pool: h100, precision: fp8, tensorParallel: 4, maxContextTokens: 8192, rollout: recreate }",
          "  small: { model: llama-3.1-8b, pool: h100, maxContextTokens: 8192, replicas: 3 }",
        ].join("\n"),
      ),
    );
    // 4 + 3 × 1 + 1 for small's surge = 8 of 8; big surging would need 4 kept free.
    expect(plan.pools[0]).toMatchObject({ unitsOffered: 8, unitsUsed: 7, surgeUnits: 1 });
  });

  test("GIVEN several surging models WHEN they cannot place THEN the message names them all and recreate on the largest is offered", () => {
    const lines = problemsOf(
      env(
        "  h100: { nodes: [g1], server: hgx-h100-8 }",
        [
          "  big: { model: llama-3.3-70b, pool: h100, precision: fp8, tensorParallel: 4, maxContextTokens: 8192 }",
          "  small: { model: llama-3.1-8b, pool: h100, maxContextTokens: 8192, replicas: 3 }",
        ].join("\n"),
      ),
    );
    // 4 + 3 + 4 kept free (big's replica is the largest) = 11 > 8; with big recreating, 4 + 3 + 1 = 8.
    expect(lines[0]).toContain("+ 4 kept free for the rolling updates of big, small (rollout: surge; with rollout: recreate on all of them the pool keeps none) = 11 needed");
    expect(lines[0]).toContain("use models.big.rollout: recreate, or ");
  });

  test("GIVEN a model too large for its GPU WHEN planned THEN the waterfall names the model's path", () => {
    const lines = problemsOf(
      env("  h100: { nodes: [g1], server: hgx-h100-8 }", "  coder: { model: llama-3.3-70b, pool: h100, precision: fp8, maxContextTokens: 32768, maxConcurrentSequences: 1 }"),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^test\.yaml: models\.coder: does not fit one h100-sxm \(80 GiB × 0\.90 = 72\.0 GiB\): weights 65\.\d GiB \+ KV cache 10\.0 GiB \(32768 tokens × 1 sequence × 320 KiB\) \+ overhead 2\.0 GiB = 77\.\d GiB \(vLLM would refuse to start: its KV cache cannot hold one sequence of maxContextTokens\); use tensorParallel: 2/,
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
      'test.yaml: models.m.tensorParallel: must be 1 on the time-sliced pool "ws", got 2: time-sliced shares of one GPU would hold the shards; use tensorParallel: 1, or nodePools.ws.gpuSharing: { mode: none }',
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

describe("planEnvironment: every way out works", () => {
  /** `yaml` with `changes` applied to its data, written back as YAML. */
  function applied(yaml: string, changes: readonly { path: readonly (string | number)[]; value: unknown }[]): string {
    const data = parse(yaml) as Record<string, unknown>;
    for (const { path, value } of changes) {
      let node = data;
      for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
      node[path[path.length - 1]] = value;
    }
    return stringify(data);
  }

  test("GIVEN a model that needs TP 8 on one 8-GPU node WHEN planned THEN the fit's way out brings rollout: recreate with it", () => {
    // DeepSeek-V3 fp8 at TP 4 on H200: 671e9 B ÷ 4 = 156.2 GiB per GPU > 126.9; TP 8 fits (78.1 + 8 × 2.14 + 2 = 97.3),
    // but 8 GPUs + 8 kept free for a surge do not place on one node: alone, tensorParallel: 8 would trade one problem for another.
    const yaml = env(
      "  h200: { nodes: [g1], server: hgx-h200-8 }",
      "  ds: { model: deepseek-v3, pool: h200, tensorParallel: 4, maxContextTokens: 32768, maxConcurrentSequences: 8 }",
    );
    const [line] = problemsOf(yaml);
    expect(line).toMatch(/^test\.yaml: models\.ds: does not fit 4 × h200 .*; use tensorParallel: 8 with rollout: recreate$/);
    // WHEN the way out is applied THEN the file plans without a problem
    const fixed = applied(yaml, [
      { path: ["models", "ds", "tensorParallel"], value: 8 },
      { path: ["models", "ds", "rollout"], value: "recreate" },
    ]);
    expect(plannedFromYaml(fixed).plan.pools[0]).toMatchObject({ unitsUsed: 8, surgeUnits: 0 });
  });

  test("GIVEN a model too big for its MIG slice WHEN planned THEN the way out is the pool's gpuSharing.profile, as data too", () => {
    // Qwen3-32B bf16: 61.1 + 4 × 8k × 256 KiB (8 GiB) + 2 = 71.1 GiB > 36 on 3g.40gb, ≤ 72 on 7g.80gb.
    const yaml = env(
      "  mig: { nodes: [g1], server: hgx-h100-8, gpuSharing: { mode: mig, profile: 3g.40gb } }",
      "  coder: { model: qwen3-32b, pool: mig, maxContextTokens: 8192, maxConcurrentSequences: 4 }",
    );
    const { problems } = planEnvironment(envFromYaml(yaml));
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/; use nodePools\.mig\.gpuSharing\.profile: 7g\.80gb$/);
    expect(problems[0].fixes).toEqual([
      { changes: [{ kind: "set", path: ["nodePools", "mig", "gpuSharing", "profile"], value: "7g.80gb" }] },
    ]);
    expect(() => plannedFromYaml(applied(yaml, [{ path: ["nodePools", "mig", "gpuSharing", "profile"], value: "7g.80gb" }]))).not.toThrow();
  });

  test("GIVEN TP 2 on a MIG slice WHEN TP 1 alone would not fit the slice THEN it comes with the profile it needs, or whole GPUs", () => {
    // Qwen3-32B bf16 at TP 2 on 3g.40gb: 30.5 + 8k × 256 KiB ÷ 2 (1 GiB) + 2 = 33.5 ≤ 36 as checked, but TP 1
    // needs 61.1 + 2 + 2 = 65.1 > 36: alone it adds a memory problem, so it is offered with that problem's way out,
    // 7g.80gb (65.1 ≤ 72; 8 slices hold 1 replica + 1 surge). Whole GPUs at TP 2 place too (2 + 2 ≤ 8).
    const lines = problemsOf(
      env(
        "  mig: { nodes: [g1], server: hgx-h100-8, gpuSharing: { mode: mig, profile: 3g.40gb } }",
        "  coder: { model: qwen3-32b, pool: mig, tensorParallel: 2, maxContextTokens: 8192, maxConcurrentSequences: 1 }",
      ),
    );
    expect(lines).toEqual([
      "test.yaml: models.coder.tensorParallel: tensorParallel must be 1 on a MIG slice (3g.40gb), got 2: a CUDA process sees one MIG instance only; " +
        "use tensorParallel: 1 with nodePools.mig.gpuSharing.profile: 7g.80gb, or nodePools.mig.gpuSharing: { mode: none }",
    ]);
  });
});

describe("planEnvironment: candidates that do not work are not offered", () => {
  test("GIVEN a model no one server can hold WHEN planned THEN no way out is proposed, and the message says so", () => {
    // DeepSeek-V3 fp8 (671e9 B) at TP 8 on a 4-GPU workstation: TP 4 leaves 156.2 GiB per GPU > 96 × 0.90 = 86.4,
    // TP 2 and 1 more; each would add a memory problem that nothing fixes (the fp8 checkpoint goes no lower).
    const lines = problemsOf(
      env(
        "  ws: { nodes: [ws-01], server: rtx-pro-6000-ws-4 }",
        "  ds: { model: deepseek-v3, pool: ws, tensorParallel: 8, maxContextTokens: 8192, maxConcurrentSequences: 1, rollout: recreate }",
      ),
    );
    expect(lines).toEqual([
      "test.yaml: models.ds.tensorParallel: tensorParallel must be at most the 4 GPUs of one server, got 8; " +
        "multi-node serving (pipeline parallel across servers) is out of scope; no single change fixes it without breaking another check",
      // No replica of 8 GPUs fits a 4-GPU node, so neither fewer replicas nor more nodes would help.
      'test.yaml: models.ds.replicas: pool "ws" cannot place its replicas: ds 1 × 8 GPUs = 8 needed; 1 node × 4 GPUs = 4 offered (a replica\'s GPUs must be on one node)',
    ]);
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

describe("planEnvironment: concurrency above what the KV cache holds is a warning, strictKvFit refuses it", () => {
  // The issue's example: gpt-oss-120b (60.8 GiB) on one RTX PRO 6000 (96 GiB × 0.90 = 86.4 GiB) at 65,536 tokens,
  // 16 sequences, with a coding agent's demand: 48,000 prompt + 4,000 output tokens, a mean context of
  // 48,000 + 4,000 ÷ 2 = 50,000 tokens. Room for KV: 86.4 − 60.8 − 2 = 23.6 GiB = 25,340,307,046.4 B.
  // One sequence: 36,864 B × 65,536 + 4.5 MiB (18 window layers × 128 tokens) = 2,420,637,696 B → vLLM starts;
  // floor(25,340,307,046.4 ÷ 2,420,637,696) = 10 at the full context;
  // 36,864 × 50,000 + 4,718,592 = 1,847,918,592 B → floor(13.71) = 13 at the mean.
  const POOL = "  ws: { nodes: [ws-01], server: rtx-pro-6000-ws-4 }";
  const DEMAND = "demand: { tokensPerDay: 1000000, mix: { input: 0.9, cachedInput: 0, cacheWrite: 0, output: 0.1 }, promptTokens: 48000, outputTokens: 4000 }";
  const model = (extra = "", demand = DEMAND) =>
    `  gpt-oss-120b: { model: gpt-oss-120b, pool: ws, maxContextTokens: 65536, maxConcurrentSequences: 16${extra}${demand === "" ? "" : `, ${demand}`} }`;
  const WARNING =
    "16 sequences may run at once, but the KV cache holds 13 at the workload's mean context of 50,000 tokens (10 at the full 65,536): " +
    "vLLM will queue or preempt the rest; lower maxConcurrentSequences to 13, raise the KV memory (gpuMemoryUtilization, kvCacheDtype: fp8, tensorParallel), " +
    "or set strictKvFit: true to refuse it";
  const REFUSAL =
    "test.yaml: models.gpt-oss-120b: does not fit one rtx-pro-6000 (96 GiB × 0.90 = 86.4 GiB): weights 60.8 GiB + KV cache 36.1 GiB " +
    "(65536 tokens × 16 sequences × 36 KiB + 16 sequences × 4.5 MiB for the sliding-window layers) + overhead 2.0 GiB = 98.9 GiB " +
    "(strictKvFit: every sequence at maxContextTokens); use ";

  test("GIVEN the issue's example WHEN planned THEN it plans, and warns at maxConcurrentSequences with both numbers", () => {
    const { plan } = plannedFromYaml(env(POOL, model()));
    // THEN the fit reports both counts and the risk
    const [m] = plan.models;
    expect(m.fit).toMatchObject({ fits: true, maxConcurrentSequencesAtContext: 10, meanContextTokens: 50000, maxConcurrentSequencesAtMeanContext: 13, preemptionRisk: true });
    expect(m.meanContextAssumed).toBe(false);
    // AND one warning, not a problem
    expect(plan.warnings).toEqual([{ file: "test.yaml", path: ["models", "gpt-oss-120b", "maxConcurrentSequences"], message: WARNING }]);
  });

  test("GIVEN no demand WHEN planned THEN the mean context is assumed half of maxContextTokens, and the warning says so", () => {
    // GIVEN 131,072 tokens: one sequence is 36,864 × 131,072 + 4,718,592 = 4,836,556,800 B → floor(5.24) = 5 at the full context;
    // the assumed mean, 65,536 tokens, holds 10 (above) < 16
    const yaml = env(POOL, model("", "").replace("maxContextTokens: 65536", "maxContextTokens: 131072"));
    const { plan } = plannedFromYaml(yaml);
    expect(plan.models[0].meanContextAssumed).toBe(true);
    expect(plan.warnings.map((w) => w.message)).toEqual([
      "16 sequences may run at once, but the KV cache holds 10 at an assumed mean context of 65,536 tokens " +
        "(half of maxContextTokens; demand.promptTokens and outputTokens set it) (5 at the full 131,072): vLLM will queue or preempt the rest; " +
        "lower maxConcurrentSequences to 10, raise the KV memory (gpuMemoryUtilization, kvCacheDtype: fp8, tensorParallel), or set strictKvFit: true to refuse it",
    ]);
  });

  test("GIVEN as many sequences as the mean context allows WHEN planned THEN no warning", () => {
    expect(plannedFromYaml(env(POOL, model().replace("maxConcurrentSequences: 16", "maxConcurrentSequences: 13"))).plan.warnings).toEqual([]);
  });

  test("GIVEN strictKvFit on the model WHEN planned THEN today's refusal comes back, with its ways out", () => {
    const [line] = problemsOf(env(POOL, model(", strictKvFit: true")));
    expect(line.startsWith(REFUSAL)).toBe(true);
    // 10 sequences fit at the full context; TP 2 (1 × 2 + 2 kept free ≤ 4 GPUs) holds all 16
    expect(line).toMatch(/maxConcurrentSequences ≤ 10/);
    expect(line).toMatch(/tensorParallel: 2/);
  });

  test("GIVEN strictKvFit on the environment WHEN planned THEN every model without its own is refused like today", () => {
    const [line] = problemsOf(env(POOL, model(), "strictKvFit: true\n"));
    expect(line.startsWith(REFUSAL)).toBe(true);
  });

  test("GIVEN strictKvFit: true on the environment and false on the model WHEN planned THEN the model's wins: it plans with a warning", () => {
    const { env: resolved, plan } = plannedFromYaml(env(POOL, model(", strictKvFit: false"), "strictKvFit: true\n"));
    expect(resolved.models[0].strictKvFit).toBe(false);
    expect(plan.warnings.map((w) => w.message)).toEqual([WARNING]);
  });

  test("GIVEN strictKvFit: true on the model and false on the environment WHEN planned THEN the model's wins: refused", () => {
    const [line] = problemsOf(env(POOL, model(", strictKvFit: true"), "strictKvFit: false\n"));
    expect(line.startsWith(REFUSAL)).toBe(true);
  });

  test("GIVEN a model that does not start WHEN planned THEN it is a problem and not also a warning", () => {
    // GIVEN 131,072 tokens at gpuMemoryUtilization 0.7: 96 × 0.7 − 60.8 − 2 = 4.4 GiB < 4,836,556,800 B (4.5 GiB)
    const yaml = env(POOL, model(", gpuMemoryUtilization: 0.7", "").replace("maxContextTokens: 65536", "maxContextTokens: 131072"));
    const { plan, problems } = planEnvironment(envFromYaml(yaml));
    expect(problems.map((p) => p.message)[0]).toMatch(/\(vLLM would refuse to start: its KV cache cannot hold one sequence of maxContextTokens\); use /);
    expect(plan.warnings).toEqual([]);
  });
});
