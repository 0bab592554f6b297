/**
 * A GPU node pool: a named set of existing nodes of one server type. It labels each node (pool,
 * GPU, sharing mode, and the GPU Operator's per-node MIG and device-plugin config selectors) and
 * taints it so only pods that tolerate GPUs land there. Nodes are keyed by name, so adding or
 * removing one node never touches the others.
 */
import { Construct } from "constructs";
import { Labels } from "@cdktf/provider-kubernetes/lib/labels";
import { NodeTaint } from "@cdktf/provider-kubernetes/lib/node-taint";
import type { ResolvedNodePool } from "../config/resolve";
import { devicePluginConfigName, migConfigName, MIG_DISABLED } from "./gpu-operator-values";

/** Label keys ai-factory sets on GPU nodes; model servers select on them. */
export const POOL_LABEL = "ai-factory.io/pool";
export const GPU_LABEL = "ai-factory.io/gpu";
export const SHARING_LABEL = "ai-factory.io/gpu-sharing";
/** Field manager of our server-side apply writes, visible in `kubectl get node -o yaml --show-managed-fields`. */
export const FIELD_MANAGER = "ai-factory";

export interface GpuNodePoolProps {
  /** The resolved pool from the environment file. */
  readonly pool: ResolvedNodePool;
}

/** The labels every node of `pool` gets (a pure function, also used by model servers). */
export function gpuNodeLabels(pool: ResolvedNodePool): Record<string, string> {
  return {
    ...pool.labels,
    [POOL_LABEL]: pool.name,
    [GPU_LABEL]: pool.gpu.id,
    [SHARING_LABEL]: pool.sharing.mode,
    "nvidia.com/device-plugin.config": devicePluginConfigName(pool.name),
    "nvidia.com/mig.config": pool.migProfile ? migConfigName(pool.migProfile.name) : MIG_DISABLED,
  };
}

/** Labels and taints the nodes of one pool. */
export class GpuNodePool extends Construct {
  public readonly name: string;
  /** The labels set on every node; select on them to schedule onto this pool. */
  public readonly nodeLabels: Readonly<Record<string, string>>;
  /** The taint on every node, or undefined when the pool is untainted. */
  public readonly taint?: { readonly key: string; readonly value: string; readonly effect: string };
  public readonly nodes: readonly string[];

  constructor(scope: Construct, id: string, props: GpuNodePoolProps) {
    super(scope, id);
    const { pool } = props;
    this.name = pool.name;
    this.nodes = pool.nodes;
    this.nodeLabels = gpuNodeLabels(pool);
    this.taint = pool.taint === false ? undefined : pool.taint;

    for (const node of [...pool.nodes].sort()) {
      const nodeScope = new Construct(this, node);
      new Labels(nodeScope, "labels", {
        apiVersion: "v1",
        kind: "Node",
        metadata: { name: node },
        labels: this.nodeLabels,
        fieldManager: FIELD_MANAGER,
        // Operators often labelled GPU nodes by hand before; we take those keys over.
        force: true,
      });
      if (this.taint) {
        new NodeTaint(nodeScope, "taint", {
          metadata: { name: node },
          taint: [{ key: this.taint.key, value: this.taint.value, effect: this.taint.effect }],
          fieldManager: FIELD_MANAGER,
          force: true,
        });
      }
    }
  }
}
