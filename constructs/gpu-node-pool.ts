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
import { gpuNodeLabels, poolTaint } from "../planning/placement";

// The labels are decided in planning, where the scheduling check reads them too.
export { GPU_LABEL, POOL_LABEL, SHARING_LABEL, gpuNodeLabels } from "../planning/placement";
/**
 * Field managers of our server-side apply writes, one per resource kind, visible in
 * `kubectl get node -o yaml --show-managed-fields`. They must differ: terraform-provider-kubernetes
 * v2.38.0 sends `kubernetes_labels` as an apply patch of `metadata.labels` only and
 * `kubernetes_node_taint` as one of `spec.taints` only (resource_kubernetes_labels.go,
 * resource_kubernetes_node_taint.go), and server-side apply removes every field a manager applied
 * before and left out now — with one shared manager each resource deletes what the other wrote
 * (hashicorp/terraform-provider-kubernetes#2247).
 */
export const FIELD_MANAGERS = { labels: "ai-factory-labels", taints: "ai-factory-taints" } as const;

export interface GpuNodePoolProps {
  /** The resolved pool from the environment file. */
  readonly pool: ResolvedNodePool;
}

/** Labels and taints the nodes of one pool. */
export class GpuNodePool extends Construct {
  public readonly name: string;
  /** The labels set on every node; select on them to schedule onto this pool. */
  public readonly nodeLabels: Readonly<Record<string, string>>;
  /** The taint on every node, or undefined when the pool is untainted. */
  public readonly taint?: { readonly key: string; readonly value: string; readonly effect: string };
  public readonly nodes: readonly string[];
  /** The label and taint resources of every node: what pods placed on this pool must wait for. */
  public readonly resources: readonly (Labels | NodeTaint)[];

  constructor(scope: Construct, id: string, props: GpuNodePoolProps) {
    super(scope, id);
    const { pool } = props;
    this.name = pool.name;
    this.nodes = pool.nodes;
    this.nodeLabels = gpuNodeLabels(pool);
    this.taint = poolTaint(pool);

    const resources: (Labels | NodeTaint)[] = [];
    for (const node of [...pool.nodes].sort()) {
      const nodeScope = new Construct(this, node);
      const labels = new Labels(nodeScope, "labels", {
        apiVersion: "v1",
        kind: "Node",
        metadata: { name: node },
        labels: this.nodeLabels,
        fieldManager: FIELD_MANAGERS.labels,
        // Operators often labelled GPU nodes by hand before; we take those keys over. Labels are a
        // granular map: only the keys listed here change owner, other labels stay as they are.
        force: true,
      });
      resources.push(labels);
      if (this.taint) {
        resources.push(
          new NodeTaint(nodeScope, "taint", {
            metadata: { name: node },
            taint: [{ key: this.taint.key, value: this.taint.value, effect: this.taint.effect }],
            fieldManager: FIELD_MANAGERS.taints,
            // `spec.taints` is an atomic list (+listType=atomic in core/v1 NodeSpec): one manager owns
            // all of it. Forcing makes this the node's whole taint list; taints set by hand or by other
            // tools are removed (the README says so). Without force the first apply on a node that
            // already has a taint fails with a field-manager conflict.
            force: true,
          }),
        );
      }
    }
    this.resources = resources;
  }
}
