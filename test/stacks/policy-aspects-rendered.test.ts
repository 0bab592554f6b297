/**
 * The policy rules (planning/pod-policy.ts) over what the local charts really render: the example
 * environments are synthesized as `npm run synth` writes them, every local-chart release is
 * rendered with the real `helm template` (cli/diff-input.ts renderLocalCharts), and every rendered
 * pod template must pass the same `checkPodSpec` the synth-time aspect runs. The aspect reads the
 * charts' values instead of rendering them (stacks/policy-aspect.ts chartPolicyView); this test
 * also proves that reading matches the rendered pods, so the synth-time check sees what Helm will
 * install.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { findHelm, renderLocalCharts } from "../../cli/diff-input";
import {
  POLICY_ALLOW_LIST,
  type CreatedNamespace,
  type PodOwner,
  type Violation,
  allowingEntry,
  checkNamespaces,
  checkPodSpec,
  defaultDenyNamespaces,
  podSpecOf,
} from "../../planning/pod-policy";
import type { KubeObject, TerraformJson } from "../../report/plan-diff-types";
import { chartPolicyView, mergeHelmValues, podSpecFromTerraform } from "../../stacks/policy-aspect";
import { REPO, tempDir } from "../helpers/run";
import { exampleEnvironment, synthesizeOutput } from "../helpers/synth-output";

const ENVIRONMENTS = ["dev", "prod", "staging"];

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});

/** One local-chart release of a synthesized stack, rendered. */
interface RenderedRelease {
  readonly env: string;
  readonly address: string;
  /** Folder name of the chart (its Chart.yaml name). */
  readonly chart: string;
  readonly chartDir: string;
  readonly name: string;
  readonly namespace: string;
  readonly values: readonly string[];
  readonly objects: readonly KubeObject[];
}

interface Synthesized {
  readonly env: string;
  readonly stack: TerraformJson;
  readonly releases: readonly RenderedRelease[];
}

/** The environment of helm: ours, less what a cdktf CLI or a user's HELM_BIN around the run set. */
function testEnv(): NodeJS.ProcessEnv {
  const { CDKTF_OUTDIR: _o, CDKTF_CONTEXT_JSON: _c, HELM_BIN: _h, ...env } = process.env;
  return env;
}

let dir: string;
let synthesized: Synthesized[];

beforeAll(async () => {
  const helm = findHelm(testEnv(), REPO);
  if (helm === undefined) throw new Error("helm not found in node_modules/.bin; run `npm ci`");
  dir = tempDir("ai-factory-policy-rendered-");
  const outdir = await synthesizeOutput(dir, Object.fromEntries(ENVIRONMENTS.map((e) => [e, exampleEnvironment(e)])));
  synthesized = [];
  for (const env of ENVIRONMENTS) {
    const stackDir = path.join(outdir, "stacks", env);
    const stack = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as TerraformJson;
    const rendered = await renderLocalCharts(stackDir, stack, helm);
    const releases = Object.entries(rendered).map(([address, result]): RenderedRelease => {
      if ("error" in result) throw new Error(`${env}: ${address} did not render: ${result.error}`);
      const resource = obj(stack.resource?.helm_release?.[address.slice("helm_release.".length)]);
      const chartDir = path.join(stackDir, String(resource.chart));
      const chart = String(obj(parse(fs.readFileSync(path.join(chartDir, "Chart.yaml"), "utf8"))).name);
      return {
        env,
        address,
        chart,
        chartDir,
        name: String(resource.name),
        namespace: String(resource.namespace),
        values: (resource.values ?? []) as string[],
        objects: result.objects,
      };
    });
    synthesized.push({ env, stack, releases });
  }
}, 300_000);

afterAll(() => {
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
});

