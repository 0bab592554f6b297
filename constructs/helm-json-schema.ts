/**
 * The JSON Schema (draft-07, which every Helm 3 release understands) of a local chart's values,
 * generated from its zod schema: `values.schema.json`, which Helm checks on install, lint and
 * template. One writer for every chart, so each schema file is normalized alike: keys sorted (stable
 * diffs) and zod's safe-integer bounds dropped (noise).
 */
import { z } from "zod";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function acceptsNull(schema: Json): boolean {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return false;
  if (schema.type === "null") return true;
  const anyOf = schema.anyOf;
  return Array.isArray(anyOf) && anyOf.some(acceptsNull);
}

/**
 * Keys sorted and safe-integer bounds dropped; with `nullableOptional`, nullable properties are
 * also taken out of `required`. zod's output mode lists every defaulted key as required, which is
 * right for Helm (values.yaml supplies it, and an override may not remove it), except for nullable
 * keys: Helm deletes keys whose value is null when it merges values, so those must be optional.
 */
function normalize(node: Json, nullableOptional: boolean): Json {
  if (Array.isArray(node)) return node.map((n) => normalize(n, nullableOptional));
  if (node === null || typeof node !== "object") return node;
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(node).sort()) {
    const value = node[key];
    if ((key === "maximum" && value === Number.MAX_SAFE_INTEGER) || (key === "minimum" && value === Number.MIN_SAFE_INTEGER)) continue;
    out[key] = normalize(value, nullableOptional);
  }
  const props = out.properties;
  if (nullableOptional && out.type === "object" && props !== null && typeof props === "object" && !Array.isArray(props)) {
    const listed = Array.isArray(out.required) ? out.required : [];
    const required = listed.filter((k): k is string => typeof k === "string" && !acceptsNull(props[k])).sort();
    if (required.length > 0) out.required = required;
    else delete out.required;
    // Re-insert so `required` keeps its sorted position among the keys.
    const sorted: { [key: string]: Json } = {};
    for (const key of Object.keys(out).sort()) sorted[key] = out[key];
    return sorted;
  }
  return out;
}

/**
 * `schema` as a chart's values JSON Schema. `io: "output"` describes values with the defaults
 * applied (what values.yaml plus overrides must add up to; nullable keys optional); `io: "input"`
 * what a caller may pass.
 */
export function helmValuesJsonSchema(schema: z.ZodType, io: "input" | "output", meta: { readonly comment: string; readonly title: string }): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, { target: "draft-7", io }) as { [key: string]: Json };
  return normalize({ ...generated, $comment: meta.comment, title: meta.title }, io === "output") as Record<string, unknown>;
}
