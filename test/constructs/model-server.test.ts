import { Testing, TerraformStack } from "cdktf";
import { parse } from "yaml";
import { ModelServer } from "../../constructs/model-server";
import { plannedFromYaml } from "../helpers/env";

const YAML = `name: test
description: model server
cluster: { kubeconfig: { context: c } }
nodePools:
  h200: { nodes: [g1, g2], server: hgx-h200-8 }
models:
  big:
    model: deepseek-v3
    pool: h200
    tensorParallel: 8
    maxContextTokens: 16384
    maxConcurrentSequences: 8
modelStore:
  volume: { kind: storageClass, storageClass: cephfs }
  source: { kind: s3, endpoint: https://s3.example, bucket: weights, credentialsSecret: s3-creds }
`;

describe("ModelServer", () => {
  test("GIVEN DeepSeek-V3 on 8 × H200 WHEN synthesized THEN a waited, atomic release of the local chart carries the planned values", () => {
    const { plan } = plannedFromYaml(YAML);
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    const server = new ModelServer(stack, "model-big", {
      plan: plan.models[0],
      namespace: "ai-models",
      chartPath: "assets/model-server-chart/HASH",
      context: { claimName: "ai-factory-models", modelPath: "/models/deepseek-ai/DeepSeek-V3/rev" },
    });
    const text = Testing.synth(stack);
    const [release] = Object.values(JSON.parse(text).resource.helm_release) as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(release).toMatchObject({ name: "big", namespace: "ai-models", chart: "assets/model-server-chart/HASH", atomic: true, wait: true });
    const values = parse(release.values[0]);
    expect(values).toEqual(JSON.parse(JSON.stringify(server.values)));
    expect(values.engine.tensorParallelSize).toBe(8);
    // 641.3 GiB checkpoint: (641.3 / 0.5 + 180) × 1.5 / 10 = 219.4 → 220 checks of 10 s.
    expect(values.startupProbe.failureThreshold).toBe(220);
    // First install: the 12 GB vLLM image at the catalog's 50 MB/s = 240 s, then 2200 s of
    // startup budget, then 5 minutes for scheduling and readiness.
    expect(release.timeout).toBe(240 + 2200 + 300);
    expect(values.progressDeadlineSeconds).toBe(240 + 2200 + 300);
    expect(text).toMatchSnapshot();
  });

  test("GIVEN a slow registry (catalog.registry.pullMBps: 10) WHEN synthesized THEN Helm and the Deployment wait for the longer pull", () => {
    const { env, plan } = plannedFromYaml(
      `${YAML}catalog:\n  registry: { pullMBps: 10, source: { url: "crictl pull on gpu-01", date: 2026-11-30 } }\n`,
    );
    expect(env.imagePullMBps).toBe(10);
    const stack = new TerraformStack(Testing.app(), "test");
    const server = new ModelServer(stack, "model-big", {
      plan: plan.models[0],
      namespace: "ai-models",
      chartPath: "assets/model-server-chart/HASH",
      context: { claimName: "ai-factory-models", modelPath: "/models/deepseek-ai/DeepSeek-V3/rev", imagePullMBps: env.imagePullMBps },
    });
    // 12 GB at 10 MB/s = 1200 s.
    expect(server.release.timeoutInput).toBe(1200 + 2200 + 300);
    expect(server.values.progressDeadlineSeconds).toBe(1200 + 2200 + 300);
  });
});
