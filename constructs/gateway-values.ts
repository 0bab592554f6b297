/**
 * Helm values of the gateway's three upstream charts — Envoy Gateway (gateway-helm v1.8.3), the
 * Envoy AI Gateway's CRDs (ai-gateway-crds-helm v1.1.0) and controller (ai-gateway-helm v1.1.0) —
 * computed from the gateway's plan, and the list of images they pull. Pure: no cdktf here, so it
 * is tested alone.
 *
 * Every key set below was read in the chart (or the Go type it feeds) at the pinned tag; the
 * comment beside it names the repository, tag, file and line. `EG` is envoyproxy/gateway at tag
 * v1.8.3, `AIGW` is envoyproxy/ai-gateway at tag v1.1.0.
 *
 * Images are set explicitly, mirrored or not, from the pins in catalog/upstream.ts, so that what a
 * mirror must carry is exactly the gateway's part of `ai-factory images` (planning/artifacts.ts). Under a mirror an image is pulled as
 * `<mirror.registry>/<upstream repository>:<tag>` (constructs/mirror.ts); Envoy Gateway's
 * `global.imageRegistry` stays empty because it *replaces* the upstream host (the first path
 * segment) instead of prefixing it (EG charts/gateway-helm/templates/_helpers.tpl L94-101,
 * L136-143, L165-172), which would break that layout.
 */
import type { Mirror } from "../config/schema";
import { AI_GATEWAY, AI_GATEWAY_INTEGRATION, ENVOY_GATEWAY, type PinnedImage } from "../catalog/upstream";
import { GATEWAY_RESOURCES, type ContainerResources, type GatewayPlan } from "../planning/gateway";
import { aiGatewayMetricsRequestHeaderAttributes } from "../planning/observability";
import { imageRepository } from "./mirror";

/**
 * The GatewayClass controller name Envoy Gateway answers to: its built-in default and the chart's
 * (EG api/v1alpha1/envoygateway_types.go L18; charts/gateway-helm/values.tmpl.yaml L133), which the
 * AI Gateway's values keep (AIGW manifests/envoy-gateway-values.yaml L23). A GatewayClass must name it.
 */
export const ENVOY_GATEWAY_CONTROLLER_NAME = "gateway.envoyproxy.io/gatewayclass-controller";

/** Resources of the Envoy Gateway controller and of the rate limit service: planning/gateway.ts, where the footprint adds them up. */
export type { ContainerResources };
export const ENVOY_GATEWAY_CONTROLLER_RESOURCES: ContainerResources = GATEWAY_RESOURCES.envoyGatewayController;
export const RATE_LIMIT_RESOURCES: ContainerResources = GATEWAY_RESOURCES.rateLimit;

/** The AI Gateway controller's Service, which Envoy Gateway calls as its extension server. */
export function aiGatewayControllerHost(plan: GatewayPlan): string {
  return `${AI_GATEWAY_INTEGRATION.controllerServiceName}.${plan.controllerNamespaces.aiGateway}.svc.cluster.local`;
}

/** `<repository>:<tag>` of `image` as nodes pull it: from `mirror` when set, else upstream. */
export function pulledImage(image: PinnedImage, mirror: Mirror | undefined): string {
  return `${imageRepository(image.repository, mirror)}:${image.tag}`;
}

/** What Envoy Gateway's values are computed from. */
export interface EnvoyGatewayValuesInput {
  readonly plan: GatewayPlan;
  /**
   * Internal registry every image is pulled from.
   * @default - the upstream registry (docker.io)
   */
  readonly mirror?: Mirror;
  /**
   * Redis the rate limit service keeps its counters in: `host:port` (or a comma-separated list for
   * Sentinel and Cluster), no scheme — the form EG api/v1alpha1/envoygateway_types.go L667-670 takes
   * and AIGW examples/token_ratelimit/envoy-gateway-values-addon.yaml L40 shows.
   */
  readonly redisUrl: string;
}

