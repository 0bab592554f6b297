import { findServer } from "../../catalog";
import { effectiveGpu, planCosts } from "../../planning/costs";
import { checkEnvironment } from "../../planning/check";
import { planEnvironment } from "../../planning/plan";
import { envFromYaml, modelsEnvYaml } from "../helpers/env";


function costsOf(models: string, costs = "", pools = "  h200: { nodes: [g1, g2], server: hgx-h200-8 }", options = {}) {
  const env = envFromYaml(modelsEnvYaml(pools, models, costs));
  const { plan, problems } = planEnvironment(env);
  expect(problems).toEqual([]);
  return { env, plan, ...planCosts(env, plan, options) };
}

const DEMAND = "demand: { tokensPerDay: 100000000, mix: { input: 0.5, cachedInput: 0.3, cacheWrite: 0.05, output: 0.15 } }";

describe("planCosts", () => {
  test("GIVEN two H200 servers and the example cost block WHEN costed THEN capex, amortization and energy follow the formulas", () => {
    const { costs } = costsOf(
      `  m: { model: llama-3.1-8b, pool: h200, maxContextTokens: 8192, ${DEMAND} }`,
      "costs: { amortizationYears: 4, infraCapexPercent: 10, electricityUsdPerKwh: 0.12, pue: 1.4, spaceUsdPerMonth: 600, spaceUsdPerKwMonth: 0, supportPercentPerYear: 12, staff: { fte: 0.25, usdPerYear: 200000 }, utilization: 0.6 }\n",
    );
    const server = findServer("hgx-h200-8")!;
    const s = costs.summary;
    const capex = 2 * server.priceUsd * 1.1;
    expect(s.capexUsd).toBeCloseTo(capex, 6);
    expect(s.monthly.amortizationUsd).toBeCloseTo(capex / (12 * 4), 6);
    const avgKw = 2 * (server.powerKw.idle + 0.6 * (server.powerKw.max - server.powerKw.idle));
    expect(s.monthly.energyUsd).toBeCloseTo(avgKw * 730 * 1.4 * 0.12, 6);
    expect(s.monthly.spaceUsd).toBe(600);
    expect(s.monthly.supportUsd).toBeCloseTo((capex * 12) / 100 / 12, 6);
    expect(s.monthly.staffUsd).toBeCloseTo((0.25 * 200000) / 12, 6);
    // 100M tokens a day over 730 / 24 days.
    expect(s.tokens.demandPerMonth).toBeCloseTo((100e6 * 730) / 24, 3);
  });

  test("GIVEN the default alternatives WHEN costed THEN the API bill is the monthly tokens priced by class", () => {
    const { costs } = costsOf(`  m: { model: llama-3.1-8b, pool: h200, maxContextTokens: 8192, ${DEMAND} }`);
    const sonnet = costs.summary.alternatives.find((a) => a.id === "claude-sonnet-4.5")!;
    const monthly = (100e6 * 730) / 24 / 1e6;
    // Sonnet 4.5: $3 input, $0.30 cached, $3.75 cache write, $15 output per million.
    expect(sonnet.monthlyUsd).toBeCloseTo(monthly * (0.5 * 3 + 0.3 * 0.3 + 0.05 * 3.75 + 0.15 * 15), 6);
    expect(costs.summary.alternatives.map((a) => a.id)).toEqual(["claude-sonnet-4.5", "gpt-5"]);
  });

  test("GIVEN demand above the planned replicas WHEN costed THEN the shortfall is a problem on the model's replicas, unless allowed", () => {
    const models = "  m: { model: llama-3.3-70b, pool: h200, precision: fp8, tensorParallel: 2, maxContextTokens: 8192, replicas: 1, demand: { tokensPerDay: 20000000000, mix: { input: 0.5, cachedInput: 0.3, cacheWrite: 0.05, output: 0.15 } } }";
    const refused = costsOf(models);
    expect(refused.problems).toHaveLength(1);
    expect(refused.problems[0].path).toEqual(["models", "m", "replicas"]);
    expect(refused.problems[0].message).toMatch(/^cannot carry the peak demand: peak demand \d+ tokens\/s needs \d+ replicas .* add \d+ replicas \(\d+ GPUs\); or set costs.allowShortfall: true$/);
    expect(costsOf(models, "costs: { allowShortfall: true }\n").problems).toEqual([]);
    const flagged = costsOf(models, "", undefined, { allowShortfall: true });
    expect(flagged.problems).toEqual([]);
    expect(flagged.costs.sizing!.models[0].shortfall).not.toBeNull();
    expect(flagged.costs.summary.tokens.servedPerMonth).toBeLessThan(flagged.costs.summary.tokens.demandPerMonth);
  });

  test("GIVEN no demand WHEN costed THEN the on-prem cost is computed and no per-token cost is claimed", () => {
    const { costs } = costsOf("  m: { model: llama-3.1-8b, pool: h200, maxContextTokens: 8192 }");
    expect(costs.sizing).toBeNull();
    expect(costs.summary.tokens.demandPerMonth).toBe(0);
    expect(costs.summary.usdPerMillionTokens).toBeNull();
    expect(costs.summary.capexUsd).toBeGreaterThan(0);
  });

  test("GIVEN a measured rate WHEN costed THEN it replaces the roofline estimate", () => {
    const { costs } = costsOf(`  m: { model: llama-3.1-8b, pool: h200, maxContextTokens: 8192, measuredTokensPerSecond: 1000, ${DEMAND} }`);
    const m = costs.sizing!.models[0];
    expect(m.boundBy).toBe("measured");
    // A measured rate counts output tokens: 1000 output tokens/s at 15% output = 6667 tokens/s of all classes.
    expect(m.replicaTokensPerSecond).toBeCloseTo(1000 / 0.15, 6);
  });

  test("GIVEN the assumptions WHEN reported THEN each names the file or the catalog default", () => {
    const { costs } = costsOf(`  m: { model: llama-3.1-8b, pool: h200, maxContextTokens: 8192, ${DEMAND} }`, "costs: { pue: 1.3 }\n");
    const byKey = Object.fromEntries(costs.summary.assumptions.map((a) => [a.key, a.source]));
    expect(byKey["costs.pue"]).toBe("environment file (costs.pue)");
    expect(byKey["costs.electricityUsdPerKwh"]).toMatch(/^default \(catalog\/cost-defaults.ts\): /);
  });
});

