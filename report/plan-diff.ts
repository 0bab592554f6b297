/**
 * The plan review: what a change does to each environment, computed offline from two
 * synthesized outputs (no state, no provider, no cluster). Pure: the CLI reads both sides and
 * renders the local charts (cli/diff-input.ts); this module compares what it is given.
 *
 * Per environment:
 * - resources by address: added, removed, updated in place, replaced (an attribute the provider
 *   cannot update changed: catalog/terraform-replace.ts) or moved (the same content, or the same
 *   Kubernetes object, under another address);
 * - Helm values: the `values` documents of a release merged in order, as Helm does, and diffed
 *   key by key;
 * - rendered manifests of local charts: object by object, with the chart-version labels and
 *   checksum annotations normalized away (they change with every chart edit and say nothing);
 * - costs: the headline figures and break-even per alternative from `costs/<env>.json`;
 * - dangers: destroys and replaces of what holds data or carries `prevent_destroy`, and moves.
 *
 * Structural differences come from microdiff, text patches from jsdiff (kept libraries).
 */
import microdiff from "microdiff";
import { createTwoFilesPatch } from "diff";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { forcesReplacement } from "../catalog/terraform-replace";
import { onPremCumulativeUsd, type CostSummary } from "../planning/tco";
import type {
  AttributeChange,
  ChangeTopic,
  CostDelta,
  CostRow,
  Danger,
  EnvironmentDiff,
  EnvironmentSnapshot,
  KubeObject,
  ManifestChange,
  OutputSnapshot,
  PlanDiff,
  RenderedRelease,
  ResourceChange,
  TerraformJson,
} from "./plan-diff-types";

/**
 * Resource types whose destroy loses data: a claim (its volume goes with it under the usual
 * reclaimPolicy Delete), a volume, and a namespace (deleting one deletes every claim in it).
 */
const STATEFUL_TYPES: Readonly<Record<string, string>> = {
  kubernetes_persistent_volume_claim_v1: "the claim and, with reclaimPolicy Delete (the default of dynamically provisioned volumes), its volume and the data on it",
  kubernetes_persistent_volume_claim: "the claim and, with reclaimPolicy Delete (the default of dynamically provisioned volumes), its volume and the data on it",
  kubernetes_persistent_volume_v1: "the volume and, with reclaimPolicy Delete, the data on it",
  kubernetes_persistent_volume: "the volume and, with reclaimPolicy Delete, the data on it",
  kubernetes_namespace_v1: "the namespace and every object in it, claims and their data included",
  kubernetes_namespace: "the namespace and every object in it, claims and their data included",
};

/** Keys of a resource that do not reach the provider (`//`: cdktf's construct path) or change nothing it manages (`depends_on`). */
const IGNORED_ATTRIBUTES = new Set(["//", "depends_on"]);

/** Labels that change with every chart or image version and repeat what the objects say elsewhere. */
const VERSION_LABELS = new Set(["helm.sh/chart", "app.kubernetes.io/version"]);

interface Resource {
  readonly address: string;
  readonly type: string;
  /** The attributes that reach the provider, `values` excluded. */
  readonly attributes: Record<string, unknown>;
  /** helm_release only: the merged Helm values. */
  readonly values?: Record<string, unknown>;
  readonly preventDestroy: boolean;
}

