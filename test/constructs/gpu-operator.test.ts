import { Testing, TerraformStack } from "cdktf";
import { parse } from "yaml";
import { GpuOperator } from "../../constructs/gpu-operator";
import { baseEnvYaml, envFromYaml, gpuOperatorInput } from "../helpers/env";

function synth(extra = "") {
  const env = envFromYaml(baseEnvYaml("  a: { nodes: [n1], server: hgx-h100-8, gpuSharing: { mode: mig, profile: 1g.10gb } }", extra));
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  const op = new GpuOperator(stack, "gpu-operator", { ...gpuOperatorInput(env), namespace: "gpu-operator" });
  const text = Testing.synth(stack);
  const [release] = Object.values(JSON.parse(text).resource.helm_release) as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  return { op, text, release };
}

describe("GpuOperator", () => {
  test("GIVEN defaults WHEN synthesized THEN the chart is NVIDIA's, pinned, atomic and waited for", () => {
    const { op, release, text } = synth();
    expect(op.version).toBe("v25.10.1");
    expect(release).toMatchObject({
      name: "gpu-operator",
      repository: "https://helm.ngc.nvidia.com/nvidia",
      chart: "gpu-operator",
      version: "v25.10.1",
      atomic: true,
      wait: true,
      timeout: 900,
    });
    const values = parse(release.values[0]);
    expect(values.migManager.enabled).toBe(true);
    expect(values.mig.strategy).toBe("single");
    expect(text).toMatchSnapshot();
  });

  test("GIVEN a version and timeout in the file WHEN synthesized THEN they are used", () => {
    const { release } = synth("gpuOperator: { version: v25.3.4, timeoutSeconds: 1200, migStrategy: mixed }");
    expect(release.version).toBe("v25.3.4");
    expect(release.timeout).toBe(1200);
    expect(parse(release.values[0]).mig.strategy).toBe("mixed");
  });
});