describe("effectiveGpu", () => {
  test("GIVEN a MIG slice of 3g.40gb on an 80 GiB H100 WHEN costed THEN the replica sees half the bandwidth and compute", () => {
    const { plan } = costsOf(
      `  m: { model: llama-3.1-8b, pool: mig, maxContextTokens: 8192, maxConcurrentSequences: 2, ${DEMAND} }`,
      "",
      "  mig: { nodes: [g1], server: hgx-h100-8, gpuSharing: { mode: mig, profile: 3g.40gb } }",
    );
    const gpu = effectiveGpu(plan.models[0]);
    const h100 = plan.models[0].model.pool.gpu;
    expect(gpu.memoryGiB).toBeCloseTo(40, 10);
    expect(gpu.memoryBandwidthTBps).toBeCloseTo(h100.memoryBandwidthTBps / 2, 10);
    expect(gpu.denseTflops.bf16).toBeCloseTo(h100.denseTflops.bf16 / 2, 10);
  });
});

describe("planCosts: a measurement the hardware cannot reach", () => {
  test("GIVEN a measured rate above the replica's compute ceiling WHEN checked THEN it is a problem of the file, not a crash", () => {
    const model = "  m: { model: llama-3.1-8b, pool: h200, maxContextTokens: 8192, measuredTokensPerSecond: 1000000, demand: { tokensPerDay: 1000000, mix: { input: 0.5, cachedInput: 0, cacheWrite: 0, output: 0.5 } } }";
    const { problems } = checkEnvironment(envFromYaml(modelsEnvYaml("  h200: { nodes: [g1, g2], server: hgx-h200-8 }", model)));
    expect(problems.map((p) => `${p.file}: ${p.path.join(".")}: ${p.message}`)).toEqual([
      expect.stringMatching(
        /^test\.yaml: models\.m\.measuredTokensPerSecond: 1000000 exceeds the physical ceiling \d+ tokens\/s of one replica \(2 × 8\.03B active parameters FLOPs per token at 989 bf16 TFLOPS × 1 on h200\); give the rate of one replica, not of a whole server$/,
      ),
    ]);
  });
});
