/**
 * The on-prem cost model and its cloud alternatives, with exactly these definitions (a month is
 * `hoursPerMonth` hours; PUE is facility power over IT power):
 *
 *   capex          = Σ count × priceUsd × (1 + infraCapexPercent/100)
 *   amortization   = capex × (1 − residualPercent/100) / (12 × amortizationYears)
 *   energy         = Σ count × (idleKw + utilization × (maxKw − idleKw)) × hoursPerMonth × pue × electricityUsdPerKwh
 *   space          = spaceUsdPerMonth + spaceUsdPerKwMonth × Σ count × maxKw
 *   support        = capex × supportPercentPerYear / 100 / 12
 *   staff          = fte × usdPerYear / 12
 *   opex           = energy + space + support + staff;   tco = amortization + opex
 *   $/M tokens     = tco / (served / 1e6),  served = min(demand, capacity) tokens per month
 *   api            = Σ class tokens per month × $/M of the class / 1e6
 *   gpu rental     = gpus × $/GPU-hour × hoursPerMonth (always on), or GPU-hours needed × $/GPU-hour
 *   break-even     = capex / (alternative − opex) months; null unless the alternative costs more than opex
 *   savings at N   = 100 × (1 − (capex × ceil(N / (12 × amortizationYears)) + N × opex) / (N × alternative))
 *
 * Money stays unrounded here; reports round once. Pure: no I/O.
 */
import { COST_DEFAULTS } from "../catalog/cost-defaults";
import type { Source } from "../catalog/types";
import { TOKEN_CLASSES, validateMix, type TokenMix } from "./sizing";

/** Identical servers bought together (one Kubernetes node each). */
export interface CostServerGroup {
  /** Node pool or catalog server id, for the report. */
  readonly id: string;
  readonly count: number;
  /** Purchase price of one server, USD. */
  readonly priceUsd: number;
  /** Wall power of one server, kW. */
  readonly powerKw: { readonly idle: number; readonly max: number };
  readonly gpusPerServer: number;
  /** Where the price and power come from. */
  readonly sources?: readonly Source[];
}

/** Staff time spent running the factory. */
export interface StaffCost {
  /** Full-time equivalents. */
  readonly fte: number;
  /** Loaded cost of one FTE per year, USD. */
  readonly usdPerYear: number;
}

/**
 * The environment's `costs:` parameters. A parameter left out takes the catalog's default
 * (`COST_DEFAULTS`, catalog/cost-defaults.ts, each with its source), the same the environment
 * schema applies: one definition of every default.
 */
export interface CostParams {
  /** @default - `COST_DEFAULTS.hoursPerMonth`: 730 */
  readonly hoursPerMonth?: number;
  /** Months at which savings are reported. @default - `COST_DEFAULTS.horizonMonths`: [24, 36] */
  readonly horizonMonths?: readonly number[];
  /** Straight-line depreciation period, years. */
  readonly amortizationYears: number;
  /** Resale value at the end of the period, percent of capex. @default - `COST_DEFAULTS.residualPercent`: 0 */
  readonly residualPercent?: number;
  /** Network, racks, storage and installation, percent of the servers' price. @default - `COST_DEFAULTS.infraCapexPercent`: 10 */
  readonly infraCapexPercent?: number;
  readonly electricityUsdPerKwh: number;
  /** Power usage effectiveness of the room, ≥ 1. */
  readonly pue: number;
  /** Fixed rent, USD per month. @default - `COST_DEFAULTS.spaceUsdPerMonth`: 0 */
  readonly spaceUsdPerMonth?: number;
  /** Colocation rent per kW of the servers' maximum power, USD per kW-month. @default - `COST_DEFAULTS.spaceUsdPerKwMonth`: 150 */
  readonly spaceUsdPerKwMonth?: number;
  /** Hardware support contracts, percent of capex per year. @default - `COST_DEFAULTS.supportPercentPerYear`: 10 */
  readonly supportPercentPerYear?: number;
  /** @default - `COST_DEFAULTS.staff`: 0.25 FTE at 190,000 USD a year */
  readonly staff?: StaffCost;
  /** Average load between idle (0) and full power (1), for the energy bill. */
  readonly utilization: number;
}

