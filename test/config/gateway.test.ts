/**
 * The `gateway` section: what is refused, with what message, and the plan built from it.
 */
import { planCosts } from "../../planning/costs";
import { chunk, cpuMillicores, gatewayFootprint, memoryMiB, planGateway } from "../../planning/gateway";
import { renderPlanMarkdown } from "../../report/plan-markdown";
import { renderPlanTable } from "../../report/terminal";
import { envFromYaml, modelsEnvYaml, plannedFromYaml, resolveProblems } from "../helpers/env";

const POOL = "  h200: { nodes: [g1, g2], server: hgx-h200-8 }";
const MODELS = [
  "  coder: { model: qwen3-32b, pool: h200, tensorParallel: 2, maxContextTokens: 16384, apiKeySecret: { name: vllm-key } }",
  "  chat: { model: llama-3.1-8b, pool: h200, maxContextTokens: 8192 }",
].join("\n");

/** An environment with `gateway` (YAML lines under `gateway:`, indented by two). */
const withGateway = (gateway: string, extra = "") => modelsEnvYaml(POOL, MODELS, `gateway:\n${gateway}\n${extra}`);
const TEAMS = "  teams:\n    platform: { keySecret: platform-key }";
const BASE = `  hostname: ai.corp.example\n  tls: { secretName: ai-tls }\n${TEAMS}`;

describe("gateway: what is refused", () => {
  test.each<[string, string, RegExp]>([
    ["an unknown model on a team's allow-list", `  hostname: ai.corp.example\n  tls: false\n  teams:\n    platform: { keySecret: k, models: [coder, nope] }`, /^test\.yaml: gateway\.teams\.platform\.models\[1\]: unknown model "nope" \(served models: chat, coder\)$/],
    ["two limits for one window", `  hostname: ai.corp.example\n  tls: false\n  teams:\n    platform: { keySecret: k, tokenLimits: [{ tokens: 10, per: hour }, { tokens: 20, per: hour }] }`, /^test\.yaml: gateway\.teams\.platform\.tokenLimits\[1\]\.per: a second limit per hour; give each window one limit$/],
    ["the gateway in the models' namespace", `${BASE}\n  namespace: ai-models`, /^test\.yaml: gateway\.namespace: "ai-models" is also namespaces\.models; each namespace the stack creates has its own Pod Security level and policies: choose another name$/],
    ["a controller in kube-system", `${BASE}\n  controllerNamespaces: { envoyGateway: kube-system }`, /^test\.yaml: gateway\.controllerNamespaces\.envoyGateway: "kube-system" is a namespace Kubernetes itself uses/],
    ["two teams' namespaces named alike", `  hostname: a.example\n  tls: false\n  teams:\n    a: { keySecret: k, namespace: { name: shared, gpus: 1 } }\n    b: { keySecret: k, namespace: { name: shared, gpus: 1 } }`, /^test\.yaml: gateway\.teams\.b\.namespace\.name: "shared" is also gateway\.teams\.a\.namespace\.name;/],
    ["no team", "  hostname: ai.corp.example\n  tls: false\n  teams: {}", /gateway\.teams: a gateway needs at least one team: without one, no key is accepted/],
    ["an upper-case host", `  hostname: AI.corp.example\n  tls: false\n${TEAMS}`, /gateway\.hostname: must be a host name such as ai\.corp\.example/],
    ["a tenant header without x-", `${BASE}\n  tenantHeader: team`, /gateway\.tenantHeader: must be a lower-case header name starting with "x-"/],
    ["a team name with an underscore", `  hostname: a.example\n  tls: false\n  teams:\n    my_team: { keySecret: k }`, /team name must be a DNS label/],
    ["zero tokens", `  hostname: a.example\n  tls: false\n  teams:\n    t: { keySecret: k, tokenLimits: [{ tokens: 0, per: day }] }`, /gateway\.teams\.t\.tokenLimits\[0\]\.tokens: must be at least 1 \(token\)/],
    ["more tokens than Envoy Gateway can count", `  hostname: a.example\n  tls: false\n  teams:\n    t: { keySecret: k, tokenLimits: [{ tokens: 5000000000, per: day }] }`, /gateway\.teams\.t\.tokenLimits\[0\]\.tokens: must be at most 4,294,967,295 \(tokens: Envoy Gateway holds a rate limit in a 32-bit number; use a shorter window\)/],
    ["a week window", `  hostname: a.example\n  tls: false\n  teams:\n    t: { keySecret: k, tokenLimits: [{ tokens: 5, per: week }] }`, /gateway\.teams\.t\.tokenLimits\[0\]\.per:/],
    ["a ClusterIP gateway, which no client outside the cluster reaches", `${BASE}\n  serviceType: ClusterIP`, /gateway\.serviceType:/],
    ["tls: true", `  hostname: a.example\n  tls: true\n${TEAMS}`, /gateway\.tls:/],
    ["an empty allow-list", `  hostname: a.example\n  tls: false\n  teams:\n    t: { keySecret: k, models: [] }`, /must name at least one model; leave `models` out to allow every model/],
    ["a bad default CPU", `  hostname: a.example\n  tls: false\n  teams:\n    t: { keySecret: k, namespace: { gpus: 1, defaultCpu: lots } }`, /must be a CPU quantity such as "500m" or "2"/],
    ["a bad default memory", `  hostname: a.example\n  tls: false\n  teams:\n    t: { keySecret: k, namespace: { gpus: 1, defaultMemory: 1GB } }`, /must be a memory quantity such as "512Mi" or "4Gi"/],
  ])("GIVEN %s WHEN validated THEN it is refused with its reason", (_what, gateway, message) => {
    expect(resolveProblems(withGateway(gateway))).toContainEqual(expect.stringMatching(message));
  });

  test("GIVEN a gateway but no models WHEN validated THEN it asks for one", () => {
    const yaml = modelsEnvYaml(POOL, "", `gateway:\n${BASE}\n`).replace(/^models:\s*$/m, "models: {}");
    expect(resolveProblems(yaml)).toContainEqual("test.yaml: gateway: a gateway needs at least one served model behind it; add one under `models`");
  });

  test("GIVEN a bad egress CIDR for the model store WHEN validated THEN the schema names it", () => {
    const yaml = modelsEnvYaml(POOL, MODELS).replace("  source: { kind: s3,", "  egressCidrs: [10.0.0.0]\n  source: { kind: s3,");
    expect(resolveProblems(yaml).join("\n")).toMatch(/modelStore\.egressCidrs\[0\]: must be a CIDR block such as 10\.20\.0\.0\/16/);
  });
});

