import { parse } from "yaml";
import {
  DEVICE_PLUGIN_CONFIG_MAP,
  MIG_CONFIG_MAP,
  gpuOperatorValues,
  gpuOperatorValuesYaml,
} from "../../constructs/gpu-operator-values";
import { baseEnvYaml, envFromYaml, gpuOperatorInput } from "../helpers/env";

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
  const values = gpuOperatorValues(gpuOperatorInput(mixed)) as Values;

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

  test("GIVEN a pool with its own taint WHEN values are computed THEN the NFD worker tolerates it and keeps the operator's own entries", () => {
    // NVIDIA/gpu-operator v25.10.1 values.yaml `node-feature-discovery.worker.tolerations`, replaced by ours.
    expect(values["node-feature-discovery"].worker.tolerations).toEqual([
      { key: "node-role.kubernetes.io/master", operator: "Equal", value: "", effect: "NoSchedule" },
      { key: "node-role.kubernetes.io/control-plane", operator: "Equal", value: "", effect: "NoSchedule" },
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
      { key: "dedicated", operator: "Equal", value: "inference", effect: "NoSchedule" },
    ]);
  });

  test("GIVEN taints nvidia.com/gpu=present:NoExecute and dedicated=gpu:PreferNoSchedule WHEN values are computed THEN operands and the NFD worker tolerate both", () => {
    const env = envFromYaml(
      baseEnvYaml(`  a: { nodes: [n1], server: hgx-h100-8, taint: { key: nvidia.com/gpu, value: present, effect: NoExecute } }
  b: { nodes: [n2], server: hgx-h100-8, taint: { key: dedicated, value: gpu, effect: PreferNoSchedule } }`),
    );
    const v = gpuOperatorValues(gpuOperatorInput(env)) as Values;
    const added = [
      { key: "dedicated", operator: "Equal", value: "gpu", effect: "PreferNoSchedule" },
      { key: "nvidia.com/gpu", operator: "Equal", value: "present", effect: "NoExecute" },
    ];
    expect(v.daemonsets.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }, ...added]);
    expect(v["node-feature-discovery"].worker.tolerations.slice(3)).toEqual(added);
  });

  test("GIVEN the defaults WHEN values are computed THEN the driver is preinstalled and DCGM is scraped", () => {
    expect(values.driver).toEqual({ enabled: false });
  });

  test("GIVEN no MIG pool WHEN values are computed THEN the MIG manager is off", () => {
    const env = envFromYaml(baseEnvYaml("  a: { nodes: [n1], server: hgx-h100-8 }"));
    expect((gpuOperatorValues(gpuOperatorInput(env)) as Values).migManager.enabled).toBe(false);
  });

  test("GIVEN a managed driver with a version WHEN values are computed THEN the driver image is pinned to it", () => {
    const env = envFromYaml(baseEnvYaml("  a: { nodes: [n1], server: hgx-h100-8 }", "gpuOperator: { driver: { managed: true, version: 580.95.05 } }"));
    expect((gpuOperatorValues(gpuOperatorInput(env)) as Values).driver).toMatchObject({ enabled: true, repository: "nvcr.io/nvidia", image: "driver", version: "580.95.05" });
  });

  test("GIVEN a managed driver without a version WHEN values are computed THEN the chart's v25.10.1 default 580.105.08 is pinned", () => {
    const env = envFromYaml(baseEnvYaml("  a: { nodes: [n1], server: hgx-h100-8 }", "gpuOperator: { driver: { managed: true } }"));
    expect((gpuOperatorValues(gpuOperatorInput(env)) as Values).driver.version).toBe("580.105.08");
  });

  /** Every image the operator pulls, as `<repository>/<image>:<version>` per values key. */
  function imageRefs(v: Values): Record<string, string> {
    const refs: Record<string, string> = {};
    const walk = (node: unknown, path: string[]) => {
      if (node === null || typeof node !== "object" || Array.isArray(node)) return;
      const o = node as Values;
      if (typeof o.repository === "string" && typeof o.image === "string") refs[path.join(".")] = `${o.repository}/${o.image}:${o.version}`;
      else if (typeof o.repository === "string" && typeof o.tag === "string") refs[path.join(".")] = `${o.repository}:${o.tag}`;
      for (const [k, child] of Object.entries(o)) walk(child, [...path, k]);
    };
    walk(v, []);
    return refs;
  }

  // Read from NVIDIA/gpu-operator v25.10.1 deployments/gpu-operator/values.yaml (repository/image/version
  // of each component; operator and validator take the chart's appVersion v25.10.1) and the
  // node-feature-discovery subchart 0.18.2 (image.repository, appVersion v0.18.2).
  const UPSTREAM_V25_10_1: Record<string, string> = {
    "operator": "nvcr.io/nvidia/gpu-operator:v25.10.1",
    "operator.initContainer": "nvcr.io/nvidia/cuda:13.0.1-base-ubi9",
    "validator": "nvcr.io/nvidia/gpu-operator:v25.10.1",
    "driver": "nvcr.io/nvidia/driver:580.105.08",
    "driver.manager": "nvcr.io/nvidia/cloud-native/k8s-driver-manager:v0.9.1",
    "toolkit": "nvcr.io/nvidia/k8s/container-toolkit:v1.18.1",
    "devicePlugin": "nvcr.io/nvidia/k8s-device-plugin:v0.18.1",
    "gfd": "nvcr.io/nvidia/k8s-device-plugin:v0.18.1",
    "dcgmExporter": "nvcr.io/nvidia/k8s/dcgm-exporter:4.4.2-4.7.0-distroless",
    "migManager": "nvcr.io/nvidia/cloud-native/k8s-mig-manager:v0.13.1",
    "node-feature-discovery.image": "registry.k8s.io/nfd/node-feature-discovery:v0.18.2",
  };

  const everything = `  a:
    nodes: [n1]
    server: hgx-h100-8
    gpuSharing: { mode: mig, profile: 3g.40gb }`;

  test("GIVEN no mirror WHEN values are computed THEN every image is the upstream path at the pinned version (the validator under nvcr.io/nvidia)", () => {
    const env = envFromYaml(baseEnvYaml(everything, "gpuOperator: { driver: { managed: true } }"));
    expect(imageRefs(gpuOperatorValues(gpuOperatorInput(env)) as Values)).toEqual(UPSTREAM_V25_10_1);
  });

  test("GIVEN a mirror WHEN values are computed THEN every image is <mirror>/<upstream path> at the pinned version", () => {
    const env = envFromYaml(
      baseEnvYaml(
        everything,
        "gpuOperator: { driver: { managed: true } }\nmirror: { registry: harbor.corp.example/mirror, chartRepository: oci://harbor.corp.example/charts }",
      ),
    );
    const expected = Object.fromEntries(Object.entries(UPSTREAM_V25_10_1).map(([k, ref]) => [k, `harbor.corp.example/mirror/${ref}`]));
    expect(imageRefs(gpuOperatorValues(gpuOperatorInput(env)) as Values)).toEqual(expected);
  });

  test("GIVEN a preinstalled driver, no MIG and no DCGM WHEN values are computed THEN the driver, MIG manager and DCGM images are not listed", () => {
    const env = envFromYaml(baseEnvYaml("  a: { nodes: [n1], server: hgx-h100-8 }", "gpuOperator: { dcgmExporter: { enabled: false } }"));
    const keys = Object.keys(imageRefs(gpuOperatorValues(gpuOperatorInput(env)) as Values)).sort();
    expect(keys).toEqual(["devicePlugin", "gfd", "node-feature-discovery.image", "operator", "operator.initContainer", "toolkit", "validator"]);
  });

  test("GIVEN the same environment WHEN serialized twice THEN the YAML is identical and sorted", () => {
    const a = gpuOperatorValuesYaml(gpuOperatorInput(mixed));
    expect(gpuOperatorValuesYaml(gpuOperatorInput(mixed))).toBe(a);
    const topKeys = Object.keys(parse(a));
    expect(topKeys).toEqual([...topKeys].sort());
  });
});
