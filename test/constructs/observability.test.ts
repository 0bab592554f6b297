import { Testing, TerraformStack } from "cdktf";
import { parse } from "yaml";

import { KubePrometheusStack } from "../../constructs/kube-prometheus-stack";
import { LocalChart } from "../../constructs/local-chart";
import { Observability } from "../../constructs/observability";
import { observabilityValues } from "../../constructs/observability-values";
import type { MonitoringInstall } from "../../config/schema";
import { baseEnvYaml, envFromYaml } from "../helpers/env";

describe("Observability", () => {
  test("GIVEN mode install WHEN synthesized THEN the local chart is installed after kube-prometheus-stack, in the monitoring namespace, with the values", () => {
    const env = envFromYaml(baseEnvYaml("  a: { nodes: [n1], server: hgx-h100-8 }", "monitoring: { mode: install }\n"));
    const monitoring = env.config.monitoring as MonitoringInstall;
    const stack = new TerraformStack(Testing.app(), "test");
    const kps = new KubePrometheusStack(stack, "kube-prometheus-stack", { monitoring, pools: env.pools });
    const chart = new LocalChart(stack, "observability-chart", { chart: "ai-factory-observability" });
    const values = observabilityValues({ monitoring, rules: { groups: [{ name: "g", rules: [{ record: "r", expr: "up" }] }] } });
    const obs = new Observability(stack, "observability", { namespace: monitoring.namespace, chartPath: chart.path, values, dependsOn: [kps.release] });
    const releases = JSON.parse(Testing.synth(stack)).resource.helm_release as Record<string, Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const [kpsKey] = Object.keys(releases).filter((k) => k.startsWith("kube-prometheus-stack"));
    const release = Object.entries(releases).find(([k]) => k.startsWith("observability"))![1];
    expect(release).toMatchObject({ name: "ai-factory-observability", namespace: "monitoring", atomic: true, wait: true, timeout: 120 });
    expect(release.chart).toMatch(/^assets\/observability-chart_asset_[0-9A-F]+\/[0-9A-F]+$/);
    expect(release.depends_on).toEqual([`helm_release.${kpsKey}`]);
    expect(parse(release.values[0])).toEqual(obs.values);
    expect(obs.values.rules.groups).toHaveLength(1);
  });
});
