import * as fs from "node:fs";
import * as path from "node:path";

import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";

import { findServer } from "../../catalog";
import { KNOWN_METRICS } from "../../catalog/metrics";
import { planCosts } from "../../planning/costs";
import { planGateway } from "../../planning/gateway";
import {
  type AlertingRule,
  type ObservabilityInput,
  type PrometheusRuleSpec,
  type RecordingRule,
  RECORDED,
  aiGatewayMetricsRequestHeaderAttributes,
  alternation,
  costFigures,
  isKnownSeries,
  modelQueries,
  prometheusRuleObject,
  prometheusRules,
  recordedNames,
  ruleExpressions,
  teamBudgetRules,
} from "../../planning/observability";
import { checkPromql } from "../../planning/promql-check";
import { modelsEnvYaml, plannedFromYaml } from "../helpers/env";

const REPO = path.resolve(__dirname, "..", "..");
const EXAMPLES = ["dev", "staging", "prod"] as const;

/** The observability input of a YAML environment, as the stack would build it. */
function inputOf(yaml: string): ObservabilityInput {
  const { env, plan } = plannedFromYaml(yaml);
  const { costs, problems } = planCosts(env, plan);
  expect(problems).toEqual([]);
  return { environment: env.config.name, plan, costs: costs.summary, modelsNamespace: env.config.namespaces.models, gateway: planGateway(env) };
}

function exampleInput(name: (typeof EXAMPLES)[number]): ObservabilityInput {
  return inputOf(fs.readFileSync(path.join(REPO, "environments", `${name}.yaml`), "utf8"));
}

function rules(spec: PrometheusRuleSpec): (RecordingRule | AlertingRule)[] {
  return spec.groups.flatMap((g) => [...g.rules]);
}

function recording(spec: PrometheusRuleSpec, record: string): RecordingRule[] {
  return rules(spec).filter((r): r is RecordingRule => "record" in r && r.record === record);
}

function alerts(spec: PrometheusRuleSpec): AlertingRule[] {
  return rules(spec).filter((r): r is AlertingRule => "alert" in r);
}

/** The number in `vector(<number>)`. */
function constant(rule: RecordingRule): number {
  const match = /^vector\(([^)]+)\)$/.exec(rule.expr);
  if (!match) throw new Error(`not a constant: ${rule.expr}`);
  return Number(match[1]);
}

const PROD = exampleInput("prod");
const PROD_RULES = prometheusRules(PROD);

describe("prometheusRules: PromQL", () => {
  test.each(EXAMPLES)("GIVEN %s WHEN its rules are built THEN every expression parses and selects only known or recorded series", (name) => {
    const spec = prometheusRules(exampleInput(name));
    const recorded = recordedNames(spec);
    const isKnown = isKnownSeries(recorded);
    const exprs = ruleExpressions(spec);
    expect(exprs.length).toBeGreaterThan(10);
    for (const [where, expr] of exprs) {
      const check = checkPromql(expr, isKnown);
      expect({ where, syntaxErrors: check.syntaxErrors, unknown: check.unknownMetrics, unchecked: check.uncheckedSelectors }).toEqual({
        where,
        syntaxErrors: [],
        unknown: [],
        unchecked: [],
      });
      for (const metric of check.metricNames) expect(KNOWN_METRICS.has(metric) || (metric.startsWith("ai_factory:") && recorded.has(metric))).toBe(true);
    }
    for (const record of recorded) expect(record).toMatch(/^ai_factory:[a-z_]+(:[a-z0-9_]+)?$/);
  });

  test("GIVEN a query with the removed vllm:gpu_cache_usage_perc WHEN checked like the rules THEN it is caught", () => {
    const isKnown = isKnownSeries(recordedNames(PROD_RULES));
    const good = modelQueries("ai-models", "coder").kvCacheUsage;
    expect(checkPromql(good, isKnown).unknownMetrics).toEqual([]);
    const misspelt = good.replace("vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc");
    expect(checkPromql(misspelt, isKnown).unknownMetrics).toEqual(["vllm:gpu_cache_usage_perc"]);
    expect(checkPromql("ai_factory:cost_usd_per_hourr", isKnown).unknownMetrics).toEqual(["ai_factory:cost_usd_per_hourr"]);
  });

  test("GIVEN the same input twice WHEN built THEN the rules are identical", () => {
    expect(JSON.stringify(prometheusRules(exampleInput("prod")))).toBe(JSON.stringify(PROD_RULES));
  });

  test("GIVEN prod WHEN built THEN the groups are models, cost, teams and alerts, named after the environment", () => {
    expect(PROD_RULES.groups.map((g) => g.name)).toEqual(["ai-factory.prod.models", "ai-factory.prod.cost", "ai-factory.prod.teams", "ai-factory.prod.alerts"]);
  });

  test("GIVEN model names with regex metacharacters WHEN selected by alternation THEN they are escaped", () => {
    expect(alternation(["llama-3.3-70b", "a+b"])).toBe("llama-3\\.3-70b|a\\+b");
    expect(recording(PROD_RULES, RECORDED.modelPromptTokensPerSecond)[0].expr).toBe(
      'sum by (model_name) (rate(vllm:prompt_tokens_total{namespace="ai-models", model_name=~"coder|gpt-oss-120b|llama-3\\\\.3-70b"}[5m]))',
    );
  });
});

