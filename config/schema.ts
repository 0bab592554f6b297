/**
 * The environment file format (`environments/<name>.yaml`): the single source of truth.
 * Types are inferred from these schemas; `environments/README.md` is generated from them.
 * Objects are strict (a typo is an error); collections are maps keyed by a stable name.
 * Cross-field and catalog checks live in `checks.ts`, which runs after this parses.
 */
import { z } from "zod";
import { COST_DEFAULTS, DEFAULT_ALTERNATIVES } from "../catalog/cost-defaults";
import { GPU_OPERATOR } from "../catalog/upstream";

/** RFC 1123 label: Kubernetes namespaces, environment and pool names. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: Kubernetes node names. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Kubernetes label key: optional DNS prefix + `/` + name of at most 63 characters. */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** Kubernetes label value: empty, or at most 63 alphanumerics, `-`, `_`, `.`. */
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
/** A catalog id: lower-case words joined by `-` or `.`. */
const CATALOG_ID = /^[a-z0-9][a-z0-9.-]*$/;

export const dnsLabel = (what: string) =>
  z
    .string()
    .max(63, `${what} must be at most 63 characters`)
    .regex(DNS_LABEL, `${what} must be a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit`);

const catalogId = (what: string) =>
  z.string().regex(CATALOG_ID, `${what} must be a catalog id: lower-case letters, digits, "-" and "."`);

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();

// ---------------------------------------------------------------------------------------------
// cluster and backend

/** A node taint. */
export const TaintObjectSchema = z
  .strictObject({
    key: z.string().regex(LABEL_KEY, "must be a Kubernetes label key").describe("Taint key."),
    value: z.string().regex(LABEL_VALUE, "must be a Kubernetes label value").describe("Taint value."),
    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).describe("Taint effect."),
  })
  .describe("A node taint: key, value and effect.");

export const ClusterSchema = z
  .strictObject({
    kubeconfig: z
      .strictObject({
        path: z
          .string()
          .min(1)
          .default("~/.kube/config")
          .describe(
            "Kubeconfig file, read at deploy time (Terraform variable `kubeconfig_path`, overridable with TF_VAR_kubeconfig_path). Must start with `~/` or be relative to the project: absolute paths would tie the plan to one machine.",
          ),
        context: z
          .string()
          .min(1)
          .describe("Kubeconfig context of the cluster this environment deploys to (variable `kubeconfig_context`)."),
      })
      .describe("How Terraform reaches the cluster."),
    otherNodes: z
      .union([
        z.literal(false).describe("The GPU pools' nodes are the whole cluster (a deskside workstation, a single-node k3s)."),
        z
          .strictObject({
            labels: z
              .record(z.string().regex(LABEL_KEY, "must be a Kubernetes label key"), z.string().regex(LABEL_VALUE, "must be a Kubernetes label value"))
              .default({})
              .describe("Labels every one of them carries (besides kubernetes.io/os: linux)."),
            taints: z
              .array(TaintObjectSchema)
              .default([])
              .describe("Taints every one of them carries; workloads that tolerate none of them cannot run there."),
          })
          .describe("There are schedulable nodes besides the GPU pools (control plane, CPU workers)."),
      ])
      .default({ labels: {}, taints: [] })
      .describe(
        "Nodes of the cluster besides the GPU pools: `false` when there are none, else what they carry. Synth checks that every pod the stack creates or places (GPU Operator, NFD, NFS CSI driver, prefetch Jobs, model servers) has a node to run on.",
      ),
  })
  .describe("The Kubernetes cluster of this environment.");

const LocalBackendSchema = z
  .strictObject({
    type: z.literal("local"),
    path: z
      .string()
      .min(1)
      .optional()
      .describe("State file, relative to the project root. @default `state/<name>.tfstate`"),
  })
  .describe("State in a local file (the default).");

