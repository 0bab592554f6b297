/** Regenerates the reference table in environments/README.md from the zod schema. */
import * as fs from "node:fs";
import * as path from "node:path";
import { withReferenceTable } from "../config/reference";

const file = path.join(__dirname, "..", "environments", "README.md");
const before = fs.readFileSync(file, "utf8");
const after = withReferenceTable(before);
if (after !== before) {
  fs.writeFileSync(file, after);
  console.log("environments/README.md: reference table updated");
} else {
  console.log("environments/README.md: reference table up to date");
}
