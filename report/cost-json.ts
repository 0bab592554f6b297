/**
 * `<env>.json`: the cost summary for machines (PR cost diffs, dashboards). Numbers are unrounded;
 * keys are sorted at every level so that two runs, or two branches, diff line by line.
 */
import type { CostSummary } from "../planning/tco";
import { sortKeys } from "./sorted-json";

/** Version of the JSON layout; bump it when a key changes meaning or disappears. */
export const COST_JSON_SCHEMA_VERSION = 1;

/** Renders `<env>.json`: `{ env, schemaVersion, ...summary }` with sorted keys, two-space indent, final newline. */
export function renderCostJson(env: string, summary: CostSummary): string {
  const document = sortKeys({ ...summary, env, schemaVersion: COST_JSON_SCHEMA_VERSION }, "cost-json");
  return `${JSON.stringify(document, null, 2)}\n`;
}
