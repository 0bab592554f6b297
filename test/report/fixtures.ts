/** Cost summaries for the report tests, computed by the real cost model from inline inputs. */
import { computeCosts, type CostInputs, type CostSummary } from "../../planning/tco";

export const PROD_INPUTS: CostInputs = {
  servers: [
    {
      id: "h100",
      count: 2,
      priceUsd: 300_000,
      powerKw: { idle: 2, max: 10.2 },
      gpusPerServer: 8,
      sources: [{ url: "https://example.com/hgx-h100-quote", date: "2024-08" }],
    },
  ],
  costs: {
    hoursPerMonth: 730,
    horizonMonths: [24, 36],
    amortizationYears: 4,
    residualPercent: 0,
    infraCapexPercent: 10,
    electricityUsdPerKwh: 0.12,
    pue: 1.4,
    spaceUsdPerMonth: 600,
    spaceUsdPerKwMonth: 0,
    supportPercentPerYear: 12,
    staff: { fte: 0.25, usdPerYear: 200_000 },
    utilization: 0.6,
  },
  demand: { tokensPerMonth: 30e9, mix: { input: 0.3, cachedInput: 0.55, cacheWrite: 0.05, output: 0.1 } },
  capacityTokensPerMonth: 50e9,
  alternatives: [
    {
      kind: "api",
      id: "claude-sonnet-4.5",
      usdPerMillion: { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 },
      sources: [{ url: "https://platform.claude.com/docs/en/docs/about-claude/pricing", date: "2026-01" }],
    },
    { kind: "api", id: "my-contract", usdPerMillion: { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 } },
    { kind: "gpu-rental", id: "aws-p5", usdPerGpuHour: 6.88 },
  ],
};

export const PROD: CostSummary = computeCosts(PROD_INPUTS);

/** A small environment whose only alternative is cheaper than its opex: never breaks even. */
export const DEV: CostSummary = computeCosts({
  ...PROD_INPUTS,
  servers: [{ id: "l40s", count: 1, priceUsd: 90_000, powerKw: { idle: 0.8, max: 4.5 }, gpusPerServer: 8 }],
  demand: { tokensPerMonth: 0.5e9, mix: PROD_INPUTS.demand.mix },
  capacityTokensPerMonth: 0.3e9,
  alternatives: [{ kind: "api", id: "claude-sonnet-4.5", usdPerMillion: { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 } }],
});
