/**
 * Policy checks at synth (planning/pod-policy.ts holds the rules): a cdktf Aspect that visits every
 * construct of a stack and checks what Terraform will be given.
 *
 * - Kubernetes workload resources (today the model store's `kubernetes_job_v1` prefetch Jobs; any
 *   Deployment, StatefulSet, DaemonSet, Pod or CronJob added later alike) and `kubernetes_manifest`
 *   objects: their pod spec as synthesized (`toTerraform()`, overrides included), read into
 *   Kubernetes' shape and checked with `checkPodSpec`.
 * - `helm_release`s of our local charts (charts/): synth does not run Helm, so what the chart will
 *   render is read from its values (the chart's values.yaml with the release's values over it, as
 *   Helm merges them) through `chartPods`, which mirrors each chart's templates; the parts the
 *   templates fix (runAsNonRoot, Redis' UID, no hostPath) are checked against the real `helm
 *   template` output in test/stacks/policy-aspects-rendered.test.ts, which also runs the rules
 *   over every rendered pod template. The ai-factory-policies release gives the default-deny
 *   policies.
 * - Namespaces the stack creates (`kubernetes_namespace_v1`, a release's `create_namespace`): each
 *   needs a default-deny ingress policy.
 * - Upstream charts (GPU Operator, NFS CSI driver, Envoy Gateway, AI Gateway) are not rendered at
 *   synth and are not checked: their pods are held by their namespace's Pod Security level.
 *
 * How a violation fails the synth: cdktf invokes aspects top-down with no end-of-walk hook, so the
 * aspect collects while it visits, and a validation it adds to the stack (run by cdktf right after
 * the aspects, before the stack's files are written) throws a `PolicyError`: a `ConfigError`, so the
 * CLI prints one line per violation, exits 1 and publishes nothing (cli/output.ts, cli/staging.ts).
 * Error annotations would not do: `cdktf synth` sets CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS, so
 * they fail nothing inside the app, and a validation that returns messages is reported by cdktf as
 * an internal error with a stack trace.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type IAspect, TerraformResource, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { parse } from "yaml";
import { ConfigError } from "../config/errors";
import { modelServerObjectName } from "../config/kubernetes-names";
import { CHARTS_DIR, LocalChart, chartContentHash } from "../constructs/local-chart";
import {
  type AllowList,
  type CreatedNamespace,
  POLICY_ALLOW_LIST,
  type PodOwner,
  type Violation,
  checkNamespaces,
  checkPodSpec,
  defaultDenyNamespaces,
  podSpecOf,
} from "../planning/pod-policy";

type Obj = Readonly<Record<string, unknown>>;

function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function obj(value: unknown): Obj {
  return isObj(value) ? value : {};
}

/** A nested block as Terraform JSON may write it: an object, or a list of one. */
function one(value: unknown): Obj {
  return obj(Array.isArray(value) ? value[0] : value);
}

/** A repeated block: a list, or a single object. */
function many(value: unknown): Obj[] {
  if (Array.isArray(value)) return value.map(obj);
  return isObj(value) ? [value] : [];
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

// ---------------------------------------------------------------------------------------------
// Terraform resources of the kubernetes provider

/** Workload resource types of the kubernetes provider: the kind they create and where their pod spec is. */
const WORKLOADS: Readonly<Record<string, { readonly kind: string; readonly podSpec: readonly string[] }>> = (() => {
  const template = ["spec", "template", "spec"];
  const table: Record<string, { kind: string; podSpec: readonly string[] }> = {};
  const add = (types: string[], kind: string, podSpec: readonly string[]) => types.forEach((t) => (table[t] = { kind, podSpec }));
  add(["kubernetes_job_v1", "kubernetes_job"], "Job", template);
  add(["kubernetes_deployment_v1", "kubernetes_deployment"], "Deployment", template);
  add(["kubernetes_stateful_set_v1", "kubernetes_stateful_set"], "StatefulSet", template);
  add(["kubernetes_daemon_set_v1", "kubernetes_daemonset"], "DaemonSet", template);
  add(["kubernetes_replication_controller_v1", "kubernetes_replication_controller"], "ReplicationController", template);
  add(["kubernetes_pod_v1", "kubernetes_pod"], "Pod", ["spec"]);
  add(["kubernetes_cron_job_v1", "kubernetes_cron_job"], "CronJob", ["spec", "job_template", "spec", "template", "spec"]);
  return table;
})();

const NAMESPACE_TYPES = new Set(["kubernetes_namespace_v1", "kubernetes_namespace"]);

function securityContext(block: Obj): Obj {
  return { runAsNonRoot: block.run_as_non_root, runAsUser: block.run_as_user };
}

function container(c: Obj): Obj {
  const resources = one(c.resources);
  return {
    name: c.name,
    image: c.image,
    resources: { requests: resources.requests, limits: resources.limits },
    securityContext: securityContext(one(c.security_context)),
  };
}

/**
 * A pod spec of the kubernetes provider, in Terraform's shape (`container`, `init_container`,
 * `security_context`, `volume[].host_path`), as the Kubernetes shape `checkPodSpec` reads.
 */
export function podSpecFromTerraform(spec: unknown): Obj {
  const s = one(spec);
  return {
    securityContext: securityContext(one(s.security_context)),
    initContainers: many(s.init_container).map(container),
    containers: many(s.container).map(container),
    volumes: many(s.volume).map((v) => ({ name: v.name, ...(v.host_path === undefined || v.host_path === null ? {} : { hostPath: one(v.host_path) }) })),
  };
}

// ---------------------------------------------------------------------------------------------
// Local charts

/** A release of a local chart: its Terraform address, name and namespace. */
export interface ChartRelease {
  readonly address: string;
  readonly name: string;
  readonly namespace: string;
}

/** One pod template a local chart renders, as its values guarantee it. */
export interface ChartPod {
  readonly owner: PodOwner;
  readonly podSpec: Obj;
}

/**
 * `values` with `override` merged over it as Helm merges a values file over the chart's: maps
 * merge key by key, anything else replaces, and null deletes the key.
 */
export function mergeHelmValues(values: unknown, override: unknown): unknown {
  if (!isObj(values) || !isObj(override)) return override;
  const out: Record<string, unknown> = { ...values };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else out[key] = isObj(value) && isObj(out[key]) ? mergeHelmValues(out[key], value) : value;
  }
  return out;
}