const S3BackendSchema = z
  .strictObject({
    type: z.literal("s3"),
    bucket: z.string().min(1).describe("Bucket name."),
    key: z.string().min(1).optional().describe("Object key. @default `ai-factory/<name>.tfstate`"),
    region: z.string().min(1).default("us-east-1").describe("Region (any value for most S3-compatible stores)."),
    endpoint: z
      .string()
      .url()
      .optional()
      .describe("Endpoint of an S3-compatible store (MinIO, Ceph RGW); credentials come from the usual AWS_* variables."),
    usePathStyle: z.boolean().default(false).describe("Path-style addressing, needed by most on-prem S3 stores."),
    encrypt: z
      .boolean()
      .optional()
      .describe(
        "Ask for server-side encryption of the state object (`x-amz-server-side-encryption`). S3-compatible stores without a KMS (MinIO without KES, some Ceph RGW set-ups) reject such requests. @default - true on AWS, false with `endpoint`",
      ),
  })
  .describe("State in an S3 or S3-compatible bucket.");

const PgBackendSchema = z
  .strictObject({
    type: z.literal("pg"),
    schemaName: z.string().min(1).optional().describe("Database schema. @default `ai_factory_<name>`"),
  })
  .describe("State in PostgreSQL; the connection string comes from PG_CONN_STR at deploy time, never from the file.");

const HttpBackendSchema = z
  .strictObject({
    type: z.literal("http"),
    address: z.string().url().describe("State endpoint."),
    lockAddress: z.string().url().optional().describe("Lock endpoint."),
    unlockAddress: z.string().url().optional().describe("Unlock endpoint."),
  })
  .describe("State behind an HTTP endpoint (GitLab, Terraform HTTP servers); credentials from TF_HTTP_* variables.");

const ConsulBackendSchema = z
  .strictObject({
    type: z.literal("consul"),
    address: z.string().min(1).describe("Consul agent, `host:port`."),
    path: z.string().min(1).optional().describe("KV path. @default `ai-factory/<name>`"),
    scheme: z.enum(["http", "https"]).default("https").describe("Scheme to reach the agent."),
  })
  .describe("State in Consul KV; the token comes from CONSUL_HTTP_TOKEN.");

export const BackendSchema = z
  .discriminatedUnion("type", [LocalBackendSchema, S3BackendSchema, PgBackendSchema, HttpBackendSchema, ConsulBackendSchema])
  .describe("Terraform state backend.");

// ---------------------------------------------------------------------------------------------
// mirror for air-gapped sites

export const MirrorSchema = z
  .strictObject({
    registry: z
      .string()
      .regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/, "must be a registry host with an optional path, e.g. registry.corp.example/mirror")
      .describe(
        "Registry prefix for every image: `nvcr.io/nvidia/gpu-operator` is pulled as `<registry>/nvcr.io/nvidia/gpu-operator`.",
      ),
    chartRepository: z
      .string()
      .regex(/^(https?|oci):\/\/\S+$/, "must be an https://, http:// or oci:// URL")
      .describe("Helm repository (https://) or OCI registry (oci://) that serves every upstream chart under its usual name."),
  })
  .describe("Internal mirror for air-gapped sites: one setting redirects every image and chart.");

// ---------------------------------------------------------------------------------------------
// node pools

export const InlineServerSchema = z
  .strictObject({
    id: catalogId("server.id")
      .optional()
      .describe("A catalog server to start from; the other fields then override its figures."),
    gpu: catalogId("server.gpu").optional().describe("GPU catalog id."),
    gpusPerServer: z.number().int().min(1).max(16).optional().describe("GPUs in one server."),
    priceUsd: nonNegative.optional().describe("Purchase price of one server, USD."),
    powerKw: z
      .strictObject({
        idle: nonNegative.describe("Wall power at idle, kW."),
        max: positive.describe("Wall power at full load, kW."),
      })
      .optional()
      .describe("Power of one server."),
  })
  .describe("A server defined inline, or a catalog server with overrides.");

export const ServerRefSchema = z
  .union([catalogId("server"), InlineServerSchema])
  .describe("A server catalog id (e.g. `hgx-h100-8`), or an inline server.");

export const GpuSharingSchema = z
  .discriminatedUnion("mode", [
    z.strictObject({ mode: z.literal("none") }).describe("Each pod gets whole GPUs."),
    z
      .strictObject({
        mode: z.literal("time-slicing"),
        replicasPerGpu: z
          .number()
          .int()
          .min(2, "time-slicing needs at least 2 replicas per GPU (1 is the same as no sharing)")
          .max(64)
          .describe("How many pods share one GPU (no memory isolation between them)."),
      })
      .describe("GPU time-slicing through the device plugin."),
    z
      .strictObject({
        mode: z.literal("mig"),
        profile: z.string().min(1).describe("MIG profile every GPU of the pool is split into, e.g. `3g.40gb`."),
      })
      .describe("Multi-Instance GPU: hardware-isolated slices."),
  ])
  .default({ mode: "none" })
  .describe("How the pool's GPUs are shared between pods.");

