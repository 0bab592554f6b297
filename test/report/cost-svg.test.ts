import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import * as vega from "vega";
import * as vegaLite from "vega-lite";
import type { AlternativeCost, CostSummary } from "../../planning/tco";
import { costChartData, costChartSpec, powersOfTen, renderCostSvg, type CostSvgOptions } from "../../report/cost-svg";
import { DEV, PROD } from "./fixtures";

/** An item of the rendered scene with its bounds in the chart's coordinates (the plot is 0..width × 0..height). */
interface Placed {
  readonly marktype: string;
  readonly role: string;
  readonly text?: string;
  readonly description?: string;
  readonly datum?: Record<string, unknown>;
  readonly x: number;
  readonly y: number;
  readonly box: { x1: number; y1: number; x2: number; y2: number };
}

/** Lays the chart out with vega (as renderCostSvg does) and returns every leaf item, placed. */
async function scene(env: string, summary: CostSummary, options: CostSvgOptions = {}): Promise<{ items: Placed[]; width: number; height: number }> {
  const view = new vega.View(vega.parse(vegaLite.compile(costChartSpec(env, summary, options)).spec), { renderer: "none" });
  try {
    await view.runAsync();
    const items: Placed[] = [];
    type Node = { marktype: string; role: string; items: Item[] };
    type Item = { x?: number; y?: number; text?: string; description?: string; datum?: Record<string, unknown>; bounds: { x1: number; y1: number; x2: number; y2: number }; items?: Node[] };
    const walk = (mark: Node, ox: number, oy: number): void => {
      for (const item of mark.items) {
        if (mark.marktype === "group") {
          for (const child of item.items ?? []) walk(child, ox + (item.x ?? 0), oy + (item.y ?? 0));
        } else {
          const b = item.bounds;
          items.push({
            marktype: mark.marktype,
            role: mark.role,
            text: item.text,
            description: item.description,
            datum: item.datum,
            x: ox + (item.x ?? 0),
            y: oy + (item.y ?? 0),
            box: { x1: ox + b.x1, y1: oy + b.y1, x2: ox + b.x2, y2: oy + b.y2 },
          });
        }
      }
    };
    // The root group's origin is the plot's top-left corner.
    const root = (view.scenegraph() as unknown as { root: Node & { items: Item[] } }).root;
    for (const child of root.items[0].items ?? []) walk(child, 0, 0);
    return { items, width: options.width ?? 640, height: options.height ?? 360 };
  } finally {
    view.finalize();
  }
}

const overlaps = (a: Placed["box"], b: Placed["box"]): boolean => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;

