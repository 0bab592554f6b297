import { parse } from "yaml";
import {
  DEVICE_PLUGIN_CONFIG_MAP,
  GPU_OPERATOR_IMAGES,
  MIG_CONFIG_MAP,
  gpuOperatorValues,
  gpuOperatorValuesYaml,
} from "../../constructs/gpu-operator-values";
import { baseEnvYaml, envFromYaml } from "../helpers/env";

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const mixed = envFromYaml(
  baseEnvYaml(`  sliced:
    nodes: [ws-01]
    server: rtx-pro-6000-ws-4
    gpuSharing: { mode: time-slicing, replicasPerGpu: 4 }
  mig:
    nodes: [gpu-01]
    server: hgx-h100-8
    gpuSharing: { mode: mig, profile: 3g.40gb }
    taint: { key: dedicated, value: inference, effect: NoSchedule }
  whole:
    nodes: [gpu-02]
    server: hgx-h200-8`),
);

describe("gpuOperatorValues", () => {
  const values = gpuOperatorValues(mixed) as Values;

  test("GIVEN a time-sliced pool WHEN values are computed THEN its device-plugin entry shares each GPU 4 ways", () => {
    expect(values.devicePlugin.config).toMatchObject({ create: true, name: DEVICE_PLUGIN_CONFIG_MAP, default: "default" });
    const sliced = parse(values.devicePlugin.config.data["pool-sliced"]);
    expect(sliced.sharing.timeSlicing.resources).toEqual([{ name: "nvidia.com/gpu", replicas: 4 }]);
    expect(sliced.sharing.timeSlicing.failRequestsGreaterThanOne).toBe(true);
    expect(sliced.flags.migStrategy).toBe("none");
  });

  test("GIVEN a MIG pool WHEN values are computed THEN the MIG manager gets a config that splits every GPU into 2 × 3g.40gb", () => {
    expect(values.migManager.enabled).toBe(true);
    expect(values.migManager.config).toMatchObject({ create: true, name: MIG_CONFIG_MAP, default: "all-disabled" });
    const mig = parse(values.migManager.config.data["config.yaml"]);
    expect(mig["mig-configs"]["all-3g.40gb"]).toEqual([{ "devices": "all", "mig-enabled": true, "mig-devices": { "3g.40gb": 2 } }]);
    expect(mig["mig-configs"]["all-disabled"]).toEqual([{ "devices": "all", "mig-enabled": false }]);
    expect(values.mig.strategy).toBe("single");
    expect(parse(values.devicePlugin.config.data["pool-mig"]).flags.migStrategy).toBe("single");
  });

  test("GIVEN a pool with its own taint WHEN values are computed THEN the operator's daemonsets tolerate it too", () => {
    expect(values.daemonsets.tolerations).toEqual([
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
      { key: "dedicated", operator: "Equal", value: "inference", effect: "NoSchedule" },
    ]);
  });

  test("GIVEN the defaults WHEN values are computed THEN the driver is preinstalled and DCGM is scraped", () => {
    expect(values.driver).toEqual({ enabled: false });
    expect(values.dcgmExporter).toEqual({ enabled: true, serviceMonitor: { enabled: true } });
    expect(values.operator).toBeUndefined();
  });

  test("GIVEN no MIG pool WHEN values are computed THEN the MIG manager is off", () => {
    const env = envFromYaml(baseEnvYaml("  a: { nodes: [n1], server: hgx-h100-8 }"));
    expect((gpuOperatorValues(env) as Values).migManager.enabled).toBe(false);
  });

  test("GIVEN a managed driver with a version WHEN values are computed THEN the version is pinned", () => {
    const env = envFromYaml(baseEnvYaml("  a: { nodes: [n1], server: hgx-h100-8 }", "gpuOperator: { driver: { managed: true, version: 580.105.08 } }"));
    expect((gpuOperatorValues(env) as Values).driver).toEqual({ enabled: true, version: "580.105.08" });
  });

  test("GIVEN a mirror WHEN values are computed THEN every component image comes from it", () => {
    const env = envFromYaml(
      baseEnvYaml("  a: { nodes: [n1], server: hgx-h100-8 }", "mirror: { registry: harbor.corp.example/mirror, chartRepository: oci://harbor.corp.example/charts }"),
    );
    const v = gpuOperatorValues(env) as Values;
    expect(v.operator.repository).toBe("harbor.corp.example/mirror/nvcr.io/nvidia");
    expect(v.driver.manager.repository).toBe("harbor.corp.example/mirror/nvcr.io/nvidia/cloud-native");
    expect(v["node-feature-discovery"].image.repository).toBe("harbor.corp.example/mirror/registry.k8s.io/nfd/node-feature-discovery");
    const repos = JSON.stringify(v).match(/"repository":"[^"]+"/g) ?? [];
    expect(repos).toHaveLength(Object.keys(GPU_OPERATOR_IMAGES).length);
    for (const r of repos) expect(r).toContain("harbor.corp.example/mirror/");
  });

  test("GIVEN the same environment WHEN serialized twice THEN the YAML is identical and sorted", () => {
    const a = gpuOperatorValuesYaml(mixed);
    expect(gpuOperatorValuesYaml(mixed)).toBe(a);
    const topKeys = Object.keys(parse(a));
    expect(topKeys).toEqual([...topKeys].sort());
  });
});