export const TaintSchema = z
  .union([z.literal(false), TaintObjectSchema])
  .default({ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" })
  .describe("Taint on every node of the pool so only GPU workloads land there; `false` for none.");

export const NodePoolSchema = z
  .strictObject({
    nodes: z
      .array(
        z
          .string()
          .max(253)
          .regex(DNS_SUBDOMAIN, "must be a Kubernetes node name (lower-case RFC 1123 subdomain)"),
      )
      .min(1, "a node pool needs at least one node")
      .describe("Names of the existing Kubernetes nodes in the pool; one server each."),
    server: ServerRefSchema,
    gpuSharing: GpuSharingSchema,
    taint: TaintSchema,
    labels: z
      .record(z.string().regex(LABEL_KEY, "must be a Kubernetes label key"), z.string().regex(LABEL_VALUE, "must be a Kubernetes label value"))
      .default({})
      .describe("Extra labels on every node of the pool (keys under `ai-factory.io/` and `nvidia.com/` are reserved)."),
  })
  .describe("A named set of existing GPU nodes of one server type.");

// ---------------------------------------------------------------------------------------------
// GPU Operator

/** The GPU Operator chart we test against: NVIDIA's repository, pinned (catalog/upstream.ts). */
export const GPU_OPERATOR_CHART = GPU_OPERATOR.chart;

export const GpuOperatorSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Install the NVIDIA GPU Operator (off when the cluster already runs it)."),
    version: z
      .string()
      .regex(/^v?\d+\.\d+\.\d+$/, "must be a pinned chart version such as v25.10.1 (never a range or `latest`)")
      .default(GPU_OPERATOR_CHART.version)
      .describe("GPU Operator chart version (repository https://helm.ngc.nvidia.com/nvidia)."),
    driver: z
      .strictObject({
        managed: z
          .boolean()
          .default(false)
          .describe("Let the operator install the NVIDIA driver as a container; `false` when hosts have it preinstalled."),
        version: z
          .string()
          .regex(/^\d+\.\d+(\.\d+)?$/, "must be a driver version such as 580.105.08")
          .optional()
          .describe("Driver version when managed. @default - the chart's default driver"),
      })
      .default({ managed: false })
      .describe("The NVIDIA kernel driver."),
    migStrategy: z
      .enum(["single", "mixed"])
      .default("single")
      .describe(
        "How MIG slices are advertised: `single` as `nvidia.com/gpu` (every node homogeneous), `mixed` as `nvidia.com/mig-<profile>`.",
      ),
    dcgmExporter: z
      .strictObject({
        enabled: z.boolean().default(true).describe("Run the DCGM exporter for GPU metrics."),
        serviceMonitor: z
          .boolean()
          .optional()
          .describe(
            "Create a Prometheus Operator ServiceMonitor for it, with `monitoring.serviceMonitorLabels`. @default - true when `monitoring` is set",
          ),
      })
      .default({ enabled: true })
      .describe("GPU telemetry."),
    timeoutSeconds: z
      .number()
      .int()
      .min(60)
      .default(900)
      .describe("How long `helm_release` waits for the operator to become ready."),
  })
  .default({
    enabled: true,
    version: GPU_OPERATOR_CHART.version,
    driver: { managed: false },
    migStrategy: "single",
    dcgmExporter: { enabled: true },
    timeoutSeconds: 900,
  })
  .describe("The NVIDIA GPU Operator: device plugin, GPU feature discovery, MIG manager, DCGM exporter.");

// ---------------------------------------------------------------------------------------------
// models and the model store

/** Kubernetes object names are derived from served names; 52 leaves room for suffixes. */
const SERVED_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export const PrecisionSchema = z
  .enum(["bf16", "fp8", "int4", "mxfp4"])
  .describe("Weight precision: bf16, fp8 (vLLM quantizes a bf16 checkpoint at load), or the checkpoint's own int4/mxfp4.");

const GIT_SHA = /^[0-9a-f]{40}$/;

