import fc from "fast-check";
import {
  apiMonthlyUsd,
  averagePowerKw,
  breakEvenMonths,
  capexUsd,
  computeCosts,
  monthlyAmortizationUsd,
  monthlyEnergyUsd,
  monthlySpaceUsd,
  monthlyStaffUsd,
  monthlySupportUsd,
  onPremCumulativeUsd,
  rentalMonthlyUsd,
  savingsPercent,
  type CostInputs,
} from "../../planning/tco";
import { COST_INPUTS as INPUTS, H100_SERVERS, MIX, SONNET } from "../helpers/costs";

// INPUTS is the environment of the issue (test/helpers/costs.ts): two 8× H100 servers at $300k, 2 kW idle and
// 10.2 kW max; 730 h/month, 4 years, no residual, +10 % infra capex, $0.12/kWh, PUE 1.4, $600/month space,
// 12 %/year support, 0.25 FTE at $200k, 60 % utilization; 30B tokens/month in a 30/55/5/10 % mix
// (input/cached/cache write/output), 50B capacity; Sonnet ($3/$0.30/$3.75/$15 per M) and AWS p5 at $6.88/GPU-h.

// Hand arithmetic for INPUTS, written out once and reused.
const CAPEX = 2 * 300_000 * 1.1; // 660,000
const AMORTIZATION = 660_000 / 48; // 13,750
const AVG_KW = 2 * (2 + 0.6 * (10.2 - 2)); // 2 × 6.92 = 13.84 kW
const ENERGY = 13.84 * 730 * 1.4 * 0.12; // 1,697.3376
const SPACE = 600;
const SUPPORT = (660_000 * 12) / 100 / 12; // 6,600
const STAFF = (0.25 * 200_000) / 12; // 4,166.67
const OPEX = ENERGY + SPACE + SUPPORT + STAFF; // 13,064.0043
const TCO = AMORTIZATION + OPEX; // 26,814.0043
const SONNET_MONTHLY = 30_000 * (0.3 * 3 + 0.55 * 0.3 + 0.05 * 3.75 + 0.1 * 15); // 30,000 M tokens × $2.7525 = 82,575
const P5_MONTHLY = 16 * 6.88 * 730; // 80,358.4

