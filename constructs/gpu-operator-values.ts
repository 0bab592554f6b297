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
import type { ResolvedNodePool } from "../config/resolve";
import type { GpuOperatorConfig, Mirror } from "../config/schema";
import { GPU_OPERATOR } from "../catalog/upstream";
import { gpuOperatorImages } from "../planning/artifacts";
import { imageRepository } from "./mirror";
import { MIG_DISABLED, devicePluginConfigName, migConfigName, nfdWorkerPlacement, operandPlacement } from "../planning/placement";
import { helmYaml } from "./helm-values";

/** Name of the MIG manager config map the chart creates. */
export const MIG_CONFIG_MAP = "ai-factory-mig-config";
/** Name of the device plugin config map the chart creates. */
export const DEVICE_PLUGIN_CONFIG_MAP = "ai-factory-device-plugin-config";
/** Device-plugin config entry for nodes without a pool label. */
export const DEFAULT_DEVICE_PLUGIN_CONFIG = "default";
// The config entry names are node labels too, decided in planning with the other node labels.
export { MIG_DISABLED, devicePluginConfigName, migConfigName } from "../planning/placement";

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
  return helmYaml(config);
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
  return helmYaml({ version: "v1", "mig-configs": configs });
}

function setPath(target: Record<string, unknown>, dotted: string, key: string, value: unknown): void {
  let cur = target;
  for (const part of dotted.split(".")) {
    cur[part] = (cur[part] as Record<string, unknown> | undefined) ?? {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[key] = value;
}

/** What the GPU Operator's values are computed from: the parts of an environment it reads. */
export interface GpuOperatorValuesInput {
  /** `gpuOperator` of the environment: driver mode and version, MIG strategy, DCGM exporter. */
  readonly operator: GpuOperatorConfig;
  /**
   * The GPU node pools: each gets a device-plugin config entry (time-slicing or not), MIG pools a
   * MIG config, and every pool's taint is tolerated by the operands and the NFD worker.
   */
  readonly pools: readonly ResolvedNodePool[];
  /**
   * Internal registry every component image is pulled from.
   * @default - the upstream registries (nvcr.io, registry.k8s.io)
   */
  readonly mirror?: Mirror;
  /**
   * Labels of the DCGM exporter's ServiceMonitor: those the cluster's Prometheus selects
   * (`monitoring.serviceMonitorLabels`); used when `operator.dcgmExporter.serviceMonitor` is on.
   * @default - no labels
   */
  readonly serviceMonitorLabels?: Readonly<Record<string, string>>;
}

/** The chart values; plain data, serialized by the caller. */
export function gpuOperatorValues(input: GpuOperatorValuesInput): Record<string, unknown> {
  const { operator: op, pools, mirror } = input;
  const anyMig = pools.some((p) => p.sharing.mode === "mig");

  // Operands and the NFD worker must run on every GPU node: placement.ts tolerates every pool's
  // taint, and the scheduling check reads the same lists.
  const tolerations = operandPlacement(pools).tolerations;

  const devicePluginData: Record<string, string> = {
    [DEFAULT_DEVICE_PLUGIN_CONFIG]: devicePluginConfig(undefined, op.migStrategy),
  };
  for (const pool of pools) {
    devicePluginData[devicePluginConfigName(pool.name)] = devicePluginConfig(pool, op.migStrategy);
  }

  const values: Record<string, unknown> = {
    daemonsets: { tolerations },
    "node-feature-discovery": { worker: { tolerations: nfdWorkerPlacement(pools).tolerations } },
    driver: { enabled: op.driver.managed },
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
      // `additionalLabels` reach the ServiceMonitor the operator creates (ClusterPolicy
      // spec.dcgmExporter.serviceMonitor, controllers/object_controls.go at v25.10.1).
      serviceMonitor: op.dcgmExporter.serviceMonitor
        ? { enabled: true, additionalLabels: { ...input.serviceMonitorLabels } }
        : { enabled: false },
    },
  };

  // Every image is set explicitly from the catalog's pins (catalog/upstream.ts), mirrored or not,
  // so the list a mirror job copies is exactly what the operator pulls.
  for (const img of gpuOperatorImages(op, pools)) {
    setPath(values, img.valuesKey, "repository", imageRepository(img.repository, mirror));
    setPath(values, img.valuesKey, "image", img.image);
    setPath(values, img.valuesKey, "version", img.version);
  }
  setPath(values, "node-feature-discovery.image", "repository", imageRepository(GPU_OPERATOR.nfdImage.repository, mirror));
  setPath(values, "node-feature-discovery.image", "tag", GPU_OPERATOR.nfdImage.tag);
  return values;
}

/** The values as the YAML document handed to `helm_release` (sorted keys: deterministic). */
export function gpuOperatorValuesYaml(input: GpuOperatorValuesInput): string {
  return helmYaml(gpuOperatorValues(input));
}
