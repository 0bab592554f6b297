import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, escapeControl, excerpt, formatPath, formatProblem, oneOf, show } from "../../config/errors";
import { displayPath, loadEnvironmentFiles, parseEnvironment } from "../../config/loader";
import { tempDir } from "../helpers/run";

const REPO = path.join(__dirname, "..", "..");

/** What a terminal must never receive from user text: C0/C1 controls, DEL, line separators, bidi controls. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const VALID = `name: t
description: d
cluster: { kubeconfig: { context: c } }
nodePools:
  main: { nodes: [gpu-01], server: hgx-h100-8 }
`;

describe("escapeControl", () => {
  test("GIVEN control characters WHEN escaped THEN each is written as an escape and the rest is kept", () => {
    expect(escapeControl("a\u0000b\nc\rd\te\u001b[31mf\u007fg\u009b2Jh\u2028i\u202ej")).toBe(
      "a\\u0000b\\nc\\rd\\te\\u001b[31mf\\u007fg\\u009b2Jh\\u2028i\\u202ej",
    );
    expect(escapeControl("plain ASCII, é, 日本, 🚀 and a \\ backslash")).toBe("plain ASCII, é, 日本, 🚀 and a \\ backslash");
  });

  test("GIVEN escaped text WHEN escaped again THEN it is unchanged", () => {
    const once = escapeControl("x\u001b[2J\ny");
    expect(escapeControl(once)).toBe(once);
  });

  test("GIVEN a long text WHEN cut THEN it keeps the head and ends with …", () => {
    expect(excerpt("abcdef", 3)).toBe("abc…");
    expect(excerpt("abc", 3)).toBe("abc");
    // A surrogate pair is never split.
    expect(excerpt("ab🚀", 3)).toBe("ab…");
  });
});

describe("show", () => {
  test("GIVEN a 5 MB string WHEN shown THEN 60 characters are quoted, then … and the length", () => {
    const shown = show(`${"a".repeat(59)}\u001b${"b".repeat(5_000_000)}`);
    expect(shown).toBe(`"${"a".repeat(59)}\\u001b"… (5000060 characters)`);
  });

  test("GIVEN a mapping holding a 5 MB string WHEN shown THEN it is at most 80 characters", () => {
    const shown = show({ description: "d".repeat(5_000_000), other: 1 });
    expect(shown.length).toBeLessThanOrEqual(80);
    expect(shown).toMatch(/^\{"description":"d{60}…",…$/);
  });

  test("GIVEN numbers JSON cannot write WHEN shown THEN they read as YAML writes them", () => {
    expect([show(NaN), show(Infinity), show(-Infinity), show(2.5)]).toEqual([".nan", ".inf", "-.inf", "2.5"]);
  });

  test("GIVEN strings with controls WHEN shown, listed or used as a path THEN no raw control character is left", () => {
    const evil = "x\u001b]0;pwned\u0007\u009b2J\r\nforged: line";
    expect(show(evil)).not.toMatch(RAW_CONTROL);
    expect(oneOf([evil, "b"])).not.toMatch(RAW_CONTROL);
    expect(formatPath(["labels", evil])).toBe(`labels["x\\u001b]0;pwned\\u0007\\u009b2J\\r\\nforged: line"]`);
    expect(formatPath(["labels", "k".repeat(1000)])).toBe(`labels["${"k".repeat(60)}"… (1000 characters)]`);
  });

  test("GIVEN a problem whose file and message hold controls WHEN formatted THEN it is one escaped line", () => {
    const line = formatProblem({ file: "a\nb\u001b[31m.yaml", path: [], message: "bad \u009b value\r\nsecond" });
    expect(line).toBe("a\\nb\\u001b[31m.yaml: (document): bad \\u009b value\\r\\nsecond");
  });
});

describe("messages quote values safely", () => {
  test("GIVEN .nan and .inf in number fields WHEN parsed THEN they are reported as such, not as null", () => {
    let err: ConfigError | undefined;
    try {
      loadEnvironmentFiles(["test/fixtures/bad/nan-price.yaml"], REPO);
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err?.message.split("\n")).toEqual([
      "test/fixtures/bad/nan-price.yaml: nodePools.main.server.priceUsd: expected a finite number, got .nan",
      "test/fixtures/bad/nan-price.yaml: costs.pue: expected a finite number, got .inf",
    ]);
  });

  test("GIVEN a value of most of a megabyte WHEN refused THEN the message quotes an excerpt", () => {
    const { problems } = parseEnvironment("t.yaml", VALID.replace("hgx-h100-8", "z".repeat(900_000)));
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(new RegExp(`^unknown server "${"z".repeat(60)}"… \\(900000 characters\\); known: `)),
    ]);
    expect(problems[0].message.length).toBeLessThan(300);
  });

  test("GIVEN escape sequences in a value and a key WHEN refused THEN the messages escape them", () => {
    const text = VALID.replace("server: hgx-h100-8", 'server: "hgx\\e[31m\\x9b2J\\nx"').replace("main:", '"m\\e[2Jain":');
    const lines = new ConfigError(parseEnvironment("t.yaml", text).problems).message.split("\n");
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toMatch(RAW_CONTROL);
    expect(lines.join("\n")).toContain('nodePools["m\\u001b[2Jain"]');
  });

  test("GIVEN files named with a newline and an escape sequence WHEN loaded THEN each message is one escaped line", () => {
    const dir = tempDir();
    try {
      const names = ["new\nline.yaml", "\u001b[31mred\u001b[0m.yaml"];
      for (const n of names) fs.writeFileSync(path.join(dir, n), "name: x\n");
      let err: ConfigError | undefined;
      try {
        loadEnvironmentFiles(names, dir);
      } catch (e) {
        err = e as ConfigError;
      }
      const lines = err!.message.split("\n");
      expect(lines).toHaveLength(err!.problems.length);
      for (const line of lines) expect(line).not.toMatch(RAW_CONTROL);
      expect(lines[0]).toMatch(/^new\\nline\.yaml: /);
      expect(lines.some((l) => l.startsWith("\\u001b[31mred\\u001b[0m.yaml: "))).toBe(true);
      expect(displayPath(names[1], dir)).toBe("\\u001b[31mred\\u001b[0m.yaml");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