describe("prometheusRules: cost series (prod, worked by hand)", () => {
  const s = PROD.costs;

  test("GIVEN prod's cost summary WHEN recorded THEN the hourly cost is monthly TCO / 730 and names its keys in costs/prod.json", () => {
    expect(s.hoursPerMonth).toBe(730);
    const [hourly] = recording(PROD_RULES, RECORDED.costUsdPerHour);
    expect(constant(hourly)).toBeCloseTo(s.monthly.tcoUsd / 730, 9);
    expect(hourly.labels).toEqual({ environment: "prod", cost_source: "costs/prod.json: monthly.tcoUsd / hoursPerMonth" });
  });

  test("GIVEN one pool WHEN split THEN it carries the whole hourly cost, by its capex share of 1", () => {
    const pools = recording(PROD_RULES, RECORDED.poolCostUsdPerHour);
    expect(pools.map((p) => p.labels?.pool)).toEqual(["h200"]);
    expect(constant(pools[0])).toBeCloseTo(s.monthly.tcoUsd / 730, 9);
    expect(pools[0].labels?.cost_source).toBe("costs/prod.json: monthly.tcoUsd / hoursPerMonth × servers.h200.count × servers.h200.priceUsd / Σ pools (assumptions)");
  });

  test("GIVEN prod's plan WHEN split by model THEN each gets GPUs × replicas over the 23 GPUs the models hold", () => {
    // prod.yaml: coder tensorParallel 2 × replicas.max 8 = 16; gpt-oss-120b 1 × 3 = 3; llama-3.3-70b 2 × 2 = 4.
    const hourly = s.monthly.tcoUsd / 730;
    const byModel = Object.fromEntries(recording(PROD_RULES, RECORDED.modelCostUsdPerHour).map((r) => [r.labels!.model_name, constant(r)]));
    expect(byModel.coder).toBeCloseTo((hourly * 16) / 23, 9);
    expect(byModel["gpt-oss-120b"]).toBeCloseTo((hourly * 3) / 23, 9);
    expect(byModel["llama-3.3-70b"]).toBeCloseTo((hourly * 4) / 23, 9);
    expect(byModel.coder + byModel["gpt-oss-120b"] + byModel["llama-3.3-70b"]).toBeCloseTo(hourly, 9);
    expect(recording(PROD_RULES, RECORDED.modelCostUsdPerHour)[0].labels?.cost_source).toMatch(/16 of 23 units on the pool/);
  });

  test("GIVEN prod WHEN recorded THEN planned energy is monthly.energyUsd / 730 and planned $/Mtok is usdPerMillionTokens", () => {
    expect(constant(recording(PROD_RULES, RECORDED.plannedEnergyUsdPerHour)[0])).toBeCloseTo(s.monthly.energyUsd / 730, 9);
    expect(constant(recording(PROD_RULES, RECORDED.plannedUsdPerMtok)[0])).toBeCloseTo(s.usdPerMillionTokens!, 12);
    expect(recording(PROD_RULES, RECORDED.plannedUsdPerMtok)[0].labels?.cost_source).toBe("costs/prod.json: usdPerMillionTokens");
  });

  test("GIVEN DCGM's energy counter in mJ WHEN costed THEN its rate is divided by 1e6 (kW) and priced at prod's PUE 1.4 and $0.12/kWh", () => {
    const [measured] = recording(PROD_RULES, RECORDED.measuredEnergyUsdPerHour);
    expect(measured.expr).toBe(
      'sum(max by (Hostname, gpu) (rate(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{Hostname=~"gpu-prod-01|gpu-prod-02|gpu-prod-03|gpu-prod-04"}[5m]))) / 1e6 * 1.4 * 0.12',
    );
    expect(measured.labels?.cost_source).toMatch(/costs\/prod\.json: costs\.pue × costs\.electricityUsdPerKwh/);
  });

  test("GIVEN live tokens WHEN $/Mtok is recorded THEN it divides the hourly cost by tokens per hour, skipping idle periods", () => {
    expect(recording(PROD_RULES, RECORDED.liveUsdPerMtok)[0].expr).toBe(
      'scalar(ai_factory:cost_usd_per_hour{environment="prod"}) / (sum(ai_factory:model_tokens_per_second:rate5m{environment="prod"}) * 3600 > 0) * 1e6',
    );
    expect(recording(PROD_RULES, RECORDED.modelLiveUsdPerMtok)[0].expr).toBe(
      'ai_factory:model_cost_usd_per_hour{environment="prod"} / on (model_name) (ai_factory:model_tokens_per_second:rate5m{environment="prod"} * 3600 > 0) * 1e6',
    );
  });

  test("GIVEN every constant series WHEN read THEN it names where its number came from", () => {
    for (const r of rules(PROD_RULES)) {
      if ("record" in r && r.expr.startsWith("vector(")) expect(r.labels?.cost_source ?? r.labels?.plan_source).toBeDefined();
    }
  });

  test("GIVEN two pools of different servers WHEN split THEN each pool's share is its servers' price over all, not its GPUs", () => {
    const input = inputOf(
      modelsEnvYaml(
        "  h200: { nodes: [g1, g2], server: hgx-h200-8 }\n  h100: { nodes: [h1], server: hgx-h100-8 }",
        "  a: { model: llama-3.1-8b, pool: h200, maxContextTokens: 8192, replicas: 2 }\n  b: { model: llama-3.1-8b, pool: h100, maxContextTokens: 8192 }",
      ),
    );
    const h200 = 2 * findServer("hgx-h200-8")!.priceUsd;
    const h100 = 1 * findServer("hgx-h100-8")!.priceUsd;
    const hourly = input.costs.monthly.tcoUsd / input.costs.hoursPerMonth;
    const figures = costFigures(input);
    expect(figures.pools.map((p) => [p.pool, p.share])).toEqual([
      ["h100", h100 / (h100 + h200)],
      ["h200", h200 / (h100 + h200)],
    ]);
    // Each pool's only model carries its pool's cost.
    expect(figures.models.find((x) => x.model === "a")!.usdPerHour).toBeCloseTo((hourly * h200) / (h100 + h200), 9);
    expect(figures.models.find((x) => x.model === "b")!.usdPerHour).toBeCloseTo((hourly * h100) / (h100 + h200), 9);
  });

  test("throws when the cost summary lacks the servers' assumptions", () => {
    const costs = { ...PROD.costs, assumptions: PROD.costs.assumptions.filter((a) => a.key !== "servers.h200.priceUsd") };
    expect(() => costFigures({ ...PROD, costs })).toThrow(
      "observability: the cost summary has no numeric assumption servers.h200.priceUsd; it must come from planning/costs.ts planCosts",
    );
  });
});

