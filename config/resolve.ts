/**
 * Checks beyond the schema, and resolution of catalog references: turns a parsed environment
 * into a `ResolvedEnvironment` whose pools carry their server, GPU and MIG profile, or reports
 * every problem found (a file is checked whole, not up to its first mistake).
 */
import { findServer, serverIds } from "../catalog";
import { PCIE_GEN4_X16 } from "../catalog/servers";
import { REGISTRY_PULL, kpsPrometheusUrl } from "../catalog/upstream";
import type { ThroughputCalibration } from "../catalog/types";
import { GpuTable, calibrationFor, gpuTable } from "./catalog-overrides";
import type { GpuSpec, Interconnect, MigProfile, ServerSpec, Source } from "../catalog/types";
import { DocPath, Problem, oneOf, show, unknownId } from "./errors";
import { ResolvedAlternative, checkDemand, resolveAlternatives } from "./resolve-costs";
import { ResolvedModel, resolveModels } from "./resolve-models";
import { KUBECONFIG_PATH_RULE, checkProjectPath } from "./project-paths";
import { checkBackend } from "./state-location";
import type { Environment, GpuSharing, InlineServer, NodePool } from "./schema";

import type { ResolvedNodePool } from "./resolved-pool";

export type { ResolvedNodePool } from "./resolved-pool";

/** An environment file, validated, with defaults applied and references resolved. */
export interface ResolvedEnvironment {
  /** The file it came from, relative to the working directory. */
  readonly file: string;
  readonly config: Environment;
  /** Node pools sorted by name. */
  readonly pools: readonly ResolvedNodePool[];
  /** Served models sorted by served name. */
  readonly models: readonly ResolvedModel[];
  /** Cloud alternatives of the cost summary, in the file's order. */
  readonly alternatives: readonly ResolvedAlternative[];
  /** The throughput calibration, with the file's overrides. */
  readonly calibration: ThroughputCalibration;
  /** Image pull rate of one node, MB/s: `catalog.registry.pullMBps`, else the catalog's figure. */
  readonly imagePullMBps: number;
}

const RESERVED_LABEL_PREFIXES = ["ai-factory.io/", "nvidia.com/"];

/** Namespaces every cluster has: the stack creates (and on destroy deletes) its own, so never one of these. */
export const SYSTEM_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"];

/**
 * The stack creates both namespaces, each with its Pod Security level (privileged for the operator,
 * restricted for the models): a system namespace would be relabelled and deleted on destroy, and
 * one namespace for both would be created twice.
 */
function checkNamespaces(file: string, env: Environment, problems: Problem[]): void {
  const { gpuOperator, models } = env.namespaces;
  for (const [key, ns] of [
    ["gpuOperator", gpuOperator],
    ["models", models],
  ] as const) {
    if (SYSTEM_NAMESPACES.includes(ns)) {
      problems.push({
        file,
        path: ["namespaces", key],
        message: `${show(ns)} is a namespace Kubernetes itself uses; the stack creates its namespaces, sets their Pod Security level and deletes them on destroy: choose another name`,
      });
    }
  }
  if (gpuOperator === models) {
    problems.push({
      file,
      path: ["namespaces", "models"],
      message: `must differ from namespaces.gpuOperator, both ${show(models)}: the stack creates each one, the operator's privileged and the models' restricted; choose another name`,
    });
  }
}

/**
 * The gateway's references and names: each team's models are served models; every namespace the
 * gateway adds (its own, the two controllers', the teams') is not a system namespace, and no two
 * of them, nor one of them and the operator's or the models', are the same.
 */
