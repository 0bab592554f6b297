/**
 * Names made from the file (issue 8): map keys that would collide once turned into Kubernetes or
 * Terraform names are refused with both keys named, namespaces the stack cannot own are refused,
 * and every generated name fits its Kubernetes limit with the longest input the schema allows.
 * (The checks live in config/resolve.ts, config/resolve-models.ts and config/schema.ts; the names
 * they protect are made in planning/placement.ts, config/kubernetes-names.ts and constructs/.)
 */
import { Testing } from "cdktf";
import { formatPath, show } from "../../config/errors";
import { devicePluginConfigName } from "../../planning/placement";
import { modelServerObjectName } from "../../config/kubernetes-names";
import { AiFactoryStack } from "../../stacks/ai-factory-stack";
import { MODEL_STORE_YAML, envFromYaml, modelsEnvYaml, plannedFromYaml, resolveProblems } from "../helpers/env";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const POOL = "  h200: { nodes: [g1, g2], server: hgx-h200-8 }";
const served = (name: string) => `  ${name}: { model: llama-3.1-8b, pool: h200, maxContextTokens: 8192 }`;

/** DNS-1123 label; Kubernetes label value. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

describe("served model names that would collide", () => {
  test.each([
    ["a.b", "a-b"],
    ["1abc", "m-1abc"],
    // Both are cut to the same 52 characters once "m-" is put before the leading digit.
    [`1${"x".repeat(51)}`, `m-1${"x".repeat(49)}`],
  ])("GIVEN models %p and %p WHEN validated THEN both are named and the shared Kubernetes name is shown", (a, b) => {
    const object = modelServerObjectName(a);
    expect(modelServerObjectName(b)).toBe(object);
    // Reported at the second name in sorted order, naming the first.
    const [first, second] = [a, b].sort();
    expect(resolveProblems(modelsEnvYaml(POOL, `${served(a)}\n${served(b)}`))).toEqual([
      `test.yaml: ${formatPath(["models", second])}: served names ${show(first)} and ${show(second)} both become the Kubernetes name "${object}" (Helm release, Deployment, Service "${object}-server"); rename one of them`,
    ]);
  });

  test.each([
    ["store", "the model store"],
    ["server-chart", "the model-server chart"],
  ])("GIVEN a model served as %p WHEN validated THEN the name is refused: its construct id is the stack's own", (name, what) => {
    expect(resolveProblems(modelsEnvYaml(POOL, served(name)))).toEqual([
      `test.yaml: models.${name}: served name "${name}" is reserved: the model's construct would be "model-${name}", the id of ${what} in the stack; choose another name`,
    ]);
  });

  test("GIVEN names that differ in what the Kubernetes name keeps WHEN validated THEN they are accepted", () => {
    expect(() => envFromYaml(modelsEnvYaml(POOL, `${served("a.b")}\n${served("a.c")}\n${served("m-2abc")}\n${served("m-1abc")}`))).not.toThrow();
  });
});

describe("names of pools, GPUs and MIG profiles within their label limits", () => {
  test("GIVEN a 59-character pool name WHEN validated THEN it is refused: pool-<name> is a label value of at most 63", () => {
    const name = "p".repeat(59);
    expect(resolveProblems(modelsEnvYaml(`  ${name}: { nodes: [g1], server: hgx-h200-8 }`, "  {}"))).toEqual([
      `test.yaml: ${formatPath(["nodePools", name])}: invalid name ${show(name)}: node pool name must be at most 58 characters (it becomes the node label value "pool-<name>", at most 63)`,
    ]);
  });

  test("GIVEN a 64-character or dash-ended GPU id WHEN validated THEN it is refused: it becomes a node label value", () => {
    const gpu = (id: string) =>
      `catalog:\n  gpus:\n    ${id}: { memoryGiB: 80, memoryBandwidthTBps: 3, denseTflops: { bf16: 900 }, tdpW: 700, name: X, source: { url: s, date: 2025-01 } }\n`;
    const long = "g".repeat(64);
    expect(resolveProblems(modelsEnvYaml(POOL, "  {}", gpu(long)))).toEqual([
      `test.yaml: ${formatPath(["catalog", "gpus", long])}: invalid name ${show(long)}: GPU id must be at most 63 characters (it becomes the node label value "ai-factory.io/gpu")`,
    ]);
    expect(resolveProblems(modelsEnvYaml(POOL, "  {}", gpu("g1-")))).toEqual([
      'test.yaml: catalog.gpus.g1-: invalid name "g1-": GPU id must be lower-case letters, digits, "-" and ".", starting and ending with a letter or digit (it becomes a node label value)',
    ]);
  });

  test("GIVEN a MIG profile name of 21 characters WHEN validated THEN it is refused: it names a label value and a resource", () => {
    const name = `1g.${"1".repeat(16)}gb`;
    const yaml = modelsEnvYaml(
      POOL,
      "  {}",
      `catalog:\n  gpus:\n    h200: { migProfiles: [ { name: "${name}", memoryGiB: 10, instancesPerGpu: 7 } ], source: { url: s, date: 2025-01 } }\n`,
    );
    expect(resolveProblems(yaml)).toEqual([
      `test.yaml: catalog.gpus.h200.migProfiles[0].name: must be at most 20 characters (it names the node label value "all-<profile>" and the resource "nvidia.com/mig-<profile>"), got "${name}"`,
    ]);
  });
});

describe("namespaces the stack creates", () => {
  test.each(["default", "kube-system", "kube-public", "kube-node-lease"])("GIVEN the models namespace %p WHEN validated THEN it is refused", (ns) => {
    expect(resolveProblems(modelsEnvYaml(POOL, "  {}", `namespaces: { models: ${ns} }\n`))).toEqual([
      `test.yaml: namespaces.models: "${ns}" is a namespace Kubernetes itself uses; the stack creates its namespaces, sets their Pod Security level and deletes them on destroy: choose another name`,
    ]);
  });

  test("GIVEN one namespace for both WHEN validated THEN it is refused at the models namespace", () => {
    expect(resolveProblems(modelsEnvYaml(POOL, "  {}", "namespaces: { gpuOperator: ai, models: ai }\n"))).toEqual([
      'test.yaml: namespaces.models: must differ from namespaces.gpuOperator, both "ai": the stack creates each one, the operator\'s privileged and the models\' restricted; choose another name',
    ]);
  });
});

describe("every generated name fits its Kubernetes limit with the longest names allowed", () => {
  const pool = "p".repeat(58);
  const model = `m${"x".repeat(51)}`;
  const repo = `${"o".repeat(40)}/${"r".repeat(96)}`;
  const yaml = `name: ${"e".repeat(63)}
description: longest names
cluster: { kubeconfig: { context: c } }
namespaces: { gpuOperator: ${"g".repeat(63)}, models: ${"n".repeat(63)} }
monitoring: { serviceMonitorLabels: { release: kube-prometheus-stack } }
nodePools:
  ${pool}:
    nodes: [${"n".repeat(253)}]
    server: hgx-h200-8
    gpuSharing: { mode: mig, profile: 1g.35gb }
    labels: { ${"k".repeat(63)}: ${"v".repeat(63)} }
models:
  ${model}:
    model:
      id: llama-3.1-8b
      huggingFace: { repo: ${repo}, revision: 0123456789abcdef0123456789abcdef01234567 }
    pool: ${pool}
    maxContextTokens: 8192
    maxConcurrentSequences: 4
    replicas: { min: 1, max: 2 }
${MODEL_STORE_YAML}`;
  const { env, plan } = plannedFromYaml(yaml);
  const stack = new AiFactoryStack(Testing.app(), env.config.name, { env, plan });
  const json = JSON.parse(Testing.synth(stack)) as Json;
  const resources = json.resource as Record<string, Record<string, Json>>;

  test("GIVEN a 58-character pool name WHEN synthesized THEN pool-<name> is a 63-character label value", () => {
    expect(devicePluginConfigName(pool)).toHaveLength(63);
    const labels = Object.values(resources.kubernetes_labels)[0].labels as Record<string, string>;
    for (const value of Object.values(labels)) expect(value).toMatch(LABEL_VALUE);
    expect(labels["nvidia.com/device-plugin.config"]).toBe(`pool-${pool}`);
  });

  test("GIVEN a 52-character served name WHEN synthesized THEN the release name fits Helm's 53 and the Service name 63", () => {
    const releases = Object.values(resources.helm_release).map((r) => r.name as string);
    const release = modelServerObjectName(model);
    expect(releases).toContain(release);
    for (const name of releases) {
      expect(name.length).toBeLessThanOrEqual(53);
      expect(name).toMatch(DNS_LABEL);
    }
    expect(`${release}-server`.length).toBeLessThanOrEqual(63);
  });

  test("GIVEN a 96-character repository WHEN synthesized THEN every object name (the prefetch Job's included) is a DNS label of at most 63", () => {
    const names = Object.entries(resources)
      .filter(([type]) => !["kubernetes_labels", "kubernetes_node_taint", "helm_release"].includes(type))
      .flatMap(([, byId]) => Object.values(byId).map((r) => (Array.isArray(r.metadata) ? r.metadata[0] : r.metadata)?.name as string | undefined))
      .filter((n): n is string => n !== undefined);
    expect(names.some((n) => n.startsWith("prefetch-"))).toBe(true);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(DNS_LABEL);
    }
  });

  test("GIVEN a 63-character environment name WHEN synthesized THEN it names the stack", () => {
    expect(stack.node.id).toBe("e".repeat(63));
  });
});