describe("formulas, by hand", () => {
  test("capex = Σ count × price × (1 + infra %)", () => {
    expect(capexUsd([H100_SERVERS], 10)).toBeCloseTo(660_000, 6);
    expect(capexUsd([H100_SERVERS, { ...H100_SERVERS, id: "l40s", count: 3, priceUsd: 100_000 }], 0)).toBe(900_000);
  });

  test("amortization = capex × (1 − residual %) / (12 × years)", () => {
    expect(monthlyAmortizationUsd(660_000, 0, 4)).toBe(13_750);
    // 480,000 × 0.75 / 36 = 10,000
    expect(monthlyAmortizationUsd(480_000, 25, 3)).toBeCloseTo(10_000, 9);
  });

  test("energy = Σ (idle + u × (max − idle)) × hours × PUE × $/kWh", () => {
    expect(averagePowerKw([H100_SERVERS], 0.6)).toBeCloseTo(13.84, 12);
    expect(monthlyEnergyUsd([H100_SERVERS], { utilization: 0.6, hoursPerMonth: 730, pue: 1.4, electricityUsdPerKwh: 0.12 })).toBeCloseTo(1697.3376, 9);
    // Idle servers draw idle power: 2 × 2 kW × 720 h × 1.0 × $0.10 = $288
    expect(monthlyEnergyUsd([H100_SERVERS], { utilization: 0, hoursPerMonth: 720, pue: 1, electricityUsdPerKwh: 0.1 })).toBeCloseTo(288, 9);
  });

  test("space = fixed + $/kW-month × Σ max kW", () => {
    // 600 + 200 × (2 × 10.2) = 600 + 4,080
    expect(monthlySpaceUsd([H100_SERVERS], 600, 200)).toBeCloseTo(4680, 9);
  });

  test("support = capex × % per year / 100 / 12; staff = fte × $/year / 12", () => {
    expect(monthlySupportUsd(660_000, 12)).toBeCloseTo(6600, 9);
    expect(monthlyStaffUsd({ fte: 0.25, usdPerYear: 200_000 })).toBeCloseTo(4166.666_667, 5);
    expect(monthlyStaffUsd(undefined)).toBe(0);
  });

  test("api = Σ tokens × mix × $/M / 1e6", () => {
    // 30e9 tokens: 9e9 input × $3 + 16.5e9 cached × $0.30 + 1.5e9 writes × $3.75 + 3e9 output × $15
    //   = 27,000 + 4,950 + 5,625 + 45,000 = 82,575
    expect(apiMonthlyUsd(30e9, MIX, SONNET)).toBeCloseTo(82_575, 6);
  });

  test("gpu rental = GPU-hours × $/GPU-hour", () => {
    expect(rentalMonthlyUsd(16 * 730, 6.88)).toBeCloseTo(80_358.4, 6);
  });

  test("break-even = capex / (alternative − opex), null when the alternative is not dearer than opex", () => {
    // 660,000 / (82,575 − 13,064.0043) = 9.4949 months
    expect(breakEvenMonths(CAPEX, SONNET_MONTHLY, OPEX)).toBeCloseTo(660_000 / (82_575 - 13_064.004_267), 6);
    expect(breakEvenMonths(CAPEX, OPEX, OPEX)).toBeNull();
    expect(breakEvenMonths(CAPEX, 1000, OPEX)).toBeNull();
  });

  test("savings at N = 100 × (1 − (capex × ceil(N / (12 × years)) + N × opex) / (N × alternative))", () => {
    // N = 24, 4 years: one purchase. 100 × (1 − (660,000 + 24 × 13,064.0043) / (24 × 82,575)) = 50.876 %
    expect(savingsPercent(24, CAPEX, OPEX, SONNET_MONTHLY, 4)).toBeCloseTo(100 * (1 - (660_000 + 24 * OPEX) / (24 * 82_575)), 9);
    expect(savingsPercent(24, CAPEX, OPEX, SONNET_MONTHLY, 4)).toBeCloseTo(50.876, 3);
    // N = 60, 4 years: ceil(60 / 48) = 2 purchases
    expect(savingsPercent(60, CAPEX, OPEX, SONNET_MONTHLY, 4)).toBeCloseTo(100 * (1 - (2 * 660_000 + 60 * OPEX) / (60 * 82_575)), 9);
    // A free alternative: savings undefined
    expect(savingsPercent(24, CAPEX, OPEX, 0, 4)).toBeNull();
  });

  test("GIVEN an alternative priced at a sliver of a cent WHEN the ratios overflow THEN savings and break-even are null, never ±Infinity", () => {
    // 1e-320 USD a month is a denormal: on-prem over it is Infinity.
    expect(savingsPercent(24, CAPEX, OPEX, 1e-320, 4)).toBeNull();
    // Dearer than opex by a denormal: the months to break even overflow.
    expect(breakEvenMonths(1e300, 5e-324, 0)).toBeNull();
  });

  test("cumulative on-prem spend buys at month 0 and again at the start of each period", () => {
    expect(onPremCumulativeUsd(0, 100, 10, 1)).toBe(100);
    expect(onPremCumulativeUsd(12, 100, 10, 1)).toBe(220);
    expect(onPremCumulativeUsd(13, 100, 10, 1)).toBe(330);
  });
});

