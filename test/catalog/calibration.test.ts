import { CATALOG_DATE, THROUGHPUT_CALIBRATION } from "../../catalog";
import type { ThroughputFactors } from "../../catalog";
import { MIN_ENGINE_CASES, estimateCase, summarize } from "../../planning/calibration-fit";
import { calibrationSet } from "../../planning/calibration-set";

/** The factors that are shares of a physical roof. */
const FRACTIONS: readonly (keyof ThroughputFactors)[] = [
  "weightBandwidthEfficiency",
  "kvBandwidthEfficiency",
  "computeEfficiency",
  "computeEfficiencyFp4",
  "prefillEfficiency",
  "prefillEfficiencyFp4",
  "attentionEfficiency",
  "moeEfficiency",
  "interconnectEfficiency",
  "pcieEfficiency",
  "crossDomainEfficiency",
];

/** The factors that are fixed costs or counts. */
const NON_NEGATIVE: readonly (keyof ThroughputFactors)[] = ["allReduceLatencyUs", "stepOverheadMs", "sequenceOverheadUs", "moeExpertTokensHalf"];

describe("THROUGHPUT_CALIBRATION", () => {
  it.each(FRACTIONS)("%s is a fraction in (0, 1]", (factor) => {
    // GIVEN one efficiency factor THEN it is a share of a physical ceiling
    expect(THROUGHPUT_CALIBRATION[factor]).toBeGreaterThan(0);
    expect(THROUGHPUT_CALIBRATION[factor]).toBeLessThanOrEqual(1);
  });

  it.each(NON_NEGATIVE)("%s is a finite number ≥ 0", (factor) => {
    expect(Number.isFinite(THROUGHPUT_CALIBRATION[factor])).toBe(true);
    expect(THROUGHPUT_CALIBRATION[factor]).toBeGreaterThanOrEqual(0);
  });

  it("carries no site adjustment: those belong to environment files", () => {
    expect(THROUGHPUT_CALIBRATION.adjustments).toEqual([]);
  });

  it("scales only engines measured often enough, each against the reference engine", () => {
    // GIVEN the engine scales WHEN each is read THEN it rests on enough cases and is a plausible ratio
    const engines = Object.entries(THROUGHPUT_CALIBRATION.engines ?? {});
    expect(engines.map(([e]) => e)).toContain("vllm");
    expect(engines.map(([e]) => e)).not.toContain("tensorrt-llm");
    for (const [, e] of engines) {
      expect(e!.cases).toBeGreaterThanOrEqual(MIN_ENGINE_CASES);
      for (const scale of [e!.decodeScale, e!.prefillScale]) {
        expect(scale).toBeGreaterThanOrEqual(0.2);
        expect(scale).toBeLessThanOrEqual(5);
      }
    }
  });

  it("cites every published table of the fitting part, dated no later than the catalog date", () => {
    // GIVEN the calibration's sources and the fitting part's
    const { fit } = calibrationSet();
    const fitUrls = [...new Set(fit.map((c) => c.case.source.url))].sort();
    const cited = THROUGHPUT_CALIBRATION.sources.map((s) => s.url);
    // THEN each table is cited once, with the number of its cases
    expect([...cited].sort()).toEqual(fitUrls);
    for (const source of THROUGHPUT_CALIBRATION.sources) {
      expect(source.url).toMatch(/^https:\/\/\S+$/);
      expect(source.date).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
      expect(source.date <= CATALOG_DATE).toBe(true);
      const n = fit.filter((c) => c.case.source.url === source.url).length;
      expect(source.note).toBe(`${n} cases of the fitting part (catalog/benchmarks.ts)`);
    }
  });

  it("records the errors its factors make on the calibration set (regenerate with npm run calibration -- --fit --write)", () => {
    // GIVEN the fitting and held-out parts WHEN every case is estimated with the catalog's factors
    const { fit, heldOut } = calibrationSet();
    const measured = {
      fit: summarize(fit.map((c) => estimateCase(c, THROUGHPUT_CALIBRATION))),
      heldOut: summarize(heldOut.map((c) => estimateCase(c, THROUGHPUT_CALIBRATION))),
    };
    // THEN the recorded errors are those, to the three digits they are written with
    const recorded = THROUGHPUT_CALIBRATION.errors!;
    for (const part of ["fit", "heldOut"] as const) {
      expect(recorded[part].cases).toBe(measured[part].cases);
      expect(recorded[part].medianAbsLn).toBeCloseTo(measured[part].medianAbsLn, 3);
      expect(recorded[part].within25Percent).toBeCloseTo(measured[part].within25Percent, 3);
      expect(recorded[part].within2x).toBeCloseTo(measured[part].within2x, 3);
    }
  });

  it("meets the target on the held-out part: at least 80 % within ±25 % and a median |ln| of at most 0.15", () => {
    const { heldOut } = calibrationSet();
    const error = summarize(heldOut.map((c) => estimateCase(c, THROUGHPUT_CALIBRATION)));
    expect(error.cases).toBeGreaterThanOrEqual(100);
    expect(error.within25Percent).toBeGreaterThanOrEqual(0.8);
    expect(error.medianAbsLn).toBeLessThanOrEqual(0.15);
  });
});