// ---------------------------------------------------------------------------------------------
// Paths and topics

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `spec.access_modes[0]`, `labels["ai-factory.io/pool"]`. */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** What a change at `segments` of a `type` resource (or of its Helm values, or of a rendered object) is about. */
export function changeTopic(type: string, where: "attribute" | "values" | "manifest", segments: readonly (string | number)[]): ChangeTopic {
  const keys = segments.filter((s): s is string => typeof s === "string");
  const last = keys[keys.length - 1] ?? "";
  if (where === "attribute" && type === "helm_release" && (last === "version" || last === "chart") && keys.length === 1) return "chart-version";
  if (where === "attribute" && type === "kubernetes_labels" && keys[0] === "labels") return "node-labels";
  if (where === "attribute" && type === "kubernetes_node_taint" && keys[0] === "taint") return "taints";
  if (keys.some((k) => /gpu/i.test(k) || k.startsWith("nvidia.com/"))) return "gpu";
  if (keys.some((k) => /replicas$/i.test(k))) return "replicas";
  if (keys.some((k) => /^image$|^images$|^repository$|^tag$|^digest$/i.test(k))) return "image";
  // The GPU Operator's values give each component's image tag as `<component>.version`.
  if (where === "values" && last === "version") return "image";
  if (keys.some((k) => /storage/i.test(k))) return "storage";
  return "other";
}

function changesOf(
  before: unknown,
  after: unknown,
  topicOf: (segments: readonly (string | number)[]) => ChangeTopic,
  replaces?: (path: string, values: { before: unknown; after: unknown }) => boolean,
): AttributeChange[] {
  const left = before === undefined || before === null || typeof before !== "object" ? {} : (before as Record<string, unknown>);
  const right = after === undefined || after === null || typeof after !== "object" ? {} : (after as Record<string, unknown>);
  const out: AttributeChange[] = [];
  for (const d of microdiff(left, right)) {
    const path = formatPath(d.path);
    const topic = topicOf(d.path);
    const values = { before: d.type === "CREATE" ? undefined : d.oldValue, after: d.type === "REMOVE" ? undefined : d.value };
    const forces = replaces === undefined ? undefined : replaces(path, values);
    const base = { path, topic, ...(forces === undefined ? {} : { forcesReplacement: forces }) };
    if (d.type === "CREATE") out.push({ ...base, kind: "added", after: d.value });
    else if (d.type === "REMOVE") out.push({ ...base, kind: "removed", before: d.oldValue });
    else out.push({ ...base, kind: "changed", before: d.oldValue, after: d.value });
  }
  return out.sort((a, b) => compareStrings(a.path, b.path));
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Resources

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Helm's merge of values files given in order: maps merge key by key, anything else is replaced by the later file. */
export function mergeValues(documents: readonly unknown[]): Record<string, unknown> {
  const merge = (into: Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...into };
    for (const [key, value] of Object.entries(from)) {
      out[key] = isPlainObject(value) && isPlainObject(out[key]) ? merge(out[key] as Record<string, unknown>, value) : value;
    }
    return out;
  };
  return documents.reduce<Record<string, unknown>>((acc, doc) => (isPlainObject(doc) ? merge(acc, doc) : acc), {});
}

/** A local chart's path without its content hash (`assets/<asset>/<hash>` → `assets/<asset>`): the rendered manifests show what the content changes. */
function normalizeChart(chart: unknown): unknown {
  return typeof chart === "string" && chart.startsWith("assets/") ? chart.split("/").slice(0, 2).join("/") : chart;
}

function resourcesOf(stack: TerraformJson | undefined): Map<string, Resource> {
  const out = new Map<string, Resource>();
  for (const [type, byName] of Object.entries(stack?.resource ?? {})) {
    if (!isPlainObject(byName)) continue;
    for (const [name, body] of Object.entries(byName)) {
      if (!isPlainObject(body)) continue;
      const attributes: Record<string, unknown> = {};
      let values: Record<string, unknown> | undefined;
      for (const [key, value] of Object.entries(body)) {
        if (IGNORED_ATTRIBUTES.has(key)) continue;
        if (type === "helm_release" && key === "values" && Array.isArray(value)) {
          values = mergeValues(value.map((doc) => (typeof doc === "string" ? parseYamlOrText(doc) : doc)));
        } else if (type === "helm_release" && key === "chart") {
          attributes[key] = normalizeChart(value);
        } else {
          attributes[key] = value;
        }
      }
      const lifecycle = body.lifecycle;
      const preventDestroy = isPlainObject(lifecycle) && lifecycle.prevent_destroy === true;
      out.set(`${type}.${name}`, { address: `${type}.${name}`, type, attributes, ...(values === undefined ? {} : { values }), preventDestroy });
    }
  }
  return out;
}

