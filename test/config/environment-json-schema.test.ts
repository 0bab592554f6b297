import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ErrorObject } from "ajv";
import { parse } from "yaml";
import { findEnvironmentFiles, loadEnvironmentFiles, parseEnvironment } from "../../config/loader";
import { ENVIRONMENT_SCHEMA_PATH, SCHEMA_MODELINE, renderEnvironmentSchema } from "../../scripts/gen-schema";

const REPO = path.join(__dirname, "..", "..");
const EXAMPLES = ["environments/dev.yaml", "environments/prod.yaml", "environments/staging.yaml"];
const GOOD_FIXTURES = ["minimal", "inline-server", "backends"].map((n) => `test/fixtures/good/${n}.yaml`);

const read = (file: string): string => fs.readFileSync(path.join(REPO, file), "utf8");
const schema = JSON.parse(read(ENVIRONMENT_SCHEMA_PATH)) as Record<string, unknown> & { required: string[]; properties: Record<string, unknown> };
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

/** Validates a document; returns Ajv's errors (none when valid). */
function errorsOf(data: unknown): ErrorObject[] {
  return validate(data) ? [] : [...(validate.errors ?? [])];
}

describe("environments/schema.json", () => {
  test("GIVEN the zod schema WHEN schema.json is generated THEN the committed file is exactly that (run `npm run docs` if not)", () => {
    expect(read(ENVIRONMENT_SCHEMA_PATH)).toBe(renderEnvironmentSchema());
  });

  test("GIVEN input mode WHEN generated THEN keys with defaults are optional and only the four keys without one are required", () => {
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.required).toEqual(["name", "description", "cluster", "nodePools"]);
    expect(schema.required).not.toContain("backend");
    expect(schema.required).not.toContain("costs");
  });

  test("GIVEN strict zod objects WHEN generated THEN every object with properties refuses unknown keys", () => {
    const open: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((child, i) => visit(child, `${at}/${i}`));
      if (node === null || typeof node !== "object") return;
      const o = node as Record<string, unknown>;
      if (o.properties !== undefined && o.additionalProperties !== false) open.push(at);
      for (const [key, child] of Object.entries(o)) visit(child, `${at}/${key}`);
    };
    visit(schema, "");
    expect(schema.additionalProperties).toBe(false);
    expect(open).toEqual([]);
  });

  test.each([...EXAMPLES, ...GOOD_FIXTURES])("GIVEN %s WHEN validated with ajv THEN it passes", (file) => {
    expect(errorsOf(parse(read(file)))).toEqual([]);
  });

  test("GIVEN a misspelt top-level key WHEN validated THEN ajv names it as not allowed", () => {
    const { description, ...rest } = parse(read("environments/prod.yaml")) as Record<string, unknown>;
    const errors = errorsOf({ ...rest, descripton: description });
    expect(errors).toContainEqual(
      expect.objectContaining({ instancePath: "", keyword: "additionalProperties", params: { additionalProperty: "descripton" } }),
    );
    // And the real key is now missing.
    expect(errors).toContainEqual(expect.objectContaining({ instancePath: "", keyword: "required", params: { missingProperty: "description" } }));
  });

  test("GIVEN a misspelt key deep inside a model WHEN validated THEN ajv points at that model", () => {
    const data = parse(read("environments/prod.yaml")) as { models: Record<string, Record<string, unknown>> };
    data.models.coder.tensorParalel = 2;
    expect(errorsOf(data)).toContainEqual(
      expect.objectContaining({ instancePath: "/models/coder", keyword: "additionalProperties", params: { additionalProperty: "tensorParalel" } }),
    );
  });

  test("GIVEN a wrong type or an out-of-range number WHEN validated THEN it fails", () => {
    const data = parse(read("environments/dev.yaml")) as { costs?: Record<string, unknown> };
    expect(errorsOf({ ...data, costs: { ...data.costs, pue: 9 } })).toContainEqual(
      expect.objectContaining({ instancePath: "/costs/pue", keyword: "maximum" }),
    );
    expect(errorsOf({ ...data, gpuOperator: { enabled: "yes" } })).toContainEqual(
      expect.objectContaining({ instancePath: "/gpuOperator/enabled", keyword: "type" }),
    );
  });
});

describe("the examples' schema modeline", () => {
  test.each(EXAMPLES)("GIVEN %s WHEN read THEN its first line points the editor at ./schema.json", (file) => {
    expect(read(file).split("\n")[0]).toBe(SCHEMA_MODELINE);
    expect(SCHEMA_MODELINE).toBe("# yaml-language-server: $schema=./schema.json");
  });

  test("GIVEN the modeline WHEN loaded THEN it is a YAML comment: the file loads the same as without it", () => {
    const text = read("environments/prod.yaml");
    const withLine = parseEnvironment("environments/prod.yaml", text);
    const without = parseEnvironment("environments/prod.yaml", text.split("\n").slice(1).join("\n"));
    expect(withLine.problems).toEqual([]);
    expect(withLine.env?.config).toEqual(without.env?.config);
  });

  test("GIVEN environments/ with schema.json in it WHEN environment files are found THEN only the YAML files are, and they load", () => {
    expect(fs.existsSync(path.join(REPO, ENVIRONMENT_SCHEMA_PATH))).toBe(true);
    const files = findEnvironmentFiles("environments", REPO);
    expect(files).toEqual(EXAMPLES);
    expect(loadEnvironmentFiles(files, REPO).map((e) => e.config.name)).toEqual(["dev", "prod", "staging"]);
  });
});
