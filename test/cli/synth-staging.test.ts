/**
 * Nothing lost: a synth builds its output in a staging directory and swaps it in whole; a kill,
 * a failed write or a partial ENVIRONMENTS synth never leaves cdktf.out half old, half new.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { EXIT_CANNOT_WRITE, SynthStep, runSynth } from "../../cli/synth";
import { findLeftovers, linkTree, recoverOutput, siblingDir } from "../../cli/staging";
import { APP_MAIN, REPO, copyExampleEnvironments, exited, readTree, runApp, startApp, tempDir } from "../helpers/run";

/** A process id no process can have (above Linux's largest pid_max, 2^22). */
const DEAD_PID = 99999999;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function fresh(): string {
  const d = tempDir("ai-factory-staging-");
  dirs.push(d);
  return d;
}

/** Replaces `from` with `to` in environments/<env>.yaml under `dir`; the edit must change the file. */
function edit(dir: string, env: string, from: string, to: string): void {
  const file = path.join(dir, "environments", `${env}.yaml`);
  const text = fs.readFileSync(file, "utf8");
  expect(text).toContain(from);
  fs.writeFileSync(file, text.replace(from, to));
}

/** dev and prod cost more per kWh, and dev deploys to another context: both stacks and cost files change. */
function changeDevAndProd(dir: string): void {
  edit(dir, "dev", "electricityUsdPerKwh: 0.16", "electricityUsdPerKwh: 0.21");
  edit(dir, "dev", "context: dev-workstation", "context: dev-workstation-next");
  edit(dir, "prod", "electricityUsdPerKwh: 0.12", "electricityUsdPerKwh: 0.15");
}

/** The names beside cdktf.out that a synth leaves (staging, previous, discard). */
function leftovers(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.startsWith("cdktf.out.")).sort();
}

/** "previous" or "new" when `tree` is exactly one of them, else the paths where it differs from both. */
function whichTree(tree: Record<string, string>, previous: Record<string, string>, next: Record<string, string>): string {
  if (isDeepStrictEqual(tree, previous)) return "previous";
  if (isDeepStrictEqual(tree, next)) return "new";
  const differs = (other: Record<string, string>) =>
    [...new Set([...Object.keys(tree), ...Object.keys(other)])].filter((k) => tree[k] !== other[k]).sort();
  return `neither: differs from the previous output in ${differs(previous).join(", ")}; from the new one in ${differs(next).join(", ")}`;
}

/** Runs `runSynth` in this process from `dir`, capturing what it prints. */
async function synthIn(dir: string, env: Record<string, string>, afterStep?: (step: SynthStep, staging: string) => void) {
  const out: string[] = [];
  const err: string[] = [];
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const code = await runSynth({ argv: [], env, io: { out: (l) => out.push(l), err: (l) => err.push(l) }, afterStep });
    return { code, out, err };
  } finally {
    process.chdir(cwd);
  }
}

/** The examples synthesized (the output before), and the examples with dev and prod changed (the output after). */
let previousTree: Record<string, string>;
let previousDir: string;
let newTree: Record<string, string>;

beforeAll(() => {
  previousDir = fresh();
  copyExampleEnvironments(previousDir);
  expect(runApp(previousDir).status).toBe(0);
  previousTree = readTree(path.join(previousDir, "cdktf.out"));

  const next = fresh();
  copyExampleEnvironments(next);
  changeDevAndProd(next);
  expect(runApp(next).status).toBe(0);
  newTree = readTree(path.join(next, "cdktf.out"));
  expect(newTree["stacks/dev/cdk.tf.json"]).not.toBe(previousTree["stacks/dev/cdk.tf.json"]);
  expect(newTree["costs/prod.json"]).not.toBe(previousTree["costs/prod.json"]);
}, 120_000);

/** A project whose cdktf.out is the previous output and whose environments are the changed ones. */
function projectWithPreviousOutput(): string {
  const dir = fresh();
  copyExampleEnvironments(dir);
  changeDevAndProd(dir);
  fs.cpSync(path.join(previousDir, "cdktf.out"), path.join(dir, "cdktf.out"), { recursive: true });
  return dir;
}

