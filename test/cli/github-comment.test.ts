/**
 * `ai-factory comment` against a local HTTP server that speaks the three GitHub REST endpoints it
 * uses (https://docs.github.com/en/rest/issues/comments): list with `Link` pagination, create and
 * update. Every request is recorded; the tests assert on what was sent and on what was printed.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { EXIT_GITHUB_UNAVAILABLE, parseCommentArgs, planCommentBody, runComment, startsWithMarkerLine, upsertPlanComment } from "../../cli/github-comment";
import { GITHUB_COMMENT_LIMIT, PLAN_REVIEW_MARKER } from "../../report/plan-review-marker";
import { REPO as REPO_DIR, tempDir } from "../helpers/run";

const TOKEN = "ghs_SeCrEtTokenValue0123456789";
const REPO = "acme/factory";
const PR = 7;

interface StoredComment {
  id: number;
  body: string;
  created_at: string;
}

interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body: unknown;
}

/** A failure the server answers instead of doing the request. */
interface Failure {
  readonly method: string;
  readonly status: number;
  readonly body: unknown;
}

/** The fake GitHub: comments of one pull request, in creation order. */
class FakeGitHub {
  public readonly requests: RecordedRequest[] = [];
  public comments: StoredComment[] = [];
  public failure: Failure | undefined;
  private nextId = 1000;
  private readonly server = http.createServer((req, res) => this.handle(req, res));

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Adds comments in order, each a minute after the previous; returns them. */
  add(...bodies: string[]): StoredComment[] {
    return bodies.map((body) => {
      const id = this.nextId++;
      const comment = { id, body, created_at: new Date(Date.UTC(2026, 0, 1, 0, id - 1000)).toISOString() };
      this.comments.push(comment);
      return comment;
    });
  }

  /** The requests that write (POST, PATCH). */
  get writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== "GET");
  }

  private json(comment: StoredComment): object {
    return { ...comment, html_url: `https://github.com/${REPO}/pull/${PR}#issuecomment-${comment.id}`, user: { login: "github-actions[bot]" } };
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
      const text = Buffer.concat(chunks).toString("utf8");
      const body = text === "" ? undefined : (JSON.parse(text) as unknown);
      this.requests.push({ method: req.method ?? "", path: url.pathname, query: Object.fromEntries(url.searchParams), body });
      const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
        res.end(JSON.stringify(data));
      };
      const auth = req.headers.authorization ?? "";
      if (auth !== `token ${TOKEN}` && auth.toLowerCase() !== `bearer ${TOKEN}`.toLowerCase()) {
        return send(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
      }
      if (this.failure && this.failure.method === req.method) return send(this.failure.status, this.failure.body);

      const list = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/);
      const one = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/);
      if (list && `${list[1]}/${list[2]}` === REPO && Number(list[3]) === PR && req.method === "GET") {
        const perPage = Number(url.searchParams.get("per_page") ?? "30");
        const page = Number(url.searchParams.get("page") ?? "1");
        const last = Math.max(1, Math.ceil(this.comments.length / perPage));
        const pageUrl = (n: number) => `${url.origin}${url.pathname}?per_page=${perPage}&page=${n}`;
        const links: string[] = [];
        if (page > 1) links.push(`<${pageUrl(page - 1)}>; rel="prev"`, `<${pageUrl(1)}>; rel="first"`);
        if (page < last) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(last)}>; rel="last"`);
        const items = this.comments.slice((page - 1) * perPage, page * perPage).map((c) => this.json(c));
        return send(200, items, links.length > 0 ? { link: links.join(", ") } : {});
      }
      if (list && `${list[1]}/${list[2]}` === REPO && Number(list[3]) === PR && req.method === "POST") {
        const [created] = this.add((body as { body: string }).body);
        return send(201, this.json(created));
      }
      if (one && `${one[1]}/${one[2]}` === REPO && req.method === "PATCH") {
        const comment = this.comments.find((c) => c.id === Number(one[3]));
        if (!comment) return send(404, { message: "Not Found" });
        comment.body = (body as { body: string }).body;
        return send(200, this.json(comment));
      }
      return send(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    });
  }
}

let github: FakeGitHub;
let dir: string;

beforeEach(async () => {
  github = new FakeGitHub();
  await github.start();
  dir = tempDir("ai-factory-comment-");
});

afterEach(async () => {
  await github.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes `text` as the body file and returns its path. */
function bodyFile(text: string, name = "plan-review.md"): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** Runs `ai-factory comment` in-process; stdout and stderr apart. Every run checks that the token never printed. */
async function comment(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runComment(["comment", ...args], { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: REPO, GITHUB_API_URL: github.url, ...env }, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  const result = { code, out: out.join("\n"), err: err.join("\n") };
  expect(result.out).not.toContain(TOKEN);
  expect(result.err).not.toContain(TOKEN);
  return result;
}

const REVIEW = `${PLAN_REVIEW_MARKER}\n## Plan review\n\nprod: 2 to change\n`;
const POSTED = REVIEW.trimEnd();

