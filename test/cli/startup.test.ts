/**
 * Start-up of the compiled CLI: the commands load neither cdktf (nor its providers, nor the
 * constructs package) nor vega, and no TypeScript loader; only the synth does. Speed itself is
 * measured by `npm run bench`, never asserted here.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CLI_BIN, REPO, tempDir } from "../helpers/run";

/** A module path of a package that only synthesis (or a TypeScript loader) may load. */
const SYNTH_ONLY = /[\\/]node_modules[\\/](cdktf|@cdktf[\\/][^\\/]+|constructs|vega[^\\/]*|tsx|esbuild|@esbuild[\\/][^\\/]+)[\\/]/;

/** A module path of a package only `diff` or `comment` may load. */
const REVIEW_ONLY = /[\\/]node_modules[\\/](microdiff|diff|@octokit[\\/][^\\/]+)[\\/]/;

/** Writes, at exit, every module path in require.cache to the file named by STARTUP_MODULES_OUT. */
const PRELOAD = `"use strict";
process.on("exit", () => {
  require("node:fs").writeFileSync(process.env.STARTUP_MODULES_OUT, JSON.stringify(Object.keys(require.cache)));
});
`;

let dir: string;
beforeAll(() => {
  dir = tempDir("ai-factory-startup-");
  fs.writeFileSync(path.join(dir, "preload.js"), PRELOAD);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `npx ai-factory <args>` from the repository and returns its exit code and loaded modules. */
function modulesOf(args: readonly string[]): { status: number | null; stderr: string; modules: string[] } {
  const out = path.join(dir, `modules-${args[0]}.json`);
  const { CDKTF_OUTDIR: _o, CDKTF_CONTEXT_JSON: _c, NODE_OPTIONS: _n, ...inherited } = process.env;
  const r = spawnSync(process.execPath, ["--require", path.join(dir, "preload.js"), CLI_BIN, ...args], {
    cwd: REPO,
    encoding: "utf8",
    env: { ...inherited, STARTUP_MODULES_OUT: out },
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr, modules: JSON.parse(fs.readFileSync(out, "utf8")) as string[] };
}

describe("start-up of the compiled CLI", () => {
  test.each<[string, string[]]>([
    ["validate", ["validate"]],
    ["validate --json", ["validate", "environments/prod.yaml", "--json"]],
    ["plan", ["plan", "environments/prod.yaml"]],
    ["cost", ["cost", "environments/prod.yaml", "--json"]],
    ["compare", ["compare"]],
    ["images", ["images", "environments/prod.yaml"]],
    ["help", ["help"]],
  ])("GIVEN the built CLI WHEN `%s` runs THEN it loads no cdktf, @cdktf, constructs, vega or tsx module", (_name, args) => {
    const r = modulesOf(args);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.modules.filter((m) => SYNTH_ONLY.test(m))).toEqual([]);
    // The review's diff libraries and the GitHub client load only for `diff` and `comment`.
    expect(r.modules.filter((m) => REVIEW_ONLY.test(m))).toEqual([]);
    // It ran the compiled JavaScript, not the sources.
    expect(r.modules).toContain(path.join(REPO, "dist", "cli", "bin.js"));
    expect(r.modules.filter((m) => m.endsWith(".ts"))).toEqual([]);
  });

  test("GIVEN a checkout without dist/ WHEN ai-factory runs THEN it exits 2 with one line saying to run npm run build", () => {
    const checkout = path.join(dir, "unbuilt");
    fs.mkdirSync(path.join(checkout, "bin"), { recursive: true });
    fs.copyFileSync(CLI_BIN, path.join(checkout, "bin", "ai-factory.js"));

    const r = spawnSync(process.execPath, [path.join(checkout, "bin", "ai-factory.js"), "validate"], { cwd: checkout, encoding: "utf8", timeout: 60_000 });

    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("ai-factory: the CLI is not built (dist/cli/bin.js is missing); run `npm run build`\n");
  });
});
