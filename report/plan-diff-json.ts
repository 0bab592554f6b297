/**
 * `ai-factory diff --format json`: the plan review for machines. Keys are sorted at every level so
 * that two reviews of the same change are byte-identical and diff line by line.
 */
import type { PlanDiff } from "./plan-diff-types";

/** Version of the JSON layout; bump it when a key changes meaning or disappears. */
export const PLAN_DIFF_JSON_SCHEMA_VERSION = 1;

/**
 * A copy of `value` with the keys of every object sorted and `undefined` members left out.
 * Throws on a number JSON cannot hold (NaN, ±Infinity): it would be written as `null` silently.
 */
export function sortKeys(value: unknown, path = "$"): unknown {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new Error(`plan-diff-json: ${path}: ${value} cannot be written as JSON; the plan diff must hold finite numbers or null`);
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((item, i) => sortKeys(item, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) out[key] = sortKeys(child, `${path}.${key}`);
    }
    return out;
  }
  return value;
}

/** Renders the plan review as JSON: `{ schemaVersion, ...diff }` with sorted keys, two-space indent, final newline. */
export function renderPlanDiffJson(diff: PlanDiff): string {
  const document = sortKeys({ ...diff, schemaVersion: PLAN_DIFF_JSON_SCHEMA_VERSION });
  return `${JSON.stringify(document, null, 2)}\n`;
}
