/**
 * The ai-factory-observability chart rendered by the real Helm binary with a sample dashboard and
 * rule set, for an install-mode and an existing-mode environment: the ConfigMaps carry the Grafana
 * sidecar's label, the PrometheusRule and the PodMonitor pass the Prometheus Operator's schema
 * (@kubernetes-models/prometheus-operator 4.4.4) and carry the selector labels, core objects pass
 * the Kubernetes schema. Also: the values schema is the committed values.schema.json, values.yaml
 * documents every key with the zod defaults, and every cross-field rule fails alike in zod and Helm.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseDocument } from "yaml";
// CommonJS models of the Prometheus Operator's CRDs (4.4.4, the last CommonJS release).
import { PodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";

import type { ResolvedEnvironment } from "../../config/resolve";
import { observabilityValues } from "../../constructs/observability-values";
import {
  OBSERVABILITY_CHART,
  ObservabilityValuesSchema,
  observabilityValuesJsonSchema,
  type ObservabilityValues,
  type RuleGroup,
} from "../../constructs/observability-values-schema";
import { planGateway } from "../../planning/gateway";
import { CHART_SCHEMAS, renderChartSchema } from "../../scripts/gen-chart-schema";
import { envFromYaml } from "../helpers/env";
import { findObject, helmLint, helmTemplate, type RenderedObject } from "../helpers/helm";
import { validateK8sObjects } from "../helpers/k8s-validate";
import { REPO } from "../helpers/run";

const CHART = join("charts", OBSERVABILITY_CHART);

/** A small dashboard JSON model, as the dashboards generator writes them. */
const DASHBOARD = {
  uid: "ai-factory-serving",
  title: "AI factory: serving",
  schemaVersion: 39,
  panels: [{ id: 1, type: "timeseries", title: "Queued requests", gridPos: { h: 8, w: 12, x: 0, y: 0 }, targets: [{ expr: "sum by (model_name) (vllm:num_requests_waiting)", refId: "A" }] }],
};

const RULES: { groups: RuleGroup[] } = {
  groups: [
    {
      name: "ai-factory.serving",
      interval: "30s",
      rules: [
        { record: "ai_factory:vllm_generation_tokens:rate5m", expr: "sum by (model_name) (rate(vllm:generation_tokens_total[5m]))" },
        {
          alert: "AiFactoryQueueBacklog",
          expr: "sum by (model_name) (vllm:num_requests_waiting) > 20",
          for: "10m",
          labels: { severity: "warning" },
          annotations: { summary: "{{ $labels.model_name }} has queued requests for 10 minutes" },
        },
      ],
    },
  ],
};

/** `environments/prod.yaml` with its `monitoring` replaced. */
function prodWith(monitoring: Record<string, unknown>): ResolvedEnvironment {
  const doc = parseDocument(readFileSync(join(REPO, "environments", "prod.yaml"), "utf8"));
  doc.set("monitoring", monitoring);
  return envFromYaml(doc.toString());
}

function valuesFor(env: ResolvedEnvironment): ObservabilityValues {
  return observabilityValues({ monitoring: env.config.monitoring!, gateway: planGateway(env), dashboards: { [DASHBOARD.uid]: DASHBOARD }, rules: RULES });
}

const CASES = {
  install: valuesFor(prodWith({ mode: "install" })),
  existing: valuesFor(prodWith({ serviceMonitorLabels: { prometheus: "main" }, grafana: { dashboardLabels: { dashboards: "ai" }, sidecarNamespace: "grafana" } })),
};

