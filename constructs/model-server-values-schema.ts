/**
 * Values of the local chart `charts/model-server` (one vLLM OpenAI-compatible server per release).
 *
 * This zod schema is the single source of truth: `scripts/gen-chart-schema.ts` turns it into the
 * chart's `values.schema.json` (Helm checks it on every install and render), and the ModelServer
 * construct types the values it passes to the chart with `ModelServerValues`. It lives beside the
 * construct, the one user of the chart. Every pattern here must be valid in Go's RE2 as well as in
 * JavaScript, because Helm compiles the JSON Schema patterns (no lookahead, no back-references).
 *
 * Cross-field rules live in `superRefine` below and, with the same messages, in
 * `charts/model-server/templates/_helpers.tpl` (`model-server.validate`), because JSON Schema
 * cannot express them and the chart must also refuse them when used on its own.
 */
import { z } from "zod";
import { helmValuesJsonSchema } from "./helm-json-schema";

import { VLLM } from "../catalog/upstream";
import { show } from "../config/errors";
import { DNS1035_LABEL, DNS_SUBDOMAIN, LABEL_KEY, LABEL_VALUE, GIT_SHA, modelServerObjectName } from "../config/kubernetes-names";

// ---------------------------------------------------------------------------------------------
// Shared patterns (RE2-compatible)
// ---------------------------------------------------------------------------------------------

// Kubernetes names, label keys and values, commits: config/kubernetes-names.ts, shared with the
// environment schema. Names of Secrets, claims and RuntimeClasses are DNS-1123 subdomains.
const DNS1123_SUBDOMAIN = DNS_SUBDOMAIN;
/** Label and annotation keys (Kubernetes calls them qualified names). */
const QUALIFIED_NAME = LABEL_KEY;
/** A positive Kubernetes quantity without exponent: `8`, `500m`, `32Gi`, `1.5G`. */
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
/** Environment variable names as POSIX shells accept them. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** An absolute path of plain segments. */
const ABSOLUTE_PATH = /^(\/[A-Za-z0-9._@+=-]+)+$/;

const positiveInt = () => z.number().int().min(1);
const nonNegativeInt = () => z.number().int().min(0);

const quantity = (what: string) =>
  z.union([
    z.string().regex(QUANTITY, {
      error: (iss) => `${what} must be a Kubernetes quantity such as "8", "500m" or "32Gi", got ${show(iss.input)}`,
    }),
    z.number().positive(),
  ]);

/** Record-level message for a bad key (zod reports key failures as one "invalid_key" issue). */
const qualifiedKeyError = (what: string) => ({
  error: (iss: { code?: string; input?: unknown }) =>
    iss.code === "invalid_key"
      ? `${what} keys must be qualified names such as "team" or "example.com/team", got ${show(iss.input)}`
      : undefined,
});

const stringMap = (what: string) => z.record(z.string().regex(QUALIFIED_NAME), z.string(), qualifiedKeyError(what));

const labelMap = (what: string) =>
  z.record(
    z.string().regex(QUALIFIED_NAME),
    z
      .string()
      .max(63)
      .regex(LABEL_VALUE, {
        error: (iss) => `${what} values must be label values (alphanumerics, "-", "_", "."), got ${show(iss.input)}`,
      }),
    qualifiedKeyError(what),
  );

// ---------------------------------------------------------------------------------------------
// Constants shared with the chart templates (the chart repeats them; tests keep both in step)
// ---------------------------------------------------------------------------------------------

/**
 * The pinned vLLM image tag (also the chart's appVersion). 0.16 is the first release with
 * `--disable-access-log-for-endpoints`; `--shutdown-timeout` (0.18) is not used.
 */
export const MODEL_SERVER_IMAGE_TAG = VLLM.image.tag;

/** Port vLLM listens on inside the container (`--port`); the Service maps `service.port` to it. */
export const MODEL_SERVER_CONTAINER_PORT = 8000;

/** Home directory of the non-root user; an emptyDir, so caches that default to `~` are writable. */
export const MODEL_SERVER_HOME = "/home/vllm";

/**
 * Flags the chart always sets from dedicated values; `engine.extraArgs` may not repeat them.
 * `--api-key` and `--hf-token` are here too: a secret on the command line ends up in the pod
 * spec, so the key comes from `apiKeySecret` (environment variable `VLLM_API_KEY`) instead.
 */
