/**
 * Policy rules over what the stack creates and what its local charts render (pure: no cdktf, no
 * I/O). One module, used two ways: at synth by stacks/policy-aspect.ts (over the pod specs of the
 * Terraform resources and the pods the local charts' values guarantee) and in tests over every pod
 * template the local charts render with the real Helm (test/stacks/policy-aspects-rendered.test.ts).
 *
 * The rules (`POLICY_RULES`):
 * - `resources`: every container requests CPU and memory and has a memory limit. "Limits" means the
 *   memory limit only: a CPU limit is not required, because CFS quotas throttle the tokenizer and
 *   scheduler threads of an inference server even when the node has idle cores. A container that
 *   requests a GPU (any extended resource, such as `nvidia.com/gpu` or a MIG slice) must limit it
 *   at exactly its request, as Kubernetes requires of extended resources.
 * - `non-root`: every container runs with `runAsNonRoot: true` (its own or the pod's) and never as
 *   UID 0.
 * - `image-tag`: every image names a version tag other than `latest`, or a digest.
 * - `host-path`: no `hostPath` volume.
 * - `default-deny`: every namespace the stack creates has a default-deny ingress NetworkPolicy.
 *
 * Exceptions are `POLICY_ALLOW_LIST` entries, each with its reason. Pods the pinned upstream charts
 * run (GPU Operator, NFS CSI driver, Envoy Gateway, AI Gateway) are not rendered at synth and so
 * are out of reach here: their namespace's Pod Security level (constructs/namespaces.ts) is what
 * constrains them.
 */
import { escapeControl } from "../config/errors";

/** The rules, by id, with what each requires. */
export const POLICY_RULES = {
  resources: "Every container requests CPU and memory and has a memory limit; a GPU is limited at its request.",
  "non-root": "Every container runs as non-root (runAsNonRoot: true, never UID 0).",
  "image-tag": "Every image is pinned: a version tag other than latest, or a digest.",
  "host-path": "No hostPath volume.",
  "default-deny": "Every namespace the stack creates has a default-deny ingress NetworkPolicy.",
} as const;

/** A rule id of `POLICY_RULES`. */
export type PolicyRule = keyof typeof POLICY_RULES;

/** What exactly a rule found, for allow-list entries narrower than a whole rule. */
export type PolicyFinding =
  | "cpu-request"
  | "memory-request"
  | "memory-limit"
  | "gpu-limit"
  | "run-as-non-root"
  | "root-user"
  | "no-image"
  | "untagged"
  | "latest"
  | "host-path"
  | "default-deny";

/** One broken rule. */
export interface Violation {
  readonly rule: PolicyRule;
  readonly finding: PolicyFinding;
  /** What breaks it: the Terraform address, and for a chart's object the release and `kind namespace/name`. */
  readonly subject: string;
  /** The same, as data (allow-list entries match on it). */
  readonly owner: PodOwner;
  /** The container, for container rules. */
  readonly container?: string;
  /** The whole message: the subject, the container, the rule, what was found and what to do. */
  readonly message: string;
}