/** `repository:tag`, and `@digest` when there is one, as the charts' image helpers print it. */
function imageRef(image: Obj): string {
  const repository = typeof image.repository === "string" ? image.repository : "";
  const tag = image.tag === undefined || image.tag === null ? "" : `:${String(image.tag)}`;
  const digest = text(image.digest);
  return `${repository}${tag}${digest === undefined ? "" : `@${digest}`}`;
}

/** The model-server chart's Deployment (templates/deployment.yaml), from its values. */
function modelServerPods(values: Obj, release: ChartRelease): ChartPod[] {
  const resources = obj(values.resources);
  const requests = obj(resources.requests);
  const limits = obj(resources.limits);
  const gpu = obj(resources.gpu);
  // Rendered as `int count | quote`, the same in requests and limits.
  const gpus = text(gpu.resourceName) === undefined ? {} : { [String(gpu.resourceName)]: String(Math.trunc(Number(gpu.count ?? 0))) };
  const served = text(values.servedModelName);
  const name = served === undefined ? release.name : modelServerObjectName(served);
  return [
    {
      owner: { address: release.address, chart: { name: "model-server", release: release.name, namespace: release.namespace }, kind: "Deployment", namespace: release.namespace, name },
      podSpec: {
        // The template fixes runAsNonRoot and takes the UID from the values.
        securityContext: { runAsNonRoot: true, runAsUser: obj(values.securityContext).runAsUser },
        containers: [
          {
            name: "vllm",
            image: imageRef(obj(values.image)),
            resources: {
              requests: { cpu: requests.cpu, memory: requests.memory, ...gpus },
              limits: { ...(text(limits.cpu) === undefined ? {} : { cpu: limits.cpu }), memory: limits.memory, ...gpus },
            },
            securityContext: { runAsNonRoot: true },
          },
        ],
      },
    },
  ];
}

/** The ai-gateway chart's Redis Deployment (templates/redis.yaml) and EnvoyProxy (templates/envoyproxy.yaml), from its values. */
function aiGatewayPods(values: Obj, release: ChartRelease): ChartPod[] {
  const chart = { name: "ai-gateway", release: release.name, namespace: release.namespace };
  const redis = obj(values.redis);
  const redisResources = obj(redis.resources);
  const envoy = obj(values.envoyProxy);
  const envoyRequests = obj(obj(envoy.resources).requests);
  const gatewayName = text(values.gatewayName) ?? release.name;
  return [
    {
      owner: { address: release.address, chart, kind: "Deployment", namespace: release.namespace, name: "redis" },
      podSpec: {
        // The template fixes the UID of the image's redis user.
        securityContext: { runAsNonRoot: true, runAsUser: 999 },
        containers: [
          {
            name: "redis",
            image: imageRef(obj(redis.image)),
            resources: {
              requests: { cpu: obj(redisResources.requests).cpu, memory: obj(redisResources.requests).memory },
              limits: { memory: obj(redisResources.limits).memory },
            },
            securityContext: { runAsNonRoot: true },
          },
        ],
      },
    },
    {
      owner: { address: release.address, chart, kind: "EnvoyProxy", namespace: release.namespace, name: gatewayName },
      podSpec: {
        securityContext: { runAsNonRoot: true },
        // The template renders the requests only.
        containers: [{ name: "envoy", image: imageRef(obj(envoy.image)), resources: { requests: { cpu: envoyRequests.cpu, memory: envoyRequests.memory } } }],
      },
    },
  ];
}

