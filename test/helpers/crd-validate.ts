/**
 * Offline validation of Envoy Gateway and Envoy AI Gateway custom resources against the schemas
 * vendored from their pinned CRDs (vendor/envoy-gateway, vendor/ai-gateway; scripts/vendor-crds.ts
 * says which kinds and versions, SOURCE.md from where).
 *
 * What is checked, as the API server does with strict field validation (kubectl's default):
 * types, enums, patterns, formats, lengths, item counts, required fields, and unknown fields (a
 * field a structural schema does not declare is an error, unless the schema preserves unknown
 * fields). What is not: the CEL rules (`x-kubernetes-validations`; Ajv has no CEL; they are listed
 * in the `.cel.json` file beside each schema for tests to assert against), defaults, and
 * `metadata` beyond being an object (test/helpers/k8s-validate.ts checks names and labels).
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

import { VENDORED_REPOS, schemaFile } from "../../scripts/vendor-crds";

const ROOT = resolve(__dirname, "..", "..");

/** Kubernetes OpenAPI extensions in the schemas: annotations for Ajv, enforced (or not) as the header says. */
const KUBERNETES_KEYWORDS = [
  "x-kubernetes-int-or-string",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-list-type",
  "x-kubernetes-map-type",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-validations",
  "x-kubernetes-embedded-resource",
];

/** The vendored schemas by `apiVersion/kind`, e.g. `aigateway.envoyproxy.io/v1beta1/AIServiceBackend` → its file. */
export const VENDORED_SCHEMAS: ReadonlyMap<string, string> = new Map(
  VENDORED_REPOS.flatMap((repo) => repo.crds.map((crd) => [`${repo.group}/${crd.version}/${crd.kind}`, schemaFile(repo, crd)] as const)),
);

type Schema = { [key: string]: unknown };

function isObject(value: unknown): value is Schema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * A copy of a structural schema in which every object that declares `properties` and neither
 * `additionalProperties` nor `x-kubernetes-preserve-unknown-fields` rejects other fields: the API
 * server prunes them, or with strict field validation refuses them. Structural schemas declare
 * properties only outside `anyOf`/`allOf`/`oneOf`, so closing the node does not break its branches.
 */
export function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (!isObject(schema)) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    // Under `properties` the keys are field names, whose values are schemas; elsewhere, recurse into schemas only.
    if (key === "properties" && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, s]) => [name, closeObjects(s)]));
    } else if (key === "enum" || key === "required" || key === "default" || key === "x-kubernetes-validations" || key === "example") {
      out[key] = value;
    } else {
      out[key] = closeObjects(value);
    }
  }
  if (isObject(schema.properties) && schema.additionalProperties === undefined && schema["x-kubernetes-preserve-unknown-fields"] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

function validatorFor(key: string, file: string): ValidateFunction {
  let validate = validators.get(key);
  if (!validate) {
    if (!ajv) {
      // Not strict: the schemas are upstream's, written for the API server's dialect (e.g. `nullable`
      // beside `type`), not for Ajv's strict mode; the Kubernetes extensions are declared as keywords.
      ajv = new Ajv({ allErrors: true, strict: false });
      ajv.addVocabulary(KUBERNETES_KEYWORDS);
      addFormats(ajv, ["byte", "date-time", "int32", "int64", "uri", "uri-reference"]);
    }
    const schema = JSON.parse(readFileSync(join(ROOT, file), "utf8")) as unknown;
    validate = ajv.compile(closeObjects(schema) as object);
    validators.set(key, validate);
  }
  return validate;
}

function describeError(e: ErrorObject): string {
  const where = e.instancePath || "/";
  if (e.keyword === "additionalProperties") return `${where}: unknown field "${String(e.params.additionalProperty)}"`;
  if (e.keyword === "enum") return `${where}: ${e.message}: ${(e.params.allowedValues as unknown[]).map(String).join(", ")}`;
  return `${where}: ${e.message}`;
}

/**
 * The complaints of the vendored schema of `object`'s apiVersion + kind about it: empty when it is
 * valid. An apiVersion + kind with no vendored schema is a complaint too.
 */
export function validateCustomResource(object: unknown): string[] {
  if (!isObject(object)) return [`not a Kubernetes object: ${JSON.stringify(object)}`];
  const { apiVersion, kind } = object;
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const label = `${String(apiVersion)} ${String(kind)}${typeof metadata.name === "string" ? ` ${metadata.name}` : ""}`;
  const key = `${String(apiVersion)}/${String(kind)}`;
  const file = VENDORED_SCHEMAS.get(key);
  if (!file) {
    return [`${label}: no vendored schema for apiVersion ${String(apiVersion)}, kind ${String(kind)}; vendored: ${[...VENDORED_SCHEMAS.keys()].sort().join(", ")}`];
  }
  const validate = validatorFor(key, file);
  if (validate(object)) return [];
  return (validate.errors ?? []).map((e) => `${label}: ${describeError(e)}`);
}
