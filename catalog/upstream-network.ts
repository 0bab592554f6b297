/**
 * Ports and pod labels of the upstream components the network policies allow flows between, read
 * at the pinned versions (Envoy Gateway v1.8.3, Envoy AI Gateway v1.1.0, GPU Operator v25.10.1),
 * each with its source. planning/network.ts builds the flows and policies from them.
 */
import type { Source } from "./types";
import { AI_GATEWAY_INTEGRATION, KUBE_PROMETHEUS_STACK } from "./upstream";

const EG = "https://github.com/envoyproxy/gateway/blob/v1.8.3";
const AIGW = "https://github.com/envoyproxy/ai-gateway/blob/v1.1.0";
const GPUOP = "https://github.com/NVIDIA/gpu-operator/blob/v25.10.1";
const READ = "2026-11-30";
const KPS = "https://github.com/prometheus-community/helm-charts/blob/kube-prometheus-stack-88.5.3/charts/kube-prometheus-stack";
const KPS_RELEASE = KUBE_PROMETHEUS_STACK.releaseName;

/**
 * Ports and pod labels of the upstream components, read at the pinned versions (Envoy Gateway
 * v1.8.3, Envoy AI Gateway v1.1.0, GPU Operator v25.10.1), each with its source.
 */
export const NETWORK_UPSTREAM = {
  envoyProxy: {
    /** Labels of every Envoy proxy pod; the owning-Gateway labels are added per Gateway. */
    labels: { "app.kubernetes.io/name": "envoy", "app.kubernetes.io/component": "proxy", "app.kubernetes.io/managed-by": "envoy-gateway" },
    owningGatewayNamespaceLabel: "gateway.envoyproxy.io/owning-gateway-namespace",
    owningGatewayNameLabel: "gateway.envoyproxy.io/owning-gateway-name",
    /** A listener port below this is shifted into the container by `privilegedPortShift`. */
    minUnprivilegedPort: 1024,
    privilegedPortShift: 10000,
    /** Prometheus stats (`metrics` container port). */
    metricsPort: 19001,
    /** Name of that container port, and the path serving the stats: what the gateway's PodMonitor scrapes. */
    metricsPortName: "metrics",
    metricsPath: "/stats/prometheus",
  },
  envoyGatewayController: {
    labels: { "control-plane": "envoy-gateway" },
    /** xDS of the Envoy proxies (Service port `grpc`). */
    xdsPort: 18000,
    /** xDS of the rate limit service's configuration (Service port `ratelimit`). */
    rateLimitXdsPort: 18001,
    metricsPort: 19001,
    /** The topology injector's admission webhook (`pods/binding`), on by default. */
    webhookPort: 9443,
  },
  rateLimit: {
    labels: { "app.kubernetes.io/name": "envoy-ratelimit", "app.kubernetes.io/component": "ratelimit", "app.kubernetes.io/managed-by": "envoy-gateway" },
    grpcPort: 8081,
    metricsPort: 19001,
  },
  aiGatewayController: {
    /** `app.kubernetes.io/name` is the chart name; `instance` (the release name) is left out. */
    labels: { "app.kubernetes.io/name": "ai-gateway-helm" },
    extensionServerPort: AI_GATEWAY_INTEGRATION.extensionServerPort,
    /** The mutating webhook that adds the external processor to Envoy pods (failurePolicy Fail). */
    webhookPort: 9443,
    metricsPort: 8080,
  },
  /** The AI Gateway's external processor, a sidecar of every Envoy pod (Envoy reaches it over a Unix socket). */
  extProc: {
    adminPort: 1064,
    /**
     * Name of that container port (a native sidecar: an init container that keeps running, whose
     * ports Prometheus' pod discovery lists too) and the path of its metrics.
     */
    adminPortName: "aigw-admin",
    metricsPath: "/metrics",
  },
  dcgmExporter: { labels: { app: "nvidia-dcgm-exporter" }, port: 9400 },
  kubeDns: { namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, port: 53 },
  /**
   * The pods of kube-prometheus-stack 88.5.3 released as `KUBE_PROMETHEUS_STACK.releaseName`:
   * labels each pod carries (its Service's or Deployment's selector) and the ports it receives on.
   * The node exporter runs in the host's network namespace, where NetworkPolicies do not apply.
   */
  kubePrometheusStack: {
    prometheus: {
      labels: { "app.kubernetes.io/name": "prometheus", "operator.prometheus.io/name": `${KPS_RELEASE}-prometheus` },
      /** The web port: queries (Grafana, KEDA) and its own /metrics. */
      webPort: 9090,
      /** The config reloader sidecar's /metrics. */
      reloaderPort: 8080,
    },
    alertmanager: {
      labels: { "app.kubernetes.io/name": "alertmanager", alertmanager: `${KPS_RELEASE}-alertmanager` },
      /** Alerts from Prometheus, queries from Grafana, its own /metrics. */
      webPort: 9093,
      reloaderPort: 8080,
    },
    operator: {
      labels: { app: `${KPS_RELEASE}-operator`, release: KPS_RELEASE },
      /** HTTPS: the admission webhooks (PrometheusRule, AlertmanagerConfig validation) and /metrics. */
      httpsPort: 10250,
    },
    grafana: {
      labels: { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": KPS_RELEASE },
      /** Users' browsers (Service port 80) and its own /metrics. */
      port: 3000,
    },
    kubeStateMetrics: {
      labels: { "app.kubernetes.io/name": "kube-state-metrics", "app.kubernetes.io/instance": KPS_RELEASE },
      /** The metrics port Prometheus scrapes (the telemetry port 8081 is not scraped: selfMonitor is off). */
      port: 8080,
    },
  },
  /** KEDA's operator, which runs the Prometheus scaler's queries (the metrics server forwards to it). */
  kedaOperator: { labels: { "app.kubernetes.io/name": "keda-operator" } },
  sources: [
    {
      url: `${EG}/internal/infrastructure/kubernetes/proxy_infra.go`,
      date: READ,
      note: "L97-102 GetResourceNamespace: the proxy Deployment goes to the controller's namespace unless the deploy type is GatewayNamespace.",
    },
    {
      url: `${EG}/internal/infrastructure/kubernetes/proxy/resource.go`,
      date: READ,
      note: "L46-53 EnvoyAppLabel name=envoy, component=proxy, managed-by=envoy-gateway; L83-96 container ports metrics 19001 (bootstrap.EnvoyStatsPort) and readiness 19003. resource_provider.go L678-683: pod labels are these plus the infra labels (owning Gateway).",
    },
    {
      url: `${EG}/internal/gatewayapi/helpers.go`,
      date: READ,
      note: "L268-273 GatewayOwnerLabels: owning-gateway-namespace and owning-gateway-name; keys in translator.go L36 and L41.",
    },
    {
      url: `${EG}/internal/gatewayapi/listener.go`,
      date: READ,
      note: "L1276-1300 servicePortToContainerPort: a Service port below 1024 (translator.go L46 minEphemeralPort) gets 10000 added (L49 wellKnownPortShift): 443 → 10443, 80 → 10080.",
    },
    {
      url: `${EG}/internal/xds/bootstrap/bootstrap.go`,
      date: READ,
      note: "L38 EnvoyAdminPort 19000 (localhost), L43 DefaultXdsServerPort 18000, L45 EnvoyStatsPort 19001, L47 EnvoyReadinessPort 19003 (kubelet). bootstrap.yaml.tpl L133-150: the stats listener routes GET /stats/prometheus; proxy/resource.go L86-87 names its container port `metrics`.",
    },
    {
      url: `${EG}/charts/gateway-helm/values.tmpl.yaml`,
      date: READ,
      note: "L78-90 controller ports grpc 18000, ratelimit 18001, wasm 18002 (unused: no Wasm extensions), metrics 19001; L178-179 topologyInjector.enabled true.",
    },
    {
      url: `${EG}/charts/gateway-helm/templates/envoy-gateway-deployment.yaml`,
      date: READ,
      note: "L27-29 pod labels control-plane: envoy-gateway plus the chart's selector labels; L74-82 container ports, plus webhook 9443 with the topology injector; L67-86 probes on 8081 (kubelet).",
    },
    {
      url: `${EG}/charts/gateway-helm/templates/envoy-proxy-topology-injector-webhook.yaml`,
      date: READ,
      note: "L30-45 MutatingWebhook on pods/binding → Service envoy-gateway port 9443, failurePolicy Ignore.",
    },
    {
      url: `${EG}/internal/infrastructure/kubernetes/ratelimit/resource.go`,
      date: READ,
      note: "L97-109 InfraName envoy-ratelimit, gRPC 8081, config xDS from envoy-gateway:18001, readiness 8080 (kubelet), Prometheus 19001; L130-137 labels; L143-157 container ports. ratelimit_infra.go L49: in the controller's namespace.",
    },
    {
      url: `${AIGW}/manifests/charts/ai-gateway-helm/values.yaml`,
      date: READ,
      note: "L207-231 controller ports mutating-webhook 9443, grpc 1063 (extension server), http-metrics 8080, ratelimit-xds 18002 (only for QuotaPolicy's separate rate limit service, not deployed); L233-235 mutatingWebhook.port 9443.",
    },
    {
      url: `${AIGW}/manifests/charts/ai-gateway-helm/templates/admission_webhook.yaml`,
      date: READ,
      note: "L14-38 MutatingWebhook on pods CREATE → the controller Service port 9443, objectSelector managed-by envoy-gateway (values.yaml L260-263), failurePolicy Fail.",
    },
    {
      url: `${AIGW}/manifests/charts/ai-gateway-helm/templates/_helpers.tpl`,
      date: READ,
      note: "L55-58 selector labels app.kubernetes.io/name (the chart name ai-gateway-helm, Chart.yaml L7) and instance; deployment.yaml L24-28 pod labels, L47-50 container ports.",
    },
    {
      url: `${AIGW}/internal/controller/extproc_builder.go`,
      date: READ,
      note: "L31-32 extProcAdminPort 1064, L163-165 container port aigw-admin, L200 restartPolicy Always (gateway_mutator.go L389-390 adds it to the pod's initContainers: a native sidecar); L293-294 -extProcAddr unix://…: Envoy reaches the processor over a Unix socket. cmd/extproc/mainlib/main.go L120: the admin port serves /metrics and /health.",
    },
    {
      url: `${AIGW}/manifests/envoy-gateway-values.yaml`,
      date: READ,
      note: "L51-57 Envoy Gateway's extension manager calls ai-gateway-controller.<ns>.svc:1063.",
    },
    {
      url: `${GPUOP}/assets/state-dcgm-exporter/0800_daemonset.yaml`,
      date: READ,
      note: "L16-17 pod label app: nvidia-dcgm-exporter; L42-43 DCGM_EXPORTER_LISTEN :9400; L52-54 container port metrics 9400. controllers/object_controls.go L1703-1708: hostNetwork only with a host DCGM engine on localhost (then policies do not apply).",
    },
    {
      url: `${KPS}/templates/prometheus/service.yaml`,
      date: READ,
      note: "L44-59 ports 9090 (http-web) and 8080 (reloader-web), L73-79 selector app.kubernetes.io/name: prometheus, operator.prometheus.io/name: <fullname>-prometheus; templates/prometheus/servicemonitor.yaml L24, L44: Prometheus scrapes both on itself.",
    },
    {
      url: `${KPS}/templates/alertmanager/service.yaml`,
      date: READ,
      note: "L39-51 ports 9093 (http-web) and 8080 (reloader-web), L56-58 selector app.kubernetes.io/name: alertmanager, alertmanager: <fullname>-alertmanager; templates/alertmanager/servicemonitor.yaml L24, L48: both scraped. Cluster port 9094 only with replicas > 1 (values L841, commented out).",
    },
    {
      url: `${KPS}/templates/prometheus-operator/deployment.yaml`,
      date: READ,
      note: "L20-23 selector app: <name>-operator, release: <release>; L148-151 --web.listen-address=:10250 with TLS (values prometheusOperator.tls.internalPort 10250). admission-webhooks/validatingWebhookConfiguration.yaml L35-39: the API server calls the operator's Service (port 443 → https 10250; service.yaml L50-55) while admissionWebhooks.deployment.enabled is false (values L2899-2900).",
    },
    {
      url: `${KPS}/templates/grafana/configmaps-datasources.yaml`,
      date: READ,
      note: "L34 Grafana's Prometheus datasource http://<fullname>-prometheus.<namespace>:9090/; L84 the Alertmanager datasource http://<fullname>-alertmanager.<namespace>:9093/ (grafana.sidecar.datasources.alertmanager.enabled true, values L1606-1607).",
    },
    {
      url: "https://github.com/grafana-community/helm-charts/blob/grafana-12.11.1/charts/grafana/templates/_helpers.tpl",
      date: READ,
      note: "L81-84 selector labels app.kubernetes.io/name: grafana, app.kubernetes.io/instance: <release>; templates/_pod.tpl L1404 container port service.targetPort 3000 (values.yaml L261-262: Service port 80 → 3000).",
    },
    {
      url: "https://github.com/prometheus-community/helm-charts/blob/kube-state-metrics-8.4.0/charts/kube-state-metrics/templates/_helpers.tpl",
      date: READ,
      note: "L79-86 selector labels app.kubernetes.io/name: kube-state-metrics, app.kubernetes.io/instance: <release>; values.yaml L63-64 service port 8080; deployment.yaml L170-173 container ports 8080 and the telemetry port.",
    },
    {
      url: "https://github.com/prometheus-community/helm-charts/blob/prometheus-node-exporter-4.56.1/charts/prometheus-node-exporter/values.yaml",
      date: READ,
      note: "L382 hostNetwork true: its port 9100 is on the node's address, outside NetworkPolicies.",
    },
    {
      url: "https://github.com/kedacore/charts/blob/v2.20.2/keda/templates/manager/deployment.yaml",
      date: READ,
      note: "Tag v2.20.2 (commit cbb9bb8ce080). L25-30 pod labels app, name and app.kubernetes.io/name: keda-operator (values.yaml L88 operator.name). The KEDA docs install it into the namespace `keda`.",
    },
  ] as readonly Source[],
} as const;
