import { hostResources, modelServerValues, startupFailureThreshold } from "../../constructs/model-server-values";
import { modelsEnvYaml, plannedFromYaml } from "../helpers/env";


function planned(pools: string, models: string, extra = "") {
  return plannedFromYaml(modelsEnvYaml(pools, models, extra));
}

const CTX = { claimName: "ai-factory-models", modelPath: "/models/Qwen/Qwen3-32B/rev" };

describe("startupFailureThreshold", () => {
  test("GIVEN small weights WHEN the budget is computed THEN the 10-minute floor applies", () => {
    // 15 GiB / 0.5 GiB/s + 180 s = 210 s; × 1.5 = 315 s → 32 checks, below the floor of 60.
    expect(startupFailureThreshold(15)).toBe(60);
  });
  test("GIVEN 640 GiB of weights WHEN the budget is computed THEN it covers 1.5 × the load time", () => {
    // 640 / 0.5 + 180 = 1460 s; × 1.5 = 2190 s → 219 checks of 10 s.
    expect(startupFailureThreshold(640)).toBe(219);
  });
});

describe("hostResources", () => {
  test("GIVEN two whole GPUs and 16 GiB of shm WHEN sized THEN the memory limit holds the shm on top", () => {
    // cpu 4 + 4 × 2 = 12; memory 16 + 16 × 2 = 48 GiB; limit 2 × 48 + 16.
    expect(hostResources(2, true, 16)).toEqual({ requests: { cpu: "12", memory: "48Gi" }, limits: { cpu: "24", memory: "112Gi" } });
  });
  test("GIVEN a slice WHEN sized THEN the replica gets a small host share", () => {
    expect(hostResources(1, false, 4)).toEqual({ requests: { cpu: "4", memory: "16Gi" }, limits: { cpu: "8", memory: "36Gi" } });
  });
});

