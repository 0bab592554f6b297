import { parse } from "yaml";

import { KUBE_PROMETHEUS_STACK } from "../../catalog/upstream";
import type { MonitoringInstall } from "../../config/schema";
import { KPS_RESOURCES, kubePrometheusStackValues, kubePrometheusStackValuesYaml } from "../../constructs/kube-prometheus-stack-values";
import { baseEnvYaml, envFromYaml } from "../helpers/env";

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const POOLS = `  a: { nodes: [n1], server: hgx-h100-8, taint: { key: nvidia.com/gpu, value: present, effect: NoExecute } }
  b: { nodes: [n2], server: hgx-h100-8 }`;
const MIRROR = "mirror: { registry: harbor.corp.example/mirror, chartRepository: oci://harbor.corp.example/charts }\n";

function valuesOf(monitoring: string, extra = ""): Values {
  const env = envFromYaml(baseEnvYaml(POOLS, `${extra}monitoring: ${monitoring}\n`));
  return kubePrometheusStackValues({ monitoring: env.config.monitoring as MonitoringInstall, pools: env.pools, mirror: env.config.mirror }) as Values;
}

/** `registry/repository:tag` of every image block the values set, keyed by its values path. */
function images(v: Values): Record<string, string> {
  const at = (path: string) => path.split(".").reduce((o, k) => o[k], v);
  return Object.fromEntries(
    KUBE_PROMETHEUS_STACK.images.map((img) => {
      const block = at(img.valuesKey);
      return [img.valuesKey, `${block.registry}/${block.repository}:${block.tag}`];
    }),
  );
}

