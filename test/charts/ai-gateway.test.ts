/**
 * The ai-gateway chart with the values of every example environment's gateway, built exactly as the
 * stack builds them (planGateway → gatewayChartValues): the real Helm lints and renders it, every
 * Envoy Gateway / AI Gateway object passes its pinned CRD schema, core objects pass the Kubernetes
 * schema, and the CEL rules and mechanisms the gateway relies on are asserted one by one.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

import { AI_GATEWAY_INTEGRATION, ENVOY_GATEWAY, REDIS } from "../../catalog/upstream";
import { loadEnvironmentFiles } from "../../config/loader";
import type { ResolvedEnvironment } from "../../config/resolve";
import { gatewayChartValues } from "../../constructs/gateway-chart-values";
import {
  GATEWAY_LLM_REQUEST_COSTS,
  MAX_TOKENS_PER_WINDOW,
  allowedTeamsRegex,
  gatewayChartValuesJsonSchema,
  gatewayChartValuesSchema,
  redisUrl,
  type GatewayChartValues,
} from "../../constructs/gateway-chart-values-schema";
import { REDIS_POD_LABELS } from "../../planning/network";
import { chunk, planGateway, type GatewayBackend, type GatewayPlan } from "../../planning/gateway";
import { CHART_SCHEMAS, renderChartSchema } from "../../scripts/gen-chart-schema";
import { VENDORED_SCHEMAS, validateCustomResource } from "../helpers/crd-validate";
import { findObject, HelmError, helmLint, helmTemplate, type RenderedObject } from "../helpers/helm";
import { validateK8sObject } from "../helpers/k8s-validate";
import { REPO } from "../helpers/run";

const CHART = "charts/ai-gateway";
const EG = "gateway.envoyproxy.io/v1alpha1";
const AIGW = "aigateway.envoyproxy.io/v1beta1";
const GWAPI = "gateway.networking.k8s.io/v1";
const MODEL_HEADER = AI_GATEWAY_INTEGRATION.modelHeader;

// --- Helpers ---------------------------------------------------------------------------------

function loadEnv(name: string): ResolvedEnvironment {
  return loadEnvironmentFiles([`environments/${name}.yaml`], REPO)[0];
}

interface Rendered {
  readonly plan: GatewayPlan;
  readonly values: GatewayChartValues;
  readonly objects: RenderedObject[];
}

function renderPlan(plan: GatewayPlan, values: GatewayChartValues): RenderedObject[] {
  return helmTemplate(CHART, values, { releaseName: "ai-gateway", namespace: plan.namespace });
}

function renderEnv(name: string): Rendered {
  const env = loadEnv(name);
  const plan = planGateway(env);
  if (plan === undefined) throw new Error(`environments/${name}.yaml has no gateway`);
  const values = gatewayChartValues(plan, env.config.mirror);
  return { plan, values, objects: renderPlan(plan, values) };
}

/** A rendered object whose spec the tests read freely (its schema was checked by validateAll). */
type Loose = RenderedObject & { spec: any };

const kindsOf = (objects: readonly RenderedObject[], apiVersion: string, kind: string) =>
  objects.filter((o) => o.apiVersion === apiVersion && o.kind === kind) as Loose[];

/**
 * Gateway API objects against `@kubernetes-models/gateway-api` (0.5.1, the last CommonJS release;
 * 2.x is ESM-only, like kubernetes-models 5.x), and their metadata against the Kubernetes rules.
 */
function validateGatewayApi(object: RenderedObject): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(`@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/${object.kind}`) as Record<string, new (data: unknown) => { validate(): void }>;
  new mod[object.kind](object).validate();
  validateK8sObject(object, { customResources: [`${GWAPI}/${object.kind}`] });
}

