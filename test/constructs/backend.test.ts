import { Testing } from "cdktf";
import { AiFactoryStack } from "../../stacks/ai-factory-stack";
import { plannedFromYaml } from "../helpers/env";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The synthesized stack of environment `prod` with the given kubeconfig path and backend. */
function synth(kubeconfigPath: string | undefined, backend: string | undefined): Json {
  const yaml = `name: prod
description: d
cluster:
  kubeconfig:
    context: prod-dc1
${kubeconfigPath === undefined ? "" : `    path: ${kubeconfigPath}\n`}${backend === undefined ? "" : `backend: ${backend}\n`}nodePools:
  main: { nodes: [gpu-01], server: hgx-h100-8 }
`;
  const { env, plan } = plannedFromYaml(yaml);
  const stack = new AiFactoryStack(Testing.app(), env.config.name, { env, plan });
  return JSON.parse(Testing.synth(stack)) as Json;
}

describe("paths in the synthesized stack", () => {
  test("GIVEN a kubeconfig under ~/ WHEN synthesized THEN the variable's default is it as written", () => {
    expect(synth(undefined, undefined).variable.kubeconfig_path.default).toBe("~/.kube/config");
    expect(synth("~/clusters//prod.yaml", undefined).variable.kubeconfig_path.default).toBe("~/clusters/prod.yaml");
  });

  test("GIVEN a kubeconfig in the project WHEN synthesized THEN it is rebased to cdktf.out/stacks/prod, where Terraform runs", () => {
    const json = synth("./.kube/prod.yaml", undefined);
    expect(json.variable.kubeconfig_path.default).toBe("../../../.kube/prod.yaml");
    expect(json.provider.kubernetes[0].config_path).toBe("${var.kubeconfig_path}");
  });

  test("GIVEN a local state path WHEN synthesized THEN it is rebased the same way as the kubeconfig", () => {
    expect(synth(undefined, undefined).terraform.backend.local.path).toBe("../../../state/prod.tfstate");
    expect(synth(undefined, "{ type: local, path: ./tf//state/../prod.tfstate }").terraform.backend.local.path).toBe("../../../tf/prod.tfstate");
  });

  test("GIVEN remote backends without names WHEN synthesized THEN the defaults are the ones the conflict check compares", () => {
    expect(synth(undefined, "{ type: pg }").terraform.backend.pg.schema_name).toBe("ai_factory_prod");
    expect(synth(undefined, "{ type: s3, bucket: b }").terraform.backend.s3.key).toBe("ai-factory/prod.tfstate");
    expect(synth(undefined, "{ type: consul, address: consul:8500 }").terraform.backend.consul.path).toBe("ai-factory/prod");
  });
});
