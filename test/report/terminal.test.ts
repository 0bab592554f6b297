import * as path from "node:path";
import { loadAndPlan } from "../../cli/load";
import { renderCompareMarkdown } from "../../report/compare-markdown";
import { renderCostMarkdown } from "../../report/cost-markdown";
import { renderPlanMarkdown } from "../../report/plan-markdown";
import { renderCompareTable, renderCostTable, renderPlanTable, shouldUseColor, terminalTable, wrapText } from "../../report/terminal";
import { DEV, PROD } from "./fixtures";
import { modelsEnvYaml, plannedFromYaml } from "../helpers/env";

const REPO = path.join(__dirname, "..", "..");
const ESC = "\u001b[";
const EXAMPLES = loadAndPlan(["environments/dev.yaml", "environments/prod.yaml", "environments/staging.yaml"], { cwd: REPO, allowShortfall: true });
const example = (name: string) => EXAMPLES.find((e) => e.env.config.name === name)!;

/** The lines of the tables in `text` (box-drawing borders). */
const tableLines = (text: string): string[] => text.split("\n").filter((l) => /^[┌│├└]/.test(l));

describe("shouldUseColor", () => {
  test.each([
    [true, {}, true],
    [false, {}, false],
    [undefined, {}, false],
    [true, { NO_COLOR: "1" }, false],
    [true, { NO_COLOR: "0" }, false],
    [true, { NO_COLOR: "" }, true], // no-color.org: set to a non-empty value
    [true, { TERM: "dumb" }, false],
  ])("isTTY %p with %p → %p", (isTTY, env, expected) => {
    expect(shouldUseColor(isTTY, env)).toBe(expected);
  });
});

