/**
 * The scheduling check: every pod the stack creates or configures has a node to run on. The
 * nodes are those the environment declares (each GPU pool, and `cluster.otherNodes`); the pods'
 * placement is ours (placement.ts) or the upstream charts' defaults (catalog/upstream-placement.ts).
 * A node admits a pod when its labels match the pod's node selector and required node affinity,
 * and the pod tolerates each of its NoSchedule and NoExecute taints. Pure: no cdktf, no I/O.
 */
import { GPU_OPERATOR_PLACEMENT, NFS_CSI_PLACEMENT } from "../catalog/upstream-placement";
import type { DocPath, Problem } from "../config/errors";
import type { ResolvedEnvironment } from "../config/resolve";
import type { Taint } from "../config/schema";
import {
  NFS_NODE_PLACEMENT,
  OS_LABEL,
  PREFETCH_PLACEMENT,
  type NodeSelectorRequirement,
  type Placement,
  gpuNodeLabels,
  modelServerPlacement,
  nfdWorkerPlacement,
  operandPlacement,
  poolTaint,
  taintString,
  toleratesTaint,
} from "./placement";
import type { Plan } from "./plan";

/** Nodes that carry the same labels and taints: one GPU pool, or the cluster's other nodes. */
export interface NodeGroup {
  /** As messages name it: `pool "h100"` or `the other nodes`. */
  readonly name: string;
  /** The pool's name; absent for the other nodes. */
  readonly pool?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
}

/** Where a workload must be able to run. */
export type Reach =
  /** On at least one node (Deployments, Jobs). */
  | "somewhere"
  /** On every node of every GPU pool (per-node agents the GPUs need). */
  | "everyGpuNode"
  /** On every GPU node and every node a prefetch Job may run on (it mounts the model store there). */
  | "everyStoreNode";

/** A pod template the stack creates or configures, with its placement. */
export interface Workload {
  /** As messages name it, e.g. `the NFD master`. */
  readonly name: string;
  readonly placement: Placement;
  readonly reach: Reach;
}

/** The nodes `env` declares: each pool, then the other nodes unless `cluster.otherNodes: false`. */
export function declaredNodeGroups(env: ResolvedEnvironment): NodeGroup[] {
  const groups: NodeGroup[] = env.pools.map((pool) => {
    const taint = poolTaint(pool);
    return { name: `pool "${pool.name}"`, pool: pool.name, labels: { [OS_LABEL]: "linux", ...gpuNodeLabels(pool) }, taints: taint ? [taint] : [] };
  });
  const other = env.config.cluster.otherNodes;
  if (other !== false) groups.push({ name: "the other nodes", labels: { [OS_LABEL]: "linux", ...other.labels }, taints: other.taints });
  return groups;
}

/** Every workload the stack of `env` creates or configures (mirrors stacks/ai-factory-stack.ts). */
export function stackWorkloads(env: ResolvedEnvironment, plan: Plan): Workload[] {
  const { config } = env;
  const workloads: Workload[] = [];
  if (config.gpuOperator.enabled) {
    workloads.push(
      { name: "the GPU Operator Deployment", placement: GPU_OPERATOR_PLACEMENT.operator, reach: "somewhere" },
      { name: "the NFD master", placement: GPU_OPERATOR_PLACEMENT.nfdMaster, reach: "somewhere" },
      { name: "the NFD garbage collector", placement: GPU_OPERATOR_PLACEMENT.nfdGc, reach: "somewhere" },
      { name: "the NFD worker", placement: nfdWorkerPlacement(env.pools), reach: "everyGpuNode" },
      { name: "the GPU Operator's operand DaemonSets", placement: operandPlacement(env.pools), reach: "everyGpuNode" },
    );
  }
  const store = config.modelStore;
  // The stack creates the store, and with it the prefetch Jobs, only when models are served.
  if (store && plan.models.length > 0) {
    if (store.volume.kind === "nfs") {
      workloads.push(
        { name: "the NFS CSI controller", placement: NFS_CSI_PLACEMENT.controller, reach: "somewhere" },
        { name: "the NFS CSI node plugin", placement: NFS_NODE_PLACEMENT, reach: "everyStoreNode" },
      );
    }
    if (plan.checkpoints.length > 0) workloads.push({ name: "the prefetch Jobs", placement: PREFETCH_PLACEMENT, reach: "somewhere" });
  }
  for (const m of plan.models) {
    workloads.push({ name: `model server "${m.model.servedName}"`, placement: modelServerPlacement(m.model.pool), reach: "somewhere" });
  }
  if (config.monitoring?.mode === "install") {
    // kube-prometheus-stack 88.5.3 values.yaml: Alertmanager L1160/L1198, the operator L3434/L3439,
    // Prometheus L4354/L4421; kube-state-metrics 8.4.0 values.yaml L360/L376; grafana 12.11.1
    // values.yaml L438/L443: no node selector, no toleration, and the stack's values add none
    // (the node exporter, a per-node agent, tolerates every pool's taint).
    const anywhere: Placement = { nodeSelector: {}, tolerations: [] };
    for (const name of ["the Prometheus Operator", "Prometheus", "Alertmanager", "Grafana", "kube-state-metrics"]) {
      workloads.push({ name, placement: anywhere, reach: "somewhere" });
    }
  }
  if (config.gateway !== undefined) {
    // No node selector and no toleration: envoyproxy/gateway v1.8.3 charts/gateway-helm/values.tmpl.yaml
    // L94-101 (controller) and L158-160 (certgen), the Envoy proxies and the rate limit service as
    // Envoy Gateway launches them, envoyproxy/ai-gateway v1.1.0 ai-gateway-helm values.yaml L278-279,
    // and Redis in charts/ai-gateway; the gateway's values add none.
    const anywhere: Placement = { nodeSelector: {}, tolerations: [] };
    workloads.push(
      { name: "the Envoy Gateway controller", placement: anywhere, reach: "somewhere" },
      { name: "the gateway's Envoy proxies", placement: anywhere, reach: "somewhere" },
      { name: "the gateway's rate limit service", placement: anywhere, reach: "somewhere" },
      { name: "the gateway's Redis", placement: anywhere, reach: "somewhere" },
      { name: "the AI Gateway controller", placement: anywhere, reach: "somewhere" },
    );
  }
  return workloads;
}

