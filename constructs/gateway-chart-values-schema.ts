/**
 * Values of the local chart `charts/ai-gateway`: every custom resource of the OpenAI-compatible
 * gateway (GatewayClass, EnvoyProxy, Gateway, Backends, AIServiceBackends, BackendSecurityPolicies,
 * AIGatewayRoutes, the team-key SecurityPolicy, the ClientTrafficPolicy, the token-limit
 * BackendTrafficPolicy) and the Redis that holds the rate-limit counters. A `helm_release` installs
 * it after the controllers' charts, so a first `terraform plan` needs no CRD in the cluster.
 *
 * This zod schema is the single source of truth: `scripts/gen-chart-schema.ts` writes it to the
 * chart's `values.schema.json`, and `gatewayChartValues()` (gateway-chart-values.ts) types what it
 * passes with `GatewayChartValues`. Every pattern must be valid in Go's RE2 as well as in JavaScript
 * (Helm compiles the JSON Schema patterns). Cross-field rules live in `superRefine` below and, with
 * the same messages, in `charts/ai-gateway/templates/_helpers.tpl` (`ai-gateway.validate`).
 */
import { z } from "zod";
import { helmValuesJsonSchema } from "./helm-json-schema";

import { AI_GATEWAY_INTEGRATION, ENVOY_GATEWAY, REDIS } from "../catalog/upstream";
import { show } from "../config/errors";
import { DNS_LABEL, DNS_SUBDOMAIN } from "../config/kubernetes-names";

// ---------------------------------------------------------------------------------------------
// Constants shared with the chart templates (the chart repeats them; the chart test checks both)
// ---------------------------------------------------------------------------------------------

/**
 * The token counts the AI Gateway writes per request under the `io.envoy.ai_gateway` metadata
 * namespace (AIGatewayRoute `llmRequestCosts`). Types as enumerated at v1.1.0 in
 * envoyproxy/ai-gateway api/v1beta1/shared_types.go L114 (OutputToken, InputToken,
 * CachedInputToken, CacheCreationInputToken, TotalToken, ReasoningToken, CEL). The total's key is
 * the one the token-limit rules read (catalog/upstream.ts AI_GATEWAY_INTEGRATION).
 */
export const GATEWAY_LLM_REQUEST_COSTS: ReadonlyArray<{ readonly metadataKey: string; readonly type: string }> = [
  { metadataKey: "llm_input_token", type: "InputToken" },
  { metadataKey: "llm_cached_input_token", type: "CachedInputToken" },
  { metadataKey: "llm_output_token", type: "OutputToken" },
  { metadataKey: AI_GATEWAY_INTEGRATION.totalTokenMetadataKey, type: "TotalToken" },
];

/**
 * Most tokens one rate-limit window can hold: Envoy Gateway's `limit.requests` is a uint32
 * (envoyproxy/gateway v1.8.3 api/v1alpha1/ratelimit_types.go L438-441, Maximum=4294967295).
 */
export const MAX_TOKENS_PER_WINDOW = 4_294_967_295;

/**
 * The entry a BackendSecurityPolicy of type APIKey reads from its Secret: always `apiKey`, whatever
 * the model server's own Secret calls it (envoyproxy/ai-gateway v1.1.0
 * internal/controller/ai_gateway_route.go L46-47 `apiKeyInSecret = "apiKey"`, read by
 * internal/controller/gateway.go L856-858).
 */
export const UPSTREAM_API_KEY_ENTRY = "apiKey";

/** The rule name the AI Gateway reserves for its catch-all 404 (ai_gateway_route.go L213, L331-342). */
export const RESERVED_RULE_NAME = "route-not-found";

/** Port of the Redis Service Envoy Gateway's rate-limit service connects to. */
export const REDIS_PORT = 6379;

/** Name of the Redis Service; its address is `redis.<namespace>.svc.cluster.local:6379`. */
export const REDIS_SERVICE_NAME = "redis";

/** The Redis URL Envoy Gateway's `config.envoyGateway.rateLimit.backend.redis.url` must name. */
export function redisUrl(namespace: string): string {
  return `${REDIS_SERVICE_NAME}.${namespace}.svc.cluster.local:${REDIS_PORT}`;
}

/** The rate-limit windows a team's token budget can have, as Envoy Gateway spells them. */
export const TOKEN_LIMIT_UNITS = ["Minute", "Hour", "Day"] as const;

