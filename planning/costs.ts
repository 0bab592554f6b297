/**
 * The cost summary of a planned environment: throughput of every model's replica (roofline or
 * measured), sizing against its demand, and the TCO against the file's cloud alternatives.
 * Pure: config and plan in, plain data out.
 */
import { gatewayFootprint, planGateway } from "./gateway";
import { COST_DEFAULTS } from "../catalog/cost-defaults";
import type { GpuSpec, Source, ThroughputCalibration } from "../catalog/types";
import type { Problem } from "../config/errors";
import type { ResolvedEnvironment } from "../config/resolve";
import type { Costs } from "../config/schema";
import { GIB } from "./memory";
import { AVERAGE_CONTEXT_FRACTION, workloadLengths } from "./workload";
import type { ModelPlan, Plan } from "./plan";
import { FactorySizing, ModelSizingInput, sizeFactory, tokensPerMonth } from "./sizing";
import { estimateThroughput, measuredAboveCeiling, modelFamily, type ThroughputEstimate } from "./throughput";
import { calibrationCases } from "./calibration-set";
import { estimateConfidence } from "./throughput-confidence";
import { CostAlternative, CostAssumption, CostParams, CostServerGroup, CostSummary, computeCosts } from "./tco";

/** Everything a cost report needs. */
export interface CostPlan {
  readonly summary: CostSummary;
  /** Null when no model declares demand. */
  readonly sizing: FactorySizing | null;
}

/**
 * The GPU a replica effectively has: a MIG slice or a time-sliced share gets its fraction of the
 * memory, bandwidth and compute. For MIG the fraction is the slice's memory share (bandwidth
 * follows memory slices; compute slices are close to it for the common profiles).
 */
export function effectiveGpu(m: ModelPlan): GpuSpec {
  const gpu = m.model.pool.gpu;
  if (m.allocation.kind === "gpu") return gpu;
  const f = m.allocation.memoryGiBPerUnit / gpu.memoryGiB;
  const scale = (x: number | null) => (x === null ? null : x * f);
  return {
    ...gpu,
    memoryGiB: gpu.memoryGiB * f,
    memoryBandwidthTBps: gpu.memoryBandwidthTBps * f,
    denseTflops: { bf16: gpu.denseTflops.bf16 * f, fp8: scale(gpu.denseTflops.fp8), fp4: scale(gpu.denseTflops.fp4) },
  };
}

// Moved to planning/workload.ts, which the fit check reads too; kept here for existing imports.
export { AVERAGE_CONTEXT_FRACTION, workloadLengths, type WorkloadLengths } from "./workload";

