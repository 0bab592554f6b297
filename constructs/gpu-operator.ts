/**
 * The NVIDIA GPU Operator as a pinned Helm release: device plugin, GPU feature discovery, MIG
 * manager, DCGM exporter and (optionally) the driver. Atomic and waited for, so a failed
 * install rolls back instead of leaving half an operator.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { GPU_OPERATOR } from "../catalog/upstream";
import { GpuOperatorValuesInput, gpuOperatorValuesYaml } from "./gpu-operator-values";
import { chartSource } from "./mirror";

/**
 * The operator's settings (`operator`: chart version, Helm timeout, driver, MIG strategy, DCGM
 * exporter), the pools it serves, the mirror and the ServiceMonitor labels — see
 * `GpuOperatorValuesInput` — and where to install it.
 */
export interface GpuOperatorProps extends GpuOperatorValuesInput {
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
    const op = props.operator;
    // NVIDIA's repository (catalog/upstream.ts), or the mirror's; the version is the file's.
    const source = chartSource(GPU_OPERATOR.chart, props.mirror);
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
      values: [gpuOperatorValuesYaml(props)],
      dependsOn: props.dependsOn,
    });
  }
}
