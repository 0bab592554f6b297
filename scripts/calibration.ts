/**
 * The throughput model against the calibration set (catalog/benchmarks.ts): prints the error of
 * the catalog's calibration on the fitting and the held-out part — median |ln(estimate ÷
 * measured)|, the share within ±25 % and within 2× — and the worst cases.
 *
 *   npm run calibration                 # errors of catalog/calibration.ts
 *   npm run calibration -- --cases      # and every case
 *   npm run calibration -- --fit        # refit the factors on the fitting part, print them and their errors
 *   npm run calibration -- --fit --write  # and write them into catalog/calibration.ts
 *
 * The fit starts from the catalog's factors and is deterministic; the held-out part is never fitted on.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Table from "cli-table3";
import { THROUGHPUT_CALIBRATION } from "../catalog/calibration";
import type { CalibrationError, Source, ThroughputCalibration, ThroughputFactors } from "../catalog/types";
import { estimateCase, fitFactors, roundFactor, summarize, type CaseResult, type ResolvedCase } from "../planning/calibration-fit";
import { calibrationSet } from "../planning/calibration-set";
import { modelFamily } from "../planning/throughput";

const FACTORS: readonly (keyof ThroughputFactors)[] = [
  "weightBandwidthEfficiency",
  "kvBandwidthEfficiency",
  "computeEfficiency",
  "computeEfficiencyFp4",
  "prefillEfficiency",
  "prefillEfficiencyFp4",
  "attentionEfficiency",
  "moeEfficiency",
  "moeExpertTokensHalf",
  "interconnectEfficiency",
  "pcieEfficiency",
  "allReduceLatencyUs",
  "crossDomainEfficiency",
  "stepOverheadMs",
  "sequenceOverheadUs",
];

function line(label: string, e: CalibrationError): string[] {
  return [label, String(e.cases), e.medianAbsLn.toFixed(3), `${(e.within25Percent * 100).toFixed(0)} %`, `${(e.within2x * 100).toFixed(0)} %`];
}

function errorTable(rows: string[][]): string {
  const t = new Table({ head: ["part", "cases", "median |ln|", "within ±25 %", "within 2×"], style: { head: [], border: [] } });
  t.push(...rows);
  return t.toString();
}

function caseTable(cases: readonly ResolvedCase[], results: readonly CaseResult[], limit: number): string {
  const t = new Table({ head: ["case", "split", "measured", "estimate", "ln", "bound"], style: { head: [], border: [] } });
  const order = results
    .map((r, i) => ({ r, c: cases[i] }))
    .sort((a, b) => Math.abs(b.r.lnError ?? 9) - Math.abs(a.r.lnError ?? 9))
    .slice(0, limit);
  for (const { r, c } of order) {
    t.push([
      r.id,
      c.case.split,
      Math.round(r.measured).toLocaleString("en-US"),
      r.estimate === null ? `— (${r.problem})` : Math.round(r.estimate).toLocaleString("en-US"),
      r.lnError === null ? "—" : r.lnError.toFixed(2),
      r.estimateDetail?.boundBy ?? "",
    ]);
  }
  return t.toString();
}

/** The errors by kind of case: engine, model family, interconnect with TP, concurrency. */
function groupTable(cases: readonly ResolvedCase[], results: readonly CaseResult[]): string {
  const kinds: readonly [string, (c: ResolvedCase) => string][] = [
    ["engine", (c) => c.case.engine],
    ["model", (c) => modelFamily(c.model)],
    ["link", (c) => (c.case.tensorParallel === 1 ? "one GPU" : `${c.interconnect.kind}, TP ${c.case.tensorParallel <= 4 ? "2–4" : "8"}`)],
    ["load", (c) => (c.case.concurrency === "offline" ? "offline" : c.case.concurrency <= 8 ? "1–8 in flight" : "9+ in flight")],
  ];
  const rows: string[][] = [];
  for (const [kind, key] of kinds) {
    const groups = new Map<string, CaseResult[]>();
    cases.forEach((c, i) => groups.set(key(c), [...(groups.get(key(c)) ?? []), results[i]]));
    for (const [name, rs] of [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0]))) rows.push(line(`${kind}: ${name}`, summarize(rs)));
  }
  return errorTable(rows);
}

function evaluate(calibration: ThroughputCalibration, fit: readonly ResolvedCase[], heldOut: readonly ResolvedCase[]) {
  const fitResults = fit.map((c) => estimateCase(c, calibration));
  const heldResults = heldOut.map((c) => estimateCase(c, calibration));
  return { fitResults, heldResults, fit: summarize(fitResults), heldOut: summarize(heldResults) };
}