/** A values document as data; one that is not YAML is kept as its text, so that any edit to it still shows. */
function parseYamlOrText(text: string): unknown {
  try {
    return parseYaml(text) ?? {};
  } catch {
    return { "(unparsed values)": text };
  }
}

/** The Kubernetes object (or Helm release) a resource manages, when it names one: the key a move keeps. */
function identityOf(resource: Resource): string | undefined {
  const a = resource.attributes;
  if (resource.type === "helm_release") return typeof a.name === "string" ? `${a.namespace ?? "default"}/${a.name}` : undefined;
  const metadata = a.metadata;
  if (!isPlainObject(metadata) || typeof metadata.name !== "string") return undefined;
  const kind = typeof a.kind === "string" ? `${a.api_version ?? ""}/${a.kind}:` : "";
  return `${kind}${typeof metadata.namespace === "string" ? metadata.namespace : ""}/${metadata.name}`;
}

/** `node gpu-prod-01`, `release ai-models/coder`: the object a resource manages, for people. */
function describeIdentity(resource: Resource): string | undefined {
  const a = resource.attributes;
  if (resource.type === "helm_release") return typeof a.name === "string" ? `release ${String(a.namespace ?? "default")}/${a.name}` : undefined;
  const metadata = a.metadata;
  if (!isPlainObject(metadata) || typeof metadata.name !== "string") return undefined;
  const kind = typeof a.kind === "string" ? a.kind : resource.type === "kubernetes_node_taint" ? "Node" : resource.type.replace(/^kubernetes_/, "").replace(/_v\d+$/, "");
  return `${kind} ${typeof metadata.namespace === "string" ? `${metadata.namespace}/` : ""}${metadata.name}`;
}

function sameContent(a: Resource, b: Resource): boolean {
  return microdiff({ a: a.attributes, v: a.values ?? null }, { a: b.attributes, v: b.values ?? null }).length === 0;
}

// ---------------------------------------------------------------------------------------------
// Rendered manifests

/** `apps/v1 Deployment ai-models/coder`. */
function objectId(object: KubeObject): string {
  const metadata = isPlainObject(object.metadata) ? object.metadata : {};
  const ns = typeof metadata.namespace === "string" ? `${metadata.namespace}/` : "";
  return `${String(object.apiVersion ?? "?")} ${String(object.kind ?? "?")} ${ns}${String(metadata.name ?? "?")}`;
}

/** The object with version labels and checksum annotations removed, at any depth (pod templates too). */
export function normalizeObject(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeObject);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    let child = value[key];
    if (key === "labels" && isPlainObject(child)) {
      child = Object.fromEntries(Object.entries(child).filter(([k]) => !VERSION_LABELS.has(k)));
    } else if (key === "annotations" && isPlainObject(child)) {
      child = Object.fromEntries(Object.entries(child).filter(([k]) => !k.startsWith("checksum/")));
    }
    out[key] = normalizeObject(child);
  }
  return out;
}

function toYaml(value: unknown): string {
  return value === undefined ? "" : stringifyYaml(value, { sortMapEntries: true, lineWidth: 0 });
}

/** A unified diff without the `Index:`/`===` preamble. */
function patchOf(id: string, before: unknown, after: unknown): string {
  const patch = createTwoFilesPatch(`a/${id}`, `b/${id}`, toYaml(before), toYaml(after), undefined, undefined, { context: 3 });
  return patch.replace(/^={3,}\n/m, "").replace(/^Index:.*\n/m, "").trimEnd() + "\n";
}

