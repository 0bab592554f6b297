/**
 * The gateway's plan: from the environment's `gateway` section and its models, what the gateway
 * chart and the network policies are built from. Pure: no cdktf, no I/O.
 *
 * - one Backend and AIServiceBackend per served model, pointing at its Service;
 * - AIGatewayRoutes of at most `maxRulesPerRoute` rules, one rule per model (matched on the model
 *   header the AI Gateway sets from the request's `model`), in the models' order;
 * - the teams with the models each may call and their token budgets;
 * - the namespaces the gateway adds (controllers, routes, teams).
 */
import type { ResolvedEnvironment } from "../config/resolve";
import { modelServerObjectName, modelServerServiceName } from "../config/kubernetes-names";
import type { GatewayConfig, TokenLimit } from "../config/schema";

/** One model behind the gateway. */
export interface GatewayBackend {
  /** The name clients send as `model`. */
  readonly model: string;
  /** Name of its Backend and AIServiceBackend (a DNS label). */
  readonly name: string;
  /** The model server's Service, `<name>-server.<namespace>.svc.cluster.local`. */
  readonly host: string;
  readonly port: number;
  /** The vLLM API key Secret the gateway sends upstream (the model server requires it), if the model has one. */
  readonly apiKeySecret?: { readonly name: string; readonly key: string };
  /** Teams allowed to call it, sorted; every team when the model is on no allow-list restriction. */
  readonly teams: readonly string[];
}

export interface GatewayRoute {
  /** Name of the AIGatewayRoute (a DNS label). */
  readonly name: string;
  /** Backend names, one rule each, in order. */
  readonly backends: readonly string[];
}

export interface GatewayTeamPlan {
  readonly name: string;
  readonly keySecret: string;
  /** Models it may call, sorted. */
  readonly models: readonly string[];
  /** True when the file named no allow-list: every model, including those added later. */
  readonly allModels: boolean;
  readonly tokenLimits: readonly TokenLimit[];
  readonly namespace?: { readonly name: string; readonly gpus: number; readonly defaultCpu: string; readonly defaultMemory: string };
}

export interface GatewayPlan {
  readonly hostname: string;
  readonly tls: GatewayConfig["tls"];
  /** Namespace of the Gateway, policies, routes and Redis. */
  readonly namespace: string;
  readonly controllerNamespaces: GatewayConfig["controllerNamespaces"];
  readonly replicas: number;
  readonly serviceType: GatewayConfig["serviceType"];
  readonly tenantHeader: string;
  /** Namespace of the model servers. */
  readonly modelsNamespace: string;
  /** Sorted by model name. */
  readonly backends: readonly GatewayBackend[];
  readonly routes: readonly GatewayRoute[];
  /** Sorted by name. */
  readonly teams: readonly GatewayTeamPlan[];
}

/** The model server's port (charts/model-server values.yaml `service.port`). */
export const MODEL_SERVER_PORT = 8000;

/** AIGatewayRoutes hold at most this many rules each (the CRD's limit: catalog/upstream.ts). */
export const DEFAULT_MAX_RULES_PER_ROUTE = 15;

/** Splits `items` into chunks of at most `size`, in order. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!(size >= 1)) throw new Error(`chunk size must be at least 1, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The gateway's plan, or undefined when the environment has no gateway. */
export function planGateway(env: ResolvedEnvironment, maxRulesPerRoute = DEFAULT_MAX_RULES_PER_ROUTE): GatewayPlan | undefined {
  const gateway = env.config.gateway;
  if (gateway === undefined) return undefined;
  const modelsNamespace = env.config.namespaces.models;
  const teamNames = Object.keys(gateway.teams).sort();
  const modelNames = env.models.map((m) => m.servedName).sort();
  const teams: GatewayTeamPlan[] = teamNames.map((name) => {
    const t = gateway.teams[name];
    const models = t.models === undefined ? modelNames : [...new Set(t.models)].filter((m) => modelNames.includes(m)).sort();
    return {
      name,
      keySecret: t.keySecret,
      models,
      allModels: t.models === undefined,
      tokenLimits: t.tokenLimits,
      ...(t.namespace === undefined
        ? {}
        : { namespace: { name: t.namespace.name ?? `team-${name}`, gpus: t.namespace.gpus, defaultCpu: t.namespace.defaultCpu, defaultMemory: t.namespace.defaultMemory } }),
    };
  });
  const backends: GatewayBackend[] = env.models
    .map((m) => {
      const name = modelServerObjectName(m.servedName);
      const key = m.deployment.apiKeySecret;
      return {
        model: m.servedName,
        name,
        host: `${modelServerServiceName(m.servedName)}.${modelsNamespace}.svc.cluster.local`,
        port: MODEL_SERVER_PORT,
        ...(key === undefined ? {} : { apiKeySecret: { name: key.name, key: key.key } }),
        teams: teams.filter((t) => t.models.includes(m.servedName)).map((t) => t.name),
      };
    })
    .sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  const routes = chunk(
    backends.map((b) => b.name),
    maxRulesPerRoute,
  ).map((names, i) => ({ name: `ai-factory-${i + 1}`, backends: names }));
  return {
    hostname: gateway.hostname,
    tls: gateway.tls,
    namespace: gateway.namespace,
    controllerNamespaces: gateway.controllerNamespaces,
    replicas: gateway.replicas,
    serviceType: gateway.serviceType,
    tenantHeader: gateway.tenantHeader,
    modelsNamespace,
    backends,
    routes,
    teams,
  };
}

