/**
 * Writes the JSON Schemas of the local charts from their zod schemas (the single source of truth):
 * `charts/model-server/values.schema.json` and `charts/ai-gateway/values.schema.json`.
 * Deterministic: sorted keys, two-space indent, trailing newline. A test fails when a committed file
 * drifts; run `npx tsx scripts/gen-chart-schema.ts`.
 */
import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";

import { policiesValuesJsonSchema } from "../constructs/policies-values";
import { gatewayChartValuesJsonSchema } from "../constructs/gateway-chart-values-schema";
import { modelServerValuesJsonSchema } from "../constructs/model-server-values-schema";
import { observabilityValuesJsonSchema } from "../constructs/observability-values-schema";

/** The text of a chart's values.schema.json, exactly as committed. */
export function renderChartSchema(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** Every generated schema file, relative to the repository root. */
export const CHART_SCHEMAS: ReadonlyArray<{ readonly path: string; readonly schema: () => Record<string, unknown> }> = [
  { path: "charts/model-server/values.schema.json", schema: modelServerValuesJsonSchema },
  { path: "charts/ai-gateway/values.schema.json", schema: gatewayChartValuesJsonSchema },
  { path: "charts/ai-factory-policies/values.schema.json", schema: policiesValuesJsonSchema },
  { path: "charts/ai-factory-observability/values.schema.json", schema: observabilityValuesJsonSchema },
];

function main(): void {
  const root = join(__dirname, "..");
  for (const { path, schema } of CHART_SCHEMAS) {
    const file = join(root, path);
    writeFileSync(file, renderChartSchema(schema()));
    console.log(`wrote ${relative(process.cwd(), file) || path}`);
  }
}

if (require.main === module) main();
