/**
 * `ai-factory comment`: keeps one sticky plan-review comment on a GitHub pull request up to date.
 *
 *   ai-factory comment --pr <number> [--body-file <file>] [--repo <owner/name>] [--json]
 *
 * The comment is the one whose body starts with the marker line (report/plan-review-marker.ts):
 * found, it is edited in place (or left alone when the body is the same); not found, it is
 * created. So a pull request carries one review, whatever the number of pushes.
 *
 * Environment: GITHUB_TOKEN (required, never printed), GITHUB_REPOSITORY (`owner/name`, unless
 * `--repo`), GITHUB_API_URL (@default https://api.github.com; GitHub Enterprise Server sets
 * `https://<host>/api/v3`). GitHub Actions sets the last two itself.
 *
 * Exit codes: 0 created, updated or unchanged; 1 invalid input (the body file is missing,
 * unreadable, empty or longer than a comment can be); 2 usage error (a wrong command line, no
 * GITHUB_TOKEN, no repository); 69 GitHub refused the request or could not be reached (sysexits'
 * EX_UNAVAILABLE: the input was fine, the remote service was not); 70 a bug in ai-factory.
 *
 * GitHub REST endpoints used (https://docs.github.com/en/rest/issues/comments): a pull request's
 * conversation comments are issue comments.
 *   GET   /repos/{owner}/{repo}/issues/{issue_number}/comments   list (paginated, oldest first)
 *   POST  /repos/{owner}/{repo}/issues/{issue_number}/comments   create
 *   PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}     update
 */
import * as fs from "node:fs";
import type { Octokit } from "@octokit/rest";
import { ConfigError, UsageError, escapeControl, excerpt, show } from "../config/errors";
import { displayPath } from "../config/loader";
import { maskUrl } from "../config/url-safety";
import { formatNumber } from "../report/format";
import { GITHUB_COMMENT_LIMIT, PLAN_REVIEW_MARKER } from "../report/plan-review-marker";
import { Io, toolVersion, withExitCodeAsync } from "./output";

/** Exit code when GitHub refuses a request or cannot be reached (sysexits' EX_UNAVAILABLE). */
export const EXIT_GITHUB_UNAVAILABLE = 69;

/** The public GitHub API. */
export const DEFAULT_GITHUB_API_URL = "https://api.github.com";

/** The body file `comment` reads when `--body-file` is not given: what `ai-factory diff --out` writes in the examples. */
export const DEFAULT_BODY_FILE = "plan-review.md";

/** How long the whole exchange with GitHub (every page, then the write) may take. */
const DEFAULT_TIMEOUT_MS = 120_000;

/** The most characters of GitHub's own message that an error quotes. */
const GITHUB_MESSAGE_CHARS = 300;

/** What `upsertPlanComment` needs. */
export interface UpsertPlanCommentOptions {
  /** A token that may write issue comments (GitHub Actions: `GITHUB_TOKEN` with `pull-requests: write`). */
  readonly token: string;
  /** `owner/name`. */
  readonly repository: string;
  /** The pull request number. */
  readonly pr: number;
  /** The Markdown; the marker line is put first when it is not there already. */
  readonly body: string;
  /** The API's base URL. @default "https://api.github.com" (GitHub Enterprise Server: GITHUB_API_URL) */
  readonly apiUrl?: string;
  /** @default "ai-factory/<version>" */
  readonly userAgent?: string;
  /** A deadline for the whole exchange, in milliseconds. @default 120000 */
  readonly timeoutMs?: number;
}

/** What `upsertPlanComment` did, and to which comment. */
export interface UpsertPlanCommentResult {
  readonly action: "created" | "updated" | "unchanged";
  readonly id: number;
  /** The comment's page on GitHub (`html_url`). */
  readonly url: string;
}

/** A body that no comment can hold. Nothing was sent. */
export class CommentTooLongError extends Error {
  constructor(
    /** The body's length with the marker line, in UTF-16 code units. */
    public readonly lengthChars: number,
  ) {
    super(
      `the comment would be ${formatNumber(lengthChars)} characters with its marker line; GitHub takes at most ${formatNumber(GITHUB_COMMENT_LIMIT)}. ` +
        "`ai-factory diff --format md --out <file>` cuts its report to fit and writes the full one beside it",
    );
    this.name = "CommentTooLongError";
  }
}

