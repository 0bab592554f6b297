/**
 * Where ai-factory places pods, decided once: the labels GPU nodes get, and the node selectors and
 * tolerations of every pod whose placement we set (model servers, prefetch Jobs, the GPU
 * Operator's operand DaemonSets, the NFD worker, the NFS CSI node plugin). The values builders in
 * constructs/ render these, and the scheduling check (scheduling.ts) checks these very values, so
 * what is checked is what is deployed. Pure: no cdktf, no I/O.
 */
import { GPU_OPERATOR_PLACEMENT, NFS_CSI_PLACEMENT, type Placement, type Toleration } from "../catalog/upstream-placement";
import type { ResolvedNodePool } from "../config/resolve";
import type { Taint } from "../config/schema";

export type { NodeSelectorRequirement, Placement, Toleration } from "../catalog/upstream-placement";

/** Label keys ai-factory sets on GPU nodes; model servers select on the pool label. */
export const POOL_LABEL = "ai-factory.io/pool";
export const GPU_LABEL = "ai-factory.io/gpu";
export const SHARING_LABEL = "ai-factory.io/gpu-sharing";
/** The kubelet labels every node with its OS; the NFS CSI chart selects `linux`. */
export const OS_LABEL = "kubernetes.io/os";

/** MIG config entry that turns MIG off. */
export const MIG_DISABLED = "all-disabled";

/** The MIG config entry for a profile, e.g. `all-3g.40gb` (mig-parted's naming). */
export function migConfigName(profile: string): string {
  return `all-${profile}`;
}

/** Device-plugin config entry name for a pool. */
export function devicePluginConfigName(pool: string): string {
  return `pool-${pool}`;
}

/** The labels every node of `pool` gets: the pool's own, then ours and the GPU Operator's selectors. */
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

/** The taint on every node of `pool`, or undefined when the pool is untainted. */
export function poolTaint(pool: Pick<ResolvedNodePool, "taint">): Taint | undefined {
  return pool.taint === false ? undefined : pool.taint;
}

/** A taint as kubectl prints it: `key=value:Effect`. */
export function taintString(taint: Taint): string {
  return `${taint.key}=${taint.value}:${taint.effect}`;
}

/** Whether `toleration` tolerates `taint`, by the rules of the Kubernetes scheduler. */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect !== undefined && toleration.effect !== taint.effect) return false;
  // An empty key matches every key, but only with Exists (the API server rejects it with Equal).
  if (toleration.key === undefined) return toleration.operator === "Exists";
  if (toleration.key !== taint.key) return false;
  return toleration.operator === "Exists" || (toleration.value ?? "") === taint.value;
}

/** Whether any of `tolerations` tolerates `taint`. */
export function toleratesTaint(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => tolerates(t, taint));
}

/** The toleration of exactly `taint`: its key, value and effect. */
export function tolerationFor(taint: Taint): Toleration {
  return { key: taint.key, operator: "Equal", value: taint.value, effect: taint.effect };
}

/**
 * `base`, then one toleration for each of `taints` that `base` does not tolerate yet, sorted by
 * `key=value:Effect` (deterministic values whatever the order of the pools). PreferNoSchedule
 * taints get one too: they never block a pod, but untolerated they steer it elsewhere.
 */
export function tolerationsFor(base: readonly Toleration[], taints: readonly Taint[]): Toleration[] {
  const added = new Map<string, Toleration>();
  for (const taint of taints) {
    const key = taintString(taint);
    if (!toleratesTaint(base, taint) && !added.has(key)) added.set(key, tolerationFor(taint));
  }
  const sorted = [...added.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [...base, ...sorted.map((k) => added.get(k)!)];
}

/** The taints of `pools`, in pool order. */
export function poolTaints(pools: readonly Pick<ResolvedNodePool, "taint">[]): Taint[] {
  return pools.flatMap((p) => {
    const taint = poolTaint(p);
    return taint ? [taint] : [];
  });
}

/** A model server runs on its own pool only, and tolerates that pool's taint. */
export function modelServerPlacement(pool: Pick<ResolvedNodePool, "name" | "taint">): Placement {
  const taint = poolTaint(pool);
  return { nodeSelector: { [POOL_LABEL]: pool.name }, tolerations: taint ? [tolerationFor(taint)] : [] };
}

/**
 * Prefetch Jobs tolerate no taint on purpose: a download is network and CPU work that belongs off
 * the GPU nodes the taint keeps for GPU workloads. Where the GPU nodes are the whole cluster, the
 * fix is an untainted pool, which the scheduling check proposes.
 */
export const PREFETCH_PLACEMENT: Placement = { nodeSelector: {}, tolerations: [] };

/**
 * The GPU Operator's operand DaemonSets (`daemonsets.tolerations`) must run on every GPU node:
 * the chart's default toleration, plus every pool's taint it does not cover (a custom key, or
 * `nvidia.com/gpu` with another effect). Their node selectors are the operator's own
 * `nvidia.com/gpu.deploy.*` labels, which it sets on every GPU node itself.
 */
export function operandPlacement(pools: readonly Pick<ResolvedNodePool, "taint">[]): Placement {
  return { nodeSelector: {}, tolerations: tolerationsFor(GPU_OPERATOR_PLACEMENT.operands.tolerations, poolTaints(pools)) };
}

/**
 * The NFD worker (`node-feature-discovery.worker.tolerations`) must run on every GPU node: the
 * operator labels GPU nodes from what it finds. Our list replaces the operator's, so it keeps the
 * operator's control-plane and `nvidia.com/gpu` entries and adds every pool's taint.
 */
export function nfdWorkerPlacement(pools: readonly Pick<ResolvedNodePool, "taint">[]): Placement {
  return { nodeSelector: {}, tolerations: tolerationsFor(GPU_OPERATOR_PLACEMENT.nfdWorker.tolerations, poolTaints(pools)) };
}

/**
 * The NFS CSI node plugin (`node.tolerations`) mounts the store on every node a model server or
 * prefetch Job runs on, so it tolerates every taint, as the chart's default does; set explicitly
 * so a chart upgrade cannot narrow it. The chart's template always selects Linux nodes.
 */
export const NFS_NODE_PLACEMENT: Placement = {
  nodeSelector: NFS_CSI_PLACEMENT.node.nodeSelector,
  tolerations: [{ operator: "Exists" }],
};