/** The messages zod gives for `values`, `<path>: <message>` each. */
function zodProblems(values: unknown): string[] {
  const result = ObservabilityValuesSchema.safeParse(values);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

const render = (values: unknown) => helmTemplate(CHART, values, { releaseName: OBSERVABILITY_CHART, namespace: "monitoring" });

describe("ai-factory-observability values schema", () => {
  test("GIVEN the zod schema WHEN rendered THEN it is the committed values.schema.json, listed in CHART_SCHEMAS", () => {
    expect(CHART_SCHEMAS.map((s) => s.path)).toContain(`${CHART}/values.schema.json`);
    expect(readFileSync(join(REPO, CHART, "values.schema.json"), "utf8")).toBe(renderChartSchema(observabilityValuesJsonSchema()));
  });

  test("GIVEN the schema WHEN read THEN every object of ours refuses unknown keys", () => {
    const objects: Record<string, unknown>[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node !== null && typeof node === "object") {
        const o = node as Record<string, unknown>;
        if (o.type === "object" && o.properties !== undefined) objects.push(o);
        Object.values(o).forEach(walk);
      }
    };
    walk(observabilityValuesJsonSchema());
    expect(objects.length).toBeGreaterThanOrEqual(7);
    for (const o of objects) expect(o.additionalProperties).toBe(false);
  });

  test("GIVEN values.yaml WHEN read THEN every key has a `# --` comment and the defaults are the zod defaults", () => {
    const text = readFileSync(join(REPO, CHART, "values.yaml"), "utf8");
    const lines = text.split("\n");
    const undocumented = lines.flatMap((line, i) => {
      const key = /^(\s*)([A-Za-z][A-Za-z0-9_]*):/.exec(line);
      if (!key) return [];
      let j = i - 1;
      while (j >= 0 && /^\s*#(?!\s*--)/.test(lines[j])) j--;
      return j >= 0 && /^\s*# -- /.test(lines[j]) ? [] : [`${i + 1}: ${key[2]}`];
    });
    expect(undocumented).toEqual([]);
    expect(parse(text)).toEqual(ObservabilityValuesSchema.parse({}));
  });
});

describe.each(Object.keys(CASES) as (keyof typeof CASES)[])("ai-factory-observability chart, mode %s, with a dashboard and a rule set", (mode) => {
  const values = CASES[mode];
  let objects: RenderedObject[];

  beforeAll(() => {
    objects = render(values);
  });

  test("WHEN linted with --strict THEN Helm accepts it", () => {
    expect(() => helmLint(CHART, values)).not.toThrow();
  });

  test("WHEN rendered THEN it is one ConfigMap, one PrometheusRule and the gateway's PodMonitor, and core objects pass the Kubernetes schema", () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual(
      [
        `ConfigMap/${mode === "install" ? "monitoring" : "grafana"}/ai-factory-dashboard-ai-factory-serving`,
        "PodMonitor/ai-gateway/ai-gateway-envoy",
        "PrometheusRule/monitoring/ai-factory",
      ].sort(),
    );
    expect(() => validateK8sObjects(objects)).not.toThrow();
  });

  test("WHEN rendered THEN the ConfigMap carries the Grafana sidecar's label and the folder, and holds the dashboard's JSON under <uid>.json", () => {
    const cm = findObject<{ metadata: { labels: Record<string, string>; annotations: Record<string, string> }; data: Record<string, string> }>(objects, "ConfigMap");
    expect(cm.metadata.labels).toMatchObject(mode === "install" ? { grafana_dashboard: "1" } : { dashboards: "ai" });
    expect(cm.metadata.annotations).toEqual({ grafana_folder: "AI factory" });
    expect(Object.keys(cm.data)).toEqual(["ai-factory-serving.json"]);
    expect(JSON.parse(cm.data["ai-factory-serving.json"])).toEqual(DASHBOARD);
  });

  test("WHEN rendered THEN the PrometheusRule passes the Prometheus Operator's schema, carries the rule selector's labels and holds the groups verbatim", () => {
    const rule = findObject(objects, "PrometheusRule");
    expect(() => new PrometheusRule(rule as never).validate()).not.toThrow();
    expect(rule.metadata.labels).toMatchObject(mode === "install" ? { release: "kube-prometheus-stack" } : { prometheus: "main" });
    expect((rule as unknown as { spec: unknown }).spec).toEqual(RULES);
  });

  test("WHEN rendered THEN the PodMonitor passes the Prometheus Operator's schema and selects our Gateway's Envoy pods in Envoy Gateway's namespace on both metrics ports", () => {
    const pm = findObject(objects, "PodMonitor");
    expect(() => new PodMonitor(pm as never).validate()).not.toThrow();
    expect(pm.metadata.labels).toMatchObject(mode === "install" ? { release: "kube-prometheus-stack" } : { prometheus: "main" });
    expect((pm as unknown as { spec: unknown }).spec).toEqual({
      namespaceSelector: { matchNames: ["envoy-gateway-system"] },
      selector: {
        matchLabels: {
          "app.kubernetes.io/component": "proxy",
          "app.kubernetes.io/managed-by": "envoy-gateway",
          "app.kubernetes.io/name": "envoy",
          "gateway.envoyproxy.io/owning-gateway-namespace": "ai-gateway",
        },
      },
      podMetricsEndpoints: [
        { port: "metrics", path: "/stats/prometheus", interval: "30s" },
        { port: "aigw-admin", path: "/metrics", interval: "30s" },
      ],
    });
  });
});

