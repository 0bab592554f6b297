import { renderPlanDiffMarkdown, chartMonths, formatDiffValue, formatCostChange } from "../../report/plan-diff-markdown";
import type { CostRow, Danger, EnvironmentDiff, PlanDiff, ResourceChange } from "../../report/plan-diff-types";
import { GITHUB_COMMENT_LIMIT, PLAN_REVIEW_MARKER } from "../../report/plan-review-marker";

const row = (label: string, unit: CostRow["unit"], base: number | null, head: number | null): CostRow => ({ label, unit, base, head });
const months = (start: number, perMonth: number) => Array.from({ length: 37 }, (_, m) => start + perMonth * m);
const NO_COUNTS = { added: 0, changed: 0, replaced: 0, moved: 0, destroyed: 0 };

const unchanged = (env: string): EnvironmentDiff => ({ env, status: "unchanged", resources: [], counts: NO_COUNTS, dangers: [], notes: [] });

const RESOURCES: ResourceChange[] = [
  {
    address: "helm_release.gateway",
    type: "helm_release",
    action: "update",
    changes: [{ path: "version", kind: "changed", before: "1.4.0", after: "1.5.0", topic: "chart-version" }],
    values: [
      { path: "replicas", kind: "changed", before: 1, after: 2, topic: "replicas" },
      { path: "tls.hosts", kind: "added", after: ["a.example", "b | c"], topic: "other" },
      { path: "banner", kind: "removed", before: "", topic: "other" },
    ],
    manifests: [
      {
        id: "apps/v1 Deployment ai-gateway/gateway",
        action: "update",
        changes: [{ path: "spec.replicas", kind: "changed", before: 1, after: 2, topic: "replicas" }],
        patch: "--- base\n+++ head\n@@ -1,3 +1,3 @@\n spec:\n-  replicas: 1\n+  replicas: 2\n",
      },
    ],
    stateful: false,
    preventDestroy: false,
  },
  {
    address: "kubernetes_deployment.coder",
    type: "kubernetes_deployment",
    action: "update",
    changes: [
      { path: "spec.template.spec.container[0].image", kind: "changed", before: "vllm/vllm-openai:v0.10.1", after: "vllm/vllm-openai:v0.11.0", topic: "image" },
      { path: "metadata.annotations.note", kind: "changed", before: "a", after: "b", topic: "other" },
    ],
    stateful: false,
    preventDestroy: false,
  },
  {
    address: "kubernetes_labels.pool_h100",
    type: "kubernetes_labels",
    action: "add",
    changes: [],
    stateful: false,
    preventDestroy: false,
  },
  {
    address: "kubernetes_node_taint.gpu",
    type: "kubernetes_node_taint",
    action: "move",
    from: "kubernetes_node_taint.h100",
    changes: [],
    stateful: false,
    preventDestroy: false,
  },
  {
    address: "kubernetes_persistent_volume_claim.models",
    type: "kubernetes_persistent_volume_claim",
    action: "replace",
    changes: [
      { path: "spec.storage_class_name", kind: "changed", before: "nfs", after: "cephfs", topic: "other", forcesReplacement: true },
    ],
    stateful: true,
    preventDestroy: false,
  },
];

const PROD: EnvironmentDiff = {
  env: "prod",
  status: "changed",
  resources: RESOURCES,
  counts: { added: 1, changed: 2, replaced: 1, moved: 1, destroyed: 0 },
  dangers: [
    {
      address: "kubernetes_persistent_volume_claim.models",
      type: "kubernetes_persistent_volume_claim",
      action: "replace",
      severity: "data-loss",
      outcome: "terraform apply deletes the claim and the model weights on it.",
      remedy: "Keep storage_class_name, or copy the weights first.",
    },
    {
      address: "kubernetes_node_taint.gpu",
      type: "kubernetes_node_taint",
      action: "move",
      severity: "recreate",
      from: "kubernetes_node_taint.h100",
      outcome: "terraform apply removes the taint and puts it back.",
      remedy: "Add a moved block.",
    },
  ],
  cost: {
    rows: [
      row("Capex", "usd", 1_760_000, 1_760_000),
      row("Monthly TCO", "usd", 69_000, 73_210),
      row("Monthly opex", "usd", 20_000, 24_210),
      row("Cost per million tokens", "usd-per-million", 0.99, 1.05),
      row("GPUs", "count", 16, 16),
      row("Average power", "kw", 10.2, 12.5),
      row("aws-p5: monthly cost", "usd", 80_000, 80_000),
      row("Break-even vs aws-p5", "months", 12, 13.44),
      row("Savings vs aws-p5 over 36 months", "percent", 48, 48),
      row("Break-even vs claude", "months", null, 30),
    ],
    cumulative: { months: 36, base: months(1_760_000, 20_000), head: months(1_760_000, 24_210) },
  },
  notes: [],
};

