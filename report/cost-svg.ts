/**
 * `<env>.svg`: cumulative cost over the horizon, on-prem against each alternative, with the
 * break-even points marked. Built as a vega-lite spec and rendered to SVG by vega in Node (no
 * browser, no canvas). Deterministic: no random ids, no clock, fixed colours and sort orders.
 *
 * Readable whatever the numbers:
 * - no text is drawn over the plot: each series' break-even ("breaks even after 9.8 months",
 *   "never breaks even", "… past this chart") is its legend label, below the plot, one per line,
 *   so labels overlap neither each other nor the lines; the plot marks each break-even with a
 *   diamond on the lines' crossing and a dashed rule at its month;
 * - when the series end more than 10× apart (an API at $380/month beside $1.76M of servers), the
 *   cost axis is logarithmic, so the cheap lines are not flattened onto the axis; the subtitle
 *   says so. A log axis has no 0: each series starts at its first month with a cost.
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
}

/** A series as the legend names it: its id and, for an alternative, when on-prem breaks even against it. */
export interface SeriesLabel {
  readonly series: string;
  readonly label: string;
}

/** Series ending more than this many times apart get a logarithmic cost axis. */
export const LOG_SCALE_RATIO = 10;

/** Colours in series order: on-prem first, then alternatives (Tableau 10, colour-blind friendly order). */
const PALETTE = ["#1f1f1f", "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

/** The chart's data: a point per month per series, and the break-even markers inside the horizon. */
export function costChartData(
  summary: CostSummary,
  horizonMonths: number,
): {
  readonly lines: readonly CostChartPoint[];
  readonly breakEvens: readonly BreakEvenMarker[];
  /** On-prem first, then the alternatives in order. */
  readonly labels: readonly SeriesLabel[];
  /** `log` when the series end more than `LOG_SCALE_RATIO` times apart. */
  readonly scale: "linear" | "log";
} {
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
  const breakEvens: BreakEvenMarker[] = [];
  const labels: SeriesLabel[] = [{ series: ON_PREM_ID, label: ON_PREM_ID }];
  for (const alternative of summary.alternatives) {
    const be = alternative.breakEvenMonths;
    if (be !== null && be <= horizonMonths) {
      breakEvens.push({ series: alternative.id, month: be, usd: be * alternative.monthlyUsd, label: `break-even vs ${alternative.id}: ${formatMonths(be)}` });
    }
    labels.push({
      series: alternative.id,
      label:
        be === null
          ? `${alternative.id}: never breaks even (costs less per month than on-prem opex)`
          : be <= horizonMonths
            ? `${alternative.id}: breaks even after ${formatMonths(be)}`
            : `${alternative.id}: breaks even after ${formatMonths(be)}, past this chart`,
    });
  }
  // How far apart the series end: the dearest over the cheapest that costs anything.
  const ends = labels.map(({ series }) => Math.max(0, ...lines.filter((p) => p.series === series).map((p) => p.usd))).filter((usd) => usd > 0);
  const scale = ends.length > 1 && Math.max(...ends) > LOG_SCALE_RATIO * Math.min(...ends) ? "log" : "linear";
  return { lines, breakEvens, labels, scale };
}

/** The powers of ten from the one at or below `min` to the one at or above `max`: `(380, 2.2e6)` → 100 … 10,000,000. */
export function powersOfTen(min: number, max: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) out.push(Number(`1e${e}`));
  return out;
}

/** The vega-lite spec of the chart (exported for tests and for anyone who wants another renderer). */
export function costChartSpec(env: string, summary: CostSummary, options: CostSvgOptions = {}): TopLevelSpec {
  const horizon = options.horizonMonths ?? Math.max(...summary.horizonMonths);
  if (!(Number.isInteger(horizon) && horizon >= 1)) {
    throw new Error(`cost-svg: horizonMonths: must be a whole number of months ≥ 1, got ${String(horizon)}`);
  }
  const { lines, breakEvens, labels, scale } = costChartData(summary, horizon);
  const series = labels.map((l) => l.series);
  const positive = lines.map((p) => p.usd).filter((usd) => usd > 0);
  const decades = powersOfTen(Math.min(...positive), Math.max(...positive));
  // The legend names each series with its break-even; vega expressions take JSON string literals.
  const labelExpr = labels.reduceRight((rest, l) => `datum.label === ${JSON.stringify(l.series)} ? ${JSON.stringify(l.label)} : ${rest}`, "datum.label");
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
    title: scale === "log" ? "Cumulative cost (USD, log scale)" : "Cumulative cost (USD)",
    scale: scale === "log" ? { type: "log" as const, domain: [decades[0], decades[decades.length - 1]], nice: false } : { type: "linear" as const, zero: true },
    // d3's SI prefix for 1e9 is G; money reads better as B. A log axis is ruled at powers of ten only.
    axis: { format: "$,.3~s", labelExpr: "replace(datum.label, 'G', 'B')", ...(scale === "log" ? { values: decades } : {}) },
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
        // A log axis has no 0: an alternative's line starts at its first month.
        data: { values: (scale === "log" ? lines.filter((p) => p.usd > 0) : lines) as unknown as Record<string, unknown>[] },
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
            // Below the plot, one series per line: nothing is written over the lines.
            legend: { orient: "bottom", direction: "vertical", columns: 1, labelExpr, labelLimit: 1000, labelFontSize: 11 },
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
        // Its aria-label reads `break-even vs aws-p5: 9.8 months`, not vega's default `Months: 9.8181818…`.
        encoding: { x, description: { field: "label", type: "nominal" } },
      },
      {
        data: { values: breakEvens as unknown as Record<string, unknown>[] },
        mark: { type: "point", shape: "diamond", size: 120, filled: true, color: "#d62728", description: "break-even" },
        encoding: { x, y },
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
