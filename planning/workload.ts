/**
 * A model's workload as the KV cache sees it: the mean prompt and output lengths of its requests,
 * from the demand or assumed, and the mean context a decoding sequence holds. The fit check's
 * concurrency (planning/plan.ts) and the throughput model's batch (planning/costs.ts) both read
 * them here. Pure functions, no I/O.
 */
import type { Demand } from "../config/schema";

/**
 * Without the demand's mean lengths, a decoding sequence is taken to hold half the configured
 * maximum context (a sequence grows from its prompt towards the limit). A planning assumption,
 * listed in reports.
 */
export const AVERAGE_CONTEXT_FRACTION = 0.5;

/** A workload's mean lengths per request, and whether the demand gave them. */
export interface WorkloadLengths {
  readonly promptTokens: number;
  readonly outputTokens: number;
  /** Prompt tokens the replica computes: the fresh and cache-write share of the prompt. */
  readonly computedPromptTokens: number;
  readonly assumed: boolean;
}

/**
 * The mean prompt and output lengths of a model's requests: the demand's, or — when it gives none —
 * lengths in the mix's prompt-to-output ratio whose mean decode context (prompt + half the output)
 * is half of maxContextTokens, as before the demand had lengths.
 */
export function workloadLengths(demand: Demand, maxContextTokens: number): WorkloadLengths {
  const { input, cachedInput, cacheWrite, output } = demand.mix;
  const promptShare = input + cachedInput + cacheWrite;
  const computedShare = promptShare > 0 ? (input + cacheWrite) / promptShare : 1;
  if (demand.promptTokens !== undefined && demand.outputTokens !== undefined) {
    return { promptTokens: demand.promptTokens, outputTokens: demand.outputTokens, computedPromptTokens: demand.promptTokens * computedShare, assumed: false };
  }
  // prompt = ratio × output and prompt + output / 2 = context; at least one token of each.
  const ratio = promptShare / output;
  const context = Math.max(1.5, maxContextTokens * AVERAGE_CONTEXT_FRACTION);
  const outputTokens = Math.min(2 * (context - 1), Math.max(1, context / (ratio + 0.5)));
  const promptTokens = Math.max(1, context - outputTokens / 2);
  return { promptTokens, outputTokens, computedPromptTokens: promptTokens * computedShare, assumed: true };
}

/** The mean context of a decoding sequence, tokens, and whether it is assumed rather than the demand's. */
export interface MeanContext {
  readonly tokens: number;
  readonly assumed: boolean;
}

/**
 * The mean context a decoding sequence holds: prompt + half the output (a sequence grows from its
 * prompt to prompt + output while it decodes), the throughput model's `meanContextTokens`. From the
 * demand's lengths; assumed (`workloadLengths`) when the demand gives none, and
 * maxContextTokens × AVERAGE_CONTEXT_FRACTION without a demand.
 */
export function meanDecodeContext(demand: Demand | undefined, maxContextTokens: number): MeanContext {
  if (demand === undefined) return { tokens: maxContextTokens * AVERAGE_CONTEXT_FRACTION, assumed: true };
  const lengths = workloadLengths(demand, maxContextTokens);
  return { tokens: lengths.promptTokens + lengths.outputTokens / 2, assumed: lengths.assumed };
}