/** One reason a node group turns a pod away. */
export interface Rejection {
  /** `label`: a node-selector label it lacks; `affinity`: no required node-affinity term matches; `taint`: a taint not tolerated. */
  readonly kind: "label" | "affinity" | "taint";
  /** `key=value` of the label, `key=value:Effect` of the taint; empty for `affinity`. */
  readonly what: string;
}

/** Why `group` does not admit a pod placed by `placement`; empty when it does. */
export function rejections(group: NodeGroup, placement: Placement): Rejection[] {
  const out: Rejection[] = [];
  for (const [key, value] of Object.entries(placement.nodeSelector)) {
    if (group.labels[key] !== value) out.push({ kind: "label", what: `${key}=${value}` });
  }
  const terms = placement.requiredNodeAffinity;
  if (terms !== undefined && !terms.some((term) => term.every((r) => matchesRequirement(group.labels, r)))) {
    out.push({ kind: "affinity", what: "" });
  }
  for (const taint of group.taints) {
    // PreferNoSchedule only steers the scheduler; it never keeps a pod off.
    if (taint.effect !== "PreferNoSchedule" && !toleratesTaint(placement.tolerations, taint)) out.push({ kind: "taint", what: taintString(taint) });
  }
  return out;
}

function matchesRequirement(labels: Readonly<Record<string, string>>, r: NodeSelectorRequirement): boolean {
  const value = labels[r.key];
  switch (r.operator) {
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "In":
      return value !== undefined && (r.values ?? []).includes(value);
    case "NotIn":
      return value === undefined || !(r.values ?? []).includes(value);
  }
}