/** The sources of the fitting part, one per published table. */
function fitSources(fit: readonly ResolvedCase[]): Source[] {
  const bySource = new Map<string, { source: Source; n: number }>();
  for (const c of fit) {
    const key = c.case.source.url;
    const hit = bySource.get(key);
    if (hit) hit.n++;
    else bySource.set(key, { source: c.case.source, n: 1 });
  }
  return [...bySource.values()]
    .sort((a, b) => a.source.url.localeCompare(b.source.url))
    .map(({ source, n }) => ({ url: source.url, date: source.date, note: `${n} cases of the fitting part (catalog/benchmarks.ts)` }));
}

function rounded(e: CalibrationError): CalibrationError {
  return { cases: e.cases, medianAbsLn: roundFactor(e.medianAbsLn), within25Percent: roundFactor(e.within25Percent), within2x: roundFactor(e.within2x) };
}

/** `value` as a TypeScript literal: identifier keys bare, strings double-quoted, two-space indents. */
function tsLiteral(value: unknown, indent = ""): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => `${inner}${tsLiteral(v, inner)},`).join("\n")}\n${indent}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k));
    return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${tsLiteral(v, inner)},`).join("\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** catalog/calibration.ts with `calibration`'s factors, errors and sources written in. */
function rewrite(file: string, calibration: ThroughputCalibration, errors: { fit: CalibrationError; heldOut: CalibrationError }, sources: Source[]): string {
  const text = fs.readFileSync(file, "utf8");
  const start = text.indexOf("export const THROUGHPUT_CALIBRATION");
  if (start < 0) throw new Error(`${file}: no THROUGHPUT_CALIBRATION to rewrite`);
  const engines = Object.fromEntries(
    Object.entries(calibration.engines ?? {}).map(([k, e]) => [k, { decodeScale: roundFactor(e!.decodeScale), prefillScale: roundFactor(e!.prefillScale), cases: e!.cases }]),
  );
  const value = {
    ...Object.fromEntries(FACTORS.map((f) => [f, roundFactor(calibration[f])])),
    adjustments: [],
    engines,
    errors: { fit: rounded(errors.fit), heldOut: rounded(errors.heldOut) },
    sources,
  };
  const body = `export const THROUGHPUT_CALIBRATION: ThroughputCalibration = ${tsLiteral(value)};\n`;
  return text.slice(0, start) + body;
}

function main(): void {
  const args = new Set(process.argv.slice(2));
  const { fit, heldOut } = calibrationSet();
  let calibration = THROUGHPUT_CALIBRATION;
  const before = evaluate(calibration, fit, heldOut);
  console.log(`Throughput model against ${fit.length + heldOut.length} published measurements (catalog/benchmarks.ts)\n`);
  console.log("catalog/calibration.ts:");
  console.log(errorTable([line("fitting", before.fit), line("held-out", before.heldOut)]));
  if (args.has("--fit")) {
    calibration = fitFactors(fit, calibration);
    calibration = { ...calibration, ...Object.fromEntries(FACTORS.map((f) => [f, roundFactor(calibration[f])])) };
    const after = evaluate(calibration, fit, heldOut);
    console.log("\nrefitted on the fitting part:");
    for (const f of FACTORS) console.log(`  ${f}: ${calibration[f]}`);
    for (const [engine, e] of Object.entries(calibration.engines ?? {})) {
      console.log(`  engine ${engine}: decode × ${e?.decodeScale}, prefill × ${e?.prefillScale} (${e?.cases} cases)`);
    }
    console.log(errorTable([line("fitting", after.fit), line("held-out", after.heldOut)]));
    if (args.has("--write")) {
      const file = path.join(__dirname, "..", "catalog", "calibration.ts");
      fs.writeFileSync(file, rewrite(file, calibration, { fit: after.fit, heldOut: after.heldOut }, fitSources(fit)));
      console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
    }
  }
  const final = evaluate(calibration, fit, heldOut);
  const all = [...fit, ...heldOut];
  const results = [...final.fitResults, ...final.heldResults];
  console.log(args.has("--cases") ? "\nevery case, worst first:" : "\nthe 15 worst cases:");
  console.log(caseTable(all, results, args.has("--cases") ? all.length : 15));
  console.log("\nby kind of case (both parts):");
  console.log(groupTable(all, results));
  const target = final.heldOut.within25Percent >= 0.8 && final.heldOut.medianAbsLn <= 0.15;
  console.log(`\nheld-out target (≥ 80 % within ±25 %, median |ln| ≤ 0.15): ${target ? "met" : "NOT met"}`);
}

main();
