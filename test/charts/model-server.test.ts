import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { IService } from "kubernetes-models/v1/Service";
import { parse } from "yaml";

import {
  MODEL_SERVER_IMAGE_TAG,
  MODEL_SERVER_MANAGED_ENV,
  MODEL_SERVER_MANAGED_FLAGS,
  modelServerValuesSchema,
  type ModelServerValuesInput,
} from "../../constructs/model-server-values-schema";
import { modelServerObjectName } from "../../config/kubernetes-names";
import { formatPath } from "../../config/errors";
import { CHART_SCHEMAS, renderChartSchema } from "../../scripts/gen-chart-schema";
import { findObject, HelmError, helmLint, helmTemplate, type RenderedObject } from "../helpers/helm";
import { validateK8sObjects } from "../helpers/k8s-validate";

const CHART = "charts/model-server";
const ROOT = join(__dirname, "..", "..");
// Revisions as pinned in catalog/models.ts.
const REVISION_8B = "0e9e39f249a16976918f6564b8830bc894c89659";
const REVISION_70B = "6f6073b423013f6a7d4d9f39144961bfbfbc386b";

/** Deep-merges plain objects (arrays and scalars replace), as Helm merges values files. */
function merge<T>(base: T, patch: unknown): T {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch) || base === null || typeof base !== "object") {
    return patch as T;
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) out[key] = merge(out[key], value);
  return out as T;
}

// --- Value sets ------------------------------------------------------------------------------

/** An 8B model on one dedicated GPU, with an API key. */
const LLAMA_8B: ModelServerValuesInput = {
  servedModelName: "llama-3.1-8b-instruct",
  model: { path: "/models/meta-llama/Llama-3.1-8B-Instruct", revision: REVISION_8B },
  engine: { maxModelLen: 16384 },
  modelStore: { claimName: "model-store" },
  nodeSelector: { "nvidia.com/gpu.product": "NVIDIA-L40S" },
  apiKeySecret: { name: "vllm-api-key", key: "VLLM_API_KEY" },
  replicas: 2,
};

/** A 70B model over four GPUs, autoscaled by KEDA and scraped by the Prometheus Operator. */
const LLAMA_70B_TP4: ModelServerValuesInput = {
  servedModelName: "meta-llama/Llama-3.3-70B-Instruct",
  model: { path: "/models/meta-llama/Llama-3.3-70B-Instruct", revision: REVISION_70B },
  engine: {
    tensorParallelSize: 4,
    maxModelLen: 131072,
    gpuMemoryUtilization: 0.92,
    maxNumSeqs: 256,
    kvCacheDtype: "fp8",
    extraArgs: ["--max-num-batched-tokens=8192", "--enable-prefix-caching"],
  },
  resources: {
    requests: { cpu: "16", memory: "128Gi" },
    limits: { cpu: null, memory: "256Gi" },
    gpu: { resourceName: "nvidia.com/gpu", count: 4 },
  },
  shm: { sizeLimit: "16Gi" },
  modelStore: { claimName: "weights-rwx" },
  nodeSelector: { "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3" },
  startupProbe: { periodSeconds: 10, failureThreshold: 180 },
  autoscaling: {
    enabled: true,
    kind: "keda",
    minReplicas: 1,
    maxReplicas: 4,
    keda: { prometheusServerAddress: "http://prometheus-operated.monitoring.svc:9090" },
  },
  serviceMonitor: { enabled: true, interval: "15s", labels: { release: "kube-prometheus-stack" } },
  podLabels: { team: "platform" },
  podAnnotations: { "example.com/owner": "ml-platform" },
  env: { VLLM_WORKER_MULTIPROC_METHOD: "spawn" },
};

