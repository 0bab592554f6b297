/**
 * Values of the local chart `charts/ai-factory-observability`: the Grafana dashboards (one
 * ConfigMap each, labelled for the Grafana dashboard sidecar), the alerting and recording rules
 * (one PrometheusRule, labelled for the Prometheus' `ruleSelector`) and the gateway's PodMonitor
 * (the Envoy proxies' stats and the AI Gateway external processor's metrics).
 *
 * This zod schema is the single source of truth: `scripts/gen-chart-schema.ts` writes it to the
 * chart's `values.schema.json`, and `observabilityValues()` (observability-values.ts) returns what
 * it parses. Every pattern is valid in Go's RE2 as well as in JavaScript (Helm compiles the JSON
 * Schema patterns). Cross-field rules live in `superRefine` below and, with the same messages, in
 * the chart's `_helpers.tpl` (`observability.validate`).
 */
import { z } from "zod";
import { helmValuesJsonSchema } from "./helm-json-schema";

import { KUBE_PROMETHEUS_STACK } from "../catalog/upstream";
import { show } from "../config/errors";
import { DNS_LABEL, LABEL_KEY, LABEL_VALUE } from "../config/kubernetes-names";

/** Folder of the chart under charts/, and its release name. */
export const OBSERVABILITY_CHART = "ai-factory-observability";

/** `metadata.name` of a dashboard's ConfigMap: this prefix, then the dashboard's uid. */
export const DASHBOARD_CONFIGMAP_PREFIX = "ai-factory-dashboard-";

/** `metadata.name` of the PrometheusRule holding every rule group. */
export const PROMETHEUS_RULE_NAME = "ai-factory";

/** `metadata.name` of the gateway's PodMonitor. */
export const GATEWAY_POD_MONITOR_NAME = "ai-gateway-envoy";

/** Annotation naming a dashboard's Grafana folder (the sidecar's `folderAnnotation`; the installed Grafana reads it). */
export const GRAFANA_FOLDER_ANNOTATION = KUBE_PROMETHEUS_STACK.grafanaFolderAnnotation;

