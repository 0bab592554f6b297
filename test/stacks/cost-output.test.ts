import * as path from "node:path";
import { Testing } from "cdktf";
import { loadAndPlan } from "../../cli/load";
import { AiFactoryStack, roundTo } from "../../stacks/ai-factory-stack";

const REPO = path.join(__dirname, "..", "..");

describe("the cost Terraform output", () => {
  const [prod] = loadAndPlan(["environments/prod.yaml"], { cwd: REPO, allowShortfall: true });
  const stack = new AiFactoryStack(Testing.app(), "prod", { env: prod.env, plan: prod.plan, costs: prod.costs.summary });
  const text = Testing.synth(stack);
  const cost = JSON.parse(text).output.cost;

  test("GIVEN prod WHEN synthesized THEN dollars are cents, USD per million tokens 4 decimals, months 2, worked by hand", () => {
    // Exact: capex 4 × $400,000 × 1.1 = 1760000.0000000002 in floating point; TCO 74998.64917333334.
    expect(cost.value).toEqual({
      capex_usd: 1760000,
      tco_usd_per_month: 74998.65,
      opex_usd_per_month: 38331.98,
      usd_per_million_tokens: 0.9863,
      alternatives: {
        "claude-sonnet-4.5": { kind: "api", monthly_usd: 167352.5, break_even_months: 13.64 },
        "negotiated-contract": { kind: "api", monthly_usd: 133882, break_even_months: 18.42 },
        "aws-p5en": { kind: "gpu-rental", monthly_usd: 184824.32, break_even_months: 12.01 },
      },
    });
    expect(cost.description).toContain("USD to cents, USD per million tokens to 4 decimals, months to 2");
  });

  test("GIVEN the synthesized output WHEN read THEN no figure carries floating-point noise", () => {
    expect(JSON.stringify(cost)).not.toMatch(/\d\.\d{5,}/);
  });

  test("roundTo keeps the shortest form and never -0", () => {
    expect(roundTo(1760000.0000000002, 2)).toBe(1760000);
    expect(roundTo(0.1 + 0.2, 2)).toBe(0.3);
    expect(roundTo(0.98628360556, 4)).toBe(0.9863);
    expect(Object.is(roundTo(-0.001, 2), 0)).toBe(true);
  });
});
