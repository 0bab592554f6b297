/**
 * Loads environment files: YAML → zod → checks → `ResolvedEnvironment`.
 * `parseEnvironment` is pure (text in, result out); `loadEnvironmentFiles` reads files and
 * reports the problems of every file at once, so a user fixes them in one pass.
 *
 * Problems are made by path, wherever they are found; they get their line and column here, when
 * they are finalized, from where the YAML walk saw each path (config/yaml-data.ts). Problems found
 * later (planning) are located through `loadEnvironments(…).locate`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { z } from "zod";
import { ConfigError, DocPath, Problem, ProblemRule, escapeControl, show } from "./errors";
import { ResolvedEnvironment, resolveEnvironment } from "./resolve";
import { EnvironmentSchema } from "./schema";
import { stateConflicts } from "./state-location";
import { DocPositions, YAML_LIMITS, decodeText, fileTooBig, parseYaml, pathKey } from "./yaml-data";
import { zodIssuesToProblems } from "./zod-issues";

/** The position of a problem about the file as a whole: its first line and column. */
const FILE_START = { line: 1, column: 1 } as const;

/**
 * `problem` with its line and column (kept if it has them) and its rule: where `positions` saw its
 * path, at the key when `keyPaths` names the path; the file's start without positions.
 */
export function locateProblem(problem: Problem, positions: DocPositions | undefined, rule: ProblemRule, keyPaths?: ReadonlySet<string>): Problem {
  const at =
    problem.line !== undefined
      ? { line: problem.line, column: problem.column ?? 1 }
      : (positions?.at(problem.path, keyPaths?.has(pathKey(problem.path)) ? "key" : "node") ?? FILE_START);
  return { ...problem, ...at, rule: problem.rule ?? rule };
}

/**
 * The paths of the keys that zod issues are about (an unknown key, a map key that breaks its
 * rule), as `pathKey`s: those problems point at the key, not at its value.
 */
function keyIssuePaths(issues: readonly z.core.$ZodIssue[], prefix: DocPath = [], into = new Set<string>()): Set<string> {
  for (const issue of issues) {
    const path = [...prefix, ...issue.path.filter((p): p is string | number => typeof p !== "symbol")];
    if (issue.code === "unrecognized_keys") for (const key of issue.keys) into.add(pathKey([...path, key]));
    else if (issue.code === "invalid_key") into.add(pathKey(path));
    else if (issue.code === "invalid_union") for (const member of issue.errors) keyIssuePaths(member, path, into);
  }
  return into;
}

/**
 * Parses and checks one environment file's text. `file` is the path used in messages. Input over
 * `YAML_LIMITS` (size, nodes, nesting) is refused before it is parsed whole (config/yaml-data.ts).
 * Every problem comes with its line, column and rule; `positions` (when the YAML could be read)
 * locates problems found later by path.
 */
export function parseEnvironment(file: string, text: string): { env?: ResolvedEnvironment; problems: Problem[]; positions?: DocPositions } {
  const yaml = parseYaml(text);
  if (!yaml.ok) return { problems: yaml.problems.map((p) => locateProblem({ file, ...p }, undefined, "yaml")) };
  const { data, positions } = yaml;
  if (data === null || data === undefined) {
    const empty = { file, path: [], message: "the file is empty; an environment needs at least name, description, cluster and nodePools" };
    return { problems: [locateProblem(empty, undefined, "file")], positions };
  }
  const parsed = EnvironmentSchema.safeParse(data);
  if (!parsed.success) {
    const keyPaths = keyIssuePaths(parsed.error.issues);
    const problems = zodIssuesToProblems(file, parsed.error.issues, EnvironmentSchema, data);
    return { problems: problems.map((p) => locateProblem(p, positions, "schema", keyPaths)), positions };
  }
  const stem = path.basename(file).replace(/\.ya?ml$/, "");
  const { resolved, problems } = resolveEnvironment(file, stem, parsed.data);
  return { env: resolved, problems: problems.map((p) => locateProblem(p, positions, "check")), positions };
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


/** Environment files read and checked, with what it takes to locate problems found in them later. */
export interface LoadedEnvironments {
  /** The valid environments, sorted by name. */
  readonly envs: ResolvedEnvironment[];
  /** Every problem of every file, each with its line, column and rule. */
  readonly problems: Problem[];
  /** Gives problems found later in these files (by file and path) their line, column and `rule`. */
  readonly locate: (problems: readonly Problem[], rule: ProblemRule) => Problem[];
}

/**
 * Reads and checks every file and returns what is valid and every problem, each located.
 * Rules across files (one name, one state location per environment) cover the files given.
 */
export function loadEnvironments(files: readonly string[], cwd: string = process.cwd()): LoadedEnvironments {
  const problems: Problem[] = [];
  const envs: ResolvedEnvironment[] = [];
  const seen = new Map<string, string>();
  const positionsOf = new Map<string, DocPositions>();
  const locate = (found: readonly Problem[], rule: ProblemRule): Problem[] => found.map((p) => locateProblem(p, positionsOf.get(p.file), rule));
  for (const f of files) {
    const shown = displayPath(f, cwd);
    const read = readEnvironmentFile(path.resolve(cwd, f));
    if (!read.ok) {
      problems.push(locateProblem({ file: shown, path: [], message: read.message }, undefined, "file"));
      continue;
    }
    const result = parseEnvironment(shown, read.text);
    if (result.positions && !positionsOf.has(shown)) positionsOf.set(shown, result.positions);
    problems.push(...result.problems);
    if (result.env) {
      const other = seen.get(result.env.config.name);
      if (other) {
        const twice = { file: shown, path: ["name"], message: `environment ${show(result.env.config.name)} is also defined in ${other}` };
        problems.push(locateProblem(twice, result.positions, "environments"));
      } else {
        seen.set(result.env.config.name, shown);
        envs.push(result.env);
      }
    }
  }
  problems.push(...locate(stateConflicts(envs), "environments"));
  return { envs: envs.sort((a, b) => a.config.name.localeCompare(b.config.name)), problems, locate };
}

/**
 * Reads and checks every file; throws one `ConfigError` listing the problems of all of them, each
 * with its line and column. Rules across files (one name, one state location per environment)
 * cover the files given.
 */
export function loadEnvironmentFiles(files: readonly string[], cwd: string = process.cwd()): ResolvedEnvironment[] {
  const { envs, problems } = loadEnvironments(files, cwd);
  if (problems.length > 0) throw new ConfigError(problems);
  return envs;
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
