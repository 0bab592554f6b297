/**
 * Tenancy of the teams' own namespaces, as pure functions (no cdktf, no I/O): a ResourceQuota on the
 * GPUs the team's workloads may request and a LimitRange giving containers that set no resources
 * the team's default CPU and memory. Plain `v1` objects, installed by the policies chart.
 */
import type { GatewayPlan } from "./gateway";

/** A team's namespace and its limits (gateway.teams.<name>.namespace). */
export interface TeamNamespace {
  readonly team: string;
  /** The namespace, `team-<name>` unless the file names it. */
  readonly name: string;
  /** GPUs its workloads may request in total (`requests.nvidia.com/gpu`). */
  readonly gpus: number;
  /** CPU request and limit of a container that sets none, e.g. `500m`. */
  readonly defaultCpu: string;
  /** Memory request and limit of a container that sets none, e.g. `1Gi`. */
  readonly defaultMemory: string;
}

/** A plain `v1` ResourceQuota. */
export interface ResourceQuota {
  readonly apiVersion: "v1";
  readonly kind: "ResourceQuota";
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Readonly<Record<string, string>> };
  readonly spec: { readonly hard: Readonly<Record<string, string>> };
}

/** A plain `v1` LimitRange. */
export interface LimitRange {
  readonly apiVersion: "v1";
  readonly kind: "LimitRange";
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Readonly<Record<string, string>> };
  readonly spec: {
    readonly limits: readonly {
      readonly type: "Container";
      readonly default: Readonly<Record<string, string>>;
      readonly defaultRequest: Readonly<Record<string, string>>;
    }[];
  };
}

/** Name of each team namespace's ResourceQuota. */
export const TEAM_QUOTA_NAME = "team-gpu-quota";
/** Name of each team namespace's LimitRange. */
export const TEAM_LIMIT_RANGE_NAME = "team-container-defaults";
/**
 * The quota key of GPUs: extended resources are quota'd on requests only (their requests equal
 * their limits). https://kubernetes.io/docs/concepts/policy/resource-quotas/#resource-quota-for-extended-resources
 */
export const GPU_QUOTA_KEY = "requests.nvidia.com/gpu";

function labels(team: string): Record<string, string> {
  return { "ai-factory/team": team, "app.kubernetes.io/component": "tenancy", "app.kubernetes.io/part-of": "ai-factory" };
}

/** The teams of a gateway plan that have a namespace, sorted by namespace; throws when two share one. */
export function teamNamespaces(gateway: GatewayPlan | undefined): TeamNamespace[] {
  const out = (gateway?.teams ?? []).flatMap((t) => (t.namespace === undefined ? [] : [{ team: t.name, ...t.namespace }]));
  out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < out.length; i++) {
    if (out[i].name === out[i - 1].name) {
      throw new Error(`tenancy: teams ${out[i - 1].team} and ${out[i].team} both use namespace ${out[i].name}; give one of them gateway.teams.<name>.namespace.name`);
    }
  }
  return out;
}

/** The GPU quota of a team's namespace: its workloads may request at most `gpus` GPUs in total. */
export function teamResourceQuota(team: TeamNamespace): ResourceQuota {
  return {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: { name: TEAM_QUOTA_NAME, namespace: team.name, labels: labels(team.team) },
    spec: { hard: { [GPU_QUOTA_KEY]: String(team.gpus) } },
  };
}

/** The default CPU and memory (request and limit alike) of containers in a team's namespace. */
export function teamLimitRange(team: TeamNamespace): LimitRange {
  const resources = { cpu: team.defaultCpu, memory: team.defaultMemory };
  return {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: { name: TEAM_LIMIT_RANGE_NAME, namespace: team.name, labels: labels(team.team) },
    spec: { limits: [{ type: "Container", default: { ...resources }, defaultRequest: { ...resources } }] },
  };
}

/** Every team namespace's quota and limit range, sorted by namespace. */
export function tenancyObjects(teams: readonly TeamNamespace[]): { resourceQuotas: ResourceQuota[]; limitRanges: LimitRange[] } {
  return { resourceQuotas: teams.map(teamResourceQuota), limitRanges: teams.map(teamLimitRange) };
}