function sizingInput(m: ModelPlan, calibration: ThroughputCalibration, file: string, problems: Problem[], withConfidence: boolean): ModelSizingInput | undefined {
  const d = m.model.deployment;
  if (!d.demand) return undefined;
  const tp = m.allocation.kind === "gpu" ? m.model.tensorParallel : 1;
  let measured = d.measuredTokensPerSecond;
  if (measured !== undefined) {
    const above = measuredAboveCeiling({ model: m.model.spec, gpu: effectiveGpu(m), precision: m.model.precision, tensorParallel: tp }, measured);
    if (above !== undefined) {
      // Reported, and the roofline estimate used meanwhile, so the rest of the plan is still costed.
      problems.push({ file, path: ["models", m.model.servedName, "measuredTokensPerSecond"], message: above.replace(/^measuredTokensPerSecond /, "") });
      measured = undefined;
    }
  }
  const fit = m.fit.perGpu;
  const kvBytes = Math.max(0, fit.usableGiB - fit.weightsGiB - fit.overheadGiB) * tp * GIB;
  const lengths = workloadLengths(d.demand, m.model.maxContextTokens);
  let throughput: ThroughputEstimate;
  try {
    throughput = estimateThroughput({
      model: m.model.spec,
      gpu: effectiveGpu(m),
      precision: m.model.precision,
      tensorParallel: tp,
      interconnect: m.model.pool.server.interconnect,
      promptTokens: lengths.promptTokens,
      outputTokens: lengths.outputTokens,
      computedPromptTokens: lengths.computedPromptTokens,
      kvCacheBytesPerReplica: kvBytes,
      kvCachePrecision: d.kvCacheDtype,
      maxSecondsPerOutputToken: d.demand.maxSecondsPerOutputToken,
      maxConcurrentSequences: m.model.maxConcurrentSequences,
      measuredTokensPerSecond: measured,
      calibration,
    });
  } catch (err) {
    // The fit check passed, so this is a workload the memory cannot batch (e.g. mean lengths beyond it).
    problems.push({ file, path: ["models", m.model.servedName, "demand"], message: (err as Error).message.replace(/^throughput: /, "") });
    return undefined;
  }
  const confidence =
    throughput.boundBy === "measured" || !withConfidence
      ? undefined
      : estimateConfidence(
          {
            gpu: effectiveGpu(m).id,
            family: modelFamily(m.model.spec),
            interconnect: m.model.pool.server.interconnect.kind,
            tensorParallel: tp,
            promptTokens: lengths.promptTokens,
            outputTokens: lengths.outputTokens,
          },
          calibrationCases(),
          calibration,
          (c) => modelFamily(c.model),
        );
  return {
    id: m.model.servedName,
    confidence,
    demand: {
      tokensPerDay: d.demand.tokensPerDay,
      mix: d.demand.mix,
      peakToAverage: d.demand.peakToAverage,
      maxSecondsPerOutputToken: d.demand.maxSecondsPerOutputToken,
    },
    throughput,
    gpusPerReplica: m.allocation.count,
    gpusPerServer: m.model.pool.server.gpusPerServer,
    pool: m.model.pool.name,
    plannedReplicas: m.model.replicas.max,
  };
}

const PARAM_KEYS = [
  "hoursPerMonth",
  "horizonMonths",
  "amortizationYears",
  "residualPercent",
  "infraCapexPercent",
  "electricityUsdPerKwh",
  "pue",
  "spaceUsdPerMonth",
  "spaceUsdPerKwMonth",
  "supportPercentPerYear",
  "staff",
  "utilization",
] as const;

/** Where each cost parameter came from: the file, or the catalog default and its source. */
function paramSources(costs: Costs): Partial<Record<keyof CostParams, string>> {
  const out: Partial<Record<keyof CostParams, string>> = {};
  for (const key of PARAM_KEYS) {
    const def: { value: unknown; sources: readonly Source[] } = COST_DEFAULTS[key];
    const same = JSON.stringify(costs[key]) === JSON.stringify(def.value);
    const source = def.sources[0];
    out[key] = same ? `default (catalog/cost-defaults.ts): ${source.note ?? source.url}` : `environment file (costs.${key})`;
  }
  return out;
}