describe("the comment body", () => {
  test("GIVEN a body without the marker WHEN prepared THEN the marker line is put first", () => {
    expect(planCommentBody("## Plan review")).toBe(`${PLAN_REVIEW_MARKER}\n## Plan review`);
    expect(planCommentBody(POSTED)).toBe(POSTED);
  });

  test("GIVEN comments WHEN matched THEN only a body whose first line is the marker is ours", () => {
    expect(startsWithMarkerLine(`${PLAN_REVIEW_MARKER}\nx`)).toBe(true);
    expect(startsWithMarkerLine(`${PLAN_REVIEW_MARKER}\r\nx`)).toBe(true);
    expect(startsWithMarkerLine(PLAN_REVIEW_MARKER)).toBe(true);
    expect(startsWithMarkerLine(`see ${PLAN_REVIEW_MARKER}`)).toBe(false);
    expect(startsWithMarkerLine(`${PLAN_REVIEW_MARKER}x`)).toBe(false);
  });

  test("throws when the body with its marker is over GitHub's limit", () => {
    expect(() => planCommentBody("x".repeat(GITHUB_COMMENT_LIMIT))).toThrow(
      "the comment would be 65,568 characters with its marker line; GitHub takes at most 65,536.",
    );
    expect(planCommentBody("x".repeat(GITHUB_COMMENT_LIMIT - PLAN_REVIEW_MARKER.length - 1)).length).toBe(GITHUB_COMMENT_LIMIT);
  });
});