/** Validates every object against the schema of its kind; returns the kinds seen, sorted. */
function validateAll(objects: readonly RenderedObject[]): string[] {
  for (const o of objects) {
    const key = `${o.apiVersion}/${o.kind}`;
    if (o.apiVersion === GWAPI) {
      validateGatewayApi(o);
    } else if (o.apiVersion === EG || o.apiVersion === AIGW) {
      expect(VENDORED_SCHEMAS.has(key)).toBe(true);
      expect(validateCustomResource(o)).toEqual([]);
      validateK8sObject(o, { customResources: [key] });
    } else {
      validateK8sObject(o);
    }
  }
  return [...new Set(objects.map((o) => o.kind))].sort();
}

/** Does a rule's header match let a request of `team` for `model` through? (as Envoy: exact, and regex full match) */
function ruleAdmits(rule: Loose["spec"], model: string, team: string, tenantHeader: string): boolean {
  return (rule.matches as Array<{ headers: Array<{ type: string; name: string; value: string }> }>).some((m) =>
    m.headers.every((h) => {
      const value = h.name === MODEL_HEADER ? model : h.name === tenantHeader ? team : undefined;
      if (value === undefined) return false;
      return h.type === "Exact" ? h.value === value : new RegExp(`^(?:${h.value})$`).test(value);
    }),
  );
}

/** Every model a team reaches through the rendered AIGatewayRoutes. */
function reachable(objects: readonly RenderedObject[], plan: GatewayPlan, team: string): string[] {
  const rules = kindsOf(objects, AIGW, "AIGatewayRoute").flatMap((r) => r.spec.rules);
  return plan.backends.filter((b) => rules.some((rule) => ruleAdmits(rule, b.model, team, plan.tenantHeader))).map((b) => b.model);
}

function helmRefusal(values: unknown): string {
  try {
    helmTemplate(CHART, values, { releaseName: "ai-gateway", namespace: "ai-gateway" });
  } catch (error) {
    expect(error).toBeInstanceOf(HelmError);
    return (error as Error).message;
  }
  throw new Error("expected helm template to fail, but it rendered");
}