describe("terminal tables", () => {
  test("GIVEN a table WHEN drawn THEN every line is as wide, numbers are right-aligned and the header has a rule under it only", () => {
    const lines = terminalTable({
      head: ["Item", "USD/month"],
      align: ["left", "right"],
      rows: [["Energy", "$3,465"], ["Total cost of ownership", "$74,999"]],
    });
    expect(lines).toEqual([
      "┌─────────────────────────┬───────────┐",
      "│ Item                    │ USD/month │",
      "├─────────────────────────┼───────────┤",
      "│ Energy                  │    $3,465 │",
      "│ Total cost of ownership │   $74,999 │",
      "└─────────────────────────┴───────────┘",
    ]);
  });

  test("GIVEN a long header over short values WHEN drawn THEN it wraps onto two lines at most", () => {
    const lines = terminalTable({ head: ["Alternative", "Savings at 24 months"], align: ["left", "right"], rows: [["aws-p5", "48%"]] });
    expect(lines[1]).toBe("│ Alternative │ Savings at │");
    expect(lines[2]).toBe("│             │  24 months │");
  });

  test("GIVEN colour WHEN drawn THEN headers and strong cells are bold, bad and good cells red and green; without it, plain", () => {
    const table = {
      head: ["A", "B"],
      align: ["left", "right"] as const,
      rows: [[{ text: "Opex", strong: true }, { text: "never", tone: "bad" as const }], ["x", { text: "35%", tone: "good" as const }]],
    };
    const coloured = terminalTable(table, { color: true }).join("\n");
    expect(coloured).toContain(`${ESC}1mA${ESC}22m`);
    expect(coloured).toContain(`${ESC}1mOpex${ESC}22m`);
    expect(coloured).toContain(`${ESC}31mnever${ESC}39m`);
    expect(coloured).toContain(`${ESC}32m35%${ESC}39m`);
    // Escapes take no columns: the borders still line up.
    expect(coloured.split("\n")[3].replace(/\u001b\[\d+m/g, "")).toBe("│ Opex │ never │");
    expect(terminalTable(table).join("\n")).not.toContain(ESC);
  });

  test("wrapText breaks at spaces within the width, keeping URLs and code spans whole", () => {
    expect(wrapText("one two three four", 9)).toEqual(["one two", "three", "four"]);
    expect(wrapText("see https://example.com/a/very/long/path now", 10)).toEqual(["see", "https://example.com/a/very/long/path", "now"]);
    expect(wrapText("run `npx ai-factory cost <env-file>` to see", 20)).toEqual(["run", "`npx ai-factory cost <env-file>`", "to see"]);
  });
});

describe("renderPlanTable", () => {
  const staging = example("staging");
  const text = renderPlanTable(staging.plan, staging.env.file, staging.costs.sizing);

  test("GIVEN the staging example WHEN rendered THEN pools, models, memory and demand are tables with agreeing plurals", () => {
    expect(text.split("\n")[0]).toBe("staging (environments/staging.yaml)");
    for (const heading of ["Node pools", "Models", "Memory per GPU (GiB)", "Demand"]) expect(text.split("\n")).toContain(heading);
    // One H100 server, 8 GPUs × 2 MIG 3g.40gb slices; gpt-oss-20b and qwen3 take 2 each.
    expect(text).toMatch(/│ h100 │ 1 × hgx-h100-8 │ h100-sxm │ mig +│ 4 of 16 MIG slices │ +12 │ +1 │/);
    expect(text).toMatch(/│ qwen3-30b-a3b │ qwen3-30b-a3b fp8 +│ h100 │ +2 │ 1 × nvidia\.com\/gpu │ +16,384 │ 28\.4 GiB │/);
    // 30.5e9 B fp8 = 28.4 GiB on a 3g.40gb slice (36.0 GiB usable); vLLM's start rule counts one 16,384-token
    // sequence: 16,384 × 98,304 B = 1.5 GiB. Room 36 × 2^30 − 30.5e9 − 2 × 2^30 = 6,007,222,016 B holds
    // floor(6,007,222,016 ÷ 1,610,612,736) = 3 sequences at the full context and
    // floor(6,007,222,016 ÷ (3,700 × 98,304 = 363,724,800)) = 16 at the demand's mean context; 2 run at once.
    expect(text).toMatch(/│ qwen3-30b-a3b │ +28\.4 │ +1\.5 │ +2\.0 │ +31\.9 │ +36\.0 │ +3 │ +16 at 3,700 │ low: 2 ≤ 16 │/);
    // AND gpt-oss-20b has no demand lengths: its mean context is assumed, half of 32,768
    expect(text).toMatch(/│ gpt-oss-20b +│ .* at 16,384 \(assumed\) │ low: 8 ≤ \d+ +│/);
    expect(text).toContain("Factory: capacity 24.1B tokens/month against demand 1.82B (1,319%).");
    expect(text).not.toContain(ESC);
  });

  test("GIVEN no sizing WHEN rendered THEN the demand section says which models are not sized", () => {
    const unsized = renderPlanTable(staging.plan, staging.env.file, null);
    expect(unsized).toContain("Not sized, no demand declared (`models.<name>.demand`): gpt-oss-20b, qwen3-30b-a3b.");
    expect(unsized).not.toContain("Factory:");
  });

  test("GIVEN --format md WHEN rendered THEN the same tables are Markdown", () => {
    const md = renderPlanMarkdown(staging.plan, staging.env.file, staging.costs.sizing);
    expect(md).toMatch(/^## AI factory plan: staging \(environments\/staging\.yaml\)\n/);
    expect(md).toContain("| h100 | 1 × hgx-h100-8 | h100-sxm | mig | 4 of 16 MIG slices | 12 | 1 |");
    expect(md).toContain("### Memory per GPU (GiB)");
  });
});

describe("renderPlanTable: concurrency and preemption", () => {
  // gpt-oss-120b on one RTX PRO 6000 at 65,536 tokens, 16 sequences, a mean context of 48,000 + 4,000 ÷ 2 = 50,000
  // tokens: 10 sequences fit at the full context, 13 at the mean (test/planning/plan.test.ts works them out).
  const model = (extra: string) =>
    "  gpt-oss-120b: { model: gpt-oss-120b, pool: ws, maxContextTokens: 65536, maxConcurrentSequences: 16" +
    `${extra}, demand: { tokensPerDay: 1000000, mix: { input: 0.9, cachedInput: 0, cacheWrite: 0, output: 0.1 }, promptTokens: 48000, outputTokens: 4000 } }`;
  const planOf = (extra: string) => plannedFromYaml(modelsEnvYaml("  ws: { nodes: [ws-01], server: rtx-pro-6000-ws-4 }", model(extra))).plan;

  test("GIVEN more sequences than the mean context allows WHEN rendered THEN both counts, the risk and the warning are shown", () => {
    const text = renderPlanTable(planOf(""), "test.yaml");
    expect(text).toMatch(/│ gpt-oss-120b │ +60\.8 │ +2\.3 │ +2\.0 │ +65\.1 │ +86\.4 │ +10 │ 13 at 50,000 │ risk: 16 > 13 │/);
    expect(text.replace(/\n/g, " ")).toContain(
      "Warning: models.gpt-oss-120b.maxConcurrentSequences: 16 sequences may run at once, but the KV cache holds 13 at the workload's mean context of 50,000 tokens (10 at the full 65,536)",
    );
    expect(Math.max(...tableLines(text).map((l) => [...l].length))).toBeLessThanOrEqual(120);
    // AND in colour, the risk is red
    expect(renderPlanTable(planOf(""), "test.yaml", null, { color: true })).toContain(`${ESC}31mrisk: 16 > 13${ESC}39m`);
  });

  test("GIVEN strictKvFit and sequences that all fit at the full context WHEN rendered THEN preemption never happens", () => {
    // 10 sequences at 65,536 tokens: 10 × 2,420,637,696 B = 22.5 GiB of KV ≤ 23.6 GiB; the KV cache column counts all of them
    const plan = plannedFromYaml(
      modelsEnvYaml("  ws: { nodes: [ws-01], server: rtx-pro-6000-ws-4 }", model(", strictKvFit: true").replace("maxConcurrentSequences: 16", "maxConcurrentSequences: 10")),
    ).plan;
    expect(plan.warnings).toEqual([]);
    expect(renderPlanTable(plan, "test.yaml")).toMatch(/│ gpt-oss-120b │ +60\.8 │ +22\.5 │ +2\.0 │ +85\.3 │ +86\.4 │ +10 │ 13 at 50,000 │ never \(strict\) │/);
    expect(renderPlanMarkdown(plan, "test.yaml")).toContain("| gpt-oss-120b | 60.8 | 22.5 | 2.0 | 85.3 | 86.4 | 10 | 13 at 50,000 | never (strict) |");
  });
});

describe("renderCostTable", () => {
  const text = renderCostTable("prod", PROD, { file: "environments/prod.yaml" });

  test("GIVEN prod WHEN rendered THEN the headline is prose and every part a table, with no Markdown", () => {
    const lines = text.split("\n");
    expect(lines[0]).toBe("prod (environments/prod.yaml): cost");
    // capex 2 × $300,000 × 1.1; TCO and per-token figures as in the Markdown report's tests.
    expect(text).toContain("On-prem: $26,814/month ($13,750 amortization + $13,064 opex) for 2 servers / 16 GPUs bought for");
    expect(text).toContain("$660,000; $0.89 per million tokens at 30B tokens/month served.");
    expect(text).toMatch(/│ aws-p5 +│ GPU rental \(11,680 GPU-h\) │ +\$80,358 │ +\$2\.68 │ +9\.8 months │ +50% │ +61% │/);
    expect(text).toMatch(/│ Space \(20\.4 kW max\) +│ +\$600 │ +2% │/);
    expect(text).not.toMatch(/\*\*|^\| /m);
  });

  test("GIVEN sources over 40 characters WHEN rendered THEN each becomes one numbered note, short ones stay in the table", () => {
    const ref = (label: string) => new RegExp(`│ ${label.replace(/\./g, "\\.")} +│[^│]+│ (\\[\\d+\\]) +│`).exec(text)?.[1];
    // One number for the four prices quoted from one page, and one note for it.
    const pricing = ref("claude-sonnet-4.5: input");
    expect(pricing).toMatch(/^\[\d+\]$/);
    for (const label of ["claude-sonnet-4.5: cached input", "claude-sonnet-4.5: cache write", "claude-sonnet-4.5: output"]) expect(ref(label)).toBe(pricing);
    const notes = text.split("\n").filter((l) => /^\[\d+\] /.test(l));
    expect(notes.filter((l) => l.includes("about-claude/pricing"))).toEqual([`${pricing} https://platform.claude.com/docs/en/docs/about-claude/pricing (2026-01)`]);
    expect(new Set(notes.map((l) => l.split(" ")[0])).size).toBe(notes.length);
    // Sources of 40 characters or fewer stay in the table.
    expect(text).toMatch(/│ aws-p5: GPU-hour +│ +\$6\.88 │ environment file +│/);
    expect(text).toMatch(/│ h100: price per server +│ +\$300,000 │ \[\d+\] +│/);
  });

  test("GIVEN dev, which never breaks even WHEN rendered in colour THEN never and negative savings are red", () => {
    const dev = renderCostTable("dev", DEV, { color: true });
    expect(dev).toContain(`${ESC}31mnever${ESC}39m`);
    expect(dev).toContain(`${ESC}31m-545%${ESC}39m`);
  });
});

describe("renderCompareTable", () => {
  test("GIVEN environments in a given order WHEN rendered THEN the columns keep it and only shared alternatives get rows", () => {
    const text = renderCompareTable([
      { env: "prod", summary: PROD },
      { env: "dev", summary: DEV },
    ]);
    expect(text.split("\n")[1]).toMatch(/^│ +│ +prod │ +dev │$/);
    expect(text).toMatch(/│ Capex +│ +\$660,000 │ +\$99,000 │/);
    expect(text).toMatch(/│ claude-sonnet-4\.5: break-even +│ +9\.5 months │ +never │/);
    expect(text).not.toMatch(/│ (aws-p5|my-contract):/);
    expect(text).toMatch(/│ Cheapest alternative +│ +aws-p5 │ +claude-sonnet-4\.5 │/);
  });
});

describe("every human rendering of the examples", () => {
  const outputs: [string, string][] = [];
  for (const e of EXAMPLES) {
    const name = e.env.config.name;
    const sizing = e.costs.sizing ?? undefined;
    outputs.push([`plan ${name}`, renderPlanTable(e.plan, e.env.file, e.costs.sizing)]);
    outputs.push([`plan ${name} md`, renderPlanMarkdown(e.plan, e.env.file, e.costs.sizing)]);
    outputs.push([`cost ${name}`, renderCostTable(name, e.costs.summary, { sizing, file: e.env.file })]);
    outputs.push([`cost ${name} md`, renderCostMarkdown(name, e.costs.summary, { sizing })]);
  }
  const environments = EXAMPLES.map((e) => ({ env: e.env.config.name, summary: e.costs.summary }));
  outputs.push(["compare", renderCompareTable(environments)], ["compare md", renderCompareMarkdown(environments)]);

  test.each(outputs)("GIVEN %s WHEN rendered THEN no number carries floating-point noise", (_name, text) => {
    // e.g. 1760000.0000000002 or 0.30000000000000004: four decimals at most anywhere (prices such as 0.12 USD/kWh).
    expect(text).not.toMatch(/\d\.\d{5,}/);
    expect(text).not.toMatch(/NaN|Infinity|undefined|null/);
  });

  test.each(outputs.filter(([name]) => !name.endsWith("md")))("GIVEN %s WHEN rendered THEN tables fit 120 columns", (_name, text) => {
    const widths = tableLines(text).map((l) => [...l].length);
    expect(Math.max(...widths)).toBeLessThanOrEqual(120);
    expect(text).not.toContain(ESC);
  });
});