export const MODEL_SERVER_MANAGED_FLAGS: readonly string[] = [
  "--api-key",
  "--disable-access-log-for-endpoints",
  "--gpu-memory-utilization",
  "--hf-token",
  "--host",
  "--kv-cache-dtype",
  "--max-model-len",
  "--max-num-seqs",
  "--model",
  "--port",
  "--quantization",
  "--revision",
  "--served-model-name",
  "--tensor-parallel-size",
];

/** Environment variables the chart sets itself; `env` may not repeat them. */
export const MODEL_SERVER_MANAGED_ENV: readonly string[] = [
  "DO_NOT_TRACK",
  "HF_HOME",
  "HF_HUB_OFFLINE",
  "HOME",
  "TORCHINDUCTOR_CACHE_DIR",
  "USER",
  "VLLM_API_KEY",
  "VLLM_LOGGING_LEVEL",
  // Not set by the chart, but the reason `enableServiceLinks` is off: a value here breaks vLLM.
  "VLLM_PORT",
];

/** Labels the chart puts on pods and uses in selectors; `podLabels` may not override them. */
export const MODEL_SERVER_SELECTOR_LABELS: readonly string[] = [
  "ai-factory/model",
  "app.kubernetes.io/instance",
  "app.kubernetes.io/name",
];

/** The Service name vLLM's documentation forbids (its `VLLM_PORT` link variable breaks vLLM). */
const FORBIDDEN_SERVICE_NAME = "vllm";

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

const image = z
  .strictObject({
    repository: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9._:-]*[a-z0-9])?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/, {
        error: (iss) => `image.repository must be an image name such as "vllm/vllm-openai", got ${show(iss.input)}`,
      })
      .default("vllm/vllm-openai")
      .describe("Image repository; point it at an internal mirror on air-gapped sites."),
    tag: z
      .string()
      .max(128)
      .regex(/^[A-Za-z0-9_.-]*[0-9][A-Za-z0-9_.-]*$/, {
        error: (iss) =>
          `image.tag must be a pinned version containing a digit such as "v0.16.0" (never "latest"), got ${show(iss.input)}`,
      })
      .default(MODEL_SERVER_IMAGE_TAG)
      .describe("Pinned image tag (a version, never `latest`); vLLM >= 0.16 for `--disable-access-log-for-endpoints`."),
    digest: z
      .string()
      .regex(/^sha256:[a-f0-9]{64}$/, {
        error: (iss) => `image.digest must be "sha256:" and 64 hex digits, got ${show(iss.input)}`,
      })
      .nullable()
      .default(null)
      .describe("Optional digest (`sha256:…`); when set the image is pulled by tag and digest, so a moved tag cannot change it."),
    pullPolicy: z
      .enum(["IfNotPresent", "Never"])
      .default("IfNotPresent")
      .describe("`IfNotPresent` or `Never` (pre-loaded nodes). `Always` is not offered: tags are pinned, and a registry round-trip on every start makes the registry an outage dependency."),
  })
  .prefault({})
  .describe("Container image of the vLLM OpenAI-compatible server.");

const model = z
  .strictObject({
    path: z
      .string()
      .regex(ABSOLUTE_PATH, {
        error: (iss) => `model.path must be an absolute directory path such as "/models/meta-llama/Llama-3.1-8B-Instruct", got ${show(iss.input)}`,
      })
      .describe("Directory of the weights inside the model store mount (filled by the prefetch Job); the first argument of `vllm serve`."),
    revision: z
      .string()
      .regex(GIT_SHA, {
        error: (iss) => `model.revision must be a Hugging Face commit (40 lowercase hex digits), never a branch, got ${show(iss.input)}`,
      })
      .describe("Hugging Face commit of the weights (`--revision`); pins what the prefetch Job fetched."),
  })
  .describe("Which weights to serve.");

