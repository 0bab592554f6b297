/**
 * The network of an environment, as pure functions (no cdktf, no I/O): every connection the stack's
 * pods need (`networkFlows`), the NetworkPolicies that allow exactly those (`networkPolicies`), and
 * an evaluator of NetworkPolicy semantics that proves it (`checkNetworkPolicies`): every declared
 * flow is allowed, and no other connection between the known endpoints is.
 *
 * The model:
 * - every namespace the stack creates gets `default-deny-ingress`; allow policies are grouped per
 *   (namespace, pod selector) of the receiving pods;
 * - egress is left open (DNS, the API server, image-less traffic all work), except for pods a flow
 *   marks `restrictEgress` (the prefetch Jobs): an Egress policy lets them reach only their
 *   declared destinations and DNS;
 * - an address peer covering a whole address family ("any address") also covers pods: an ipBlock
 *   of 0.0.0.0/0 matches pod IPs on most network plugins. Narrower CIDRs are taken as addresses
 *   outside the cluster, as the NetworkPolicy API intends them.
 *
 * Ports and labels of upstream components were read at the pinned versions; `NETWORK_UPSTREAM`
 * lists each with its source.
 */
import { NETWORK_UPSTREAM } from "../catalog/upstream-network";
import { modelServerObjectName } from "../config/kubernetes-names";
import type { ResolvedEnvironment } from "../config/resolve";
import { MODEL_SERVER_PORT, type GatewayPlan } from "./gateway";
import { runtimeFileSets } from "./model-store";
import type { Plan } from "./plan";

// ---------------------------------------------------------------------------------------------
// Types

/** A matchLabels map. */
export type Labels = Readonly<Record<string, string>>;

/** Protocols a NetworkPolicy port can name. */
export type Protocol = "TCP" | "UDP" | "SCTP";

/** One port of a flow. */
export interface PortProtocol {
  readonly port: number;
  readonly protocol: Protocol;
}

/** Pods: those of `namespace` whose labels include `podSelector` (`{}`: every pod of the namespace). */
export interface PodPeer {
  readonly kind: "pods";
  /** Short name of the pod class, a DNS label: names policies and appears in messages. */
  readonly name: string;
  readonly namespace: string;
  readonly podSelector: Labels;
  /**
   * These pods may reach only what flows from them declare (an Egress policy selects them).
   * @default false - egress is open
   */
  readonly restrictEgress?: boolean;
}

/** Addresses, as CIDR blocks; `ANY_ADDRESS` for "any address". */
export interface AddressPeer {
  readonly kind: "addresses";
  /** What the addresses are, for messages: `clients`, `api-server`, `weights-source`. */
  readonly name: string;
  readonly cidrs: readonly string[];
}

/** One end of a flow. */
export type Peer = PodPeer | AddressPeer;

/** A connection the environment needs: `from` may open connections to `to` on `ports`. */
export interface Flow {
  readonly from: Peer;
  readonly to: Peer;
  /** Sorted by port, then protocol. */
  readonly ports: readonly PortProtocol[];
  /** Why the connection exists. */
  readonly why: string;
  /** Where the port or labels were read (upstream file and line), when they are not ours. */
  readonly source?: string;
}

/** A Kubernetes label selector. */
export interface LabelSelector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: string;
    readonly values?: readonly string[];
  }[];
}

/** `networking.k8s.io/v1` NetworkPolicyPeer. */
export interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

/** `networking.k8s.io/v1` NetworkPolicyPort. */
export interface NetworkPolicyPort {
  readonly protocol?: string;
  readonly port?: number | string;
  readonly endPort?: number;
}

/** A plain `networking.k8s.io/v1` NetworkPolicy object. */
export interface NetworkPolicy {
  readonly apiVersion: "networking.k8s.io/v1";
  readonly kind: "NetworkPolicy";
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels?: Labels };
  readonly spec: {
    readonly podSelector: LabelSelector;
    readonly policyTypes?: readonly string[];
    readonly ingress?: readonly { readonly from?: readonly NetworkPolicyPeer[]; readonly ports?: readonly NetworkPolicyPort[] }[];
    readonly egress?: readonly { readonly to?: readonly NetworkPolicyPeer[]; readonly ports?: readonly NetworkPolicyPort[] }[];
  };
}

/**
 * Something the checker evaluates connections between: a class of pods (one label set in one
 * namespace), or addresses outside the cluster (`outside`, `api-server`, a source's CIDRs).
 */
export type Endpoint =
  | {
      readonly kind: "pod";
      readonly name: string;
      readonly namespace: string;
      readonly labels: Labels;
      /** In a namespace the stack creates: every connection into it must be a declared flow. */
      readonly managed: boolean;
    }
  | { readonly kind: "external"; readonly name: string; readonly cidrs: readonly string[] };

/** A pod endpoint. */
export type PodEndpoint = Extract<Endpoint, { kind: "pod" }>;

/** What `checkNetworkPolicies` found. */
export interface NetworkProblem {
  /**
   * `flow-not-allowed`: a declared flow is blocked; `undeclared-connection`: policies allow a
   * connection no flow declares; `unchecked`: something the checker cannot evaluate exactly.
   */
  readonly kind: "flow-not-allowed" | "undeclared-connection" | "unchecked";
  readonly message: string;
}

// ---------------------------------------------------------------------------------------------
// Upstream facts and our own labels

/** "Any address": every IPv4 and IPv6 address. */
export const ANY_ADDRESS: readonly string[] = ["0.0.0.0/0", "::/0"];


/** Pod labels of model servers the policies select on (charts/model-server `model-server.selectorLabels`). */
export const MODEL_SERVER_POD_LABELS: Labels = { "app.kubernetes.io/name": "model-server" };
/** Pod labels of every prefetch Job (constructs/model-store.ts COMMON_LABELS). */
export const PREFETCH_POD_LABELS: Labels = { "app.kubernetes.io/component": "model-store", "app.kubernetes.io/part-of": "ai-factory" };
/** `app.kubernetes.io/name` of the checkpoint and runtime-file prefetch Jobs (constructs/model-store.ts). */
export const PREFETCH_JOB_NAMES = { weights: "model-prefetch", runtimeFiles: "runtime-files-prefetch" } as const;
/** Pod labels the gateway chart's Redis must carry: ratelimit may reach it, nothing else. */
export const REDIS_POD_LABELS: Labels = { "app.kubernetes.io/name": "ai-gateway", "app.kubernetes.io/component": "redis" };
/** Redis' port. */
export const REDIS_PORT = 6379;
/** Labels on every object of the policies chart. */
export const POLICY_LABELS: Labels = { "app.kubernetes.io/part-of": "ai-factory", "app.kubernetes.io/component": "network-policy" };
/** The namespace label every namespace carries (Kubernetes ≥ 1.22), which namespace selectors use. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
/** Name of the default-deny policy of every namespace. */
export const DEFAULT_DENY_INGRESS = "default-deny-ingress";

/** The container port Envoy listens on for a Gateway listener on `servicePort` (privileged ports shifted). */
export function listenerContainerPort(servicePort: number): number {
  const p = NETWORK_UPSTREAM.envoyProxy;
  return servicePort < p.minUnprivilegedPort ? servicePort + p.privilegedPortShift : servicePort;
}

/** The port of an http:// or https:// URL: its own, else 80 or 443. */
export function urlPort(url: string): number {
  const parsed = new URL(url);
  if (parsed.port !== "") return Number(parsed.port);
  if (parsed.protocol === "https:") return 443;
  if (parsed.protocol === "http:") return 80;
  throw new Error(`network: ${JSON.stringify(url)} is not an http:// or https:// URL; the prefetch Jobs' egress needs its port`);
}

// ---------------------------------------------------------------------------------------------
// Input