export const InlineModelSchema = z
  .strictObject({
    id: catalogId("model.id").optional().describe("A catalog model to start from; the other fields then override it."),
    name: z.string().min(1).optional().describe("Display name."),
    parametersB: z
      .strictObject({
        total: positive.describe("All parameters, billions."),
        active: positive.optional().describe("Parameters used per token (MoE), billions. @default - total"),
      })
      .optional()
      .describe("Parameter counts."),
    layers: z.number().int().positive().optional().describe("Transformer layers."),
    hiddenSize: z.number().int().positive().optional().describe("Hidden size."),
    attentionHeads: z.number().int().positive().optional().describe("Query heads."),
    kvHeads: z.number().int().positive().optional().describe("Key/value heads (GQA)."),
    headDim: z.number().int().positive().optional().describe("Dimension of one head."),
    attention: z
      .discriminatedUnion("kind", [
        z.strictObject({
          kind: z.literal("gqa"),
          slidingWindow: z
            .strictObject({
              layers: z.number().int().positive().describe("Layers with sliding-window attention."),
              windowTokens: z.number().int().positive().describe("Window length, tokens."),
            })
            .optional(),
        }),
        z.strictObject({
          kind: z.literal("mla"),
          kvLoraRank: z.number().int().positive().describe("Latent KV rank."),
          qkRopeHeadDim: z.number().int().positive().describe("Decoupled RoPE key dimension."),
        }),
      ])
      .optional()
      .describe("Attention layout. @default `{ kind: gqa }`"),
    nativePrecision: PrecisionSchema.optional().describe("Precision of the published checkpoint. @default `bf16`"),
    defaultContextTokens: z.number().int().positive().optional().describe("Longest context the model supports."),
    huggingFace: z
      .strictObject({
        repo: z.string().regex(/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/, "must be a Hugging Face repository such as org/model").describe("Repository."),
        revision: z.string().regex(GIT_SHA, "must be a commit SHA (40 hex digits), never a branch").describe("Pinned commit."),
        gated: z.boolean().default(false).describe("Whether downloading needs an accepted licence and a token."),
      })
      .optional()
      .describe("Where the weights come from."),
    checkpointGiB: positive.optional().describe("Size of the checkpoint on disk, GiB. @default - parameters × bytes per weight"),
  })
  .describe("A model defined inline, or a catalog model with overrides.");

export const ModelRefSchema = z
  .union([catalogId("model"), InlineModelSchema])
  .describe("A model catalog id (e.g. `llama-3.3-70b`), or an inline model.");

export const ReplicasSchema = z
  .union([
    z.number().int().min(1).describe("A fixed number of replicas."),
    z
      .strictObject({
        min: z.number().int().min(1).describe("Fewest replicas (scale-to-zero needs a request-holding router, so at least 1)."),
        max: z.number().int().min(1).describe("Most replicas."),
      })
      .describe("Autoscaling between min and max on queued requests."),
  ])
  .default(1)
  .describe("Replicas: a number, or `{ min, max }` for autoscaling.");

const fraction = z.number().min(0).max(1);

export const TokenMixSchema = z
  .strictObject({
    input: fraction.describe("Fresh prompt tokens."),
    cachedInput: fraction.describe("Prompt tokens read from a prompt cache."),
    cacheWrite: fraction.describe("Prompt tokens written to a prompt cache."),
    output: fraction.describe("Generated tokens (reasoning tokens included)."),
  })
  .describe("Shares of the tokens by class; they sum to 1.");

export const DemandSchema = z
  .strictObject({
    tokensPerDay: positive.describe("Tokens a day, all classes together."),
    mix: TokenMixSchema,
    peakToAverage: z.number().min(1).default(COST_DEFAULTS.peakToAverage.value).describe("Peak rate over the daily average rate; capacity is sized for the peak."),
    maxSecondsPerOutputToken: positive
      .optional()
      .describe("Latency target: at most this many seconds per output token for one sequence (0.04 = 25 tokens/s)."),
  })
  .describe("Expected load of a model.");

