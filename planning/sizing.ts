/**
 * Demand-driven sizing: tokens per day → replicas → GPUs → servers, and the factory's capacity
 * against its demand.
 *
 * What a token costs a replica (one definition used everywhere):
 * - output tokens are decode work, at the replica's decode rate (`ThroughputEstimate.tokensPerSecond`,
 *   output tokens as MLPerf counts them);
 * - input and cache-write tokens are prefill work (the prompt is computed, and for cache writes
 *   stored), at the replica's prefill rate (`prefillTokensPerSecond`, the compute ceiling);
 * - cached-input tokens are prefix-cache hits and cost the replica nothing;
 * - with a measured rate (`prefillTokensPerSecond` null) the measurement is end to end on the
 *   workload's mix, so only output tokens are counted against it.
 * A replica therefore serves, in tokens of all classes per second at a mix,
 *   T = 1 / (output / decode + (input + cacheWrite) / prefill)      (estimate)
 *   T = measured / output                                           (measurement)
 *
 * Pure: no I/O.
 */
import { COST_DEFAULTS } from "../catalog/cost-defaults";
import type { ThroughputBound, ThroughputEstimate } from "./throughput";
import type { EstimateConfidence } from "./throughput-confidence";

/** How a model's tokens split across the ways API providers bill them; fractions that sum to 1. */
export interface TokenMix {
  /** Fresh (uncached) prompt tokens. */
  readonly input: number;
  /** Prompt tokens read from the prompt cache. */
  readonly cachedInput: number;
  /** Prompt tokens written to the prompt cache. */
  readonly cacheWrite: number;
  /** Generated tokens, reasoning included. */
  readonly output: number;
}

/** The load one model must carry. */
export interface ModelDemand {
  /** Tokens of all classes per day, on average. */
  readonly tokensPerDay: number;
  readonly mix: TokenMix;
  /** Busiest hour's rate over the daily average, ≥ 1. */
  readonly peakToAverage: number;
  /**
   * Latency target: maximum seconds per output token for each user.
   * @default - no target
   */
  readonly maxSecondsPerOutputToken?: number;
}

/** The keys of a token mix, in the order reports show them. */
export const TOKEN_CLASSES = ["input", "cachedInput", "cacheWrite", "output"] as const;

/** How far a mix may sum from 1 (rounding in YAML fractions such as 0.333). */
export const MIX_SUM_TOLERANCE = 1e-6;

const SECONDS_PER_DAY = 86_400;

/** Hours in a month unless the environment says otherwise: the catalog's 730 (365 × 24 / 12). */
const DEFAULT_HOURS_PER_MONTH: number = COST_DEFAULTS.hoursPerMonth.value;

/** Throws unless every share is ≥ 0 and they sum to 1. */
export function validateMix(mix: TokenMix, where = "mix"): void {
  for (const key of TOKEN_CLASSES) {
    const value = mix[key];
    if (!(Number.isFinite(value) && value >= 0)) {
      throw new Error(`${where}.${key}: must be a fraction ≥ 0, got ${String(value)}`);
    }
  }
  const sum = mix.input + mix.cachedInput + mix.cacheWrite + mix.output;
  if (Math.abs(sum - 1) > MIX_SUM_TOLERANCE) {
    throw new Error(
      `${where}: input + cachedInput + cacheWrite + output must sum to 1, got ${mix.input} + ${mix.cachedInput} + ` +
        `${mix.cacheWrite} + ${mix.output} = ${Number(sum.toPrecision(12))}`,
    );
  }
}

/** Tokens in a month of `hoursPerMonth` hours at `tokensPerDay`. */
export function tokensPerMonth(tokensPerDay: number, hoursPerMonth = DEFAULT_HOURS_PER_MONTH): number {
  return (tokensPerDay * hoursPerMonth) / 24;
}

/**
 * The environment's demand: the sum of its models' tokens, with the mix weighted by volume.
 * With no tokens at all the mix is the plain average of the models' mixes (all output when there are none).
 */
export function sumDemand(demands: Readonly<Record<string, ModelDemand>>): { tokensPerDay: number; mix: TokenMix } {
  const ids = Object.keys(demands).sort();
  let tokensPerDay = 0;
  const weighted = { input: 0, cachedInput: 0, cacheWrite: 0, output: 0 };
  const plain = { input: 0, cachedInput: 0, cacheWrite: 0, output: 0 };
  for (const id of ids) {
    const demand = demands[id];
    validateDemand(demand, `models.${id}.demand`);
    tokensPerDay += demand.tokensPerDay;
    for (const key of TOKEN_CLASSES) {
      weighted[key] += demand.tokensPerDay * demand.mix[key];
      plain[key] += demand.mix[key] / ids.length;
    }
  }
  if (tokensPerDay > 0) {
    return {
      tokensPerDay,
      mix: {
        input: weighted.input / tokensPerDay,
        cachedInput: weighted.cachedInput / tokensPerDay,
        cacheWrite: weighted.cacheWrite / tokensPerDay,
        output: weighted.output / tokensPerDay,
      },
    };
  }
  return { tokensPerDay: 0, mix: ids.length > 0 ? plain : { input: 0, cachedInput: 0, cacheWrite: 0, output: 1 } };
}

