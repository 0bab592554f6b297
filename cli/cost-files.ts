/**
 * The cost files written at synth: `costs/<env>.json`, `<env>.md`, `<env>.svg` and `compare.md`.
 * Rendered completely before anything is written; written into the staging directory of the
 * synth (cli/staging.ts), so a failure leaves the previous output as it was.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { CostSummary } from "../planning/tco";
import { EnvironmentCost, renderCompareMarkdown } from "../report/compare-markdown";
import { COST_JSON_SCHEMA_VERSION, renderCostJson } from "../report/cost-json";
import { renderCostMarkdown } from "../report/cost-markdown";
import { renderCostSvg } from "../report/cost-svg";
import type { PlannedEnvironment } from "./load";

/**
 * File name → content, relative to the costs directory. `compare.md` sets side by side the
 * planned environments and `carried` (environments a partial synth keeps from the previous
 * output, read back with `readCostJson`), sorted by name.
 */
export async function renderCostFiles(planned: readonly PlannedEnvironment[], carried: readonly EnvironmentCost[] = []): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const { env, costs } of planned) {
    const name = env.config.name;
    files[`${name}.json`] = renderCostJson(name, costs.summary);
    files[`${name}.md`] = renderCostMarkdown(name, costs.summary, { sizing: costs.sizing ?? undefined, svgFileName: `${name}.svg` });
    files[`${name}.svg`] = await renderCostSvg(name, costs.summary);
  }
  const compared: EnvironmentCost[] = [...planned.map((p) => ({ env: p.env.config.name, summary: p.costs.summary })), ...carried];
  files["compare.md"] = renderCompareMarkdown(compared.sort((a, b) => a.env.localeCompare(b.env)));
  return files;
}

/**
 * The cost summary in a `<env>.json` written by `renderCostJson`, or a reason it cannot be used
 * (not JSON, another environment, another layout version). JSON keeps every number exactly, so
 * `compare.md` rendered from it is the one rendered from the plan.
 */
export function readCostJson(env: string, text: string): { readonly summary: CostSummary } | { readonly reason: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { reason: "it is not JSON" };
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return { reason: "it is not a JSON object" };
  const { env: named, schemaVersion, ...summary } = doc as Record<string, unknown>;
  if (schemaVersion !== COST_JSON_SCHEMA_VERSION) {
    return { reason: `it has schemaVersion ${JSON.stringify(schemaVersion ?? null)}, this version of ai-factory writes ${COST_JSON_SCHEMA_VERSION}` };
  }
  if (named !== env) return { reason: `it names environment ${JSON.stringify(named ?? null)}` };
  return { summary: summary as unknown as CostSummary };
}

/** Writes the rendered files into `dir` (created if missing; files of the same name are replaced). */
export function writeCostFiles(dir: string, files: Readonly<Record<string, string>>): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const name of Object.keys(files).sort()) fs.writeFileSync(path.join(dir, name), files[name]);
}