export const ModelDeploymentSchema = z
  .strictObject({
    model: ModelRefSchema,
    pool: dnsLabel("pool").describe("Node pool the model runs on."),
    precision: PrecisionSchema.optional().describe("Weight precision. @default - the checkpoint's native precision"),
    tensorParallel: z.number().int().min(1).max(16).default(1).describe("GPUs one replica shards the model over (one server at most)."),
    maxContextTokens: z
      .number()
      .int()
      .min(256)
      .optional()
      .describe("Context length per sequence (`--max-model-len`). @default - the model's context, at most 32768"),
    maxConcurrentSequences: z
      .number()
      .int()
      .min(1)
      .default(16)
      .describe("Sequences one replica serves at once at full context (`--max-num-seqs`); the fit check sizes KV cache for them."),
    replicas: ReplicasSchema,
    autoscaling: z
      .strictObject({
        kind: z.enum(["keda", "hpa"]).default("keda").describe("KEDA ScaledObject or HorizontalPodAutoscaler."),
        prometheusServerAddress: z
          .string()
          .url()
          .default("http://prometheus-operated.monitoring.svc:9090")
          .describe("Prometheus that scrapes vLLM (KEDA)."),
        waitingRequestsThreshold: z.number().positive().default(5).describe("Queued requests per replica that trigger a scale-up."),
      })
      .default({ kind: "keda", prometheusServerAddress: "http://prometheus-operated.monitoring.svc:9090", waitingRequestsThreshold: 5 })
      .describe("How `replicas: { min, max }` scales, on `vllm:num_requests_waiting`."),
    kvCacheDtype: z.enum(["auto", "bf16", "fp8"]).default("auto").describe("KV-cache element type; fp8 halves the KV memory."),
    gpuMemoryUtilization: z
      .number()
      .min(0.5)
      .max(0.98)
      .default(0.9)
      .describe("Fraction of GPU memory vLLM may use (`--gpu-memory-utilization`), always emitted."),
    overheadGiB: nonNegative.optional().describe("Runtime overhead per GPU in the fit check. @default 2"),
    apiKeySecret: z
      .strictObject({
        name: dnsLabel("secret name").describe("Existing Secret in the models namespace."),
        key: z.string().min(1).default("VLLM_API_KEY").describe("Key in the Secret."),
      })
      .optional()
      .describe("API key the server requires, from an existing Secret (never inline)."),
    serviceMonitor: z
      .boolean()
      .optional()
      .describe(
        "Create a ServiceMonitor for the server's /metrics, with `monitoring.serviceMonitorLabels`. @default - true when `monitoring` is set",
      ),
    rollout: z
      .enum(["surge", "recreate"])
      .default("surge")
      .describe(
        "How an update replaces replicas: `surge` starts a new replica before stopping an old one (no lost capacity; the pool keeps one replica's GPUs free for it), `recreate` stops the replicas first (a short outage, no spare GPUs: a 4-GPU workstation can serve a model at tensorParallel 4).",
      ),
    demand: DemandSchema.optional(),
    measuredTokensPerSecond: positive
      .optional()
      .describe("Measured output tokens per second of one replica at this configuration; replaces the roofline estimate."),
  })
  .describe("A served model: which weights, on which pool, how sharded and how many.");

