import { gpuOperatorValues } from "../../constructs/gpu-operator-values";
import { DEFAULT_PROMETHEUS_ADDRESS } from "../../config/resolve";
import { envFromYaml, gpuOperatorInput, modelsEnvYaml, resolveProblems } from "../helpers/env";

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const POOL = "  h200: { nodes: [g1, g2], server: hgx-h200-8 }";
const MODEL = (extra = "") => `  coder: { model: qwen3-32b, pool: h200, tensorParallel: 2, maxContextTokens: 16384${extra} }`;
const MONITORING = "monitoring: { serviceMonitorLabels: { release: kube-prometheus-stack } }\n";

describe("monitoring: ServiceMonitors only for a declared Prometheus Operator, with its selector labels", () => {
  test("GIVEN monitoring WHEN resolved THEN the DCGM exporter and every model get a ServiceMonitor carrying the labels", () => {
    const env = envFromYaml(modelsEnvYaml(POOL, MODEL(), MONITORING));
    expect(env.models[0].deployment.serviceMonitor).toBe(true);
    expect((gpuOperatorValues(gpuOperatorInput(env)) as Values).dcgmExporter.serviceMonitor).toEqual({
      enabled: true,
      additionalLabels: { release: "kube-prometheus-stack" },
    });
  });

  test("GIVEN no monitoring WHEN resolved THEN no ServiceMonitor is made (none would be scraped)", () => {
    const env = envFromYaml(modelsEnvYaml(POOL, MODEL()));
    expect(env.models[0].deployment.serviceMonitor).toBe(false);
    expect((gpuOperatorValues(gpuOperatorInput(env)) as Values).dcgmExporter.serviceMonitor).toEqual({ enabled: false });
  });

  test("GIVEN monitoring but serviceMonitor: false on a model WHEN resolved THEN that model has none", () => {
    const env = envFromYaml(modelsEnvYaml(POOL, MODEL(", serviceMonitor: false"), MONITORING));
    expect(env.models[0].deployment.serviceMonitor).toBe(false);
  });

  test("GIVEN serviceMonitor: true without monitoring WHEN validated THEN it fails naming the missing labels", () => {
    const lines = resolveProblems(modelsEnvYaml(POOL, MODEL(", serviceMonitor: true"), "gpuOperator: { dcgmExporter: { serviceMonitor: true } }\n"));
    expect(lines).toContainEqual(
      expect.stringMatching(/^test\.yaml: models\.coder\.serviceMonitor: needs `monitoring\.serviceMonitorLabels`.*release: <its release name>.*never scraped$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^test\.yaml: gpuOperator\.dcgmExporter\.serviceMonitor: needs `monitoring\.serviceMonitorLabels`/));
  });

  test("GIVEN autoscaling without monitoring WHEN validated THEN it fails: nothing would feed the scaler", () => {
    const lines = resolveProblems(modelsEnvYaml(POOL, MODEL(", replicas: { min: 1, max: 3 }")));
    expect(lines).toContainEqual(
      "test.yaml: models.coder.replicas: autoscaling reads vllm:num_requests_waiting from Prometheus, which scrapes the server only through its ServiceMonitor; declare the Prometheus Operator with `monitoring.serviceMonitorLabels`, or use a fixed number of replicas",
    );
  });

  test("GIVEN autoscaling with monitoring but serviceMonitor: false WHEN validated THEN it fails asking to keep the ServiceMonitor", () => {
    const lines = resolveProblems(modelsEnvYaml(POOL, MODEL(", replicas: { min: 1, max: 3 }, serviceMonitor: false"), MONITORING));
    expect(lines).toContainEqual(expect.stringContaining("models.coder.replicas: autoscaling reads vllm:num_requests_waiting from Prometheus, which scrapes the server only through its ServiceMonitor; remove `serviceMonitor: false`"));
  });

  test("GIVEN a bad label key WHEN validated THEN the schema names it", () => {
    const lines = resolveProblems(modelsEnvYaml(POOL, MODEL(), 'monitoring: { serviceMonitorLabels: { "bad key!": x } }\n'));
    expect(lines.join("\n")).toMatch(/monitoring\.serviceMonitorLabels.*must be a Kubernetes label key/);
  });
});

