/**
 * Values of the local chart `charts/ai-factory-policies`: the environment's NetworkPolicies and its
 * team namespaces' ResourceQuotas and LimitRanges, rendered by the chart verbatim. Pure: no cdktf
 * here, so it is tested alone; the stack hands `policiesValuesYaml` to a `helm_release` installed
 * after the namespaces.
 *
 * The zod schema below is the single source of truth of the chart's values.schema.json (a test
 * fails when the committed file drifts). Every pattern is valid in Go's RE2 as well as in
 * JavaScript, because Helm compiles the JSON Schema patterns.
 *
 * Checked at synth: `policiesValues` evaluates the policies against the flows
 * (planning/network.ts `checkNetworkPolicies`) and throws when a flow is blocked or anything else
 * is open, so no policy set that differs from the flows is ever synthesized.
 */
import { z } from "zod";
import { helmValuesJsonSchema } from "./helm-json-schema";
import { DNS_LABEL, DNS_SUBDOMAIN, LABEL_KEY, LABEL_VALUE } from "../config/kubernetes-names";
import type { ResolvedEnvironment } from "../config/resolve";
import type { GatewayPlan } from "../planning/gateway";
import {
  checkNetworkPolicies,
  managedNamespaces,
  networkEndpoints,
  networkFlows,
  networkInput,
  networkPolicies,
  type NetworkInput,
} from "../planning/network";
import type { Plan } from "../planning/plan";
import { teamNamespaces, tenancyObjects, type TeamNamespace } from "../planning/tenancy";
import { helmYaml } from "./helm-values";

/** Folder of the chart under charts/. */
export const POLICIES_CHART = "ai-factory-policies";

// ---------------------------------------------------------------------------------------------
// Schema

/** `<namespace>/<name>`: the key of every object, so two objects can never collide. */
const OBJECT_KEY = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** An IPv4 or IPv6 CIDR block. */
const CIDR = /^([0-9]{1,3}\.){3}[0-9]{1,3}\/[0-9]{1,2}$|^[0-9a-fA-F:]+\/[0-9]{1,3}$/;
/** A Kubernetes quantity without exponent: `500m`, `2`, `1Gi`. */
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
/** A resource name of a quota: `requests.nvidia.com/gpu`, `limits.memory`, `pods`. */
const RESOURCE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\/[a-z0-9]([-a-z0-9._]*[a-z0-9])?)?$/;

const labels = z.record(z.string().regex(LABEL_KEY), z.string().max(63).regex(LABEL_VALUE));

const metadata = z.strictObject({
  name: z.string().max(253).regex(DNS_SUBDOMAIN),
  namespace: z.string().max(63).regex(DNS_LABEL),
  labels: labels.optional(),
});

const labelSelector = z.strictObject({
  matchLabels: labels.optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string().regex(LABEL_KEY),
        operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]),
        values: z.array(z.string().max(63).regex(LABEL_VALUE)).optional(),
      }),
    )
    .optional(),
});

const peer = z.strictObject({
  podSelector: labelSelector.optional(),
  namespaceSelector: labelSelector.optional(),
  ipBlock: z.strictObject({ cidr: z.string().regex(CIDR), except: z.array(z.string().regex(CIDR)).optional() }).optional(),
});

const port = z.strictObject({
  protocol: z.enum(["TCP", "UDP", "SCTP"]),
  // Numbers only: the synth-time checker cannot resolve named container ports.
  port: z.number().int().min(1).max(65535),
  endPort: z.number().int().min(1).max(65535).optional(),
});

const networkPolicy = z.strictObject({
  apiVersion: z.literal("networking.k8s.io/v1"),
  kind: z.literal("NetworkPolicy"),
  metadata,
  spec: z.strictObject({
    podSelector: labelSelector,
    policyTypes: z.array(z.enum(["Ingress", "Egress"])).min(1),
    ingress: z.array(z.strictObject({ from: z.array(peer).min(1), ports: z.array(port).min(1) })).optional(),
    egress: z.array(z.strictObject({ to: z.array(peer).min(1), ports: z.array(port).min(1) })).optional(),
  }),
});

const quantityMap = z.strictObject({ cpu: z.string().regex(QUANTITY), memory: z.string().regex(QUANTITY) });