function zodRefusal(values: unknown): string[] {
  const result = gatewayChartValuesSchema.safeParse(values);
  if (result.success) throw new Error("expected the values to be refused");
  return result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

const RENDERED: Record<string, Rendered> = Object.fromEntries(["dev", "staging", "prod"].map((e) => [e, renderEnv(e)]));

// --- Every example environment ---------------------------------------------------------------

describe.each(["dev", "staging", "prod"])("ai-gateway chart with environments/%s.yaml", (name) => {
  const { plan, values, objects } = RENDERED[name];

  test("GIVEN its values WHEN linted strictly THEN Helm reports nothing", () => {
    expect(() => helmLint(CHART, values)).not.toThrow();
  });

  test("GIVEN its objects WHEN validated THEN every one passes its schema (Gateway API, pinned CRDs, Kubernetes)", () => {
    const kinds = validateAll(objects);
    expect(kinds).toEqual(
      expect.arrayContaining(["AIGatewayRoute", "AIServiceBackend", "Backend", "ClientTrafficPolicy", "Deployment", "EnvoyProxy", "Gateway", "GatewayClass", "SecurityPolicy", "Service"]),
    );
  });

  test("GIVEN its objects WHEN read THEN each is labelled as Helm-managed and part of ai-factory, in the gateway namespace", () => {
    for (const o of objects) {
      const labels = o.metadata.labels as Record<string, string>;
      expect({ kind: o.kind, managedBy: labels["app.kubernetes.io/managed-by"], partOf: labels["app.kubernetes.io/part-of"] }).toEqual({
        kind: o.kind,
        managedBy: "Helm",
        partOf: "ai-factory",
      });
      expect(o.metadata.namespace).toBe(o.kind === "GatewayClass" ? undefined : plan.namespace);
    }
  });

  test("GIVEN the AIServiceBackends WHEN checked against their CEL rule THEN each points at an Envoy Gateway Backend, never a Service", () => {
    const backends = kindsOf(objects, AIGW, "AIServiceBackend");
    expect(backends.map((b) => b.metadata.name).sort()).toEqual(plan.backends.map((b) => b.name).sort());
    for (const b of backends) {
      expect(b.spec.backendRef).toEqual({ group: "gateway.envoyproxy.io", kind: "Backend", name: b.metadata.name });
      expect(b.spec.schema).toEqual({ name: "OpenAI" });
      const backend = findObject<{ spec: unknown }>(objects, "Backend", b.metadata.name);
      const planned = plan.backends.find((p) => p.name === b.metadata.name)!;
      expect(backend.spec).toEqual({ endpoints: [{ fqdn: { hostname: planned.host, port: planned.port } }] });
    }
  });

  test("GIVEN the AIGatewayRoutes WHEN checked THEN each has at most 15 uniquely named rules, matches the model header exactly and records the four token counts", () => {
    const routes = kindsOf(objects, AIGW, "AIGatewayRoute");
    expect(routes.map((r) => r.metadata.name)).toEqual(plan.routes.map((r) => r.name));
    for (const r of routes) {
      expect(r.spec.rules.length).toBeLessThanOrEqual(AI_GATEWAY_INTEGRATION.maxRulesPerRoute);
      const names = r.spec.rules.map((rule: { name: string }) => rule.name);
      expect(new Set(names).size).toBe(names.length);
      expect(names).not.toContain("route-not-found");
      expect(r.spec.parentRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "Gateway", name: values.gatewayName }]);
      expect(r.spec.llmRequestCosts).toEqual(GATEWAY_LLM_REQUEST_COSTS);
      for (const rule of r.spec.rules) {
        const backend = plan.backends.find((b) => b.name === rule.name)!;
        expect(rule.backendRefs).toEqual([{ name: backend.name }]);
        expect(rule.matches[0].headers[0]).toEqual({ type: "Exact", name: MODEL_HEADER, value: backend.model });
      }
    }
    expect(routes.flatMap((r) => r.spec.llmRequestCosts.filter((c: { type: string }) => c.type === "TotalToken").map((c: { metadataKey: string }) => c.metadataKey))).toEqual(
      routes.map(() => "llm_total_token"),
    );
  });

  test("GIVEN the SecurityPolicy WHEN read THEN it takes every team's key from the Authorization header on the whole Gateway, forwards the team and drops the key", () => {
    const [policy] = kindsOf(objects, EG, "SecurityPolicy");
    expect(policy.spec.targetRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "Gateway", name: values.gatewayName }]);
    expect(policy.spec.apiKeyAuth).toEqual({
      credentialRefs: [...new Set(plan.teams.map((t) => t.keySecret))].sort().map((name) => ({ group: "", kind: "Secret", name })),
      extractFrom: [{ headers: ["authorization"] }],
      forwardClientIDHeader: plan.tenantHeader,
      sanitize: true,
    });
  });

  test("GIVEN the ClientTrafficPolicy WHEN read THEN a client's own tenant header is removed before routing", () => {
    const [policy] = kindsOf(objects, EG, "ClientTrafficPolicy");
    expect(policy.spec.targetRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "Gateway", name: values.gatewayName }]);
    expect(policy.spec.headers).toEqual({ earlyRequestHeaders: { remove: [plan.tenantHeader] } });
  });

  test("GIVEN the EnvoyProxy and GatewayClass WHEN read THEN the class points at the EnvoyProxy, which runs the pinned Envoy with the planned replicas", () => {
    const proxy = findObject<Loose>(objects, "EnvoyProxy");
    const mirror = loadEnv(name).config.mirror;
    const envoy = ENVOY_GATEWAY.images.envoyProxy;
    const deployment = proxy.spec.provider.kubernetes.envoyDeployment;
    expect(deployment.container.image).toBe(`${mirror ? `${mirror.registry}/` : ""}${envoy.repository}:${envoy.tag}`);
    expect(deployment.replicas).toBe(plan.replicas);
    expect(deployment.pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    const gatewayClass = findObject<{ spec: unknown }>(objects, "GatewayClass");
    expect(gatewayClass.spec).toEqual({
      controllerName: "gateway.envoyproxy.io/gatewayclass-controller",
      parametersRef: { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: values.gatewayName, namespace: plan.namespace },
    });
  });

  test("GIVEN Redis WHEN read THEN one non-root replica of the pinned image with a read-only root and a writable /data serves `redis` on 6379", () => {
    const mirror = loadEnv(name).config.mirror;
    const deployment = findObject<Loose>(objects, "Deployment", "redis");
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(deployment.spec.replicas).toBe(1);
    expect(container.image).toBe(`${mirror ? `${mirror.registry}/` : ""}${REDIS.image.repository}:${REDIS.image.tag}`);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container.volumeMounts).toEqual([{ name: "data", mountPath: "/data" }]);
    expect(pod.volumes).toEqual([{ name: "data", emptyDir: {} }]);
    expect(container.resources.requests).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
    const service = findObject<Loose>(objects, "Service", "redis");
    expect(service.spec.ports).toEqual([{ name: "redis", port: 6379, targetPort: "redis", protocol: "TCP" }]);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(redisUrl(plan.namespace)).toBe(`redis.${plan.namespace}.svc.cluster.local:6379`);
    // The network policy lets the rate limit service reach the pods with these labels, and nothing else.
    expect(deployment.spec.template.metadata.labels).toMatchObject(REDIS_POD_LABELS);
  });

  test("GIVEN the output WHEN searched THEN it holds no Secret and no key material, only Secret names", () => {
    expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
    for (const o of objects) {
      expect({ kind: o.kind, data: (o as { data?: unknown }).data, stringData: (o as { stringData?: unknown }).stringData }).toEqual({ kind: o.kind, data: undefined, stringData: undefined });
    }
    const text = JSON.stringify(objects);
    expect(text).not.toMatch(/Bearer\s/);
    expect(text).not.toMatch(/"(apiKey|key|password|token)"\s*:\s*"[^"]{16,}"/);
  });

  test("GIVEN the same plan WHEN rendered twice THEN the output is identical", () => {
    expect(JSON.stringify(renderPlan(plan, values))).toBe(JSON.stringify(objects));
  });
});

