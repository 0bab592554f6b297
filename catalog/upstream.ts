/**
 * Every upstream component the stacks install or run, pinned: Helm charts (repository, name,
 * version) and container images (registry path and tag), each with the source it was read from.
 * This is the one home of these pins: the values builders, the mirror mapping and the
 * `ai-factory images` list all read them here, so an upgrade is one reviewed change of this file.
 *
 * An image is `<repository>:<tag>` where `repository` is the full upstream path including the
 * registry host (`nvcr.io/nvidia/gpu-operator`). Under `mirror.registry` it is pulled as
 * `<mirror>/<repository>:<tag>`: the layout of registry proxy caches and of `skopeo sync` /
 * `crane copy` jobs that keep the source path, so two upstreams never collide.
 */
import type { RuntimeFileSet, Source } from "./types";

/** A pinned container image. */
export interface PinnedImage {
  /** Upstream repository with its registry host, no tag: `nvcr.io/nvidia/k8s-device-plugin`. */
  readonly repository: string;
  /** Pinned tag (a version, never `latest`). */
  readonly tag: string;
}

/** A pinned Helm chart. */
export interface PinnedChart {
  /** Chart repository (https://) or OCI registry (oci://). */
  readonly repository: string;
  /** Chart name in that repository. */
  readonly chart: string;
  /** Exact chart version, as the chart's Chart.yaml spells it (a different spelling shows as a diff on every plan). */
  readonly version: string;
}

/**
 * A GPU Operator component image. The chart takes each component's image as three values —
 * `<key>.repository` (registry and path), `<key>.image` (name) and `<key>.version` (tag) — so the
 * upstream path is kept in those three parts too.
 */
export interface GpuOperatorImage {
  /** Values key of the component, e.g. `devicePlugin`, `driver.manager`. */
  readonly valuesKey: string;
  /** `repository` value: registry host and path without the image name, e.g. `nvcr.io/nvidia`. */
  readonly repository: string;
  /** `image` value: the image name, e.g. `k8s-device-plugin`. */
  readonly image: string;
  /** `version` value: the tag. */
  readonly version: string;
  /**
   * When the operator pulls it: `always`, `managedDriver` (only with `gpuOperator.driver.managed`),
   * `mig` (only when a pool uses MIG), `dcgmExporter` (only with `gpuOperator.dcgmExporter.enabled`).
   */
  readonly when: "always" | "managedDriver" | "mig" | "dcgmExporter";
}

const GPU_OPERATOR_VALUES_SOURCE: Source = {
  url: "https://github.com/NVIDIA/gpu-operator/blob/v25.10.1/deployments/gpu-operator/values.yaml",
  date: "2026-11-30",
  note:
    "repository/image/version of every component at tag v25.10.1 (commit 846018752b8a). operator and validator leave `version` to the chart's appVersion, which the published chart v25.10.1 sets to v25.10.1; the validator moved to nvcr.io/nvidia/gpu-operator (one image with the operator).",
};

/** The NVIDIA GPU Operator chart. */
export const GPU_OPERATOR = {
  chart: { repository: "https://helm.ngc.nvidia.com/nvidia", chart: "gpu-operator", version: "v25.10.1" } as PinnedChart,
  /**
   * Component images at the pinned chart version, set explicitly in the values so that what a
   * mirror must carry is exactly this list. Components off by default and never enabled by
   * ai-factory (GDS, GDRCopy, vGPU, Kata, confidential computing, sandbox workloads, the
   * standalone DCGM host engine, the node status exporter) are left out.
   */
  images: [
    { valuesKey: "operator", repository: "nvcr.io/nvidia", image: "gpu-operator", version: "v25.10.1", when: "always" },
    { valuesKey: "operator.initContainer", repository: "nvcr.io/nvidia", image: "cuda", version: "13.0.1-base-ubi9", when: "always" },
    { valuesKey: "validator", repository: "nvcr.io/nvidia", image: "gpu-operator", version: "v25.10.1", when: "always" },
    { valuesKey: "driver", repository: "nvcr.io/nvidia", image: "driver", version: "580.105.08", when: "managedDriver" },
    { valuesKey: "driver.manager", repository: "nvcr.io/nvidia/cloud-native", image: "k8s-driver-manager", version: "v0.9.1", when: "managedDriver" },
    { valuesKey: "toolkit", repository: "nvcr.io/nvidia/k8s", image: "container-toolkit", version: "v1.18.1", when: "always" },
    { valuesKey: "devicePlugin", repository: "nvcr.io/nvidia", image: "k8s-device-plugin", version: "v0.18.1", when: "always" },
    { valuesKey: "gfd", repository: "nvcr.io/nvidia", image: "k8s-device-plugin", version: "v0.18.1", when: "always" },
    { valuesKey: "dcgmExporter", repository: "nvcr.io/nvidia/k8s", image: "dcgm-exporter", version: "4.4.2-4.7.0-distroless", when: "dcgmExporter" },
    { valuesKey: "migManager", repository: "nvcr.io/nvidia/cloud-native", image: "k8s-mig-manager", version: "v0.13.1", when: "mig" },
  ] as readonly GpuOperatorImage[],
  /**
   * Node Feature Discovery, a subchart (0.18.2) enabled by default; its image is
   * `image.repository` + `image.tag` (the tag defaults to the subchart's appVersion v0.18.2).
   */
  nfdImage: { repository: "registry.k8s.io/nfd/node-feature-discovery", tag: "v0.18.2" } as PinnedImage,
  /** The driver version the chart installs when `gpuOperator.driver.managed` sets none. */
  defaultDriverVersion: "580.105.08",
  sources: [
    GPU_OPERATOR_VALUES_SOURCE,
    {
      url: "https://github.com/NVIDIA/gpu-operator/blob/v25.10.1/deployments/gpu-operator/charts/node-feature-discovery/Chart.yaml",
      date: "2026-11-30",
      note: "node-feature-discovery subchart version 0.18.2, appVersion v0.18.2; its values.yaml leaves image.tag to the appVersion.",
    },
  ] as readonly Source[],
} as const;