/** A hosted API priced per token. */
export interface ApiAlternative {
  readonly kind: "api";
  readonly id: string;
  /** USD per million tokens of each class. */
  readonly usdPerMillion: Readonly<Record<keyof TokenMix, number>>;
  readonly sources?: readonly Source[];
}

/** Rented cloud GPUs. */
export interface GpuRentalAlternative {
  readonly kind: "gpu-rental";
  readonly id: string;
  readonly usdPerGpuHour: number;
  /** @default - the on-prem GPU count */
  readonly gpus?: number;
  /**
   * True: the GPUs run all month. False: pay only the GPU-hours the demand needs at the estimated
   * throughput (`CostInputs.gpuHoursPerMonthAtDemand`), i.e. perfect autoscaling.
   * @default true
   */
  readonly alwaysOn?: boolean;
  readonly sources?: readonly Source[];
}

/** Something to compare the on-prem factory with. */
export type CostAlternative = ApiAlternative | GpuRentalAlternative;

/** One input of the comparison, shown in the report with where it came from. */
export interface CostAssumption {
  /** Path-like key, e.g. `costs.pue`, `servers.h100.priceUsd`. */
  readonly key: string;
  readonly label: string;
  readonly value: number | string;
  /** Unit of a numeric value, e.g. `USD`, `kW`, `%`; empty when none. */
  readonly unit: string;
  readonly source: string;
}

/** Everything the cost model needs. */
export interface CostInputs {
  readonly servers: readonly CostServerGroup[];
  readonly costs: CostParams;
  /** The environment's demand per month and its mix. */
  readonly demand: { readonly tokensPerMonth: number; readonly mix: TokenMix };
  /** Tokens per month the planned replicas serve running flat out (planning/sizing.ts). */
  readonly capacityTokensPerMonth: number;
  /**
   * Tokens per month actually served.
   * @default min(demand.tokensPerMonth, capacityTokensPerMonth)
   */
  readonly servedTokensPerMonth?: number;
  /**
   * GPU-hours per month the demand needs at the estimated throughput; required by gpu-rental
   * alternatives with `alwaysOn: false`.
   * @default - none
   */
  readonly gpuHoursPerMonthAtDemand?: number;
  /** @default [] */
  readonly alternatives?: readonly CostAlternative[];
  /**
   * Where each cost parameter came from, keyed by its name in `costs` (e.g. `pue`).
   * @default - "environment file (costs.<name>)", or "default" for a parameter left out
   */
  readonly paramSources?: Readonly<Partial<Record<keyof CostParams, string>>>;
  /** More assumptions to list (throughput calibration, model choices). @default [] */
  readonly extraAssumptions?: readonly CostAssumption[];
}

/** The monthly on-prem costs, USD. */
export interface MonthlyCosts {
  readonly amortizationUsd: number;
  readonly energyUsd: number;
  readonly spaceUsd: number;
  readonly supportUsd: number;
  readonly staffUsd: number;
  readonly opexUsd: number;
  readonly tcoUsd: number;
}

/** One alternative priced for the same demand. */
export interface AlternativeCost {
  readonly id: string;
  readonly kind: CostAlternative["kind"];
  readonly monthlyUsd: number;
  /** Months until the capex is paid back by cheaper running costs; null when never. */
  readonly breakEvenMonths: number | null;
  /** Savings of on-prem over the alternative at each horizon (months, as a string key), percent; null when the alternative costs nothing. */
  readonly savingsPercent: Readonly<Record<string, number | null>>;
  /** monthlyUsd per million served tokens; null when nothing is served. */
  readonly usdPerMillionTokens: number | null;
  /** GPU-hours per month billed (gpu-rental only). */
  readonly gpuHoursPerMonth?: number;
}

