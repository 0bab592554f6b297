/**
 * Where upstream charts place the pods we do not place ourselves: the chart-default tolerations,
 * node selectors and required node affinity of the pinned GPU Operator (with its NFD subchart)
 * and NFS CSI driver, each read from the chart source at the pinned version. The scheduling check
 * (planning/scheduling.ts) trusts these facts, so a chart upgrade means re-reading them here.
 *
 * Only required placement is kept: preferred affinity (the operator and NFD master prefer the
 * control plane) never stops a pod from scheduling.
 */
import type { Source } from "./types";

/** A Kubernetes toleration, as a pod spec spells it. */
export interface Toleration {
  /** Taint key; absent with `Exists` to tolerate every key. */
  readonly key?: string;
  readonly operator: "Equal" | "Exists";
  /** Compared with `Equal`; absent means "". */
  readonly value?: string;
  /** Absent to tolerate every effect. */
  readonly effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** One requirement of a required node-affinity term (`matchExpressions`). */
export interface NodeSelectorRequirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values?: readonly string[];
}

/** Where a pod may be scheduled, as far as labels and taints decide it. */
export interface Placement {
  /** Labels a node must carry (`nodeSelector`). */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /**
   * `requiredDuringSchedulingIgnoredDuringExecution` terms: a node must match all requirements of
   * at least one term. Absent when the pod has none.
   */
  readonly requiredNodeAffinity?: readonly (readonly NodeSelectorRequirement[])[];
  readonly tolerations: readonly Toleration[];
}

/** A pod's chart-default placement, with the values key that would override it. */
export interface UpstreamPlacement extends Placement {
  /** The values key holding these defaults, e.g. `node-feature-discovery.master.tolerations`. */
  readonly valuesKey: string;
  readonly source: Source;
}

/** Tolerations of the kubeadm control-plane taints (both spellings), as NVIDIA's charts write them. */
const CONTROL_PLANE_EQUAL: readonly Toleration[] = [
  { key: "node-role.kubernetes.io/master", operator: "Equal", value: "", effect: "NoSchedule" },
  { key: "node-role.kubernetes.io/control-plane", operator: "Equal", value: "", effect: "NoSchedule" },
];

const GPU_OPERATOR_VALUES: Source = {
  url: "https://github.com/NVIDIA/gpu-operator/blob/v25.10.1/deployments/gpu-operator/values.yaml",
  date: "2026-11-30",
  note: "tag v25.10.1, commit 846018752b8a",
};

const NFD_VALUES: Source = {
  url: "https://github.com/NVIDIA/gpu-operator/blob/v25.10.1/deployments/gpu-operator/charts/node-feature-discovery/values.yaml",
  date: "2026-11-30",
  note: "node-feature-discovery subchart 0.18.2 vendored in gpu-operator v25.10.1; templates master.yaml, nfd-gc.yaml read `<component>.nodeSelector/affinity/tolerations` only",
};

const NFS_CSI_VALUES: Source = {
  url: "https://github.com/kubernetes-csi/csi-driver-nfs/blob/v4.11.0/charts/v4.11.0/csi-driver-nfs/values.yaml",
  date: "2026-11-30",
  note: "tag v4.11.0, commit ef33802ec217; templates/csi-nfs-controller.yaml and csi-nfs-node.yaml always add nodeSelector `kubernetes.io/os: linux` before `<component>.nodeSelector`",
};

/** Chart-default placement of the GPU Operator v25.10.1 and its NFD subchart. */
export const GPU_OPERATOR_PLACEMENT = {
  /**
   * The operator Deployment; the chart's CRD upgrade hook Job (`templates/upgrade_crd.yaml`) uses
   * the same `operator.tolerations` and no node selector. Affinity: control plane preferred only.
   */
  operator: {
    valuesKey: "operator",
    nodeSelector: {},
    tolerations: CONTROL_PLANE_EQUAL,
    source: { ...GPU_OPERATOR_VALUES, note: `${GPU_OPERATOR_VALUES.note}; templates/operator.yaml reads operator.nodeSelector, operator.affinity and operator.tolerations` },
  },
  /**
   * `daemonsets.tolerations`: copied into the ClusterPolicy and given to every operand DaemonSet
   * (driver, toolkit, device plugin, GFD, DCGM exporter, MIG manager, validator). Setting the key
   * replaces the list, so our values keep this entry.
   */
  operands: {
    valuesKey: "daemonsets.tolerations",
    nodeSelector: {},
    tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
    source: GPU_OPERATOR_VALUES,
  },
  /** NFD master Deployment: the subchart's control-plane toleration; control plane preferred only. */
  nfdMaster: {
    valuesKey: "node-feature-discovery.master",
    nodeSelector: {},
    tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: "Equal", value: "", effect: "NoSchedule" }],
    source: NFD_VALUES,
  },
  /** NFD garbage collector Deployment (`gc.enable: true` in the operator's values): tolerates nothing. */
  nfdGc: {
    valuesKey: "node-feature-discovery.gc",
    nodeSelector: {},
    tolerations: [],
    source: NFD_VALUES,
  },
  /**
   * NFD worker DaemonSet, as the operator's values override the subchart: the control plane and
   * `nvidia.com/gpu` NoSchedule, nothing else. Setting the key replaces the list, so our values
   * keep these entries.
   */
  nfdWorker: {
    valuesKey: "node-feature-discovery.worker.tolerations",
    nodeSelector: {},
    tolerations: [...CONTROL_PLANE_EQUAL, { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
    source: GPU_OPERATOR_VALUES,
  },
} as const satisfies Record<string, UpstreamPlacement>;

/** Chart-default placement of the NFS CSI driver chart 4.11.0. */
export const NFS_CSI_PLACEMENT = {
  /**
   * The controller Deployment: control-plane and CriticalAddonsOnly tolerations, Linux nodes;
   * `controller.runOnControlPlane` and `runOnMaster` are false, so no required affinity.
   */
  controller: {
    valuesKey: "controller",
    nodeSelector: { "kubernetes.io/os": "linux" },
    tolerations: [
      { key: "node-role.kubernetes.io/master", operator: "Exists", effect: "NoSchedule" },
      { key: "node-role.kubernetes.io/controlplane", operator: "Exists", effect: "NoSchedule" },
      { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
      { key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" },
    ],
    source: NFS_CSI_VALUES,
  },
  /** The node plugin DaemonSet: tolerates every taint, Linux nodes. */
  node: {
    valuesKey: "node.tolerations",
    nodeSelector: { "kubernetes.io/os": "linux" },
    tolerations: [{ operator: "Exists" }],
    source: NFS_CSI_VALUES,
  },
} as const satisfies Record<string, UpstreamPlacement>;
