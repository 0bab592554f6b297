/**
 * The environment file format (`environments/<name>.yaml`): the single source of truth.
 * Types are inferred from these schemas; `environments/README.md` is generated from them.
 * Objects are strict (a typo is an error); collections are maps keyed by a stable name.
 * Cross-field and catalog checks live in `checks.ts`, which runs after this parses.
 */
import { z } from "zod";
import { COST_DEFAULTS, DEFAULT_ALTERNATIVES } from "../catalog/cost-defaults";
import { GPU_OPERATOR, KUBE_PROMETHEUS_STACK, VLLM } from "../catalog/upstream";
import { show } from "./errors";
import { DNS_LABEL, DNS_SUBDOMAIN, GIT_SHA, HF_REPO, LABEL_KEY, LABEL_VALUE } from "./kubernetes-names";
import { maskUrl, urlProblem } from "./url-safety";

/** A catalog id: lower-case words joined by `-` or `.`. */
const CATALOG_ID = /^[a-z0-9][a-z0-9.-]*$/;

export const dnsLabel = (what: string) =>
  z
    .string()
    .max(63, `${what} must be at most 63 characters`)
    .regex(DNS_LABEL, `${what} must be a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit`);

const catalogId = (what: string) =>
  z.string().regex(CATALOG_ID, `${what} must be a catalog id: lower-case letters, digits, "-" and "."`);

const positive = z.number().positive("must be more than 0");
const nonNegative = z.number().nonnegative("must be 0 or more");

// Every number of the format is bounded on both sides, each bound with its reason in the message:
// inside the bounds the planning arithmetic (products of prices, counts and hours; divisions by
// rates, shares and efficiencies) stays finite and the outputs meaningful, outside them a value is
// a typo or a unit mistake. zod 4's z.number() already refuses YAML's `.inf` and `.nan`.

/** `must be at most <max> (<why>)`: the message of an upper bound. */
export const atMost = (max: number, why: string, shown = String(max)): string => `must be at most ${shown} (${why})`;
/** `must be at least <min> (<why>)`: the message of a lower bound. */
export const atLeast = (min: number, why: string, shown = String(min)): string => `must be at least ${shown} (${why})`;

/** A share in [0, 1]. */
const fraction = z
  .number()
  .min(0, atLeast(0, "a share cannot be negative"))
  .max(1, atMost(1, "a share of the whole"));
/** A USD price per million tokens. */
const usdPerMillion = nonNegative.max(10_000, atMost(10_000, "USD per million tokens; the dearest APIs charge a few hundred"));
/** Replicas of one model. */
const replicaCount = z
  .number()
  .int()
  .min(1, atLeast(1, "scale-to-zero needs a request-holding router"))
  .max(1000, atMost(1000, "replicas of one model in one environment; plan a larger fleet as several pools or clusters"));
/** A share of a roofline: efficiencies of the throughput calibration. */
const efficiency = z
  .number()
  .min(0.01, atLeast(0.01, "1% of the physical ceiling; less is a mistake, not a calibration"))
  .max(1, atMost(1, "a share of the physical ceiling"));
/** Dense tensor TFLOPS of one GPU. */
const tflops = z
  .number()
  .min(1, atLeast(1, "TFLOPS; every data-centre GPU since 2017 has more than 100"))
  .max(100_000, atMost(100_000, "TFLOPS, 100 PFLOPS; the fastest GPUs reach about 10,000 dense at FP4"));
/** Parameters of a model, billions. */
const parametersB = z
  .number()
  .min(0.001, atLeast(0.001, "billions of parameters: one million; the figure is in billions"))
  .max(100_000, atMost(100_000, "billions of parameters: 100 trillion; the largest published models have about 2 trillion"));
/** Tokens of context. */
const contextTokens = (what: string) =>
  z
    .number()
    .int()
    .max(10_000_000, atMost(10_000_000, `${what}; the longest contexts published are 10 million tokens`));

// ---------------------------------------------------------------------------------------------
// URLs and verbatim settings

/**
 * `params` of an issue whose message quotes the value itself, masked: the formatter then leaves
 * the raw value out (config/zod-issues.ts), so a credential never reaches a message or a log.
 */
export const QUOTED_ISSUE = { quoted: true } as const;

/** `what` of safeUrl for the usual case. */
const HTTP_URL = "an http:// or https:// URL";

/**
 * A URL of one of `protocols` without spaces and without credentials: no user info
 * (`https://user:pass@host`), no credential parameter (`?token=`, `X-Amz-Signature`, `sig`, …;
 * the list is in config/url-safety.ts). `what` names the URLs allowed in messages, `fix` says
 * where the credentials go instead (the Secret or environment variable the field's description
 * names). Messages quote the URL with its user info and credential values masked.
 */
export const safeUrl = (what: string, fix: string, protocols: readonly string[] = ["http", "https"]) =>
  z.string().superRefine((value, ctx) => {
    const problem = urlProblem(value, protocols, what);
    if (problem === undefined) return;
    const hint = problem.startsWith("must not carry credentials") ? `; ${fix}` : "";
    ctx.addIssue({ code: "custom", message: `${problem}, got ${show(maskUrl(value))}${hint}`, params: QUOTED_ISSUE });
  });

