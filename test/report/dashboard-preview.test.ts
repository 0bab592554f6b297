import { existsSync, readFileSync, readdirSync } from "fs";
import { join, resolve } from "path";
import fc from "fast-check";
import { XMLValidator } from "fast-xml-parser";
import {
  type PreviewPanelJson,
  type DashboardPreview,
  labelValues,
  legendNames,
  parsePreviewDashboard,
  placeRowPanels,
  previewRows,
  renderDashboardPreview,
  sampleRange,
  sampleSeries,
} from "../../report/dashboard-preview";
import type { GeneratedDashboard } from "../../report/dashboards";
import { PREVIEW_COMMAND, PREVIEW_DIR, previewDashboards } from "../../scripts/render-dashboard-previews";

const REPO = resolve(__dirname, "..", "..");
const DASHBOARDS: GeneratedDashboard[] = previewDashboards(REPO);
const UIDS = DASHBOARDS.map((d) => d.uid);
const byUid = (uid: string): GeneratedDashboard => DASHBOARDS.find((d) => d.uid === uid)!;

/** How a title is written inside a `<text>` element. */
const xmlText = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function panel(title: string, gridPos: { x: number; y: number; w: number; h: number }, extra: Partial<PreviewPanelJson> = {}): PreviewPanelJson {
  return { type: "timeseries", title, gridPos, ...extra };
}

let PREVIEWS: Map<string, DashboardPreview>;
beforeAll(async () => {
  PREVIEWS = new Map();
  for (const d of DASHBOARDS) PREVIEWS.set(d.uid, await renderDashboardPreview(d.json));
});

