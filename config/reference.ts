/**
 * The reference table of the environment format, generated from the zod schema (through its
 * JSON Schema), so the documentation cannot drift from what the loader accepts.
 */
import { z } from "zod";
import { EnvironmentSchema } from "./schema";

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
}

/** The property whose constant value tells the members of a union apart, if there is one. */
function discriminator(options: JsonSchema[]): string | undefined {
  if (options.length < 2 || !options.every((o) => o.type === "object" && o.properties)) return undefined;
  const keys = Object.keys(options[0].properties!).filter((k) => options.every((o) => o.properties![k]?.const !== undefined));
  return keys[0];
}

interface Row {
  path: string;
  types: string[];
  required: boolean;
  defaultValue?: unknown;
  description: string[];
  /** The union members this key belongs to, e.g. `type: s3`. */
  when: string[];
}

function typeName(s: JsonSchema): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(" \\| ");
  if (s.anyOf || s.oneOf) {
    const opts = (s.anyOf ?? s.oneOf)!;
    const tag = discriminator(opts);
    if (tag) return `object by \`${tag}\``;
    return opts.map(typeName).join(" \\| ");
  }
  if (s.type === "array") return `list of ${s.items ? typeName(s.items) : "any"}`;
  if (s.type === "object" && s.additionalProperties && typeof s.additionalProperties === "object" && !s.properties) {
    return `map of ${typeName(s.additionalProperties)}`;
  }
  const base = Array.isArray(s.type) ? s.type.join(" \\| ") : (s.type ?? "any");
  const bounds: string[] = [];
  if (s.minimum !== undefined) bounds.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) bounds.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER) bounds.push(`≤ ${s.maximum}`);
  return bounds.length > 0 ? `${base} (${bounds.join(", ")})` : base;
}

function walk(s: JsonSchema, path: string, required: boolean, rows: Map<string, Row>, when = ""): void {
  const options = s.anyOf ?? s.oneOf;
  if (path !== "") {
    const row = rows.get(path) ?? { path, types: [], required, description: [], when: [] as string[] };
    if (when && !row.when.includes(when)) row.when.push(when);
    const t = typeName(s);
    if (!row.types.includes(t) && !(options && row.types.length > 0)) row.types.push(t);
    if (s.default !== undefined && row.defaultValue === undefined) row.defaultValue = s.default;
    if (s.description && !row.description.includes(s.description)) row.description.push(s.description);
    row.required = row.required && required;
    rows.set(path, row);
  }
  if (options) {
    const tag = discriminator(options);
    for (const option of options) {
      const label = tag ? `${tag}: ${String(option.properties![tag].const)}` : "";
      if (option.type === "object") walkObject(option, path, rows, label);
    }
    return;
  }
  if (s.type === "object") walkObject(s, path, rows);
  if (s.type === "array" && s.items?.type === "object") walkObject(s.items, `${path}[]`, rows);
}

function walkObject(s: JsonSchema, path: string, rows: Map<string, Row>, when = ""): void {
  const tag = when.split(":")[0];
  if (s.properties) {
    for (const [key, child] of Object.entries(s.properties)) {
      if (when && key === tag) {
        walk(child, `${path}.${key}`, true, rows);
        continue;
      }
      walk(child, path === "" ? key : `${path}.${key}`, (s.required ?? []).includes(key), rows, when);
    }
  } else if (s.additionalProperties && typeof s.additionalProperties === "object") {
    const value = s.additionalProperties;
    if (value.type === "object" || value.anyOf || value.oneOf) walkObject(value, `${path}.<name>`, rows);
  }
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** The reference table (Markdown) of every key of the environment format. */
export function environmentReferenceTable(): string {
  const json = z.toJSONSchema(EnvironmentSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const rows = new Map<string, Row>();
  walk(json, "", true, rows);
  const lines = [
    "| Key | Type | Required | Default | Description |",
    "|---|---|---|---|---|",
  ];
  for (const row of rows.values()) {
    const def = row.defaultValue === undefined ? "" : `\`${JSON.stringify(row.defaultValue)}\``;
    const scope = row.when.length > 0 ? `(${row.when.map((w) => `\`${w}\``).join(", ")}) ` : "";
    const desc = scope + row.description.map((d) => d.replace(/\|/g, "\\|")).join(" ");
    lines.push(
      `| \`${row.path}\` | ${row.types.join(" \\| ")} | ${row.required && row.defaultValue === undefined ? "yes" : "no"} | ${cell(def)} | ${desc.replace(/\n/g, " ")} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export const REFERENCE_BEGIN = "<!-- BEGIN GENERATED REFERENCE: npm run docs -->";
export const REFERENCE_END = "<!-- END GENERATED REFERENCE -->";

/** `readme` with its generated section replaced by the current table. */
export function withReferenceTable(readme: string): string {
  const start = readme.indexOf(REFERENCE_BEGIN);
  const end = readme.indexOf(REFERENCE_END);
  if (start < 0 || end < start) {
    throw new Error(`environments/README.md must contain ${REFERENCE_BEGIN} … ${REFERENCE_END}`);
  }
  return `${readme.slice(0, start + REFERENCE_BEGIN.length)}\n\n${environmentReferenceTable()}\n${readme.slice(end)}`;
}
