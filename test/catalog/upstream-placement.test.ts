import { GPU_OPERATOR, NFS_CSI } from "../../catalog/upstream";
import { GPU_OPERATOR_PLACEMENT, NFS_CSI_PLACEMENT } from "../../catalog/upstream-placement";

const CONTROL_PLANE_EQUAL = [
  { key: "node-role.kubernetes.io/master", operator: "Equal", value: "", effect: "NoSchedule" },
  { key: "node-role.kubernetes.io/control-plane", operator: "Equal", value: "", effect: "NoSchedule" },
];

describe("upstream placement facts", () => {
  test("GIVEN every fact WHEN its source is read THEN it cites the chart version the catalog pins, with a date", () => {
    for (const fact of Object.values(GPU_OPERATOR_PLACEMENT)) {
      expect(fact.source.url).toContain(`/blob/${GPU_OPERATOR.chart.version}/`);
      expect(fact.source.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    for (const fact of Object.values(NFS_CSI_PLACEMENT)) {
      expect(fact.source.url).toContain(`/blob/v${NFS_CSI.chart.version}/charts/v${NFS_CSI.chart.version}/`);
      expect(fact.source.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  test("GIVEN GPU Operator v25.10.1 WHEN its defaults are read THEN the operator and NFD master tolerate only the control plane and the NFD gc nothing", () => {
    expect(GPU_OPERATOR_PLACEMENT.operator.tolerations).toEqual(CONTROL_PLANE_EQUAL);
    expect(GPU_OPERATOR_PLACEMENT.nfdMaster.tolerations).toEqual([CONTROL_PLANE_EQUAL[1]]);
    expect(GPU_OPERATOR_PLACEMENT.nfdGc.tolerations).toEqual([]);
    expect(GPU_OPERATOR_PLACEMENT.nfdWorker.tolerations).toEqual([...CONTROL_PLANE_EQUAL, { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    expect(GPU_OPERATOR_PLACEMENT.operands.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
  });

  test("GIVEN csi-driver-nfs 4.11.0 WHEN its defaults are read THEN both pods select Linux and only the node plugin tolerates everything", () => {
    expect(NFS_CSI_PLACEMENT.controller.nodeSelector).toEqual({ "kubernetes.io/os": "linux" });
    expect(NFS_CSI_PLACEMENT.controller.tolerations.map((t) => t.key)).toEqual([
      "node-role.kubernetes.io/master",
      "node-role.kubernetes.io/controlplane",
      "node-role.kubernetes.io/control-plane",
      "CriticalAddonsOnly",
    ]);
    expect(NFS_CSI_PLACEMENT.node).toMatchObject({ nodeSelector: { "kubernetes.io/os": "linux" }, tolerations: [{ operator: "Exists" }] });
  });

  test("GIVEN every fact WHEN read THEN none has a required node affinity (control-plane affinity is preferred only; runOnControlPlane is false)", () => {
    for (const fact of [...Object.values(GPU_OPERATOR_PLACEMENT), ...Object.values(NFS_CSI_PLACEMENT)]) {
      expect("requiredNodeAffinity" in fact).toBe(false);
    }
  });
});
