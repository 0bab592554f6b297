/**
 * The plan review as a pull-request comment (`ai-factory diff --format md`, `ai-factory comment`):
 * dangers first, one headline per environment, then per environment its cost change (a table and
 * the cumulative cost as a Mermaid chart) and, folded in `<details>`, the resources, Helm values
 * and rendered manifests that differ. A review too long for a comment loses its folded parts from
 * the end, never the dangers, headlines or costs. The pieces both outputs share (headlines, danger
 * lines, the cost table, value formatting) are exported for report/plan-diff-text.ts.
 */
import { formatMonths, formatNumber, formatPercent, formatUsd, formatUsdWhole, plural } from "./format";
import { sortKeys } from "./sorted-json";
import type { AttributeChange, CostDelta, CostRow, Danger, EnvironmentDiff, PlanDiff, ResourceAction, ResourceChange } from "./plan-diff-types";
import { GITHUB_COMMENT_LIMIT, PLAN_REVIEW_MARKER } from "./plan-review-marker";
import { markdownTable, type CellInput, type TableData } from "./table";

// ---------------------------------------------------------------------------------------------
// Shared with the terminal renderer
// ---------------------------------------------------------------------------------------------

/** How emphasis and code read in one output: Markdown, or plain text for a terminal. */
export interface DiffStyle {
  readonly strong: (text: string) => string;
  readonly code: (text: string) => string;
}

/** A Markdown code span that holds any text, backticks included. */
export function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** Markdown: `**strong**` and code spans. */
export const MARKDOWN_STYLE: DiffStyle = { strong: (text) => `**${text}**`, code: codeSpan };

/** Plain text: no markup at all. */
export const PLAIN_STYLE: DiffStyle = { strong: (text) => text, code: (text) => text };

/** Longest value shown in a summary cell ("key changes"); longer ones end in `…`. */
export const KEY_CHANGE_VALUE_CHARS = 60;
/** Longest value shown in a table of Helm values. */
export const VALUE_TABLE_CHARS = 120;
/** Key changes listed per resource in the resource table; the rest are counted. */
const KEY_CHANGES_SHOWN = 5;

/** What a resource action reads as: Terraform's words. */
export const ACTION_WORDS: Readonly<Record<ResourceAction, string>> = {
  add: "add",
  remove: "destroy",
  update: "update",
  replace: "replace",
  move: "move",
};

/** `text` cut to `maxChars` characters (code points), the last one `…` when cut. */
function truncate(text: string, maxChars: number): string {
  const chars = Array.from(text);
  return chars.length <= maxChars ? text : `${chars.slice(0, maxChars - 1).join("")}…`;
}

/**
 * One value as it reads in a review: strings bare unless empty or holding whitespace (then
 * JSON-quoted, so `""` and `" a"` are visible), everything else as compact JSON with sorted keys.
 */
export function formatDiffValue(value: unknown, maxChars = KEY_CHANGE_VALUE_CHARS): string {
  let text: string;
  if (typeof value === "string") text = value === "" || /\s/.test(value) ? JSON.stringify(value) : value;
  else if (value === undefined) text = "(none)";
  else if (typeof value === "bigint") text = value.toString();
  // YAML's .nan and .inf parse to numbers JSON cannot hold: shown as JavaScript writes them.
  else if (typeof value === "number") text = String(value);
  else text = JSON.stringify(sortKeys(value, "plan-diff")) ?? String(value);
  return truncate(text, maxChars);
}

/** The two sides of a change, `(none)` for the missing one. */
export function changeSides(change: AttributeChange, style: DiffStyle, maxChars: number): { before: string; after: string } {
  return {
    before: change.kind === "added" ? "(none)" : style.code(formatDiffValue(change.before, maxChars)),
    after: change.kind === "removed" ? "(none)" : style.code(formatDiffValue(change.after, maxChars)),
  };
}

