/**
 * The gateway's controllers: Envoy Gateway (with its own CRDs and the Gateway API CRDs) and the
 * Envoy AI Gateway (its CRDs, then its controller), each a pinned Helm release in a namespace of
 * its own. Atomic and waited for, so a failed install rolls back instead of leaving half a
 * controller. The Gateway, routes and policies are custom resources of these charts: they ship in
 * a local chart the stack installs after `releases`.
 *
 * Pod Security: both controller namespaces enforce `restricted`; every pod that runs in them at the
 * pinned versions complies (non-root, no privilege escalation, all capabilities dropped,
 * RuntimeDefault seccomp, only configMap/secret/projected/emptyDir volumes, no host namespaces or
 * ports). Read at the tags (EG = envoyproxy/gateway v1.8.3, AIGW = envoyproxy/ai-gateway v1.1.0):
 * - Envoy Gateway controller: EG charts/gateway-helm/values.tmpl.yaml L67-77 (container
 *   securityContext), templates/envoy-gateway-deployment.yaml L91-92, volumes L109-116;
 * - certgen Job: values.tmpl.yaml L162-173, templates/certgen.yaml L60-61;
 * - rate limit Deployment (created by the controller in its namespace): EG
 *   internal/infrastructure/kubernetes/ratelimit/resource.go L170, L513-526 over
 *   internal/infrastructure/kubernetes/resource/resource.go L113-128 (user 65534);
 * - Envoy proxy Deployments: created in the controller's namespace unless the EnvoyGateway config
 *   says GatewayNamespace (EG api/v1alpha1/envoygateway_types.go L455-465, default
 *   ControllerNamespace; we leave it). Both containers, envoy and shutdown-manager, run as 65532
 *   with the same defaults (EG internal/infrastructure/kubernetes/proxy/resource.go L144, L254,
 *   L483-514; readOnlyRootFilesystem is dropped, which `restricted` does not require); listener
 *   ports below 1024 are shifted by 10000 (internal/gatewayapi/translator.go L45-49), so no
 *   capability is needed to bind them. An EnvoyProxy resource may override these contexts: the
 *   routes chart must not;
 * - the AI Gateway's external processor, injected into those Envoy pods by the AI Gateway's webhook:
 *   AIGW internal/controller/extproc_builder.go L142-154 (65532, drop ALL, RuntimeDefault), an
 *   emptyDir for its socket (internal/controller/gateway_mutator.go L283-284);
 * - AI Gateway controller: AIGW manifests/charts/ai-gateway-helm/values.yaml L160-176 (pod and
 *   container securityContext), L275 hostNetwork false, templates/deployment.yaml L39-44, a secret volume L157-160.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { AI_GATEWAY, AI_GATEWAY_CRDS, ENVOY_GATEWAY, type PinnedChart } from "../catalog/upstream";
import type { Mirror } from "../config/schema";
import type { GatewayPlan } from "../planning/gateway";
import { aiGatewayCrdsValues, aiGatewayValues, envoyGatewayValues } from "./gateway-values";
import { chartSource } from "./mirror";
import { AiNamespace, type PodSecurityLevel } from "./namespaces";
import { helmYaml } from "./helm-values";

/** Helm release names: those of the AI Gateway's installation guide (site/docs/getting-started at v1.1.0). */
export const GATEWAY_RELEASE_NAMES = { aiGatewayCrds: "aieg-crd", envoyGateway: "eg", aiGateway: "aieg" } as const;

/** Helm timeout of each release unless the props say otherwise, seconds. */
export const DEFAULT_GATEWAY_TIMEOUT_SECONDS = 600;

/** Pod Security level of both controller namespaces (see the file comment for why it holds). */
export const CONTROLLER_POD_SECURITY: PodSecurityLevel = "restricted";

export interface AiGatewayControllersProps {
  /** The gateway's plan: the controller namespaces (and, in the image list, the gateway namespace). */
  readonly plan: GatewayPlan;
  /** Redis of the rate limit counters, `host:port` (see `EnvoyGatewayValuesInput.redisUrl`). */
  readonly redisUrl: string;
  /**
   * Internal registry and chart repository every image and chart comes from.
   * @default - the upstream registry and chart repositories (docker.io)
   */
  readonly mirror?: Mirror;
  /**
   * Resources to create before any release.
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Helm timeout of each release, seconds (image pulls and the certgen Job included).
   * @default 600
   */
  readonly timeoutSeconds?: number;
}

