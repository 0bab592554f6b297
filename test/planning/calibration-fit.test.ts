import type { BenchmarkCase, CalibrationAdjustment, GpuSpec, Interconnect, ModelSpec, Source, ThroughputCalibration } from "../../catalog/types";
import { engineDefaults, estimateCase, fitAdjustment, fitFactors, summarize, type CaseResult, type ResolvedCase } from "../../planning/calibration-fit";
import { a100, b200, h100, l40s, pcieGen4, toyDense, toyGpu, toyGpuFp4, toyMoe, toyNvlink, toyWindow } from "../helpers/specs";

// The toy fixtures (test/helpers/specs.ts) keep the arithmetic by hand: toyDense is 10e9 B at FP8 with 10,000 B of
// KV per token; toyGpu has 20 GiB, 2 TB/s and 2,000 FP8 TFLOPS.

/** Every efficiency 0.5 and no fixed costs. */
const HALF: ThroughputCalibration = {
  weightBandwidthEfficiency: 0.5,
  kvBandwidthEfficiency: 0.5,
  computeEfficiency: 0.5,
  computeEfficiencyFp4: 0.5,
  prefillEfficiency: 0.5,
  moeEfficiency: 0.5,
  interconnectEfficiency: 0.5,
  allReduceLatencyUs: 0,
  stepOverheadMs: 0,
  adjustments: [],
  sources: [],
};

const SOURCE: Source = { url: "https://example.com/site-benchmark", date: "2026-11-30", note: "vllm bench serve on our toy GPUs" };

/** A case of `model` on `gpu`: vLLM, TP 1, 900 → 200 tokens at a concurrency of 100 unless overridden. */
function resolved(
  id: string,
  gpu: GpuSpec,
  model: ModelSpec,
  overrides: Partial<BenchmarkCase> = {},
  interconnect: Interconnect = toyNvlink,
): ResolvedCase {
  return {
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
      source: SOURCE,
      ...overrides,
    },
    gpu,
    model,
    interconnect,
  };
}

/** The case with its measurement replaced by the model's estimate under `calibration` divided by `ratio`. */
function measuredAs(c: ResolvedCase, calibration: ThroughputCalibration, ratio = 1): ResolvedCase {
  const estimate = estimateCase(c, calibration).estimate;
  if (estimate === null) throw new Error(`test case ${c.case.id} does not fit`);
  return { ...c, case: { ...c.case, measuredOutputTokensPerSecond: estimate / ratio } };
}

function result(id: string, lnError: number | null): CaseResult {
  return { id, measured: 100, estimate: lnError === null ? null : 100 * Math.exp(lnError), lnError };
}

describe("summarize", () => {
  test("GIVEN hand-made results WHEN summarized THEN median |ln|, the share within ±25 % (0.75..1.25) and within 2× (|ln| ≤ ln 2)", () => {
    const s = summarize([result("a", 0.1), result("b", -0.25), result("c", 0.25), result("d", -0.5), result("e", 0.8), result("f", null)]);
    expect(s.cases).toBe(6);
    // |ln| sorted: 0.1, 0.25, 0.25, 0.5, 0.8, ∞ (the miss) → (0.25 + 0.5) / 2
    expect(s.medianAbsLn).toBeCloseTo(0.375, 12);
    // e^0.1 = 1.105 and e^−0.25 = 0.779 are within 0.75..1.25; e^0.25 = 1.284 is not: 2 of 6
    expect(s.within25Percent).toBeCloseTo(2 / 6, 12);
    // 0.1, 0.25, 0.25, 0.5 ≤ ln 2 = 0.693; 0.8 and the miss are not: 4 of 6
    expect(s.within2x).toBeCloseTo(4 / 6, 12);
  });

  test("GIVEN a median that falls on a miss WHEN summarized THEN the median |ln| is infinite", () => {
    expect(summarize([result("a", 0.1), result("b", null), result("c", null)]).medianAbsLn).toBe(Infinity);
  });

  test("GIVEN no results WHEN summarized THEN zero cases and zero errors", () => {
    expect(summarize([])).toEqual({ cases: 0, medianAbsLn: 0, within25Percent: 0, within2x: 0 });
  });
});

