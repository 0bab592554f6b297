import { CATALOG_DATE, THROUGHPUT_CALIBRATION } from "../../catalog";
import type { EfficiencyFactor } from "../../catalog";

const FACTORS: readonly EfficiencyFactor[] = [
  "computeEfficiency",
  "computeEfficiencyFp4",
  "memoryBandwidthEfficiency",
  "prefillEfficiency",
];

describe("THROUGHPUT_CALIBRATION", () => {
  it.each(FACTORS)("%s is a fraction in (0, 1] with a source that gives its arithmetic", (factor) => {
    // GIVEN one efficiency factor
    const value = THROUGHPUT_CALIBRATION[factor];
    // THEN it is a share of a physical ceiling
    expect(value).toBeGreaterThan(0);
    expect(value).toBeLessThanOrEqual(1);
    // AND a source note starts with its name and value
    const notes = THROUGHPUT_CALIBRATION.sources.map((s) => s.note ?? "");
    const own = notes.filter((note) => note.startsWith(`${factor} `) && Number.parseFloat(note.slice(factor.length + 1)) === value);
    expect(own).toHaveLength(1);
  });

  it("cites dated https sources no later than the catalog date", () => {
    // GIVEN every source of the calibration and of its measurements
    const sources = [...THROUGHPUT_CALIBRATION.sources, ...THROUGHPUT_CALIBRATION.measurements.flatMap((m) => m.sources)];
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      // THEN each has a URL and a YYYY-MM(-DD) date no later than CATALOG_DATE
      expect(source.url).toMatch(/^https:\/\/\S+$/);
      expect(source.date).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
      expect(source.date <= CATALOG_DATE).toBe(true);
    }
  });

  it("keys measurements by unique ids", () => {
    const ids = THROUGHPUT_CALIBRATION.measurements.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("states each measurement's ratio as measured ÷ roofline, with the per-GPU figure in its source", () => {
    for (const m of THROUGHPUT_CALIBRATION.measurements) {
      // GIVEN one benchmark result
      // THEN the ratio is the division it claims to be
      expect(m.ratio).toBeCloseTo(m.measuredTokensPerSecondPerGpu / m.rooflineTokensPerSecondPerGpu, 3);
      // AND the measured per-GPU rate is quoted in a source note (e.g. "3,913.35 per GPU")
      const figure = m.measuredTokensPerSecondPerGpu.toLocaleString("en-US", { maximumFractionDigits: 2 });
      expect(m.sources.some((s) => (s.note ?? "").includes(`${figure} per GPU`))).toBe(true);
    }
  });

  it.each(["computeEfficiency", "computeEfficiencyFp4", "memoryBandwidthEfficiency"] as const)(
    "sets %s to its most conservative measurement",
    (factor) => {
      // GIVEN the measurements of one factor
      const ratios = THROUGHPUT_CALIBRATION.measurements.filter((m) => m.factor === factor).map((m) => m.ratio);
      expect(ratios.length).toBeGreaterThan(0);
      // THEN the factor is the lowest ratio, to three decimals (0.2728 → 0.273)
      expect(THROUGHPUT_CALIBRATION[factor]).toBeCloseTo(Math.min(...ratios), 3);
    },
  );
});