/** `path: before → after`, marked when it forces a replacement. */
export function changeText(change: AttributeChange, style: DiffStyle, maxChars = KEY_CHANGE_VALUE_CHARS): string {
  const { before, after } = changeSides(change, style, maxChars);
  return `${style.code(change.path)}: ${before} → ${after}${change.forcesReplacement === true ? " (forces replacement)" : ""}`;
}

/**
 * The changes a reviewer looks for first (image, replicas, GPUs, chart version, labels, taints,
 * storage), plus whatever forces a replacement, at most five and a count of the rest.
 */
export function keyChangeTexts(resource: ResourceChange, style: DiffStyle): string[] {
  const key = [...resource.changes, ...(resource.values ?? [])].filter((c) => c.topic !== "other" || c.forcesReplacement === true);
  const shown = key.slice(0, KEY_CHANGES_SHOWN).map((c) => changeText(c, style));
  if (key.length > KEY_CHANGES_SHOWN) shown.push(`… ${plural(key.length - KEY_CHANGES_SHOWN, "more")}`);
  return shown;
}

/** The address as the review shows it: `old → new` for a move. */
export function addressText(resource: ResourceChange, style: DiffStyle): string {
  if (resource.action === "move" && resource.from !== undefined) return `${style.code(resource.from)} → ${style.code(resource.address)}`;
  return style.code(resource.address);
}

/** Rows about an alternative (its monthly cost, break-even, savings): hidden when unchanged. */
function isAlternativeRow(row: CostRow): boolean {
  return row.unit === "months" || row.unit === "percent" || /break-even|savings|: monthly cost$/i.test(row.label);
}

/** The row the headline quotes. */
function isTcoRow(row: CostRow): boolean {
  return row.unit === "usd" && /\bTCO\b/i.test(row.label);
}

/** A value of a cost row by its unit; null is `never` for months, `n/a` otherwise. */
export function formatCostValue(value: number | null, unit: CostRow["unit"]): string {
  if (value === null) return unit === "months" ? "never" : "n/a";
  switch (unit) {
    case "usd":
      return formatUsdWhole(value);
    case "usd-per-million":
      return formatUsd(value);
    case "months":
      return formatMonths(value);
    case "percent":
      return formatPercent(value);
    case "count":
      return formatNumber(value);
    case "kw":
      return `${formatNumber(value, 1)} kW`;
  }
}

/** The size of a difference in the row's unit, unsigned. Percentages differ in points. */
function formatMagnitude(value: number, unit: CostRow["unit"]): string {
  return unit === "percent" ? `${formatNumber(value, 1)} pp` : formatCostValue(value, unit);
}

/** `+`, `-` (ASCII, as report/format.ts writes negatives) or nothing for zero. */
function sign(value: number): string {
  return value > 0 ? "+" : value < 0 ? "-" : "";
}

/**
 * The Change column: signed difference and, for amounts and counts, the relative change to one
 * decimal (`+$4,210 (+6.1%)`); `—` when equal; `new`/`gone` when a side has no value (for months:
 * `was never`/`now never`, since null there means "never breaks even").
 */
export function formatCostChange(row: CostRow): string {
  const { base, head, unit } = row;
  if (base === null && head === null) return "—";
  if (base === null) return unit === "months" ? "was never" : "new";
  if (head === null) return unit === "months" ? "now never" : "gone";
  const delta = head - base;
  if (delta === 0) return "—";
  const text = `${sign(delta)}${formatMagnitude(Math.abs(delta), unit)}`;
  if (unit === "months" || unit === "percent" || base === 0) return text;
  const relative = (delta / Math.abs(base)) * 100;
  return `${text} (${sign(relative)}${formatPercent(Math.abs(relative), 1)})`;
}

