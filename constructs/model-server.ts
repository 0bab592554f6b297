/**
 * One served model: the local `model-server` chart (vLLM, OpenAI-compatible) installed as a
 * `helm_release` with values computed from the plan. The chart renders the Deployment, Service,
 * PodDisruptionBudget and, when asked, the KEDA ScaledObject or HPA and the ServiceMonitor.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { modelServerObjectName } from "../config/kubernetes-names";
import type { ModelServerValues } from "./model-server-values-schema";
import type { ModelPlan } from "../planning/plan";
import { REGISTRY_PULL, VLLM, imagePullSeconds } from "../catalog/upstream";
import { ModelServerValuesContext, modelServerValues, releaseTimeoutSeconds } from "./model-server-values";
import { helmYaml } from "./helm-values";

export interface ModelServerProps {
  /** The model's plan (planning/plan.ts): GPUs, replicas, engine limits, placement, rollout. */
  readonly plan: ModelPlan;
  /** Namespace of the models (created by the stack). */
  readonly namespace: string;
  /** The chart, relative to the stack's working directory (`LocalChart.path`). */
  readonly chartPath: string;
  /** Where its weights are (claim and path in the model store), mirror, image pull rate, ServiceMonitor labels. */
  readonly context: ModelServerValuesContext;
  /**
   * Must exist first: the namespace, the model store and its prefetch Jobs.
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** A vLLM server for one model. */
export class ModelServer extends Construct {
  public readonly servedName: string;
  /** The chart values, as installed. */
  public readonly values: ModelServerValues;
  public readonly release: Release;

  constructor(scope: Construct, id: string, props: ModelServerProps) {
    super(scope, id);
    this.servedName = props.plan.model.servedName;
    this.values = modelServerValues(props.plan, props.context);
    const startupSeconds = this.values.startupProbe.periodSeconds * this.values.startupProbe.failureThreshold;
    const pullSeconds = imagePullSeconds(VLLM.compressedGB, props.context.imagePullMBps ?? REGISTRY_PULL.pullMBps);
    this.release = new Release(this, "release", {
      name: modelServerObjectName(this.servedName),
      namespace: props.namespace,
      chart: props.chartPath,
      atomic: true,
      wait: true,
      // Helm must wait as long as a first install may take: image pull, weights, engine start.
      timeout: releaseTimeoutSeconds(pullSeconds, startupSeconds),
      values: [helmYaml(this.values)],
      dependsOn: props.dependsOn,
    });
  }
}
