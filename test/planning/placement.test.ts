import fc from "fast-check";
import type { Taint } from "../../config/schema";
import {
  NFS_NODE_PLACEMENT,
  PREFETCH_PLACEMENT,
  POOL_LABEL,
  gpuNodeLabels,
  modelServerPlacement,
  nfdWorkerPlacement,
  operandPlacement,
  tolerates,
  toleratesTaint,
  tolerationsFor,
} from "../../planning/placement";
import { baseEnvYaml, envFromYaml } from "../helpers/env";

const GPU_NO_SCHEDULE: Taint = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" };
const GPU_NO_EXECUTE: Taint = { key: "nvidia.com/gpu", value: "present", effect: "NoExecute" };
const DEDICATED_NO_EXECUTE: Taint = { key: "dedicated", value: "gpu", effect: "NoExecute" };
const DEDICATED_PREFER: Taint = { key: "dedicated", value: "gpu", effect: "PreferNoSchedule" };
const CONTROL_PLANE_EQUAL = [
  { key: "node-role.kubernetes.io/master", operator: "Equal", value: "", effect: "NoSchedule" },
  { key: "node-role.kubernetes.io/control-plane", operator: "Equal", value: "", effect: "NoSchedule" },
];

describe("tolerates", () => {
  test("GIVEN Exists with a key and an effect WHEN matched THEN any value of that key and effect is tolerated, no other effect", () => {
    const t = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" } as const;
    expect(tolerates(t, GPU_NO_SCHEDULE)).toBe(true);
    expect(tolerates(t, { ...GPU_NO_SCHEDULE, value: "other" })).toBe(true);
    expect(tolerates(t, GPU_NO_EXECUTE)).toBe(false);
    expect(tolerates(t, DEDICATED_NO_EXECUTE)).toBe(false);
  });

  test("GIVEN Equal WHEN matched THEN the value must be equal, and an absent value means empty", () => {
    expect(tolerates({ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoExecute" }, DEDICATED_NO_EXECUTE)).toBe(true);
    expect(tolerates({ key: "dedicated", operator: "Equal", value: "cpu", effect: "NoExecute" }, DEDICATED_NO_EXECUTE)).toBe(false);
    expect(tolerates({ key: "node-role.kubernetes.io/control-plane", operator: "Equal" }, { key: "node-role.kubernetes.io/control-plane", value: "", effect: "NoSchedule" })).toBe(true);
  });

  test("GIVEN Exists without key or effect WHEN matched THEN every taint is tolerated", () => {
    for (const taint of [GPU_NO_SCHEDULE, GPU_NO_EXECUTE, DEDICATED_NO_EXECUTE, DEDICATED_PREFER]) {
      expect(tolerates({ operator: "Exists" }, taint)).toBe(true);
    }
  });
});

describe("tolerationsFor", () => {
  test("GIVEN taints the base covers and taints it does not WHEN merged THEN the base stays first and each missing taint is added once, sorted", () => {
    const base = [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }] as const;
    expect(tolerationsFor(base, [DEDICATED_PREFER, GPU_NO_SCHEDULE, GPU_NO_EXECUTE, DEDICATED_PREFER, DEDICATED_NO_EXECUTE])).toEqual([
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
      { key: "dedicated", operator: "Equal", value: "gpu", effect: "NoExecute" },
      { key: "dedicated", operator: "Equal", value: "gpu", effect: "PreferNoSchedule" },
      { key: "nvidia.com/gpu", operator: "Equal", value: "present", effect: "NoExecute" },
    ]);
  });
});

describe("placement of the per-node agents", () => {
  const taint = fc.record({
    key: fc.constantFrom("nvidia.com/gpu", "dedicated", "example.com/team", "node-role.kubernetes.io/control-plane"),
    value: fc.constantFrom("", "present", "gpu", "inference"),
    effect: fc.constantFrom("NoSchedule" as const, "PreferNoSchedule" as const, "NoExecute" as const),
  });
  const pools = fc.array(fc.oneof(fc.constant(false as const), taint).map((t) => ({ taint: t })), { minLength: 1, maxLength: 5 });

  test("GIVEN any pools' taints WHEN placed THEN the operands, the NFD worker and the NFS node plugin tolerate every one of them", () => {
    fc.assert(
      fc.property(pools, (ps) => {
        for (const p of ps) {
          if (p.taint === false) continue;
          expect(toleratesTaint(operandPlacement(ps).tolerations, p.taint)).toBe(true);
          expect(toleratesTaint(nfdWorkerPlacement(ps).tolerations, p.taint)).toBe(true);
          expect(toleratesTaint(NFS_NODE_PLACEMENT.tolerations, p.taint)).toBe(true);
        }
      }),
    );
  });

  test("GIVEN a pool tainted nvidia.com/gpu=present:NoExecute WHEN placed THEN the operands get a NoExecute toleration beside the chart's NoSchedule one", () => {
    expect(operandPlacement([{ taint: GPU_NO_EXECUTE }]).tolerations).toEqual([
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
      { key: "nvidia.com/gpu", operator: "Equal", value: "present", effect: "NoExecute" },
    ]);
  });

  test("GIVEN pools tainted dedicated=gpu NoExecute and PreferNoSchedule WHEN placed THEN the NFD worker keeps the operator's control-plane entries and tolerates both", () => {
    expect(nfdWorkerPlacement([{ taint: DEDICATED_NO_EXECUTE }, { taint: DEDICATED_PREFER }]).tolerations).toEqual([
      ...CONTROL_PLANE_EQUAL,
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
      { key: "dedicated", operator: "Equal", value: "gpu", effect: "NoExecute" },
      { key: "dedicated", operator: "Equal", value: "gpu", effect: "PreferNoSchedule" },
    ]);
  });

  test("GIVEN the default pool taint WHEN placed THEN the chart's own toleration covers it and nothing is added", () => {
    expect(operandPlacement([{ taint: GPU_NO_SCHEDULE }]).tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
  });

  test("GIVEN the NFS node plugin WHEN placed THEN it tolerates every taint on Linux nodes", () => {
    expect(NFS_NODE_PLACEMENT).toEqual({ nodeSelector: { "kubernetes.io/os": "linux" }, tolerations: [{ operator: "Exists" }] });
  });
});

describe("placement of our own pods", () => {
  test("GIVEN a pool with a custom taint WHEN a model server is placed THEN it selects the pool and tolerates exactly that taint", () => {
    expect(modelServerPlacement({ name: "h100", taint: DEDICATED_NO_EXECUTE })).toEqual({
      nodeSelector: { [POOL_LABEL]: "h100" },
      tolerations: [{ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoExecute" }],
    });
    expect(modelServerPlacement({ name: "ws", taint: false }).tolerations).toEqual([]);
  });

  test("GIVEN prefetch Jobs WHEN placed THEN they tolerate no taint, so downloads stay off tainted GPU nodes", () => {
    expect(PREFETCH_PLACEMENT).toEqual({ nodeSelector: {}, tolerations: [] });
  });

  test("GIVEN a time-sliced pool WHEN its node labels are computed THEN they name the pool, GPU, sharing and config entries", () => {
    const [pool] = envFromYaml(baseEnvYaml("  ws: { nodes: [n1], server: rtx-pro-6000-ws-4, gpuSharing: { mode: time-slicing, replicasPerGpu: 4 } }")).pools;
    expect(gpuNodeLabels(pool)).toEqual({
      "ai-factory.io/pool": "ws",
      "ai-factory.io/gpu": "rtx-pro-6000",
      "ai-factory.io/gpu-sharing": "time-slicing",
      "nvidia.com/device-plugin.config": "pool-ws",
      "nvidia.com/mig.config": "all-disabled",
    });
  });
});
