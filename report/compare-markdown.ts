/**
 * `compare.md`: environments side by side (one column each, in the order given), on-prem figures
 * first, then the alternatives every environment compares with and each one's cheapest
 * (report/compare-tables.ts).
 */
import { compareTable, type EnvironmentCost } from "./compare-tables";
import { markdownTable } from "./table";

export type { EnvironmentCost } from "./compare-tables";

/** Renders `compare.md` with the environments in the order given. */
export function renderCompareMarkdown(environments: readonly EnvironmentCost[]): string {
  const out: string[] = ["## AI factory cost: environments compared", ""];
  if (environments.length === 0) {
    out.push("No environments.", "");
    return out.join("\n");
  }
  const { table, notes } = compareTable(environments);
  out.push(...markdownTable(table), "", notes.join(" "), "");
  return out.join("\n");
}