describe("engineDefaults", () => {
  test("GIVEN vLLM WHEN the GPU has ≥ 70 GiB and is not an A100 THEN max_num_seqs 1024, else 256; 0.9 of all memory", () => {
    expect(engineDefaults("vllm", h100)).toMatchObject({ maxSequences: 1024, memoryFraction: 0.9, fractionOf: "total" });
    expect(engineDefaults("vllm", b200).maxSequences).toBe(1024);
    expect(engineDefaults("vllm", a100).maxSequences).toBe(256); // 80 GiB, but an A100
    expect(engineDefaults("vllm", l40s).maxSequences).toBe(256); // 48 GiB
  });

  test("GIVEN TensorRT-LLM or NIM WHEN defaults are asked THEN NVIDIA's published runs: a batch of 4096 and 0.95 of the memory the weights leave", () => {
    expect(engineDefaults("tensorrt-llm", h100)).toMatchObject({ maxSequences: 4096, memoryFraction: 0.95, fractionOf: "free" });
    expect(engineDefaults("nim", l40s)).toMatchObject({ maxSequences: 4096, memoryFraction: 0.95, fractionOf: "free" });
  });
});

describe("estimateCase", () => {
  test("GIVEN a hand-built case WHEN estimated THEN the estimate is the workload rate and lnError = ln(estimate / measured)", () => {
    const r = estimateCase(resolved("toy", toyGpu, toyDense, { measuredOutputTokensPerSecond: 2500 }), HALF);
    // KV under vLLM: 20 GiB × 0.9 − 10e9 − 2 GiB = 7,179,869,184 B → 717 sequences of 1,000 tokens; min(100, 256) = 100.
    expect(r.estimateDetail?.kvBatch).toBe(717);
    expect(r.estimateDetail?.batch).toBe(100);
    // decode: max(10 + 1, 2.004) ms / 100 = 110 µs; prefill: 4.5 × 2.0018e10 / 1e15 = 90.081 µs → 1 / 200.081 µs
    const estimate = 1 / 2.00081e-4;
    expect((r.estimate as number) / estimate).toBeCloseTo(1, 9);
    expect(r.lnError).toBeCloseTo(Math.log(estimate / 2500), 9);
    expect(r).toMatchObject({ id: "toy", measured: 2500 });
  });

  test("GIVEN offline or a concurrency above the engine's cap WHEN estimated THEN the engine's max_num_seqs caps the batch", () => {
    expect(estimateCase(resolved("offline", toyGpu, toyDense, { concurrency: "offline" }), HALF).estimateDetail?.batch).toBe(256);
    expect(estimateCase(resolved("many", toyGpu, toyDense, { concurrency: 2000 }), HALF).estimateDetail?.batch).toBe(256);
  });

  test("GIVEN TensorRT-LLM or SGLang WHEN estimated THEN the KV memory follows the engine's fraction", () => {
    // TensorRT-LLM: (20 GiB − 10e9 − 2 GiB) × 0.95 = 9,327,352,832 × 0.95 = 8,860,985,190.4 B → 886 sequences
    expect(estimateCase(resolved("trt", toyGpu, toyDense, { engine: "tensorrt-llm" }), HALF).estimateDetail?.kvBatch).toBe(886);
    // SGLang: 20 GiB × 0.88 − 10e9 − 2 GiB = 18,897,856,102.4 − 12,147,483,648 = 6,750,372,454.4 B → 675
    expect(estimateCase(resolved("sglang", toyGpu, toyDense, { engine: "sglang" }), HALF).estimateDetail?.kvBatch).toBe(675);
  });

  test("GIVEN a case whose weights do not fit WHEN estimated THEN no estimate, a null lnError and the problem without the prefix", () => {
    // BF16: 20e9 B of weights > 20 GiB × 0.9 − 2 GiB
    const r = estimateCase(resolved("too-big", toyGpu, toyDense, { precision: "bf16" }), HALF);
    expect(r).toMatchObject({ id: "too-big", measured: 1000, estimate: null, lnError: null });
    expect(r.problem).toMatch(/^toy-dense-10b at bf16 on 1× toy-gpu: no memory left for the KV cache/);
  });
});

