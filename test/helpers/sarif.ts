/** Checks SARIF logs against the vendored SARIF 2.1.0 JSON schema (vendor/sarif/README.md says from where). */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const REPO = path.join(__dirname, "..", "..");

/**
 * A validator of SARIF 2.1.0 logs that returns the schema's complaints (none for a valid log). The
 * schema is draft-07; its pattern for a language tag, `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`,
 * compiles only without the `u` flag, and some `required` lists name properties declared in
 * another branch of an `anyOf`, which Ajv's strict mode would refuse.
 */
export function sarifValidator(): (log: unknown) => string[] {
  const schema = JSON.parse(fs.readFileSync(path.join(REPO, "vendor", "sarif", "sarif-schema-2.1.0.json"), "utf8")) as object;
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, unicodeRegExp: false });
  // uri and uri-reference are what code scanning rejects a log for; date-time is in the schema too.
  addFormats(ajv, ["uri", "uri-reference", "date-time"]);
  const validate = ajv.compile(schema);
  return (log) => (validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}
