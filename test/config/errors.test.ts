import { ConfigError, formatPath, formatProblem, oneOf, show } from "../../config/errors";

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
    expect(show("x".repeat(200)).length).toBeLessThan(210);
    expect(show({ a: "y".repeat(200) })).toBe(`{"a":"${"y".repeat(60)}…"}`);
    expect(show({ a: "y".repeat(50), b: "z".repeat(50) })).toMatch(/^.{79}…$/u);
    expect(oneOf(["a", "b", "c"])).toBe('"a", "b" or "c"');
    expect(oneOf(["a"])).toBe('"a"');
  });
});