/** What the network is computed from. */
export interface NetworkInput {
  /** The two namespaces every stack creates. */
  readonly namespaces: { readonly gpuOperator: string; readonly models: string };
  /**
   * Namespace of the Prometheus that scrapes (`monitoring.namespace`).
   * @default - no monitoring: no scrape flows
   */
  readonly monitoringNamespace?: string;
  /**
   * kube-prometheus-stack installed by the stack in `monitoringNamespace` (`monitoring.mode:
   * install`): the namespace is then one of ours (default-deny ingress), its Prometheus' pods are
   * the scrapers, and its own connections are flows.
   * @default - none: `monitoringNamespace` is an existing Prometheus'
   */
  readonly installedMonitoring?: {
    /**
     * Namespace of KEDA, whose operator queries the installed Prometheus for autoscaled models.
     * @default - no model autoscales with KEDA: nothing outside the namespace queries Prometheus
     */
    readonly kedaNamespace?: string;
  };
  /** Whether the GPU Operator runs the DCGM exporter. */
  readonly dcgmExporter: boolean;
  /** Object (and release) names of the model servers the stack deploys; empty when there are none. */
  readonly modelServers: readonly string[];
  /**
   * The model store's source, when the environment has one.
   * @default - no store: no prefetch Jobs
   */
  readonly modelStore?: {
    /** URL the prefetch Jobs download weights from (S3 endpoint, HTTP mirror, Hugging Face endpoint). */
    readonly sourceUrl: string;
    /** `modelStore.egressCidrs`: the only addresses they may reach. @default - any address on the source's port */
    readonly egressCidrs?: readonly string[];
    /**
     * URLs the runtime-file Jobs fetch directly instead of from the source (the Hugging Face source
     * does not host them).
     * @default - none
     */
    readonly runtimeFileUrls?: readonly string[];
  };
  /** The gateway's plan. @default - no gateway */
  readonly gateway?: GatewayPlan;
  /**
   * Whether the gateway runs Envoy Gateway's global rate limit service and Redis. The gateway's
   * Envoy Gateway values configure `rateLimit` (Redis backend) whatever the teams' budgets, and
   * Envoy Gateway then runs the service (and the gateway chart Redis) even with no budget to count.
   * @default - whenever there is a gateway
   */
  readonly rateLimit?: boolean;
  /**
   * Whether Envoy Gateway's topology injector webhook is on (the chart's default).
   * @default true
   */
  readonly topologyInjector?: boolean;
  /** Namespaces of the teams' own workloads. */
  readonly teamNamespaces: readonly string[];
}

/** The URL the prefetch Jobs download weights from. */
function sourceUrl(source: NonNullable<ResolvedEnvironment["config"]["modelStore"]>["source"]): string {
  switch (source.kind) {
    case "s3":
      return source.endpoint;
    case "http":
      return source.url;
    case "huggingFace":
      return source.endpoint ?? "https://huggingface.co";
  }
}

/** The network input of an environment, its plan and its gateway plan, as the stack wires them. */
export function networkInput(env: ResolvedEnvironment, plan: Plan, gateway: GatewayPlan | undefined): NetworkInput {
  const { config } = env;
  const store = config.modelStore;
  // The stack deploys a store and servers only when both a store and models exist.
  const served = store !== undefined && plan.models.length > 0;
  const runtimeFileUrls =
    served && store.source.kind === "huggingFace"
      ? runtimeFileSets(plan.models.map((m) => m.model.spec)).flatMap((set) => set.files.map((f) => f.url))
      : [];
  return {
    namespaces: { gpuOperator: config.namespaces.gpuOperator, models: config.namespaces.models },
    ...(config.monitoring === undefined ? {} : { monitoringNamespace: config.monitoring.namespace }),
    ...(config.monitoring?.mode === "install" ? { installedMonitoring: installedMonitoring(config.monitoring.prometheus.kedaNamespace, served ? plan : undefined) } : {}),
    dcgmExporter: config.gpuOperator.enabled && config.gpuOperator.dcgmExporter.enabled,
    modelServers: served ? plan.models.map((m) => modelServerObjectName(m.model.servedName)).sort() : [],
    ...(served
      ? {
          modelStore: {
            sourceUrl: sourceUrl(store.source),
            ...(store.egressCidrs === undefined ? {} : { egressCidrs: store.egressCidrs }),
            ...(runtimeFileUrls.length > 0 ? { runtimeFileUrls } : {}),
          },
        }
      : {}),
    ...(gateway === undefined ? {} : { gateway }),
    teamNamespaces: (gateway?.teams ?? []).flatMap((t) => (t.namespace === undefined ? [] : [t.namespace.name])).sort(),
  };
}

/** The installed monitoring's clients: KEDA, when a deployed model autoscales with it. */
function installedMonitoring(kedaNamespace: string, plan: Plan | undefined): NonNullable<NetworkInput["installedMonitoring"]> {
  const keda = (plan?.models ?? []).some((m) => m.model.replicas.max > m.model.replicas.min && m.model.deployment.autoscaling.kind === "keda");
  return keda ? { kedaNamespace } : {};
}

/** Every namespace the stack creates, sorted: each gets `default-deny-ingress`. */
export function managedNamespaces(input: NetworkInput): string[] {
  const g = input.gateway;
  const all = [
    input.namespaces.gpuOperator,
    input.namespaces.models,
    ...(g === undefined ? [] : [g.namespace, g.controllerNamespaces.envoyGateway, g.controllerNamespaces.aiGateway]),
    ...input.teamNamespaces,
    ...(input.installedMonitoring !== undefined && input.monitoringNamespace !== undefined ? [input.monitoringNamespace] : []),
  ];
  return [...new Set(all)].sort();
}