describe("renderDashboardPreview", () => {
  test("GIVEN prod WHEN previewed THEN there is one preview per dashboard: models, GPUs and teams", () => {
    expect(UIDS).toEqual(["aif-prod-models", "aif-prod-gpus", "aif-prod-teams"]);
  });

  test.each(UIDS)("GIVEN %s WHEN rendered twice THEN the bytes are identical, well-formed, with no generated id, clock or path", async (uid) => {
    const first = PREVIEWS.get(uid)!;
    const second = await renderDashboardPreview(byUid(uid).json);
    expect(second.svg).toBe(first.svg);
    expect(XMLValidator.validate(first.svg)).toBe(true);
    expect(first.svg.endsWith("</svg>\n")).toBe(true);
    // vega numbers clip paths and gradients with a process-wide counter: none may appear.
    expect(first.svg).not.toMatch(/\sid="|clip-path|\d{4}-\d{2}-\d{2}T|\/work\/|file:/);
  });

  test("GIVEN another time zone WHEN rendered THEN the bytes are the same (the time axis is UTC)", async () => {
    const before = process.env.TZ;
    process.env.TZ = "Pacific/Chatham";
    try {
      expect((await renderDashboardPreview(byUid("aif-prod-gpus").json)).svg).toBe(PREVIEWS.get("aif-prod-gpus")!.svg);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  test.each(UIDS)("GIVEN %s WHEN rendered THEN the header says sample data and the title names it", (uid) => {
    const { svg, title } = PREVIEWS.get(uid)!;
    expect(svg).toContain(">SAMPLE DATA</text>");
    expect(svg).toContain(`<title>${xmlText(title)} (sample data)</title>`);
    expect(svg).toContain("Not measurements: each query is drawn as a seeded random walk");
  });

  test.each(UIDS)("GIVEN %s WHEN rendered THEN every panel title of the rows drawn appears, and every row title", (uid) => {
    const preview = PREVIEWS.get(uid)!;
    const rows = previewRows(parsePreviewDashboard(byUid(uid).json));
    for (const row of rows) {
      expect(preview.svg).toContain(`>${xmlText(row.title)}<tspan`);
      if (!row.drawn) continue;
      for (const p of row.panels) expect({ row: row.title, panel: p.title, found: preview.svg.includes(`>${xmlText(p.title)}</text>`) }).toEqual({ row: row.title, panel: p.title, found: true });
    }
    const drawnPanels = rows.filter((r) => r.drawn).flatMap((r) => r.panels);
    expect(preview.svg.match(/<g class="panel" /g)).toHaveLength(drawnPanels.length);
    // One vega chart per time series; stats are numbers drawn directly.
    expect(preview.svg.match(/<svg x="/g)).toHaveLength(drawnPanels.filter((p) => p.type === "timeseries").length);
  });

  test("GIVEN prod's models WHEN previewed THEN the cost row and the first model are open, the other models collapsed, and the caption says so", () => {
    const preview = PREVIEWS.get("aif-prod-models")!;
    expect(preview.drawnRows).toEqual(["Cost: planned against live", "Model coder: 8 × 2 nvidia.com/gpu on h200"]);
    expect(preview.collapsedRows).toEqual(["Model gpt-oss-120b: 3 × 1 nvidia.com/gpu on h200", "Model llama-3.3-70b: 2 × 2 nvidia.com/gpu on h200"]);
    expect(preview.svg).toContain("Collapsed here to keep the image readable");
    expect(preview.svg).toContain("(8 panels, collapsed in this preview)");
    expect(preview.svg.match(/data-collapsed="true"/g)).toHaveLength(2);
  });

  test("GIVEN prod's GPUs and teams WHEN previewed THEN the one pool is open; all teams and the first team are open", () => {
    expect([PREVIEWS.get("aif-prod-gpus")!.drawnRows, PREVIEWS.get("aif-prod-gpus")!.collapsedRows]).toEqual([["Pool h200: 4 × hgx-h200-8 (8 × h200)"], []]);
    expect(PREVIEWS.get("aif-prod-gpus")!.svg).not.toContain("Collapsed here");
    expect(PREVIEWS.get("aif-prod-teams")!.drawnRows).toEqual(["All teams", "Team assistant: 1 model"]);
    expect(PREVIEWS.get("aif-prod-teams")!.collapsedRows).toEqual(["Team developers: 3 models", "Team documents: 1 model"]);
  });

  test("GIVEN placeholder legends WHEN previewed THEN they are filled with the values the queries name", () => {
    const gpus = PREVIEWS.get("aif-prod-gpus")!.svg;
    for (const host of ["gpu-prod-01 GPU 0", "gpu-prod-02 GPU 1", "gpu-prod-03 GPU 2", "gpu-prod-04 GPU 3"]) expect(gpus).toContain(`>${host}</text>`);
    const models = PREVIEWS.get("aif-prod-models")!.svg;
    for (const model of ["coder", "gpt-oss-120b", "llama-3.3-70b"]) expect(models).toContain(`>${model}</text>`);
    expect(models).not.toContain("{{");
  });
});

describe("placeRowPanels", () => {
  test("GIVEN a panel past the 24th column (a stat of 6 then three of 8) WHEN placed THEN it is pulled inside the grid and moved below the one it overlaps", () => {
    const placed = placeRowPanels([
      panel("a", { x: 0, y: 1, w: 6, h: 8 }, { type: "stat" }),
      panel("b", { x: 6, y: 1, w: 8, h: 8 }),
      panel("c", { x: 14, y: 1, w: 8, h: 8 }),
      panel("d", { x: 22, y: 1, w: 8, h: 8 }),
    ]);
    expect(placed.map((p) => [p.panel.title, p.x, p.y, p.w, p.h])).toEqual([
      ["a", 0, 0, 6, 8],
      ["b", 6, 0, 8, 8],
      ["c", 14, 0, 8, 8],
      ["d", 16, 8, 8, 8],
    ]);
  });

  test("every placed panel lies inside the 24 columns and no two overlap", () => {
    const grid = fc.array(fc.record({ x: fc.nat(30), y: fc.nat(30), w: fc.integer({ min: 1, max: 24 }), h: fc.integer({ min: 1, max: 10 }) }), { maxLength: 12 });
    fc.assert(
      fc.property(grid, (positions) => {
        const placed = placeRowPanels(positions.map((g, i) => panel(`p${i}`, g)));
        expect(placed).toHaveLength(positions.length);
        for (const [i, a] of placed.entries()) {
          expect(a.x + a.w).toBeLessThanOrEqual(24);
          for (const b of placed.slice(i + 1)) expect(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h).toBe(false);
        }
      }),
    );
  });
});

describe("sampleSeries", () => {
  const units = ["percent", "percentunit", "s", "reqps", "currencyUSD", "mbytes", "watt", "celsius", "none", "short"];

  test("GIVEN any unit and seed WHEN sampled THEN every value lies in the unit's range and the series is the same each time", () => {
    fc.assert(
      fc.property(fc.constantFrom(...units), fc.string(), fc.string(), (unit, title, seed) => {
        const p = panel(title, { x: 0, y: 0, w: 8, h: 8 }, { fieldConfig: { defaults: { unit } }, targets: [{ expr: "up", legendFormat: "a" }, { expr: "up", legendFormat: "b" }] });
        const series = sampleSeries(p, new Map(), seed);
        const { lo, hi } = sampleRange(unit, title);
        for (const s of series) for (const v of s.values) expect(v >= lo && v <= hi).toBe(true);
        expect(sampleSeries(p, new Map(), seed)).toEqual(series);
      }),
    );
  });

  test("GIVEN percent, ratio, seconds and token panels WHEN sampled THEN they are shaped by the unit", () => {
    expect(sampleRange("percent", "GPU utilization")).toEqual({ lo: 15, hi: 95 });
    expect(sampleRange("percentunit", "KV-cache use").hi).toBeLessThanOrEqual(1);
    expect(sampleRange("s", "Time to first token").hi).toBeLessThan(1);
    expect(sampleRange("short", "Tokens per second").lo).toBeGreaterThanOrEqual(1000);
    expect(sampleRange("short", "Requests waiting and running").hi).toBeLessThan(100);
  });

  test("GIVEN a latency target vector(0.05) WHEN sampled THEN the target is flat at 0.05 and the percentiles walk below it, p50 under p95", () => {
    const p = panel("Inter-token latency", { x: 0, y: 0, w: 8, h: 8 }, {
      fieldConfig: { defaults: { unit: "s", min: 0 } },
      targets: [
        { expr: "histogram_quantile(0.5, x)", legendFormat: "p50" },
        { expr: "histogram_quantile(0.95, x)", legendFormat: "p95" },
        { expr: "vector(0.05)", legendFormat: "target" },
      ],
    });
    const [p50, p95, target] = sampleSeries(p, new Map(), "uid");
    expect(target).toEqual({ name: "target", constant: true, values: Array(73).fill(0.05) });
    expect(Math.max(...p50.values, ...p95.values)).toBeLessThan(0.05);
    const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(p50.values)).toBeLessThan(mean(p95.values));
  });

  test("GIVEN a planned figure WHEN sampled THEN it is drawn flat", () => {
    const p = panel("$ per million tokens", { x: 0, y: 0, w: 8, h: 8 }, {
      fieldConfig: { defaults: { unit: "currencyUSD" } },
      targets: [{ expr: 'ai_factory:usd_per_mtok_planned{environment="prod"}', legendFormat: "planned" }, { expr: "ai_factory:usd_per_mtok:live5m", legendFormat: "live" }],
    });
    const [planned, live] = sampleSeries(p, new Map(), "uid");
    expect(planned.constant).toBe(true);
    expect(new Set(planned.values).size).toBe(1);
    expect(live.constant).toBe(false);
    expect(new Set(live.values).size).toBeGreaterThan(10);
  });
});

describe("legendNames", () => {
  test("GIVEN queries naming label values WHEN a legend has placeholders THEN each series takes the next value, at most four", () => {
    const values = labelValues(parsePreviewDashboard(byUid("aif-prod-gpus").json));
    expect(values.get("Hostname")).toEqual(["gpu-prod-01", "gpu-prod-02", "gpu-prod-03", "gpu-prod-04"]);
    expect(legendNames("{{Hostname}} GPU {{gpu}}", values)).toEqual(["gpu-prod-01 GPU 0", "gpu-prod-02 GPU 1", "gpu-prod-03 GPU 2", "gpu-prod-04 GPU 3"]);
    expect(legendNames("{{unknown}}", values)).toEqual(["0", "1", "2"]);
    expect(legendNames("requests", values)).toEqual(["requests"]);
  });
});

describe("parsePreviewDashboard", () => {
  test("throws when the text is not JSON", () => {
    expect(() => parsePreviewDashboard("{")).toThrow(/^dashboard-preview: \$: not JSON: .*; pass the `json` of a dashboard from environmentDashboards\(\)$/);
  });

  test("throws when a panel has no grid position", () => {
    const json = JSON.stringify({ uid: "u", title: "t", panels: [{ type: "row", title: "r", gridPos: { x: 0, y: 0, w: 24, h: 1 }, panels: [{ type: "stat", title: "s" }] }] });
    expect(() => parsePreviewDashboard(json)).toThrow("dashboard-preview: u: panels[0].panels[0] (s): gridPos must hold whole x, y ≥ 0 and w, h ≥ 1, got undefined");
  });
});

describe(`committed previews in ${PREVIEW_DIR}/`, () => {
  const dir = join(REPO, PREVIEW_DIR);
  const stale = (file: string, why: string): string =>
    `${PREVIEW_DIR}/${file} ${why}: the dashboards changed since the previews were rendered. Run \`${PREVIEW_COMMAND}\` (npm run dashboards:previews) and commit ${PREVIEW_DIR}/.`;

  test.each(UIDS)("GIVEN %s WHEN rendered now THEN the committed SVG is byte for byte the same", (uid) => {
    const file = join(dir, `${uid}.svg`);
    if (!existsSync(file)) throw new Error(stale(`${uid}.svg`, "is missing"));
    const committed = readFileSync(file, "utf8");
    const now = PREVIEWS.get(uid)!.svg;
    if (committed !== now) {
      const line = committed.split("\n").findIndex((l, i) => l !== now.split("\n")[i]) + 1;
      throw new Error(stale(`${uid}.svg`, `is out of date (first difference on line ${line})`));
    }
  });

  test("GIVEN the committed files WHEN listed THEN there is an SVG and a PNG for each dashboard and nothing else", () => {
    const files = readdirSync(dir).filter((f) => /\.(svg|png)$/.test(f)).sort();
    expect(files).toEqual(UIDS.flatMap((uid) => [`${uid}.png`, `${uid}.svg`]).sort());
  });

  // Fonts differ across machines, so PNGs are not compared byte for byte: only their kind and size.
  test.each(UIDS)("GIVEN %s WHEN its PNG is read THEN it is a PNG of the preview's size with a picture in it", (uid) => {
    const file = join(dir, `${uid}.png`);
    if (!existsSync(file)) throw new Error(stale(`${uid}.png`, "is missing"));
    const png = readFileSync(file);
    expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    expect(png.subarray(12, 16).toString("ascii")).toBe("IHDR");
    const { widthPx, heightPx } = PREVIEWS.get(uid)!;
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([widthPx, heightPx]);
    // A blank picture of this size compresses to a few KB; charts with text are far larger.
    expect(png.length).toBeGreaterThan(50_000);
  });
});