const engine = z
  .strictObject({
    tensorParallelSize: positiveInt()
      .max(16)
      .default(1)
      .describe("GPUs one replica shards the model over (`--tensor-parallel-size`); must equal `resources.gpu.count`."),
    maxModelLen: positiveInt().describe("Context length in tokens (`--max-model-len`); explicit so the 128k defaults of some models never apply silently."),
    gpuMemoryUtilization: z
      .number()
      .gt(0)
      .max(1)
      .default(VLLM.defaultGpuMemoryUtilization)
      .describe("Fraction of GPU memory vLLM may use (`--gpu-memory-utilization`, always emitted): 0.9 on a dedicated GPU, 0.8 when co-located."),
    maxNumSeqs: positiveInt()
      .nullable()
      .default(null)
      .describe("Concurrent sequences per replica (`--max-num-seqs`); null leaves vLLM's hardware-dependent default (256 or 1024)."),
    kvCacheDtype: z
      .enum(["auto", "fp8", "fp8_e4m3", "fp8_e5m2"])
      .default("auto")
      .describe("KV-cache element type (`--kv-cache-dtype`); `fp8` halves KV memory."),
    quantization: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, {
        error: (iss) => `engine.quantization must be a vLLM quantization method such as "fp8" or "awq_marlin", got ${show(iss.input)}`,
      })
      .nullable()
      .default(null)
      .describe("Quantization method (`--quantization`); null lets vLLM read it from the checkpoint."),
    accessLogExcludedPaths: z
      .array(
        z.string().regex(/^\/[A-Za-z0-9._/-]*$/, {
          error: (iss) => `engine.accessLogExcludedPaths entries must be URL paths such as "/health", got ${show(iss.input)}`,
        }),
      )
      .default(["/health", "/metrics", "/v1/models"])
      .describe("Paths left out of the access log (`--disable-access-log-for-endpoints`, vLLM >= 0.16); empty omits the flag."),
    extraArgs: z
      .array(
        z.string().regex(/^--[a-z0-9][a-z0-9-]*(=.*)?$/, {
          error: (iss) => `engine.extraArgs entries must be single "--flag" or "--flag=value" words, got ${show(iss.input)}`,
        }),
      )
      .default([])
      .describe("More `vllm serve` flags, each as `--flag` or `--flag=value`; flags the chart sets itself are refused."),
  })
  .describe("vLLM engine flags, all emitted explicitly so an image upgrade never changes them silently.");

const resources = z
  .strictObject({
    requests: z
      .strictObject({
        cpu: quantity("resources.requests.cpu").default("8").describe("CPU request."),
        memory: quantity("resources.requests.memory").default("32Gi").describe("Memory request."),
      })
      .prefault({})
      .describe("CPU and memory the scheduler reserves."),
    limits: z
      .strictObject({
        cpu: quantity("resources.limits.cpu").nullable().default("16").describe("CPU limit; null for none (no throttling of the tokenizer and scheduler threads)."),
        memory: quantity("resources.limits.memory").default("64Gi").describe("Memory limit; must hold the process and the `/dev/shm` volume (it counts against this limit)."),
      })
      .prefault({})
      .describe("CPU and memory limits."),
    gpu: z
      .strictObject({
        resourceName: z
          .string()
          .regex(/^nvidia\.com\/(gpu|gpu\.shared|mig-[1-7]g\.[0-9]+gb)$/, {
            error: (iss) =>
              `resources.gpu.resourceName must be "nvidia.com/gpu", "nvidia.com/gpu.shared" or a MIG slice such as "nvidia.com/mig-3g.40gb", got ${show(iss.input)}`,
          })
          .default("nvidia.com/gpu")
          .describe("Extended resource: `nvidia.com/gpu`, time-sliced `nvidia.com/gpu.shared`, or a MIG slice `nvidia.com/mig-<g>g.<mem>gb`."),
        count: positiveInt().max(16).default(1).describe("GPUs (or slices) per replica, requested and limited alike; equals `engine.tensorParallelSize`."),
      })
      .prefault({})
      .describe("GPU resource per replica."),
  })
  .prefault({})
  .describe("Per-replica resources.");

const toleration = z
  .strictObject({
    key: z.string().regex(QUALIFIED_NAME).optional().describe("Taint key; omitted with operator Exists to tolerate every taint."),
    operator: z.enum(["Exists", "Equal"]).describe("`Exists` or `Equal`."),
    value: z.string().optional().describe("Taint value (operator Equal)."),
    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional().describe("Taint effect; omitted for all effects."),
    tolerationSeconds: nonNegativeInt().optional().describe("How long a NoExecute taint is tolerated."),
  })
  .describe("A pod toleration, as in the Kubernetes API.");

interface ProbeDefaults {
  readonly periodSeconds: number;
  readonly failureThreshold: number;
  readonly timeoutSeconds?: number;
}

