/**
 * Writes `environments/schema.json`, the JSON Schema of an environment file, from the zod schema
 * (config/schema.ts, the single source of truth) for editors: every example starts with
 * `# yaml-language-server: $schema=./schema.json`, so VS Code with the Red Hat YAML extension
 * completes keys, shows their descriptions and flags typos while typing.
 *
 * Input mode: the schema describes the file as written, so a key with a default is optional, not
 * required. Strict objects give `additionalProperties: false`. Draft-07, which every editor's
 * YAML plugin reads. Rules zod checks in code (refinements, cross-field and catalog checks) have
 * no JSON Schema form: the editor catches unknown keys, wrong types and bounds; `validate` the rest.
 *
 * Run by `npm run docs` (scripts/gen-docs.ts); a test fails when the committed file drifts.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

import { EnvironmentSchema } from "../config/schema";

/** The committed file, relative to the repository root. */
export const ENVIRONMENT_SCHEMA_PATH = "environments/schema.json";

/** The first line of every example environment file: points the editor at the schema. */
export const SCHEMA_MODELINE = "# yaml-language-server: $schema=./schema.json";

/** The JSON Schema of an environment file as written (defaults not applied). */
export function environmentJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(EnvironmentSchema, { io: "input", target: "draft-7", unrepresentable: "any" }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $comment: "Generated from config/schema.ts by `npm run docs` (scripts/gen-schema.ts); do not edit.",
    title: "ai-factory environment file",
    ...rest,
  };
}

/** The text of `environments/schema.json`, exactly as committed: two-space indent, trailing newline. */
export function renderEnvironmentSchema(): string {
  return `${JSON.stringify(environmentJsonSchema(), null, 2)}\n`;
}

/** Writes the schema; returns whether the file changed. */
export function writeEnvironmentSchema(root: string = join(__dirname, "..")): boolean {
  const file = join(root, ENVIRONMENT_SCHEMA_PATH);
  const text = renderEnvironmentSchema();
  if (existsSync(file) && readFileSync(file, "utf8") === text) return false;
  writeFileSync(file, text);
  return true;
}

if (require.main === module) {
  console.log(`${ENVIRONMENT_SCHEMA_PATH}: ${writeEnvironmentSchema() ? "updated" : "up to date"}`);
}
