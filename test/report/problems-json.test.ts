import { problemJson, renderInternalErrorJson, renderProblemsJson, renderUsageJson, warningJson } from "../../report/problems-json";

describe("problems as JSON", () => {
  test("GIVEN a located problem WHEN rendered THEN it has the fields of its text line and its path as an array", () => {
    expect(
      problemJson({ file: "test/fixtures/bad/node-twice.yaml", path: ["nodePools", "a", "nodes", 1], message: 'node "gpu-01" is listed twice in this pool', line: 8, column: 21, rule: "check" }),
    ).toEqual({
      file: "test/fixtures/bad/node-twice.yaml",
      line: 8,
      column: 21,
      path: "nodePools.a.nodes[1]",
      message: 'node "gpu-01" is listed twice in this pool',
      rule: "check",
      pathSegments: ["nodePools", "a", "nodes", 1],
    });
  });

  test("GIVEN a located warning WHEN rendered THEN it has a problem's fields, with the rule plan-risk", () => {
    expect(
      warningJson({ file: "w.yaml", path: ["models", "m", "maxConcurrentSequences"], message: "16 sequences may run at once", line: 11, column: 29, rule: "plan" }),
    ).toEqual({
      file: "w.yaml",
      line: 11,
      column: 29,
      path: "models.m.maxConcurrentSequences",
      message: "16 sequences may run at once",
      rule: "plan-risk",
      pathSegments: ["models", "m", "maxConcurrentSequences"],
    });
  });

  test("GIVEN a problem of the whole file, not located WHEN rendered THEN it is at 1:1 with the document's path", () => {
    expect(problemJson({ file: "nope.yaml", path: [], message: "no such file" })).toEqual({
      file: "nope.yaml",
      line: 1,
      column: 1,
      path: "(document)",
      message: "no such file",
      rule: "check",
      pathSegments: [],
    });
  });

  test("GIVEN problems WHEN the failure is rendered THEN it is one document, valid false, with every problem", () => {
    const text = renderProblemsJson([
      { file: "a.yaml", path: ["x"], message: "one", line: 2, column: 3, rule: "schema" },
      { file: "b.yaml", path: ["y", 0], message: "two\u001b[2J", line: 4, column: 5, rule: "plan" },
    ]);
    expect(JSON.parse(text)).toEqual({
      valid: false,
      problems: [
        { file: "a.yaml", line: 2, column: 3, path: "x", message: "one", rule: "schema", pathSegments: ["x"] },
        { file: "b.yaml", line: 4, column: 5, path: "y[0]", message: "two\\u001b[2J", rule: "plan", pathSegments: ["y", 0] },
      ],
    });
  });

  test("GIVEN a usage error or a bug WHEN rendered THEN each is one document, valid false, saying which", () => {
    expect(JSON.parse(renderUsageJson("unknown option --yaml for validate"))).toEqual({ valid: false, usage: "unknown option --yaml for validate" });
    expect(JSON.parse(renderInternalErrorJson("a bug"))).toEqual({ valid: false, internalError: "a bug" });
  });
});
