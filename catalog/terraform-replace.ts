/**
 * Which attribute changes make Terraform replace a resource (destroy, then create) rather than
 * update it in place, for the resource types the stacks emit, at the provider versions they pin.
 * Read from the providers' schemas: `ForceNew` and CustomizeDiff for the SDKv2 kubernetes provider,
 * `RequiresReplace` plan modifiers for the plugin-framework helm provider. Pure data and a lookup.
 *
 * One rule of the SDKv2 (hashicorp/terraform-plugin-sdk v2.37.0, the version kubernetes v2.38.0
 * builds with, helper/schema/schema.go): `ForceNew` on a block (a list or set of nested
 * attributes) marks only its element count (`diffList` line 1396, `diffSet` line 1620), so adding or
 * removing the block forces a new resource but a change inside it does so only where the nested
 * attribute is itself `ForceNew`. On a map or a list of plain values it covers every element
 * (`diffMap` line 1548, `diffList` line 1445). `inPlace` records the nested attributes this leaves
 * updatable, which is why the longest matching path decides.
 */

/** The replace rules of one resource type. */
export interface ReplaceRules {
  /** Attribute paths (dotted, as they appear in cdk.tf.json; no array indexes) whose change forces a new resource. A change at a path equal to or under one of them forces replacement. */
  readonly forceNew: readonly string[];
  /** Where this was read: file path(s) at the tag, e.g. "hashicorp/terraform-provider-kubernetes v2.38.0 kubernetes/resource_kubernetes_persistent_volume_claim.go". */
  readonly source: string;
  /** Paths under a forceNew path that are nonetheless updated in place (e.g. if the PVC storage request may grow), if any. Where paths nest, the longest one that matches decides. */
  readonly inPlace?: readonly string[];
  /**
   * Quantity paths that update in place when they grow but force a new resource when they shrink
   * (a CustomizeDiff compares them), if any. `forcesReplacement` says so only when given both values.
   */
  readonly forceNewWhenDecreased?: readonly string[];
}

/** The provider versions the rules were read at; a test keeps them equal to the stack's pins. */
export const PROVIDER_VERSIONS: { readonly kubernetes: "2.38.0"; readonly helm: "3.1.1" } = {
  kubernetes: "2.38.0",
  helm: "3.1.1",
};

const K8S = `hashicorp/terraform-provider-kubernetes v${PROVIDER_VERSIONS.kubernetes}`;
const HELM = `hashicorp/terraform-provider-helm v${PROVIDER_VERSIONS.helm}`;

// kubernetes/schema_metadata.go: `name` (line 37) and `generate_name` (lines 62, 103) are ForceNew
// in every metadata block, and `namespace` (line 95) in namespaced ones; labels and annotations
// are not.
const METADATA = ["metadata.name", "metadata.generate_name"];
const NAMESPACED_METADATA = [...METADATA, "metadata.namespace"];

// kubernetes/schema_persistent_volume_claim.go persistentVolumeClaimSpecFields: access_modes (line 33),
// resources.limits (56), selector (73, and every field inside: schema_label_selector.go with
// updatable=false), volume_name (83), storage_class_name (91), volume_mode (98). resources.requests
// (line 60) is the one field left updatable.
const PVC_SPEC_FORCE_NEW = ["access_modes", "resources.limits", "selector", "volume_name", "storage_class_name", "volume_mode"];

const POD = "spec.template.spec";
const CONTAINERS = ["container", "init_container"].map((c) => `${POD}.${c}`);
// kubernetes/schema_container.go lifecycleHandlerFields (line 13) and probeSchema (line 693): no
// field inside a handler or probe is ForceNew, only the probe and handler blocks themselves
// (lines 509, 518, 530, 591, 618).
const HANDLER_FIELDS = ["exec", "http_get", "tcp_socket"];
const PROBE_FIELDS = [...HANDLER_FIELDS, "grpc", "failure_threshold", "initial_delay_seconds", "period_seconds", "success_threshold", "timeout_seconds"];

/** Every path `${prefix}.${name}` for each prefix and name. */
function under(prefixes: readonly string[], names: readonly string[]): string[] {
  return prefixes.flatMap((prefix) => names.map((name) => `${prefix}.${name}`));
}