// --- prod ------------------------------------------------------------------------------------

describe("ai-gateway chart: prod", () => {
  const { plan, objects } = RENDERED.prod;

  test("GIVEN prod's token budgets WHEN rendered THEN one shared global rule per team and window, costing the response's total tokens", () => {
    // environments/prod.yaml, by hand: assistant 2,000,000/minute and 150,000,000/day; developers
    // 3,000,000,000/day; documents 600,000,000/day.
    const expected: Array<[string, number, string]> = [
      ["assistant", 2_000_000, "Minute"],
      ["assistant", 150_000_000, "Day"],
      ["developers", 3_000_000_000, "Day"],
      ["documents", 600_000_000, "Day"],
    ];
    const [policy] = kindsOf(objects, EG, "BackendTrafficPolicy");
    expect(policy.spec.targetRefs).toEqual([{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "ai-factory" }]);
    expect(policy.spec.rateLimit).toEqual({
      global: {
        rules: expected.map(([team, tokens, unit]) => ({
          clientSelectors: [{ headers: [{ name: "x-ai-factory-team", type: "Exact", value: team }] }],
          limit: { requests: tokens, unit },
          cost: {
            request: { from: "Number", number: 0 },
            response: { from: "Metadata", metadata: { namespace: "io.envoy.ai_gateway", key: "llm_total_token" } },
          },
          shared: true,
        })),
      },
    });
  });

  test("GIVEN the assistant team's allow-list WHEN its requests are matched against the routes THEN it reaches llama-3.3-70b only", () => {
    expect(reachable(objects, plan, "assistant")).toEqual(["llama-3.3-70b"]);
    expect(reachable(objects, plan, "documents")).toEqual(["gpt-oss-120b"]);
    expect(reachable(objects, plan, "developers")).toEqual(plan.backends.map((b) => b.model));
    // Without the tenant header (a client's own is removed early), no allow-listed rule matches.
    expect(reachable(objects, plan, "")).toEqual([]);
    const llama = kindsOf(objects, AIGW, "AIGatewayRoute").flatMap((r) => r.spec.rules).find((rule) => rule.name === "llama-3-3-70b");
    expect(llama.matches).toEqual([
      {
        headers: [
          { type: "Exact", name: MODEL_HEADER, value: "llama-3.3-70b" },
          { type: "RegularExpression", name: "x-ai-factory-team", value: "^(assistant|developers)$" },
        ],
      },
    ]);
  });

  test("GIVEN models whose vLLM requires a key WHEN rendered THEN each AIServiceBackend has one APIKey BackendSecurityPolicy naming the Secret, and nothing else", () => {
    const policies = kindsOf(objects, AIGW, "BackendSecurityPolicy");
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(plan.backends.map((b) => `${b.name}-upstream-key`).sort());
    for (const p of policies) {
      const backend = plan.backends.find((b) => `${b.name}-upstream-key` === p.metadata.name)!;
      // The CEL rules of the CRD: type APIKey sets only apiKey; targets are AIServiceBackends.
      expect(p.spec).toEqual({
        targetRefs: [{ group: "aigateway.envoyproxy.io", kind: "AIServiceBackend", name: backend.name }],
        type: "APIKey",
        apiKey: { secretRef: { group: "", kind: "Secret", name: backend.apiKeySecret!.name } },
      });
    }
  });

  test("GIVEN TLS WHEN rendered THEN one HTTPS listener on 443 for the host name terminates with the named certificate", () => {
    const gateway = findObject<{ spec: unknown }>(objects, "Gateway");
    expect(gateway.spec).toEqual({
      gatewayClassName: "ai-factory",
      listeners: [
        { name: "https", protocol: "HTTPS", port: 443, hostname: "ai.corp.example", tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: "ai-gateway-tls" }] } },
      ],
    });
  });
});

