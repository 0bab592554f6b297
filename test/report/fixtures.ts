/** Cost summaries for the report tests, computed by the real cost model from the cost-model tests' inputs. */
import { computeCosts, type CostInputs, type CostSummary } from "../../planning/tco";
import { COST_INPUTS, H100_SERVERS, SONNET } from "../helpers/costs";

/** The cost-model tests' environment (test/helpers/costs.ts) with sources and a second API contract at Sonnet's prices. */
export const PROD_INPUTS: CostInputs = {
  ...COST_INPUTS,
  servers: [{ ...H100_SERVERS, sources: [{ url: "https://example.com/hgx-h100-quote", date: "2024-08" }] }],
  alternatives: [
    {
      kind: "api",
      id: "claude-sonnet-4.5",
      usdPerMillion: SONNET,
      sources: [{ url: "https://platform.claude.com/docs/en/docs/about-claude/pricing", date: "2026-01" }],
    },
    { kind: "api", id: "my-contract", usdPerMillion: SONNET },
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
  alternatives: [{ kind: "api", id: "claude-sonnet-4.5", usdPerMillion: SONNET }],
});