/** What a local chart renders that the rules read: its pods, and the namespaces it gives a default-deny policy. */
export interface ChartPolicyView {
  readonly pods: readonly ChartPod[];
  readonly defaultDenies: readonly string[];
}

/**
 * The pods and default-deny namespaces the local chart `chart` renders with `values` (merged over
 * the chart's own). Throws for a chart it does not know: a new local chart needs its entry here
 * (and in the rendered test), or nothing it runs would be checked.
 */
export function chartPolicyView(chart: string, values: unknown, release: ChartRelease): ChartPolicyView {
  const v = obj(values);
  switch (chart) {
    case "model-server":
      return { pods: modelServerPods(v, release), defaultDenies: [] };
    case "ai-gateway":
      return { pods: aiGatewayPods(v, release), defaultDenies: [] };
    case "ai-factory-policies":
      return { pods: [], defaultDenies: defaultDenyNamespaces(Object.values(obj(v.networkPolicies))) };
    case "ai-factory-observability":
      // Dashboards (ConfigMaps), a PrometheusRule and a PodMonitor: no pod, no namespace.
      return { pods: [], defaultDenies: [] };
    default:
      throw new Error(
        `policy: ${release.address} installs the local chart ${JSON.stringify(chart)}, which the policy checks do not know; add what it renders to chartPolicyView in stacks/policy-aspect.ts`,
      );
  }
}

/** Chart folder names under charts/ by content hash (the last segment of a LocalChart's path). */
let chartsByHash: Map<string, string> | undefined;

function chartByHash(hash: string): string | undefined {
  if (chartsByHash === undefined) {
    chartsByHash = new Map();
    for (const entry of fs.readdirSync(CHARTS_DIR, { withFileTypes: true })) {
      if (entry.isDirectory()) chartsByHash.set(chartContentHash(path.join(CHARTS_DIR, entry.name)), entry.name);
    }
  }
  return chartsByHash.get(hash);
}

/** The chart's values.yaml, parsed. */
function chartDefaults(chart: string): unknown {
  return parse(fs.readFileSync(path.join(CHARTS_DIR, chart, "values.yaml"), "utf8")) ?? {};
}

// ---------------------------------------------------------------------------------------------
// The aspect

/** Policy violations of a stack: a ConfigError, so the CLI reports them and exits 1. */
export class PolicyError extends ConfigError {
  constructor(
    file: string,
    public readonly violations: readonly Violation[],
  ) {
    super(violations.map((v) => ({ file, path: [], message: v.message })));
    this.name = "PolicyError";
  }
}

export interface PolicyAspectProps {
  /** The environment file the stack is built from, which the problems name. */
  readonly file: string;
  /**
   * Exceptions to the rules.
   * @default POLICY_ALLOW_LIST
   */
  readonly allow?: AllowList;
}

interface StackState {
  violations: Violation[];
  created: CreatedNamespace[];
  defaultDenies: string[];
  /** LocalChart paths in the stack → chart folder, found on first use. */
  charts?: Map<string, string>;
  validated: boolean;
}

/** Checks the rules of planning/pod-policy.ts over a stack at synth; add it with `Aspects.of(stack).add(...)`. */
export class PolicyAspect implements IAspect {
  public readonly file: string;
  public readonly allow: AllowList;
  private readonly states = new Map<TerraformStack, StackState>();

  constructor(props: PolicyAspectProps) {
    this.file = props.file;
    this.allow = props.allow ?? POLICY_ALLOW_LIST;
  }

