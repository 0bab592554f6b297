/**
 * Regenerates what is generated from the zod schema of the environment file: the reference table
 * in environments/README.md and the editors' JSON Schema environments/schema.json.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { withReferenceTable } from "../config/reference";
import { ENVIRONMENT_SCHEMA_PATH, writeEnvironmentSchema } from "./gen-schema";

const file = path.join(__dirname, "..", "environments", "README.md");
const before = fs.readFileSync(file, "utf8");
const after = withReferenceTable(before);
if (after !== before) {
  fs.writeFileSync(file, after);
  console.log("environments/README.md: reference table updated");
} else {
  console.log("environments/README.md: reference table up to date");
}
console.log(`${ENVIRONMENT_SCHEMA_PATH}: ${writeEnvironmentSchema() ? "updated" : "up to date"}`);