/** gpt-oss-20b (MXFP4) on a 3g.40gb MIG slice, co-located, no extra /dev/shm, default runtime. */
const MIG_SLICE: ModelServerValuesInput = {
  servedModelName: "gpt-oss-20b",
  model: { path: "/models/openai/gpt-oss-20b", revision: "6cee5e81ee83917806bbde320786a8fb61efebee" },
  engine: { maxModelLen: 8192, gpuMemoryUtilization: 0.8 },
  resources: { gpu: { resourceName: "nvidia.com/mig-3g.40gb", count: 1 } },
  shm: { sizeLimit: null },
  runtimeClassName: null,
  modelStore: { claimName: "model-store" },
  podDisruptionBudget: { enabled: false },
  prometheusAnnotations: false,
  drain: { preStopSeconds: 0, terminationGracePeriodSeconds: 60 },
};

/** A 70B model over the four GPUs of one workstation: no GPU is free for a surge, so it recreates. */
const WORKSTATION_RECREATE: ModelServerValuesInput = merge(LLAMA_70B_TP4, {
  autoscaling: { enabled: false },
  replicas: 1,
  strategy: "Recreate",
});

/** The 8B model autoscaled by an HPA on a prometheus-adapter metric. */
const HPA: ModelServerValuesInput = merge(LLAMA_8B, {
  autoscaling: { enabled: true, kind: "hpa", minReplicas: 2, maxReplicas: 6, hpa: { targetAverageValue: 3 } },
});

const VALUE_SETS: Array<[string, ModelServerValuesInput]> = [
  ["8B on one GPU", LLAMA_8B],
  ["70B TP=4 with KEDA and ServiceMonitor", LLAMA_70B_TP4],
  ["MIG slice", MIG_SLICE],
  ["HPA", HPA],
  ["70B TP=4 recreated on one workstation", WORKSTATION_RECREATE],
];

/** Renders a value set the way a construct would: zod-complete values, then Helm. */
function render(values: ModelServerValuesInput, releaseName = "chat"): RenderedObject[] {
  return helmTemplate(CHART, modelServerValuesSchema.parse(values), { releaseName, namespace: "inference" });
}

function vllmContainer(objects: readonly RenderedObject[]) {
  const deployment = findObject<IDeployment>(objects, "Deployment");
  const pod = deployment.spec!.template.spec!;
  const container = pod.containers.find((c) => c.name === "vllm")!;
  return { deployment, pod, container, args: container.args ?? [] };
}

function envOf(objects: readonly RenderedObject[]): Record<string, unknown> {
  const { container } = vllmContainer(objects);
  return Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
}

// --- Lint and schema validation --------------------------------------------------------------

describe("model-server chart: lint and Kubernetes schema", () => {
  test("GIVEN the chart's own values.yaml WHEN linted and rendered THEN it is clean and valid", () => {
    helmLint(CHART);
    const objects = helmTemplate(CHART);
    expect(objects.map((o) => o.kind).sort()).toEqual(["Deployment", "PodDisruptionBudget", "Service"]);
    validateK8sObjects(objects);
  });

  test.each(VALUE_SETS)("GIVEN %s WHEN linted and rendered THEN every object is valid", (_, values) => {
    helmLint(CHART, modelServerValuesSchema.parse(values));
    const objects = render(values);
    validateK8sObjects(objects);
    for (const o of objects) expect([o.kind, o.metadata.namespace]).toEqual([o.kind, "inference"]);
  });

  test.each(VALUE_SETS)("GIVEN %s WHEN rendered twice THEN the output is identical", (_, values) => {
    expect(JSON.stringify(render(values))).toBe(JSON.stringify(render(values)));
  });
});

// --- The Deployment --------------------------------------------------------------------------

