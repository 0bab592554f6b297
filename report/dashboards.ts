/**
 * Grafana dashboards of an environment, built with Grafana's foundation SDK: "ai-factory / models"
 * (a cost row, then a row per served model), "ai-factory / GPUs" (a row per node pool) and, with a
 * gateway, "ai-factory / teams". Every query reads a Prometheus chosen by the `datasource`
 * variable; every expression is checked like the rules' (planning/promql-check.ts). Pure and
 * deterministic: uids come from the environment name, panel ids are numbered in order, keys sorted.
 */
import { AI_GATEWAY_TEAM_LABEL } from "../catalog/metrics";
import {
  type ObservabilityInput,
  RECORDED,
  gpuQueries,
  isKnownSeries,
  modelQueries,
  plannedPeakTokensPerSecond,
  prometheusRules,
  promNumber,
  recordedNames,
  teamBudgetRules,
  teamQueries,
} from "../planning/observability";
import { assertPromql } from "../planning/promql-check";
import { sortKeys } from "./sorted-json";

// The SDK is published with subpath exports only, which this repository's TypeScript setting
// (moduleResolution node) cannot see; the few builder methods used here are typed by hand.

/** A builder of the SDK: configured by chained calls, then built. */
interface Builder {
  build(): unknown;
}

interface DataSourceRef {
  readonly type: string;
  readonly uid: string;
}

interface DataqueryBuilder extends Builder {
  expr(expr: string): this;
  legendFormat(legendFormat: string): this;
  refId(refId: string): this;
  datasource(datasource: DataSourceRef): this;
  instant(): this;
  range(): this;
}

interface PanelBuilderCommon extends Builder {
  id(id: number): this;
  title(title: string): this;
  description(description: string): this;
  datasource(datasource: DataSourceRef): this;
  withTarget(target: Builder): this;
  height(h: number): this;
  span(w: number): this;
  unit(unit: string): this;
  min(min: number): this;
  max(max: number): this;
  noValue(noValue: string): this;
}

interface TimeseriesPanelBuilder extends PanelBuilderCommon {
  legend(legend: Builder): this;
  fillOpacity(fillOpacity: number): this;
}

interface StatPanelBuilder extends PanelBuilderCommon {
  reduceOptions(reduceOptions: Builder): this;
  graphMode(graphMode: "none" | "line" | "area"): this;
}

interface RowBuilder extends Builder {
  id(id: number): this;
  collapsed(collapsed: boolean): this;
  withPanel(panel: Builder): this;
}

interface DatasourceVariableBuilder extends Builder {
  type(pluginId: string): this;
  label(label: string): this;
}

interface DashboardBuilder {
  uid(uid: string): this;
  description(description: string): this;
  tags(tags: string[]): this;
  time(time: { from: string; to: string }): this;
  refresh(refresh: string): this;
  readonly(): this;
  withVariable(variable: Builder): this;
  withRow(row: Builder): this;
  build(): Record<string, unknown>;
}

interface VizLegendOptionsBuilder extends Builder {
  displayMode(displayMode: "list" | "table" | "hidden"): this;
  placement(placement: "bottom" | "right"): this;
  showLegend(showLegend: boolean): this;
  calcs(calcs: string[]): this;
}

interface ReduceDataOptionsBuilder extends Builder {
  calcs(calcs: string[]): this;
}