const probeTiming = (what: string, defaults: ProbeDefaults) => {
  const shape = {
    periodSeconds: positiveInt().default(defaults.periodSeconds).describe(`Seconds between ${what} checks.`),
    failureThreshold: positiveInt().default(defaults.failureThreshold).describe(`Failed ${what} checks in a row before Kubernetes acts.`),
  };
  return defaults.timeoutSeconds === undefined
    ? z.strictObject(shape).prefault({})
    : z
        .strictObject({
          ...shape,
          timeoutSeconds: positiveInt().default(defaults.timeoutSeconds).describe(`Seconds before one ${what} check times out.`),
        })
        .prefault({});
};

const autoscaling = z
  .strictObject({
    enabled: z.boolean().default(false).describe("Scale replicas on the request queue; `replicas` is then left to the autoscaler."),
    kind: z
      .enum(["keda", "hpa"])
      .default("keda")
      .describe("`keda` (ScaledObject with a Prometheus query) or `hpa` (autoscaling/v2 on a Pods metric from prometheus-adapter)."),
    minReplicas: nonNegativeInt()
      .default(1)
      .describe("Fewest replicas; 0 only with KEDA and a router that holds requests while a replica starts."),
    maxReplicas: positiveInt().default(2).describe("Most replicas; at least `minReplicas`."),
    keda: z
      .strictObject({
        prometheusServerAddress: z
          .string()
          .regex(/^https?:\/\/[^\s]+$/, {
            error: (iss) => `autoscaling.keda.prometheusServerAddress must be an http(s) URL, got ${show(iss.input)}`,
          })
          .nullable()
          .default(null)
          .describe("Prometheus URL KEDA queries, e.g. `http://prometheus-operated.monitoring.svc:9090`; required when kind is keda."),
        query: z
          .string()
          .min(1)
          .nullable()
          .default(null)
          .describe('PromQL override; null uses `sum(vllm:num_requests_waiting{model_name="<servedModelName>"})`.'),
        waitingRequestsThreshold: z
          .number()
          .positive()
          .default(5)
          .describe("Waiting requests per replica that trigger a scale-up (production-stack default 5)."),
        ignoreNullValues: z
          .boolean()
          .default(false)
          .describe(
            "KEDA's `ignoreNullValues` (KEDA >= 2.8): false makes an empty query result an error of the scaler (visible in the ScaledObject's status) instead of a silent 0 that never scales; KEDA's own default is true.",
          ),
        pollingIntervalSeconds: positiveInt().default(15).describe("Seconds between KEDA queries."),
        cooldownPeriodSeconds: nonNegativeInt()
          .default(360)
          .describe("Seconds after the last activity before scaling to zero (only with minReplicas 0)."),
      })
      .prefault({})
      .describe("KEDA settings (kind keda)."),
    hpa: z
      .strictObject({
        metricName: z
          .string()
          .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, {
            error: (iss) =>
              `autoscaling.hpa.metricName must be a custom-metrics API name such as "vllm_num_requests_waiting" (no ":"), got ${show(iss.input)}`,
          })
          .default("vllm_num_requests_waiting")
          .describe("Pods metric as exposed by prometheus-adapter (colons renamed), e.g. `vllm_num_requests_waiting`."),
        targetAverageValue: z.number().positive().default(5).describe("Target average of the metric per replica."),
        scaleDownStabilizationSeconds: nonNegativeInt()
          .default(300)
          .describe("Window before scaling down (>= 120 s recommended: replicas are slow to start)."),
      })
      .prefault({})
      .describe("HorizontalPodAutoscaler settings (kind hpa)."),
  })
  .prefault({})
  .describe("Autoscaling on the vLLM request queue.");