// --- dev -------------------------------------------------------------------------------------

describe("ai-gateway chart: dev", () => {
  const { plan, objects } = RENDERED.dev;

  test("GIVEN tls: false WHEN rendered THEN one plain HTTP listener on 80 and no certificate", () => {
    const gateway = findObject<{ spec: { listeners: unknown[] } }>(objects, "Gateway");
    expect(gateway.spec.listeners).toEqual([{ name: "http", protocol: "HTTP", port: 80, hostname: "ai.dev.corp.example" }]);
    expect(JSON.stringify(objects)).not.toContain("certificateRefs");
  });

  test("GIVEN one team without budgets or allow-list WHEN rendered THEN no rate limit policy, no upstream key and no tenant match", () => {
    expect(kindsOf(objects, EG, "BackendTrafficPolicy")).toEqual([]);
    expect(kindsOf(objects, AIGW, "BackendSecurityPolicy")).toEqual([]);
    const rules = kindsOf(objects, AIGW, "AIGatewayRoute").flatMap((r) => r.spec.rules);
    for (const rule of rules) expect(rule.matches).toEqual([{ headers: [{ type: "Exact", name: MODEL_HEADER, value: plan.backends.find((b) => b.name === rule.name)!.model }] }]);
    expect(reachable(objects, plan, "engineers")).toEqual(["llama-3.1-8b"]);
  });
});

// --- Many models -----------------------------------------------------------------------------