// ---------------------------------------------------------------------------------------------
// Patterns (RE2-compatible)
// ---------------------------------------------------------------------------------------------

const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
/** Envoy Gateway's pattern for `connection.bufferLimit` (api/v1alpha1/connection_types.go L26). */
const BUFFER_LIMIT = /^[1-9]+[0-9]*([EPTGMK]i|[EPTGMk])?$/;
/** Gateway API `Duration` (GEP-2257), as `HTTPRouteTimeouts.request` takes it. */
const DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;
const IMAGE_REPOSITORY = /^[a-z0-9]([a-z0-9._:-]*[a-z0-9])?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/;
const IMAGE_TAG = /^[A-Za-z0-9_.-]*[0-9][A-Za-z0-9_.-]*$/;
const TENANT_HEADER = /^x-[a-z0-9-]+$/;
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._/:-]*$/;

const dnsLabel = (what: string) =>
  z
    .string()
    .max(63)
    .regex(DNS_LABEL, { error: (iss) => `${what} must be a DNS label (lower-case letters, digits and "-"), got ${show(iss.input)}` });

const dnsSubdomain = (what: string) =>
  z
    .string()
    .max(253)
    .regex(DNS_SUBDOMAIN, { error: (iss) => `${what} must be a DNS-1123 subdomain such as "ai-gateway-tls", got ${show(iss.input)}` });

const quantity = (what: string) =>
  z.string().regex(QUANTITY, { error: (iss) => `${what} must be a Kubernetes quantity such as "500m" or "1Gi", got ${show(iss.input)}` });

const image = (what: string, repository: string, tag: string) =>
  z
    .strictObject({
      repository: z
        .string()
        .regex(IMAGE_REPOSITORY, { error: (iss) => `${what}.repository must be an image name such as "docker.io/library/redis", got ${show(iss.input)}` })
        .default(repository)
        .describe("Image repository with its registry host; `<mirror>/<upstream>` on air-gapped sites."),
      tag: z
        .string()
        .max(128)
        .regex(IMAGE_TAG, { error: (iss) => `${what}.tag must be a pinned version containing a digit (never "latest"), got ${show(iss.input)}` })
        .default(tag)
        .describe("Pinned tag (catalog/upstream.ts), never `latest`."),
    })
    .prefault({});

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

const tokenLimit = z
  .strictObject({
    tokens: z
      .number()
      .int()
      .min(1)
      .max(MAX_TOKENS_PER_WINDOW, {
        error: (iss) => `tokens must be at most ${MAX_TOKENS_PER_WINDOW} (Envoy Gateway's limit.requests is a uint32), got ${show(iss.input)}; use a shorter window`,
      })
      .describe("Tokens (input + output, `llm_total_token`) the team may use per window."),
    unit: z.enum(TOKEN_LIMIT_UNITS).describe("The window: `Minute`, `Hour` or `Day`."),
  })
  .describe("One token budget.");

const team = z
  .strictObject({
    keySecret: dnsSubdomain("teams.<name>.keySecret").describe(
      "Existing Opaque Secret in the release namespace with exactly one entry, named after the team, holding its API key (no `Bearer ` prefix).",
    ),
    tokenLimits: z.array(tokenLimit).default([]).describe("Token budgets; none: unlimited."),
  })
  .describe("A team: its key Secret and token budgets.");

const backend = z
  .strictObject({
    model: z
      .string()
      .max(253)
      .regex(MODEL_NAME, { error: (iss) => `backends.<name>.model must be a served model name, got ${show(iss.input)}` })
      .describe("The name clients send as `model` (matched exactly on the `x-ai-eg-model` header)."),
    host: dnsSubdomain("backends.<name>.host").describe("The model server's Service, `<service>.<namespace>.svc.cluster.local`."),
    port: z.number().int().min(1).max(65535).default(8000).describe("The Service port."),
    allowedTeams: z
      .array(dnsLabel("backends.<name>.allowedTeams[]"))
      .min(1)
      .nullable()
      .default(null)
      .describe("Teams that may call the model; null: every team with a key."),
    upstreamApiKeySecret: dnsSubdomain("backends.<name>.upstreamApiKeySecret")
      .nullable()
      .default(null)
      .describe("Secret in the release namespace whose `apiKey` entry the gateway sends upstream as `Authorization: Bearer`; null when the server needs none."),
  })
  .describe("One model server behind the gateway.");

