/**
 * The catalog's calibration set resolved for the throughput model: each published case with its
 * GPU, model architecture and interconnect (catalog/benchmarks.ts, catalog/benchmark-models.ts,
 * catalog/servers.ts). Pure: catalog data in, resolved cases out.
 */
import { BENCHMARK_MODELS } from "../catalog/benchmark-models";
import { BENCHMARK_CASES } from "../catalog/benchmarks";
import { findGpu, findModel, findServer } from "../catalog";
import type { BenchmarkCase, ModelArchitecture } from "../catalog/types";
import type { ResolvedCase } from "./calibration-fit";

const BENCHMARK_MODEL_BY_ID = new Map(BENCHMARK_MODELS.map((m) => [m.id, m]));

/** A model architecture by id: the catalog's models, then the benchmark-only ones. */
export function findArchitecture(id: string): ModelArchitecture | undefined {
  return findModel(id) ?? BENCHMARK_MODEL_BY_ID.get(id);
}

/** Looks up a case's server, GPU and model; throws naming the case when one is unknown. */
export function resolveCase(c: BenchmarkCase): ResolvedCase {
  const server = findServer(c.server);
  if (server === undefined) throw new Error(`calibration case ${c.id}: unknown server ${c.server}`);
  const gpu = findGpu(server.gpu);
  if (gpu === undefined) throw new Error(`calibration case ${c.id}: server ${c.server} names unknown GPU ${server.gpu}`);
  const model = findArchitecture(c.model);
  if (model === undefined) throw new Error(`calibration case ${c.id}: unknown model ${c.model}`);
  return { case: c, gpu, model, interconnect: server.interconnect };
}

/**
 * Results with fewer generated tokens per request than this are left out of the set: a run of
 * 4-token answers is bound by the HTTP server's work per request (parsing, tokenizing,
 * scheduling), not by the GPUs the model describes, and no sizing question asks it.
 */
export const MIN_OUTPUT_TOKENS = 16;

/** Whether the model speaks for a case (see MIN_OUTPUT_TOKENS). */
export function inScope(c: BenchmarkCase): boolean {
  return c.outputTokens >= MIN_OUTPUT_TOKENS;
}

/** The catalog's calibration set, resolved: its fitting and its held-out parts. */
export function calibrationSet(): { readonly fit: readonly ResolvedCase[]; readonly heldOut: readonly ResolvedCase[] } {
  const all = calibrationCases();
  return { fit: all.filter((c) => c.case.split === "fit"), heldOut: all.filter((c) => c.case.split === "held-out") };
}

let cached: readonly ResolvedCase[] | undefined;

/** Every case of the calibration set, resolved once (the confidence of estimates is judged on them). */
export function calibrationCases(): readonly ResolvedCase[] {
  cached ??= BENCHMARK_CASES.filter(inScope).map(resolveCase);
  return cached;
}