describe("model-server chart: Deployment (8B, one GPU)", () => {
  const objects = render(LLAMA_8B);
  const { deployment, pod, container, args } = vllmContainer(objects);

  test("runs `vllm serve` on the model path with explicit engine flags", () => {
    expect(container.image).toBe("vllm/vllm-openai:v0.16.0");
    expect(container.imagePullPolicy).toBe("IfNotPresent");
    expect(container.command).toEqual(["vllm", "serve"]);
    expect(args).toEqual([
      "/models/meta-llama/Llama-3.1-8B-Instruct",
      "--served-model-name=llama-3.1-8b-instruct",
      "--host=0.0.0.0",
      "--port=8000",
      "--tensor-parallel-size=1",
      "--max-model-len=16384",
      "--gpu-memory-utilization=0.9",
      `--revision=${REVISION_8B}`,
      "--kv-cache-dtype=auto",
      "--disable-access-log-for-endpoints=/health,/metrics,/v1/models",
    ]);
  });

  test("works offline, opts out of usage stats and takes the API key from the Secret", () => {
    expect(envOf(objects)).toEqual({
      HOME: "/home/vllm",
      USER: "vllm",
      TORCHINDUCTOR_CACHE_DIR: "/home/vllm/.cache/torchinductor",
      HF_HOME: "/models/.hf",
      HF_HUB_OFFLINE: "1",
      DO_NOT_TRACK: "1",
      VLLM_LOGGING_LEVEL: "INFO",
      VLLM_API_KEY: { secretKeyRef: { name: "vllm-api-key", key: "VLLM_API_KEY" } },
    });
  });

  test("meets Pod Security restricted", () => {
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      fsGroupChangePolicy: "OnRootMismatch",
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test("turns service links off and drains gracefully", () => {
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.terminationGracePeriodSeconds).toBe(130);
    expect(container.lifecycle).toEqual({ preStop: { sleep: { seconds: 30 } } });
  });

  test("probes /health: startup from values, tolerant liveness", () => {
    const http = { httpGet: { path: "/health", port: "http" } };
    expect(container.startupProbe).toEqual({ ...http, periodSeconds: 10, failureThreshold: 60 });
    expect(container.readinessProbe).toEqual({ ...http, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 });
    expect(container.livenessProbe).toEqual({ ...http, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 5 });
  });

  test("requests the GPU with requests equal to limits", () => {
    expect(container.resources).toEqual({
      requests: { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "1" },
      limits: { cpu: "16", memory: "64Gi", "nvidia.com/gpu": "1" },
    });
  });

  test("mounts the model store read-only, a writable home and cache, and a sized /dev/shm", () => {
    expect(container.volumeMounts).toEqual([
      { name: "models", mountPath: "/models", readOnly: true },
      { name: "home", mountPath: "/home/vllm" },
      { name: "cache", mountPath: "/home/vllm/.cache" },
      { name: "dshm", mountPath: "/dev/shm" },
    ]);
    expect(pod.volumes).toEqual([
      { name: "models", persistentVolumeClaim: { claimName: "model-store", readOnly: true } },
      { name: "home", emptyDir: {} },
      { name: "cache", emptyDir: {} },
      { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "4Gi" } },
    ]);
  });

  test("schedules on the GPU pool with the NVIDIA runtime", () => {
    expect(pod.runtimeClassName).toBe("nvidia");
    expect(pod.nodeSelector).toEqual({ "nvidia.com/gpu.product": "NVIDIA-L40S" });
    expect(pod.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
  });

  test("rolls out without surge, with a long progress deadline and fixed replicas", () => {
    expect(deployment.spec!.replicas).toBe(2);
    expect(deployment.spec!.progressDeadlineSeconds).toBe(1800);
    expect(deployment.spec!.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
  });

  test("is named after the served model and annotated for Prometheus", () => {
    expect(deployment.metadata!.name).toBe("llama-3-1-8b-instruct");
    expect(deployment.spec!.selector.matchLabels).toEqual({
      "ai-factory/model": "llama-3-1-8b-instruct",
      "app.kubernetes.io/instance": "chat",
      "app.kubernetes.io/name": "model-server",
    });
    expect(deployment.spec!.template.metadata!.annotations).toEqual({
      "prometheus.io/path": "/metrics",
      "prometheus.io/port": "8000",
      "prometheus.io/scrape": "true",
    });
  });
});

describe("model-server chart: Service and PodDisruptionBudget", () => {
  const objects = render(LLAMA_8B);

  test("the Service is <name>-server (never vllm) and targets the http port", () => {
    const service = findObject<IService>(objects, "Service");
    expect(service.metadata!.name).toBe("llama-3-1-8b-instruct-server");
    expect(service.spec).toEqual({
      type: "ClusterIP",
      selector: findObject<IDeployment>(objects, "Deployment").spec!.selector.matchLabels,
      ports: [{ name: "http", port: 8000, targetPort: "http", protocol: "TCP" }],
    });
  });

  test("GIVEN a model named vllm THEN the Service is still not named vllm", () => {
    const service = findObject<IService>(render(merge(LLAMA_8B, { servedModelName: "vllm" })), "Service");
    expect(service.metadata!.name).toBe("vllm-server");
  });

  test("the PodDisruptionBudget lets a drain take one replica at a time, and always the replicas that are not Ready", () => {
    const pdb = findObject<IPodDisruptionBudget>(objects, "PodDisruptionBudget");
    expect(pdb.spec).toEqual({
      maxUnavailable: 1,
      unhealthyPodEvictionPolicy: "AlwaysAllow",
      selector: { matchLabels: findObject<IDeployment>(objects, "Deployment").spec!.selector.matchLabels },
    });
  });

  test.each(["Llama-3.3-70B-Instruct", "Qwen/Qwen3-32B:fp8", "70b-chat", `${"x".repeat(60)}`])(
    "object names match modelServerObjectName(%j)",
    (served) => {
      const objects = render(merge(LLAMA_8B, { servedModelName: served }));
      expect(findObject(objects, "Deployment").metadata.name).toBe(modelServerObjectName(served));
    },
  );
});

describe("model-server chart: 70B over four GPUs with KEDA and a ServiceMonitor", () => {
  const objects = render(LLAMA_70B_TP4);
  const { deployment, pod, container, args } = vllmContainer(objects);

  test("shards over four GPUs with 16Gi of /dev/shm and the optional flags", () => {
    expect(args).toEqual(
      expect.arrayContaining([
        "--tensor-parallel-size=4",
        "--max-model-len=131072",
        "--gpu-memory-utilization=0.92",
        "--max-num-seqs=256",
        "--kv-cache-dtype=fp8",
      ]),
    );
    expect(args.slice(-2)).toEqual(["--max-num-batched-tokens=8192", "--enable-prefix-caching"]);
    expect(container.resources).toEqual({
      requests: { cpu: "16", memory: "128Gi", "nvidia.com/gpu": "4" },
      limits: { memory: "256Gi", "nvidia.com/gpu": "4" },
    });
    expect(pod.volumes).toContainEqual({ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "16Gi" } });
    expect(container.startupProbe!.failureThreshold).toBe(180);
  });

  test("leaves replicas to the autoscaler", () => {
    expect(deployment.spec!.replicas).toBeUndefined();
  });

  test("adds pod labels, annotations and env without touching the selector", () => {
    expect(deployment.spec!.template.metadata!.labels).toMatchObject({ team: "platform", "ai-factory/model": "meta-llama-llama-3-3-70b-instruct" });
    expect(deployment.spec!.template.metadata!.annotations).toMatchObject({ "example.com/owner": "ml-platform", "prometheus.io/scrape": "true" });
    expect(envOf(objects)).toMatchObject({ VLLM_WORKER_MULTIPROC_METHOD: "spawn" });
    expect(envOf(objects)).not.toHaveProperty("VLLM_API_KEY");
  });

  test("the ScaledObject scales the Deployment on the model's waiting requests", () => {
    const so = findObject<RenderedObject & { spec: Record<string, unknown> }>(objects, "ScaledObject");
    expect(so.apiVersion).toBe("keda.sh/v1alpha1");
    expect(so.spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata!.name },
      minReplicaCount: 1,
      maxReplicaCount: 4,
      pollingInterval: 15,
      cooldownPeriod: 360,
      triggers: [
        {
          type: "prometheus",
          metadata: {
            serverAddress: "http://prometheus-operated.monitoring.svc:9090",
            query: 'sum(vllm:num_requests_waiting{model_name="meta-llama/Llama-3.3-70B-Instruct"})',
            threshold: "5",
            // An unscraped server is a scaler error, not a queue of 0 that never scales (KEDA docs, prometheus scaler).
            ignoreNullValues: "false",
          },
        },
      ],
    });
  });

  test("GIVEN a query override THEN the ScaledObject uses it", () => {
    const query = 'sum(vllm:num_requests_waiting{model_name="x",namespace="inference"})';
    const so = findObject<{ spec: { triggers: Array<{ metadata: { query: string } }> } }>(
      render(merge(LLAMA_70B_TP4, { autoscaling: { keda: { query } } })),
      "ScaledObject",
    );
    expect(so.spec.triggers[0].metadata.query).toBe(query);
  });

  test("the ServiceMonitor scrapes /metrics on the Service with the selector labels Prometheus wants", () => {
    const sm = findObject<RenderedObject & { spec: Record<string, unknown> }>(objects, "ServiceMonitor");
    const service = findObject<IService>(objects, "Service");
    expect(sm.apiVersion).toBe("monitoring.coreos.com/v1");
    expect(sm.metadata.labels).toMatchObject({ release: "kube-prometheus-stack" });
    expect(sm.spec).toEqual({
      selector: { matchLabels: service.spec!.selector },
      namespaceSelector: { matchNames: ["inference"] },
      endpoints: [{ port: "http", path: "/metrics", interval: "15s" }],
    });
    expect(service.metadata!.labels).toMatchObject(service.spec!.selector!);
  });
});

