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

/** The figures behind these defaults, read on this date; `convention` marks a choice of this project. */
const READ = "2026-11";

export const COST_DEFAULTS = {
  hoursPerMonth: {
    value: 730,
    sources: [{ url: "convention", date: READ, note: "8,760 hours a year / 12; some studies use 720" }],
  },
  horizonMonths: {
    value: [24, 36],
    sources: [{ url: "convention", date: READ, note: "two and three years, the horizons repatriation studies quote" }],
  },
  amortizationYears: {
    value: 4,
    sources: [
      { url: "https://deluair.com", date: READ, note: "3–5 years is the range TCO calculators quote; hyperscalers moved servers to 6" },
      { url: "https://www.irs.gov/publications/p946", date: READ, note: "MACRS: computers and peripheral equipment are 5-year property" },
    ],
  },
  residualPercent: {
    value: 0,
    sources: [{ url: "convention", date: READ, note: "conservative: GPU clouds (Jarvislabs, GMI Cloud) quote 20–35% resale after 36 months, not assumed here" }],
  },
  infraCapexPercent: {
    value: 10,
    sources: [{ url: "https://v2-pseo-ai.pages.dev", date: READ, note: "network, storage, racks and installation: +10–15% of hardware" }],
  },
  electricityUsdPerKwh: {
    value: 0.12,
    sources: [
      {
        url: "https://www.eia.gov/electricity/monthly/epm_table_grapher.php?t=epmt_5_06_b",
        date: READ,
        note: "between the US industrial and commercial average retail prices (EIA Electric Power Monthly, table 5.6.B)",
      },
    ],
  },
  pue: {
    value: 1.5,
    sources: [
      {
        url: "https://intelligence.uptimeinstitute.com/resource/large-data-centers-are-mostly-more-efficient-analysis-confirms",
        date: READ,
        note: "industry average PUE 1.55–1.59 since 2020 (1.58 in 2023, Uptime Institute survey); large new sites 1.3 or better",
      },
    ],
  },
  spaceUsdPerMonth: {
    value: 0,
    sources: [{ url: "convention", date: READ, note: "no fixed rent unless the site has one; colocation is priced per kW below" }],
  },
  spaceUsdPerKwMonth: {
    value: 150,
    sources: [{ url: "https://v2-pseo-ai.pages.dev", date: READ, note: "colocation $150–300 per kW per month: the low end" }],
  },
  supportPercentPerYear: {
    value: 10,
    sources: [
      { url: "https://alpineblockchain.com", date: READ, note: "maintenance contracts ≈10% of the hardware price a year" },
      { url: "https://www.supercluster.blog/p/6-ai-supercluster-nvidia-dgx-h100", date: READ, note: "DGX H100 support: $39,800 a year on a $199,000 base (20%)" },
    ],
  },
  staff: {
    value: { fte: 0.25, usdPerYear: 190000 },
    sources: [
      { url: "convention", date: READ, note: "0.25 FTE for one 8-GPU node (0.5–1.5 FTE per deployment is quoted)" },
      { url: "https://www.flexential.com", date: READ, note: "median 2025 ML-engineer salary $189,873" },
    ],
  },
  utilization: {
    value: 0.5,
    sources: [
      { url: "https://gmicloud.ai", date: READ, note: "production utilization 30–60%" },
      { url: "https://deluair.com", date: READ, note: "inference fleets 50–70%" },
    ],
  },
  peakToAverage: {
    value: 2,
    sources: [{ url: "convention", date: READ, note: "office-hours traffic: a working day's tokens arrive in about half the day" }],
  },
} as const satisfies Record<string, CostDefault<unknown>>;

/** The alternatives a cost report compares with when the file names none. */
export const DEFAULT_ALTERNATIVES: readonly { readonly api: string }[] = [{ api: "claude-sonnet-4.5" }, { api: "gpt-5" }];