/** The chart's values (before cross-field rules). */
const modelServerValuesObject = z.strictObject({
  servedModelName: z
    .string()
    .max(128)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/:-]*$/, {
      error: (iss) =>
        `servedModelName must start with a letter or digit and use only letters, digits, ".", "_", "/", ":" and "-", got ${show(iss.input)}`,
    })
    .describe("Public model name clients send (`--served-model-name`); object names are derived from it (lower-cased, DNS-1035)."),
  image: image,
  imagePullSecrets: z
    .array(z.string().max(253).regex(DNS1123_SUBDOMAIN))
    .default([])
    .describe("Names of existing image pull Secrets (private mirrors)."),
  model: model,
  engine: engine,
  replicas: nonNegativeInt().default(1).describe("Replicas when autoscaling is off (from capacity planning)."),
  strategy: z
    .enum(["RollingUpdate", "Recreate"])
    .default("RollingUpdate")
    .describe(
      "How an update replaces the replicas: `RollingUpdate` a few at a time (see `rollingUpdate`), or `Recreate`: every replica stops before the new ones start (a short outage, but no GPU beyond the replicas' own; for pools that keep none free, such as one workstation).",
    ),
  rollingUpdate: z
    .strictObject({
      maxSurge: nonNegativeInt()
        .default(0)
        .describe("Replicas started above `replicas` during an update; 1 only when the pool keeps a replica's GPUs free for it."),
      maxUnavailable: nonNegativeInt()
        .default(1)
        .describe("Replicas that may be down during an update; 0 (with maxSurge 1) for updates without lost capacity."),
    })
    .prefault({})
    .describe("Rolling update of the Deployment (strategy `RollingUpdate`); the default never needs a spare GPU."),
  progressDeadlineSeconds: positiveInt()
    .default(1800)
    .describe("Seconds a rollout may take before it is reported failed; covers the whole startup window."),
  resources: resources,
  nodeSelector: labelMap("nodeSelector")
    .default({})
    .describe("Node labels a replica must match, e.g. `nvidia.com/gpu.product` from GPU feature discovery."),
  tolerations: z
    .array(toleration)
    .default([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }])
    .describe("Tolerations; the default tolerates the GPU taint the node pools carry."),
  runtimeClassName: z
    .string()
    .max(253)
    .regex(DNS1123_SUBDOMAIN)
    .nullable()
    .default("nvidia")
    .describe("RuntimeClass (`nvidia`, as the GPU Operator installs it); null when the node's default runtime is already NVIDIA's."),
  securityContext: z
    .strictObject({
      runAsUser: positiveInt().default(1000).describe("Non-root user id (Pod Security `restricted`)."),
      runAsGroup: positiveInt().default(1000).describe("Non-root group id."),
      fsGroup: positiveInt().default(1000).describe("Supplementary group owning mounted volumes; the model store must be readable by it."),
    })
    .prefault({})
    .describe("Identity of the server process."),
  modelStore: z
    .strictObject({
      claimName: z
        .string()
        .max(253)
        .regex(DNS1123_SUBDOMAIN, {
          error: (iss) => `modelStore.claimName must be a PersistentVolumeClaim name, got ${show(iss.input)}`,
        })
        .describe("Existing PersistentVolumeClaim holding the weights (ReadWriteMany when replicas > 1); mounted read-only."),
      mountPath: z
        .string()
        .regex(ABSOLUTE_PATH)
        .default("/models")
        .describe("Where the model store is mounted; `model.path` and `modelStore.hfHome` must be inside it."),
      hfHome: z
        .string()
        .regex(ABSOLUTE_PATH)
        .default("/models/.hf")
        .describe("`HF_HOME` (Hugging Face cache, read with `HF_HUB_OFFLINE=1`)."),
    })
    .describe("The shared volume with the prefetched weights."),
  shm: z
    .strictObject({
      sizeLimit: quantity("shm.sizeLimit")
        .nullable()
        .default("4Gi")
        .describe(
          "Size of the memory-backed `/dev/shm` (counts against the memory limit); null keeps the runtime's 64Mi, allowed only with tensorParallelSize 1.",
        ),
    })
    .prefault({})
    .describe("Shared memory for tensor-parallel workers (NCCL): 4Gi for one GPU, 16Gi with tensor parallelism."),
  startupProbe: probeTiming("startup", { periodSeconds: 10, failureThreshold: 60 }).describe(
    "Startup probe on `/health`; allows periodSeconds x failureThreshold for loading (vLLM serves /health only once loaded).",
  ),
  readinessProbe: probeTiming("readiness", { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 }).describe(
    "Readiness probe on `/health`.",
  ),
  livenessProbe: probeTiming("liveness", { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 5 }).describe(
    "Liveness probe on `/health`; tolerant, since a restart reloads the whole model.",
  ),
  drain: z
    .strictObject({
      preStopSeconds: nonNegativeInt()
        .default(30)
        .describe("Seconds the preStop hook sleeps so gateways stop sending before vLLM gets SIGTERM; 0 for no hook."),
      terminationGracePeriodSeconds: positiveInt()
        .default(130)
        .describe("Seconds from deletion to SIGKILL; larger than preStopSeconds plus the longest request."),
    })
    .prefault({})
    .describe("Graceful shutdown."),
  apiKeySecret: z
    .strictObject({
      name: z.string().max(253).regex(DNS1123_SUBDOMAIN).describe("Existing Secret."),
      key: z
        .string()
        .regex(/^[-._a-zA-Z0-9]+$/)
        .default("VLLM_API_KEY")
        .describe("Key in the Secret holding the API key."),
    })
    .nullable()
    .default(null)
    .describe("Secret with the API key vLLM requires from clients (`VLLM_API_KEY`); null for none (the gateway authenticates)."),
  env: z
    .record(z.string().regex(ENV_NAME), z.string(), {
      error: (iss) =>
        iss.code === "invalid_key" ? `env keys must be environment variable names ([A-Za-z_][A-Za-z0-9_]*), got ${show(iss.input)}` : undefined,
    })
    .default({})
    .describe("Extra environment variables, by name (never secrets: use Secrets)."),
  logLevel: z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]).default("INFO").describe("`VLLM_LOGGING_LEVEL`."),
  service: z
    .strictObject({
      name: z
        .string()
        .max(63)
        .regex(DNS1035_LABEL, {
          error: (iss) => `service.name must be a DNS-1035 label, got ${show(iss.input)}`,
        })
        .nullable()
        .default(null)
        .describe('Service name; null for `<name>-server`. Never "vllm".'),
      type: z.enum(["ClusterIP", "NodePort", "LoadBalancer"]).default("ClusterIP").describe("Service type; ClusterIP behind the gateway."),
      port: positiveInt().max(65535).default(8000).describe("Service port (the container listens on 8000)."),
    })
    .prefault({})
    .describe("The Service in front of the replicas."),
  podDisruptionBudget: z
    .strictObject({
      enabled: z.boolean().default(true).describe("Create a PodDisruptionBudget."),
      maxUnavailable: positiveInt()
        .default(1)
        .describe(
          "Replicas a voluntary disruption (node drain) may take down at once; at least 1, so the budget never blocks a drain for good (not even of a single replica under strategy `Recreate`). Replicas that are not Ready can always be evicted (`unhealthyPodEvictionPolicy: AlwaysAllow`).",
        ),
    })
    .prefault({})
    .describe("PodDisruptionBudget."),
  autoscaling: autoscaling,
  serviceMonitor: z
    .strictObject({
      enabled: z.boolean().default(false).describe("Create a ServiceMonitor (the Prometheus Operator CRD must exist)."),
      interval: z
        .string()
        .regex(/^[0-9]+(s|m)$/, {
          error: (iss) => `serviceMonitor.interval must be a duration such as "30s", got ${show(iss.input)}`,
        })
        .default("30s")
        .describe("Scrape interval."),
      labels: labelMap("serviceMonitor.labels")
        .default({})
        .describe("Labels the Prometheus `serviceMonitorSelector` matches, e.g. `release: kube-prometheus-stack`."),
    })
    .prefault({})
    .describe("Prometheus Operator scraping of `/metrics`."),
  prometheusAnnotations: z.boolean().default(true).describe("Add `prometheus.io/*` scrape annotations to the pods."),
  podLabels: labelMap("podLabels").default({}).describe("Extra pod labels; the selector labels cannot be overridden."),
  podAnnotations: stringMap("podAnnotations").default({}).describe("Extra pod annotations."),
});

