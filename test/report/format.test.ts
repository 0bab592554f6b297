import {
  formatCompact,
  formatMonths,
  formatNumber,
  formatPercent,
  formatTokens,
  formatUsd,
  formatUsdCompact,
  mdCell,
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

  test("markdown cells escape pipes and newlines", () => {
    expect(mdCell("a | b\nc")).toBe("a \\| b c");
  });
});