describe("ai-factory-observability chart", () => {
  test("GIVEN the chart's defaults WHEN linted and rendered THEN it is valid and renders nothing", () => {
    expect(() => helmLint(CHART)).not.toThrow();
    expect(helmTemplate(CHART)).toEqual([]);
  });

  test("GIVEN no gateway and no rules WHEN rendered THEN only the dashboards' ConfigMaps", () => {
    const env = envFromYaml(readFileSync(join(REPO, "environments", "staging.yaml"), "utf8").replace(/^gateway:[\s\S]*?(?=^\S)/m, ""));
    const values = observabilityValues({ monitoring: env.config.monitoring!, dashboards: { [DASHBOARD.uid]: DASHBOARD } });
    expect(render(values).map((o) => o.kind)).toEqual(["ConfigMap"]);
  });

  test("throws when a dashboard's uid is not its key, in zod and in Helm alike", () => {
    const message = 'dashboards.other.uid: must be the dashboard\'s key "other" (the ConfigMap is named after it), got "ai-factory-serving"; set dashboards.other.uid=other';
    expect(zodProblems({ dashboards: { other: DASHBOARD } })).toEqual([message]);
    expect(() => render({ dashboards: { other: DASHBOARD } })).toThrow(`ai-factory-observability values: ${message}`);
  });

  test("throws when a rule group is listed twice", () => {
    const groups = [RULES.groups[0], RULES.groups[0]];
    expect(zodProblems({ rules: { groups } })).toEqual(['rules.groups.1.name: rule group "ai-factory.serving" is listed twice; the Prometheus Operator refuses duplicate group names']);
    expect(() => render({ rules: { groups } })).toThrow('ai-factory-observability values: rules.groups.1.name: rule group "ai-factory.serving" is listed twice; the Prometheus Operator refuses duplicate group names');
  });

  test("throws when a rule is both or neither an alert and a record", () => {
    const groups = [{ name: "g", rules: [{ alert: "A", record: "b", expr: "1" }] }];
    expect(zodProblems({ rules: { groups } })).toEqual(["rules.groups.0.rules.0: a rule needs exactly one of `alert` and `record`"]);
    expect(() => render({ rules: { groups } })).toThrow("ai-factory-observability values: rules.groups.0.rules.0: a rule needs exactly one of `alert` and `record`");
  });

  test("throws when a recording rule has `for`", () => {
    const groups = [{ name: "g", rules: [{ record: "b", expr: "1", for: "5m" }] }];
    expect(zodProblems({ rules: { groups } })).toEqual(["rules.groups.0.rules.0.for: only an alerting rule has `for`; remove it from the recording rule"]);
    expect(() => render({ rules: { groups } })).toThrow("ai-factory-observability values: rules.groups.0.rules.0.for: only an alerting rule has `for`; remove it from the recording rule");
  });

  test("throws when the PodMonitor is enabled without pod labels or endpoints", () => {
    const pm = { enabled: true, endpoints: { envoy: { port: "metrics", path: "/stats/prometheus" } } };
    expect(zodProblems({ gatewayPodMonitor: pm })).toEqual(["gatewayPodMonitor.podLabels: must name the Envoy proxy pods' labels when the PodMonitor is enabled: {} selects every pod of the namespace"]);
    expect(() => render({ gatewayPodMonitor: pm })).toThrow(
      "ai-factory-observability values: gatewayPodMonitor.podLabels: must name the Envoy proxy pods' labels when the PodMonitor is enabled: {} selects every pod of the namespace",
    );
    const noEndpoints = { enabled: true, podLabels: { app: "envoy" } };
    expect(zodProblems({ gatewayPodMonitor: noEndpoints })).toEqual(["gatewayPodMonitor.endpoints: must list at least one endpoint when the PodMonitor is enabled"]);
    expect(() => render({ gatewayPodMonitor: noEndpoints })).toThrow("ai-factory-observability values: gatewayPodMonitor.endpoints: must list at least one endpoint when the PodMonitor is enabled");
  });

  test("throws when a value has an unknown key or a dashboard uid is not a DNS label", () => {
    expect(() => render({ dashboard: {} })).toThrow("Additional property dashboard is not allowed");
    expect(() => render({ dashboards: { "Serving Overview": {} } })).toThrow('dashboards: Property name of "Serving Overview" does not match');
    expect(zodProblems({ dashboards: { "Serving Overview": {} } })).toEqual(["dashboards.Serving Overview: Invalid key in record"]);
  });
});