/** Replace rules by Terraform resource type. */
export const REPLACE_RULES: Readonly<Record<string, ReplaceRules>> = {
  // helm/resource_helm_release.go: the only RequiresReplace plan modifiers are on `name` (line 417)
  // and `namespace` (line 429); ModifyPlan (line 1921) sets none. chart, version, repository and
  // values change by `helm upgrade`.
  helm_release: {
    forceNew: ["name", "namespace"],
    source: `${HELM} helm/resource_helm_release.go`,
  },
  kubernetes_job_v1: {
    forceNew: [
      ...NAMESPACED_METADATA,
      // schema_job_spec.go: backoff_limit_per_index (line 63), completions (71), completion_mode
      // (79), pod_failure_policy (111; its rules are not), selector (179, every field inside too),
      // template (229) and template.spec (30). The job's `spec` block itself is not (resource
      // line 60).
      "spec.backoff_limit_per_index",
      "spec.completions",
      "spec.completion_mode",
      "spec.pod_failure_policy",
      "spec.selector",
      "spec.template",
      // ForceNew again below an in-place path: template metadata (schema_job_spec.go line 25 is
      // metadataSchema), match_fields (schema_affinity_spec.go line 130), topology spread
      // (schema_pod_spec.go lines 504-534), empty_dir (763, 770), azure_file.secret_namespace
      // (schema_volume_source.go line 190), an ephemeral volume's claim spec (schema_pod_spec.go line 822).
      ...METADATA.map((m) => `spec.template.${m}`),
      `${POD}.affinity.node_affinity.required_during_scheduling_ignored_during_execution.node_selector_term.match_fields`,
      `${POD}.affinity.node_affinity.preferred_during_scheduling_ignored_during_execution.preference.match_fields`,
      ...under([`${POD}.topology_spread_constraint`], ["match_label_keys", "min_domains", "node_affinity_policy", "node_taints_policy"]),
      `${POD}.volume.empty_dir.medium`,
      `${POD}.volume.empty_dir.size_limit`,
      `${POD}.volume.azure_file.secret_namespace`,
      ...under([`${POD}.volume.ephemeral.volume_claim_template.spec`], PVC_SPEC_FORCE_NEW),
    ],
    source:
      `${K8S} kubernetes/resource_kubernetes_job_v1.go, kubernetes/schema_job_spec.go, kubernetes/schema_pod_spec.go, ` +
      "kubernetes/schema_container.go, kubernetes/schema_affinity_spec.go, kubernetes/schema_volume_source.go, kubernetes/schema_metadata.go",
    // Under the ForceNew template, podSpecFields(isUpdatable=false) makes almost every leaf ForceNew;
    // these are the exceptions. Terraform plans them as updates, but patchJobV1Spec
    // (structure_job.go line 291) sends no template field, so such an apply changes nothing in the
    // cluster and the diff stays.
    inPlace: [
      "spec.pod_failure_policy.rule", // schema_job_spec.go line 116
      "spec.template.metadata",
      `${POD}.active_deadline_seconds`, // schema_pod_spec.go line 31
      ...under([`${POD}.affinity`], ["node_affinity", "pod_affinity", "pod_anti_affinity"]), // schema_affinity_spec.go lines 13-37
      `${POD}.os`, // schema_pod_spec.go lines 206-213
      `${POD}.security_context.windows_options`, // schema_pod_spec.go lines 351-374
      `${POD}.topology_spread_constraint`, // schema_pod_spec.go lines 494-557
      `${POD}.volume`, // schema_pod_spec.go line 563: ForceNew on neither the list nor (but the three above) inside
      ...under(CONTAINERS, ["env.value_from.resource_field_ref.divisor"]), // schema_container.go line 380
      ...under(under(CONTAINERS, ["lifecycle.post_start", "lifecycle.pre_stop"]), HANDLER_FIELDS),
      ...under(under(CONTAINERS, ["liveness_probe", "readiness_probe", "startup_probe"]), PROBE_FIELDS),
      // volumeMountFields / volumeDeviceFields (schema_container.go lines 223, 261) take no
      // isUpdatable and set no ForceNew: only adding or removing a mount forces a new job.
      ...under(under(CONTAINERS, ["volume_mount"]), ["mount_path", "name", "read_only", "sub_path", "sub_path_expr", "mount_propagation"]),
      ...under(under(CONTAINERS, ["volume_device"]), ["device_path", "name"]),
    ],
  },
  // resource_kubernetes_labels.go: api_version (line 39), kind (45), metadata.name (57) and
  // metadata.namespace (63). `labels` (line 68) is applied in place.
  kubernetes_labels: {
    forceNew: ["api_version", "kind", "metadata.name", "metadata.namespace"],
    source: `${K8S} kubernetes/resource_kubernetes_labels.go`,
  },
  // resource_kubernetes_namespace_v1.go line 34: metadataSchema("namespace", true).
  kubernetes_namespace_v1: {
    forceNew: METADATA,
    source: `${K8S} kubernetes/resource_kubernetes_namespace_v1.go, kubernetes/schema_metadata.go`,
  },
  // resource_kubernetes_node_taint.go: metadata.name (line 56). The taints (line 73) are applied in
  // place; the CustomizeDiff (line 27) only rejects duplicate keys.
  kubernetes_node_taint: {
    forceNew: ["metadata.name"],
    source: `${K8S} kubernetes/resource_kubernetes_node_taint.go, kubernetes/schema_node_spec.go`,
  },
  kubernetes_persistent_volume_claim_v1: {
    forceNew: [...NAMESPACED_METADATA, ...PVC_SPEC_FORCE_NEW.map((p) => `spec.${p}`)],
    source:
      `${K8S} kubernetes/resource_kubernetes_persistent_volume_claim_v1.go, ` +
      "kubernetes/schema_persistent_volume_claim.go, kubernetes/schema_metadata.go",
    // resource_kubernetes_persistent_volume_claim_v1.go lines 52-89: the CustomizeDiff forces a new
    // claim when the storage request shrinks (line 82); growing it is patched (line 217).
    forceNewWhenDecreased: ["spec.resources.requests.storage"],
  },
  // resource_kubernetes_storage_class_v1.go: parameters (line 40), storage_provisioner (46),
  // volume_binding_mode (63), mount_options (80), allowed_topologies (88, the block only).
  // reclaim_policy (line 48) is not ForceNew although Kubernetes cannot change it, and the update
  // (line 200) patches only metadata and allow_volume_expansion.
  kubernetes_storage_class_v1: {
    forceNew: [...METADATA, "parameters", "storage_provisioner", "volume_binding_mode", "mount_options", "allowed_topologies"],
    source: `${K8S} kubernetes/resource_kubernetes_storage_class_v1.go, kubernetes/schema_metadata.go`,
    inPlace: ["allowed_topologies.match_label_expressions"],
  },
};