function checkGateway(file: string, env: Environment, problems: Problem[]): void {
  const gateway = env.gateway;
  if (gateway === undefined) return;
  const models = Object.keys(env.models).sort();
  const taken = new Map<string, string>([
    [env.namespaces.gpuOperator, "namespaces.gpuOperator"],
    [env.namespaces.models, "namespaces.models"],
  ]);
  const claim = (ns: string, path: DocPath) => {
    const where = path.join(".");
    if (SYSTEM_NAMESPACES.includes(ns)) {
      problems.push({ file, path, message: `${show(ns)} is a namespace Kubernetes itself uses; the stack creates its namespaces and deletes them on destroy: choose another name` });
      return;
    }
    const other = taken.get(ns);
    if (other !== undefined) {
      problems.push({ file, path, message: `${show(ns)} is also ${other}; each namespace the stack creates has its own Pod Security level and policies: choose another name` });
      return;
    }
    taken.set(ns, where);
  };
  claim(gateway.namespace, ["gateway", "namespace"]);
  claim(gateway.controllerNamespaces.envoyGateway, ["gateway", "controllerNamespaces", "envoyGateway"]);
  claim(gateway.controllerNamespaces.aiGateway, ["gateway", "controllerNamespaces", "aiGateway"]);
  for (const name of Object.keys(gateway.teams).sort()) {
    const team = gateway.teams[name];
    (team.models ?? []).forEach((model, i) => {
      if (!models.includes(model)) {
        problems.push({ file, path: ["gateway", "teams", name, "models", i], message: `unknown model ${show(model)} (served models: ${models.join(", ") || "none"})` });
      }
    });
    const seen = new Set<string>();
    team.tokenLimits.forEach((limit, i) => {
      if (seen.has(limit.per)) problems.push({ file, path: ["gateway", "teams", name, "tokenLimits", i, "per"], message: `a second limit per ${limit.per}; give each window one limit` });
      seen.add(limit.per);
    });
    if (team.namespace !== undefined) claim(team.namespace.name ?? `team-${name}`, ["gateway", "teams", name, "namespace", ...(team.namespace.name === undefined ? [] : ["name"])]);
  }
  if (models.length === 0) problems.push({ file, path: ["gateway"], message: "a gateway needs at least one served model behind it; add one under `models`" });
}

const INLINE_SOURCE: Source = { url: "environment file", date: "n/a", note: "defined inline in the environment file" };

/**
 * The link of an inline server that names none: PCIe Gen4 x16, the slowest a current GPU server
 * has, so tensor parallelism is never planned faster than the hardware allows.
 */
const ASSUMED_INTERCONNECT: Interconnect = {
  ...PCIE_GEN4_X16,
  sources: [
    {
      url: "environment file",
      date: "n/a",
      note: "assumed: the inline server names no `interconnect`, so PCIe Gen4 x16 (32 GB/s per direction) is taken; state the server's own link as `interconnect: { kind, gbpsPerGpu }`",
    },
    ...PCIE_GEN4_X16.sources,
  ],
};

/** The server's link: the file's, else the catalog server's, else the assumed PCIe Gen4 x16. */
function resolveInterconnect(ref: InlineServer, base: ServerSpec | undefined): Interconnect {
  if (ref.interconnect !== undefined) return { ...ref.interconnect, sources: [INLINE_SOURCE] };
  return base?.interconnect ?? ASSUMED_INTERCONNECT;
}

