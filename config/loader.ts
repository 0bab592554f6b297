/**
 * Loads environment files: YAML → zod → checks → `ResolvedEnvironment`.
 * `parseEnvironment` is pure (text in, result out); `loadEnvironmentFiles` reads files and
 * reports the problems of every file at once, so a user fixes them in one pass.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, Problem, escapeControl, show } from "./errors";
import { ResolvedEnvironment, resolveEnvironment } from "./resolve";
import { EnvironmentSchema } from "./schema";
import { stateConflicts } from "./state-location";
import { YAML_LIMITS, decodeText, fileTooBig, parseYaml } from "./yaml-data";
import { zodIssuesToProblems } from "./zod-issues";

/**
 * Parses and checks one environment file's text. `file` is the path used in messages. Input over
 * `YAML_LIMITS` (size, nodes, nesting) is refused before it is parsed whole (config/yaml-data.ts).
 */
export function parseEnvironment(file: string, text: string): { env?: ResolvedEnvironment; problems: Problem[] } {
  const yaml = parseYaml(text);
  if (!yaml.ok) return { problems: yaml.problems.map((p) => ({ file, ...p })) };
  const data = yaml.data;
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

/**
 * A path for messages: relative to `cwd` when inside it, never absolute otherwise if avoidable;
 * control characters escaped, so a file named with a newline or an ANSI sequence prints as text.
 */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, path.resolve(cwd, file));
  return escapeControl(rel === "" ? path.basename(file) : rel.split(path.sep).join("/"));
}

/**
 * Reads an environment file: a regular file of at most `YAML_LIMITS.fileBytes` (the size is read
 * before the content, and no more than the limit is read even if the file grows meanwhile), in
 * UTF-8 without NUL bytes. Returns the text or what is wrong.
 */
export function readEnvironmentFile(file: string): { ok: true; text: string } | { ok: false; message: string } {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, "r");
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) return { ok: false, message: "is a directory, not an environment file" };
    if (!stat.isFile()) return { ok: false, message: "not a regular file (a device, pipe or socket); an environment file is YAML in UTF-8" };
    if (stat.size > YAML_LIMITS.fileBytes) return { ok: false, message: fileTooBig(stat.size) };
    // One byte more than the limit tells a file that grew past it since fstat.
    const buffer = Buffer.alloc(YAML_LIMITS.fileBytes + 1);
    let length = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      length += n;
      if (n === 0 || length === buffer.length) break;
    }
    if (length > YAML_LIMITS.fileBytes) return { ok: false, message: fileTooBig(length, "more than ") };
    const decoded = decodeText(buffer.subarray(0, length));
    return decoded.ok ? decoded : { ok: false, message: decoded.message };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, message: code === "ENOENT" ? "no such file" : `cannot read the file (${code ?? "unknown error"})` };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}


/**
 * Reads and checks every file; throws one `ConfigError` listing the problems of all of them.
 * Rules across files (one name, one state location per environment) cover the files given.
 */
export function loadEnvironmentFiles(files: readonly string[], cwd: string = process.cwd()): ResolvedEnvironment[] {
  const problems: Problem[] = [];
  const envs: ResolvedEnvironment[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const shown = displayPath(f, cwd);
    const read = readEnvironmentFile(path.resolve(cwd, f));
    if (!read.ok) {
      problems.push({ file: shown, path: [], message: read.message });
      continue;
    }
    const result = parseEnvironment(shown, read.text);
    problems.push(...result.problems);
    if (result.env) {
      const other = seen.get(result.env.config.name);
      if (other) {
        problems.push({ file: shown, path: ["name"], message: `environment ${show(result.env.config.name)} is also defined in ${other}` });
      } else {
        seen.set(result.env.config.name, shown);
        envs.push(result.env);
      }
    }
  }
  problems.push(...stateConflicts(envs));
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