describe("prometheusRules: alerts", () => {
  test.each(EXAMPLES)("GIVEN %s WHEN built THEN every alert has a for, a severity, a summary and a description", (name) => {
    const list = alerts(prometheusRules(exampleInput(name)));
    expect(list.length).toBeGreaterThan(0);
    for (const a of list) {
      expect(a.for).toMatch(/^\d+[smh]$/);
      expect(["critical", "warning", "info"]).toContain(a.labels.severity);
      expect(a.labels.environment).toBe(name);
      expect(a.annotations.summary.length).toBeGreaterThan(0);
      expect(a.annotations.description.length).toBeGreaterThan(0);
    }
  });

  test("GIVEN prod's monitored models WHEN built THEN each has a down and an absent alert on its ServiceMonitor job", () => {
    const down = alerts(PROD_RULES).filter((a) => a.alert === "AiFactoryModelServerDown");
    expect(down.map((a) => a.expr)).toEqual([
      'up{job="coder-server", namespace="ai-models"} == 0',
      'up{job="gpt-oss-120b-server", namespace="ai-models"} == 0',
      'up{job="llama-3-3-70b-server", namespace="ai-models"} == 0',
    ]);
    expect(alerts(PROD_RULES).filter((a) => a.alert === "AiFactoryModelServerAbsent").map((a) => a.expr)[0]).toBe('absent(up{job="coder-server", namespace="ai-models"})');
    expect(down.every((a) => a.labels.severity === "critical")).toBe(true);
  });

  test("GIVEN dev without a Prometheus Operator WHEN built THEN no scrape alert is made (nothing scrapes the server)", () => {
    const names = alerts(prometheusRules(exampleInput("dev"))).map((a) => a.alert);
    expect(names).not.toContain("AiFactoryModelServerDown");
    expect(names).toContain("AiFactoryKvCacheSaturated");
  });

  test("GIVEN coder's maxSecondsPerOutputToken 0.05 WHEN built THEN only coder has an inter-token latency alert, on p95 > 0.05 s", () => {
    const latency = alerts(PROD_RULES).filter((a) => a.alert === "AiFactoryInterTokenLatencyHigh");
    expect(latency).toHaveLength(1);
    expect(latency[0].labels.model_name).toBe("coder");
    expect(latency[0].expr).toBe(
      'histogram_quantile(0.95, sum by (le) (rate(vllm:inter_token_latency_seconds_bucket{namespace="ai-models", model_name="coder"}[5m]))) > 0.05',
    );
  });

  test("GIVEN coder's maxSecondsToFirstToken 2 WHEN built THEN only coder has a time-to-first-token alert, on p95 > 2 s for 15 minutes", () => {
    const ttft = alerts(PROD_RULES).filter((a) => a.alert === "AiFactoryTimeToFirstTokenHigh");
    expect(ttft).toHaveLength(1);
    expect(ttft[0].labels).toMatchObject({ model_name: "coder", severity: "warning" });
    expect(ttft[0].for).toBe("15m");
    expect(ttft[0].expr).toBe(
      'histogram_quantile(0.95, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{namespace="ai-models", model_name="coder"}[5m]))) > 2',
    );
    expect(ttft[0].annotations.summary).toBe("coder answers slower than its time-to-first-token target");
  });

  test("GIVEN each model's demand WHEN built THEN demand above tokensPerDay / 86400 × peakToAverage for 30 minutes alerts", () => {
    const peak = Object.fromEntries(alerts(PROD_RULES).filter((a) => a.alert === "AiFactoryDemandAbovePlannedPeak").map((a) => [a.labels.model_name, a]));
    expect(Number(peak.coder.expr.split(" > ")[1])).toBeCloseTo((2e9 / 86400) * 2, 9);
    expect(Number(peak["gpt-oss-120b"].expr.split(" > ")[1])).toBeCloseTo((4e8 / 86400) * 1.5, 9);
    expect(Number(peak["llama-3.3-70b"].expr.split(" > ")[1])).toBeCloseTo((1e8 / 86400) * 2, 9);
    expect(peak.coder.for).toBe("30m");
    const recorded = recording(PROD_RULES, RECORDED.modelPlannedPeakTokensPerSecond).find((r) => r.labels?.model_name === "coder")!;
    expect(constant(recorded)).toBeCloseTo((2e9 / 86400) * 2, 9);
  });

  test("GIVEN the pool's nodes WHEN built THEN XID and temperature alerts select its GPUs by Hostname", () => {
    const xid = alerts(PROD_RULES).find((a) => a.alert === "AiFactoryGpuXidError")!;
    expect(xid.expr).toBe('max by (Hostname, gpu) (DCGM_FI_DEV_XID_ERRORS{Hostname=~"gpu-prod-01|gpu-prod-02|gpu-prod-03|gpu-prod-04"}) > 0');
    const temp = alerts(PROD_RULES).find((a) => a.alert === "AiFactoryGpuTemperatureHigh")!;
    expect(temp.expr).toMatch(/DCGM_FI_DEV_GPU_TEMP\{.*\}\) > 85$/);
  });

  test("GIVEN other thresholds WHEN built THEN the alerts use them", () => {
    const spec = prometheusRules({ ...PROD, thresholds: { kvCacheUsageRatio: 0.9, gpuTemperatureC: 80 } });
    expect(alerts(spec).find((a) => a.alert === "AiFactoryKvCacheSaturated")!.expr).toMatch(/ > 0\.9$/);
    expect(alerts(spec).find((a) => a.alert === "AiFactoryGpuTemperatureHigh")!.expr).toMatch(/ > 80$/);
  });
});

