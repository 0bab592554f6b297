/**
 * The name rules every layer shares: what Kubernetes accepts as a name, a label key or a label
 * value, what pins a checkpoint, and how a served model name becomes the name of its Kubernetes
 * objects. The environment schema (config/schema.ts), the model-server chart's values schema
 * (constructs/model-server-values-schema.ts) and the model store's checks (planning/model-store.ts)
 * all use these, so a name the gate accepts is a name the chart and the cluster accept.
 *
 * Every pattern is valid in Go's RE2 as well as in JavaScript: the chart's values schema hands them
 * to Helm, which compiles JSON Schema patterns with RE2 (no lookahead, no back-references).
 *
 * Source of the rules: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
 * (DNS-1123 subdomain and label, DNS-1035 label) and
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
 * (label keys and values).
 */

/** RFC 1123 label (at most 63 characters, checked apart): namespaces, environment and pool names. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain (at most 253 characters, checked apart): node, Secret, claim and storage class names. */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** RFC 1035 label (at most 63 characters, checked apart): Service names, which must start with a letter. */
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Label and annotation keys: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
export const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** Label values: empty, or at most 63 alphanumerics, `-`, `_` and `.`, starting and ending with an alphanumeric. */
export const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
/** A git commit: 40 lower-case hex digits (Hugging Face revisions are pinned to one, never a branch). */
export const GIT_SHA = /^[0-9a-f]{40}$/;
/** A Hugging Face repository id, `org/model`: it becomes a directory of the model store and a shell word. */
export const HF_REPO = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/**
 * The DNS-1035 base name of every object of a model-server release, derived from the served model
 * name: lower-cased, runs of other characters turned into "-", prefixed with "m-" when it would
 * start with a digit, cut to 52 characters so `<name>-server` stays within 63. The chart's
 * `model-server.name` helper (charts/model-server/templates/_helpers.tpl) computes the same; the
 * gate (config/resolve-models.ts) refuses two served names that would share it.
 */
export function modelServerObjectName(servedModelName: string): string {
  let name = servedModelName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(name)) name = `m-${name}`;
  return name.slice(0, 52).replace(/-+$/, "");
}

/** The Service of a model-server release: `<object name>-server` (the chart's `model-server.serviceName` default). */
export function modelServerServiceName(servedModelName: string): string {
  return `${modelServerObjectName(servedModelName)}-server`;
}
