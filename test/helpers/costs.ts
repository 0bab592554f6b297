/**
 * The cost inputs of the environment, shared by the cost-model tests (test/planning/tco.test.ts,
 * which works every figure out by hand) and the report fixtures (test/report/fixtures.ts, which adds sources).
 */
import type { TokenMix } from "../../planning/sizing";
import type { CostInputs, CostServerGroup } from "../../planning/tco";

/** Two 8× H100 servers at $300k, 2 kW idle and 10.2 kW at full load. */
export const H100_SERVERS: CostServerGroup = { id: "h100", count: 2, priceUsd: 300_000, powerKw: { idle: 2, max: 10.2 }, gpusPerServer: 8 };
export const MIX: TokenMix = { input: 0.3, cachedInput: 0.55, cacheWrite: 0.05, output: 0.1 };
/** Claude Sonnet 4.5 list prices, USD per million tokens. */
export const SONNET = { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 };

/** The environment of the issue: the servers above, the YAML's cost parameters, Sonnet and AWS p5 as alternatives. */
export const COST_INPUTS: CostInputs = {
  servers: [H100_SERVERS],
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
  demand: { tokensPerMonth: 30e9, mix: MIX },
  capacityTokensPerMonth: 50e9,
  alternatives: [
    { kind: "api", id: "claude-sonnet-4.5", usdPerMillion: SONNET },
    { kind: "gpu-rental", id: "aws-p5", usdPerGpuHour: 6.88 },
  ],
};
