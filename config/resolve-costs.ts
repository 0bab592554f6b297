/**
 * Checks of the cost inputs that the schema cannot make: token mixes that sum to 1, and price-book
 * ids that exist. Resolves the alternatives into plain prices with their sources.
 */
import { apiPriceIds, findApiPrice, findGpuRental, gpuRentalIds } from "../catalog";
import type { Source } from "../catalog/types";
import { Problem, show, unknownId } from "./errors";
import type { Environment } from "./schema";

/** A resolved cloud alternative, shaped like planning's CostAlternative. */
export type ResolvedAlternative =
  | {
      readonly kind: "api";
      readonly id: string;
      readonly usdPerMillion: { readonly input: number; readonly cachedInput: number; readonly cacheWrite: number; readonly output: number };
      readonly sources: readonly Source[];
    }
  | {
      readonly kind: "gpu-rental";
      readonly id: string;
      readonly usdPerGpuHour: number;
      /** GPU catalog id of a price-book entry; undefined for an inline quote. */
      readonly gpu?: string;
      readonly alwaysOn: boolean;
      readonly sources: readonly Source[];
    };

/** The id reports give the factory itself (planning/tco.ts `ON_PREM_ID`; config does not import planning). */
export const ON_PREM_ID = "on-prem";

const INLINE: Source = { url: "environment file", date: "n/a", note: "price given in the environment file" };
/** Mix fractions are typed by people: allow rounding in the last printed digit. */
const MIX_TOLERANCE = 1e-6;

/** Checks every model's demand mix; reports `models.<name>.demand.mix` when it does not sum to 1. */
export function checkDemand(file: string, env: Environment, problems: Problem[]): void {
  for (const name of Object.keys(env.models).sort()) {
    const demand = env.models[name].demand;
    if (!demand) continue;
    const { input, cachedInput, cacheWrite, output } = demand.mix;
    const sum = input + cachedInput + cacheWrite + output;
    if (Math.abs(sum - 1) > MIX_TOLERANCE) {
      problems.push({
        file,
        path: ["models", name, "demand", "mix"],
        message: `fractions must sum to 1, got ${+sum.toFixed(6)} (input ${input} + cachedInput ${cachedInput} + cacheWrite ${cacheWrite} + output ${output})`,
      });
    }
  }
}

/** Resolves `costs.alternatives`, reporting unknown price-book ids with the known ones. */
export function resolveAlternatives(file: string, env: Environment, problems: Problem[]): ResolvedAlternative[] {
  const out: ResolvedAlternative[] = [];
  env.costs.alternatives.forEach((alt, i) => {
    if ("api" in alt) {
      const ref = alt.api;
      if (typeof ref === "string") {
        const price = findApiPrice(ref);
        if (!price) {
          problems.push({ file, path: ["costs", "alternatives", i, "api"], message: unknownId("API price", ref, apiPriceIds()) });
          return;
        }
        out.push({ kind: "api", id: price.id, usdPerMillion: price.usdPerMillion, sources: price.sources });
      } else {
        out.push({ kind: "api", id: ref.id, usdPerMillion: ref.usdPerMillion, sources: [INLINE] });
      }
    } else {
      const ref = alt.gpuRental;
      if (typeof ref === "string") {
        const price = findGpuRental(ref);
        if (!price) {
          problems.push({
            file,
            path: ["costs", "alternatives", i, "gpuRental"],
            message: unknownId("GPU rental price", ref, gpuRentalIds()),
          });
          return;
        }
        out.push({ kind: "gpu-rental", id: price.id, usdPerGpuHour: price.usdPerGpuHour, gpu: price.gpu, alwaysOn: alt.alwaysOn, sources: price.sources });
      } else {
        out.push({ kind: "gpu-rental", id: ref.id, usdPerGpuHour: ref.usdPerGpuHour, alwaysOn: alt.alwaysOn, sources: [INLINE] });
      }
    }
  });
  const seen = new Set<string>();
  out.forEach((a) => {
    if (seen.has(a.id)) {
      problems.push({ file, path: ["costs", "alternatives"], message: `alternative ${show(a.id)} is listed twice` });
    }
    seen.add(a.id);
  });
  env.costs.alternatives.forEach((alt, i) => {
    const ref = "api" in alt ? alt.api : alt.gpuRental;
    if (typeof ref !== "string" && ref.id === ON_PREM_ID) {
      problems.push({
        file,
        path: ["costs", "alternatives", i, "api" in alt ? "api" : "gpuRental", "id"],
        message: `${show(ON_PREM_ID)} names the factory itself in reports and charts; choose another id`,
      });
    }
  });
  // Renting by the GPU-hour prices the hours the demand needs, so some model must declare it.
  const demanded = Object.values(env.models).some((m) => m.demand !== undefined);
  env.costs.alternatives.forEach((alt, i) => {
    if ("gpuRental" in alt && !alt.alwaysOn && !demanded) {
      problems.push({
        file,
        path: ["costs", "alternatives", i, "alwaysOn"],
        message: "false prices the GPU-hours the demand needs, and no model declares a demand; declare models.<name>.demand, or set alwaysOn: true",
      });
    }
  });
  return out;
}