describe("ai-gateway chart: more models than one route holds", () => {
  const backends: GatewayBackend[] = Array.from({ length: 20 }, (_, i) => {
    const name = `model-${String(i).padStart(2, "0")}`;
    return { model: name, name, host: `${name}-server.ai-models.svc.cluster.local`, port: 8000, teams: i % 2 === 0 ? ["a", "b"] : ["a"] };
  });
  const plan: GatewayPlan = {
    hostname: "ai.example.com",
    tls: { secretName: "tls" },
    namespace: "ai-gateway",
    controllerNamespaces: { envoyGateway: "envoy-gateway-system", aiGateway: "envoy-ai-gateway-system" },
    replicas: 2,
    serviceType: "NodePort",
    tenantHeader: "x-ai-factory-team",
    modelsNamespace: "ai-models",
    backends,
    // Split as planGateway splits.
    routes: chunk(
      backends.map((b) => b.name),
      AI_GATEWAY_INTEGRATION.maxRulesPerRoute,
    ).map((names, i) => ({ name: `ai-factory-${i + 1}`, backends: names })),
    teams: [
      { name: "a", keySecret: "a-key", models: backends.map((b) => b.model), allModels: true, tokenLimits: [] },
      { name: "b", keySecret: "b-key", models: backends.filter((_, i) => i % 2 === 0).map((b) => b.model), allModels: false, tokenLimits: [{ tokens: 100, per: "hour" }] },
    ],
  };
  const values = gatewayChartValues(plan);
  const objects = renderPlan(plan, values);

  test("GIVEN 20 models WHEN rendered THEN two AIGatewayRoutes of 15 and 5 rules, every one valid", () => {
    const routes = kindsOf(objects, AIGW, "AIGatewayRoute");
    expect(routes.map((r) => [r.metadata.name, r.spec.rules.length])).toEqual([
      ["ai-factory-1", 15],
      ["ai-factory-2", 5],
    ]);
    validateAll(objects);
    expect(reachable(objects, plan, "b")).toEqual(backends.filter((_, i) => i % 2 === 0).map((b) => b.model));
    expect(reachable(objects, plan, "a")).toEqual(backends.map((b) => b.model));
  });

  test("GIVEN serviceType NodePort WHEN rendered THEN the EnvoyProxy asks Envoy Gateway for a NodePort Service, and the examples keep a LoadBalancer", () => {
    const [proxy] = kindsOf(objects, EG, "EnvoyProxy");
    expect(proxy.spec.provider.kubernetes.envoyService).toEqual({ type: "NodePort" });
    const [prodProxy] = kindsOf(RENDERED.prod.objects, EG, "EnvoyProxy");
    expect(prodProxy.spec.provider.kubernetes.envoyService).toEqual({ type: "LoadBalancer" });
  });

  test("GIVEN a model no team may call WHEN the values are built THEN it gets no rule, and a route left empty is dropped", () => {
    const closed = { ...plan, backends: plan.backends.map((b, i) => (i >= 15 ? { ...b, teams: [] } : b)) };
    const v = gatewayChartValues(closed);
    expect(Object.keys(v.routes)).toEqual(["ai-factory-1"]);
    expect(Object.keys(v.backends)).toHaveLength(15);
  });
});

// --- Refusals: zod and the chart agree -------------------------------------------------------

