/**
 * The plan of one environment as tables (report/table.ts): how full each node pool is, what each
 * model gets, how its GPU memory is spent, and its demand against the replicas planned. Rendered
 * for the terminal (report/terminal.ts) and as Markdown (report/plan-markdown.ts).
 */
import { formatPath } from "../config/errors";
import type { ModelPlan, Plan } from "../planning/plan";
import { type GatewayPlan, gatewayFootprint } from "../planning/gateway";
import type { FactorySizing } from "../planning/sizing";
import { sizingTable, sizingWarnings } from "./cost-tables";
import { formatGiB, formatNumber, formatPercent, formatTokens, plural } from "./format";
import type { CellInput, ReportSection } from "./table";

/** `prod (environments/prod.yaml)` and the sections under it. */
export interface PlanReport {
  readonly title: string;
  readonly sections: readonly ReportSection[];
}

/** One decimal, no unit: GiB columns whose header names the unit. */
const gib = (value: number): string => formatNumber(value, 1);

/** `9 at 18,575`, `56 at 16,384 (assumed)`: the sequences the KV cache holds at the mean context, and that context. */
function atMeanContext(m: ModelPlan): string {
  const f = m.fit;
  return `${formatNumber(f.maxConcurrentSequencesAtMeanContext)} at ${formatNumber(f.meanContextTokens)}${m.meanContextAssumed ? " (assumed)" : ""}`;
}

/**
 * Whether vLLM may queue or preempt sequences for memory, with maxConcurrentSequences against the
 * sequences at the mean context: `never (strict)` with strictKvFit (every sequence fits at the full
 * context), `risk: 16 > 9` when it is above, `low: 16 ≤ 41` otherwise (only a run of long sequences
 * overflows).
 */
function preemption(m: ModelPlan): CellInput {
  const f = m.fit;
  if (f.strictKvFit) return "never (strict)";
  const versus = (sign: string): string => `${formatNumber(m.model.maxConcurrentSequences)} ${sign} ${formatNumber(f.maxConcurrentSequencesAtMeanContext)}`;
  return f.preemptionRisk ? { text: `risk: ${versus(">")}`, tone: "bad" } : `low: ${versus("≤")}`;
}

/**
 * The gateway: its endpoint and teams, and what its pods request on the cluster's CPU nodes,
 * which the cost summary does not price (it counts GPU servers).
 */
export function gatewaySection(gateway: GatewayPlan): ReportSection {
  const rows = gatewayFootprint(gateway);
  const cpu = rows.reduce((n, r) => n + r.cpuMillicores, 0);
  const memory = rows.reduce((n, r) => n + r.memoryMiB, 0);
  const pods = rows.reduce((n, r) => n + r.pods, 0);
  const vcpu = (millicores: number) => formatNumber(millicores / 1000, 2);
  const gibOf = (mib: number) => formatNumber(mib / 1024, 2);
  const url = `${gateway.tls === false ? "http" : "https"}://${gateway.hostname}/v1`;
  const models = gateway.backends.length;
  return {
    heading: "Gateway",
    table: {
      head: ["Component", "Namespace", "Pods", "CPU (vCPU)", "Memory (GiB)"],
      align: ["left", "left", "right", "right", "right"],
      rows: [
        ...rows.map((r) => [r.component, r.namespace, formatNumber(r.pods), vcpu(r.cpuMillicores), gibOf(r.memoryMiB)]),
        [{ text: "Total", strong: true }, "", { text: formatNumber(pods), strong: true }, { text: vcpu(cpu), strong: true }, { text: gibOf(memory), strong: true }],
      ],
    },
    notes: [
      `${url}: ${plural(gateway.teams.length, "team")}, ${plural(models, "model")} in ${plural(gateway.routes.length, "route")}${gateway.tls === false ? " (plain HTTP: keys cross the network in clear)" : ""}.`,
      `Requests of the gateway's pods: ${rows
        .map((r) => r.note)
        .filter((n): n is string => n !== undefined)
        .join("; ")}.`,
      `The gateway runs on the cluster's CPU nodes, which the cost summary does not price (it counts the GPU servers): ${vcpu(cpu)} vCPU and ${gibOf(memory)} GiB requested.`,
    ],
  };
}