function manifestChanges(base: readonly KubeObject[], head: readonly KubeObject[]): ManifestChange[] {
  const index = (objects: readonly KubeObject[]) => new Map(objects.map((o) => [objectId(o), normalizeObject(o)] as const));
  const before = index(base);
  const after = index(head);
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort(compareStrings);
  const out: ManifestChange[] = [];
  for (const id of ids) {
    const b = before.get(id);
    const a = after.get(id);
    const changes = changesOf(b, a, (segments) => changeTopic("", "manifest", segments));
    if (b !== undefined && a !== undefined && changes.length === 0) continue;
    const action = b === undefined ? "add" : a === undefined ? "remove" : "update";
    out.push({ id, action, changes: action === "update" ? changes : [], patch: patchOf(id, b, a) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Dangers

function stackDir(env: string): string {
  return `cdktf.out/stacks/${env}`;
}

/** `reclaim_policy` of each storage class the stack creates, by class name. */
function reclaimPolicies(resources: ReadonlyMap<string, Resource>): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of resources.values()) {
    const metadata = r.attributes.metadata;
    if (r.type !== "kubernetes_storage_class_v1" || !isPlainObject(metadata) || typeof metadata.name !== "string") continue;
    // The provider's default is Delete, as Kubernetes'.
    out.set(metadata.name, typeof r.attributes.reclaim_policy === "string" ? r.attributes.reclaim_policy : "Delete");
  }
  return out;
}

/** What destroying `resource` loses, when it holds data; a claim of a class this stack creates with reclaimPolicy Retain keeps its volume. */
function dataLost(resource: Resource, policies: ReadonlyMap<string, string>): string | undefined {
  const loses = STATEFUL_TYPES[resource.type];
  if (loses === undefined || !resource.type.startsWith("kubernetes_persistent_volume_claim")) return loses;
  const spec = resource.attributes.spec;
  const className = isPlainObject(spec) && typeof spec.storage_class_name === "string" ? spec.storage_class_name : undefined;
  if (className === undefined || policies.get(className) !== "Retain") return loses;
  return `the claim; its volume is kept (storage class ${className} has reclaimPolicy Retain) but released, and a new claim does not bind to it by itself`;
}

/**
 * The danger of a change, if it is one. Terraform's documentation of `prevent_destroy`
 * (https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle#prevent_destroy):
 * the plan fails when it would destroy a protected resource, but the protection does not apply
 * once the resource block is removed from the configuration. The `removed` block that forgets a
 * resource without destroying it exists from Terraform 1.7
 * (https://developer.hashicorp.com/terraform/language/resources/syntax#removing-resources).
 */
function dangerOf(env: string, change: ResourceChange, loses: string | undefined, identity: string | undefined): Danger | undefined {
  const { address, type } = change;
  const terraform = `terraform -chdir=${stackDir(env)}`;
  const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  if (change.action === "replace" && (change.preventDestroy || loses !== undefined)) {
    const forced = change.changes.filter((c) => c.forcesReplacement).map((c) => c.path).join(", ");
    if (change.preventDestroy) {
      return {
        address,
        type,
        action: "replace",
        severity: "apply-fails",
        outcome: `\`terraform apply\` fails: ${forced} cannot change in place, so the plan must replace it, and lifecycle.prevent_destroy forbids destroying it.`,
        remedy: `Keep ${forced} as it was; to replace it on purpose, move the data off and remove prevent_destroy first.`,
      };
    }
    return {
      address,
      type,
      action: "replace",
      severity: "data-loss",
      outcome: `\`terraform apply\` replaces it (${forced} cannot change in place): it deletes ${loses}, then creates an empty one.`,
      remedy: `Keep ${forced} as it was, or copy the data off first.`,
    };
  }
  if (change.action === "remove" && (change.preventDestroy || loses !== undefined)) {
    return {
      address,
      type,
      action: "remove",
      severity: loses === undefined ? "destroy" : "data-loss",
      outcome: `\`terraform apply\` deletes ${loses ?? "it"}${
        change.preventDestroy ? "; prevent_destroy does not stop it, as it protects a resource only while the resource is in the configuration" : ""
      }.`,
      remedy: "To keep it, drop it from the state first (or add a `removed` block with `lifecycle { destroy = false }`, Terraform ≥ 1.7).",
      command: `${terraform} state rm ${quote(address)}`,
    };
  }
  if (change.action === "move") {
    const from = change.from ?? "";
    const object = identity === undefined ? "the same object" : `the same object (${identity})`;
    const harm =
      loses !== undefined
        ? `the destroy deletes ${loses}`
        : change.preventDestroy
          ? "prevent_destroy does not stop the destroy, as the old address left the configuration"
          : "the create can fail, or the destroy can undo it";
    return {
      address,
      type,
      action: "move",
      severity: loses === undefined ? "recreate" : "data-loss",
      from,
      outcome: `\`terraform apply\` destroys the old address and creates the new one; both manage ${object}, so ${harm}.`,
      remedy: "Move it in the state first (or use `moveTo`/`moveFromId` on the resource in cdktf).",
      command: `${terraform} state mv ${quote(from)} ${quote(address)}`,
    };
  }
  return undefined;
}

/** Failures first, then data loss, then recreations; by address. */
const SEVERITY_RANK: Readonly<Record<Danger["severity"], number>> = { "apply-fails": 0, "data-loss": 1, destroy: 2, recreate: 3 };

// ---------------------------------------------------------------------------------------------
// Costs

function costDelta(base: CostSummary | undefined, head: CostSummary | undefined): CostDelta | undefined {
  if (base === undefined && head === undefined) return undefined;
  const row = (label: string, unit: CostRow["unit"], pick: (s: CostSummary) => number | null | undefined): CostRow => ({
    label,
    unit,
    base: base === undefined ? null : (pick(base) ?? null),
    head: head === undefined ? null : (pick(head) ?? null),
  });
  const rows: CostRow[] = [
    row("Capex", "usd", (s) => s.capexUsd),
    row("Monthly TCO", "usd", (s) => s.monthly.tcoUsd),
    row("Monthly opex", "usd", (s) => s.monthly.opexUsd),
    row("Cost per million tokens", "usd-per-million", (s) => s.usdPerMillionTokens),
    row("Servers", "count", (s) => s.servers),
    row("GPUs", "count", (s) => s.gpus),
    row("Average power", "kw", (s) => s.averagePowerKw),
  ];
  const alternatives = [...new Set([...(base?.alternatives ?? []), ...(head?.alternatives ?? [])].map((a) => a.id))].sort(compareStrings);
  const horizons = [...new Set([...(base?.horizonMonths ?? []), ...(head?.horizonMonths ?? [])])].sort((a, b) => a - b);
  for (const id of alternatives) {
    const find = (s: CostSummary) => s.alternatives.find((a) => a.id === id);
    rows.push(row(`${id}: monthly cost`, "usd", (s) => find(s)?.monthlyUsd));
    rows.push(row(`Break-even vs ${id}`, "months", (s) => find(s)?.breakEvenMonths));
    for (const h of horizons) rows.push(row(`Savings vs ${id} over ${h} months`, "percent", (s) => find(s)?.savingsPercent[String(h)]));
  }
  const months = Math.max(...(base?.horizonMonths ?? []), ...(head?.horizonMonths ?? []), 0);
  const cumulative = (s: CostSummary | undefined) =>
    s === undefined ? null : Array.from({ length: months + 1 }, (_, m) => onPremCumulativeUsd(m, s.capexUsd, s.monthly.opexUsd, s.amortizationYears));
  return { rows, cumulative: { months, base: cumulative(base), head: cumulative(head) } };
}

function costChanged(delta: CostDelta | undefined): boolean {
  return delta !== undefined && delta.rows.some((r) => r.base !== r.head);
}

// ---------------------------------------------------------------------------------------------
// Environments

function settingsNotes(base: TerraformJson | undefined, head: TerraformJson | undefined): string[] {
  if (base === undefined || head === undefined) return [];
  const notes: string[] = [];
  for (const block of ["terraform", "provider"] as const) {
    for (const c of changesOf(base[block], head[block], () => "other")) {
      const show = (v: unknown) => (v === undefined ? "(none)" : JSON.stringify(v));
      const hint = block === "terraform" && c.path.startsWith("backend") ? " (the state moves: run `terraform init -migrate-state` before applying)" : "";
      notes.push(`${block} settings: ${c.path}: ${show(c.before)} → ${show(c.after)}${hint}`);
    }
  }
  return notes;
}

function renderedOf(snapshot: EnvironmentSnapshot | undefined, address: string): RenderedRelease | undefined {
  return snapshot?.rendered?.[address];
}

function compareResource(before: Resource, after: Resource, base?: EnvironmentSnapshot, head?: EnvironmentSnapshot): ResourceChange | undefined {
  const changes = changesOf(
    before.attributes,
    after.attributes,
    (segments) => changeTopic(after.type, "attribute", segments),
    (path, values) => forcesReplacement(after.type, path, values),
  );
  const values = after.type === "helm_release" ? changesOf(before.values, after.values, (segments) => changeTopic(after.type, "values", segments)) : undefined;
  const b = renderedOf(base, before.address);
  const a = renderedOf(head, after.address);
  let manifests: ManifestChange[] | undefined;
  let manifestsNote: string | undefined;
  if (b !== undefined && a !== undefined) {
    if ("objects" in b && "objects" in a) manifests = manifestChanges(b.objects, a.objects);
    else manifestsNote = `rendered manifests not compared: ${"error" in b ? `base: ${b.error}` : ""}${"error" in b && "error" in a ? "; " : ""}${"error" in a ? `head: ${a.error}` : ""}`;
  }
  const moved = before.address !== after.address;
  if (!moved && changes.length === 0 && (values?.length ?? 0) === 0 && (manifests?.length ?? 0) === 0 && manifestsNote === undefined) return undefined;
  const action = moved ? "move" : changes.some((c) => c.forcesReplacement) ? "replace" : "update";
  return {
    address: after.address,
    type: after.type,
    action,
    ...(moved ? { from: before.address } : {}),
    changes,
    ...(values === undefined ? {} : { values }),
    ...(manifests === undefined ? {} : { manifests }),
    ...(manifestsNote === undefined ? {} : { manifestsNote }),
    stateful: STATEFUL_TYPES[after.type] !== undefined,
    preventDestroy: after.preventDestroy || before.preventDestroy,
  };
}

/** One side's resource alone: added (head) or removed (base), its rendered objects all added or removed. */
function aloneChange(resource: Resource, action: "add" | "remove", rendered: RenderedRelease | undefined): ResourceChange {
  const objects = rendered !== undefined && "objects" in rendered ? rendered.objects : undefined;
  return {
    address: resource.address,
    type: resource.type,
    action,
    changes: [],
    ...(objects === undefined ? {} : { manifests: action === "add" ? manifestChanges([], objects) : manifestChanges(objects, []) }),
    stateful: STATEFUL_TYPES[resource.type] !== undefined,
    preventDestroy: resource.preventDestroy,
  };
}

/** Pairs removed and added resources of one type that are one resource moved: the same content first, then the same object. */
function findMoves(removed: Resource[], added: Resource[]): [Resource, Resource][] {
  const pairs: [Resource, Resource][] = [];
  const taken = new Set<string>();
  const pass = (match: (a: Resource, b: Resource) => boolean) => {
    for (const old of removed) {
      if (taken.has(old.address)) continue;
      const target = added.find((n) => !taken.has(n.address) && n.type === old.type && match(old, n));
      if (target === undefined) continue;
      taken.add(old.address);
      taken.add(target.address);
      pairs.push([old, target]);
    }
  };
  pass(sameContent);
  pass((a, b) => {
    const id = identityOf(a);
    return id !== undefined && id === identityOf(b);
  });
  return pairs;
}

export function diffEnvironment(env: string, base: EnvironmentSnapshot | undefined, head: EnvironmentSnapshot | undefined): EnvironmentDiff {
  const before = resourcesOf(base?.stack);
  const after = resourcesOf(head?.stack);
  const resources: ResourceChange[] = [];
  for (const [address, b] of before) {
    const a = after.get(address);
    if (a === undefined) continue;
    const change = compareResource(b, a, base, head);
    if (change !== undefined) resources.push(change);
  }
  const removed = [...before.values()].filter((r) => !after.has(r.address)).sort((x, y) => compareStrings(x.address, y.address));
  const added = [...after.values()].filter((r) => !before.has(r.address)).sort((x, y) => compareStrings(x.address, y.address));
  const moves = findMoves(removed, added);
  const movedFrom = new Set(moves.map(([old]) => old.address));
  const movedTo = new Set(moves.map(([, target]) => target.address));
  for (const [old, target] of moves) {
    const change = compareResource(old, target, base, head);
    if (change !== undefined) resources.push(change);
  }
  for (const r of removed) if (!movedFrom.has(r.address)) resources.push(aloneChange(r, "remove", renderedOf(base, r.address)));
  for (const r of added) if (!movedTo.has(r.address)) resources.push(aloneChange(r, "add", renderedOf(head, r.address)));
  resources.sort((x, y) => compareStrings(x.address, y.address));

  const count = (action: ResourceChange["action"]) => resources.filter((r) => r.action === action).length;
  const policies = new Map([...reclaimPolicies(before), ...reclaimPolicies(after)]);
  const dangers = resources
    .map((r) => {
      const resource = r.action === "remove" ? before.get(r.address) : after.get(r.address);
      const identity = resource === undefined ? undefined : describeIdentity(resource);
      return dangerOf(env, r, resource === undefined ? STATEFUL_TYPES[r.type] : dataLost(resource, policies), identity);
    })
    .filter((d): d is Danger => d !== undefined)
    .sort((x, y) => SEVERITY_RANK[x.severity] - SEVERITY_RANK[y.severity] || compareStrings(x.address, y.address));
  const cost = costDelta(base?.cost, head?.cost);
  const notes: string[] = [...settingsNotes(base?.stack, head?.stack)];
  if (base !== undefined && head !== undefined) {
    if ((base.cost === undefined) !== (head.cost === undefined)) notes.push(`only the ${base.cost === undefined ? "head" : "base"} side has costs/${env}.json: the cost change is not known`);
    if ((base.stack === undefined) !== (head.stack === undefined)) notes.push(`only the ${base.stack === undefined ? "head" : "base"} side has stacks/${env}/cdk.tf.json`);
  }
  for (const r of resources) if (r.manifestsNote !== undefined) notes.push(`${r.address}: ${r.manifestsNote}`);
  const status = base === undefined ? "added" : head === undefined ? "removed" : resources.length > 0 || costChanged(cost) || notes.length > 0 ? "changed" : "unchanged";
  return {
    env,
    status,
    resources,
    counts: { added: count("add"), changed: count("update"), replaced: count("replace"), moved: count("move"), destroyed: count("remove") },
    dangers,
    ...(cost === undefined ? {} : { cost }),
    notes,
  };
}

/** Compares two synthesized outputs, environment by environment (sorted by name). */
export function computePlanDiff(base: OutputSnapshot, head: OutputSnapshot): PlanDiff {
  const names = [...new Set([...Object.keys(base.environments), ...Object.keys(head.environments)])].sort(compareStrings);
  return {
    base: base.label,
    head: head.label,
    environments: names.map((name) => diffEnvironment(name, base.environments[name], head.environments[name])),
    notes: [...(base.notes ?? []).map((n) => `${base.label}: ${n}`), ...(head.notes ?? []).map((n) => `${head.label}: ${n}`)],
  };
}
