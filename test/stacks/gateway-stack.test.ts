/**
 * The gateway as the stack wires it: the example environments synthesized as `cdktf synth` writes
 * them, every local chart of the output rendered by the real helm with the stack's values, and the
 * parts checked against each other: the gateway's Backends reach the Services the model-server
 * releases create, the custom resources come after their controllers, and the network policies
 * select the pods that are really rendered.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { findHelm, renderLocalCharts } from "../../cli/diff-input";
import type { KubeObject, TerraformJson } from "../../report/plan-diff-types";
import { REPO, tempDir } from "../helpers/run";
import { exampleEnvironment, synthesizeOutput } from "../helpers/synth-output";

jest.setTimeout(120_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

interface Synthesized {
  readonly stack: TerraformJson & { resource: Record<string, Record<string, Loose>> };
  /** Rendered objects of every local-chart release, by the release's `name`. */
  readonly rendered: Record<string, Loose[]>;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function synth(env: string): Promise<Synthesized> {
  const dir = tempDir("ai-factory-gateway-stack-");
  dirs.push(dir);
  const out = await synthesizeOutput(dir, { [env]: exampleEnvironment(env) });
  const stackDir = path.join(out, "stacks", env);
  const stack = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
  const helm = findHelm(process.env, REPO);
  if (helm === undefined) throw new Error("no helm binary: run npm ci");
  const byAddress = await renderLocalCharts(stackDir, stack, helm);
  const rendered: Record<string, Loose[]> = {};
  for (const [address, result] of Object.entries(byAddress)) {
    if ("error" in result) throw new Error(`${address}: ${result.error}`);
    rendered[stack.resource.helm_release[address.replace(/^helm_release\./, "")].name] = result.objects as KubeObject[] as Loose[];
  }
  return { stack, rendered };
}

const releases = (s: Synthesized): Loose[] => Object.entries(s.stack.resource.helm_release).map(([key, r]) => ({ ...(r as Loose), address: `helm_release.${key}` }));

describe("the gateway in the synthesized prod stack", () => {
  let prod: Synthesized;
  beforeAll(async () => {
    prod = await synth("prod");
  });

  test("GIVEN prod WHEN synthesized THEN every gateway Backend names the Service and port a model-server release creates", () => {
    const services = Object.entries(prod.rendered)
      .filter(([name]) => name !== "ai-gateway" && name !== "ai-factory-policies")
      .flatMap(([, objects]) => objects.filter((o) => o.kind === "Service"))
      .map((s) => ({ host: `${s.metadata.name}.${s.metadata.namespace}.svc.cluster.local`, port: s.spec.ports[0].port }));
    const backends = prod.rendered["ai-gateway"].filter((o) => o.kind === "Backend").map((b) => b.spec.endpoints[0].fqdn);
    expect(backends).toHaveLength(3);
    for (const fqdn of backends) expect(services).toContainEqual({ host: fqdn.hostname, port: fqdn.port });
  });

  test("GIVEN prod WHEN synthesized THEN the gateway chart waits for both controllers and the CRDs, and the AI Gateway for Envoy Gateway", () => {
    const all = releases(prod);
    const byChart = (chart: string) => all.find((r) => r.chart === chart || r.chart.startsWith(`assets/${chart}`))!;
    const routes = byChart("ai-gateway-chart_");
    for (const chart of ["ai-gateway-crds-helm", "gateway-helm", "ai-gateway-helm"]) expect(routes.depends_on).toContain(byChart(chart).address);
    expect(byChart("ai-gateway-helm").depends_on).toEqual(expect.arrayContaining([byChart("ai-gateway-crds-helm").address, byChart("gateway-helm").address]));
  });

  test("GIVEN prod WHEN synthesized THEN each namespace the stack creates has a default-deny ingress policy, and Pod Security labels", () => {
    const namespaces = Object.values(prod.stack.resource.kubernetes_namespace_v1).map((n) => n.metadata);
    expect(namespaces.map((n) => n.name).sort()).toEqual(["ai-gateway", "ai-models", "envoy-ai-gateway-system", "envoy-gateway-system", "gpu-operator", "team-documents"]);
    const denies = prod.rendered["ai-factory-policies"].filter((o) => o.kind === "NetworkPolicy" && o.metadata.name === "default-deny-ingress");
    expect(denies.map((p) => p.metadata.namespace).sort()).toEqual(namespaces.map((n) => n.name).sort());
    for (const p of denies) expect(p.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress"] });
    for (const n of namespaces) {
      // The GPU Operator's daemonsets load drivers and mount host paths; everything else runs restricted.
      expect(n.labels["pod-security.kubernetes.io/enforce"]).toBe(n.name === "gpu-operator" ? "privileged" : "restricted");
    }
  });

  test("GIVEN prod WHEN synthesized THEN the model servers' ingress policy selects the rendered model-server pods and admits the Envoy proxies on port 8000 only", () => {
    const policies = prod.rendered["ai-factory-policies"].filter((o) => o.kind === "NetworkPolicy" && o.metadata.namespace === "ai-models");
    const pods = Object.entries(prod.rendered)
      .filter(([name]) => name !== "ai-gateway" && name !== "ai-factory-policies")
      .flatMap(([, objects]) => objects.filter((o) => o.kind === "Deployment"))
      .map((d) => d.spec.template.metadata.labels as Record<string, string>);
    const selects = (p: Loose, labels: Record<string, string>) => Object.entries(p.spec.podSelector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    const fromProxies = policies.filter((p) =>
      (p.spec.ingress ?? []).some((rule: Loose) => (rule.from ?? []).some((peer: Loose) => peer.podSelector?.matchLabels?.["app.kubernetes.io/name"] === "envoy")),
    );
    expect(fromProxies).toHaveLength(1);
    for (const labels of pods) expect(selects(fromProxies[0], labels)).toBe(true);
    const fromEnvoy = fromProxies[0].spec.ingress.filter((rule: Loose) => (rule.from ?? []).some((peer: Loose) => peer.podSelector?.matchLabels?.["app.kubernetes.io/name"] === "envoy"));
    expect(fromEnvoy.flatMap((rule: Loose) => rule.ports)).toEqual([{ port: 8000, protocol: "TCP" }]);
    // The proxies are those of our Gateway's namespace, in Envoy Gateway's namespace.
    expect(fromEnvoy[0].from).toContainEqual(
      expect.objectContaining({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "envoy-gateway-system" } } }),
    );
  });
});