/** The cost table: `| | Baseline | New | Change |`, unchanged rows about alternatives left out. */
export function costDeltaTable(cost: CostDelta): { table: TableData; hiddenRows: number } {
  const rows = cost.rows.filter((row) => !(row.base === row.head && isAlternativeRow(row)));
  return {
    table: {
      head: ["", "Baseline", "New", "Change"],
      align: ["left", "right", "right", "right"],
      rows: rows.map((row) => {
        const cell = (text: string): CellInput => (isTcoRow(row) ? { text, strong: true } : text);
        return [cell(row.label), cell(formatCostValue(row.base, row.unit)), cell(formatCostValue(row.head, row.unit)), cell(formatCostChange(row))];
      }),
    },
    hiddenRows: cost.rows.length - rows.length,
  };
}

/** The monthly TCO part of a headline, or undefined when there is no TCO to quote. */
function tcoHeadline(env: EnvironmentDiff): string | undefined {
  const row = env.cost?.rows.find(isTcoRow);
  if (row === undefined || (row.base === null && row.head === null)) return undefined;
  if (row.base === null) return `monthly TCO ${formatUsdWhole(row.head!)}${env.status === "added" ? "" : " (new)"}`;
  if (row.head === null) return env.status === "removed" ? `monthly TCO was ${formatUsdWhole(row.base)}` : `monthly TCO gone (was ${formatUsdWhole(row.base)})`;
  if (row.base === row.head) return "monthly TCO unchanged";
  return `monthly TCO ${formatCostChange(row)}`;
}

/**
 * One line per environment that differs:
 * `prod: monthly TCO +$4,210 (+6.1%) · 1 added · 2 changed · 0 destroyed` (`· N replaced`,
 * `· N moved` only when non-zero; `new environment`/`environment removed` for a one-sided one).
 */
export function environmentHeadline(env: EnvironmentDiff, style: DiffStyle): string {
  const parts: string[] = [];
  if (env.status === "added") parts.push("new environment");
  if (env.status === "removed") parts.push("environment removed");
  const tco = tcoHeadline(env);
  if (tco !== undefined) parts.push(tco);
  const c = env.counts;
  if (env.status === "added") parts.push(`${formatNumber(c.added)} added`);
  else if (env.status === "removed") parts.push(`${formatNumber(c.destroyed)} destroyed`);
  else {
    parts.push(`${formatNumber(c.added)} added`, `${formatNumber(c.changed)} changed`, `${formatNumber(c.destroyed)} destroyed`);
    if (c.replaced > 0) parts.push(`${formatNumber(c.replaced)} replaced`);
    if (c.moved > 0) parts.push(`${formatNumber(c.moved)} moved`);
  }
  return `${style.strong(env.env)}: ${parts.join(" · ")}`;
}

/** `prod: destroy \`address\` — outcome remedy`; a move names its old address. */
export function dangerLine(env: string, danger: Danger, style: DiffStyle): string {
  const what = danger.action === "remove" ? "destroy" : danger.action === "replace" ? "replace" : "move";
  const from = danger.action === "move" && danger.from !== undefined ? ` from ${style.code(danger.from)}` : "";
  return `${style.strong(env)}: ${what} ${style.code(danger.address)}${from} — ${danger.outcome} ${danger.remedy}`;
}

/**
 * The danger lines of an environment: one per danger, except that two or more recreations
 * (moves that lose no data) share one line, as they share their outcome and remedy.
 */
export function dangerLines(env: EnvironmentDiff, style: DiffStyle): string[] {
  const recreations = env.dangers.filter((d) => d.severity === "recreate");
  const single = recreations.length < 2 ? env.dangers : env.dangers.filter((d) => d.severity !== "recreate");
  const lines = single.map((d) => dangerLine(env.env, d, style));
  if (recreations.length >= 2) {
    const byType = new Map<string, number>();
    for (const d of recreations) byType.set(d.type, (byType.get(d.type) ?? 0) + 1);
    const types = [...byType].map(([type, n]) => `${n} ${style.code(type)}`).join(", ");
    lines.push(
      `${style.strong(env.env)}: ${recreations.length} resources move to new addresses (${types}) — \`terraform apply\` destroys each old address and creates the new one; both manage the same object, so the create can fail, or the destroy can undo it. Move them in the state first (or use \`moveTo\`/\`moveFromId\` on the resources in cdktf).`,
    );
  }
  return lines;
}