/** The segments of a caller's path: `[i]` indexes dropped, `["a.b"]` one segment. */
function pathSegments(path: string): string[] {
  const segments: string[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === ".") {
      i++;
    } else if (path[i] === "[") {
      const quote = path[i + 1] === '"' ? closingQuote(path, i + 1) : i;
      const close = quote < 0 ? -1 : path.indexOf("]", quote);
      if (close < 0 || (quote > i && close !== quote + 1)) throw new Error(`terraform-replace.ts: path ${JSON.stringify(path)}: unclosed "[" at ${i}; write indexes as [0] and keys as ["a.b"]`);
      const inner = path.slice(i + 1, close);
      if (inner.startsWith('"')) segments.push(JSON.parse(inner) as string);
      else if (!/^\d+$/.test(inner)) throw new Error(`terraform-replace.ts: path ${JSON.stringify(path)}: got [${inner}]; allowed [<index>] or ["<key>"]`);
      i = close + 1;
    } else {
      let end = i;
      while (end < path.length && path[end] !== "." && path[end] !== "[") end++;
      segments.push(path.slice(i, end));
      i = end;
    }
  }
  return segments;
}

/** The index of the quote closing the JSON string that opens at `open`, or -1. */
function closingQuote(path: string, open: number): number {
  for (let i = open + 1; i < path.length; i++) {
    if (path[i] === "\\") i++;
    else if (path[i] === '"') return i;
  }
  return -1;
}

/** How many segments of `rule` prefix `segments` (0 when it does not). */
function matchLength(rule: string, segments: readonly string[]): number {
  const parts = rule.split(".");
  if (parts.length > segments.length) return 0;
  return parts.every((part, k) => part === segments[k]) ? parts.length : 0;
}

const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A Kubernetes resource quantity ("10Gi", "500M", "1.5e3") as a number, or undefined. */
function quantity(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([KMGTPE]i|[numkMGTPE]?)$/.exec(value.trim());
  if (!m) return undefined;
  return Number(m[1]) * (BINARY_SUFFIXES[m[2]] ?? DECIMAL_SUFFIXES[m[2]]);
}

/**
 * Whether a change at `path` (dotted with [i] array indexes, keys with dots or slashes written as
 * ["a.b"]) of a resource of `type` forces replacement. Unknown types: false. For a quantity that
 * forces replacement only when it shrinks, pass `change`; without it the change counts as growth.
 * A value that is not a quantity counts as shrinking: the provider's plan fails on it anyway.
 */
export function forcesReplacement(type: string, path: string, change?: { readonly before: unknown; readonly after: unknown }): boolean {
  const rules = REPLACE_RULES[type];
  if (rules === undefined) return false;
  const segments = pathSegments(path);
  const longest = (paths: readonly string[] | undefined) => Math.max(0, ...(paths ?? []).map((p) => matchLength(p, segments)));
  if (change !== undefined && (rules.forceNewWhenDecreased ?? []).some((p) => p.split(".").length === segments.length && matchLength(p, segments) > 0)) {
    const before = quantity(change.before);
    const after = quantity(change.after);
    if (before === undefined || after === undefined || after < before) return true;
  }
  const forced = longest(rules.forceNew);
  return forced > 0 && forced > longest(rules.inPlace);
}
