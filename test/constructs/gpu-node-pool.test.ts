import { Testing, TerraformStack } from "cdktf";
import { GpuNodePool, gpuNodeLabels } from "../../constructs/gpu-node-pool";
import { baseEnvYaml, envFromYaml } from "../helpers/env";

function synthPool(poolsYaml: string) {
  const env = envFromYaml(baseEnvYaml(poolsYaml));
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  const pools = env.pools.map((pool) => new GpuNodePool(stack, `pool-${pool.name}`, { pool }));
  const synth = Testing.synth(stack);
  return { pools, synth, json: JSON.parse(synth) as { resource: Record<string, Record<string, any>> } }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe("GpuNodePool", () => {
  test("GIVEN a MIG pool of two nodes WHEN synthesized THEN each node is labelled and tainted", () => {
    const { json, synth, pools } = synthPool(`  h100:
    nodes: [gpu-02, gpu-01]
    server: hgx-h100-8
    gpuSharing: { mode: mig, profile: 3g.40gb }
    labels: { topology.corp.example/rack: r07 }`);
    const labels = Object.values(json.resource.kubernetes_labels);
    expect(labels.map((l) => l.metadata.name)).toEqual(["gpu-01", "gpu-02"]);
    for (const l of labels) {
      expect(l).toMatchObject({ api_version: "v1", kind: "Node", field_manager: "ai-factory-labels", force: true });
      expect(l.labels).toEqual({
        "ai-factory.io/pool": "h100",
        "ai-factory.io/gpu": "h100-sxm",
        "ai-factory.io/gpu-sharing": "mig",
        "nvidia.com/device-plugin.config": "pool-h100",
        "nvidia.com/mig.config": "all-3g.40gb",
        "topology.corp.example/rack": "r07",
      });
    }
    const taints = Object.values(json.resource.kubernetes_node_taint);
    expect(taints).toHaveLength(2);
    expect(taints[0].taint).toEqual([{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }]);
    // Its own manager: one shared with the labels would make each apply remove the other's fields.
    expect(taints[0]).toMatchObject({ field_manager: "ai-factory-taints", force: true });
    expect(pools[0].taint).toEqual({ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" });
    expect(synth).toMatchSnapshot();
  });

  test("GIVEN a pool with taint: false WHEN synthesized THEN nodes are labelled but not tainted", () => {
    const { json, pools } = synthPool("  open: { nodes: [n1], server: l40s-8, taint: false }");
    expect(Object.keys(json.resource)).toEqual(["kubernetes_labels"]);
    expect(pools[0].taint).toBeUndefined();
  });

  test("GIVEN a node added to a pool WHEN synthesized THEN the other nodes' resource addresses do not change", () => {
    const before = Object.keys(synthPool("  a: { nodes: [n1, n3], server: l40s-8 }").json.resource.kubernetes_labels);
    const after = Object.keys(synthPool("  a: { nodes: [n1, n2, n3], server: l40s-8 }").json.resource.kubernetes_labels);
    expect(after).toEqual(expect.arrayContaining(before));
    expect(after).toHaveLength(3);
  });

  test("GIVEN a time-sliced pool WHEN its labels are computed THEN MIG is disabled and the pool's plugin config is selected", () => {
    const env = envFromYaml(baseEnvYaml("  ws: { nodes: [ws-01], server: rtx-pro-6000-ws-4, gpuSharing: { mode: time-slicing, replicasPerGpu: 2 } }"));
    expect(gpuNodeLabels(env.pools[0])).toMatchObject({
      "ai-factory.io/gpu-sharing": "time-slicing",
      "nvidia.com/mig.config": "all-disabled",
      "nvidia.com/device-plugin.config": "pool-ws",
    });
  });
});
