import * as fs from "node:fs";
import * as path from "node:path";

import { planCosts } from "../../planning/costs";
import { planGateway } from "../../planning/gateway";
import { type ObservabilityInput, RECORDED, isKnownSeries, prometheusRules, recordedNames } from "../../planning/observability";
import { checkPromql } from "../../planning/promql-check";
import { type GeneratedDashboard, dashboardExpressions, dashboardUid, environmentDashboards } from "../../report/dashboards";
import { plannedFromYaml } from "../helpers/env";

const REPO = path.resolve(__dirname, "..", "..");
const EXAMPLES = ["dev", "staging", "prod"] as const;

function exampleInput(name: (typeof EXAMPLES)[number]): ObservabilityInput {
  const { env, plan } = plannedFromYaml(fs.readFileSync(path.join(REPO, "environments", `${name}.yaml`), "utf8"));
  const { costs } = planCosts(env, plan);
  return { environment: name, plan, costs: costs.summary, modelsNamespace: env.config.namespaces.models, gateway: planGateway(env) };
}

interface PanelJson {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly datasource?: { type: string; uid: string };
  readonly panels?: PanelJson[];
  readonly targets?: { expr: string; legendFormat: string; datasource: { type: string; uid: string } }[];
}

interface DashboardJson {
  readonly uid: string;
  readonly title: string;
  readonly tags: string[];
  readonly editable: boolean;
  readonly templating: { list: { type: string; name: string; query: string }[] };
  readonly panels: PanelJson[];
}

function parsed(d: GeneratedDashboard): DashboardJson {
  return JSON.parse(d.json) as DashboardJson;
}

/** Row title → titles of its panels. */
function layout(d: GeneratedDashboard): [string, string[]][] {
  return parsed(d).panels.map((row) => [row.title, (row.panels ?? []).map((p) => p.title)]);
}

const PROD = exampleInput("prod");
const PROD_DASHBOARDS = environmentDashboards(PROD);
const byUid = (uid: string) => PROD_DASHBOARDS.find((d) => d.uid === uid)!;

const MODEL_PANELS = [
  "Requests per second",
  "Tokens per second",
  "Time to first token",
  "Inter-token latency",
  "Requests waiting and running",
  "KV-cache use",
  "Prefix-cache hit rate",
  "Replicas scraped",
];

