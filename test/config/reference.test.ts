import * as fs from "node:fs";
import * as path from "node:path";
import { REFERENCE_BEGIN, REFERENCE_END, environmentReferenceTable, withReferenceTable } from "../../config/reference";

const README = path.join(__dirname, "..", "..", "environments", "README.md");

describe("environments/README.md reference", () => {
  test("GIVEN the schema WHEN the table is generated THEN the README holds exactly that table (run `npm run docs` if not)", () => {
    const readme = fs.readFileSync(README, "utf8");
    expect(withReferenceTable(readme)).toBe(readme);
  });

  test("GIVEN the schema WHEN the table is generated THEN every top-level key and nested pool key is documented", () => {
    const table = environmentReferenceTable();
    for (const key of ["name", "description", "cluster.kubeconfig.context", "backend.type", "mirror.registry", "nodePools.<name>.nodes", "nodePools.<name>.gpuSharing.replicasPerGpu", "gpuOperator.version"]) {
      expect(table).toContain(`| \`${key}\` |`);
    }
    expect(table).toMatch(/\| `nodePools.<name>.gpuSharing.profile` \| string \| yes \|  \| \(`mode: mig`\) /);
  });

  test("GIVEN a README without markers WHEN regenerated THEN it says what is missing", () => {
    expect(() => withReferenceTable("# nothing here")).toThrow(`must contain ${REFERENCE_BEGIN} … ${REFERENCE_END}`);
  });
});
