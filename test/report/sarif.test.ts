import type { Problem } from "../../config/errors";
import { SARIF_SCHEMA_URI, fileUri, renderSarif, sarifLog } from "../../report/sarif";
import { sarifValidator } from "../helpers/sarif";

const validateSarif = sarifValidator();

const PROBLEMS: Problem[] = [
  { file: "environments/staging.yaml", path: ["nodePools", "h100", "gpuSharing", "profile"], message: 'unknown MIG profile "3g.71gb"', line: 20, column: 16, rule: "check" },
  { file: "environments/my prod#1.yaml", path: [], message: "no such file", line: 1, column: 1, rule: "file" },
  { file: "t.yaml", path: ["models", "coder"], message: "does not fit", line: 9, column: 3, rule: "plan" },
  { file: "t.yaml", path: ["name"], message: "bad \u001b[31m" },
];

describe("sarifLog", () => {
  test("GIVEN problems of several kinds WHEN rendered THEN the log is valid SARIF 2.1.0", () => {
    const log = JSON.parse(renderSarif(PROBLEMS, { version: "0.1.0" }));
    expect(validateSarif(log)).toEqual([]);
  });

  test("GIVEN no problem WHEN rendered THEN the log is valid with one run and no results", () => {
    const log = JSON.parse(renderSarif([], { version: "0.1.0" }));
    expect(validateSarif(log)).toEqual([]);
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].results).toEqual([]);
  });

  test("GIVEN the schema WHEN given a log that breaks it THEN the check fails (it checks something)", () => {
    const log = sarifLog(PROBLEMS.slice(0, 1), { version: "0.1.0" }) as unknown as { runs: [{ results: [{ locations: [{ physicalLocation: { region: { startLine: number } } }] }] }] };
    log.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(validateSarif(log)).toEqual(["/runs/0/results/0/locations/0/physicalLocation/region/startLine must be >= 1"]);
    expect(validateSarif({ version: "2.1.0", runs: [{ tool: { driver: { name: "x" } }, results: [{ message: { text: "m" }, locations: [{ physicalLocation: { artifactLocation: { uri: "a b.yaml" } } }] }] }] })).toEqual([
      '/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri must match format "uri-reference"',
    ]);
  });

  test("GIVEN a problem WHEN rendered THEN its result names the rule, the message with the path, the file and the region", () => {
    const log = sarifLog(PROBLEMS, { version: "1.2.3" });
    expect(log.$schema).toBe(SARIF_SCHEMA_URI);
    expect(log.version).toBe("2.1.0");
    const [run] = log.runs;
    expect(run.tool.driver.name).toBe("ai-factory");
    expect(run.tool.driver.version).toBe("1.2.3");
    expect(run.columnKind).toBe("utf16CodeUnits");
    expect(run.results[0]).toEqual({
      ruleId: "check",
      ruleIndex: 3,
      level: "error",
      message: { text: 'nodePools.h100.gpuSharing.profile: unknown MIG profile "3g.71gb"' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "environments/staging.yaml", uriBaseId: "%SRCROOT%" },
            region: { startLine: 20, startColumn: 16 },
          },
        },
      ],
    });
  });

  test("GIVEN problems WHEN rendered THEN every rule is declared once, with its index, and results point at theirs", () => {
    const [run] = sarifLog(PROBLEMS, { version: "0.1.0" }).runs;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(["file", "yaml", "schema", "check", "plan", "environments", "plan-risk"]);
    expect(run.tool.driver.rules[4]).toEqual({
      id: "plan",
      shortDescription: { text: "Plan cannot work" },
      fullDescription: {
        text: "The plan cannot work: a model does not fit its GPU, a pod cannot be placed, the capacity is below the demand, the model store is incomplete.",
      },
      defaultConfiguration: { level: "error" },
    });
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    expect(run.results.map((r) => r.ruleId)).toEqual(["check", "file", "plan", "check"]);
  });

  test("GIVEN a problem without position, rule or a printable message WHEN rendered THEN it is at 1:1, a check, and escaped", () => {
    const last = sarifLog(PROBLEMS, { version: "0.1.0" }).runs[0].results[3];
    expect(last.message.text).toBe("name: bad \\u001b[31m");
    expect(last.locations[0].physicalLocation.region).toEqual({ startLine: 1, startColumn: 1 });
  });
});

describe("sarifLog: warnings", () => {
  const WARNING: Problem = {
    file: "workstation.yaml",
    path: ["models", "gpt-oss-120b", "maxConcurrentSequences"],
    message: "16 sequences may run at once, but the KV cache holds 13 at the workload's mean context of 50,000 tokens (10 at the full 65,536)",
    line: 11,
    column: 29,
    rule: "plan",
  };

  test("GIVEN a warning and no problem WHEN rendered THEN one result of rule plan-risk, level warning, on its line", () => {
    const log = sarifLog([], { version: "0.1.0" }, [WARNING]);
    expect(validateSarif(JSON.parse(JSON.stringify(log)))).toEqual([]);
    const [run] = log.runs;
    expect(run.results).toEqual([
      {
        ruleId: "plan-risk",
        ruleIndex: 6,
        level: "warning",
        message: { text: `models.gpt-oss-120b.maxConcurrentSequences: ${WARNING.message}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: "workstation.yaml", uriBaseId: "%SRCROOT%" }, region: { startLine: 11, startColumn: 29 } } }],
      },
    ]);
    expect(run.tool.driver.rules[6]).toEqual({
      id: "plan-risk",
      shortDescription: { text: "Plan works with a risk" },
      fullDescription: {
        text: "The plan works, with a risk worth a look: a model may run more sequences at once than its KV cache holds at the workload's mean context, and vLLM queues or preempts the rest (strictKvFit: true refuses it instead).",
      },
      defaultConfiguration: { level: "warning" },
    });
  });

  test("GIVEN problems and warnings WHEN rendered THEN the problems come first, as errors, the warnings after", () => {
    const [run] = JSON.parse(renderSarif(PROBLEMS.slice(0, 1), { version: "0.1.0" }, [WARNING])).runs;
    expect(run.results.map((r: { ruleId: string; level: string }) => [r.ruleId, r.level])).toEqual([
      ["check", "error"],
      ["plan-risk", "warning"],
    ]);
  });
});

describe("fileUri", () => {
  test("GIVEN relative paths WHEN made URIs THEN segments are percent-encoded and slashes and dots kept", () => {
    expect(fileUri("environments/staging.yaml")).toBe("environments/staging.yaml");
    expect(fileUri("environments/my prod#1.yaml")).toBe("environments/my%20prod%231.yaml");
    expect(fileUri("../other/100%.yaml")).toBe("../other/100%25.yaml");
  });
});