function validateDemand(demand: ModelDemand, where: string): void {
  if (!(Number.isFinite(demand.tokensPerDay) && demand.tokensPerDay >= 0)) {
    throw new Error(`${where}.tokensPerDay: must be a number ≥ 0, got ${String(demand.tokensPerDay)}`);
  }
  if (!(Number.isFinite(demand.peakToAverage) && demand.peakToAverage >= 1)) {
    throw new Error(`${where}.peakToAverage: must be ≥ 1 (peak over average), got ${String(demand.peakToAverage)}`);
  }
  validateMix(demand.mix, `${where}.mix`);
  if (demand.mix.output <= 0) {
    throw new Error(`${where}.mix.output: must be > 0 (every request generates at least one token), got ${demand.mix.output}`);
  }
  const target = demand.maxSecondsPerOutputToken;
  if (target !== undefined && !(Number.isFinite(target) && target > 0)) {
    throw new Error(`${where}.maxSecondsPerOutputToken: must be a number > 0, got ${String(target)}`);
  }
}

/** Tokens of all classes per second one replica serves at `mix` (see the file header). */
export function replicaTokensPerSecond(throughput: ThroughputEstimate, mix: TokenMix): number {
  if (throughput.prefillTokensPerSecond === null) {
    return throughput.tokensPerSecond / mix.output;
  }
  const secondsPerToken =
    mix.output / throughput.tokensPerSecond + (mix.input + mix.cacheWrite) / throughput.prefillTokensPerSecond;
  return 1 / secondsPerToken;
}

/** ceil() that ignores floating-point dust: 3.0000000000004 is 3, not 4. */
export function ceilCount(x: number): number {
  return Math.ceil(x - 1e-9 * Math.max(1, Math.abs(x)));
}

/** One model to size. */
export interface ModelSizingInput {
  /** Model server name in the environment. */
  readonly id: string;
  readonly demand: ModelDemand;
  /** One replica's throughput (planning/throughput.ts, or a measurement). */
  readonly throughput: ThroughputEstimate;
  /** GPUs per replica (tensor parallel size). */
  readonly gpusPerReplica: number;
  /** GPUs in one server of the model's node pool. */
  readonly gpusPerServer: number;
  /**
   * Node pool the model runs in; models in one pool share its servers.
   * @default - the model's own id (a pool of its own)
   */
  readonly pool?: string;
  /**
   * Replicas the environment deploys.
   * @default - the replicas needed for the peak
   */
  readonly plannedReplicas?: number;
  /** How far the throughput estimate can be trusted (planning/throughput-confidence.ts); none for a measurement. @default - none */
  readonly confidence?: EstimateConfidence;
}

/** Capacity missing to carry a model's peak. */
export interface Shortfall {
  readonly peakTokensPerSecond: number;
  readonly capacityTokensPerSecond: number;
  readonly missingTokensPerSecond: number;
  readonly replicasNeeded: number;
  readonly replicasPlanned: number;
  readonly missingReplicas: number;
  readonly missingGpus: number;
  /** One line for people, with the numbers. */
  readonly message: string;
}

/** The sizing of one model. */
export interface ModelSizing {
  readonly id: string;
  readonly pool: string;
  readonly tokensPerDay: number;
  readonly mix: TokenMix;
  readonly averageTokensPerSecond: number;
  /** Tokens of all classes per second in the busiest hour. */
  readonly peakTokensPerSecond: number;
  readonly peakOutputTokensPerSecond: number;
  /** Input + cache-write tokens per second in the busiest hour. */
  readonly peakPrefillTokensPerSecond: number;
  /** One replica's rate, tokens of all classes per second at the model's mix. */
  readonly replicaTokensPerSecond: number;
  readonly replicaOutputTokensPerSecond: number;
  readonly boundBy: ThroughputBound;
  /** The throughput estimate's confidence; absent for a measured rate. */
  readonly confidence?: EstimateConfidence;
  readonly gpusPerReplica: number;
  readonly replicasNeeded: number;
  readonly gpusNeeded: number;
  /** Servers the model would need in a pool of its own. */
  readonly serversNeeded: number;
  readonly replicas: number;
  readonly gpus: number;
  readonly capacityTokensPerSecond: number;
  /** Peak demand over planned capacity, percent. */
  readonly peakLoadPercent: number;
  readonly latency: {
    readonly targetSecondsPerOutputToken: number | null;
    /** Null for a measured rate (the measurement is taken to meet the target). */
    readonly estimatedSecondsPerOutputToken: number | null;
    readonly met: boolean;
  };
  readonly shortfall: Shortfall | null;
}

