/**
 * `<env>.md`: the cost summary for a pull request: headline, monthly breakdown, capacity against
 * demand, alternatives with break-even and savings, and every assumption with its source.
 */
import type { FactorySizing } from "../planning/sizing";
import type { AlternativeCost, CostAssumption, CostSummary } from "../planning/tco";
import {
  formatMonths,
  formatNumber,
  formatPercent,
  formatTokens,
  formatUsd,
  mdCell,
} from "./format";

/** Options of the per-environment report. */
export interface CostMarkdownOptions {
  /** The sizing behind the capacity figures; adds a per-model table and the shortfall warnings. */
  readonly sizing?: FactorySizing;
  /** File name of the chart to link, e.g. `prod.svg`. @default - no chart link */
  readonly svgFileName?: string;
}

function table(header: readonly string[], align: readonly ("l" | "r")[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.map(mdCell).join(" | ")} |`,
    `|${align.map((a) => (a === "r" ? "---:" : "---")).join("|")}|`,
    ...rows.map((row) => `| ${row.map(mdCell).join(" | ")} |`),
  ];
}

/** `$1.23` per million tokens, or n/a. */
function perMillion(value: number | null): string {
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
function trimZeros(text: string): string {
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

function formatAssumptionValue(a: CostAssumption): string {
  if (typeof a.value === "string") return a.value;
  const text = a.unit === "USD" ? formatUsd(a.value) : trimZeros(formatNumber(a.value, 3));
  if (a.unit === "" || a.unit === "USD") return text;
  return a.unit.startsWith("%") ? `${text}${a.unit}` : `${text} ${a.unit}`;
}

function headline(env: string, summary: CostSummary, sizing: FactorySizing | undefined): string[] {
  const m = summary.monthly;
  const lines = [
    `## AI factory cost: ${env}`,
    "",
    `**On-prem: ${formatUsd(m.tcoUsd)}/month** (${formatUsd(m.amortizationUsd)} amortization + ${formatUsd(m.opexUsd)} opex) ` +
      `for ${summary.servers} servers / ${summary.gpus} GPUs bought for ${formatUsd(summary.capexUsd)}; ` +
      `**${perMillion(summary.usdPerMillionTokens)} per million tokens** at ${formatTokens(summary.tokens.servedPerMonth)} tokens/month served.`,
  ];
  const best = cheapestAlternative(summary);
  if (best !== undefined) {
    const longest = summary.horizonMonths[summary.horizonMonths.length - 1];
    const savings = best.savingsPercent[String(longest)];
    lines.push(
      "",
      `Cheapest alternative: **${best.id}** at ${formatUsd(best.monthlyUsd)}/month; ` +
        (best.breakEvenMonths === null
          ? "on-prem never breaks even against it (its monthly cost does not exceed on-prem opex)"
          : `on-prem breaks even after **${formatMonths(best.breakEvenMonths)}**`) +
        `, and ${savings === null || savings === undefined ? "saves n/a" : savings >= 0 ? `saves **${formatPercent(savings)}**` : `costs **${formatPercent(-savings)} more**`} over ${longest} months.`,
    );
  }
  const shortfall =
    summary.tokens.capacityPerMonth < summary.tokens.demandPerMonth ||
    (sizing !== undefined && sizing.models.some((model) => model.shortfall !== null));
  if (shortfall) {
    lines.push(
      "",
      `> **Capacity short of demand**: ${formatTokens(summary.tokens.capacityPerMonth)} tokens/month of capacity ` +
        `for ${formatTokens(summary.tokens.demandPerMonth)} demanded; cost per token counts served tokens only.`,
    );
  }
  return lines;
}