/** The NFS CSI driver chart and the images it runs (kubernetes-csi/csi-driver-nfs). */
export const NFS_CSI = {
  chart: {
    repository: "https://raw.githubusercontent.com/kubernetes-csi/csi-driver-nfs/master/charts",
    chart: "csi-driver-nfs",
    // Chart.yaml says `version: 4.11.0` (the folder is `v4.11.0`).
    version: "4.11.0",
  } as PinnedChart,
  /** Values key under `image.` → pinned image. */
  images: {
    csiProvisioner: { repository: "registry.k8s.io/sig-storage/csi-provisioner", tag: "v5.2.0" },
    csiResizer: { repository: "registry.k8s.io/sig-storage/csi-resizer", tag: "v1.13.1" },
    csiSnapshotter: { repository: "registry.k8s.io/sig-storage/csi-snapshotter", tag: "v8.2.0" },
    externalSnapshotter: { repository: "registry.k8s.io/sig-storage/snapshot-controller", tag: "v8.2.0" },
    livenessProbe: { repository: "registry.k8s.io/sig-storage/livenessprobe", tag: "v2.15.0" },
    nfs: { repository: "registry.k8s.io/sig-storage/nfsplugin", tag: "v4.11.0" },
    nodeDriverRegistrar: { repository: "registry.k8s.io/sig-storage/csi-node-driver-registrar", tag: "v2.13.0" },
  } as Readonly<Record<string, PinnedImage>>,
  sources: [
    {
      url: "https://github.com/kubernetes-csi/csi-driver-nfs/blob/master/charts/v4.11.0/csi-driver-nfs/values.yaml",
      date: "2026-11-30",
      note: "image.* repositories and tags of chart 4.11.0; the README installs from the raw.githubusercontent.com charts index.",
    },
  ] as readonly Source[],
} as const;

/**
 * vLLM's OpenAI-compatible server image: model servers run it, and Hugging Face prefetch Jobs
 * reuse it (Python and huggingface_hub are in it), so a node pulls one image less.
 */
export const VLLM = {
  image: { repository: "docker.io/vllm/vllm-openai", tag: "v0.16.0" } as PinnedImage,
  /**
   * Download size of the image (compressed layers), GB (10^9 bytes): what a node pulls before the
   * first replica can start. No figure is published for v0.16.0 itself; recent releases are
   * reported at about 12 GB to pull (28.6 GB unpacked).
   */
  compressedGB: 12,
  /**
   * Share of each GPU's memory a server lets the engine take for weights, activations and KV cache
   * (`--gpu-memory-utilization`) unless the environment says otherwise: 0.9, vLLM's long-standing
   * default. Current vLLM documents 0.92; the chart always emits the flag, so an image upgrade never
   * changes it silently. The environment format, the fit check and the chart all default to it.
   */
  defaultGpuMemoryUtilization: 0.9,
  sources: [
    {
      url: "https://github.com/vllm-project/vllm/issues/27154",
      date: "2025-10-18",
      note: "A `docker pull` of the newest vllm/vllm-openai release tag: the image is around 12 GB (linux/amd64).",
    },
    {
      url: "https://github.com/vllm-project/vllm/pull/22377",
      date: "2025-12-10",
      note: "The newest official vllm-openai release is 28.6 GB on disk (unpacked), the upper bound of what a node stores.",
    },
    {
      url: "https://docs.vllm.ai/en/stable/configuration/engine_args.html",
      date: "2026-11-30",
      note: "--gpu-memory-utilization: the fraction of GPU memory for the model executor; documented default 0.92 (0.9 in earlier releases).",
    },
    {
      url: "https://github.com/vllm-project/vllm/releases/tag/v0.16.0",
      date: "2026-11-30",
      note: "v0.16.0 is the first release with --disable-access-log-for-endpoints, which the model-server chart sets.",
    },
  ] as readonly Source[],
} as const;

