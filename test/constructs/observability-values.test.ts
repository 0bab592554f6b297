import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseDocument } from "yaml";

import type { ResolvedEnvironment } from "../../config/resolve";
import { DEFAULT_DASHBOARD_FOLDER, gatewayProxyPodLabels, observabilityValues, observabilityValuesYaml } from "../../constructs/observability-values";
import { planGateway } from "../../planning/gateway";
import { networkFlows, networkInput } from "../../planning/network";
import { planEnvironment } from "../../planning/plan";
import { envFromYaml } from "../helpers/env";
import { REPO } from "../helpers/run";

function prodWith(monitoring: Record<string, unknown>): ResolvedEnvironment {
  const doc = parseDocument(readFileSync(join(REPO, "environments", "prod.yaml"), "utf8"));
  doc.set("monitoring", monitoring);
  return envFromYaml(doc.toString());
}

describe("observabilityValues", () => {
  test("GIVEN mode install WHEN values are computed THEN monitors and rules carry release: kube-prometheus-stack and dashboards go with the release for the sidecar watching every namespace", () => {
    const env = prodWith({ mode: "install" });
    const v = observabilityValues({ monitoring: env.config.monitoring!, gateway: planGateway(env) });
    expect(v.monitorLabels).toEqual({ release: "kube-prometheus-stack" });
    expect(v.grafana).toEqual({ labels: { grafana_dashboard: "1" }, folder: DEFAULT_DASHBOARD_FOLDER });
    expect(v.dashboards).toEqual({});
    expect(v.rules).toEqual({ groups: [] });
  });

  test("GIVEN mode existing with a sidecar watching one namespace WHEN values are computed THEN the dashboards go there with its label", () => {
    const env = prodWith({ serviceMonitorLabels: { prometheus: "main" }, grafana: { dashboardLabels: { dashboards: "ai" }, sidecarNamespace: "grafana" } });
    const v = observabilityValues({ monitoring: env.config.monitoring!, folder: "Inference" });
    expect(v.monitorLabels).toEqual({ prometheus: "main" });
    expect(v.grafana).toEqual({ namespace: "grafana", labels: { dashboards: "ai" }, folder: "Inference" });
    expect(v.gatewayPodMonitor.enabled).toBe(false);
  });

  test("GIVEN a gateway WHEN values are computed THEN the PodMonitor selects exactly the Envoy pods the network policies admit Prometheus to, on Envoy's and the external processor's ports", () => {
    const env = prodWith({ mode: "install" });
    const gateway = planGateway(env)!;
    const v = observabilityValues({ monitoring: env.config.monitoring!, gateway });
    expect(v.gatewayPodMonitor).toEqual({
      enabled: true,
      namespace: "ai-gateway",
      podNamespace: "envoy-gateway-system",
      podLabels: gatewayProxyPodLabels(gateway),
      interval: "30s",
      endpoints: { envoy: { port: "metrics", path: "/stats/prometheus" }, "ext-proc": { port: "aigw-admin", path: "/metrics" } },
    });
    const scrape = networkFlows(networkInput(env, planEnvironment(env).plan, gateway)).find((f) => f.from.kind === "pods" && f.from.name === "prometheus" && f.to.kind === "pods" && f.to.name === "envoy-proxies")!;
    expect(scrape.to.kind === "pods" && scrape.to.podSelector).toEqual(v.gatewayPodMonitor.podLabels);
    expect(scrape.to.kind === "pods" && scrape.to.namespace).toBe(v.gatewayPodMonitor.podNamespace);
    expect(scrape.ports.map((p) => p.port)).toEqual([1064, 19001]);
  });

  test("GIVEN a dashboard whose uid is not its key WHEN values are computed THEN it throws (a broken invariant of the generator)", () => {
    const env = prodWith({ mode: "install" });
    expect(() => observabilityValues({ monitoring: env.config.monitoring!, dashboards: { a: { uid: "b" } } })).toThrow("must be the dashboard's key");
  });

  test("GIVEN the values WHEN serialized THEN the YAML parses back to them", () => {
    const env = prodWith({ mode: "install" });
    const shared = { expr: "up" };
    const v = observabilityValues({ monitoring: env.config.monitoring!, gateway: planGateway(env), dashboards: { a: { uid: "a", panels: [shared, shared] } } });
    const text = observabilityValuesYaml(v);
    expect(text).not.toContain("*a");
    expect(parse(text)).toEqual(v);
  });
});
