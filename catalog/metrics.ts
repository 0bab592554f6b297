/**
 * The Prometheus series ai-factory's dashboards and rules may query, exactly as each component
 * exports them at the version catalog/upstream.ts pins: name, type, unit, the labels we select or
 * group by, and where the name was read. `KNOWN_METRICS` is the set of series names a PromQL check
 * (planning/promql-check.ts) accepts besides our own `ai_factory:*` recording rules, so a renamed or
 * misspelt metric (`vllm:gpu_cache_usage_perc`, removed from vLLM) fails a test instead of drawing an
 * empty panel.
 *
 * Exported names follow each exporter's conventions:
 * - vLLM uses prometheus_client: a Counter named `vllm:prompt_tokens` is exported as
 *   `vllm:prompt_tokens_total`; a Histogram as `_bucket`, `_sum`, `_count`.
 * - DCGM exporter writes each field of its collectors CSV under the field's own name.
 * - The AI Gateway's external processor records OpenTelemetry instruments and serves them through
 *   the OpenTelemetry Prometheus exporter: dots become underscores, the unit `s` adds `_seconds`,
 *   the unit `token` adds nothing (`gen_ai_client_token_usage`), attributes become labels with
 *   underscores (`gen_ai.token.type` → `gen_ai_token_type`).
 * - Envoy's ratelimit service maps its statsd counters to Prometheus with a statsd-exporter mapping
 *   file; counters keep the mapped name (no `_total`).
 */
import type { Source } from "./types";

/** What a series counts, in Prometheus' terms. */
export type MetricType = "counter" | "gauge" | "histogram";

/** The component exporting a metric. */
export type MetricComponent = "prometheus" | "vllm" | "dcgm-exporter" | "ai-gateway" | "envoy-ratelimit";

/** A metric one of our queries may use. */
export interface KnownMetric {
  /**
   * Exported name: a counter with its suffix as served (`vllm:prompt_tokens_total`), a histogram
   * without one (`vllm:time_to_first_token_seconds`; its series add `_bucket`, `_sum`, `_count`).
   */
  readonly name: string;
  readonly component: MetricComponent;
  /** The component version it was read at (the pin in catalog/upstream.ts). */
  readonly version: string;
  readonly type: MetricType;
  /** Unit of the value (of the observations, for a histogram), e.g. `tokens`, `seconds`, `MiB`. */
  readonly unit: string;
  /** Labels our queries select or group by (the series carry more). */
  readonly labels: readonly string[];
  readonly description: string;
  readonly source: Source;
}

const READ = "2026-11-30";

const VLLM_VERSION = "v0.16.0";
const VLLM_LOGGERS = `https://github.com/vllm-project/vllm/blob/${VLLM_VERSION}/vllm/v1/metrics/loggers.py`;
/**
 * The v0.16.0 tree could not be read line by line here (the repository snapshot is over the size
 * the tools fetch), so the names were read in `PrometheusStatLogger.__init__` of a loggers.py after
 * vllm#29330 and checked against the pull requests that changed them before v0.16.0.
 */
const VLLM_NOTE =
  "PrometheusStatLogger.__init__ (labelnames model_name, engine; model_name is --served-model-name). " +
  "vllm#29330 (merged 2025-11) removed vllm:gpu_cache_usage_perc, vllm:gpu_prefix_cache_queries and vllm:gpu_prefix_cache_hits and hid " +
  "vllm:time_per_output_token_seconds (renamed vllm:inter_token_latency_seconds in 0.11); vllm#33323 (2026-01-29) confirms their removal. " +
  "Line numbers not verified at the tag.";

const DCGM_VERSION = "4.4.2-4.7.0";
const DCGM_CSV = `https://github.com/NVIDIA/dcgm-exporter/blob/${DCGM_VERSION}/etc/dcp-metrics-included.csv`;
/** The GPU Operator runs the exporter with this CSV, not default-counters.csv. */
const DCGM_NOTE =
  "GPU Operator v25.10.1 assets/state-dcgm-exporter/0800_daemonset.yaml L46-47 sets DCGM_EXPORTER_COLLECTORS=/etc/dcgm-exporter/dcp-metrics-included.csv and L48-51 NODE_NAME; " +
  "labels from internal/pkg/rendermetrics/render_metrics.go L47 (gpu, UUID, pci_bus_id, device, modelName, GPU_I_PROFILE/GPU_I_ID under MIG, Hostname), " +
  "Hostname = $NODE_NAME, the Kubernetes node name (internal/pkg/hostname/hostname.go L52-55).";

