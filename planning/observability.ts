/**
 * What an environment is watched with: PromQL for the dashboards (report/dashboards.ts), and the
 * Prometheus rules — recording rules that put the cost model next to live traffic, and alerts.
 * Pure: the plan and the cost summary in, plain data out; every expression is checked against
 * Prometheus' grammar and the known series (planning/promql-check.ts) before it leaves.
 *
 * Costs, and where each number comes from (the cost summary is what `costs/<env>.json` holds, with
 * the same keys):
 *
 *   ai_factory:cost_usd_per_hour              = monthly.tcoUsd / hoursPerMonth
 *   ai_factory:pool_cost_usd_per_hour{pool}   = that × the pool's share of the servers' price:
 *       servers.<pool>.count × servers.<pool>.priceUsd / Σ over pools (assumptions of the JSON).
 *       Capex, not GPUs: amortization, support and the infrastructure adder — most of the TCO — are
 *       proportional to what the servers cost, and a workstation GPU is not an H200. Pools whose
 *       servers cost nothing share by GPUs instead.
 *   ai_factory:model_cost_usd_per_hour{model_name} = the pool's × the model's share of the units
 *       its replicas take there: units per replica (GPUs, MIG slices or time-sliced shares: one kind
 *       per pool) × replicas (the planned maximum), over the sum of all models on the pool. Units no
 *       model takes (surge room, headroom) are charged to the models in proportion, so the models'
 *       costs add up to their pool's.
 *   ai_factory:usd_per_mtok:live5m            = hourly cost ÷ (vLLM prompt + generation tokens per
 *       hour) × 1e6, beside ai_factory:usd_per_mtok_planned = usdPerMillionTokens.
 *   ai_factory:energy_measured_usd_per_hour:rate5m = Σ GPUs rate(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION)
 *       [mJ/s = mW] ÷ 1e6 [kW] × costs.pue × costs.electricityUsdPerKwh [USD per hour], beside
 *       ai_factory:energy_planned_usd_per_hour = monthly.energyUsd / hoursPerMonth. The measured
 *       figure covers GPU boards only (not CPUs, fans, NICs, power supplies), the planned one whole
 *       servers at `costs.utilization`: measured stays below planned on a healthy site.
 *
 * Every constant series carries `cost_source` (or `plan_source`) naming the keys it came from.
 */
import { AI_GATEWAY_TEAM_ATTRIBUTE, AI_GATEWAY_TEAM_LABEL, KNOWN_METRICS, METRICS } from "../catalog/metrics";
import { DNS_SUBDOMAIN, LABEL_KEY, LABEL_VALUE, modelServerServiceName } from "../config/kubernetes-names";
import type { GatewayPlan, GatewayTeamPlan } from "./gateway";
import type { ModelPlan, Plan } from "./plan";
import { assertPromql } from "./promql-check";
import type { CostSummary } from "./tco";

/** Window of every rate() and of the recorded `:rate5m` series. */
export const RATE_WINDOW = "5m";

/** Seconds in a day: demand is given per day. */
const SECONDS_PER_DAY = 86_400;

/**
 * Where the gateway's token budgets live: the ai-gateway chart names its BackendTrafficPolicy
 * `<gatewayName>-token-limits` (charts/ai-gateway/templates/backendtrafficpolicy.yaml) and
 * gatewayName defaults to `ai-factory` (charts/ai-gateway/values.yaml). Envoy Gateway makes one
 * rate-limit domain per shared policy, `<namespace>/<policy>`, and numbers its rules in order: the
 * chart writes them team by team (teams sorted by name, as Helm ranges over a map), limit by limit.
 */
export const TOKEN_LIMITS_POLICY = "ai-factory-token-limits";

/** Thresholds of the alerts that are ai-factory's choices rather than the plan's. */
export interface AlertThresholds {
  /**
   * KV-cache use above which a model server counts as saturated: vLLM then preempts sequences
   * (recomputing them later) instead of growing the batch.
   * @default 0.95
   */
  readonly kvCacheUsageRatio: number;
  /**
   * GPU temperature, °C, held for `gpuTemperatureFor`: below the 87–90 °C at which current data-centre
   * GPUs slow down (each board's own figure is "GPU Slowdown Temp" in `nvidia-smi -q`); lower it
   * for boards that throttle earlier.
   * @default 85
   */
  readonly gpuTemperatureC: number;
}

/** The thresholds used when the input sets none. */
export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = { kvCacheUsageRatio: 0.95, gpuTemperatureC: 85 };

/** What the rules and dashboards of one environment are made from. */
export interface ObservabilityInput {
  /** Environment name: the `environment` label of every recorded series and alert. */
  readonly environment: string;
  readonly plan: Plan;
  /** The environment's cost summary: what `costs/<environment>.json` holds. */
  readonly costs: CostSummary;
  /** Namespace of the model servers (`namespaces.models`): their scrape targets carry it as `namespace`. */
  readonly modelsNamespace: string;
  /** The gateway, when the environment has one. @default - no team rules or dashboards */
  readonly gateway?: GatewayPlan;
  /** The cost file named in `cost_source` labels. @default `costs/<environment>.json` */
  readonly costFile?: string;
  /** @default DEFAULT_ALERT_THRESHOLDS */
  readonly thresholds?: Partial<AlertThresholds>;
}

