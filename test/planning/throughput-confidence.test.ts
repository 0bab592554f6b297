import type { BenchmarkCase, CalibrationAdjustment, GpuSpec, Interconnect, ModelSpec } from "../../catalog/types";
import { estimateCase, type ResolvedCase } from "../../planning/calibration-fit";
import { modelFamily } from "../../planning/throughput";
import { caseDistance, estimateConfidence, MAX_DISTANCE, NEAREST_CASES, type EstimateShape } from "../../planning/throughput-confidence";
import { b200, h100, pcieGen4, toyDense, toyGpu, toyMoe, toyNvlink, halfCalibration as HALF } from "../helpers/specs";


/** The estimate being judged: the dense toy on one toy GPU, 900 → 200 tokens. */
const SHAPE: EstimateShape = { gpu: "toy-gpu", family: "dense", interconnect: "nvlink", tensorParallel: 1, promptTokens: 900, outputTokens: 200 };

/**
 * A vLLM case of `model` on `gpu` (TP 1, 900 → 200 tokens, concurrency 100 unless overridden) whose measurement makes
 * ln(estimate ÷ measured) = `lnError` under HALF; a case the model cannot run keeps a measurement of 1,000.
 */
function measured(
  id: string,
  gpu: GpuSpec,
  model: ModelSpec,
  lnError: number,
  overrides: Partial<BenchmarkCase> = {},
  interconnect: Interconnect = toyNvlink,
): ResolvedCase {
  const c: ResolvedCase = {
    case: {
      id,
      engine: "vllm",
      engineVersion: "0.16.0",
      server: `${gpu.id}-server`,
      model: model.id,
      precision: "fp8",
      kvCacheDtype: "auto",
      tensorParallel: 1,
      inputTokens: 900,
      outputTokens: 200,
      concurrency: 100,
      measuredOutputTokensPerSecond: 1000,
      split: "fit",
      source: { url: "https://example.com/bench", date: "2026-11-30" },
      ...overrides,
    },
    gpu,
    model,
    interconnect,
  };
  const estimate = estimateCase(c, HALF).estimate;
  if (estimate === null) return c;
  return { ...c, case: { ...c.case, measuredOutputTokensPerSecond: estimate / Math.exp(lnError) } };
}

/** A case's family from its model, as the calibration set resolves it. */
const familyOf = (c: ResolvedCase) => modelFamily(c.model);

function adjustment(family: "dense" | "moe", medianAbsLnAfter: number): CalibrationAdjustment {
  return { gpu: "toy-gpu", family, decodeScale: 1.1, prefillScale: 1.1, cases: 6, medianAbsLnBefore: 0.5, medianAbsLnAfter, sources: [] };
}

// Distances from SHAPE (hand computed): GPU 1.5, family 1.5, interconnect 1 (unless both TP 1), |log2 TP ratio| / 2,
// |ln prompt/output ratio| / 4, |ln mean context ratio| / 4.
const SAME = measured("a-same", toyGpu, toyDense, 0.1); // 0
const LONGER = measured("c-longer-prompt", toyGpu, toyDense, 0.3, { inputTokens: 1800 }); // ln 2 / 4 + ln(1,900 / 1,000) / 4 = 0.33375
const TP2 = measured("b-tp2", toyGpu, toyDense, -0.2, { tensorParallel: 2 }); // 0.5
const MOE = measured("d-moe-does-not-fit", toyGpu, toyMoe, 0); // 1.5; 100e9 B of weights on 20 GiB: no estimate
const H100 = measured("e-h100", h100, toyDense, -0.4); // 1.5
const B200_MOE = measured("f-b200-moe", b200, toyMoe, 2); // 3.0: comparable, but the sixth nearest
const FAR = measured("g-far", h100, toyMoe, 0, { tensorParallel: 2 }, pcieGen4); // 1.5 + 1.5 + 1 + 0.5 = 4.5
const CASES = [FAR, B200_MOE, H100, MOE, TP2, LONGER, SAME];

describe("caseDistance", () => {
  test("GIVEN the same configuration WHEN compared THEN 0", () => {
    expect(caseDistance(SHAPE, SAME, "dense")).toBe(0);
  });

  test("GIVEN another prompt length WHEN compared THEN the ratio and mean context terms, a quarter of their |ln| each", () => {
    // |ln(4.5 / 9)| / 4 + |ln(1,000 / 1,900)| / 4 = 0.17329 + 0.16046
    expect(caseDistance(SHAPE, LONGER, "dense")).toBeCloseTo(Math.LN2 / 4 + Math.log(1.9) / 4, 12);
  });

  test("GIVEN another GPU, family, link and TP WHEN compared THEN 1.5 + 1.5 + 1 + 0.5, beyond MAX_DISTANCE", () => {
    expect(caseDistance(SHAPE, FAR, "moe")).toBeCloseTo(4.5, 12);
    expect(MAX_DISTANCE).toBe(3);
  });

  test("GIVEN TP 1 on both sides WHEN the links differ THEN the link does not count", () => {
    expect(caseDistance(SHAPE, { ...SAME, interconnect: pcieGen4 }, "dense")).toBe(0);
    // TP 2 over PCIe against an NVLink shape: 1 for the link + 0.5 for the TP degree.
    expect(caseDistance(SHAPE, { ...TP2, interconnect: pcieGen4 }, "dense")).toBeCloseTo(1.5, 12);
  });
});

