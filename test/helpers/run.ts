/**
 * Runs the project's entry points as a user would, in child processes: the compiled ones in dist/
 * (`npm test` builds them first), so a missing or broken build fails the tests that use these.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const REPO = path.resolve(__dirname, "..", "..");
/** `npx ai-factory`: the package's bin, which loads dist/cli/bin.js. */
export const CLI_BIN = path.join(REPO, "bin", "ai-factory.js");
/** The compiled cdktf app, as cdktf.json runs it. */
export const APP_MAIN = path.join(REPO, "dist", "main.js");

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(script: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): RunResult {
  // A cdktf CLI around the test run must not redirect the app's output.
  const { CDKTF_OUTDIR: _o, CDKTF_CONTEXT_JSON: _c, ...inherited } = process.env;
  const r = spawnSync(process.execPath, [script, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...inherited, ...env },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `npx ai-factory <args>` from `cwd`. */
export function runCli(args: readonly string[], cwd = REPO): RunResult {
  return run(CLI_BIN, args, cwd);
}

/** The cdktf app (what `npx cdktf synth` runs) from `cwd`. */
export function runApp(cwd: string, env: Record<string, string> = {}): RunResult {
  return run(APP_MAIN, [], cwd, env);
}

/** A fresh temporary directory, removed by the caller with `fs.rmSync(dir, { recursive: true })`. */
export function tempDir(prefix = "ai-factory-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Every file under `dir` with its content, keyed by relative path, sorted. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(p);
      else out[p] = fs.readFileSync(path.join(dir, p), "utf8");
    }
  };
  walk("");
  return out;
}

/** The environment of a child process: ours, less what a cdktf CLI around the test run set, plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { CDKTF_OUTDIR: _o, CDKTF_CONTEXT_JSON: _c, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: _a, ...inherited } = process.env;
  return { ...inherited, ...env };
}

/**
 * Starts the cdktf app (what `npx cdktf synth` runs) from `cwd` without waiting: the child's pid
 * is the app's `process.pid`. Tests that kill it mid-write use this.
 */
export function startApp(cwd: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [APP_MAIN], { cwd, env: childEnv(env), stdio: ["ignore", "pipe", "pipe"] });
}

/** Resolves when `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Copies the example environments (environments/*.yaml) into `<to>/environments`. */
export function copyExampleEnvironments(to: string): void {
  fs.mkdirSync(path.join(to, "environments"), { recursive: true });
  for (const f of fs.readdirSync(path.join(REPO, "environments")).sort()) {
    if (f.endsWith(".yaml")) fs.copyFileSync(path.join(REPO, "environments", f), path.join(to, "environments", f));
  }
}
