import fc from "fast-check";
import {
  ceilCount,
  replicaTokensPerSecond,
  sizeFactory,
  sizeModel,
  sumDemand,
  tokensPerMonth,
  validateMix,
  type ModelDemand,
  type ModelSizingInput,
  type TokenMix,
} from "../../planning/sizing";
import type { ThroughputEstimate } from "../../planning/throughput";

/** A replica that decodes 1,000 output tokens/s and prefills 10,000 prompt tokens/s. */
const ESTIMATE: ThroughputEstimate = {
  tokensPerSecond: 1000,
  ceilingTokensPerSecond: 4000,
  computeCeilingTokensPerSecond: 10_000,
  prefillTokensPerSecond: 10_000,
  // Not read by sizing, which takes the decode and prefill rates and the mix.
  workloadTokensPerSecond: 1000,
  batch: 64,
  kvBatch: 64,
  meanContextTokens: 4096,
  secondsPerOutputToken: 0.064,
  step: { weights: 0.03, kvCache: 0.03, compute: 0.02, attention: 0.001, interconnect: 0.004, overhead: 0 },
  prefillShare: 0.2,
  meetsLatencyTarget: true,
  boundBy: "kv-capacity",
  efficiency: 0.25,
};
const MEASURED: ThroughputEstimate = {
  ...ESTIMATE,
  tokensPerSecond: 500,
  workloadTokensPerSecond: 500,
  prefillTokensPerSecond: null,
  secondsPerOutputToken: null,
  step: null,
  prefillShare: 0,
  boundBy: "measured",
  efficiency: 1,
};

const MIX: TokenMix = { input: 0.3, cachedInput: 0.4, cacheWrite: 0.1, output: 0.2 };
const DEMAND: ModelDemand = { tokensPerDay: 864_000_000, mix: MIX, peakToAverage: 3 };

function input(overrides: Partial<ModelSizingInput> = {}): ModelSizingInput {
  return { id: "coder", demand: DEMAND, throughput: ESTIMATE, gpusPerReplica: 2, gpusPerServer: 8, ...overrides };
}

describe("demand", () => {
  test("GIVEN tokens per day WHEN converted to a month of 730 h THEN tokens × 730 / 24", () => {
    expect(tokensPerMonth(1e9)).toBeCloseTo((1e9 * 730) / 24, 3); // 30.4167B
    expect(tokensPerMonth(1e9, 720)).toBe(30e9);
  });

  test("GIVEN two models WHEN summed THEN tokens add and the mix is weighted by volume", () => {
    const total = sumDemand({
      chat: { tokensPerDay: 3e9, mix: { input: 0.5, cachedInput: 0, cacheWrite: 0, output: 0.5 }, peakToAverage: 2 },
      coder: { tokensPerDay: 1e9, mix: { input: 0.1, cachedInput: 0.7, cacheWrite: 0.1, output: 0.1 }, peakToAverage: 3 },
    });
    expect(total.tokensPerDay).toBe(4e9);
    // input = (3e9 × 0.5 + 1e9 × 0.1) / 4e9 = 0.4; cached = 0.7 / 4; write = 0.1 / 4; output = (1.5 + 0.1) / 4 = 0.4
    expect(total.mix.input).toBeCloseTo(0.4, 12);
    expect(total.mix.cachedInput).toBeCloseTo(0.175, 12);
    expect(total.mix.cacheWrite).toBeCloseTo(0.025, 12);
    expect(total.mix.output).toBeCloseTo(0.4, 12);
  });

  test("GIVEN no tokens WHEN summed THEN the mix is the plain average and still sums to 1", () => {
    const total = sumDemand({ a: { ...DEMAND, tokensPerDay: 0 } });
    expect(total).toEqual({ tokensPerDay: 0, mix: MIX });
    expect(sumDemand({}).mix).toEqual({ input: 0, cachedInput: 0, cacheWrite: 0, output: 1 });
  });

  test("throws when the mix does not sum to 1", () => {
    expect(() => validateMix({ input: 0.5, cachedInput: 0.2, cacheWrite: 0, output: 0.2 }, "models.coder.demand.mix")).toThrow(
      "models.coder.demand.mix: input + cachedInput + cacheWrite + output must sum to 1, got 0.5 + 0.2 + 0 + 0.2 = 0.9",
    );
  });

  test("throws when a share is negative", () => {
    expect(() => validateMix({ input: -0.1, cachedInput: 0.2, cacheWrite: 0, output: 0.9 })).toThrow("mix.input: must be a fraction ≥ 0, got -0.1");
  });

  test("throws when peakToAverage is below 1", () => {
    expect(() => sizeModel(input({ demand: { ...DEMAND, peakToAverage: 0.5 } }))).toThrow(
      "models.coder.demand.peakToAverage: must be ≥ 1 (peak over average), got 0.5",
    );
  });

  test("throws when the mix has no output", () => {
    expect(() => sizeModel(input({ demand: { ...DEMAND, mix: { input: 1, cachedInput: 0, cacheWrite: 0, output: 0 } } }))).toThrow(
      "models.coder.demand.mix.output: must be > 0 (every request generates at least one token), got 0",
    );
  });
});

