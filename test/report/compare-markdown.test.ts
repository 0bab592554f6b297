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

  test("GIVEN alternatives present in only one environment WHEN compared THEN the other shows a dash", () => {
    expect(rows).toContain("| claude-sonnet-4.5: break-even | never | 9.5 months |");
    expect(rows).toContain("| claude-sonnet-4.5: savings at 36 months | -545% | 62% |");
    expect(rows).toContain("| aws-p5: USD / month | – | $80,358 |");
    expect(rows).toContain("| aws-p5: savings at 24 months | – | 50% |");
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