describe("computeCosts", () => {
  test("GIVEN the issue's environment WHEN costed THEN every figure matches the hand arithmetic", () => {
    const summary = computeCosts(INPUTS);
    expect(summary.capexUsd).toBeCloseTo(CAPEX, 6);
    expect(summary.hoursPerMonth).toBe(730);
    expect(summary.servers).toBe(2);
    expect(summary.gpus).toBe(16);
    expect(summary.averagePowerKw).toBeCloseTo(AVG_KW, 9);
    expect(summary.maxPowerKw).toBeCloseTo(20.4, 9);
    const m = summary.monthly;
    expect(m.amortizationUsd).toBeCloseTo(AMORTIZATION, 6);
    expect(m.energyUsd).toBeCloseTo(ENERGY, 6);
    expect(m.spaceUsd).toBeCloseTo(SPACE, 6);
    expect(m.supportUsd).toBeCloseTo(SUPPORT, 6);
    expect(m.staffUsd).toBeCloseTo(STAFF, 6);
    expect(m.opexUsd).toBeCloseTo(OPEX, 6);
    expect(m.tcoUsd).toBeCloseTo(TCO, 6);
    expect(summary.tokens).toEqual({ demandPerMonth: 30e9, capacityPerMonth: 50e9, servedPerMonth: 30e9 });
    // 26,814.0043 / 30,000 M tokens = $0.8938 per M
    expect(summary.usdPerMillionTokens).toBeCloseTo(TCO / 30_000, 9);

    const [sonnet, p5] = summary.alternatives;
    expect(sonnet).toMatchObject({ id: "claude-sonnet-4.5", kind: "api" });
    expect(sonnet.monthlyUsd).toBeCloseTo(SONNET_MONTHLY, 6);
    expect(sonnet.breakEvenMonths).toBeCloseTo(CAPEX / (SONNET_MONTHLY - OPEX), 9);
    expect(sonnet.savingsPercent["24"]).toBeCloseTo(100 * (1 - (CAPEX + 24 * OPEX) / (24 * SONNET_MONTHLY)), 9);
    expect(sonnet.savingsPercent["36"]).toBeCloseTo(100 * (1 - (CAPEX + 36 * OPEX) / (36 * SONNET_MONTHLY)), 9);
    expect(sonnet.usdPerMillionTokens).toBeCloseTo(2.7525, 9);
    expect(p5).toMatchObject({ id: "aws-p5", kind: "gpu-rental", gpuHoursPerMonth: 16 * 730 });
    expect(p5.monthlyUsd).toBeCloseTo(P5_MONTHLY, 6);
    expect(p5.breakEvenMonths).toBeCloseTo(CAPEX / (P5_MONTHLY - OPEX), 9);
  });

  test("GIVEN demand above capacity WHEN costed THEN tokens served are the capacity", () => {
    const summary = computeCosts({ ...INPUTS, capacityTokensPerMonth: 20e9 });
    expect(summary.tokens.servedPerMonth).toBe(20e9);
    expect(summary.usdPerMillionTokens).toBeCloseTo(TCO / 20_000, 9);
    // The API alternative still prices the whole demand.
    expect(summary.alternatives[0].monthlyUsd).toBeCloseTo(SONNET_MONTHLY, 6);
  });

  test("GIVEN no demand WHEN costed THEN cost per token is null, not infinite", () => {
    const summary = computeCosts({ ...INPUTS, demand: { tokensPerMonth: 0, mix: MIX } });
    expect(summary.usdPerMillionTokens).toBeNull();
    expect(summary.alternatives[0]).toMatchObject({ monthlyUsd: 0, breakEvenMonths: null, savingsPercent: { "24": null, "36": null } });
  });

  test("GIVEN a usage-billed rental WHEN costed THEN it pays the GPU-hours the demand needs", () => {
    const summary = computeCosts({
      ...INPUTS,
      gpuHoursPerMonthAtDemand: 5000,
      alternatives: [{ kind: "gpu-rental", id: "lambda", usdPerGpuHour: 2.99, alwaysOn: false }, { kind: "gpu-rental", id: "p5-4", usdPerGpuHour: 6.88, gpus: 4 }],
    });
    expect(summary.alternatives[0].monthlyUsd).toBeCloseTo(5000 * 2.99, 9);
    expect(summary.alternatives[0].gpuHoursPerMonth).toBe(5000);
    expect(summary.alternatives[1].monthlyUsd).toBeCloseTo(4 * 730 * 6.88, 9);
  });

  test("GIVEN only the required parameters WHEN costed THEN the catalog's defaults apply, as the environment schema applies them", () => {
    const summary = computeCosts({
      servers: [H100_SERVERS],
      costs: { amortizationYears: 4, electricityUsdPerKwh: 0.1, pue: 1, utilization: 1 },
      demand: { tokensPerMonth: 1e9, mix: MIX },
      capacityTokensPerMonth: 1e9,
    });
    // catalog/cost-defaults.ts: 730 h, [24, 36] months, no residual, +10 % infra, no fixed rent,
    // $150 per kW-month, 10 %/year support, 0.25 FTE at $190,000.
    expect(summary.hoursPerMonth).toBe(730);
    expect(summary.horizonMonths).toEqual([24, 36]);
    // 2 × $300,000 × 1.10
    expect(summary.capexUsd).toBeCloseTo(660_000, 6);
    // $0 + $150 × (2 × 10.2 kW) = $3,060
    expect(summary.monthly.spaceUsd).toBeCloseTo(3060, 9);
    // $660,000 × 10 % / 12 = $5,500
    expect(summary.monthly.supportUsd).toBeCloseTo(5500, 6);
    // 0.25 × $190,000 / 12 = $3,958.33
    expect(summary.monthly.staffUsd).toBeCloseTo(3958.333_333, 5);
    // 2 × 10.2 kW × 730 h × $0.10
    expect(summary.monthly.energyUsd).toBeCloseTo(1489.2, 9);
    expect(summary.assumptions.find((a) => a.key === "costs.hoursPerMonth")).toEqual({
      key: "costs.hoursPerMonth",
      label: "Hours per month",
      value: 730,
      unit: "h",
      source: "default",
    });
  });

  test("GIVEN sources WHEN costed THEN every assumption names where it came from", () => {
    const summary = computeCosts({
      ...INPUTS,
      servers: [{ ...H100_SERVERS, sources: [{ url: "https://example.com/dgx-h100", date: "2023-05" }] }],
      paramSources: { pue: "Uptime Institute 2024 survey" },
      extraAssumptions: [{ key: "throughput.efficiency", label: "Compute efficiency", value: 0.273, unit: "", source: "MLPerf v5.0" }],
    });
    const byKey = Object.fromEntries(summary.assumptions.map((a) => [a.key, a]));
    expect(byKey["costs.pue"].source).toBe("Uptime Institute 2024 survey");
    expect(byKey["costs.electricityUsdPerKwh"].source).toBe("environment file (costs.electricityUsdPerKwh)");
    expect(byKey["servers.h100.priceUsd"]).toMatchObject({ value: 300_000, unit: "USD", source: "https://example.com/dgx-h100 (2023-05)" });
    expect(byKey["alternatives.claude-sonnet-4.5.usdPerMillion.cacheWrite"]).toMatchObject({ label: "claude-sonnet-4.5: cache write", value: 3.75 });
    expect(byKey["throughput.efficiency"].value).toBe(0.273);
    for (const a of summary.assumptions) expect(a.source).not.toBe("");
  });

  const costs = INPUTS.costs;
  test.each([
    [{ costs: { ...costs, pue: 0.9 } }, "costs.pue: must be ≥ 1 (facility power over IT power), got 0.9"],
    [{ costs: { ...costs, utilization: 1.5 } }, "costs.utilization: must be a fraction in [0, 1], got 1.5"],
    [{ costs: { ...costs, amortizationYears: 0 } }, "costs.amortizationYears: must be a number of years > 0, got 0"],
    [{ costs: { ...costs, residualPercent: 120 } }, "costs.residualPercent: must be a percentage in [0, 100], got 120"],
    [{ costs: { ...costs, horizonMonths: [24, 24] } }, 'costs.horizonMonths: must not repeat a month count, got "[24,24]"'],
    [{ costs: { ...costs, horizonMonths: [0.5] } }, "costs.horizonMonths[0]: must be a whole number of months ≥ 1, got 0.5"],
    [{ servers: [{ ...H100_SERVERS, powerKw: { idle: 5, max: 4 } }] }, "servers[0].powerKw.max: must be ≥ powerKw.idle (5 kW), got 4"],
    [{ servers: [H100_SERVERS, H100_SERVERS] }, 'servers[1].id: must be unique, got "h100"'],
    [{ alternatives: [{ kind: "api" as const, id: "on-prem", usdPerMillion: SONNET }] }, 'costs.alternatives[0].id: "on-prem" is reserved for the factory itself, got "on-prem"'],
    [
      { alternatives: [{ kind: "api" as const, id: "a", usdPerMillion: SONNET }, { kind: "api" as const, id: "a", usdPerMillion: SONNET }] },
      'costs.alternatives[1].id: must be unique, got "a"',
    ],
    [
      { alternatives: [{ kind: "gpu-rental" as const, id: "lambda", usdPerGpuHour: 3, alwaysOn: false }] },
      "costs.alternatives[0].alwaysOn: false needs the GPU-hours the demand uses (CostInputs.gpuHoursPerMonthAtDemand from planning/sizing.ts), got false",
    ],
    [{ demand: { tokensPerMonth: 1, mix: { ...MIX, output: 0.2 } } }, "demand.mix: input + cachedInput + cacheWrite + output must sum to 1"],
  ])("throws when %j", (override, message) => {
    expect(() => computeCosts({ ...INPUTS, ...override })).toThrow(message);
  });
});