describe("estimateConfidence", () => {
  test("GIVEN a site adjustment for the GPU and family WHEN judged THEN basis site, its error after and its level", () => {
    const c = estimateConfidence(SHAPE, CASES, { ...HALF, adjustments: [adjustment("dense", 0.1)] }, familyOf);
    expect(c).toEqual({
      level: "high",
      medianAbsLn: 0.1,
      basis: "site",
      nearest: [],
      // e^0.1 − 1 = 10.5 % → ±11 %
      summary: "high: ±11 % median error on this site's 6 benchmark results (toy-gpu, dense)",
    });
  });

  test.each([
    [0.15, "high"],
    [0.150001, "medium"],
    [0.35, "medium"],
    [0.350001, "low"],
  ] as const)("GIVEN a median |ln| of %p WHEN levelled THEN %s (high ≤ 0.15 < medium ≤ 0.35 < low)", (ln, level) => {
    expect(estimateConfidence(SHAPE, CASES, { ...HALF, adjustments: [adjustment("dense", ln)] }, familyOf).level).toBe(level);
  });

  test.each([
    // e^0.15 − 1 = 16.2 % → ±16 %; e^0.35 − 1 = 41.9 % → ±42 %
    [0.15, "high: ±16 % median error on this site's 6 benchmark results (toy-gpu, dense)"],
    [0.35, "medium: ±42 % median error on this site's 6 benchmark results (toy-gpu, dense)"],
  ] as const)("GIVEN a median |ln| of %p at a level's limit WHEN summarized THEN ±(e^ln − 1), rounded: %s", (ln, summary) => {
    expect(estimateConfidence(SHAPE, CASES, { ...HALF, adjustments: [adjustment("dense", ln)] }, familyOf).summary).toBe(summary);
  });

  test("GIVEN a site adjustment for another family WHEN judged THEN the catalog's nearest cases are used", () => {
    expect(estimateConfidence(SHAPE, CASES, { ...HALF, adjustments: [adjustment("moe", 0.01)] }, familyOf).basis).toBe("catalog");
  });

  test("GIVEN measured cases WHEN judged THEN the five nearest, same GPU and family first, and their median |ln|", () => {
    const c = estimateConfidence(SHAPE, CASES, HALF, familyOf);
    expect(NEAREST_CASES).toBe(5);
    expect(c.basis).toBe("catalog");
    expect(c.nearest.map((n) => n.id)).toEqual(["a-same", "c-longer-prompt", "b-tp2", "d-moe-does-not-fit", "e-h100"]);
    // The nearest three share the GPU and family; the ties at 1.5 go by id; f-b200-moe (3.0) is the sixth.
    const distances = [0, Math.LN2 / 4 + Math.log(1.9) / 4, 0.5, 1.5, 1.5];
    c.nearest.forEach((n, i) => expect(n.distance).toBeCloseTo(distances[i], 12));
    const lnErrors = c.nearest.map((n) => n.lnError);
    [0.1, 0.3, -0.2].forEach((ln, i) => expect(lnErrors[i]).toBeCloseTo(ln, 9));
    expect(lnErrors[3]).toBeNull();
    expect(lnErrors[4]).toBeCloseTo(-0.4, 9);
    // |ln| 0.1, 0.3, 0.2, 1 (the case without an estimate), 0.4 → median 0.3: medium, e^0.3 − 1 = 35.0 %
    expect(c.medianAbsLn).toBeCloseTo(0.3, 9);
    expect(c.level).toBe("medium");
    expect(c.summary).toBe("medium: ±35 % median error on the 5 nearest measured cases");
  });

  test.each([
    [[0.05, -0.1, 0.15], "high", 0.1, "high: ±11 % median error on the 3 nearest measured cases"],
    [[0.4, -0.5, 0.6], "low", 0.5, "low: ±65 % median error on the 3 nearest measured cases"],
  ] as const)("GIVEN the nearest cases miss by %j WHEN judged THEN %s", (errors, level, median, summary) => {
    const cases = [
      measured("a-same", toyGpu, toyDense, errors[0]),
      measured("b-tp2", toyGpu, toyDense, errors[1], { tensorParallel: 2 }),
      measured("c-longer-prompt", toyGpu, toyDense, errors[2], { inputTokens: 1800 }),
    ];
    const c = estimateConfidence(SHAPE, cases, HALF, familyOf);
    expect(c.level).toBe(level);
    expect(c.medianAbsLn).toBeCloseTo(median, 9);
    expect(c.summary).toBe(summary);
  });

  test("GIVEN no case within MAX_DISTANCE WHEN judged THEN low, and measure before buying", () => {
    // b200 / MoE / PCIe / TP 2 against dense toy-gpu and h100 cases: each at 4 or more.
    const shape: EstimateShape = { gpu: "b200", family: "moe", interconnect: "pcie", tensorParallel: 2, promptTokens: 900, outputTokens: 200 };
    expect(estimateConfidence(shape, [SAME, TP2, LONGER, H100], HALF, familyOf)).toEqual({
      level: "low",
      medianAbsLn: 1,
      basis: "catalog",
      nearest: [],
      summary: "low: no measured case near b200, moe, TP 2; measure before buying (ai-factory calibrate)",
    });
  });
});
