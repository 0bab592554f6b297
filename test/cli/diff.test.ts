/**
 * `ai-factory diff` end to end: fixture pairs are the example environments edited through the
 * YAML document model and synthesized inside the test, then compared with the real helm
 * rendering the local charts. Each case asserts the headline, the flagged dangers and the cost
 * delta, with expected figures taken from the two cost files or worked by hand, never from the
 * code under test.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Document } from "yaml";
import { isMap } from "yaml";
import { fullReportName, fullReportPath, parseDiffArgs, runDiff } from "../../cli/diff-command";
import type { PlanDiff } from "../../report/plan-diff-types";
import { PLAN_REVIEW_MARKER } from "../../report/plan-review-marker";
import { tempDir } from "../helpers/run";
import { editYaml, exampleEnvironment, synthesizeOutput } from "../helpers/synth-output";

jest.setTimeout(120_000);

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function diff(argv: readonly string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDiff(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function synth(environments: Record<string, string>): Promise<string> {
  const dir = tempDir("ai-factory-diff-");
  dirs.push(dir);
  return synthesizeOutput(dir, environments);
}

function cost(outdir: string, env: string): { monthly: { tcoUsd: number; energyUsd: number }; capexUsd: number; averagePowerKw: number } {
  return JSON.parse(fs.readFileSync(path.join(outdir, "costs", `${env}.json`), "utf8"));
}

/** `+$4,210 (+6.1%)` worked from two monthly figures: whole dollars with thousands separators, one decimal of percent. */
function signedUsd(before: number, after: number): string {
  const delta = Math.round(after - before);
  const sign = delta > 0 ? "+" : delta < 0 ? "-" : "";
  const percent = (100 * (after - before)) / before;
  return `${sign}$${Math.abs(delta).toLocaleString("en-US")} (${percent >= 0 ? "+" : "-"}${Math.abs(percent).toFixed(1)}%)`;
}

async function json(base: string, head: string): Promise<PlanDiff> {
  const r = await diff([base, head, "--format", "json"]);
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as PlanDiff;
}

const setIn = (path: (string | number)[], value: unknown) => (doc: Document) => doc.setIn(path, value);

