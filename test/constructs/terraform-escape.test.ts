import fc from "fast-check";
import { escapeTemplate, escapeTemplates } from "../../constructs/terraform-escape";
import { readTemplate } from "../helpers/terraform-template";

describe("escapeTemplate", () => {
  test("GIVEN interpolations and directives WHEN escaped THEN each gets one more $ or %", () => {
    expect(escapeTemplate('a${file("x")}c%{ if true }d%{ endif }$x%y')).toBe('a$${file("x")}c%%{ if true }d%%{ endif }$x%y');
  });

  test("GIVEN text that is already an escape WHEN escaped THEN Terraform still reads it back as written", () => {
    expect(escapeTemplate("$${x}")).toBe("$$${x}");
    expect(readTemplate("$$${x}")).toEqual({ live: [], literal: "$${x}" });
    expect(escapeTemplate("%$${")).toBe("%$$${");
  });

  test("GIVEN any string WHEN escaped THEN Terraform evaluates nothing in it and reads back exactly the input", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[$%{}ax]*$/), (s) => {
        const read = readTemplate(escapeTemplate(s));
        expect(read.live).toEqual([]);
        expect(read.literal).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("escapeTemplates", () => {
  test("GIVEN nested plain data WHEN escaped THEN every string and key is escaped in a copy, other values kept", () => {
    const input = { "k${x}": ["a${b}", 1, true, null, undefined, { deep: "%{ if }" }], n: 2.5 };
    const out = escapeTemplates(input);
    expect(out).toEqual({ "k$${x}": ["a$${b}", 1, true, null, undefined, { deep: "%%{ if }" }], n: 2.5 });
    expect(input["k${x}"][0]).toBe("a${b}");
  });

  test("GIVEN an object shared by two parents WHEN escaped THEN it is copied once and stays shared", () => {
    const pool = { name: "p${x}" };
    const out = escapeTemplates({ pools: [pool], models: [{ pool }] });
    expect(out.pools[0]).toBe(out.models[0].pool);
    expect(out.pools[0].name).toBe("p$${x}");
  });

  test("GIVEN a cycle WHEN escaped THEN the copy has the same cycle", () => {
    const a: { self?: unknown; s: string } = { s: "${y}" };
    a.self = a;
    const out = escapeTemplates(a);
    expect(out.self).toBe(out);
    expect(out.s).toBe("$${y}");
  });

  test("throws when the input holds something other than plain data", () => {
    expect(() => escapeTemplates({ m: new Map([["a", "${b}"]]) })).toThrow("escapeTemplates: input.m is a Map; only plain objects and arrays can be escaped");
    expect(() => escapeTemplates({ f: () => "${b}" })).toThrow("escapeTemplates: input.f is a function; only plain data can be escaped");
  });
});