const AIGW_VERSION = "v1.1.0";
const AIGW_GENAI = `https://github.com/envoyproxy/ai-gateway/blob/${AIGW_VERSION}/internal/metrics/genai.go`;
const AIGW_NOTE =
  "Exported names as served: cmd/extproc/mainlib/admin_test.go L106-118 (gen_ai_client_token_usage_bucket/_sum/_count, gen_ai_server_request_duration_seconds_*); " +
  "exporter go.opentelemetry.io/otel/exporters/prometheus v0.66.0 (cmd/extproc/mainlib/main.go L292-295), served on the extproc admin port 1064 /metrics (main.go L120). " +
  "Labels: genai.go L19-25, internal/metrics/metrics_impl.go L110-127 (base attributes, plus one per controller.metricsRequestHeaderAttributes mapping).";

const RATELIMIT_IMAGE = "1e50889b";
const RATELIMIT_NOTE =
  "Envoy Gateway v1.8.3 runs envoyproxy/ratelimit:1e50889b with USE_PROMETHEUS=true, PROMETHEUS_ADDR :19001 unless disabled " +
  "(internal/infrastructure/kubernetes/ratelimit/resource.go L408-419, resource_provider.go L82-91) and this mapping " +
  "(internal/infrastructure/kubernetes/ratelimit/statsd_conf.yaml L42-49 over_limit, L50-57 total_hits: domain, key1, key2). " +
  "The stat key is <domain>.<key>_<value>.<key>_<value> (envoyproxy/ratelimit 1e50889b src/config/config_impl.go L254-257, L349); " +
  "a shared BackendTrafficPolicy rule i has domain <ns>/<policy>, key1 <ns>/<policy>/rule/<i>_<same>, key2 rule-<i>-match-0_rule-<i>-match-0 " +
  "(Envoy Gateway internal/xds/translator/ratelimit.go L259-265, L280-284, L855-861, L1007-1009; internal/gatewayapi/helpers.go L505-507).";

