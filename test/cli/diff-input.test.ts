/**
 * The sides of `ai-factory diff`: synthesized output folders read back (stacks, costs, local
 * charts rendered with the real helm), and git refs synthesized in a temporary checkout that
 * leaves the repository as it was.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, UsageError, formatLocatedProblem } from "../../config/errors";
import { CHECKOUT_PREFIX, HELM_HOME_PREFIX, HELM_NOT_FOUND_NOTE, findHelm, readOutputFolder, readSide, renderLocalCharts } from "../../cli/diff-input";
import type { KubeObject, OutputSnapshot, RenderedRelease, TerraformJson } from "../../report/plan-diff-types";
import { REPO, tempDir } from "../helpers/run";
import { editYaml, exampleEnvironment, synthesizeOutput } from "../helpers/synth-output";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function fresh(): string {
  const d = tempDir("ai-factory-diff-input-test-");
  dirs.push(d);
  return d;
}

/** The environment of child processes: ours, less what a cdktf CLI around the test run set. */
function testEnv(): NodeJS.ProcessEnv {
  const { CDKTF_OUTDIR: _o, CDKTF_CONTEXT_JSON: _c, HELM_BIN: _h, ...env } = process.env;
  return env;
}

const HELM = findHelm(testEnv(), REPO);

type Releases = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

function releasesOf(stack: TerraformJson | undefined): Releases {
  return (stack?.resource?.helm_release ?? {}) as Releases;
}

/** The address of the helm_release installing `release` (its Helm release name). */
function addressOf(stack: TerraformJson | undefined, release: string): string {
  const found = Object.entries(releasesOf(stack)).filter(([, r]) => r.name === release);
  expect(found).toHaveLength(1);
  return `helm_release.${found[0][0]}`;
}

function objectsOf(rendered: RenderedRelease | undefined): readonly KubeObject[] {
  if (rendered === undefined || "error" in rendered) throw new Error(`not rendered: ${JSON.stringify(rendered)}`);
  return rendered.objects;
}

function deploymentOf(rendered: RenderedRelease | undefined): { metadata: { namespace?: string }; spec: { replicas?: number } } {
  const deployments = objectsOf(rendered).filter((o) => o.kind === "Deployment");
  expect(deployments).toHaveLength(1);
  return deployments[0] as unknown as { metadata: { namespace?: string }; spec: { replicas?: number } };
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected an error");
}

/** Temporary checkouts of git refs left in `tempRoot`. */
function leftovers(tempRoot: string): string[] {
  return fs.readdirSync(tempRoot).filter((n) => n.startsWith(CHECKOUT_PREFIX)).sort();
}

/** Helm homes left in `tempRoot`. */
function helmHomes(tempRoot: string): string[] {
  return fs.readdirSync(tempRoot).filter((n) => n.startsWith(HELM_HOME_PREFIX)).sort();
}

