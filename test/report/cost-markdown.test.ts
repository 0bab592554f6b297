import type { FactorySizing, ModelSizing } from "../../planning/sizing";
import { cheapestAlternative, renderCostMarkdown } from "../../report/cost-markdown";
import { DEV, PROD } from "./fixtures";

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`### ${heading}`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = markdown.indexOf("\n### ", start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

describe("renderCostMarkdown", () => {
  const markdown = renderCostMarkdown("prod", PROD, { svgFileName: "prod.svg" });

  test("GIVEN prod WHEN rendered THEN the headline gives TCO, cost per million tokens and the cheapest alternative", () => {
    const [title, , headline, , cheapest] = markdown.split("\n");
    expect(title).toBe("## AI factory cost: prod");
    // TCO 13,750 + 13,064.00 = 26,814.00; capex 660,000; 26,814 / 30,000 M tokens = $0.89
    expect(headline).toBe(
      "**On-prem: $26,814/month** ($13,750 amortization + $13,064 opex) for 2 servers / 16 GPUs bought for $660,000; " +
        "**$0.89 per million tokens** at 30B tokens/month served.",
    );
    // aws-p5: 16 × 6.88 × 730 = $80,358; break-even 660,000 / (80,358.4 − 13,064.0) = 9.8 months;
    // savings at 36 = 1 − (660,000 + 36 × 13,064.0) / (36 × 80,358.4) = 1 − 1,130,304 / 2,892,902 = 60.9 %
    expect(cheapest).toBe(
      "Cheapest alternative: **aws-p5** at $80,358/month; on-prem breaks even after **9.8 months**, and saves **61%** over 36 months.",
    );
    expect(markdown).toContain("![Cumulative cost of prod](prod.svg)");
    expect(markdown).not.toContain("Capacity short of demand");
  });

  test("GIVEN prod WHEN rendered THEN the breakdown lists every monthly cost, rounded", () => {
    const breakdown = section(markdown, "Monthly on-prem cost");
    expect(breakdown).toContain("| Amortization ($660,000 capex over 4 years) | $13,750 | 51% |");
    expect(breakdown).toContain("| Energy (13.8 kW average) | $1,697 | 6% |");
    expect(breakdown).toContain("| Space (20.4 kW max) | $600 | 2% |");
    expect(breakdown).toContain("| Support | $6,600 | 25% |");
    expect(breakdown).toContain("| Staff | $4,167 | 16% |");
    expect(breakdown).toContain("| **Opex** | **$13,064** | 49% |");
    expect(breakdown).toContain("| **Total cost of ownership** | **$26,814** | 100% |");
  });

  test("GIVEN prod WHEN rendered THEN each alternative has its cost, break-even and savings per horizon", () => {
    const alternatives = section(markdown, "Alternatives");
    expect(alternatives).toContain("| Alternative | Kind | USD/month | USD per M tokens | Break-even | Savings at 24 months | Savings at 36 months |");
    // Sonnet at 24: 1 − (660,000 + 24 × 13,064.0) / (24 × 82,575) = 50.9 %; at 36: 1 − 1,130,304 / 2,972,700 = 62.0 %
    expect(alternatives).toContain("| claude-sonnet-4.5 | API | $82,575 | $2.75 | 9.5 months | 51% | 62% |");
    expect(alternatives).toContain("| my-contract | API | $82,575 | $2.75 | 9.5 months | 51% | 62% |");
    expect(alternatives).toContain("| aws-p5 | GPU rental (11,680 GPU-h) | $80,358 | $2.68 | 9.8 months | 50% | 61% |");
    expect(alternatives).toContain("buying the hardware again every 48 months");
  });

  test("GIVEN prod WHEN rendered THEN every assumption is listed with its source", () => {
    const assumptions = section(markdown, "Assumptions");
    expect(assumptions).toContain("| PUE | 1.4 | environment file (costs.pue) |");
    expect(assumptions).toContain("| Infrastructure adder on capex | 10% | environment file (costs.infraCapexPercent) |");
    expect(assumptions).toContain("| h100: price per server | $300,000 | https://example.com/hgx-h100-quote (2024-08) |");
    expect(assumptions).toContain(
      "| claude-sonnet-4.5: cache write | 3.75 USD/M tokens | https://platform.claude.com/docs/en/docs/about-claude/pricing (2026-01) |",
    );
    expect(assumptions).toContain("| aws-p5: billing | always on | environment file |");
    expect(assumptions.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| Assumption")).length).toBe(PROD.assumptions.length);
  });

  test("GIVEN dev, short of capacity and dearer than its API WHEN rendered THEN it says so plainly", () => {
    const dev = renderCostMarkdown("dev", DEV);
    expect(dev).toContain("on-prem never breaks even against it (its monthly cost does not exceed on-prem opex), and costs **545% more** over 36 months.");
    expect(dev).toContain("> **Capacity short of demand**: 300M tokens/month of capacity for 500M demanded");
    expect(dev).toContain("| claude-sonnet-4.5 | API | $1,376 | $4.59 | never | -645% | -545% |");
    expect(dev).not.toContain("![");
  });

  test("GIVEN a sizing WHEN rendered THEN models are tabled and shortfalls are warned with their numbers", () => {
    const model: ModelSizing = {
      id: "coder",
      pool: "h100",
      tokensPerDay: 1e9,
      mix: { input: 0.3, cachedInput: 0.55, cacheWrite: 0.05, output: 0.1 },
      averageTokensPerSecond: 11_574,
      peakTokensPerSecond: 34_722,
      peakOutputTokensPerSecond: 3472,
      peakPrefillTokensPerSecond: 12_153,
      replicaTokensPerSecond: 5000,
      replicaOutputTokensPerSecond: 500,
      boundBy: "compute",
      // ln 1.41 = 0.344 → "±41 %"; a low level is set in bold and warned about.
      confidence: { level: "low", medianAbsLn: Math.log(1.41), basis: "catalog", nearest: [], summary: "low: ±41 % median error on the 5 nearest measured cases" },
      gpusPerReplica: 2,
      replicasNeeded: 7,
      gpusNeeded: 14,
      serversNeeded: 2,
      replicas: 6,
      gpus: 12,
      capacityTokensPerSecond: 30_000,
      peakLoadPercent: 115.7,
      latency: { targetSecondsPerOutputToken: null, estimatedSecondsPerOutputToken: 0.05, met: true },
      shortfall: {
        peakTokensPerSecond: 34_722,
        capacityTokensPerSecond: 30_000,
        missingTokensPerSecond: 4722,
        replicasNeeded: 7,
        replicasPlanned: 6,
        missingReplicas: 1,
        missingGpus: 2,
        message: "coder: peak demand 34722 tokens/s needs 7 replicas",
      },
    };
    const sizing: FactorySizing = {
      hoursPerMonth: 730,
      models: [model],
      pools: {},
      demand: { tokensPerDay: 1e9, mix: model.mix },
      demandTokensPerMonth: 30e9,
      capacityTokensPerMonth: 50e9,
      servedTokensPerMonth: 30e9,
      gpuHoursPerMonthAtDemand: 1000,
      replicas: 6,
      gpus: 12,
      warnings: [model.shortfall!.message],
    };
    const withSizing = renderCostMarkdown("prod", PROD, { sizing });
    expect(withSizing).toContain("| coder | 34,722 | 5,000 | compute | **low (±41 %)** | 6 (7) | 12 | 116% | **shortfall** |");
    expect(withSizing).toContain(
      "> **Warning**: coder: the throughput estimate (bound by compute) has low confidence: ±41 % median error on the 5 nearest measured cases; " +
        "measure one replica before buying (vllm bench serve, then ai-factory calibrate)",
    );
    const measured = renderCostMarkdown("prod", PROD, { sizing: { ...sizing, models: [{ ...model, confidence: undefined, boundBy: "measured" }] } });
    expect(measured).toContain("| coder | 34,722 | 5,000 | measured | measured | 6 (7) | 12 | 116% | **shortfall** |");
    expect(measured).not.toContain("low confidence");
    // Written from the numbers in the report's formats (grouped, plurals agreeing), not planning's message.
    expect(withSizing).toContain(
      "> **Warning**: coder: peak demand 34,722 tokens/s needs 7 replicas (14 GPUs at 5,000 tokens/s each); " +
        "6 planned carry 30,000 tokens/s (86% of peak): add 1 replica (2 GPUs)",
    );
    expect(withSizing).toContain("Capacity short of demand");
  });

  test("GIVEN ties WHEN picking the cheapest alternative THEN the first listed wins", () => {
    expect(cheapestAlternative({ ...PROD, alternatives: PROD.alternatives.slice(0, 2) })?.id).toBe("claude-sonnet-4.5");
    expect(cheapestAlternative({ ...PROD, alternatives: [] })).toBeUndefined();
  });

  test("GIVEN no alternatives WHEN rendered THEN the section says how to add one", () => {
    expect(renderCostMarkdown("prod", { ...PROD, alternatives: [] })).toContain("No alternatives configured (`costs.alternatives`).");
  });

  test("rendering is deterministic", () => {
    expect(renderCostMarkdown("prod", PROD, { svgFileName: "prod.svg" })).toBe(markdown);
  });
});