describe("ai-factory diff on synthesized variants of prod", () => {
  let base: string;
  const prod = exampleEnvironment("prod");

  beforeAll(async () => {
    base = await synth({ prod });
  });

  test("GIVEN the same environment on both sides WHEN diffed THEN the review says no changes and flags nothing", async () => {
    const head = await synth({ prod });
    const md = await diff([base, head, "--format", "md"]);
    expect(md.code).toBe(0);
    expect(md.out.split("\n")[0]).toBe(PLAN_REVIEW_MARKER);
    expect(md.out).toMatch(/no changes/i);
    expect(md.out).not.toContain("[!CAUTION]");
    const data = await json(base, head);
    expect(data.environments.map((e) => [e.env, e.status])).toEqual([["prod", "unchanged"]]);
    expect(data.environments[0].dangers).toEqual([]);
    // Every cost figure is the same on both sides.
    expect(data.environments[0].cost?.rows.filter((r) => r.base !== r.head)).toEqual([]);
  });

  test("GIVEN one more replica of a model WHEN diffed THEN its release changes in place, the replica count shows, and the TCO is unchanged", async () => {
    const head = await synth({ prod: editYaml(prod, setIn(["models", "llama-3.3-70b", "replicas"], 3)) });
    const data = await json(base, head);
    const env = data.environments[0];
    // The model's release, and the dashboards and rules: a model's share of the hourly cost follows its GPUs.
    expect(env.counts).toEqual({ added: 0, changed: 2, replaced: 0, moved: 0, destroyed: 0 });
    expect(env.resources.map((r) => r.address.replace(/_[0-9A-F]{8}$/, "")).sort()).toEqual(["helm_release.model-llama-33-70b_release", "helm_release.observability_release"]);
    const release = env.resources.find((r) => r.address.startsWith("helm_release.model-llama-33-70b"));
    expect(release?.action).toBe("update");
    expect(release?.values).toEqual(expect.arrayContaining([expect.objectContaining({ topic: "replicas", before: 2, after: 3 })]));
    // The rendered Deployment asks for three replicas now.
    const deployment = release?.manifests?.find((m) => m.id.includes("Deployment"));
    expect(deployment?.changes).toEqual(expect.arrayContaining([expect.objectContaining({ path: "spec.replicas", before: 2, after: 3 })]));
    expect(env.dangers).toEqual([]);
    const md = await diff([base, head, "--format", "md"]);
    expect(md.out).toMatch(/\*\*prod\*\*: monthly TCO unchanged · 0 added · 2 changed · 0 destroyed/);
  });

  test("GIVEN a new model WHEN diffed THEN its prefetch Job and release are added, the claim grows, and nothing is destroyed", async () => {
    const head = await synth({
      prod: editYaml(prod, (doc) => {
        const model = doc.createNode({
          model: "llama-3.1-8b",
          pool: "h200",
          maxContextTokens: 8192,
          maxConcurrentSequences: 8,
          replicas: 1,
          apiKeySecret: { name: "vllm-api-key" },
        });
        doc.setIn(["models", "small"], model);
      }),
    });
    const data = await json(base, head);
    const env = data.environments[0];
    const added = env.resources.filter((r) => r.action === "add").map((r) => r.address);
    expect(added).toEqual(expect.arrayContaining([expect.stringMatching(/^helm_release\.model-small_release_/), expect.stringMatching(/^kubernetes_job_v1\.model-store_prefetch-llama-3-1-8b/)]));
    expect(env.counts.destroyed).toBe(0);
    // The claim grows, which the provider does in place: nothing to flag.
    expect(env.dangers).toEqual([]);
    const tco = env.cost?.rows.find((r) => r.label === "Monthly TCO");
    expect(tco).toEqual(expect.objectContaining({ base: cost(base, "prod").monthly.tcoUsd, head: cost(head, "prod").monthly.tcoUsd }));
    const claim = env.resources.find((r) => r.type === "kubernetes_persistent_volume_claim_v1");
    expect(claim?.changes).toEqual(expect.arrayContaining([expect.objectContaining({ path: "spec.resources.requests.storage", topic: "storage", forcesReplacement: false })]));
    expect(claim?.action).toBe("update");
    const md = await diff([base, head, "--format", "md"]);
    expect(md.out).toMatch(new RegExp(`\\*\\*prod\\*\\*: [^\\n]*· ${env.counts.added} added · `));
    expect(env.counts.added).toBe(added.length);
    expect(added.length).toBeGreaterThanOrEqual(2);
  });

  test("GIVEN dearer electricity WHEN diffed THEN the cost changes by the energy worked by hand, and only the recorded cost figures follow", async () => {
    const head = await synth({ prod: editYaml(prod, setIn(["costs", "electricityUsdPerKwh"], 0.15)) });
    const before = cost(base, "prod");
    const after = cost(head, "prod");
    // energy = average kW × PUE 1.4 × 730 h × $/kWh: 0.03 $/kWh more.
    const energyDelta = before.averagePowerKw * 1.4 * 730 * 0.03;
    expect(after.monthly.tcoUsd - before.monthly.tcoUsd).toBeCloseTo(energyDelta, 6);
    const data = await json(base, head);
    const env = data.environments[0];
    expect(env.status).toBe("changed");
    // Only the recorded cost figures of the rules change, in the dashboards and rules release.
    expect(env.counts).toEqual({ added: 0, changed: 1, replaced: 0, moved: 0, destroyed: 0 });
    expect(env.resources[0].address).toMatch(/^helm_release\.observability_release_/);
    const tco = env.cost?.rows.find((r) => r.label === "Monthly TCO");
    expect(tco?.head! - tco?.base!).toBeCloseTo(energyDelta, 6);
    const md = await diff([base, head, "--format", "md"]);
    expect(md.out).toContain(`**prod**: monthly TCO ${signedUsd(before.monthly.tcoUsd, after.monthly.tcoUsd)} · 0 added · 1 changed · 0 destroyed`);
    // The cumulative cost over the horizon, as a chart GitHub renders in the comment.
    expect(md.out).toContain("```mermaid");
    expect(md.out).toContain("xychart-beta");
  });

  test("GIVEN the pool on B200 servers WHEN diffed THEN capex, GPU labels and the operator's values change", async () => {
    const head = await synth({ prod: editYaml(prod, setIn(["nodePools", "h200", "server"], "hgx-b200-8")) });
    const before = cost(base, "prod");
    const after = cost(head, "prod");
    const data = await json(base, head);
    const env = data.environments[0];
    const labels = env.resources.filter((r) => r.type === "kubernetes_labels");
    expect(labels).toHaveLength(4);
    for (const l of labels) {
      expect(l.action).toBe("update");
      expect(l.changes).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'labels["ai-factory.io/gpu"]', before: "h200", after: "b200", topic: "node-labels" })]));
    }
    const capex = env.cost?.rows.find((r) => r.label === "Capex");
    expect(capex).toEqual(expect.objectContaining({ base: before.capexUsd, head: after.capexUsd }));
    expect(after.capexUsd).not.toBe(before.capexUsd);
    // New GPUs on the same nodes: labels and values change in place; nothing holds data.
    expect(env.dangers).toEqual([]);
    const md = await diff([base, head, "--format", "md"]);
    expect(md.out).toContain(`**prod**: monthly TCO ${signedUsd(before.monthly.tcoUsd, after.monthly.tcoUsd)}`);
  });

  test("GIVEN a renamed pool WHEN diffed THEN the node taints are reported as moves, flagged with the state mv that keeps them", async () => {
    const head = await synth({
      prod: editYaml(prod, (doc) => {
        const pools = doc.get("nodePools");
        if (!isMap(pools)) throw new Error("nodePools is not a map");
        const pair = pools.items[0];
        (pair.key as { value: string }).value = "hopper";
        const models = doc.get("models");
        if (!isMap(models)) throw new Error("models is not a map");
        for (const item of models.items) doc.setIn(["models", (item.key as { value: string }).value, "pool"], "hopper");
      }),
    });
    const data = await json(base, head);
    const env = data.environments[0];
    const moves = env.resources.filter((r) => r.action === "move");
    // Four taints move unchanged; four label sets move with the pool label changed.
    expect(moves.filter((m) => m.type === "kubernetes_node_taint")).toHaveLength(4);
    expect(moves.filter((m) => m.type === "kubernetes_node_taint").every((m) => m.changes.length === 0)).toBe(true);
    expect(moves.filter((m) => m.type === "kubernetes_labels")).toHaveLength(4);
    const taint = moves.find((m) => m.type === "kubernetes_node_taint")!;
    expect(taint.from).toMatch(/^kubernetes_node_taint\.pool-h200_gpu-prod-0\d_taint_/);
    expect(taint.address).toMatch(/^kubernetes_node_taint\.pool-hopper_gpu-prod-0\d_taint_/);
    expect(env.counts.moved).toBe(8);
    expect(env.counts.destroyed).toBe(0);
    const md = await diff([base, head, "--format", "md"]);
    const caution = md.out.indexOf("[!CAUTION]");
    expect(caution).toBeGreaterThan(0);
    expect(caution).toBeLessThan(md.out.indexOf("**prod**: monthly TCO"));
    expect(md.out).toContain(`terraform -chdir=cdktf.out/stacks/prod state mv '${taint.from}' '${taint.address}'`);
    expect(md.out).toMatch(/\*\*prod\*\*: monthly TCO unchanged · 0 added · \d+ changed · 0 destroyed · 8 moved/);
    expect(env.dangers.filter((d) => d.severity === "recreate")).toHaveLength(8);
  });

  test("GIVEN the model store switched to an existing claim WHEN diffed THEN the claim's destroy is flagged first: prevent_destroy does not hold once it leaves the configuration", async () => {
    const head = await synth({
      prod: editYaml(prod, (doc) => {
        doc.setIn(["modelStore", "volume"], doc.createNode({ kind: "existingClaim", claimName: "ai-factory-models" }));
      }),
    });
    const data = await json(base, head);
    const env = data.environments[0];
    const claim = env.resources.find((r) => r.type === "kubernetes_persistent_volume_claim_v1");
    expect(claim).toEqual(expect.objectContaining({ action: "remove", stateful: true, preventDestroy: true }));
    expect(env.dangers[0]).toEqual(expect.objectContaining({ address: claim!.address, action: "remove" }));
    expect(env.dangers[0].outcome).toMatch(/deletes the claim/);
    expect(env.dangers[0].outcome).toMatch(/prevent_destroy does not stop it, as it protects a resource only while the resource is in the configuration/);
    expect(env.dangers[0].command).toBe(`terraform -chdir=cdktf.out/stacks/prod state rm '${claim!.address}'`);
    expect(env.counts.destroyed).toBe(1);
    const md = await diff([base, head, "--format", "md"]);
    expect(md.out).toMatch(/\*\*prod\*\*: monthly TCO unchanged · 0 added · \d+ changed · 1 destroyed/);
    expect(md.out.indexOf(claim!.address)).toBeLessThan(md.out.indexOf("**prod**: monthly TCO"));
  });
});

