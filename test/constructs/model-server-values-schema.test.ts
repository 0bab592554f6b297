import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

import {
  modelServerQueueQuery,
  modelServerServiceName,
  modelServerValuesJsonSchema,
  modelServerValuesSchema,
  parseQuantity,
  type ModelServerValuesInput,
} from "../../constructs/model-server-values-schema";
import { formatPath } from "../../config/errors";
import { modelServerObjectName } from "../../config/kubernetes-names";

const VALUES_YAML = join(__dirname, "..", "..", "charts", "model-server", "values.yaml");

/** The required keys only; everything else comes from the zod defaults. */
const MINIMAL: ModelServerValuesInput = {
  servedModelName: "llama-3.1-8b-instruct",
  model: { path: "/models/meta-llama/Llama-3.1-8B-Instruct", revision: "0e9e39f249a16976918f6564b8830bc894c89659" },
  engine: { maxModelLen: 8192 },
  modelStore: { claimName: "model-store" },
};

/** Deep-merges plain objects (arrays and scalars replace), like Helm merges values. */
function merge<T>(base: T, patch: unknown): T {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch) || base === null || typeof base !== "object") {
    return patch as T;
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) out[key] = merge(out[key], value);
  return out as T;
}

/** The issues of a failed parse as `<path>: <message>` lines. */
function issuesOf(input: unknown): string[] {
  const result = modelServerValuesSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => `${formatPath(i.path as (string | number)[])}: ${i.message}`);
}

