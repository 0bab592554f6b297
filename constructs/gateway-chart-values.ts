/**
 * The values of the local chart `charts/ai-gateway` for a gateway plan: pure, no cdktf here.
 *
 * What each value becomes, and the upstream API it was read in (tags pinned in catalog/upstream.ts):
 * - `envoyProxy.image`: the EnvoyProxy's `container.image`, the same pinned Envoy as Envoy Gateway's
 *   own default (envoyproxy/gateway v1.8.3 api/v1alpha1/shared_types.go L29), mirror-aware;
 * - `backends.<name>.allowedTeams`: null when every team may call the model; otherwise the route
 *   rule of the model also matches the tenant header the API-key filter sets (see the chart's
 *   README, "Model allow-lists", for why that is enforced correctly at Envoy's filter order);
 * - `backends.<name>.upstreamApiKeySecret`: the model server's key Secret by name; the
 *   BackendSecurityPolicy reads its `apiKey` entry in the gateway's namespace
 *   (envoyproxy/ai-gateway v1.1.0 internal/controller/gateway.go L847-858);
 * - `teams.<name>.tokenLimits[].unit`: `per: minute|hour|day` as Envoy Gateway's RateLimitUnit
 *   (api/v1alpha1/ratelimit_types.go L448).
 */
import type { Mirror, TokenLimit } from "../config/schema";
import { GATEWAY_RESOURCES, type GatewayPlan } from "../planning/gateway";
import { ENVOY_GATEWAY, REDIS } from "../catalog/upstream";
import { imageRepository } from "./mirror";
import { gatewayChartValuesSchema, type GatewayChartValues, type GatewayChartValuesInput, TOKEN_LIMIT_UNITS } from "./gateway-chart-values-schema";

const UNITS: Readonly<Record<TokenLimit["per"], (typeof TOKEN_LIMIT_UNITS)[number]>> = { minute: "Minute", hour: "Hour", day: "Day" };

/**
 * The chart values for `plan`, parsed (defaults applied, cross-field rules checked).
 *
 * A model no team may call (every team has an allow-list without it) gets no rule: the chart has
 * no way to express "nobody", and a Backend nobody routes to is noise. A route left without rules
 * is dropped.
 */
export function gatewayChartValues(plan: GatewayPlan, mirror?: Mirror): GatewayChartValues {
  const teamNames = plan.teams.map((t) => t.name);
  const callable = plan.backends.filter((b) => b.teams.length > 0);
  const backends: NonNullable<GatewayChartValuesInput["backends"]> = {};
  for (const b of callable) {
    const everyTeam = teamNames.every((t) => b.teams.includes(t));
    backends[b.name] = {
      model: b.model,
      host: b.host,
      port: b.port,
      allowedTeams: everyTeam ? null : [...b.teams].sort(),
      upstreamApiKeySecret: b.apiKeySecret?.name ?? null,
    };
  }
  const routes: NonNullable<GatewayChartValuesInput["routes"]> = {};
  for (const r of plan.routes) {
    const names = r.backends.filter((name) => name in backends);
    if (names.length > 0) routes[r.name] = { backends: names };
  }
  const teams: NonNullable<GatewayChartValuesInput["teams"]> = {};
  for (const t of plan.teams) {
    teams[t.name] = { keySecret: t.keySecret, tokenLimits: t.tokenLimits.map((l) => ({ tokens: l.tokens, unit: UNITS[l.per] })) };
  }
  const envoy = ENVOY_GATEWAY.images.envoyProxy;
  const input: GatewayChartValuesInput = {
    hostname: plan.hostname,
    tls: plan.tls === false ? null : { secretName: plan.tls.secretName },
    envoyProxy: {
      image: { repository: imageRepository(envoy.repository, mirror), tag: envoy.tag },
      replicas: plan.replicas,
      serviceType: plan.serviceType,
      resources: { requests: { ...GATEWAY_RESOURCES.envoyProxy.requests } },
    },
    tenantHeader: plan.tenantHeader,
    backends,
    routes,
    teams,
    redis: {
      image: { repository: imageRepository(REDIS.image.repository, mirror), tag: REDIS.image.tag },
      resources: { requests: { ...GATEWAY_RESOURCES.redis.requests }, limits: { ...GATEWAY_RESOURCES.redis.limits } },
    },
  };
  return gatewayChartValuesSchema.parse(input);
}