describe("ai-gateway chart: what is refused", () => {
  const base = RENDERED.staging.values;
  const patch = (p: Partial<GatewayChartValues>): GatewayChartValues => ({ ...base, ...p });

  test.each<[string, GatewayChartValues, string]>([
    ["no team", patch({ teams: {} }), "teams: a gateway without teams accepts no key; set teams.<name>.keySecret"],
    ["a route naming an unknown backend", patch({ routes: { "ai-factory-1": { backends: ["gpt-oss-20b", "qwen3-30b-a3b", "nope"] } } }), 'routes.ai-factory-1.backends.2: unknown backend "nope" (backends: gpt-oss-20b, qwen3-30b-a3b)'],
    ["a backend in no route", patch({ routes: { "ai-factory-1": { backends: ["gpt-oss-20b"] } } }), "backends.qwen3-30b-a3b: is in no route, so no request reaches it; add it to routes.<name>.backends"],
    ["an allow-list naming an unknown team", patch({ backends: { ...base.backends, "gpt-oss-20b": { ...base.backends["gpt-oss-20b"], allowedTeams: ["ghost"] } } }), 'backends.gpt-oss-20b.allowedTeams.0: unknown team "ghost" (teams: platform)'],
  ])("throws when %s, in zod and in the chart alike", (_what, values, message) => {
    expect(zodRefusal(values)).toContain(message);
    // Helm spells list indexes as [i].
    expect(helmRefusal(values)).toContain(`ai-gateway values: ${message.replace(/\.([0-9]+):/, "[$1]:")}`);
  });

  test("throws when a budget exceeds what Envoy Gateway's uint32 limit holds", () => {
    const values = patch({ teams: { platform: { keySecret: "k", tokenLimits: [{ tokens: MAX_TOKENS_PER_WINDOW + 1, unit: "Day" }] } } });
    expect(zodRefusal(values)).toEqual([
      `teams.platform.tokenLimits.0.tokens: tokens must be at most ${MAX_TOKENS_PER_WINDOW} (Envoy Gateway's limit.requests is a uint32), got 4294967296; use a shorter window`,
    ]);
    expect(helmRefusal(values)).toContain("values don't meet the specifications of the schema");
  });

  test("throws when a route holds 16 rules", () => {
    const names = Array.from({ length: 16 }, (_, i) => `m${i}`);
    const values = patch({
      backends: Object.fromEntries(names.map((n) => [n, { model: n, host: `${n}.ns.svc.cluster.local`, port: 8000, allowedTeams: null, upstreamApiKeySecret: null }])),
      routes: { r: { backends: names } },
    });
    expect(zodRefusal(values).join("\n")).toMatch(/^routes\.r\.backends: Too big: expected array to have <=15 items/);
    expect(helmRefusal(values)).toContain("values don't meet the specifications of the schema");
  });

  test("allowedTeamsRegex matches exactly one of the teams, never a prefix", () => {
    const re = new RegExp(allowedTeamsRegex(["developers", "assistant"]));
    expect(allowedTeamsRegex(["developers", "assistant"])).toBe("^(assistant|developers)$");
    expect(["assistant", "developers"].map((t) => re.test(t))).toEqual([true, true]);
    expect(["dev", "assistants", "xassistant", ""].map((t) => re.test(t))).toEqual([false, false, false, false]);
  });
});

// --- Files kept in step ----------------------------------------------------------------------

describe("ai-gateway chart: generated and documented files", () => {
  test("values.schema.json is the one generated from constructs/gateway-chart-values-schema.ts", () => {
    const entry = CHART_SCHEMAS.find((s) => s.path === `${CHART}/values.schema.json`);
    expect(entry).toBeDefined();
    const committed = readFileSync(join(REPO, CHART, "values.schema.json"), "utf8");
    if (committed !== renderChartSchema(gatewayChartValuesJsonSchema())) {
      throw new Error(`${CHART}/values.schema.json is out of date with constructs/gateway-chart-values-schema.ts; run \`npx tsx scripts/gen-chart-schema.ts\` and commit the result`);
    }
  });

  test("values.yaml documents every key with a `# --` comment, and its defaults are the zod defaults", () => {
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
    const defaults = parse(text) as Record<string, unknown>;
    const parsed = gatewayChartValuesSchema.parse({ ...defaults, ...RENDERED.dev.values, tls: defaults.tls, envoyProxy: undefined, redis: undefined });
    expect({ tls: parsed.tls, envoyProxy: parsed.envoyProxy, redis: parsed.redis }).toEqual({ tls: defaults.tls, envoyProxy: defaults.envoyProxy, redis: defaults.redis });
    const scalars = ["gatewayClassName", "gatewayName", "tenantHeader", "requestBufferLimit", "requestTimeout"] as const;
    const fromZod = gatewayChartValuesSchema.parse({ ...RENDERED.dev.values, ...Object.fromEntries(scalars.map((k) => [k, undefined])) });
    for (const k of scalars) expect([k, fromZod[k]]).toEqual([k, defaults[k]]);
  });
});
