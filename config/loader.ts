/**
 * Loads environment files: YAML → zod → checks → `ResolvedEnvironment`.
 * `parseEnvironment` is pure (text in, result out); `loadEnvironmentFiles` reads files and
 * reports the problems of every file at once, so a user fixes them in one pass.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { ConfigError, Problem } from "./errors";
import { ResolvedEnvironment, resolveEnvironment } from "./resolve";
import { EnvironmentSchema } from "./schema";
import { zodIssuesToProblems } from "./zod-issues";

/** Parses and checks one environment file's text. `file` is the path used in messages. */
export function parseEnvironment(file: string, text: string): { env?: ResolvedEnvironment; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return {
          file,
          path: [],
          message: `invalid YAML at line ${pos.line}, column ${pos.col}: ${e.message.split("\n")[0]}`,
        };
      }),
    };
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    return { problems: [{ file, path: [], message: "the file is empty; an environment needs at least name, description, cluster and nodePools" }] };
  }
  const parsed = EnvironmentSchema.safeParse(data);
  if (!parsed.success) {
    return { problems: zodIssuesToProblems(file, parsed.error.issues, EnvironmentSchema, data) };
  }
  const stem = path.basename(file).replace(/\.ya?ml$/, "");
  const { resolved, problems } = resolveEnvironment(file, stem, parsed.data);
  return { env: resolved, problems };
}

/** A path for messages: relative to `cwd` when inside it, never absolute otherwise if avoidable. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, path.resolve(cwd, file));
  return rel === "" ? path.basename(file) : rel.split(path.sep).join("/");
}

/** Reads and checks every file; throws one `ConfigError` listing the problems of all of them. */
export function loadEnvironmentFiles(files: readonly string[], cwd: string = process.cwd()): ResolvedEnvironment[] {
  const problems: Problem[] = [];
  const envs: ResolvedEnvironment[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const shown = displayPath(f, cwd);
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(cwd, f), "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.push({
        file: shown,
        path: [],
        message: code === "ENOENT" ? "no such file" : `cannot read the file (${code ?? "unknown error"})`,
      });
      continue;
    }
    const result = parseEnvironment(shown, text);
    problems.push(...result.problems);
    if (result.env) {
      const other = seen.get(result.env.config.name);
      if (other) {
        problems.push({ file: shown, path: ["name"], message: `environment ${JSON.stringify(result.env.config.name)} is also defined in ${other}` });
      } else {
        seen.set(result.env.config.name, shown);
        envs.push(result.env);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return envs.sort((a, b) => a.config.name.localeCompare(b.config.name));
}

/** The environment files in a directory (`*.yaml`, `*.yml`), sorted. */
export function findEnvironmentFiles(dir: string, cwd: string = process.cwd()): string[] {
  const abs = path.resolve(cwd, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}