const DIFF: PlanDiff = { base: "origin/main", head: "HEAD", environments: [unchanged("dev"), PROD, unchanged("staging")], notes: [] };

/** Lines that open or close a fence of three or more backticks. */
const fenceLines = (text: string) => text.split("\n").filter((line) => /^`{3,}/.test(line));
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe("renderPlanDiffMarkdown", () => {
  const { text, full, cut } = renderPlanDiffMarkdown(DIFF);
  const lines = text.split("\n");

  test("GIVEN a review WHEN rendered THEN the marker is the first line and the title names both sides", () => {
    expect(lines[0]).toBe(PLAN_REVIEW_MARKER);
    expect(lines[1]).toBe("### ai-factory plan review: `origin/main` → `HEAD`");
  });

  test("GIVEN a small review WHEN rendered THEN it is not cut and text is the full report", () => {
    expect(cut).toBe(false);
    expect(text).toBe(full);
  });

  test("GIVEN a changed environment WHEN rendered THEN its headline carries the TCO change and the counts, replaced and moved included", () => {
    // 73,210 − 69,000 = 4,210; 4,210 / 69,000 = 6.10%.
    expect(lines).toContain("- **prod**: monthly TCO +$4,210 (+6.1%) · 1 added · 2 changed · 0 destroyed · 1 replaced · 1 moved");
  });

  test("GIVEN no replacement and no move WHEN rendered THEN the headline leaves them out; equal TCO reads unchanged", () => {
    const tco = PROD.cost!.rows.map((r) => (r.label === "Monthly TCO" ? row("Monthly TCO", "usd", 69_000, 69_000) : r));
    const plain: EnvironmentDiff = { ...PROD, counts: { ...PROD.counts, replaced: 0, moved: 0 }, cost: { ...PROD.cost!, rows: tco } };
    const out = renderPlanDiffMarkdown({ ...DIFF, environments: [plain] }).text;
    expect(out).toContain("- **prod**: monthly TCO unchanged · 1 added · 2 changed · 0 destroyed\n");
  });

  test("GIVEN no cost file WHEN rendered THEN the headline has no cost part and there is no cost table nor chart", () => {
    const out = renderPlanDiffMarkdown({ ...DIFF, environments: [{ ...PROD, cost: undefined }] }).text;
    expect(out).toContain("- **prod**: 1 added · 2 changed · 0 destroyed · 1 replaced · 1 moved\n");
    expect(out).not.toContain("| Baseline |");
    expect(out).not.toContain("xychart-beta");
  });

  test("GIVEN environments on one side only WHEN rendered THEN their headlines say new environment and environment removed", () => {
    const cost = (base: number | null, head: number | null) => ({ rows: [row("Monthly TCO", "usd", base, head)], cumulative: { months: 0, base: null, head: null } });
    const added: EnvironmentDiff = { ...unchanged("edge"), status: "added", counts: { ...NO_COUNTS, added: 12 }, cost: cost(null, 8_190) };
    const removed: EnvironmentDiff = { ...unchanged("lab"), status: "removed", counts: { ...NO_COUNTS, destroyed: 3 } };
    const out = renderPlanDiffMarkdown({ ...DIFF, environments: [removed, added] }).text;
    expect(out).toContain("- **edge**: new environment · monthly TCO $8,190 · 12 added\n- **lab**: environment removed · 3 destroyed\n");
  });

  test("GIVEN dangers WHEN rendered THEN a caution alert lists each, above the first headline", () => {
    const caution = lines.indexOf("> [!CAUTION]");
    const headline = lines.findIndex((l) => l.startsWith("- **prod**: monthly TCO"));
    expect(caution).toBeGreaterThan(1);
    expect(caution).toBeLessThan(headline);
    expect(lines).toContain(
      "> - **prod**: replace `kubernetes_persistent_volume_claim.models` — terraform apply deletes the claim and the model weights on it. Keep storage_class_name, or copy the weights first.",
    );
    expect(lines).toContain(
      "> - **prod**: move `kubernetes_node_taint.gpu` from `kubernetes_node_taint.h100` — terraform apply removes the taint and puts it back. Add a moved block.",
    );
  });

  test("GIVEN no dangers WHEN rendered THEN there is no alert", () => {
    expect(renderPlanDiffMarkdown({ ...DIFF, environments: [{ ...PROD, dangers: [] }] }).text).not.toContain("[!CAUTION]");
  });

  test("GIVEN unchanged environments WHEN rendered THEN one line names them and they get no section", () => {
    expect(lines).toContain("No changes: dev, staging.");
    expect(lines).toContain("#### prod");
    expect(lines).not.toContain("#### dev");
  });

  test("GIVEN nothing changed anywhere WHEN rendered THEN it says No changes. and stops", () => {
    const out = renderPlanDiffMarkdown({ ...DIFF, environments: [unchanged("dev"), unchanged("prod")] }).text;
    expect(out).toBe(`${PLAN_REVIEW_MARKER}\n### ai-factory plan review: \`origin/main\` → \`HEAD\`\n\nNo changes.\n`);
    expect(out).toMatch(/no changes/i);
  });

  test("GIVEN notes but no change WHEN rendered THEN the notes are shown instead of a bare No changes.", () => {
    const out = renderPlanDiffMarkdown({ ...DIFF, environments: [unchanged("dev")], notes: ["HEAD: helm not found; manifests not compared"] }).text;
    expect(out).toContain("No changes: dev.");
    expect(out).toContain("- HEAD: helm not found; manifests not compared");
  });

  test("GIVEN a cost delta WHEN rendered THEN the table has one row per figure, formatted by unit, with the change", () => {
    expect(lines).toContain("|  | Baseline | New | Change |");
    expect(lines).toContain("|---|---:|---:|---:|");
    expect(lines).toContain("| Capex | $1,760,000 | $1,760,000 | — |");
    expect(lines).toContain("| **Monthly TCO** | **$69,000** | **$73,210** | **+$4,210 (+6.1%)** |");
    expect(lines).toContain("| Cost per million tokens | $0.99 | $1.05 | +$0.06 (+6.1%) |");
    expect(lines).toContain("| GPUs | 16 | 16 | — |");
    expect(lines).toContain("| Average power | 10.2 kW | 12.5 kW | +2.3 kW (+22.5%) |");
    expect(lines).toContain("| Break-even vs aws-p5 | 12.0 months | 13.4 months | +1.4 months |");
    expect(lines).toContain("| Break-even vs claude | never | 30.0 months | was never |");
  });

  test("GIVEN unchanged rows about alternatives WHEN rendered THEN they are hidden and counted", () => {
    expect(text).not.toContain("| Savings vs aws-p5 over 36 months |");
    expect(text).not.toContain("| aws-p5: monthly cost |");
    expect(text).toContain("2 unchanged rows about alternatives not shown.");
  });

  test.each([
    [row("x", "usd", 1_000, 0), "-$1,000 (-100.0%)"],
    [row("x", "usd", null, 5), "new"],
    [row("x", "usd", 5, null), "gone"],
    [row("x", "months", 10, null), "now never"],
    [row("x", "percent", 40, 45.2), "+5.2 pp"],
    [row("x", "count", 0, 3), "+3"],
  ])("GIVEN %p WHEN its change is formatted THEN it reads %p", (r, expected) => {
    expect(formatCostChange(r)).toBe(expected);
  });

  test("GIVEN cumulative costs WHEN rendered THEN a Mermaid xychart plots both sides in thousands, coloured and explained", () => {
    const start = lines.indexOf("```mermaid");
    expect(start).toBeGreaterThan(0);
    const chart = lines.slice(start, lines.indexOf("```", start + 1) + 1);
    expect(chart[1]).toBe('%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#9e9e9e, #1f77b4"}}}}%%');
    expect(chart[2]).toBe("xychart-beta");
    expect(chart).toContain('    x-axis "Month" ["0", "2", "4", "6", "8", "10", "12", "14", "16", "18", "20", "22", "24", "26", "28", "30", "32", "34", "36"]');
    const series = chart.filter((l) => l.startsWith("    line ["));
    expect(series).toHaveLength(2);
    // Baseline: 1,760,000 + 20,000 × 36 = 2,480,000; new: 1,760,000 + 24,210 × 36 = 2,631,560.
    expect(series[0]).toMatch(/^ {4}line \[1760\.0, 1800\.0, .*, 2480\.0\]$/);
    expect(series[1]).toMatch(/^ {4}line \[1760\.0, 1808\.4, .*, 2631\.6\]$/);
    expect(text).toContain("grey is the baseline (`origin/main`); blue is the new side (`HEAD`).");
  });

  test("GIVEN cumulative costs on one side only WHEN rendered THEN the chart has one line in that side's colour", () => {
    const one = { ...PROD, cost: { ...PROD.cost!, cumulative: { months: 36, base: null, head: months(0, 1_000) } } };
    const out = renderPlanDiffMarkdown({ ...DIFF, environments: [one] }).text;
    expect(out.match(/^ {4}line \[/gm)).toHaveLength(1);
    expect(out).toContain('"plotColorPalette": "#1f77b4"');
  });

  test("GIVEN no cumulative costs WHEN rendered THEN there is no chart", () => {
    const none = { ...PROD, cost: { ...PROD.cost!, cumulative: { months: 36, base: null, head: null } } };
    expect(renderPlanDiffMarkdown({ ...DIFF, environments: [none] }).text).not.toContain("```mermaid");
  });

  test("GIVEN a long horizon WHEN charted THEN the months are thinned and the last kept", () => {
    expect(chartMonths(12)).toHaveLength(13);
    expect(chartMonths(60)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48, 51, 54, 57, 60]);
    expect(chartMonths(61).slice(-2)).toEqual([60, 61]);
  });

  test("GIVEN resources WHEN rendered THEN a folded table lists action, address, type and the key changes only", () => {
    expect(text).toContain("<details><summary>Resources: 1 added, 2 changed, 1 replaced, 1 moved</summary>\n\n| Action | Address | Type | Key changes |");
    expect(lines).toContain(
      "| update | `kubernetes_deployment.coder` | kubernetes_deployment | `spec.template.spec.container[0].image`: `vllm/vllm-openai:v0.10.1` → `vllm/vllm-openai:v0.11.0` |",
    );
    expect(text).not.toContain("metadata.annotations.note");
    expect(lines).toContain("| move | `kubernetes_node_taint.h100` → `kubernetes_node_taint.gpu` | kubernetes_node_taint |  |");
    expect(lines).toContain(
      "| replace | `kubernetes_persistent_volume_claim.models` | kubernetes_persistent_volume_claim | `spec.storage_class_name`: `nfs` → `cephfs` (forces replacement) |",
    );
  });

  test("GIVEN Helm values changes WHEN rendered THEN they get a path/before/after table, values quoted and escaped", () => {
    expect(text).toContain("<details><summary>Helm values of <code>helm_release.gateway</code>: 3 changes</summary>\n\n| Path | Before | After |");
    expect(lines).toContain("| `replicas` | `1` | `2` |");
    expect(lines).toContain('| `tls.hosts` | (none) | `["a.example","b \\| c"]` |');
    expect(lines).toContain('| `banner` | `""` | (none) |');
  });

  test("GIVEN manifest changes WHEN rendered THEN each patch is in a diff fence under its object id", () => {
    expect(text).toContain("`apps/v1 Deployment ai-gateway/gateway` (changed)\n\n```diff\n--- base\n+++ head\n@@ -1,3 +1,3 @@\n spec:\n-  replicas: 1\n+  replicas: 2\n```");
  });

  test("GIVEN a patch holding a fence WHEN rendered THEN a longer fence wraps it", () => {
    const tricky = { ...RESOURCES[0], manifests: [{ ...RESOURCES[0].manifests![0], patch: "-a: |\n-  ```\n+b: 1\n" }] };
    const out = renderPlanDiffMarkdown({ ...DIFF, environments: [{ ...PROD, resources: [tricky] }] }).text;
    expect(out).toContain("````diff\n-a: |\n-  ```\n+b: 1\n````");
  });

  test("GIVEN a review WHEN rendered THEN every <details> is closed and every fence too", () => {
    expect(count(text, "<details>")).toBe(3);
    expect(count(text, "</details>")).toBe(3);
    expect(fenceLines(text)).toHaveLength(4);
  });

  test("GIVEN environment notes and a release whose manifests could not be compared WHEN rendered THEN they are listed under the environment", () => {
    const noted = { ...PROD, notes: ["HEAD has no cost file"], resources: [{ ...RESOURCES[1], manifestsNote: "helm template failed on HEAD" }] };
    const out = renderPlanDiffMarkdown({ ...DIFF, environments: [noted] }).text;
    expect(out).toContain("Notes:\n- HEAD has no cost file\n- `kubernetes_deployment.coder`: rendered manifests not compared: helm template failed on HEAD");
  });

  test("GIVEN the same input in any order WHEN rendered twice THEN the output is byte-identical", () => {
    const again = renderPlanDiffMarkdown(DIFF);
    const shuffled = renderPlanDiffMarkdown({
      ...DIFF,
      environments: [...DIFF.environments].reverse().map((e) => ({ ...e, resources: [...e.resources].reverse() })),
    });
    expect(again.full).toBe(full);
    expect(shuffled.full).toBe(full);
  });

  test.each([
    ["a b", '"a b"'],
    ["", '""'],
    ["nfs", "nfs"],
    [{ b: 1, a: [true, null] }, '{"a":[true,null],"b":1}'],
    [3, "3"],
    ["x".repeat(100), `${"x".repeat(59)}…`],
  ])("GIVEN the value %p WHEN formatted THEN it reads %p", (value, expected) => {
    expect(formatDiffValue(value)).toBe(expected);
  });
});