export const ModelStoreVolumeSchema = z
  .discriminatedUnion("kind", [
    z
      .strictObject({
        kind: z.literal("storageClass"),
        storageClass: z.string().min(1).describe("An RWX storage class of the cluster (NFS, CephFS, …)."),
      })
      .describe("A new ReadWriteMany claim from an existing storage class."),
    z
      .strictObject({
        kind: z.literal("nfs"),
        server: z.string().min(1).describe("NFS server."),
        path: z.string().regex(/^\//, "must be an absolute export path such as /export/models").describe("Exported path."),
        mountOptions: z.array(z.string().min(1)).default(["nfsvers=4.1"]).describe("NFS mount options."),
      })
      .describe("Install the NFS CSI driver and a storage class for this export (reclaim policy Retain)."),
    z
      .strictObject({
        kind: z.literal("existingClaim"),
        claimName: dnsLabel("claim name").describe("An existing ReadWriteMany claim in the models namespace."),
      })
      .describe("An existing claim, managed elsewhere."),
  ])
  .describe("Where the weights live.");

export const ModelSourceSchema = z
  .discriminatedUnion("kind", [
    z
      .strictObject({
        kind: z.literal("s3"),
        endpoint: z.string().url().describe("S3-compatible endpoint (MinIO, Ceph RGW)."),
        bucket: z.string().min(1).describe("Bucket holding `<org>/<model>/<revision>/` folders."),
        prefix: z.string().default("").describe("Key prefix inside the bucket."),
        credentialsSecret: dnsLabel("secret name").describe(
          "Existing Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
        ),
      })
      .describe("An on-prem S3-compatible store."),
    z
      .strictObject({
        kind: z.literal("http"),
        url: z.string().url().describe("Base URL of a mirror laid out as `<org>/<model>/<revision>/<file>`."),
      })
      .describe("An internal HTTP mirror."),
    z
      .strictObject({
        kind: z.literal("huggingFace"),
        tokenSecret: dnsLabel("secret name").optional().describe("Existing Secret with HF_TOKEN, needed for gated models."),
        endpoint: z.string().url().optional().describe("HF_ENDPOINT of a Hugging Face proxy. @default - huggingface.co"),
      })
      .describe("The Hugging Face hub, where a site allows it."),
  ])
  .describe("Where the prefetch Job copies weights from.");

export const ModelStoreSchema = z
  .strictObject({
    volume: ModelStoreVolumeSchema,
    source: ModelSourceSchema,
    headroomPercent: z.number().min(0).max(500).default(20).describe("Space beyond the weights, percent."),
    sizeGiB: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        "Size of the claim, GiB; at least the weights plus headroom. Set it to keep the claim's size when a model is removed (a claim cannot shrink). @default - the weights plus headroom, rounded up to 10 GiB",
      ),
    prefetchTimeoutMinutes: z
      .number()
      .int()
      .min(5)
      .optional()
      .describe("How long `terraform apply` waits for a prefetch Job. @default - from the weights' size at 50 MB/s, at least 30"),
  })
  .describe("The shared volume of model weights, and how it is filled.");

// ---------------------------------------------------------------------------------------------
// costs

const d = COST_DEFAULTS;

export const ApiAlternativeSchema = z
  .union([
    catalogId("api"),
    z.strictObject({
      id: catalogId("api.id").describe("Name in reports."),
      usdPerMillion: z
        .strictObject({
          input: nonNegative,
          cachedInput: nonNegative,
          cacheWrite: nonNegative,
          output: nonNegative,
        })
        .describe("USD per million tokens of each class."),
    }),
  ])
  .describe("A price-book id (catalog/prices.ts), or an inline contract price.");

export const GpuRentalAlternativeSchema = z
  .union([
    catalogId("gpuRental"),
    z.strictObject({
      id: catalogId("gpuRental.id").describe("Name in reports."),
      usdPerGpuHour: positive.describe("USD per GPU-hour."),
    }),
  ])
  .describe("A price-book id, or an inline quote.");

export const AlternativeSchema = z
  .union([
    z.strictObject({ api: ApiAlternativeSchema }),
    z.strictObject({
      gpuRental: GpuRentalAlternativeSchema,
      alwaysOn: z
        .boolean()
        .default(true)
        .describe("Rent the same GPUs around the clock; false pays only the GPU-hours the demand needs."),
    }),
  ])
  .describe("A cloud alternative: `api:` per-token prices, or `gpuRental:` per GPU-hour.");