/** Sizes one model for its peak demand, and checks the planned replicas against it. */
export function sizeModel(input: ModelSizingInput): ModelSizing {
  const where = `models.${input.id}`;
  validateDemand(input.demand, `${where}.demand`);
  for (const [name, value] of [
    ["gpusPerReplica", input.gpusPerReplica],
    ["gpusPerServer", input.gpusPerServer],
  ] as const) {
    if (!(Number.isInteger(value) && value >= 1)) {
      throw new Error(`${where}.${name}: must be an integer ≥ 1, got ${String(value)}`);
    }
  }
  if (input.plannedReplicas !== undefined && !(Number.isInteger(input.plannedReplicas) && input.plannedReplicas >= 0)) {
    throw new Error(`${where}.replicas: must be an integer ≥ 0, got ${String(input.plannedReplicas)}`);
  }
  const { demand, throughput } = input;
  const mix = demand.mix;
  const averageTokensPerSecond = demand.tokensPerDay / SECONDS_PER_DAY;
  const peakTokensPerSecond = averageTokensPerSecond * demand.peakToAverage;
  const perReplica = replicaTokensPerSecond(throughput, mix);
  // Every declared model keeps at least one replica, even with no demand yet.
  const replicasNeeded = Math.max(1, ceilCount(peakTokensPerSecond / perReplica));
  const gpusNeeded = replicasNeeded * input.gpusPerReplica;
  const replicas = input.plannedReplicas ?? replicasNeeded;
  const gpus = replicas * input.gpusPerReplica;
  const capacityTokensPerSecond = replicas * perReplica;

  const target = demand.maxSecondsPerOutputToken ?? null;
  const estimated = throughput.secondsPerOutputToken;
  const latencyMet =
    target === null || estimated === null || (throughput.meetsLatencyTarget && estimated <= target * (1 + 1e-9));

  let shortfall: Shortfall | null = null;
  if (replicas < replicasNeeded) {
    const missingReplicas = replicasNeeded - replicas;
    shortfall = {
      peakTokensPerSecond,
      capacityTokensPerSecond,
      missingTokensPerSecond: peakTokensPerSecond - capacityTokensPerSecond,
      replicasNeeded,
      replicasPlanned: replicas,
      missingReplicas,
      missingGpus: missingReplicas * input.gpusPerReplica,
      message:
        `${input.id}: peak demand ${Math.round(peakTokensPerSecond)} tokens/s needs ${replicasNeeded} replicas ` +
        `(${gpusNeeded} GPUs at ${Math.round(perReplica)} tokens/s each); ${replicas} planned serve ` +
        `${Math.round(capacityTokensPerSecond)} tokens/s (${Math.round((100 * capacityTokensPerSecond) / peakTokensPerSecond)} % of peak): ` +
        `add ${missingReplicas} replicas (${missingReplicas * input.gpusPerReplica} GPUs)`,
    };
  }

  return {
    id: input.id,
    pool: input.pool ?? input.id,
    tokensPerDay: demand.tokensPerDay,
    mix,
    averageTokensPerSecond,
    peakTokensPerSecond,
    peakOutputTokensPerSecond: peakTokensPerSecond * mix.output,
    peakPrefillTokensPerSecond: peakTokensPerSecond * (mix.input + mix.cacheWrite),
    replicaTokensPerSecond: perReplica,
    replicaOutputTokensPerSecond: perReplica * mix.output,
    boundBy: throughput.boundBy,
    ...(input.confidence === undefined ? {} : { confidence: input.confidence }),
    gpusPerReplica: input.gpusPerReplica,
    replicasNeeded,
    gpusNeeded,
    serversNeeded: Math.ceil(gpusNeeded / input.gpusPerServer),
    replicas,
    gpus,
    capacityTokensPerSecond,
    peakLoadPercent: capacityTokensPerSecond > 0 ? (100 * peakTokensPerSecond) / capacityTokensPerSecond : Infinity,
    latency: { targetSecondsPerOutputToken: target, estimatedSecondsPerOutputToken: estimated, met: latencyMet },
    shortfall,
  };
}

/** GPUs and servers a node pool needs for the models placed in it. */
export interface PoolSizing {
  readonly gpusPerServer: number;
  readonly gpusNeeded: number;
  readonly serversNeeded: number;
  readonly gpus: number;
  readonly servers: number;
}