/** What owns a pod template: enough to name it in a message and to match allow-list entries. */
export interface PodOwner {
  /** Terraform address of the resource that creates it: `kubernetes_job_v1.<id>`, `helm_release.<id>`. */
  readonly address: string;
  /** For an object a local chart renders: the chart (folder under charts/) and the release. */
  readonly chart?: { readonly name: string; readonly release: string; readonly namespace: string };
  /** Kind of the object holding the pod template: `Job`, `Deployment`, `EnvoyProxy`, ... */
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** A namespace the stack creates. */
export interface CreatedNamespace {
  readonly name: string;
  /** Terraform address of the resource that creates it. */
  readonly address: string;
}

/** One exception to a rule, with its reason. Fields left out match anything; `kind` is required. */
export interface AllowEntry {
  readonly rule: PolicyRule;
  /** Only this finding of the rule. @default - every finding of the rule */
  readonly finding?: PolicyFinding;
  /** Kind of the owner (`Namespace` for `default-deny`). */
  readonly kind: string;
  /** Local chart that renders it. @default - any, or none */
  readonly chart?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly container?: string;
  /** Why the rule does not hold here, and what would lift the exception. */
  readonly reason: string;
}

/** Exceptions to the rules. */
export type AllowList = readonly AllowEntry[];

/**
 * The exceptions, kept minimal. Upstream charts need none: they are not checked (see the file's
 * comment), and the GPU Operator's namespace, privileged by design, still gets a default-deny.
 */
export const POLICY_ALLOW_LIST: AllowList = [
  {
    rule: "resources",
    finding: "memory-limit",
    kind: "EnvoyProxy",
    chart: "ai-gateway",
    container: "envoy",
    reason:
      "The Envoy proxy of the gateway requests 1 GiB (planning/gateway.ts GATEWAY_RESOURCES.envoyProxy) and has no memory limit: " +
      "the AI Gateway buffers whole request bodies (up to requestBufferLimit per connection), so its memory grows with concurrent " +
      "long prompts, and an OOM kill would drop every stream in flight on the replica. Remove this entry once a limit is sized and set there.",
  },
];

// ---------------------------------------------------------------------------------------------
// Helpers

type Obj = Readonly<Record<string, unknown>>;

function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function obj(value: unknown): Obj {
  return isObj(value) ? value : {};
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A string, quoted and escaped for a message. */
function quote(value: string): string {
  return escapeControl(JSON.stringify(value));
}

/** Whether a quantity is set: a number, or a non-empty string. */
function present(value: unknown): boolean {
  return typeof value === "number" || (typeof value === "string" && value.trim() !== "");
}

/** `nvidia.com/gpu`, `nvidia.com/mig-3g.40gb`, `amd.com/gpu`: a domain-qualified name outside kubernetes.io. */
function isExtendedResource(name: string): boolean {
  const slash = name.indexOf("/");
  if (slash < 0) return false;
  const domain = name.slice(0, slash);
  return domain !== "kubernetes.io" && !domain.endsWith(".kubernetes.io");
}

function sameQuantity(a: unknown, b: unknown): boolean {
  const x = Number(a);
  const y = Number(b);
  if (String(a).trim() !== "" && String(b).trim() !== "" && Number.isFinite(x) && Number.isFinite(y)) return x === y;
  return String(a) === String(b);
}

/** A UID as Kubernetes takes it (the Terraform provider writes it as a string). */
function uid(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

/** `kubernetes_job_v1.x (Job ns/name)` or `helm_release.x (chart c, release ns/r): Kind ns/name`. */
export function describeOwner(owner: PodOwner): string {
  const object = `${owner.kind} ${owner.namespace}/${owner.name}`;
  if (owner.chart === undefined) return `${owner.address} (${object})`;
  return `${owner.address} (chart ${owner.chart.name}, release ${owner.chart.namespace}/${owner.chart.release}): ${object}`;
}

/** The entry of `allow` that exempts `violation`, if any. */
export function allowingEntry(allow: AllowList, violation: Pick<Violation, "rule" | "finding" | "owner" | "container">): AllowEntry | undefined {
  const { owner, rule, finding, container } = violation;
  return allow.find(
    (e) =>
      e.rule === rule &&
      (e.finding === undefined || e.finding === finding) &&
      e.kind === owner.kind &&
      (e.chart === undefined || e.chart === owner.chart?.name) &&
      (e.namespace === undefined || e.namespace === owner.namespace) &&
      (e.name === undefined || e.name === owner.name) &&
      (e.container === undefined || e.container === container),
  );
}

function allowed(allow: AllowList, owner: PodOwner, rule: PolicyRule, finding: PolicyFinding, container: string | undefined): boolean {
  return allowingEntry(allow, { owner, rule, finding, container }) !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Images

/**
 * What is wrong with an image reference, or undefined when it is pinned: a digest
 * (`…@sha256:<hex>`) pins it whatever the tag; otherwise it needs a tag, and not `latest`.
 * A registry port (`registry:5000/app`) is not a tag.
 */
export function imageProblem(image: unknown): { finding: "no-image" | "untagged" | "latest"; text: string } | undefined {
  if (typeof image !== "string" || image.trim() === "") return { finding: "no-image", text: "has no image" };
  const at = image.indexOf("@");
  if (at >= 0 && /^[a-z0-9]+([+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/.test(image.slice(at + 1))) return undefined;
  const name = at >= 0 ? image.slice(0, at) : image;
  const colon = name.indexOf(":", name.lastIndexOf("/") + 1);
  const tag = colon < 0 ? "" : name.slice(colon + 1);
  if (tag === "") return { finding: "untagged", text: `image ${quote(image)} has no tag, so it pulls whatever \`latest\` is` };
  if (tag.toLowerCase() === "latest") return { finding: "latest", text: `image ${quote(image)} uses the floating tag ${quote(tag)}` };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Pods

/** The containers of a pod spec (Kubernetes shape): init, regular and ephemeral. */
function containersOf(spec: Obj): Obj[] {
  return [...list(spec.initContainers), ...list(spec.containers), ...list(spec.ephemeralContainers)].map(obj);
}

function checkResources(violate: Violate, container: Obj): void {
  const resources = obj(container.resources);
  const requests = obj(resources.requests);
  const limits = obj(resources.limits);
  if (!present(requests.cpu)) {
    violate("resources", "cpu-request", "no CPU request (resources.requests.cpu); set one so the scheduler reserves the CPU the container needs");
  }
  if (!present(requests.memory)) {
    violate("resources", "memory-request", "no memory request (resources.requests.memory); set one so the scheduler reserves the memory the container needs");
  }
  if (!present(limits.memory)) {
    violate(
      "resources",
      "memory-limit",
      "no memory limit (resources.limits.memory); set one, at least the memory request, so a leak is OOM-killed in its own container instead of starving the node (a CPU limit is not required: it throttles inference)",
    );
  }
  for (const name of Object.keys(requests).sort()) {
    if (!isExtendedResource(name)) continue;
    const request = requests[name];
    const limit = limits[name];
    if (!present(limit) || !sameQuantity(limit, request)) {
      const got = present(limit) ? `limits it at ${quote(String(limit))}` : "does not limit it";
      violate(
        "resources",
        "gpu-limit",
        `requests ${quote(name)}: ${quote(String(request))} but ${got}; set resources.limits[${quote(name)}] to ${quote(String(request))} (Kubernetes requires a GPU, as any extended resource, to be limited at exactly its request)`,
      );
    }
  }
}

function checkNonRoot(violate: Violate, pod: Obj, container: Obj): void {
  const podContext = obj(pod.securityContext);
  const own = obj(container.securityContext);
  const nonRoot = own.runAsNonRoot ?? podContext.runAsNonRoot;
  const user = uid(own.runAsUser ?? podContext.runAsUser);
  const fix = "set securityContext.runAsNonRoot: true and a non-zero runAsUser, or, if it must run as root, allow-list it in planning/pod-policy.ts (POLICY_ALLOW_LIST) with the reason";
  if (user === 0) violate("non-root", "root-user", `runs as UID 0 (securityContext.runAsUser); ${fix}`);
  else if (nonRoot === false) violate("non-root", "run-as-non-root", `sets securityContext.runAsNonRoot: false; ${fix}`);
  else if (nonRoot !== true) violate("non-root", "run-as-non-root", `does not set securityContext.runAsNonRoot (neither the container nor the pod), so it may run as root; ${fix}`);
}

type Violate = (rule: PolicyRule, finding: PolicyFinding, text: string) => void;

/**
 * The violations of the container rules (`resources`, `non-root`, `image-tag`, `host-path`) by a
 * pod spec in Kubernetes' shape (`containers`, `initContainers`, `securityContext`, `volumes`),
 * less those `allow` exempts. Sorted as found: containers in order, then volumes.
 */
export function checkPodSpec(owner: PodOwner, podSpec: unknown, allow: AllowList): Violation[] {
  const subject = describeOwner(owner);
  const spec = obj(podSpec);
  const out: Violation[] = [];
  const containers = containersOf(spec);
  if (containers.length === 0) {
    // Nothing to check would pass every rule: a pod spec this module cannot read is a bug upstream of it.
    throw new Error(`pod policy: ${subject} has no containers in its pod spec; pass the pod spec (spec.template.spec), in Kubernetes' shape`);
  }
  for (const container of containers) {
    const name = typeof container.name === "string" ? container.name : "(unnamed)";
    const violate: Violate = (rule, finding, text) => {
      if (allowed(allow, owner, rule, finding, name)) return;
      out.push({ rule, finding, subject, owner, container: name, message: `${subject}, container ${quote(name)}: policy ${rule}: ${text}` });
    };
    checkResources(violate, container);
    checkNonRoot(violate, spec, container);
    const image = imageProblem(container.image);
    if (image) violate("image-tag", image.finding, `${image.text}; pin a version tag (e.g. "busybox:1.37.0") or a digest ("…@sha256:<64 hex digits>")`);
  }
  for (const volume of list(spec.volumes).map(obj)) {
    const hostPath = volume.hostPath;
    if (hostPath === undefined || hostPath === null) continue;
    if (allowed(allow, owner, "host-path", "host-path", undefined)) continue;
    const name = typeof volume.name === "string" ? volume.name : "(unnamed)";
    const where = typeof obj(hostPath).path === "string" ? ` ${quote(String(obj(hostPath).path))}` : "";
    out.push({
      rule: "host-path",
      finding: "host-path",
      subject,
      owner,
      message: `${subject}: policy host-path: volume ${quote(name)} mounts the host path${where} of the node; use a PersistentVolumeClaim, emptyDir, configMap or secret volume, or, if it must reach the node's files, allow-list it in planning/pod-policy.ts (POLICY_ALLOW_LIST) with the reason`,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Namespaces

/** Whether `policy` is a default-deny ingress NetworkPolicy: every pod selected, Ingress, no rule. */
export function isDefaultDenyIngress(policy: unknown): boolean {
  const p = obj(policy);
  if (p.kind !== undefined && p.kind !== "NetworkPolicy") return false;
  const spec = obj(p.spec);
  const selector = obj(spec.podSelector);
  const selectsAll = Object.keys(obj(selector.matchLabels)).length === 0 && list(selector.matchExpressions).length === 0;
  return selectsAll && list(spec.policyTypes).includes("Ingress") && list(spec.ingress).length === 0;
}

/** The namespaces of the default-deny ingress policies among `policies`, sorted. */
export function defaultDenyNamespaces(policies: readonly unknown[]): string[] {
  const namespaces = policies.filter(isDefaultDenyIngress).map((p) => obj(obj(p).metadata).namespace);
  return [...new Set(namespaces.filter((n): n is string => typeof n === "string"))].sort();
}

/** The `default-deny` violations: each namespace of `created` not in `defaultDenies`, less those `allow` exempts. */
export function checkNamespaces(created: readonly CreatedNamespace[], defaultDenies: readonly string[], allow: AllowList = POLICY_ALLOW_LIST): Violation[] {
  const denied = new Set(defaultDenies);
  const seen = new Set<string>();
  const out: Violation[] = [];
  for (const ns of [...created].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0))) {
    const key = `${ns.address}\u0000${ns.name}`;
    if (denied.has(ns.name) || seen.has(key)) continue;
    seen.add(key);
    const owner: PodOwner = { address: ns.address, kind: "Namespace", namespace: ns.name, name: ns.name };
    if (allowed(allow, owner, "default-deny", "default-deny", undefined)) continue;
    const subject = `${ns.address} (Namespace ${ns.name})`;
    out.push({
      rule: "default-deny",
      finding: "default-deny",
      subject,
      owner,
      message: `${subject}: policy default-deny: the namespace has no default-deny ingress NetworkPolicy (podSelector {}, policyTypes [Ingress], no rules); list it among the namespaces planning/network.ts managedNamespaces returns, so the ai-factory-policies chart gives it one`,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes objects

/**
 * The pod spec an object runs, in Kubernetes' shape, or undefined for an object without pods:
 * Pod; Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController
 * (`spec.template.spec`); CronJob; and Envoy Gateway's EnvoyProxy, whose controller runs the
 * `envoy` container with `envoyDeployment.container` and `envoyDeployment.pod` merged in.
 */
export function podSpecOf(object: unknown): Obj | undefined {
  const o = obj(object);
  const spec = obj(o.spec);
  switch (o.kind) {
    case "Pod":
      return spec;
    case "Deployment":
    case "ReplicaSet":
    case "StatefulSet":
    case "DaemonSet":
    case "Job":
    case "ReplicationController":
      return obj(obj(spec.template).spec);
    case "CronJob":
      return obj(obj(obj(obj(spec.jobTemplate).spec).template).spec);
    case "EnvoyProxy": {
      if (typeof o.apiVersion !== "string" || !o.apiVersion.startsWith("gateway.envoyproxy.io/")) return undefined;
      const deployment = obj(obj(obj(spec.provider).kubernetes).envoyDeployment);
      const pod = obj(deployment.pod);
      return { securityContext: pod.securityContext, volumes: pod.volumes, containers: [{ ...obj(deployment.container), name: "envoy" }] };
    }
    default:
      return undefined;
  }
}