/** The commands that avert the dangers, in danger order, environment by environment. */
export function dangerCommands(environments: readonly EnvironmentDiff[]): string[] {
  return environments.flatMap((e) => e.dangers.map((d) => d.command).filter((c): c is string => c !== undefined));
}

/** The environments sorted by name, whatever order they came in. */
export function sortedEnvironments(diff: PlanDiff): EnvironmentDiff[] {
  return [...diff.environments].sort((a, b) => (a.env < b.env ? -1 : a.env > b.env ? 1 : 0));
}

/** The resources of an environment sorted by address. */
export function sortedResources(env: EnvironmentDiff): ResourceChange[] {
  return [...env.resources].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/** Nothing differs anywhere and nothing was left out: the review says `No changes.` and stops. */
export function hasNoChanges(diff: PlanDiff): boolean {
  return diff.notes.length === 0 && diff.environments.every((e) => e.status === "unchanged" && e.notes.length === 0);
}

/** Notes that belong to no environment section: the snapshots', then those of unchanged environments. */
export function generalNotes(diff: PlanDiff, style: DiffStyle): string[] {
  const own = sortedEnvironments(diff).filter((e) => e.status === "unchanged").flatMap((e) => e.notes.map((n) => `${style.strong(e.env)}: ${n}`));
  return [...diff.notes, ...own];
}

/** Notes of a changed environment, with the resources whose manifests were not compared. */
export function environmentNotes(env: EnvironmentDiff, style: DiffStyle): string[] {
  const manifests = sortedResources(env)
    .filter((r) => r.manifestsNote !== undefined)
    .map((r) => `${style.code(r.address)}: rendered manifests not compared: ${r.manifestsNote}`);
  return [...env.notes, ...manifests];
}

// ---------------------------------------------------------------------------------------------
// The Markdown document
// ---------------------------------------------------------------------------------------------

/** Options of the Markdown review. */
export interface PlanDiffMarkdownOptions {
  /** Longest text to return, in UTF-16 code units (what GitHub counts). @default GITHUB_COMMENT_LIMIT */
  readonly limit?: number;
  /** File name of the full report, named in the note of a cut review. @default - the note says it was not kept */
  readonly fullReportName?: string;
}

/** The review: `text` fits the limit, `full` is the whole of it, `cut` says whether they differ. */
export interface PlanDiffMarkdown {
  readonly text: string;
  readonly full: string;
  readonly cut: boolean;
}

/** Chart colours: grey for the baseline, blue for the new side. */
const CHART_SERIES = [
  { side: "base", colour: "#9e9e9e", colourName: "grey", name: "the baseline" },
  { side: "head", colour: "#1f77b4", colourName: "blue", name: "the new side" },
] as const;

/** Most points on the chart's x-axis (plus the last month), so the block stays small. */
const CHART_MAX_POINTS = 20;

/** Characters kept free under the limit when cutting, at most 1,000 (5% of a small limit). */
function headroomFor(limit: number): number {
  return Math.min(1000, Math.floor(limit * 0.05));
}

/**
 * How urgent a block is, which decides what a cut keeps: 0 always; 1 dangers, headlines, notes;
 * 2 an environment's heading, costs and notes; 3 the folded details.
 */
type Level = 0 | 1 | 2 | 3;

/**
 * A self-contained piece of the document (every fence and `<details>` it opens, it closes).
 * `items` can be shown in part: the head, the first items, `more(hidden)`, the tail.
 */
interface Block {
  readonly level: Level;
  readonly head: readonly string[];
  readonly items: readonly (readonly string[])[];
  readonly tail: readonly string[];
  readonly more?: (hidden: number) => readonly string[];
}

function block(level: Level, lines: readonly string[]): Block {
  return { level, head: lines, items: [], tail: [] };
}

function renderBlock(b: Block, shown = b.items.length): string {
  const more = shown < b.items.length && b.more !== undefined ? b.more(b.items.length - shown) : [];
  return [...b.head, ...b.items.slice(0, shown).flat(), ...more, ...b.tail].join("\n");
}

/** HTML text (inside `<summary>`). */
function html(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A fence longer than any run of backticks in `text`, so the text cannot close it. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return "`".repeat(Math.max(3, longest + 1));
}

/** Months on the chart: every month up to 20, else every 2nd, 3rd, 6th… month, and the last. */
export function chartMonths(months: number): number[] {
  const step = [1, 2, 3, 6, 12].find((s) => months / s <= CHART_MAX_POINTS) ?? Math.ceil(months / CHART_MAX_POINTS);
  const points: number[] = [];
  for (let month = 0; month <= months; month += step) points.push(month);
  if (points[points.length - 1] !== months) points.push(months);
  return points;
}

/** The cumulative cost as a Mermaid `xychart-beta` (which GitHub renders), or nothing without data. */
function cumulativeChart(diff: PlanDiff, env: string, cost: CostDelta): string[] {
  const series = CHART_SERIES.map((s) => ({ ...s, values: cost.cumulative[s.side] })).filter(
    (s): s is typeof s & { values: readonly number[] } => s.values !== null && s.values.length > 0,
  );
  if (series.length === 0) return [];
  const last = Math.max(0, Math.min(cost.cumulative.months, ...series.map((s) => s.values.length - 1)));
  const months = chartMonths(last);
  const label = (s: (typeof series)[number]): string => `${s.colourName} is ${s.name} (${codeSpan(s.side === "base" ? diff.base : diff.head)})`;
  return [
    "```mermaid",
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${series.map((s) => s.colour).join(", ")}"}}}}%%`,
    "xychart-beta",
    `    title "Cumulative on-prem cost, ${env.replace(/"/g, "")}"`,
    `    x-axis "Month" [${months.map((m) => `"${m}"`).join(", ")}]`,
    `    y-axis "Thousand USD"`,
    ...series.map((s) => `    line [${months.map((m) => (s.values[m] / 1000).toFixed(1)).join(", ")}]`),
    "```",
    "",
    `Cumulative on-prem cost in thousands of USD by month: ${series.map(label).join("; ")}.`,
  ];
}

/** An environment's heading, cost table, chart and notes: kept by a cut. */
function environmentBlock(diff: PlanDiff, env: EnvironmentDiff): Block {
  const lines = [`#### ${env.env}`];
  if (env.cost !== undefined) {
    const { table, hiddenRows } = costDeltaTable(env.cost);
    lines.push("", ...markdownTable(table));
    if (hiddenRows > 0) lines.push("", `${plural(hiddenRows, "unchanged row")} about alternatives not shown.`);
    const chart = cumulativeChart(diff, env.env, env.cost);
    if (chart.length > 0) lines.push("", ...chart);
  }
  const notes = environmentNotes(env, MARKDOWN_STYLE);
  if (notes.length > 0) lines.push("", "Notes:", ...notes.map((n) => `- ${n}`));
  return block(2, lines);
}

const moreRows = (noun: string) => (hidden: number) => ["", `… ${plural(hidden, `more ${noun}`)} not shown.`];

/** `Resources: 1 added, 2 changed` from the counts, non-zero ones only. */
function resourcesSummary(env: EnvironmentDiff): string {
  const c = env.counts;
  const parts = [
    [c.added, "added"],
    [c.changed, "changed"],
    [c.replaced, "replaced"],
    [c.moved, "moved"],
    [c.destroyed, "destroyed"],
  ] as const;
  const counted = parts.filter(([n]) => n > 0).map(([n, word]) => `${formatNumber(n)} ${word}`);
  return `Resources: ${counted.length > 0 ? counted.join(", ") : plural(env.resources.length, "resource")}`;
}

/** The folded details of an environment: its resources, then each release's values and manifests. */
function detailBlocks(env: EnvironmentDiff): Block[] {
  const resources = sortedResources(env);
  if (resources.length === 0) return [];
  const table = markdownTable({
    head: ["Action", "Address", "Type", "Key changes"],
    align: ["left", "left", "left", "left"],
    rows: resources.map((r) => [ACTION_WORDS[r.action], addressText(r, MARKDOWN_STYLE), r.type, keyChangeTexts(r, MARKDOWN_STYLE).join("<br>")]),
  });
  const blocks: Block[] = [
    {
      level: 3,
      head: [`<details><summary>${html(resourcesSummary(env))}</summary>`, "", table[0], table[1]],
      items: table.slice(2).map((row) => [row]),
      more: moreRows("resource"),
      tail: ["", "</details>"],
    },
  ];
  for (const r of resources) {
    if (r.values !== undefined && r.values.length > 0) {
      const values = markdownTable({
        head: ["Path", "Before", "After"],
        align: ["left", "left", "left"],
        rows: r.values.map((c) => {
          const { before, after } = changeSides(c, MARKDOWN_STYLE, VALUE_TABLE_CHARS);
          return [codeSpan(c.path), before, after];
        }),
      });
      blocks.push({
        level: 3,
        head: [`<details><summary>Helm values of <code>${html(r.address)}</code>: ${plural(r.values.length, "change")}</summary>`, "", values[0], values[1]],
        items: values.slice(2).map((row) => [row]),
        more: moreRows("value"),
        tail: ["", "</details>"],
      });
    }
    if (r.manifests !== undefined && r.manifests.length > 0) {
      blocks.push({
        level: 3,
        head: [`<details><summary>Rendered manifests of <code>${html(r.address)}</code>: ${plural(r.manifests.length, "object")}</summary>`],
        items: r.manifests.map((m) => {
          const patch = m.patch.replace(/\n+$/, "");
          const fence = fenceFor(patch);
          const action = m.action === "add" ? "added" : m.action === "remove" ? "removed" : "changed";
          return ["", `${codeSpan(m.id)} (${action})`, "", `${fence}diff`, ...(patch === "" ? [] : patch.split("\n")), fence];
        }),
        more: moreRows("object"),
        tail: ["", "</details>"],
      });
    }
  }
  return blocks;
}

/** Every block of the review, in reading order. */
function documentBlocks(diff: PlanDiff): Block[] {
  const blocks: Block[] = [block(0, [PLAN_REVIEW_MARKER, `### ai-factory plan review: ${codeSpan(diff.base)} → ${codeSpan(diff.head)}`])];
  if (hasNoChanges(diff)) return [...blocks, block(0, ["No changes."])];

  const environments = sortedEnvironments(diff);
  const dangerCount = environments.reduce((n, e) => n + e.dangers.length, 0);
  const dangers = environments.flatMap((e) => dangerLines(e, MARKDOWN_STYLE).map((line) => `> - ${line}`));
  if (dangers.length > 0) {
    blocks.push({
      level: 1,
      head: ["> [!CAUTION]", `> ${plural(dangerCount, "change")} to settle before applying:`],
      items: dangers.map((line) => [line]),
      more: (hidden) => [`> - … ${plural(hidden, "more")}: see the full report.`],
      tail: [],
    });
  }
  const commands = dangerCommands(environments);
  if (commands.length > 0) {
    const fence = fenceFor(commands.join("\n"));
    blocks.push({
      level: 1,
      head: ["To keep what is listed above, run from the project root before applying:", "", `${fence}sh`],
      items: commands.map((c) => [c]),
      tail: [fence],
      more: (hidden) => [`# … ${plural(hidden, "more command")}: see the full report.`],
    });
  }
  const differing = environments.filter((e) => e.status !== "unchanged");
  if (differing.length > 0) {
    blocks.push({ level: 1, head: [], items: differing.map((e) => [`- ${environmentHeadline(e, MARKDOWN_STYLE)}`]), tail: [], more: moreRows("environment") });
  }
  const unchanged = environments.filter((e) => e.status === "unchanged").map((e) => e.env);
  if (unchanged.length > 0) blocks.push(block(1, [`No changes: ${unchanged.join(", ")}.`]));
  const notes = generalNotes(diff, MARKDOWN_STYLE);
  if (notes.length > 0) {
    blocks.push({ level: 1, head: ["Notes:"], items: notes.map((n) => [`- ${n}`]), tail: [], more: (hidden) => [`- … ${plural(hidden, "more note")}.`] });
  }
  for (const env of differing) blocks.push(environmentBlock(diff, env), ...detailBlocks(env));
  return blocks;
}

/**
 * How many items of each block a cut keeps (undefined: the block goes), within `budget`
 * characters counting a two-character separator per block. Levels are filled in order of
 * urgency, each in reading order; the first block that does not fit whole keeps the items that
 * fit (the details need one at least), and it and everything after it at its level or lower goes.
 */
function fitBlocks(blocks: readonly Block[], budget: number): (number | undefined)[] {
  const shown: (number | undefined)[] = blocks.map((b) => (b.level === 0 ? b.items.length : undefined));
  let used = blocks.reduce((sum, b, i) => (shown[i] === undefined ? sum : sum + renderBlock(b).length + 2), 0);
  for (const level of [1, 2, 3] as const) {
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i];
      if (b.level !== level) continue;
      const whole = renderBlock(b).length + 2;
      if (used + whole <= budget) {
        shown[i] = b.items.length;
        used += whole;
        continue;
      }
      // Lengths add up line by line, so a block of thousands of rows is not rendered thousands of times.
      let best: number | undefined;
      let chars = 0;
      let lines = 0;
      for (let k = 0; k < b.items.length; k++) {
        if (k >= (level === 3 ? 1 : 0)) {
          const rest = [...b.head, ...(b.more?.(b.items.length - k) ?? []), ...b.tail];
          const count = lines + rest.length;
          const length = chars + rest.reduce((sum, line) => sum + line.length, 0) + Math.max(0, count - 1);
          if (used + length + 2 > budget) break;
          best = k;
        }
        chars += b.items[k].reduce((sum, line) => sum + line.length, 0);
        lines += b.items[k].length;
      }
      if (best !== undefined) {
        shown[i] = best;
        used += renderBlock(b, best).length + 2;
      }
      return shown;
    }
  }
  return shown;
}