/** Every rendered object that runs pods, with its owner and pod spec. */
function renderedPods(): Array<{ env: string; owner: PodOwner; podSpec: Obj }> {
  return synthesized.flatMap(({ releases }) =>
    releases.flatMap((r) =>
      r.objects.flatMap((o) => {
        const podSpec = podSpecOf(o);
        if (podSpec === undefined) return [];
        const metadata = obj(o.metadata);
        const owner: PodOwner = {
          address: r.address,
          chart: { name: r.chart, release: r.name, namespace: r.namespace },
          kind: String(o.kind),
          namespace: typeof metadata.namespace === "string" ? metadata.namespace : r.namespace,
          name: String(metadata.name),
        };
        return [{ env: r.env, owner, podSpec: podSpec as Obj }];
      }),
    ),
  );
}

/** What the rules read of a pod spec, with effective (container over pod) security settings. */
function ruleView(owner: PodOwner, podSpec: Obj): Obj {
  const pod = obj(podSpec.securityContext);
  const strings = (m: unknown) => Object.fromEntries(Object.entries(obj(m)).map(([k, v]) => [k, String(v)]));
  const containers = [...((podSpec.initContainers as unknown[]) ?? []), ...((podSpec.containers as unknown[]) ?? [])].map((c) => {
    const container = obj(c);
    const own = obj(container.securityContext);
    const user = own.runAsUser ?? pod.runAsUser;
    return {
      name: container.name,
      image: container.image,
      requests: strings(obj(container.resources).requests),
      limits: strings(obj(container.resources).limits),
      runAsNonRoot: own.runAsNonRoot ?? pod.runAsNonRoot ?? null,
      runAsUser: user === undefined ? null : Number(user),
    };
  });
  const hostPaths = ((podSpec.volumes as unknown[]) ?? []).filter((v) => obj(v).hostPath !== undefined).map((v) => obj(v).name);
  return { object: `${owner.kind} ${owner.namespace}/${owner.name}`, containers, hostPaths };
}

const byObject = (a: Obj, b: Obj) => String(a.object).localeCompare(String(b.object));