describe("model-server chart: Recreate on one workstation", () => {
  const objects = render(WORKSTATION_RECREATE);

  test("stops the old replica before starting the new one, with no rollingUpdate block", () => {
    const deployment = findObject<IDeployment>(objects, "Deployment");
    expect(deployment.spec!.strategy).toEqual({ type: "Recreate" });
    expect(deployment.spec!.replicas).toBe(1);
  });

  test("the PodDisruptionBudget never blocks a drain of the single replica", () => {
    // maxUnavailable 1 of 1 replica allows its eviction; AlwaysAllow evicts it even when a failed update left it not Ready.
    const pdb = findObject<IPodDisruptionBudget>(objects, "PodDisruptionBudget");
    expect(pdb.spec).toMatchObject({ maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" });
  });

  test("GIVEN Recreate WHEN maxSurge and maxUnavailable are both 0 THEN nothing is refused (they apply to RollingUpdate only)", () => {
    const objects = render(merge(WORKSTATION_RECREATE, { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }));
    expect(findObject<IDeployment>(objects, "Deployment").spec!.strategy).toEqual({ type: "Recreate" });
  });
});

describe("model-server chart: MIG slice", () => {
  const objects = render(MIG_SLICE);
  const { pod, container, args } = vllmContainer(objects);

  test("requests one MIG slice and co-locates with 0.8 memory utilization", () => {
    expect(container.resources!.requests).toMatchObject({ "nvidia.com/mig-3g.40gb": "1" });
    expect(container.resources!.limits).toMatchObject({ "nvidia.com/mig-3g.40gb": "1" });
    expect(container.resources!.limits).not.toHaveProperty("nvidia.com/gpu");
    expect(args).toContain("--gpu-memory-utilization=0.8");
  });

  test("omits what was turned off: /dev/shm, runtime class, preStop, PDB, scrape annotations", () => {
    expect(pod.volumes!.map((v) => v.name)).toEqual(["models", "home", "cache"]);
    expect(container.volumeMounts!.map((m) => m.mountPath)).not.toContain("/dev/shm");
    expect(pod.runtimeClassName).toBeUndefined();
    expect(container.lifecycle).toBeUndefined();
    expect(pod.terminationGracePeriodSeconds).toBe(60);
    expect(objects.map((o) => o.kind)).not.toContain("PodDisruptionBudget");
    expect(findObject<IDeployment>(objects, "Deployment").spec!.template.metadata!.annotations).toBeUndefined();
  });
});

describe("model-server chart: HPA", () => {
  const objects = render(HPA);

  test("the HPA scales the Deployment on the adapter's queue metric, with a slow scale-down", () => {
    const hpa = findObject<IHorizontalPodAutoscaler>(objects, "HorizontalPodAutoscaler");
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "llama-3-1-8b-instruct" },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [
        {
          type: "Pods",
          pods: { metric: { name: "vllm_num_requests_waiting" }, target: { type: "AverageValue", averageValue: "3" } },
        },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    });
    expect(objects.map((o) => o.kind)).not.toContain("ScaledObject");
    expect(findObject<IDeployment>(objects, "Deployment").spec!.replicas).toBeUndefined();
  });
});

