/**
 * Defaults of the cost model's assumptions, each with where it comes from. Every one is
 * overridable in the environment file's `costs:` section; a report lists which were used.
 */
import type { Source } from "./types";

/** One default with its sources. */
export interface CostDefault<T> {
  readonly value: T;
  readonly sources: readonly Source[];
}

const COST_DATA = "shared/reference/cost-data.md §1 (typical input ranges, with the sources it quotes)";

export const COST_DEFAULTS = {
  hoursPerMonth: {
    value: 730,
    sources: [{ url: "convention", date: "2026-11", note: "8,760 hours a year / 12; some studies use 720" }],
  },
  horizonMonths: {
    value: [24, 36],
    sources: [{ url: "convention", date: "2026-11", note: "two and three years, the horizons repatriation studies quote" }],
  },
  amortizationYears: {
    value: 4,
    sources: [{ url: COST_DATA, date: "2026-11", note: "3–5 years is the quoted range; MACRS 5-year property; hyperscalers moved to 6" }],
  },
  residualPercent: {
    value: 0,
    sources: [{ url: COST_DATA, date: "2026-11", note: "conservative: 20–35% resale after 36 months is quoted (Jarvislabs/GMI), but not assumed" }],
  },
  infraCapexPercent: {
    value: 10,
    sources: [{ url: COST_DATA, date: "2026-11", note: "network, storage, racks and installation: +10–15% of hardware (v2-pseo-ai)" }],
  },
  electricityUsdPerKwh: {
    value: 0.12,
    sources: [
      {
        url: COST_DATA,
        date: "2026-11",
        note: "between the EIA 2024 US industrial average (8.3¢, deluair.com) and commercial rates (up to 19¢ quoted, alpineblockchain.com)",
      },
    ],
  },
  pue: {
    value: 1.5,
    sources: [{ url: COST_DATA, date: "2026-11", note: "enterprise/colo rooms 1.5–1.8 (Uptime 2024 survey via lynx-cortex.pages.dev); hyperscale 1.1–1.3" }],
  },
  spaceUsdPerMonth: {
    value: 0,
    sources: [{ url: "convention", date: "2026-11", note: "no fixed rent unless the site has one; colocation is priced per kW below" }],
  },
  spaceUsdPerKwMonth: {
    value: 150,
    sources: [{ url: COST_DATA, date: "2026-11", note: "colocation $150–300 per kW per month (cyfuture; v2-pseo-ai.pages.dev): the low end" }],
  },
  supportPercentPerYear: {
    value: 10,
    sources: [{ url: COST_DATA, date: "2026-11", note: "maintenance contracts ≈10%/yr (alpineblockchain.com); DGX support quoted at 20% (supercluster.blog)" }],
  },
  staff: {
    value: { fte: 0.25, usdPerYear: 190000 },
    sources: [
      {
        url: COST_DATA,
        date: "2026-11",
        note: "0.25 FTE for one 8-GPU node (repo example; 0.5–1.5 FTE per deployment quoted); median 2025 ML-engineer salary $189,873 (Flexential)",
      },
    ],
  },
  utilization: {
    value: 0.5,
    sources: [{ url: COST_DATA, date: "2026-11", note: "production utilization 30–60% (gmicloud.ai); inference fleets 50–70% (deluair.com)" }],
  },
  peakToAverage: {
    value: 2,
    sources: [{ url: "convention", date: "2026-11", note: "office-hours traffic: a working day's tokens arrive in about half the day" }],
  },
} as const satisfies Record<string, CostDefault<unknown>>;

/** The alternatives a cost report compares with when the file names none. */
export const DEFAULT_ALTERNATIVES: readonly { readonly api: string }[] = [{ api: "claude-sonnet-4.5" }, { api: "gpt-5" }];
