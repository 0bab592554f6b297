/**
 * `<env>.json`: the cost summary for machines (PR cost diffs, dashboards). Numbers are unrounded;
 * keys are sorted at every level so that two runs, or two branches, diff line by line.
 */
import type { CostSummary } from "../planning/tco";

/** Version of the JSON layout; bump it when a key changes meaning or disappears. */
export const COST_JSON_SCHEMA_VERSION = 1;

function sortKeys(value: unknown, path: string): unknown {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new Error(`cost-json: ${path}: ${value} cannot be written as JSON; the cost model must return a number or null`);
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

/** Renders `<env>.json`: `{ env, schemaVersion, ...summary }` with sorted keys, two-space indent, final newline. */
export function renderCostJson(env: string, summary: CostSummary): string {
  const document = sortKeys({ ...summary, env, schemaVersion: COST_JSON_SCHEMA_VERSION }, "$");
  return `${JSON.stringify(document, null, 2)}\n`;
}