const route = z
  .strictObject({
    backends: z
      .array(dnsLabel("routes.<name>.backends[]"))
      .min(1)
      .max(AI_GATEWAY_INTEGRATION.maxRulesPerRoute)
      .describe("Backends of this AIGatewayRoute, one rule each, in order; at most 15 (the CRD's limit)."),
  })
  .describe("One AIGatewayRoute.");

const podResources = (cpu: string, memory: string) =>
  z
    .strictObject({
      requests: z
        .strictObject({
          cpu: quantity("requests.cpu").default(cpu).describe("CPU request."),
          memory: quantity("requests.memory").default(memory).describe("Memory request."),
        })
        .prefault({})
        .describe("What the scheduler reserves."),
    })
    .prefault({});

/** The chart's values (before cross-field rules). */
const gatewayChartValuesObject = z.strictObject({
  gatewayClassName: dnsSubdomain("gatewayClassName").default("ai-factory").describe("The GatewayClass (cluster-scoped) of Envoy Gateway's controller."),
  gatewayName: dnsLabel("gatewayName").default("ai-factory").describe("The Gateway, its EnvoyProxy and the name prefix of its policies."),
  hostname: dnsSubdomain("hostname").describe("Host name clients call; the listener's hostname and the certificate's name."),
  tls: z
    .strictObject({ secretName: dnsSubdomain("tls.secretName").describe("Existing `kubernetes.io/tls` Secret in the release namespace.") })
    .nullable()
    .default({ secretName: "ai-gateway-tls" })
    .describe("HTTPS on 443 with this certificate; null: plain HTTP on 80 (a lab only: keys cross the network in clear)."),
  envoyProxy: z
    .strictObject({
      image: image("envoyProxy.image", ENVOY_GATEWAY.images.envoyProxy.repository, ENVOY_GATEWAY.images.envoyProxy.tag).describe("The Envoy proxy image."),
      replicas: z.number().int().min(1).max(50).default(2).describe("Envoy proxy replicas."),
      serviceType: z.enum(["LoadBalancer", "NodePort", "ClusterIP"]).default("LoadBalancer").describe("Type of the Envoy Service (Envoy Gateway's default: LoadBalancer)."),
      resources: podResources("500m", "1Gi").describe("Requests of the Envoy container."),
    })
    .prefault({})
    .describe("The Envoy proxy fleet Envoy Gateway runs for the Gateway (EnvoyProxy)."),
  tenantHeader: z
    .string()
    .max(64)
    .regex(TENANT_HEADER, { error: (iss) => `tenantHeader must be a lower-case header name starting with "x-", got ${show(iss.input)}` })
    .default("x-ai-factory-team")
    .describe("Header the gateway sets to the caller's team (removed when a client sends it)."),
  requestBufferLimit: z
    .string()
    .regex(BUFFER_LIMIT, { error: (iss) => `requestBufferLimit must be a size such as "50Mi", got ${show(iss.input)}` })
    .default("50Mi")
    .describe("Per-connection buffer (ClientTrafficPolicy `connection.bufferLimit`); the AI Gateway buffers whole request bodies."),
  requestTimeout: z
    .string()
    .regex(DURATION, { error: (iss) => `requestTimeout must be a duration such as "600s", got ${show(iss.input)}` })
    .default("600s")
    .describe("Longest a request may take, streamed answers included (the AI Gateway's default is 60s)."),
  backends: z.record(dnsLabel("backends key"), backend).default({}).describe("Model servers, keyed by object name."),
  routes: z.record(dnsLabel("routes key"), route).default({}).describe("AIGatewayRoutes, keyed by name."),
  teams: z.record(dnsLabel("teams key"), team).default({}).describe("Teams, keyed by name (the client ID the gateway forwards)."),
  redis: z
    .strictObject({
      image: image("redis.image", REDIS.image.repository, REDIS.image.tag).describe("The Redis image."),
      resources: z
        .strictObject({
          requests: z
            .strictObject({
              cpu: quantity("redis.resources.requests.cpu").default("100m").describe("CPU request."),
              memory: quantity("redis.resources.requests.memory").default("128Mi").describe("Memory request."),
            })
            .prefault({})
            .describe("What the scheduler reserves."),
          limits: z
            .strictObject({ memory: quantity("redis.resources.limits.memory").default("256Mi").describe("Memory limit.") })
            .prefault({})
            .describe("Limits."),
        })
        .prefault({})
        .describe("Resources of the Redis container."),
    })
    .prefault({})
    .describe("Redis holding the global rate-limit counters (Service `redis`, port 6379)."),
});

