/**
 * The README's example outputs are the real output of the commands they show. Every line
 * `$ npx ai-factory <args>` in a fenced code block of README.md is run in-process (`runCli` with a
 * captured Io: no terminal, so no colour) from the repository root, and what it prints — stdout
 * and stderr as one stream, in the order written — must equal the lines under it, up to the next
 * `$` line or the end of the block.
 *
 * Elision: a line of just `...` (indentation allowed) stands for any number of lines of output
 * left out, so an example can show the start of a long output.
 *
 * When this fails, the message holds the command's real output: paste it into the block.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runCli } from "../../cli/main";

const REPO = path.join(__dirname, "..", "..");
const PROMPT = "$ npx ai-factory ";

/** One command of the README with the output shown under it. */
export interface ReadmeExample {
  readonly line: number;
  readonly args: string[];
  readonly expected: string[];
}

/** Every `$ npx ai-factory …` line in the fenced code blocks of `markdown`, with the lines under it. */
export function readmeExamples(markdown: string): ReadmeExample[] {
  const examples: { line: number; args: string[]; expected: string[] }[] = [];
  let inBlock = false;
  let current: { line: number; args: string[]; expected: string[] } | undefined;
  markdown.split("\n").forEach((text, i) => {
    if (/^\s*```/.test(text)) {
      inBlock = !inBlock;
      current = undefined;
      return;
    }
    if (!inBlock) return;
    if (text.startsWith("$ ")) {
      current = text.startsWith(PROMPT) ? { line: i + 1, args: text.slice(PROMPT.length).trim().split(/\s+/), expected: [] } : undefined;
      if (current) examples.push(current);
    } else if (current) {
      current.expected.push(text);
    }
  });
  return examples;
}

/** Whether `actual` matches `expected`, where a `...` line in `expected` matches any run of lines (none included). */
export function matchesWithElision(expected: readonly string[], actual: readonly string[]): boolean {
  const isElision = (line: string) => line.trim() === "...";
  const match = (e: number, a: number): boolean => {
    if (e === expected.length) return a === actual.length;
    if (isElision(expected[e])) {
      for (let k = a; k <= actual.length; k++) if (match(e + 1, k)) return true;
      return false;
    }
    return a < actual.length && expected[e] === actual[a] && match(e + 1, a + 1);
  };
  return match(0, 0);
}

/** Runs the CLI in-process from the repository root; stdout and stderr lines in the order written. */
function run(args: readonly string[]): { code: number; lines: string[] } {
  const lines: string[] = [];
  const push = (text: string) => lines.push(...text.split("\n").map((l) => l.trimEnd()));
  const before = process.cwd();
  process.chdir(REPO);
  try {
    const code = runCli(args, { out: push, err: push });
    return { code, lines };
  } finally {
    process.chdir(before);
  }
}

const README = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
const EXAMPLES = readmeExamples(README);

describe("README examples", () => {
  test("GIVEN the README WHEN its examples are collected THEN validate, plan, cost and compare are all shown with output", () => {
    const commands = new Set(EXAMPLES.map((e) => e.args[0]));
    for (const command of ["validate", "plan", "cost", "compare"]) expect(commands).toContain(command);
    for (const e of EXAMPLES) expect(e.expected.filter((l) => l.trim() !== "" && l.trim() !== "...").length).toBeGreaterThan(0);
  });

  test.each(EXAMPLES.map((e) => [`README.md:${e.line}: npx ai-factory ${e.args.join(" ")}`, e] as const))(
    "GIVEN %s WHEN run THEN it prints what the README shows",
    (_name, example) => {
      const { lines } = run(example.args);
      // Trailing blank lines of a block are layout, not output.
      const expected = [...example.expected];
      while (expected.length > 0 && expected[expected.length - 1].trim() === "") expected.pop();
      while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
      if (!matchesWithElision(expected, lines)) {
        // The real output, ready to paste into the block.
        expect(lines.join("\n")).toBe(expected.join("\n"));
      }
    },
  );
});

describe("matchesWithElision", () => {
  test("GIVEN no elision THEN the lines must be equal", () => {
    expect(matchesWithElision(["a", "b"], ["a", "b"])).toBe(true);
    expect(matchesWithElision(["a", "b"], ["a", "b", "c"])).toBe(false);
    expect(matchesWithElision(["a", "c"], ["a", "b"])).toBe(false);
  });

  test("GIVEN `...` THEN it stands for any run of lines, none included, anywhere", () => {
    expect(matchesWithElision(["a", "...", "d"], ["a", "b", "c", "d"])).toBe(true);
    expect(matchesWithElision(["a", "  ...", "b"], ["a", "b"])).toBe(true);
    expect(matchesWithElision(["a", "..."], ["a", "b", "c"])).toBe(true);
    expect(matchesWithElision(["...", "c"], ["a", "b", "c"])).toBe(true);
    expect(matchesWithElision(["a", "...", "x"], ["a", "b", "c"])).toBe(false);
  });

  test("GIVEN a README text WHEN parsed THEN each prompt line starts an example, and only inside code blocks", () => {
    const text = ["$ npx ai-factory help", "```", "$ npx ai-factory validate a.yaml", "ok", "$ npx ai-factory plan b.yaml", "x", "...", "```", "$ npx ai-factory cost c.yaml"].join("\n");
    expect(readmeExamples(text)).toEqual([
      { line: 3, args: ["validate", "a.yaml"], expected: ["ok"] },
      { line: 5, args: ["plan", "b.yaml"], expected: ["x", "..."] },
    ]);
  });
});