describe("fitFactors", () => {
  // fitFactors' priors (the kernel-benchmark values it stays near where the data leave a factor loose): the
  // calibration where the data and the priors agree, so a noise-free fit can reach zero error.
  const PRIORS: ThroughputCalibration = {
    ...HALF,
    weightBandwidthEfficiency: 0.8,
    kvBandwidthEfficiency: 0.6,
    computeEfficiency: 0.5,
    computeEfficiencyFp4: 0.35,
    prefillEfficiency: 0.6,
    moeEfficiency: 0.5,
    interconnectEfficiency: 0.7,
    allReduceLatencyUs: 10,
    stepOverheadMs: 1,
  };
  // A calibration off the priors by 0.03 to 0.05 on each efficiency: the data pull the fit away from the priors.
  const OFF_PRIORS: ThroughputCalibration = {
    ...HALF,
    weightBandwidthEfficiency: 0.77,
    kvBandwidthEfficiency: 0.56,
    computeEfficiency: 0.46,
    computeEfficiencyFp4: 0.32,
    prefillEfficiency: 0.56,
    moeEfficiency: 0.45,
    interconnectEfficiency: 0.65,
    allReduceLatencyUs: 12,
    stepOverheadMs: 1.3,
  };
  const START: ThroughputCalibration = { ...HALF, allReduceLatencyUs: 20, stepOverheadMs: 3 };
  // Cases spread over what each factor governs: single streams (weights, overhead), long contexts (KV), big
  // batches (compute), prompt-heavy runs (prefill), TP over NVLink and PCIe (interconnect), MoE and FP4.
  const SHAPES: readonly ResolvedCase[] = [
    resolved("single-stream", toyGpu, toyDense, { concurrency: 1 }),
    resolved("batch-64", toyGpu, toyDense, { concurrency: 64 }),
    resolved("trt-offline-decode", toyGpu, toyDense, { engine: "tensorrt-llm", concurrency: "offline", inputTokens: 100, outputTokens: 1000 }),
    resolved("prompt-heavy", toyGpu, toyDense, { inputTokens: 8000, outputTokens: 100, concurrency: 16 }),
    resolved("tp2-nvlink", toyGpu, toyDense, { tensorParallel: 2, concurrency: 32 }),
    resolved("tp4-pcie-bf16", toyGpu, toyDense, { tensorParallel: 4, precision: "bf16", inputTokens: 500, outputTokens: 500, concurrency: 128 }, pcieGen4),
    resolved("moe-tp8", toyGpu, toyMoe, { tensorParallel: 8, inputTokens: 1000, outputTokens: 1000, concurrency: 64 }),
    resolved("moe-tp8-offline", toyGpu, toyMoe, { engine: "tensorrt-llm", tensorParallel: 8, inputTokens: 200, outputTokens: 2000, concurrency: "offline" }),
    resolved("fp4-offline", toyGpuFp4, toyDense, { engine: "tensorrt-llm", precision: "nvfp4", inputTokens: 100, outputTokens: 1000, concurrency: "offline" }),
    resolved("fp4-prompt-heavy", toyGpuFp4, toyDense, { precision: "nvfp4", inputTokens: 4000, outputTokens: 200, concurrency: 32 }),
    resolved("window-sglang", toyGpu, toyWindow, { engine: "sglang", inputTokens: 2000, outputTokens: 500, concurrency: 256 }),
    resolved("long-context", toyGpu, toyDense, { inputTokens: 30_000, outputTokens: 300, concurrency: 8 }),
  ];
  const CASES = SHAPES.map((c) => measuredAs(c, PRIORS));
  const medianAbsLn = (cases: readonly ResolvedCase[], calibration: ThroughputCalibration) => summarize(cases.map((c) => estimateCase(c, calibration))).medianAbsLn;

  test("GIVEN measurements generated by a known calibration WHEN fitted from another THEN the fit reproduces them within 2 % median", () => {
    expect(medianAbsLn(CASES, START)).toBeGreaterThan(0.1);
    expect(medianAbsLn(CASES, fitFactors(CASES, START))).toBeLessThan(0.02);
  });

  test("GIVEN measurements from a calibration off the priors WHEN fitted THEN the fit lands closer to them than the priors do", () => {
    const cases = SHAPES.map((c) => measuredAs(c, OFF_PRIORS));
    const fitted = fitFactors(cases, START);
    // The priors alone miss these cases by a median of several per cent; the fit cuts that by a third at least.
    expect(medianAbsLn(cases, fitted)).toBeLessThan(medianAbsLn(cases, PRIORS) / 1.5);
  });

  test("GIVEN the same cases WHEN fitted twice THEN the same factors, each efficiency in (0, 1]", () => {
    const fitted = fitFactors(CASES, START);
    expect(fitFactors(CASES, START)).toEqual(fitted);
    for (const name of ["weightBandwidthEfficiency", "kvBandwidthEfficiency", "computeEfficiency", "computeEfficiencyFp4", "prefillEfficiency", "moeEfficiency", "interconnectEfficiency"] as const) {
      expect(fitted[name]).toBeGreaterThan(0);
      expect(fitted[name]).toBeLessThanOrEqual(1);
    }
  });

  test("GIVEN only cases the model cannot run WHEN fitted THEN the start is returned", () => {
    expect(fitFactors([resolved("too-big", toyGpu, toyDense, { precision: "bf16" })], START)).toBe(START);
  });
});