/** Raw shape of the values, without the cross-field rules. */
export type GatewayChartValuesShape = z.infer<typeof gatewayChartValuesObject>;

/** The chart's values: a strict schema plus the cross-field rules the chart also enforces. */
export const gatewayChartValuesSchema = gatewayChartValuesObject.superRefine((v, ctx) => {
  if (ctx.issues.length > 0) return;
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  const teams = Object.keys(v.teams).sort();
  const backends = Object.keys(v.backends).sort();

  if (teams.length === 0) {
    issue(["teams"], "a gateway without teams accepts no key; set teams.<name>.keySecret");
  }
  if (backends.length === 0) issue(["backends"], "no model behind the gateway; set backends.<name>");
  if (Object.keys(v.routes).length === 0) issue(["routes"], "no AIGatewayRoute; set routes.<name>.backends");
  if (v.tenantHeader === AI_GATEWAY_INTEGRATION.modelHeader) {
    issue(["tenantHeader"], `${show(v.tenantHeader)} is the AI Gateway's model header; set tenantHeader=x-ai-factory-team`);
  }
  const routedBy = new Map<string, string>();
  for (const name of Object.keys(v.routes).sort()) {
    v.routes[name].backends.forEach((b, i) => {
      if (!backends.includes(b)) {
        issue(["routes", name, "backends", i], `unknown backend ${show(b)} (backends: ${backends.join(", ") || "none"})`);
      } else if (routedBy.has(b)) {
        issue(["routes", name, "backends", i], `backend ${show(b)} is also in routes.${routedBy.get(b)}; give each backend one rule`);
      } else {
        routedBy.set(b, name);
      }
    });
  }
  const models = new Map<string, string>();
  for (const name of backends) {
    const b = v.backends[name];
    if (name === RESERVED_RULE_NAME) issue(["backends", name], `${show(name)} is the rule name the AI Gateway reserves; rename the backend`);
    if (!routedBy.has(name)) issue(["backends", name], `is in no route, so no request reaches it; add it to routes.<name>.backends`);
    const other = models.get(b.model);
    if (other !== undefined) issue(["backends", name, "model"], `${show(b.model)} is also the model of backends.${other}; each model needs one backend`);
    models.set(b.model, name);
    (b.allowedTeams ?? []).forEach((t, i) => {
      if (!teams.includes(t)) issue(["backends", name, "allowedTeams", i], `unknown team ${show(t)} (teams: ${teams.join(", ") || "none"})`);
    });
  }
  for (const name of teams) {
    const seen = new Set<string>();
    v.teams[name].tokenLimits.forEach((l, i) => {
      if (seen.has(l.unit)) issue(["teams", name, "tokenLimits", i, "unit"], `a second limit per ${l.unit}; give each window one limit`);
      seen.add(l.unit);
    });
  }
});

/** Values of the ai-gateway chart, as validated (every key present; optional ones null). */
export type GatewayChartValues = z.infer<typeof gatewayChartValuesSchema>;

/** What a caller must give: the required keys; everything else falls back to the chart defaults. */
export type GatewayChartValuesInput = z.input<typeof gatewayChartValuesSchema>;

/**
 * The RE2 expression the route rule of an allow-listed model matches the tenant header against:
 * exactly one of the allowed team names (team names are DNS labels, so none needs escaping).
 * Mirrors `ai-gateway.teamRegex` in the chart's _helpers.tpl.
 */
export function allowedTeamsRegex(teams: readonly string[]): string {
  return `^(${[...teams].sort().join("|")})$`;
}

// ---------------------------------------------------------------------------------------------
// JSON Schema for Helm
// ---------------------------------------------------------------------------------------------

/** The JSON Schema (draft-07) of the chart's values, `additionalProperties: false` at every level. */
export function gatewayChartValuesJsonSchema(): Record<string, unknown> {
  return helmValuesJsonSchema(gatewayChartValuesObject, "output", {
    comment: "Generated from constructs/gateway-chart-values-schema.ts by scripts/gen-chart-schema.ts; do not edit.",
    title: "Values of the ai-gateway chart (Envoy Gateway and Envoy AI Gateway resources)",
  });
}