describe("dashboards and rules in the synthesized prod stack", () => {
  test("GIVEN prod (an existing Prometheus) WHEN synthesized and rendered THEN the dashboards reach Grafana with their ${datasource} variables intact, labelled for its sidecar", async () => {
    const prod = await synth("prod");
    const release = releases(prod).find((r) => r.chart.startsWith("assets/observability-chart_"))!;
    // Terraform's escape of Grafana's variables in the values, which Terraform undoes before Helm sees them.
    expect(release.values[0]).toContain("$${datasource}");
    const objects = prod.rendered[release.name];
    const dashboards = objects.filter((o) => o.kind === "ConfigMap");
    expect(dashboards.map((d) => d.metadata.name).sort()).toEqual(["ai-factory-dashboard-aif-prod-gpus", "ai-factory-dashboard-aif-prod-models", "ai-factory-dashboard-aif-prod-teams"]);
    for (const d of dashboards) {
      expect(d.metadata.labels.grafana_dashboard).toBe("1");
      const json = Object.values(d.data as Record<string, string>)[0];
      expect(json).toContain('"uid":"${datasource}"');
      expect(json).not.toContain("$${");
      // Helm reads values as YAML 1.1, where a bare `y` key is `true`: every panel keeps its row (constructs/helm-values.ts).
      const dashboard = JSON.parse(json) as { panels: Array<{ gridPos: Record<string, number> }> };
      for (const row of dashboard.panels) expect(Object.keys(row.gridPos).sort()).toEqual(["h", "w", "x", "y"]);
    }
    const rule = objects.find((o) => o.kind === "PrometheusRule")!;
    expect(rule.metadata.labels).toMatchObject({ release: "kube-prometheus-stack" });
  });
});

describe("the gateway in dev", () => {
  test("GIVEN dev (tls: false) WHEN synthesized THEN the gateway listens on plain HTTP 80 and the policies admit clients on Envoy's container port 10080", async () => {
    const dev = await synth("dev");
    const gateway = dev.rendered["ai-gateway"].find((o) => o.kind === "Gateway")!;
    expect(gateway.spec.listeners.map((l: Loose) => [l.protocol, l.port])).toEqual([["HTTP", 80]]);
    const clients = dev.rendered["ai-factory-policies"].filter(
      (o) => o.kind === "NetworkPolicy" && (o.spec.ingress ?? []).some((r: Loose) => (r.from ?? []).some((p: Loose) => p.ipBlock?.cidr === "0.0.0.0/0")),
    );
    // Envoy Gateway adds 10000 to a listener port below 1024 (envoyproxy/gateway v1.8.3 internal/gatewayapi/listener.go).
    expect(clients.flatMap((p) => p.spec.ingress.flatMap((r: Loose) => r.ports ?? []))).toContainEqual({ port: 10080, protocol: "TCP" });
  });
});
