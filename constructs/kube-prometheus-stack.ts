/**
 * kube-prometheus-stack as a pinned Helm release (`monitoring.mode: install`), in a namespace of
 * its own that this construct creates: the Prometheus Operator and its CRDs, one Prometheus, one
 * Alertmanager, Grafana, kube-state-metrics and the node exporter. Atomic and waited for, so a
 * failed install rolls back instead of leaving half a monitoring stack.
 *
 * The namespace is Pod Security `privileged`: the node exporter DaemonSet shares the host's
 * network and PID namespaces and mounts the host's root file system read-only
 * (prometheus-node-exporter 4.56.1 values.yaml L382, L390, L396-397), which `baseline` forbids.
 */
import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";

import { KUBE_PROMETHEUS_STACK, kpsPrometheusUrl } from "../catalog/upstream";
import { type KubePrometheusStackValuesInput, kubePrometheusStackValuesYaml } from "./kube-prometheus-stack-values";
import { chartSource } from "./mirror";
import { AiNamespace, type PodSecurityLevel } from "./namespaces";

/** Pod Security level of the monitoring namespace: the node exporter needs the host (see the file's summary). */
export const MONITORING_POD_SECURITY: PodSecurityLevel = "privileged";

/** Seconds Helm waits: CRDs, the webhook certificate Jobs, image pulls and Prometheus' volume. */
export const KUBE_PROMETHEUS_STACK_TIMEOUT_SECONDS = 900;

/** The monitoring settings, pools and mirror (see `KubePrometheusStackValuesInput`), and what to create first. */
export interface KubePrometheusStackProps extends KubePrometheusStackValuesInput {
  /**
   * Resources to create first (the node labels and taints the node exporter's tolerations match).
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** The monitoring namespace and the kube-prometheus-stack release in it. */
export class KubePrometheusStack extends Construct {
  /** `monitoring.namespace`, created here. */
  public readonly namespace: AiNamespace;
  public readonly release: Release;
  /** The chart version installed. */
  public readonly version: string;
  /** In-cluster URL of the Prometheus (Grafana's datasource, KEDA's `serverAddress`). */
  public readonly prometheusUrl: string;

  constructor(scope: Construct, id: string, props: KubePrometheusStackProps) {
    super(scope, id);
    const { monitoring } = props;
    this.namespace = new AiNamespace(this, "namespace", { name: monitoring.namespace, enforce: MONITORING_POD_SECURITY });
    // prometheus-community's repository (catalog/upstream.ts), or the mirror's.
    const source = chartSource(KUBE_PROMETHEUS_STACK.chart, props.mirror);
    this.version = KUBE_PROMETHEUS_STACK.chart.version;
    this.prometheusUrl = kpsPrometheusUrl(monitoring.namespace);
    this.release = new Release(this, "release", {
      // The Prometheus selects `release: <this name>` (config/schema.ts sets serviceMonitorLabels to it).
      name: KUBE_PROMETHEUS_STACK.releaseName,
      namespace: monitoring.namespace,
      repository: source.repository,
      chart: source.chart,
      version: this.version,
      createNamespace: false,
      atomic: true,
      wait: true,
      timeout: KUBE_PROMETHEUS_STACK_TIMEOUT_SECONDS,
      values: [kubePrometheusStackValuesYaml(props)],
      dependsOn: [this.namespace.resource, ...(props.dependsOn ?? [])],
    });
  }
}
