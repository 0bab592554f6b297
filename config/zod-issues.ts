/**
 * The one formatter for zod issues: turns each into a `Problem` that says what was found at the
 * path and what is allowed there, in the house style (`<file>: <path>: <what>, got X; allowed Y`).
 */
import type { z } from "zod";
import { DocPath, Problem, oneOf, show } from "./errors";

type AnySchema = z.core.$ZodType;

/** The value at `path` in a parsed document, or undefined. */
export function valueAt(doc: unknown, path: DocPath): unknown {
  let cur: unknown = doc;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[part];
  }
  return cur;
}

/** Unwraps optional/default/nullable/pipe wrappers. */
function unwrap(schema: AnySchema): AnySchema {
  let cur = schema;
  for (;;) {
    const def = cur._zod.def as unknown as { type: string; innerType?: AnySchema; in?: AnySchema };
    if ((def.type === "optional" || def.type === "default" || def.type === "nullable" || def.type === "prefault") && def.innerType) {
      cur = def.innerType;
    } else if (def.type === "pipe" && def.in) {
      cur = def.in;
    } else {
      return cur;
    }
  }
}

/** Picks the member of a union that the data is meant to be (by discriminator, or by shape). */
function unionMember(schema: AnySchema, data: unknown): AnySchema | undefined {
  const def = schema._zod.def as unknown as { options: AnySchema[]; discriminator?: string };
  if (def.discriminator && data && typeof data === "object") {
    const tag = (data as Record<string, unknown>)[def.discriminator];
    return def.options.find((o) => {
      const shape = (unwrap(o)._zod.def as unknown as { shape?: Record<string, AnySchema> }).shape;
      const lit = shape?.[def.discriminator!];
      const values = lit ? ((lit._zod.def as unknown as { values?: unknown[] }).values ?? []) : [];
      return values.includes(tag);
    });
  }
  if (data && typeof data === "object") {
    return def.options.find((o) => (unwrap(o)._zod.def as unknown as { type: string }).type === "object");
  }
  return undefined;
}

/** The schema that governs `path`, following the data through unions; undefined if unknown. */
export function schemaAt(root: AnySchema, path: DocPath, doc: unknown): AnySchema | undefined {
  let cur: AnySchema | undefined = unwrap(root);
  let data: unknown = doc;
  for (const part of path) {
    if (!cur) return undefined;
    let def = cur._zod.def as unknown as { type: string };
    if (def.type === "union") {
      cur = unionMember(cur, data);
      if (!cur) return undefined;
      cur = unwrap(cur);
      def = cur._zod.def as unknown as { type: string };
    }
    const d = def as unknown as { shape?: Record<string, AnySchema>; valueType?: AnySchema; element?: AnySchema };
    // Own keys only: a path part such as "constructor" must not find Object.prototype's.
    if (def.type === "object" && d.shape) cur = Object.hasOwn(d.shape, String(part)) ? d.shape[String(part)] : undefined;
    else if (def.type === "record") cur = d.valueType;
    else if (def.type === "array") cur = d.element;
    else return undefined;
    if (cur) cur = unwrap(cur);
    data = data && typeof data === "object" ? (data as Record<string | number, unknown>)[part] : undefined;
  }
  if (cur && (cur._zod.def as unknown as { type: string }).type === "union") {
    const member = unionMember(cur, data);
    if (member) return unwrap(member);
  }
  return cur;
}

/** Keys an object schema allows, sorted. */
function allowedKeys(schema: AnySchema | undefined): string[] {
  if (!schema) return [];
  const def = schema._zod.def as unknown as { type: string; shape?: Record<string, unknown> };
  return def.type === "object" && def.shape ? Object.keys(def.shape).sort() : [];
}

/** The tag values of a discriminated union's members. */
function unionTags(schema: AnySchema | undefined): string[] {
  if (!schema) return [];
  const def = schema._zod.def as unknown as { options?: AnySchema[]; discriminator?: string };
  if (!def.options || !def.discriminator) return [];
  return def.options.flatMap((o) => {
    const shape = (unwrap(o)._zod.def as unknown as { shape?: Record<string, AnySchema> }).shape;
    const lit = shape?.[def.discriminator!];
    return lit ? ((lit._zod.def as unknown as { values?: unknown[] }).values ?? []).map(String) : [];
  });
}