/** Computes the cost plan; a shortfall is a problem unless `costs.allowShortfall` (or `allowShortfall`). */
export function planCosts(
  env: ResolvedEnvironment,
  plan: Plan,
  options: { readonly allowShortfall?: boolean; readonly confidence?: boolean } = {},
): { costs: CostPlan; problems: Problem[] } {
  const costs = env.config.costs;
  const problems: Problem[] = [];
  const inputs = plan.models
    .map((m) => sizingInput(m, env.calibration, env.file, problems, options.confidence ?? true))
    .filter((x): x is ModelSizingInput => x !== undefined);
  const sizing = inputs.length > 0 ? sizeFactory(inputs, { hoursPerMonth: costs.hoursPerMonth }) : null;

  if (sizing && !(options.allowShortfall ?? costs.allowShortfall)) {
    for (const m of sizing.models) {
      if (m.shortfall) {
        problems.push({
          file: env.file,
          path: ["models", m.id, "replicas"],
          message: `cannot carry the peak demand: ${m.shortfall.message.replace(`${m.id}: `, "")}; or set costs.allowShortfall: true`,
        });
      }
    }
  }

  const servers: CostServerGroup[] = env.pools.map((p) => ({
    id: p.name,
    count: p.nodes.length,
    priceUsd: p.server.priceUsd,
    powerKw: p.server.powerKw,
    gpusPerServer: p.server.gpusPerServer,
    sources: p.server.sources,
  }));

  const alternatives: CostAlternative[] = env.alternatives.map((a) =>
    a.kind === "api"
      ? { kind: "api", id: a.id, usdPerMillion: a.usdPerMillion, sources: a.sources }
      : { kind: "gpu-rental", id: a.id, usdPerGpuHour: a.usdPerGpuHour, alwaysOn: a.alwaysOn, sources: a.sources },
  );

  const gateway = planGateway(env);
  const footprint = gateway === undefined ? [] : gatewayFootprint(gateway);
  const assumedLengths = plan.models
    .filter((m) => m.model.deployment.demand !== undefined && m.model.deployment.demand.promptTokens === undefined)
    .map((m) => m.model.servedName)
    .sort();
  const extraAssumptions: CostAssumption[] = [
    ...(gateway === undefined
      ? []
      : [
          {
            key: "gateway.footprint",
            label: "Gateway (CPU nodes, not priced)",
            value: `${(footprint.reduce((n, r) => n + r.cpuMillicores, 0) / 1000).toFixed(2)} vCPU, ${(footprint.reduce((n, r) => n + r.memoryMiB, 0) / 1024).toFixed(2)} GiB`,
            unit: "",
            source: "requests of the gateway's pods (planning/gateway.ts); the cost model prices the GPU servers only, so CPU nodes are left out",
          },
        ]),
    ...(env.config.catalog?.calibration
      ? [
          {
            key: "catalog.calibration",
            label: "Throughput calibration",
            value: `${env.calibration.adjustments.length} site adjustment${env.calibration.adjustments.length === 1 ? "" : "s"}`,
            unit: "",
            source: `environment file (catalog.calibration): ${env.config.catalog.calibration.source.url} (${env.config.catalog.calibration.source.date})`,
          },
        ]
      : []),
    ...(assumedLengths.length === 0
      ? []
      : [
          {
            key: "planning.averageContext",
            label: "Average context while decoding",
            value: `${AVERAGE_CONTEXT_FRACTION * 100}% of maxContextTokens`,
            unit: "",
            source: `planning assumption (planning/workload.ts) for ${assumedLengths.join(", ")}: give demand.promptTokens and outputTokens instead`,
          },
        ]),
  ];

  const demandPerMonth = sizing?.demandTokensPerMonth ?? 0;
  const summary = computeCosts({
    servers,
    costs: {
      hoursPerMonth: costs.hoursPerMonth,
      horizonMonths: costs.horizonMonths,
      amortizationYears: costs.amortizationYears,
      residualPercent: costs.residualPercent,
      infraCapexPercent: costs.infraCapexPercent,
      electricityUsdPerKwh: costs.electricityUsdPerKwh,
      pue: costs.pue,
      spaceUsdPerMonth: costs.spaceUsdPerMonth,
      spaceUsdPerKwMonth: costs.spaceUsdPerKwMonth,
      supportPercentPerYear: costs.supportPercentPerYear,
      staff: costs.staff,
      utilization: costs.utilization,
    },
    demand: {
      tokensPerMonth: demandPerMonth,
      mix: sizing?.demand.mix ?? { input: 0, cachedInput: 0, cacheWrite: 0, output: 1 },
    },
    capacityTokensPerMonth: sizing?.capacityTokensPerMonth ?? 0,
    servedTokensPerMonth: sizing?.servedTokensPerMonth ?? 0,
    gpuHoursPerMonthAtDemand: sizing?.gpuHoursPerMonthAtDemand,
    alternatives,
    paramSources: paramSources(costs),
    extraAssumptions,
  });
  return { costs: { summary, sizing }, problems };
}

/** Monthly tokens of a daily volume (re-exported for reports and tests). */
export { tokensPerMonth };
