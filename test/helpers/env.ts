/** Builds validated environments from YAML text in tests. */
import { ConfigError } from "../../config/errors";
import { parseEnvironment } from "../../config/loader";
import type { ResolvedEnvironment } from "../../config/resolve";

/** Parses `yaml` as the file `<name>.yaml`; throws the ConfigError if it is invalid. */
export function envFromYaml(yaml: string): ResolvedEnvironment {
  const name = /^name:\s*(\S+)/m.exec(yaml)?.[1] ?? "test";
  const { env, problems } = parseEnvironment(`${name}.yaml`, yaml);
  if (!env) throw new ConfigError(problems);
  return env;
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
