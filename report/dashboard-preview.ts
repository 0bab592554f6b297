/**
 * A static picture of a generated Grafana dashboard, for the README: the panels laid out from
 * their `gridPos` on Grafana's 24-column grid, each time series drawn by vega-lite (rendered to
 * SVG in Node, as report/cost-svg.ts does) over SAMPLE data, each stat as a big number.
 *
 * Sample, not measured: every query becomes a seeded random walk (seed: dashboard uid, panel
 * title, series name), shaped by its panel's unit (percent 0–100, ratios 0–1, seconds small,
 * tokens per second in thousands). Constant queries (`vector(N)`, the planned figures) are drawn
 * flat and dashed, at N when the query says it. The header says "SAMPLE DATA".
 *
 * Readable: Grafana opens every row of these dashboards collapsed; the preview expands the rows
 * that are one of a kind (the cost row, all teams) and the first row of each repeated kind (the
 * first model, pool or team: rows whose titles start with the same word), and draws the others
 * as collapsed bars. The caption names both.
 *
 * Deterministic: same JSON, same bytes, on any machine and in any time zone (UTC axis, a fixed
 * 6-hour window, no clock, no clip paths or other generated ids).
 */
import * as vega from "vega";
import * as vegaLite from "vega-lite";
import type { TopLevelSpec } from "vega-lite";

/** Grafana's grid: 24 columns; a height unit is 30 px plus an 8 px gap. */
export const GRID_COLUMNS = 24;
const CELL_PX = 30;
const GAP_PX = 8;
/** One grid column, gap included: 24 × 64 − 8 = 1528 px of panels. */
const COLUMN_PX = 64;
const MARGIN_PX = 16;
const ROW_BAR_PX = CELL_PX;
const PANEL_TITLE_PX = 28;
/** Header text is wrapped at this many characters (13 px sans-serif over 1528 px). */
const CAPTION_CHARS = 220;

/** The sample window: 6 hours (the dashboards' default range), a point every 5 minutes, in UTC. */
const SAMPLE_START_MS = Date.UTC(2025, 0, 1, 6, 0, 0);
const SAMPLE_STEP_MS = 5 * 60_000;
const SAMPLE_POINTS = 73;
/** A placeholder legend (`{{model_name}}`) is drawn as at most this many series. */
const MAX_SERIES_PER_TARGET = 4;

/** Grafana's light-theme classic palette, in its order. */
const PALETTE = ["#56a64b", "#e0b400", "#3274d9", "#ff780a", "#e02f44", "#a352cc", "#8ab8ff", "#96d98d"];
const STAT_COLOR = "#37872d";
const LEGEND_FONT_PX = 11;

/** The parts of a panel the preview reads. */
export interface PreviewPanelJson {
  readonly type: string;
  readonly title: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly collapsed?: boolean;
  readonly fieldConfig?: { readonly defaults?: { readonly unit?: string; readonly min?: number; readonly max?: number } };
  readonly targets?: readonly { readonly expr?: string; readonly legendFormat?: string; readonly refId?: string }[];
  /** A collapsed row's panels. */
  readonly panels?: readonly PreviewPanelJson[];
}

/** The parts of a dashboard the preview reads. */
export interface PreviewDashboardJson {
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly PreviewPanelJson[];
}

/** A row of the dashboard and whether the preview draws its panels. */
export interface PreviewRow {
  /** Empty for panels above the first row. */
  readonly title: string;
  readonly panels: readonly PreviewPanelJson[];
  /** False for the second and later rows of a repeated kind: drawn as a collapsed bar. */
  readonly drawn: boolean;
}