describe("reading a synthesized output folder", () => {
  let root: string;
  let outdir: string;
  beforeAll(async () => {
    root = fresh();
    outdir = await synthesizeOutput(root, { prod: exampleEnvironment("prod") });
  });

  test("GIVEN a synthesized prod WHEN read THEN its stack resources and cost summary are there", () => {
    const snapshot = readOutputFolder(outdir, "cdktf.out");
    expect(snapshot.label).toBe("cdktf.out");
    expect(Object.keys(snapshot.environments)).toEqual(["prod"]);
    const prod = snapshot.environments.prod;
    expect(Object.keys(releasesOf(prod.stack)).length).toBeGreaterThanOrEqual(4);
    expect(prod.stack?.resource?.kubernetes_namespace_v1).toBeDefined();
    expect(prod.cost?.gpus).toBeGreaterThan(0);
    expect(prod.cost?.capexUsd).toBeGreaterThan(0);
    expect(prod.rendered).toBeUndefined();
    expect(snapshot.notes).toBeUndefined();
  });

  test("GIVEN a synthesized prod WHEN its local charts are rendered THEN each model release has its Deployment and Service in its namespace, and upstream charts are left out", async () => {
    expect(HELM).toBeDefined();
    const stack = readOutputFolder(outdir, "cdktf.out").environments.prod.stack as TerraformJson;
    // Its private Helm home, made in a temporary directory of this test's own (other test files
    // render at the same time in /tmp), is gone once it returns.
    const tempRoot = fresh();
    const rendered = await renderLocalCharts(path.join(outdir, "stacks", "prod"), stack, HELM as string, tempRoot);
    expect(helmHomes(tempRoot)).toEqual([]);
    const models = ["coder", "gpt-oss-120b", "llama-3-3-70b"].map((m) => addressOf(stack, m));
    // Every local chart: the three model servers, the gateway's, the network policies' and the dashboards and rules'.
    const local = [...models, addressOf(stack, "ai-gateway"), addressOf(stack, "ai-factory-policies"), addressOf(stack, "ai-factory-observability")];
    expect(Object.keys(rendered).sort()).toEqual([...local].sort());
    for (const address of local) expect(objectsOf(rendered[address]).length).toBeGreaterThan(0);
    expect(rendered[addressOf(stack, "gpu-operator")]).toBeUndefined();
    for (const address of models) {
      const kinds = objectsOf(rendered[address]).map((o) => o.kind);
      expect(kinds).toEqual(expect.arrayContaining(["Deployment", "Service"]));
      expect(deploymentOf(rendered[address]).metadata.namespace).toBe("ai-models");
    }
    expect(deploymentOf(rendered[addressOf(stack, "gpt-oss-120b")]).spec.replicas).toBe(3);
  });

  test("GIVEN a release whose chart is missing, escapes the stack or fails to render WHEN rendered THEN each gets an error, and the others still render", async () => {
    const stack = readOutputFolder(outdir, "cdktf.out").environments.prod.stack as TerraformJson;
    const releases = releasesOf(stack);
    const [coder, gpt, llama] = ["coder", "gpt-oss-120b", "llama-3-3-70b"].map((m) => addressOf(stack, m).replace(/^helm_release\./, ""));
    const broken: TerraformJson = {
      ...stack,
      resource: {
        ...stack.resource,
        helm_release: {
          ...releases,
          [coder]: { ...releases[coder], chart: "assets/no-such-chart/0000" },
          [gpt]: { ...releases[gpt], chart: "../../../charts/model-server" },
          [llama]: { ...releases[llama], values: ["replicas: many\n"] },
        },
      },
    };
    const rendered = await renderLocalCharts(path.join(outdir, "stacks", "prod"), broken, HELM as string);
    expect(rendered[`helm_release.${coder}`]).toEqual({ error: expect.stringContaining('"assets/no-such-chart/0000" is not in the stack directory') });
    expect(rendered[`helm_release.${gpt}`]).toEqual({ error: expect.stringContaining("is outside the stack directory") });
    const failed = rendered[`helm_release.${llama}`] as { error: string };
    expect(failed.error).toMatch(/replicas/);
    expect(failed.error).not.toContain(os.tmpdir());
    expect(failed.error.split("\n").length).toBeLessThanOrEqual(5);
  });

  test("GIVEN a cdk.tf.json that is not JSON WHEN read THEN the error names the file, line and column", () => {
    const dir = fresh();
    fs.mkdirSync(path.join(dir, "stacks", "prod"), { recursive: true });
    fs.writeFileSync(path.join(dir, "stacks", "prod", "cdk.tf.json"), '{\n  "resource": {\n    "a": 1,\n  }\n}\n');
    const err = caught(() => readOutputFolder(dir, "broken"));
    expect(err).toBeInstanceOf(ConfigError);
    const [problem] = (err as ConfigError).problems;
    expect(formatLocatedProblem(problem)).toMatch(/stacks\/prod\/cdk\.tf\.json:4:3: \(document\): not valid JSON: /);
  });

  test("GIVEN a cdk.tf.json cut short WHEN read THEN the error points at its end", () => {
    const dir = fresh();
    fs.mkdirSync(path.join(dir, "stacks", "prod"), { recursive: true });
    fs.writeFileSync(path.join(dir, "stacks", "prod", "cdk.tf.json"), '{\n  "resource": {');
    const [problem] = (caught(() => readOutputFolder(dir, "broken")) as ConfigError).problems;
    expect([problem.line, problem.column]).toEqual([2, 16]);
    expect(problem.file).toMatch(/stacks\/prod\/cdk\.tf\.json$/);
  });

  test("GIVEN an empty folder WHEN read THEN it is not a synthesized output", () => {
    const dir = fresh();
    const err = caught(() => readOutputFolder(dir, "empty"));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain("not a synthesized output (no manifest.json, stacks/ or costs/)");
  });

  test("GIVEN a cost file that cannot be read back and a file that is no environment WHEN read THEN they become notes and the rest is read", () => {
    const dir = fresh();
    fs.cpSync(outdir, dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "costs", "prod.json"), "{ not json");
    fs.writeFileSync(path.join(dir, "costs", "Not_An_Env.json"), "{}");
    const snapshot = readOutputFolder(dir, "old");
    expect(Object.keys(snapshot.environments)).toEqual(["prod"]);
    expect(snapshot.environments.prod.cost).toBeUndefined();
    expect(snapshot.environments.prod.stack).toBeDefined();
    expect(snapshot.notes).toEqual([
      expect.stringMatching(/costs: ignored "Not_An_Env", not an environment name/),
      expect.stringMatching(/costs\/prod\.json: costs of prod are not compared: it is not JSON/),
    ]);
  });

  test("GIVEN an output without manifest.json WHEN read THEN its stacks are the directories of stacks/ and cost-only environments are kept", () => {
    const dir = fresh();
    fs.cpSync(outdir, dir, { recursive: true });
    fs.rmSync(path.join(dir, "manifest.json"));
    fs.copyFileSync(path.join(dir, "costs", "prod.json"), path.join(dir, "costs", "lab.json"));
    fs.writeFileSync(path.join(dir, "costs", "lab.json"), fs.readFileSync(path.join(dir, "costs", "lab.json"), "utf8").replace('"env": "prod"', '"env": "lab"'));
    const snapshot = readOutputFolder(dir, "old");
    expect(Object.keys(snapshot.environments)).toEqual(["lab", "prod"]);
    expect(snapshot.environments.lab.stack).toBeUndefined();
    expect(snapshot.environments.lab.cost?.gpus).toBe(snapshot.environments.prod.cost?.gpus);
    expect(snapshot.environments.prod.stack).toBeDefined();
  });

  test("GIVEN a folder WHEN read as a side with render THEN it is labelled as given and rendered; without helm THEN a note says so", async () => {
    const side = await readSide("cdktf.out", { cwd: root, render: true, env: testEnv(), projectRoot: REPO });
    expect(side.label).toBe("cdktf.out");
    expect(Object.keys(side.environments.prod.rendered ?? {})).toHaveLength(6);
    const noHelm = await readSide("cdktf.out", { cwd: root, render: true, env: { PATH: "" }, projectRoot: fresh() });
    expect(noHelm.notes).toEqual([HELM_NOT_FOUND_NOTE]);
    expect(noHelm.environments.prod.rendered).toBeUndefined();
  });
});