describe("modelServerValuesSchema", () => {
  test("GIVEN the chart's values.yaml WHEN parsed THEN it is valid and already complete", () => {
    const fromYaml = parse(readFileSync(VALUES_YAML, "utf8")) as unknown;
    expect(modelServerValuesSchema.parse(fromYaml)).toEqual(fromYaml);
  });

  test("GIVEN only the required keys WHEN parsed THEN the zod defaults equal values.yaml (no drift)", () => {
    const fromYaml = parse(readFileSync(VALUES_YAML, "utf8")) as unknown;
    expect(modelServerValuesSchema.parse(MINIMAL)).toEqual(fromYaml);
  });

  test("GIVEN defaults WHEN parsed THEN they follow the serving stacks they are taken from", () => {
    const v = modelServerValuesSchema.parse(MINIMAL);
    // The pinned image (catalog/upstream.ts), never `latest`.
    expect(v.image).toEqual({ repository: "vllm/vllm-openai", tag: "v0.16.0", digest: null, pullPolicy: "IfNotPresent" });
    // vLLM's long-standing --gpu-memory-utilization default (https://docs.vllm.ai/en/stable/configuration/engine_args.html).
    expect(v.engine.gpuMemoryUtilization).toBe(0.9);
    // Gateway API Inference Extension's vLLM sample: preStop 30 s, grace period 130 s
    // (https://github.com/kubernetes-sigs/gateway-api-inference-extension/blob/main/config/manifests/vllm/gpu-deployment.yaml).
    expect(v.drain).toEqual({ preStopSeconds: 30, terminationGracePeriodSeconds: 130 });
    // ai-on-gke's vLLM deployments use 1800 s (https://github.com/GoogleCloudPlatform/ai-on-gke).
    expect(v.progressDeadlineSeconds).toBe(1800);
    // vLLM production-stack's defaults: runtime class nvidia, KEDA queue threshold 5, polling 15 s, cooldown 360 s
    // (https://github.com/vllm-project/production-stack/blob/main/helm/values.yaml).
    expect(v.runtimeClassName).toBe("nvidia");
    expect(v.autoscaling.keda).toMatchObject({ waitingRequestsThreshold: 5, pollingIntervalSeconds: 15, cooldownPeriodSeconds: 360 });
  });

  test.each([
    [{ image: { tag: "latest" } }, 'image.tag: image.tag must be a pinned version containing a digit such as "v0.16.0" (never "latest"), got "latest"'],
    [{ image: { pullPolicy: "Always" } }, "image.pullPolicy: "],
    [{ model: { revision: "main" } }, 'model.revision: model.revision must be a Hugging Face commit (40 lowercase hex digits), never a branch, got "main"'],
    [{ engine: { gpuMemoryUtilization: 1.2 } }, "engine.gpuMemoryUtilization: "],
    [{ resources: { gpu: { resourceName: "amd.com/gpu" } } }, 'resources.gpu.resourceName: resources.gpu.resourceName must be "nvidia.com/gpu"'],
    [{ resources: { requests: { memory: "32GB" } } }, 'resources.requests.memory: resources.requests.memory must be a Kubernetes quantity such as "8", "500m" or "32Gi", got "32GB"'],
    [{ engine: { extraArgs: ["--enforce-eager", "true"] } }, 'engine.extraArgs[1]: engine.extraArgs entries must be single "--flag" or "--flag=value" words, got "true"'],
    [{ env: { "BAD-NAME": "x" } }, 'env.BAD-NAME: env keys must be environment variable names ([A-Za-z_][A-Za-z0-9_]*), got "BAD-NAME"'],
    [{ nodeSelector: { "a b": "c" } }, 'nodeSelector["a b"]: nodeSelector keys must be qualified names such as "team" or "example.com/team", got "a b"'],
    [{ podLabels: { team: "a b" } }, 'podLabels.team: podLabels values must be label values (alphanumerics, "-", "_", "."), got "a b"'],
  ])("throws when a value is malformed: %j", (patch, expected) => {
    expect(issuesOf(merge(MINIMAL, patch)).join("\n")).toContain(expected);
  });

  test("throws when a key is unknown, at any depth (strict objects)", () => {
    expect(issuesOf({ ...MINIMAL, replicaCount: 2 })).toEqual(['(document): Unrecognized key: "replicaCount"']);
    expect(issuesOf(merge(MINIMAL, { engine: { maxModelLength: 4096 } }))).toEqual(['engine: Unrecognized key: "maxModelLength"']);
  });

  test("throws when a required key is missing", () => {
    expect(issuesOf({ ...MINIMAL, model: undefined })[0]).toMatch(/^model: /);
  });

  // Cross-field rules: the same rules, paths and messages as `model-server.validate` in the chart
  // (test/charts/model-server.test.ts renders the same cases through Helm).
  test.each([
    [{ service: { name: "vllm" } }, 'service.name: the Service may not be named "vllm"'],
    [{ rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }, "rollingUpdate: maxSurge and maxUnavailable cannot both be 0 (the rollout could never progress); set rollingUpdate.maxUnavailable=1"],
    [
      { strategy: "Recreate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      "rollingUpdate.maxSurge: strategy Recreate starts no replica beyond replicas, got 1; set rollingUpdate.maxSurge=0 or strategy=RollingUpdate",
    ],
    [{ engine: { tensorParallelSize: 2 }, shm: { sizeLimit: "16Gi" } }, "resources.gpu.count: must equal engine.tensorParallelSize (2), got 1; set resources.gpu.count=2"],
    [
      { engine: { tensorParallelSize: 2 }, resources: { gpu: { resourceName: "nvidia.com/mig-3g.40gb", count: 2 } }, shm: { sizeLimit: "16Gi" } },
      "engine.tensorParallelSize: MIG slices cannot be combined with tensor parallelism",
    ],
    [{ engine: { tensorParallelSize: 2 }, resources: { gpu: { count: 2 } }, shm: { sizeLimit: null } }, "shm.sizeLimit: is required when engine.tensorParallelSize > 1 (NCCL uses /dev/shm); set shm.sizeLimit=16Gi"],
    [{ shm: { sizeLimit: "64Gi" } }, 'shm.sizeLimit: "64Gi" must be below resources.limits.memory ("64Gi")'],
    [{ resources: { requests: { memory: "128Gi" } } }, 'resources.requests.memory: "128Gi" exceeds resources.limits.memory ("64Gi")'],
    [{ resources: { requests: { cpu: 32 } } }, 'resources.requests.cpu: 32 exceeds resources.limits.cpu ("16")'],
    [{ drain: { preStopSeconds: 60, terminationGracePeriodSeconds: 60 } }, "drain.terminationGracePeriodSeconds: must exceed drain.preStopSeconds (60), got 60; set drain.terminationGracePeriodSeconds=160"],
    [{ startupProbe: { failureThreshold: 360 } }, "progressDeadlineSeconds: must cover the startup window (startupProbe.periodSeconds x failureThreshold = 3600), got 1800; set progressDeadlineSeconds=3600"],
    [{ model: { path: "/data/llama" } }, 'model.path: "/data/llama" is not inside modelStore.mountPath ("/models")'],
    [{ model: { path: "/modelsX/llama" } }, 'model.path: "/modelsX/llama" is not inside modelStore.mountPath ("/models")'],
    [{ modelStore: { hfHome: "/root/.cache/huggingface" } }, 'modelStore.hfHome: "/root/.cache/huggingface" is not inside modelStore.mountPath ("/models")'],
    [{ engine: { extraArgs: ["--gpu-memory-utilization=0.5"] } }, 'engine.extraArgs[0]: "--gpu-memory-utilization" is set by the chart'],
    [{ engine: { extraArgs: ["--api-key=secret"] } }, 'engine.extraArgs[0]: "--api-key" is set by the chart from its own value (or would put a secret in the pod spec)'],
    [{ env: { HF_HUB_OFFLINE: "0" } }, "env.HF_HUB_OFFLINE: is set by the chart (or reserved); remove it from env"],
    [{ podLabels: { "app.kubernetes.io/name": "x" } }, 'podLabels["app.kubernetes.io/name"]: is a selector label set by the chart; remove it from podLabels'],
    [
      { autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 2, keda: { prometheusServerAddress: "http://prometheus:9090" } } },
      "autoscaling.maxReplicas: must be at least autoscaling.minReplicas (3), got 2; set autoscaling.maxReplicas=3",
    ],
    [{ autoscaling: { enabled: true, kind: "hpa", minReplicas: 0 } }, "autoscaling.minReplicas: a HorizontalPodAutoscaler cannot scale to zero"],
    [{ autoscaling: { enabled: true } }, "autoscaling.keda.prometheusServerAddress: is required when autoscaling.kind is keda"],
  ])("throws when a cross-field rule is broken: %j", (patch, expected) => {
    expect(issuesOf(merge(MINIMAL, patch)).join("\n")).toContain(expected);
  });

  test("GIVEN strategy Recreate WHEN rollingUpdate would stall a rolling update THEN it is not checked (Recreate does not use it)", () => {
    expect(issuesOf(merge(MINIMAL, { strategy: "Recreate", rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }))).toEqual([]);
  });

  test("GIVEN no strategy WHEN parsed THEN updates roll one replica at a time without a surge (no spare GPU needed)", () => {
    const v = modelServerValuesSchema.parse(MINIMAL);
    expect(v.strategy).toBe("RollingUpdate");
    expect(v.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: 1 });
  });

  test("throws when the strategy is not one the chart renders", () => {
    expect(issuesOf(merge(MINIMAL, { strategy: "OnDelete" }))[0]).toMatch(/^strategy: /);
  });

  test("GIVEN autoscaling disabled WHEN its settings are inconsistent THEN they are not checked", () => {
    expect(issuesOf(merge(MINIMAL, { autoscaling: { enabled: false, minReplicas: 3, maxReplicas: 2 } }))).toEqual([]);
  });
});