/** Envoy Gateway's chart values (gateway-helm v1.8.3); plain data, serialized by the caller. */
export function envoyGatewayValues(input: EnvoyGatewayValuesInput): Record<string, unknown> {
  const { plan, mirror, redisUrl } = input;
  if (redisUrl.trim() === "" || /\s|:\/\//.test(redisUrl)) {
    throw new Error(
      `envoyGatewayValues: redisUrl must be host:port (or a comma-separated list of them) without a scheme or spaces, got ${JSON.stringify(redisUrl)}`,
    );
  }
  const images = ENVOY_GATEWAY.images;
  return {
    global: {
      // EG values.tmpl.yaml L5: empty is the default; kept empty on purpose (see the file comment).
      imageRegistry: "",
      images: {
        // EG values.tmpl.yaml L12-14: one full reference; eg.image (_helpers.tpl L93-101) renders it for
        // the controller (envoy-gateway-deployment.yaml L65), the certgen Job (certgen.yaml L53) and the
        // shutdown-manager of every Envoy pod (_helpers.tpl L237-238). deployment.envoyGateway.image.repository
        // (values.tmpl.yaml L53-56) stays empty, else it would take precedence (_helpers.tpl L79).
        envoyGateway: { image: pulledImage(images.envoyGateway, mirror) },
        // EG values.tmpl.yaml L20-22 → provider.kubernetes.rateLimitDeployment.container.image (_helpers.tpl L219-221).
        ratelimit: { image: pulledImage(images.ratelimit, mirror) },
        // EG values.tmpl.yaml L28-31 (empty: the controller's built-in default) → the EnvoyGateway config's
        // default EnvoyProxy, envoyProxy.provider.kubernetes.envoyDeployment.container.image (_helpers.tpl
        // L194-214). An EnvoyProxy resource without `mergeType` replaces that default entirely
        // (api/v1alpha1/envoyproxy_types.go L212-218): the routes chart's EnvoyProxy must set the image too.
        envoyProxy: { image: pulledImage(images.envoyProxy, mirror) },
      },
    },
    deployment: {
      // EG values.tmpl.yaml L61-66; set whole so Helm's merge leaves no default behind.
      envoyGateway: { resources: ENVOY_GATEWAY_CONTROLLER_RESOURCES },
    },
    config: {
      // EG values.tmpl.yaml L129-139; templates/envoy-gateway-config.yaml L12-15 merges it over the
      // chart's generated config (which holds the images above), these keys winning.
      envoyGateway: {
        // EG values.tmpl.yaml L132-133; AIGW manifests/envoy-gateway-values.yaml L22-23.
        gateway: { controllerName: ENVOY_GATEWAY_CONTROLLER_NAME },
        provider: {
          // EG values.tmpl.yaml L134-135; AIGW manifests/envoy-gateway-values.yaml L27-28.
          type: "Kubernetes",
          kubernetes: {
            // EG api/v1alpha1/envoygateway_types.go L358-363 (KubernetesDeploymentSpec.container.resources);
            // merged beside the chart's container.image (_helpers.tpl L216-221).
            rateLimitDeployment: { container: { resources: RATE_LIMIT_RESOURCES } },
          },
        },
        // AIGW manifests/envoy-gateway-values.yaml L29-33 (enableBackend required, enableEnvoyPatchPolicy
        // recommended); EG api/v1alpha1/envoygateway_types.go L316-326.
        extensionApis: { ...AI_GATEWAY_INTEGRATION.extensionApis },
        // AIGW manifests/envoy-gateway-values.yaml L34-57, the hooks as shipped and the controller's
        // Service (ai-gateway-helm values.yaml L85 fullnameOverride, L217-221 port grpc 1063) in the
        // plan's namespace. Without it the AI Gateway's external processor is injected but never put in
        // the filter chain: requests reach models unauthenticated, with no error (envoyproxy/ai-gateway#2560).
        // EG api/v1alpha1/envoygateway_types.go L680-717 (hooks, service), backend_types.go L108-120
        // (fqdn hostname, port); failOpen stays at its default false (L719-731): a hook error keeps the
        // previous xDS instead of serving a config without the AI Gateway's filter.
        extensionManager: {
          hooks: AI_GATEWAY_INTEGRATION.extensionManagerHooks,
          service: { fqdn: { hostname: aiGatewayControllerHost(plan), port: AI_GATEWAY_INTEGRATION.extensionServerPort } },
        },
        // EG api/v1alpha1/envoygateway_types.go L563-567, L636-656 (type Redis), L667-670 (url);
        // AIGW examples/token_ratelimit/envoy-gateway-values-addon.yaml L34-40.
        rateLimit: { backend: { type: "Redis", redis: { url: redisUrl } } },
      },
    },
  };
}

/** What the AI Gateway controller's values are computed from. */
export interface AiGatewayValuesInput {
  readonly plan: GatewayPlan;
  /**
   * Internal registry every image is pulled from.
   * @default - the upstream registry (docker.io)
   */
  readonly mirror?: Mirror;
}

/** The AI Gateway controller's chart values (ai-gateway-helm v1.1.0); plain data. */
export function aiGatewayValues(input: AiGatewayValuesInput): Record<string, unknown> {
  const { plan, mirror } = input;
  const { controller, extProc } = AI_GATEWAY.images;
  return {
    controller: {
      // AIGW ai-gateway-helm values.yaml L85: the default, set explicitly because Envoy Gateway's
      // extensionManager names this Service (templates/service.yaml L9, _helpers.tpl L20-22).
      fullnameOverride: AI_GATEWAY_INTEGRATION.controllerServiceName,
      // AIGW values.yaml L144-147, rendered `repository:tag` (templates/deployment.yaml L45).
      image: { repository: imageRepository(controller.repository, mirror), tag: controller.tag },
      // AIGW values.yaml L107-110, passed as --metricsRequestHeaderAttributes (templates/deployment.yaml
      // L71-72): the team header the API-key filter sets becomes the `ai_factory_team` label of the
      // AI Gateway's token metrics, which the teams dashboard and rules read (planning/observability.ts).
      metricsRequestHeaderAttributes: aiGatewayMetricsRequestHeaderAttributes(plan),
    },
    extProc: {
      // AIGW values.yaml L39-43, passed to the controller as --extProcImage (templates/deployment.yaml
      // L54), which injects it into every Envoy pod.
      image: { repository: imageRepository(extProc.repository, mirror), tag: extProc.tag },
    },
    envoyGateway: {
      // AIGW values.yaml L310-312 → --envoyGatewayNamespace (templates/deployment.yaml L58): where the
      // controller looks for the Envoy pods it restarts when a route changes (internal/controller/gateway.go
      // L1337-1352). Default envoy-gateway-system; the plan may name another.
      namespace: plan.controllerNamespaces.envoyGateway,
    },
  };
}

/**
 * The AI Gateway CRD chart's values: none. Its values.yaml (AIGW
 * manifests/charts/ai-gateway-crds-helm/values.yaml L1-4) holds only the licence header; the chart
 * is CRD templates alone.
 */
export function aiGatewayCrdsValues(): Record<string, unknown> {
  return {};
}

