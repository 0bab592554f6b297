/**
 * Start-up, synthesis speed and memory, measured — never asserted in tests. Runs the compiled
 * code in dist/ (`npm run bench` builds it first) and prints medians of BENCH_RUNS runs:
 *
 * - `ai-factory validate` of the example environments against a bare `node -e 0` (target: within
 *   4×), and its peak resident memory (target: under 100 MiB);
 * - `npx cdktf synth` of the examples against `npx cdktf synth` of an empty cdktf app (an `App`
 *   with no stacks; target: within 1.3×), each in a temporary directory with its own cdktf.json;
 * - the synth without the cdktf CLI (`npm run synth`, i.e. `node dist/main.js`) and its peak memory;
 * - `ai-factory diff` of two synthesized prod outputs (prod, and prod with one model scaled), the
 *   synthesis excluded: with the real helm rendering the local charts (target: under 2 s), and
 *   with `--no-render`.
 *
 *   npm run bench            # 5 runs each
 *   BENCH_RUNS=9 npm run bench
 */
import { SpawnSyncReturns, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";

const ROOT = path.join(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
// cdktf's CLI otherwise asks HashiCorp's checkpoint service for updates on every run.
const ENV = { ...process.env, CHECKPOINT_DISABLE: "1", CI: "1" };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function check(label: string, r: SpawnSyncReturns<string>): void {
  if (r.status !== 0) {
    console.error(`${label} failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ""}):\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
}

/** A command to time: `cmd args` in `cwd`; `before` runs untimed before each run (e.g. removes the last output). */
interface Timed {
  readonly label: string;
  readonly cmd: string;
  readonly args: string[];
  readonly cwd: string;
  readonly before?: () => void;
}

/**
 * Wall times (ms) of RUNS runs of each command, interleaved (a, b, a, b, …) so that the load of a
 * shared machine weighs on the commands compared alike, after one untimed run of each that warms
 * the file cache.
 */
function timeInterleaved(...commands: Timed[]): number[][] {
  const once = (c: Timed): number => {
    c.before?.();
    const start = process.hrtime.bigint();
    const r = spawnSync(c.cmd, c.args, { cwd: c.cwd, env: ENV, encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    check(c.label, r);
    return ms;
  };
  for (const c of commands) once(c);
  const times = commands.map((): number[] => []);
  for (let i = 0; i < RUNS; i++) commands.forEach((c, j) => times[j].push(once(c)));
  return times;
}

/** Writes the process's peak RSS (KiB) to BENCH_MAXRSS_OUT at exit: the measure where GNU time is missing. */
const MAXRSS_PRELOAD = `process.on("exit", () => require("node:fs").writeFileSync(process.env.BENCH_MAXRSS_OUT, String(process.resourceUsage().maxRSS)));\n`;

/** Peak RSS (KiB) of `node <args>` in `cwd`: from `/usr/bin/time -v` when present, else from the process itself. */
function peakRssKiB(label: string, args: string[], cwd: string): { kib: number; how: string } {
  if (fs.existsSync("/usr/bin/time")) {
    const r = spawnSync("/usr/bin/time", ["-v", process.execPath, ...args], { cwd, env: ENV, encoding: "utf8" });
    check(label, r);
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
    if (m) return { kib: Number(m[1]), how: "/usr/bin/time -v" };
  }
  const preload = path.join(TMP, "maxrss.js");
  const out = path.join(TMP, "maxrss.txt");
  fs.writeFileSync(preload, MAXRSS_PRELOAD);
  check(label, spawnSync(process.execPath, ["--require", preload, ...args], { cwd, env: { ...ENV, BENCH_MAXRSS_OUT: out }, encoding: "utf8" }));
  return { kib: Number(fs.readFileSync(out, "utf8")), how: "process.resourceUsage().maxRSS" };
}

/** A project directory for `npx cdktf synth` in TMP: a cdktf.json running `app`, the repository's node_modules linked in. */
function cdktfProject(name: string, app: string): string {
  const dir = path.join(TMP, name);
  fs.mkdirSync(dir);
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app, projectId: name, sendCrashReports: "false" }, null, 2));
  return dir;
}

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "ai-factory-bench-"));
process.on("exit", () => fs.rmSync(TMP, { recursive: true, force: true }));
const fmt = (ms: number) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`);
const line = (label: string, xs: number[]) => console.log(`  ${label.padEnd(30)}${fmt(median(xs)).padStart(9)}   (runs: ${xs.map(fmt).join(", ")})`);
const ratio = (a: number[], b: number[]) => median(a) / median(b);

if (!fs.existsSync(path.join(ROOT, "dist", "main.js"))) {
  console.error("bench: dist/ is missing; run `npm run build` (npm run bench does)");
  process.exit(2);
}
const examples = fs.readdirSync(path.join(ROOT, "environments")).filter((f) => f.endsWith(".yaml")).sort();

// 1. Start-up of the CLI.
const validateArgs = [path.join(ROOT, "bin", "ai-factory.js"), "validate"];
const [bare, validate] = timeInterleaved(
  { label: "node -e 0", cmd: process.execPath, args: ["-e", "0"], cwd: ROOT },
  { label: "ai-factory validate", cmd: process.execPath, args: validateArgs, cwd: ROOT },
);
const validateRss = peakRssKiB("ai-factory validate", validateArgs, ROOT);
console.log(`ai-factory validate of the ${examples.length} example environments, median of ${RUNS} runs`);
line("node -e 0", bare);
line("ai-factory validate", validate);
console.log(`  ratio ${ratio(validate, bare).toFixed(2)}× (target: within 4×); peak memory ${(validateRss.kib / 1024).toFixed(0)} MiB (target: under 100 MiB; ${validateRss.how})`);

// 2. Synthesis through the cdktf CLI, against an empty app, both in temporary projects.
const emptyDir = cdktfProject("empty", "node empty.js");
fs.writeFileSync(path.join(emptyDir, "empty.js"), 'const { App } = require("cdktf");\nnew App().synth();\n');
const examplesDir = cdktfProject("examples", `node ${JSON.stringify(path.join(ROOT, "dist", "main.js"))}`);
fs.mkdirSync(path.join(examplesDir, "environments"));
for (const f of examples) fs.copyFileSync(path.join(ROOT, "environments", f), path.join(examplesDir, "environments", f));
const clean = (dir: string) => () => fs.rmSync(path.join(dir, "cdktf.out"), { recursive: true, force: true });
const [empty, cli, inProcess] = timeInterleaved(
  { label: "npx cdktf synth (empty app)", cmd: "npx", args: ["cdktf", "synth"], cwd: emptyDir, before: clean(emptyDir) },
  { label: "npx cdktf synth", cmd: "npx", args: ["cdktf", "synth"], cwd: examplesDir, before: clean(examplesDir) },
  { label: "npm run synth", cmd: process.execPath, args: [path.join(ROOT, "dist", "main.js")], cwd: examplesDir, before: clean(examplesDir) },
);
const synthRss = peakRssKiB("npm run synth", [path.join(ROOT, "dist", "main.js")], examplesDir);
console.log(`synthesis of the ${examples.length} example environments, median of ${RUNS} runs`);
line("npx cdktf synth (empty app)", empty);
line("npx cdktf synth", cli);
console.log(`  ratio ${ratio(cli, empty).toFixed(2)}× (target: within 1.3×)`);
line("npm run synth", inProcess);
console.log(`  peak memory of npm run synth: ${(synthRss.kib / 1024).toFixed(0)} MiB`);

// 3. The plan review of two synthesized prod outputs (synthesis excluded).
/** Synthesizes `prodYaml` as the only environment of a new project; returns its output folder. */
function synthesizeProd(name: string, prodYaml: string): string {
  const dir = cdktfProject(name, `node ${JSON.stringify(path.join(ROOT, "dist", "main.js"))}`);
  fs.mkdirSync(path.join(dir, "environments"));
  fs.writeFileSync(path.join(dir, "environments", "prod.yaml"), prodYaml);
  check(`synth of ${name}`, spawnSync(process.execPath, [path.join(ROOT, "dist", "main.js")], { cwd: dir, env: ENV, encoding: "utf8" }));
  return path.join(dir, "cdktf.out");
}
const prodYaml = fs.readFileSync(path.join(ROOT, "environments", "prod.yaml"), "utf8");
const prodDoc = parseDocument(prodYaml);
prodDoc.setIn(["models", "llama-3.3-70b", "replicas"], 3);
const baseOut = synthesizeProd("prod-base", prodYaml);
const headOut = synthesizeProd("prod-scaled", prodDoc.toString());
const diffArgs = [path.join(ROOT, "bin", "ai-factory.js"), "diff", baseOut, headOut, "--format", "md"];
const [rendered, unrendered] = timeInterleaved(
  { label: "ai-factory diff", cmd: process.execPath, args: diffArgs, cwd: ROOT },
  { label: "ai-factory diff --no-render", cmd: process.execPath, args: [...diffArgs, "--no-render"], cwd: ROOT },
);
console.log(`ai-factory diff of two synthesized prod outputs (one model scaled), median of ${RUNS} runs`);
line("ai-factory diff", rendered);
console.log(`  target: under 2 s (helm template of each local-chart release, both sides)`);
line("ai-factory diff --no-render", unrendered);