describe("derived names", () => {
  test.each([
    ["llama-3.1-8b-instruct", "llama-3-1-8b-instruct"],
    ["meta-llama/Llama-3.3-70B-Instruct", "meta-llama-llama-3-3-70b-instruct"],
    ["Qwen/Qwen3-32B:fp8", "qwen-qwen3-32b-fp8"],
    ["70b-chat", "m-70b-chat"],
    ["vllm", "vllm"],
    [`${"a".repeat(51)}-bbb`, "a".repeat(51)],
  ])("modelServerObjectName(%j) is %j", (served, expected) => {
    const name = modelServerObjectName(served);
    expect(name).toBe(expected);
    expect(name).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    expect(name.length).toBeLessThanOrEqual(52);
  });

  test("the Service is <name>-server unless named explicitly", () => {
    expect(modelServerServiceName({ servedModelName: "vllm", service: { name: null, type: "ClusterIP", port: 8000 } })).toBe("vllm-server");
    expect(modelServerServiceName({ servedModelName: "x", service: { name: "chat", type: "ClusterIP", port: 8000 } })).toBe("chat");
  });

  test("the queue query selects the served model", () => {
    expect(modelServerQueueQuery("llama-3.1-8b-instruct")).toBe('sum(vllm:num_requests_waiting{model_name="llama-3.1-8b-instruct"})');
  });
});

