/**
 * Rounding for human output only (terminal tables, markdown, chart labels, Terraform outputs).
 * Machine output (the cost JSON, `--json`) keeps the unrounded numbers. Locale-free: the same
 * digits on every machine, en-US style (`1,234.5`).
 *
 * The rules, the same in every renderer:
 * - amounts of money (capex, per month) in whole dollars: `$1,760,000`, `$0` (`formatUsdWhole`);
 * - prices (per million tokens, per GPU-hour) in cents below $100: `$0.99` (`formatUsd`);
 * - token counts and rates per month with three significant digits and a unit: `189B`;
 *   rates per second and other counts as grouped integers: `46,296`;
 * - GiB to one decimal, months to one decimal, percentages whole;
 * - a counted noun agrees with its count: `1 GPU`, `2 GPUs` (`plural`);
 * - Terraform outputs (stacks/ai-factory-stack.ts): dollars to cents, USD per million tokens to 4
 *   decimals, months to 2.
 */

/** Groups the integer part by thousands: `1234567.8` → `1,234,567.8`. */
function group(digits: string): string {
  const [whole, fraction] = digits.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** Rounds to `decimals` places, turning -0 into 0. */
function fixed(value: number, decimals: number): string {
  const text = Math.abs(value).toFixed(decimals);
  const isZero = Number(text) === 0;
  return `${value < 0 && !isZero ? "-" : ""}${text}`;
}

/** A plain number with thousands separators: `formatNumber(12345.678, 1)` → `12,345.7`. */
export function formatNumber(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return value > 0 ? "∞" : value < 0 ? "-∞" : "n/a";
  const text = fixed(value, decimals);
  return text.startsWith("-") ? `-${group(text.slice(1))}` : group(text);
}

/**
 * US dollars: whole dollars from $100 up, cents below. `formatUsd(1234.5)` → `$1,235`,
 * `formatUsd(1.234)` → `$1.23`, `formatUsd(-50)` → `-$50.00`.
 */
export function formatUsd(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  const decimals = Math.abs(value) >= 100 ? 0 : 2;
  const text = formatNumber(value, decimals);
  return text.startsWith("-") ? `-$${text.slice(1)}` : `$${text}`;
}

/**
 * Whole US dollars, for amounts (capex, costs per month): `formatUsdWhole(1234.5)` → `$1,235`,
 * `formatUsdWhole(0)` → `$0`, `formatUsdWhole(-49.6)` → `-$50`.
 */
export function formatUsdWhole(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  const text = formatNumber(value, 0);
  return text.startsWith("-") ? `-$${text.slice(1)}` : `$${text}`;
}

/**
 * A count and its noun, agreeing: `plural(1, "GPU")` → `1 GPU`, `plural(1234, "replica")` →
 * `1,234 replicas`, `plural(2, "GPU share")` → `2 GPU shares`; `pluralForm` for irregular nouns.
 */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatNumber(count)} ${count === 1 ? singular : pluralForm}`;
}

/** GiB to one decimal with the unit: `formatGiB(61.094)` → `61.1 GiB`. */
export function formatGiB(value: number): string {
  return `${formatNumber(value, 1)} GiB`;
}

/**
 * `digits` significant digits, at least, for small quantities such as seconds per token:
 * `formatSignificant(0.052345)` → `0.0523`, `formatSignificant(2.5)` → `2.50`; from 10^(digits−1) up,
 * a grouped integer (`46,296`).
 */
export function formatSignificant(value: number, digits = 3): string {
  if (!Number.isFinite(value) || value === 0) return formatNumber(value);
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(value))));
  return formatNumber(value, Math.min(decimals, 20));
}

const COMPACT_UNITS: readonly (readonly [number, string])[] = [
  [1e12, "T"],
  [1e9, "B"],
  [1e6, "M"],
  [1e3, "k"],
];

/** Three significant digits with a unit suffix: `1234567` → `1.23M`; below 1,000 as a plain number. */
export function formatCompact(value: number): string {
  if (!Number.isFinite(value)) return formatNumber(value);
  const abs = Math.abs(value);
  for (const [size, suffix] of COMPACT_UNITS) {
    // Compare after rounding so 999,999 shows as 1.00M, not 1000k.
    if (Number((abs / size).toPrecision(3)) >= 1) {
      return `${value < 0 ? "-" : ""}${Number((abs / size).toPrecision(3))}${suffix}`;
    }
  }
  return formatNumber(value, abs >= 10 || abs === 0 ? 0 : 2);
}

/** Dollars in compact form: `$1.23M`, `$350k`, `$12.50` below $1,000. */
export function formatUsdCompact(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  if (Math.abs(value) < 1000) return formatUsd(value);
  const text = formatCompact(value);
  return text.startsWith("-") ? `-$${text.slice(1)}` : `$${text}`;
}

/** Token counts: `1.23B tokens` style without the word. */
export function formatTokens(value: number): string {
  return formatCompact(value);
}

/** A percentage with `decimals` places: `formatPercent(37.46)` → `37%`; null → `n/a`. */
export function formatPercent(value: number | null, decimals = 0): string {
  if (value === null || !Number.isFinite(value)) return "n/a";
  return `${formatNumber(value, decimals)}%`;
}

/** Months to one decimal, or `never` for null: `formatMonths(10.24)` → `10.2 months`. */
export function formatMonths(value: number | null): string {
  if (value === null) return "never";
  if (!Number.isFinite(value)) return "never";
  return `${formatNumber(value, 1)} months`;
}

/** Escapes a value for a markdown table cell. */
export function mdCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