describe("policy rules over the local charts as Helm renders them for the examples", () => {
  test("GIVEN the examples WHEN synthesized THEN each renders its model servers, its gateway and its policies from local charts", () => {
    for (const { env, releases } of synthesized) {
      const charts = releases.map((r) => r.chart);
      // Dashboards and rules only where the file declares a Prometheus (staging and prod).
      const observability = env === "dev" ? [] : ["ai-factory-observability"];
      expect({ env, charts: [...new Set(charts)].sort() }).toEqual({ env, charts: [...observability, "ai-factory-policies", "ai-gateway", "model-server"].sort() });
    }
    const kinds = new Set(renderedPods().map((p) => `${p.owner.chart?.name} ${p.owner.kind}`));
    expect([...kinds].sort()).toEqual(["ai-gateway Deployment", "ai-gateway EnvoyProxy", "model-server Deployment"]);
  });

  test("GIVEN every rendered pod template WHEN the container rules run THEN none is broken", () => {
    const violations = renderedPods().flatMap(({ owner, podSpec }) => checkPodSpec(owner, podSpec, POLICY_ALLOW_LIST));
    expect(violations.map((v) => v.message)).toEqual([]);
  });

  test("GIVEN no allow-list WHEN the rendered pods are checked THEN only what the allow-list exempts fails, and every entry is used", () => {
    const violations: Violation[] = renderedPods().flatMap(({ owner, podSpec }) => checkPodSpec(owner, podSpec, []));
    expect(violations.filter((v) => allowingEntry(POLICY_ALLOW_LIST, v) === undefined).map((v) => v.message)).toEqual([]);
    const used = new Set(violations.map((v) => allowingEntry(POLICY_ALLOW_LIST, v)));
    for (const entry of POLICY_ALLOW_LIST) expect(used).toContain(entry);
  });

  test("GIVEN each release's values WHEN read as the synth-time aspect reads them THEN they give exactly the pods and default-deny namespaces Helm renders", () => {
    for (const release of synthesized.flatMap((s) => s.releases)) {
      let values: unknown = parse(fs.readFileSync(path.join(release.chartDir, "values.yaml"), "utf8"));
      for (const doc of release.values) values = mergeHelmValues(values, parse(doc));
      const view = chartPolicyView(release.chart, values, { address: release.address, name: release.name, namespace: release.namespace });
      const expected = view.pods.map((p) => ruleView(p.owner, p.podSpec)).sort(byObject);
      const actual = renderedPods()
        .filter((p) => p.env === release.env && p.owner.address === release.address)
        .map((p) => ruleView(p.owner, p.podSpec))
        .sort(byObject);
      expect({ release: `${release.env} ${release.address}`, pods: expected }).toEqual({ release: `${release.env} ${release.address}`, pods: actual });
      expect(view.defaultDenies).toEqual(defaultDenyNamespaces(release.objects));
    }
  });

  test("GIVEN the namespaces each stack creates WHEN checked against the rendered policies THEN each has a default-deny", () => {
    for (const { env, stack, releases } of synthesized) {
      const created: CreatedNamespace[] = [];
      for (const [type, resources] of Object.entries(stack.resource ?? {})) {
        for (const [id, r] of Object.entries(resources)) {
          if (type === "kubernetes_namespace_v1") created.push({ name: String(obj(r.metadata).name), address: `${type}.${id}` });
          if (type === "helm_release" && r.create_namespace === true) created.push({ name: String(r.namespace), address: `${type}.${id}` });
        }
      }
      expect(created.length).toBeGreaterThanOrEqual(3);
      const denies = defaultDenyNamespaces(releases.flatMap((r) => r.objects));
      expect({ env, violations: checkNamespaces(created, denies).map((v) => v.message) }).toEqual({ env, violations: [] });
    }
  });

  test("GIVEN the synthesized prefetch Jobs WHEN their pod specs are checked THEN they pass", () => {
    let jobs = 0;
    for (const { stack } of synthesized) {
      for (const [id, r] of Object.entries(stack.resource?.kubernetes_job_v1 ?? {})) {
        jobs++;
        const metadata = obj(r.metadata);
        const owner: PodOwner = { address: `kubernetes_job_v1.${id}`, kind: "Job", namespace: String(metadata.namespace), name: String(metadata.name) };
        expect(checkPodSpec(owner, podSpecFromTerraform(obj(obj(r.spec).template).spec), POLICY_ALLOW_LIST).map((v) => v.message)).toEqual([]);
      }
    }
    expect(jobs).toBeGreaterThanOrEqual(3);
  });

  test("GIVEN a rendered model server with a floating image and a hostPath WHEN checked THEN the messages name the release, the object and the container", () => {
    const pod = renderedPods().find((p) => p.env === "dev" && p.owner.chart?.name === "model-server");
    if (pod === undefined) throw new Error("dev renders no model server");
    const container = obj((pod.podSpec.containers as unknown[])[0]);
    const broken = {
      ...pod.podSpec,
      containers: [{ ...container, image: "vllm/vllm-openai:latest" }],
      volumes: [...((pod.podSpec.volumes as unknown[]) ?? []), { name: "host", hostPath: { path: "/dev" } }],
    };
    const subject = `${pod.owner.address} (chart model-server, release ${pod.owner.chart?.namespace}/${pod.owner.chart?.release}): Deployment ${pod.owner.namespace}/${pod.owner.name}`;
    expect(checkPodSpec(pod.owner, broken, POLICY_ALLOW_LIST).map((v) => v.message)).toEqual([
      `${subject}, container "vllm": policy image-tag: image "vllm/vllm-openai:latest" uses the floating tag "latest"; pin a version tag (e.g. "busybox:1.37.0") or a digest ("…@sha256:<64 hex digits>")`,
      `${subject}: policy host-path: volume "host" mounts the host path "/dev" of the node; use a PersistentVolumeClaim, emptyDir, configMap or secret volume, or, if it must reach the node's files, allow-list it in planning/pod-policy.ts (POLICY_ALLOW_LIST) with the reason`,
    ]);
  });
});