function resolveServer(
  file: string,
  path: DocPath,
  ref: NodePool["server"],
  gpus: GpuTable,
  problems: Problem[],
): ServerSpec | undefined {
  if (typeof ref === "string") {
    const server = findServer(ref);
    if (!server) {
      problems.push({ file, path, message: unknownId("server", ref, serverIds()) });
    }
    return server;
  }
  let base: ServerSpec | undefined;
  if (ref.id !== undefined) {
    base = findServer(ref.id);
    if (!base) {
      problems.push({
        file,
        path: [...path, "id"],
        message: unknownId("server", ref.id, serverIds()),
      });
      return undefined;
    }
  } else {
    const missing = (["gpu", "gpusPerServer", "priceUsd", "powerKw"] as const).filter((k) => ref[k] === undefined);
    if (missing.length > 0) {
      problems.push({
        file,
        path,
        message: `an inline server without \`id\` needs ${missing.join(", ")}; or set \`id\` to a catalog server (${serverIds().join(", ")}) to start from`,
      });
      return undefined;
    }
  }
  const gpu = ref.gpu ?? base!.gpu;
  if (ref.gpu !== undefined && !gpus.find(ref.gpu)) {
    problems.push({ file, path: [...path, "gpu"], message: unknownId("GPU", ref.gpu, gpus.ids()) });
    return undefined;
  }
  const powerKw = ref.powerKw ?? base!.powerKw;
  if (powerKw.idle > powerKw.max) {
    problems.push({
      file,
      path: [...path, "powerKw"],
      message: `idle power ${powerKw.idle} kW is above max power ${powerKw.max} kW`,
    });
  }
  return {
    id: ref.id ?? "inline",
    name: base ? `${base.name} (overridden)` : `inline server with ${ref.gpusPerServer} × ${gpu}`,
    gpu,
    gpusPerServer: ref.gpusPerServer ?? base!.gpusPerServer,
    priceUsd: ref.priceUsd ?? base!.priceUsd,
    powerKw,
    interconnect: resolveInterconnect(ref, base),
    sources: base ? [...base.sources, INLINE_SOURCE] : [INLINE_SOURCE],
  };
}

function resolveSharing(
  file: string,
  path: DocPath,
  sharing: GpuSharing,
  gpu: GpuSpec,
  gpus: GpuTable,
  problems: Problem[],
): MigProfile | undefined {
  if (sharing.mode !== "mig") return undefined;
  if (gpu.migProfiles.length === 0) {
    problems.push({
      file,
      path: [...path, "mode"],
      message: `${gpu.id} does not support MIG; use mode "time-slicing" or "none", or a MIG-capable GPU (${gpus
        .ids()
        .filter((id) => (gpus.find(id)?.migProfiles.length ?? 0) > 0)
        .join(", ")})`,
    });
    return undefined;
  }
  const profile = gpu.migProfiles.find((p) => p.name === sharing.profile);
  if (!profile) {
    problems.push({
      file,
      path: [...path, "profile"],
      message: `unknown MIG profile ${show(sharing.profile)} for ${gpu.id}; allowed: ${oneOf(gpu.migProfiles.map((p) => p.name))}`,
    });
  }
  return profile;
}

/**
 * With `monitoring.mode: install` the stack creates `monitoring.namespace` (Pod Security
 * privileged, deleted on destroy): it must be no system namespace and none of the stack's others.
 */
function checkInstalledMonitoringNamespace(file: string, env: Environment, ns: string, problems: Problem[]): void {
  const path: DocPath = ["monitoring", "namespace"];
  if (SYSTEM_NAMESPACES.includes(ns)) {
    problems.push({ file, path, message: `${show(ns)} is a namespace Kubernetes itself uses; with mode "install" the stack creates this namespace and deletes it on destroy: choose another name` });
    return;
  }
  const g = env.gateway;
  const others: [string, string][] = [
    ["namespaces.gpuOperator", env.namespaces.gpuOperator],
    ["namespaces.models", env.namespaces.models],
    ...(g === undefined
      ? []
      : ([
          ["gateway.namespace", g.namespace],
          ["gateway.controllerNamespaces.envoyGateway", g.controllerNamespaces.envoyGateway],
          ["gateway.controllerNamespaces.aiGateway", g.controllerNamespaces.aiGateway],
          ...Object.entries(g.teams).flatMap(([name, t]): [string, string][] => (t.namespace === undefined ? [] : [[`gateway.teams.${name}.namespace`, t.namespace.name ?? `team-${name}`]])),
        ] as [string, string][])),
  ];
  const clash = others.find(([, other]) => other === ns);
  if (clash !== undefined) {
    problems.push({ file, path, message: `must differ from ${clash[0]}, both ${show(ns)}: with mode "install" the stack creates the monitoring namespace (Pod Security privileged) apart from its others; choose another name` });
  }
}