/** Whether the gateway runs the rate limit service and Redis. */
export function usesRateLimit(input: NetworkInput): boolean {
  return input.rateLimit ?? input.gateway !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Flows

const tcp = (...ports: number[]): PortProtocol[] => sortPorts(ports.map((port) => ({ port, protocol: "TCP" as const })));

function sortPorts(ports: readonly PortProtocol[]): PortProtocol[] {
  const seen = new Map<string, PortProtocol>();
  for (const p of ports) seen.set(`${p.protocol}/${p.port}`, p);
  return [...seen.values()].sort((a, b) => a.port - b.port || cmp(a.protocol, b.protocol));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The pod classes the flows name, for one input. */
function peers(input: NetworkInput) {
  const ns = input.namespaces;
  const up = NETWORK_UPSTREAM;
  const g = input.gateway;
  const pods = (name: string, namespace: string, podSelector: Labels, restrictEgress = false): PodPeer => ({
    kind: "pods",
    name,
    namespace,
    podSelector,
    ...(restrictEgress ? { restrictEgress } : {}),
  });
  return {
    // An existing Prometheus' pods are not known: any pod of its namespace scrapes. The installed one's are.
    monitoring:
      input.monitoringNamespace === undefined
        ? undefined
        : input.installedMonitoring === undefined
          ? pods("any-pod", input.monitoringNamespace, {})
          : pods("prometheus", input.monitoringNamespace, up.kubePrometheusStack.prometheus.labels),
    installed:
      input.monitoringNamespace === undefined || input.installedMonitoring === undefined
        ? undefined
        : {
            prometheus: pods("prometheus", input.monitoringNamespace, up.kubePrometheusStack.prometheus.labels),
            alertmanager: pods("alertmanager", input.monitoringNamespace, up.kubePrometheusStack.alertmanager.labels),
            operator: pods("prometheus-operator", input.monitoringNamespace, up.kubePrometheusStack.operator.labels),
            grafana: pods("grafana", input.monitoringNamespace, up.kubePrometheusStack.grafana.labels),
            kubeStateMetrics: pods("kube-state-metrics", input.monitoringNamespace, up.kubePrometheusStack.kubeStateMetrics.labels),
            keda: input.installedMonitoring.kedaNamespace === undefined ? undefined : pods("keda-operator", input.installedMonitoring.kedaNamespace, up.kedaOperator.labels),
          },
    modelServers: input.modelServers.length === 0 ? undefined : pods("model-servers", ns.models, MODEL_SERVER_POD_LABELS),
    dcgm: input.dcgmExporter ? pods("dcgm-exporter", ns.gpuOperator, up.dcgmExporter.labels) : undefined,
    prefetch: pods("prefetch", ns.models, PREFETCH_POD_LABELS, true),
    weightsPrefetch: pods(PREFETCH_JOB_NAMES.weights, ns.models, { ...PREFETCH_POD_LABELS, "app.kubernetes.io/name": PREFETCH_JOB_NAMES.weights }, true),
    filesPrefetch: pods(PREFETCH_JOB_NAMES.runtimeFiles, ns.models, { ...PREFETCH_POD_LABELS, "app.kubernetes.io/name": PREFETCH_JOB_NAMES.runtimeFiles }, true),
    kubeDns: pods("kube-dns", up.kubeDns.namespace, up.kubeDns.labels),
    gateway:
      g === undefined
        ? undefined
        : {
            proxies: pods("envoy-proxies", g.controllerNamespaces.envoyGateway, {
              ...up.envoyProxy.labels,
              [up.envoyProxy.owningGatewayNamespaceLabel]: g.namespace,
            }),
            controller: pods("envoy-gateway", g.controllerNamespaces.envoyGateway, up.envoyGatewayController.labels),
            rateLimit: pods("envoy-ratelimit", g.controllerNamespaces.envoyGateway, up.rateLimit.labels),
            aiController: pods("ai-gateway-controller", g.controllerNamespaces.aiGateway, up.aiGatewayController.labels),
            redis: pods("redis", g.namespace, REDIS_POD_LABELS),
          },
  };
}

const cite = (file: string, lines: string) => `${file} ${lines}`;

/**
 * Every connection the environment's pods need, each with why and (for upstream ports and labels)
 * where it was read. Deterministic order: the order below, which the tests pin.
 */
export function networkFlows(input: NetworkInput): Flow[] {
  const up = NETWORK_UPSTREAM;
  const p = peers(input);
  const flows: Flow[] = [];
  const add = (from: Peer, to: Peer, ports: PortProtocol[], why: string, source?: string) =>
    flows.push({ from, to, ports: sortPorts(ports), why, ...(source === undefined ? {} : { source }) });

  // Prefetch Jobs: only their source, and DNS.
  const store = input.modelStore;
  if (store !== undefined) {
    const to: AddressPeer =
      store.egressCidrs === undefined
        ? { kind: "addresses", name: "any-address", cidrs: ANY_ADDRESS }
        : { kind: "addresses", name: "weights-source", cidrs: [...store.egressCidrs] };
    const weightsPorts = tcp(urlPort(store.sourceUrl));
    const filePorts = store.runtimeFileUrls === undefined || store.runtimeFileUrls.length === 0 ? weightsPorts : tcp(...store.runtimeFileUrls.map(urlPort));
    const samePorts = weightsPorts.map(portKey).join() === filePorts.map(portKey).join();
    const dns: PortProtocol[] = [
      { port: up.kubeDns.port, protocol: "UDP" },
      { port: up.kubeDns.port, protocol: "TCP" },
    ];
    const dnsWhy = "cluster DNS: the source's host name resolves through kube-dns";
    if (samePorts) {
      add(p.prefetch, to, weightsPorts, `prefetch Jobs download weights (and runtime files) from ${store.sourceUrl}`);
      add(p.prefetch, p.kubeDns, dns, dnsWhy);
    } else {
      add(p.weightsPrefetch, to, weightsPorts, `prefetch Jobs download weights from ${store.sourceUrl}`);
      add(p.weightsPrefetch, p.kubeDns, dns, dnsWhy);
      add(p.filesPrefetch, to, filePorts, "runtime-file Jobs download files the Hugging Face source does not host from their upstream URLs");
      add(p.filesPrefetch, p.kubeDns, dns, dnsWhy);
    }
  }

  const g = input.gateway;
  const gw = p.gateway;
  const rateLimit = usesRateLimit(input);
  if (g !== undefined && gw !== undefined) {
    const servicePort = g.tls === false ? 80 : 443;
    const EGF = "envoyproxy/gateway@v1.8.3";
    const AIF = "envoyproxy/ai-gateway@v1.1.0";
    add(
      { kind: "addresses", name: "clients", cidrs: ANY_ADDRESS },
      gw.proxies,
      tcp(listenerContainerPort(servicePort)),
      `clients call the Gateway's listener on port ${servicePort}, which Envoy Gateway maps to container port ${listenerContainerPort(servicePort)}`,
      cite(`${EGF} internal/gatewayapi/listener.go`, "L1291-1297 (translator.go L46, L49); proxy_infra.go L97-102; proxy/resource.go L46-53"),
    );
    const backendPorts = [...new Set(g.backends.map((b) => b.port))];
    if (p.modelServers !== undefined && backendPorts.length > 0) {
      add(gw.proxies, p.modelServers, tcp(...backendPorts), "the Envoy proxies (with the AI Gateway's external processor) route requests to the model servers", "charts/model-server service.port / container port 8000");
    }
    add(gw.proxies, gw.controller, tcp(up.envoyGatewayController.xdsPort), "Envoy proxies fetch their configuration (xDS) from Envoy Gateway", cite(`${EGF} internal/xds/bootstrap/bootstrap.go`, "L43; charts/gateway-helm/values.tmpl.yaml L79-81"));
    add(gw.controller, gw.aiController, tcp(up.aiGatewayController.extensionServerPort), "Envoy Gateway calls the AI Gateway's extension server while translating routes", cite(`${AIF} manifests/envoy-gateway-values.yaml`, "L51-57; ai-gateway-helm values.yaml L217-221"));
    if (input.topologyInjector ?? true) {
      add(
        { kind: "addresses", name: "api-server", cidrs: ANY_ADDRESS },
        gw.controller,
        tcp(up.envoyGatewayController.webhookPort),
        "the API server calls Envoy Gateway's topology injector webhook (its address is unknown at synth: any address, on this port only)",
        cite(`${EGF} charts/gateway-helm/templates/envoy-proxy-topology-injector-webhook.yaml`, "L30-45; envoy-gateway-deployment.yaml L79-82"),
      );
    }
    add(
      { kind: "addresses", name: "api-server", cidrs: ANY_ADDRESS },
      gw.aiController,
      tcp(up.aiGatewayController.webhookPort),
      "the API server calls the AI Gateway's pod mutating webhook, which adds the external processor to Envoy pods (its address is unknown at synth: any address, on this port only)",
      cite(`${AIF} manifests/charts/ai-gateway-helm/templates/admission_webhook.yaml`, "L14-38; values.yaml L212-216, L233-235"),
    );
    if (rateLimit) {
      add(gw.proxies, gw.rateLimit, tcp(up.rateLimit.grpcPort), "Envoy proxies ask the global rate limit service before each request (token budgets)", cite(`${EGF} internal/infrastructure/kubernetes/ratelimit/resource.go`, "L98-99, L143-149"));
      add(gw.rateLimit, gw.controller, tcp(up.envoyGatewayController.rateLimitXdsPort), "the rate limit service fetches its rules (xDS) from Envoy Gateway", cite(`${EGF} internal/infrastructure/kubernetes/ratelimit/resource.go`, "L100-103, L329-331"));
      add(gw.rateLimit, gw.redis, tcp(REDIS_PORT), "the rate limit service keeps its counters in Redis (the gateway chart's)", "Redis' port; labels set by charts/ai-gateway");
    }
  }

  // Scraping, only when a Prometheus is configured.
  const mon = p.monitoring;
  if (mon !== undefined) {
    if (p.modelServers !== undefined) add(mon, p.modelServers, tcp(MODEL_SERVER_PORT), "Prometheus scrapes vLLM's /metrics on the serving port", "charts/model-server templates/servicemonitor.yaml (port http, 8000)");
    if (p.dcgm !== undefined) add(mon, p.dcgm, tcp(up.dcgmExporter.port), "Prometheus scrapes the DCGM exporter", cite("NVIDIA/gpu-operator@v25.10.1 assets/state-dcgm-exporter/0800_daemonset.yaml", "L42-43, L52-54"));
    if (gw !== undefined) {
      add(mon, gw.proxies, tcp(up.envoyProxy.metricsPort, up.extProc.adminPort), "Prometheus scrapes Envoy's stats and the external processor's /metrics", cite("envoyproxy/gateway@v1.8.3 internal/xds/bootstrap/bootstrap.go", "L45; ai-gateway@v1.1.0 internal/controller/extproc_builder.go L31-32, L163-165"));
      add(mon, gw.controller, tcp(up.envoyGatewayController.metricsPort), "Prometheus scrapes Envoy Gateway's metrics", cite("envoyproxy/gateway@v1.8.3 charts/gateway-helm/values.tmpl.yaml", "L88-90, L96-97"));
      if (rateLimit) add(mon, gw.rateLimit, tcp(up.rateLimit.metricsPort), "Prometheus scrapes the rate limit service's metrics", cite("envoyproxy/gateway@v1.8.3 internal/infrastructure/kubernetes/ratelimit/resource.go", "L109, L151-157"));
      add(mon, gw.aiController, tcp(up.aiGatewayController.metricsPort), "Prometheus scrapes the AI Gateway controller's metrics", cite("envoyproxy/ai-gateway@v1.1.0 manifests/charts/ai-gateway-helm/values.yaml", "L222-226"));
    }
  }

  // The installed kube-prometheus-stack's own connections. The node exporter (host network) and
  // the kubelet, API server and control plane Prometheus scrapes are outside NetworkPolicies.
  const kps = p.installed;
  if (kps !== undefined) {
    const k = up.kubePrometheusStack;
    const KPSF = "prometheus-community/helm-charts@kube-prometheus-stack-88.5.3 charts/kube-prometheus-stack/templates";
    add(
      { kind: "addresses", name: "users", cidrs: ANY_ADDRESS },
      kps.grafana,
      tcp(k.grafana.port),
      "users open Grafana (its Service's port 80 is container port 3000; expose it with a port-forward, an Ingress or a LoadBalancer of your own)",
      cite("grafana-community/helm-charts@grafana-12.11.1 charts/grafana/values.yaml", "L261-262; templates/_pod.tpl L1404"),
    );
    add(kps.grafana, kps.prometheus, tcp(k.prometheus.webPort), "Grafana's Prometheus datasource queries Prometheus", cite(`${KPSF}/grafana/configmaps-datasources.yaml`, "L34"));
    add(kps.grafana, kps.alertmanager, tcp(k.alertmanager.webPort), "Grafana's Alertmanager datasource lists alerts and silences", cite(`${KPSF}/grafana/configmaps-datasources.yaml`, "L84"));
    add(kps.prometheus, kps.alertmanager, tcp(k.alertmanager.webPort, k.alertmanager.reloaderPort), "Prometheus sends alerts to Alertmanager and scrapes it and its config reloader", cite(`${KPSF}/alertmanager/servicemonitor.yaml`, "L24, L48; alertmanager/service.yaml L39-51"));
    add(kps.prometheus, kps.prometheus, tcp(k.prometheus.webPort, k.prometheus.reloaderPort), "Prometheus scrapes itself and its config reloader through its pod address", cite(`${KPSF}/prometheus/servicemonitor.yaml`, "L24, L44; prometheus/service.yaml L44-59"));
    add(kps.prometheus, kps.operator, tcp(k.operator.httpsPort), "Prometheus scrapes the operator's metrics (HTTPS)", cite(`${KPSF}/prometheus-operator/servicemonitor.yaml`, "L16; deployment.yaml L148-151"));
    add(kps.prometheus, kps.grafana, tcp(k.grafana.port), "Prometheus scrapes Grafana's /metrics", "kube-prometheus-stack values.yaml grafana.serviceMonitor.enabled true");
    add(kps.prometheus, kps.kubeStateMetrics, tcp(k.kubeStateMetrics.port), "Prometheus scrapes kube-state-metrics", cite("prometheus-community/helm-charts@kube-state-metrics-8.4.0 charts/kube-state-metrics/values.yaml", "L63-64"));
    add(
      { kind: "addresses", name: "api-server", cidrs: ANY_ADDRESS },
      kps.operator,
      tcp(k.operator.httpsPort),
      "the API server calls the operator's admission webhooks (PrometheusRule and AlertmanagerConfig validation; its address is unknown at synth: any address, on this port only)",
      cite(`${KPSF}/prometheus-operator/admission-webhooks/validatingWebhookConfiguration.yaml`, "L35-39; prometheus-operator/service.yaml L50-55"),
    );
    if (kps.keda !== undefined) {
      add(kps.keda, kps.prometheus, tcp(k.prometheus.webPort), "KEDA's operator queries vllm:num_requests_waiting for autoscaled models", "kedacore/charts@v2.20.2 keda/templates/manager/deployment.yaml L25-30");
    }
  }
  return flows;
}

/**
 * The endpoints the checker evaluates: every pod class the stack deploys (with its real labels),
 * one pod without our labels in every namespace we create and in `default`, pods of the cluster
 * we talk to (kube-dns, Prometheus), an Envoy proxy of another Gateway, and the addresses outside.
 */
export function networkEndpoints(input: NetworkInput): Endpoint[] {
  const up = NETWORK_UPSTREAM;
  const ns = input.namespaces;
  const managed = new Set(managedNamespaces(input));
  const pod = (name: string, namespace: string, labels: Labels): Endpoint => ({ kind: "pod", name, namespace, labels, managed: managed.has(namespace) });
  const out: Endpoint[] = [];
  for (const n of managed) out.push(pod("other-pod", n, { app: "other" }));
  out.push(pod("other-pod", "default", { app: "other" }));
  out.push(pod("kube-dns", up.kubeDns.namespace, up.kubeDns.labels));
  if (input.monitoringNamespace !== undefined) {
    if (input.installedMonitoring === undefined) {
      out.push(pod("prometheus", input.monitoringNamespace, { "app.kubernetes.io/name": "prometheus" }));
    } else {
      const k = up.kubePrometheusStack;
      const ns = input.monitoringNamespace;
      out.push(pod("prometheus", ns, k.prometheus.labels));
      out.push(pod("alertmanager", ns, k.alertmanager.labels));
      out.push(pod("prometheus-operator", ns, { ...k.operator.labels, "app.kubernetes.io/component": "prometheus-operator" }));
      out.push(pod("grafana", ns, k.grafana.labels));
      out.push(pod("kube-state-metrics", ns, k.kubeStateMetrics.labels));
      if (input.installedMonitoring.kedaNamespace !== undefined) out.push(pod("keda-operator", input.installedMonitoring.kedaNamespace, { ...up.kedaOperator.labels, app: "keda-operator" }));
    }
  }
  if (input.dcgmExporter) out.push(pod("dcgm-exporter", ns.gpuOperator, up.dcgmExporter.labels));
  out.push(pod("gpu-operator", ns.gpuOperator, { app: "gpu-operator", "app.kubernetes.io/component": "gpu-operator" }));
  for (const name of input.modelServers) {
    out.push(
      pod(`model-server-${name}`, ns.models, {
        "ai-factory/model": name,
        "app.kubernetes.io/component": "model-server",
        "app.kubernetes.io/instance": name,
        "app.kubernetes.io/name": "model-server",
      }),
    );
  }
  if (input.modelStore !== undefined) {
    for (const job of [PREFETCH_JOB_NAMES.weights, PREFETCH_JOB_NAMES.runtimeFiles]) {
      out.push(pod(job, ns.models, { ...PREFETCH_POD_LABELS, "app.kubernetes.io/managed-by": "ai-factory", "app.kubernetes.io/name": job }));
    }
  }
  const g = input.gateway;
  if (g !== undefined) {
    const eg = g.controllerNamespaces.envoyGateway;
    const proxy = (gatewayNamespace: string): Labels => ({
      ...up.envoyProxy.labels,
      [up.envoyProxy.owningGatewayNamespaceLabel]: gatewayNamespace,
      [up.envoyProxy.owningGatewayNameLabel]: "ai-factory",
    });
    out.push(pod("envoy-proxy", eg, proxy(g.namespace)));
    out.push(pod("envoy-proxy-of-another-gateway", eg, proxy(`${g.namespace}-other`)));
    out.push(pod("envoy-gateway", eg, { ...up.envoyGatewayController.labels, "app.kubernetes.io/name": "gateway-helm", "app.kubernetes.io/instance": "envoy-gateway" }));
    if (usesRateLimit(input)) {
      out.push(pod("envoy-ratelimit", eg, up.rateLimit.labels));
      out.push(pod("redis", g.namespace, { ...REDIS_POD_LABELS, "app.kubernetes.io/instance": "ai-gateway", "app.kubernetes.io/part-of": "ai-factory" }));
    }
    out.push(pod("ai-gateway-controller", g.controllerNamespaces.aiGateway, { ...up.aiGatewayController.labels, "app.kubernetes.io/instance": "ai-gateway" }));
  }
  out.push({ kind: "external", name: "outside", cidrs: ANY_ADDRESS });
  out.push({ kind: "external", name: "api-server", cidrs: ANY_ADDRESS });
  if (input.modelStore?.egressCidrs !== undefined) out.push({ kind: "external", name: "weights-source", cidrs: input.modelStore.egressCidrs });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Policies

function portKey(p: PortProtocol): string {
  return `${p.port}/${p.protocol}`;
}

function sortedLabels(labels: Labels): Record<string, string> {
  return Object.fromEntries(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

function peerKey(peer: Peer): string {
  return peer.kind === "pods"
    ? `pods\u0000${peer.namespace}\u0000${JSON.stringify(sortedLabels(peer.podSelector))}`
    : `addresses\u0000${[...peer.cidrs].join(",")}`;
}

/** A flow's peer as NetworkPolicy peers. */
function policyPeers(peer: Peer): NetworkPolicyPeer[] {
  if (peer.kind === "addresses") return peer.cidrs.map((cidr) => ({ ipBlock: { cidr } }));
  const namespaceSelector = { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } };
  return [Object.keys(peer.podSelector).length === 0 ? { namespaceSelector } : { namespaceSelector, podSelector: { matchLabels: sortedLabels(peer.podSelector) } }];
}

interface Group {
  readonly name: string;
  readonly namespace: string;
  readonly selector: Labels;
  readonly rules: Map<string, { peer: Peer; ports: PortProtocol[] }>;
}

function addToGroup(groups: Map<string, Group>, self: PodPeer, other: Peer, ports: readonly PortProtocol[], prefix: string): void {
  const key = `${self.namespace}\u0000${JSON.stringify(sortedLabels(self.podSelector))}`;
  let group = groups.get(key);
  if (group === undefined) {
    group = { name: `${prefix}-${self.name}`, namespace: self.namespace, selector: self.podSelector, rules: new Map() };
    groups.set(key, group);
  }
  const rule = group.rules.get(peerKey(other)) ?? { peer: other, ports: [] };
  rule.ports = sortPorts([...rule.ports, ...ports]);
  group.rules.set(peerKey(other), rule);
}

/**
 * The NetworkPolicies of `flows` in `namespaces` (those the stack creates), sorted by namespace and
 * name: `default-deny-ingress` in each; one `ingress-<pods>` per receiving (namespace, pod
 * selector) with one rule per source; one `egress-<pods>` per pod class whose egress is restricted.
 * Throws on flows it cannot express: restricted egress outside our namespaces, one pod selector
 * restricted in one flow and open in another, two pod classes with one policy name.
 */
export function networkPolicies(flows: readonly Flow[], namespaces: readonly string[]): NetworkPolicy[] {
  const ours = new Set(namespaces);
  const ingress = new Map<string, Group>();
  const egress = new Map<string, Group>();
  const restricted = new Map<string, boolean>();
  for (const f of flows) {
    if (f.from.kind === "pods") {
      const key = `${f.from.namespace}\u0000${JSON.stringify(sortedLabels(f.from.podSelector))}`;
      const r = f.from.restrictEgress === true;
      if (restricted.has(key) && restricted.get(key) !== r) {
        throw new Error(`network: pods ${f.from.namespace}/${f.from.name} are egress-restricted in one flow and not in another; mark every flow from them alike`);
      }
      restricted.set(key, r);
      if (r) {
        if (!ours.has(f.from.namespace)) {
          throw new Error(`network: cannot restrict the egress of ${f.from.namespace}/${f.from.name}: ${f.from.namespace} is not a namespace the stack creates`);
        }
        addToGroup(egress, f.from, f.to, f.ports, "egress");
      }
    }
    if (f.to.kind === "pods" && ours.has(f.to.namespace)) addToGroup(ingress, f.to, f.from, f.ports, "ingress");
  }
  const policies: NetworkPolicy[] = [...ours].map((namespace) => ({
    apiVersion: "networking.k8s.io/v1" as const,
    kind: "NetworkPolicy" as const,
    metadata: { name: DEFAULT_DENY_INGRESS, namespace, labels: POLICY_LABELS },
    spec: { podSelector: {}, policyTypes: ["Ingress"] },
  }));
  const toPorts = (ports: readonly PortProtocol[]): NetworkPolicyPort[] => ports.map((x) => ({ protocol: x.protocol, port: x.port }));
  const rules = (g: Group) => [...g.rules.keys()].sort().map((k) => g.rules.get(k)!);
  for (const g of ingress.values()) {
    policies.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: g.name, namespace: g.namespace, labels: POLICY_LABELS },
      spec: {
        podSelector: { matchLabels: sortedLabels(g.selector) },
        policyTypes: ["Ingress"],
        ingress: rules(g).map((r) => ({ from: policyPeers(r.peer), ports: toPorts(r.ports) })),
      },
    });
  }
  for (const g of egress.values()) {
    policies.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: g.name, namespace: g.namespace, labels: POLICY_LABELS },
      spec: {
        podSelector: { matchLabels: sortedLabels(g.selector) },
        policyTypes: ["Egress"],
        egress: rules(g).map((r) => ({ to: policyPeers(r.peer), ports: toPorts(r.ports) })),
      },
    });
  }
  policies.sort((a, b) => cmp(a.metadata.namespace, b.metadata.namespace) || cmp(a.metadata.name, b.metadata.name));
  for (let i = 1; i < policies.length; i++) {
    const [a, b] = [policies[i - 1].metadata, policies[i].metadata];
    if (a.namespace === b.namespace && a.name === b.name) {
      throw new Error(`network: two pod classes give the policy name ${b.namespace}/${b.name}; give the flows' pod peers distinct names`);
    }
  }
  return policies;
}

