/**
 * Helm values for the NVIDIA GPU Operator, computed from an environment: driver mode, MIG
 * strategy and the per-pool MIG and device-plugin configurations, DCGM exporter, tolerations for
 * the pools' taints, and mirrored images. Pure: no cdktf here, so it is tested alone.
 *
 * Per-node configuration works through two node labels the operator watches:
 * - `nvidia.com/mig.config=<name>` selects an entry of the MIG manager's config map;
 * - `nvidia.com/device-plugin.config=<name>` selects an entry of the device plugin's config map.
 * We create both config maps through the chart (`config.create`), one entry per pool, so a
 * pool's sharing is declared once in the environment file and nowhere else.
 */
import { stringify } from "yaml";
import type { ResolvedEnvironment, ResolvedNodePool } from "../config/resolve";
import { imageRepository } from "./mirror";

/** Name of the MIG manager config map the chart creates. */
export const MIG_CONFIG_MAP = "ai-factory-mig-config";
/** Name of the device plugin config map the chart creates. */
export const DEVICE_PLUGIN_CONFIG_MAP = "ai-factory-device-plugin-config";
/** Device-plugin config entry for nodes without a pool label. */
export const DEFAULT_DEVICE_PLUGIN_CONFIG = "default";
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

/**
 * Upstream image repositories of the operator's components (GPU Operator v25.x values.yaml),
 * as `values key path → repository`. Only consulted for mirroring.
 */
export const GPU_OPERATOR_IMAGES: Readonly<Record<string, string>> = {
  "operator": "nvcr.io/nvidia",
  "validator": "nvcr.io/nvidia/cloud-native",
  "driver": "nvcr.io/nvidia",
  "driver.manager": "nvcr.io/nvidia/cloud-native",
  "toolkit": "nvcr.io/nvidia/k8s",
  "devicePlugin": "nvcr.io/nvidia",
  "dcgm": "nvcr.io/nvidia/cloud-native",
  "dcgmExporter": "nvcr.io/nvidia/k8s",
  "gfd": "nvcr.io/nvidia",
  "migManager": "nvcr.io/nvidia/cloud-native",
  "nodeStatusExporter": "nvcr.io/nvidia/cloud-native",
  "node-feature-discovery.image": "registry.k8s.io/nfd/node-feature-discovery",
};

function devicePluginConfig(pool: ResolvedNodePool | undefined, migStrategy: string): string {
  const config: Record<string, unknown> = {
    version: "v1",
    flags: { migStrategy: pool?.sharing.mode === "mig" ? migStrategy : "none" },
  };
  if (pool?.sharing.mode === "time-slicing") {
    config.sharing = {
      timeSlicing: {
        // Keep the resource name nvidia.com/gpu so pods need not know the pool shares GPUs,
        // and refuse requests for more than one replica: they would not get more GPU.
        renameByDefault: false,
        failRequestsGreaterThanOne: true,
        resources: [{ name: "nvidia.com/gpu", replicas: pool.sharing.replicasPerGpu }],
      },
    };
  }
  return stringify(config, { sortMapEntries: true });
}

function migConfig(pools: readonly ResolvedNodePool[]): string {
  const configs: Record<string, unknown> = {
    [MIG_DISABLED]: [{ "devices": "all", "mig-enabled": false }],
  };
  for (const pool of pools) {
    if (!pool.migProfile) continue;
    configs[migConfigName(pool.migProfile.name)] = [
      {
        "devices": "all",
        "mig-enabled": true,
        "mig-devices": { [pool.migProfile.name]: pool.migProfile.instancesPerGpu },
      },
    ];
  }
  return stringify({ version: "v1", "mig-configs": configs }, { sortMapEntries: true });
}

function setPath(target: Record<string, unknown>, dotted: string, key: string, value: unknown): void {
  let cur = target;
  for (const part of dotted.split(".")) {
    cur[part] = (cur[part] as Record<string, unknown> | undefined) ?? {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[key] = value;
}

/** The chart values for an environment; plain data, serialized by the caller. */
export function gpuOperatorValues(env: ResolvedEnvironment): Record<string, unknown> {
  const { config, pools } = env;
  const op = config.gpuOperator;
  const anyMig = pools.some((p) => p.sharing.mode === "mig");

  const tolerations = [
    { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
    ...[...new Map(
      pools
        .filter((p) => p.taint !== false && p.taint.key !== "nvidia.com/gpu")
        .map((p) => {
          const t = p.taint as Exclude<ResolvedNodePool["taint"], false>;
          return [`${t.key}=${t.value}:${t.effect}`, { key: t.key, operator: "Equal", value: t.value, effect: t.effect }];
        }),
    ).entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, t]) => t),
  ];

  const devicePluginData: Record<string, string> = {
    [DEFAULT_DEVICE_PLUGIN_CONFIG]: devicePluginConfig(undefined, op.migStrategy),
  };
  for (const pool of pools) {
    devicePluginData[devicePluginConfigName(pool.name)] = devicePluginConfig(pool, op.migStrategy);
  }

  const values: Record<string, unknown> = {
    daemonsets: { tolerations },
    driver: {
      enabled: op.driver.managed,
      ...(op.driver.managed && op.driver.version ? { version: op.driver.version } : {}),
    },
    toolkit: { enabled: true },
    mig: { strategy: op.migStrategy },
    migManager: {
      enabled: anyMig,
      config: {
        create: true,
        name: MIG_CONFIG_MAP,
        default: MIG_DISABLED,
        data: { "config.yaml": migConfig(pools) },
      },
    },
    devicePlugin: {
      enabled: true,
      config: {
        create: true,
        name: DEVICE_PLUGIN_CONFIG_MAP,
        default: DEFAULT_DEVICE_PLUGIN_CONFIG,
        data: devicePluginData,
      },
    },
    dcgmExporter: {
      enabled: op.dcgmExporter.enabled,
      serviceMonitor: { enabled: op.dcgmExporter.enabled && op.dcgmExporter.serviceMonitor },
    },
  };

  if (config.mirror) {
    for (const [key, upstream] of Object.entries(GPU_OPERATOR_IMAGES)) {
      setPath(values, key, "repository", imageRepository(upstream, config.mirror));
    }
  }
  return values;
}

/** The values as the YAML document handed to `helm_release` (sorted keys: deterministic). */
export function gpuOperatorValuesYaml(env: ResolvedEnvironment): string {
  return stringify(gpuOperatorValues(env), { sortMapEntries: true });
}