/**
 * The Prometheus a model's `autoscaling.prometheusServerAddress` names when the file names none
 * (config/schema.ts, the models' autoscaling default).
 */
export const DEFAULT_PROMETHEUS_ADDRESS = "http://prometheus-operated.monitoring.svc:9090";

/**
 * ServiceMonitors are made only for a Prometheus Operator the file declares (`monitoring`, mode
 * `install` or `existing`; `none` parses as no `monitoring`), with its selector labels: a
 * ServiceMonitor without them is never scraped by a default kube-prometheus-stack (its
 * `serviceMonitorSelector` matches `release: <release name>`), and an autoscaler reading vLLM's
 * queue from Prometheus then never sees a replica. Returns the config with every `serviceMonitor`
 * flag decided (explicit, else on exactly when `monitoring` is set) and, with mode `install`, the
 * KEDA address of a model left at its default pointed at the installed Prometheus.
 */
function resolveMonitoring(file: string, env: Environment, problems: Problem[]): Environment {
  const monitored = env.monitoring !== undefined;
  if (env.monitoring?.mode === "install") checkInstalledMonitoringNamespace(file, env, env.monitoring.namespace, problems);
  const dcgm = env.gpuOperator.dcgmExporter;
  if (dcgm.serviceMonitor === true && !monitored) {
    problems.push({
      file,
      path: ["gpuOperator", "dcgmExporter", "serviceMonitor"],
      message:
        "needs `monitoring.serviceMonitorLabels`, the labels your Prometheus selects ServiceMonitors by (kube-prometheus-stack: `release: <its release name>`); without them the ServiceMonitor is never scraped",
    });
  }
  const models: Environment["models"] = {};
  for (const [name, m] of Object.entries(env.models)) {
    const base: DocPath = ["models", name];
    if (m.serviceMonitor === true && !monitored) {
      problems.push({
        file,
        path: [...base, "serviceMonitor"],
        message:
          "needs `monitoring.serviceMonitorLabels`, the labels your Prometheus selects ServiceMonitors by (kube-prometheus-stack: `release: <its release name>`); without them the ServiceMonitor is never scraped",
      });
    }
    const serviceMonitor = m.serviceMonitor ?? monitored;
    const autoscaled = typeof m.replicas === "object" && m.replicas.max > m.replicas.min;
    if (autoscaled && !serviceMonitor) {
      problems.push({
        file,
        path: [...base, "replicas"],
        message: `autoscaling reads vllm:num_requests_waiting from Prometheus, which scrapes the server only through its ServiceMonitor; ${
          monitored ? "remove `serviceMonitor: false`" : "declare the Prometheus Operator with `monitoring.serviceMonitorLabels`"
        }, or use a fixed number of replicas`,
      });
    }
    // The default names a Prometheus in `monitoring`; the installed one has its own Service.
    const installed = env.monitoring?.mode === "install" && m.autoscaling.prometheusServerAddress === DEFAULT_PROMETHEUS_ADDRESS;
    const autoscaling = installed ? { ...m.autoscaling, prometheusServerAddress: kpsPrometheusUrl(env.monitoring!.namespace) } : m.autoscaling;
    models[name] = { ...m, serviceMonitor, autoscaling };
  }
  return {
    ...env,
    gpuOperator: { ...env.gpuOperator, dcgmExporter: { ...dcgm, serviceMonitor: dcgm.enabled && (dcgm.serviceMonitor ?? monitored) } },
    models,
  };
}

/**
 * Runs every check that needs more than one field or the catalog, and resolves the pools.
 * `fileStem` is the file name without `.yaml`, which must equal `name`.
 */