describe("monitoring.mode: install, existing (the default) or none", () => {
  const parse = (monitoring: string) => envFromYaml(modelsEnvYaml(POOL, MODEL(), `${monitoring}\n`)).config.monitoring;

  test("GIVEN serviceMonitorLabels without mode (a file written before mode existed) WHEN parsed THEN it is mode existing, in namespace monitoring, with the Grafana sidecar's defaults", () => {
    expect(parse(MONITORING.trim())).toEqual({
      mode: "existing",
      namespace: "monitoring",
      serviceMonitorLabels: { release: "kube-prometheus-stack" },
      grafana: { dashboardLabels: { grafana_dashboard: "1" }, sidecarNamespace: "ALL" },
    });
  });

  test("GIVEN mode existing with its Grafana's sidecar label and namespace WHEN parsed THEN they are kept", () => {
    expect(parse('monitoring: { mode: existing, namespace: obs, serviceMonitorLabels: {}, grafana: { dashboardLabels: { dashboards: "true" }, sidecarNamespace: grafana } }')).toEqual({
      mode: "existing",
      namespace: "obs",
      serviceMonitorLabels: {},
      grafana: { dashboardLabels: { dashboards: "true" }, sidecarNamespace: "grafana" },
    });
  });

  test("GIVEN mode install WHEN parsed THEN the labels are the release's own and Prometheus gets the documented defaults", () => {
    expect(parse("monitoring: { mode: install }")).toEqual({
      mode: "install",
      namespace: "monitoring",
      serviceMonitorLabels: { release: "kube-prometheus-stack" },
      grafana: { dashboardLabels: { grafana_dashboard: "1" }, sidecarNamespace: "ALL" },
      prometheus: { retentionDays: 15, storageGiB: 50, memoryGiB: 4, kedaNamespace: "keda" },
    });
  });

  test("GIVEN mode install WHEN resolved THEN the DCGM exporter and every model get a ServiceMonitor labelled release: kube-prometheus-stack", () => {
    const env = envFromYaml(modelsEnvYaml(POOL, MODEL(), "monitoring: { mode: install, namespace: observability }\n"));
    expect(env.models[0].deployment.serviceMonitor).toBe(true);
    expect((gpuOperatorValues(gpuOperatorInput(env)) as Values).dcgmExporter.serviceMonitor).toEqual({ enabled: true, additionalLabels: { release: "kube-prometheus-stack" } });
  });

  test("GIVEN mode install and a model autoscaling on the default address WHEN resolved THEN KEDA queries the installed Prometheus", () => {
    const env = envFromYaml(modelsEnvYaml(POOL, MODEL(", replicas: { min: 1, max: 3 }"), "monitoring: { mode: install, namespace: observability }\n"));
    expect(env.models[0].deployment.autoscaling.prometheusServerAddress).toBe("http://kube-prometheus-stack-prometheus.observability.svc:9090");
  });

  test("GIVEN mode install and an address of the file's own WHEN resolved THEN it is kept", () => {
    const env = envFromYaml(modelsEnvYaml(POOL, MODEL(", replicas: { min: 1, max: 3 }, autoscaling: { prometheusServerAddress: http://thanos.obs.svc:9090 }"), "monitoring: { mode: install }\n"));
    expect(env.models[0].deployment.autoscaling.prometheusServerAddress).toBe("http://thanos.obs.svc:9090");
  });

  test("GIVEN mode existing and autoscaling WHEN resolved THEN the address stays the schema's default, which DEFAULT_PROMETHEUS_ADDRESS names", () => {
    const env = envFromYaml(modelsEnvYaml(POOL, MODEL(", replicas: { min: 1, max: 3 }"), MONITORING));
    expect(env.models[0].deployment.autoscaling.prometheusServerAddress).toBe(DEFAULT_PROMETHEUS_ADDRESS);
  });

  test("GIVEN mode none WHEN resolved THEN it is as without monitoring: nothing monitored", () => {
    const env = envFromYaml(modelsEnvYaml(POOL, MODEL(), "monitoring: { mode: none }\n"));
    expect(env.config.monitoring).toBeUndefined();
    expect(env.models[0].deployment.serviceMonitor).toBe(false);
  });

  test("throws when mode none autoscales: the message of a file without monitoring", () => {
    expect(resolveProblems(modelsEnvYaml(POOL, MODEL(", replicas: { min: 1, max: 3 }"), "monitoring: { mode: none }\n"))).toContainEqual(
      "test.yaml: models.coder.replicas: autoscaling reads vllm:num_requests_waiting from Prometheus, which scrapes the server only through its ServiceMonitor; declare the Prometheus Operator with `monitoring.serviceMonitorLabels`, or use a fixed number of replicas",
    );
  });

  test("throws when mode existing has no serviceMonitorLabels", () => {
    expect(resolveProblems(modelsEnvYaml(POOL, MODEL(), "monitoring: { namespace: obs }\n"))).toContainEqual(
      'test.yaml: monitoring.serviceMonitorLabels: is required with mode "existing": the labels your Prometheus selects ServiceMonitors, PodMonitors and PrometheusRules by (kube-prometheus-stack: `release: <its release name>`; `{}` if it selects every one), or set mode: install',
    );
  });

  test("throws when mode install is given serviceMonitorLabels or grafana", () => {
    const lines = resolveProblems(modelsEnvYaml(POOL, MODEL(), "monitoring: { mode: install, serviceMonitorLabels: { release: kps }, grafana: {} }\n"));
    expect(lines).toContainEqual(
      'test.yaml: monitoring.serviceMonitorLabels: is decided by mode "install": the installed Prometheus selects ServiceMonitors, PodMonitors and PrometheusRules labelled release: kube-prometheus-stack; remove it, got {"release":"kps"}',
    );
    expect(lines).toContainEqual(
      'test.yaml: monitoring.grafana: is decided by mode "install": the installed Grafana\'s sidecar reads ConfigMaps labelled grafana_dashboard: "1" in every namespace; remove it, got {}',
    );
  });

  test("throws when mode existing is given the installed Prometheus' settings", () => {
    expect(resolveProblems(modelsEnvYaml(POOL, MODEL(), "monitoring: { serviceMonitorLabels: {}, prometheus: { retentionDays: 30 } }\n"))).toContainEqual(
      'test.yaml: monitoring.prometheus: only applies with mode "install" (the Prometheus the stack installs); remove it, or set mode: install, got {"retentionDays":30}',
    );
  });

  test("throws when mode none carries any other setting, naming each", () => {
    const lines = resolveProblems(modelsEnvYaml(POOL, MODEL(), "monitoring: { mode: none, namespace: obs, prometheus: {} }\n"));
    expect(lines).toContainEqual('test.yaml: monitoring.namespace: mode "none" creates nothing (as without `monitoring`); remove `namespace`, or choose mode "install" or "existing", got "obs"');
    expect(lines).toContainEqual('test.yaml: monitoring.prometheus: mode "none" creates nothing (as without `monitoring`); remove `prometheus`, or choose mode "install" or "existing", got {}');
  });

  test("throws when the mode is unknown, listing the three", () => {
    expect(resolveProblems(modelsEnvYaml(POOL, MODEL(), "monitoring: { mode: operator }\n"))).toContainEqual('test.yaml: monitoring.mode: got "operator"; allowed: "install", "existing" or "none"');
  });

  test("throws when the Grafana sidecar label set is empty", () => {
    expect(resolveProblems(modelsEnvYaml(POOL, MODEL(), "monitoring: { serviceMonitorLabels: {}, grafana: { dashboardLabels: {} } }\n"))).toContainEqual(
      "test.yaml: monitoring.grafana.dashboardLabels: must name at least one label: the Grafana sidecar picks dashboard ConfigMaps by label, got {}",
    );
  });

  test("throws when the sidecar namespace is neither ALL nor a namespace", () => {
    expect(resolveProblems(modelsEnvYaml(POOL, MODEL(), "monitoring: { serviceMonitorLabels: {}, grafana: { sidecarNamespace: Grafana } }\n"))).toContainEqual(
      'test.yaml: monitoring.grafana.sidecarNamespace: must be "ALL" (every namespace) or a namespace name (a DNS label: lower-case letters, digits and "-"), got "Grafana"',
    );
  });

  test.each([
    ["retentionDays: 0", "monitoring.prometheus.retentionDays: must be at least 1 (day)"],
    ["retentionDays: 4000", "monitoring.prometheus.retentionDays: must be at most 3650 (days, ten years; keep longer history in a remote store)"],
    ["storageGiB: 0", "monitoring.prometheus.storageGiB: must be at least 1 (GiB)"],
    ["memoryGiB: 2000", "monitoring.prometheus.memoryGiB: must be at most 1024 (GiB; one Prometheus needing more should shard)"],
    ["storageClass: Fast_SSD", "monitoring.prometheus.storageClass: must be a storage class name (a lower-case RFC 1123 subdomain), as `kubectl get storageclass` lists it"],
  ])("throws when prometheus.%s", (setting, message) => {
    expect(resolveProblems(modelsEnvYaml(POOL, MODEL(), `monitoring: { mode: install, prometheus: { ${setting} } }\n`)).join("\n")).toContain(message);
  });
});

describe("monitoring.namespace with mode install: a namespace of its own", () => {
  test("throws when it is a system namespace", () => {
    expect(resolveProblems(modelsEnvYaml(POOL, MODEL(), "monitoring: { mode: install, namespace: kube-system }\n"))).toContainEqual(
      'test.yaml: monitoring.namespace: "kube-system" is a namespace Kubernetes itself uses; with mode "install" the stack creates this namespace and deletes it on destroy: choose another name',
    );
  });

  test("throws when it is the models' namespace", () => {
    expect(resolveProblems(modelsEnvYaml(POOL, MODEL(), "monitoring: { mode: install, namespace: ai-models }\n"))).toContainEqual(
      'test.yaml: monitoring.namespace: must differ from namespaces.models, both "ai-models": with mode "install" the stack creates the monitoring namespace (Pod Security privileged) apart from its others; choose another name',
    );
  });

  test("GIVEN mode existing in the models' namespace WHEN validated THEN it is accepted as today (the stack creates nothing there)", () => {
    expect(envFromYaml(modelsEnvYaml(POOL, MODEL(), "monitoring: { serviceMonitorLabels: {}, namespace: ai-models }\n")).config.monitoring?.namespace).toBe("ai-models");
  });
});