/* eslint-disable @typescript-eslint/no-require-imports */
const dashboardSdk = require("@grafana/grafana-foundation-sdk/dashboard") as {
  DashboardBuilder: new (title: string) => DashboardBuilder;
  RowBuilder: new (title: string) => RowBuilder;
  DatasourceVariableBuilder: new (name: string) => DatasourceVariableBuilder;
};
const timeseriesSdk = require("@grafana/grafana-foundation-sdk/timeseries") as { PanelBuilder: new () => TimeseriesPanelBuilder };
const statSdk = require("@grafana/grafana-foundation-sdk/stat") as { PanelBuilder: new () => StatPanelBuilder };
const prometheusSdk = require("@grafana/grafana-foundation-sdk/prometheus") as { DataqueryBuilder: new () => DataqueryBuilder };
const commonSdk = require("@grafana/grafana-foundation-sdk/common") as {
  VizLegendOptionsBuilder: new () => VizLegendOptionsBuilder;
  ReduceDataOptionsBuilder: new () => ReduceDataOptionsBuilder;
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The dashboards' Prometheus: the `datasource` variable, so one JSON works on any Grafana. */
const DATASOURCE: DataSourceRef = { type: "prometheus", uid: "${datasource}" };

/** A dashboard ready to provision. */
export interface GeneratedDashboard {
  readonly uid: string;
  readonly title: string;
  /** The dashboard JSON: keys sorted, two-space indent, final newline. */
  readonly json: string;
}

/** One query of a panel. */
interface Target {
  readonly expr: string;
  /** Legend, with `{{label}}` placeholders. */
  readonly legend: string;
}

/** A panel, before it is built. */
interface PanelSpec {
  readonly kind: "timeseries" | "stat";
  readonly title: string;
  readonly description: string;
  /** Grafana unit id, e.g. `reqps`, `s`, `percentunit`, `currencyUSD`. */
  readonly unit: string;
  readonly targets: readonly Target[];
  /** @default 0 for ratios and counts: only where a floor is meaningful */
  readonly min?: number;
  readonly max?: number;
}

interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

/** Stable: the same environment name always gives the same uid (Grafana allows 40 characters). */
export function dashboardUid(environment: string, kind: string): string {
  const plain = `aif-${environment}-${kind}`;
  if (plain.length <= 40) return plain;
  // FNV-1a, 32 bits: a long name still maps to one uid, the same on every machine.
  let hash = 0x811c9dc5;
  for (const ch of Buffer.from(environment, "utf8")) {
    hash ^= ch;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `aif-${hash.toString(16).padStart(8, "0")}-${kind}`;
}

function target(expr: string, legend: string): Target {
  return { expr, legend };
}

function buildPanel(spec: PanelSpec, id: number): Builder {
  // Every panel is a third of Grafana's 24 columns: the SDK (0.0.21) starts a new line only when a
  // line reaches 24 exactly, so mixed widths (a 6-wide stat before 8-wide charts) overflow the grid.
  const width = 8;
  const panel =
    spec.kind === "stat"
      ? new statSdk.PanelBuilder().graphMode("area").reduceOptions(new commonSdk.ReduceDataOptionsBuilder().calcs(["lastNotNull"]))
      : new timeseriesSdk.PanelBuilder()
          .fillOpacity(10)
          .legend(new commonSdk.VizLegendOptionsBuilder().displayMode("list").placement("bottom").showLegend(true).calcs([]));
  panel.id(id).title(spec.title).description(spec.description).datasource(DATASOURCE).unit(spec.unit).height(8).span(width).noValue("no data");
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.max !== undefined) panel.max(spec.max);
  spec.targets.forEach((t, i) => {
    const query = new prometheusSdk.DataqueryBuilder()
      .refId(String.fromCharCode(65 + i))
      .expr(t.expr)
      .legendFormat(t.legend)
      .datasource(DATASOURCE);
    panel.withTarget(spec.kind === "stat" ? query.instant() : query.range());
  });
  return panel;
}

function buildDashboard(input: ObservabilityInput, kind: string, title: string, description: string, rows: readonly RowSpec[]): GeneratedDashboard {
  const uid = dashboardUid(input.environment, kind);
  const builder = new dashboardSdk.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(["ai-factory", input.environment])
    .time({ from: "now-6h", to: "now" })
    .refresh("1m")
    .readonly()
    .withVariable(new dashboardSdk.DatasourceVariableBuilder("datasource").type("prometheus").label("Prometheus"));
  let id = 1;
  for (const row of rows) {
    const rowBuilder = new dashboardSdk.RowBuilder(row.title).id(id++).collapsed(true);
    for (const panel of row.panels) rowBuilder.withPanel(buildPanel(panel, id++));
    builder.withRow(rowBuilder);
  }
  const json = `${JSON.stringify(sortKeys(builder.build(), `dashboard ${uid}`), null, 2)}\n`;
  return { uid, title, json };
}

const envSel = (environment: string, extra: readonly (readonly [string, string])[] = []): string =>
  `{${[["environment", environment] as const, ...extra].map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ")}}`;

function costRow(input: ObservabilityInput): RowSpec {
  const e = input.environment;
  const file = input.costFile ?? `costs/${e}.json`;
  return {
    title: "Cost: planned against live",
    panels: [
      {
        kind: "stat",
        title: "Cost per hour (planned)",
        description: `The environment's TCO per hour: ${file} monthly.tcoUsd / hoursPerMonth (recorded by the ai-factory PrometheusRule).`,
        unit: "currencyUSD",
        targets: [target(`${RECORDED.costUsdPerHour}${envSel(e)}`, "planned")],
      },
      {
        kind: "timeseries",
        title: "$ per million tokens: planned vs live",
        description: `Planned: ${file} usdPerMillionTokens (TCO over the tokens the plan serves). Live: the hourly cost over the tokens vLLM served in the last 5 minutes, per hour; high when the factory idles.`,
        unit: "currencyUSD",
        min: 0,
        targets: [
          ...(input.costs.usdPerMillionTokens === null ? [] : [target(`${RECORDED.plannedUsdPerMtok}${envSel(e)}`, "planned")]),
          ...(input.plan.models.length === 0 ? [] : [target(`${RECORDED.liveUsdPerMtok}${envSel(e)}`, "live")]),
        ],
      },
      ...(input.plan.models.length === 0
        ? []
        : [
            {
              kind: "timeseries",
              title: "$ per million tokens by model (live)",
              description: "Each model's share of its pool's hourly cost (its GPUs × planned replicas) over the tokens it served.",
              unit: "currencyUSD",
              min: 0,
              targets: [target(`${RECORDED.modelLiveUsdPerMtok}${envSel(e)}`, "{{model_name}}")],
            } as const,
          ]),
      {
        kind: "timeseries",
        title: "Energy cost per hour: planned vs measured",
        description: `Planned: ${file} monthly.energyUsd / hoursPerMonth (whole servers at costs.utilization, × PUE). Measured: the GPUs' energy counters (DCGM, boards only) × costs.pue × costs.electricityUsdPerKwh, so it stays below the planned figure.`,
        unit: "currencyUSD",
        min: 0,
        targets: [
          target(`${RECORDED.plannedEnergyUsdPerHour}${envSel(e)}`, "planned"),
          ...(input.plan.pools.some((p) => p.pool.nodes.length > 0) ? [target(`${RECORDED.measuredEnergyUsdPerHour}${envSel(e)}`, "measured (GPUs)")] : []),
        ],
      },
    ],
  };
}

function modelRows(input: ObservabilityInput): RowSpec[] {
  const e = input.environment;
  const models = [...input.plan.models].sort((a, b) => (a.model.servedName < b.model.servedName ? -1 : 1));
  return models.map((model) => {
    const name = model.model.servedName;
    const q = modelQueries(input.modelsNamespace, name);
    const peak = plannedPeakTokensPerSecond(model);
    const target95 = model.model.deployment.demand?.maxSecondsPerOutputToken;
    const ttftTarget = model.model.deployment.demand?.maxSecondsToFirstToken;
    const a = model.allocation;
    return {
      title: `Model ${name}: ${model.model.replicas.max} × ${a.count} ${a.resourceName} on ${model.model.pool.name}`,
      panels: [
        {
          kind: "timeseries",
          title: "Requests per second",
          description: "Finished requests (vllm:request_success_total).",
          unit: "reqps",
          min: 0,
          targets: [target(q.requestsPerSecond, "requests")],
        },
        {
          kind: "timeseries",
          title: "Tokens per second",
          description:
            "Prompt (prefill, cached prefixes included) and generated tokens." +
            (peak === undefined ? "" : ` Planned peak: models.${name}.demand tokensPerDay / 86400 × peakToAverage.`),
          unit: "short",
          min: 0,
          targets: [
            target(q.promptTokensPerSecond, "in (prompt)"),
            target(q.generationTokensPerSecond, "out (generated)"),
            ...(peak === undefined ? [] : [target(`${RECORDED.modelPlannedPeakTokensPerSecond}${envSel(e, [["model_name", name]])}`, "planned peak")]),
          ],
        },
        {
          kind: "timeseries",
          title: "Time to first token",
          description:
            "Percentiles of vllm:time_to_first_token_seconds over 5 minutes." +
            (ttftTarget === undefined ? "" : ` Target: models.${name}.demand.maxSecondsToFirstToken (alert on p95).`),
          unit: "s",
          min: 0,
          targets: [
            target(q.ttftSeconds(0.5), "p50"),
            target(q.ttftSeconds(0.95), "p95"),
            ...(ttftTarget === undefined ? [] : [target(`vector(${promNumber(ttftTarget)})`, "target")]),
          ],
        },
        {
          kind: "timeseries",
          title: "Inter-token latency",
          description:
            "Percentiles of vllm:inter_token_latency_seconds over 5 minutes." +
            (target95 === undefined ? "" : ` Target: models.${name}.demand.maxSecondsPerOutputToken (alert on p95).`),
          unit: "s",
          min: 0,
          targets: [
            target(q.interTokenLatencySeconds(0.5), "p50"),
            target(q.interTokenLatencySeconds(0.95), "p95"),
            ...(target95 === undefined ? [] : [target(`vector(${promNumber(target95)})`, "target")]),
          ],
        },
        {
          kind: "timeseries",
          title: "Requests waiting and running",
          description: "vLLM's queue (what the autoscaler reads) and its running batch, all replicas.",
          unit: "short",
          min: 0,
          targets: [target(q.requestsWaiting, "waiting"), target(q.requestsRunning, "running")],
        },
        {
          kind: "timeseries",
          title: "KV-cache use",
          description: "The fullest replica's share of KV-cache blocks in use (vllm:kv_cache_usage_perc).",
          unit: "percentunit",
          min: 0,
          max: 1,
          targets: [target(q.kvCacheUsage, "max over replicas")],
        },
        {
          kind: "timeseries",
          title: "Prefix-cache hit rate",
          description: "Prompt tokens found in the prefix cache over tokens looked up, 5 minutes.",
          unit: "percentunit",
          min: 0,
          max: 1,
          targets: [target(q.prefixCacheHitRatio, "hit rate")],
        },
        {
          kind: "stat",
          title: "Replicas scraped",
          description: `Targets of the ${name} ServiceMonitor that answered their last scrape (up == 1).`,
          unit: "short",
          targets: [target(q.replicasUp, "up")],
        },
      ],
    };
  });
}

function gpuRows(input: ObservabilityInput): RowSpec[] {
  const e = input.environment;
  const pools = [...input.plan.pools].filter((p) => p.pool.nodes.length > 0).sort((a, b) => (a.pool.name < b.pool.name ? -1 : 1));
  return pools.map((p) => {
    const q = gpuQueries(p.pool.nodes);
    const legend = "{{Hostname}} GPU {{gpu}}";
    return {
      title: `Pool ${p.pool.name}: ${p.pool.nodes.length} × ${p.pool.server.id} (${p.pool.server.gpusPerServer} × ${p.pool.gpu.id})`,
      panels: [
        { kind: "timeseries", title: "GPU utilization", description: "DCGM_FI_DEV_GPU_UTIL.", unit: "percent", min: 0, max: 100, targets: [target(q.utilizationPercent, legend)] },
        { kind: "timeseries", title: "GPU memory used", description: "DCGM_FI_DEV_FB_USED, MiB.", unit: "mbytes", min: 0, targets: [target(q.memoryUsedMiB, legend)] },
        { kind: "timeseries", title: "Power", description: "DCGM_FI_DEV_POWER_USAGE, board power.", unit: "watt", min: 0, targets: [target(q.powerW, legend)] },
        { kind: "timeseries", title: "Temperature", description: "DCGM_FI_DEV_GPU_TEMP.", unit: "celsius", targets: [target(q.temperatureC, legend)] },
        {
          kind: "timeseries",
          title: "Last XID error",
          description: "DCGM_FI_DEV_XID_ERRORS: the code of the last XID the driver reported (0: none).",
          unit: "none",
          min: 0,
          targets: [target(q.xidCode, legend)],
        },
        {
          kind: "timeseries",
          title: "Energy: power and cost",
          description: "The pool's GPU energy counters as power (kW), and their cost per hour at the cost file's PUE and electricity price.",
          unit: "short",
          min: 0,
          targets: [
            target(q.energyKw, "GPU power (kW)"),
            target(`${RECORDED.poolMeasuredEnergyUsdPerHour}${envSel(e, [["pool", p.pool.name]])}`, "energy cost (USD/h)"),
          ],
        },
      ],
    };
  });
}

const WINDOW_SECONDS = { minute: 60, hour: 3600, day: 86_400 } as const;

function teamRows(input: ObservabilityInput): RowSpec[] {
  const gateway = input.gateway;
  if (gateway === undefined) return [];
  const e = input.environment;
  const labelNote = `Needs the AI Gateway's team label: controller.metricsRequestHeaderAttributes = "${gateway.tenantHeader}:ai_factory.team" (empty by default, and then these panels stay empty).`;
  const budgetNote = "From Envoy's ratelimit service (tokens charged to the team's budget when each response completes).";
  const budgets = teamBudgetRules(gateway);
  const all: { title: string; panels: PanelSpec[] } = {
    title: "All teams",
    panels: [
      {
        kind: "timeseries",
        title: "Tokens per second by team",
        description: `Input and output tokens through the gateway (gen_ai_client_token_usage). ${labelNote}`,
        unit: "short",
        min: 0,
        targets: [target(`sum by (${AI_GATEWAY_TEAM_LABEL}) (${RECORDED.teamTokensPerSecond}${envSel(e)})`, `{{${AI_GATEWAY_TEAM_LABEL}}}`)],
      },
    ],
  };
  if (budgets.length > 0) {
    all.panels.push(
      {
        kind: "timeseries",
        title: "Tokens charged to budgets per second",
        description: `${budgetNote} Teams without tokenLimits have no budget and no series.`,
        unit: "short",
        min: 0,
        targets: [target(`${RECORDED.teamBudgetTokensPerSecond}${envSel(e)}`, `{{${AI_GATEWAY_TEAM_LABEL}}}`)],
      },
      {
        kind: "timeseries",
        title: "Tokens charged past a budget per second",
        description: "ratelimit_service_rate_limit_over_limit: above 0, the team's requests are refused (429) until the window resets. Refused requests themselves are not counted by the ratelimit service (they are checked at cost 0).",
        unit: "short",
        min: 0,
        targets: [target(`${RECORDED.teamOverBudgetTokensPerSecond}${envSel(e)}`, `{{${AI_GATEWAY_TEAM_LABEL}}}`)],
      },
    );
  }
  const perTeam = [...gateway.teams]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((team): RowSpec => {
      const q = teamQueries(gateway, team.name);
      const limits = budgets.filter((r) => r.team === team.name);
      const panels: PanelSpec[] = [
        {
          kind: "timeseries",
          title: "Tokens per second",
          description: `Input and output tokens of ${team.name} through the gateway. ${labelNote}`,
          unit: "short",
          min: 0,
          targets: [target(q.tokensPerSecondByType, "{{gen_ai_token_type}}")],
        },
        {
          kind: "timeseries",
          title: "Requests per second",
          description: `Requests of ${team.name} through the gateway (gen_ai_server_request_duration_seconds_count). ${labelNote}`,
          unit: "reqps",
          min: 0,
          targets: [target(q.requestsPerSecond, "requests")],
        },
      ];
      if (q.budgetTokensPerSecond !== undefined && q.overBudgetTokensPerSecond !== undefined) {
        panels.push(
          {
            kind: "timeseries",
            title: "Budget: tokens charged per second",
            description: `${budgetNote} Each limit is drawn as the average rate it allows (gateway.teams.${team.name}.tokenLimits).`,
            unit: "short",
            min: 0,
            targets: [
              target(q.budgetTokensPerSecond, "charged"),
              ...limits.map((l) => target(`vector(${promNumber(l.tokens / WINDOW_SECONDS[l.per])})`, `limit ${l.tokens} per ${l.per}`)),
            ],
          },
          {
            kind: "timeseries",
            title: "Tokens charged past the budget per second",
            description: "Above 0: the gateway refuses the team's requests until the window resets.",
            unit: "short",
            min: 0,
            targets: [target(q.overBudgetTokensPerSecond, "over budget")],
          },
        );
      }
      return { title: `Team ${team.name}: ${team.models.length} model${team.models.length === 1 ? "" : "s"}`, panels };
    });
  return [all, ...perTeam];
}

/** Every `expr` of a dashboard's panels (rows included), keyed `<dashboard uid>/<panel title>#<refId>`. */
export function dashboardExpressions(dashboard: GeneratedDashboard): [string, string][] {
  const out: [string, string][] = [];
  const visit = (panels: unknown): void => {
    if (!Array.isArray(panels)) return;
    for (const panel of panels as { title?: string; panels?: unknown; targets?: { expr?: string; refId?: string }[] }[]) {
      for (const t of panel.targets ?? []) if (typeof t.expr === "string") out.push([`${dashboard.uid}/${panel.title}#${t.refId}`, t.expr]);
      visit(panel.panels);
    }
  };
  visit((JSON.parse(dashboard.json) as { panels?: unknown }).panels);
  return out;
}

/**
 * The environment's dashboards: models (with the cost row), GPUs and, with a gateway, teams.
 * Throws if a query does not parse or selects a series that is neither exported by a pinned
 * component nor recorded by `prometheusRules(input)`.
 */
export function environmentDashboards(input: ObservabilityInput): GeneratedDashboard[] {
  const e = input.environment;
  const dashboards = [
    buildDashboard(
      input,
      "models",
      `ai-factory / models (${e})`,
      `Served models of ${e}: traffic, latency, queue and caches from vLLM, and the cost model beside live tokens. Generated by ai-factory; edit the environment file, not this dashboard.`,
      [costRow(input), ...modelRows(input)],
    ),
    buildDashboard(
      input,
      "gpus",
      `ai-factory / GPUs (${e})`,
      `GPUs of ${e}'s node pools, from the DCGM exporter. Generated by ai-factory.`,
      gpuRows(input),
    ),
    ...(input.gateway === undefined
      ? []
      : [
          buildDashboard(
            input,
            "teams",
            `ai-factory / teams (${e})`,
            `Teams calling ${e}'s gateway: tokens from the Envoy AI Gateway, budgets from Envoy's ratelimit service. Generated by ai-factory.`,
            teamRows(input),
          ),
        ]),
  ];
  const known = isKnownSeries(recordedNames(prometheusRules(input)));
  assertPromql(dashboards.flatMap(dashboardExpressions), known);
  return dashboards;
}
