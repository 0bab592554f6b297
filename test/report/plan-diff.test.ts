/**
 * The plan review's building blocks, case by case: paths, topics, Helm's merge of values files,
 * the normalization of rendered objects, moves and Terraform settings. The whole comparison of
 * synthesized outputs is tested end to end in test/cli/diff.test.ts.
 */
import { changeTopic, computePlanDiff, formatPath, mergeValues, normalizeObject } from "../../report/plan-diff";
import type { OutputSnapshot, TerraformJson } from "../../report/plan-diff-types";

describe("formatPath", () => {
  test.each([
    [["spec", "access_modes", 0], "spec.access_modes[0]"],
    [["labels", "ai-factory.io/pool"], 'labels["ai-factory.io/pool"]'],
    [["taint", 1, "effect"], "taint[1].effect"],
    [["a b"], '["a b"]'],
  ] as const)("GIVEN %j WHEN formatted THEN it reads %s", (segments, expected) => {
    expect(formatPath(segments)).toBe(expected);
  });
});

describe("changeTopic", () => {
  test.each([
    ["helm_release", "attribute", ["version"], "chart-version"],
    ["kubernetes_labels", "attribute", ["labels", "ai-factory.io/gpu"], "node-labels"],
    ["kubernetes_node_taint", "attribute", ["taint", 0, "effect"], "taints"],
    ["", "manifest", ["spec", "template", "spec", "containers", 0, "resources", "limits", "nvidia.com/gpu"], "gpu"],
    ["", "manifest", ["spec", "replicas"], "replicas"],
    ["helm_release", "values", ["autoscaling", "maxReplicas"], "replicas"],
    ["", "manifest", ["spec", "template", "spec", "containers", 0, "image"], "image"],
    ["helm_release", "values", ["driver", "version"], "image"],
    ["kubernetes_persistent_volume_claim_v1", "attribute", ["spec", "resources", "requests", "storage"], "storage"],
    ["helm_release", "attribute", ["timeout"], "other"],
  ] as const)("GIVEN a %s %s change at %j WHEN classified THEN it is about %s", (type, where, segments, topic) => {
    expect(changeTopic(type, where, segments)).toBe(topic);
  });
});

describe("mergeValues", () => {
  test("GIVEN two values files WHEN merged THEN maps merge key by key and the later file wins elsewhere, as Helm's -f does", () => {
    expect(
      mergeValues([
        { image: { repository: "vllm/vllm-openai", tag: "v0.15.0" }, args: ["--a"], replicas: 1 },
        { image: { tag: "v0.16.0" }, args: ["--b"] },
      ]),
    ).toEqual({ image: { repository: "vllm/vllm-openai", tag: "v0.16.0" }, args: ["--b"], replicas: 1 });
  });
});

describe("normalizeObject", () => {
  test("GIVEN a rendered Deployment WHEN normalized THEN chart-version labels and checksum annotations go, at any depth, and keys are sorted", () => {
    const normalized = normalizeObject({
      kind: "Deployment",
      metadata: { labels: { "helm.sh/chart": "model-server-0.3.0", "app.kubernetes.io/version": "v0.16.0", app: "coder" }, name: "coder" },
      spec: { template: { metadata: { annotations: { "checksum/config": "abc", team: "ml" }, labels: { "helm.sh/chart": "x" } } } },
    });
    expect(normalized).toEqual({
      kind: "Deployment",
      metadata: { labels: { app: "coder" }, name: "coder" },
      spec: { template: { metadata: { annotations: { team: "ml" }, labels: {} } } },
    });
    expect(Object.keys(normalized as object)).toEqual(["kind", "metadata", "spec"]);
  });
});

/** A side holding one environment `e` with `stack`. */
function side(label: string, stack: TerraformJson): OutputSnapshot {
  return { label, environments: { e: { stack } } };
}