/** Raw shape of the values, without the cross-field rules. */
export type ModelServerValuesShape = z.infer<typeof modelServerValuesObject>;

// ---------------------------------------------------------------------------------------------
// Derived names (mirrors `model-server.name` and `model-server.serviceName` in _helpers.tpl)
// ---------------------------------------------------------------------------------------------

// The base name of every object, `modelServerObjectName`, is in config/kubernetes-names.ts: the
// gate refuses two served names that would share it before anything renders.

/** The Service name of a release: `service.name`, or `<object name>-server`. */
export function modelServerServiceName(values: Pick<ModelServerValuesShape, "servedModelName" | "service">): string {
  return values.service.name ?? `${modelServerObjectName(values.servedModelName)}-server`;
}

/** The default KEDA query: the requests waiting in vLLM's queue for this model, over all replicas. */
export function modelServerQueueQuery(servedModelName: string): string {
  return `sum(vllm:num_requests_waiting{model_name="${servedModelName}"})`;
}

// ---------------------------------------------------------------------------------------------
// Quantities (for the memory rules only the chart cannot check)
// ---------------------------------------------------------------------------------------------

const QUANTITY_FACTORS: Readonly<Record<string, number>> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** Converts a quantity accepted by the schema (`"32Gi"`, `"500m"`, `8`) to a plain number of base units. */
export function parseQuantity(value: string | number): number {
  if (typeof value === "number") return value;
  const match = /^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]*)$/.exec(value);
  const factor = match ? QUANTITY_FACTORS[match[2]] : undefined;
  if (!match || factor === undefined) {
    throw new Error(`not a Kubernetes quantity: ${show(value)}; expected e.g. "8", "500m" or "32Gi"`);
  }
  return Number(match[1]) * factor;
}

