/**
 * Environments side by side as one table (report/table.ts), for `compare.md` and the terminal:
 * a column per environment in the order given; on-prem figures; the alternatives that every
 * environment compares with (an alternative only some have would be a row of dashes elsewhere);
 * and each environment's cheapest alternative, whatever it is.
 */
import type { AlternativeCost, CostSummary } from "../planning/tco";
import { cheapestAlternative, perMillion } from "./cost-tables";
import { formatMonths, formatNumber, formatPercent, formatTokens, formatUsdWhole, plural } from "./format";
import type { CellInput, TableData } from "./table";

/** One environment's column. */
export interface EnvironmentCost {
  readonly env: string;
  readonly summary: CostSummary;
}

type Row = readonly [label: CellInput, cell: (s: CostSummary) => CellInput];

const ON_PREM_ROWS: readonly Row[] = [
  ["Servers", (s) => formatNumber(s.servers)],
  ["GPUs", (s) => formatNumber(s.gpus)],
  ["Capex", (s) => formatUsdWhole(s.capexUsd)],
  ["Amortization / month", (s) => formatUsdWhole(s.monthly.amortizationUsd)],
  ["Energy / month", (s) => formatUsdWhole(s.monthly.energyUsd)],
  ["Space / month", (s) => formatUsdWhole(s.monthly.spaceUsd)],
  ["Support / month", (s) => formatUsdWhole(s.monthly.supportUsd)],
  ["Staff / month", (s) => formatUsdWhole(s.monthly.staffUsd)],
  [{ text: "Opex / month", strong: true }, (s) => formatUsdWhole(s.monthly.opexUsd)],
  [{ text: "TCO / month", strong: true }, (s) => ({ text: formatUsdWhole(s.monthly.tcoUsd), strong: true })],
  ["Demand, tokens / month", (s) => formatTokens(s.tokens.demandPerMonth)],
  ["Capacity, tokens / month", (s) => formatTokens(s.tokens.capacityPerMonth)],
  ["Capacity / demand", (s) => (s.tokens.demandPerMonth > 0 ? formatPercent((100 * s.tokens.capacityPerMonth) / s.tokens.demandPerMonth) : "n/a")],
  [
    { text: "USD per M tokens", strong: true },
    (s) => (s.usdPerMillionTokens === null ? "n/a" : { text: perMillion(s.usdPerMillionTokens), strong: true }),
  ],
];

/** The ids of the alternatives every environment compares with, in the first environment's order. */
export function sharedAlternativeIds(environments: readonly EnvironmentCost[]): string[] {
  if (environments.length === 0) return [];
  const [first, ...rest] = environments;
  return first.summary.alternatives.map((a) => a.id).filter((id) => rest.every((e) => e.summary.alternatives.some((a) => a.id === id)));
}

function breakEvenCell(a: AlternativeCost): CellInput {
  return a.breakEvenMonths === null ? { text: "never", tone: "bad" } : formatMonths(a.breakEvenMonths);
}

function savingsCell(a: AlternativeCost, months: number): CellInput {
  const value = a.savingsPercent[String(months)];
  if (value === undefined) return "–";
  if (value === null) return "n/a";
  return { text: formatPercent(value), tone: value < 0 ? "bad" : "good" };
}

/** The comparison table and the notes under it. Throws when an environment is listed twice. */
export function compareTable(environments: readonly EnvironmentCost[]): { readonly table: TableData; readonly notes: readonly string[] } {
  const seen = new Set<string>();
  for (const { env } of environments) {
    if (seen.has(env)) throw new Error(`compare: environment "${env}" is listed twice`);
    seen.add(env);
  }
  const columns = (cell: (s: CostSummary) => CellInput): CellInput[] => environments.map((e) => cell(e.summary));
  const rows: CellInput[][] = ON_PREM_ROWS.map(([label, cell]) => [label, ...columns(cell)]);

  const shared = sharedAlternativeIds(environments);
  const horizons = [...new Set(environments.flatMap((e) => e.summary.horizonMonths))].sort((a, b) => a - b);
  for (const id of shared) {
    const of = (s: CostSummary): AlternativeCost => s.alternatives.find((a) => a.id === id)!;
    rows.push([`${id}: USD / month`, ...columns((s) => formatUsdWhole(of(s).monthlyUsd))]);
    rows.push([`${id}: break-even`, ...columns((s) => breakEvenCell(of(s)))]);
    for (const n of horizons) rows.push([`${id}: savings at ${plural(n, "month")}`, ...columns((s) => savingsCell(of(s), n))]);
  }

  const anyAlternative = environments.some((e) => e.summary.alternatives.length > 0);
  if (anyAlternative) {
    const cheapest = (cell: (a: AlternativeCost) => CellInput) => (s: CostSummary): CellInput => {
      const best = cheapestAlternative(s);
      return best === undefined ? "–" : cell(best);
    };
    rows.push(["Cheapest alternative", ...columns(cheapest((a) => a.id))]);
    rows.push(["Cheapest: USD / month", ...columns(cheapest((a) => formatUsdWhole(a.monthlyUsd)))]);
    rows.push(["Cheapest: break-even", ...columns(cheapest(breakEvenCell))]);
  }

  const notes: string[] = [];
  const leftOut = environments.some((e) => e.summary.alternatives.some((a) => !shared.includes(a.id)));
  if (leftOut) {
    notes.push(
      shared.length === 0
        ? "No alternative is compared by every environment, so only each one's cheapest is shown; `npx ai-factory cost <env-file>` (or `<env>.md`) lists them all."
        : "Only the alternatives every environment compares with have rows; `npx ai-factory cost <env-file>` (or `<env>.md`) lists each environment's own.",
    );
  }
  if (shared.length > 0) notes.push("Savings are on-prem against the alternative over the horizon (negative: on-prem costs more).");
  notes.push("Each environment's `<env>.md` lists its assumptions and their sources.");
  return {
    table: { head: ["", ...environments.map((e) => e.env)], align: ["left", ...environments.map(() => "right" as const)], rows },
    notes,
  };
}