describe("environmentDashboards", () => {
  test.each(EXAMPLES)("GIVEN %s WHEN laid out THEN every panel lies inside Grafana's 24 columns, and no two panels of a row overlap", (name) => {
    for (const d of environmentDashboards(exampleInput(name))) {
      for (const row of parsed(d).panels) {
        const boxes = (row.panels ?? []).map((p) => (p as unknown as { gridPos: { x: number; y: number; w: number; h: number } }).gridPos);
        for (const b of boxes) expect(b.x + b.w).toBeLessThanOrEqual(24);
        for (let i = 0; i < boxes.length; i++) {
          for (let j = i + 1; j < boxes.length; j++) {
            const [a, c] = [boxes[i], boxes[j]];
            const overlap = a.x < c.x + c.w && c.x < a.x + a.w && a.y < c.y + c.h && c.y < a.y + a.h;
            expect({ dashboard: d.uid, row: row.title, i, j, overlap }).toEqual({ dashboard: d.uid, row: row.title, i, j, overlap: false });
          }
        }
      }
    }
  });

  test.each(EXAMPLES)("GIVEN %s WHEN rendered THEN every panel's query parses and selects only known or recorded series", (name) => {
    const input = exampleInput(name);
    const isKnown = isKnownSeries(recordedNames(prometheusRules(input)));
    const dashboards = environmentDashboards(input);
    for (const d of dashboards) {
      const exprs = dashboardExpressions(d);
      expect(exprs.length).toBeGreaterThan(0);
      for (const [where, expr] of exprs) {
        const check = checkPromql(expr, isKnown);
        expect({ where, syntaxErrors: check.syntaxErrors, unknown: check.unknownMetrics, unchecked: check.uncheckedSelectors }).toEqual({
          where,
          syntaxErrors: [],
          unknown: [],
          unchecked: [],
        });
      }
    }
  });

  test.each(EXAMPLES)("GIVEN %s WHEN rendered twice THEN the JSON is byte for byte the same, parses, and ends with a newline", (name) => {
    const first = environmentDashboards(exampleInput(name));
    const second = environmentDashboards(exampleInput(name));
    expect(second).toEqual(first);
    for (const d of first) {
      expect(() => JSON.parse(d.json)).not.toThrow();
      expect(d.json.endsWith("}\n")).toBe(true);
    }
  });

  test("GIVEN prod with a gateway WHEN rendered THEN there are models, GPUs and teams dashboards with uids from the environment name", () => {
    expect(PROD_DASHBOARDS.map((d) => [d.uid, d.title])).toEqual([
      ["aif-prod-models", "ai-factory / models (prod)"],
      ["aif-prod-gpus", "ai-factory / GPUs (prod)"],
      ["aif-prod-teams", "ai-factory / teams (prod)"],
    ]);
    for (const d of PROD_DASHBOARDS) {
      const json = parsed(d);
      expect(json.uid).toBe(d.uid);
      expect(json.title).toBe(d.title);
      expect(json.tags).toEqual(["ai-factory", "prod"]);
      expect(json.editable).toBe(false);
    }
  });

  test("GIVEN no gateway WHEN rendered THEN there is no teams dashboard", () => {
    expect(environmentDashboards({ ...PROD, gateway: undefined }).map((d) => d.uid)).toEqual(["aif-prod-models", "aif-prod-gpus"]);
  });

  test("GIVEN prod's three models WHEN rendered THEN the models dashboard has the cost row, then one row of eight panels per model", () => {
    expect(layout(byUid("aif-prod-models"))).toEqual([
      [
        "Cost: planned against live",
        ["Cost per hour (planned)", "$ per million tokens: planned vs live", "$ per million tokens by model (live)", "Energy cost per hour: planned vs measured"],
      ],
      ["Model coder: 8 × 2 nvidia.com/gpu on h200", MODEL_PANELS],
      ["Model gpt-oss-120b: 3 × 1 nvidia.com/gpu on h200", MODEL_PANELS],
      ["Model llama-3.3-70b: 2 × 2 nvidia.com/gpu on h200", MODEL_PANELS],
    ]);
  });

  test("GIVEN the cost row WHEN read THEN it sets planned against live $/Mtok and planned against measured energy", () => {
    const cost = parsed(byUid("aif-prod-models")).panels[0].panels!;
    const exprs = (title: string) => cost.find((p) => p.title === title)!.targets!.map((t) => [t.legendFormat, t.expr]);
    expect(exprs("$ per million tokens: planned vs live")).toEqual([
      ["planned", `${RECORDED.plannedUsdPerMtok}{environment="prod"}`],
      ["live", `${RECORDED.liveUsdPerMtok}{environment="prod"}`],
    ]);
    expect(exprs("Energy cost per hour: planned vs measured")).toEqual([
      ["planned", `${RECORDED.plannedEnergyUsdPerHour}{environment="prod"}`],
      ["measured (GPUs)", `${RECORDED.measuredEnergyUsdPerHour}{environment="prod"}`],
    ]);
  });

  test("GIVEN coder's latency target and demand WHEN rendered THEN its panels draw the target and the planned peak", () => {
    const coder = parsed(byUid("aif-prod-models")).panels[1].panels!;
    const latency = coder.find((p) => p.title === "Inter-token latency")!.targets!;
    expect(latency.map((t) => t.legendFormat)).toEqual(["p50", "p95", "target"]);
    expect(latency[2].expr).toBe("vector(0.05)");
    expect(latency[1].expr).toBe('histogram_quantile(0.95, sum by (le) (rate(vllm:inter_token_latency_seconds_bucket{namespace="ai-models", model_name="coder"}[5m])))');
    const tokens = coder.find((p) => p.title === "Tokens per second")!.targets!;
    expect(tokens.map((t) => t.legendFormat)).toEqual(["in (prompt)", "out (generated)", "planned peak"]);
    // gpt-oss-120b has no latency target: no target line.
    const gptOss = parsed(byUid("aif-prod-models")).panels[2].panels!;
    expect(gptOss.find((p) => p.title === "Inter-token latency")!.targets!.map((t) => t.legendFormat)).toEqual(["p50", "p95"]);
  });

  test("GIVEN prod's pool WHEN rendered THEN the GPUs dashboard has one row of six panels selecting its nodes", () => {
    expect(layout(byUid("aif-prod-gpus"))).toEqual([
      [
        "Pool h200: 4 × hgx-h200-8 (8 × h200)",
        ["GPU utilization", "GPU memory used", "Power", "Temperature", "Last XID error", "Energy: power and cost"],
      ],
    ]);
    const util = parsed(byUid("aif-prod-gpus")).panels[0].panels![0].targets![0];
    expect(util.expr).toBe('max by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL{Hostname=~"gpu-prod-01|gpu-prod-02|gpu-prod-03|gpu-prod-04"})');
    expect(util.legendFormat).toBe("{{Hostname}} GPU {{gpu}}");
  });

  test("GIVEN prod's three teams WHEN rendered THEN the teams dashboard has an all-teams row and one row per team, budgets where a team has limits", () => {
    const budget = ["Tokens per second", "Requests per second", "Budget: tokens charged per second", "Tokens charged past the budget per second"];
    expect(layout(byUid("aif-prod-teams"))).toEqual([
      ["All teams", ["Tokens per second by team", "Tokens charged to budgets per second", "Tokens charged past a budget per second"]],
      ["Team assistant: 1 model", budget],
      ["Team developers: 3 models", budget],
      ["Team documents: 1 model", budget],
    ]);
    const assistant = parsed(byUid("aif-prod-teams")).panels[1].panels!;
    expect(assistant[2].targets!.map((t) => [t.legendFormat, t.expr])).toEqual([
      ["charged", 'sum(rate(ratelimit_service_rate_limit_total_hits{domain="ai-gateway/ai-factory-token-limits", key2=~"rule-(0)-match-0_.*"}[5m]))'],
      ["limit 2000000 per minute", `vector(${2_000_000 / 60})`],
      ["limit 150000000 per day", `vector(${150_000_000 / 86_400})`],
    ]);
  });

  test("GIVEN dev's team without token limits WHEN rendered THEN its row and the all-teams row show no budget panels", () => {
    const teams = environmentDashboards(exampleInput("dev")).find((d) => d.uid === "aif-dev-teams")!;
    expect(layout(teams)).toEqual([
      ["All teams", ["Tokens per second by team"]],
      ["Team engineers: 1 model", ["Tokens per second", "Requests per second"]],
    ]);
  });

  test.each(EXAMPLES)("GIVEN %s WHEN rendered THEN every panel and query reads the ${datasource} variable of type prometheus, and panel ids are unique", (name) => {
    for (const d of environmentDashboards(exampleInput(name))) {
      const json = parsed(d);
      expect(json.templating.list).toEqual([expect.objectContaining({ type: "datasource", name: "datasource", query: "prometheus" })]);
      const ids: number[] = [];
      for (const row of json.panels) {
        expect(row.type).toBe("row");
        ids.push(row.id);
        for (const panel of row.panels ?? []) {
          ids.push(panel.id);
          expect(panel.datasource).toEqual({ type: "prometheus", uid: "${datasource}" });
          for (const t of panel.targets ?? []) expect(t.datasource).toEqual({ type: "prometheus", uid: "${datasource}" });
        }
      }
      expect(new Set(ids).size).toBe(ids.length);
    }
  });
});

describe("dashboardUid", () => {
  test("GIVEN a short environment name WHEN named THEN the uid spells it", () => {
    expect(dashboardUid("staging", "gpus")).toBe("aif-staging-gpus");
  });

  test("GIVEN a name too long for Grafana's 40 characters WHEN named THEN the uid is a stable hash of it, unique per name", () => {
    const long = "a-very-long-environment-name-for-the-second-site";
    const uid = dashboardUid(long, "models");
    expect(uid.length).toBeLessThanOrEqual(40);
    expect(uid).toMatch(/^aif-[0-9a-f]{8}-models$/);
    expect(dashboardUid(long, "models")).toBe(uid);
    expect(dashboardUid(`${long}-2`, "models")).not.toBe(uid);
  });
});