const TEMPLATE_SEQUENCE = /[$%]\{/;

/**
 * Refuses Terraform template syntax (`${`, `%{`) in a setting Terraform reads verbatim (backend
 * settings, variable defaults), where the escaping every other string gets (constructs/
 * terraform-escape.ts) would change the value instead of protecting it. `why` says why, `fix` what to do.
 */
const verbatim = (why: string, fix: string) => (value: string, ctx: z.core.$RefinementCtx<string>) => {
  const message = verbatimProblem(value, why, fix);
  if (message !== undefined) ctx.addIssue({ code: "custom", message, params: QUOTED_ISSUE });
};

function verbatimProblem(value: string, why: string, fix: string): string | undefined {
  if (!TEMPLATE_SEQUENCE.test(value)) return undefined;
  return `must not contain "\${" or "%{": ${why}, got ${show(maskUrl(value))}; ${fix}`;
}

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

/** Why a Terraform variable's default cannot hold template syntax. */
const VARIABLE_DEFAULT = "it becomes the default of a Terraform variable, which Terraform takes verbatim (no ${…} expansion)";

export const ClusterSchema = z
  .strictObject({
    kubeconfig: z
      .strictObject({
        path: z
          .string()
          .min(1)
          .superRefine(verbatim(VARIABLE_DEFAULT, "write the path itself, or set TF_VAR_kubeconfig_path at deploy time"))
          .default("~/.kube/config")
          .describe(
            "Kubeconfig file, read at deploy time (Terraform variable `kubeconfig_path`). Either `~/…`, in the home directory of whoever deploys (the providers expand it), or a path inside the project, relative to its root, which the stack rebases to the directory Terraform runs in (`.kube/prod.yaml` becomes `../../../.kube/prod.yaml` from `cdktf.out/stacks/<name>`). Absolute, `~user/`, Windows, URL and `$VARIABLE` paths and `..` out of the project are refused. TF_VAR_kubeconfig_path overrides it at deploy time, used as given.",
          ),
        context: z
          .string()
          .min(1)
          .superRefine(verbatim(VARIABLE_DEFAULT, "write the context name itself, or set TF_VAR_kubeconfig_context at deploy time"))
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
      .describe(
        "State file: a path inside the project, relative to its root and not under `cdktf.out/`, rebased like `cluster.kubeconfig.path` (no `~`: the local backend does not expand it). @default `state/<name>.tfstate`",
      ),
  })
  .describe("State in a local file (the default).");

const S3BackendSchema = z
  .strictObject({
    type: z.literal("s3"),
    bucket: z.string().min(1).describe("Bucket name."),
    key: z
      .string()
      .min(1)
      .optional()
      .describe("Object key: no `/` at either end, no `//`, at most 1024 bytes. @default `ai-factory/<name>.tfstate`"),
    region: z.string().min(1).default("us-east-1").describe("Region (any value for most S3-compatible stores)."),
    endpoint: safeUrl(HTTP_URL, "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) at deploy time instead")
      .optional()
      .describe(
        "Endpoint of an S3-compatible store (MinIO, Ceph RGW), without credentials: they come from the usual AWS_* variables.",
      ),
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
    schemaName: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Database schema: lower-case letters, digits and `_`, at most 63 bytes (PostgreSQL cuts longer names), not starting with `pg_`. @default `ai_factory_<name>` with `-` as `_`, which must fit in 63 bytes too",
      ),
  })
  .describe("State in PostgreSQL; the connection string comes from PG_CONN_STR at deploy time, never from the file.");

const HTTP_BACKEND_FIX = "set TF_HTTP_USERNAME and TF_HTTP_PASSWORD at deploy time instead";

const HttpBackendSchema = z
  .strictObject({
    type: z.literal("http"),
    address: safeUrl(HTTP_URL, HTTP_BACKEND_FIX).describe("State endpoint, without credentials (TF_HTTP_USERNAME, TF_HTTP_PASSWORD)."),
    lockAddress: safeUrl(HTTP_URL, HTTP_BACKEND_FIX).optional().describe("Lock endpoint, without credentials."),
    unlockAddress: safeUrl(HTTP_URL, HTTP_BACKEND_FIX).optional().describe("Unlock endpoint, without credentials."),
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

const BACKEND_VERBATIM =
  "backend settings are not templates (Terraform takes them verbatim, OpenTofu 1.8+ evaluates them), so the text would not stay as written";

export const BackendSchema = z
  .discriminatedUnion("type", [LocalBackendSchema, S3BackendSchema, PgBackendSchema, HttpBackendSchema, ConsulBackendSchema])
  .superRefine((backend, ctx) => {
    // Every setting, present and future, of every backend type.
    for (const [key, value] of Object.entries(backend)) {
      const message = typeof value === "string" ? verbatimProblem(value, BACKEND_VERBATIM, "write the value itself") : undefined;
      if (message !== undefined) ctx.addIssue({ code: "custom", path: [key], message, params: QUOTED_ISSUE });
    }
  })
  .describe("Terraform state backend.");

// ---------------------------------------------------------------------------------------------
// mirror for air-gapped sites

/** Registry host (lower-case DNS labels), optional port, optional path of lower-case components. */
const REGISTRY_PREFIX = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]+)?(\/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*$/;

export const MirrorSchema = z
  .strictObject({
    registry: z
      .string()
      // Docker's reference grammar (distribution/reference): host labels and path components start
      // and end with a letter or digit, as the model-server chart's image.repository requires too.
      .regex(REGISTRY_PREFIX, "must be a registry host with an optional path, e.g. registry.corp.example/mirror")
      .describe(
        "Registry prefix for every image: `nvcr.io/nvidia/gpu-operator` is pulled as `<registry>/nvcr.io/nvidia/gpu-operator`.",
      ),
    chartRepository: safeUrl(
      "an https://, http:// or oci:// URL",
      "authenticate the deploying machine instead (`helm registry login <host>` for an oci:// registry; an https:// repository must be readable without credentials)",
      ["https", "http", "oci"],
    ).describe(
      "Helm repository (https://) or OCI registry (oci://) that serves every upstream chart under its usual name; no credentials in the URL (`helm registry login` on the deploying machine).",
    ),
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
    gpusPerServer: z
      .number()
      .int()
      .min(1, atLeast(1, "a GPU server has GPUs"))
      .max(16, atMost(16, "GPUs in one server, one Kubernetes node; HGX boards carry 8"))
      .optional()
      .describe("GPUs in one server."),
    priceUsd: nonNegative
      .max(10_000_000, atMost(10_000_000, "USD for one server; more is a typo or a whole cluster's quote"))
      .optional()
      .describe("Purchase price of one server, USD."),
    powerKw: z
      .strictObject({
        idle: nonNegative.max(200, atMost(200, "kW for one server; a whole GB200 NVL72 rack draws about 130")).describe("Wall power at idle, kW."),
        max: positive.max(200, atMost(200, "kW for one server; a whole GB200 NVL72 rack draws about 130")).describe("Wall power at full load, kW."),
      })
      .optional()
      .describe("Power of one server."),
    interconnect: z
      .strictObject({
        kind: z
          .enum(["nvlink", "pcie"])
          .describe("`nvlink`: NVLink/NVSwitch between every pair of GPUs; `pcie`: PCIe, through switches or the CPUs."),
        gbpsPerGpu: z
          .number()
          .min(1, atLeast(1, "GB/s, one PCIe Gen3 lane; the figure is in gigabytes per second"))
          .max(10_000, atMost(10_000, "GB/s per direction; NVLink 5 gives a GPU 900"))
          .describe("Bandwidth one GPU can send to its peers in one direction, GB/s (10^9 bytes per second): half an NVLink total, a PCIe link's per-direction rate (Gen4 x16: 32, Gen5 x16: 64)."),
      })
      .optional()
      .describe(
        "The GPU-to-GPU link tensor parallelism runs over. @default - the catalog server's with `id`; without `id`, PCIe Gen4 x16 (32 GB/s), an assumption: state the server's own link",
      ),
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
          .max(64, atMost(64, "pods sharing one GPU's memory with no isolation; 64 shares of an 80 GB GPU leave 1.25 GB each"))
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
      .max(5000, "a node pool has at most 5000 nodes (Kubernetes supports clusters of up to 5000 nodes)")
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
      .min(60, atLeast(60, "seconds; the operator's first install pulls several images"))
      .max(86_400, atMost(86_400, "seconds, one day; a release not ready by then has failed"))
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
  .enum(["bf16", "fp8", "int4", "mxfp4", "nvfp4"])
  .describe(
    "Weight precision: bf16, fp8 (vLLM quantizes a bf16 checkpoint at load), or the checkpoint's own int4, mxfp4 (OCP microscaling FP4) or nvfp4 (NVIDIA FP4, e.g. a Model Optimizer export).",
  );

export const InlineModelSchema = z
  .strictObject({
    id: catalogId("model.id").optional().describe("A catalog model to start from; the other fields then override it."),
    name: z.string().min(1).optional().describe("Display name."),
    parametersB: z
      .strictObject({
        total: parametersB.describe("All parameters, billions."),
        active: parametersB.optional().describe("Parameters used per token (MoE), billions; at most `total`. @default - total"),
      })
      .optional()
      .describe("Parameter counts."),
    layers: z.number().int().positive().max(1000, atMost(1000, "layers; published models have at most a few hundred")).optional().describe("Transformer layers."),
    hiddenSize: z.number().int().positive().max(131_072, atMost(131_072, "published models use at most about 16,000")).optional().describe("Hidden size."),
    attentionHeads: z.number().int().positive().max(1024, atMost(1024, "heads; published models use at most 128")).optional().describe("Query heads."),
    kvHeads: z.number().int().positive().max(1024, atMost(1024, "heads; published models use at most 128")).optional().describe("Key/value heads (GQA)."),
    headDim: z.number().int().positive().max(1024, atMost(1024, "published models use 64 to 256")).optional().describe("Dimension of one head."),
    attention: z
      .discriminatedUnion("kind", [
        z.strictObject({
          kind: z.literal("gqa"),
          slidingWindow: z
            .strictObject({
              layers: z.number().int().positive().max(1000, atMost(1000, "layers; published models have at most a few hundred")).describe("Layers with sliding-window attention; at most `layers`."),
              windowTokens: contextTokens("tokens").positive().describe("Window length, tokens."),
            })
            .optional(),
        }),
        z.strictObject({
          kind: z.literal("mla"),
          kvLoraRank: z.number().int().positive().max(65_536, atMost(65_536, "DeepSeek-V3 uses 512")).describe("Latent KV rank."),
          qkRopeHeadDim: z.number().int().positive().max(1024, atMost(1024, "DeepSeek-V3 uses 64")).describe("Decoupled RoPE key dimension."),
        }),
      ])
      .optional()
      .describe("Attention layout. @default `{ kind: gqa }`"),
    nativePrecision: PrecisionSchema.optional().describe("Precision of the published checkpoint. @default `bf16`"),
    defaultContextTokens: contextTokens("tokens").positive().optional().describe("Longest context the model supports."),
    huggingFace: z
      .strictObject({
        repo: z.string().regex(HF_REPO, "must be a Hugging Face repository such as org/model").describe("Repository."),
        revision: z.string().regex(GIT_SHA, "must be a commit SHA (40 hex digits), never a branch").describe("Pinned commit."),
        gated: z.boolean().default(false).describe("Whether downloading needs an accepted licence and a token."),
      })
      .optional()
      .describe("Where the weights come from."),
    checkpointGiB: positive
      .max(100_000, atMost(100_000, "GiB; a 2-trillion-parameter checkpoint in bf16 is about 3,700"))
      .optional()
      .describe("Size of the checkpoint on disk, GiB. @default - parameters × bytes per weight"),
  })
  .describe("A model defined inline, or a catalog model with overrides.");

export const ModelRefSchema = z
  .union([catalogId("model"), InlineModelSchema])
  .describe("A model catalog id (e.g. `llama-3.3-70b`), or an inline model.");

export const ReplicasSchema = z
  .union([
    replicaCount.describe("A fixed number of replicas."),
    z
      .strictObject({
        min: replicaCount.describe("Fewest replicas (scale-to-zero needs a request-holding router, so at least 1)."),
        max: replicaCount.describe("Most replicas."),
      })
      .describe("Autoscaling between min and max on queued requests."),
  ])
  .default(1)
  .describe("Replicas: a number, or `{ min, max }` for autoscaling.");

export const TokenMixSchema = z
  .strictObject({
    input: fraction.describe("Fresh prompt tokens."),
    cachedInput: fraction.describe("Prompt tokens read from a prompt cache."),
    cacheWrite: fraction.describe("Prompt tokens written to a prompt cache."),
    output: z
      .number()
      .min(0.000001, atLeast(0.000001, "every request generates at least one token; with none, a replica's rate in tokens of all classes is unbounded", "0.000001"))
      .max(1, atMost(1, "a share of the whole"))
      .describe("Generated tokens (reasoning tokens included)."),
  })
  .describe("Shares of the tokens by class; they sum to 1.");

export const DemandSchema = z
  .strictObject({
    tokensPerDay: z
      .number()
      .min(1, atLeast(1, "tokens a day; leave `demand` out for a model with none yet"))
      .max(1e15, atMost(1e15, "a quadrillion tokens a day; more is a unit mistake", "1e15"))
      .describe("Tokens a day, all classes together."),
    mix: TokenMixSchema,
    peakToAverage: z
      .number()
      .min(1, atLeast(1, "the busiest hour's rate over the day's average"))
      .max(100, atMost(100, "a peak of 100 times the average carries a whole day's tokens in under 15 minutes"))
      .default(COST_DEFAULTS.peakToAverage.value).describe("Peak rate over the daily average rate; capacity is sized for the peak."),
    promptTokens: z
      .number()
      .min(1, atLeast(1, "tokens in a request's prompt"))
      .max(10_000_000, atMost(10_000_000, "tokens in one prompt; no model reads more", "10,000,000"))
      .optional()
      .describe(
        "Mean prompt tokens per request (cached and fresh), e.g. 20000 for a coding agent that resends its context. With outputTokens it sets the mean context a decoding sequence holds (prompt + half the output). @default - from half of maxContextTokens, split by the mix",
      ),
    outputTokens: z
      .number()
      .min(1, atLeast(1, "token generated per request"))
      .max(10_000_000, atMost(10_000_000, "tokens generated by one request", "10,000,000"))
      .optional()
      .describe("Mean generated tokens per request (reasoning included). @default - see promptTokens"),
    maxSecondsPerOutputToken: positive
      .max(60, atMost(60, "seconds per output token; a slower target is no latency target"))
      .optional()
      .describe("Latency target: at most this many seconds per output token for one sequence (0.04 = 25 tokens/s)."),
    maxSecondsToFirstToken: positive
      .max(600, atMost(600, "seconds to the first token; a slower target is no latency target"))
      .optional()
      .describe("Latency target: the 95th percentile of time to first token, seconds (prompt processing and queueing); alerted on, not sized for."),
  })
  .superRefine((d, ctx) => {
    if ((d.promptTokens === undefined) !== (d.outputTokens === undefined)) {
      const missing = d.promptTokens === undefined ? "promptTokens" : "outputTokens";
      ctx.addIssue({
        code: "custom",
        path: [missing],
        message: `is required with ${missing === "promptTokens" ? "outputTokens" : "promptTokens"}: the two lengths set the mean context together; give both, or neither`,
      });
    }
  })
  .describe("Expected load of a model.");

export const ModelDeploymentSchema = z
  .strictObject({
    model: ModelRefSchema,
    pool: dnsLabel("pool").describe("Node pool the model runs on."),
    precision: PrecisionSchema.optional().describe("Weight precision. @default - the checkpoint's native precision"),
    tensorParallel: z
      .number()
      .int()
      .min(1, atLeast(1, "GPUs per replica"))
      .max(16, atMost(16, "GPUs of one server; serving across servers is out of scope"))
      .default(1).describe("GPUs one replica shards the model over (one server at most)."),
    maxContextTokens: z
      .number()
      .int()
      .min(256, atLeast(256, "tokens; vLLM needs room for a prompt and an answer"))
      .max(10_000_000, atMost(10_000_000, "tokens; the longest contexts published are 10 million tokens"))
      .optional()
      .describe("Context length per sequence (`--max-model-len`). @default - the model's context, at most 32768"),
    maxConcurrentSequences: z
      .number()
      .int()
      .min(1, atLeast(1, "a replica serves at least one sequence"))
      .max(16_384, atMost(16_384, "sequences one replica decodes at once; vLLM's default is 256"))
      .default(16)
      .describe(
        "Sequences one replica decodes at once (`--max-num-seqs`). More than the KV cache holds at the workload's mean context is a warning (vLLM queues or preempts the rest); with strictKvFit, more than it holds at full context is refused.",
      ),
    strictKvFit: z
      .boolean()
      .optional()
      .describe(
        "true: refuse the model unless `maxConcurrentSequences` sequences fit in the KV cache at `maxContextTokens` each, so vLLM never queues or preempts one for memory. false: refuse only what vLLM refuses to start (weights ÷ tensorParallel + overhead + one sequence of `maxContextTokens` above a GPU's usable memory), and warn when `maxConcurrentSequences` is above the sequences the KV cache holds at the workload's mean context. @default - the environment's `strictKvFit` (false)",
      ),
    replicas: ReplicasSchema,
    autoscaling: z
      .strictObject({
        kind: z.enum(["keda", "hpa"]).default("keda").describe("KEDA ScaledObject or HorizontalPodAutoscaler."),
        prometheusServerAddress: safeUrl(
          HTTP_URL,
          "KEDA queries Prometheus without credentials here: use an in-cluster address that needs none, e.g. http://prometheus-operated.monitoring.svc:9090",
        )
          .default("http://prometheus-operated.monitoring.svc:9090")
          .describe("Prometheus that scrapes vLLM (KEDA): an http(s) URL without credentials."),
        waitingRequestsThreshold: z
          .number()
          .positive()
          .max(10_000, atMost(10_000, "queued requests per replica; a replica serves a few hundred at once"))
          .default(5).describe("Queued requests per replica that trigger a scale-up."),
      })
      .default({ kind: "keda", prometheusServerAddress: "http://prometheus-operated.monitoring.svc:9090", waitingRequestsThreshold: 5 })
      .describe("How `replicas: { min, max }` scales, on `vllm:num_requests_waiting`."),
    kvCacheDtype: z.enum(["auto", "bf16", "fp8"]).default("auto").describe("KV-cache element type; fp8 halves the KV memory."),
    gpuMemoryUtilization: z
      .number()
      .min(0.5, atLeast(0.5, "a share of GPU memory; below half, the weights of most models leave no KV cache"))
      .max(0.98, atMost(0.98, "a share of GPU memory; the CUDA context and other processes need the rest"))
      .default(VLLM.defaultGpuMemoryUtilization)
      .describe("Fraction of GPU memory vLLM may use (`--gpu-memory-utilization`), always emitted."),
    overheadGiB: nonNegative.max(1024, atMost(1024, "GiB per GPU; no GPU has 1 TiB")).optional().describe("Runtime overhead per GPU in the fit check. @default 2"),
    apiKeySecret: z
      .strictObject({
        name: dnsLabel("secret name").describe("Existing Secret in the models namespace."),
        key: z
          .string()
          .max(253, "must be a Secret key of at most 253 characters")
          .regex(/^[-._a-zA-Z0-9]+$/, 'must be a Secret key: letters, digits, "-", "_" and "."')
          .default("VLLM_API_KEY")
          .describe("Key in the Secret (letters, digits, `-`, `_`, `.`)."),
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
    measuredTokensPerSecond: z
      .number()
      .min(0.01, atLeast(0.01, "output tokens per second; a replica slower than that serves no one"))
      .max(10_000_000, atMost(10_000_000, "output tokens per second of one replica; it must also stay under the replica's compute ceiling"))
      .optional()
      .describe("Measured output tokens per second of one replica at this configuration; replaces the roofline estimate."),
  })
  .describe("A served model: which weights, on which pool, how sharded and how many.");

export const ModelStoreVolumeSchema = z
  .discriminatedUnion("kind", [
    z
      .strictObject({
        kind: z.literal("storageClass"),
        storageClass: z
          .string()
          .max(253, "a storage class name is at most 253 characters")
          .regex(DNS_SUBDOMAIN, "must be a storage class name (a lower-case RFC 1123 subdomain such as cephfs or nfs-client), as `kubectl get storageclass` lists it")
          .describe("An RWX storage class of the cluster (NFS, CephFS, …)."),
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
        endpoint: safeUrl(HTTP_URL, "put the keys in the Secret named by credentialsSecret instead").describe(
          "S3-compatible endpoint (MinIO, Ceph RGW), without credentials (they come from `credentialsSecret`).",
        ),
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
        url: safeUrl(
          HTTP_URL,
          "the prefetch Jobs read an HTTP mirror without credentials: restrict it by network, or use `kind: s3` with credentialsSecret",
        ).describe("Base URL of a mirror laid out as `<org>/<model>/<revision>/<file>`, readable without credentials."),
      })
      .describe("An internal HTTP mirror."),
    z
      .strictObject({
        kind: z.literal("huggingFace"),
        tokenSecret: dnsLabel("secret name").optional().describe("Existing Secret with HF_TOKEN, needed for gated models."),
        endpoint: safeUrl(HTTP_URL, "put the token in the Secret named by tokenSecret (key HF_TOKEN) instead")
          .optional()
          .describe("HF_ENDPOINT of a Hugging Face proxy, without credentials (the token comes from `tokenSecret`). @default - huggingface.co"),
      })
      .describe("The Hugging Face hub, where a site allows it."),
  ])
  .describe("Where the prefetch Job copies weights from.");

export const ModelStoreSchema = z
  .strictObject({
    volume: ModelStoreVolumeSchema,
    source: ModelSourceSchema,
    headroomPercent: z
      .number()
      .min(0, atLeast(0, "percent beyond the weights"))
      .max(500, atMost(500, "percent beyond the weights"))
      .default(20).describe("Space beyond the weights, percent."),
    sizeGiB: z
      .number()
      .int()
      .positive()
      .max(1_048_576, atMost(1_048_576, "GiB, 1 PiB"))
      .optional()
      .describe(
        "Size of the claim, GiB; at least the weights plus headroom. Set it to keep the claim's size when a model is removed (a claim cannot shrink). @default - the weights plus headroom, rounded up to 10 GiB",
      ),
    egressCidrs: z
      .array(
        z
          .string()
          .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-f:]+\/\d{1,3}$/, "must be a CIDR block such as 10.20.0.0/16"),
      )
      .min(1)
      .optional()
      .describe(
        "Addresses of the weights' source (the S3 or HTTP endpoint): the prefetch Jobs may reach only these, on the source's port. @default - any address on the source's port (a network policy cannot name a host)",
      ),
    prefetchTimeoutMinutes: z
      .number()
      .int()
      .min(5, atLeast(5, "minutes; a download of any checkpoint takes longer"))
      .max(10_080, atMost(10_080, "minutes, one week"))
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
          input: usdPerMillion,
          cachedInput: usdPerMillion,
          cacheWrite: usdPerMillion,
          output: usdPerMillion,
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
      usdPerGpuHour: positive.max(1000, atMost(1000, "USD per GPU-hour; cloud GPUs rent for well under 100")).describe("USD per GPU-hour."),
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
    hoursPerMonth: z
      .number()
      .min(672, atLeast(672, "a month has at least 28 × 24 hours"))
      .max(744, atMost(744, "a month has at most 31 × 24 hours")).default(d.hoursPerMonth.value).describe("Hours in a month."),
    horizonMonths: z
      .array(
        z
          .number()
          .int()
          .min(1, atLeast(1, "months"))
          .max(600, atMost(600, "months: a horizon of at most 50 years")),
      )
      .min(1)
      .refine((months) => new Set(months).size === months.length, "must not repeat a month count")
      .default([...d.horizonMonths.value])
      .describe("Months at which savings are reported."),
    amortizationYears: z
      .number()
      .min(1, atLeast(1, "years; servers are depreciated over 3 to 6"))
      .max(50, atMost(50, "years"))
      .default(d.amortizationYears.value).describe("Straight-line depreciation period, years."),
    residualPercent: z
      .number()
      .min(0, atLeast(0, "percent of capex"))
      .max(100, atMost(100, "percent of capex: nothing resells for more than it cost"))
      .default(d.residualPercent.value).describe("Resale value at the end, percent of capex."),
    infraCapexPercent: nonNegative.max(1000, atMost(1000, "percent of the servers' price; more is a typo")).default(d.infraCapexPercent.value).describe("Network, racks, storage, installation: percent of the servers' price."),
    electricityUsdPerKwh: nonNegative.max(10, atMost(10, "USD per kWh; electricity costs under 1 everywhere")).default(d.electricityUsdPerKwh.value).describe("Electricity, USD per kWh."),
    pue: z
      .number()
      .min(1, atLeast(1, "facility power over IT power"))
      .max(5, atMost(5, "even old server rooms run below 3"))
      .default(d.pue.value).describe("Power usage effectiveness of the room (cooling and losses)."),
    spaceUsdPerMonth: nonNegative.max(10_000_000, atMost(10_000_000, "USD a month")).default(d.spaceUsdPerMonth.value).describe("Fixed rent, USD per month."),
    spaceUsdPerKwMonth: nonNegative.max(10_000, atMost(10_000, "USD per kW-month; colocation rents for a few hundred")).default(d.spaceUsdPerKwMonth.value).describe("Colocation rent per kW of the servers' maximum power, USD per kW-month."),
    supportPercentPerYear: nonNegative.max(100, atMost(100, "percent of capex a year: support dearer than the hardware is a typo")).default(d.supportPercentPerYear.value).describe("Hardware support, percent of capex per year."),
    staff: z
      .strictObject({
        fte: nonNegative.max(10_000, atMost(10_000, "full-time equivalents")).describe("Full-time equivalents running the factory."),
        usdPerYear: nonNegative.max(10_000_000, atMost(10_000_000, "USD a year for one person")).describe("Loaded cost of one FTE, USD per year."),
      })
      .default({ ...d.staff.value })
      .describe("People."),
    utilization: fraction.default(d.utilization.value).describe("Average load between idle (0) and full power (1), for the energy bill."),
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

/** A GPU id: it becomes the node label value `ai-factory.io/gpu` (placement.ts), so at most 63 characters. */
const gpuId = z
  .string()
  .max(63, 'GPU id must be at most 63 characters (it becomes the node label value "ai-factory.io/gpu")')
  .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, 'GPU id must be lower-case letters, digits, "-" and ".", starting and ending with a letter or digit (it becomes a node label value)');

export const GpuOverrideSchema = z
  .strictObject({
    name: z.string().min(1).optional().describe("Marketing name."),
    memoryGiB: z
      .number()
      .min(1, atLeast(1, "GiB"))
      .max(4096, atMost(4096, "GiB; the largest GPUs have 288 GB"))
      .optional()
      .describe("GPU memory, GiB."),
    memoryBandwidthTBps: z
      .number()
      .min(0.01, atLeast(0.01, "TB/s, 10 GB/s: slower than any GPU's memory"))
      .max(100, atMost(100, "TB/s; the fastest GPUs reach 8"))
      .optional()
      .describe("Memory bandwidth, TB/s."),
    denseTflops: z
      .strictObject({
        bf16: tflops.optional().describe("Dense BF16 TFLOPS."),
        fp8: tflops.nullable().optional().describe("Dense FP8 TFLOPS; null where not native."),
        fp4: tflops.nullable().optional().describe("Dense FP4 TFLOPS; null where not native."),
      })
      .optional()
      .describe("Dense tensor throughput."),
    tdpW: z
      .number()
      .min(1, atLeast(1, "W"))
      .max(10_000, atMost(10_000, "W; the most power-hungry GPUs draw about 1,400"))
      .optional()
      .describe("Board power, W."),
    migProfiles: z
      .array(
        z.strictObject({
          name: z
            .string()
            .max(20, 'must be at most 20 characters (it names the node label value "all-<profile>" and the resource "nvidia.com/mig-<profile>")')
            .regex(/^[1-7]g\.\d+gb$/, "must be a MIG profile name such as 3g.40gb"),
          memoryGiB: z.number().min(1, atLeast(1, "GiB; the smallest MIG slices have 5 GB")).max(4096, atMost(4096, "GiB; the largest GPUs have 288 GB")),
          instancesPerGpu: z.number().int().min(1, atLeast(1, "instances")).max(7, atMost(7, "MIG splits a GPU into at most 7 instances")),
        }),
      )
      .optional()
      .describe("MIG profiles; [] for none."),
    source: SourceSchema,
  })
  .describe("A catalog GPU's figures replaced (only the fields given), or a new GPU (every figure given).");

export const CalibrationAdjustmentSchema = z
  .strictObject({
    gpu: gpuId.describe("GPU catalog id the benchmark ran on."),
    family: z.enum(["dense", "moe"]).describe("Model family: dense, or mixture of experts."),
    decodeScale: z
      .number()
      .min(0.05, atLeast(0.05, "times the catalog's decode efficiencies; less means the benchmark did not measure what the model serves"))
      .max(20, atMost(20, "times the catalog's decode efficiencies; every efficiency stays ≤ 1 anyway"))
      .describe("Multiplies the decode efficiencies (weights, KV cache, compute), each kept ≤ 1."),
    prefillScale: z
      .number()
      .min(0.05, atLeast(0.05, "times the catalog's prefill efficiency"))
      .max(20, atMost(20, "times the catalog's prefill efficiency; it stays ≤ 1 anyway"))
      .describe("Multiplies the prefill efficiency, kept ≤ 1."),
    cases: z.number().int().min(1, atLeast(1, "benchmark results")).describe("Benchmark results fitted on."),
    medianAbsLnBefore: z.number().min(0).describe("Median |ln(estimate ÷ measured)| before the adjustment."),
    medianAbsLnAfter: z.number().min(0).describe("The same after it."),
    sources: z.array(SourceSchema).min(1, "must name the benchmark files it was fitted on").describe("The benchmark results."),
  })
  .describe("A site's correction for one GPU and model family, written by `ai-factory calibrate`.");

export const CalibrationOverrideSchema = z
  .strictObject({
    weightBandwidthEfficiency: efficiency.optional().describe("Share of HBM bandwidth reached reading weights in decode."),
    kvBandwidthEfficiency: efficiency.optional().describe("Share of HBM bandwidth reached reading the KV cache in decode."),
    computeEfficiency: efficiency.optional().describe("Share of dense BF16/FP8 FLOPS reached by compute-bound decode."),
    computeEfficiencyFp4: efficiency.optional().describe("The same on FP4 tensor cores."),
    prefillEfficiency: efficiency.optional().describe("Share of dense FLOPS reached by the prompts' matmuls."),
    prefillEfficiencyFp4: efficiency.optional().describe("The same on FP4 tensor cores."),
    attentionEfficiency: efficiency.optional().describe("Share of dense FLOPS reached by attention over the prompt."),
    moeEfficiency: efficiency.optional().describe("Multiplies the efficiencies of mixture-of-experts models' routed experts."),
    moeExpertTokensHalf: z
      .number()
      .min(0, atLeast(0, "tokens per expert; 0 means no dependence on the batch"))
      .max(100_000, atMost(100_000, "tokens per expert; a larger half-point means experts never run efficiently"))
      .optional()
      .describe("Tokens per expert at which a routed expert's matmuls reach half their efficiency."),
    interconnectEfficiency: efficiency.optional().describe("Share of an NVLink interconnect's bandwidth reached by tensor-parallel all-reduces."),
    pcieEfficiency: efficiency.optional().describe("The same over PCIe."),
    allReduceLatencyUs: z
      .number()
      .min(0, atLeast(0, "microseconds"))
      .max(1000, atMost(1000, "microseconds per all-reduce; a millisecond is a network, not a server"))
      .optional()
      .describe("Fixed cost of one all-reduce, µs."),
    crossDomainEfficiency: efficiency.optional().describe("Multiplies the interconnect's bandwidth when a TP group crosses CPU sockets (PCIe servers)."),
    stepOverheadMs: z
      .number()
      .min(0, atLeast(0, "milliseconds"))
      .max(100, atMost(100, "milliseconds per decode step; slower is not a GPU server"))
      .optional()
      .describe("Fixed cost of one decode step, ms."),
    sequenceOverheadUs: z
      .number()
      .min(0, atLeast(0, "microseconds"))
      .max(10_000, atMost(10_000, "microseconds per sequence and step; 10 ms per token is not a GPU server"))
      .optional()
      .describe("Cost of each sequence in a decode step, µs (host work per token)."),
    adjustments: z.array(CalibrationAdjustmentSchema).optional().describe("Per GPU and model family corrections fitted on this site's benchmarks (`ai-factory calibrate`)."),
    source: SourceSchema,
  })
  .describe("Throughput calibration replacing or adjusting the catalog's (catalog/calibration.ts), e.g. fitted on your own benchmark by `ai-factory calibrate`.");

export const CatalogOverridesSchema = z
  .strictObject({
    gpus: z.record(gpuId, GpuOverrideSchema).default({}).describe("GPUs, keyed by catalog id."),
    calibration: CalibrationOverrideSchema.optional(),
    registry: z
      .strictObject({
        pullMBps: z
          .number()
          .min(1, atLeast(1, "MB/s; slower, a first install would wait hours for each image"))
          .max(100_000, atMost(100_000, "MB/s, 100 GB/s: faster than any node's network"))
          .describe("Sustained image pull rate from the registry (or mirror) to one node, MB/s (10^6 bytes)."),
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

const labelMap = z.record(
  z.string().regex(LABEL_KEY, "must be a Kubernetes label key"),
  z.string().regex(LABEL_VALUE, "must be a Kubernetes label value"),
);

/** The Grafana sidecar `ALL` value: it watches every namespace. */
export const ALL_NAMESPACES = "ALL";

const MonitoringGrafanaSchema = z
  .strictObject({
    dashboardLabels: labelMap
      .refine((labels) => Object.keys(labels).length > 0, "must name at least one label: the Grafana sidecar picks dashboard ConfigMaps by label")
      .default({ ...KUBE_PROMETHEUS_STACK.grafanaDashboardLabels })
      .describe("Labels on every dashboard ConfigMap: those your Grafana's dashboard sidecar selects (`sidecar.dashboards.label` and `labelValue` of the Grafana chart)."),
    sidecarNamespace: z
      .string()
      .max(63, "must be at most 63 characters")
      .regex(/^(ALL|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$/, 'must be "ALL" (every namespace) or a namespace name (a DNS label: lower-case letters, digits and "-")')
      .default(ALL_NAMESPACES)
      .describe(
        "Namespace the dashboard sidecar watches (`sidecar.dashboards.searchNamespace`): the dashboards' ConfigMaps go there; `ALL` (kube-prometheus-stack's default) puts them in `monitoring.namespace`.",
      ),
  })
  .describe("The existing Grafana's dashboard sidecar (mode `existing` only).");

const MonitoringPrometheusSchema = z
  .strictObject({
    retentionDays: z
      .number()
      .int()
      .min(1, atLeast(1, "day"))
      .max(3650, atMost(3650, "days, ten years; keep longer history in a remote store"))
      .default(15)
      .describe("Days of metrics Prometheus keeps (Prometheus' own default; the chart's is 10)."),
    storageGiB: z
      .number()
      .int()
      .min(1, atLeast(1, "GiB"))
      .max(65_536, atMost(65_536, "GiB, 64 TiB; one Prometheus holding more should shard or use a remote store"))
      .default(50)
      .describe("Size of Prometheus' volume, GiB; the TSDB is capped at 85% of it (`retentionSize`), whichever of the two limits comes first."),
    storageClass: z
      .string()
      .max(253)
      .regex(DNS_SUBDOMAIN, "must be a storage class name (a lower-case RFC 1123 subdomain), as `kubectl get storageclass` lists it")
      .optional()
      .describe(
        "StorageClass of Prometheus' volume (a ReadWriteOnce claim of `storageGiB`). @default - no claim: an emptyDir limited to `storageGiB`, whose metrics are lost when the pod moves",
      ),
    memoryGiB: z
      .number()
      .min(1, atLeast(1, "GiB; Prometheus needs about 1 GiB at rest"))
      .max(1024, atMost(1024, "GiB; one Prometheus needing more should shard"))
      .default(4)
      .describe("Memory request and limit of Prometheus, GiB: room for about a million active series, far more than the exporters of a GPU cluster of a few dozen nodes produce."),
    kedaNamespace: dnsLabel("namespace")
      .default("keda")
      .describe("Namespace of the cluster's KEDA: its operator queries this Prometheus for autoscaled models, and the network policies admit it."),
  })
  .describe("The installed Prometheus (mode `install` only).");

/** The installed Prometheus' settings when the file gives none. */
const PROMETHEUS_INSTALL_DEFAULTS = MonitoringPrometheusSchema.parse({});

/** Settings of the Prometheus and Grafana that monitoring uses, with what each mode decides filled in. */
interface MonitoringCommon {
  /** Namespace of the Prometheus: the one installed, or the existing one. */
  readonly namespace: string;
  /** Labels on every ServiceMonitor, PodMonitor and PrometheusRule the stack creates. */
  readonly serviceMonitorLabels: Readonly<Record<string, string>>;
  /** The Grafana dashboard sidecar: the labels it selects and the namespace it watches (`ALL`: every one). */
  readonly grafana: { readonly dashboardLabels: Readonly<Record<string, string>>; readonly sidecarNamespace: string };
}

/** `monitoring.mode: install`: kube-prometheus-stack installed by the stack. */
export interface MonitoringInstall extends MonitoringCommon {
  readonly mode: "install";
  readonly prometheus: z.infer<typeof MonitoringPrometheusSchema>;
}

/** `monitoring.mode: existing`: the cluster's own Prometheus Operator and Grafana. */
export interface MonitoringExisting extends MonitoringCommon {
  readonly mode: "existing";
}

const MODE_ONLY: Record<"serviceMonitorLabels" | "grafana" | "prometheus", "install" | "existing"> = {
  serviceMonitorLabels: "existing",
  grafana: "existing",
  prometheus: "install",
};

export const MonitoringSchema = z
  .strictObject({
    mode: z
      .enum(["install", "existing", "none"])
      .default("existing")
      .describe(
        "`install`: the stack installs kube-prometheus-stack (Prometheus Operator, Prometheus, Alertmanager, Grafana, node exporter, kube-state-metrics) into `namespace`; `existing`: the cluster's own Prometheus Operator and Grafana, told apart by `serviceMonitorLabels` and `grafana`; `none`: nothing, as without `monitoring` (autoscaling is refused). @default existing (files written before `mode` existed keep their meaning)",
      ),
    namespace: dnsLabel("namespace")
      .optional()
      .describe(
        "Namespace of the Prometheus. `install`: created by the stack (Pod Security `privileged`: the node exporter reads the host), default-deny ingress; `existing`: the network policies let its pods reach the metrics ports, and the PrometheusRule goes there. @default monitoring",
      ),
    serviceMonitorLabels: labelMap
      .optional()
      .describe(
        "Mode `existing`, required: labels on every ServiceMonitor, PodMonitor and PrometheusRule the stack creates, those your Prometheus' `serviceMonitorSelector`, `podMonitorSelector` and `ruleSelector` match. kube-prometheus-stack selects `release: <its Helm release name>` by default; `{}` only if your Prometheus selects every one. Mode `install` sets `release: kube-prometheus-stack`.",
      ),
    grafana: MonitoringGrafanaSchema.optional(),
    prometheus: MonitoringPrometheusSchema.optional(),
  })
  .superRefine((m, ctx) => {
    const given = (["namespace", "serviceMonitorLabels", "grafana", "prometheus"] as const).filter((key) => m[key] !== undefined);
    if (m.mode === "none") {
      for (const key of given) {
        ctx.addIssue({ code: "custom", path: [key], message: `mode "none" creates nothing (as without \`monitoring\`); remove \`${key}\`, or choose mode "install" or "existing"` });
      }
      return;
    }
    for (const key of ["serviceMonitorLabels", "grafana", "prometheus"] as const) {
      if (m[key] === undefined || MODE_ONLY[key] === m.mode) continue;
      ctx.addIssue({
        code: "custom",
        path: [key],
        message:
          m.mode === "install"
            ? key === "serviceMonitorLabels"
              ? `is decided by mode "install": the installed Prometheus selects ServiceMonitors, PodMonitors and PrometheusRules labelled release: ${KUBE_PROMETHEUS_STACK.releaseName}; remove it`
              : `is decided by mode "install": the installed Grafana's sidecar reads ConfigMaps labelled grafana_dashboard: "1" in every namespace; remove it`
            : `only applies with mode "install" (the Prometheus the stack installs); remove it, or set mode: install`,
      });
    }
    if (m.mode === "existing" && m.serviceMonitorLabels === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["serviceMonitorLabels"],
        message:
          'is required with mode "existing": the labels your Prometheus selects ServiceMonitors, PodMonitors and PrometheusRules by (kube-prometheus-stack: `release: <its release name>`; `{}` if it selects every one), or set mode: install',
      });
    }
  })
  .transform((m): MonitoringInstall | MonitoringExisting | undefined => {
    const namespace = m.namespace ?? "monitoring";
    if (m.mode === "none") return undefined;
    if (m.mode === "install") {
      return {
        mode: "install",
        namespace,
        serviceMonitorLabels: { release: KUBE_PROMETHEUS_STACK.releaseName },
        grafana: { dashboardLabels: { ...KUBE_PROMETHEUS_STACK.grafanaDashboardLabels }, sidecarNamespace: ALL_NAMESPACES },
        prometheus: m.prometheus ?? PROMETHEUS_INSTALL_DEFAULTS,
      };
    }
    return {
      mode: "existing",
      namespace,
      serviceMonitorLabels: m.serviceMonitorLabels ?? {},
      grafana: m.grafana ?? { dashboardLabels: { ...KUBE_PROMETHEUS_STACK.grafanaDashboardLabels }, sidecarNamespace: ALL_NAMESPACES },
    };
  })
  .describe(
    "Monitoring: ServiceMonitors for vLLM and the DCGM exporter, a PodMonitor for the gateway's Envoy proxies, dashboards and alert rules, for a Prometheus the stack installs (`mode: install`) or the cluster's own (`existing`, the default). Without it (or with `mode: none`) nothing is created, and autoscaling (which reads vLLM's queue from Prometheus) is refused.",
  );

// ---------------------------------------------------------------------------------------------
// gateway

export const TokenLimitSchema = z
  .strictObject({
    tokens: z
      .number()
      .int("must be a whole number of tokens")
      .min(1, atLeast(1, "token"))
      .max(4_294_967_295, atMost(4_294_967_295, "tokens: Envoy Gateway holds a rate limit in a 32-bit number; use a shorter window", "4,294,967,295"))
      .describe("Tokens a team may use in each window: input plus output, as the AI Gateway counts them (`llm_total_token`)."),
    per: z.enum(["minute", "hour", "day"]).describe("The window the limit counts over."),
  })
  .describe("A token budget per window, charged after each response (one admitted stream can overshoot it).");

/** A team name: it is the client ID Envoy Gateway forwards, a header value and part of namespace names. */
const teamName = z
  .string()
  .max(40, "team name must be at most 40 characters (it names the namespace team-<name>)")
  .regex(DNS_LABEL, 'team name must be a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit');

export const GatewayTeamSchema = z
  .strictObject({
    keySecret: dnsLabel("secret name").describe(
      "Existing Secret in the gateway namespace with the team's API key under the entry named after the team (Envoy Gateway forwards that entry's name as the client ID). Rotate a key by changing the Secret.",
    ),
    models: z
      .array(z.string().min(1))
      .min(1, "must name at least one model; leave `models` out to allow every model")
      .optional()
      .describe("Served models the team may call. @default - every model"),
    tokenLimits: z.array(TokenLimitSchema).default([]).describe("Token budgets, each per minute, hour or day; none: unlimited."),
    namespace: z
      .strictObject({
        name: dnsLabel("namespace").optional().describe("@default team-<name>"),
        gpus: z.number().int().min(0, atLeast(0, "GPUs")).max(10_000, atMost(10_000, "GPUs")).describe("ResourceQuota on `requests.nvidia.com/gpu`: GPUs the team's own workloads may request."),
        defaultCpu: z.string().regex(/^\d+(\.\d+)?m?$/, 'must be a CPU quantity such as "500m" or "2"').default("500m").describe("LimitRange: CPU request and limit of a container that sets none."),
        defaultMemory: z.string().regex(/^\d+(Ki|Mi|Gi|Ti)$/, 'must be a memory quantity such as "512Mi" or "4Gi"').default("1Gi").describe("LimitRange: memory request and limit of a container that sets none."),
      })
      .optional()
      .describe("A namespace for the team's own workloads (Pod Security `restricted`, default-deny ingress), with a GPU quota and default limits."),
  })
  .describe("A team: its API key, the models it may call and its token budgets.");

export const GatewaySchema = z
  .strictObject({
    hostname: z
      .string()
      .max(253, "must be at most 253 characters")
      .regex(DNS_SUBDOMAIN, "must be a host name such as ai.corp.example (lower-case RFC 1123)")
      .describe("Host name clients call (the listener's hostname and the TLS certificate's name)."),
    tls: z
      .union([
        z.literal(false),
        z.strictObject({ secretName: dnsLabel("secret name").describe("Existing `kubernetes.io/tls` Secret in the gateway namespace.") }),
      ])
      .describe("HTTPS on port 443 with the certificate of an existing Secret, or `false`: plain HTTP on port 80, where API keys cross the network in clear (a lab only)."),
    namespace: dnsLabel("namespace").default("ai-gateway").describe("Namespace of the Gateway, its policies, routes and Redis (Pod Security `restricted`)."),
    controllerNamespaces: z
      .strictObject({
        envoyGateway: dnsLabel("namespace").default("envoy-gateway-system").describe("Envoy Gateway's controller."),
        aiGateway: dnsLabel("namespace").default("envoy-ai-gateway-system").describe("The AI Gateway's controller."),
      })
      .prefault({})
      .describe("Namespaces of the two controllers."),
    replicas: z.number().int().min(1, atLeast(1, "replica")).max(50, atMost(50, "replicas of the Envoy proxy")).default(2).describe("Envoy proxy replicas."),
    serviceType: z
      .enum(["LoadBalancer", "NodePort"])
      .default("LoadBalancer")
      .describe(
        "How clients reach the gateway: a LoadBalancer Service (needs a load-balancer provider in the cluster: MetalLB, kube-vip) or a NodePort on every node (put your own balancer in front).",
      ),
    tenantHeader: z
      .string()
      .max(64)
      .regex(/^x-[a-z0-9-]+$/, 'must be a lower-case header name starting with "x-", such as x-ai-factory-team')
      .default("x-ai-factory-team")
      .describe("Header carrying the caller's team to the rate limiter and the models; one a client sends itself is removed."),
    teams: z
      .record(teamName, GatewayTeamSchema)
      .refine((teams) => Object.keys(teams).length > 0, "a gateway needs at least one team: without one, no key is accepted")
      .describe("Teams, keyed by name."),
  })
  .describe(
    "One OpenAI-compatible endpoint for every model (Envoy Gateway with the Envoy AI Gateway): team API keys, token budgets per team, model allow-lists.",
  );

// ---------------------------------------------------------------------------------------------
// the environment

/**
 * A node pool name: a DNS label of at most 58 characters, because it becomes the node label value
 * `pool-<name>` (`nvidia.com/device-plugin.config`, placement.ts), and label values have at most 63.
 */
const poolName = z
  .string()
  .max(58, 'node pool name must be at most 58 characters (it becomes the node label value "pool-<name>", at most 63)')
  .regex(DNS_LABEL, 'node pool name must be a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit');

export const NamespacesSchema = z
  .strictObject({
    gpuOperator: dnsLabel("namespace").default("gpu-operator").describe("Namespace of the GPU Operator (Pod Security `privileged`)."),
    models: dnsLabel("namespace").default("ai-models").describe("Namespace of model servers and the model store (Pod Security `restricted`)."),
  })
  .default({ gpuOperator: "gpu-operator", models: "ai-models" })
  .describe("Namespaces the stack creates.");

/**
 * cdktf encodes its own tokens in strings as `${TfToken[…]}`, `#{TfToken[…]}`, `&{TfToken[…]}`
 * and resolves every such marker it finds at synth: in a value from the file it would replace the
 * text with a reference of the stack, or fail the synth. No value may contain one, key or string.
 */
function refuseTokenMarkers(value: unknown, ctx: z.core.$RefinementCtx<unknown>): void {
  const visit = (v: unknown, path: (string | number)[]) => {
    if (typeof v === "string") {
      if (v.includes(CDKTF_TOKEN_MARKER)) {
        ctx.addIssue({
          code: "custom",
          path,
          message: `must not contain "${CDKTF_TOKEN_MARKER}": cdktf reads it as one of its own tokens and would replace the text or fail the synth, got ${show(maskUrl(v))}; reword the value`,
          params: QUOTED_ISSUE,
        });
      }
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, [...path, i]));
    } else if (v !== null && typeof v === "object") {
      for (const [key, item] of Object.entries(v)) {
        if (key.includes(CDKTF_TOKEN_MARKER)) visit(key, [...path, key]);
        visit(item, [...path, key]);
      }
    }
  };
  visit(value, []);
}

const CDKTF_TOKEN_MARKER = "{TfToken[";

export const EnvironmentSchema = z
  .strictObject({
    name: dnsLabel("name").describe("Environment name; must equal the file name without `.yaml`. It names the cdktf stack."),
    description: z.string().min(1).describe("What this environment is for, shown in plans and cost reports."),
    cluster: ClusterSchema,
    backend: BackendSchema.default({ type: "local" }),
    mirror: MirrorSchema.optional(),
    namespaces: NamespacesSchema,
    nodePools: z
      .record(poolName, NodePoolSchema)
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
    gateway: GatewaySchema.optional(),
    costs: CostsSchema.prefault({}),
    catalog: CatalogOverridesSchema.optional(),
    strictKvFit: z
      .boolean()
      .optional()
      .describe(
        "The KV cache rule of the fit check for every model without its own `strictKvFit`. false: a model is refused only when vLLM would refuse to start it (its KV cache cannot hold one sequence of `maxContextTokens`), and more `maxConcurrentSequences` than the KV cache holds at the workload's mean context is a warning (vLLM queues or preempts the rest). true: every sequence must fit at `maxContextTokens`, no preemption ever. @default false",
      ),
  })
  .superRefine(refuseTokenMarkers)
  .describe("One environment: one cluster, one cdktf stack.");

/** An environment file as written (defaults not yet applied). */
export type EnvironmentInput = z.input<typeof EnvironmentSchema>;
/** An environment file with defaults applied. */
export type Environment = z.infer<typeof EnvironmentSchema>;
export type NodePool = z.infer<typeof NodePoolSchema>;
export type GpuSharing = z.infer<typeof GpuSharingSchema>;
export type Backend = z.infer<typeof BackendSchema>;
export type Mirror = z.infer<typeof MirrorSchema>;
/** `monitoring` once parsed: what each mode decides filled in; `mode: none` is parsed as no `monitoring`. */
export type Monitoring = NonNullable<z.infer<typeof MonitoringSchema>>;
export type GatewayConfig = z.infer<typeof GatewaySchema>;
export type GatewayTeam = z.infer<typeof GatewayTeamSchema>;
export type TokenLimit = z.infer<typeof TokenLimitSchema>;
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