describe("ai-factory diff on what destroys data", () => {
  test("GIVEN a model removed from prod WHEN diffed THEN the claim would shrink, which the provider can only do by replacing it, and prevent_destroy makes the apply fail", async () => {
    const prod = exampleEnvironment("prod");
    const base = await synth({ prod });
    const head = await synth({ prod: editYaml(prod, (doc) => doc.deleteIn(["models", "coder"])) });
    const data = await json(base, head);
    const env = data.environments[0];
    const claim = env.resources.find((r) => r.type === "kubernetes_persistent_volume_claim_v1")!;
    expect(claim.action).toBe("replace");
    const storage = claim.changes.find((c) => c.path === "spec.resources.requests.storage")!;
    // The claim is sized from the checkpoints it holds: one fewer model, a smaller claim.
    expect(parseInt(String(storage.after), 10)).toBeLessThan(parseInt(String(storage.before), 10));
    expect(storage.forcesReplacement).toBe(true);
    expect(env.dangers[0]).toEqual(expect.objectContaining({ address: claim.address, action: "replace", severity: "apply-fails" }));
    expect(env.dangers[0].outcome).toBe(
      "`terraform apply` fails: spec.resources.requests.storage cannot change in place, so the plan must replace it, and lifecycle.prevent_destroy forbids destroying it.",
    );
    expect(env.counts.replaced).toBe(1);
    expect(env.counts.destroyed).toBeGreaterThanOrEqual(2); // the model's release and its prefetch Job
  });

  test("GIVEN dev's NFS store switched to an existing claim WHEN diffed THEN the destroyed claim is flagged, and its volume is said to be kept by the Retain class", async () => {
    const dev = exampleEnvironment("dev");
    const base = await synth({ dev });
    const head = await synth({ dev: editYaml(dev, (doc) => doc.setIn(["modelStore", "volume"], doc.createNode({ kind: "existingClaim", claimName: "models" }))) });
    const data = await json(base, head);
    const env = data.environments[0];
    const claim = env.resources.find((r) => r.type === "kubernetes_persistent_volume_claim_v1")!;
    expect(claim.action).toBe("remove");
    const danger = env.dangers.find((d) => d.address === claim.address)!;
    expect(danger.severity).toBe("data-loss");
    expect(danger.outcome).toMatch(/^`terraform apply` deletes the claim; its volume is kept \(storage class \S+ has reclaimPolicy Retain\) but released/);
  });
});