/** `a`, `a and b`, `a, b and c`. */
function listing(items: readonly string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** `a`, `a or b`, `a, b or c`. */
function alternatives(items: readonly string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/**
 * `pool "h100" lacks the label c=d and has the taint a=b:NoSchedule, which they do not tolerate`;
 * `they` names the pods turned away ("it does", "they do").
 */
function describe(group: NodeGroup, why: readonly Rejection[], they: string): string {
  const one = group.pool !== undefined;
  const of = (kind: Rejection["kind"]) => why.filter((r) => r.kind === kind).map((r) => r.what);
  const parts: string[] = [];
  const taints = of("taint");
  const labels = of("label");
  if (labels.length > 0) parts.push(`${one ? "lacks" : "lack"} the label${labels.length > 1 ? "s" : ""} ${listing(labels)}`);
  if (of("affinity").length > 0) parts.push(`${one ? "matches" : "match"} no required node-affinity term`);
  if (taints.length > 0) {
    parts.push(`${one ? "has" : "have"} the taint${taints.length > 1 ? "s" : ""} ${listing(taints)}, which ${they} not tolerate`);
  }
  return `${group.name} ${listing(parts)}`;
}

/**
 * Problems of `env`'s stack that would leave pods Pending: a workload no declared node admits, or
 * a per-node agent kept off some of the nodes it must run on. Each names the workloads and the
 * change that fixes it (an untainted pool when the pools are the whole cluster, or nodes without
 * the blocking taints).
 */
export function checkScheduling(env: ResolvedEnvironment, plan: Plan): Problem[] {
  const file = env.file;
  const groups = declaredNodeGroups(env);
  const other = env.config.cluster.otherNodes;
  const problems: Problem[] = [];
  const workloads = stackWorkloads(env, plan);

  // Workloads turned away for the same reasons make one problem with one fix.
  const unplaced = new Map<string, { names: string[]; why: { group: NodeGroup; rejections: Rejection[] }[] }>();
  for (const w of workloads.filter((w) => w.reach === "somewhere")) {
    const why = groups.map((group) => ({ group, rejections: rejections(group, w.placement) }));
    if (why.some((g) => g.rejections.length === 0)) continue;
    const key = JSON.stringify(why.map((g) => g.rejections));
    const entry = unplaced.get(key) ?? { names: [], why };
    entry.names.push(w.name);
    unplaced.set(key, entry);
  }
  for (const { names, why } of unplaced.values()) {
    const they = names.length === 1 ? "it does" : "they do";
    // One clause per node group, `;`-separated: each may carry its own commas.
    let facts = why.map((g) => describe(g.group, g.rejections, they)).join("; ");
    let path: DocPath;
    let fix: string;
    if (other === false) {
      facts += "; the cluster has no other nodes (cluster.otherNodes: false)";
      const pools = why.filter((g) => g.rejections.some((r) => r.kind === "taint")).map((g) => g.group.pool!);
      path = pools.length > 0 ? ["nodePools", pools[0], "taint"] : ["cluster", "otherNodes"];
      fix =
        pools.length > 0
          ? `set ${alternatives(pools.map((p) => `nodePools.${p}.taint: false`))} (a cluster without other nodes has nothing to keep off its GPU nodes), or declare the cluster's other nodes under cluster.otherNodes`
          : "declare the cluster's other nodes under cluster.otherNodes";
    } else {
      const otherWhy = why.find((g) => g.group.pool === undefined)!.rejections;
      const blocking = otherWhy.filter((r) => r.kind === "taint").map((r) => r.what);
      const missing = otherWhy.filter((r) => r.kind === "label").map((r) => r.what);
      const them = (n: number) => (n === 1 ? "it" : "them");
      if (blocking.length > 0) {
        path = ["cluster", "otherNodes", "taints"];
        fix = `cluster.otherNodes.taints says every other node carries ${listing(blocking)}: keep some nodes without ${them(blocking.length)} and remove ${them(blocking.length)} from cluster.otherNodes.taints`;
      } else if (missing.length > 0) {
        path = ["cluster", "otherNodes", "labels"];
        fix = `give the other nodes the label${missing.length > 1 ? "s" : ""} ${listing(missing)} and declare ${them(missing.length)} in cluster.otherNodes.labels`;
      } else {
        path = ["cluster", "otherNodes", "labels"];
        fix = "declare in cluster.otherNodes.labels the labels its required node affinity selects";
      }
    }
    problems.push({ file, path, message: `no node can run ${listing(names)}: ${facts}; ${fix}` });
  }

  // Per-node agents. We derive their tolerations from every pool's taint, so a taint here is our
  // bug; a label means the environment says these nodes lack one the chart selects.
  const prefetchNodes = groups.filter((g) => g.pool === undefined && rejections(g, PREFETCH_PLACEMENT).length === 0);
  for (const w of workloads.filter((w) => w.reach !== "somewhere")) {
    const required = groups.filter((g) => g.pool !== undefined || (w.reach === "everyStoreNode" && prefetchNodes.includes(g)));
    for (const group of required) {
      const why = rejections(group, w.placement);
      if (why.length === 0) continue;
      const labelsPath: DocPath = group.pool !== undefined ? ["nodePools", group.pool, "labels"] : ["cluster", "otherNodes", "labels"];
      const ours = why.some((r) => r.kind === "taint");
      problems.push({
        file,
        path: ours ? (group.pool !== undefined ? ["nodePools", group.pool, "taint"] : ["cluster", "otherNodes", "taints"]) : labelsPath,
        message: `${w.name} must run on ${group.pool !== undefined ? `every node of ${group.name}` : "every other node a prefetch Job may run on"}, but ${describe(group, why, "it does")}; ${
          ours
            ? "ai-factory derives its tolerations from every pool's taint (planning/placement.ts), so this is a bug: please report it with this environment"
            : `these nodes must carry the labels it selects: fix ${labelsPath.join(".")}`
        }`,
      });
    }
  }
  return problems;
}
