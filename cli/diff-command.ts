/**
 * `ai-factory diff <base> <head> [--format md|json|text] [--out FILE] [--no-render]`: what a
 * change does to each environment, offline. Each side is a synthesized output folder or a git
 * ref (synthesized in a temporary checkout: cli/diff-input.ts); the comparison is
 * report/plan-diff.ts, the renderers report/plan-diff-*.ts.
 *
 * Markdown is cut to fit a GitHub comment; with `--out FILE` the uncut report is written beside
 * it as `<FILE without .md>.full.md` when a cut was needed (the comment's note names it).
 * Exit codes: 0 the review was written (whatever it found), 1 a side cannot be read or
 * synthesized, 2 usage, 73 `--out` cannot be written.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../config/errors";
import { computePlanDiff } from "../report/plan-diff";
import { renderPlanDiffJson } from "../report/plan-diff-json";
import { renderPlanDiffMarkdown } from "../report/plan-diff-markdown";
import { renderPlanDiffText } from "../report/plan-diff-text";
import { readSide } from "./diff-input";
import { Io, withExitCodeAsync } from "./output";
import { isFileSystemError } from "./staging";

/** Exit code when `--out` cannot be written (sysexits' EX_CANTCREAT, as for the synth's output). */
export const EXIT_CANNOT_WRITE = 73;

export type DiffFormat = "md" | "json" | "text";

export interface DiffArgs {
  readonly base: string;
  readonly head: string;
  readonly format: DiffFormat;
  readonly out?: string;
  readonly render: boolean;
}

const FORMATS: readonly DiffFormat[] = ["md", "json", "text"];

/** Parses the arguments after `diff`. */
export function parseDiffArgs(argv: readonly string[]): DiffArgs {
  const positional: string[] = [];
  let format: DiffFormat | undefined;
  let out: string | undefined;
  let render = true;
  const setFormat = (value: string | undefined) => {
    const known = FORMATS.find((f) => f === value);
    if (known === undefined) throw new UsageError(`--format takes ${FORMATS.join(", ")}, got ${value === undefined ? "nothing" : JSON.stringify(value)}`);
    if (format !== undefined && format !== known) throw new UsageError(`two output formats given: ${format} and ${known}`);
    format = known;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json") setFormat("json");
    else if (arg === "--format") setFormat(argv[++i]);
    else if (arg.startsWith("--format=")) setFormat(arg.slice("--format=".length));
    else if (arg === "--out" || arg.startsWith("--out=")) {
      const value = arg === "--out" ? argv[++i] : arg.slice("--out=".length);
      if (value === undefined || value === "" || value.startsWith("--")) throw new UsageError("--out needs a file name, e.g. --out plan-review.md");
      out = value;
    } else if (arg === "--no-render") render = false;
    else if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option ${arg} for diff`);
    else positional.push(arg);
  }
  if (positional.length !== 2) {
    throw new UsageError("diff takes two sides, each a synthesized output folder or a git ref, e.g. `ai-factory diff origin/main cdktf.out`");
  }
  return { base: positional[0], head: positional[1], format: format ?? "text", ...(out === undefined ? {} : { out }), render };
}

/** `plan-review.md` → `plan-review.full.md`; the uncut report when the comment had to be cut. */
export function fullReportPath(out: string): string {
  const ext = path.extname(out);
  return `${ext === "" ? out : out.slice(0, -ext.length)}.full${ext === "" ? ".md" : ext}`;
}

/**
 * How the cut comment names the full report: its file name, and on GitHub Actions the run whose
 * artifacts hold it (GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_RUN_ID, which Actions sets).
 */
export function fullReportName(out: string, env: NodeJS.ProcessEnv): string {
  const name = `\`${path.basename(fullReportPath(out))}\``;
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: run } = env;
  const safe = (s: string | undefined): s is string => s !== undefined && /^[\w.:/-]+$/.test(s);
  if (!safe(server) || !safe(repository) || !safe(run) || !/^https?:\/\//.test(server)) return name;
  return `${name}, among the artifacts of [the workflow run](${server}/${repository}/actions/runs/${run})`;
}

/** Runs `diff` with the arguments after the command name; returns the exit code. */
export function runDiff(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<number> {
  const format = argv.includes("--json") || argv.some((a, i) => (a === "--format" && argv[i + 1] === "json") || a === "--format=json") ? "json" : "text";
  return withExitCodeAsync(io, () => diffCommand(parseDiffArgs(argv), io, env, cwd), { format });
}

async function diffCommand(args: DiffArgs, io: Io, env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const log = (line: string) => io.err(`ai-factory diff: ${line}`);
  const base = await readSide(args.base, { cwd, render: args.render, env, log });
  const head = await readSide(args.head, { cwd, render: args.render, env, log });
  const diff = computePlanDiff(base, head);
  let text: string;
  let full: string | undefined;
  if (args.format === "md") {
    const rendered = renderPlanDiffMarkdown(diff, args.out === undefined ? {} : { fullReportName: fullReportName(args.out, env) });
    text = rendered.text;
    if (rendered.cut) full = rendered.full;
  } else {
    text = args.format === "json" ? renderPlanDiffJson(diff) : renderPlanDiffText(diff);
  }
  if (args.out === undefined) {
    io.out(text.trimEnd());
    if (full !== undefined) log("the report was cut to fit a comment; run with --out FILE to keep the full report beside it");
    return 0;
  }
  const fullPath = fullReportPath(args.out);
  try {
    // The full report first: a comment that names it is never written without it.
    if (full !== undefined) fs.writeFileSync(fullPath, full.endsWith("\n") ? full : `${full}\n`);
    else if (args.format === "md" && fs.existsSync(fullPath)) fs.rmSync(fullPath);
    fs.writeFileSync(args.out, text.endsWith("\n") ? text : `${text}\n`);
  } catch (err) {
    if (!isFileSystemError(err)) throw err;
    io.err(`ai-factory: cannot write ${err.path ?? args.out}: ${err.code}`);
    return EXIT_CANNOT_WRITE;
  }
  log(`wrote ${args.out}${full === undefined ? "" : ` (cut to fit a comment) and ${fullPath}`}`);
  return 0;
}