/** Every metric our PromQL may name, keyed by a stable id. */
export const METRICS = {
  up: {
    name: "up",
    component: "prometheus",
    version: "any",
    type: "gauge",
    unit: "1 when the last scrape succeeded, else 0",
    labels: ["job", "namespace"],
    description:
      "Written by Prometheus for every scrape target. A ServiceMonitor without jobLabel names the job after the Kubernetes Service (the model server's `<name>-server`).",
    source: {
      url: "https://prometheus.io/docs/concepts/jobs_instances/#automatically-generated-labels-and-time-series",
      date: READ,
      note: "`up{job, instance}`; the Prometheus Operator's ServiceMonitor CRD: `jobLabel` … defaults to the name of the associated Kubernetes Service.",
    },
  },

  vllmRequestsRunning: {
    name: "vllm:num_requests_running",
    component: "vllm",
    version: VLLM_VERSION,
    type: "gauge",
    unit: "requests",
    labels: ["model_name", "namespace"],
    description: "Requests in model execution batches, per engine.",
    source: { url: VLLM_LOGGERS, date: READ, note: VLLM_NOTE },
  },
  vllmRequestsWaiting: {
    name: "vllm:num_requests_waiting",
    component: "vllm",
    version: VLLM_VERSION,
    type: "gauge",
    unit: "requests",
    labels: ["model_name", "namespace"],
    description: "Requests waiting to be scheduled: the queue the autoscaler reads.",
    source: { url: VLLM_LOGGERS, date: READ, note: VLLM_NOTE },
  },
  vllmKvCacheUsage: {
    name: "vllm:kv_cache_usage_perc",
    component: "vllm",
    version: VLLM_VERSION,
    type: "gauge",
    unit: "ratio (1 = 100 %)",
    labels: ["model_name", "namespace"],
    description: "Share of KV-cache blocks in use. Replaces vllm:gpu_cache_usage_perc (removed by vllm#29330).",
    source: { url: VLLM_LOGGERS, date: READ, note: VLLM_NOTE },
  },
  vllmPrefixCacheQueries: {
    name: "vllm:prefix_cache_queries_total",
    component: "vllm",
    version: VLLM_VERSION,
    type: "counter",
    unit: "tokens",
    labels: ["model_name", "namespace"],
    description: "Prompt tokens looked up in the prefix cache (Counter `vllm:prefix_cache_queries`).",
    source: { url: VLLM_LOGGERS, date: READ, note: VLLM_NOTE },
  },
  vllmPrefixCacheHits: {
    name: "vllm:prefix_cache_hits_total",
    component: "vllm",
    version: VLLM_VERSION,
    type: "counter",
    unit: "tokens",
    labels: ["model_name", "namespace"],
    description: "Prompt tokens found in the prefix cache (Counter `vllm:prefix_cache_hits`).",
    source: { url: VLLM_LOGGERS, date: READ, note: VLLM_NOTE },
  },
  vllmPromptTokens: {
    name: "vllm:prompt_tokens_total",
    component: "vllm",
    version: VLLM_VERSION,
    type: "counter",
    unit: "tokens",
    labels: ["model_name", "namespace"],
    description: "Prefill tokens processed, cached prefix tokens included (Counter `vllm:prompt_tokens`).",
    source: { url: VLLM_LOGGERS, date: READ, note: VLLM_NOTE },
  },
  vllmGenerationTokens: {
    name: "vllm:generation_tokens_total",
    component: "vllm",
    version: VLLM_VERSION,
    type: "counter",
    unit: "tokens",
    labels: ["model_name", "namespace"],
    description: "Tokens generated (Counter `vllm:generation_tokens`).",
    source: { url: VLLM_LOGGERS, date: READ, note: VLLM_NOTE },
  },
  vllmRequestSuccess: {
    name: "vllm:request_success_total",
    component: "vllm",
    version: VLLM_VERSION,
    type: "counter",
    unit: "requests",
    labels: ["model_name", "namespace", "finished_reason"],
    description: "Requests finished, by reason (stop, length, abort…) (Counter `vllm:request_success`).",
    source: { url: VLLM_LOGGERS, date: READ, note: VLLM_NOTE },
  },
  vllmTimeToFirstToken: {
    name: "vllm:time_to_first_token_seconds",
    component: "vllm",
    version: VLLM_VERSION,
    type: "histogram",
    unit: "seconds",
    labels: ["model_name", "namespace", "le"],
    description: "Time to first token per request; buckets 0.001 … 2560 s.",
    source: { url: VLLM_LOGGERS, date: READ, note: VLLM_NOTE },
  },
  vllmInterTokenLatency: {
    name: "vllm:inter_token_latency_seconds",
    component: "vllm",
    version: VLLM_VERSION,
    type: "histogram",
    unit: "seconds",
    labels: ["model_name", "namespace", "le"],
    description:
      "Time between two output tokens of a sequence; buckets 0.01 … 80 s. The old name vllm:time_per_output_token_seconds is hidden since 0.12 and not used.",
    source: { url: VLLM_LOGGERS, date: READ, note: VLLM_NOTE },
  },

  dcgmGpuUtil: {
    name: "DCGM_FI_DEV_GPU_UTIL",
    component: "dcgm-exporter",
    version: DCGM_VERSION,
    type: "gauge",
    unit: "percent",
    labels: ["Hostname", "gpu"],
    description: "GPU utilization (time a kernel ran over the sample period).",
    source: { url: `${DCGM_CSV}#L23`, date: READ, note: DCGM_NOTE },
  },
  dcgmFbUsed: {
    name: "DCGM_FI_DEV_FB_USED",
    component: "dcgm-exporter",
    version: DCGM_VERSION,
    type: "gauge",
    unit: "MiB",
    labels: ["Hostname", "gpu"],
    description: "Framebuffer (GPU) memory used.",
    source: { url: `${DCGM_CSV}#L39`, date: READ, note: DCGM_NOTE },
  },
  dcgmFbFree: {
    name: "DCGM_FI_DEV_FB_FREE",
    component: "dcgm-exporter",
    version: DCGM_VERSION,
    type: "gauge",
    unit: "MiB",
    labels: ["Hostname", "gpu"],
    description: "Framebuffer (GPU) memory free.",
    source: { url: `${DCGM_CSV}#L38`, date: READ, note: DCGM_NOTE },
  },
  dcgmPowerUsage: {
    name: "DCGM_FI_DEV_POWER_USAGE",
    component: "dcgm-exporter",
    version: DCGM_VERSION,
    type: "gauge",
    unit: "W",
    labels: ["Hostname", "gpu"],
    description: "Board power draw.",
    source: { url: `${DCGM_CSV}#L14`, date: READ, note: DCGM_NOTE },
  },
  dcgmTotalEnergy: {
    name: "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
    component: "dcgm-exporter",
    version: DCGM_VERSION,
    type: "counter",
    unit: "mJ (millijoules) since boot",
    labels: ["Hostname", "gpu"],
    description: "Energy the board used since boot: rate() gives mJ/s = mW; ÷ 1e6 gives kW. The GPU board only, not the server.",
    source: { url: `${DCGM_CSV}#L15`, date: READ, note: DCGM_NOTE },
  },
  dcgmGpuTemp: {
    name: "DCGM_FI_DEV_GPU_TEMP",
    component: "dcgm-exporter",
    version: DCGM_VERSION,
    type: "gauge",
    unit: "°C",
    labels: ["Hostname", "gpu"],
    description: "GPU die temperature.",
    source: { url: `${DCGM_CSV}#L11`, date: READ, note: DCGM_NOTE },
  },
  dcgmXidErrors: {
    name: "DCGM_FI_DEV_XID_ERRORS",
    component: "dcgm-exporter",
    version: DCGM_VERSION,
    type: "gauge",
    unit: "XID code",
    labels: ["Hostname", "gpu"],
    description: "Code of the last XID error the driver reported (0: none): a gauge holding a code, not a count.",
    source: { url: `${DCGM_CSV}#L29`, date: READ, note: DCGM_NOTE },
  },

  aiGatewayTokenUsage: {
    name: "gen_ai_client_token_usage",
    component: "ai-gateway",
    version: AIGW_VERSION,
    type: "histogram",
    unit: "tokens",
    labels: ["gen_ai_token_type", "gen_ai_request_model", "ai_factory_team"],
    description:
      "Tokens per request by gen_ai_token_type (input, cached_input, cache_creation_input, output, reasoning; no `total`: metrics_impl.go L148-181). " +
      "`_sum` is the token count. No team label unless controller.metricsRequestHeaderAttributes maps the team header (see AI_GATEWAY_TEAM_LABEL).",
    source: { url: `${AIGW_GENAI}#L14`, date: READ, note: `genai.go L93-98 (unit token). ${AIGW_NOTE}` },
  },
  aiGatewayRequestDuration: {
    name: "gen_ai_server_request_duration_seconds",
    component: "ai-gateway",
    version: AIGW_VERSION,
    type: "histogram",
    unit: "seconds",
    labels: ["gen_ai_request_model", "error_type", "ai_factory_team"],
    description: "Request duration through the gateway; `_count` counts requests, error_type=\"_OTHER\" marks failures (metrics_impl.go L131-145).",
    source: { url: `${AIGW_GENAI}#L15`, date: READ, note: `genai.go L99-104 (unit s). ${AIGW_NOTE}` },
  },

  ratelimitOverLimit: {
    name: "ratelimit_service_rate_limit_over_limit",
    component: "envoy-ratelimit",
    version: RATELIMIT_IMAGE,
    type: "counter",
    unit: "tokens charged past the limit",
    labels: ["domain", "key1", "key2"],
    description:
      "Hits over a rule's limit. A token budget charges each response's tokens (hits_addend) and checks requests with hits_addend 0, " +
      "so this counts tokens charged past the budget, not refused requests (src/limiter/base_limiter.go L159-168; src/utils/utilities.go L75-90).",
    source: {
      url: `https://github.com/envoyproxy/gateway/blob/v1.8.3/internal/infrastructure/kubernetes/ratelimit/statsd_conf.yaml#L42-L49`,
      date: READ,
      note: RATELIMIT_NOTE,
    },
  },
  ratelimitTotalHits: {
    name: "ratelimit_service_rate_limit_total_hits",
    component: "envoy-ratelimit",
    version: RATELIMIT_IMAGE,
    type: "counter",
    unit: "tokens charged",
    labels: ["domain", "key1", "key2"],
    description: "Hits charged to a rule: for a token budget, the tokens of every response of the team (src/limiter/base_limiter.go L58).",
    source: {
      url: `https://github.com/envoyproxy/gateway/blob/v1.8.3/internal/infrastructure/kubernetes/ratelimit/statsd_conf.yaml#L50-L57`,
      date: READ,
      note: RATELIMIT_NOTE,
    },
  },
} as const satisfies Record<string, KnownMetric>;

