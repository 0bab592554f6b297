/**
 * How far to trust one throughput estimate: the model's error on the measured cases nearest to
 * it, so an architect knows when to measure before buying.
 *
 * Nearness weighs what changes the model's error most: the GPU, the model family (dense or MoE),
 * the interconnect, the TP degree, the prompt-to-output ratio and the mean context. The confidence
 * is the median |ln(estimate ÷ measured)| of the nearest cases under the environment's
 * calibration: high when it is within ±16 % (|ln| ≤ 0.15), medium within ±42 % (|ln| ≤ 0.35), low beyond — or
 * when nothing measured is near. A site adjustment for the GPU and family (fitted on the site's
 * own benchmark) is the better evidence and is used when present. Pure.
 */
import type { ThroughputCalibration } from "../catalog/types";
import { estimateCase, type CaseResult, type ResolvedCase } from "./calibration-fit";

/** What the confidence of one estimate rests on. */
export interface EstimateConfidence {
  readonly level: "high" | "medium" | "low";
  /** Median |ln(estimate ÷ measured)| of the evidence. */
  readonly medianAbsLn: number;
  /** `site`: the environment's own benchmark (a calibration adjustment); `catalog`: the nearest published cases. */
  readonly basis: "site" | "catalog";
  /** The nearest cases with their ln errors (empty for `site`). */
  readonly nearest: readonly { readonly id: string; readonly lnError: number | null; readonly distance: number }[];
  /** One line for people, e.g. `high: ±9 % on the 5 nearest measured cases (h100-sxm, dense)`. */
  readonly summary: string;
}

/** What an estimate is about, for finding comparable measurements. */
export interface EstimateShape {
  readonly gpu: string;
  readonly family: "dense" | "moe";
  readonly interconnect: "nvlink" | "pcie";
  readonly tensorParallel: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
}

/** Nearest cases considered. */
export const NEAREST_CASES = 5;
/** A case farther than this is not comparable (e.g. another GPU and another family). */
export const MAX_DISTANCE = 3;
/** |ln| limits of the levels: 0.15 is ±16 % (e^0.15 = 1.16), 0.35 is ±42 % (e^0.35 = 1.42). */
export const HIGH_CONFIDENCE_LN = 0.15;
export const MEDIUM_CONFIDENCE_LN = 0.35;
/** The error charged for a case the model cannot run. */
const UNESTIMABLE_LN = 1;

/** Distance of a measured case from an estimate's shape (0 = same configuration). */
export function caseDistance(shape: EstimateShape, c: ResolvedCase, family: "dense" | "moe"): number {
  const k = c.case;
  return (
    (c.gpu.id === shape.gpu ? 0 : 1.5) +
    (family === shape.family ? 0 : 1.5) +
    (c.interconnect.kind === shape.interconnect || (shape.tensorParallel === 1 && k.tensorParallel === 1) ? 0 : 1) +
    Math.abs(Math.log(shape.tensorParallel / k.tensorParallel)) / Math.LN2 / 2 +
    Math.abs(Math.log(shape.promptTokens / shape.outputTokens / (k.inputTokens / k.outputTokens))) / 4 +
    Math.abs(Math.log((shape.promptTokens + shape.outputTokens / 2) / (k.inputTokens + k.outputTokens / 2))) / 4
  );
}

function level(ln: number): EstimateConfidence["level"] {
  if (ln <= HIGH_CONFIDENCE_LN) return "high";
  if (ln <= MEDIUM_CONFIDENCE_LN) return "medium";
  return "low";
}

function percent(ln: number): string {
  return `±${Math.round((Math.exp(ln) - 1) * 100)} %`;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const RESULTS = new WeakMap<ThroughputCalibration, WeakMap<readonly ResolvedCase[], readonly CaseResult[]>>();

/** Every case's result under `calibration`, computed once per calibration and set. */
function resultsOf(cases: readonly ResolvedCase[], calibration: ThroughputCalibration): readonly CaseResult[] {
  let bySet = RESULTS.get(calibration);
  if (bySet === undefined) {
    bySet = new WeakMap();
    RESULTS.set(calibration, bySet);
  }
  let results = bySet.get(cases);
  if (results === undefined) {
    results = cases.map((c) => estimateCase(c, calibration));
    bySet.set(cases, results);
  }
  return results;
}

/** The confidence of an estimate of `shape` under `calibration`, from `cases` (the calibration set). */
export function estimateConfidence(
  shape: EstimateShape,
  cases: readonly ResolvedCase[],
  calibration: ThroughputCalibration,
  familyOf: (c: ResolvedCase) => "dense" | "moe",
): EstimateConfidence {
  const site = calibration.adjustments.find((a) => a.gpu === shape.gpu && a.family === shape.family);
  if (site !== undefined) {
    return {
      level: level(site.medianAbsLnAfter),
      medianAbsLn: site.medianAbsLnAfter,
      basis: "site",
      nearest: [],
      summary: `${level(site.medianAbsLnAfter)}: ${percent(site.medianAbsLnAfter)} median error on this site's ${site.cases} benchmark results (${shape.gpu}, ${shape.family})`,
    };
  }
  const results = resultsOf(cases, calibration);
  const ranked = cases
    .map((c, i) => ({ id: c.case.id, lnError: results[i].lnError, distance: caseDistance(shape, c, familyOf(c)) }))
    .filter((x) => x.distance <= MAX_DISTANCE)
    .sort((a, b) => a.distance - b.distance || a.id.localeCompare(b.id))
    .slice(0, NEAREST_CASES);
  if (ranked.length === 0) {
    return {
      level: "low",
      medianAbsLn: UNESTIMABLE_LN,
      basis: "catalog",
      nearest: [],
      summary: `low: no measured case near ${shape.gpu}, ${shape.family}, TP ${shape.tensorParallel}; measure before buying (ai-factory calibrate)`,
    };
  }
  const ln = median(ranked.map((x) => (x.lnError === null ? UNESTIMABLE_LN : Math.abs(x.lnError))));
  return {
    level: level(ln),
    medianAbsLn: ln,
    basis: "catalog",
    nearest: ranked,
    summary: `${level(ln)}: ${percent(ln)} median error on the ${ranked.length} nearest measured cases`,
  };
}