/**
 * Envoy Gateway and the Envoy AI Gateway, installed in the order the AI Gateway's guide gives:
 * the AI Gateway's CRDs and Envoy Gateway (independent of each other), then the AI Gateway
 * controller, which watches Envoy Gateway's types and serves its extension hooks. Uses the stack's
 * default Kubernetes and Helm providers, as every construct here does.
 */
export class AiGatewayControllers extends Construct {
  /** The controller namespaces; one object for both when the plan names the same namespace twice. */
  public readonly namespaces: { readonly envoyGateway: AiNamespace; readonly aiGateway: AiNamespace };
  public readonly aiGatewayCrdsRelease: Release;
  public readonly envoyGatewayRelease: Release;
  public readonly aiGatewayRelease: Release;
  /** Every release: what the gateway's own chart (Gateway, routes, policies) must wait for. */
  public readonly releases: readonly Release[];
  /** The Helm timeout used, seconds. */
  public readonly timeoutSeconds: number;

  constructor(scope: Construct, id: string, props: AiGatewayControllersProps) {
    super(scope, id);
    const { plan, mirror } = props;
    const dependsOn = props.dependsOn ?? [];
    this.timeoutSeconds = props.timeoutSeconds ?? DEFAULT_GATEWAY_TIMEOUT_SECONDS;
    if (!Number.isInteger(this.timeoutSeconds) || this.timeoutSeconds < 1) {
      throw new Error(`AiGatewayControllers: timeoutSeconds must be a whole number of seconds of at least 1, got ${this.timeoutSeconds}`);
    }

    // Keyed by name, so the same namespace named twice is created once and ids never depend on order.
    const byName = new Map<string, AiNamespace>();
    const namespace = (name: string) => {
      let ns = byName.get(name);
      if (!ns) {
        ns = new AiNamespace(this, `namespace-${name}`, { name, enforce: CONTROLLER_POD_SECURITY });
        byName.set(name, ns);
      }
      return ns;
    };
    this.namespaces = {
      envoyGateway: namespace(plan.controllerNamespaces.envoyGateway),
      aiGateway: namespace(plan.controllerNamespaces.aiGateway),
    };

    const release = (releaseId: string, name: string, chart: PinnedChart, ns: AiNamespace, values: object, after: ITerraformDependable[]) => {
      // Upstream OCI repository (catalog/upstream.ts) or the mirror's; the version is the pin's.
      const source = chartSource(chart, mirror);
      return new Release(this, releaseId, {
        name,
        namespace: ns.name,
        repository: source.repository,
        chart: source.chart,
        version: chart.version,
        createNamespace: false,
        atomic: true,
        wait: true,
        timeout: this.timeoutSeconds,
        values: [helmYaml(values)],
        dependsOn: [ns.resource, ...dependsOn, ...after],
      });
    };

    this.aiGatewayCrdsRelease = release(
      "ai-gateway-crds",
      GATEWAY_RELEASE_NAMES.aiGatewayCrds,
      AI_GATEWAY_CRDS.chart,
      this.namespaces.aiGateway,
      aiGatewayCrdsValues(),
      [],
    );
    // Installs Envoy Gateway's and the Gateway API's CRDs from the chart's crds subchart
    // (EG charts/gateway-helm/values.tmpl.yaml L38-41, Chart.yaml L27-30). Helm installs a chart's
    // crds/ on first install only: a later chart upgrade leaves those CRDs as they were.
    this.envoyGatewayRelease = release(
      "envoy-gateway",
      GATEWAY_RELEASE_NAMES.envoyGateway,
      ENVOY_GATEWAY.chart,
      this.namespaces.envoyGateway,
      envoyGatewayValues({ plan, mirror, redisUrl: props.redisUrl }),
      [],
    );
    this.aiGatewayRelease = release(
      "ai-gateway",
      GATEWAY_RELEASE_NAMES.aiGateway,
      AI_GATEWAY.chart,
      this.namespaces.aiGateway,
      aiGatewayValues({ plan, mirror }),
      [this.aiGatewayCrdsRelease, this.envoyGatewayRelease],
    );
    this.releases = [this.aiGatewayCrdsRelease, this.envoyGatewayRelease, this.aiGatewayRelease];
  }
}