/** GitHub refused a request, or did not answer. Exit code 69. Its message never holds the token. */
export class GitHubApiError extends Error {
  constructor(
    /** `GET`, `POST`, `PATCH`. */
    public readonly method: string,
    /** The endpoint's path below the API URL, e.g. `/repos/o/r/issues/7/comments`. */
    public readonly path: string,
    /** GitHub's HTTP status; undefined when no answer came (network, DNS, TLS, timeout). */
    public readonly status: number | undefined,
    /** What GitHub (or the network) said, escaped and cut. */
    public readonly githubMessage: string,
    /** What to check or do. */
    public readonly hint: string,
  ) {
    super(`${method} ${path}: ${status === undefined ? "no answer" : `GitHub answered ${status}`}: ${githubMessage}`);
    this.name = "GitHubApiError";
  }
}

/** Whether `body` starts with the marker as a line of its own (a comment merely quoting it is not ours). */
export function startsWithMarkerLine(body: string): boolean {
  if (!body.startsWith(PLAN_REVIEW_MARKER)) return false;
  const rest = body.slice(PLAN_REVIEW_MARKER.length);
  return rest === "" || rest.startsWith("\n") || rest.startsWith("\r\n");
}

/**
 * The body as it is posted: the marker line first (added when missing), at most
 * `GITHUB_COMMENT_LIMIT` characters, else `CommentTooLongError`. Length counts UTF-16 code units,
 * never fewer than the characters GitHub counts, so a body that passes here passes there too.
 */
export function planCommentBody(body: string): string {
  const marked = startsWithMarkerLine(body) ? body : `${PLAN_REVIEW_MARKER}\n${body}`;
  if (marked.length > GITHUB_COMMENT_LIMIT) throw new CommentTooLongError(marked.length);
  return marked;
}

/** `owner/name` as GitHub allows them. */
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** Octokit logs through `console` by default; the CLI prints through its Io, once, itself. */
const SILENT_LOG = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Creates or updates the pull request's plan-review comment and says which. The body is checked
 * before any request, so a body that is too long sends nothing.
 */