describe("ai-factory diff across environments and sizes", () => {
  test("GIVEN an environment only on the head side WHEN diffed THEN it is reported as new with every resource added", async () => {
    const base = await synth({ dev: exampleEnvironment("dev") });
    const head = await synth({ dev: exampleEnvironment("dev"), staging: exampleEnvironment("staging") });
    const data = await json(base, head);
    expect(data.environments.map((e) => [e.env, e.status])).toEqual([
      ["dev", "unchanged"],
      ["staging", "added"],
    ]);
    const staging = data.environments[1];
    const stack = JSON.parse(fs.readFileSync(path.join(head, "stacks", "staging", "cdk.tf.json"), "utf8")) as { resource: Record<string, object> };
    const total = Object.values(stack.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
    expect(staging.counts.added).toBe(total);
  });

  test("GIVEN --out WHEN the Markdown fits THEN it is written whole and no full report is left beside it", async () => {
    const base = await synth({ dev: exampleEnvironment("dev") });
    const head = await synth({ dev: editYaml(exampleEnvironment("dev"), setIn(["costs", "electricityUsdPerKwh"], 0.2)) });
    const dir = tempDir("ai-factory-diff-out-");
    dirs.push(dir);
    const out = path.join(dir, "plan-review.md");
    fs.writeFileSync(fullReportPath(out), "stale");
    const r = await diff([base, head, "--format", "md", "--out", out]);
    expect(r.code).toBe(0);
    expect(r.out).toBe("");
    expect(fs.readFileSync(out, "utf8").split("\n")[0]).toBe(PLAN_REVIEW_MARKER);
    expect(fs.existsSync(fullReportPath(out))).toBe(false);
  });
});

describe("a review too long for one comment", () => {
  test("GIVEN three new production-sized environments WHEN diffed to --out THEN the comment is cut under GitHub's limit and the full report is written beside it", async () => {
    const base = await synth({ dev: exampleEnvironment("dev") });
    // Each copy keeps its own state (the loader refuses two environments sharing one).
    const copy = (name: string) =>
      editYaml(exampleEnvironment("prod"), (doc) => {
        doc.setIn(["name"], name);
        doc.setIn(["backend", "key"], `ai-factory/${name}.tfstate`);
      });
    const head = await synth({ dev: exampleEnvironment("dev"), prod: copy("prod"), "prod-b": copy("prod-b"), "prod-c": copy("prod-c") });
    const dir = tempDir("ai-factory-diff-cut-");
    dirs.push(dir);
    const out = path.join(dir, "plan-review.md");
    const out2: string[] = [];
    const err: string[] = [];
    const env = { ...process.env, GITHUB_SERVER_URL: "https://github.example", GITHUB_REPOSITORY: "corp/factory", GITHUB_RUN_ID: "4242" };
    const code = await runDiff([base, head, "--format", "md", "--out", out], { out: (l) => out2.push(l), err: (l) => err.push(l) }, env);
    expect(code).toBe(0);
    const text = fs.readFileSync(out, "utf8");
    const full = fs.readFileSync(fullReportPath(out), "utf8");
    expect(text.length).toBeLessThanOrEqual(65_536);
    expect(full.length).toBeGreaterThan(65_536);
    expect(text.split("\n")[0]).toBe(PLAN_REVIEW_MARKER);
    expect(text).toContain("the full report is in `plan-review.full.md`, among the artifacts of [the workflow run](https://github.example/corp/factory/actions/runs/4242)");
    // Every headline survives the cut; fences and folded blocks stay balanced.
    for (const name of ["prod", "prod-b", "prod-c"]) expect(text).toMatch(new RegExp(`^- \\*\\*${name}\\*\\*: new environment`, "m"));
    expect((text.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect((text.match(/<details>/g) ?? []).length).toBe((text.match(/<\/details>/g) ?? []).length);
    expect(err.join("\n")).toContain(`wrote ${out} (cut to fit a comment) and ${fullReportPath(out)}`);
  });

  test("GIVEN no GitHub Actions variables WHEN the full report is named THEN only its file name is given", () => {
    expect(fullReportName("out/plan-review.md", {})).toBe("`plan-review.full.md`");
    expect(fullReportName("plan-review.md", { GITHUB_SERVER_URL: "javascript:alert(1)", GITHUB_REPOSITORY: "a/b", GITHUB_RUN_ID: "1" })).toBe("`plan-review.full.md`");
  });
});

describe("diff --out that cannot be written", () => {
  test("GIVEN --out in a folder that does not exist WHEN diffed THEN it exits 73 naming the file, without a stack trace", async () => {
    const base = await synth({ dev: exampleEnvironment("dev") });
    const out = path.join(base, "no-such-folder", "plan-review.md");
    const r = await diff([base, base, "--format", "md", "--out", out, "--no-render"]);
    expect(r.code).toBe(73);
    expect(r.err).toBe(`ai-factory: cannot write ${out}: ENOENT`);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe("diff arguments", () => {
  test("GIVEN one side only WHEN parsed THEN the usage error says what the two sides are", () => {
    expect(() => parseDiffArgs(["cdktf.out"])).toThrow("diff takes two sides, each a synthesized output folder or a git ref");
  });
  test("GIVEN an unknown format WHEN parsed THEN it is refused with the known ones", () => {
    expect(() => parseDiffArgs(["a", "b", "--format", "html"])).toThrow('--format takes md, json, text, got "html"');
  });
  test("GIVEN --out without a file WHEN parsed THEN it is refused", () => {
    expect(() => parseDiffArgs(["a", "b", "--out"])).toThrow("--out needs a file name");
  });
  test("GIVEN plan-review.md WHEN the full report's name is derived THEN it sits beside it", () => {
    expect(fullReportPath("out/plan-review.md")).toBe("out/plan-review.full.md");
    expect(fullReportPath("review")).toBe("review.full.md");
  });
  test("GIVEN a side that is neither a folder nor a ref WHEN diffed THEN the usage error names it", async () => {
    const r = await diff(["no-such-output", "no-such-output", "--no-render"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`"no-such-output" is neither a synthesized output folder nor a git ref`);
  });
});