// ---------------------------------------------------------------------------------------------
// Address sets (IPv4 and IPv6 ranges as bigints)

interface Range {
  readonly lo: bigint;
  readonly hi: bigint;
}

/** A set of addresses: sorted, disjoint, non-adjacent ranges per family. */
interface AddressSet {
  readonly v4: readonly Range[];
  readonly v6: readonly Range[];
}

const BITS = { v4: 32n, v6: 128n } as const;
const MAX = { v4: (1n << 32n) - 1n, v6: (1n << 128n) - 1n } as const;
const EMPTY: AddressSet = { v4: [], v6: [] };
const EVERYTHING: AddressSet = { v4: [{ lo: 0n, hi: MAX.v4 }], v6: [{ lo: 0n, hi: MAX.v6 }] };

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** The addresses of a CIDR block (host bits ignored, as Kubernetes does), or undefined when invalid. */
function cidrSet(cidr: string): AddressSet | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (m === null) return undefined;
  const family = m[1].includes(":") ? "v6" : "v4";
  const address = family === "v6" ? parseIpv6(m[1]) : parseIpv4(m[1]);
  const prefix = BigInt(Number(m[2]));
  if (address === undefined || prefix > BITS[family]) return undefined;
  const size = 1n << (BITS[family] - prefix);
  const lo = (address / size) * size;
  const range = [{ lo, hi: lo + size - 1n }];
  return family === "v4" ? { v4: range, v6: [] } : { v4: [], v6: range };
}

function normalizeRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r.lo <= last.hi + 1n) out[out.length - 1] = { lo: last.lo, hi: r.hi > last.hi ? r.hi : last.hi };
    else out.push(r);
  }
  return out;
}

function subtractRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  let out = [...a];
  for (const cut of b) {
    const next: Range[] = [];
    for (const r of out) {
      if (cut.hi < r.lo || cut.lo > r.hi) {
        next.push(r);
        continue;
      }
      if (cut.lo > r.lo) next.push({ lo: r.lo, hi: cut.lo - 1n });
      if (cut.hi < r.hi) next.push({ lo: cut.hi + 1n, hi: r.hi });
    }
    out = next;
  }
  return out;
}

function union(a: AddressSet, b: AddressSet): AddressSet {
  return { v4: normalizeRanges([...a.v4, ...b.v4]), v6: normalizeRanges([...a.v6, ...b.v6]) };
}

function subtract(a: AddressSet, b: AddressSet): AddressSet {
  return { v4: subtractRanges(a.v4, b.v4), v6: subtractRanges(a.v6, b.v6) };
}

function isEmpty(s: AddressSet): boolean {
  return s.v4.length === 0 && s.v6.length === 0;
}

function intersects(a: AddressSet, b: AddressSet): boolean {
  return !isEmpty(subtract(a, subtract(a, b)));
}