describe("computePlanDiff on small stacks", () => {
  const namespace = (name: string) => ({ metadata: { name } });

  test("GIVEN a namespace removed WHEN compared THEN it is a data-loss danger: its claims go with it", () => {
    const diff = computePlanDiff(
      side("a", { resource: { kubernetes_namespace_v1: { ns: namespace("ai-models") } } }),
      side("b", { resource: {} }),
    );
    const env = diff.environments[0];
    expect(env.counts.destroyed).toBe(1);
    expect(env.dangers).toEqual([
      expect.objectContaining({ address: "kubernetes_namespace_v1.ns", action: "remove", severity: "data-loss", command: "terraform -chdir=cdktf.out/stacks/e state rm 'kubernetes_namespace_v1.ns'" }),
    ]);
    expect(env.dangers[0].outcome).toBe("`terraform apply` deletes the namespace and every object in it, claims and their data included.");
  });

  test("GIVEN a namespace renamed WHEN compared THEN it is replaced (metadata.name cannot change in place), not moved", () => {
    const diff = computePlanDiff(
      side("a", { resource: { kubernetes_namespace_v1: { ns: namespace("ai-models") } } }),
      side("b", { resource: { kubernetes_namespace_v1: { ns: namespace("models") } } }),
    );
    const change = diff.environments[0].resources[0];
    expect(change).toEqual(expect.objectContaining({ action: "replace", stateful: true }));
    expect(change.changes).toEqual([{ path: "metadata.name", kind: "changed", before: "ai-models", after: "models", topic: "other", forcesReplacement: true }]);
    expect(diff.environments[0].dangers[0].severity).toBe("data-loss");
  });

  test("GIVEN only cdktf's metadata and depends_on differ WHEN compared THEN nothing changed", () => {
    const diff = computePlanDiff(
      side("a", { resource: { kubernetes_namespace_v1: { ns: { "//": { metadata: { path: "a" } }, depends_on: ["x"], ...namespace("m") } } } }),
      side("b", { resource: { kubernetes_namespace_v1: { ns: { "//": { metadata: { path: "b" } }, depends_on: ["y"], ...namespace("m") } } } }),
    );
    expect(diff.environments[0].status).toBe("unchanged");
    expect(diff.environments[0].resources).toEqual([]);
  });

  test("GIVEN the same release under a new address with a new chart hash WHEN compared THEN it is a move with no other change", () => {
    const release = (chart: string) => ({ name: "coder", namespace: "ai-models", chart, values: ["replicas: 2\n"] });
    const diff = computePlanDiff(
      side("a", { resource: { helm_release: { old: release("assets/model-server-chart_asset_1/AAAA") } } }),
      side("b", { resource: { helm_release: { new: release("assets/model-server-chart_asset_1/BBBB") } } }),
    );
    const env = diff.environments[0];
    expect(env.resources).toEqual([expect.objectContaining({ action: "move", from: "helm_release.old", address: "helm_release.new", changes: [], values: [] })]);
    expect(env.dangers[0]).toEqual(
      expect.objectContaining({ severity: "recreate", command: "terraform -chdir=cdktf.out/stacks/e state mv 'helm_release.old' 'helm_release.new'" }),
    );
    expect(env.dangers[0].outcome).toContain("release ai-models/coder");
  });

  test("GIVEN the backend's key changed WHEN compared THEN a note says the state moves", () => {
    const backend = (key: string) => ({ backend: { s3: { bucket: "b", key } } });
    const diff = computePlanDiff(side("a", { terraform: backend("x.tfstate") }), side("b", { terraform: backend("y.tfstate") }));
    expect(diff.environments[0].status).toBe("changed");
    expect(diff.environments[0].notes).toEqual([
      'terraform settings: backend.s3.key: "x.tfstate" → "y.tfstate" (the state moves: run `terraform init -migrate-state` before applying)',
    ]);
  });

  test("GIVEN values that are not YAML WHEN compared THEN the edit still shows as a change of the unparsed text", () => {
    const release = (values: string) => ({ name: "r", namespace: "n", chart: "c", values: [values] });
    const diff = computePlanDiff(side("a", { resource: { helm_release: { r: release("a: [") } } }), side("b", { resource: { helm_release: { r: release("a: [1") } } }));
    expect(diff.environments[0].resources[0].values).toEqual([expect.objectContaining({ path: '["(unparsed values)"]', before: "a: [", after: "a: [1" })]);
  });
});