/** rclone copies weights from S3-compatible stores and HTTP mirrors in prefetch Jobs. */
export const RCLONE = {
  image: { repository: "docker.io/rclone/rclone", tag: "1.71.2" } as PinnedImage,
  sources: [{ url: "https://github.com/rclone/rclone/releases/tag/v1.71.2", date: "2025-10-20", note: "rclone v1.71.2 release." }] as readonly Source[],
} as const;

const ENVOY_GATEWAY_REF = "https://github.com/envoyproxy/gateway/blob/v1.8.3";
const AI_GATEWAY_REF = "https://github.com/envoyproxy/ai-gateway/blob/v1.1.0";

/**
 * Envoy Gateway, the Gateway API implementation under the OpenAI-compatible endpoint. Chart and
 * images are released together from one tag; the chart is published both as `v1.8.3` and `1.8.3`
 * (release.yaml pushes twice), and the docs install `v1.8.3`.
 */
export const ENVOY_GATEWAY = {
  chart: { repository: "oci://docker.io/envoyproxy", chart: "gateway-helm", version: "v1.8.3" } as PinnedChart,
  /**
   * `global.images.<key>.image` of the chart → pinned image. The chart takes each as one full
   * reference (host/path:tag); set all three from here, mirrored or not, and leave
   * `global.imageRegistry` empty: it replaces the first path segment (the upstream host), which
   * would break the `<mirror>/<upstream host>/<path>` layout.
   * - envoyGateway: the controller, the certgen Job and the shutdown-manager sidecar of every
   *   Envoy proxy pod (the chart sets `provider.kubernetes.shutdownManager.image` to it);
   * - envoyProxy: the data plane the controller launches per Gateway (set through the chart, it
   *   becomes the EnvoyGateway config's default EnvoyProxy image);
   * - ratelimit: the global rate limit service the controller launches when `rateLimit` is configured.
   */
  images: {
    envoyGateway: { repository: "docker.io/envoyproxy/gateway", tag: "v1.8.3" },
    envoyProxy: { repository: "docker.io/envoyproxy/envoy", tag: "distroless-v1.38.3" },
    ratelimit: { repository: "docker.io/envoyproxy/ratelimit", tag: "1e50889b" },
  } as Readonly<Record<"envoyGateway" | "envoyProxy" | "ratelimit", PinnedImage>>,
  sources: [
    {
      url: `${ENVOY_GATEWAY_REF}/charts/gateway-helm/values.tmpl.yaml`,
      date: "2026-11-30",
      note:
        "Tag v1.8.3 (commit 94850d432392). L14 `global.images.envoyGateway.image: ${GatewayImage}`, substituted at release by tools/make/helm.mk L55 with IMAGE=docker.io/envoyproxy/gateway TAG=v1.8.3 (.github/workflows/release.yaml L128); L22 `global.images.ratelimit.image: docker.io/envoyproxy/ratelimit:1e50889b`; L31 `global.images.envoyProxy.image: \"\"` (the controller's built-in default then applies). `deployment.envoyGateway.image` repository and tag are empty by default.",
    },
    {
      url: `${ENVOY_GATEWAY_REF}/api/v1alpha1/shared_types.go`,
      date: "2026-11-30",
      note:
        "L29 DefaultEnvoyProxyImage = docker.io/envoyproxy/envoy:distroless-v1.38.3; L37 DefaultRateLimitImage = docker.io/envoyproxy/ratelimit:1e50889b (bumped from ff287602 in v1.8.2); L35 DefaultShutdownManagerImage (the gateway-dev image, floating tag) is not used with the chart, which overrides it (templates/_helpers.tpl L237-238).",
    },
    {
      url: `${ENVOY_GATEWAY_REF}/charts/gateway-helm/templates/_helpers.tpl`,
      date: "2026-11-30",
      note: "eg.image (L77-105) for the controller (envoy-gateway-deployment.yaml L65), certgen (certgen.yaml L53) and the shutdown manager (L237-238); eg.ratelimit.image L135-144 and eg.envoyProxy.image L164-173 split the reference at the first `/` and replace the host with global.imageRegistry when set.",
    },
    {
      url: `${AI_GATEWAY_REF}/site/docs/compatibility.md`,
      date: "2026-11-30",
      note: "AI Gateway v1.x needs Envoy Gateway v1.8.1+ (Envoy Proxy v1.38.x), Kubernetes v1.32+, Gateway API v1.5.x; site/docs/_vars.json egMinVersion 1.8.1; its CI tests v1.8.1 (.github/workflows/build_and_test.yaml L215-216). v1.8.3 is the newest 1.8 patch.",
    },
    {
      url: `${AI_GATEWAY_REF}/examples/token_ratelimit/envoy-gateway-values-addon.yaml`,
      date: "2026-11-30",
      note: "L33 patches the ratelimit container to docker.io/envoyproxy/ratelimit:60d8e81b, an older build (Envoy Gateway's default since 2026-02, replaced by 1e50889b in v1.8.2, whose release notes fix shared global rules with `cost`); not used: Envoy Gateway's own default is kept.",
    },
  ] as readonly Source[],
} as const;