/** Whether the set holds a whole address family: then it holds every pod's address too. */
function coversPods(s: AddressSet): boolean {
  const full = (ranges: readonly Range[], max: bigint) => ranges.length === 1 && ranges[0].lo === 0n && ranges[0].hi === max;
  return full(s.v4, MAX.v4) || full(s.v6, MAX.v6);
}

function cidrsSet(cidrs: readonly string[]): AddressSet {
  return cidrs.reduce((acc, c) => union(acc, cidrSet(c) ?? EMPTY), EMPTY);
}

function formatIpv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length && j - i > 1) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(":");
  return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.length).join(":")}`;
}

function formatAddress(value: bigint, family: "v4" | "v6"): string {
  if (family === "v6") return formatIpv6(value);
  return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join(".");
}

/** The smallest list of CIDR blocks covering `ranges` exactly. */
function rangesToCidrs(ranges: readonly Range[], family: "v4" | "v6"): string[] {
  const out: string[] = [];
  for (const r of ranges) {
    let lo = r.lo;
    while (lo <= r.hi) {
      let size = 1n;
      let bits = 0n;
      while (bits < BITS[family] && lo % (size * 2n) === 0n && lo + size * 2n - 1n <= r.hi) {
        size *= 2n;
        bits++;
      }
      out.push(`${formatAddress(lo, family)}/${BITS[family] - bits}`);
      lo += size;
    }
  }
  return out;
}

/** "0.0.0.0/0", "0.0.0.0/0 except 10.20.0.0/16", or the blocks, per family, joined. */
function describeSet(s: AddressSet): string {
  const parts: string[] = [];
  for (const family of ["v4", "v6"] as const) {
    const ranges = s[family];
    if (ranges.length === 0) continue;
    const whole = family === "v4" ? "0.0.0.0/0" : "::/0";
    const missing = subtractRanges(EVERYTHING[family], ranges);
    const blocks = rangesToCidrs(ranges, family);
    const holes = rangesToCidrs(missing, family);
    if (missing.length === 0) parts.push(whole);
    else if (holes.length < blocks.length) parts.push(`${whole} except ${holes.join(", ")}`);
    else parts.push(blocks.join(", "));
  }
  return parts.join(" and ");
}

// ---------------------------------------------------------------------------------------------
// Selectors and ports

function selectorMatches(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (selector === undefined) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case "In":
        if (!has || !values.includes(labels[e.key])) return false;
        break;
      case "NotIn":
        if (has && values.includes(labels[e.key])) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A connection's destination port. */
interface Probe {
  readonly port: number;
  readonly protocol: Protocol;
}

const PROTOCOLS: readonly Protocol[] = ["TCP", "UDP", "SCTP"];

function portMatches(ports: readonly NetworkPolicyPort[] | undefined, probe: Probe): boolean {
  if (ports === undefined || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? "TCP") !== probe.protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port !== "number") return false;
    return p.endPort === undefined ? p.port === probe.port : p.port <= probe.port && probe.port <= p.endPort;
  });
}

function flowHasPort(flow: Flow, probe: Probe): boolean {
  return flow.ports.some((p) => p.port === probe.port && p.protocol === probe.protocol);
}

/** Every port a flow or policy names (and each range's ends), plus one no one names, in each protocol. */
function probes(policies: readonly NetworkPolicy[], flows: readonly Flow[]): Probe[] {
  const numbers = new Set<number>();
  const ranges: [number, number][] = [];
  for (const f of flows) for (const p of f.ports) numbers.add(p.port);
  for (const pol of policies) {
    for (const rule of [...(pol.spec.ingress ?? []), ...(pol.spec.egress ?? [])]) {
      for (const p of rule.ports ?? []) {
        if (typeof p.port !== "number") continue;
        numbers.add(p.port);
        if (p.endPort !== undefined) {
          numbers.add(p.endPort);
          ranges.push([p.port, p.endPort]);
        }
      }
    }
  }
  let other = 1;
  while (numbers.has(other) || ranges.some(([a, b]) => a <= other && other <= b)) other++;
  numbers.add(other);
  const sorted = [...numbers].sort((a, b) => a - b);
  return PROTOCOLS.flatMap((protocol) => sorted.map((port) => ({ port, protocol })));
}

function probeText(p: Probe): string {
  return `${p.port}/${p.protocol}`;
}

// ---------------------------------------------------------------------------------------------
// The checker

type Direction = "ingress" | "egress";

function policyTypes(p: NetworkPolicy): string[] {
  if (p.spec.policyTypes !== undefined && p.spec.policyTypes.length > 0) return [...p.spec.policyTypes];
  return ["Ingress", ...(p.spec.egress !== undefined ? ["Egress"] : [])];
}

function policyName(p: NetworkPolicy): string {
  return `${p.metadata.namespace}/${p.metadata.name}`;
}

function endpointName(e: Endpoint): string {
  return e.kind === "pod" ? `${e.namespace}/${e.name}` : e.name;
}

function rulesOf(p: NetworkPolicy, d: Direction): { peers: readonly NetworkPolicyPeer[] | undefined; ports: readonly NetworkPolicyPort[] | undefined }[] {
  return d === "ingress" ? (p.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports })) : (p.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }));
}

function ipBlockSet(peer: NetworkPolicyPeer): AddressSet {
  if (peer.ipBlock === undefined) return EMPTY;
  return subtract(cidrSet(peer.ipBlock.cidr) ?? EMPTY, cidrsSet(peer.ipBlock.except ?? []));
}

/** Whether a policy peer (of a policy in `policyNamespace`) matches a pod. */
function peerMatchesPod(peer: NetworkPolicyPeer, policyNamespace: string, pod: PodEndpoint): boolean {
  if (peer.ipBlock !== undefined) return coversPods(ipBlockSet(peer));
  if (peer.namespaceSelector === undefined && peer.podSelector === undefined) return false;
  const nsLabels = { [NAMESPACE_NAME_LABEL]: pod.namespace };
  const nsOk = peer.namespaceSelector === undefined ? pod.namespace === policyNamespace : selectorMatches(peer.namespaceSelector, nsLabels);
  return nsOk && selectorMatches(peer.podSelector, pod.labels);
}

/** What the policies selecting `pod` in `direction` allow: to pods, and to addresses. */
class Side {
  constructor(
    readonly pod: PodEndpoint,
    readonly direction: Direction,
    /** Policies selecting the pod for this direction; empty: the direction is open. */
    readonly policies: readonly NetworkPolicy[],
  ) {}

  get restricted(): boolean {
    return this.policies.length > 0;
  }

  /** Names of the policies admitting `other` on `probe`; undefined when the direction is open. */
  admitsPod(other: PodEndpoint, probe: Probe): string[] | undefined {
    if (!this.restricted) return undefined;
    return this.policies
      .filter((p) => rulesOf(p, this.direction).some((r) => portMatches(r.ports, probe) && (r.peers === undefined || r.peers.length === 0 || r.peers.some((peer) => peerMatchesPod(peer, p.metadata.namespace, other)))))
      .map(policyName);
  }

  /** Addresses admitted on `probe`, with the policies admitting each part. */
  admitsAddresses(probe: Probe): { set: AddressSet; by: { policy: string; set: AddressSet }[] } {
    if (!this.restricted) return { set: EVERYTHING, by: [] };
    const by: { policy: string; set: AddressSet }[] = [];
    for (const p of this.policies) {
      let set = EMPTY;
      for (const r of rulesOf(p, this.direction)) {
        if (!portMatches(r.ports, probe)) continue;
        if (r.peers === undefined || r.peers.length === 0) set = EVERYTHING;
        else for (const peer of r.peers) set = union(set, ipBlockSet(peer));
      }
      if (!isEmpty(set)) by.push({ policy: policyName(p), set });
    }
    return { set: by.reduce((acc, b) => union(acc, b.set), EMPTY), by };
  }
}

/** Problems with the policies' form: what the checker cannot evaluate exactly. */
function formProblems(policies: readonly NetworkPolicy[]): NetworkProblem[] {
  const out: NetworkProblem[] = [];
  const unchecked = (p: NetworkPolicy, what: string) => out.push({ kind: "unchecked", message: `policy ${policyName(p)}: ${what}` });
  const checkSelector = (p: NetworkPolicy, s: LabelSelector | undefined, where: string) => {
    for (const e of s?.matchExpressions ?? []) {
      if (!["In", "NotIn", "Exists", "DoesNotExist"].includes(e.operator)) unchecked(p, `${where}: unknown operator ${JSON.stringify(e.operator)}`);
    }
  };
  for (const p of policies) {
    if (p.apiVersion !== "networking.k8s.io/v1" || p.kind !== "NetworkPolicy") unchecked(p, `is ${p.apiVersion}/${p.kind}, not networking.k8s.io/v1 NetworkPolicy`);
    for (const t of p.spec.policyTypes ?? []) if (t !== "Ingress" && t !== "Egress") unchecked(p, `unknown policy type ${JSON.stringify(t)}`);
    checkSelector(p, p.spec.podSelector, "podSelector");
    for (const d of ["ingress", "egress"] as const) {
      for (const [i, r] of rulesOf(p, d).entries()) {
        const where = `${d}[${i}]`;
        for (const port of r.ports ?? []) {
          if (typeof port.port === "string") unchecked(p, `${where}: named port ${JSON.stringify(port.port)}: the checker knows no container port names; use the number`);
          if (port.protocol !== undefined && !PROTOCOLS.includes(port.protocol as Protocol)) unchecked(p, `${where}: unknown protocol ${JSON.stringify(port.protocol)}`);
          if (port.endPort !== undefined && typeof port.port !== "number") unchecked(p, `${where}: endPort without a numeric port`);
        }
        for (const peer of r.peers ?? []) {
          if (peer.ipBlock !== undefined) {
            if (peer.podSelector !== undefined || peer.namespaceSelector !== undefined) unchecked(p, `${where}: a peer with ipBlock and a selector is invalid`);
            for (const c of [peer.ipBlock.cidr, ...(peer.ipBlock.except ?? [])]) if (cidrSet(c) === undefined) unchecked(p, `${where}: invalid CIDR ${JSON.stringify(c)}`);
          } else if (peer.podSelector === undefined && peer.namespaceSelector === undefined) {
            unchecked(p, `${where}: an empty peer is invalid`);
          }
          checkSelector(p, peer.podSelector, `${where} podSelector`);
          checkSelector(p, peer.namespaceSelector, `${where} namespaceSelector`);
        }
      }
    }
  }
  return out;
}

function peerCoversPod(peer: Peer, pod: PodEndpoint): boolean {
  return peer.kind === "pods" ? peer.namespace === pod.namespace && selectorMatches({ matchLabels: peer.podSelector }, pod.labels) : coversPods(cidrsSet(peer.cidrs));
}

function peerText(peer: Peer): string {
  return peer.kind === "pods" ? `${peer.namespace}/${peer.name}` : `${peer.name} (${describeSet(cidrsSet(peer.cidrs))})`;
}

/**
 * Evaluates `policies` with NetworkPolicy semantics over `endpoints` and compares with `flows`:
 * - every flow, for every port and every endpoint its peers match, must be allowed: by the
 *   receiving pod's ingress (when a policy selects it) and by the sending pod's egress (when an
 *   Egress policy selects it); for addresses, every address of the flow's CIDRs;
 * - every connection the policies allow must be declared by a flow: into every pod of a managed
 *   namespace, and out of every pod whose egress is restricted (by a policy or by the flows'
 *   `restrictEgress`), over every port any flow or policy names plus one neither names, in TCP,
 *   UDP and SCTP. Between a pod and the addresses outside, the allowed and declared address sets
 *   are compared exactly (per IPv4/IPv6 range).
 * Returns the problems, grouped per (source, destination, reason), each message naming the
 * connection, its ports and the policies involved; empty when the policies are exactly the flows.
 */
export function checkNetworkPolicies(policies: readonly NetworkPolicy[], flows: readonly Flow[], endpoints: readonly Endpoint[]): NetworkProblem[] {
  const problems: NetworkProblem[] = formProblems(policies);
  const pods = endpoints.filter((e): e is PodEndpoint => e.kind === "pod");
  const externals = endpoints.filter((e): e is Extract<Endpoint, { kind: "external" }> => e.kind === "external");
  const ids = new Set<string>();
  for (const e of endpoints) {
    const id = `${e.kind}:${endpointName(e)}`;
    if (ids.has(id)) throw new Error(`network: endpoint ${endpointName(e)} is listed twice`);
    ids.add(id);
  }
  const side = (pod: PodEndpoint, d: Direction) =>
    new Side(
      pod,
      d,
      policies.filter((p) => p.metadata.namespace === pod.namespace && policyTypes(p).includes(d === "ingress" ? "Ingress" : "Egress") && selectorMatches(p.spec.podSelector, pod.labels)),
    );
  const ingress = new Map(pods.map((p) => [endpointName(p), side(p, "ingress")]));
  const egress = new Map(pods.map((p) => [endpointName(p), side(p, "egress")]));
  const declaredRestricted = (pod: PodEndpoint) => flows.some((f) => f.from.kind === "pods" && f.from.restrictEgress === true && peerCoversPod(f.from, pod));
  // Asked in the innermost loops: decided once per pod.
  const egressCheckedPods = new Set(pods.filter((pod) => egress.get(endpointName(pod))!.restricted || declaredRestricted(pod)));
  const egressChecked = (pod: PodEndpoint) => egressCheckedPods.has(pod);
  const allProbes = probes(policies, flows);

  const describeAddresses = (s: AddressSet) => {
    const names = externals.filter((e) => intersects(s, cidrsSet(e.cidrs))).map((e) => e.name);
    return `${describeSet(s)}${names.length > 0 ? ` (${names.join(", ")})` : ""}`;
  };
  const blockedBy = (s: Side) => `${s.direction} of ${endpointName(s.pod)} is restricted by ${s.policies.map(policyName).join(", ")} and none admits it`;

  // 1. Every declared flow is allowed.
  for (const f of flows) {
    const fromPods = f.from.kind === "pods" ? pods.filter((p) => peerCoversPod(f.from, p)) : [];
    const toPods = f.to.kind === "pods" ? pods.filter((p) => peerCoversPod(f.to, p)) : [];
    const unknown = (peer: Peer, matched: PodEndpoint[]) => {
      if (peer.kind === "pods" && matched.length === 0) {
        problems.push({ kind: "unchecked", message: `flow ${peerText(f.from)} → ${peerText(f.to)} (${f.why}): no endpoint matches ${peerText(peer)}; list its pods in the endpoints` });
        return true;
      }
      return false;
    };
    if (unknown(f.from, fromPods) || unknown(f.to, toPods)) continue;
    for (const probe of f.ports) {
      const notAllowed = (src: string, dst: string, reason: string) =>
        problems.push({ kind: "flow-not-allowed", message: `flow not allowed: ${src} → ${dst} ${probeText(probe)} (${f.why}): ${reason}` });
      if (f.from.kind === "pods" && f.to.kind === "pods") {
        for (const s of fromPods) {
          for (const d of toPods) {
            const out = egress.get(endpointName(s))!;
            const inn = ingress.get(endpointName(d))!;
            const outOk = out.admitsPod(d, probe);
            const inOk = inn.admitsPod(s, probe);
            if (outOk !== undefined && outOk.length === 0) notAllowed(endpointName(s), endpointName(d), blockedBy(out));
            if (inOk !== undefined && inOk.length === 0) notAllowed(endpointName(s), endpointName(d), blockedBy(inn));
          }
        }
      } else if (f.from.kind === "addresses" && f.to.kind === "pods") {
        const need = cidrsSet(f.from.cidrs);
        for (const d of toPods) {
          const inn = ingress.get(endpointName(d))!;
          const missing = subtract(need, inn.admitsAddresses(probe).set);
          if (!isEmpty(missing)) notAllowed(describeAddresses(missing), endpointName(d), `ingress of ${endpointName(d)} does not admit these addresses (policies: ${inn.policies.map(policyName).join(", ")})`);
        }
      } else if (f.from.kind === "pods" && f.to.kind === "addresses") {
        const need = cidrsSet(f.to.cidrs);
        for (const s of fromPods) {
          const out = egress.get(endpointName(s))!;
          const missing = subtract(need, out.admitsAddresses(probe).set);
          if (!isEmpty(missing)) notAllowed(endpointName(s), describeAddresses(missing), `egress of ${endpointName(s)} does not allow these addresses (policies: ${out.policies.map(policyName).join(", ")})`);
        }
      } else {
        problems.push({ kind: "unchecked", message: `flow ${peerText(f.from)} → ${peerText(f.to)}: a flow between two address sets is outside any pod's policies` });
      }
    }
  }

  // 2. Nothing else is allowed. Findings are grouped per (source, destination, reason).
  const found = new Map<string, { src: string; dst: string; reason: string; ports: Probe[] }>();
  const report = (src: string, dst: string, reason: string, probe: Probe) => {
    const key = `${src}\u0000${dst}\u0000${reason}`;
    const entry = found.get(key) ?? { src, dst, reason, ports: [] };
    entry.ports.push(probe);
    found.set(key, entry);
  };
  const declaredPods = (s: PodEndpoint, d: PodEndpoint, probe: Probe) => flows.some((f) => flowHasPort(f, probe) && peerCoversPod(f.from, s) && peerCoversPod(f.to, d));
  const declaredAddresses = (pod: PodEndpoint, d: Direction, probe: Probe) =>
    flows
      .filter((f) => flowHasPort(f, probe))
      .reduce((acc, f) => {
        const [self, other] = d === "ingress" ? [f.to, f.from] : [f.from, f.to];
        return other.kind === "addresses" && peerCoversPod(self, pod) ? union(acc, cidrsSet(other.cidrs)) : acc;
      }, EMPTY);
  for (const probe of allProbes) {
    for (const s of pods) {
      for (const d of pods) {
        const checkIn = d.managed;
        const checkOut = egressChecked(s);
        if (!checkIn && !checkOut) continue;
        const inn = ingress.get(endpointName(d))!.admitsPod(s, probe);
        const out = egress.get(endpointName(s))!.admitsPod(d, probe);
        const allowed = (inn === undefined || inn.length > 0) && (out === undefined || out.length > 0);
        if (!allowed || declaredPods(s, d, probe)) continue;
        const reasons = [
          inn === undefined ? (checkIn ? `no ingress policy selects ${endpointName(d)}` : undefined) : `ingress ${inn.join(", ")}`,
          out === undefined ? (checkOut ? `no egress policy selects ${endpointName(s)}` : undefined) : `egress ${out.join(", ")}`,
        ].filter((r): r is string => r !== undefined);
        report(endpointName(s), endpointName(d), reasons.join("; "), probe);
      }
      // Addresses → s (ingress) and s → addresses (egress).
      const directions: Direction[] = [...(s.managed ? (["ingress"] as const) : []), ...(egressChecked(s) ? (["egress"] as const) : [])];
      for (const d of directions) {
        const sideOf = (d === "ingress" ? ingress : egress).get(endpointName(s))!;
        const allowed = sideOf.admitsAddresses(probe);
        const extra = subtract(allowed.set, declaredAddresses(s, d, probe));
        if (isEmpty(extra)) continue;
        const by = allowed.by.filter((b) => intersects(b.set, extra)).map((b) => b.policy);
        const reason = sideOf.restricted ? `${d} ${by.join(", ")}` : `no ${d} policy selects ${endpointName(s)}`;
        if (d === "ingress") report(describeAddresses(extra), endpointName(s), reason, probe);
        else report(endpointName(s), describeAddresses(extra), reason, probe);
      }
    }
  }
  for (const { src, dst, reason, ports } of [...found.values()].sort((a, b) => cmp(a.src, b.src) || cmp(a.dst, b.dst) || cmp(a.reason, b.reason))) {
    const on = ports.length === allProbes.length ? "every port" : ports.map(probeText).join(", ");
    problems.push({ kind: "undeclared-connection", message: `undeclared connection allowed: ${src} → ${dst} on ${on} (${reason})` });
  }
  return problems;
}