/** A panel placed on the grid, `y` counted from the top of its row's content. */
export interface PlacedPanel {
  readonly panel: PreviewPanelJson;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** One series of sample data. */
export interface SampleSeries {
  readonly name: string;
  /** Drawn flat and dashed: a `vector(N)` or a planned figure. */
  readonly constant: boolean;
  /** SAMPLE_POINTS values, oldest first. */
  readonly values: readonly number[];
}

/** A rendered preview. */
export interface DashboardPreview {
  readonly uid: string;
  readonly title: string;
  /** The SVG document, with a final newline. */
  readonly svg: string;
  readonly widthPx: number;
  readonly heightPx: number;
  /** Titles of the rows drawn expanded, in dashboard order. */
  readonly drawnRows: readonly string[];
  /** Titles of the rows drawn collapsed, in dashboard order. */
  readonly collapsedRows: readonly string[];
}

function fail(where: string, message: string): never {
  throw new Error(`dashboard-preview: ${where}: ${message}`);
}

/** Parses and checks the parts of a dashboard's JSON the preview needs; throws naming the first bad one. */
export function parsePreviewDashboard(json: string): PreviewDashboardJson {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    fail("$", `not JSON: ${(e as Error).message}; pass the \`json\` of a dashboard from environmentDashboards()`);
  }
  const d = data as Partial<PreviewDashboardJson> | null;
  if (d === null || typeof d !== "object" || typeof d.uid !== "string" || typeof d.title !== "string" || !Array.isArray(d.panels)) {
    fail("$", "expected a dashboard with uid, title and panels");
  }
  const check = (panels: readonly PreviewPanelJson[], path: string): void =>
    panels.forEach((p, i) => {
      const at = `${d.uid}: ${path}[${i}]`;
      const g = p?.gridPos;
      if (typeof p?.title !== "string" || typeof p.type !== "string") fail(at, "a panel needs a type and a title");
      if (!g || ![g.x, g.y, g.w, g.h].every((n) => Number.isInteger(n) && n >= 0) || g.w < 1 || g.h < 1) {
        fail(`${at} (${p.title})`, `gridPos must hold whole x, y ≥ 0 and w, h ≥ 1, got ${JSON.stringify(g)}`);
      }
      if (p.panels !== undefined) check(p.panels, `${path}[${i}].panels`);
    });
  check(d.panels, "panels");
  return d as PreviewDashboardJson;
}

/** The kind of a row: the first word of its title (`Model coder: …` → `Model`). */
function rowKind(title: string): string {
  return title.split(/[\s:]/)[0];
}

/**
 * The dashboard's rows, collapsed (panels nested) or open (panels following), each marked drawn
 * unless an earlier row has the same kind.
 */
export function previewRows(dashboard: PreviewDashboardJson): PreviewRow[] {
  const rows: { title: string; panels: PreviewPanelJson[] }[] = [];
  for (const panel of dashboard.panels) {
    if (panel.type === "row") rows.push({ title: panel.title, panels: [...(panel.panels ?? [])] });
    else if (rows.length === 0) rows.push({ title: "", panels: [panel] });
    else rows[rows.length - 1].panels.push(panel);
  }
  const seen = new Set<string>();
  return rows.map((row) => {
    const kind = rowKind(row.title);
    const drawn = row.title === "" || !seen.has(kind);
    seen.add(kind);
    return { ...row, drawn };
  });
}

const collides = (a: PlacedPanel, b: PlacedPanel): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * Grid positions of a row's panels, as Grafana's grid corrects them: `y` from the row's top, a
 * panel wider than the grid's remainder pulled back inside it (x + w ≤ 24), and a panel that then
 * overlaps one placed before it moved down below it.
 */
export function placeRowPanels(panels: readonly PreviewPanelJson[]): PlacedPanel[] {
  if (panels.length === 0) return [];
  const top = Math.min(...panels.map((p) => p.gridPos.y));
  const ordered = [...panels].sort((a, b) => a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x);
  const placed: PlacedPanel[] = [];
  for (const panel of ordered) {
    const w = Math.min(panel.gridPos.w, GRID_COLUMNS);
    let item: PlacedPanel = { panel, x: Math.min(panel.gridPos.x, GRID_COLUMNS - w), y: panel.gridPos.y - top, w, h: panel.gridPos.h };
    for (let hit = placed.find((p) => collides(p, item)); hit !== undefined; hit = placed.find((p) => collides(p, item))) {
      item = { ...item, y: hit.y + hit.h };
    }
    placed.push(item);
  }
  return placed;
}

/** FNV-1a, 32 bits: a seed from text, the same on every machine. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** mulberry32: a small seeded generator of uniform numbers in [0, 1); integer arithmetic only. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Where a panel's sample values live, by its unit (and, for plain counts, whether it counts tokens). */
export function sampleRange(unit: string, title: string): { lo: number; hi: number } {
  switch (unit) {
    case "percent":
      return { lo: 15, hi: 95 };
    case "percentunit":
      return { lo: 0.2, hi: 0.9 };
    case "s":
      return { lo: 0.02, hi: 0.6 };
    case "reqps":
      return { lo: 2, hi: 40 };
    case "currencyUSD":
      return { lo: 0.5, hi: 20 };
    case "mbytes":
      return { lo: 40_000, hi: 130_000 };
    case "watt":
      return { lo: 250, hi: 650 };
    case "celsius":
      return { lo: 40, hi: 75 };
    case "none":
      return { lo: 0, hi: 10 };
    default:
      return /token/i.test(title) ? { lo: 1000, hi: 9000 } : { lo: 0, hi: 24 };
  }
}