/** PROD with one more API alternative at $100 a month: 825× cheaper over 36 months than the dearest line. */
const CHEAP: AlternativeCost = { id: "cheap-api", kind: "api", monthlyUsd: 100, breakEvenMonths: null, savingsPercent: { "24": -5000, "36": -3000 }, usdPerMillionTokens: 0.01 };
const WITH_CHEAP: CostSummary = { ...PROD, alternatives: [...PROD.alternatives, CHEAP] };

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
    expect(legend).toContain("on-prem");
    for (const series of ["claude-sonnet-4.5", "my-contract", "aws-p5"]) expect(legend.some((t) => t.startsWith(`${series}: `))).toBe(true);
  });

  test("GIVEN break-evens inside the horizon WHEN rendered THEN each is marked and its alternative's label says when", () => {
    const all = elements(new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_" }).parse(svg));
    const markers = all.filter((e) => e.tag === "path" && e.node["@_aria-label"] === "break-even");
    expect(markers).toHaveLength(3);
    const labels = all.filter((e) => e.tag === "text").map((e) => textOf(e.node));
    expect(labels).toContain("aws-p5: breaks even after 9.8 months");
    expect(labels).toContain("claude-sonnet-4.5: breaks even after 9.5 months");
    expect(labels).toContain("prod: cumulative cost over 36 months");
  });

  test("GIVEN break-evens WHEN rendered THEN no text or label in the SVG carries floating-point noise", () => {
    const readable = [...svg.matchAll(/aria-label="([^"]*)"|>([^<]+)</g)].map((m) => m[1] ?? m[2]);
    expect(readable).toContain("break-even vs aws-p5: 9.8 months");
    expect(readable.filter((t) => /\d\.\d{3,}/.test(t))).toEqual([]);
  });

  test("GIVEN the same input WHEN rendered twice THEN the bytes are identical, with no clock or path in them", async () => {
    expect(await renderCostSvg("prod", PROD)).toBe(svg);
    expect(svg).not.toMatch(/\d{4}-\d{2}-\d{2}T|\/work\/|file:/);
  });

  test("GIVEN no break-even WHEN rendered THEN no marker is drawn and the alternative says it never breaks even", async () => {
    const dev = await renderCostSvg("dev", DEV, { horizonMonths: 24 });
    expect(dev).not.toContain('aria-label="break-even"');
    expect(dev).toContain("dev: cumulative cost over 24 months");
    expect(dev).toContain(">claude-sonnet-4.5: never breaks even (costs less per month than on-prem opex)</text>");
  });

  test("GIVEN a break-even past the horizon WHEN rendered THEN no marker, and the label says it is past the chart", async () => {
    const short = await renderCostSvg("prod", PROD, { horizonMonths: 6 });
    expect(short).not.toContain('aria-label="break-even"');
    expect(short).toContain(">aws-p5: breaks even after 9.8 months, past this chart</text>");
  });

  test("GIVEN close and equal break-evens WHEN laid out THEN no text sits on the plot and no two labels overlap", async () => {
    // claude-sonnet-4.5 and my-contract break even at the same month, aws-p5 0.3 months later.
    const { items, width, height } = await scene("prod", PROD);
    const plot = { x1: 0, y1: 0, x2: width, y2: height };
    const texts = items.filter((i) => i.marktype === "text");
    expect(texts.filter((t) => overlaps(t.box, plot)).map((t) => t.text)).toEqual([]);
    const labels = texts.filter((t) => t.role === "legend-label");
    expect(labels.map((l) => l.text)).toEqual([
      "on-prem",
      "claude-sonnet-4.5: breaks even after 9.5 months",
      "my-contract: breaks even after 9.5 months",
      "aws-p5: breaks even after 9.8 months",
    ]);
    for (const [i, a] of labels.entries()) for (const b of labels.slice(i + 1)) expect(overlaps(a.box, b.box)).toBe(false);
    // The markers themselves sit on the crossings, inside the plot.
    const markers = items.filter((i) => i.description === "break-even");
    expect(markers).toHaveLength(3);
    for (const m of markers) expect(overlaps(m.box, plot)).toBe(true);
  });

  test("GIVEN series within 10× of each other WHEN charted THEN the cost axis is linear from 0", () => {
    // PROD over 36 months: on-prem $660k + 36 × $13,064 ≈ $1.13M, the dearest ≈ $2.97M: 2.6× apart.
    expect(costChartData(PROD, 36).scale).toBe("linear");
    const spec = costChartSpec("prod", PROD) as unknown as { layer: { encoding: { y?: { scale?: unknown } } }[] };
    expect(spec.layer[0].encoding.y?.scale).toEqual({ type: "linear", zero: true });
  });

  test("GIVEN an alternative 825× cheaper than the dearest line WHEN charted THEN the axis is logarithmic and its line is not flattened", async () => {
    // cheap-api: 36 × $100 = $3,600 against aws-p5's ≈ $2.97M.
    const data = costChartData(WITH_CHEAP, 36);
    expect(data.scale).toBe("log");
    const spec = costChartSpec("prod", WITH_CHEAP) as unknown as { layer: { encoding: { y?: { title?: string; scale?: unknown; axis?: { values?: number[] } } } }[] };
    const y = spec.layer[0].encoding.y!;
    expect(y.title).toBe("Cumulative cost (USD, log scale)");
    expect(y.axis?.values).toEqual([100, 1000, 10_000, 100_000, 1_000_000, 10_000_000]);
    expect(y.scale).toEqual({ type: "log", domain: [100, 10_000_000], nice: false });
    const { items, height } = await scene("prod", WITH_CHEAP);
    const cheap = items.filter((i) => i.marktype === "line" && i.datum?.series === "cheap-api");
    // Months 1 to 36 (a log axis has no month-0 cost of $0): $100 to $3,600 spans 1.56 of 5 decades.
    expect(cheap).toHaveLength(36);
    const ys = cheap.map((i) => i.y);
    expect((Math.max(...ys) - Math.min(...ys)) / height).toBeCloseTo(Math.log10(36) / 5, 2);
    expect(items.filter((i) => i.role === "legend-label").map((l) => l.text)).toContain(
      "cheap-api: never breaks even (costs less per month than on-prem opex)",
    );
  });

  test("powers of ten bracket the values", () => {
    expect(powersOfTen(380, 2.2e6)).toEqual([100, 1000, 10_000, 100_000, 1_000_000, 10_000_000]);
    expect(powersOfTen(1000, 1000)).toEqual([1000]);
    expect(powersOfTen(0.5, 20)).toEqual([0.1, 1, 10, 100]);
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