/** The note that ends a cut review. */
function cutNote(shownChars: number, fullChars: number, fullReportName: string | undefined): string {
  const where = fullReportName === undefined ? "the full report was not kept" : `the full report is in ${fullReportName}`;
  return `The report is cut to fit a comment (${formatNumber(shownChars)} of ${formatNumber(fullChars)} characters shown); ${where}.`;
}

/**
 * Renders the plan review as a pull-request comment. `full` is the whole review; `text` is the
 * same when it fits `limit`, else the marker, title, dangers, headlines and costs with as many of
 * the folded details as fit, and a note saying so.
 */
export function renderPlanDiffMarkdown(diff: PlanDiff, options: PlanDiffMarkdownOptions = {}): PlanDiffMarkdown {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const blocks = documentBlocks(diff);
  const full = `${blocks.map((b) => renderBlock(b)).join("\n\n")}\n`;
  if (full.length <= limit) return { text: full, full, cut: false };

  // The note's figures never have more digits than the full length's.
  const reserve = cutNote(full.length, full.length, options.fullReportName).length + 1;
  const shown = fitBlocks(blocks, limit - headroomFor(limit) - reserve);
  const body = blocks.flatMap((b, i) => (shown[i] === undefined ? [] : [renderBlock(b, shown[i])])).join("\n\n");
  const text = `${body}\n\n${cutNote(body.length, full.length, options.fullReportName)}\n`;
  return { text, full, cut: true };
}
