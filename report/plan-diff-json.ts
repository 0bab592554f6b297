/**
 * `ai-factory diff --format json`: the plan review for machines. Keys are sorted at every level so
 * that two reviews of the same change are byte-identical and diff line by line.
 */
import type { PlanDiff } from "./plan-diff-types";
import { sortKeys } from "./sorted-json";

/** Version of the JSON layout; bump it when a key changes meaning or disappears. */
export const PLAN_DIFF_JSON_SCHEMA_VERSION = 1;

/** Renders the plan review as JSON: `{ schemaVersion, ...diff }` with sorted keys, two-space indent, final newline. */
export function renderPlanDiffJson(diff: PlanDiff): string {
  const document = sortKeys({ ...diff, schemaVersion: PLAN_DIFF_JSON_SCHEMA_VERSION }, "plan-diff-json");
  return `${JSON.stringify(document, null, 2)}\n`;
}
