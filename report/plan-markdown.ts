/**
 * `plan --format md`: the plan as Markdown, for a pull request or a wiki: the same tables as the
 * terminal (report/plan-tables.ts).
 */
import type { Plan } from "../planning/plan";
import type { GatewayPlan } from "../planning/gateway";
import type { FactorySizing } from "../planning/sizing";
import { planReport } from "./plan-tables";
import { markdownTable } from "./table";

/** Renders the plan of one environment as Markdown. */
export function renderPlanMarkdown(plan: Plan, file: string, sizing?: FactorySizing | null, gateway?: GatewayPlan): string {
  const report = planReport(plan, file, sizing, gateway);
  const out: string[] = [`## AI factory plan: ${report.title}`, ""];
  for (const section of report.sections) {
    out.push(`### ${section.heading}`, "");
    if (section.table) out.push(...markdownTable(section.table), "");
    if (section.notes.length > 0) out.push(section.notes.join(" "), "");
  }
  return out.join("\n");
}
