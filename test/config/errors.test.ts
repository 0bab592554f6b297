import { ConfigError, PROBLEM_RULES, formatLocatedProblem, formatPath, formatProblem, oneOf, show } from "../../config/errors";

describe("formatPath", () => {
  test("GIVEN keys, indices and keys with dots WHEN formatted THEN it reads like YAML", () => {
    expect(formatPath(["nodePools", "main", "nodes", 2])).toBe("nodePools.main.nodes[2]");
    expect(formatPath(["labels", "nvidia.com/gpu"])).toBe('labels["nvidia.com/gpu"]');
    expect(formatPath([])).toBe("(document)");
  });
});

describe("messages", () => {
  test("GIVEN a problem WHEN formatted THEN it is file: path: message", () => {
    expect(formatProblem({ file: "environments/prod.yaml", path: ["name"], message: "bad" })).toBe("environments/prod.yaml: name: bad");
  });

  test("GIVEN a located problem WHEN formatted for the command line THEN it is file:line:column: path: message", () => {
    const problem = { file: "environments/prod.yaml", path: ["models", "coder", "pool"], message: 'unknown node pool "h200"', line: 31, column: 11 };
    expect(formatLocatedProblem(problem)).toBe('environments/prod.yaml:31:11: models.coder.pool: unknown node pool "h200"');
    // The internal form, and so ConfigError.message, leaves the position out.
    expect(formatProblem(problem)).toBe('environments/prod.yaml: models.coder.pool: unknown node pool "h200"');
    expect(new ConfigError([problem]).message).toBe('environments/prod.yaml: models.coder.pool: unknown node pool "h200"');
  });

  test("GIVEN a problem not located WHEN formatted for the command line THEN it points at 1:1, escaped like the rest", () => {
    expect(formatLocatedProblem({ file: "a\nb.yaml", path: [], message: "bad\u001b[2J" })).toBe("a\\nb.yaml:1:1: (document): bad\\u001b[2J");
  });

  test("GIVEN the rule ids WHEN listed THEN they are the stages that find problems, in order", () => {
    expect(Object.keys(PROBLEM_RULES)).toEqual(["file", "yaml", "schema", "check", "plan", "environments"]);
  });

  test("GIVEN problems WHEN a ConfigError is made THEN its message lists one per line", () => {
    const err = new ConfigError([
      { file: "a.yaml", path: ["x"], message: "one" },
      { file: "b.yaml", path: ["y", 0], message: "two" },
    ]);
    expect(err.message).toBe("a.yaml: x: one\nb.yaml: y[0]: two");
  });

  test("GIVEN values WHEN shown THEN strings are quoted and long values cut", () => {
    expect(show("a")).toBe('"a"');
    expect(show(3)).toBe("3");
    expect(show(undefined)).toBe("nothing");
    // The first 60 characters, quoted, then the cut and the full length.
    expect(show("x".repeat(200))).toBe(`"${"x".repeat(60)}"… (200 characters)`);
    expect(show({ a: "y".repeat(200) })).toBe(`{"a":"${"y".repeat(60)}…"}`);
    // JSON cut to 79 characters and "…": `{"a":"` (6) + 50 y + `","b":"` (7) = 63, then 16 z.
    expect(show({ a: "y".repeat(50), b: "z".repeat(50) })).toBe(`{"a":"${"y".repeat(50)}","b":"${"z".repeat(16)}…`);
    expect(oneOf(["a", "b", "c"])).toBe('"a", "b" or "c"');
    expect(oneOf(["a"])).toBe('"a"');
  });
});
