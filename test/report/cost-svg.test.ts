import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { costChartData, costChartSpec, renderCostSvg } from "../../report/cost-svg";
import { DEV, PROD } from "./fixtures";

type XmlNode = Record<string, unknown>;

/** Every element of a parsed document with its tag name, depth first. */
function elements(node: unknown, tag = "#document"): { tag: string; node: XmlNode }[] {
  if (Array.isArray(node)) return node.flatMap((child) => elements(child, tag));
  if (node === null || typeof node !== "object") return [];
  const self = { tag, node: node as XmlNode };
  const children = Object.entries(node as XmlNode)
    .filter(([key]) => !key.startsWith("@_") && key !== "#text")
    .flatMap(([key, value]) => elements(value, key));
  return [self, ...children];
}

function textOf(node: XmlNode): string {
  const text = node["#text"];
  return text === undefined ? "" : String(text);
}

describe("costChartData", () => {
  test("GIVEN a horizon past the amortization period WHEN charted THEN on-prem steps up by capex at the re-purchase", () => {
    const { lines } = costChartData(PROD, 60);
    const onPrem = lines.filter((p) => p.series === "on-prem");
    const capex = PROD.capexUsd;
    const opex = PROD.monthly.opexUsd;
    expect(onPrem[0]).toMatchObject({ month: 0, usd: capex });
    // Month 48 appears twice: the end of the first period, then the second purchase.
    const at48 = onPrem.filter((p) => p.month === 48).map((p) => p.usd);
    expect(at48[0]).toBeCloseTo(capex + 48 * opex, 6);
    expect(at48[1]).toBeCloseTo(2 * capex + 48 * opex, 6);
    expect(onPrem[onPrem.length - 1].usd).toBeCloseTo(2 * capex + 60 * opex, 6);
    // One point per month per alternative, a straight line from 0.
    const p5 = lines.filter((p) => p.series === "aws-p5");
    expect(p5).toHaveLength(61);
    expect(p5[12].usd).toBeCloseTo(12 * PROD.alternatives[2].monthlyUsd, 6);
  });

  test("GIVEN break-evens WHEN charted THEN each inside the horizon gets a marker on its alternative's line", () => {
    const { breakEvens } = costChartData(PROD, 36);
    expect(breakEvens.map((b) => b.series)).toEqual(["claude-sonnet-4.5", "my-contract", "aws-p5"]);
    const p5 = breakEvens[2];
    expect(p5.month).toBe(PROD.alternatives[2].breakEvenMonths);
    expect(p5.usd).toBeCloseTo((PROD.alternatives[2].breakEvenMonths as number) * PROD.alternatives[2].monthlyUsd, 6);
    expect(p5.label).toBe("break-even vs aws-p5: 9.8 months");
    expect(costChartData(PROD, 6).breakEvens).toEqual([]);
    expect(costChartData(DEV, 36).breakEvens).toEqual([]);
  });

  test("throws when the horizon is not a whole number of months", () => {
    expect(() => costChartSpec("prod", PROD, { horizonMonths: 0 })).toThrow("cost-svg: horizonMonths: must be a whole number of months ≥ 1, got 0");
  });
});

describe("renderCostSvg", () => {
  let svg: string;
  beforeAll(async () => {
    svg = await renderCostSvg("prod", PROD);
  });

  test("GIVEN prod WHEN rendered THEN the SVG is well-formed XML with an svg root", () => {
    expect(XMLValidator.validate(svg)).toBe(true);
    const document = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_" }).parse(svg);
    expect(document.svg["@_xmlns"]).toBe("http://www.w3.org/2000/svg");
    expect(Number(document.svg["@_width"])).toBeGreaterThan(640);
  });

  test("GIVEN three alternatives WHEN rendered THEN there is one line per series, each in its own colour, named in the legend", () => {
    const all = elements(new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_" }).parse(svg));
    const lineGroups = all.filter((e) => e.tag === "g" && String(e.node["@_class"] ?? "").startsWith("mark-line role-mark"));
    expect(lineGroups).toHaveLength(4); // on-prem + 3 alternatives
    const strokes = lineGroups.flatMap((g) => elements(g.node.path, "path").map((p) => p.node["@_stroke"]));
    expect(new Set(strokes).size).toBe(4);
    const legend = all.filter((e) => e.tag === "text" && textOf(e.node) !== "").map((e) => textOf(e.node));
    for (const series of ["on-prem", "claude-sonnet-4.5", "my-contract", "aws-p5"]) expect(legend).toContain(series);
  });

  test("GIVEN break-evens inside the horizon WHEN rendered THEN each is marked and labelled", () => {
    const all = elements(new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_" }).parse(svg));
    const markers = all.filter((e) => e.tag === "path" && e.node["@_aria-label"] === "break-even");
    expect(markers).toHaveLength(3);
    const labels = all.filter((e) => e.tag === "text").map((e) => textOf(e.node));
    expect(labels).toContain("break-even vs aws-p5: 9.8 months");
    expect(labels).toContain("prod: cumulative cost over 36 months");
  });

  test("GIVEN the same input WHEN rendered twice THEN the bytes are identical, with no clock or path in them", async () => {
    expect(await renderCostSvg("prod", PROD)).toBe(svg);
    expect(svg).not.toMatch(/\d{4}-\d{2}-\d{2}T|\/work\/|file:/);
  });

  test("GIVEN no break-even WHEN rendered THEN no marker is drawn", async () => {
    const dev = await renderCostSvg("dev", DEV, { horizonMonths: 24 });
    expect(dev).not.toContain('aria-label="break-even"');
    expect(dev).toContain("dev: cumulative cost over 24 months");
  });

  // CI installs Debian's chromium; elsewhere this test is skipped.
  const chromium = "/usr/bin/chromium";
  (existsSync(chromium) ? test : test.skip)("GIVEN the SVG WHEN opened in headless Chromium THEN it renders to a non-trivial PNG", () => {
    const dir = mkdtempSync(join(tmpdir(), "cost-svg-"));
    try {
      const svgPath = join(dir, "prod.svg");
      const pngPath = join(dir, "prod.png");
      writeFileSync(svgPath, svg);
      const result = spawnSync(
        chromium,
        [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
          `--user-data-dir=${join(dir, "profile")}`,
          "--window-size=900,500",
          `--screenshot=${pngPath}`,
          `file://${svgPath}`,
        ],
        { timeout: 60_000, encoding: "utf8" },
      );
      expect(result.error).toBeUndefined();
      expect(existsSync(pngPath)).toBe(true);
      // A blank 900×500 PNG compresses to ~2 KB; the chart, with text and lines, is far larger.
      expect(statSync(pngPath).size).toBeGreaterThan(15_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