/** Label values named in the dashboard's queries (`model_name="coder"`, `Hostname=~"a|b"`), sorted. */
export function labelValues(dashboard: PreviewDashboardJson): Map<string, string[]> {
  const found = new Map<string, Set<string>>();
  const visit = (panels: readonly PreviewPanelJson[]): void => {
    for (const panel of panels) {
      for (const t of panel.targets ?? []) {
        for (const m of (t.expr ?? "").matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(=~|=)\s*"([^"]*)"/g)) {
          // Only plain values and plain alternations: `rule-(0)-match-0_.*` names no value.
          const values = m[2] === "=" ? [m[3]] : /^[\w.-]+(\|[\w.-]+)*$/.test(m[3]) ? m[3].split("|") : [];
          if (values.length > 0 && !found.has(m[1])) found.set(m[1], new Set());
          for (const v of values) found.get(m[1])!.add(v);
        }
      }
      visit(panel.panels ?? []);
    }
  };
  visit(dashboard.panels);
  return new Map([...found].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, [...v].sort()]));
}

/** The series names a legend format gives: each `{{label}}` filled with the values the queries name (else 0, 1, 2). */
export function legendNames(legendFormat: string, values: ReadonlyMap<string, readonly string[]>): string[] {
  const labels = [...legendFormat.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]);
  if (labels.length === 0) return [legendFormat];
  const known = labels.map((l) => values.get(l) ?? []);
  const count = Math.min(MAX_SERIES_PER_TARGET, Math.max(...known.map((v) => (v.length === 0 ? 3 : v.length))));
  return Array.from({ length: count }, (_, i) =>
    legendFormat.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, label: string) => {
      const v = values.get(label) ?? [];
      return v.length === 0 ? String(i) : v[i % v.length];
    }),
  );
}

