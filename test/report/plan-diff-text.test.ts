import { renderPlanDiffJson } from "../../report/plan-diff-json";
import type { EnvironmentDiff, PlanDiff } from "../../report/plan-diff-types";
import { renderPlanDiffText } from "../../report/plan-diff-text";

const NO_COUNTS = { added: 0, changed: 0, replaced: 0, moved: 0, destroyed: 0 };
const unchanged = (env: string): EnvironmentDiff => ({ env, status: "unchanged", resources: [], counts: NO_COUNTS, dangers: [], notes: [] });

const PROD: EnvironmentDiff = {
  env: "prod",
  status: "changed",
  resources: [
    {
      address: "helm_release.gateway",
      type: "helm_release",
      action: "update",
      changes: [{ path: "version", kind: "changed", before: "1.4.0", after: "1.5.0", topic: "chart-version" }],
      values: [{ path: "replicas", kind: "changed", before: 1, after: 2, topic: "replicas" }],
      manifests: [
        {
          id: "apps/v1 Deployment ai-gateway/gateway",
          action: "update",
          changes: [],
          patch: "--- base\n+++ head\n@@ -1,2 +1,2 @@\n spec:\n-  replicas: 1\n+  replicas: 2\n",
        },
      ],
      stateful: false,
      preventDestroy: false,
    },
    {
      address: "kubernetes_persistent_volume_claim.models",
      type: "kubernetes_persistent_volume_claim",
      action: "replace",
      changes: [{ path: "spec.storage_class_name", kind: "changed", before: "nfs", after: "cephfs", topic: "other", forcesReplacement: true }],
      stateful: true,
      preventDestroy: false,
    },
  ],
  counts: { added: 0, changed: 1, replaced: 1, moved: 0, destroyed: 0 },
  dangers: [
    {
      address: "kubernetes_persistent_volume_claim.models",
      type: "kubernetes_persistent_volume_claim",
      action: "replace",
      severity: "data-loss",
      outcome: "terraform apply deletes the claim and the model weights on it.",
      remedy: "Keep storage_class_name.",
    },
  ],
  cost: {
    rows: [
      { label: "Capex", unit: "usd", base: 1_760_000, head: 1_760_000 },
      { label: "Monthly TCO", unit: "usd", base: 69_000, head: 73_210 },
      { label: "Break-even vs aws-p5", unit: "months", base: 12, head: 12 },
    ],
    cumulative: { months: 2, base: [1_000, 2_000, 3_000], head: [1_000, 2_500, 4_000] },
  },
  notes: ["HEAD: chart ./charts/x did not render"],
};

const DIFF: PlanDiff = { base: "origin/main", head: "HEAD", environments: [unchanged("dev"), PROD, unchanged("staging")], notes: [] };

