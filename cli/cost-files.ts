/**
 * The cost files written at synth: `costs/<env>.json`, `<env>.md`, `<env>.svg` and `compare.md`.
 * Rendered completely before anything is written, so a failure leaves no partial output.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { renderCompareMarkdown } from "../report/compare-markdown";
import { renderCostJson } from "../report/cost-json";
import { renderCostMarkdown } from "../report/cost-markdown";
import { renderCostSvg } from "../report/cost-svg";
import type { PlannedEnvironment } from "./load";

/** File name → content, relative to the costs directory. */
export async function renderCostFiles(planned: readonly PlannedEnvironment[]): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const { env, costs } of planned) {
    const name = env.config.name;
    files[`${name}.json`] = renderCostJson(name, costs.summary);
    files[`${name}.md`] = renderCostMarkdown(name, costs.summary, { sizing: costs.sizing ?? undefined, svgFileName: `${name}.svg` });
    files[`${name}.svg`] = await renderCostSvg(name, costs.summary);
  }
  files["compare.md"] = renderCompareMarkdown(planned.map((p) => ({ env: p.env.config.name, summary: p.costs.summary })));
  return files;
}

/** Writes the rendered files into `dir` (created), replacing earlier ones. */
export function writeCostFiles(dir: string, files: Readonly<Record<string, string>>): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const name of Object.keys(files).sort()) fs.writeFileSync(path.join(dir, name), files[name]);
}
