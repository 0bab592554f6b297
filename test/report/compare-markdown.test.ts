import { renderCompareMarkdown } from "../../report/compare-markdown";
import { DEV, PROD } from "./fixtures";

describe("renderCompareMarkdown", () => {
  const markdown = renderCompareMarkdown([
    { env: "dev", summary: DEV },
    { env: "prod", summary: PROD },
  ]);
  const rows = markdown.split("\n").filter((line) => line.startsWith("|"));

  test("GIVEN two environments WHEN compared THEN each is a column in the order given", () => {
    expect(rows[0]).toBe("|  | dev | prod |");
    expect(rows[1]).toBe("|---|---:|---:|");
  });

  test("GIVEN two environments WHEN compared THEN on-prem figures sit side by side", () => {
    expect(rows).toContain("| GPUs | 8 | 16 |");
    expect(rows).toContain("| Capex | $99,000 | $660,000 |");
    expect(rows).toContain("| **TCO / month** | **$8,190** | **$26,814** |");
    expect(rows).toContain("| **USD per M tokens** | **$27.30** | **$0.89** |");
    expect(rows).toContain("| Capacity / demand | 60% | 167% |");
  });

  test("GIVEN alternatives WHEN compared THEN only those every environment has get rows, not one per alternative of any", () => {
    // DEV compares with claude-sonnet-4.5 only; PROD with it, my-contract and aws-p5.
    expect(rows).toContain("| claude-sonnet-4.5: USD / month | $1,376 | $82,575 |");
    expect(rows).toContain("| claude-sonnet-4.5: break-even | never | 9.5 months |");
    expect(rows).toContain("| claude-sonnet-4.5: savings at 36 months | -545% | 62% |");
    expect(rows.filter((row) => row.startsWith("| aws-p5") || row.startsWith("| my-contract"))).toEqual([]);
    expect(markdown).toContain("Only the alternatives every environment compares with have rows;");
  });

  test("GIVEN alternatives WHEN compared THEN each environment's cheapest is shown, whichever it is", () => {
    expect(rows).toContain("| Cheapest alternative | claude-sonnet-4.5 | aws-p5 |");
    expect(rows).toContain("| Cheapest: USD / month | $1,376 | $80,358 |");
    expect(rows).toContain("| Cheapest: break-even | never | 9.8 months |");
  });

  test("GIVEN no alternative in common WHEN compared THEN no alternative rows but the cheapest, and a note says why", () => {
    const own = { ...PROD, alternatives: PROD.alternatives.filter((a) => a.id !== "claude-sonnet-4.5") };
    const text = renderCompareMarkdown([{ env: "dev", summary: DEV }, { env: "prod", summary: own }]);
    expect(text).not.toMatch(/^\| claude-sonnet-4.5: /m);
    expect(text).toContain("| Cheapest alternative | claude-sonnet-4.5 | aws-p5 |");
    expect(text).toContain("No alternative is compared by every environment, so only each one's cheapest is shown;");
  });

  test("GIVEN environments in any order WHEN compared THEN the columns keep that order", () => {
    const text = renderCompareMarkdown([{ env: "prod", summary: PROD }, { env: "dev", summary: DEV }]);
    expect(text).toContain("|  | prod | dev |");
    expect(text).toContain("| GPUs | 16 | 8 |");
  });

  test("GIVEN an amount under $100 WHEN compared THEN it is whole dollars like the rest of its row", () => {
    const free = { ...DEV, monthly: { ...DEV.monthly, spaceUsd: 0 } };
    expect(renderCompareMarkdown([{ env: "dev", summary: free }, { env: "prod", summary: PROD }])).toContain("| Space / month | $0 | $600 |");
  });

  test("throws when an environment is listed twice", () => {
    expect(() => renderCompareMarkdown([{ env: "dev", summary: DEV }, { env: "dev", summary: PROD }])).toThrow(
      'compare: environment "dev" is listed twice',
    );
  });

  test("GIVEN no environments WHEN compared THEN it says so", () => {
    expect(renderCompareMarkdown([])).toContain("No environments.");
  });
});