describe("finding helm", () => {
  test("GIVEN HELM_BIN, the pinned binary, helm on PATH or nothing WHEN looked for THEN they are tried in that order", () => {
    const empty = fresh();
    const onPath = fresh();
    fs.writeFileSync(path.join(onPath, "helm"), "#!/bin/sh\n", { mode: 0o755 });
    expect(findHelm({ HELM_BIN: "/opt/helm", PATH: onPath }, REPO)).toBe("/opt/helm");
    expect(findHelm({ PATH: onPath }, REPO)).toBe(path.join(REPO, "node_modules", ".bin", "helm"));
    expect(findHelm({ PATH: `${empty}${path.delimiter}${onPath}` }, empty)).toBe(path.join(onPath, "helm"));
    expect(findHelm({ PATH: empty }, empty)).toBeUndefined();
  });
});

describe("reading a git ref", () => {
  const GPT_REPLICAS = ["models", "gpt-oss-120b", "replicas"];
  let repo: string;
  let headSha: string;
  let before: string[];
  let base: OutputSnapshot;
  let logged: string[];

  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args], { cwd: repo, encoding: "utf8" });

  // A temporary directory of this suite's own, so that the check for leftovers sees no other test
  // file's helm homes or checkouts, made at the same time. (Setting process.env.TMPDIR would not
  // do: inside Jest's sandbox it does not reach os.tmpdir().)
  let privateTmp: string;

  beforeAll(async () => {
    privateTmp = fresh();
    // A repository of the project as it is now: tracked and new files, without what is built.
    repo = fresh();
    const files = execFileSync("git", ["-C", REPO, "ls-files", "-co", "--exclude-standard", "-z"], { encoding: "utf8" })
      .split("\0")
      .filter((f) => f !== "" && !/^(node_modules|dist|cdktf\.out)(\/|$)/.test(f));
    for (const f of files) {
      const from = path.join(REPO, f);
      if (!fs.existsSync(from)) continue;
      fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
      fs.copyFileSync(from, path.join(repo, f));
    }
    git("init", "--quiet", "--initial-branch=main");
    // The checkout's dependencies are ours (same package-lock.json): reused, no npm ci.
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(repo, "node_modules"), "dir");
    fs.appendFileSync(path.join(repo, ".git", "info", "exclude"), "node_modules\n");
    git("add", "-A");
    git("commit", "--quiet", "-m", "base");
    const prod = path.join(repo, "environments", "prod.yaml");
    fs.writeFileSync(prod, editYaml(fs.readFileSync(prod, "utf8"), (doc) => doc.setIn(GPT_REPLICAS, 4)));
    git("commit", "--quiet", "-am", "scale gpt-oss-120b to 4");
    headSha = git("rev-parse", "HEAD").trim();
    before = leftovers(privateTmp);
    logged = [];
    base = await readSide("HEAD~1", { cwd: repo, render: true, env: testEnv(), log: (l) => logged.push(l), tempRoot: privateTmp });
  }, 240_000);

  test("GIVEN HEAD~1 WHEN read THEN it is the base commit's synthesized output, rendered, not HEAD's", async () => {
    expect(base.label).toBe("HEAD~1");
    expect(Object.keys(base.environments)).toEqual(["dev", "prod", "staging"]);
    const baseProd = base.environments.prod;
    const address = addressOf(baseProd.stack, "gpt-oss-120b");
    const baseValues = releasesOf(baseProd.stack)[address.replace(/^helm_release\./, "")].values as string[];
    expect(baseValues.join("\n")).toMatch(/^replicas: 3$/m);
    expect(deploymentOf(baseProd.rendered?.[address]).spec.replicas).toBe(3);
    expect(baseProd.cost?.gpus).toBeGreaterThan(0);

    // HEAD, synthesized here from its environment file, has the new count.
    const headFile = fs.readFileSync(path.join(repo, "environments", "prod.yaml"), "utf8");
    const head = readOutputFolder(await synthesizeOutput(fresh(), { prod: headFile }), "HEAD");
    const headValues = releasesOf(head.environments.prod.stack)[address.replace(/^helm_release\./, "")].values as string[];
    expect(headValues.join("\n")).toMatch(/^replicas: 4$/m);
    expect(logged).toEqual([expect.stringMatching(/^synthesizing HEAD~1 \([0-9a-f]{7}\) in a temporary checkout$/)]);
  });

  test("GIVEN a ref was synthesized WHEN done THEN the repository is as it was and no temporary checkout is left", () => {
    expect(git("status", "--porcelain")).toBe("");
    expect(git("rev-parse", "HEAD").trim()).toBe(headSha);
    expect(git("worktree", "list").trim().split("\n")).toHaveLength(1);
    expect(fs.existsSync(path.join(repo, "cdktf.out"))).toBe(false);
    expect(fs.existsSync(path.join(REPO, "node_modules", ".bin", "helm"))).toBe(true);
    expect(before).toEqual([]);
    expect(leftovers(privateTmp)).toEqual([]);
    expect(helmHomes(privateTmp)).toEqual([]);
  });

  test("GIVEN a name that is neither a folder nor a ref WHEN read THEN it is a usage error", async () => {
    const read = readSide("no-such-branch", { cwd: repo, render: false, env: testEnv() });
    await expect(read).rejects.toBeInstanceOf(UsageError);
    await expect(read).rejects.toThrow('"no-such-branch" is neither a synthesized output folder nor a git ref known to this repository');
    await expect(readSide("--all", { cwd: repo, render: false, env: testEnv() })).rejects.toBeInstanceOf(UsageError);
  });

  test("GIVEN a ref whose build fails WHEN read THEN the error names the ref and shows the end of the build's output", async () => {
    const pkgFile = path.join(repo, "package.json");
    const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { scripts: Record<string, string> };
    fs.writeFileSync(pkgFile, JSON.stringify({ ...pkg, scripts: { ...pkg.scripts, build: "echo 'main.ts(1,1): error TS1005: broken on purpose' >&2 && exit 2" } }));
    git("commit", "--quiet", "-am", "a build that fails");
    const broken = git("rev-parse", "HEAD").trim();
    git("reset", "--quiet", "--hard", headSha);
    const err = await readSide(broken, { cwd: repo, render: false, env: testEnv(), tempRoot: privateTmp }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(`synthesizing ${broken} (${broken.slice(0, 7)}) failed: \`npm run build\` exited with code 2; the end of its output: `);
    expect((err as Error).message).toMatch(/error TS1005: broken on purpose$/);
    expect(git("status", "--porcelain")).toBe("");
    expect(before).toEqual([]);
    expect(leftovers(privateTmp)).toEqual([]);
    expect(helmHomes(privateTmp)).toEqual([]);
  });
});
