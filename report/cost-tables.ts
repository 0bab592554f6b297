/**
 * The cost summary of one environment as tables and prose (report/table.ts), shared by the
 * Markdown report (report/cost-markdown.ts) and the terminal (report/terminal.ts), so both say
 * the same thing with the same numbers.
 */
import type { EstimateConfidence } from "../planning/throughput-confidence";
import type { FactorySizing } from "../planning/sizing";
import type { AlternativeCost, CostAssumption, CostSummary } from "../planning/tco";
import {
  formatMonths,
  formatNumber,
  formatPercent,
  formatSignificant,
  formatTokens,
  formatUsd,
  formatUsdWhole,
  plural,
} from "./format";
import type { CellInput, Inline, TableData } from "./table";

/** `$1.23` per million tokens, or n/a. */
export function perMillion(value: number | null): string {
  return value === null ? "n/a" : formatUsd(value);
}

/** The alternative with the lowest monthly cost (first in order on ties), if any. */
export function cheapestAlternative(summary: CostSummary): AlternativeCost | undefined {
  let best: AlternativeCost | undefined;
  for (const alternative of summary.alternatives) {
    if (best === undefined || alternative.monthlyUsd < best.monthlyUsd) best = alternative;
  }
  return best;
}

/** `1.400` → `1.4`, `2.000` → `2`; integers untouched. */
export function trimZeros(text: string): string {
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/** `4 years`, `1 year`, `2.5 years`. */
function years(value: number): string {
  return `${trimZeros(formatNumber(value, 1))} ${value === 1 ? "year" : "years"}`;
}

/** A savings percentage, coloured by sign on a terminal (negative: on-prem costs more). */
function savingsCell(value: number | null | undefined): CellInput {
  if (value === null || value === undefined) return "n/a";
  return { text: formatPercent(value), tone: value < 0 ? "bad" : "good" };
}

/** The opening paragraphs: on-prem in one sentence, the cheapest alternative, a shortfall. */
export interface CostHeadline {
  readonly onPrem: Inline;
  /** @default - none when no alternative is configured */
  readonly cheapest?: Inline;
  /** @default - none when capacity carries demand */
  readonly shortfall?: Inline;
}

/** The headline of the cost summary. */
export function costHeadline(summary: CostSummary, sizing?: FactorySizing): CostHeadline {
  const m = summary.monthly;
  const onPrem: Inline = [
    { strong: `On-prem: ${formatUsdWhole(m.tcoUsd)}/month` },
    ` (${formatUsdWhole(m.amortizationUsd)} amortization + ${formatUsdWhole(m.opexUsd)} opex) ` +
      `for ${plural(summary.servers, "server")} / ${plural(summary.gpus, "GPU")} bought for ${formatUsdWhole(summary.capexUsd)}; `,
    { strong: `${perMillion(summary.usdPerMillionTokens)} per million tokens` },
    ` at ${formatTokens(summary.tokens.servedPerMonth)} tokens/month served.`,
  ];
  let cheapest: Inline | undefined;
  const best = cheapestAlternative(summary);
  if (best !== undefined) {
    const longest = summary.horizonMonths[summary.horizonMonths.length - 1];
    const savings = best.savingsPercent[String(longest)];
    cheapest = [
      "Cheapest alternative: ",
      { strong: best.id },
      ` at ${formatUsdWhole(best.monthlyUsd)}/month; `,
      ...(best.breakEvenMonths === null
        ? ["on-prem never breaks even against it (its monthly cost does not exceed on-prem opex)"]
        : ["on-prem breaks even after ", { strong: formatMonths(best.breakEvenMonths) }]),
      ", and ",
      ...(savings === null || savings === undefined
        ? ["saves n/a"]
        : savings >= 0
          ? ["saves ", { strong: formatPercent(savings) }]
          : ["costs ", { strong: `${formatPercent(-savings)} more` }]),
      ` over ${plural(longest, "month")}.`,
    ];
  }
  const short =
    summary.tokens.capacityPerMonth < summary.tokens.demandPerMonth ||
    (sizing !== undefined && sizing.models.some((model) => model.shortfall !== null));
  const shortfall: Inline | undefined = short
    ? [
        { strong: "Capacity short of demand" },
        `: ${formatTokens(summary.tokens.capacityPerMonth)} tokens/month of capacity ` +
          `for ${formatTokens(summary.tokens.demandPerMonth)} demanded; cost per token counts served tokens only.`,
      ]
    : undefined;
  return { onPrem, cheapest, shortfall };
}

/** Monthly on-prem cost by item, with each item's share of the TCO. */
export function monthlyCostTable(summary: CostSummary): TableData {
  const m = summary.monthly;
  const share = (usd: number): string => (m.tcoUsd > 0 ? formatPercent((100 * usd) / m.tcoUsd) : "n/a");
  return {
    head: ["Item", "USD/month", "Share"],
    align: ["left", "right", "right"],
    rows: [
      [`Amortization (${formatUsdWhole(summary.capexUsd)} capex over ${years(summary.amortizationYears)})`, formatUsdWhole(m.amortizationUsd), share(m.amortizationUsd)],
      [`Energy (${formatNumber(summary.averagePowerKw, 1)} kW average)`, formatUsdWhole(m.energyUsd), share(m.energyUsd)],
      [`Space (${formatNumber(summary.maxPowerKw, 1)} kW max)`, formatUsdWhole(m.spaceUsd), share(m.spaceUsd)],
      ["Support", formatUsdWhole(m.supportUsd), share(m.supportUsd)],
      ["Staff", formatUsdWhole(m.staffUsd), share(m.staffUsd)],
      [{ text: "Opex", strong: true }, { text: formatUsdWhole(m.opexUsd), strong: true }, share(m.opexUsd)],
      [{ text: "Total cost of ownership", strong: true }, { text: formatUsdWhole(m.tcoUsd), strong: true }, share(m.tcoUsd)],
    ],
  };
}

/** Tokens per month: demanded, the capacity flat out, and served (the smaller per model). */
export function capacityTable(summary: CostSummary): TableData {
  return {
    head: ["", "Tokens/month"],
    align: ["left", "right"],
    rows: [
      ["Demand", formatTokens(summary.tokens.demandPerMonth)],
      ["Capacity (flat out)", formatTokens(summary.tokens.capacityPerMonth)],
      ["Served", formatTokens(summary.tokens.servedPerMonth)],
    ],
  };
}

/** Each sized model: its peak, one replica's rate, replicas and GPUs planned (needed), load, status. */
export function sizingTable(sizing: FactorySizing): TableData {
  return {
    head: ["Model", "Peak tokens/s", "Tokens/s per replica (at mix)", "Bound by", "Confidence", "Replicas (needed)", "GPUs", "Peak load", "Status"],
    align: ["left", "right", "right", "left", "left", "right", "right", "right", "left"],
    rows: sizing.models.map((model) => [
      model.id,
      formatNumber(model.peakTokensPerSecond),
      formatNumber(model.replicaTokensPerSecond),
      model.boundBy,
      confidenceCell(model.confidence),
      `${formatNumber(model.replicas)} (${formatNumber(model.replicasNeeded)})`,
      formatNumber(model.gpus),
      formatPercent(model.peakLoadPercent),
      model.shortfall !== null
        ? { text: "shortfall", strong: true, tone: "bad" }
        : model.latency.met
          ? { text: "ok", tone: "good" }
          : { text: "latency target missed", strong: true, tone: "bad" },
    ]),
  };
}

/** `high (±9 %)`, `low (±41 %, site)`, `measured`. */
function confidenceCell(c: EstimateConfidence | undefined): string | { text: string; strong: boolean; tone: "bad" } {
  if (c === undefined) return "measured";
  const text = `${c.level} (±${Math.round((Math.exp(c.medianAbsLn) - 1) * 100)} %${c.basis === "site" ? ", site" : ""})`;
  return c.level === "low" ? { text, strong: true, tone: "bad" } : text;
}

/**
 * The sizing's warnings for people, written here from the numbers (not planning's messages) so
 * they follow the report's number formats: a shortfall with what to add, a missed latency target.
 */
export function sizingWarnings(sizing: FactorySizing): string[] {
  const warnings: string[] = [];
  for (const model of sizing.models) {
    const s = model.shortfall;
    if (s !== null) {
      warnings.push(
        `${model.id}: peak demand ${formatNumber(s.peakTokensPerSecond)} tokens/s needs ${plural(s.replicasNeeded, "replica")} ` +
          `(${plural(model.gpusNeeded, "GPU")} at ${formatNumber(model.replicaTokensPerSecond)} tokens/s each); ` +
          `${formatNumber(s.replicasPlanned)} planned carry ${formatNumber(s.capacityTokensPerSecond)} tokens/s ` +
          `(${formatPercent(s.peakTokensPerSecond > 0 ? (100 * s.capacityTokensPerSecond) / s.peakTokensPerSecond : null)} of peak): ` +
          `add ${plural(s.missingReplicas, "replica")} (${plural(s.missingGpus, "GPU")})`,
      );
    }
    if (model.confidence !== undefined && model.confidence.level === "low") {
      const why = model.confidence.summary.replace(/^low: /, "");
      warnings.push(
        `${model.id}: the throughput estimate (bound by ${model.boundBy}) has low confidence: ${why}` +
          (why.includes("measure before buying") ? "" : "; measure one replica before buying (vllm bench serve, then ai-factory calibrate)"),
      );
    }
    const { targetSecondsPerOutputToken: target, estimatedSecondsPerOutputToken: estimated } = model.latency;
    if (!model.latency.met) {
      warnings.push(
        `${model.id}: latency target ${target === null ? "n/a" : formatSignificant(target)} s per output token not met: ` +
          `the estimate is ${estimated === null ? "n/a" : formatSignificant(estimated)} s; pass the target to the throughput ` +
          "estimate (it caps the batch), or use more GPUs per replica or a faster GPU",
      );
    }
  }
  return warnings;
}

/** Each alternative: kind, monthly cost, per million tokens, break-even and savings at each horizon. */
export function alternativesTable(summary: CostSummary): TableData {
  const horizons = summary.horizonMonths;
  return {
    head: ["Alternative", "Kind", "USD/month", "USD per M tokens", "Break-even", ...horizons.map((n) => `Savings at ${plural(n, "month")}`)],
    align: ["left", "left", "right", "right", "right", ...horizons.map(() => "right" as const)],
    rows: summary.alternatives.map((a) => [
      a.id,
      a.kind === "api" ? "API" : a.gpuHoursPerMonth === undefined ? "GPU rental" : `GPU rental (${formatNumber(a.gpuHoursPerMonth)} GPU-h)`,
      formatUsdWhole(a.monthlyUsd),
      perMillion(a.usdPerMillionTokens),
      a.breakEvenMonths === null ? { text: "never", tone: "bad" } : formatMonths(a.breakEvenMonths),
      ...horizons.map((n) => savingsCell(a.savingsPercent[String(n)])),
    ]),
  };
}

/** How break-even and savings are computed, under the alternatives. */
export function alternativesNote(summary: CostSummary): string {
  return (
    `Break-even = capex ÷ (alternative − on-prem opex) per month. Savings at N months = 1 − (capex × ` +
    `purchases in N months + N × opex) ÷ (N × alternative), buying the hardware again every ` +
    `${plural(12 * summary.amortizationYears, "month")}.`
  );
}

/** An assumption's value with its unit: `0.12 USD/kWh`, `$400,000`, `12% of capex/year`. */
export function formatAssumptionValue(a: CostAssumption): string {
  if (typeof a.value === "string") return a.value;
  const text = a.unit === "USD" ? formatUsd(a.value) : trimZeros(formatNumber(a.value, 3));
  if (a.unit === "" || a.unit === "USD") return text;
  return a.unit.startsWith("%") ? `${text}${a.unit}` : `${text} ${a.unit}`;
}

/** Every assumption, its value and its source; `source` says how a source is shown. */
export function assumptionsTable(summary: CostSummary, source: (a: CostAssumption) => string = (a) => a.source): TableData {
  return {
    head: ["Assumption", "Value", "Source"],
    align: ["left", "right", "left"],
    rows: summary.assumptions.map((a) => [a.label, formatAssumptionValue(a), source(a)]),
  };
}
