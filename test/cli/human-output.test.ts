import * as path from "node:path";
import { runCli } from "../../cli/main";
import type { Io } from "../../cli/output";

const REPO = path.join(__dirname, "..", "..");
const ESC = "\u001b[";

/** Runs the CLI in-process from the repository root with a captured Io, optionally a terminal. */
function run(argv: readonly string[], options: { isTTY?: boolean; env?: Record<string, string | undefined> } = {}): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: options.isTTY };
  const before = process.cwd();
  const saved = Object.fromEntries(Object.keys(options.env ?? {}).map((k) => [k, process.env[k]]));
  process.chdir(REPO);
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    const code = runCli(argv, io);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    process.chdir(before);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe("human output of plan, cost and compare", () => {
  test.each(["plan", "cost", "compare"])("GIVEN %s on a terminal WHEN run THEN it is coloured; with NO_COLOR or off a terminal THEN plain", (command) => {
    const args = command === "compare" ? [command] : [command, "environments/prod.yaml"];
    const tty = run(args, { isTTY: true, env: { NO_COLOR: undefined, TERM: "xterm-256color" } });
    expect(tty.code).toBe(0);
    expect(tty.out).toContain(`${ESC}1m`);
    expect(run(args, { isTTY: true, env: { NO_COLOR: "1" } }).out).not.toContain(ESC);
    expect(run(args, { isTTY: false, env: { NO_COLOR: undefined } }).out).not.toContain(ESC);
  });

  test("GIVEN --format md WHEN cost and compare run THEN they print Markdown, never coloured; tables otherwise", () => {
    const md = run(["cost", "environments/prod.yaml", "--format", "md"], { isTTY: true, env: { NO_COLOR: undefined } });
    expect(md.out).toMatch(/^## AI factory cost: prod\n/);
    expect(md.out).not.toContain(ESC);
    expect(run(["compare", "--format=md"]).out).toContain("|  | dev | prod | staging |");
    expect(run(["plan", "environments/prod.yaml", "--format", "md"]).out).toMatch(/^## AI factory plan: prod \(environments\/prod\.yaml\)\n/);
    // The default is tables, lines of at most 120 columns where the Markdown had 575.
    const text = run(["cost", "environments/prod.yaml"]).out;
    expect(text).not.toContain("|---|");
    for (const line of text.split("\n").filter((l) => /^[┌│├└]/.test(l))) expect([...line].length).toBeLessThanOrEqual(120);
  });

  test("GIVEN environments in some order WHEN compared THEN the columns follow the command line", () => {
    const r = run(["compare", "environments/staging.yaml", "environments/dev.yaml", "environments/prod.yaml"]);
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[1]).toMatch(/^│ +│ +staging │ +dev │ +prod │$/);
    expect(run(["compare", "environments/staging.yaml", "environments/dev.yaml", "--format", "md"]).out).toContain("|  | staging | dev |");
  });

  test("GIVEN an unknown format, none, or --json with --format md WHEN run THEN it is a usage error", () => {
    const unknown = run(["plan", "environments/prod.yaml", "--format", "html"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('--format takes text, md or json, got "html"');
    expect(run(["cost", "environments/prod.yaml", "--format"]).err).toContain("--format takes text, md or json, got nothing");
    expect(run(["cost", "environments/prod.yaml", "--format", "md", "--json"]).code).toBe(2);
  });

  test("GIVEN --format json WHEN plan runs THEN it is --json", () => {
    expect(JSON.parse(run(["plan", "environments/staging.yaml", "--format", "json"]).out).environment).toBe("staging");
  });
});