const resourceQuota = z.strictObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("ResourceQuota"),
  metadata,
  spec: z.strictObject({ hard: z.record(z.string().regex(RESOURCE_NAME), z.string().regex(QUANTITY)) }),
});

const limitRange = z.strictObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("LimitRange"),
  metadata,
  spec: z.strictObject({
    limits: z.array(z.strictObject({ type: z.literal("Container"), default: quantityMap, defaultRequest: quantityMap })).min(1),
  }),
});

const objectMap = <T extends z.ZodType>(object: T, what: string) =>
  z
    .record(z.string().regex(OBJECT_KEY), object)
    .default({})
    .describe(`${what}, keyed by \`<namespace>/<name>\`; each a complete object rendered verbatim.`);

/** The chart's values. */
export const PoliciesValuesSchema = z.strictObject({
  networkPolicies: objectMap(networkPolicy, "NetworkPolicies (networking.k8s.io/v1)"),
  resourceQuotas: objectMap(resourceQuota, "ResourceQuotas (v1) of the team namespaces"),
  limitRanges: objectMap(limitRange, "LimitRanges (v1) of the team namespaces"),
});

/** The chart's values, as validated. */
export type PoliciesValues = z.infer<typeof PoliciesValuesSchema>;

/** The JSON Schema (draft-07) of the chart's values, `additionalProperties: false` on every object. */
export function policiesValuesJsonSchema(): Record<string, unknown> {
  return helmValuesJsonSchema(PoliciesValuesSchema, "input", {
    comment: "Generated from constructs/policies-values.ts (policiesValuesJsonSchema); do not edit.",
    title: "Values of the ai-factory-policies chart (NetworkPolicies, ResourceQuotas, LimitRanges)",
  });
}

// ---------------------------------------------------------------------------------------------
// Values

/** What the chart's values are computed from. */
export interface PoliciesValuesInput {
  /** The environment's network (planning/network.ts `networkInput`). */
  readonly network: NetworkInput;
  /** The team namespaces with their quotas and default limits (planning/tenancy.ts `teamNamespaces`). */
  readonly teams: readonly TeamNamespace[];
}

/** The input of an environment, its plan and its gateway plan, as the stack wires them. */
export function policiesInput(env: ResolvedEnvironment, plan: Plan, gateway: GatewayPlan | undefined): PoliciesValuesInput {
  return { network: networkInput(env, plan, gateway), teams: teamNamespaces(gateway) };
}

const keyOf = (o: { metadata: { namespace: string; name: string } }) => `${o.metadata.namespace}/${o.metadata.name}`;

/**
 * The chart's values: every NetworkPolicy of the environment's flows and every team namespace's
 * quota and limit range. Throws when the policies do not allow exactly the flows (a broken
 * invariant: planning/network.ts computes both), listing every problem.
 */
export function policiesValues(input: PoliciesValuesInput): PoliciesValues {
  const namespaces = managedNamespaces(input.network);
  const missing = input.teams.filter((t) => !namespaces.includes(t.name));
  if (missing.length > 0) {
    throw new Error(`policies: team namespaces ${missing.map((t) => t.name).join(", ")} are not in the network input's teamNamespaces; build both from the same gateway plan`);
  }
  const flows = networkFlows(input.network);
  const policies = networkPolicies(flows, namespaces);
  const problems = checkNetworkPolicies(policies, flows, networkEndpoints(input.network));
  if (problems.length > 0) {
    throw new Error(`policies: the network policies do not match the flows:\n${problems.map((p) => `- ${p.message}`).join("\n")}`);
  }
  const { resourceQuotas, limitRanges } = tenancyObjects(input.teams);
  return PoliciesValuesSchema.parse({
    networkPolicies: Object.fromEntries(policies.map((p) => [keyOf(p), p])),
    resourceQuotas: Object.fromEntries(resourceQuotas.map((q) => [keyOf(q), q])),
    limitRanges: Object.fromEntries(limitRanges.map((l) => [keyOf(l), l])),
  });
}

/** The values as the YAML document handed to `helm_release` (sorted keys: deterministic). */
export function policiesValuesYaml(input: PoliciesValuesInput): string {
  return helmYaml(policiesValues(input));
}
