/**
 * Synthesized outputs built inside a test: the example environments, edited through the YAML
 * document model (never hand-edited JSON), synthesized in-process exactly as `npm run synth`
 * writes them (stacks, manifest and cost files).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument, type Document } from "yaml";
import { renderCostFiles, writeCostFiles } from "../../cli/cost-files";
import { loadAndPlan } from "../../cli/load";
import { stackInputs } from "../../cli/synth";
import { synthesizeApp } from "../../stacks/app";
import { REPO } from "./run";

/** The text of `environments/<name>.yaml`. */
export function exampleEnvironment(name: string): string {
  return fs.readFileSync(path.join(REPO, "environments", `${name}.yaml`), "utf8");
}

/** `text` with `edit` applied to its YAML document (comments and layout kept). */
export function editYaml(text: string, edit: (doc: Document) => void): string {
  const doc = parseDocument(text);
  edit(doc);
  return doc.toString();
}

/**
 * Writes each environment (name → YAML text) to `<dir>/environments/<name>.yaml` and synthesizes
 * them into `<dir>/cdktf.out`; returns that output folder.
 */
export async function synthesizeOutput(dir: string, environments: Readonly<Record<string, string>>): Promise<string> {
  const envDir = path.join(dir, "environments");
  fs.mkdirSync(envDir, { recursive: true });
  const files = Object.keys(environments)
    .sort()
    .map((name) => {
      const file = path.join(envDir, `${name}.yaml`);
      fs.writeFileSync(file, environments[name]);
      return file;
    });
  const planned = loadAndPlan(files, { cwd: REPO });
  const outdir = path.join(dir, "cdktf.out");
  synthesizeApp(stackInputs(planned), { outdir });
  writeCostFiles(path.join(outdir, "costs"), await renderCostFiles(planned));
  return outdir;
}