/** A metric of METRICS by its id. */
export type MetricId = keyof typeof METRICS;

/** The series a metric is exported as: a histogram's `_bucket`, `_sum` and `_count`, else its name. */
export function seriesNames(metric: KnownMetric): string[] {
  return metric.type === "histogram" ? ["_bucket", "_sum", "_count"].map((suffix) => `${metric.name}${suffix}`) : [metric.name];
}

/** Every series name our queries may select, sorted. */
export const KNOWN_METRICS: ReadonlySet<string> = new Set(
  Object.values(METRICS as Record<string, KnownMetric>)
    .flatMap(seriesNames)
    .sort(),
);

/**
 * The OpenTelemetry attribute the AI Gateway records the caller's team under, when its chart sets
 * `controller.metricsRequestHeaderAttributes` to `<tenant header>:ai_factory.team`
 * (envoyproxy/ai-gateway v1.1.0 manifests/charts/ai-gateway-helm/values.yaml L107-110; empty by
 * default, so the metrics carry no team). Its e2e suite maps `x-tenant-id:tenant.id` the same way
 * (tests/e2e/e2e_test.go L19).
 */
export const AI_GATEWAY_TEAM_ATTRIBUTE = "ai_factory.team";

/**
 * The Prometheus label that attribute becomes: the exporter turns dots into underscores
 * (tests/e2e/token_ratelimit_test.go L30-36: `tenant.id` is queried as `tenant_id`).
 */
export const AI_GATEWAY_TEAM_LABEL = "ai_factory_team";