describe("renderPlanDiffMarkdown: cut to fit a comment", () => {
  /** 200 releases, each with a 1,500-character patch: far over a comment. */
  const big: ResourceChange[] = Array.from({ length: 200 }, (_, i) => {
    const address = `helm_release.r${String(i).padStart(3, "0")}`;
    const patch = ["--- base", "+++ head", ...Array.from({ length: 50 }, (_, j) => `-  key${j}: ${"a".repeat(12)}\n+  key${j}: ${"b".repeat(12)}`)].join("\n");
    return {
      address,
      type: "helm_release",
      action: "update",
      changes: [{ path: "version", kind: "changed", before: "1.0.0", after: "1.1.0", topic: "chart-version" }],
      values: [{ path: "image.tag", kind: "changed", before: "v1", after: "v2", topic: "image" }],
      manifests: [{ id: `apps/v1 Deployment ns/r${i}`, action: "update", changes: [], patch }],
      stateful: false,
      preventDestroy: false,
    };
  });
  const huge: PlanDiff = { ...DIFF, environments: [...DIFF.environments, { ...PROD, env: "qa", resources: big }] };
  const result = renderPlanDiffMarkdown(huge, { fullReportName: "plan-review.md" });

  test("GIVEN a review over the limit WHEN rendered THEN text fits a GitHub comment and full is whole", () => {
    expect(result.cut).toBe(true);
    expect(result.full.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT);
    expect(result.text.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT - 900);
    expect(result.full).toContain("apps/v1 Deployment ns/r199");
    expect(result.text).not.toContain("apps/v1 Deployment ns/r199");
  });

  test("GIVEN a cut review WHEN read THEN the marker, dangers, headlines and every environment's costs are still there", () => {
    const text = result.text;
    expect(text.startsWith(`${PLAN_REVIEW_MARKER}\n`)).toBe(true);
    expect(text).toContain("> [!CAUTION]");
    expect(text).toContain("- **prod**: monthly TCO +$4,210 (+6.1%)");
    expect(text).toContain("- **qa**: monthly TCO +$4,210 (+6.1%)");
    expect(text).toContain("#### qa");
    expect(text.match(/\| \*\*Monthly TCO\*\* \|/g)).toHaveLength(2);
    expect(text.match(/xychart-beta/g)).toHaveLength(2);
  });

  test("GIVEN a cut review WHEN read THEN fences and <details> are balanced", () => {
    expect(fenceLines(result.text).length % 2).toBe(0);
    expect(count(result.text, "<details>")).toBe(count(result.text, "</details>"));
    expect(count(result.text, "<details>")).toBeGreaterThan(0);
  });

  test("GIVEN a cut review WHEN read THEN it ends with a note naming the full report and the characters shown", () => {
    const note = result.text.trimEnd().split("\n").pop()!;
    const match = /^The report is cut to fit a comment \(([\d,]+) of ([\d,]+) characters shown\); the full report is in plan-review\.md\.$/.exec(note);
    expect(match).not.toBeNull();
    expect(Number(match![2].replace(/,/g, ""))).toBe(result.full.length);
    expect(Number(match![1].replace(/,/g, ""))).toBeLessThan(result.text.length);
  });

  test("GIVEN no full report name WHEN cut THEN the note says the full report was not kept", () => {
    expect(renderPlanDiffMarkdown(huge).text.trimEnd()).toMatch(/; the full report was not kept\.$/);
  });

  test("GIVEN a smaller limit WHEN cut THEN the text fits it, with details still balanced", () => {
    const small = renderPlanDiffMarkdown(huge, { limit: 12_000 });
    expect(small.text.length).toBeLessThanOrEqual(12_000);
    expect(count(small.text, "<details>")).toBe(count(small.text, "</details>"));
    expect(fenceLines(small.text).length % 2).toBe(0);
    expect(small.full).toBe(result.full);
  });

  test("GIVEN a resource table too long for the space left WHEN cut THEN its first rows stay, the rest are counted and the table is closed", () => {
    const many: ResourceChange[] = Array.from({ length: 2_000 }, (_, i) => ({ ...RESOURCES[1], address: `kubernetes_deployment.d${String(i).padStart(4, "0")}` }));
    const out = renderPlanDiffMarkdown({ ...DIFF, environments: [{ ...PROD, resources: many }] }, { limit: 20_000 }).text;
    // 1,000 characters of headroom under the limit, and the rest used.
    expect(out.length).toBeLessThanOrEqual(19_000);
    expect(out.length).toBeGreaterThan(18_800);
    expect(out).toContain("| update | `kubernetes_deployment.d0000` |");
    expect(out).not.toContain("`kubernetes_deployment.d1999`");
    expect(out).toMatch(/\|\n\n… [\d,]+ more resources not shown\.\n\n<\/details>\n\nThe report is cut/);
  });

  test("GIVEN the same large input WHEN rendered twice THEN both texts are identical", () => {
    expect(renderPlanDiffMarkdown(huge, { fullReportName: "plan-review.md" }).text).toBe(result.text);
  });
});

