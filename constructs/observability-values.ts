/**
 * Values of the local chart `charts/ai-factory-observability` for an environment: the dashboards
 * and rule groups (computed elsewhere, passed through), the labels the environment's Prometheus and
 * Grafana select them by (`monitoring`), and the gateway's PodMonitor when there is a gateway. Pure:
 * no cdktf here, so it is tested alone; the stack hands the YAML to a `helm_release`.
 */
import { helmYaml } from "./helm-values";

import { NETWORK_UPSTREAM } from "../catalog/upstream-network";
import { ALL_NAMESPACES, type Monitoring } from "../config/schema";
import type { GatewayPlan } from "../planning/gateway";
import { ObservabilityValuesSchema, type ObservabilityValues, type RuleGroup } from "./observability-values-schema";

/** What the chart's values are computed from. */
export interface ObservabilityValuesFrom {
  /** `monitoring` of the environment (mode `install` or `existing`; there is nothing to install without it). */
  readonly monitoring: Monitoring;
  /**
   * The gateway's plan: its Envoy proxies get a PodMonitor.
   * @default - no gateway: no PodMonitor
   */
  readonly gateway?: GatewayPlan;
  /**
   * Grafana dashboards keyed by uid, each a dashboard JSON model.
   * @default - none
   */
  readonly dashboards?: Readonly<Record<string, Record<string, unknown>>>;
  /**
   * Alerting and recording rule groups.
   * @default - none: no PrometheusRule
   */
  readonly rules?: { readonly groups: readonly RuleGroup[] };
  /**
   * Grafana folder of the dashboards.
   * @default "AI factory"
   */
  readonly folder?: string;
}

/** The Grafana folder our dashboards go to unless told otherwise. */
export const DEFAULT_DASHBOARD_FOLDER = "AI factory";

/** The Envoy proxy pods of `gateway`'s Gateway: the labels planning/network.ts admits Prometheus to. */
export function gatewayProxyPodLabels(gateway: GatewayPlan): Record<string, string> {
  const p = NETWORK_UPSTREAM.envoyProxy;
  return { ...p.labels, [p.owningGatewayNamespaceLabel]: gateway.namespace };
}

/** The chart's values, parsed (defaults applied, cross-field rules checked); throws on a broken invariant. */
export function observabilityValues(from: ObservabilityValuesFrom): ObservabilityValues {
  const { monitoring: m, gateway } = from;
  const envoy = NETWORK_UPSTREAM.envoyProxy;
  const extProc = NETWORK_UPSTREAM.extProc;
  return ObservabilityValuesSchema.parse({
    monitorLabels: { ...m.serviceMonitorLabels },
    grafana: {
      // A sidecar watching every namespace finds them with the release, in the monitoring namespace.
      ...(m.grafana.sidecarNamespace === ALL_NAMESPACES ? {} : { namespace: m.grafana.sidecarNamespace }),
      labels: { ...m.grafana.dashboardLabels },
      folder: from.folder ?? DEFAULT_DASHBOARD_FOLDER,
    },
    dashboards: { ...from.dashboards },
    rules: { groups: [...(from.rules?.groups ?? [])] },
    gatewayPodMonitor:
      gateway === undefined
        ? { enabled: false }
        : {
            enabled: true,
            namespace: gateway.namespace,
            podNamespace: gateway.controllerNamespaces.envoyGateway,
            podLabels: gatewayProxyPodLabels(gateway),
            endpoints: {
              envoy: { port: envoy.metricsPortName, path: envoy.metricsPath },
              "ext-proc": { port: extProc.adminPortName, path: extProc.metricsPath },
            },
          },
  });
}

/** The values as the YAML document handed to `helm_release` (sorted keys: deterministic). */
export function observabilityValuesYaml(values: ObservabilityValues): string {
  return helmYaml(values);
}