  public visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) {
      // The stack is the first node of each walk: start afresh, so a second synth does not count twice.
      const state = this.state(node);
      state.violations = [];
      state.created = [];
      state.defaultDenies = [];
      return;
    }
    if (!TerraformResource.isTerraformResource(node)) return;
    const type = node.terraformResourceType;
    const attributes = (node.toTerraform() as { resource?: Record<string, Record<string, unknown>> }).resource?.[type]?.[node.friendlyUniqueId];
    // A resource moved away (`moveTo`) synthesizes nothing.
    if (attributes === undefined) return;
    this.inspect(TerraformStack.of(node), `${type}.${node.friendlyUniqueId}`, type, obj(attributes));
  }

  /**
   * Every violation of `stack` the last walk found, namespaces included (empty before cdktf has
   * invoked the aspect). The synth fails on these.
   */
  public violations(stack: TerraformStack): Violation[] {
    const state = this.states.get(stack);
    if (state === undefined) return [];
    return [...state.violations, ...checkNamespaces(state.created, state.defaultDenies, this.allow)];
  }

  private state(stack: TerraformStack): StackState {
    let state = this.states.get(stack);
    if (state === undefined) {
      state = { violations: [], created: [], defaultDenies: [], validated: false };
      this.states.set(stack, state);
    }
    if (!state.validated) {
      state.validated = true;
      // Runs after the aspects and before the stack's files are written (cdktf StackSynthesizer).
      stack.node.addValidation({
        validate: () => {
          const violations = this.violations(stack);
          if (violations.length > 0) throw new PolicyError(this.file, violations);
          return [];
        },
      });
    }
    return state;
  }

  private inspect(stack: TerraformStack, address: string, type: string, attributes: Obj): void {
    const state = this.state(stack);
    const workload = WORKLOADS[type];
    if (workload !== undefined) {
      const metadata = one(attributes.metadata);
      let spec: unknown = attributes;
      for (const key of workload.podSpec) spec = one(spec)[key];
      const owner: PodOwner = {
        address,
        kind: workload.kind,
        namespace: text(metadata.namespace) ?? "default",
        name: text(metadata.name) ?? text(metadata.generate_name) ?? "(generated)",
      };
      state.violations.push(...checkPodSpec(owner, podSpecFromTerraform(spec), this.allow));
    } else if (NAMESPACE_TYPES.has(type)) {
      const name = text(one(attributes.metadata).name);
      if (name !== undefined) state.created.push({ name, address });
    } else if (type === "kubernetes_manifest") {
      this.inspectObject(state, address, obj(attributes.manifest));
    } else if (type === "helm_release") {
      this.inspectRelease(stack, state, address, attributes);
    }
  }

  /** A Kubernetes object given whole to Terraform (`kubernetes_manifest`). */
  private inspectObject(state: StackState, address: string, manifest: Obj): void {
    const metadata = obj(manifest.metadata);
    const name = text(metadata.name) ?? "(unnamed)";
    if (manifest.kind === "Namespace") {
      state.created.push({ name, address });
      return;
    }
    if (manifest.kind === "NetworkPolicy") {
      state.defaultDenies.push(...defaultDenyNamespaces([{ ...manifest, metadata: { ...metadata, namespace: text(metadata.namespace) ?? "default" } }]));
      return;
    }
    const podSpec = podSpecOf(manifest);
    if (podSpec === undefined) return;
    const owner: PodOwner = { address, kind: String(manifest.kind), namespace: text(metadata.namespace) ?? "default", name };
    state.violations.push(...checkPodSpec(owner, podSpec, this.allow));
  }

  private inspectRelease(stack: TerraformStack, state: StackState, address: string, attributes: Obj): void {
    const release: ChartRelease = { address, name: text(attributes.name) ?? "(unnamed)", namespace: text(attributes.namespace) ?? "default" };
    if (attributes.create_namespace === true) state.created.push({ name: release.namespace, address });
    const chart = typeof attributes.chart === "string" ? this.localCharts(stack, state).get(attributes.chart) : undefined;
    // An upstream chart (from a repository): not rendered here; see the file's comment.
    if (chart === undefined || text(attributes.repository) !== undefined) return;
    // Dashboards, rules and monitors: no pod and no namespace, so its (large) values need no reading.
    if (chart === "ai-factory-observability") return;
    const documents = Array.isArray(attributes.values) ? attributes.values : [];
    let values = chartDefaults(chart);
    for (const doc of documents) values = mergeHelmValues(values, typeof doc === "string" ? (parse(doc) ?? {}) : {});
    const view = chartPolicyView(chart, values, release);
    for (const pod of view.pods) state.violations.push(...checkPodSpec(pod.owner, pod.podSpec, this.allow));
    state.defaultDenies.push(...view.defaultDenies);
  }

  /** The stack's local charts: the path a release names (`assets/<id>/<hash>`) → folder under charts/. */
  private localCharts(stack: TerraformStack, state: StackState): Map<string, string> {
    if (state.charts === undefined) {
      state.charts = new Map();
      for (const node of stack.node.findAll()) {
        if (!(node instanceof LocalChart)) continue;
        const chart = chartByHash(node.contentHash);
        if (chart === undefined) throw new Error(`policy: the local chart ${node.node.path} is not a folder of charts/ (content hash ${node.contentHash})`);
        state.charts.set(node.path, chart);
      }
    }
    return state.charts;
  }
}