describe("properties", () => {
  const money = (max: number) => fc.integer({ min: 0, max }).map((v) => v);
  const scenario = fc.record({
    count: fc.integer({ min: 1, max: 64 }),
    priceUsd: fc.integer({ min: 1000, max: 600_000 }),
    idle: fc.integer({ min: 0, max: 5000 }).map((w) => w / 1000),
    extra: fc.integer({ min: 0, max: 15_000 }).map((w) => w / 1000),
    gpus: fc.constantFrom(1, 4, 8),
    amortizationYears: fc.integer({ min: 1, max: 6 }),
    residualPercent: fc.integer({ min: 0, max: 50 }),
    infraCapexPercent: fc.integer({ min: 0, max: 30 }),
    electricity: fc.integer({ min: 0, max: 400 }).map((c) => c / 1000),
    pue: fc.integer({ min: 100, max: 200 }).map((p) => p / 100),
    space: money(5000),
    spacePerKw: money(300),
    support: fc.integer({ min: 0, max: 25 }),
    fte: fc.integer({ min: 0, max: 20 }).map((f) => f / 4),
    salary: money(300_000),
    utilization: fc.integer({ min: 0, max: 100 }).map((u) => u / 100),
    tokensPerMonth: fc.integer({ min: 0, max: 1e12 }),
    rentalUsdPerGpuHour: fc.integer({ min: 0, max: 2000 }).map((c) => c / 100),
  });
  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
  const toInputs = (s: Scenario): CostInputs => ({
    servers: [{ id: "pool", count: s.count, priceUsd: s.priceUsd, powerKw: { idle: s.idle, max: s.idle + s.extra }, gpusPerServer: s.gpus }],
    costs: {
      amortizationYears: s.amortizationYears,
      residualPercent: s.residualPercent,
      infraCapexPercent: s.infraCapexPercent,
      electricityUsdPerKwh: s.electricity,
      pue: s.pue,
      spaceUsdPerMonth: s.space,
      spaceUsdPerKwMonth: s.spacePerKw,
      supportPercentPerYear: s.support,
      staff: { fte: s.fte, usdPerYear: s.salary },
      utilization: s.utilization,
      horizonMonths: [12, 24, 36, 60],
    },
    demand: { tokensPerMonth: s.tokensPerMonth, mix: MIX },
    capacityTokensPerMonth: s.tokensPerMonth,
    alternatives: [
      { kind: "api", id: "api", usdPerMillion: SONNET },
      { kind: "gpu-rental", id: "rental", usdPerGpuHour: s.rentalUsdPerGpuHour },
    ],
  });

  test("within one amortization period, break-even ≤ N exactly when savings at N ≥ 0", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e7, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 2e6, noNaN: true }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 72 }),
        (capex, opex, alternative, years, months) => {
          fc.pre(months <= 12 * years);
          // Skip the knife edge where rounding decides (capex = N × (alternative − opex) within 1e-9).
          fc.pre(Math.abs(capex - months * (alternative - opex)) > 1e-9 * (capex + months * (alternative + opex)));
          const be = breakEvenMonths(capex, alternative, opex);
          const savings = savingsPercent(months, capex, opex, alternative, years);
          const breaksEven = be !== null && be <= months;
          const saves = savings !== null && savings >= 0;
          expect(breaksEven).toBe(saves);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test("the same holds for the computed summary at every horizon within the period", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const summary = computeCosts(toInputs(s));
        for (const alternative of summary.alternatives) {
          for (const n of summary.horizonMonths) {
            const savings = alternative.savingsPercent[String(n)];
            if (n > 12 * summary.amortizationYears || savings === null) continue;
            const be = alternative.breakEvenMonths;
            const edge = Math.abs(summary.capexUsd - n * (alternative.monthlyUsd - summary.monthly.opexUsd));
            if (edge <= 1e-9 * (summary.capexUsd + n * alternative.monthlyUsd)) continue;
            expect(be !== null && be <= n).toBe(savings >= 0);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  // Each knob, turned up, must never lower the costs it feeds (and never raise savings).
  const knobs: readonly [keyof Scenario, (s: Scenario) => Scenario][] = [
    ["count", (s) => ({ ...s, count: s.count + 1 })],
    ["priceUsd", (s) => ({ ...s, priceUsd: s.priceUsd * 1.5 })],
    ["infraCapexPercent", (s) => ({ ...s, infraCapexPercent: s.infraCapexPercent + 5 })],
    ["electricity", (s) => ({ ...s, electricity: s.electricity + 0.05 })],
    ["pue", (s) => ({ ...s, pue: s.pue + 0.2 })],
    ["utilization", (s) => ({ ...s, utilization: Math.min(1, s.utilization + 0.25) })],
    ["extra", (s) => ({ ...s, extra: s.extra + 1 })],
    ["space", (s) => ({ ...s, space: s.space + 100 })],
    ["spacePerKw", (s) => ({ ...s, spacePerKw: s.spacePerKw + 10 })],
    ["support", (s) => ({ ...s, support: s.support + 2 })],
    ["fte", (s) => ({ ...s, fte: s.fte + 0.5 })],
    ["salary", (s) => ({ ...s, salary: s.salary + 10_000 })],
  ];
  test.each(knobs)("costs are monotone in %s", (_, turnUp) => {
    let savingsCompared = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const before = computeCosts(toInputs(s));
        const after = computeCosts(toInputs(turnUp(s)));
        const tolerance = (x: number) => 1e-9 * Math.max(1, Math.abs(x));
        expect(after.capexUsd).toBeGreaterThanOrEqual(before.capexUsd - tolerance(before.capexUsd));
        for (const key of ["amortizationUsd", "energyUsd", "spaceUsd", "supportUsd", "staffUsd", "opexUsd", "tcoUsd"] as const) {
          expect(after.monthly[key]).toBeGreaterThanOrEqual(before.monthly[key] - tolerance(before.monthly[key]));
        }
        // API alternatives do not depend on on-prem knobs; savings against them can only fall.
        const [apiBefore, apiAfter] = [before.alternatives[0], after.alternatives[0]];
        expect(apiAfter.monthlyUsd).toBe(apiBefore.monthlyUsd);
        for (const n of before.horizonMonths) {
          const b = apiBefore.savingsPercent[String(n)];
          const a = apiAfter.savingsPercent[String(n)];
          if (a !== null && b !== null) {
            savingsCompared += 1;
            expect(a).toBeLessThanOrEqual(b + 1e-9 * Math.max(1, Math.abs(b)));
          }
        }
      }),
      { numRuns: 100 },
    );
    // Savings exist unless the API costs nothing: most of the 100 runs × 4 horizons were compared.
    expect(savingsCompared).toBeGreaterThanOrEqual(300);
  });

  test("alternative costs are monotone in tokens and prices; cost per token × served = TCO", () => {
    let perTokenChecked = 0;
    fc.assert(
      fc.property(scenario, fc.double({ min: 1, max: 3, noNaN: true }), (s, factor) => {
        const before = computeCosts(toInputs(s));
        const more = computeCosts({ ...toInputs(s), demand: { tokensPerMonth: s.tokensPerMonth * factor, mix: MIX } });
        const dearer = computeCosts(toInputs({ ...s, rentalUsdPerGpuHour: s.rentalUsdPerGpuHour * factor }));
        expect(more.alternatives[0].monthlyUsd).toBeGreaterThanOrEqual(before.alternatives[0].monthlyUsd);
        expect(dearer.alternatives[1].monthlyUsd).toBeGreaterThanOrEqual(before.alternatives[1].monthlyUsd);
        if (before.usdPerMillionTokens !== null) {
          perTokenChecked += 1;
          expect((before.usdPerMillionTokens * before.tokens.servedPerMonth) / 1e6).toBeCloseTo(before.monthly.tcoUsd, 6);
        }
      }),
      { numRuns: 200 },
    );
    // A cost per token exists whenever tokens are served: nearly every run.
    expect(perTokenChecked).toBeGreaterThanOrEqual(150);
  });
});
