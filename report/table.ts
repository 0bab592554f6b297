/**
 * Tables and prose as data, so one report is built once and rendered twice: as Markdown
 * (`<env>.md`, `compare.md`, `--format md`) and as aligned terminal tables (report/terminal.ts).
 */
import { mdCell } from "./format";

/** How a cell reads: `strong` is bold (Markdown `**…**`); `bad`/`good` colour it on a terminal. */
export interface Cell {
  readonly text: string;
  readonly strong?: boolean;
  readonly tone?: "bad" | "good";
}

/** A cell as plain text or with emphasis. */
export type CellInput = string | Cell;

/** A table: a header, each column's alignment, and rows of as many cells. */
export interface TableData {
  readonly head: readonly string[];
  readonly align: readonly ("left" | "right")[];
  readonly rows: readonly (readonly CellInput[])[];
}

/** A titled part of a report: a table (when there is something to table) and notes under it. */
export interface ReportSection {
  readonly heading: string;
  /** @default - no table, only notes */
  readonly table?: TableData;
  readonly notes: readonly string[];
}

/** A run of prose: plain text, or `{ strong }` for the words that carry the point. */
export type Inline = readonly (string | { readonly strong: string })[];

/** The cell as a `Cell`. */
export function cellOf(input: CellInput): Cell {
  return typeof input === "string" ? { text: input } : input;
}

/** Prose as Markdown: `**…**` around the strong runs. */
export function markdownInline(inline: Inline): string {
  return inline.map((part) => (typeof part === "string" ? part : `**${part.strong}**`)).join("");
}

/** Prose as plain text. */
export function plainInline(inline: Inline): string {
  return inline.map((part) => (typeof part === "string" ? part : part.strong)).join("");
}

/** A GitHub-flavoured Markdown table, one line per row; cells escaped (`|`, newlines). */
export function markdownTable(table: TableData): string[] {
  const cell = (input: CellInput): string => {
    const c = cellOf(input);
    return c.strong ? `**${mdCell(c.text)}**` : mdCell(c.text);
  };
  return [
    `| ${table.head.map(mdCell).join(" | ")} |`,
    `|${table.align.map((a) => (a === "right" ? "---:" : "---")).join("|")}|`,
    ...table.rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ];
}