/** Envoy AI Gateway's CRDs, a chart of their own installed before the controller chart. */
export const AI_GATEWAY_CRDS = {
  chart: { repository: "oci://docker.io/envoyproxy", chart: "ai-gateway-crds-helm", version: "v1.1.0" } as PinnedChart,
  sources: [
    {
      url: `${AI_GATEWAY_REF}/manifests/charts/ai-gateway-crds-helm/Chart.yaml`,
      date: "2026-11-30",
      note: "Tag v1.1.0 (commit c217da8a5395). Chart.yaml says v0.0.0-latest; the release workflow packages it with the tag as version (.github/workflows/release.yaml L20-38, both v1.1.0 and 1.1.0).",
    },
  ] as readonly Source[],
} as const;

/** Envoy AI Gateway: the controller (an Envoy Gateway extension server) and the external processor it injects into Envoy pods. */
export const AI_GATEWAY = {
  chart: { repository: "oci://docker.io/envoyproxy", chart: "ai-gateway-helm", version: "v1.1.0" } as PinnedChart,
  /**
   * Values key → pinned image; the chart takes `<key>.image.repository` and `<key>.image.tag`
   * (the tag defaults to the chart's appVersion, the release tag). `extProc` is not a pod of the
   * chart: the controller passes it as `--extProcImage` to the sidecar it adds to every Envoy pod.
   */
  images: {
    controller: { repository: "docker.io/envoyproxy/ai-gateway-controller", tag: "v1.1.0" },
    extProc: { repository: "docker.io/envoyproxy/ai-gateway-extproc", tag: "v1.1.0" },
  } as Readonly<Record<"controller" | "extProc", PinnedImage>>,
  sources: [
    {
      url: `${AI_GATEWAY_REF}/manifests/charts/ai-gateway-helm/values.yaml`,
      date: "2026-11-30",
      note: "Tag v1.1.0 (commit c217da8a5395). L41 extProc.image.repository docker.io/envoyproxy/ai-gateway-extproc, L145 controller.image.repository docker.io/envoyproxy/ai-gateway-controller, both with tag \"\" (the appVersion).",
    },
    {
      url: `${AI_GATEWAY_REF}/manifests/charts/ai-gateway-helm/templates/deployment.yaml`,
      date: "2026-11-30",
      note: "L45 controller image `repository:tag | default .Chart.AppVersion`; L54 `--extProcImage=` likewise. The Makefile packages with `--app-version ${TAG}` (L369) and the release sets TAG to the git tag v1.1.0.",
    },
  ] as readonly Source[],
} as const;

/**
 * How Envoy Gateway and the AI Gateway are wired together, and the names the AI Gateway gives to
 * what it extracts from requests: the facts the gateway's values, routes and rate limit policies
 * must agree with, at the pinned versions.
 */