describe("renderPlanDiffMarkdown: recreations and the commands that avert dangers", () => {
  const move = (n: number): Danger => ({
    address: `kubernetes_node_taint.pool-b_node-${n}_taint`,
    type: "kubernetes_node_taint",
    action: "move",
    severity: "recreate",
    from: `kubernetes_node_taint.pool-a_node-${n}_taint`,
    outcome: "`terraform apply` destroys the old address and creates the new one.",
    remedy: "Move it in the state first.",
    command: `terraform -chdir=cdktf.out/stacks/prod state mv 'kubernetes_node_taint.pool-a_node-${n}_taint' 'kubernetes_node_taint.pool-b_node-${n}_taint'`,
  });
  const loss: Danger = {
    address: "kubernetes_persistent_volume_claim_v1.claim",
    type: "kubernetes_persistent_volume_claim_v1",
    action: "remove",
    severity: "data-loss",
    outcome: "`terraform apply` deletes the claim.",
    remedy: "Drop it from the state first.",
    command: "terraform -chdir=cdktf.out/stacks/prod state rm 'kubernetes_persistent_volume_claim_v1.claim'",
  };
  const env: EnvironmentDiff = { ...PROD, dangers: [loss, move(1), move(2), move(3)] };
  const text = renderPlanDiffMarkdown({ ...DIFF, environments: [env] }).text;
  const lines = text.split("\n");

  test("GIVEN three moves and a data loss WHEN rendered THEN the loss has its own line and the moves share one", () => {
    const items = lines.filter((l) => l.startsWith("> - "));
    expect(items).toHaveLength(2);
    expect(items[0]).toBe("> - **prod**: destroy `kubernetes_persistent_volume_claim_v1.claim` — `terraform apply` deletes the claim. Drop it from the state first.");
    expect(items[1]).toMatch(/^> - \*\*prod\*\*: 3 resources move to new addresses \(3 `kubernetes_node_taint`\) — /);
    expect(lines).toContain("> 4 changes to settle before applying:");
  });

  test("GIVEN dangers with commands WHEN rendered THEN a shell block lists every command in danger order, after the alert", () => {
    const start = lines.indexOf("```sh");
    expect(start).toBeGreaterThan(lines.indexOf("> [!CAUTION]"));
    expect(lines.slice(start + 1, start + 5)).toEqual([loss.command, move(1).command, move(2).command, move(3).command]);
    expect(lines[start + 5]).toBe("```");
  });
});