// ---------------------------------------------------------------------------------------------
// Cross-field rules
// ---------------------------------------------------------------------------------------------

function flagName(arg: string): string {
  const eq = arg.indexOf("=");
  return eq === -1 ? arg : arg.slice(0, eq);
}

function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

/** The chart's values: a strict schema plus the cross-field rules the chart also enforces. */
export const modelServerValuesSchema = modelServerValuesObject.superRefine((v, ctx) => {
  // Field errors are reported already, and a malformed field would make the rules below misfire.
  if (ctx.issues.length > 0) return;
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });

  if (v.strategy === "RollingUpdate" && v.rollingUpdate.maxSurge === 0 && v.rollingUpdate.maxUnavailable === 0) {
    issue(["rollingUpdate"], "maxSurge and maxUnavailable cannot both be 0 (the rollout could never progress); set rollingUpdate.maxUnavailable=1");
  }
  // A surge says the pool keeps a replica's GPUs free for updates; Recreate never uses them, so
  // the two describe different rollouts (the plan sets one or the other, never both).
  if (v.strategy === "Recreate" && v.rollingUpdate.maxSurge > 0) {
    issue(
      ["rollingUpdate", "maxSurge"],
      `strategy Recreate starts no replica beyond replicas, got ${v.rollingUpdate.maxSurge}; set rollingUpdate.maxSurge=0 or strategy=RollingUpdate`,
    );
  }
  const serviceName = modelServerServiceName(v);
  if (serviceName === FORBIDDEN_SERVICE_NAME) {
    issue(["service", "name"], `the Service may not be named "vllm" (vLLM reads VLLM_PORT, which such a Service injects); set service.name=<other name>`);
  }
  if (v.resources.gpu.count !== v.engine.tensorParallelSize) {
    issue(
      ["resources", "gpu", "count"],
      `must equal engine.tensorParallelSize (${v.engine.tensorParallelSize}), got ${v.resources.gpu.count}; set resources.gpu.count=${v.engine.tensorParallelSize}`,
    );
  }
  if (v.resources.gpu.resourceName.startsWith("nvidia.com/mig-") && v.engine.tensorParallelSize !== 1) {
    issue(
      ["engine", "tensorParallelSize"],
      `MIG slices cannot be combined with tensor parallelism (no NCCL between slices), got ${v.engine.tensorParallelSize}; set engine.tensorParallelSize=1 or use resources.gpu.resourceName=nvidia.com/gpu`,
    );
  }
  if (v.engine.tensorParallelSize > 1 && v.shm.sizeLimit === null) {
    issue(["shm", "sizeLimit"], `is required when engine.tensorParallelSize > 1 (NCCL uses /dev/shm); set shm.sizeLimit=16Gi`);
  }
  if (v.shm.sizeLimit !== null && parseQuantity(v.shm.sizeLimit) >= parseQuantity(v.resources.limits.memory)) {
    issue(
      ["shm", "sizeLimit"],
      `${show(v.shm.sizeLimit)} must be below resources.limits.memory (${show(v.resources.limits.memory)}): /dev/shm counts against the memory limit`,
    );
  }
  if (parseQuantity(v.resources.requests.memory) > parseQuantity(v.resources.limits.memory)) {
    issue(["resources", "requests", "memory"], `${show(v.resources.requests.memory)} exceeds resources.limits.memory (${show(v.resources.limits.memory)})`);
  }
  if (v.resources.limits.cpu !== null && parseQuantity(v.resources.requests.cpu) > parseQuantity(v.resources.limits.cpu)) {
    issue(["resources", "requests", "cpu"], `${show(v.resources.requests.cpu)} exceeds resources.limits.cpu (${show(v.resources.limits.cpu)})`);
  }
  if (v.drain.terminationGracePeriodSeconds <= v.drain.preStopSeconds) {
    issue(
      ["drain", "terminationGracePeriodSeconds"],
      `must exceed drain.preStopSeconds (${v.drain.preStopSeconds}), got ${v.drain.terminationGracePeriodSeconds}; set drain.terminationGracePeriodSeconds=${v.drain.preStopSeconds + 100}`,
    );
  }
  const startupWindowSeconds = v.startupProbe.periodSeconds * v.startupProbe.failureThreshold;
  if (v.progressDeadlineSeconds < startupWindowSeconds) {
    issue(
      ["progressDeadlineSeconds"],
      `must cover the startup window (startupProbe.periodSeconds x failureThreshold = ${startupWindowSeconds}), got ${v.progressDeadlineSeconds}; set progressDeadlineSeconds=${startupWindowSeconds}`,
    );
  }
  if (!isUnder(v.model.path, v.modelStore.mountPath)) {
    issue(["model", "path"], `${show(v.model.path)} is not inside modelStore.mountPath (${show(v.modelStore.mountPath)})`);
  }
  if (!isUnder(v.modelStore.hfHome, v.modelStore.mountPath)) {
    issue(["modelStore", "hfHome"], `${show(v.modelStore.hfHome)} is not inside modelStore.mountPath (${show(v.modelStore.mountPath)})`);
  }
  v.engine.extraArgs.forEach((arg, i) => {
    if (MODEL_SERVER_MANAGED_FLAGS.includes(flagName(arg))) {
      issue(["engine", "extraArgs", i], `${show(flagName(arg))} is set by the chart from its own value (or would put a secret in the pod spec); remove it from engine.extraArgs`);
    }
  });
  for (const name of Object.keys(v.env).sort()) {
    if (MODEL_SERVER_MANAGED_ENV.includes(name)) {
      issue(["env", name], `is set by the chart (or reserved); remove it from env`);
    }
  }
  for (const key of Object.keys(v.podLabels).sort()) {
    if (MODEL_SERVER_SELECTOR_LABELS.includes(key)) {
      issue(["podLabels", key], `is a selector label set by the chart; remove it from podLabels`);
    }
  }
  const a = v.autoscaling;
  if (a.enabled) {
    if (a.maxReplicas < a.minReplicas) {
      issue(["autoscaling", "maxReplicas"], `must be at least autoscaling.minReplicas (${a.minReplicas}), got ${a.maxReplicas}; set autoscaling.maxReplicas=${a.minReplicas}`);
    }
    if (a.kind === "hpa" && a.minReplicas < 1) {
      issue(["autoscaling", "minReplicas"], `a HorizontalPodAutoscaler cannot scale to zero, got 0; set autoscaling.minReplicas=1 or autoscaling.kind=keda`);
    }
    if (a.kind === "keda" && a.keda.prometheusServerAddress === null) {
      issue(
        ["autoscaling", "keda", "prometheusServerAddress"],
        `is required when autoscaling.kind is keda; set autoscaling.keda.prometheusServerAddress=http://<prometheus>.<namespace>.svc:9090`,
      );
    }
  }
});

/** Values of the model-server chart, as validated (every key present; optional ones null). */
export type ModelServerValues = z.infer<typeof modelServerValuesSchema>;

/** What a caller must give: the required keys; everything else falls back to the chart defaults. */
export type ModelServerValuesInput = z.input<typeof modelServerValuesSchema>;

// ---------------------------------------------------------------------------------------------
// JSON Schema for Helm
// ---------------------------------------------------------------------------------------------

/**
 * The JSON Schema (draft-07, which every Helm 3 release understands) of the chart's values, with
 * `additionalProperties: false` on every object, so a misspelt key fails `helm install`.
 */
export function modelServerValuesJsonSchema(): Record<string, unknown> {
  return helmValuesJsonSchema(modelServerValuesObject, "output", {
    comment: "Generated from constructs/model-server-values-schema.ts by scripts/gen-chart-schema.ts; do not edit.",
    title: "Values of the model-server chart (vLLM OpenAI-compatible server)",
  });
}
