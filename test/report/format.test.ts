import {
  formatCompact,
  formatGiB,
  formatMonths,
  formatNumber,
  formatPercent,
  formatSignificant,
  formatTokens,
  formatUsd,
  formatUsdCompact,
  formatUsdWhole,
  mdCell,
  plural,
} from "../../report/format";

describe("format", () => {
  test.each([
    [1234.5, 0, "1,235"],
    [1234567.891, 2, "1,234,567.89"],
    [-9876543, 0, "-9,876,543"],
    [-0.0001, 2, "0.00"],
    [999.5, 0, "1,000"],
    [Infinity, 0, "∞"],
    [NaN, 0, "n/a"],
  ])("formatNumber(%p, %p) = %p", (value, decimals, expected) => {
    expect(formatNumber(value, decimals)).toBe(expected);
  });

  test.each([
    [1234.5, "$1,235"],
    [100, "$100"],
    [99.994, "$99.99"],
    [1.234, "$1.23"],
    [0, "$0.00"],
    [-50, "-$50.00"],
    [-1_234_567, "-$1,234,567"],
    [NaN, "n/a"],
  ])("formatUsd(%p) = %p", (value, expected) => {
    expect(formatUsd(value)).toBe(expected);
  });

  test.each([
    [0, "0"],
    [7.5, "7.50"],
    [999, "999"],
    [999_999, "1M"],
    [1234, "1.23k"],
    [30_416_666_666.67, "30.4B"],
    [1.5e12, "1.5T"],
    [-2_500_000, "-2.5M"],
  ])("formatCompact(%p) = %p", (value, expected) => {
    expect(formatCompact(value)).toBe(expected);
  });

  test("compact dollars and tokens", () => {
    expect(formatUsdCompact(660_000)).toBe("$660k");
    expect(formatUsdCompact(13_064.0043)).toBe("$13.1k");
    expect(formatUsdCompact(12.5)).toBe("$12.50");
    expect(formatUsdCompact(-2_000_000)).toBe("-$2M");
    expect(formatTokens(50e9)).toBe("50B");
  });

  test("percentages and months, with null for never", () => {
    expect(formatPercent(37.46)).toBe("37%");
    expect(formatPercent(37.46, 1)).toBe("37.5%");
    expect(formatPercent(-644.9)).toBe("-645%");
    expect(formatPercent(null)).toBe("n/a");
    expect(formatMonths(9.4949)).toBe("9.5 months");
    expect(formatMonths(null)).toBe("never");
  });

  test.each([
    [1760000.0000000002, "$1,760,000"],
    [38331.98250666667, "$38,332"],
    [0, "$0"],
    [0.4, "$0"],
    [99.5, "$100"],
    [-49.6, "-$50"],
    [-0.2, "$0"],
    [NaN, "n/a"],
  ])("formatUsdWhole(%p) = %p: amounts in whole dollars, whatever their size", (value, expected) => {
    expect(formatUsdWhole(value)).toBe(expected);
  });

  test("a counted noun agrees with its count", () => {
    expect(plural(1, "GPU")).toBe("1 GPU");
    expect(plural(0, "GPU")).toBe("0 GPUs");
    expect(plural(2, "server")).toBe("2 servers");
    expect(plural(1234, "replica")).toBe("1,234 replicas");
    expect(plural(16, "MIG slice")).toBe("16 MIG slices");
    expect(plural(3, "child", "children")).toBe("3 children");
  });

  test("GiB to one decimal, small quantities to three significant digits, without float noise", () => {
    expect(formatGiB(61.09476089477538)).toBe("61.1 GiB");
    expect(formatGiB(4.683999999999999)).toBe("4.7 GiB");
    expect(formatSignificant(0.052345)).toBe("0.0523");
    expect(formatSignificant(0.1 + 0.2)).toBe("0.300");
    expect(formatSignificant(2.5)).toBe("2.50");
    expect(formatSignificant(46296.3)).toBe("46,296");
    expect(formatSignificant(0)).toBe("0");
  });

  test("markdown cells escape pipes and newlines", () => {
    expect(mdCell("a | b\nc")).toBe("a \\| b c");
  });
});