/** The cost summary of one environment. */
export interface CostSummary {
  readonly capexUsd: number;
  readonly hoursPerMonth: number;
  readonly amortizationYears: number;
  readonly horizonMonths: readonly number[];
  readonly servers: number;
  readonly gpus: number;
  /** Mean wall power at the configured utilization, kW (before PUE). */
  readonly averagePowerKw: number;
  readonly maxPowerKw: number;
  readonly monthly: MonthlyCosts;
  readonly tokens: {
    readonly demandPerMonth: number;
    readonly capacityPerMonth: number;
    readonly servedPerMonth: number;
  };
  /** tco per million served tokens; null when nothing is served. */
  readonly usdPerMillionTokens: number | null;
  readonly alternatives: readonly AlternativeCost[];
  readonly assumptions: readonly CostAssumption[];
}

/** The id the on-prem series carries in charts; alternatives may not use it. */
export const ON_PREM_ID = "on-prem";

// ---------------------------------------------------------------------------------------------
// The formulas, one function each (hand-checked in test/planning/tco.test.ts).

/** Σ count × priceUsd × (1 + infraCapexPercent/100). */
export function capexUsd(servers: readonly CostServerGroup[], infraCapexPercent: number): number {
  const hardware = servers.reduce((sum, s) => sum + s.count * s.priceUsd, 0);
  return hardware * (1 + infraCapexPercent / 100);
}

/** capex × (1 − residualPercent/100) / (12 × amortizationYears). */
export function monthlyAmortizationUsd(capex: number, residualPercent: number, amortizationYears: number): number {
  return (capex * (1 - residualPercent / 100)) / (12 * amortizationYears);
}

/** Σ count × (idle + utilization × (max − idle)), kW. */
export function averagePowerKw(servers: readonly CostServerGroup[], utilization: number): number {
  return servers.reduce((sum, s) => sum + s.count * (s.powerKw.idle + utilization * (s.powerKw.max - s.powerKw.idle)), 0);
}

/** Σ count × max, kW. */
export function maxPowerKw(servers: readonly CostServerGroup[]): number {
  return servers.reduce((sum, s) => sum + s.count * s.powerKw.max, 0);
}

/** average kW × hoursPerMonth × pue × electricityUsdPerKwh. */
export function monthlyEnergyUsd(
  servers: readonly CostServerGroup[],
  p: { utilization: number; hoursPerMonth: number; pue: number; electricityUsdPerKwh: number },
): number {
  return averagePowerKw(servers, p.utilization) * p.hoursPerMonth * p.pue * p.electricityUsdPerKwh;
}

/** spaceUsdPerMonth + spaceUsdPerKwMonth × Σ max kW. */
export function monthlySpaceUsd(servers: readonly CostServerGroup[], spaceUsdPerMonth: number, spaceUsdPerKwMonth: number): number {
  return spaceUsdPerMonth + spaceUsdPerKwMonth * maxPowerKw(servers);
}

/** capex × supportPercentPerYear / 100 / 12. */
export function monthlySupportUsd(capex: number, supportPercentPerYear: number): number {
  return (capex * supportPercentPerYear) / 100 / 12;
}

/** fte × usdPerYear / 12. */
export function monthlyStaffUsd(staff: StaffCost | undefined): number {
  return staff === undefined ? 0 : (staff.fte * staff.usdPerYear) / 12;
}

/** Σ tokensPerMonth × mix[class] × usdPerMillion[class] / 1e6. */
export function apiMonthlyUsd(tokensPerMonth: number, mix: TokenMix, usdPerMillion: Readonly<Record<keyof TokenMix, number>>): number {
  return TOKEN_CLASSES.reduce((sum, key) => sum + (tokensPerMonth * mix[key] * usdPerMillion[key]) / 1e6, 0);
}

/** gpuHours × usdPerGpuHour. */
export function rentalMonthlyUsd(gpuHoursPerMonth: number, usdPerGpuHour: number): number {
  return gpuHoursPerMonth * usdPerGpuHour;
}

/**
 * capex / (alternative − opex) months; null when the alternative is not dearer than opex, or so
 * little dearer that the months overflow (never, in any horizon a report shows).
 */