/** The factory's sizing: every model, every pool, and capacity against demand. */
export interface FactorySizing {
  readonly hoursPerMonth: number;
  /** Models sorted by id. */
  readonly models: readonly ModelSizing[];
  /** Pools keyed by name (sorted). */
  readonly pools: Readonly<Record<string, PoolSizing>>;
  /** The environment's demand: sum of the models, mix weighted by volume. */
  readonly demand: { readonly tokensPerDay: number; readonly mix: TokenMix };
  readonly demandTokensPerMonth: number;
  /** What the planned replicas serve running flat out all month at each model's mix. */
  readonly capacityTokensPerMonth: number;
  /** Σ per model min(demand, capacity): a model's spare capacity cannot serve another model. */
  readonly servedTokensPerMonth: number;
  /** GPU-hours needed to serve the average demand at the estimated rates (for usage-billed rentals). */
  readonly gpuHoursPerMonthAtDemand: number;
  readonly replicas: number;
  readonly gpus: number;
  /** One line per model whose planned replicas cannot carry its peak, or that misses its latency target. */
  readonly warnings: readonly string[];
}

/** Options of `sizeFactory`. */
export interface FactorySizingOptions {
  /** @default - `COST_DEFAULTS.hoursPerMonth` (catalog/cost-defaults.ts): 730 */
  readonly hoursPerMonth?: number;
}

/** Sizes every model and sums the factory's demand, capacity and GPUs. */
export function sizeFactory(models: readonly ModelSizingInput[], options: FactorySizingOptions = {}): FactorySizing {
  const hoursPerMonth = options.hoursPerMonth ?? DEFAULT_HOURS_PER_MONTH;
  if (!(Number.isFinite(hoursPerMonth) && hoursPerMonth > 0)) {
    throw new Error(`costs.hoursPerMonth: must be a number > 0, got ${String(hoursPerMonth)}`);
  }
  const seen = new Set<string>();
  for (const model of models) {
    if (seen.has(model.id)) throw new Error(`models.${model.id}: duplicate model id "${model.id}"`);
    seen.add(model.id);
  }
  const sortedInputs = [...models].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const sized = sortedInputs.map(sizeModel);

  const pools: Record<string, { gpusPerServer: number; gpusNeeded: number; gpus: number }> = {};
  for (const [i, model] of sized.entries()) {
    const gpusPerServer = sortedInputs[i].gpusPerServer;
    const pool = (pools[model.pool] ??= { gpusPerServer, gpusNeeded: 0, gpus: 0 });
    if (pool.gpusPerServer !== gpusPerServer) {
      throw new Error(
        `models.${model.id}.gpusPerServer: pool "${model.pool}" has ${pool.gpusPerServer} GPUs per server, got ${gpusPerServer}`,
      );
    }
    pool.gpusNeeded += model.gpusNeeded;
    pool.gpus += model.gpus;
  }
  const poolSizing: Record<string, PoolSizing> = {};
  for (const name of Object.keys(pools).sort()) {
    const pool = pools[name];
    poolSizing[name] = {
      gpusPerServer: pool.gpusPerServer,
      gpusNeeded: pool.gpusNeeded,
      serversNeeded: Math.ceil(pool.gpusNeeded / pool.gpusPerServer),
      gpus: pool.gpus,
      servers: Math.ceil(pool.gpus / pool.gpusPerServer),
    };
  }

  const secondsPerMonth = hoursPerMonth * 3600;
  let demandTokensPerMonth = 0;
  let capacityTokensPerMonth = 0;
  let servedTokensPerMonth = 0;
  let gpuHoursPerMonthAtDemand = 0;
  const warnings: string[] = [];
  for (const model of sized) {
    const demand = tokensPerMonth(model.tokensPerDay, hoursPerMonth);
    const capacity = model.capacityTokensPerSecond * secondsPerMonth;
    demandTokensPerMonth += demand;
    capacityTokensPerMonth += capacity;
    servedTokensPerMonth += Math.min(demand, capacity);
    gpuHoursPerMonthAtDemand += (demand / model.replicaTokensPerSecond / 3600) * model.gpusPerReplica;
    if (model.shortfall !== null) warnings.push(model.shortfall.message);
    if (!model.latency.met) {
      warnings.push(
        `${model.id}: latency target ${model.latency.targetSecondsPerOutputToken} s per output token not met: ` +
          `the estimate is ${model.latency.estimatedSecondsPerOutputToken} s; pass the target to the throughput ` +
          "estimate (it caps the batch), or use more GPUs per replica or a faster GPU",
      );
    }
  }

  const byId: Record<string, ModelDemand> = {};
  for (const model of models) byId[model.id] = model.demand;
  return {
    hoursPerMonth,
    models: sized,
    pools: poolSizing,
    demand: sumDemand(byId),
    demandTokensPerMonth,
    capacityTokensPerMonth,
    servedTokensPerMonth,
    gpuHoursPerMonthAtDemand,
    replicas: sized.reduce((sum, m) => sum + m.replicas, 0),
    gpus: sized.reduce((sum, m) => sum + m.gpus, 0),
    warnings,
  };
}
