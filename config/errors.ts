/**
 * User-facing errors. A `ConfigError` carries one or more problems, each tied to a file, a path
 * inside it and, once the loader has located it, the line and column of the YAML node at fault;
 * the CLI prints them as `<file>:<line>:<column>: <path>: <message>` and exits 1, with no stack.
 */

/** A path inside a document: object keys and array indices, as zod reports them. */
export type DocPath = readonly (string | number)[];

/**
 * The kinds of problem, by the stage that finds them: the rule id a problem carries into SARIF
 * and `--json`. Stable: code scanning tracks alerts by it.
 */
export const PROBLEM_RULES = {
  file: {
    title: "Unreadable environment file",
    description: "The file cannot be read as an environment file: missing, not a regular file, not UTF-8 text, empty, or over 1 MiB.",
  },
  yaml: {
    title: "Invalid YAML",
    description: "The file is not one YAML document within the limits: a syntax error, a duplicate or reserved key, too many nodes or too deep.",
  },
  schema: {
    title: "Not the environment format",
    description: "The environment format (config/schema.ts): an unknown key, a missing or mistyped value, a value out of its range.",
  },
  check: {
    title: "Failed check",
    description: "A rule across fields or against the catalog: unknown references, node pools, names, paths, URLs, state locations.",
  },
  plan: {
    title: "Plan cannot work",
    description: "The plan cannot work: a model does not fit its GPU, a pod cannot be placed, the capacity is below the demand, the model store is incomplete.",
  },
  environments: {
    title: "Conflict between environments",
    description: "A rule across the environment files loaded together: one name and one state location per environment.",
  },
} as const;

/** A rule id of `PROBLEM_RULES`. */
export type ProblemRule = keyof typeof PROBLEM_RULES;

/** One problem in one input file. */
export interface Problem {
  /** The file, relative to the working directory (never absolute in messages). */
  readonly file: string;
  readonly path: DocPath;
  /** What is wrong, what was found and what is allowed or how to fix it. */
  readonly message: string;
  /**
   * 1-based line of the YAML node at fault: for a path the file does not have (a missing key), its
   * nearest existing parent; for a problem about a key (unknown, reserved, an invalid name), the
   * key. Line 1 for a problem about the file as a whole (unreadable, too big, not text, empty).
   * Set by the loader (config/loader.ts, cli/load.ts) when it finalizes problems.
   */
  readonly line?: number;
  /** 1-based column of the same place, in UTF-16 code units (SARIF's default `columnKind`). */
  readonly column?: number;
  /** The kind of problem; set with the position. @default - "check" where a rule id is needed */
  readonly rule?: ProblemRule;
}

/** Formats a path the way a user would write it in YAML: `nodePools.main.nodes[2]`. */
export function formatPath(path: DocPath): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") {
      out += `[${part}]`;
    } else if (part.length <= EXCERPT_CHARS && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(part)) {
      out += out === "" ? part : `.${part}`;
    } else {
      out += `[${show(part)}]`;
    }
  }
  return out === "" ? "(document)" : out;
}

/**
 * Formats one problem as `<file>: <path>: <message>`, without its line and column: the form of
 * `ConfigError.message` and of messages inside ai-factory. Control characters left in the file
 * name or the message are escaped here too, so nothing a user wrote reaches the terminal raw.
 */
export function formatProblem(problem: Problem): string {
  return `${escapeControl(problem.file)}: ${formatPath(problem.path)}: ${escapeControl(problem.message)}`;
}

/**
 * Formats one problem as the CLI prints it, `<file>:<line>:<column>: <path>: <message>` (the form
 * compilers use and CI problem matchers parse); a problem not located points at 1:1.
 */
export function formatLocatedProblem(problem: Problem): string {
  return `${escapeControl(problem.file)}:${problem.line ?? 1}:${problem.column ?? 1}: ${formatPath(problem.path)}: ${escapeControl(problem.message)}`;
}

/**
 * Invalid user input: bad YAML, a schema violation or a failed check. Exit code 1. Its message
 * lists the problems without line and column (`formatProblem`); the problems carry them.
 */
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

/** The most characters of a user's string that a message quotes. */
export const EXCERPT_CHARS = 60;
/** The most characters of a user's list or mapping (as JSON) that a message quotes. */
const EXCERPT_JSON_CHARS = 80;

/**
 * Characters that must not reach a terminal raw: C0 and C1 controls and DEL (ESC starts ANSI
 * sequences, CR and LF forge lines, U+009B is an 8-bit CSI), the Unicode line and paragraph
 * separators, bidirectional controls (they reorder what is shown) and lone surrogates.
 */
const CONTROL =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const SHORT_ESCAPES: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Escapes control characters as `\n`, `\r`, `\t` or `\u001b`, so text from a file (a value, a
 * key, a file name) cannot move the cursor, recolour the terminal or forge a line of output.
 * Idempotent: its output has no control character left.
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The first `max` characters of `text`, never half of a surrogate pair. */
function head(text: string, max: number): string {
  const cut = text.slice(0, max);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** `text` cut to `max` characters and `…` when longer, escaped for a terminal. */
export function excerpt(text: string, max: number): string {
  return escapeControl(text.length > max ? `${head(text, max)}…` : text);
}

/**
 * Quotes a value for an error message: a string in double quotes (at most `EXCERPT_CHARS` of it,
 * then `…` and its length), a number as YAML writes it (`.nan`, `.inf`), a list or mapping as
 * JSON cut to 80 characters; control characters always escaped.
 */
export function show(value: unknown): string {
  if (typeof value === "string") {
    if (value.length <= EXCERPT_CHARS) return escapeControl(JSON.stringify(value));
    return `${escapeControl(JSON.stringify(head(value, EXCERPT_CHARS)))}… (${value.length} characters)`;
  }
  if (typeof value === "number") return showNumber(value);
  if (value === undefined) return "nothing";
  // Long strings inside are cut first, so a 5 MB value is never copied whole into a message.
  const json = JSON.stringify(value, (_key, v: unknown) => (typeof v === "string" && v.length > EXCERPT_CHARS ? `${head(v, EXCERPT_CHARS)}…` : v)) as
    | string
    | undefined;
  return json === undefined ? escapeControl(String(value)) : excerpt(json, EXCERPT_JSON_CHARS - 1);
}

/** A number as YAML writes it: `.nan`, `.inf` and `-.inf` are what JSON cannot show. */
function showNumber(value: number): string {
  if (Number.isNaN(value)) return ".nan";
  if (value === Infinity) return ".inf";
  if (value === -Infinity) return "-.inf";
  return String(value);
}

/** Lists allowed values for an error message: `"a", "b" or "c"`. */
export function oneOf(values: readonly string[]): string {
  const quoted = values.map((v) => show(v));
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
}

/** `unknown <what> "<id>"; known: a, b, c` — the one wording for a reference to nothing. */
export function unknownId(what: string, id: string, known: readonly string[]): string {
  return `unknown ${what} ${show(id)}; known: ${known.join(", ")}`;
}