export function breakEvenMonths(capex: number, alternativeMonthlyUsd: number, opexMonthlyUsd: number): number | null {
  const monthlySaving = alternativeMonthlyUsd - opexMonthlyUsd;
  const months = capex / monthlySaving;
  return monthlySaving > 0 && Number.isFinite(months) ? months : null;
}

/**
 * 100 × (1 − (capex × ceil(N / (12 × amortizationYears)) + N × opex) / (N × alternative)): the
 * hardware is bought again at the start of each amortization period. Null when the alternative costs nothing
 * (or so little that the ratio overflows).
 */
export function savingsPercent(
  months: number,
  capex: number,
  opexMonthlyUsd: number,
  alternativeMonthlyUsd: number,
  amortizationYears: number,
): number | null {
  const alternative = months * alternativeMonthlyUsd;
  if (!(alternative > 0)) return null;
  const percent = 100 * (1 - onPremCumulativeUsd(months, capex, opexMonthlyUsd, amortizationYears) / alternative);
  // An alternative priced at a sliver of a cent makes the ratio overflow: it costs next to nothing.
  return Number.isFinite(percent) ? percent : null;
}

/**
 * On-prem spend after `months`: capex once per amortization period started (the first at month 0)
 * plus opex for each month. Consistent with `savingsPercent` for months ≥ 1.
 */
export function onPremCumulativeUsd(months: number, capex: number, opexMonthlyUsd: number, amortizationYears: number): number {
  const purchases = Math.max(1, Math.ceil(months / (12 * amortizationYears)));
  return capex * purchases + months * opexMonthlyUsd;
}

// ---------------------------------------------------------------------------------------------

interface ResolvedParams {
  readonly hoursPerMonth: number;
  readonly horizonMonths: readonly number[];
  readonly amortizationYears: number;
  readonly residualPercent: number;
  readonly infraCapexPercent: number;
  readonly electricityUsdPerKwh: number;
  readonly pue: number;
  readonly spaceUsdPerMonth: number;
  readonly spaceUsdPerKwMonth: number;
  readonly supportPercentPerYear: number;
  readonly staff: StaffCost;
  readonly utilization: number;
}

function fail(path: string, message: string, value: unknown): never {
  throw new Error(`${path}: ${message}, got ${typeof value === "string" ? JSON.stringify(value) : String(value)}`);
}

function check(path: string, value: number, ok: (v: number) => boolean, allowed: string): void {
  if (!(Number.isFinite(value) && ok(value))) fail(path, `must be ${allowed}`, value);
}

function resolveParams(c: CostParams): ResolvedParams {
  const d = COST_DEFAULTS;
  const p: ResolvedParams = {
    hoursPerMonth: c.hoursPerMonth ?? d.hoursPerMonth.value,
    horizonMonths: c.horizonMonths ?? d.horizonMonths.value,
    amortizationYears: c.amortizationYears,
    residualPercent: c.residualPercent ?? d.residualPercent.value,
    infraCapexPercent: c.infraCapexPercent ?? d.infraCapexPercent.value,
    electricityUsdPerKwh: c.electricityUsdPerKwh,
    pue: c.pue,
    spaceUsdPerMonth: c.spaceUsdPerMonth ?? d.spaceUsdPerMonth.value,
    spaceUsdPerKwMonth: c.spaceUsdPerKwMonth ?? d.spaceUsdPerKwMonth.value,
    supportPercentPerYear: c.supportPercentPerYear ?? d.supportPercentPerYear.value,
    staff: c.staff ?? d.staff.value,
    utilization: c.utilization,
  };
  const nonNegative = (v: number): boolean => v >= 0;
  check("costs.hoursPerMonth", p.hoursPerMonth, (v) => v > 0 && v <= 744, "in (0, 744] hours");
  check("costs.amortizationYears", p.amortizationYears, (v) => v > 0, "a number of years > 0");
  check("costs.residualPercent", p.residualPercent, (v) => v >= 0 && v <= 100, "a percentage in [0, 100]");
  check("costs.infraCapexPercent", p.infraCapexPercent, nonNegative, "a percentage ≥ 0");
  check("costs.electricityUsdPerKwh", p.electricityUsdPerKwh, nonNegative, "a price ≥ 0");
  check("costs.pue", p.pue, (v) => v >= 1, "≥ 1 (facility power over IT power)");
  check("costs.spaceUsdPerMonth", p.spaceUsdPerMonth, nonNegative, "a price ≥ 0");
  check("costs.spaceUsdPerKwMonth", p.spaceUsdPerKwMonth, nonNegative, "a price ≥ 0");
  check("costs.supportPercentPerYear", p.supportPercentPerYear, nonNegative, "a percentage ≥ 0");
  check("costs.staff.fte", p.staff.fte, nonNegative, "a number ≥ 0");
  check("costs.staff.usdPerYear", p.staff.usdPerYear, nonNegative, "a price ≥ 0");
  check("costs.utilization", p.utilization, (v) => v >= 0 && v <= 1, "a fraction in [0, 1]");
  if (p.horizonMonths.length === 0) fail("costs.horizonMonths", "must list at least one month count", "[]");
  p.horizonMonths.forEach((n, i) =>
    check(`costs.horizonMonths[${i}]`, n, (v) => Number.isInteger(v) && v >= 1, "a whole number of months ≥ 1"),
  );
  if (new Set(p.horizonMonths).size !== p.horizonMonths.length) {
    fail("costs.horizonMonths", "must not repeat a month count", JSON.stringify(p.horizonMonths));
  }
  return p;
}