describe("modelServerValues", () => {
  const { plan } = planned(
    "  h200: { nodes: [g1, g2], server: hgx-h200-8, taint: { key: dedicated, value: inference, effect: NoSchedule } }",
    "  coder: { model: qwen3-32b, pool: h200, tensorParallel: 2, maxContextTokens: 32768, maxConcurrentSequences: 16, replicas: { min: 2, max: 6 }, apiKeySecret: { name: vllm-api-key } }",
    "mirror: { registry: harbor.corp.example/mirror, chartRepository: oci://harbor.corp.example/charts }\nmonitoring: { serviceMonitorLabels: { release: kps } }\n",
  );
  const v = modelServerValues(plan.models[0], {
    ...CTX,
    mirror: { registry: "harbor.corp.example/mirror", chartRepository: "oci://harbor.corp.example/charts" },
    serviceMonitorLabels: { release: "kps" },
  });

  test("GIVEN monitoring with selector labels WHEN values are computed THEN the ServiceMonitor carries them", () => {
    expect(v.serviceMonitor).toMatchObject({ enabled: true, labels: { release: "kps" } });
  });

  test("GIVEN a TP-2 model WHEN values are computed THEN the engine flags come from the plan", () => {
    expect(v.engine).toMatchObject({ tensorParallelSize: 2, maxModelLen: 32768, gpuMemoryUtilization: 0.9, maxNumSeqs: 16, kvCacheDtype: "auto", quantization: null });
    expect(v.resources.gpu).toEqual({ resourceName: "nvidia.com/gpu", count: 2 });
    expect(v.shm.sizeLimit).toBe("16Gi");
    // The path the store gives it; the revision Qwen/Qwen3-32B is pinned to in catalog/models.ts.
    expect(v.model).toEqual({ path: "/models/Qwen/Qwen3-32B/rev", revision: "9216db5781bf21249d130ec9da846c4624c16137" });
  });

  test("GIVEN the pool's own taint WHEN values are computed THEN the server selects the pool and tolerates exactly that taint", () => {
    expect(v.nodeSelector).toEqual({ "ai-factory.io/pool": "h200" });
    expect(v.tolerations).toEqual([{ key: "dedicated", operator: "Equal", value: "inference", effect: "NoSchedule" }]);
  });

  test("GIVEN replicas { min: 2, max: 6 } WHEN values are computed THEN KEDA scales between them on the queue", () => {
    expect(v.replicas).toBe(2);
    expect(v.autoscaling).toMatchObject({ enabled: true, kind: "keda", minReplicas: 2, maxReplicas: 6 });
    expect(v.autoscaling.keda.prometheusServerAddress).toBe("http://prometheus-operated.monitoring.svc:9090");
    expect(v.autoscaling.keda.waitingRequestsThreshold).toBe(5);
  });

  test("GIVEN the plan kept room for a surge WHEN values are computed THEN updates start a new replica before stopping one", () => {
    expect(v.strategy).toBe("RollingUpdate");
    expect(v.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });

  test("GIVEN rollout: recreate on a 4-GPU workstation WHEN values are computed THEN the Deployment recreates and never surges", () => {
    const p = planned(
      "  ws: { nodes: [ws-01], server: rtx-pro-6000-ws-4 }",
      "  big: { model: llama-3.3-70b, pool: ws, tensorParallel: 4, maxContextTokens: 32768, maxConcurrentSequences: 8, rollout: recreate }",
    ).plan;
    const values = modelServerValues(p.models[0], CTX);
    expect(values.strategy).toBe("Recreate");
    // The chart ignores rollingUpdate with Recreate; its rule only asks that it never surges.
    expect(values.rollingUpdate.maxSurge).toBe(0);
    expect(values.resources.gpu).toEqual({ resourceName: "nvidia.com/gpu", count: 4 });
  });

  test("GIVEN a mirror WHEN values are computed THEN the image comes from it and stays pinned", () => {
    // The pinned vLLM image (catalog/upstream.ts), behind the mirror's registry prefix.
    expect(v.image.repository).toBe("harbor.corp.example/mirror/docker.io/vllm/vllm-openai");
    expect(v.image.tag).toBe("v0.16.0");
    expect(v.image.tag).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(v.apiKeySecret).toEqual({ name: "vllm-api-key", key: "VLLM_API_KEY" });
  });

  test("GIVEN an fp8 serving of a bf16 checkpoint with an fp8 KV cache WHEN values are computed THEN vLLM is told to quantize", () => {
    const p = planned("  h200: { nodes: [g1], server: hgx-h200-8 }", "  m: { model: llama-3.3-70b, pool: h200, precision: fp8, kvCacheDtype: fp8, maxContextTokens: 8192 }").plan;
    const values = modelServerValues(p.models[0], CTX);
    expect(values.engine.quantization).toBe("fp8");
    expect(values.engine.kvCacheDtype).toBe("fp8");
    expect(values.shm.sizeLimit).toBe("4Gi");
    expect(values.autoscaling.enabled).toBe(false);
    expect(values.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Equal", value: "present", effect: "NoSchedule" }]);
  });

  test("GIVEN a time-sliced share WHEN values are computed THEN the utilization is the share's and the gpu request is one share", () => {
    const p = planned(
      "  ws: { nodes: [ws-01], server: rtx-pro-6000-ws-4, gpuSharing: { mode: time-slicing, replicasPerGpu: 4 } }",
      "  m: { model: llama-3.1-8b, pool: ws, maxContextTokens: 8192, maxConcurrentSequences: 4 }",
    ).plan;
    const values = modelServerValues(p.models[0], CTX);
    // One of 4 shares of the GPU: 0.9 / 4 = 0.225.
    expect(values.engine.gpuMemoryUtilization).toBe(0.225);
    expect(values.resources.gpu).toEqual({ resourceName: "nvidia.com/gpu", count: 1 });
    expect(values.resources.requests).toEqual({ cpu: "4", memory: "16Gi" });
  });
});
