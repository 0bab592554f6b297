/**
 * The model-server chart with the values of every model of every example environment, exactly as
 * synthesized into the stacks: the real Helm binary lints and renders them, and every rendered
 * object passes the Kubernetes schema.
 */
import * as path from "node:path";
import { App, Testing } from "cdktf";
import { parse } from "yaml";
import { loadAndPlan } from "../../cli/load";
import { buildApp, selectEnvironmentFiles } from "../../cli/synth";
import { findObject, helmLint, helmTemplate } from "../helpers/helm";
import { validateK8sObjects } from "../helpers/k8s-validate";
import { REPO } from "../helpers/run";

const CHART = path.join(REPO, "charts", "model-server");

interface Release {
  name: string;
  namespace: string;
  chart: string;
  values: string[];
}

function exampleReleases(): Array<[string, Release]> {
  const cwd = process.cwd();
  process.chdir(REPO);
  try {
    const planned = loadAndPlan(selectEnvironmentFiles(undefined));
    const stacks = buildApp(Testing.app() as App, planned);
    return stacks.flatMap((stack) => {
      const json = JSON.parse(Testing.synth(stack)) as { resource: { helm_release: Record<string, Release> } };
      return Object.values(json.resource.helm_release)
        .filter((r) => r.chart.startsWith("assets/model-server-chart_"))
        .map((r): [string, Release] => [`${stack.node.id}/${r.name}`, r]);
    });
  } finally {
    process.chdir(cwd);
  }
}

const RELEASES = exampleReleases();

describe("model-server chart with the example environments' values", () => {
  test("GIVEN the examples WHEN synthesized THEN every environment serves at least one model", () => {
    const envs = new Set(RELEASES.map(([id]) => id.split("/")[0]));
    expect([...envs].sort()).toEqual(["dev", "prod", "staging"]);
  });

  test.each(RELEASES)("GIVEN %s WHEN linted, rendered and validated THEN Helm and the Kubernetes schema accept it", (_, release) => {
    const values = parse(release.values[0]);
    // `helm lint --strict` throws (HelmError with its findings) on any error or warning.
    expect(() => helmLint(CHART, values)).not.toThrow();
    const objects = helmTemplate(CHART, values, { releaseName: release.name, namespace: release.namespace });
    validateK8sObjects(objects);

    const deployment = findObject<{ spec: { template: { spec: { containers: Array<{ args: string[] }> } } } }>(objects, "Deployment");
    const args = deployment.spec.template.spec.containers[0].args;
    expect(args).toContain(`--gpu-memory-utilization=${values.engine.gpuMemoryUtilization}`);
    expect(args).toContain(`--max-model-len=${values.engine.maxModelLen}`);
    expect(args).toContain(`--tensor-parallel-size=${values.engine.tensorParallelSize}`);
    expect(args).toContain(`--served-model-name=${values.servedModelName}`);
    const kinds = objects.map((o) => o.kind).sort();
    expect(kinds).toEqual(expect.arrayContaining(["Deployment", "PodDisruptionBudget", "Service"]));
    for (const o of objects) expect(o.metadata.name).not.toBe("vllm");
  });
});
