import { renderCostJson } from "../../report/cost-json";
import type { CostSummary } from "../../planning/tco";
import { PROD } from "./fixtures";

function keysAreSorted(value: unknown, path = "$"): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => keysAreSorted(item, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [];
  const keys = Object.keys(value);
  // Integer-like keys (horizon months) always come first in numeric order in JS; compare the rest.
  const named = keys.filter((k) => !/^\d+$/.test(k));
  const unsorted = named.join() === [...named].sort().join() ? [] : [path];
  return [...unsorted, ...keys.flatMap((k) => keysAreSorted((value as Record<string, unknown>)[k], `${path}.${k}`))];
}

describe("renderCostJson", () => {
  const json = renderCostJson("prod", PROD);
  const parsed = JSON.parse(json);

  test("GIVEN a summary WHEN rendered THEN it has the keys the PR diff and dashboards read", () => {
    expect(parsed).toMatchObject({
      env: "prod",
      schemaVersion: 1,
      capexUsd: expect.any(Number),
      hoursPerMonth: 730,
      usdPerMillionTokens: expect.any(Number),
    });
    expect(Object.keys(parsed.monthly).sort()).toEqual(
      ["amortizationUsd", "energyUsd", "opexUsd", "spaceUsd", "staffUsd", "supportUsd", "tcoUsd"].sort(),
    );
    expect(Object.keys(parsed.tokens).sort()).toEqual(["capacityPerMonth", "demandPerMonth", "servedPerMonth"]);
    for (const alternative of parsed.alternatives) {
      expect(alternative).toMatchObject({ id: expect.any(String), kind: expect.stringMatching(/^(api|gpu-rental)$/), monthlyUsd: expect.any(Number) });
      expect(alternative).toHaveProperty("breakEvenMonths");
      expect(Object.keys(alternative.savingsPercent)).toEqual(["24", "36"]);
    }
    expect(parsed.alternatives.map((a: { id: string }) => a.id)).toEqual(["claude-sonnet-4.5", "my-contract", "aws-p5"]);
  });

  test("GIVEN a summary WHEN rendered THEN numbers are unrounded", () => {
    expect(parsed.monthly.staffUsd).toBe(PROD.monthly.staffUsd);
    expect(parsed.monthly.staffUsd).toBe(50_000 / 12);
    expect(parsed.alternatives[0].breakEvenMonths).toBe(PROD.alternatives[0].breakEvenMonths);
    expect(parsed.alternatives[0].savingsPercent["36"]).toBe(PROD.alternatives[0].savingsPercent["36"]);
  });

  test("GIVEN a summary WHEN rendered THEN keys are sorted at every level and output is stable", () => {
    expect(keysAreSorted(parsed)).toEqual([]);
    expect(json.endsWith("}\n")).toBe(true);
    const shuffled = JSON.parse(JSON.stringify(PROD)) as CostSummary;
    const reordered = Object.fromEntries(Object.entries(shuffled).reverse()) as unknown as CostSummary;
    expect(renderCostJson("prod", reordered)).toBe(json);
  });

  test("GIVEN a never-breaking-even alternative WHEN rendered THEN it is null, not absent", () => {
    const summary: CostSummary = { ...PROD, alternatives: [{ ...PROD.alternatives[0], breakEvenMonths: null }] };
    expect(JSON.parse(renderCostJson("prod", summary)).alternatives[0].breakEvenMonths).toBeNull();
  });

  test("throws when a number is not finite", () => {
    const summary: CostSummary = { ...PROD, capexUsd: Infinity };
    expect(() => renderCostJson("prod", summary)).toThrow(
      "cost-json: $.capexUsd: Infinity cannot be written as JSON; it must hold finite numbers or null",
    );
  });
});
