/**
 * Offline validation of Kubernetes objects against the official OpenAPI schema, via
 * kubernetes-models@4.5.1 (CommonJS; one model class per apiVersion + kind, each with a compiled
 * validator). Used on every object a chart renders or a construct synthesizes.
 *
 * What is checked:
 * - built-in kinds: the whole object against the schema of its apiVersion + kind (types, enums,
 *   required fields). The upstream schema does not forbid unknown fields, so a misspelt optional
 *   field passes here: assert important fields explicitly in the tests;
 * - custom resources (KEDA, Prometheus Operator, Gateway API, ...): kubernetes-models has no schema
 *   for them, so only `metadata` is validated (as the ObjectMeta of a core object) and `spec` must be
 *   an object; tests assert their structure themselves;
 * - for every object, the API server's rules on `metadata.name` (DNS-1123 subdomain, or DNS-1035
 *   label for Services) and on label keys and values, which the schema leaves out.
 * An apiVersion + kind that is neither built in nor a known custom resource throws.
 */
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";

/** A Kubernetes object as plain data. */
export interface K8sObject {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: unknown;
  readonly [key: string]: unknown;
}

/** Custom resources this project renders, as `apiVersion/kind`; extend with `options.customResources`. */
export const KNOWN_CUSTOM_RESOURCES: ReadonlySet<string> = new Set([
  "keda.sh/v1alpha1/ScaledObject",
  "keda.sh/v1alpha1/TriggerAuthentication",
  "monitoring.coreos.com/v1/PodMonitor",
  "monitoring.coreos.com/v1/PrometheusRule",
  "monitoring.coreos.com/v1/ServiceMonitor",
]);

/** Options of `validateK8sObject`. */
export interface ValidateOptions {
  /** More custom resources to accept, as `group/version/Kind`. @default - only KNOWN_CUSTOM_RESOURCES */
  readonly customResources?: Iterable<string>;
}

interface ValidatableModel {
  validate(): void;
}
type ModelClass = new (data: unknown) => ValidatableModel;

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Resolves `apps/v1` + `Deployment` to `kubernetes-models/apps/v1/Deployment`, or undefined. */
function modelClass(apiVersion: string, kind: string): ModelClass | undefined {
  if (!/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  const modulePath = `kubernetes-models/${apiVersion}/${kind}`;
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(modulePath) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "MODULE_NOT_FOUND" || code === "ERR_PACKAGE_PATH_NOT_EXPORTED") return undefined;
    throw error;
  }
  const cls = mod[kind] as (ModelClass & { apiVersion?: string; kind?: string }) | undefined;
  // The module must define a top-level kind (not e.g. a `DeploymentSpec` passed as a kind).
  if (typeof cls !== "function" || cls.apiVersion !== apiVersion || cls.kind !== kind) return undefined;
  return cls;
}

function describe(obj: K8sObject): string {
  const meta = (obj.metadata ?? {}) as { name?: unknown };
  return `${String(obj.kind)}/${typeof meta.name === "string" ? meta.name : "<no name>"}`;
}

function schemaError(obj: K8sObject, error: unknown): Error {
  const e = error as { message?: string; errors?: ReadonlyArray<{ instancePath?: string; message?: string }> };
  const details = e.errors?.length
    ? e.errors.map((x) => `${x.instancePath || "/"} ${x.message ?? ""}`.trim()).join("; ")
    : (e.message ?? String(error));
  return new Error(`${describe(obj)} (${String(obj.apiVersion)}) does not match the Kubernetes schema: ${details}`);
}

function checkMetadata(obj: K8sObject): void {
  const meta = obj.metadata as { name?: unknown; labels?: Record<string, unknown> } | undefined;
  if (meta === undefined || typeof meta !== "object" || meta === null) {
    throw new Error(`${describe(obj)}: metadata is missing`);
  }
  // ObjectMeta schema, through a core object (the CRD case has no model of its own).
  try {
    new ConfigMap({ metadata: meta as ConfigMap["metadata"] }).validate();
  } catch (error) {
    throw schemaError(obj, error);
  }
  const name = meta.name;
  const nameRule = obj.kind === "Service" ? DNS1035_LABEL : DNS1123_SUBDOMAIN;
  const maxLength = obj.kind === "Service" ? 63 : 253;
  if (typeof name !== "string" || !nameRule.test(name) || name.length > maxLength) {
    throw new Error(
      `${describe(obj)}: metadata.name ${JSON.stringify(name)} is not a valid ${obj.kind === "Service" ? "DNS-1035 label" : "DNS-1123 subdomain"} of at most ${maxLength} characters`,
    );
  }
  for (const [key, value] of Object.entries(meta.labels ?? {})) {
    if (!LABEL_KEY.test(key) || key.split("/").pop()!.length > 63) {
      throw new Error(`${describe(obj)}: label key ${JSON.stringify(key)} is invalid`);
    }
    if (typeof value !== "string" || value.length > 63 || !LABEL_VALUE.test(value)) {
      throw new Error(`${describe(obj)}: label ${key}=${JSON.stringify(value)} has an invalid value`);
    }
  }
}

/**
 * Validates one object; throws an Error naming the object and every schema violation.
 * Built-in kinds are checked in full, custom resources by metadata only (see the file comment).
 */
export function validateK8sObject(obj: K8sObject, options: ValidateOptions = {}): void {
  if (typeof obj !== "object" || obj === null) throw new Error(`not a Kubernetes object: ${JSON.stringify(obj)}`);
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    throw new Error(`object without apiVersion/kind: ${JSON.stringify(obj).slice(0, 200)}`);
  }
  const cls = modelClass(apiVersion, kind);
  if (cls !== undefined) {
    try {
      new cls(obj).validate();
    } catch (error) {
      throw schemaError(obj, error);
    }
    checkMetadata(obj);
    return;
  }
  const customResources = new Set([...KNOWN_CUSTOM_RESOURCES, ...(options.customResources ?? [])]);
  if (customResources.has(`${apiVersion}/${kind}`)) {
    checkMetadata(obj);
    const spec = obj.spec;
    if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
      throw new Error(`${describe(obj)} (${apiVersion}): spec must be an object`);
    }
    return;
  }
  throw new Error(
    `${describe(obj)}: unknown apiVersion/kind ${apiVersion}/${kind}: not in kubernetes-models@4.5.1 and not a known custom resource; ` +
      `fix the apiVersion or kind, or pass { customResources: ["${apiVersion}/${kind}"] } and assert its spec in the test`,
  );
}

/** Validates every object; throws on the first invalid one. */
export function validateK8sObjects(objects: readonly K8sObject[], options: ValidateOptions = {}): void {
  for (const obj of objects) validateK8sObject(obj, options);
}
