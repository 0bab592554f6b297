import { Testing, TerraformStack } from "cdktf";
import { AiNamespace } from "../../constructs/namespaces";

describe("AiNamespace", () => {
  test("GIVEN enforce restricted WHEN synthesized THEN Pod Security enforce, audit and warn are restricted", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    const ns = new AiNamespace(stack, "models", { name: "ai-models", enforce: "restricted", labels: { team: "platform" } });
    const synth = Testing.synth(stack);
    const json = JSON.parse(synth);
    const [resource] = Object.values(json.resource.kubernetes_namespace_v1) as Array<{ metadata: { name: string; labels: Record<string, string> } }>;
    expect(ns.name).toBe("ai-models");
    expect(resource.metadata.name).toBe("ai-models");
    expect(resource.metadata.labels).toEqual({
      "team": "platform",
      "app.kubernetes.io/managed-by": "ai-factory",
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "latest",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/warn": "restricted",
    });
    expect(synth).toMatchSnapshot();
  });
});