export async function upsertPlanComment(options: UpsertPlanCommentOptions): Promise<UpsertPlanCommentResult> {
  const body = planCommentBody(options.body);
  const apiUrl = (options.apiUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, "");
  const userAgent = options.userAgent ?? `ai-factory/${toolVersion()}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!REPOSITORY.test(options.repository)) throw new UsageError(`the repository must be owner/name, got ${show(options.repository)}`);
  if (!Number.isSafeInteger(options.pr) || options.pr < 1) throw new UsageError(`the pull request number must be a positive integer, got ${show(options.pr)}`);
  const [owner, repo] = options.repository.split("/");
  const issue = options.pr;

  // Loaded here, not at the top: every other command starts without the GitHub client.
  const { Octokit: OctokitClass } = await import("@octokit/rest");
  const octokit: Octokit = new OctokitClass({
    auth: options.token,
    baseUrl: apiUrl,
    userAgent,
    log: SILENT_LOG,
    request: { signal: AbortSignal.timeout(timeoutMs) },
  });
  const call = <T>(method: string, path: string, run: () => Promise<T>): Promise<T> =>
    run().catch((err: unknown) => {
      throw toGitHubApiError(err, method, path, apiUrl, options.token);
    });

  const listPath = `/repos/${owner}/${repo}/issues/${issue}/comments`;
  const comments = await call("GET", listPath, () =>
    octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issue, per_page: 100 }),
  );
  // With several marker comments (two runs that raced, each finding none and creating one), the
  // oldest is kept: it is the one the pull request's timeline and any links already point at, and
  // every later run then picks the same one. The others are left as they are, never deleted.
  const ours = comments
    .filter((c) => startsWithMarkerLine(c.body ?? ""))
    .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id - b.id))[0];

  if (ours === undefined) {
    const created = await call("POST", listPath, () => octokit.rest.issues.createComment({ owner, repo, issue_number: issue, body }));
    return { action: "created", id: created.data.id, url: created.data.html_url };
  }
  if (ours.body === body) return { action: "unchanged", id: ours.id, url: ours.html_url };
  const updatePath = `/repos/${owner}/${repo}/issues/comments/${ours.id}`;
  const updated = await call("PATCH", updatePath, () => octokit.rest.issues.updateComment({ owner, repo, comment_id: ours.id, body }));
  return { action: "updated", id: updated.data.id, url: updated.data.html_url };
}

/** The fields of Octokit's RequestError read here (the class itself is not a direct dependency). */
interface RequestErrorLike {
  readonly name: string;
  readonly status: number;
  readonly message: string;
  readonly response?: { readonly data?: unknown };
}

function isRequestError(err: unknown): err is RequestErrorLike {
  return err instanceof Error && err.name === "HttpError" && typeof (err as Partial<RequestErrorLike>).status === "number";
}

/** `err` from Octokit as a `GitHubApiError`; anything else (a bug) is returned as it is. */
function toGitHubApiError(err: unknown, method: string, path: string, apiUrl: string, token: string): unknown {
  if (!isRequestError(err)) return err;
  // Octokit reports a request that got no answer as status 500 without a response.
  const status = err.response === undefined ? undefined : err.status;
  const said = redact(status === undefined ? err.message : messageOf(err.response?.data) ?? err.message, token);
  return new GitHubApiError(method, path, status, excerpt(said, GITHUB_MESSAGE_CHARS), hintFor(status, said, apiUrl));
}

/** GitHub's `message`, with the `errors` of a 422 (where "Body is too long" is said). */
function messageOf(data: unknown): string | undefined {
  if (typeof data === "string") return data.trim() === "" ? undefined : data.trim();
  if (data === null || typeof data !== "object") return undefined;
  const { message, errors } = data as { message?: unknown; errors?: unknown };
  if (typeof message !== "string") return undefined;
  if (!Array.isArray(errors) || errors.length === 0) return message;
  const details = errors.map((e: unknown) =>
    typeof e === "string" ? e : typeof (e as { message?: unknown })?.message === "string" ? (e as { message: string }).message : JSON.stringify(e),
  );
  return `${message} (${details.join("; ")})`;
}

/** `text` with every occurrence of the token masked: nothing GitHub echoes may print it. */
function redact(text: string, token: string): string {
  return token === "" ? text : text.split(token).join("***");
}

function hintFor(status: number | undefined, said: string, apiUrl: string): string {
  if (status === undefined) {
    return `check the network and the API URL ${show(apiUrl)} (GITHUB_API_URL; GitHub Enterprise Server: https://<host>/api/v3)`;
  }
  if (status === 401) return "the token was refused: check that GITHUB_TOKEN holds a valid, unexpired token";
  if (status === 403 && /rate limit/i.test(said)) return "the API rate limit is spent: run again after it resets";
  if (status === 403) {
    return (
      "the token may not write comments here. On a pull request from a fork, GitHub Actions gives a read-only token: " +
      "keep the review as the workflow's artifact, or post it from a separate `workflow_run` workflow; " +
      "otherwise give the job `permissions: pull-requests: write`"
    );
  }
  if (status === 404) {
    return (
      "check the repository (--repo or GITHUB_REPOSITORY, as owner/name) and the pull request number, and that the token " +
      "can read the repository (GitHub answers 404 for a private repository the token cannot see)"
    );
  }
  if (status === 422) return "GitHub refused the comment's content; its message says which field";
  if (status >= 500) return "GitHub failed on its side: run again later";
  return "see GitHub's message";
}

/** The `comment` command line. */
export interface CommentArgs {
  readonly pr: number;
  /** @default "plan-review.md" */
  readonly bodyFile: string;
  /** @default - GITHUB_REPOSITORY */
  readonly repo: string | undefined;
  readonly json: boolean;
}

/** Options that take a value, as `--name value` or `--name=value`. */
const VALUE_OPTIONS = ["--pr", "--body-file", "--repo"] as const;
type ValueOption = (typeof VALUE_OPTIONS)[number];

