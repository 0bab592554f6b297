/**
 * The machine form of a failure, for `--json`: one JSON document on stdout whatever went wrong,
 * so a script reads stdout only. Pure: the CLI prints what these return.
 */
import { DocPath, Problem, ProblemRule, escapeControl, formatPath } from "../config/errors";
import { PLAN_RISK_RULE, type WarningRule } from "./sarif";

/** One problem as `--json` prints it. */
export interface ProblemJson {
  /** The file, relative to the working directory, as the text output names it. */
  readonly file: string;
  /** 1-based line of the YAML node at fault (1 for a problem about the whole file). */
  readonly line: number;
  /** 1-based column, in UTF-16 code units. */
  readonly column: number;
  /** The path inside the file as the text output writes it: `nodePools.a.nodes[1]`, `(document)`. */
  readonly path: string;
  /** What is wrong, what was found and what is allowed or how to fix it. */
  readonly message: string;
  /**
   * The kind of problem (config/errors.ts PROBLEM_RULES), or of warning (report/sarif.ts
   * WARNING_RULES): the SARIF rule id.
   */
  readonly rule: ProblemRule | WarningRule;
  /** The same path as keys and list indices: `["nodePools", "a", "nodes", 1]`, `[]` for the document. */
  readonly pathSegments: DocPath;
}

/** A problem as plain data: the fields of its text line, and its path as an array too. */
export function problemJson(problem: Problem): ProblemJson {
  return {
    file: escapeControl(problem.file),
    line: problem.line ?? 1,
    column: problem.column ?? 1,
    path: formatPath(problem.path),
    message: escapeControl(problem.message),
    rule: problem.rule ?? "check",
    pathSegments: [...problem.path],
  };
}

/** A warning as plain data: the fields of a problem, with its warning rule. */
export function warningJson(warning: Problem): ProblemJson {
  return { ...problemJson(warning), rule: PLAN_RISK_RULE };
}

/** `{ "valid": false, "problems": [...] }`: invalid input (exit 1). */
export function renderProblemsJson(problems: readonly Problem[]): string {
  return JSON.stringify({ valid: false, problems: problems.map(problemJson) }, null, 2);
}

/** `{ "valid": false, "usage": "..." }`: a wrong command line (exit 2). */
export function renderUsageJson(message: string): string {
  return JSON.stringify({ valid: false, usage: escapeControl(message) }, null, 2);
}

/** `{ "valid": false, "internalError": "..." }`: a bug in ai-factory (exit 70); the stack goes to stderr. */
export function renderInternalErrorJson(message: string): string {
  return JSON.stringify({ valid: false, internalError: escapeControl(message) }, null, 2);
}