describe("GIVEN a synth killed with SIGKILL while it writes", () => {
  // Where the app is when it is killed: the path (beside or inside its staging directory) whose
  // appearance triggers the kill. The staging directory lives some 400 ms of a 2 s run.
  const points: ReadonlyArray<readonly [string, (dir: string, pid: number) => boolean]> = [
    ["at once, before it has read a file", () => true],
    ["when its staging directory appears", (dir, pid) => fs.existsSync(siblingDir(path.join(dir, "cdktf.out"), "staging", pid))],
    ["while cdktf copies a chart asset", (dir, pid) => fs.existsSync(path.join(siblingDir(path.join(dir, "cdktf.out"), "staging", pid), "stacks", "dev", "assets"))],
    ["while the cost files are written", (dir, pid) => fs.existsSync(path.join(siblingDir(path.join(dir, "cdktf.out"), "staging", pid), "costs"))],
    ["when the swap has begun", (dir, pid) => ["previous", "discard"].some((k) => fs.existsSync(siblingDir(path.join(dir, "cdktf.out"), k as "previous", pid)))],
  ];

  test.each(points)("%s THEN cdktf.out is whole (the previous output or the complete new one), and the next synth leaves no trace of the dead one", async (_name, due) => {
    const dir = projectWithPreviousOutput();
    const out = path.join(dir, "cdktf.out");
    const child = startApp(dir);
    const pid = child.pid!;
    const deadline = Date.now() + 60_000;
    while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
      if (due(dir, pid)) {
        child.kill("SIGKILL");
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await exited(child);

    // Whatever it left beside cdktf.out is its own.
    for (const name of leftovers(dir)) expect(name).toMatch(new RegExp(`^cdktf\\.out\\.(staging|previous|discard)-${pid}$`));
    if (!fs.existsSync(out)) {
      // Killed between the two renames of the swap: the previous output waits whole beside it.
      expect(leftovers(dir)).toContain(`cdktf.out.previous-${pid}`);
      expect(recoverOutput(out).restored).toBe(`${out}.previous-${pid}`);
    }
    const tree = readTree(out);
    expect(whichTree(tree, previousTree, newTree)).toMatch(/^(previous|new)$/);
    if (_name.startsWith("at once")) expect(whichTree(tree, previousTree, newTree)).toBe("previous");

    const left = leftovers(dir);
    const next = runApp(dir);
    expect(next.status).toBe(0);
    for (const name of left) expect(next.stderr).toContain(`ai-factory: removed ${name}, left by an interrupted synth`);
    expect(leftovers(dir)).toEqual([]);
    expect(whichTree(readTree(out), previousTree, newTree)).toBe("new");
  });
});

describe("GIVEN a write that fails", () => {
  test("WHEN a file stands where the staged costs/ directory must go THEN it exits 73 with one clear message, no stack, and the previous output is whole", async () => {
    const dir = projectWithPreviousOutput();
    const r = await synthIn(dir, {}, (step, staging) => {
      if (step === "kept") fs.writeFileSync(path.join(staging, "costs"), "in the way");
    });
    expect(r.code).toBe(EXIT_CANNOT_WRITE);
    expect(r.err).toEqual([
      expect.stringMatching(/^ai-factory: cannot write cdktf\.out: mkdir cdktf\.out\.staging-\d+\/costs: file already exists \(EEXIST\)$/),
      "The previous output in cdktf.out is unchanged.",
    ]);
    expect(r.out).toEqual([]);
    expect(readTree(path.join(dir, "cdktf.out"))).toEqual(previousTree);
    expect(leftovers(dir)).toEqual([]);
  });

  test("WHEN the disk fills up after the cost files THEN it exits 73 naming ENOSPC, and the previous output is whole", async () => {
    const dir = projectWithPreviousOutput();
    const r = await synthIn(dir, {}, (step) => {
      if (step === "costs") throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28, syscall: "write" });
    });
    expect(r.code).toBe(EXIT_CANNOT_WRITE);
    expect(r.err).toEqual(["ai-factory: cannot write cdktf.out: write: no space left on device (ENOSPC)", "The previous output in cdktf.out is unchanged."]);
    expect(readTree(path.join(dir, "cdktf.out"))).toEqual(previousTree);
    expect(leftovers(dir)).toEqual([]);
  });

  test("WHEN there was no previous output THEN it says nothing was written and leaves nothing", async () => {
    const dir = fresh();
    copyExampleEnvironments(dir);
    const r = await synthIn(dir, {}, (step, staging) => {
      if (step === "kept") fs.writeFileSync(path.join(staging, "costs"), "in the way");
    });
    expect(r.code).toBe(EXIT_CANNOT_WRITE);
    expect(r.err[1]).toBe("No output was written.");
    expect(fs.readdirSync(dir)).toEqual(["environments"]);
  });

  test("WHEN synthesis fails on a bug, not a write THEN it is an internal error (70) and the previous output is still whole", async () => {
    const dir = projectWithPreviousOutput();
    const r = await synthIn(dir, {}, (step) => {
      if (step === "stacks") throw new TypeError("a bug");
    });
    expect(r.code).toBe(70);
    expect(r.err[0]).toMatch(/^ai-factory: internal error \(please report it\): TypeError: a bug/);
    expect(readTree(path.join(dir, "cdktf.out"))).toEqual(previousTree);
    expect(leftovers(dir)).toEqual([]);
  });

  test("WHEN CDKTF_OUTDIR names a directory whose staging name is too long to create THEN the app exits 73 without a stack trace and the output there is whole", () => {
    const dir = fresh();
    copyExampleEnvironments(dir);
    const name = "o".repeat(245); // a valid name; with ".staging-<pid>" it is over 255 bytes
    fs.cpSync(path.join(previousDir, "cdktf.out"), path.join(dir, name), { recursive: true });
    const r = runApp(dir, { CDKTF_OUTDIR: path.join(dir, name) });
    expect(r.status).toBe(EXIT_CANNOT_WRITE);
    expect(r.stderr).toMatch(new RegExp(`^ai-factory: cannot write ${name}: \\w+ ${name}\\.staging-\\d+: name too long \\(ENAMETOOLONG\\)\\nThe previous output in ${name} is unchanged\\.\\n$`));
    expect(r.stdout).toBe("");
    expect(readTree(path.join(dir, name))).toEqual(previousTree);
  });
});