export const CostsSchema = z
  .strictObject({
    hoursPerMonth: positive.default(d.hoursPerMonth.value).describe("Hours in a month."),
    horizonMonths: z
      .array(z.number().int().min(1))
      .min(1)
      .default([...d.horizonMonths.value])
      .describe("Months at which savings are reported."),
    amortizationYears: positive.default(d.amortizationYears.value).describe("Straight-line depreciation period, years."),
    residualPercent: z.number().min(0).max(100).default(d.residualPercent.value).describe("Resale value at the end, percent of capex."),
    infraCapexPercent: nonNegative.default(d.infraCapexPercent.value).describe("Network, racks, storage, installation: percent of the servers' price."),
    electricityUsdPerKwh: nonNegative.default(d.electricityUsdPerKwh.value).describe("Electricity, USD per kWh."),
    pue: z.number().min(1).default(d.pue.value).describe("Power usage effectiveness of the room (cooling and losses)."),
    spaceUsdPerMonth: nonNegative.default(d.spaceUsdPerMonth.value).describe("Fixed rent, USD per month."),
    spaceUsdPerKwMonth: nonNegative.default(d.spaceUsdPerKwMonth.value).describe("Colocation rent per kW of the servers' maximum power, USD per kW-month."),
    supportPercentPerYear: nonNegative.default(d.supportPercentPerYear.value).describe("Hardware support, percent of capex per year."),
    staff: z
      .strictObject({
        fte: nonNegative.describe("Full-time equivalents running the factory."),
        usdPerYear: nonNegative.describe("Loaded cost of one FTE, USD per year."),
      })
      .default({ ...d.staff.value })
      .describe("People."),
    utilization: z.number().min(0).max(1).default(d.utilization.value).describe("Average load between idle (0) and full power (1), for the energy bill."),
    alternatives: z
      .array(AlternativeSchema)
      .default(DEFAULT_ALTERNATIVES.map((a) => ({ ...a })))
      .describe("What the on-prem factory is compared with."),
    allowShortfall: z
      .boolean()
      .default(false)
      .describe("Accept capacity below the demand's peak (validate fails otherwise; cost always reports it)."),
  })
  .describe("Assumptions of the cost summary; every default comes from catalog/cost-defaults.ts with its source.");

// ---------------------------------------------------------------------------------------------
// catalog overrides

export const SourceSchema = z
  .strictObject({
    url: z.string().min(1).describe("Where the figure comes from: a datasheet, a quote, a benchmark report."),
    date: z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/, "must be a date, YYYY-MM-DD or YYYY-MM").describe("When it was read or published."),
    note: z.string().optional().describe("What it says, or how the figure was derived."),
  })
  .describe("The source of an overriding figure (mandatory: reports print what every number rests on).");

export const GpuOverrideSchema = z
  .strictObject({
    name: z.string().min(1).optional().describe("Marketing name."),
    memoryGiB: positive.optional().describe("GPU memory, GiB."),
    memoryBandwidthTBps: positive.optional().describe("Memory bandwidth, TB/s."),
    denseTflops: z
      .strictObject({
        bf16: positive.optional().describe("Dense BF16 TFLOPS."),
        fp8: positive.nullable().optional().describe("Dense FP8 TFLOPS; null where not native."),
        fp4: positive.nullable().optional().describe("Dense FP4 TFLOPS; null where not native."),
      })
      .optional()
      .describe("Dense tensor throughput."),
    tdpW: positive.optional().describe("Board power, W."),
    migProfiles: z
      .array(
        z.strictObject({
          name: z.string().regex(/^[1-7]g\.\d+gb$/, "must be a MIG profile name such as 3g.40gb"),
          memoryGiB: positive,
          instancesPerGpu: z.number().int().min(1).max(7),
        }),
      )
      .optional()
      .describe("MIG profiles; [] for none."),
    source: SourceSchema,
  })
  .describe("A catalog GPU's figures replaced (only the fields given), or a new GPU (every figure given).");

export const CalibrationOverrideSchema = z
  .strictObject({
    computeEfficiency: z.number().positive().max(1).optional().describe("Share of the compute ceiling reached by compute-bound decode."),
    computeEfficiencyFp4: z.number().positive().max(1).optional().describe("The same at FP4."),
    memoryBandwidthEfficiency: z.number().positive().max(1).optional().describe("Share of HBM bandwidth reached by bandwidth-bound decode."),
    prefillEfficiency: z.number().positive().max(1).optional().describe("Share of the compute ceiling charged for prompt tokens."),
    source: SourceSchema,
  })
  .describe("Throughput calibration factors replacing the catalog's (catalog/calibration.ts), e.g. fitted on your own benchmark.");

export const CatalogOverridesSchema = z
  .strictObject({
    gpus: z.record(catalogId("GPU id"), GpuOverrideSchema).default({}).describe("GPUs, keyed by catalog id."),
    calibration: CalibrationOverrideSchema.optional(),
    registry: z
      .strictObject({
        pullMBps: positive.describe("Sustained image pull rate from the registry (or mirror) to one node, MB/s (10^6 bytes)."),
        source: SourceSchema,
      })
      .optional()
      .describe("Image pull rate of this site, replacing the catalog's (it sets how long a first install may take)."),
  })
  .describe(
    "Outside-world figures for this environment only: GPU specs and the throughput calibration. Servers, models and prices are overridden where they are used (`server: { id, priceUsd }`, `model: { id, ... }`, inline alternatives).",
  );

