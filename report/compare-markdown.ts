/**
 * `compare.md`: environments side by side (one column each), on-prem figures first, then every
 * alternative that any environment compares with.
 */
import type { CostSummary } from "../planning/tco";
import { formatMonths, formatNumber, formatPercent, formatTokens, formatUsd, mdCell } from "./format";

/** One environment's column. */
export interface EnvironmentCost {
  readonly env: string;
  readonly summary: CostSummary;
}

type Row = readonly [label: string, cell: (s: CostSummary) => string];

const ON_PREM_ROWS: readonly Row[] = [
  ["Servers", (s) => formatNumber(s.servers)],
  ["GPUs", (s) => formatNumber(s.gpus)],
  ["Capex", (s) => formatUsd(s.capexUsd)],
  ["Amortization / month", (s) => formatUsd(s.monthly.amortizationUsd)],
  ["Energy / month", (s) => formatUsd(s.monthly.energyUsd)],
  ["Space / month", (s) => formatUsd(s.monthly.spaceUsd)],
  ["Support / month", (s) => formatUsd(s.monthly.supportUsd)],
  ["Staff / month", (s) => formatUsd(s.monthly.staffUsd)],
  ["**Opex / month**", (s) => formatUsd(s.monthly.opexUsd)],
  ["**TCO / month**", (s) => `**${formatUsd(s.monthly.tcoUsd)}**`],
  ["Demand, tokens / month", (s) => formatTokens(s.tokens.demandPerMonth)],
  ["Capacity, tokens / month", (s) => formatTokens(s.tokens.capacityPerMonth)],
  ["Capacity / demand", (s) => (s.tokens.demandPerMonth > 0 ? formatPercent((100 * s.tokens.capacityPerMonth) / s.tokens.demandPerMonth) : "n/a")],
  ["**USD per M tokens**", (s) => (s.usdPerMillionTokens === null ? "n/a" : `**${formatUsd(s.usdPerMillionTokens)}**`)],
];

/** Renders `compare.md` with the environments in the order given (callers pass them sorted by name). */
export function renderCompareMarkdown(environments: readonly EnvironmentCost[]): string {
  const seen = new Set<string>();
  for (const { env } of environments) {
    if (seen.has(env)) throw new Error(`compare: environment "${env}" is listed twice`);
    seen.add(env);
  }
  const out: string[] = ["## AI factory cost: environments compared", ""];
  if (environments.length === 0) {
    out.push("No environments.", "");
    return out.join("\n");
  }

  const rows: string[][] = ON_PREM_ROWS.map(([label, cell]) => [label, ...environments.map((e) => cell(e.summary))]);

  // Alternatives in first-seen order across environments; "–" where an environment lacks one.
  const alternativeIds: string[] = [];
  for (const { summary } of environments) {
    for (const a of summary.alternatives) if (!alternativeIds.includes(a.id)) alternativeIds.push(a.id);
  }
  const horizons = [...new Set(environments.flatMap((e) => e.summary.horizonMonths))].sort((a, b) => a - b);
  for (const id of alternativeIds) {
    const find = (s: CostSummary) => s.alternatives.find((a) => a.id === id);
    const cell = (f: (a: NonNullable<ReturnType<typeof find>>) => string) => (s: CostSummary) => {
      const a = find(s);
      return a === undefined ? "–" : f(a);
    };
    rows.push([`${id}: USD / month`, ...environments.map((e) => cell((a) => formatUsd(a.monthlyUsd))(e.summary))]);
    rows.push([`${id}: break-even`, ...environments.map((e) => cell((a) => formatMonths(a.breakEvenMonths))(e.summary))]);
    for (const n of horizons) {
      rows.push([
        `${id}: savings at ${n} months`,
        ...environments.map((e) => cell((a) => (String(n) in a.savingsPercent ? formatPercent(a.savingsPercent[String(n)]) : "–"))(e.summary)),
      ]);
    }
  }

  out.push(
    `| ${["", ...environments.map((e) => e.env)].map(mdCell).join(" | ")} |`,
    `|---|${environments.map(() => "---:").join("|")}|`,
    ...rows.map((row) => `| ${row.map(mdCell).join(" | ")} |`),
    "",
    "Savings are on-prem against the alternative over the horizon (negative: on-prem costs more). " +
      "Each environment's `<env>.md` lists its assumptions and their sources.",
    "",
  );
  return out.join("\n");
}
