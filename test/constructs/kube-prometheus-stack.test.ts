import { Testing, TerraformStack } from "cdktf";
import { parse } from "yaml";

import type { MonitoringInstall } from "../../config/schema";
import { KubePrometheusStack, MONITORING_POD_SECURITY } from "../../constructs/kube-prometheus-stack";
import { baseEnvYaml, envFromYaml } from "../helpers/env";

function synth(extra = "") {
  const env = envFromYaml(baseEnvYaml("  a: { nodes: [n1], server: hgx-h100-8 }", `${extra}monitoring: { mode: install, namespace: observability }\n`));
  const stack = new TerraformStack(Testing.app(), "test");
  const kps = new KubePrometheusStack(stack, "kube-prometheus-stack", { monitoring: env.config.monitoring as MonitoringInstall, pools: env.pools, mirror: env.config.mirror });
  const json = JSON.parse(Testing.synth(stack));
  const [release] = Object.values(json.resource.helm_release) as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const [[namespaceKey, namespace]] = Object.entries(json.resource.kubernetes_namespace_v1) as Array<[string, Record<string, any>]>; // eslint-disable-line @typescript-eslint/no-explicit-any
  return { kps, release, namespace, namespaceKey };
}

describe("KubePrometheusStack", () => {
  test("GIVEN mode install WHEN synthesized THEN the pinned chart is installed as release kube-prometheus-stack, atomic and waited for, after its namespace", () => {
    const { kps, release, namespaceKey } = synth();
    expect(release).toMatchObject({
      name: "kube-prometheus-stack",
      namespace: "observability",
      repository: "https://prometheus-community.github.io/helm-charts",
      chart: "kube-prometheus-stack",
      version: "88.5.3",
      create_namespace: false,
      atomic: true,
      wait: true,
      timeout: 900,
    });
    expect(release.depends_on).toEqual([`kubernetes_namespace_v1.${namespaceKey}`]);
    expect(parse(release.values[0]).prometheus.prometheusSpec.serviceMonitorSelector).toEqual({ matchLabels: { release: "kube-prometheus-stack" } });
    expect(kps.prometheusUrl).toBe("http://kube-prometheus-stack-prometheus.observability.svc:9090");
  });

  test("GIVEN mode install WHEN synthesized THEN the namespace is Pod Security privileged (the node exporter uses the host's network, PIDs and file system)", () => {
    const { namespace } = synth();
    expect(MONITORING_POD_SECURITY).toBe("privileged");
    expect(namespace.metadata.name).toBe("observability");
    expect(namespace.metadata.labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "privileged", "app.kubernetes.io/managed-by": "ai-factory" });
  });

  test("GIVEN a mirror WHEN synthesized THEN the chart comes from the mirror under its own name, at the same version", () => {
    const { release } = synth("mirror: { registry: harbor.corp.example/mirror, chartRepository: oci://harbor.corp.example/charts }\n");
    expect(release).toMatchObject({ repository: "oci://harbor.corp.example/charts", chart: "kube-prometheus-stack", version: "88.5.3" });
    expect(parse(release.values[0]).grafana.image.registry).toBe("harbor.corp.example/mirror/docker.io");
  });
});
