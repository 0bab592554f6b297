/**
 * The local chart `charts/ai-factory-policies`: every NetworkPolicy of the environment (default-deny
 * ingress in each namespace the stack creates, then exactly the flows planning/network.ts lists,
 * checked at synth) and each team namespace's ResourceQuota and LimitRange. One release, in the
 * models namespace, applied as soon as the namespaces exist: workloads start behind the policies.
 */
import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { POLICIES_CHART, type PoliciesValuesInput, policiesValuesYaml } from "./policies-values";

/** Seconds Helm waits: the objects are accepted at once (no pods). */
export const POLICIES_TIMEOUT_SECONDS = 120;

export interface AiFactoryPoliciesProps {
  readonly input: PoliciesValuesInput;
  /** Namespace of the release (the objects name their own). */
  readonly namespace: string;
  /** `helm_release.chart` of the asset of charts/ai-factory-policies. */
  readonly chartPath: string;
  /** Every namespace the objects go into. */
  readonly dependsOn: ITerraformDependable[];
}

export class AiFactoryPolicies extends Construct {
  public readonly release: Release;

  constructor(scope: Construct, id: string, props: AiFactoryPoliciesProps) {
    super(scope, id);
    this.release = new Release(this, "release", {
      name: POLICIES_CHART,
      namespace: props.namespace,
      chart: props.chartPath,
      atomic: true,
      wait: true,
      timeout: POLICIES_TIMEOUT_SECONDS,
      values: [policiesValuesYaml(props.input)],
      dependsOn: props.dependsOn,
    });
  }
}
