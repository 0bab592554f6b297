/**
 * User-facing errors. A `ConfigError` carries one or more problems, each tied to a file and a
 * path inside it; the CLI prints them as `<file>: <path>: <message>` and exits 1, with no stack.
 */

/** A path inside a document: object keys and array indices, as zod reports them. */
export type DocPath = readonly (string | number)[];

/** One problem in one input file. */
export interface Problem {
  /** The file, relative to the working directory (never absolute in messages). */
  readonly file: string;
  readonly path: DocPath;
  /** What is wrong, what was found and what is allowed or how to fix it. */
  readonly message: string;
}

/** Formats a path the way a user would write it in YAML: `nodePools.main.nodes[2]`. */
export function formatPath(path: DocPath): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") {
      out += `[${part}]`;
    } else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(part)) {
      out += out === "" ? part : `.${part}`;
    } else {
      out += `[${JSON.stringify(part)}]`;
    }
  }
  return out === "" ? "(document)" : out;
}

/** Formats one problem as `<file>: <path>: <message>`. */
export function formatProblem(problem: Problem): string {
  return `${problem.file}: ${formatPath(problem.path)}: ${problem.message}`;
}

/** Invalid user input: bad YAML, a schema violation or a failed check. Exit code 1. */
export class ConfigError extends Error {
  public readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** A wrong command line: unknown command, missing argument. Exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Quotes a value for an error message: strings in double quotes, the rest as JSON. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/** Lists allowed values for an error message: `"a", "b" or "c"`. */
export function oneOf(values: readonly string[]): string {
  const quoted = values.map((v) => JSON.stringify(v));
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
}

/** `unknown <what> "<id>"; known: a, b, c` — the one wording for a reference to nothing. */
export function unknownId(what: string, id: string, known: readonly string[]): string {
  return `unknown ${what} ${show(id)}; known: ${known.join(", ")}`;
}
