/**
 * The throughput model's calibration: the share of each physical roof a serving stack reaches and
 * its fixed costs (planning/throughput.ts), fitted on the fitting part of the calibration set
 * (catalog/benchmarks.ts: published vLLM and TensorRT-LLM measurements, each with its source) by
 * `npm run calibration` (scripts/calibration.ts), which also prints the error on the held-out part.
 *
 * A site replaces or adjusts it with its own benchmark: `ai-factory calibrate` writes an
 * environment's `catalog.calibration`; a model's `measuredTokensPerSecond` bypasses it.
 */
import type { ThroughputCalibration } from "./types";

/** The default throughput calibration (regenerate with `npm run calibration -- --write`). */
export const THROUGHPUT_CALIBRATION: ThroughputCalibration = {
  weightBandwidthEfficiency: 0.8,
  kvBandwidthEfficiency: 0.5,
  computeEfficiency: 0.5,
  computeEfficiencyFp4: 0.35,
  prefillEfficiency: 0.6,
  attentionEfficiency: 0.4,
  moeEfficiency: 0.5,
  moeExpertTokensHalf: 16,
  interconnectEfficiency: 0.7,
  allReduceLatencyUs: 10,
  crossDomainEfficiency: 0.5,
  stepOverheadMs: 1,
  adjustments: [],
  sources: [],
};