describe("parseQuantity", () => {
  test.each([
    ["32Gi", 32 * 2 ** 30],
    ["500m", 0.5],
    ["1.5G", 1.5e9],
    ["8", 8],
    [4, 4],
  ])("%j is %d", (q, expected) => expect(parseQuantity(q)).toBeCloseTo(expected));

  test("throws when the suffix is unknown", () => {
    expect(() => parseQuantity("32GB")).toThrow('not a Kubernetes quantity: "32GB"; expected e.g. "8", "500m" or "32Gi"');
  });
});

describe("modelServerValuesJsonSchema", () => {
  type Node = { [key: string]: unknown };
  const schema = modelServerValuesJsonSchema() as Node;

  /** Every object schema in the tree, with its path. */
  function objectSchemas(node: unknown, path = "(root)"): Array<[string, Node]> {
    if (node === null || typeof node !== "object") return [];
    if (Array.isArray(node)) return node.flatMap((n, i) => objectSchemas(n, `${path}[${i}]`));
    const n = node as Node;
    const own: Array<[string, Node]> = n.type === "object" && n.properties !== undefined ? [[path, n]] : [];
    return [...own, ...Object.entries(n).flatMap(([k, v]) => objectSchemas(v, `${path}.${k}`))];
  }

  test("is draft-07 (understood by every Helm 3 release) and deterministic", () => {
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(JSON.stringify(modelServerValuesJsonSchema())).toBe(JSON.stringify(schema));
  });

  test("rejects unknown keys in every object", () => {
    const objects = objectSchemas(schema);
    expect(objects.length).toBeGreaterThan(20);
    for (const [path, node] of objects) expect([path, node.additionalProperties]).toEqual([path, false]);
  });

  test("documents every property", () => {
    for (const [path, node] of objectSchemas(schema)) {
      for (const [key, prop] of Object.entries(node.properties as Record<string, Node>)) {
        expect([`${path}.${key}`, typeof prop.description]).toEqual([`${path}.${key}`, "string"]);
      }
    }
  });

  test("requires every non-nullable key (values.yaml supplies them) and no nullable one (Helm drops nulls)", () => {
    const root = schema as { required: string[]; properties: Record<string, Node> };
    expect(root.required).toContain("image");
    expect(root.required).not.toContain("apiKeySecret");
    const engine = root.properties.engine as { required: string[] };
    expect(engine.required).toEqual(expect.arrayContaining(["gpuMemoryUtilization", "maxModelLen", "tensorParallelSize"]));
    expect(engine.required).not.toContain("maxNumSeqs");
  });

  test("uses only patterns Go's RE2 compiles (no lookaround, no back-references)", () => {
    const patterns = JSON.stringify(schema).match(/"pattern":"(?:[^"\\]|\\.)*"/g) ?? [];
    expect(patterns.length).toBeGreaterThan(10);
    for (const p of patterns) expect(p).not.toMatch(/\(\?[=!<]|\\[1-9]/);
  });
});
