import { findGpu, THROUGHPUT_CALIBRATION } from "../../catalog";
import { planCosts } from "../../planning/costs";
import { planEnvironment } from "../../planning/plan";
import { envFromYaml, resolveProblems } from "../helpers/env";

function yaml(pools: string, catalog: string, extra = ""): string {
  return `name: test\ndescription: overrides\ncluster: { kubeconfig: { context: c } }\nnodePools:\n${pools}\ncatalog:\n${catalog}\n${extra}`;
}

const problemsOf = resolveProblems;

const SOURCE = "source: { url: https://example.com/datasheet.pdf, date: 2026-10-01 }";

describe("catalog overrides", () => {
  test("GIVEN a catalog GPU with a measured bandwidth WHEN resolved THEN the pool sees it, with the override's source", () => {
    const env = envFromYaml(yaml("  h200: { nodes: [g1], server: hgx-h200-8 }", `  gpus:\n    h200: { memoryBandwidthTBps: 4.5, ${SOURCE} }`));
    const gpu = env.pools[0].gpu;
    expect(gpu.memoryBandwidthTBps).toBe(4.5);
    expect(gpu.memoryGiB).toBe(findGpu("h200")!.memoryGiB);
    expect(gpu.sources[gpu.sources.length - 1]).toEqual({ url: "https://example.com/datasheet.pdf", date: "2026-10-01", note: "environment override" });
    // The shared catalog is untouched.
    expect(findGpu("h200")!.memoryBandwidthTBps).not.toBe(4.5);
  });

  test("GIVEN a new GPU with every figure WHEN an inline server uses it THEN it resolves", () => {
    const env = envFromYaml(
      yaml(
        "  next: { nodes: [g1], server: { gpu: acme-x1, gpusPerServer: 4, priceUsd: 100000, powerKw: { idle: 1, max: 4 } } }",
        `  gpus:\n    acme-x1: { name: Acme X1, memoryGiB: 128, memoryBandwidthTBps: 5, denseTflops: { bf16: 1000, fp8: 2000 }, tdpW: 800, ${SOURCE} }`,
      ),
    );
    expect(env.pools[0].gpu).toMatchObject({ id: "acme-x1", memoryGiB: 128, denseTflops: { bf16: 1000, fp8: 2000, fp4: null }, migProfiles: [] });
  });

  test("GIVEN a new GPU without its figures WHEN resolved THEN the missing ones are named", () => {
    expect(problemsOf(yaml("  a: { nodes: [g1], server: hgx-h100-8 }", `  gpus:\n    acme-x1: { memoryGiB: 128, ${SOURCE} }`))).toEqual([
      "test.yaml: catalog.gpus.acme-x1: a new GPU needs name, memoryBandwidthTBps, denseTflops.bf16, tdpW; or use a catalog id (a100-80gb, b200, h100-nvl, h100-sxm, h200, l40s, rtx-pro-6000, rtx-pro-6000-server) to change some of its figures",
    ]);
  });

  test("GIVEN MIG profiles larger than the GPU WHEN resolved THEN they are refused", () => {
    expect(
      problemsOf(yaml("  a: { nodes: [g1], server: hgx-h100-8 }", `  gpus:\n    h100-sxm: { migProfiles: [ { name: 4g.40gb, memoryGiB: 40, instancesPerGpu: 3 } ], ${SOURCE} }`)),
    ).toEqual(["test.yaml: catalog.gpus.h100-sxm.migProfiles: 3 × 4g.40gb (40 GiB) exceed the GPU's 80 GiB"]);
  });

  test("GIVEN an override without a source WHEN loaded THEN the source is required", () => {
    expect(problemsOf(yaml("  a: { nodes: [g1], server: hgx-h100-8 }", "  gpus:\n    h100-sxm: { memoryBandwidthTBps: 3 }"))).toEqual([
      "test.yaml: catalog.gpus.h100-sxm.source: is required (object)",
    ]);
  });

  test("GIVEN a calibration fitted on a site benchmark WHEN costed THEN a bandwidth-bound replica's rate scales with it", () => {
    const models = `models:
  m: { model: llama-3.3-70b, pool: h200, precision: fp8, tensorParallel: 2, maxContextTokens: 8192, maxConcurrentSequences: 8, demand: { tokensPerDay: 10000000, mix: { input: 0.2, cachedInput: 0.6, cacheWrite: 0, output: 0.2 }, maxSecondsPerOutputToken: 0.03 } }
modelStore:
  volume: { kind: storageClass, storageClass: cephfs }
  source: { kind: s3, endpoint: https://s3.example, bucket: weights, credentialsSecret: s3-creds }
`;
    const rate = (catalog: string) => {
      const env = envFromYaml(yaml("  h200: { nodes: [g1], server: hgx-h200-8 }", catalog, models));
      const { plan } = planEnvironment(env);
      return { env, sizing: planCosts(env, plan).costs.sizing!.models[0] };
    };
    const base = rate("  gpus: {}");
    const kv = Math.min(1, THROUGHPUT_CALIBRATION.kvBandwidthEfficiency * 1.5);
    const tuned = rate(`  calibration: { kvBandwidthEfficiency: ${kv}, weightBandwidthEfficiency: 1, ${SOURCE} }`);
    expect(tuned.env.calibration.kvBandwidthEfficiency).toBe(kv);
    expect(tuned.env.calibration.weightBandwidthEfficiency).toBe(1);
    expect(tuned.env.calibration.computeEfficiency).toBe(THROUGHPUT_CALIBRATION.computeEfficiency);
    expect(base.sizing.boundBy).toBe(tuned.sizing.boundBy);
    expect(tuned.sizing.replicaTokensPerSecond).toBeGreaterThan(base.sizing.replicaTokensPerSecond);
  });
});