function validateServers(servers: readonly CostServerGroup[]): void {
  const seen = new Set<string>();
  servers.forEach((s, i) => {
    const path = `servers[${i}]`;
    if (seen.has(s.id)) fail(`${path}.id`, "must be unique", s.id);
    seen.add(s.id);
    check(`${path}.count`, s.count, (v) => Number.isInteger(v) && v >= 0, "an integer ≥ 0");
    check(`${path}.priceUsd`, s.priceUsd, (v) => v >= 0, "a price ≥ 0");
    check(`${path}.gpusPerServer`, s.gpusPerServer, (v) => Number.isInteger(v) && v >= 0, "an integer ≥ 0");
    check(`${path}.powerKw.idle`, s.powerKw.idle, (v) => v >= 0, "≥ 0 kW");
    check(`${path}.powerKw.max`, s.powerKw.max, (v) => v >= s.powerKw.idle, `≥ powerKw.idle (${s.powerKw.idle} kW)`);
  });
}

function validateAlternatives(alternatives: readonly CostAlternative[], gpuHoursAtDemand: number | undefined): void {
  const seen = new Set<string>([ON_PREM_ID]);
  alternatives.forEach((a, i) => {
    const path = `costs.alternatives[${i}]`;
    if (seen.has(a.id)) {
      fail(`${path}.id`, a.id === ON_PREM_ID ? `"${ON_PREM_ID}" is reserved for the factory itself` : "must be unique", a.id);
    }
    seen.add(a.id);
    if (a.kind === "api") {
      for (const key of TOKEN_CLASSES) {
        check(`${path}.usdPerMillion.${key}`, a.usdPerMillion[key], (v) => v >= 0, "a price ≥ 0");
      }
    } else {
      check(`${path}.usdPerGpuHour`, a.usdPerGpuHour, (v) => v >= 0, "a price ≥ 0");
      if (a.gpus !== undefined) check(`${path}.gpus`, a.gpus, (v) => Number.isInteger(v) && v >= 0, "an integer ≥ 0");
      if (a.alwaysOn === false && gpuHoursAtDemand === undefined) {
        fail(
          `${path}.alwaysOn`,
          "false needs the GPU-hours the demand uses (CostInputs.gpuHoursPerMonthAtDemand from planning/sizing.ts)",
          false,
        );
      }
    }
  });
}

function formatSources(sources: readonly Source[] | undefined, fallback: string): string {
  if (sources === undefined || sources.length === 0) return fallback;
  return sources.map((s) => `${s.url} (${s.date})`).join("; ");
}