describe("fitAdjustment", () => {
  // TP 1, no fixed costs, no latency target: scaling every decode and prefill efficiency by s scales the rate by s.
  const SHAPES = [
    resolved("c1", toyGpu, toyDense, { concurrency: 1 }),
    resolved("c16", toyGpu, toyDense, { concurrency: 16, inputTokens: 1800, outputTokens: 400 }),
    resolved("c100", toyGpu, toyDense, { concurrency: 100, inputTokens: 450, outputTokens: 100 }),
  ];

  test("GIVEN results 1.5× the estimate at one prompt/output ratio WHEN fitted THEN decodeScale = prefillScale = 1.5 and the error falls", () => {
    // 900/200 = 1800/400 = 450/100 = 4.5: one ratio cannot tell decode from prefill.
    const cases = SHAPES.map((c) => measuredAs(c, HALF, 1 / 1.5));
    const a = fitAdjustment(cases, HALF, [SOURCE]) as CalibrationAdjustment;
    expect(a).toMatchObject({ gpu: "toy-gpu", family: "dense", cases: 3, sources: [SOURCE] });
    expect(a.decodeScale).toBeGreaterThan(1);
    expect(a.decodeScale).toBe(a.prefillScale);
    expect(a.decodeScale).toBeCloseTo(1.5, 2);
    // Before: |ln(1 / 1.5)| = 0.405 on every case (3 significant digits).
    expect(a.medianAbsLnBefore).toBe(0.405);
    expect(a.medianAbsLnAfter).toBeLessThan(a.medianAbsLnBefore);
    expect(a.medianAbsLnAfter).toBeLessThan(0.01);
  });

  test("GIVEN results from decode × 1.2 and prefill × 1.8 at several ratios WHEN fitted THEN both scales are recovered", () => {
    const truth: ThroughputCalibration = {
      ...HALF,
      adjustments: [{ gpu: "toy-gpu", family: "dense", decodeScale: 1.2, prefillScale: 1.8, cases: 0, medianAbsLnBefore: 0, medianAbsLnAfter: 0, sources: [] }],
    };
    const cases = [
      ...SHAPES,
      resolved("prompt-heavy", toyGpu, toyDense, { inputTokens: 8000, outputTokens: 100, concurrency: 16 }),
      resolved("decode-heavy", toyGpu, toyDense, { inputTokens: 100, outputTokens: 1000, concurrency: 64 }),
    ].map((c) => measuredAs(c, truth));
    const a = fitAdjustment(cases, HALF, [SOURCE]) as CalibrationAdjustment;
    expect(a.decodeScale).toBeCloseTo(1.2, 2);
    expect(a.prefillScale).toBeCloseTo(1.8, 2);
  });

  test("GIVEN an earlier adjustment for the same GPU and family WHEN refitted THEN the error before is measured without it", () => {
    const earlier: CalibrationAdjustment = { gpu: "toy-gpu", family: "dense", decodeScale: 1.5, prefillScale: 1.5, cases: 3, medianAbsLnBefore: 0.4, medianAbsLnAfter: 0, sources: [] };
    const cases = SHAPES.map((c) => measuredAs(c, HALF, 1 / 1.5));
    const a = fitAdjustment(cases, { ...HALF, adjustments: [earlier] }, [SOURCE]) as CalibrationAdjustment;
    expect(a.medianAbsLnBefore).toBe(0.405);
    expect(a.decodeScale).toBeCloseTo(1.5, 2);
  });

  test("GIVEN no cases, or none the model can run, WHEN fitted THEN no adjustment", () => {
    expect(fitAdjustment([], HALF, [SOURCE])).toBeUndefined();
    expect(fitAdjustment([resolved("too-big", toyGpu, toyDense, { precision: "bf16" })], HALF, [SOURCE])).toBeUndefined();
  });
});