// ---------------------------------------------------------------------------------------------
// The gateway's own footprint: what its pods request on the cluster's CPU nodes.

/** A container's CPU and memory requests (and optionally memory limit), as Kubernetes quantities. */
export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits?: { readonly memory: string };
}

/**
 * What each of the gateway's containers requests: the values builders set exactly these, and the
 * footprint adds them up. Envoy Gateway's are its defaults, written out so that an upgrade that
 * changes them shows as a diff; the Envoy proxy's and Redis' are this project's choices.
 */
export const GATEWAY_RESOURCES = {
  /** envoyproxy/gateway v1.8.3 charts/gateway-helm/values.tmpl.yaml L61-66 (`deployment.envoyGateway.resources`). */
  envoyGatewayController: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1024Mi" } },
  /**
   * The rate limit service: envoyproxy/gateway v1.8.3 api/v1alpha1/shared_types.go L24-27
   * (DefaultDeploymentCPU/MemoryResourceRequests), applied when the container sets none.
   */
  rateLimit: { requests: { cpu: "100m", memory: "512Mi" } },
  /** The shutdown manager beside each Envoy: envoyproxy/gateway v1.8.3 api/v1alpha1/shared_types.go L30-33. */
  shutdownManager: { requests: { cpu: "10m", memory: "32Mi" } },
  /** Envoy itself: half a core and 1 GiB, as the AI Gateway buffers whole request bodies (a project choice). */
  envoyProxy: { requests: { cpu: "500m", memory: "1Gi" } },
  /** Redis holding the rate limit counters in memory only (a project choice). */
  redis: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
} as const satisfies Record<string, ContainerResources>;

/** One part of the gateway's footprint. */
export interface FootprintRow {
  readonly component: string;
  readonly namespace: string;
  readonly pods: number;
  /** Requested by all its pods, millicores. */
  readonly cpuMillicores: number;
  /** Requested by all its pods, MiB. */
  readonly memoryMiB: number;
  /** What requests nothing (and so is not counted), if anything. */
  readonly note?: string;
}

/** Millicores of a CPU quantity (`500m`, `2`, `0.5`). */
export function cpuMillicores(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(quantity);
  if (!m) throw new Error(`not a CPU quantity: ${JSON.stringify(quantity)}`);
  return m[2] === "m" ? Number(m[1]) : Number(m[1]) * 1000;
}

/** MiB of a memory quantity in binary units (`128Mi`, `1Gi`, `512Ki`). */
export function memoryMiB(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)$/.exec(quantity);
  if (!m) throw new Error(`not a memory quantity in Ki, Mi, Gi or Ti: ${JSON.stringify(quantity)}`);
  const factor = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 }[m[2] as "Ki" | "Mi" | "Gi" | "Ti"];
  return Number(m[1]) * factor;
}

/**
 * The gateway's pods and what they request, by component; the certgen Job (run once at install)
 * is left out, and the AI Gateway controller and the external processor set no requests (their
 * charts' defaults), which the rows say.
 */
export function gatewayFootprint(plan: GatewayPlan): FootprintRow[] {
  const row = (component: string, namespace: string, pods: number, containers: readonly ContainerResources[], note?: string): FootprintRow => ({
    component,
    namespace,
    pods,
    cpuMillicores: pods * containers.reduce((n, c) => n + cpuMillicores(c.requests.cpu), 0),
    memoryMiB: pods * containers.reduce((n, c) => n + memoryMiB(c.requests.memory), 0),
    ...(note === undefined ? {} : { note }),
  });
  const r = GATEWAY_RESOURCES;
  const eg = plan.controllerNamespaces.envoyGateway;
  return [
    row("Envoy proxy", eg, plan.replicas, [r.envoyProxy, r.shutdownManager], "each Envoy pod also runs the shutdown manager (counted) and the AI Gateway's external processor, which requests nothing"),
    row("Envoy Gateway controller", eg, 1, [r.envoyGatewayController]),
    row("rate limit service", eg, 1, [r.rateLimit]),
    row("AI Gateway controller", plan.controllerNamespaces.aiGateway, 1, [], "the AI Gateway controller requests nothing (its chart's default)"),
    row("Redis", plan.namespace, 1, [r.redis]),
  ];
}