describe("renderPlanDiffText", () => {
  const text = renderPlanDiffText(DIFF);
  const lines = text.split("\n");

  test("GIVEN a review WHEN printed THEN the title names both sides", () => {
    expect(lines[0]).toBe("ai-factory plan review: origin/main → HEAD");
  });

  test("GIVEN dangers WHEN printed THEN they come before the first headline, in plain words", () => {
    const caution = lines.findIndex((l) => l.startsWith("CAUTION: 1 change to settle before applying"));
    const headline = lines.indexOf("prod: monthly TCO +$4,210 (+6.1%) · 0 added · 1 changed · 0 destroyed · 1 replaced");
    expect(caution).toBeGreaterThan(0);
    expect(headline).toBeGreaterThan(caution);
    // Wrapped at 100 columns, the continuation under the text of the item.
    expect(lines.slice(caution + 1, caution + 3)).toEqual([
      "  - prod: replace kubernetes_persistent_volume_claim.models — terraform apply deletes the claim and",
      "    the model weights on it. Keep storage_class_name.",
    ]);
    expect(lines).toContain("No changes: dev, staging.");
  });

  test("GIVEN a cost delta WHEN printed THEN it is an aligned table with the change and unchanged alternative rows hidden", () => {
    const start = lines.indexOf("Cost");
    expect(lines.slice(start + 1, start + 8)).toEqual([
      "┌─────────────┬────────────┬────────────┬─────────────────┐",
      "│             │   Baseline │        New │          Change │",
      "├─────────────┼────────────┼────────────┼─────────────────┤",
      "│ Capex       │ $1,760,000 │ $1,760,000 │               — │",
      "│ Monthly TCO │    $69,000 │    $73,210 │ +$4,210 (+6.1%) │",
      "└─────────────┴────────────┴────────────┴─────────────────┘",
      "Cumulative on-prem cost after 2 months: $3,000 → $4,000.",
    ]);
    expect(text).not.toContain("Break-even vs aws-p5");
    expect(text).toContain("1 unchanged row about alternatives not shown.");
  });

  test("GIVEN resources, values and manifests WHEN printed THEN each is listed and patches are indented", () => {
    expect(text).toMatch(/│ replace +│ kubernetes_persistent_volume_claim\.models │ kubernetes_persistent_volume_claim │ spec\.storage_class_name: nfs → cephfs \(forces replacement\) │/);
    expect(text).toMatch(/│ replicas │ 1 +│ 2 +│/);
    expect(lines).toContain("  apps/v1 Deployment ai-gateway/gateway (changed)");
    expect(lines).toContain("    -  replicas: 1");
    expect(lines).toContain("    +  replicas: 2");
    expect(lines).toContain("  - HEAD: chart ./charts/x did not render");
  });

  test("GIVEN a review WHEN printed THEN it holds no Markdown nor HTML", () => {
    expect(text).not.toMatch(/<details>|<summary>|\*\*|```|^#|\[!CAUTION\]/m);
  });

  test("GIVEN nothing changed WHEN printed THEN it says No changes.", () => {
    expect(renderPlanDiffText({ ...DIFF, environments: [unchanged("dev")] })).toBe("ai-factory plan review: origin/main → HEAD\n\nNo changes.\n");
  });

  test("GIVEN the same input in any order WHEN printed twice THEN the output is identical", () => {
    expect(renderPlanDiffText(DIFF)).toBe(text);
    expect(renderPlanDiffText({ ...DIFF, environments: [...DIFF.environments].reverse() })).toBe(text);
  });
});

// renderPlanDiffJson has no test file of its own yet; its contract is checked here.
describe("renderPlanDiffJson", () => {
  const json = renderPlanDiffJson(DIFF);

  /** Every object's keys, at any depth, are in sorted order. */
  const keysSorted = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.every(keysSorted);
    if (value === null || typeof value !== "object") return true;
    const keys = Object.keys(value);
    return keys.join("\n") === [...keys].sort().join("\n") && Object.values(value).every(keysSorted);
  };

  test("GIVEN a review WHEN written as JSON THEN it parses, carries schemaVersion 1 and the data, and ends with a newline", () => {
    const parsed = JSON.parse(json);
    expect(parsed.schemaVersion).toBe(1);
    expect(parsed.environments[1].cost.rows[1]).toEqual({ base: 69_000, head: 73_210, label: "Monthly TCO", unit: "usd" });
    expect(json.endsWith("}\n")).toBe(true);
    expect(json).toContain('\n  "base": "origin/main",\n');
  });

  test("GIVEN a review WHEN written as JSON THEN keys are sorted at every level, whatever the input order", () => {
    expect(keysSorted(JSON.parse(json))).toBe(true);
    const reordered = JSON.parse(JSON.stringify({ notes: DIFF.notes, head: DIFF.head, environments: DIFF.environments, base: DIFF.base }));
    expect(renderPlanDiffJson(reordered)).toBe(json);
  });

  test("throws when a number cannot be written as JSON", () => {
    const broken = { ...DIFF, environments: [{ ...PROD, cost: { ...PROD.cost!, rows: [{ label: "Capex", unit: "usd" as const, base: NaN, head: 1 }] } }] };
    expect(() => renderPlanDiffJson(broken)).toThrow("plan-diff-json: $.environments[0].cost.rows[0].base: NaN cannot be written as JSON");
  });
});
