/**
 * `<env>.md`: the cost summary for a pull request: headline, monthly breakdown, capacity against
 * demand, alternatives with break-even and savings, and every assumption with its source.
 */
import type { FactorySizing } from "../planning/sizing";
import type { CostSummary } from "../planning/tco";
import {
  alternativesNote,
  alternativesTable,
  assumptionsTable,
  capacityTable,
  costHeadline,
  monthlyCostTable,
  sizingTable,
  sizingWarnings,
} from "./cost-tables";
import { formatNumber } from "./format";
import { markdownInline, markdownTable } from "./table";

export { cheapestAlternative } from "./cost-tables";

/** Options of the per-environment report. */
export interface CostMarkdownOptions {
  /** The sizing behind the capacity figures; adds a per-model table and the shortfall warnings. */
  readonly sizing?: FactorySizing;
  /** File name of the chart to link, e.g. `prod.svg`. @default - no chart link */
  readonly svgFileName?: string;
}

function headline(env: string, summary: CostSummary, sizing: FactorySizing | undefined): string[] {
  const { onPrem, cheapest, shortfall } = costHeadline(summary, sizing);
  const lines = [`## AI factory cost: ${env}`, "", markdownInline(onPrem)];
  if (cheapest !== undefined) lines.push("", markdownInline(cheapest));
  if (shortfall !== undefined) lines.push("", `> ${markdownInline(shortfall)}`);
  return lines;
}

/** Renders `<env>.md`. */
export function renderCostMarkdown(env: string, summary: CostSummary, options: CostMarkdownOptions = {}): string {
  const { sizing } = options;
  const out: string[] = [...headline(env, summary, sizing), ""];
  if (options.svgFileName !== undefined) {
    out.push(`![Cumulative cost of ${env}](${options.svgFileName})`, "");
  }

  out.push("### Monthly on-prem cost", "", ...markdownTable(monthlyCostTable(summary)), "");

  out.push("### Capacity against demand", "", ...markdownTable(capacityTable(summary)), "");
  if (sizing !== undefined && sizing.models.length > 0) {
    out.push(...markdownTable(sizingTable(sizing)), "");
    const warnings = sizingWarnings(sizing);
    if (warnings.length > 0) {
      out.push(warnings.map((warning) => `> **Warning**: ${warning}`).join("\n>\n"), "");
    }
  }

  out.push("### Alternatives", "");
  if (summary.alternatives.length === 0) {
    out.push("No alternatives configured (`costs.alternatives`).", "");
  } else {
    out.push(...markdownTable(alternativesTable(summary)), "", alternativesNote(summary), "");
  }

  out.push(
    "### Assumptions",
    "",
    ...markdownTable(assumptionsTable(summary)),
    "",
    `A month is ${formatNumber(summary.hoursPerMonth)} hours. Figures are rounded for reading; \`${env}.json\` has the exact values.`,
    "",
  );
  return out.join("\n");
}