export const AI_GATEWAY_INTEGRATION = {
  /** Name of the controller's Service: the chart's `controller.fullnameOverride` default. */
  controllerServiceName: "ai-gateway-controller",
  /** Namespace the AI Gateway docs install it into; the Service is in the release's namespace. */
  controllerNamespace: "envoy-ai-gateway-system",
  /** Namespace the AI Gateway docs install Envoy Gateway into (`quotaRateLimitServiceAddr` and the examples assume it). */
  envoyGatewayNamespace: "envoy-gateway-system",
  /** gRPC port of the extension server on the controller's Service (port `grpc`), which Envoy Gateway calls. */
  extensionServerPort: 1063,
  /** `config.envoyGateway.extensionManager.hooks` Envoy Gateway needs, exactly as the AI Gateway ships them. */
  extensionManagerHooks: {
    xdsTranslator: {
      translation: {
        listener: { includeAll: true },
        route: { includeAll: true },
        cluster: { includeAll: true },
        secret: { includeAll: true },
      },
      post: ["Translation", "Cluster", "Route"],
    },
  },
  /**
   * `config.envoyGateway.extensionApis`: the Backend API is required (AIServiceBackends point at
   * Envoy Gateway Backends); EnvoyPatchPolicy is "not strictly required, but recommended".
   */
  extensionApis: { enableBackend: true, enableEnvoyPatchPolicy: true },
  /** Dynamic metadata namespace the AI Gateway writes request costs (token counts) under. */
  tokenMetadataNamespace: "io.envoy.ai_gateway",
  /**
   * Metadata key of the total token count. A convention, not a built-in: the AI Gateway writes each
   * AIGatewayRoute `llmRequestCosts[].metadataKey`, so a route must declare this key with type TotalToken.
   */
  totalTokenMetadataKey: "llm_total_token",
  /** Request header the AI Gateway sets from the request body's `model`, for rule matches. */
  modelHeader: "x-ai-eg-model",
  /** Most rules one AIGatewayRoute may have (the CRD's `maxItems` on spec.rules): more models need more routes. */
  maxRulesPerRoute: 15,
  sources: [
    {
      url: `${AI_GATEWAY_REF}/manifests/envoy-gateway-values.yaml`,
      date: "2026-11-30",
      note: "L29-33 extensionApis enableEnvoyPatchPolicy (recommended) and enableBackend (required); L35-50 extensionManager.hooks.xdsTranslator (translation listener/route/cluster/secret includeAll, post Translation, Cluster, Route); L56-57 service.fqdn hostname ai-gateway-controller.envoy-ai-gateway-system.svc.cluster.local, port 1063.",
    },
    {
      url: `${AI_GATEWAY_REF}/manifests/charts/ai-gateway-helm/values.yaml`,
      date: "2026-11-30",
      note: "L85 controller.fullnameOverride ai-gateway-controller (the Service name, templates/service.yaml L9); L217-221 Service port grpc 1063; L89 quotaRateLimitServiceAddr in envoy-gateway-system.",
    },
    {
      url: `${AI_GATEWAY_REF}/api/v1beta1/shared_types.go`,
      date: "2026-11-30",
      note: "L101 AIModelHeaderKey = x-ai-eg-model; L165 AIGatewayFilterMetadataNamespace = io.envoy.ai_gateway (the external processor writes every llmRequestCosts key under it: internal/extproc/processor_impl.go L947-998).",
    },
    {
      url: `${AI_GATEWAY_REF}/examples/token_ratelimit/token_ratelimit.yaml`,
      date: "2026-11-30",
      note: "L58-59 llmRequestCosts metadataKey llm_total_token type TotalToken; L165-169 a BackendTrafficPolicy global rule with response cost from metadata namespace io.envoy.ai_gateway, key llm_total_token (request cost 0).",
    },
    {
      url: `${AI_GATEWAY_REF}/api/v1beta1/ai_gateway_route.go`,
      date: "2026-11-30",
      note: "L91-96 `+kubebuilder:validation:MaxItems=15` on spec.rules: the Gateway API's 16 HTTPRoute rules minus one the controller injects; the CRD (aigateway.envoyproxy.io_aigatewayroutes.yaml) carries maxItems: 15 in both v1alpha1 and v1beta1.",
    },
  ] as readonly Source[],
} as const;

/** Redis, the store of Envoy Gateway's global rate limit counters (token budgets). */
export const REDIS = {
  image: { repository: "docker.io/library/redis", tag: "8.2.4-alpine3.22" } as PinnedImage,
  sources: [
    {
      url: `${AI_GATEWAY_REF}/examples/token_ratelimit/redis.yaml`,
      date: "2026-11-30",
      note: "L48 redis:8.2.4-alpine3.22: the Redis the AI Gateway's token rate limit example (and its e2e set-up) runs with Envoy Gateway's ratelimit.",
    },
    {
      url: "https://hub.docker.com/_/redis",
      date: "2026-11-30",
      note: "Docker Official Image (docker.io/library/redis); 8.2.4-alpine3.22 is an exact, non-floating tag. Newer lines (8.10.2-alpine3.23 …) are listed in docker-library/official-images library/redis.",
    },
  ] as readonly Source[],
} as const;