const TOKEN_CLASS_LABELS: Readonly<Record<keyof TokenMix, string>> = {
  input: "input",
  cachedInput: "cached input",
  cacheWrite: "cache write",
  output: "output",
};

/** Labels and units of the cost parameters, in report order. */
const PARAM_LABELS: readonly (readonly [keyof ResolvedParams & keyof CostParams, string, string])[] = [
  ["hoursPerMonth", "Hours per month", "h"],
  ["amortizationYears", "Amortization period", "years"],
  ["residualPercent", "Residual value", "%"],
  ["infraCapexPercent", "Infrastructure adder on capex", "%"],
  ["electricityUsdPerKwh", "Electricity price", "USD/kWh"],
  ["pue", "PUE", ""],
  ["utilization", "Average load (between idle and max power)", ""],
  ["spaceUsdPerMonth", "Space, fixed", "USD/month"],
  ["spaceUsdPerKwMonth", "Space per kW of max power", "USD/kW-month"],
  ["supportPercentPerYear", "Support contracts", "% of capex/year"],
];

function buildAssumptions(inputs: CostInputs, p: ResolvedParams, alternatives: readonly CostAlternative[]): CostAssumption[] {
  const given = inputs.costs as unknown as Record<string, unknown>;
  const sourceOf = (name: keyof CostParams): string =>
    inputs.paramSources?.[name] ?? (given[name] === undefined ? "default" : `environment file (costs.${name})`);
  const out: CostAssumption[] = [];
  for (const [name, label, unit] of PARAM_LABELS) {
    out.push({ key: `costs.${name}`, label, value: p[name] as number, unit, source: sourceOf(name) });
  }
  out.push({ key: "costs.staff.fte", label: "Staff", value: p.staff.fte, unit: "FTE", source: sourceOf("staff") });
  out.push({ key: "costs.staff.usdPerYear", label: "Staff cost per FTE", value: p.staff.usdPerYear, unit: "USD/year", source: sourceOf("staff") });
  for (const s of inputs.servers) {
    const source = formatSources(s.sources, "environment file");
    out.push({ key: `servers.${s.id}.count`, label: `${s.id}: servers`, value: s.count, unit: "", source: "environment file" });
    out.push({ key: `servers.${s.id}.priceUsd`, label: `${s.id}: price per server`, value: s.priceUsd, unit: "USD", source });
    out.push({ key: `servers.${s.id}.powerKw.idle`, label: `${s.id}: idle power per server`, value: s.powerKw.idle, unit: "kW", source });
    out.push({ key: `servers.${s.id}.powerKw.max`, label: `${s.id}: max power per server`, value: s.powerKw.max, unit: "kW", source });
  }
  for (const a of alternatives) {
    const source = formatSources(a.sources, "environment file");
    if (a.kind === "api") {
      for (const key of TOKEN_CLASSES) {
        out.push({
          key: `alternatives.${a.id}.usdPerMillion.${key}`,
          label: `${a.id}: ${TOKEN_CLASS_LABELS[key]}`,
          value: a.usdPerMillion[key],
          unit: "USD/M tokens",
          source,
        });
      }
    } else {
      out.push({ key: `alternatives.${a.id}.usdPerGpuHour`, label: `${a.id}: GPU-hour`, value: a.usdPerGpuHour, unit: "USD", source });
      out.push({
        key: `alternatives.${a.id}.billing`,
        label: `${a.id}: billing`,
        value: a.alwaysOn === false ? "GPU-hours the demand needs" : "always on",
        unit: "",
        source: "environment file",
      });
    }
  }
  return [...out, ...(inputs.extraAssumptions ?? [])];
}