/** A constant query: `vector(N)` (its value N), or a planned figure recorded as a constant (no value). */
function constantOf(expr: string): { constant: boolean; value?: number } {
  const vector = /^\s*vector\(\s*([0-9.eE+-]+)\s*\)\s*$/.exec(expr);
  if (vector) return { constant: true, value: Number(vector[1]) };
  return { constant: /(^|[:_])planned([:_{]|$)/.test(expr.split("{")[0]) };
}

/**
 * The panel's sample series, in target order: a mean-reverting random walk per series, seeded by
 * `seedPrefix`, the panel title and the series name; constants flat. With `vector(N)` lines in the
 * panel (a latency target, token limits), the walks stay below the lowest N.
 */
export function sampleSeries(panel: PreviewPanelJson, values: ReadonlyMap<string, readonly string[]>, seedPrefix: string): SampleSeries[] {
  const unit = panel.fieldConfig?.defaults?.unit ?? "none";
  const targets = (panel.targets ?? []).map((t) => ({ ...constantOf(t.expr ?? ""), names: legendNames(t.legendFormat || t.refId || panel.title, values) }));
  const limits = targets.flatMap((t) => (t.value !== undefined && t.value > 0 ? [t.value] : []));
  const range = limits.length > 0 ? { lo: 0.2 * Math.min(...limits), hi: 0.9 * Math.min(...limits) } : sampleRange(unit, panel.title);
  const span = range.hi - range.lo;
  const walks = targets.flatMap((t) => t.names.filter(() => !t.constant));
  const out: SampleSeries[] = [];
  for (const t of targets) {
    for (const name of t.names) {
      if (t.constant) {
        out.push({ name, constant: true, values: Array<number>(SAMPLE_POINTS).fill(t.value ?? range.lo + 0.8 * span) });
        continue;
      }
      // Series sit at increasing levels in target order (p50 under p95, waiting under running).
      const rank = walks.indexOf(name);
      const mean = range.lo + span * (walks.length === 1 ? 0.5 : 0.25 + (0.5 * rank) / (walks.length - 1));
      const random = seeded(fnv1a(`${seedPrefix}/${panel.title}/${name}`));
      let v = mean + span * 0.2 * (random() - 0.5);
      const series: number[] = [];
      for (let i = 0; i < SAMPLE_POINTS; i++) {
        // Irwin–Hall noise (three uniforms): bell-shaped without transcendental functions.
        v += 0.15 * (mean - v) + span * 0.12 * (random() + random() + random() - 1.5);
        v = Math.min(range.hi, Math.max(range.lo, v));
        series.push(v);
      }
      out.push({ name, constant: false, values: series });
    }
  }
  return out;
}

/** A vega expression that writes an axis value in the panel's unit, as Grafana would. */
export function axisLabelExpr(unit: string): string {
  const v = "datum.value";
  switch (unit) {
    case "percent":
      return `format(${v}, '.0f') + '%'`;
    case "percentunit":
      return `format(${v}, '.0%')`;
    case "s":
      return `${v} === 0 ? '0' : ${v} < 1 ? format(${v} * 1000, '~r') + ' ms' : format(${v}, '~r') + ' s'`;
    case "reqps":
      return `format(${v}, '~s') + ' req/s'`;
    case "currencyUSD":
      return `'$' + format(${v}, ${v} >= 1000 ? '.3~s' : ',.2~f')`;
    case "mbytes":
      return `${v} >= 1024 ? format(${v} / 1024, ',.0f') + ' GiB' : ${v} === 0 ? '0' : format(${v}, '~r') + ' MiB'`;
    case "watt":
      return `${v} >= 1000 ? format(${v} / 1000, '~r') + ' kW' : format(${v}, '~r') + ' W'`;
    case "celsius":
      return `format(${v}, '~r') + ' °C'`;
    default:
      return `format(${v}, '~s')`;
  }
}

/** A stat's number in the panel's unit. */
export function formatStat(unit: string, value: number): string {
  switch (unit) {
    case "percent":
      return `${value.toFixed(1)}%`;
    case "percentunit":
      return `${(value * 100).toFixed(1)}%`;
    case "s":
      return value < 1 ? `${(value * 1000).toFixed(0)} ms` : `${value.toFixed(2)} s`;
    case "reqps":
      return `${value.toFixed(1)} req/s`;
    case "currencyUSD":
      return `$${value.toFixed(2)}`;
    case "short":
    case "none":
      return String(Math.round(value));
    default:
      return Number(value.toPrecision(3)).toString();
  }
}

/** The vega-lite spec of a time-series panel over its sample data, sized to `widthPx` × `heightPx` in all. */
export function timeseriesSpec(panel: PreviewPanelJson, series: readonly SampleSeries[], widthPx: number, heightPx: number): TopLevelSpec {
  const defaults = panel.fieldConfig?.defaults ?? {};
  const unit = defaults.unit ?? "none";
  const names = series.map((s) => s.name);
  const values = series.flatMap((s) =>
    s.values.map((v, i) => ({ t: SAMPLE_START_MS + i * SAMPLE_STEP_MS, v, series: s.name, kind: s.constant ? "constant" : "sample" })),
  );
  const longest = Math.max(...names.map((n) => n.length));
  // Legend entries in as many columns as fit the panel, by vega's own estimate of text without a
  // canvas (0.8 × font size a character), plus the symbol and the padding.
  const columns = Math.max(1, Math.min(names.length, Math.floor(widthPx / (longest * 0.8 * LEGEND_FONT_PX + 36))));
  const x = { field: "t", type: "temporal" as const, title: null, scale: { type: "utc" as const }, axis: { format: "%H:%M", tickCount: 6 } };
  const y = {
    field: "v",
    type: "quantitative" as const,
    title: null,
    scale: { ...(defaults.min === undefined ? { zero: false } : { domainMin: defaults.min }), ...(defaults.max === undefined ? {} : { domainMax: defaults.max }) },
    axis: { labelExpr: axisLabelExpr(unit), tickCount: 5 },
  };
  const color = {
    field: "series",
    type: "nominal" as const,
    title: null,
    sort: names,
    scale: { domain: names, range: names.map((_, i) => PALETTE[i % PALETTE.length]) },
    legend: { orient: "bottom" as const, direction: "horizontal" as const, columns, symbolType: "stroke", symbolStrokeWidth: 3, symbolOpacity: 1, labelLimit: widthPx, labelFontSize: LEGEND_FONT_PX },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    width: widthPx,
    height: heightPx,
    autosize: { type: "fit", contains: "padding" },
    padding: 2,
    background: "white",
    config: {
      font: "sans-serif",
      view: { stroke: null },
      axis: { labelFontSize: 10, labelColor: "#464c54", gridColor: "#eceef0", domain: false, ticks: false },
    },
    data: { values },
    layer: [
      {
        // Grafana's fillOpacity 10 under each measured line; constants stay lines.
        transform: [{ filter: "datum.kind === 'sample'" }],
        mark: { type: "area", opacity: 0.08 },
        encoding: { x, y: { ...y, stack: null }, color },
      },
      {
        mark: { type: "line", strokeWidth: 1.5 },
        encoding: {
          x,
          y,
          color,
          strokeDash: { field: "kind", type: "nominal", scale: { domain: ["sample", "constant"], range: [[1, 0], [6, 4]] }, legend: null },
        },
      },
    ],
  };
}

/** Escapes text for SVG content and attribute values. */
function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Splits `text` at spaces into lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}