const KPS_REF = "https://github.com/prometheus-community/helm-charts/blob/kube-prometheus-stack-88.5.3/charts/kube-prometheus-stack";
const KSM_REF = "https://github.com/prometheus-community/helm-charts/blob/kube-state-metrics-8.4.0/charts/kube-state-metrics";
const NODE_EXPORTER_REF = "https://github.com/prometheus-community/helm-charts/blob/prometheus-node-exporter-4.56.1/charts/prometheus-node-exporter";
const GRAFANA_REF = "https://github.com/grafana-community/helm-charts/blob/grafana-12.11.1/charts/grafana";

/**
 * A kube-prometheus-stack image: the chart (and its subcharts) take each as `<key>.registry`,
 * `<key>.repository` and `<key>.tag` and pull `<registry>/<repository>:<tag>`, so the upstream path
 * is kept as host and path.
 */
export interface KpsImage {
  /** Values path of the image block, e.g. `prometheus.prometheusSpec.image`. */
  readonly valuesKey: string;
  /** `registry` value: the upstream host, e.g. `quay.io`. */
  readonly registry: string;
  /** `repository` value: the path on that host, e.g. `prometheus/prometheus`. */
  readonly repository: string;
  /** `tag` value. */
  readonly tag: string;
}

/**
 * kube-prometheus-stack, installed by `monitoring.mode: install`: the Prometheus Operator (CRDs
 * included), one Prometheus, one Alertmanager, kube-state-metrics, the node exporter and Grafana
 * with its dashboard and datasource sidecars. The packaged chart carries its subcharts (Grafana
 * comes from grafana-community's repository), so a mirror serves it as one chart.
 */