/** A dashboard uid: a DNS label of at most 40 characters (Grafana's uid limit), so it can name a ConfigMap. */
const DASHBOARD_UID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A Prometheus duration, as the Prometheus Operator's CRDs spell it (`30s`, `5m`, `1h30m`). */
const DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;
/** A Prometheus metric name (a recording rule's `record`). */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** A Prometheus label name (a rule's `labels` keys). */
const PROM_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** A container port name (IANA service name: at most 15 characters). */
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** An HTTP path. */
const HTTP_PATH = /^\/[-A-Za-z0-9_./]*$/;

const kubernetesLabels = z.record(z.string().regex(LABEL_KEY, "must be a Kubernetes label key"), z.string().regex(LABEL_VALUE, "must be a Kubernetes label value"));
const namespace = z.string().max(63).regex(DNS_LABEL, "must be a namespace name (a DNS label)");

const RuleSchema = z
  .strictObject({
    alert: z.string().min(1).optional().describe("Alert name: an alerting rule (exactly one of `alert` and `record`)."),
    record: z.string().regex(METRIC_NAME, "must be a Prometheus metric name").optional().describe("Series name: a recording rule."),
    expr: z.string().min(1).describe("PromQL expression."),
    for: z.string().regex(DURATION, "must be a Prometheus duration such as 5m").optional().describe("How long the condition must hold before the alert fires (alerting rules only)."),
    labels: z.record(z.string().regex(PROM_LABEL_NAME, "must be a Prometheus label name"), z.string()).optional().describe("Labels added to the alert or series."),
    annotations: z.record(z.string().regex(PROM_LABEL_NAME, "must be a Prometheus label name"), z.string()).optional().describe("Annotations of the alert (summary, description, runbook_url)."),
  })
  .describe("One alerting or recording rule (monitoring.coreos.com/v1 PrometheusRule `spec.groups[].rules[]`).");

const RuleGroupSchema = z
  .strictObject({
    name: z.string().min(1).describe("Group name, unique in the PrometheusRule."),
    interval: z.string().regex(DURATION, "must be a Prometheus duration such as 30s").optional().describe("Evaluation interval. @default - Prometheus' `evaluationInterval`"),
    rules: z.array(RuleSchema).min(1, "a rule group needs at least one rule").describe("Rules, evaluated in order."),
  })
  .describe("A rule group.");

const EndpointSchema = z
  .strictObject({
    port: z.string().max(15).regex(PORT_NAME, "must be a container port name").describe("Name of the container port."),
    path: z.string().regex(HTTP_PATH, "must be an HTTP path starting with /").describe("HTTP path of the metrics."),
  })
  .describe("A scrape endpoint of the gateway's pods.");

/** The chart's values object, before the cross-field rules. */
const observabilityValuesObject = z.strictObject({
  monitorLabels: kubernetesLabels
    .default({})
    .describe("Labels on the PrometheusRule and the PodMonitor: those the Prometheus' `ruleSelector` and `podMonitorSelector` match."),
  grafana: z
    .strictObject({
      namespace: namespace.optional().describe("Namespace of the dashboards' ConfigMaps: the one the Grafana sidecar watches. @default - the release's namespace"),
      labels: kubernetesLabels.default({ grafana_dashboard: "1" }).describe("Labels the Grafana dashboard sidecar selects ConfigMaps by."),
      folder: z.string().min(1).max(100).optional().describe(`Grafana folder of the dashboards (annotation \`${GRAFANA_FOLDER_ANNOTATION}\`; the sidecar reads it when its \`folderAnnotation\` names it). @default - no annotation: the sidecar's default folder`),
    })
    .prefault({})
    .describe("Where the dashboards go and how the Grafana sidecar finds them."),
  dashboards: z
    .record(
      z.string().max(40, "a dashboard uid has at most 40 characters (Grafana's limit)").regex(DASHBOARD_UID, "must be a dashboard uid: lower-case letters, digits and \"-\" (it names a ConfigMap)"),
      z.record(z.string(), z.unknown()),
    )
    .default({})
    .describe("Grafana dashboards, keyed by uid: each a dashboard JSON model (an object whose `uid`, when set, is its key), rendered as one ConfigMap."),
  rules: z
    .strictObject({
      groups: z.array(RuleGroupSchema).default([]).describe("Rule groups; none: no PrometheusRule."),
    })
    .prefault({})
    .describe(`Alerting and recording rules: one PrometheusRule \`${PROMETHEUS_RULE_NAME}\` in the release's namespace when there is at least one group.`),
  gatewayPodMonitor: z
    .strictObject({
      enabled: z.boolean().default(false).describe("Render the gateway's PodMonitor."),
      namespace: namespace.default("ai-gateway").describe("Namespace of the PodMonitor: the gateway's."),
      podNamespace: namespace.default("envoy-gateway-system").describe("Namespace of the Envoy proxy pods (Envoy Gateway's), selected through `namespaceSelector`."),
      podLabels: kubernetesLabels.default({}).describe("Labels of the Envoy proxy pods of the gateway (never empty when enabled: `{}` would select every pod)."),
      interval: z.string().regex(DURATION, "must be a Prometheus duration such as 30s").default("30s").describe("Scrape interval."),
      endpoints: z
        .record(z.string().regex(DNS_LABEL), EndpointSchema)
        .default({})
        .describe("Scrape endpoints of the pods, keyed by a stable name (rendered in key order)."),
    })
    .prefault({})
    .describe("A PodMonitor in the gateway's namespace for the Envoy proxies of its Gateway (Envoy's stats, the external processor's metrics)."),
});

/** The chart's values: the object above with its cross-field rules. */
export const ObservabilityValuesSchema = observabilityValuesObject.superRefine((v, ctx) => {
  for (const [uid, dashboard] of Object.entries(v.dashboards)) {
    if (dashboard.uid !== undefined && dashboard.uid !== uid) {
      ctx.addIssue({
        code: "custom",
        path: ["dashboards", uid, "uid"],
        message: `must be the dashboard's key ${show(uid)} (the ConfigMap is named after it), got ${show(dashboard.uid)}; set dashboards.${uid}.uid=${uid}`,
      });
    }
  }
  const seen = new Set<string>();
  v.rules.groups.forEach((group, g) => {
    if (seen.has(group.name)) {
      ctx.addIssue({ code: "custom", path: ["rules", "groups", g, "name"], message: `rule group ${show(group.name)} is listed twice; the Prometheus Operator refuses duplicate group names` });
    }
    seen.add(group.name);
    group.rules.forEach((rule, r) => {
      if ((rule.alert === undefined) === (rule.record === undefined)) {
        ctx.addIssue({ code: "custom", path: ["rules", "groups", g, "rules", r], message: "a rule needs exactly one of `alert` and `record`" });
      }
      if (rule.for !== undefined && rule.alert === undefined) {
        ctx.addIssue({ code: "custom", path: ["rules", "groups", g, "rules", r, "for"], message: "only an alerting rule has `for`; remove it from the recording rule" });
      }
    });
  });
  const pm = v.gatewayPodMonitor;
  if (pm.enabled && Object.keys(pm.podLabels).length === 0) {
    ctx.addIssue({ code: "custom", path: ["gatewayPodMonitor", "podLabels"], message: "must name the Envoy proxy pods' labels when the PodMonitor is enabled: {} selects every pod of the namespace" });
  }
  if (pm.enabled && Object.keys(pm.endpoints).length === 0) {
    ctx.addIssue({ code: "custom", path: ["gatewayPodMonitor", "endpoints"], message: "must list at least one endpoint when the PodMonitor is enabled" });
  }
});

/** Values of the chart, as validated (defaults applied). */
export type ObservabilityValues = z.infer<typeof ObservabilityValuesSchema>;
/** What a caller gives: every key with a default may be left out. */
export type ObservabilityValuesInput = z.input<typeof ObservabilityValuesSchema>;
/** A rule group of the PrometheusRule. */
export type RuleGroup = z.infer<typeof RuleGroupSchema>;

// ---------------------------------------------------------------------------------------------
// JSON Schema for Helm

/**
 * The JSON Schema (draft-07) of the chart's values: `additionalProperties: false` on every object
 * of ours; a dashboard's JSON model is free-form (Grafana's schema is not ours to repeat).
 */
export function observabilityValuesJsonSchema(): Record<string, unknown> {
  return helmValuesJsonSchema(observabilityValuesObject, "input", {
    comment: "Generated from constructs/observability-values-schema.ts by scripts/gen-chart-schema.ts; do not edit.",
    title: "Values of the ai-factory-observability chart (dashboards, PrometheusRule, gateway PodMonitor)",
  });
}
