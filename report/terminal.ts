/**
 * Terminal output of `plan`, `cost` and `compare`: aligned tables (cli-table3), prose wrapped to
 * 100 columns, and colour only when asked for (`color: true`, which the CLI sets on a TTY without
 * `NO_COLOR`, see `shouldUseColor`). The same tables as the Markdown reports, built once
 * (report/plan-tables.ts, cost-tables.ts, compare-tables.ts). Pure: text in, text out.
 */
import Table from "cli-table3";
import type { Plan } from "../planning/plan";
import type { GatewayPlan } from "../planning/gateway";
import type { FactorySizing } from "../planning/sizing";
import type { CostAssumption, CostSummary } from "../planning/tco";
import { compareTable, type EnvironmentCost } from "./compare-tables";
import {
  alternativesNote,
  alternativesTable,
  assumptionsTable,
  capacityTable,
  costHeadline,
  monthlyCostTable,
  sizingTable,
  sizingWarnings,
} from "./cost-tables";
import { formatNumber } from "./format";
import { planReport } from "./plan-tables";
import { cellOf, type Cell, type Inline, type ReportSection, type TableData } from "./table";

/** Options of every terminal renderer. */
export interface TerminalOptions {
  /** ANSI colour and bold. @default false */
  readonly color?: boolean;
  /** Column at which prose wraps (tables are as wide as their content). @default 100 */
  readonly width?: number;
}

/**
 * Whether to colour output (https://no-color.org): never when `NO_COLOR` is set to anything but
 * the empty string, nor on a dumb terminal; otherwise only when stdout is a terminal.
 */
export function shouldUseColor(isTTY: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return isTTY === true;
}

const ANSI = {
  bold: ["\u001b[1m", "\u001b[22m"],
  red: ["\u001b[31m", "\u001b[39m"],
  green: ["\u001b[32m", "\u001b[39m"],
} as const;

/** Applies ANSI styles when colour is on; returns the text untouched otherwise. */
class Painter {
  constructor(private readonly color: boolean) {}

  style(text: string, ...styles: (keyof typeof ANSI)[]): string {
    if (!this.color || text === "") return text;
    return styles.reduce((t, s) => `${ANSI[s][0]}${t}${ANSI[s][1]}`, text);
  }

  cell(input: Cell): string {
    const styles: (keyof typeof ANSI)[] = [];
    if (input.strong) styles.push("bold");
    if (input.tone === "bad") styles.push("red");
    if (input.tone === "good") styles.push("green");
    return this.style(input.text, ...styles);
  }

  inline(inline: Inline): string {
    return inline.map((part) => (typeof part === "string" ? part : this.style(part.strong, "bold"))).join("");
  }
}

/** Visible length of a string: ANSI escapes count for nothing. */
function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/\u001b\[[0-9;]*m/g, "")].length;
}

/**
 * Wraps prose at spaces so no line is wider than `width`. A longer word (a URL) and a `code span`
 * stay whole, so a command can be copied from one line.
 */