const px = (n: number): string => String(Math.round(n * 100) / 100);

async function vegaSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

async function panelSvg(placed: PlacedPanel, left: number, top: number, values: ReadonlyMap<string, readonly string[]>, uid: string): Promise<string> {
  const { panel } = placed;
  const x = left + placed.x * COLUMN_PX;
  const y = top + placed.y * (CELL_PX + GAP_PX);
  const w = placed.w * COLUMN_PX - GAP_PX;
  const h = placed.h * (CELL_PX + GAP_PX) - GAP_PX;
  const unit = panel.fieldConfig?.defaults?.unit ?? "none";
  const series = sampleSeries(panel, values, uid);
  const parts = [
    `<g class="panel" data-type="${xml(panel.type)}">`,
    `<rect x="${px(x)}" y="${px(y)}" width="${px(w)}" height="${px(h)}" rx="3" fill="#ffffff" stroke="#d8d9da"/>`,
    `<text x="${px(x + 10)}" y="${px(y + 19)}" font-size="13" font-weight="600" fill="#24292e">${xml(panel.title)}</text>`,
  ];
  const innerX = x + 6;
  const innerY = y + PANEL_TITLE_PX;
  const innerW = w - 12;
  const innerH = h - PANEL_TITLE_PX - 6;
  if (panel.type === "timeseries" && series.length > 0) {
    const chart = await vegaSvg(timeseriesSpec(panel, series, innerW, innerH));
    if (!chart.startsWith("<svg ")) fail(`${uid}: ${panel.title}`, "vega returned no SVG document");
    parts.push(chart.replace(/^<svg /, `<svg x="${px(innerX)}" y="${px(innerY)}" `));
  } else if (panel.type === "stat" && series.length > 0) {
    const last = series[0].values[series[0].values.length - 1];
    // graphMode "area": the series as a faint sparkline under the number.
    const lo = Math.min(...series[0].values);
    const hi = Math.max(...series[0].values);
    const sparkTop = innerY + innerH * 0.55;
    const sparkH = innerH * 0.45;
    const points = series[0].values.map((v, i) => `${px(innerX + (innerW * i) / (SAMPLE_POINTS - 1))},${px(sparkTop + sparkH * (hi === lo ? 0.5 : 1 - (v - lo) / (hi - lo)))}`);
    parts.push(
      `<path d="M${px(innerX)},${px(sparkTop + sparkH)}L${points.join("L")}L${px(innerX + innerW)},${px(sparkTop + sparkH)}Z" fill="${STAT_COLOR}" fill-opacity="0.12" stroke="none"/>`,
      `<path d="M${points.join("L")}" fill="none" stroke="${STAT_COLOR}" stroke-width="1.5"/>`,
      `<text x="${px(innerX + innerW / 2)}" y="${px(innerY + innerH * 0.42)}" text-anchor="middle" font-size="${px(Math.min(48, innerH / 3))}" font-weight="600" fill="${STAT_COLOR}">${xml(formatStat(unit, last))}</text>`,
    );
  } else {
    parts.push(`<text x="${px(x + w / 2)}" y="${px(y + h / 2)}" text-anchor="middle" font-size="13" fill="#6e7781">${xml(`${panel.type} panel (not drawn in the preview)`)}</text>`);
  }
  parts.push("</g>");
  return parts.join("\n");
}