describe("model-server chart: image pinning", () => {
  test("GIVEN a digest THEN the image is pulled by tag and digest", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    const { container } = vllmContainer(render(merge(LLAMA_8B, { image: { repository: "registry.local:5000/vllm/vllm-openai", digest } })));
    expect(container.image).toBe(`registry.local:5000/vllm/vllm-openai:v0.16.0@${digest}`);
  });
});

// --- Refusals --------------------------------------------------------------------------------

/** Renders raw values (bypassing zod) and returns Helm's error message. */
function helmRefusal(values: unknown): string {
  try {
    helmTemplate(CHART, values, { releaseName: "chat", namespace: "inference" });
  } catch (error) {
    expect(error).toBeInstanceOf(HelmError);
    return (error as Error).message;
  }
  throw new Error("expected helm template to fail, but it rendered");
}

describe("model-server chart: the schema refuses bad values", () => {
  const base = modelServerValuesSchema.parse(LLAMA_8B);

  test.each([
    [{ replicaCount: 3 }, "(root): additional property replicaCount is not allowed"],
    [{ engine: { maxModelLength: 4096 } }, "engine: additional property maxModelLength is not allowed"],
    [{ image: { tag: "latest" } }, "image.tag"],
    [{ image: { pullPolicy: "Always" } }, "image.pullPolicy"],
    [{ engine: { gpuMemoryUtilization: "0.9" } }, "engine.gpuMemoryUtilization"],
    [{ resources: { gpu: { resourceName: "amd.com/gpu" } } }, "resources.gpu.resourceName"],
    [{ strategy: "OnDelete" }, "strategy"],
  ])("throws when given %j", (patch, expected) => {
    const message = helmRefusal(merge(base, patch));
    expect(message).toContain("values don't meet the specifications of the schema");
    expect(message.toLowerCase()).toContain(expected.toLowerCase());
  });

  test("throws when a required key is removed (a null override deletes it)", () => {
    expect(helmRefusal(merge(base, { image: { tag: null } }))).toMatch(/image.*tag/);
  });
});