/** Computes the cost summary of one environment. */
export function computeCosts(inputs: CostInputs): CostSummary {
  const p = resolveParams(inputs.costs);
  const alternatives = inputs.alternatives ?? [];
  validateServers(inputs.servers);
  validateAlternatives(alternatives, inputs.gpuHoursPerMonthAtDemand);
  validateMix(inputs.demand.mix, "demand.mix");
  check("demand.tokensPerMonth", inputs.demand.tokensPerMonth, (v) => v >= 0, "a number ≥ 0");
  check("capacityTokensPerMonth", inputs.capacityTokensPerMonth, (v) => v >= 0, "a number ≥ 0");
  if (inputs.servedTokensPerMonth !== undefined) {
    check("servedTokensPerMonth", inputs.servedTokensPerMonth, (v) => v >= 0, "a number ≥ 0");
  }
  if (inputs.gpuHoursPerMonthAtDemand !== undefined) {
    check("gpuHoursPerMonthAtDemand", inputs.gpuHoursPerMonthAtDemand, (v) => v >= 0, "a number ≥ 0");
  }

  const capex = capexUsd(inputs.servers, p.infraCapexPercent);
  const amortizationUsd = monthlyAmortizationUsd(capex, p.residualPercent, p.amortizationYears);
  const energyUsd = monthlyEnergyUsd(inputs.servers, p);
  const spaceUsd = monthlySpaceUsd(inputs.servers, p.spaceUsdPerMonth, p.spaceUsdPerKwMonth);
  const supportUsd = monthlySupportUsd(capex, p.supportPercentPerYear);
  const staffUsd = monthlyStaffUsd(p.staff);
  const opexUsd = energyUsd + spaceUsd + supportUsd + staffUsd;
  const tcoUsd = amortizationUsd + opexUsd;

  const demandPerMonth = inputs.demand.tokensPerMonth;
  const servedPerMonth = inputs.servedTokensPerMonth ?? Math.min(demandPerMonth, inputs.capacityTokensPerMonth);
  const perMillion = (usd: number): number | null => (servedPerMonth > 0 ? usd / (servedPerMonth / 1e6) : null);
  const gpus = inputs.servers.reduce((sum, s) => sum + s.count * s.gpusPerServer, 0);

  const alternativeCosts: AlternativeCost[] = alternatives.map((a) => {
    let monthlyUsd: number;
    let gpuHoursPerMonth: number | undefined;
    if (a.kind === "api") {
      monthlyUsd = apiMonthlyUsd(demandPerMonth, inputs.demand.mix, a.usdPerMillion);
    } else {
      gpuHoursPerMonth =
        a.alwaysOn === false ? (inputs.gpuHoursPerMonthAtDemand as number) : (a.gpus ?? gpus) * p.hoursPerMonth;
      monthlyUsd = rentalMonthlyUsd(gpuHoursPerMonth, a.usdPerGpuHour);
    }
    const savings: Record<string, number | null> = {};
    for (const n of [...p.horizonMonths].sort((x, y) => x - y)) {
      savings[String(n)] = savingsPercent(n, capex, opexUsd, monthlyUsd, p.amortizationYears);
    }
    return {
      id: a.id,
      kind: a.kind,
      monthlyUsd,
      breakEvenMonths: breakEvenMonths(capex, monthlyUsd, opexUsd),
      savingsPercent: savings,
      usdPerMillionTokens: perMillion(monthlyUsd),
      ...(gpuHoursPerMonth === undefined ? {} : { gpuHoursPerMonth }),
    };
  });

  return {
    capexUsd: capex,
    hoursPerMonth: p.hoursPerMonth,
    amortizationYears: p.amortizationYears,
    horizonMonths: [...p.horizonMonths].sort((x, y) => x - y),
    servers: inputs.servers.reduce((sum, s) => sum + s.count, 0),
    gpus,
    averagePowerKw: averagePowerKw(inputs.servers, p.utilization),
    maxPowerKw: maxPowerKw(inputs.servers),
    monthly: { amortizationUsd, energyUsd, spaceUsd, supportUsd, staffUsd, opexUsd, tcoUsd },
    tokens: { demandPerMonth, capacityPerMonth: inputs.capacityTokensPerMonth, servedPerMonth },
    usdPerMillionTokens: perMillion(tcoUsd),
    alternatives: alternativeCosts,
    assumptions: buildAssumptions(inputs, p, alternatives),
  };
}