/** A Prometheus recording rule. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** Severities our alerts use: `critical` pages, `warning` opens a ticket, `info` is for dashboards. */
export type Severity = "critical" | "warning" | "info";

/** A Prometheus alerting rule; every one has a `for`, a severity, a summary and a description. */
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>> & { readonly severity: Severity };
  readonly annotations: Readonly<Record<string, string>> & { readonly summary: string; readonly description: string };
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly Rule[];
}

/** `spec` of a monitoring.coreos.com/v1 PrometheusRule (and the body of a Prometheus rule file). */
export interface PrometheusRuleSpec {
  readonly groups: readonly RuleGroup[];
}

/** A monitoring.coreos.com/v1 PrometheusRule object. */
export interface PrometheusRuleObject {
  readonly apiVersion: "monitoring.coreos.com/v1";
  readonly kind: "PrometheusRule";
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec: PrometheusRuleSpec;
}

// ---------------------------------------------------------------------------------------------
// PromQL pieces

/** A PromQL string literal (Go escapes; JSON's are a subset PromQL reads the same way). */
export function promString(value: string): string {
  return JSON.stringify(value);
}

/** A PromQL number literal of a finite number, unrounded. */
export function promNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`observability: ${value} cannot be written in PromQL; the cost model must give finite numbers`);
  return String(value);
}