/** Renders `<env>.md`. */
export function renderCostMarkdown(env: string, summary: CostSummary, options: CostMarkdownOptions = {}): string {
  const m = summary.monthly;
  const { sizing } = options;
  const out: string[] = [...headline(env, summary, sizing), ""];
  if (options.svgFileName !== undefined) {
    out.push(`![Cumulative cost of ${env}](${options.svgFileName})`, "");
  }

  out.push("### Monthly on-prem cost", "");
  const share = (usd: number): string => (m.tcoUsd > 0 ? formatPercent((100 * usd) / m.tcoUsd) : "n/a");
  out.push(
    ...table(
      ["Item", "USD/month", "Share"],
      ["l", "r", "r"],
      [
        [`Amortization (${formatUsd(summary.capexUsd)} capex over ${trimZeros(formatNumber(summary.amortizationYears, 1))} years)`, formatUsd(m.amortizationUsd), share(m.amortizationUsd)],
        [`Energy (${formatNumber(summary.averagePowerKw, 1)} kW average)`, formatUsd(m.energyUsd), share(m.energyUsd)],
        [`Space (${formatNumber(summary.maxPowerKw, 1)} kW max)`, formatUsd(m.spaceUsd), share(m.spaceUsd)],
        ["Support", formatUsd(m.supportUsd), share(m.supportUsd)],
        ["Staff", formatUsd(m.staffUsd), share(m.staffUsd)],
        ["**Opex**", `**${formatUsd(m.opexUsd)}**`, share(m.opexUsd)],
        ["**Total cost of ownership**", `**${formatUsd(m.tcoUsd)}**`, share(m.tcoUsd)],
      ],
    ),
    "",
  );

  out.push("### Capacity against demand", "");
  out.push(
    ...table(
      ["", "Tokens/month"],
      ["l", "r"],
      [
        ["Demand", formatTokens(summary.tokens.demandPerMonth)],
        ["Capacity (flat out)", formatTokens(summary.tokens.capacityPerMonth)],
        ["Served", formatTokens(summary.tokens.servedPerMonth)],
      ],
    ),
    "",
  );
  if (sizing !== undefined && sizing.models.length > 0) {
    out.push(
      ...table(
        ["Model", "Peak tokens/s", "Tokens/s per replica (at mix)", "Bound by", "Replicas (needed)", "GPUs", "Peak load", "Status"],
        ["l", "r", "r", "l", "r", "r", "r", "l"],
        sizing.models.map((model) => [
          model.id,
          formatNumber(model.peakTokensPerSecond),
          formatNumber(model.replicaTokensPerSecond),
          model.boundBy,
          `${model.replicas} (${model.replicasNeeded})`,
          String(model.gpus),
          formatPercent(model.peakLoadPercent),
          model.shortfall !== null ? "**shortfall**" : model.latency.met ? "ok" : "**latency target missed**",
        ]),
      ),
      "",
    );
    if (sizing.warnings.length > 0) {
      out.push(sizing.warnings.map((warning) => `> **Warning**: ${warning}`).join("\n>\n"), "");
    }
  }

  out.push("### Alternatives", "");
  if (summary.alternatives.length === 0) {
    out.push("No alternatives configured (`costs.alternatives`).", "");
  } else {
    const horizons = summary.horizonMonths;
    out.push(
      ...table(
        ["Alternative", "Kind", "USD/month", "USD per M tokens", "Break-even", ...horizons.map((n) => `Savings at ${n} months`)],
        ["l", "l", "r", "r", "r", ...horizons.map(() => "r" as const)],
        summary.alternatives.map((a) => [
          a.id,
          a.kind === "api" ? "API" : a.gpuHoursPerMonth === undefined ? "GPU rental" : `GPU rental (${formatNumber(a.gpuHoursPerMonth)} GPU-h)`,
          formatUsd(a.monthlyUsd),
          perMillion(a.usdPerMillionTokens),
          formatMonths(a.breakEvenMonths),
          ...horizons.map((n) => formatPercent(a.savingsPercent[String(n)] ?? null)),
        ]),
      ),
      "",
      `Break-even = capex ÷ (alternative − on-prem opex) per month. Savings at N months = 1 − (capex × ` +
        `purchases in N months + N × opex) ÷ (N × alternative), buying the hardware again every ` +
        `${formatNumber(12 * summary.amortizationYears)} months.`,
      "",
    );
  }

  out.push("### Assumptions", "");
  out.push(
    ...table(
      ["Assumption", "Value", "Source"],
      ["l", "r", "l"],
      summary.assumptions.map((a) => [a.label, formatAssumptionValue(a), a.source]),
    ),
    "",
    `A month is ${formatNumber(summary.hoursPerMonth)} hours. Figures are rounded for reading; \`${env}.json\` has the exact values.`,
    "",
  );
  return out.join("\n");
}