describe("model-server chart: cross-field rules match the zod schema", () => {
  // Each case must be refused by both, with the same path and message.
  test.each([
    ["service named vllm", { service: { name: "vllm" } }],
    ["a rollout that can never progress", { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }],
    ["a surge with Recreate", { strategy: "Recreate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }],
    ["GPU count differs from TP", { engine: { tensorParallelSize: 2 }, shm: { sizeLimit: "16Gi" } }],
    ["MIG with TP", { engine: { tensorParallelSize: 2 }, resources: { gpu: { resourceName: "nvidia.com/mig-3g.40gb", count: 2 } }, shm: { sizeLimit: "16Gi" } }],
    ["TP without shm", { engine: { tensorParallelSize: 2 }, resources: { gpu: { count: 2 } }, shm: { sizeLimit: null } }],
    ["grace period not above preStop", { drain: { preStopSeconds: 60, terminationGracePeriodSeconds: 60 } }],
    ["progress deadline below startup window", { startupProbe: { failureThreshold: 360 } }],
    ["model outside the store", { model: { path: "/data/llama" } }],
    ["HF_HOME outside the store", { modelStore: { hfHome: "/modelsX/.hf" } }],
    ["managed flag in extraArgs", { engine: { extraArgs: ["--enforce-eager", "--max-model-len=4096"] } }],
    ["secret flag in extraArgs", { engine: { extraArgs: ["--api-key=hunter2"] } }],
    ["managed env", { env: { HF_HUB_OFFLINE: "0" } }],
    ["selector label in podLabels", { podLabels: { "ai-factory/model": "other" } }],
    ["maxReplicas below minReplicas", { autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 2, keda: { prometheusServerAddress: "http://p:9090" } } }],
    ["HPA to zero", { autoscaling: { enabled: true, kind: "hpa", minReplicas: 0 } }],
    ["KEDA without Prometheus", { autoscaling: { enabled: true, kind: "keda" } }],
  ])("throws when %s", (_, patch) => {
    const values = merge(modelServerValuesSchema.parse(LLAMA_8B), patch);
    const zod = modelServerValuesSchema.safeParse(values);
    expect(zod.success).toBe(false);
    const issue = zod.error!.issues[0];
    const expected = `model-server values: ${formatPath(issue.path as (string | number)[])}: ${issue.message}`;
    expect(helmRefusal(values)).toContain(expected);
  });

  test("the chart refuses every flag and env name the zod schema manages", () => {
    const base = modelServerValuesSchema.parse(LLAMA_8B);
    for (const flag of MODEL_SERVER_MANAGED_FLAGS) {
      expect(helmRefusal(merge(base, { engine: { extraArgs: [`${flag}=1`] } }))).toContain(`engine.extraArgs[0]: "${flag}" is set by the chart`);
    }
    for (const name of MODEL_SERVER_MANAGED_ENV) {
      expect(helmRefusal(merge(base, { env: { [name]: "x" } }))).toContain(`env.${name}: is set by the chart`);
    }
  });
});

// --- Files kept in step ----------------------------------------------------------------------

describe("model-server chart: generated and documented files", () => {
  test("values.schema.json is the one generated from the zod schema", () => {
    for (const { path, schema } of CHART_SCHEMAS) {
      const committed = readFileSync(join(ROOT, path), "utf8");
      if (committed !== renderChartSchema(schema())) {
        throw new Error(`${path} is out of date with constructs/model-server-values-schema.ts; run \`npx tsx scripts/gen-chart-schema.ts\` and commit the result`);
      }
    }
  });

  test("values.yaml documents every key with a `# --` comment", () => {
    const lines = readFileSync(join(ROOT, CHART, "values.yaml"), "utf8").split("\n");
    const undocumented: string[] = [];
    // Keys inside list items (a toleration's fields) are data, documented with their list.
    let listIndent = -1;
    lines.forEach((line, i) => {
      const indent = /^\s*/.exec(line)![0].length;
      if (/^\s*- /.test(line)) listIndent = indent;
      else if (line.trim() !== "" && !line.trim().startsWith("#") && indent <= listIndent) listIndent = -1;
      const key = /^(\s*)([A-Za-z][A-Za-z0-9_]*):/.exec(line);
      if (!key || (listIndent >= 0 && indent > listIndent)) return;
      // Walk up over continuation comment lines to the first line of the comment block.
      let j = i - 1;
      while (j >= 0 && /^\s*#(?!\s*--)/.test(lines[j])) j--;
      if (j < 0 || !/^\s*# -- /.test(lines[j])) undocumented.push(`${i + 1}: ${key[2]}`);
    });
    expect(undocumented).toEqual([]);
  });

  test("Chart.yaml pins appVersion to the image tag of the values", () => {
    const chart = parse(readFileSync(join(ROOT, CHART, "Chart.yaml"), "utf8")) as Record<string, unknown>;
    expect(chart).toMatchObject({ apiVersion: "v2", name: "model-server", version: "0.1.0", appVersion: MODEL_SERVER_IMAGE_TAG });
  });
});