describe("GIVEN ENVIRONMENTS naming some environments", () => {
  test("WHEN dev,prod are synthesized over a full output THEN staging's stack and cost files are kept byte for byte, the manifest lists all three, and the output is what a full synth of the same inputs writes", () => {
    // The expected output: dev changed, prod and staging as in the examples, synthesized in full.
    const ref = fresh();
    copyExampleEnvironments(ref);
    edit(ref, "dev", "electricityUsdPerKwh: 0.16", "electricityUsdPerKwh: 0.21");
    expect(runApp(ref).status).toBe(0);
    const expected = readTree(path.join(ref, "cdktf.out"));

    const dir = fresh();
    copyExampleEnvironments(dir);
    fs.cpSync(path.join(previousDir, "cdktf.out"), path.join(dir, "cdktf.out"), { recursive: true });
    edit(dir, "dev", "electricityUsdPerKwh: 0.16", "electricityUsdPerKwh: 0.21");
    // staging's file changes too, but staging is not named: its output must stay as it was.
    edit(dir, "staging", "context: staging-dc1", "context: staging-dc1-next");
    // Terraform's working files in a rebuilt and in a kept stack, and a stale file in dev's assets.
    const out = path.join(dir, "cdktf.out");
    for (const env of ["dev", "staging"]) {
      fs.mkdirSync(path.join(out, "stacks", env, ".terraform", "providers"), { recursive: true });
      fs.writeFileSync(path.join(out, "stacks", env, ".terraform", "providers", "plugin"), `${env} plugin`);
      fs.writeFileSync(path.join(out, "stacks", env, ".terraform.lock.hcl"), `${env} lock`);
    }
    fs.writeFileSync(path.join(out, "stacks", "dev", "assets", "stale.txt"), "from an old synth");

    const r = runApp(dir, { ENVIRONMENTS: "dev,prod" });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("synthesized dev, prod into cdktf.out (cost summaries in cdktf.out/costs); kept staging as they were\n");
    const tree = readTree(out);

    const staging = Object.keys(previousTree).filter((k) => k.startsWith("stacks/staging/") || k.startsWith("costs/staging."));
    expect(staging).toEqual(expect.arrayContaining(["stacks/staging/cdk.tf.json", "costs/staging.json", "costs/staging.md", "costs/staging.svg"]));
    for (const k of staging) expect([k, tree[k]]).toEqual([k, previousTree[k]]);
    expect(tree["stacks/staging/cdk.tf.json"]).toContain('"staging-dc1"');
    expect(tree["stacks/staging/cdk.tf.json"]).not.toContain("staging-dc1-next");

    expect(Object.keys(JSON.parse(tree["manifest.json"]).stacks)).toEqual(["dev", "prod", "staging"]);
    expect(tree["manifest.json"]).toBe(expected["manifest.json"]);
    expect(tree["stacks/dev/cdk.tf.json"]).toBe(expected["stacks/dev/cdk.tf.json"]);
    expect(tree["costs/dev.json"]).toBe(expected["costs/dev.json"]);
    // compare.md is rendered again from every environment in the new output.
    expect(tree["costs/compare.md"]).toBe(expected["costs/compare.md"]);
    expect(tree["costs/compare.md"]).not.toBe(previousTree["costs/compare.md"]);

    expect(tree["stacks/dev/.terraform.lock.hcl"]).toBe("dev lock");
    expect(tree["stacks/dev/.terraform/providers/plugin"]).toBe("dev plugin");
    expect(tree["stacks/staging/.terraform.lock.hcl"]).toBe("staging lock");
    expect(tree["stacks/dev/assets/stale.txt"]).toBeUndefined();
    const terraformFiles = (k: string) => /^stacks\/(dev|staging)\/\.terraform/.test(k);
    expect(Object.fromEntries(Object.entries(tree).filter(([k]) => !terraformFiles(k)))).toEqual(expected);
    expect(leftovers(dir)).toEqual([]);
  });

  test("WHEN a kept environment's cost JSON is from another layout version THEN it is kept as it was, compare.md leaves it out and says why", async () => {
    const dir = fresh();
    copyExampleEnvironments(dir);
    fs.cpSync(path.join(previousDir, "cdktf.out"), path.join(dir, "cdktf.out"), { recursive: true });
    const file = path.join(dir, "cdktf.out", "costs", "staging.json");
    const old = fs.readFileSync(file, "utf8").replace(/"schemaVersion": 1/, '"schemaVersion": 0');
    fs.writeFileSync(file, old);

    const r = await synthIn(dir, { ENVIRONMENTS: "dev" });
    expect(r.code).toBe(0);
    expect(r.err).toEqual([
      "ai-factory: compare.md leaves out staging: cdktf.out/costs/staging.json cannot be read back (it has schemaVersion 0, this version of ai-factory writes 1); a full synth rebuilds it",
    ]);
    expect(fs.readFileSync(file, "utf8")).toBe(old);
    const compare = fs.readFileSync(path.join(dir, "cdktf.out", "costs", "compare.md"), "utf8");
    expect(compare).toContain("|  | dev | prod |");
    expect(compare).not.toContain("staging");
  });

  test("WHEN run by the cdktf CLI THEN it finds manifest.json, keeps the stacks not named, and a full synth after an environment is removed still succeeds", () => {
    const dir = fresh();
    copyExampleEnvironments(dir);
    // The compiled app, as the project's cdktf.json runs it (`npm test` builds dist/ first).
    fs.writeFileSync(
      path.join(dir, "cdktf.json"),
      JSON.stringify({ language: "typescript", app: `"${process.execPath}" "${APP_MAIN}"`, projectId: "test", sendCrashReports: "false" }),
    );
    const cdktf = (env: Record<string, string> = {}) => {
      const { CDKTF_OUTDIR: _o, CDKTF_CONTEXT_JSON: _c, ...inherited } = process.env;
      return spawnSync(process.execPath, [path.join(REPO, "node_modules", "cdktf-cli", "bundle", "bin", "cdktf"), "synth"], {
        cwd: dir,
        encoding: "utf8",
        env: { ...inherited, CHECKPOINT_DISABLE: "1", CI: "1", ...env },
        timeout: 120_000,
      });
    };
    const stacks = () => Object.keys(JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out", "manifest.json"), "utf8")).stacks);

    expect(cdktf().status).toBe(0);
    expect(stacks()).toEqual(["dev", "prod", "staging"]);

    const partial = cdktf({ ENVIRONMENTS: "dev" });
    expect(partial.status).toBe(0);
    expect(stacks()).toEqual(["dev", "prod", "staging"]);
    expect(fs.readdirSync(path.join(dir, "cdktf.out", "stacks")).sort()).toEqual(["dev", "prod", "staging"]);

    // The CLI deletes the stack directories the new manifest lacks, and fails on one already gone.
    fs.rmSync(path.join(dir, "environments", "staging.yaml"));
    const full = cdktf();
    // (stderr may hold Terraform's warnings about its CLI configuration, if one is on the PATH.)
    expect(full.status).toBe(0);
    expect(full.stderr).not.toMatch(/ENOENT|Error:/);
    expect(stacks()).toEqual(["dev", "prod"]);
    expect(fs.readdirSync(path.join(dir, "cdktf.out", "stacks")).sort()).toEqual(["dev", "prod"]);
    expect(leftovers(dir)).toEqual([]);
  }, 180_000);
});

describe("GIVEN leftovers of a dead synth beside cdktf.out", () => {
  /** A directory holding one file, `what`. */
  const dirWith = (p: string, what: string) => {
    fs.mkdirSync(p, { recursive: true });
    fs.writeFileSync(path.join(p, "what"), what);
  };
  const dead = () => false;

  test("WHEN cdktf.out is missing (killed between the renames) THEN the newest previous output is renamed back and every other leftover is deleted", () => {
    const dir = fresh();
    const out = path.join(dir, "cdktf.out");
    dirWith(`${out}.previous-11`, "older previous");
    dirWith(`${out}.previous-12`, "newest previous");
    fs.utimesSync(`${out}.previous-11`, new Date(2000, 0, 1), new Date(2000, 0, 1));
    dirWith(`${out}.staging-12`, "complete but never swapped in");
    dirWith(`${out}.discard-10`, "half deleted");
    const r = recoverOutput(out, { isAlive: dead, self: 1 });
    expect(r.restored).toBe(`${out}.previous-12`);
    expect(r.removed).toEqual([`${out}.discard-10`, `${out}.previous-11`, `${out}.staging-12`]);
    expect(readTree(out)).toEqual({ what: "newest previous" });
    expect(fs.readdirSync(dir)).toEqual(["cdktf.out"]);
  });

  test("WHEN cdktf.out is there THEN a previous output is garbage and is deleted, the output untouched", () => {
    const dir = fresh();
    const out = path.join(dir, "cdktf.out");
    dirWith(out, "current");
    dirWith(`${out}.previous-12`, "previous");
    dirWith(`${out}.staging-13`, "partial");
    const r = recoverOutput(out, { isAlive: dead, self: 1 });
    expect(r.restored).toBeUndefined();
    expect(readTree(out)).toEqual({ what: "current" });
    expect(fs.readdirSync(dir)).toEqual(["cdktf.out"]);
  });

  test("WHEN a leftover's process is alive THEN it is another synth at work and is left alone; one with our own pid is from a dead namesake", () => {
    const dir = fresh();
    const out = path.join(dir, "cdktf.out");
    dirWith(`${out}.staging-20`, "another synth at work");
    dirWith(`${out}.previous-20`, "another synth's previous output");
    dirWith(`${out}.staging-30`, "ours? no: an earlier process with our pid");
    const r = recoverOutput(out, { isAlive: (pid) => pid === 20 || pid === 30, self: 30 });
    expect(r.skipped).toEqual([`${out}.previous-20`, `${out}.staging-20`]);
    expect(r.removed).toEqual([`${out}.staging-30`]);
    expect(r.restored).toBeUndefined();
    expect(fs.readdirSync(dir).sort()).toEqual(["cdktf.out.previous-20", "cdktf.out.staging-20"]);
  });

  test("WHEN names merely look alike THEN they are not leftovers", () => {
    const dir = fresh();
    const out = path.join(dir, "cdktf.out");
    for (const n of ["cdktf.out.staging", "cdktf.out.staging-0", "cdktf.out.staging-12x", "cdktf.outer.staging-12", "other.staging-12"]) dirWith(path.join(dir, n), n);
    expect(findLeftovers(out)).toEqual([]);
  });

  test("WHEN the app synthesizes ENVIRONMENTS=dev THEN it restores the previous output first, keeps the others from it, and no stale staged file reaches the new output", () => {
    const dir = fresh();
    copyExampleEnvironments(dir);
    const out = path.join(dir, "cdktf.out");
    fs.cpSync(path.join(previousDir, "cdktf.out"), `${out}.previous-${DEAD_PID}`, { recursive: true });
    dirWith(path.join(`${out}.staging-${DEAD_PID - 1}`, "stacks", "junk"), "stale");
    dirWith(path.join(`${out}.staging-${DEAD_PID - 1}`, "costs"), "stale");
    const r = runApp(dir, { ENVIRONMENTS: "dev" });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      `ai-factory: restored cdktf.out from cdktf.out.previous-${DEAD_PID}, left by an interrupted synth\n` +
        `ai-factory: removed cdktf.out.staging-${DEAD_PID - 1}, left by an interrupted synth\n`,
    );
    expect(readTree(out)).toEqual(previousTree);
    expect(leftovers(dir)).toEqual([]);
  });
});

describe("linkTree", () => {
  test("GIVEN files, directories and a symbolic link WHEN linked THEN the copy is byte-identical, files are hard links and the link is recreated", () => {
    const dir = fresh();
    const src = path.join(dir, "src");
    fs.mkdirSync(path.join(src, "a", "b"), { recursive: true });
    fs.writeFileSync(path.join(src, "a", "b", "f"), "bytes");
    fs.symlinkSync("b/f", path.join(src, "a", "link"));
    linkTree(src, path.join(dir, "dst"));
    expect(readTree(path.join(dir, "dst"))).toEqual(readTree(src));
    expect(fs.statSync(path.join(dir, "dst", "a", "b", "f")).ino).toBe(fs.statSync(path.join(src, "a", "b", "f")).ino);
    expect(fs.readlinkSync(path.join(dir, "dst", "a", "link"))).toBe("b/f");
  });
});
