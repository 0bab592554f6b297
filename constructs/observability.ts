/**
 * The local chart `charts/ai-factory-observability` as one release: the dashboards' ConfigMaps, the
 * PrometheusRule and the gateway's PodMonitor. Installed after the Prometheus Operator's CRDs exist
 * (the installed kube-prometheus-stack's release, or the cluster's own operator) and after the
 * namespaces its objects go into, so a first `terraform plan` needs no CRD in the cluster.
 */
import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";

import { OBSERVABILITY_CHART, ObservabilityValuesSchema, type ObservabilityValues, type ObservabilityValuesInput } from "./observability-values-schema";
import { observabilityValuesYaml } from "./observability-values";

/** Seconds Helm waits: ConfigMaps and custom resources are accepted at once (no pods). */
export const OBSERVABILITY_TIMEOUT_SECONDS = 120;

export interface ObservabilityProps {
  /** Namespace of the release, where the PrometheusRule goes: `monitoring.namespace`. */
  readonly namespace: string;
  /** `helm_release.chart` of the asset of charts/ai-factory-observability (constructs/local-chart.ts). */
  readonly chartPath: string;
  /** The chart's values (constructs/observability-values.ts `observabilityValues`); parsed again here. */
  readonly values: ObservabilityValuesInput;
  /**
   * The monitoring stack's release when the stack installs it, and the namespaces the objects go
   * into (the gateway's, for the PodMonitor).
   */
  readonly dependsOn: ITerraformDependable[];
}

/** The observability release. */
export class Observability extends Construct {
  /** The values, as validated (defaults applied). */
  public readonly values: ObservabilityValues;
  public readonly release: Release;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.values = ObservabilityValuesSchema.parse(props.values);
    this.release = new Release(this, "release", {
      name: OBSERVABILITY_CHART,
      namespace: props.namespace,
      chart: props.chartPath,
      atomic: true,
      wait: true,
      timeout: OBSERVABILITY_TIMEOUT_SECONDS,
      values: [observabilityValuesYaml(this.values)],
      dependsOn: props.dependsOn,
    });
  }
}