describe("planGateway", () => {
  const env = envFromYaml(
    withGateway(`  hostname: ai.corp.example\n  tls: false\n  teams:\n    research: { keySecret: research-key, models: [chat], tokenLimits: [{ tokens: 1000, per: minute }] }\n    platform: { keySecret: platform-key, namespace: { gpus: 2 } }`),
  );
  const plan = planGateway(env)!;

  test("GIVEN two models WHEN planned THEN each has a Backend on its Service in the models namespace, port 8000, with its vLLM key", () => {
    expect(plan.backends).toEqual([
      { model: "chat", name: "chat", host: "chat-server.ai-models.svc.cluster.local", port: 8000, teams: ["platform", "research"] },
      { model: "coder", name: "coder", host: "coder-server.ai-models.svc.cluster.local", port: 8000, apiKeySecret: { name: "vllm-key", key: "VLLM_API_KEY" }, teams: ["platform"] },
    ]);
  });

  test("GIVEN teams with and without allow-lists WHEN planned THEN each lists its models, sorted, and its namespace defaults to team-<name>", () => {
    expect(plan.teams.map((t) => [t.name, t.models, t.allModels])).toEqual([
      ["platform", ["chat", "coder"], true],
      ["research", ["chat"], false],
    ]);
    expect(plan.teams[0].namespace).toEqual({ name: "team-platform", gpus: 2, defaultCpu: "500m", defaultMemory: "1Gi" });
    expect(plan.teams[1].tokenLimits).toEqual([{ tokens: 1000, per: "minute" }]);
  });

  test("GIVEN 20 backends and 15 rules per route WHEN split THEN two routes of 15 and 5, in order", () => {
    const names = Array.from({ length: 20 }, (_, i) => `m${i}`);
    const parts = chunk(names, 15);
    expect(parts.map((p) => p.length)).toEqual([15, 5]);
    expect(parts.flat()).toEqual(names);
    expect(() => chunk(names, 0)).toThrow("chunk size must be at least 1, got 0");
  });

  test("GIVEN no gateway WHEN planned THEN there is no gateway plan", () => {
    expect(planGateway(envFromYaml(modelsEnvYaml(POOL, MODELS)))).toBeUndefined();
  });
});