/** Parses `comment`'s arguments (those after `ai-factory comment`; a leading `comment` is skipped). */
export function parseCommentArgs(argv: readonly string[]): CommentArgs {
  const args = argv[0] === "comment" ? argv.slice(1) : argv;
  const values = new Map<ValueOption, string>();
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--json") {
      json = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = (arg.startsWith("--") && eq !== -1 ? arg.slice(0, eq) : arg) as ValueOption;
    if (!VALUE_OPTIONS.includes(name)) {
      if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option ${arg} for comment`);
      throw new UsageError(`comment takes no positional argument, got ${show(arg)}; pass the body with --body-file <file>`);
    }
    const value = eq !== -1 && arg.startsWith("--") ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === "") throw new UsageError(`${name} needs a value`);
    if (values.has(name)) throw new UsageError(`${name} is given twice`);
    values.set(name, value);
  }
  const prText = values.get("--pr");
  if (prText === undefined) throw new UsageError("comment needs --pr <number>, the pull request to comment on");
  const pr = /^[1-9][0-9]*$/.test(prText) ? Number(prText) : NaN;
  if (!Number.isSafeInteger(pr)) throw new UsageError(`--pr takes a pull request number, got ${show(prText)}`);
  const bodyFile = values.get("--body-file") ?? DEFAULT_BODY_FILE;
  // The CLI's Io has no stdin; a file keeps the body visible as a CI artifact anyway.
  if (bodyFile === "-") throw new UsageError("--body-file - (standard input) is not supported; write the body to a file and pass its name");
  const repo = values.get("--repo");
  if (repo !== undefined && !REPOSITORY.test(repo)) throw new UsageError(`--repo takes owner/name, got ${show(repo)}`);
  return { pr, bodyFile, repo, json };
}

/** The repository, token and API URL from the command line and the environment; usage errors when missing. */
function settingsFrom(args: CommentArgs, env: NodeJS.ProcessEnv): { repository: string; token: string; apiUrl: string } {
  const token = (env.GITHUB_TOKEN ?? "").trim();
  if (token === "") {
    throw new UsageError(
      "GITHUB_TOKEN is not set: comment needs a token that may write pull-request comments " +
        "(in GitHub Actions: `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` and `permissions: pull-requests: write`)",
    );
  }
  let repository = args.repo;
  if (repository === undefined) {
    const fromEnv = (env.GITHUB_REPOSITORY ?? "").trim();
    if (fromEnv === "") throw new UsageError("no repository: pass --repo owner/name or set GITHUB_REPOSITORY (GitHub Actions sets it)");
    if (!REPOSITORY.test(fromEnv)) throw new UsageError(`GITHUB_REPOSITORY must be owner/name, got ${show(fromEnv)}`);
    repository = fromEnv;
  }
  const apiUrl = (env.GITHUB_API_URL ?? "").trim() || DEFAULT_GITHUB_API_URL;
  let url: URL | undefined;
  try {
    url = new URL(apiUrl);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new UsageError(`GITHUB_API_URL must be an http:// or https:// URL, got ${show(maskUrl(apiUrl))}`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new UsageError("GITHUB_API_URL must not carry user info: the token comes from GITHUB_TOKEN only");
  }
  return { repository, token, apiUrl };
}

/** Reads the body file; a problem with it is invalid input (exit 1), named by the file. */
function readBody(file: string): string {
  const fail = (message: string): never => {
    throw new ConfigError([{ file: displayPath(file), path: [], message, rule: "file" }]);
  };
  let bytes: Buffer | undefined;
  let code: string | undefined;
  try {
    bytes = fs.statSync(file).isDirectory() ? undefined : fs.readFileSync(file);
  } catch (err) {
    code = (err as NodeJS.ErrnoException).code ?? "unknown error";
  }
  if (code === "ENOENT") fail("no such file; write it first with `npx ai-factory diff <base> <head> --format md --out plan-review.md`, or pass --body-file");
  if (code !== undefined) fail(`cannot be read (${code})`);
  if (bytes === undefined) return fail("is a directory, not the comment's Markdown");
  let text: string;
  try {
    // Drops a leading byte-order mark too, which would hide the marker line.
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return fail("is not UTF-8 text");
  }
  // The file's final newline is not part of the comment.
  text = text.replace(/(\r?\n)+$/, "");
  if (text.trim() === "") fail("is empty: there is no review to post");
  return text;
}

/**
 * Runs `ai-factory comment`; returns the exit code. `argv` are the arguments after
 * `ai-factory comment` (a leading `comment` is skipped, so the CLI's argv can be passed whole).
 */
export async function runComment(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  const json = argv.includes("--json");
  return withExitCodeAsync(
    io,
    async () => {
      const args = parseCommentArgs(argv);
      const settings = settingsFrom(args, env);
      const body = readBody(args.bodyFile);
      let result: UpsertPlanCommentResult;
      try {
        result = await upsertPlanComment({ ...settings, pr: args.pr, body });
      } catch (err) {
        if (err instanceof CommentTooLongError) throw new ConfigError([{ file: displayPath(args.bodyFile), path: [], message: err.message, rule: "file" }]);
        if (!(err instanceof GitHubApiError)) throw err;
        if (json) {
          const { method, path, status, githubMessage: message, hint } = err;
          io.out(JSON.stringify({ valid: false, github: { method, path, status: status ?? null, message, hint } }, null, 2));
        }
        io.err(`ai-factory: ${err.message}`);
        io.err(`hint: ${err.hint}`);
        return EXIT_GITHUB_UNAVAILABLE;
      }
      if (json) io.out(JSON.stringify(result, null, 2));
      else io.out(`${result.action} comment ${escapeControl(result.url)}`);
      return 0;
    },
    { format: json ? "json" : "text" },
  );
}