/** An RE2 pattern matching exactly one of `values`. */
export function alternation(values: readonly string[]): string {
  return values.map((v) => v.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&")).join("|");
}

/** A selector `{a="x", b=~"y"}` from label matchers, in order. */
function matchers(list: readonly (readonly [string, "=" | "=~" | "!=", string])[]): string {
  return `{${list.map(([label, op, value]) => `${label}${op}${promString(value)}`).join(", ")}}`;
}

const m = METRICS;

/** The series of one served model: its vLLM metrics carry `model_name` = the served name. */
export function modelSelector(namespace: string, servedName: string): string {
  return matchers([
    ["namespace", "=", namespace],
    ["model_name", "=", servedName],
  ]);
}

/** The series of GPUs on `nodes` (DCGM's Hostname is the node name). */
export function gpuSelector(nodes: readonly string[]): string {
  return matchers([["Hostname", "=~", alternation(nodes)]]);
}

/** `histogram_quantile(q, …)` over the rate of a histogram's buckets. */
function quantile(q: number, histogram: string, selector: string): string {
  return `histogram_quantile(${promNumber(q)}, sum by (le) (rate(${histogram}_bucket${selector}[${RATE_WINDOW}])))`;
}

/** The PromQL of a model's panels and alerts. */
export interface ModelQueries {
  readonly requestsPerSecond: string;
  readonly promptTokensPerSecond: string;
  readonly generationTokensPerSecond: string;
  readonly ttftSeconds: (q: number) => string;
  readonly interTokenLatencySeconds: (q: number) => string;
  readonly requestsWaiting: string;
  readonly requestsRunning: string;
  readonly kvCacheUsage: string;
  readonly prefixCacheHitRatio: string;
  readonly replicasUp: string;
}

/** Queries of one model, on its vLLM metrics (and its ServiceMonitor's `up`). */
export function modelQueries(namespace: string, servedName: string): ModelQueries {
  const sel = modelSelector(namespace, servedName);
  const rate = (name: string) => `sum(rate(${name}${sel}[${RATE_WINDOW}]))`;
  return {
    requestsPerSecond: rate(m.vllmRequestSuccess.name),
    promptTokensPerSecond: rate(m.vllmPromptTokens.name),
    generationTokensPerSecond: rate(m.vllmGenerationTokens.name),
    ttftSeconds: (q) => quantile(q, m.vllmTimeToFirstToken.name, sel),
    interTokenLatencySeconds: (q) => quantile(q, m.vllmInterTokenLatency.name, sel),
    requestsWaiting: `sum(${m.vllmRequestsWaiting.name}${sel})`,
    requestsRunning: `sum(${m.vllmRequestsRunning.name}${sel})`,
    kvCacheUsage: `max(${m.vllmKvCacheUsage.name}${sel})`,
    // Tokens found in the prefix cache over tokens looked up; no value while nothing is looked up.
    prefixCacheHitRatio: `${rate(m.vllmPrefixCacheHits.name)} / (${rate(m.vllmPrefixCacheQueries.name)} > 0)`,
    replicasUp: `sum(${m.up.name}${matchers([
      ["job", "=", modelServerServiceName(servedName)],
      ["namespace", "=", namespace],
    ])})`,
  };
}

/** The PromQL of a pool's GPU panels and alerts, one series per GPU (`Hostname`, `gpu`). */
export interface GpuQueries {
  readonly utilizationPercent: string;
  readonly memoryUsedMiB: string;
  readonly memoryFreeMiB: string;
  readonly powerW: string;
  readonly temperatureC: string;
  readonly xidCode: string;
  /** Power from the energy counter, kW, summed over the GPUs. */
  readonly energyKw: string;
}

/**
 * Queries of the GPUs on `nodes`. Under MIG, DCGM may report a device field once per GPU instance;
 * `max by (Hostname, gpu)` keeps one series per physical GPU.
 */
export function gpuQueries(nodes: readonly string[]): GpuQueries {
  const sel = gpuSelector(nodes);
  const perGpu = (name: string) => `max by (Hostname, gpu) (${name}${sel})`;
  return {
    utilizationPercent: perGpu(m.dcgmGpuUtil.name),
    memoryUsedMiB: perGpu(m.dcgmFbUsed.name),
    memoryFreeMiB: perGpu(m.dcgmFbFree.name),
    powerW: perGpu(m.dcgmPowerUsage.name),
    temperatureC: perGpu(m.dcgmGpuTemp.name),
    xidCode: perGpu(m.dcgmXidErrors.name),
    // mJ/s is mW: ÷ 1e6 gives kW.
    energyKw: `sum(max by (Hostname, gpu) (rate(${m.dcgmTotalEnergy.name}${sel}[${RATE_WINDOW}]))) / 1e6`,
  };
}

/** One of a team's token limits, as Envoy Gateway numbers it in the ratelimit service. */
export interface TeamBudgetRule {
  readonly team: string;
  /** Index of the rule in the token-limits BackendTrafficPolicy (and in the rate-limit domain). */
  readonly index: number;
  readonly tokens: number;
  readonly per: GatewayTeamPlan["tokenLimits"][number]["per"];
}

/** The token-limit rules of the gateway in the order the chart writes them: teams by name, limits in order. */
export function teamBudgetRules(gateway: GatewayPlan): TeamBudgetRule[] {
  const rules: TeamBudgetRule[] = [];
  for (const team of [...gateway.teams].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    for (const limit of team.tokenLimits) rules.push({ team: team.name, index: rules.length, tokens: limit.tokens, per: limit.per });
  }
  return rules;
}

/**
 * The `controller.metricsRequestHeaderAttributes` value the AI Gateway chart needs for per-team
 * token metrics: the team header (set by the API-key filter) recorded as `ai_factory.team`, which
 * Prometheus sees as the `ai_factory_team` label. Without it the AI Gateway's metrics carry no team.
 */
export function aiGatewayMetricsRequestHeaderAttributes(gateway: GatewayPlan): string {
  return `${gateway.tenantHeader}:${AI_GATEWAY_TEAM_ATTRIBUTE}`;
}

/** The PromQL of a team's panels. */
export interface TeamQueries {
  /** Gateway tokens per second by `gen_ai_token_type` (input, output): needs the team label. */
  readonly tokensPerSecondByType: string;
  /** Gateway requests per second: needs the team label. */
  readonly requestsPerSecond: string;
  /** Tokens the team's budget was charged per second (its first limit); undefined without limits. */
  readonly budgetTokensPerSecond?: string;
  /** Tokens charged past any of the team's limits per second; undefined without limits. */
  readonly overBudgetTokensPerSecond?: string;
}

function rateLimitSelector(gateway: GatewayPlan, rules: readonly TeamBudgetRule[]): string {
  return matchers([
    ["domain", "=", `${gateway.namespace}/${TOKEN_LIMITS_POLICY}`],
    ["key2", "=~", `rule-(${rules.map((r) => r.index).join("|")})-match-0_.*`],
  ]);
}

/** Queries of one team. */
export function teamQueries(gateway: GatewayPlan, team: string): TeamQueries {
  const rules = teamBudgetRules(gateway).filter((r) => r.team === team);
  const tokensSel = matchers([
    [AI_GATEWAY_TEAM_LABEL, "=", team],
    ["gen_ai_token_type", "=~", "input|output"],
  ]);
  const teamSel = matchers([[AI_GATEWAY_TEAM_LABEL, "=", team]]);
  return {
    tokensPerSecondByType: `sum by (gen_ai_token_type) (rate(${m.aiGatewayTokenUsage.name}_sum${tokensSel}[${RATE_WINDOW}]))`,
    requestsPerSecond: `sum(rate(${m.aiGatewayRequestDuration.name}_count${teamSel}[${RATE_WINDOW}]))`,
    ...(rules.length === 0
      ? {}
      : {
          // Every limit of a team is charged the same tokens: its first one counts them once.
          budgetTokensPerSecond: `sum(rate(${m.ratelimitTotalHits.name}${rateLimitSelector(gateway, rules.slice(0, 1))}[${RATE_WINDOW}]))`,
          overBudgetTokensPerSecond: `max(sum by (key2) (rate(${m.ratelimitOverLimit.name}${rateLimitSelector(gateway, rules)}[${RATE_WINDOW}])))`,
        }),
  };
}

// ---------------------------------------------------------------------------------------------
// Cost figures

/** One pool's part of the hourly cost. */
export interface PoolCost {
  readonly pool: string;
  /** Share of the environment's cost, 0–1. */
  readonly share: number;
  readonly usdPerHour: number;
  /** The cost-file keys the share came from. */
  readonly source: string;
}

/** One model's part of its pool's hourly cost. */
export interface ModelCost {
  readonly model: string;
  readonly pool: string;
  /** Units (GPUs, MIG slices or time-sliced shares) per replica × planned replicas. */
  readonly units: number;
  /** Units of all models on the pool. */
  readonly poolUnits: number;
  readonly usdPerHour: number;
}

/** The cost numbers the rules record, each from the cost summary. */
export interface CostFigures {
  readonly costFile: string;
  /** monthly.tcoUsd / hoursPerMonth */
  readonly usdPerHour: number;
  /** monthly.energyUsd / hoursPerMonth */
  readonly plannedEnergyUsdPerHour: number;
  /** usdPerMillionTokens (null when the plan serves nothing). */
  readonly plannedUsdPerMillionTokens: number | null;
  /** costs.pue */
  readonly pue: number;
  /** costs.electricityUsdPerKwh */
  readonly electricityUsdPerKwh: number;
  readonly pools: readonly PoolCost[];
  readonly models: readonly ModelCost[];
}

function assumption(costs: CostSummary, key: string): number {
  const found = costs.assumptions.find((a) => a.key === key);
  if (found === undefined || typeof found.value !== "number") {
    throw new Error(`observability: the cost summary has no numeric assumption ${key}; it must come from planning/costs.ts planCosts`);
  }
  return found.value;
}

/** Units one replica of `m` takes times its planned replicas. */
function modelUnits(model: ModelPlan): number {
  return model.allocation.count * model.model.replicas.max;
}

/** The hourly cost, split by pool (capex share) and by model (units share within the pool). */
export function costFigures(input: ObservabilityInput): CostFigures {
  const { costs, plan } = input;
  const costFile = input.costFile ?? `costs/${input.environment}.json`;
  const usdPerHour = costs.monthly.tcoUsd / costs.hoursPerMonth;
  const capex = plan.pools.map((p) => assumption(costs, `servers.${p.pool.name}.count`) * assumption(costs, `servers.${p.pool.name}.priceUsd`));
  const totalCapex = capex.reduce((a, b) => a + b, 0);
  const gpus = plan.pools.map((p) => p.pool.nodes.length * p.pool.server.gpusPerServer);
  const totalGpus = gpus.reduce((a, b) => a + b, 0);
  const byCapex = totalCapex > 0;
  const pools: PoolCost[] = plan.pools.map((p, i) => {
    const share = byCapex ? capex[i] / totalCapex : totalGpus > 0 ? gpus[i] / totalGpus : 1 / plan.pools.length;
    const name = p.pool.name;
    return {
      pool: name,
      share,
      usdPerHour: usdPerHour * share,
      source: byCapex
        ? `${costFile}: monthly.tcoUsd / hoursPerMonth × servers.${name}.count × servers.${name}.priceUsd / Σ pools (assumptions)`
        : `${costFile}: monthly.tcoUsd / hoursPerMonth × GPUs of ${name} / all GPUs (servers cost nothing)`,
    };
  });
  const models: ModelCost[] = plan.models.map((model) => {
    const poolName = model.model.pool.name;
    const poolUnits = plan.models.filter((o) => o.model.pool.name === poolName).reduce((n, o) => n + modelUnits(o), 0);
    const units = modelUnits(model);
    const pool = pools.find((p) => p.pool === poolName);
    if (pool === undefined) throw new Error(`observability: model ${model.model.servedName} is on pool ${poolName}, which the plan does not hold`);
    return { model: model.model.servedName, pool: poolName, units, poolUnits, usdPerHour: poolUnits > 0 ? (pool.usdPerHour * units) / poolUnits : 0 };
  });
  return {
    costFile,
    usdPerHour,
    plannedEnergyUsdPerHour: costs.monthly.energyUsd / costs.hoursPerMonth,
    plannedUsdPerMillionTokens: costs.usdPerMillionTokens,
    pue: assumption(costs, "costs.pue"),
    electricityUsdPerKwh: assumption(costs, "costs.electricityUsdPerKwh"),
    pools,
    models,
  };
}

/** Peak tokens per second the plan was sized for: tokensPerDay / 86400 × peakToAverage. */
export function plannedPeakTokensPerSecond(model: ModelPlan): number | undefined {
  const demand = model.model.deployment.demand;
  return demand === undefined ? undefined : (demand.tokensPerDay / SECONDS_PER_DAY) * demand.peakToAverage;
}

// ---------------------------------------------------------------------------------------------
// Recorded series

/** Names of the series the rules record; dashboards read them. */
export const RECORDED = {
  modelRequestsPerSecond: `ai_factory:model_requests_per_second:rate${RATE_WINDOW}`,
  modelPromptTokensPerSecond: `ai_factory:model_prompt_tokens_per_second:rate${RATE_WINDOW}`,
  modelGenerationTokensPerSecond: `ai_factory:model_generation_tokens_per_second:rate${RATE_WINDOW}`,
  modelTokensPerSecond: `ai_factory:model_tokens_per_second:rate${RATE_WINDOW}`,
  modelPlannedPeakTokensPerSecond: "ai_factory:model_planned_peak_tokens_per_second",
  costUsdPerHour: "ai_factory:cost_usd_per_hour",
  poolCostUsdPerHour: "ai_factory:pool_cost_usd_per_hour",
  modelCostUsdPerHour: "ai_factory:model_cost_usd_per_hour",
  plannedUsdPerMtok: "ai_factory:usd_per_mtok_planned",
  liveUsdPerMtok: `ai_factory:usd_per_mtok:live${RATE_WINDOW}`,
  modelLiveUsdPerMtok: `ai_factory:model_usd_per_mtok:live${RATE_WINDOW}`,
  plannedEnergyUsdPerHour: "ai_factory:energy_planned_usd_per_hour",
  measuredEnergyUsdPerHour: `ai_factory:energy_measured_usd_per_hour:rate${RATE_WINDOW}`,
  poolMeasuredEnergyUsdPerHour: `ai_factory:pool_energy_measured_usd_per_hour:rate${RATE_WINDOW}`,
  teamTokensPerSecond: `ai_factory:team_tokens_per_second:rate${RATE_WINDOW}`,
  teamBudgetTokensPerSecond: `ai_factory:team_budget_tokens_per_second:rate${RATE_WINDOW}`,
  teamOverBudgetTokensPerSecond: `ai_factory:team_tokens_over_budget_per_second:rate${RATE_WINDOW}`,
} as const;

function byName<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function modelRules(input: ObservabilityInput): RecordingRule[] {
  const env = { environment: input.environment };
  const models = byName(input.plan.models, (x) => x.model.servedName);
  if (models.length === 0) return [];
  const sel = matchers([
    ["namespace", "=", input.modelsNamespace],
    ["model_name", "=~", alternation(models.map((x) => x.model.servedName))],
  ]);
  const rate = (name: string) => `sum by (model_name) (rate(${name}${sel}[${RATE_WINDOW}]))`;
  const rules: RecordingRule[] = [
    { record: RECORDED.modelRequestsPerSecond, expr: rate(m.vllmRequestSuccess.name), labels: env },
    { record: RECORDED.modelPromptTokensPerSecond, expr: rate(m.vllmPromptTokens.name), labels: env },
    { record: RECORDED.modelGenerationTokensPerSecond, expr: rate(m.vllmGenerationTokens.name), labels: env },
    {
      record: RECORDED.modelTokensPerSecond,
      expr: `${RECORDED.modelPromptTokensPerSecond}${matchers([["environment", "=", input.environment]])} + ${RECORDED.modelGenerationTokensPerSecond}${matchers([["environment", "=", input.environment]])}`,
      labels: env,
    },
  ];
  for (const model of models) {
    const peak = plannedPeakTokensPerSecond(model);
    if (peak === undefined) continue;
    const name = model.model.servedName;
    rules.push({
      record: RECORDED.modelPlannedPeakTokensPerSecond,
      expr: `vector(${promNumber(peak)})`,
      labels: { ...env, model_name: name, plan_source: `models.${name}.demand: tokensPerDay / 86400 × peakToAverage` },
    });
  }
  return rules;
}

function costRules(input: ObservabilityInput, figures: CostFigures): RecordingRule[] {
  const env = { environment: input.environment };
  const envSel = matchers([["environment", "=", input.environment]]);
  const file = figures.costFile;
  const rules: RecordingRule[] = [
    {
      record: RECORDED.costUsdPerHour,
      expr: `vector(${promNumber(figures.usdPerHour)})`,
      labels: { ...env, cost_source: `${file}: monthly.tcoUsd / hoursPerMonth` },
    },
    ...byName(figures.pools, (p) => p.pool).map((p) => ({
      record: RECORDED.poolCostUsdPerHour,
      expr: `vector(${promNumber(p.usdPerHour)})`,
      labels: { ...env, pool: p.pool, cost_source: p.source },
    })),
    ...byName(figures.models, (x) => x.model).map((x) => ({
      record: RECORDED.modelCostUsdPerHour,
      expr: `vector(${promNumber(x.usdPerHour)})`,
      labels: {
        ...env,
        model_name: x.model,
        pool: x.pool,
        cost_source: `${RECORDED.poolCostUsdPerHour}{pool="${x.pool}"} × ${x.units} of ${x.poolUnits} units on the pool (plan: models.${x.model} units per replica × replicas.max)`,
      },
    })),
    {
      record: RECORDED.plannedEnergyUsdPerHour,
      expr: `vector(${promNumber(figures.plannedEnergyUsdPerHour)})`,
      labels: { ...env, cost_source: `${file}: monthly.energyUsd / hoursPerMonth` },
    },
  ];
  if (figures.plannedUsdPerMillionTokens !== null) {
    rules.push({
      record: RECORDED.plannedUsdPerMtok,
      expr: `vector(${promNumber(figures.plannedUsdPerMillionTokens)})`,
      labels: { ...env, cost_source: `${file}: usdPerMillionTokens` },
    });
  }
  if (input.plan.models.length > 0) {
    rules.push(
      {
        record: RECORDED.liveUsdPerMtok,
        expr: `scalar(${RECORDED.costUsdPerHour}${envSel}) / (sum(${RECORDED.modelTokensPerSecond}${envSel}) * 3600 > 0) * 1e6`,
        labels: { ...env, cost_source: `${file}: monthly.tcoUsd / hoursPerMonth ÷ vLLM tokens per hour × 1e6` },
      },
      {
        record: RECORDED.modelLiveUsdPerMtok,
        expr: `${RECORDED.modelCostUsdPerHour}${envSel} / on (model_name) (${RECORDED.modelTokensPerSecond}${envSel} * 3600 > 0) * 1e6`,
        labels: { ...env, cost_source: `${RECORDED.modelCostUsdPerHour} ÷ vLLM tokens per hour × 1e6` },
      },
    );
  }
  const energy = (nodes: readonly string[]) =>
    `${gpuQueries(nodes).energyKw} * ${promNumber(figures.pue)} * ${promNumber(figures.electricityUsdPerKwh)}`;
  const energySource = `DCGM GPU energy (kW) × ${file}: costs.pue × costs.electricityUsdPerKwh (assumptions)`;
  const allNodes = input.plan.pools.flatMap((p) => p.pool.nodes);
  if (allNodes.length > 0) {
    rules.push({ record: RECORDED.measuredEnergyUsdPerHour, expr: energy(allNodes), labels: { ...env, cost_source: energySource } });
  }
  for (const p of byName(input.plan.pools, (x) => x.pool.name)) {
    if (p.pool.nodes.length === 0) continue;
    rules.push({ record: RECORDED.poolMeasuredEnergyUsdPerHour, expr: energy(p.pool.nodes), labels: { ...env, pool: p.pool.name, cost_source: energySource } });
  }
  return rules;
}

function teamRules(input: ObservabilityInput, gateway: GatewayPlan): RecordingRule[] {
  const env = { environment: input.environment };
  const teams = gateway.teams.map((t) => t.name).sort();
  const rules: RecordingRule[] = [
    {
      record: RECORDED.teamTokensPerSecond,
      expr: `sum by (${AI_GATEWAY_TEAM_LABEL}, gen_ai_token_type) (rate(${m.aiGatewayTokenUsage.name}_sum${matchers([
        [AI_GATEWAY_TEAM_LABEL, "=~", alternation(teams)],
        ["gen_ai_token_type", "=~", "input|output"],
      ])}[${RATE_WINDOW}]))`,
      labels: env,
    },
  ];
  for (const team of teams) {
    const q = teamQueries(gateway, team);
    if (q.budgetTokensPerSecond !== undefined) {
      rules.push({ record: RECORDED.teamBudgetTokensPerSecond, expr: q.budgetTokensPerSecond, labels: { ...env, [AI_GATEWAY_TEAM_LABEL]: team } });
    }
    if (q.overBudgetTokensPerSecond !== undefined) {
      rules.push({ record: RECORDED.teamOverBudgetTokensPerSecond, expr: q.overBudgetTokensPerSecond, labels: { ...env, [AI_GATEWAY_TEAM_LABEL]: team } });
    }
  }
  return rules;
}

// ---------------------------------------------------------------------------------------------
// Alerts

function alert(
  name: string,
  expr: string,
  forDuration: string,
  severity: Severity,
  labels: Readonly<Record<string, string>>,
  summary: string,
  description: string,
): AlertingRule {
  return { alert: name, expr, for: forDuration, labels: { ...labels, severity }, annotations: { summary, description } };
}

function modelAlerts(input: ObservabilityInput, thresholds: AlertThresholds): AlertingRule[] {
  const out: AlertingRule[] = [];
  const ns = input.modelsNamespace;
  for (const model of byName(input.plan.models, (x) => x.model.servedName)) {
    const name = model.model.servedName;
    const d = model.model.deployment;
    const q = modelQueries(ns, name);
    const labels = { environment: input.environment, model_name: name };
    const job = modelServerServiceName(name);
    const upSel = matchers([
      ["job", "=", job],
      ["namespace", "=", ns],
    ]);
    if (d.serviceMonitor === true) {
      out.push(
        alert(
          "AiFactoryModelServerDown",
          `${m.up.name}${upSel} == 0`,
          "5m",
          "critical",
          labels,
          `Model server ${name} does not answer scrapes`,
          `A replica of ${name} ({{ $labels.instance }}, job ${job} in ${ns}) has failed its scrapes for 5 minutes: the pod is down or /metrics does not answer.`,
        ),
        alert(
          "AiFactoryModelServerAbsent",
          `absent(${m.up.name}${upSel})`,
          "15m",
          "critical",
          labels,
          `No scrape target for model server ${name}`,
          `Prometheus has no target for job ${job} in ${ns}: no replica runs, or its ServiceMonitor is not selected (monitoring.serviceMonitorLabels).`,
        ),
      );
    }
    const waiting = d.autoscaling.waitingRequestsThreshold;
    const avgWaiting = `avg(${m.vllmRequestsWaiting.name}${modelSelector(ns, name)})`;
    out.push(
      alert(
        "AiFactoryModelQueueGrowing",
        `${avgWaiting} > ${promNumber(waiting)} and deriv(${avgWaiting}[10m:1m]) > 0`,
        "10m",
        "warning",
        labels,
        `Requests queue up at ${name}`,
        `More than ${waiting} requests wait per replica of ${name} (models.${name}.autoscaling.waitingRequestsThreshold) and the queue still grows after 10 minutes: replicas are at their maximum or cannot start.`,
      ),
      alert(
        "AiFactoryKvCacheSaturated",
        `${q.kvCacheUsage} > ${promNumber(thresholds.kvCacheUsageRatio)}`,
        "10m",
        "warning",
        labels,
        `KV cache of ${name} is full`,
        `A replica of ${name} has used more than ${thresholds.kvCacheUsageRatio * 100}% of its KV cache for 10 minutes: vLLM preempts sequences instead of batching more. Add replicas, lower maxConcurrentSequences or use an fp8 KV cache.`,
      ),
    );
    const ttftTarget = d.demand?.maxSecondsToFirstToken;
    if (ttftTarget !== undefined) {
      out.push(
        alert(
          "AiFactoryTimeToFirstTokenHigh",
          `${q.ttftSeconds(0.95)} > ${promNumber(ttftTarget)}`,
          "15m",
          "warning",
          labels,
          `${name} answers slower than its time-to-first-token target`,
          `The 95th percentile of vLLM's time to first token for ${name} has been above ${ttftTarget} s (models.${name}.demand.maxSecondsToFirstToken) for 15 minutes: requests queue or prompts take long to process. Add replicas or shorten prompts.`,
        ),
      );
    }
    const target = d.demand?.maxSecondsPerOutputToken;
    if (target !== undefined) {
      out.push(
        alert(
          "AiFactoryInterTokenLatencyHigh",
          `${q.interTokenLatencySeconds(0.95)} > ${promNumber(target)}`,
          "15m",
          "warning",
          labels,
          `${name} generates slower than its latency target`,
          `The 95th percentile of vLLM's inter-token latency for ${name} has been above ${target} s (models.${name}.demand.maxSecondsPerOutputToken) for 15 minutes.`,
        ),
      );
    }
    const peak = plannedPeakTokensPerSecond(model);
    if (peak !== undefined) {
      out.push(
        alert(
          "AiFactoryDemandAbovePlannedPeak",
          `${RECORDED.modelTokensPerSecond}${matchers([
            ["environment", "=", input.environment],
            ["model_name", "=", name],
          ])} > ${promNumber(peak)}`,
          "30m",
          "warning",
          labels,
          `${name} serves more tokens than it was planned for`,
          `${name} has served more than ${Math.round(peak)} tokens/s (models.${name}.demand: tokensPerDay / 86400 × peakToAverage) for 30 minutes: the plan's replicas were sized for that peak. Raise demand in the environment file and re-plan.`,
        ),
      );
    }
  }
  return out;
}

function gpuAlerts(input: ObservabilityInput, thresholds: AlertThresholds): AlertingRule[] {
  const out: AlertingRule[] = [];
  for (const p of byName(input.plan.pools, (x) => x.pool.name)) {
    if (p.pool.nodes.length === 0) continue;
    const q = gpuQueries(p.pool.nodes);
    const labels = { environment: input.environment, pool: p.pool.name };
    out.push(
      alert(
        "AiFactoryGpuXidError",
        `${q.xidCode} > 0`,
        "1m",
        "warning",
        labels,
        "GPU {{ $labels.gpu }} on {{ $labels.Hostname }} reported an XID error",
        `The driver reported XID {{ $value }} on GPU {{ $labels.gpu }} of {{ $labels.Hostname }} (pool ${p.pool.name}). DCGM reports the last code seen, which can stay set after the event; look the code up in NVIDIA's XID catalog (48, 63, 64, 74, 79, 94, 95 need the node drained).`,
      ),
      alert(
        "AiFactoryGpuTemperatureHigh",
        `${q.temperatureC} > ${promNumber(thresholds.gpuTemperatureC)}`,
        "10m",
        "warning",
        labels,
        "GPU {{ $labels.gpu }} on {{ $labels.Hostname }} runs hot",
        `GPU {{ $labels.gpu }} of {{ $labels.Hostname }} (pool ${p.pool.name}) has been above ${thresholds.gpuTemperatureC} °C for 10 minutes ({{ $value }} °C): check the cooling before it throttles.`,
      ),
    );
  }
  return out;
}

function teamAlerts(input: ObservabilityInput, gateway: GatewayPlan): AlertingRule[] {
  const limited = [...new Set(teamBudgetRules(gateway).map((r) => r.team))];
  return limited.map((team) =>
    alert(
      "AiFactoryTeamTokenBudgetExhausted",
      `${RECORDED.teamOverBudgetTokensPerSecond}${matchers([
        ["environment", "=", input.environment],
        [AI_GATEWAY_TEAM_LABEL, "=", team],
      ])} > 0`,
      "1m",
      "info",
      { environment: input.environment, [AI_GATEWAY_TEAM_LABEL]: team },
      `Team ${team} used up a token budget`,
      `Responses to ${team} were charged past one of its gateway.teams.${team}.tokenLimits: the gateway refuses its requests (HTTP 429) until the window resets.`,
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// The rules

/** The names every recording rule of `spec` records. */
export function recordedNames(spec: PrometheusRuleSpec): Set<string> {
  return new Set(spec.groups.flatMap((g) => g.rules.flatMap((r) => ("record" in r ? [r.record] : []))));
}

/** True for a series our PromQL may select: a known exporter series or one of `recorded`. */
export function isKnownSeries(recorded: ReadonlySet<string>): (name: string) => boolean {
  return (name) => KNOWN_METRICS.has(name) || recorded.has(name);
}

/** Every expression of `spec`, keyed by where it is (`<group>/<record or alert>#<n>`). */
export function ruleExpressions(spec: PrometheusRuleSpec): [string, string][] {
  return spec.groups.flatMap((g) =>
    g.rules.map((r, i): [string, string] => [`${g.name}/${"record" in r ? r.record : r.alert}#${i}`, r.expr]),
  );
}

/**
 * The recording and alerting rules of an environment, in four groups: `models` (vLLM rates),
 * `cost` (the cost model as constant series and the live figures beside it), `teams` (with a
 * gateway) and `alerts`. Throws if an expression does not parse or selects an unknown series: that
 * is a bug here, never a problem of the environment file.
 */
export function prometheusRules(input: ObservabilityInput): PrometheusRuleSpec {
  const thresholds: AlertThresholds = { ...DEFAULT_ALERT_THRESHOLDS, ...input.thresholds };
  const figures = costFigures(input);
  const prefix = `ai-factory.${input.environment}`;
  const groups: RuleGroup[] = [
    { name: `${prefix}.models`, rules: modelRules(input) },
    { name: `${prefix}.cost`, rules: costRules(input, figures) },
    ...(input.gateway === undefined ? [] : [{ name: `${prefix}.teams`, rules: teamRules(input, input.gateway) }]),
    {
      name: `${prefix}.alerts`,
      rules: [...modelAlerts(input, thresholds), ...gpuAlerts(input, thresholds), ...(input.gateway ? teamAlerts(input, input.gateway) : [])],
    },
  ].filter((g) => g.rules.length > 0);
  const spec: PrometheusRuleSpec = { groups };
  assertPromql(ruleExpressions(spec), isKnownSeries(recordedNames(spec)));
  return spec;
}

/** A PrometheusRule object holding `spec`; name, namespace and labels (those the Prometheus' ruleSelector matches) from the caller. */
export function prometheusRuleObject(
  spec: PrometheusRuleSpec,
  metadata: { readonly name: string; readonly namespace: string; readonly labels?: Readonly<Record<string, string>> },
): PrometheusRuleObject {
  if (!DNS_SUBDOMAIN.test(metadata.name) || metadata.name.length > 253) {
    throw new Error(`observability: PrometheusRule name must be a DNS subdomain (lower-case letters, digits, "-", "."), got ${JSON.stringify(metadata.name)}`);
  }
  for (const [key, value] of Object.entries(metadata.labels ?? {})) {
    if (!LABEL_KEY.test(key) || !LABEL_VALUE.test(value)) {
      throw new Error(`observability: PrometheusRule label ${JSON.stringify(key)}: ${JSON.stringify(value)} is not a Kubernetes label`);
    }
  }
  const labels = metadata.labels === undefined ? undefined : Object.fromEntries(Object.entries(metadata.labels).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: metadata.name, namespace: metadata.namespace, ...(labels === undefined ? {} : { labels }) },
    spec,
  };
}
