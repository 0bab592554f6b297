import { gpuOperatorValues } from "../../constructs/gpu-operator-values";
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