export function wrapText(text: string, width: number, indent = ""): string[] {
  const words: string[] = [];
  for (const word of text.split(" ")) {
    const open = words.length > 0 && (words[words.length - 1].match(/`/g) ?? []).length % 2 === 1;
    if (open) words[words.length - 1] += ` ${word}`;
    else words.push(word);
  }
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    if (line !== "" && visibleLength(line) + 1 + visibleLength(word) > width) {
      lines.push(line);
      line = `${indent}${word}`;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

/** A table with box-drawing borders, a rule under the header only, and the columns aligned. */
export function terminalTable(table: TableData, options: TerminalOptions = {}): string[] {
  return drawTable(table, new Painter(options.color ?? false));
}

/**
 * A header no wider than its column's widest value (or its own longest word), in at most two
 * lines: `Savings at 24 months` over a column of `48%` becomes `Savings at` / `24 months`, which
 * keeps wide tables inside a terminal.
 */
function wrapHeader(header: string, valueWidth: number): string[] {
  let width = Math.max(valueWidth, ...header.split(" ").map((w) => [...w].length));
  // Two lines at most: a header taller than that reads worse than a wider column.
  while (wrapText(header, width).length > 2) width++;
  return wrapText(header, width);
}

function drawTable(table: TableData, painter: Painter): string[] {
  const valueWidths = table.head.map((_, i) => Math.max(0, ...table.rows.map((row) => visibleLength(cellOf(row[i] ?? "").text))));
  const t = new Table({
    head: table.head.map((h, i) => wrapHeader(h, valueWidths[i]).map((line) => painter.style(line, "bold")).join("\n")),
    colAligns: [...table.align],
    style: { head: [], border: [], compact: true, "padding-left": 1, "padding-right": 1 },
  });
  for (const row of table.rows) t.push(row.map((c) => painter.cell(cellOf(c))));
  return t.toString().split("\n");
}

function section(s: ReportSection, painter: Painter, width: number): string[] {
  const out = ["", painter.style(s.heading, "bold")];
  if (s.table) out.push(...drawTable(s.table, painter));
  for (const note of s.notes) out.push(...wrapText(note, width));
  return out;
}

/** `ai-factory plan` for people: pools, models, memory per GPU and demand as tables. */
export function renderPlanTable(plan: Plan, file: string, sizing?: FactorySizing | null, options: TerminalOptions & { readonly gateway?: GatewayPlan } = {}): string {
  const painter = new Painter(options.color ?? false);
  const width = options.width ?? 100;
  const report = planReport(plan, file, sizing, options.gateway);
  return [painter.style(report.title, "bold"), ...report.sections.flatMap((s) => section(s, painter, width))].join("\n");
}

/** Options of the terminal cost summary. */
export interface CostTableOptions extends TerminalOptions {
  /** The sizing behind the capacity figures; adds the per-model table and its warnings. @default - none */
  readonly sizing?: FactorySizing;
  /** The environment file, shown beside the name. @default - the name alone */
  readonly file?: string;
}

/** Long sources (URL lists, explanations) become numbered notes under the table; short ones stay inline. */
const INLINE_SOURCE_CHARS = 40;

/** `ai-factory cost` for people: the headline, then each part of the cost summary as a table. */
export function renderCostTable(env: string, summary: CostSummary, options: CostTableOptions = {}): string {
  const painter = new Painter(options.color ?? false);
  const width = options.width ?? 100;
  const { sizing } = options;
  const headline = costHeadline(summary, sizing);
  const out: string[] = [painter.style(options.file === undefined ? `${env}: cost` : `${env} (${options.file}): cost`, "bold"), ""];
  out.push(...wrapText(painter.inline(headline.onPrem), width));
  if (headline.cheapest) out.push("", ...wrapText(painter.inline(headline.cheapest), width));
  if (headline.shortfall) out.push("", ...wrapText(painter.style(painter.inline(headline.shortfall), "red"), width));

  const sections: ReportSection[] = [
    { heading: "Monthly on-prem cost", table: monthlyCostTable(summary), notes: [] },
    { heading: "Capacity against demand", table: capacityTable(summary), notes: [] },
  ];
  if (sizing !== undefined && sizing.models.length > 0) {
    sections.push({ heading: "Models against their demand", table: sizingTable(sizing), notes: sizingWarnings(sizing).map((w) => `Warning: ${w}.`) });
  }
  sections.push(
    summary.alternatives.length === 0
      ? { heading: "Alternatives", notes: ["No alternatives configured (`costs.alternatives`)."] }
      : { heading: "Alternatives", table: alternativesTable(summary), notes: [alternativesNote(summary)] },
  );

  // Sources: the same long source (one quote behind a server's price and power) gets one number.
  const footnotes: string[] = [];
  const source = (a: CostAssumption): string => {
    if (a.source.length <= INLINE_SOURCE_CHARS) return a.source;
    if (!footnotes.includes(a.source)) footnotes.push(a.source);
    return `[${footnotes.indexOf(a.source) + 1}]`;
  };
  const assumptions = assumptionsTable(summary, source);
  const notes = footnotes.flatMap((text, i) => {
    const mark = `[${i + 1}] `;
    const parts = text.split("; ");
    // A list of URLs: one per line, whole, so a terminal can open them; prose wraps.
    if (parts.every((p) => /^https?:\/\//.test(p))) return parts.map((p, j) => `${j === 0 ? mark : " ".repeat(mark.length)}${p}`);
    return wrapText(`${mark}${text}`, width, " ".repeat(mark.length));
  });
  for (const s of sections) out.push(...section(s, painter, width));
  out.push(
    "",
    painter.style("Assumptions", "bold"),
    ...drawTable(assumptions, painter),
    ...notes,
    ...wrapText(`A month is ${formatNumber(summary.hoursPerMonth)} hours. Figures are rounded for reading; \`--json\` has the exact values.`, width),
  );
  return out.join("\n");
}

/** `ai-factory compare` for people: one column per environment, in the order given. */
export function renderCompareTable(environments: readonly EnvironmentCost[], options: TerminalOptions = {}): string {
  const painter = new Painter(options.color ?? false);
  const width = options.width ?? 100;
  if (environments.length === 0) return "No environments.";
  const { table, notes } = compareTable(environments);
  return [...drawTable(table, painter), "", ...notes.flatMap((n) => wrapText(n, width))].join("\n");
}