function rowBar(title: string, y: number, width: number, open: boolean, panelCount: number): string {
  const x = MARGIN_PX;
  // A chevron pointing down for an open row, right for a collapsed one (drawn, not a glyph: fonts differ).
  const chevron = open ? `M${x + 2},${y + 11}l5,6l5,-6` : `M${x + 4},${y + 9}l6,5l-6,5`;
  const note = open ? "" : ` (${panelCount} panel${panelCount === 1 ? "" : "s"}, collapsed in this preview)`;
  return [
    `<g class="row" data-collapsed="${open ? "false" : "true"}">`,
    `<path d="${chevron}" fill="none" stroke="#24292e" stroke-width="1.6"/>`,
    `<text x="${x + 20}" y="${y + 20}" font-size="15" font-weight="600" fill="#24292e">${xml(title)}<tspan font-weight="400" fill="#6e7781">${xml(note)}</tspan></text>`,
    `<line x1="${x}" y1="${y + ROW_BAR_PX - 1}" x2="${x + width}" y2="${y + ROW_BAR_PX - 1}" stroke="#e4e6e8"/>`,
    "</g>",
  ].join("\n");
}

/** The caption under the title: what is drawn, what is collapsed, and that the data is a sample. */
export function previewCaption(rows: readonly PreviewRow[]): string {
  const drawn = rows.filter((r) => r.drawn && r.title !== "").map((r) => `“${r.title}”`);
  const collapsed = rows.filter((r) => !r.drawn).map((r) => `“${r.title}”`);
  return (
    `In Grafana every row starts collapsed. Drawn open here: ${drawn.join(", ")}.` +
    (collapsed.length === 0
      ? ""
      : ` Collapsed here to keep the image readable, each with the same panels as the open row of its kind: ${collapsed.join(", ")}.`)
  );
}

/**
 * Renders the preview of one dashboard: `json` is a dashboard's JSON as environmentDashboards()
 * writes it. Async because vega's renderer is.
 */
export async function renderDashboardPreview(json: string): Promise<DashboardPreview> {
  const dashboard = parsePreviewDashboard(json);
  const rows = previewRows(dashboard);
  const values = labelValues(dashboard);
  const contentWidth = GRID_COLUMNS * COLUMN_PX - GAP_PX;
  const widthPx = contentWidth + 2 * MARGIN_PX;

  const header: string[] = [];
  header.push(`<text x="${MARGIN_PX}" y="36" font-size="22" font-weight="700" fill="#24292e">${xml(dashboard.title)}</text>`);
  header.push(
    `<rect x="${MARGIN_PX}" y="50" width="104" height="22" rx="4" fill="#ff780a"/>`,
    `<text x="${MARGIN_PX + 52}" y="66" text-anchor="middle" font-size="12" font-weight="700" fill="#ffffff" letter-spacing="0.5">SAMPLE DATA</text>`,
    `<text x="${MARGIN_PX + 116}" y="66" font-size="13" fill="#24292e">${xml(
      `Not measurements: each query is drawn as a seeded random walk shaped by its panel's unit. Layout, titles, legends and units are the dashboard's own (uid ${dashboard.uid}).`,
    )}</text>`,
  );
  let y = 96;
  for (const line of wrap(previewCaption(rows), CAPTION_CHARS)) {
    header.push(`<text x="${MARGIN_PX}" y="${y}" font-size="13" fill="#464c54">${xml(line)}</text>`);
    y += 18;
  }
  y += 8;

  const body: string[] = [];
  for (const row of rows) {
    if (row.title !== "") {
      body.push(rowBar(row.title, y, contentWidth, row.drawn, row.panels.length));
      y += ROW_BAR_PX + GAP_PX;
    }
    if (!row.drawn) continue;
    const placed = placeRowPanels(row.panels);
    for (const p of placed) body.push(await panelSvg(p, MARGIN_PX, y, values, dashboard.uid));
    const bottom = Math.max(0, ...placed.map((p) => p.y + p.h));
    y += bottom * (CELL_PX + GAP_PX);
  }
  const heightPx = y + MARGIN_PX - GAP_PX;

  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}" viewBox="0 0 ${widthPx} ${heightPx}" font-family="sans-serif" role="img" aria-label="${xml(`${dashboard.title}, with sample data`)}">`,
    `<title>${xml(`${dashboard.title} (sample data)`)}</title>`,
    `<rect width="${widthPx}" height="${heightPx}" fill="#f4f5f5"/>`,
    ...header,
    ...body,
    "</svg>",
    "",
  ].join("\n");
  return {
    uid: dashboard.uid,
    title: dashboard.title,
    svg,
    widthPx,
    heightPx,
    drawnRows: rows.filter((r) => r.drawn && r.title !== "").map((r) => r.title),
    collapsedRows: rows.filter((r) => !r.drawn).map((r) => r.title),
  };
}
