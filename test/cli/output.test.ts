import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, UsageError } from "../../config/errors";
import { ExitOptions, Io, toolVersion, withExitCode } from "../../cli/output";

const PROBLEM = { file: "environments/prod.yaml", path: ["models", "coder", "pool"], message: 'unknown node pool "h200"; known: h100', line: 31, column: 11, rule: "check" as const };

/** Runs a command that throws `err` with `options`; returns the exit code and what went to each stream. */
function fail(err: unknown, options: ExitOptions = {}): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const errLines: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => errLines.push(l) };
  const code = withExitCode(
    io,
    () => {
      throw err;
    },
    options,
  );
  return { code, out, err: errLines };
}

describe("withExitCode", () => {
  test("GIVEN invalid input WHEN a command fails THEN stderr has file:line:column: path: message and the count, exit 1", () => {
    expect(fail(new ConfigError([PROBLEM]))).toEqual({
      code: 1,
      out: [],
      err: ['environments/prod.yaml:31:11: models.coder.pool: unknown node pool "h200"; known: h100', "1 problem found."],
    });
    expect(fail(new ConfigError([PROBLEM, { ...PROBLEM, line: 40 }]), { writes: true }).err[2]).toBe("2 problems found; nothing was written.");
  });

  test("GIVEN invalid input and --json WHEN a command fails THEN stdout has one JSON document of the problems", () => {
    const r = fail(new ConfigError([PROBLEM]), { format: "json" });
    expect(r.code).toBe(1);
    expect(r.out).toHaveLength(1);
    expect(JSON.parse(r.out[0])).toEqual({
      valid: false,
      problems: [
        {
          file: "environments/prod.yaml",
          line: 31,
          column: 11,
          path: "models.coder.pool",
          message: 'unknown node pool "h200"; known: h100',
          rule: "check",
          pathSegments: ["models", "coder", "pool"],
        },
      ],
    });
  });

  test("GIVEN invalid input and --format sarif WHEN a command fails THEN stdout has the SARIF log of the problems", () => {
    const r = fail(new ConfigError([PROBLEM]), { format: "sarif" });
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out[0]);
    expect(log.runs[0].results.map((x: { locations: [{ physicalLocation: { region: unknown } }] }) => x.locations[0].physicalLocation.region)).toEqual([
      { startLine: 31, startColumn: 11 },
    ]);
  });

  test("GIVEN a usage error WHEN a command fails THEN exit 2, and with --json a JSON document too", () => {
    expect(fail(new UsageError("missing command"))).toEqual({ code: 2, out: [], err: ["ai-factory: missing command", "Run `npx ai-factory help` for usage."] });
    expect(JSON.parse(fail(new UsageError("missing command"), { format: "json" }).out[0])).toEqual({ valid: false, usage: "missing command" });
    expect(fail(new UsageError("missing command"), { format: "sarif" }).out).toEqual([]);
  });

  test("GIVEN a bug WHEN a command fails THEN exit 70 with the stack on stderr, and with --json a JSON document on stdout", () => {
    const r = fail(new TypeError("a bug"), { format: "json" });
    expect(r.code).toBe(70);
    expect(JSON.parse(r.out[0])).toEqual({ valid: false, internalError: "a bug" });
    expect(r.err[0]).toMatch(/^ai-factory: internal error \(please report it\): TypeError: a bug\n\s+at /);
    expect(fail(new TypeError("a bug"), { format: "sarif" }).out).toEqual([]);
  });
});

describe("toolVersion", () => {
  test("GIVEN the sources WHEN asked THEN it is package.json's version", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string };
    expect(toolVersion()).toBe(pkg.version);
  });
});
