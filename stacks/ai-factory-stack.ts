/**
 * One environment, one stack: providers and backend from the environment file, our namespaces,
 * one GpuNodePool per pool and the GPU Operator. Everything is computed before this runs
 * (config → planning); the stack only wires constructs together.
 */
import { Construct } from "constructs";
import { TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import type { ResolvedEnvironment } from "../config/resolve";
import type { Plan } from "../planning/plan";
import type { CostSummary } from "../planning/tco";
import { LocalChart } from "../constructs/local-chart";
import { ModelServer } from "../constructs/model-server";
import { ModelStore } from "../constructs/model-store";
import { runtimeFileSets } from "../planning/model-store";
import { REQUIRED_TERRAFORM_VERSION, configureBackend, kubeconfigPathForTerraform } from "../constructs/backend";
import { AiNamespace } from "../constructs/namespaces";
import { GpuNodePool } from "../constructs/gpu-node-pool";
import { GpuOperator } from "../constructs/gpu-operator";
import { escapeTemplates } from "../constructs/terraform-escape";
import { AiGatewayControllers } from "../constructs/gateway";
import { AiGatewayRoutes } from "../constructs/gateway-routes";
import { redisUrl } from "../constructs/gateway-chart-values-schema";
import { planGateway } from "../planning/gateway";
import { AiFactoryPolicies } from "../constructs/policies";
import { policiesInput } from "../constructs/policies-values";
import { KubePrometheusStack } from "../constructs/kube-prometheus-stack";
import { Observability } from "../constructs/observability";
import { observabilityValues } from "../constructs/observability-values";
import { OBSERVABILITY_CHART } from "../constructs/observability-values-schema";
import { prometheusRules } from "../planning/observability";

export interface AiFactoryStackProps {
  /** The validated environment. */
  readonly env: ResolvedEnvironment;
  /** Its plan: fit, allocation and placement of every model (planning/plan.ts). */
  readonly plan: Plan;
  /**
   * Its cost summary, whose headline figures become Terraform outputs.
   * @default - no cost outputs
   */
  readonly costs?: CostSummary;
  /**
   * Grafana dashboards to ship with `monitoring` (report/dashboards.ts renders them; the CLI passes
   * them in, as stacks do not import report/).
   * @default - none
   */
  readonly dashboards?: readonly GrafanaDashboard[];
}

/** A dashboard's uid and its JSON model, as text. */
export interface GrafanaDashboard {
  readonly uid: string;
  readonly json: string;
}

/**
 * `value` to `decimals` places, in its shortest form: `roundTo(1760000.0000000002, 2)` → 1760000,
 * `roundTo(38331.98250666667, 2)` → 38331.98; -0 becomes 0. For the outputs people read with
 * `terraform output` (report/format.ts holds the same rules for text).
 */
export function roundTo(value: number, decimals: number): number {
  const rounded = Number(value.toFixed(decimals));
  return rounded === 0 ? 0 : rounded;
}

/** The cdktf stack of one environment. */
export class AiFactoryStack extends TerraformStack {
  public readonly pools: readonly GpuNodePool[];
  public readonly gpuOperator?: GpuOperator;
  public readonly modelStore?: ModelStore;
  public readonly modelServers: readonly ModelServer[];
  public readonly namespaces: { readonly gpuOperator: AiNamespace; readonly models: AiNamespace };
  public readonly policies: AiFactoryPolicies;
  public readonly monitoringStack?: KubePrometheusStack;
  public readonly observability?: Observability;
  public readonly gateway?: { readonly namespace: AiNamespace; readonly teams: readonly AiNamespace[]; readonly controllers: AiGatewayControllers; readonly routes: AiGatewayRoutes };

  constructor(scope: Construct, id: string, props: AiFactoryStackProps) {
    super(scope, id);
    // The one place input becomes literal: every string of the environment file and the catalog
    // (through env, plan and costs) is escaped for Terraform's template syntax before anything is
    // built from it, so `${…}` or `%{…}` in a value reaches Terraform as text, never as code.
    // Constructs never escape; only what the stack itself makes (`${var.kubeconfig_path}`) is live.
    // Terraform reads the backend and variable defaults verbatim, unescaped; the schema refuses
    // template syntax there, so escaping leaves them unchanged.
    const { env, plan, costs } = escapeTemplates({ env: props.env, plan: props.plan, costs: props.costs });
    const { config } = env;

    configureBackend(this, config.name, config.backend);
    // cdktf has no API for it; the override lands in the `terraform` block of cdk.tf.json.
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);

    // Read at deploy time, so the synthesized plan names no file of the machine that made it.
    const kubeconfigPath = new TerraformVariable(this, "kubeconfig_path", {
      type: "string",
      default: kubeconfigPathForTerraform(config.name, config.cluster.kubeconfig.path),
      description: "Kubeconfig file of the cluster (TF_VAR_kubeconfig_path overrides it).",
    });
    const kubeconfigContext = new TerraformVariable(this, "kubeconfig_context", {
      type: "string",
      default: config.cluster.kubeconfig.context,
      description: "Kubeconfig context of the cluster (TF_VAR_kubeconfig_context overrides it).",
    });
    new KubernetesProvider(this, "kubernetes", {
      configPath: kubeconfigPath.stringValue,
      configContext: kubeconfigContext.stringValue,
    });
    new HelmProvider(this, "helm", {
      kubernetes: { configPath: kubeconfigPath.stringValue, configContext: kubeconfigContext.stringValue },
    });

    this.namespaces = {
      gpuOperator: new AiNamespace(this, "namespace-gpu-operator", {
        name: config.namespaces.gpuOperator,
        enforce: "privileged",
      }),
      models: new AiNamespace(this, "namespace-models", {
        name: config.namespaces.models,
        enforce: "restricted",
      }),
    };

    this.pools = env.pools.map((pool) => new GpuNodePool(this, `pool-${pool.name}`, { pool }));
    // Labels and taints are on the nodes before anything is scheduled: the operator reads the MIG
    // and device-plugin config labels, and a taint applied after a pod is placed would evict it.
    const allPoolResources = this.pools.flatMap((p) => p.resources);

    const monitoring = config.monitoring;
    if (monitoring?.mode === "install") {
      this.monitoringStack = new KubePrometheusStack(this, "kube-prometheus-stack", {
        monitoring,
        pools: env.pools,
        mirror: config.mirror,
        dependsOn: allPoolResources,
      });
    }
    // ServiceMonitor, PodMonitor and PrometheusRule CRDs exist once the operator's chart is in.
    const monitoringCrds = this.monitoringStack === undefined ? [] : [this.monitoringStack.release];

    if (config.gpuOperator.enabled) {
      this.gpuOperator = new GpuOperator(this, "gpu-operator", {
        operator: config.gpuOperator,
        pools: env.pools,
        mirror: config.mirror,
        serviceMonitorLabels: config.monitoring?.serviceMonitorLabels,
        namespace: this.namespaces.gpuOperator.name,
        dependsOn: [this.namespaces.gpuOperator.resource, ...allPoolResources, ...monitoringCrds],
      });
    }

    const store = config.modelStore;
    if (store && plan.models.length > 0) {
      const models = this.namespaces.models;
      this.modelStore = new ModelStore(this, "model-store", {
        namespace: models.name,
        config: store,
        models: plan.checkpoints,
        runtimeFiles: runtimeFileSets(plan.models.map((m) => m.model.spec)),
        mirror: config.mirror,
        // Prefetch pods may land on any node the taints allow, so the taints are final first.
        dependsOn: [models.resource, ...allPoolResources],
      });
      const chart = new LocalChart(this, "model-server-chart", { chart: "model-server" });
      const modelStore = this.modelStore;
      this.modelServers = plan.models.map((m) => {
        const hf = m.model.spec.huggingFace;
        const pool = this.pools.find((p) => p.name === m.model.pool.name);
        if (!pool) throw new Error(`model ${m.model.servedName}: pool ${m.model.pool.name} is not in the stack`);
        // Each model waits for its own weights and its own pool's labels and taints, and for the
        // operator (which advertises the GPUs it requests); never for other models' downloads.
        const dependsOn = [
          models.resource,
          ...modelStore.readyFor(hf.repo, hf.revision),
          ...(m.model.spec.runtimeFiles ?? []).flatMap((set) => modelStore.readyForFiles(set.id)),
          ...pool.resources,
          ...(this.gpuOperator ? [this.gpuOperator.release] : []),
          // Its chart renders a ServiceMonitor: the CRD must exist.
          ...monitoringCrds,
        ];
        return new ModelServer(this, `model-${m.model.servedName}`, {
          plan: m,
          namespace: models.name,
          chartPath: chart.path,
          context: {
            claimName: modelStore.claimName,
            modelPath: `${ModelStore.MOUNT_PATH}/${ModelStore.modelDir(hf.repo, hf.revision)}`,
            mirror: config.mirror,
            serviceMonitorLabels: config.monitoring?.serviceMonitorLabels,
            imagePullMBps: env.imagePullMBps,
          },
          dependsOn,
        });
      });
    } else {
      this.modelServers = [];
    }

    const gatewayPlan = planGateway(env);
    if (gatewayPlan) {
      const namespace = new AiNamespace(this, "namespace-gateway", { name: gatewayPlan.namespace, enforce: "restricted" });
      const teams = gatewayPlan.teams.flatMap((t) =>
        t.namespace === undefined ? [] : [new AiNamespace(this, `namespace-team-${t.name}`, { name: t.namespace.name, enforce: "restricted" })],
      );
      const controllers = new AiGatewayControllers(this, "gateway", {
        plan: gatewayPlan,
        mirror: config.mirror,
        redisUrl: redisUrl(gatewayPlan.namespace),
      });
      const chart = new LocalChart(this, "ai-gateway-chart", { chart: "ai-gateway" });
      const routes = new AiGatewayRoutes(this, "gateway-routes", {
        plan: gatewayPlan,
        mirror: config.mirror,
        chartPath: chart.path,
        dependsOn: [namespace.resource, ...controllers.releases],
      });
      this.gateway = { namespace, teams, controllers, routes };
    }

    // Dashboards and rules generated from the plan and the cost model, for the Prometheus and
    // Grafana of `monitoring` (installed or existing).
    if (monitoring !== undefined && costs !== undefined) {
      const input = { environment: config.name, plan, costs, modelsNamespace: config.namespaces.models, gateway: gatewayPlan };
      const dashboards = Object.fromEntries((props.dashboards ?? []).map((d) => [d.uid, JSON.parse(d.json) as Record<string, unknown>]));
      // Dashboard JSON is full of Grafana's `${datasource}` variables: literal text for Terraform.
      const { dashboards: escaped, rules } = escapeTemplates({ dashboards, rules: prometheusRules(input) });
      const chart = new LocalChart(this, "observability-chart", { chart: OBSERVABILITY_CHART });
      this.observability = new Observability(this, "observability", {
        namespace: monitoring.namespace,
        chartPath: chart.path,
        values: observabilityValues({
          monitoring,
          gateway: gatewayPlan,
          dashboards: escaped,
          // The chart's values are plain data: a copy without the readonly marks.
          rules: { groups: rules.groups.map((g) => ({ ...g, rules: g.rules.map((r) => ({ ...r })) })) },
        }),
        dependsOn: [...monitoringCrds, ...(this.gateway === undefined ? [] : [this.gateway.namespace.resource])],
      });
    }

    // Default-deny ingress in every namespace the stack creates, and exactly the flows it needs.
    const policiesChart = new LocalChart(this, "policies-chart", { chart: "ai-factory-policies" });
    this.policies = new AiFactoryPolicies(this, "policies", {
      input: policiesInput(env, plan, gatewayPlan),
      namespace: this.namespaces.models.name,
      chartPath: policiesChart.path,
      dependsOn: [
        this.namespaces.gpuOperator.resource,
        this.namespaces.models.resource,
        ...(this.monitoringStack === undefined ? [] : [this.monitoringStack.namespace.resource]),
        ...(this.gateway === undefined
          ? []
          : [this.gateway.namespace.resource, ...this.gateway.teams.map((t) => t.resource), this.gateway.controllers.namespaces.envoyGateway.resource, this.gateway.controllers.namespaces.aiGateway.resource]),
      ],
    });

    new TerraformOutput(this, "gpu_pools", {
      description: "GPU node pools: nodes, GPU, GPUs per node and sharing mode.",
      value: Object.fromEntries(
        env.pools.map((p) => [
          p.name,
          { nodes: p.nodes, gpu: p.gpu.id, gpus_per_node: p.server.gpusPerServer, sharing: p.sharing.mode },
        ]),
      ),
    });

    if (costs) {
      const c = costs;
      // cdktf cannot synthesize null inside an output: a figure that does not exist is left out
      // (no per-token cost without served tokens; no break-even when on-prem never pays back).
      const present = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null));
      // Rounded for `terraform output` (no `1760000.0000000002`); costs/<env>.json keeps the exact figures.
      const usd = (x: number) => roundTo(x, 2);
      const orNull = (x: number | null, round: (x: number) => number) => (x === null ? null : round(x));
      new TerraformOutput(this, "cost", {
        description:
          "Cost summary: capex, monthly TCO and opex, cost per million tokens, and each cloud alternative's monthly cost and break-even month (absent: never). Rounded: USD to cents, USD per million tokens to 4 decimals, months to 2; cdktf.out/costs/<env>.json has the unrounded figures.",
        value: {
          ...present({
            capex_usd: usd(c.capexUsd),
            tco_usd_per_month: usd(c.monthly.tcoUsd),
            opex_usd_per_month: usd(c.monthly.opexUsd),
            usd_per_million_tokens: orNull(c.usdPerMillionTokens, (x) => roundTo(x, 4)),
          }),
          alternatives: Object.fromEntries(
            c.alternatives.map((a) => [
              a.id,
              present({ kind: a.kind, monthly_usd: usd(a.monthlyUsd), break_even_months: orNull(a.breakEvenMonths, (x) => roundTo(x, 2)) }),
            ]),
          ),
        },
      });
    }

    if (plan.models.length > 0) {
      new TerraformOutput(this, "models", {
        description: "Served models: pool, GPUs per replica, replicas, context and the sequences that fit at it.",
        value: Object.fromEntries(
          plan.models.map((m) => [
            m.model.servedName,
            {
              model: m.model.spec.id,
              pool: m.model.pool.name,
              precision: m.model.precision,
              gpus_per_replica: m.allocation.count,
              replicas: m.model.replicas,
              max_context_tokens: m.model.maxContextTokens,
              sequences_at_context: m.fit.maxConcurrentSequencesAtContext,
            },
          ]),
        ),
      });
    }
  }
}