/** The plan for people; with `sizing`, each model's demand and the factory's capacity against it; with `gateway`, its footprint. */
export function planReport(plan: Plan, file: string, sizing?: FactorySizing | null, gateway?: GatewayPlan): PlanReport {
  const sections: ReportSection[] = [];
  sections.push({
    heading: "Node pools",
    table: {
      head: ["Pool", "Servers", "GPU", "Sharing", "Used", "Free", "Kept for updates"],
      align: ["left", "left", "left", "left", "right", "right", "right"],
      rows: plan.pools.map((p) => [
        p.pool.name,
        `${formatNumber(p.pool.nodes.length)} × ${p.pool.server.id}`,
        p.pool.gpu.id,
        p.pool.sharing.mode,
        `${formatNumber(p.unitsUsed)} of ${plural(p.unitsOffered, p.unitName)}`,
        formatNumber(p.unitsOffered - p.unitsUsed),
        formatNumber(p.surgeUnits),
      ]),
    },
    notes: plan.pools.some((p) => p.surgeUnits > 0)
      ? ["Kept for updates: free units a rolling update (`rollout: surge`) starts a new replica on before it stops an old one."]
      : [],
  });

  if (plan.models.length === 0) {
    sections.push({ heading: "Models", notes: ["No models (`models:`)."] });
    if (gateway !== undefined) sections.push(gatewaySection(gateway));
    return { title: `${plan.environment} (${file})`, sections };
  }

  sections.push({
    heading: "Models",
    table: {
      head: ["Model", "Checkpoint", "Pool", "Replicas", "Per replica", "Context", "Weights"],
      align: ["left", "left", "left", "right", "left", "right", "right"],
      rows: plan.models.map((m) => {
        const r = m.model.replicas;
        return [
          m.model.servedName,
          `${m.model.spec.id} ${m.model.precision}`,
          m.model.pool.name,
          r.min === r.max ? formatNumber(r.min) : `${formatNumber(r.min)}–${formatNumber(r.max)}`,
          `${formatNumber(m.allocation.count)} × ${m.allocation.resourceName}`,
          formatNumber(m.model.maxContextTokens),
          formatGiB(m.weightsGiB),
        ];
      }),
    },
    notes: [],
  });

  sections.push({
    heading: "Memory per GPU (GiB)",
    table: {
      head: ["Model", "Weights", "KV cache", "Overhead", "Total", "Usable", "Sequences at full context", "Sequences at mean context", "Preemption"],
      align: ["left", "right", "right", "right", "right", "right", "right", "right", "left"],
      rows: plan.models.map((m) => {
        const g = m.fit.perGpu;
        return [
          m.model.servedName,
          gib(g.weightsGiB),
          gib(g.kvCacheGiB),
          gib(g.overheadGiB),
          gib(g.totalGiB),
          gib(g.usableGiB),
          formatNumber(m.fit.maxConcurrentSequencesAtContext),
          atMeanContext(m),
          preemption(m),
        ];
      }),
    },
    notes: [
      "Usable: the GPU's memory × gpuMemoryUtilization. KV cache: one sequence at the full context, what vLLM needs to start " +
        "(with strictKvFit, maxConcurrentSequences of them). Sequences at mean context: at the workload's prompt + half its output " +
        "(assumed: half of maxContextTokens, without the demand's lengths). Preemption: maxConcurrentSequences against those; " +
        "more sequences at once than the KV cache holds queue or are preempted.",
      ...plan.warnings.map((w) => `Warning: ${formatPath(w.path)}: ${w.message}.`),
    ],
  });

  const sized = sizing?.models ?? [];
  const unsized = plan.models.map((m) => m.model.servedName).filter((name) => !sized.some((z) => z.id === name));
  const notes: string[] = [];
  if (unsized.length > 0) notes.push(`Not sized, no demand declared (\`models.<name>.demand\`): ${unsized.join(", ")}.`);
  if (sizing && sized.length > 0) {
    notes.push(...sizingWarnings(sizing).map((w) => `Warning: ${w}.`));
    const share = sizing.demandTokensPerMonth > 0 ? formatPercent((100 * sizing.capacityTokensPerMonth) / sizing.demandTokensPerMonth) : "n/a";
    notes.push(
      `Factory: capacity ${formatTokens(sizing.capacityTokensPerMonth)} tokens/month against demand ` +
        `${formatTokens(sizing.demandTokensPerMonth)} (${share}).`,
    );
  }
  sections.push({ heading: "Demand", table: sizing && sized.length > 0 ? sizingTable(sizing) : undefined, notes });
  if (gateway !== undefined) sections.push(gatewaySection(gateway));
  return { title: `${plan.environment} (${file})`, sections };
}
