/**
 * The ai-factory-policies chart with the values of every example environment: the real Helm binary
 * lints and renders them, every rendered object passes the Kubernetes schema and is the value it
 * was given, verbatim. Also: the values schema is the committed values.schema.json, and the labels
 * the policies select on are the labels the stack's pods carry.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { App, Testing } from "cdktf";
import { parse } from "yaml";

import { loadAndPlan } from "../../cli/load";
import { buildApp, selectEnvironmentFiles } from "../../cli/synth";
import type { ResolvedEnvironment } from "../../config/resolve";
import { POLICIES_CHART, policiesInput, policiesValues, policiesValuesJsonSchema, policiesValuesYaml, type PoliciesValuesInput } from "../../constructs/policies-values";
import { planGateway } from "../../planning/gateway";
import { MODEL_SERVER_POD_LABELS, PREFETCH_JOB_NAMES, PREFETCH_POD_LABELS } from "../../planning/network";
import { planEnvironment } from "../../planning/plan";
import { renderChartSchema } from "../../scripts/gen-chart-schema";
import { envFromYaml } from "../helpers/env";
import { findObject, helmLint, helmTemplate, type RenderedObject } from "../helpers/helm";
import { validateK8sObjects } from "../helpers/k8s-validate";
import { REPO } from "../helpers/run";

const CHART = path.join("charts", POLICIES_CHART);
const EXAMPLES = ["dev", "prod", "staging"] as const;

function example(name: string): ResolvedEnvironment {
  return envFromYaml(readFileSync(path.join(REPO, "environments", `${name}.yaml`), "utf8"));
}

function inputOf(name: string): PoliciesValuesInput {
  const env = example(name);
  return policiesInput(env, planEnvironment(env).plan, planGateway(env));
}

const key = (o: { metadata: { namespace?: string; name: string } }) => `${o.metadata.namespace}/${o.metadata.name}`;

describe("ai-factory-policies values schema", () => {
  test("GIVEN the zod schema WHEN rendered THEN it is the committed values.schema.json (regenerate with policiesValuesJsonSchema)", () => {
    expect(readFileSync(path.join(REPO, CHART, "values.schema.json"), "utf8")).toBe(renderChartSchema(policiesValuesJsonSchema()));
  });

  test("GIVEN the schema WHEN read THEN every object in it refuses unknown keys", () => {
    const objects: Record<string, unknown>[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node !== null && typeof node === "object") {
        const o = node as Record<string, unknown>;
        if (o.type === "object" && o.properties !== undefined) objects.push(o);
        Object.values(o).forEach(walk);
      }
    };
    walk(policiesValuesJsonSchema());
    expect(objects.length).toBeGreaterThan(10);
    for (const o of objects) expect(o.additionalProperties).toBe(false);
  });
});

describe.each(EXAMPLES)("ai-factory-policies chart with %s's values", (name) => {
  const values = policiesValues(inputOf(name));
  let objects: RenderedObject[];

  beforeAll(() => {
    objects = helmTemplate(CHART, values, { releaseName: "ai-factory-policies", namespace: "ai-models" });
  });

  test("WHEN linted with --strict THEN Helm accepts it", () => {
    expect(() => helmLint(CHART, values)).not.toThrow();
  });

  test("WHEN rendered THEN every object passes the Kubernetes schema", () => {
    expect(() => validateK8sObjects(objects)).not.toThrow();
  });

  test("WHEN rendered THEN the objects are the values, verbatim, and nothing else", () => {
    // Helm orders a release's manifests by kind (NetworkPolicy, ResourceQuota, LimitRange), then as rendered.
    const byKindAndKey = (os: readonly { kind: string; metadata: { namespace?: string; name: string } }[]) =>
      [...os].sort((a, b) => (`${a.kind} ${key(a)}` < `${b.kind} ${key(b)}` ? -1 : 1));
    const given = [...Object.values(values.limitRanges), ...Object.values(values.networkPolicies), ...Object.values(values.resourceQuotas)];
    expect(byKindAndKey(objects)).toEqual(byKindAndKey(given));
    for (const [k, p] of Object.entries(values.networkPolicies)) expect(key(p)).toBe(k);
  });

  test("WHEN rendered THEN every namespace with a policy has its default-deny-ingress", () => {
    const namespaces = new Set(objects.filter((o) => o.kind === "NetworkPolicy").map((o) => o.metadata.namespace));
    for (const ns of namespaces) expect(findObject(objects.filter((o) => o.metadata.namespace === ns), "NetworkPolicy", "default-deny-ingress").spec).toEqual({ podSelector: {}, policyTypes: ["Ingress"] });
  });
});

describe("ai-factory-policies chart", () => {
  test("GIVEN prod WHEN rendered THEN team-documents gets its GPU quota and container defaults", () => {
    const objects = helmTemplate(CHART, policiesValues(inputOf("prod")));
    expect(findObject(objects, "ResourceQuota").spec).toEqual({ hard: { "requests.nvidia.com/gpu": "0" } });
    expect(findObject(objects, "LimitRange").metadata.namespace).toBe("team-documents");
    expect(objects.filter((o) => o.metadata.namespace === "team-documents").map((o) => o.kind).sort()).toEqual(["LimitRange", "NetworkPolicy", "ResourceQuota"]);
  });

  test("GIVEN the chart's defaults WHEN linted and rendered THEN it is valid and renders nothing", () => {
    expect(() => helmLint(CHART)).not.toThrow();
    expect(helmTemplate(CHART)).toEqual([]);
  });

  test("GIVEN the values YAML WHEN parsed THEN it is the values (what helm_release receives)", () => {
    const input = inputOf("staging");
    expect(parse(policiesValuesYaml(input))).toEqual(policiesValues(input));
  });

  test("throws when a key is not the object's namespace/name", () => {
    const values = policiesValues(inputOf("dev"));
    const policy = values.networkPolicies["ai-models/default-deny-ingress"];
    expect(() => helmTemplate(CHART, { networkPolicies: { "ai-models/deny": policy } })).toThrow(
      'ai-factory-policies values: networkPolicies["ai-models/deny"]: the key must be <namespace>/<name> of its object, got "ai-models/deny" for ai-models/default-deny-ingress; set the key to "ai-models/default-deny-ingress"',
    );
  });

  test("throws when a value has an unknown key", () => {
    expect(() => helmTemplate(CHART, { networkPolicys: {} })).toThrow("Additional property networkPolicys is not allowed");
  });

  test("throws when a policy names a port by name (the synth-time check cannot resolve it)", () => {
    const values = policiesValues(inputOf("prod"));
    const redis = structuredClone(values.networkPolicies["ai-gateway/ingress-redis"]) as unknown as { spec: { ingress: { ports: { port: unknown }[] }[] } };
    redis.spec.ingress[0].ports[0].port = "redis";
    expect(() => helmTemplate(CHART, { networkPolicies: { "ai-gateway/ingress-redis": redis } })).toThrow(/port: Invalid type. Expected: integer, given: string/);
  });
});

describe("policiesValues", () => {
  test("throws when the policies do not allow exactly the flows, listing the problems", () => {
    const input = inputOf("prod");
    const broken: PoliciesValuesInput = { ...input, network: { ...input.network, modelStore: { sourceUrl: "https://s3.example", egressCidrs: ["10.0.0.0/33"] } } };
    expect(() => policiesValues(broken)).toThrow(/^policies: the network policies do not match the flows:\n- policy ai-models\/egress-prefetch: egress\[0\]: invalid CIDR "10\.0\.0\.0\/33"/);
  });

  test("throws when a team namespace is missing from the network input", () => {
    const input = inputOf("prod");
    expect(() => policiesValues({ ...input, network: { ...input.network, teamNamespaces: [] } })).toThrow(
      "policies: team namespaces team-documents are not in the network input's teamNamespaces; build both from the same gateway plan",
    );
  });
});

describe("the policies select the labels the stack's pods carry", () => {
  // Synthesized exactly as `npx cdktf synth` does, from the example environments.
  const stacks = (() => {
    const cwd = process.cwd();
    process.chdir(REPO);
    try {
      const planned = loadAndPlan(selectEnvironmentFiles(undefined));
      return buildApp(Testing.app() as App, planned).map((s) => ({ id: s.node.id, json: JSON.parse(Testing.synth(s)) as Json }));
    } finally {
      process.chdir(cwd);
    }
  })();
  type Json = { resource: Record<string, Record<string, any>> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  const matches = (selector: Readonly<Record<string, string>>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

  test.each(stacks.map((s) => [s.id, s.json] as const))("GIVEN %s WHEN its prefetch Jobs are synthesized THEN their pods carry the prefetch selector's labels", (_, json) => {
    const jobs = Object.values(json.resource.kubernetes_job_v1 ?? {});
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      const labels = job.spec.template.metadata.labels as Record<string, string>;
      expect(matches(PREFETCH_POD_LABELS, labels)).toBe(true);
      expect(Object.values(PREFETCH_JOB_NAMES)).toContain(labels["app.kubernetes.io/name"]);
    }
  });

  test.each(stacks.map((s) => [s.id, s.json] as const))("GIVEN %s WHEN its model servers are rendered THEN their pods carry the model-server selector's labels", (_, json) => {
    const releases = Object.values(json.resource.helm_release ?? {}).filter((r: { chart: string }) => r.chart.startsWith("assets/"));
    const servers = releases.filter((r: { values: string[] }) => (parse(r.values[0]) as { servedModelName?: string }).servedModelName !== undefined);
    expect(servers.length).toBeGreaterThan(0);
    for (const r of servers) {
      const objects = helmTemplate(path.join("charts", "model-server"), parse(r.values[0]), { releaseName: r.name, namespace: r.namespace });
      const deployment = findObject<{ spec: { template: { metadata: { labels: Record<string, string> } } } }>(objects, "Deployment");
      expect(matches(MODEL_SERVER_POD_LABELS, deployment.spec.template.metadata.labels)).toBe(true);
    }
  });
});