// ---------------------------------------------------------------------------------------------
// monitoring

export const MonitoringSchema = z
  .strictObject({
    serviceMonitorLabels: z
      .record(z.string().regex(LABEL_KEY, "must be a Kubernetes label key"), z.string().regex(LABEL_VALUE, "must be a Kubernetes label value"))
      .describe(
        "Labels on every ServiceMonitor the stack creates: those your Prometheus' `serviceMonitorSelector` matches. kube-prometheus-stack selects `release: <its Helm release name>` by default; `{}` only if your Prometheus selects every ServiceMonitor.",
      ),
  })
  .describe(
    "The cluster's Prometheus Operator. When set, the DCGM exporter and every model server get a ServiceMonitor it scrapes; without it none are created, and autoscaling (which reads vLLM's queue from Prometheus) is refused.",
  );

// ---------------------------------------------------------------------------------------------
// the environment

export const NamespacesSchema = z
  .strictObject({
    gpuOperator: dnsLabel("namespace").default("gpu-operator").describe("Namespace of the GPU Operator (Pod Security `privileged`)."),
    models: dnsLabel("namespace").default("ai-models").describe("Namespace of model servers and the model store (Pod Security `restricted`)."),
  })
  .default({ gpuOperator: "gpu-operator", models: "ai-models" })
  .describe("Namespaces the stack creates.");

export const EnvironmentSchema = z
  .strictObject({
    name: dnsLabel("name").describe("Environment name; must equal the file name without `.yaml`. It names the cdktf stack."),
    description: z.string().min(1).describe("What this environment is for, shown in plans and cost reports."),
    cluster: ClusterSchema,
    backend: BackendSchema.default({ type: "local" }),
    mirror: MirrorSchema.optional(),
    namespaces: NamespacesSchema,
    nodePools: z
      .record(dnsLabel("node pool name"), NodePoolSchema)
      .refine((pools) => Object.keys(pools).length > 0, "an environment needs at least one node pool")
      .describe("GPU node pools, keyed by pool name."),
    gpuOperator: GpuOperatorSchema,
    monitoring: MonitoringSchema.optional(),
    models: z
      .record(
        z.string().max(52).regex(SERVED_NAME, "must be a served model name: lower-case letters, digits, \"-\" and \".\", at most 52 characters"),
        ModelDeploymentSchema,
      )
      .default({})
      .describe("Served models, keyed by the name clients send as `model`."),
    modelStore: ModelStoreSchema.optional(),
    costs: CostsSchema.prefault({}),
    catalog: CatalogOverridesSchema.optional(),
  })
  .describe("One environment: one cluster, one cdktf stack.");

/** An environment file as written (defaults not yet applied). */
export type EnvironmentInput = z.input<typeof EnvironmentSchema>;
/** An environment file with defaults applied. */
export type Environment = z.infer<typeof EnvironmentSchema>;
export type NodePool = z.infer<typeof NodePoolSchema>;
export type GpuSharing = z.infer<typeof GpuSharingSchema>;
export type Backend = z.infer<typeof BackendSchema>;
export type Mirror = z.infer<typeof MirrorSchema>;
export type Monitoring = z.infer<typeof MonitoringSchema>;
export type Taint = z.infer<typeof TaintObjectSchema>;
export type Cluster = z.infer<typeof ClusterSchema>;
export type GpuOperatorConfig = z.infer<typeof GpuOperatorSchema>;
export type InlineServer = z.infer<typeof InlineServerSchema>;
export type ModelDeployment = z.infer<typeof ModelDeploymentSchema>;
export type InlineModel = z.infer<typeof InlineModelSchema>;
export type ModelStoreConfig = z.infer<typeof ModelStoreSchema>;
export type ModelSource = z.infer<typeof ModelSourceSchema>;
export type Precision = z.infer<typeof PrecisionSchema>;
export type Costs = z.infer<typeof CostsSchema>;
export type Demand = z.infer<typeof DemandSchema>;
export type Alternative = z.infer<typeof AlternativeSchema>;
export type GpuOverride = z.infer<typeof GpuOverrideSchema>;
export type CatalogOverrides = z.infer<typeof CatalogOverridesSchema>;