describe("kubePrometheusStackValues", () => {
  const v = valuesOf("{ mode: install }");

  test("GIVEN a mirror WHEN values are computed THEN every image is <mirror>/<upstream host>/<path>:<pinned tag>", () => {
    expect(images(valuesOf("{ mode: install }", MIRROR))).toEqual({
      "prometheusOperator.image": "harbor.corp.example/mirror/quay.io/prometheus-operator/prometheus-operator:v0.93.1",
      "prometheusOperator.prometheusConfigReloader.image": "harbor.corp.example/mirror/quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1",
      "prometheusOperator.admissionWebhooks.patch.image": "harbor.corp.example/mirror/ghcr.io/jkroepke/kube-webhook-certgen:1.8.7",
      "prometheus.prometheusSpec.image": "harbor.corp.example/mirror/quay.io/prometheus/prometheus:v3.14.0-distroless",
      "alertmanager.alertmanagerSpec.image": "harbor.corp.example/mirror/quay.io/prometheus/alertmanager:v0.34.0",
      "kube-state-metrics.image": "harbor.corp.example/mirror/registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0",
      "prometheus-node-exporter.image": "harbor.corp.example/mirror/quay.io/prometheus/node-exporter:v1.12.1-distroless",
      "grafana.image": "harbor.corp.example/mirror/docker.io/grafana/grafana:13.2.0",
      "grafana.sidecar.image": "harbor.corp.example/mirror/quay.io/kiwigrid/k8s-sidecar:2.10.1",
    });
  });

  test("GIVEN no mirror WHEN values are computed THEN every image is its upstream reference and no global registry replaces them", () => {
    for (const [key, ref] of Object.entries(images(v))) {
      const img = KUBE_PROMETHEUS_STACK.images.find((i) => i.valuesKey === key)!;
      expect(ref).toBe(`${img.registry}/${img.repository}:${img.tag}`);
    }
    expect(v.global).toEqual({ imageRegistry: "" });
  });

  test("GIVEN the node exporter's -distroless tag WHEN values are computed THEN the chart is told not to append it again", () => {
    expect(v["prometheus-node-exporter"].image).toMatchObject({ tag: "v1.12.1-distroless", distroless: false });
  });

  test("GIVEN the pins WHEN read THEN no tag floats", () => {
    for (const img of KUBE_PROMETHEUS_STACK.images) expect(img.tag).toMatch(/^v?\d+\.\d+\.\d+(-[a-z]+)?$/);
  });

  test("GIVEN mode install WHEN values are computed THEN Prometheus selects ServiceMonitors, PodMonitors and rules labelled release: kube-prometheus-stack in every namespace", () => {
    const spec = v.prometheus.prometheusSpec;
    for (const key of ["serviceMonitorSelector", "podMonitorSelector", "ruleSelector"]) expect(spec[key]).toEqual({ matchLabels: { release: "kube-prometheus-stack" } });
    for (const key of ["serviceMonitorNamespaceSelector", "podMonitorNamespaceSelector", "ruleNamespaceSelector"]) expect(spec[key]).toEqual({});
    expect(spec.ignoreNamespaceSelectors).toBe(false);
  });

  test("GIVEN the defaults WHEN values are computed THEN 15 days in an emptyDir of 50 GiB, the TSDB capped at 42 GiB, 4 GiB of memory", () => {
    expect(v.prometheus.prometheusSpec).toMatchObject({
      replicas: 1,
      retention: "15d",
      retentionSize: "42GiB",
      storageSpec: { emptyDir: { sizeLimit: "50Gi" } },
      resources: { requests: { cpu: "500m", memory: "4Gi" }, limits: { memory: "4Gi" } },
    });
  });

  test("GIVEN a storage class WHEN values are computed THEN Prometheus keeps its data on a claim of that class", () => {
    const spec = valuesOf("{ mode: install, prometheus: { storageClass: ceph-rbd, storageGiB: 200, retentionDays: 30, memoryGiB: 8 } }").prometheus.prometheusSpec;
    expect(spec.storageSpec).toEqual({
      volumeClaimTemplate: { spec: { storageClassName: "ceph-rbd", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "200Gi" } } } },
    });
    expect(spec).toMatchObject({ retention: "30d", retentionSize: "170GiB", resources: { requests: { memory: "8Gi" }, limits: { memory: "8Gi" } } });
  });

  test("GIVEN mode install WHEN values are computed THEN Grafana's dashboard sidecar watches every namespace for grafana_dashboard: \"1\" and reads the folder annotation", () => {
    expect(v.grafana.sidecar.dashboards).toEqual({
      enabled: true,
      label: "grafana_dashboard",
      labelValue: "1",
      searchNamespace: "ALL",
      folderAnnotation: "grafana_folder",
      provider: { foldersFromFilesStructure: true },
    });
    expect(v.grafana).toMatchObject({ enabled: true, persistence: { enabled: false }, initChownData: { enabled: false }, testFramework: { enabled: false }, serviceMonitor: { enabled: true } });
  });

  test("GIVEN a NoExecute GPU taint WHEN values are computed THEN the node exporter keeps the chart's toleration and tolerates it", () => {
    expect(v["prometheus-node-exporter"].tolerations).toEqual([
      { effect: "NoSchedule", operator: "Exists" },
      { key: "nvidia.com/gpu", operator: "Equal", value: "present", effect: "NoExecute" },
    ]);
  });

  test("GIVEN mode install WHEN values are computed THEN every component has its documented requests, CRDs come from the chart and the CRD upgrade Job stays off", () => {
    expect(v.grafana.resources).toEqual(KPS_RESOURCES.grafana);
    expect(v.alertmanager.alertmanagerSpec).toMatchObject({ replicas: 1, resources: KPS_RESOURCES.alertmanager });
    expect(v.prometheusOperator).toMatchObject({ resources: KPS_RESOURCES.operator, admissionWebhooks: { enabled: true, deployment: { enabled: false } } });
    expect(v["kube-state-metrics"].resources).toEqual(KPS_RESOURCES.kubeStateMetrics);
    expect(v["prometheus-node-exporter"].resources).toEqual(KPS_RESOURCES.nodeExporter);
    expect(v.crds).toEqual({ enabled: true, upgradeJob: { enabled: false } });
  });

  test("GIVEN the values WHEN serialized THEN the YAML parses back to them with sorted keys", () => {
    const env = envFromYaml(baseEnvYaml(POOLS, "monitoring: { mode: install }\n"));
    const input = { monitoring: env.config.monitoring as MonitoringInstall, pools: env.pools };
    const text = kubePrometheusStackValuesYaml(input);
    expect(parse(text)).toEqual(kubePrometheusStackValues(input));
    expect(text.indexOf("alertmanager:")).toBeLessThan(text.indexOf("crds:"));
  });
});