/** What a union accepts, from the descriptions of its members. */
function describeUnion(schema: AnySchema | undefined): string | undefined {
  if (!schema) return undefined;
  const def = schema._zod.def as unknown as { type: string; options?: AnySchema[]; discriminator?: string };
  if (def.type !== "union" || !def.options) return undefined;
  if (def.discriminator) return `an object whose "${def.discriminator}" is ${oneOf(unionTags(schema))}`;
  const parts = def.options.map((o) => {
    const inner = unwrap(o);
    const t = (inner._zod.def as unknown as { type: string; values?: unknown[] }).type;
    if (t === "literal") return `\`${JSON.stringify((inner._zod.def as unknown as { values: unknown[] }).values[0])}\``;
    return t === "object" ? "a mapping" : `a ${t}`;
  });
  return parts.join(" or ");
}

/** Converts zod issues into problems for `file`, quoting what was found at each path. */
export function zodIssuesToProblems(
  file: string,
  issues: readonly z.core.$ZodIssue[],
  root: AnySchema,
  doc: unknown,
): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    const got = valueAt(doc, path);
    let message: string;
    switch (issue.code) {
      case "unrecognized_keys": {
        const keys = issue.keys;
        const allowed = allowedKeys(schemaAt(root, path, doc));
        for (const key of keys) {
          problems.push({
            file,
            path: [...path, key],
            message: `unknown key ${show(key)}; allowed keys: ${allowed.join(", ")}`,
          });
        }
        continue;
      }
      case "invalid_key": {
        // A map key (pool or model name) that breaks the key's rule.
        const key = path[path.length - 1];
        message = `invalid name ${show(key)}: ${issue.issues.map((i) => i.message).join("; ")}`;
        break;
      }
      case "invalid_type":
        message =
          got === undefined
            ? `is required (${issue.expected})`
            : typeof got === "number" && !Number.isFinite(got)
              ? // YAML's .nan and .inf are numbers to the parser, but no field takes them.
                `expected a finite number, got ${show(got)}`
              : `expected ${issue.expected}, got ${show(got)}`;
        break;
      case "invalid_value":
        message = `got ${show(got)}; allowed: ${oneOf(issue.values.map(String))}`;
        break;
      case "invalid_union": {
        const tagged = issue as unknown as { discriminator?: string };
        if (tagged.discriminator !== undefined) {
          // A discriminated union whose tag matches no member: list the tags it accepts.
          const union = schemaAtUnion(root, path.slice(0, -1), doc);
          message = `got ${show(got)}; allowed: ${oneOf(unionTags(union))}`;
          break;
        }
        // A plain union: when the value has the shape of one member (a mapping for an inline
        // object), report that member's own issues, which point deeper than the union.
        const member = issue.errors.find((errs) => errs.every((e) => !((e.code === "invalid_type" || e.code === "invalid_value") && e.path.length === 0)));
        if (member && member.length > 0) {
          const nested = member.map((e) => ({ ...e, path: [...path, ...e.path] }) as z.core.$ZodIssue);
          problems.push(...zodIssuesToProblems(file, nested, root, doc));
          continue;
        }
        const allowed = describeUnion(schemaAtUnion(root, path, doc));
        message = `got ${show(got)}; expected ${allowed ?? "a different shape"}`;
        break;
      }
      default:
        // A refinement that quotes the value itself, masked (a URL with credentials), never gets the raw value appended.
        message = got === undefined || quotesValue(issue) ? issue.message : `${issue.message}, got ${show(got)}`;
    }
    problems.push({ file, path, message });
  }
  return problems;
}

/** Whether the issue's message already quotes the value (`params.quoted`, see QUOTED_ISSUE in schema.ts). */
function quotesValue(issue: z.core.$ZodIssue): boolean {
  return issue.code === "custom" && (issue.params as { quoted?: unknown } | undefined)?.quoted === true;
}

/** The (un-narrowed) union schema at `path`, so an invalid_union issue can list what it accepts. */
function schemaAtUnion(root: AnySchema, path: DocPath, doc: unknown): AnySchema | undefined {
  const parent = path.length === 0 ? unwrap(root) : schemaAt(root, path.slice(0, -1), doc);
  if (!parent) return undefined;
  const def = parent._zod.def as unknown as { type: string; shape?: Record<string, AnySchema>; valueType?: AnySchema; element?: AnySchema };
  const last = path[path.length - 1];
  let child: AnySchema | undefined;
  if (path.length === 0) child = parent;
  else if (def.type === "object" && def.shape) child = Object.hasOwn(def.shape, String(last)) ? def.shape[String(last)] : undefined;
  else if (def.type === "record") child = def.valueType;
  else if (def.type === "array") child = def.element;
  return child ? unwrap(child) : undefined;
}
