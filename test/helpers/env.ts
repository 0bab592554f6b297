/** Builds validated environments from YAML text in tests. */
import { ConfigError } from "../../config/errors";
import { parseEnvironment } from "../../config/loader";
import type { ResolvedEnvironment } from "../../config/resolve";
import { Plan, planEnvironment } from "../../planning/plan";
import type { GpuOperatorValuesInput } from "../../constructs/gpu-operator-values";

/** Parses `yaml` as the file `<name>.yaml`; throws the ConfigError if it is invalid. */
export function envFromYaml(yaml: string): ResolvedEnvironment {
  const name = /^name:\s*(\S+)/m.exec(yaml)?.[1] ?? "test";
  const { env, problems } = parseEnvironment(`${name}.yaml`, yaml);
  if (!env) throw new ConfigError(problems);
  return env;
}

/** The GPU Operator's inputs taken from `env`, as AiFactoryStack wires them. */
export function gpuOperatorInput(env: ResolvedEnvironment): GpuOperatorValuesInput {
  return {
    operator: env.config.gpuOperator,
    pools: env.pools,
    mirror: env.config.mirror,
    serviceMonitorLabels: env.config.monitoring?.serviceMonitorLabels,
  };
}

/** A small valid environment, with `extra` YAML appended (e.g. mirror or gpuOperator). */
export function baseEnvYaml(pools: string, extra = ""): string {
  return `name: test
description: test environment
cluster:
  kubeconfig:
    context: test
nodePools:
${pools}
${extra}`;
}

/** Parses and plans `yaml`; throws a ConfigError listing the problems of either step. */
export function plannedFromYaml(yaml: string): { env: ResolvedEnvironment; plan: Plan } {
  const env = envFromYaml(yaml);
  const { plan, problems } = planEnvironment(env);
  if (problems.length > 0) throw new ConfigError(problems);
  return { env, plan };
}

/** A model store for test environments that serve models. */
export const MODEL_STORE_YAML = `modelStore:
  volume: { kind: storageClass, storageClass: cephfs }
  source: { kind: s3, endpoint: https://s3.example, bucket: weights, credentialsSecret: s3-creds }
`;

/** `test.yaml` with the given pools, models and extra top-level YAML, and a model store. */
export function modelsEnvYaml(pools: string, models: string, extra = ""): string {
  return `name: test\ndescription: test environment\ncluster: { kubeconfig: { context: c } }\nnodePools:\n${pools}\nmodels:\n${models}\n${MODEL_STORE_YAML}${extra}`;
}

/** The error lines of an environment that must be rejected by parsing and resolution. */
export function resolveProblems(yaml: string): string[] {
  try {
    envFromYaml(yaml);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.message.split("\n");
  }
  throw new Error("expected the environment to be rejected");
}