describe("replica rate at a mix", () => {
  test("GIVEN an estimate WHEN tokens are mixed THEN output decodes, input and cache writes prefill, cached input is free", () => {
    // 1 / (0.2 / 1,000 + (0.3 + 0.1) / 10,000) = 1 / (2e-4 + 4e-5) = 4,166.67 tokens/s of all classes
    expect(replicaTokensPerSecond(ESTIMATE, MIX)).toBeCloseTo(1 / (2e-4 + 4e-5), 9);
  });

  test("GIVEN a measurement WHEN tokens are mixed THEN only output counts against it", () => {
    // 500 output tokens/s at 20 % output = 2,500 tokens/s of all classes
    expect(replicaTokensPerSecond(MEASURED, MIX)).toBeCloseTo(2500, 9);
  });
});

describe("sizeModel", () => {
  test("GIVEN 864M tokens/day at peak ×3 WHEN sized THEN replicas = ceil(peak / per replica), GPUs = replicas × TP, servers = ceil(GPUs / 8)", () => {
    const sizing = sizeModel(input());
    // average 864e6 / 86,400 = 10,000 tokens/s; peak 30,000; per replica 4,166.67 → 7.2 → 8 replicas
    expect(sizing.averageTokensPerSecond).toBe(10_000);
    expect(sizing.peakTokensPerSecond).toBe(30_000);
    expect(sizing.peakOutputTokensPerSecond).toBeCloseTo(6000, 9);
    expect(sizing.peakPrefillTokensPerSecond).toBeCloseTo(12_000, 9);
    expect(sizing.replicasNeeded).toBe(8);
    expect(sizing.gpusNeeded).toBe(16);
    expect(sizing.serversNeeded).toBe(2);
    expect(sizing.replicas).toBe(8);
    expect(sizing.capacityTokensPerSecond).toBeCloseTo(8 * 4166.666_666_7, 3);
    expect(sizing.peakLoadPercent).toBeCloseTo((100 * 30_000) / (8 * 4166.666_666_7), 6);
    expect(sizing.shortfall).toBeNull();
    expect(sizing.latency).toEqual({ targetSecondsPerOutputToken: null, estimatedSecondsPerOutputToken: 0.064, met: true });
  });

  test("GIVEN a peak that is an exact multiple WHEN sized THEN no extra replica for floating-point dust", () => {
    // 432M/day × 1 = 5,000 tokens/s; measured 500 output/s at 10 % output = 5,000 per replica
    const sizing = sizeModel(
      input({ throughput: MEASURED, demand: { tokensPerDay: 432_000_000, mix: { input: 0.9, cachedInput: 0, cacheWrite: 0, output: 0.1 }, peakToAverage: 1 } }),
    );
    expect(sizing.replicasNeeded).toBe(1);
    expect(ceilCount(3.000_000_000_000_4)).toBe(3);
    expect(ceilCount(3.001)).toBe(4);
  });

  test("GIVEN no demand WHEN sized THEN the model still gets one replica", () => {
    expect(sizeModel(input({ demand: { ...DEMAND, tokensPerDay: 0 } })).replicasNeeded).toBe(1);
  });

  test("GIVEN fewer planned replicas than needed WHEN sized THEN a shortfall is flagged with the numbers", () => {
    const sizing = sizeModel(input({ plannedReplicas: 5 }));
    expect(sizing.shortfall).toMatchObject({
      peakTokensPerSecond: 30_000,
      replicasNeeded: 8,
      replicasPlanned: 5,
      missingReplicas: 3,
      missingGpus: 6,
    });
    expect(sizing.shortfall?.capacityTokensPerSecond).toBeCloseTo(20_833.33, 1);
    expect(sizing.shortfall?.missingTokensPerSecond).toBeCloseTo(9166.67, 1);
    expect(sizing.shortfall?.message).toBe(
      "coder: peak demand 30000 tokens/s needs 8 replicas (16 GPUs at 4167 tokens/s each); 5 planned serve 20833 tokens/s (69 % of peak): add 3 replicas (6 GPUs)",
    );
  });

  test("GIVEN more planned replicas than needed WHEN sized THEN capacity follows the plan and there is no shortfall", () => {
    const sizing = sizeModel(input({ plannedReplicas: 10 }));
    expect(sizing.shortfall).toBeNull();
    expect(sizing.gpus).toBe(20);
  });

  test("GIVEN a latency target WHEN the estimate is slower THEN the target is reported missed", () => {
    const slow = sizeModel(input({ demand: { ...DEMAND, maxSecondsPerOutputToken: 0.05 } }));
    expect(slow.latency).toEqual({ targetSecondsPerOutputToken: 0.05, estimatedSecondsPerOutputToken: 0.064, met: false });
    const fast = sizeModel(input({ demand: { ...DEMAND, maxSecondsPerOutputToken: 0.1 } }));
    expect(fast.latency.met).toBe(true);
  });

  test.each([
    [{ gpusPerReplica: 0 }, "models.coder.gpusPerReplica: must be an integer ≥ 1, got 0"],
    [{ gpusPerServer: 1.5 }, "models.coder.gpusPerServer: must be an integer ≥ 1, got 1.5"],
    [{ plannedReplicas: -1 }, "models.coder.replicas: must be an integer ≥ 0, got -1"],
  ])("throws when %j", (override, message) => {
    expect(() => sizeModel(input(override))).toThrow(message);
  });

  test("replicas are the fewest that carry the peak", () => {
    let severalReplicas = 0;
    // Any demand, or one of 10-1000 days' worth of decode per day: at this mix a replica serves at
    // most decode / 0.2 = 5 × decode tokens/s, so the second kind always needs several replicas.
    const decodeAndDemand = fc
      .double({ min: 1, max: 1e5, noNaN: true })
      .chain((decode) =>
        fc.tuple(
          fc.constant(decode),
          fc.oneof(fc.double({ min: 0, max: 1e12, noNaN: true }), fc.double({ min: 10 * decode * 86_400, max: 1000 * decode * 86_400, noNaN: true })),
        ),
      );
    fc.assert(
      fc.property(
        decodeAndDemand,
        fc.double({ min: 1, max: 10, noNaN: true }),
        ([decode, tokensPerDay], peakToAverage) => {
          const sizing = sizeModel(input({ demand: { tokensPerDay, mix: MIX, peakToAverage }, throughput: { ...ESTIMATE, tokensPerSecond: decode } }));
          const tolerance = 1e-6 * sizing.peakTokensPerSecond;
          expect(sizing.replicasNeeded * sizing.replicaTokensPerSecond).toBeGreaterThanOrEqual(sizing.peakTokensPerSecond - tolerance);
          if (sizing.replicasNeeded > 1) {
            severalReplicas += 1;
            expect((sizing.replicasNeeded - 1) * sizing.replicaTokensPerSecond).toBeLessThan(sizing.peakTokensPerSecond + tolerance);
          }
          expect(sizing.serversNeeded * 8).toBeGreaterThanOrEqual(sizing.gpusNeeded);
        },
      ),
    );
    // The "fewest" half of the property ran on many cases, not only on single replicas.
    expect(severalReplicas).toBeGreaterThanOrEqual(80);
  });
});