describe("ai-factory comment", () => {
  test("GIVEN no marker comment on the pull request WHEN comment runs THEN it creates one and prints its URL", async () => {
    github.add("LGTM", `Please look at ${PLAN_REVIEW_MARKER} later`);

    const r = await comment(["--pr", "7", "--body-file", bodyFile(REVIEW)]);

    expect(r).toEqual({ code: 0, out: `created comment https://github.com/${REPO}/pull/7#issuecomment-1002`, err: "" });
    expect(github.requests.map((q) => `${q.method} ${q.path}`)).toEqual([`GET /repos/${REPO}/issues/7/comments`, `POST /repos/${REPO}/issues/7/comments`]);
    expect(github.requests[0].query).toEqual({ per_page: "100" });
    expect(github.writes[0].body).toEqual({ body: POSTED });
  });

  test("GIVEN a body file without the marker WHEN comment runs THEN the posted body starts with the marker line", async () => {
    const r = await comment(["--pr=7", `--body-file=${bodyFile("## Plan review\n")}`]);

    expect(r.code).toBe(0);
    expect(github.writes[0].body).toEqual({ body: `${PLAN_REVIEW_MARKER}\n## Plan review` });
  });

  test("GIVEN the marker comment on page 2 of 3 among 250 comments WHEN comment runs THEN every page is read and that comment is updated", async () => {
    const before = Array.from({ length: 140 }, (_, i) => (i === 60 ? `quoting the bot: ${PLAN_REVIEW_MARKER}\nold` : `comment ${i}`));
    github.add(...before);
    const [ours] = github.add(`${PLAN_REVIEW_MARKER}\n## Plan review\n\nold numbers`);
    github.add(...Array.from({ length: 109 }, (_, i) => `later ${i}`));
    expect(github.comments).toHaveLength(250);

    const r = await comment(["--pr", "7", "--body-file", bodyFile(REVIEW)]);

    expect(r).toEqual({ code: 0, out: `updated comment https://github.com/${REPO}/pull/7#issuecomment-${ours.id}`, err: "" });
    expect(github.requests.map((q) => [q.method, q.path, q.query.page ?? "1"])).toEqual([
      ["GET", `/repos/${REPO}/issues/7/comments`, "1"],
      ["GET", `/repos/${REPO}/issues/7/comments`, "2"],
      ["GET", `/repos/${REPO}/issues/7/comments`, "3"],
      ["PATCH", `/repos/${REPO}/issues/comments/${ours.id}`, "1"],
    ]);
    expect(github.writes[0].body).toEqual({ body: POSTED });
    expect(github.comments[60].body).toBe(`quoting the bot: ${PLAN_REVIEW_MARKER}\nold`);
  });

  test("GIVEN the marker comment already holds the body WHEN comment runs THEN nothing is written and it says unchanged", async () => {
    const [, ours] = github.add("first", POSTED);

    const r = await comment(["--pr", "7", "--body-file", bodyFile(REVIEW)]);

    expect(r).toEqual({ code: 0, out: `unchanged comment https://github.com/${REPO}/pull/7#issuecomment-${ours.id}`, err: "" });
    expect(github.writes).toEqual([]);
  });

  test("GIVEN two marker comments WHEN comment runs THEN the oldest is updated and the other left alone", async () => {
    const [oldest] = github.add(`${PLAN_REVIEW_MARKER}\nfirst run`);
    github.add(...Array.from({ length: 120 }, (_, i) => `comment ${i}`));
    const [newer] = github.add(`${PLAN_REVIEW_MARKER}\nrace`);

    const r = await comment(["--pr", "7", "--body-file", bodyFile(REVIEW)]);

    expect(r.out).toBe(`updated comment https://github.com/${REPO}/pull/7#issuecomment-${oldest.id}`);
    expect(github.writes.map((q) => `${q.method} ${q.path}`)).toEqual([`PATCH /repos/${REPO}/issues/comments/${oldest.id}`]);
    expect(github.comments.find((c) => c.id === newer.id)?.body).toBe(`${PLAN_REVIEW_MARKER}\nrace`);
  });

  test("GIVEN --json WHEN comment runs THEN stdout is one JSON document with the action, id and URL", async () => {
    const r = await comment(["--pr", "7", "--body-file", bodyFile(REVIEW), "--json"]);

    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ action: "created", id: 1000, url: `https://github.com/${REPO}/pull/7#issuecomment-1000` });
  });

  test("GIVEN --repo WHEN comment runs THEN it wins over GITHUB_REPOSITORY", async () => {
    const r = await comment(["--pr", "7", "--repo", REPO, "--body-file", bodyFile(REVIEW)], { GITHUB_REPOSITORY: "other/repo" });

    expect(r.code).toBe(0);
    expect(github.requests[0].path).toBe(`/repos/${REPO}/issues/7/comments`);
  });

  test("GIVEN a read-only token (a fork's pull request) WHEN GitHub answers 403 THEN it exits 69 with GitHub's message, the endpoint and the fork hint", async () => {
    github.failure = {
      method: "POST",
      status: 403,
      body: { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest/issues/comments#create-an-issue-comment" },
    };

    const r = await comment(["--pr", "7", "--body-file", bodyFile(REVIEW)]);

    expect(r.code).toBe(EXIT_GITHUB_UNAVAILABLE);
    expect(r.code).toBe(69);
    expect(r.out).toBe("");
    const lines = r.err.split("\n");
    expect(lines[0]).toBe(`ai-factory: POST /repos/${REPO}/issues/7/comments: GitHub answered 403: Resource not accessible by integration`);
    expect(lines[1]).toMatch(/^hint: the token may not write comments here\. On a pull request from a fork, GitHub Actions gives a read-only token/);
    expect(lines).toHaveLength(2);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  test("GIVEN a 403 and --json WHEN comment runs THEN stdout holds the failure as one JSON document", async () => {
    github.failure = { method: "POST", status: 403, body: { message: "Resource not accessible by integration" } };

    const r = await comment(["--pr", "7", "--body-file", bodyFile(REVIEW), "--json"]);

    expect(r.code).toBe(69);
    expect(JSON.parse(r.out)).toEqual({
      valid: false,
      github: {
        method: "POST",
        path: `/repos/${REPO}/issues/7/comments`,
        status: 403,
        message: "Resource not accessible by integration",
        hint: expect.stringContaining("read-only token"),
      },
    });
  });

  test("GIVEN a wrong pull request number WHEN GitHub answers 404 THEN the hint says to check the repository, the number and the token's scope", async () => {
    const r = await comment(["--pr", "8", "--body-file", bodyFile(REVIEW)]);

    expect(r.code).toBe(69);
    expect(r.err.split("\n")).toEqual([
      `ai-factory: GET /repos/${REPO}/issues/8/comments: GitHub answered 404: Not Found`,
      expect.stringMatching(/^hint: check the repository \(--repo or GITHUB_REPOSITORY, as owner\/name\) and the pull request number, and that the token can read/),
    ]);
  });

  test("GIVEN GitHub's 422 lists errors WHEN comment runs THEN they are part of the message", async () => {
    github.failure = {
      method: "POST",
      status: 422,
      body: { message: "Validation Failed", errors: [{ resource: "IssueComment", code: "unprocessable", field: "data", message: "Body is too long (maximum is 65536 characters)" }] },
    };

    const r = await comment(["--pr", "7", "--body-file", bodyFile(REVIEW)]);

    expect(r.code).toBe(69);
    expect(r.err).toContain("GitHub answered 422: Validation Failed (Body is too long (maximum is 65536 characters))");
  });

  test("GIVEN no server at the API URL WHEN comment runs THEN it exits 69 saying there was no answer", async () => {
    const url = github.url;
    await github.stop();
    github = new FakeGitHub();
    await github.start();

    const r = await comment(["--pr", "7", "--body-file", bodyFile(REVIEW)], { GITHUB_API_URL: url });

    expect(r.code).toBe(69);
    expect(r.err.split("\n")[0]).toMatch(new RegExp(`^ai-factory: GET /repos/${REPO}/issues/7/comments: no answer: .+`));
    expect(r.err).toContain(`hint: check the network and the API URL "${url}"`);
  });

  test("GIVEN no GITHUB_TOKEN WHEN comment runs THEN it exits 2 saying how to provide one, and sends nothing", async () => {
    const r = await comment(["--pr", "7", "--body-file", bodyFile(REVIEW)], { GITHUB_TOKEN: undefined });

    expect(r.code).toBe(2);
    expect(r.err.split("\n")).toEqual([
      "ai-factory: GITHUB_TOKEN is not set: comment needs a token that may write pull-request comments " +
        "(in GitHub Actions: `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` and `permissions: pull-requests: write`)",
      "Run `npx ai-factory help` for usage.",
    ]);
    expect(github.requests).toEqual([]);
  });

  test("GIVEN a body over GitHub's limit WHEN comment runs THEN it exits 1 naming the file and sends nothing", async () => {
    const file = bodyFile(`${PLAN_REVIEW_MARKER}\n${"x".repeat(GITHUB_COMMENT_LIMIT)}`);

    const r = await comment(["--pr", "7", "--body-file", file]);

    expect(r.code).toBe(1);
    expect(r.err.split("\n")[0]).toMatch(/plan-review\.md:1:1: \(document\): the comment would be 65,568 characters with its marker line; GitHub takes at most 65,536\./);
    expect(github.requests).toEqual([]);
  });

  test("GIVEN no body file WHEN comment runs THEN it exits 1 saying how to write it, and sends nothing", async () => {
    const before = process.cwd();
    process.chdir(dir);
    try {
      const r = await comment(["--pr", "7"]);
      expect(r.code).toBe(1);
      expect(r.err.split("\n")).toEqual([
        "plan-review.md:1:1: (document): no such file; write it first with `npx ai-factory diff <base> <head> --format md --out plan-review.md`, or pass --body-file",
        "1 problem found.",
      ]);
    } finally {
      process.chdir(before);
    }
    expect(github.requests).toEqual([]);
  });

  test.each<[string, string[], NodeJS.ProcessEnv, string]>([
    ["no --pr", [], {}, "comment needs --pr <number>, the pull request to comment on"],
    ["a --pr that is not a number", ["--pr", "7a"], {}, '--pr takes a pull request number, got "7a"'],
    ["an unknown option", ["--pr", "7", "--force"], {}, "unknown option --force for comment"],
    ["a positional argument", ["--pr", "7", "review.md"], {}, 'comment takes no positional argument, got "review.md"; pass the body with --body-file <file>'],
    ["--body-file -", ["--pr", "7", "--body-file", "-"], {}, "--body-file - (standard input) is not supported; write the body to a file and pass its name"],
    ["a malformed --repo", ["--pr", "7", "--repo", "acme"], {}, '--repo takes owner/name, got "acme"'],
    ["no repository", ["--pr", "7"], { GITHUB_REPOSITORY: "" }, "no repository: pass --repo owner/name or set GITHUB_REPOSITORY (GitHub Actions sets it)"],
    ["an API URL that is not http(s)", ["--pr", "7"], { GITHUB_API_URL: "ftp://x" }, 'GITHUB_API_URL must be an http:// or https:// URL, got "ftp://x"'],
  ])("GIVEN %s WHEN comment runs THEN it exits 2 with the usage error and sends nothing", async (_name, args, env, message) => {
    const r = await comment(args, env);

    expect(r.code).toBe(2);
    expect(r.err.split("\n")[0]).toBe(`ai-factory: ${message}`);
    expect(github.requests).toEqual([]);
  });

  test("GIVEN GitHub echoes the token in an error WHEN comment runs THEN the output masks it", async () => {
    github.failure = { method: "GET", status: 401, body: { message: `Bad credentials: ${TOKEN}` } };

    const text = await comment(["--pr", "7", "--body-file", bodyFile(REVIEW)]);
    const json = await comment(["--pr", "7", "--body-file", bodyFile(REVIEW), "--json"]);

    expect(text.code).toBe(69);
    expect(text.err.split("\n")[0]).toBe(`ai-factory: GET /repos/${REPO}/issues/7/comments: GitHub answered 401: Bad credentials: ***`);
    expect(text.err).toContain("hint: the token was refused");
    expect(JSON.parse(json.out).github.message).toBe("Bad credentials: ***");
    // `comment` checked every output for the token; the requests did carry it.
    expect(github.requests).toHaveLength(2);
  });
});

describe("upsertPlanComment", () => {
  test("GIVEN three calls WHEN made directly THEN it returns what it did, created then unchanged then updated", async () => {
    const options = { token: TOKEN, repository: REPO, pr: PR, apiUrl: `${github.url}/`, userAgent: "test" };

    const created = await upsertPlanComment({ ...options, body: "one" });
    const unchanged = await upsertPlanComment({ ...options, body: "one" });
    const updated = await upsertPlanComment({ ...options, body: "two" });

    expect([created.action, unchanged.action, updated.action]).toEqual(["created", "unchanged", "updated"]);
    expect(new Set([created.id, unchanged.id, updated.id]).size).toBe(1);
    expect(github.comments).toEqual([expect.objectContaining({ body: `${PLAN_REVIEW_MARKER}\ntwo` })]);
  });
});

describe("the plan-review workflow", () => {
  const workflow = fs.readFileSync(path.join(REPO_DIR, ".github", "workflows", "plan-review.yml"), "utf8");

  test("GIVEN the workflow WHEN its comment step is parsed THEN comment accepts it, reading the file diff wrote", () => {
    const line = workflow.split("\n").find((l) => l.includes("npx ai-factory comment"));
    const args = (line ?? "").replace(/^.*npx ai-factory /, "").replace("${{ github.event.pull_request.number }}", "12").trim().split(/\s+/);

    expect(parseCommentArgs(args)).toEqual({ pr: 12, bodyFile: "plan-review.md", repo: undefined, json: false });
    expect(workflow).toContain("--out plan-review.md");
    expect(workflow).toContain("GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}");
  });

  test("GIVEN the README WHEN read THEN it shows the workflow verbatim", () => {
    const readme = fs.readFileSync(path.join(REPO_DIR, "README.md"), "utf8");

    expect(readme).toContain(`\`\`\`yaml\n${workflow}\`\`\`\n`);
  });
});
