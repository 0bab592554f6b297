/**
 * Which environment files a command or a synth reads. Kept apart from cli/synth.ts so that the
 * commands (validate, plan, cost, compare, images) never load cdktf.
 */
import { UsageError } from "../config/errors";
import { findEnvironmentFiles } from "../config/loader";

/** Directory of the example environments and of every environment `cdktf synth` builds. */
export const ENVIRONMENTS_DIR = "environments";

/** The environment files to synthesize: all of environments/, or those named in ENVIRONMENTS. */
export function selectEnvironmentFiles(filter: string | undefined, dir = ENVIRONMENTS_DIR): string[] {
  const files = findEnvironmentFiles(dir);
  if (files.length === 0) throw new UsageError(`no environment files (*.yaml) in ${dir}/`);
  if (!filter || filter.trim() === "") return files;
  const stem = (f: string) => f.replace(/^.*\//, "").replace(/\.ya?ml$/, "");
  const known = files.map(stem);
  const wanted = filter.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const unknown = wanted.filter((w) => !known.includes(w));
  if (unknown.length > 0) {
    throw new UsageError(`ENVIRONMENTS names unknown environment(s) ${unknown.join(", ")}; known: ${known.join(", ")}`);
  }
  return files.filter((f) => wanted.includes(stem(f)));
}
