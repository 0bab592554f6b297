/**
 * The NVIDIA GPU Operator as a pinned Helm release: device plugin, GPU feature discovery, MIG
 * manager, DCGM exporter and (optionally) the driver. Atomic and waited for, so a failed
 * install rolls back instead of leaving half an operator.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import type { ResolvedEnvironment } from "../config/resolve";
import { GPU_OPERATOR_CHART } from "../config/schema";
import { gpuOperatorValuesYaml } from "./gpu-operator-values";
import { chartSource } from "./mirror";

export interface GpuOperatorProps {
  readonly env: ResolvedEnvironment;
  /** Namespace to install into (created by the stack). */
  readonly namespace: string;
  /**
   * Resources to create first (the namespace, the node labels the operator reads).
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** The GPU Operator release. */
export class GpuOperator extends Construct {
  public readonly release: Release;
  /** The chart version installed. */
  public readonly version: string;

  constructor(scope: Construct, id: string, props: GpuOperatorProps) {
    super(scope, id);
    const op = props.env.config.gpuOperator;
    const source = chartSource(GPU_OPERATOR_CHART, props.env.config.mirror);
    this.version = op.version;
    this.release = new Release(this, "release", {
      name: "gpu-operator",
      namespace: props.namespace,
      repository: source.repository,
      chart: source.chart,
      version: op.version,
      createNamespace: false,
      atomic: true,
      wait: true,
      timeout: op.timeoutSeconds,
      values: [gpuOperatorValuesYaml(props.env)],
      dependsOn: props.dependsOn,
    });
  }
}
