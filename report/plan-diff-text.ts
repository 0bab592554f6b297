/**
 * The plan review for a terminal (`ai-factory diff`, the default format): the same order as the
 * pull-request comment (report/plan-diff-markdown.ts) — dangers, headlines, then per environment
 * the cost table, resources, Helm values and manifest patches — as aligned tables and indented
 * text, without Markdown, HTML or colour.
 */
import { formatUsdWhole, plural } from "./format";
import {
  ACTION_WORDS,
  addressText,
  changeSides,
  costDeltaTable,
  dangerCommands,
  dangerLines,
  environmentHeadline,
  environmentNotes,
  generalNotes,
  hasNoChanges,
  keyChangeTexts,
  PLAIN_STYLE,
  sortedEnvironments,
  sortedResources,
  VALUE_TABLE_CHARS,
} from "./plan-diff-markdown";
import type { EnvironmentDiff, PlanDiff } from "./plan-diff-types";
import { terminalTable, wrapText } from "./terminal";

/** Column at which prose wraps. */
const WIDTH = 100;

/** A list item wrapped at WIDTH, its continuation lines under its text. */
function bullet(text: string): string[] {
  return wrapText(text, WIDTH - 4).map((line, i) => `${i === 0 ? "  - " : "    "}${line}`);
}

/** `Cumulative on-prem cost after 36 months: $2,480,000 → $2,631,560.` — the chart's last point. */
function cumulativeLine(env: EnvironmentDiff): string[] {
  const cumulative = env.cost?.cumulative;
  if (cumulative === undefined) return [];
  const last = (values: readonly number[] | null): string => {
    if (values === null || values.length === 0) return "n/a";
    return formatUsdWhole(values[Math.min(cumulative.months, values.length - 1)]);
  };
  if (cumulative.base === null && cumulative.head === null) return [];
  return [`Cumulative on-prem cost after ${plural(cumulative.months, "month")}: ${last(cumulative.base)} → ${last(cumulative.head)}.`];
}

/** The section of one environment that differs. */
function environmentSection(env: EnvironmentDiff): string[] {
  const out = ["", `== ${env.env} ==`];
  if (env.cost !== undefined) {
    const { table, hiddenRows } = costDeltaTable(env.cost);
    out.push("", "Cost", ...terminalTable(table), ...cumulativeLine(env));
    if (hiddenRows > 0) out.push(`${plural(hiddenRows, "unchanged row")} about alternatives not shown.`);
  }
  const resources = sortedResources(env);
  if (resources.length > 0) {
    out.push(
      "",
      "Resources",
      ...terminalTable({
        head: ["Action", "Address", "Type", "Key changes"],
        align: ["left", "left", "left", "left"],
        rows: resources.map((r) => [ACTION_WORDS[r.action], addressText(r, PLAIN_STYLE), r.type, keyChangeTexts(r, PLAIN_STYLE).join("\n")]),
      }),
    );
  }
  for (const r of resources) {
    if (r.values !== undefined && r.values.length > 0) {
      out.push(
        "",
        `Helm values of ${r.address}`,
        ...terminalTable({
          head: ["Path", "Before", "After"],
          align: ["left", "left", "left"],
          rows: r.values.map((c) => {
            const { before, after } = changeSides(c, PLAIN_STYLE, VALUE_TABLE_CHARS);
            return [c.path, before, after];
          }),
        }),
      );
    }
    if (r.manifests !== undefined && r.manifests.length > 0) {
      out.push("", `Rendered manifests of ${r.address}`);
      for (const m of r.manifests) {
        const action = m.action === "add" ? "added" : m.action === "remove" ? "removed" : "changed";
        const patch = m.patch.replace(/\n+$/, "");
        out.push(`  ${m.id} (${action})`, ...(patch === "" ? [] : patch.split("\n").map((line) => `    ${line}`)));
      }
    }
  }
  const notes = environmentNotes(env, PLAIN_STYLE);
  if (notes.length > 0) out.push("", "Notes", ...notes.flatMap((n) => bullet(n)));
  return out;
}

/** Renders the plan review for a terminal. */
export function renderPlanDiffText(diff: PlanDiff): string {
  const out = [`ai-factory plan review: ${diff.base} → ${diff.head}`, ""];
  if (hasNoChanges(diff)) return [...out, "No changes.", ""].join("\n");

  const environments = sortedEnvironments(diff);
  const dangerCount = environments.reduce((n, e) => n + e.dangers.length, 0);
  const dangers = environments.flatMap((e) => dangerLines(e, PLAIN_STYLE));
  if (dangers.length > 0) {
    out.push(`CAUTION: ${plural(dangerCount, "change")} to settle before applying:`, ...dangers.flatMap((d) => bullet(d)), "");
    const commands = dangerCommands(environments);
    if (commands.length > 0) out.push("To keep what is listed above, run from the project root before applying:", ...commands.map((c) => `  ${c}`), "");
  }
  const differing = environments.filter((e) => e.status !== "unchanged");
  out.push(...differing.map((e) => environmentHeadline(e, PLAIN_STYLE)));
  const unchanged = environments.filter((e) => e.status === "unchanged").map((e) => e.env);
  if (unchanged.length > 0) out.push(`No changes: ${unchanged.join(", ")}.`);
  const notes = generalNotes(diff, PLAIN_STYLE);
  if (notes.length > 0) out.push("", "Notes", ...notes.flatMap((n) => bullet(n)));
  for (const env of differing) out.push(...environmentSection(env));
  return `${out.join("\n")}\n`;
}