export function resolveEnvironment(
  file: string,
  fileStem: string,
  parsed: Environment,
): { resolved?: ResolvedEnvironment; problems: Problem[] } {
  const problems: Problem[] = [];
  const env = resolveMonitoring(file, parsed, problems);

  if (env.name !== fileStem) {
    problems.push({
      file,
      path: ["name"],
      message: `must equal the file name ${show(fileStem)} (it names the stack), got ${show(env.name)}`,
    });
  }

  checkNamespaces(file, env, problems);
  checkGateway(file, env, problems);

  // One rule for every path in the file (config/project-paths.ts); the backend's own limits beside it.
  const kubeconfig = checkProjectPath(env.cluster.kubeconfig.path, KUBECONFIG_PATH_RULE);
  if (!kubeconfig.ok) problems.push({ file, path: ["cluster", "kubeconfig", "path"], message: kubeconfig.problem });
  checkBackend(file, env.name, env.backend, problems);

  if (env.gpuOperator.driver.version !== undefined && !env.gpuOperator.driver.managed) {
    problems.push({
      file,
      path: ["gpuOperator", "driver", "version"],
      message: "is only used when the operator manages the driver; set gpuOperator.driver.managed: true or remove the version",
    });
  }

  const gpus = gpuTable(file, env.catalog, problems);
  const owner = new Map<string, string>();
  const pools: ResolvedNodePool[] = [];
  for (const name of Object.keys(env.nodePools).sort()) {
    const pool = env.nodePools[name];
    const base: DocPath = ["nodePools", name];

    pool.nodes.forEach((node, i) => {
      const other = owner.get(node);
      if (other === name) {
        problems.push({ file, path: [...base, "nodes", i], message: `node ${show(node)} is listed twice in this pool` });
      } else if (other !== undefined) {
        problems.push({
          file,
          path: [...base, "nodes", i],
          message: `node ${show(node)} is already in pool ${show(other)}; a node belongs to one pool only`,
        });
      } else {
        owner.set(node, name);
      }
    });

    for (const key of Object.keys(pool.labels).sort()) {
      const reserved = RESERVED_LABEL_PREFIXES.find((p) => key.startsWith(p));
      if (reserved) {
        problems.push({
          file,
          path: [...base, "labels", key],
          message: `label keys under ${show(reserved)} are set by ai-factory and the GPU Operator; choose another prefix`,
        });
      }
    }

    const server = resolveServer(file, [...base, "server"], pool.server, gpus, problems);
    const gpu = server ? gpus.find(server.gpu) : undefined;
    if (server && !gpu) {
      problems.push({
        file,
        path: [...base, "server"],
        message: `server ${show(server.id)} names GPU ${show(server.gpu)}, which is not in the catalog; known: ${gpus.ids().join(", ")}`,
      });
    }
    if (!server || !gpu) continue;
    const migProfile = resolveSharing(file, [...base, "gpuSharing"], pool.gpuSharing, gpu, gpus, problems);
    pools.push({
      name,
      nodes: pool.nodes,
      server,
      gpu,
      sharing: pool.gpuSharing,
      migProfile,
      taint: pool.taint,
      labels: pool.labels,
    });
  }

  const models = resolveModels(file, env.models, pools, problems, { strictKvFit: env.strictKvFit });
  if (Object.keys(env.models).length > 0 && env.modelStore === undefined) {
    problems.push({
      file,
      path: ["modelStore"],
      message: "is required when models are served: weights come from the on-prem model store, never from the internet at run time",
    });
  }

  checkDemand(file, env, problems);
  const alternatives = resolveAlternatives(file, env, problems);

  if (problems.length > 0) return { problems };
  const imagePullMBps = env.catalog?.registry?.pullMBps ?? REGISTRY_PULL.pullMBps;
  return { resolved: { file, config: env, pools, models, alternatives, calibration: calibrationFor(env.catalog), imagePullMBps }, problems };
}
