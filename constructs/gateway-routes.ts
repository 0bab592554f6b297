/**
 * The gateway's own objects: the local chart `charts/ai-gateway` (GatewayClass, EnvoyProxy,
 * Gateway, Backends, AIServiceBackends, AIGatewayRoutes, the team key, header, token budget and
 * upstream key policies, and Redis), installed as one release after both controllers, so that
 * every custom resource it holds has its CRD when Helm applies it (a `kubernetes_manifest` could
 * not even be planned on an empty cluster).
 */
import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import type { Mirror } from "../config/schema";
import type { GatewayPlan } from "../planning/gateway";
import { gatewayChartValues } from "./gateway-chart-values";
import type { GatewayChartValues } from "./gateway-chart-values-schema";
import { helmYaml } from "./helm-values";

/** Helm release name of the gateway chart. */
export const GATEWAY_ROUTES_RELEASE = "ai-gateway";

/** Seconds Helm waits for the release: Redis starting (the custom resources are accepted at once). */
export const GATEWAY_ROUTES_TIMEOUT_SECONDS = 300;

export interface AiGatewayRoutesProps {
  readonly plan: GatewayPlan;
  readonly mirror?: Mirror;
  /** `helm_release.chart` of the asset of charts/ai-gateway (constructs/local-chart.ts). */
  readonly chartPath: string;
  /** The controllers' releases and the gateway's namespace. */
  readonly dependsOn: ITerraformDependable[];
}

export class AiGatewayRoutes extends Construct {
  public readonly values: GatewayChartValues;
  public readonly release: Release;

  constructor(scope: Construct, id: string, props: AiGatewayRoutesProps) {
    super(scope, id);
    this.values = gatewayChartValues(props.plan, props.mirror);
    this.release = new Release(this, "release", {
      name: GATEWAY_ROUTES_RELEASE,
      namespace: props.plan.namespace,
      chart: props.chartPath,
      atomic: true,
      wait: true,
      timeout: GATEWAY_ROUTES_TIMEOUT_SECONDS,
      values: [helmYaml(this.values)],
      dependsOn: props.dependsOn,
    });
  }
}