describe("the gateway's footprint", () => {
  const env = envFromYaml(withGateway(`  hostname: ai.corp.example\n  tls: false\n  replicas: 3\n${TEAMS}`));
  const plan = planGateway(env)!;

  test("GIVEN quantities WHEN converted THEN millicores and MiB, and a bad one is refused", () => {
    expect([cpuMillicores("500m"), cpuMillicores("2"), cpuMillicores("0.5")]).toEqual([500, 2000, 500]);
    expect([memoryMiB("128Mi"), memoryMiB("1Gi"), memoryMiB("512Ki")]).toEqual([128, 1024, 0.5]);
    expect(() => cpuMillicores("lots")).toThrow('not a CPU quantity: "lots"');
    expect(() => memoryMiB("1GB")).toThrow('not a memory quantity in Ki, Mi, Gi or Ti: "1GB"');
  });

  test("GIVEN three Envoy replicas WHEN the footprint is added up THEN each row is its pods' requests, worked by hand", () => {
    // Envoy 500m/1Gi + shutdown manager 10m/32Mi per pod; Envoy Gateway 100m/256Mi; rate limit 100m/512Mi; Redis 100m/128Mi.
    expect(gatewayFootprint(plan).map((r) => [r.component, r.pods, r.cpuMillicores, r.memoryMiB])).toEqual([
      ["Envoy proxy", 3, 1530, 3168],
      ["Envoy Gateway controller", 1, 100, 256],
      ["rate limit service", 1, 100, 512],
      ["AI Gateway controller", 1, 0, 0],
      ["Redis", 1, 100, 128],
    ]);
  });

  test("GIVEN the gateway WHEN planned and costed THEN the plan shows the footprint and the cost summary says CPU nodes are not priced", () => {
    const { env: planned, plan: p } = plannedFromYaml(withGateway(`  hostname: ai.corp.example\n  tls: false\n  replicas: 3\n${TEAMS}`));
    const text = renderPlanTable(p, "test.yaml", null, { gateway: planGateway(planned) });
    expect(text).toMatch(/│ Total\s+│\s+│\s+7 │\s+1\.83 │\s+3\.97 │/);
    const md = renderPlanMarkdown(p, "test.yaml", null, planGateway(planned));
    expect(md).toContain("http://ai.corp.example/v1: 1 team, 2 models in 1 route (plain HTTP: keys cross the network in clear).");
    expect(md).toContain("which the cost summary does not price (it counts the GPU servers): 1.83 vCPU and 3.97 GiB requested.");
    const { costs } = planCosts(planned, p);
    expect(costs.summary.assumptions).toContainEqual(
      expect.objectContaining({ key: "gateway.footprint", label: "Gateway (CPU nodes, not priced)", value: "1.83 vCPU, 3.97 GiB" }),
    );
  });
});

describe("demand: a time-to-first-token target", () => {
  test("GIVEN a target of 0 or over 600 s WHEN validated THEN each is refused with its bound", () => {
    const withTarget = (t: number) => modelsEnvYaml(POOL, `  chat: { model: llama-3.1-8b, pool: h200, maxContextTokens: 8192, demand: { tokensPerDay: 1000, maxSecondsToFirstToken: ${t} } }`);
    expect(resolveProblems(withTarget(0)).join("\n")).toMatch(/models\.chat\.demand\.maxSecondsToFirstToken: must be more than 0/);
    expect(resolveProblems(withTarget(601)).join("\n")).toMatch(
      /models\.chat\.demand\.maxSecondsToFirstToken: must be at most 600 \(seconds to the first token; a slower target is no latency target\)/,
    );
  });
});
