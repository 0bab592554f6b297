/**
 * `<env>.svg`: cumulative cost over the horizon, on-prem against each alternative, with the
 * break-even points marked. Built as a vega-lite spec and rendered to SVG by vega in Node (no
 * browser, no canvas). Deterministic: no random ids, no clock, fixed colours and sort orders.
 */
import * as vega from "vega";
import * as vegaLite from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import { ON_PREM_ID, onPremCumulativeUsd, type CostSummary } from "../planning/tco";
import { formatMonths, formatUsdCompact } from "./format";

/** Options of the cost chart. */
export interface CostSvgOptions {
  /** @default - the longest of the summary's horizonMonths */
  readonly horizonMonths?: number;
  /** Plot area width, px. @default 640 */
  readonly width?: number;
  /** Plot area height, px. @default 360 */
  readonly height?: number;
}

/** One point of a cumulative-cost line; `order` sorts points that share a month (a re-purchase). */
export interface CostChartPoint {
  readonly series: string;
  readonly month: number;
  readonly usd: number;
  readonly order: number;
}

/** A break-even marker: where on-prem spend meets an alternative's. */
export interface BreakEvenMarker {
  readonly series: string;
  readonly month: number;
  readonly usd: number;
  readonly label: string;
  /** Where the label sits, USD (stacked above the marker so close break-evens stay readable). */
  readonly labelUsd: number;
}

/** Colours in series order: on-prem first, then alternatives (Tableau 10, colour-blind friendly order). */
const PALETTE = ["#1f1f1f", "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

/** The chart's data: a point per month per series, and the break-even markers inside the horizon. */
export function costChartData(
  summary: CostSummary,
  horizonMonths: number,
): { readonly lines: readonly CostChartPoint[]; readonly breakEvens: readonly BreakEvenMarker[] } {
  const opex = summary.monthly.opexUsd;
  const periodMonths = 12 * summary.amortizationYears;
  const lines: CostChartPoint[] = [];
  let order = 0;
  for (let month = 0; month <= horizonMonths; month++) {
    lines.push({ series: ON_PREM_ID, month, usd: onPremCumulativeUsd(month, summary.capexUsd, opex, summary.amortizationYears), order: order++ });
    // The next period's purchase lands right after its first month boundary: draw it as a vertical step.
    if (month < horizonMonths && Number.isInteger(month / periodMonths) && month > 0) {
      lines.push({
        series: ON_PREM_ID,
        month,
        usd: onPremCumulativeUsd(month + 1, summary.capexUsd, opex, summary.amortizationYears) - opex,
        order: order++,
      });
    }
  }
  for (const alternative of summary.alternatives) {
    for (let month = 0; month <= horizonMonths; month++) {
      lines.push({ series: alternative.id, month, usd: month * alternative.monthlyUsd, order: order++ });
    }
  }
  const top = Math.max(...lines.map((p) => p.usd));
  const breakEvens: BreakEvenMarker[] = [];
  for (const alternative of summary.alternatives) {
    const be = alternative.breakEvenMonths;
    if (be !== null && be <= horizonMonths) {
      const usd = be * alternative.monthlyUsd;
      breakEvens.push({
        series: alternative.id,
        month: be,
        usd,
        label: `break-even vs ${alternative.id}: ${formatMonths(be)}`,
        labelUsd: usd + (breakEvens.length + 1) * 0.07 * top,
      });
    }
  }
  return { lines, breakEvens };
}

/** The vega-lite spec of the chart (exported for tests and for anyone who wants another renderer). */
export function costChartSpec(env: string, summary: CostSummary, options: CostSvgOptions = {}): TopLevelSpec {
  const horizon = options.horizonMonths ?? Math.max(...summary.horizonMonths);
  if (!(Number.isInteger(horizon) && horizon >= 1)) {
    throw new Error(`cost-svg: horizonMonths: must be a whole number of months ≥ 1, got ${String(horizon)}`);
  }
  const { lines, breakEvens } = costChartData(summary, horizon);
  const series = [ON_PREM_ID, ...summary.alternatives.map((a) => a.id)];
  const range = series.map((_, i) => PALETTE[i % PALETTE.length]);
  const x = {
    field: "month",
    type: "quantitative" as const,
    title: "Months",
    scale: { domain: [0, horizon], nice: false },
  };
  const y = {
    field: "usd",
    type: "quantitative" as const,
    title: "Cumulative cost (USD)",
    // d3's SI prefix for 1e9 is G; money reads better as B.
    axis: { format: "$,.3~s", labelExpr: "replace(datum.label, 'G', 'B')" },
  };
  const periodMonths = 12 * summary.amortizationYears;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    description: `${env}: cumulative cost, on-prem against ${summary.alternatives.length} alternatives`,
    title: {
      text: `${env}: cumulative cost over ${horizon} months`,
      subtitle:
        `on-prem: ${formatUsdCompact(summary.capexUsd)} capex at month 0` +
        (horizon > periodMonths ? ` and every ${periodMonths} months` : "") +
        ` + ${formatUsdCompact(summary.monthly.opexUsd)}/month opex`,
      anchor: "start",
    },
    width: options.width ?? 640,
    height: options.height ?? 360,
    background: "white",
    config: { font: "sans-serif", view: { stroke: "#ddd" } },
    layer: [
      {
        data: { values: lines as unknown as Record<string, unknown>[] },
        mark: { type: "line", strokeWidth: 2 },
        encoding: {
          x,
          y,
          order: { field: "order", type: "quantitative" },
          color: {
            field: "series",
            type: "nominal",
            title: null,
            sort: series,
            scale: { domain: series, range },
            legend: { orient: "top-left", direction: "vertical" },
          },
          strokeDash: {
            condition: { test: `datum.series === '${ON_PREM_ID}'`, value: [1, 0] },
            value: [6, 3],
          },
        },
      },
      {
        data: { values: breakEvens as unknown as Record<string, unknown>[] },
        mark: { type: "rule", strokeDash: [2, 2], color: "#888" },
        encoding: { x },
      },
      {
        data: { values: breakEvens as unknown as Record<string, unknown>[] },
        mark: { type: "rule", color: "#bbb" },
        encoding: { x, y, y2: { field: "labelUsd" } },
      },
      {
        data: { values: breakEvens as unknown as Record<string, unknown>[] },
        mark: { type: "point", shape: "diamond", size: 120, filled: true, color: "#d62728", description: "break-even" },
        encoding: { x, y },
      },
      {
        data: { values: breakEvens as unknown as Record<string, unknown>[] },
        mark: { type: "text", align: "left", dx: 6, fontSize: 11, color: "#333" },
        encoding: { x, y: { ...y, field: "labelUsd" }, text: { field: "label", type: "nominal" } },
      },
    ],
  };
}

/** Renders `<env>.svg`. Async because vega's renderer is. */
export async function renderCostSvg(env: string, summary: CostSummary, options: CostSvgOptions = {}): Promise<string> {
  const compiled = vegaLite.compile(costChartSpec(env, summary, options)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return svg.endsWith("\n") ? svg : `${svg}\n`;
  } finally {
    view.finalize();
  }
}
