/**
 * How commands end: user errors print their problems and exit 1, usage errors exit 2, and only
 * a bug in ai-factory itself prints a stack trace.
 *
 * stderr always gets the report for people: one line per problem, `<file>:<line>:<column>:
 * <path>: <message>`, then the count. With `--json`, stdout gets exactly one JSON document
 * whatever happened (`{ "valid": false, "problems" | "usage" | "internalError": … }`); with
 * `--format sarif`, a SARIF log of the problems (exit 1), and nothing on a usage error or a bug,
 * so that an upload of an empty file fails rather than reporting a clean run.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, UsageError, formatLocatedProblem } from "../config/errors";
import { renderInternalErrorJson, renderProblemsJson, renderUsageJson } from "../report/problems-json";
import { renderSarif } from "../report/sarif";

export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Whether `out` goes to a terminal (colour is used only there). @default false */
  readonly isTTY?: boolean;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  get isTTY() {
    return process.stdout.isTTY === true;
  },
};

/** What a command prints on stdout: text for people, or one JSON or SARIF document for machines. */
export type OutputFormat = "text" | "json" | "sarif";

/** How a command reports a failure. */
export interface ExitOptions {
  /** The command writes files: the count line adds that nothing was written. @default false */
  readonly writes?: boolean;
  /** What stdout carries. @default "text" */
  readonly format?: OutputFormat;
}

/** The version of ai-factory, from its package.json (beside cli/ in the sources, two up from dist/cli/). */
export function toolVersion(): string {
  const root = path.basename(path.dirname(__dirname)) === "dist" ? path.join(__dirname, "..", "..") : path.join(__dirname, "..");
  return (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
}

/** Runs `fn`, mapping errors to exit codes: 0 ok, 1 invalid input, 2 usage, 70 internal error. */
export function withExitCode(io: Io, fn: () => number | void, options: ExitOptions = {}): number {
  try {
    return fn() ?? 0;
  } catch (err) {
    return exitCodeOf(io, err, options);
  }
}

/** `withExitCode` for asynchronous commands. */
export async function withExitCodeAsync(io: Io, fn: () => Promise<number>, options: ExitOptions = {}): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    return exitCodeOf(io, err, options);
  }
}

function exitCodeOf(io: Io, err: unknown, options: ExitOptions): number {
  const format = options.format ?? "text";
  if (err instanceof ConfigError) {
    if (format === "json") io.out(renderProblemsJson(err.problems));
    if (format === "sarif") io.out(renderSarif(err.problems, { version: toolVersion() }));
    for (const problem of err.problems) io.err(formatLocatedProblem(problem));
    const n = err.problems.length;
    io.err(`${n} problem${n === 1 ? "" : "s"} found${options.writes ? "; nothing was written" : ""}.`);
    return 1;
  }
  if (err instanceof UsageError) {
    if (format === "json") io.out(renderUsageJson(err.message));
    io.err(`ai-factory: ${err.message}`);
    io.err("Run `npx ai-factory help` for usage.");
    return 2;
  }
  if (format === "json") io.out(renderInternalErrorJson(String((err as Error)?.message ?? err)));
  io.err(`ai-factory: internal error (please report it): ${(err as Error)?.stack ?? String(err)}`);
  return 70;
}