describe("prometheusRules: teams", () => {
  test("GIVEN prod's teams WHEN numbered as the chart writes them THEN assistant has rules 0 and 1, developers 2, documents 3", () => {
    expect(teamBudgetRules(PROD.gateway!).map((r) => [r.team, r.index, r.per])).toEqual([
      ["assistant", 0, "minute"],
      ["assistant", 1, "day"],
      ["developers", 2, "day"],
      ["documents", 3, "day"],
    ]);
    const over = recording(PROD_RULES, RECORDED.teamOverBudgetTokensPerSecond).find((r) => r.labels?.ai_factory_team === "assistant")!;
    expect(over.expr).toBe(
      'max(sum by (key2) (rate(ratelimit_service_rate_limit_over_limit{domain="ai-gateway/ai-factory-token-limits", key2=~"rule-(0|1)-match-0_.*"}[5m])))',
    );
  });

  test("GIVEN the gateway WHEN asked THEN the AI Gateway needs the team header mapped to ai_factory.team for per-team tokens", () => {
    expect(aiGatewayMetricsRequestHeaderAttributes(PROD.gateway!)).toBe("x-ai-factory-team:ai_factory.team");
    expect(recording(PROD_RULES, RECORDED.teamTokensPerSecond)[0].expr).toMatch(/^sum by \(ai_factory_team, gen_ai_token_type\) \(rate\(gen_ai_client_token_usage_sum\{/);
  });

  test("GIVEN no gateway WHEN built THEN there is no teams group", () => {
    expect(prometheusRules({ ...PROD, gateway: undefined }).groups.map((g) => g.name)).not.toContain("ai-factory.prod.teams");
  });
});

describe("prometheusRuleObject", () => {
  test.each(EXAMPLES)("GIVEN %s's rules WHEN wrapped THEN the PrometheusRule validates against the Prometheus Operator's schema", (name) => {
    const object = prometheusRuleObject(prometheusRules(exampleInput(name)), {
      name: `ai-factory-${name}`,
      namespace: "monitoring",
      labels: { release: "kube-prometheus-stack", "app.kubernetes.io/managed-by": "ai-factory" },
    });
    expect(object.apiVersion).toBe("monitoring.coreos.com/v1");
    expect(object.kind).toBe("PrometheusRule");
    expect(Object.keys(object.metadata.labels!)).toEqual(["app.kubernetes.io/managed-by", "release"]);
    const model = new PrometheusRule(JSON.parse(JSON.stringify(object)));
    expect(() => model.validate()).not.toThrow();
  });

  test("GIVEN a rule the schema refuses WHEN validated THEN the validator names it (the check above is not vacuous)", () => {
    const object = prometheusRuleObject(PROD_RULES, { name: "ai-factory", namespace: "monitoring" });
    const broken = JSON.parse(JSON.stringify(object));
    delete broken.spec.groups[0].rules[0].expr;
    expect(() => new PrometheusRule(broken).validate()).toThrow(/rules\/0 must have required property expr/);
  });

  test("throws when the name is not a DNS subdomain", () => {
    expect(() => prometheusRuleObject(PROD_RULES, { name: "AI Factory", namespace: "monitoring" })).toThrow(
      'observability: PrometheusRule name must be a DNS subdomain (lower-case letters, digits, "-", "."), got "AI Factory"',
    );
  });

  test("throws when a label is not a Kubernetes label", () => {
    expect(() => prometheusRuleObject(PROD_RULES, { name: "ai-factory", namespace: "monitoring", labels: { release: "kube prometheus" } })).toThrow(
      'observability: PrometheusRule label "release": "kube prometheus" is not a Kubernetes label',
    );
  });
});