describe("sizeFactory", () => {
  const chat: ModelSizingInput = {
    id: "chat",
    demand: { tokensPerDay: 432_000_000, mix: { input: 0.5, cachedInput: 0, cacheWrite: 0, output: 0.5 }, peakToAverage: 2 },
    throughput: MEASURED,
    gpusPerReplica: 1,
    gpusPerServer: 8,
    pool: "h100",
  };
  const coder: ModelSizingInput = { ...input(), pool: "h100", plannedReplicas: 7 };

  test("GIVEN two models in one pool WHEN sized THEN pool servers come from their summed GPUs, and totals add up", () => {
    const factory = sizeFactory([coder, chat], { hoursPerMonth: 720 });
    expect(factory.models.map((m) => m.id)).toEqual(["chat", "coder"]);
    // chat: 5,000 avg, 10,000 peak; 1,000 per replica (500 output/s at 50 % output) → 10 replicas, 10 GPUs.
    // coder: needs 8 replicas (16 GPUs), 7 planned (14 GPUs).
    expect(factory.pools).toEqual({ h100: { gpusPerServer: 8, gpusNeeded: 26, serversNeeded: 4, gpus: 24, servers: 3 } });
    expect(factory.gpus).toBe(24);
    expect(factory.replicas).toBe(17);
    // Demand: (432M + 864M) × 720 / 24 = 38.88B
    expect(factory.demandTokensPerMonth).toBeCloseTo(38.88e9, -3);
    // Capacity flat out: (10 × 1,000 + 7 × 4,166.67) × 720 × 3,600
    const capacityChat = 10 * 1000 * 720 * 3600;
    const capacityCoder = 7 * (1 / (2e-4 + 4e-5)) * 720 * 3600;
    expect(factory.capacityTokensPerMonth).toBeCloseTo(capacityChat + capacityCoder, -3);
    // Each model serves at most its own demand.
    expect(factory.servedTokensPerMonth).toBeCloseTo(432e6 * 30 + 864e6 * 30, -3);
    // GPU-hours at demand: chat 12.96e9 / 1,000 / 3,600 × 1 GPU + coder 25.92e9 / 4,166.67 / 3,600 × 2 GPUs
    expect(factory.gpuHoursPerMonthAtDemand).toBeCloseTo(12.96e9 / 1000 / 3600 + ((25.92e9 / (1 / (2e-4 + 4e-5))) / 3600) * 2, 3);
    expect(factory.demand.tokensPerDay).toBe(1_296_000_000);
    expect(factory.warnings).toEqual([expect.stringMatching(/^coder: peak demand 30000 tokens\/s needs 8 replicas/)]);
  });

  test("GIVEN a model with an unmet latency target WHEN sized THEN the factory warns", () => {
    const factory = sizeFactory([input({ demand: { ...DEMAND, maxSecondsPerOutputToken: 0.01 } })]);
    expect(factory.hoursPerMonth).toBe(730);
    expect(factory.warnings).toEqual([expect.stringMatching(/^coder: latency target 0.01 s per output token not met: the estimate is 0.064 s/)]);
  });

  test("throws when a model id repeats", () => {
    expect(() => sizeFactory([input(), input()])).toThrow('models.coder: duplicate model id "coder"');
  });

  test("throws when one pool is given two server sizes", () => {
    expect(() => sizeFactory([coder, { ...chat, gpusPerServer: 4 }])).toThrow(
      'models.coder.gpusPerServer: pool "h100" has 4 GPUs per server, got 8',
    );
  });
});
