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

/** The default throughput calibration (regenerate with `npm run calibration -- --fit --write`). */
export const THROUGHPUT_CALIBRATION: ThroughputCalibration = {
  weightBandwidthEfficiency: 0.698,
  kvBandwidthEfficiency: 0.739,
  computeEfficiency: 0.525,
  computeEfficiencyFp4: 0.319,
  prefillEfficiency: 0.663,
  prefillEfficiencyFp4: 0.402,
  attentionEfficiency: 0.422,
  moeEfficiency: 0.651,
  moeExpertTokensHalf: 10.4,
  interconnectEfficiency: 0.64,
  pcieEfficiency: 0.813,
  allReduceLatencyUs: 15.7,
  crossDomainEfficiency: 0.727,
  stepOverheadMs: 1.18,
  sequenceOverheadUs: 4.61,
  adjustments: [],
  engines: {
    vllm: {
      decodeScale: 0.95,
      prefillScale: 0.692,
      cases: 24,
    },
  },
  errors: {
    fit: {
      cases: 412,
      medianAbsLn: 0.106,
      within25Percent: 0.847,
      within2x: 0.99,
    },
    heldOut: {
      cases: 184,
      medianAbsLn: 0.106,
      within25Percent: 0.81,
      within2x: 0.978,
    },
  },
  sources: [
    {
      url: "https://github.com/gpustack/gpustack/blob/47277d79f4a5bae12a2d25e9ecbed2a2177a5f2d/docs/performance-lab/gpt-oss-120b/h100.md",
      date: "2025-10-15",
      note: "4 cases of the fitting part (catalog/benchmarks.ts)",
    },
    {
      url: "https://github.com/gpustack/gpustack/blob/47277d79f4a5bae12a2d25e9ecbed2a2177a5f2d/docs/performance-lab/gpt-oss-20b/a100.md",
      date: "2025-11-04",
      note: "3 cases of the fitting part (catalog/benchmarks.ts)",
    },
    {
      url: "https://github.com/gpustack/gpustack/blob/47277d79f4a5bae12a2d25e9ecbed2a2177a5f2d/docs/performance-lab/gpt-oss-20b/h100.md",
      date: "2025-11-04",
      note: "3 cases of the fitting part (catalog/benchmarks.ts)",
    },
    {
      url: "https://github.com/gpustack/gpustack/blob/47277d79f4a5bae12a2d25e9ecbed2a2177a5f2d/docs/performance-lab/qwen3-235b-a22b/a100.md",
      date: "2025-11-12",
      note: "6 cases of the fitting part (catalog/benchmarks.ts)",
    },
    {
      url: "https://github.com/gpustack/gpustack/blob/47277d79f4a5bae12a2d25e9ecbed2a2177a5f2d/docs/performance-lab/qwen3-235b-a22b/h100.md",
      date: "2025-11-12",
      note: "6 cases of the fitting part (catalog/benchmarks.ts)",
    },
    {
      url: "https://github.com/lm-sys/lm-sys.github.io/blob/dbd47f49bac0d5a080e2a6647c42ddb1b0fb4122/blog/2025-08-27-gpt-oss.md",
      date: "2025-08-27",
      note: "2 cases of the fitting part (catalog/benchmarks.ts)",
    },
    {
      url: "https://github.com/NVIDIA/TensorRT-LLM/blob/00f37686aa854010d68bcbd0f4ab000221541ca6/docs/source/performance/perf-overview.md",
      date: "2025-09",
      note: "179 cases of the fitting part (catalog/benchmarks.ts)",
    },
    {
      url: "https://github.com/NVIDIA/TensorRT-LLM/blob/258c7540c03517def55d9a5aadfa9288af474e1b/docs/source/performance/perf-overview.md",
      date: "2025-01",
      note: "207 cases of the fitting part (catalog/benchmarks.ts)",
    },
    {
      url: "https://github.com/vllm-project/vllm-project.github.io/blob/c3a01c4a5807c8d900ae468897e45263373e534e/_posts/2026-04-22-fp8-kvcache.md",
      date: "2026-04-22",
      note: "2 cases of the fitting part (catalog/benchmarks.ts)",
    },
  ],
};