export const KUBE_PROMETHEUS_STACK = {
  chart: { repository: "https://prometheus-community.github.io/helm-charts", chart: "kube-prometheus-stack", version: "88.5.3" } as PinnedChart,
  /**
   * Helm release name. The chart's Prometheus selects ServiceMonitors, PodMonitors and
   * PrometheusRules labelled `release: <release name>`, and names its objects after it (a release
   * name containing the chart name is the "fullname" as is).
   */
  releaseName: "kube-prometheus-stack",
  /** Prometheus' Service (`<fullname>-prometheus`) and port, what Grafana's datasource and KEDA query. */
  prometheusService: { name: "kube-prometheus-stack-prometheus", port: 9090 },
  /** Grafana's Service (`<release>-grafana`), port 80 → container port 3000. */
  grafanaService: { name: "kube-prometheus-stack-grafana", port: 80 },
  /** The Grafana sidecar's default: ConfigMaps labelled `grafana_dashboard: "1"` in every namespace. */
  grafanaDashboardLabels: { grafana_dashboard: "1" } as Readonly<Record<string, string>>,
  /** Annotation our dashboards' ConfigMaps name their Grafana folder in (the values turn the sidecar's `folderAnnotation` on with it). */
  grafanaFolderAnnotation: "grafana_folder",
  /**
   * Every image the release pulls with ai-factory's values, set explicitly (mirrored or not).
   * Left out because ai-factory never turns them on: the CRD upgrade Job (busybox `latest`,
   * kubectl), the separate admission-webhook Deployment (the operator serves the webhooks itself),
   * Thanos, kube-rbac-proxy, the Windows exporter, Grafana's image renderer, its dashboard
   * downloader and its init-chown container (persistence is off); Grafana's `helm test` image is
   * turned off with its test.
   */
  images: [
    { valuesKey: "prometheusOperator.image", registry: "quay.io", repository: "prometheus-operator/prometheus-operator", tag: "v0.93.1" },
    { valuesKey: "prometheusOperator.prometheusConfigReloader.image", registry: "quay.io", repository: "prometheus-operator/prometheus-config-reloader", tag: "v0.93.1" },
    { valuesKey: "prometheusOperator.admissionWebhooks.patch.image", registry: "ghcr.io", repository: "jkroepke/kube-webhook-certgen", tag: "1.8.7" },
    { valuesKey: "prometheus.prometheusSpec.image", registry: "quay.io", repository: "prometheus/prometheus", tag: "v3.14.0-distroless" },
    { valuesKey: "alertmanager.alertmanagerSpec.image", registry: "quay.io", repository: "prometheus/alertmanager", tag: "v0.34.0" },
    { valuesKey: "kube-state-metrics.image", registry: "registry.k8s.io", repository: "kube-state-metrics/kube-state-metrics", tag: "v2.20.0" },
    // The chart appends `-distroless` when `image.distroless` is on (kube-prometheus-stack sets it);
    // the values set the full tag and turn the suffix off, so the pulled tag is exactly this one.
    { valuesKey: "prometheus-node-exporter.image", registry: "quay.io", repository: "prometheus/node-exporter", tag: "v1.12.1-distroless" },
    { valuesKey: "grafana.image", registry: "docker.io", repository: "grafana/grafana", tag: "13.2.0" },
    { valuesKey: "grafana.sidecar.image", registry: "quay.io", repository: "kiwigrid/k8s-sidecar", tag: "2.10.1" },
  ] as readonly KpsImage[],
  sources: [
    {
      url: `${KPS_REF}/Chart.yaml`,
      date: "2026-11-30",
      note: "Tag kube-prometheus-stack-88.5.3 (commit ea930baeebeb, 2026-08-21), the newest release in the repository when read. L31 version 88.5.3, L33 appVersion v0.93.1 (the operator's and config reloader's tag when `tag` is empty); dependencies L50-68: crds 0.0.0, kube-state-metrics 8.4.0, prometheus-node-exporter 4.56.1, grafana 12.11.1 (repository https://grafana-community.github.io/helm-charts), prometheus-windows-exporter (off).",
    },
    {
      url: `${KPS_REF}/values.yaml`,
      date: "2026-11-30",
      note: "Images: L1018-1022 alertmanager quay.io prometheus/alertmanager v0.34.0; L3129-3133 admissionWebhooks.patch ghcr.io jkroepke/kube-webhook-certgen 1.8.7; L3523-3528 operator quay.io prometheus-operator/prometheus-operator (tag: appVersion); L3550-3555 config reloader quay.io prometheus-operator/prometheus-config-reloader (tag: appVersion); L4344-4348 prometheus quay.io prometheus/prometheus v3.14.0-distroless; L2746-2747 node exporter image.distroless true. Selectors: L4451/L4476/L4499 ruleSelectorNilUsesHelmValues, serviceMonitorSelectorNilUsesHelmValues, podMonitorSelectorNilUsesHelmValues true; L4441, L4489, L4511 the namespace selectors {} (every namespace). Grafana: L1539-1542 sidecar.dashboards label grafana_dashboard, labelValue \"1\", searchNamespace ALL. L4567 retention 10d, L4675 storageSpec {} (an emptyDir) by default.",
    },
    {
      url: `${KPS_REF}/templates/prometheus/prometheus.yaml`,
      date: "2026-11-30",
      note: "L193-199, L209-215, L277-283: with the NilUsesHelmValues flags and empty selectors the Prometheus selects serviceMonitors, podMonitors and rules by `release: <Release.Name>`; L52-56 image `<registry>/<repository>:<tag>` (global.imageRegistry, left empty, would replace every registry).",
    },
    {
      url: `${KPS_REF}/templates/_helpers.tpl`,
      date: "2026-11-30",
      note: "L14-25 fullname: the release name when it contains the chart name (truncated to 26 characters: kube-prometheus-stack is 21); L38-44 Prometheus CR name <fullname>-prometheus; L47-53 Alertmanager <fullname>-alertmanager; L76-87 common labels include `release`.",
    },
    {
      url: `${KPS_REF}/templates/prometheus/service.yaml`,
      date: "2026-11-30",
      note: "L6 Service <fullname>-prometheus, L44-49 port 9090 (values L3780-3783), L51-59 reloader-web 8080, L73-79 selector app.kubernetes.io/name: prometheus, operator.prometheus.io/name: <fullname>-prometheus.",
    },
    {
      url: `${KSM_REF}/values.yaml`,
      date: "2026-11-30",
      note: "Tag kube-state-metrics-8.4.0 (commit 1982f1c58289). L3-9 image registry.k8s.io kube-state-metrics/kube-state-metrics, tag empty = v + appVersion 2.20.0 (Chart.yaml L12; templates/_helpers.tpl L142-156).",
    },
    {
      url: `${NODE_EXPORTER_REF}/values.yaml`,
      date: "2026-11-30",
      note: "Tag prometheus-node-exporter-4.56.1 (commit 8b8e639cac80). L4-12 image quay.io prometheus/node-exporter, tag empty = v + appVersion 1.12.1 (Chart.yaml L11), `-distroless` appended when image.distroless (templates/_helpers.tpl L77-93); L382 hostNetwork true, L390 hostPID true, L396-397 hostRootFsMount; L471-473 tolerations NoSchedule Exists.",
    },
    {
      url: `${GRAFANA_REF}/values.yaml`,
      date: "2026-11-30",
      note: "Tag grafana-12.11.1 of grafana-community/helm-charts (commit 864f77946836). L108-115 image docker.io grafana/grafana, tag empty = appVersion 13.2.0 (Chart.yaml L5; templates/_pod.tpl L1245-1251); L1040-1046 sidecar quay.io kiwigrid/k8s-sidecar 2.10.1; L126-136 testFramework docker.io bats/bats 1.14.0 (a `helm test` pod); L531-544 initChownData docker.io library/busybox 1.38.0, only with persistence (templates/_pod.tpl L40); L1204 sidecar.dashboards.folderAnnotation null, L1276 provider.foldersFromFilesStructure false; L489-491 persistence off.",
    },
  ] as readonly Source[],
} as const;

