/**
 * Helm values for kube-prometheus-stack (`monitoring.mode: install`), computed from the
 * environment: every image pinned from the catalog and mirrored, the Prometheus selecting the
 * ServiceMonitors, PodMonitors and PrometheusRules labelled for it in every namespace, retention
 * and storage from the file, Grafana with its dashboard sidecar, and the node exporter on every
 * node, GPU pools included. Pure: no cdktf here, so it is tested alone.
 *
 * Sizing (requests; memory limits equal the requests, no CPU limits, so a busy component is
 * slowed, never killed for CPU): Prometheus 500m CPU and `prometheus.memoryGiB`; Grafana 100m /
 * 256Mi; Alertmanager, the operator and kube-state-metrics 50–100m / 128Mi; the node exporter 50m /
 * 64Mi. Enough for a GPU cluster of a few dozen nodes scraped every 30 s; raise memoryGiB first.
 */
import { helmYaml } from "./helm-values";

import { KUBE_PROMETHEUS_STACK, type KpsImage } from "../catalog/upstream";
import type { ResolvedNodePool } from "../config/resolve";
import type { Mirror, MonitoringInstall } from "../config/schema";
import { poolTaints, tolerationsFor } from "../planning/placement";
import { imageRepository } from "./mirror";

/** Share of Prometheus' volume its TSDB may fill (`retentionSize`): the WAL and compaction need the rest. */
export const PROMETHEUS_VOLUME_SHARE = 0.85;

/** Requests and memory limits of the components besides Prometheus (see the file's summary). */
export const KPS_RESOURCES = {
  grafana: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "256Mi" } },
  alertmanager: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "128Mi" } },
  operator: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "128Mi" } },
  kubeStateMetrics: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "128Mi" } },
  nodeExporter: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "64Mi" } },
} as const;

/** The node exporter chart's default toleration (prometheus-node-exporter 4.56.1 values.yaml L471-473), which ours keep. */
const NODE_EXPORTER_BASE_TOLERATIONS = [{ effect: "NoSchedule", operator: "Exists" }] as const;

/** What the values are computed from. */
export interface KubePrometheusStackValuesInput {
  /** `monitoring` of the environment, mode `install`. */
  readonly monitoring: MonitoringInstall;
  /** The GPU pools: the node exporter tolerates each pool's taint, so GPU nodes report too. */
  readonly pools: readonly ResolvedNodePool[];
  /**
   * Internal registry every image is pulled from.
   * @default - the upstream registries (quay.io, ghcr.io, registry.k8s.io, docker.io)
   */
  readonly mirror?: Mirror;
}

function setPath(target: Record<string, unknown>, dotted: string, value: Record<string, unknown>): void {
  let cur = target;
  for (const part of dotted.split(".")) {
    cur[part] = (cur[part] as Record<string, unknown> | undefined) ?? {};
    cur = cur[part] as Record<string, unknown>;
  }
  Object.assign(cur, value);
}

/** The image block of `img`: the chart pulls `<registry>/<repository>:<tag>`, so a mirror prefixes the registry. */
function imageValues(img: KpsImage, mirror: Mirror | undefined): Record<string, unknown> {
  return { registry: imageRepository(img.registry, mirror), repository: img.repository, tag: img.tag };
}

/** The chart values; plain data, serialized by the caller. */
export function kubePrometheusStackValues(input: KubePrometheusStackValuesInput): Record<string, unknown> {
  const { monitoring: m, pools, mirror } = input;
  const p = m.prometheus;
  const selector = { matchLabels: { ...m.serviceMonitorLabels } };
  const [[sidecarLabel, sidecarLabelValue]] = Object.entries(KUBE_PROMETHEUS_STACK.grafanaDashboardLabels);
  const storageSpec =
    p.storageClass === undefined
      ? { emptyDir: { sizeLimit: `${p.storageGiB}Gi` } }
      : {
          volumeClaimTemplate: {
            spec: { storageClassName: p.storageClass, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${p.storageGiB}Gi` } } },
          },
        };

  const values: Record<string, unknown> = {
    // CRDs from the chart on first install; the upgrade Job (busybox `latest`) stays off.
    crds: { enabled: true, upgradeJob: { enabled: false } },
    // Every image below carries its own registry; a global one would replace them all.
    global: { imageRegistry: "" },
    prometheusOperator: {
      resources: KPS_RESOURCES.operator,
      // The operator serves the admission webhooks itself (no separate Deployment to pull and place).
      admissionWebhooks: { enabled: true, deployment: { enabled: false } },
    },
    prometheus: {
      prometheusSpec: {
        replicas: 1,
        // Our monitors and rules carry these labels, in every namespace (`{}`: all namespaces).
        serviceMonitorSelector: selector,
        podMonitorSelector: selector,
        ruleSelector: selector,
        serviceMonitorNamespaceSelector: {},
        podMonitorNamespaceSelector: {},
        ruleNamespaceSelector: {},
        // The gateway's PodMonitor selects the Envoy pods in another namespace through its namespaceSelector.
        ignoreNamespaceSelectors: false,
        retention: `${p.retentionDays}d`,
        retentionSize: `${Math.floor(p.storageGiB * PROMETHEUS_VOLUME_SHARE)}GiB`,
        storageSpec,
        resources: { requests: { cpu: "500m", memory: `${p.memoryGiB}Gi` }, limits: { memory: `${p.memoryGiB}Gi` } },
      },
    },
    alertmanager: {
      // One replica: no cluster peers, so no gossip port to open between them.
      alertmanagerSpec: { replicas: 1, resources: KPS_RESOURCES.alertmanager },
    },
    grafana: {
      enabled: true,
      resources: KPS_RESOURCES.grafana,
      // Dashboards come from ConfigMaps and the admin password from the chart's Secret: nothing to keep on a volume.
      persistence: { enabled: false },
      initChownData: { enabled: false },
      // The `helm test` pod (bats/bats) is never run by the stack.
      testFramework: { enabled: false },
      serviceMonitor: { enabled: true },
      sidecar: {
        dashboards: {
          enabled: true,
          label: sidecarLabel,
          labelValue: sidecarLabelValue,
          searchNamespace: "ALL",
          // Our dashboards name their folder in this annotation (charts/ai-factory-observability).
          folderAnnotation: KUBE_PROMETHEUS_STACK.grafanaFolderAnnotation,
          provider: { foldersFromFilesStructure: true },
        },
      },
    },
    "kube-state-metrics": { resources: KPS_RESOURCES.kubeStateMetrics },
    "prometheus-node-exporter": {
      resources: KPS_RESOURCES.nodeExporter,
      // Every node, the GPU pools' tainted ones included: their host metrics are the ones that matter.
      tolerations: tolerationsFor(NODE_EXPORTER_BASE_TOLERATIONS, poolTaints(pools)),
    },
  };

  // Every image explicitly from the catalog's pins, mirrored or not: what a mirror must carry is
  // exactly KUBE_PROMETHEUS_STACK.images.
  for (const img of KUBE_PROMETHEUS_STACK.images) setPath(values, img.valuesKey, imageValues(img, mirror));
  // The catalog's node-exporter tag already ends in -distroless; the chart must not append it again.
  setPath(values, "prometheus-node-exporter.image", { distroless: false });
  return values;
}

/** The values as the YAML document handed to `helm_release` (sorted keys: deterministic). */
export function kubePrometheusStackValuesYaml(input: KubePrometheusStackValuesInput): string {
  // Shared objects (the three selectors) are written out each time: no YAML anchors in the plan.
  return helmYaml(kubePrometheusStackValues(input));
}
