/**
 * Synthesis speed and memory, measured — never asserted in tests. Prints the median wall time of
 * 5 runs of `npx cdktf synth` (the CLI: adds its own start-up) and of `npm run synth`
 * (in-process), and the peak resident memory of the in-process synth.
 *
 *   npm run bench            # 5 runs each
 *   BENCH_RUNS=9 npm run bench
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
// cdktf's CLI otherwise asks HashiCorp's checkpoint service for updates on every run.
const ENV = { ...process.env, CHECKPOINT_DISABLE: "1", CI: "1" };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function timeCommand(label: string, cmd: string, args: string[]): number[] {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    fs.rmSync(path.join(ROOT, "cdktf.out"), { recursive: true, force: true });
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: ROOT, env: ENV, encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) {
      console.error(`${label} failed (exit ${r.status}):\n${r.stderr}`);
      process.exit(1);
    }
    times.push(ms);
  }
  return times;
}

/** Peak RSS (KiB) of one in-process synth, from GNU time when the machine has it. */
function peakRssKiB(): number | undefined {
  if (!fs.existsSync("/usr/bin/time")) return undefined;
  const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, "--import", "tsx", "main.ts"], {
    cwd: ROOT,
    env: ENV,
    encoding: "utf8",
  });
  const last = r.stderr.trim().split("\n").pop() ?? "";
  return /^\d+$/.test(last) ? Number(last) : undefined;
}

const envCount = fs.readdirSync(path.join(ROOT, "environments")).filter((f) => f.endsWith(".yaml")).length;
const cli = timeCommand("npx cdktf synth", "npx", ["cdktf", "synth"]);
const inProcess = timeCommand("npm run synth", "npm", ["run", "--silent", "synth"]);
const rss = peakRssKiB();
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

console.log(`synthesis of ${envCount} example environments, median of ${RUNS} runs`);
console.log(`  npx cdktf synth   ${fmt(median(cli))}   (runs: ${cli.map(fmt).join(", ")})`);
console.log(`  npm run synth     ${fmt(median(inProcess))}   (runs: ${inProcess.map(fmt).join(", ")})`);
if (rss !== undefined) console.log(`  peak memory of npm run synth: ${(rss / 1024).toFixed(0)} MiB`);