/**
 * The in-cluster URL of the Prometheus kube-prometheus-stack installs in `namespace` (its chart's
 * Service, not `prometheus-operated`, which every Prometheus of the namespace shares).
 */
export function kpsPrometheusUrl(namespace: string): string {
  const s = KUBE_PROMETHEUS_STACK.prometheusService;
  return `http://${s.name}.${namespace}.svc:${s.port}`;
}

/** `repository:tag` of a pinned image. */
export function imageReference(image: PinnedImage): string {
  return `${image.repository}:${image.tag}`;
}

/** The upstream path of a GPU Operator component image, `<repository>/<image>`. */
export function gpuOperatorImagePath(image: GpuOperatorImage): string {
  return `${image.repository}/${image.image}`;
}

/**
 * How fast one node pulls an image from the registry (or the site's mirror), MB/s (10^6 bytes):
 * the rate that sets how long a first install may take. A planning figure, deliberately low:
 * containerd downloads a few layers at once but unpacks each gzip layer on one core, which bounds
 * a multi-GB pull well below a 10 GbE link. Measure a site's own with `time crictl pull <image>`
 * on a node and set `catalog.registry.pullMBps`.
 */
export const REGISTRY_PULL = {
  pullMBps: 50,
  sources: [
    {
      url: "https://github.com/containerd/containerd/blob/v2.1.0/docs/cri/config.md",
      date: "2026-11-30",
      note: "containerd's CRI pulls with `max_concurrent_downloads` 3 and unpacks layers after download; the 50 MB/s figure is this project's conservative assumption, not a measurement.",
    },
  ] as readonly Source[],
} as const;

/** Seconds to pull `compressedGB` at `pullMBps`, rounded up. */
export function imagePullSeconds(compressedGB: number, pullMBps: number): number {
  return Math.ceil((compressedGB * 1000) / pullMBps);
}

/**
 * The tiktoken encodings gpt-oss's Harmony tokenizer loads at start. The `openai_harmony` package
 * (Rust core, src/tiktoken_ext/public_encodings.rs) downloads them from openaipublic.blob.core.windows.net
 * unless TIKTOKEN_ENCODINGS_BASE names a local directory holding them, whose files must match the
 * SHA-256 below; with no egress and no such directory the server crashes at start (vllm#22525).
 * gpt-oss needs o200k_base only; cl100k_base is fetched as vLLM's gpt-oss recipe does, so other
 * Harmony encodings load too.
 */
export const TIKTOKEN_ENCODINGS: RuntimeFileSet = {
  id: "tiktoken-encodings",
  env: "TIKTOKEN_ENCODINGS_BASE",
  files: [
    {
      name: "cl100k_base.tiktoken",
      url: "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
      sha256: "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    },
    {
      name: "o200k_base.tiktoken",
      url: "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
      sha256: "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    },
  ],
  sources: [
    {
      url: "https://github.com/openai/harmony/blob/v0.0.8/src/tiktoken_ext/public_encodings.rs",
      date: "2026-11-30",
      note: "TIKTOKEN_ENCODINGS_BASE is read as a local directory (no download fallback, hash checked); file names o200k_base.tiktoken and cl100k_base.tiktoken; the expected SHA-256 of each.",
    },
    {
      url: "https://github.com/vllm-project/recipes/blob/main/OpenAI/GPT-OSS.md",
      date: "2026-11-30",
      note: "vLLM's gpt-oss recipe: download both encodings and set TIKTOKEN_ENCODINGS_BASE to avoid `HarmonyError: error downloading or loading vocab file`.",
    },
    { url: "https://github.com/vllm-project/vllm/issues/22525", date: "2025-08", note: "gpt-oss on vLLM crashes in an air-gapped cluster loading the vocab file." },
  ],
};
