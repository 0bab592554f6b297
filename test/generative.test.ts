/**
 * Generative test of the one gate (issue 8): mutations of the three example environments run
 * through the CLI in-process (`runCli` with a captured Io). Half the files carry one to three
 * hostile changes (extreme numbers, `.inf` and `.nan`, odd strings, odd and colliding keys, deleted
 * keys, duplicated entries, values drawn from the schema at and beyond its bounds): most are
 * refused, and must be refused cleanly. The other half carry one to four changes the schema allows,
 * at its bounds (and `costs.allowShortfall`): most are accepted, and must plan, cost and synthesize.
 * For every file:
 *
 * - every command exits 0 or 1, never 70 (internal error), and prints no stack trace;
 * - no output (JSON, Markdown, text, problems) shows NaN, Infinity or ∞, and JSON output has no
 *   null where a number belongs;
 * - a refused file is refused with problems only (`<file>:<line>:<column>: <path>: …`);
 * - a file `validate` accepts is also planned and costed, and (for a sample) synthesizes, with every
 *   Kubernetes name and label value within its limit.
 *
 * The seed is fixed (test/setup.ts; `FC_SEED=<n>` explores others, `GENERATIVE_FILES=<n>` changes the
 * count, `GENERATIVE_DEBUG=1` prints what refused the files). Files are drawn with `fc.sample` rather
 * than `fc.assert` so one run reports every class of failure at once, each with the changes that
 * produced it (already small: at most four changes to an example file), instead of stopping at the
 * first. The default run (2,400 files, ~110 synthesized) takes about a minute on two cores.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { Testing } from "cdktf";
import { parse, stringify } from "yaml";
import type { z } from "zod";
import { runCli } from "../cli/main";
import type { Io } from "../cli/output";
import { loadAndPlan } from "../cli/load";
import { EnvironmentSchema } from "../config/schema";
import { schemaAt } from "../config/zod-issues";
import { costChartData } from "../report/cost-svg";
import { AiFactoryStack } from "../stacks/ai-factory-stack";

type AnySchema = z.core.$ZodType;
type Json = unknown;
type Path = (string | number)[];

const REPO = path.resolve(__dirname, "..");
const EXAMPLES = ["dev", "staging", "prod"].map((stem) => ({
  stem,
  doc: parse(fs.readFileSync(path.join(REPO, "environments", `${stem}.yaml`), "utf8")) as Json,
}));

/** Files per run: 2,400 by default (800 per example). */
const FILES = Number(process.env.GENERATIVE_FILES ?? 2400);
/**
 * Synthesis takes ~50× as long as the CLI commands of a file, so not every accepted file is
 * synthesized: every one with a changed string or name (they reach the Terraform JSON as written),
 * and one in SYNTH_EVERY of the rest, whose changed numbers become sizes, counts and flags the CLI
 * run has already checked for NaN and Infinity.
 */
const SYNTH_EVERY = 20;

// ---------------------------------------------------------------------------------------------
// values

const EXTREME_NUMBERS: readonly number[] = [
  0, -1, 1e308, -1e308, Infinity, -Infinity, NaN, 1e-300, -1e-300, 2 ** 53 + 2, 1e15, 1e21, 0.5, 1.5, 1e7, 744, 745, 8760, 100000, 1e15 + 1,
];

const ODD_STRINGS: readonly string[] = [
  "",
  " ",
  "x".repeat(300),
  "a".repeat(64),
  "é模型",
  "${var.secret}",
  "%{ if true }x%{ endif }",
  "\u0000",
  "a\u0007b",
  "line\nbreak",
  "../../etc/passwd",
  "/abs/path",
  "UPPER",
  "-leading",
  "trailing-",
  "a.b",
  "a_b",
  "1abc",
  "kube-system",
  "default",
  "latest",
  "null",
  "0",
  "h100",
  "on-prem",
];

/** Keys that are odd in themselves, or that collide with others once made into Kubernetes names. */
const ODD_KEYS: readonly string[] = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "a.b",
  "a-b",
  "1abc",
  "m-1abc",
  "k".repeat(52),
  "k".repeat(63),
  "k".repeat(64),
  "p".repeat(58),
  "p".repeat(59),
  "é",
  "",
  "UPPER",
  "store",
  "server-chart",
  "a_b",
];

/** Keys that collide with `key` once turned into a Kubernetes or Terraform name. */
function collidingKeys(key: string): string[] {
  return [key.replace(/-/g, "."), key.replace(/\./g, "-"), `m-${key}`, `${key}.`, key.toUpperCase(), `${key}-`, `${key}..x`.replace("..x", "-x")];
}

/** Token mixes that sum to 1, at the edges of what the schema allows. */
const EXTREME_MIXES = [
  { input: 0, cachedInput: 0, cacheWrite: 0, output: 1 },
  { input: 0, cachedInput: 0.999999, cacheWrite: 0, output: 0.000001 },
  { input: 0.999999, cachedInput: 0, cacheWrite: 0, output: 0.000001 },
  { input: 0, cachedInput: 0, cacheWrite: 0.999999, output: 0.000001 },
  { input: 0.25, cachedInput: 0.25, cacheWrite: 0.25, output: 0.25 },
];

const OTHER_VALUES: readonly Json[] = [null, true, false, [], {}, [1, 2], { a: 1 }, "7", 7];

// ---------------------------------------------------------------------------------------------
// schema-driven values

interface NumberSchema {
  readonly minValue: number | null;
  readonly maxValue: number | null;
  readonly isInt: boolean;
}

function def(schema: AnySchema): Record<string, unknown> & { type: string } {
  return schema._zod.def as unknown as Record<string, unknown> & { type: string };
}

/** A number schema's own bounds and midpoint: values it accepts, at its edges. */
function boundsOf(schema: AnySchema): number[] {
  const n = schema as unknown as NumberSchema;
  const finite = (v: number | null): v is number => v !== null && Number.isFinite(v) && Math.abs(v) < 1e300;
  const min = finite(n.minValue) ? n.minValue : undefined;
  const max = finite(n.maxValue) ? n.maxValue : undefined;
  const mid = min !== undefined && max !== undefined ? (n.isInt ? Math.round((min + max) / 2) : (min + max) / 2) : undefined;
  // An exclusive minimum (`positive()`) is reported as its bound: step just inside it.
  const above = min === undefined ? undefined : n.isInt ? min + 1 : min + Math.max(Math.abs(min) * 1e-6, 1e-6);
  const accepts = (v: number): boolean => (schema as unknown as z.ZodType).safeParse(v).success;
  return [min, above, max, mid].filter((v): v is number => v !== undefined && accepts(v));
}

/** The values at and just beyond a number schema's bounds. */
function boundaryNumbers(schema: AnySchema): number[] {
  const n = schema as unknown as NumberSchema;
  const step = (v: number): number => (n.isInt ? 1 : Math.max(Math.abs(v) * 1e-9, 1e-12));
  const out: number[] = [];
  const min = n.minValue !== null && Number.isFinite(n.minValue) && Math.abs(n.minValue) < 1e300 ? n.minValue : undefined;
  const max = n.maxValue !== null && Number.isFinite(n.maxValue) && Math.abs(n.maxValue) < 1e300 ? n.maxValue : undefined;
  if (min !== undefined) out.push(min, min - step(min), min + step(min));
  if (max !== undefined) out.push(max, max + step(max), max - step(max));
  if (min !== undefined && max !== undefined) out.push(n.isInt ? Math.round((min + max) / 2) : (min + max) / 2);
  if (out.length === 0) out.push(...EXTREME_NUMBERS);
  return out;
}

const PLAIN_STRINGS = ["a", "h100", "x-1", "org/model", "https://e.example", "0123456789abcdef0123456789abcdef01234567", "2025-01-01", "3g.40gb"];

/**
 * An arbitrary value of `schema` (depth-limited): numbers at and beyond its bounds, plain and odd
 * strings; with `valid`, numbers at its bounds only and plain strings, so most values pass.
 */
function arbFor(schema: AnySchema, valid: boolean, depth = 0): fc.Arbitrary<Json> {
  const d = def(schema);
  if (depth > 6) return fc.constant(null);
  switch (d.type) {
    case "optional":
    case "default":
    case "prefault":
      return arbFor(d.innerType as AnySchema, valid, depth);
    case "nullable":
      return fc.oneof(fc.constant(null), arbFor(d.innerType as AnySchema, valid, depth));
    case "pipe":
      return arbFor(d.in as AnySchema, valid, depth);
    case "number": {
      const bounds = boundsOf(schema);
      return fc.constantFrom(...(valid ? (bounds.length > 0 ? bounds : [1]) : [...new Set([...boundaryNumbers(schema), ...EXTREME_NUMBERS])]));
    }
    case "string":
      return valid ? fc.constantFrom(...PLAIN_STRINGS) : fc.constantFrom(...PLAIN_STRINGS, ...ODD_STRINGS);
    case "boolean":
      return fc.boolean();
    case "literal":
      return fc.constantFrom(...(d.values as Json[]));
    case "enum":
      return fc.constantFrom(...Object.values(d.entries as Record<string, Json>));
    case "union":
      return fc.oneof(...(d.options as AnySchema[]).map((o) => arbFor(o, valid, depth + 1)));
    case "array":
      return fc.array(arbFor(d.element as AnySchema, valid, depth + 1), { maxLength: 2 });
    case "record":
      return fc.dictionary(fc.constantFrom("a", "b-1", "x.y"), arbFor(d.valueType as AnySchema, valid, depth + 1), { maxKeys: 2 });
    case "object": {
      const shape = d.shape as Record<string, AnySchema>;
      const entries: Record<string, fc.Arbitrary<Json>> = {};
      const optional: string[] = [];
      for (const [key, child] of Object.entries(shape)) {
        entries[key] = arbFor(child, valid, depth + 1);
        const t = def(child).type;
        if (t === "optional" || t === "default" || t === "prefault") optional.push(key);
      }
      return fc.record(entries, { requiredKeys: Object.keys(shape).filter((k) => !optional.includes(k)) });
    }
    default:
      return fc.constant(null);
  }
}

// ---------------------------------------------------------------------------------------------
// mutations

/** One change to a document; applied by position so it stays meaningful whatever came before. */
type Mutation =
  | { kind: "number"; at: number; value: number }
  | { kind: "boundary"; at: number; pick: number }
  | { kind: "bound"; at: number; pick: number }
  | { kind: "string"; at: number; value: string }
  | { kind: "other"; at: number; value: Json }
  | { kind: "delete"; at: number }
  | { kind: "rename"; at: number; key: string }
  | { kind: "collide"; at: number; pick: number }
  | { kind: "duplicate"; at: number }
  | { kind: "add"; at: number; pick: number; seed: number; valid: boolean }
  | { kind: "mix"; at: number; pick: number };

interface Node {
  readonly path: Path;
  readonly value: Json;
}

/**
 * The schema at `path`, or undefined. `schemaAt` looks keys up in an object's shape, where a key
 * such as `constructor` finds Object's own; such a path has no schema.
 */
function schemaFor(path: Path, doc: Json): AnySchema | undefined {
  for (let i = 1; i <= path.length; i++) {
    const parent = i === 1 ? EnvironmentSchema : schemaAt(EnvironmentSchema, path.slice(0, i - 1), doc);
    if (parent === undefined) return undefined;
    const d = def(parent);
    if (d.type === "object" && !Object.prototype.hasOwnProperty.call(d.shape, path[i - 1])) return undefined;
  }
  // `schemaAt` resolves unions itself and answers undefined for a path it does not know; an
  // exception here is a bug in it, and fails the test.
  return schemaAt(EnvironmentSchema, path, doc);
}

function nodes(doc: Json, at: Path = []): Node[] {
  const out: Node[] = [];
  if (Array.isArray(doc)) {
    doc.forEach((v, i) => {
      out.push({ path: [...at, i], value: v }, ...nodes(v, [...at, i]));
    });
  } else if (doc !== null && typeof doc === "object") {
    for (const key of Object.keys(doc)) {
      const v = (doc as Record<string, Json>)[key];
      out.push({ path: [...at, key], value: v }, ...nodes(v, [...at, key]));
    }
  }
  return out;
}

function parentOf(doc: Json, p: Path): Record<string | number, Json> {
  let cur = doc as Record<string | number, Json>;
  for (const part of p.slice(0, -1)) cur = cur[part] as Record<string | number, Json>;
  return cur;
}

/** Sets an own property, `__proto__` included (plain assignment would change the prototype). */
function setOwn(obj: Record<string | number, Json>, key: string | number, value: Json): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Renames `from` to `to` in place, keeping the key order. */
function renameKey(obj: Record<string, Json>, from: string, to: string): void {
  const entries = Object.keys(obj).map((k): [string, Json] => [k === from ? to : k, obj[k]]);
  for (const k of Object.keys(obj)) delete obj[k];
  for (const [k, v] of entries) setOwn(obj, k, v);
}

function pickOf<T>(list: readonly T[], n: number): T | undefined {
  return list.length === 0 ? undefined : list[Math.abs(n) % list.length];
}

/** Applies `m` to `doc` (a fresh copy); returns a description for failure reports. */
function apply(doc: Json, m: Mutation): string {
  const all = nodes(doc);
  const numbers = all.filter((n) => typeof n.value === "number");
  const strings = all.filter((n) => typeof n.value === "string");
  const keyed = all.filter((n) => typeof n.path[n.path.length - 1] === "string");
  const containers = [{ path: [], value: doc } as Node, ...all.filter((n) => n.value !== null && typeof n.value === "object")];
  const show = (p: Path) => p.map(String).join(".");
  switch (m.kind) {
    case "number": {
      const n = pickOf(numbers, m.at);
      if (!n) return "noop";
      parentOf(doc, n.path)[n.path[n.path.length - 1]] = m.value;
      return `${show(n.path)} = ${m.value}`;
    }
    case "boundary": {
      const n = pickOf(numbers, m.at);
      if (!n) return "noop";
      const schema = schemaFor(n.path, doc);
      const values = schema && def(schema).type === "number" ? boundaryNumbers(schema) : [...EXTREME_NUMBERS];
      const value = pickOf(values, m.pick)!;
      parentOf(doc, n.path)[n.path[n.path.length - 1]] = value;
      return `${show(n.path)} = ${value} (schema bound)`;
    }
    case "bound": {
      // Mix shares are changed together (`mix`), so they still sum to 1.
      const n = pickOf(numbers.filter((x) => x.path[x.path.length - 2] !== "mix"), m.at);
      if (!n) return "noop";
      const schema = schemaFor(n.path, doc);
      const value = schema && def(schema).type === "number" ? pickOf(boundsOf(schema), m.pick) : undefined;
      if (value === undefined) return "noop";
      parentOf(doc, n.path)[n.path[n.path.length - 1]] = value;
      return `${show(n.path)} = ${value} (in bounds)`;
    }
    case "string": {
      const n = pickOf(strings, m.at);
      if (!n) return "noop";
      parentOf(doc, n.path)[n.path[n.path.length - 1]] = m.value;
      return `${show(n.path)} = ${JSON.stringify(m.value)}`;
    }
    case "other": {
      const n = pickOf(all, m.at);
      if (!n) return "noop";
      parentOf(doc, n.path)[n.path[n.path.length - 1]] = structuredClone(m.value);
      return `${show(n.path)} = ${JSON.stringify(m.value)}`;
    }
    case "delete": {
      const n = pickOf(all, m.at);
      if (!n) return "noop";
      const parent = parentOf(doc, n.path);
      const last = n.path[n.path.length - 1];
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
      return `delete ${show(n.path)}`;
    }
    case "rename": {
      const n = pickOf(keyed, m.at);
      if (!n) return "noop";
      const parent = parentOf(doc, n.path) as Record<string, Json>;
      const from = n.path[n.path.length - 1] as string;
      if (Object.prototype.hasOwnProperty.call(parent, m.key)) return "noop";
      renameKey(parent, from, m.key);
      return `rename ${show(n.path)} to ${JSON.stringify(m.key)}`;
    }
    case "collide": {
      // A copy of a map entry under a key that differs only in what name-making drops.
      const maps = keyed.filter((n) => ["models", "nodePools", "gpus"].includes(String(n.path[n.path.length - 2])));
      const n = pickOf(maps, m.at);
      if (!n) return "noop";
      const parent = parentOf(doc, n.path) as Record<string, Json>;
      const from = n.path[n.path.length - 1] as string;
      const key = pickOf(collidingKeys(from), m.pick)!;
      if (Object.prototype.hasOwnProperty.call(parent, key)) return "noop";
      setOwn(parent, key, structuredClone(parent[from]));
      return `copy ${show(n.path)} to ${JSON.stringify(key)}`;
    }
    case "duplicate": {
      const n = pickOf(all.filter((x) => typeof x.path[x.path.length - 1] === "number"), m.at);
      if (!n) return "noop";
      const parent = parentOf(doc, n.path) as unknown as Json[];
      parent.push(structuredClone(n.value));
      return `duplicate ${show(n.path)}`;
    }
    case "add": {
      const c = pickOf(containers, m.at)!;
      if (Array.isArray(c.value)) return "noop";
      const schema = c.path.length === 0 ? EnvironmentSchema : schemaFor(c.path, doc);
      if (!schema) return "noop";
      let inner: AnySchema = schema;
      for (let t = def(inner).type; t === "optional" || t === "default" || t === "prefault" || t === "nullable"; t = def(inner).type) {
        inner = def(inner).innerType as AnySchema;
      }
      const d = def(inner);
      let key: string;
      let child: AnySchema;
      if (d.type === "object") {
        const shape = d.shape as Record<string, AnySchema>;
        const missing = Object.keys(shape).filter((k) => !Object.prototype.hasOwnProperty.call(c.value, k));
        const k = pickOf(missing.length > 0 ? missing : Object.keys(shape), m.pick);
        if (k === undefined) return "noop";
        key = k;
        child = shape[k];
      } else if (d.type === "record") {
        key = pickOf(m.valid ? ["extra", "h100-sxm", "b-1"] : ["extra", "a.b", ...ODD_KEYS], m.pick)!;
        child = d.valueType as AnySchema;
      } else {
        return "noop";
      }
      const [value] = fc.sample(arbFor(child, m.valid), { seed: m.seed, numRuns: 1 });
      setOwn(c.value as Record<string, Json>, key, value);
      return `set ${show([...c.path, key])} = ${JSON.stringify(value)} (from the schema)`;
    }
    case "mix": {
      const mixes = all.filter((n) => n.path[n.path.length - 1] === "mix");
      const n = pickOf(mixes, m.at);
      if (!n) return "noop";
      const mix = pickOf(EXTREME_MIXES, m.pick)!;
      parentOf(doc, n.path).mix = { ...mix };
      return `${show(n.path)} = ${JSON.stringify(mix)}`;
    }
  }
}

/** Hostile changes: most files they make are refused, and must be refused cleanly. */
const hostileArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("number" as const), at: fc.nat(), value: fc.constantFrom(...EXTREME_NUMBERS) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("boundary" as const), at: fc.nat(), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("bound" as const), at: fc.nat(), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("string" as const), at: fc.nat(), value: fc.constantFrom(...ODD_STRINGS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("other" as const), at: fc.nat(), value: fc.constantFrom(...OTHER_VALUES) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("rename" as const), at: fc.nat(), key: fc.constantFrom(...ODD_KEYS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("collide" as const), at: fc.nat(), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("add" as const), at: fc.nat(), pick: fc.nat(), seed: fc.integer(), valid: fc.constant(false) }) },
);

/** Changes to values the schema allows, at its bounds: most files they make are accepted, and must plan, cost and synthesize. */
const extremeArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("bound" as const), at: fc.nat(), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("mix" as const), at: fc.nat(), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("add" as const), at: fc.nat(), pick: fc.nat(), seed: fc.integer(), valid: fc.constant(true) }) },
);

const fileArb = fc.record({
  example: fc.nat({ max: EXAMPLES.length - 1 }),
  mutations: fc.oneof(fc.array(hostileArb, { minLength: 1, maxLength: 3 }), fc.array(extremeArb, { minLength: 1, maxLength: 4 })),
  // A line of the YAML text written twice: a duplicate key, or a duplicate list item (one file in ten).
  duplicateLine: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
});

// ---------------------------------------------------------------------------------------------
// checks

/** JSON keys whose value may be null (each documented as nullable in its type). */
const NULLABLE_KEYS = new Set([
  "breakEvenMonths",
  "usdPerMillionTokens",
  "sizing",
  "shortfall",
  "targetSecondsPerOutputToken",
  "estimatedSecondsPerOutputToken",
  "prefillTokensPerSecond",
  "secondsPerOutputToken",
  "fp8",
  "fp4",
]);

/** Paths of null values where a number belongs (savings per horizon may be null: nothing to save against). */
function misplacedNulls(value: Json, at = "$"): string[] {
  if (value === null) return [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => misplacedNulls(v, `${at}[${i}]`));
  if (typeof value === "object") {
    return Object.entries(value as Record<string, Json>).flatMap(([k, v]) =>
      v === null && (NULLABLE_KEYS.has(k) || at.endsWith(".savingsPercent")) ? [] : misplacedNulls(v, `${at}.${k}`),
    );
  }
  return [];
}

const COMMANDS: readonly (readonly string[])[] = [
  ["validate", "--json"],
  ["plan", "--json"],
  ["plan"],
  ["cost", "--json"],
  ["cost"],
  ["images", "--json"],
];

interface Run {
  readonly command: string;
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

function run(args: readonly string[], file: string): Run {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = runCli([args[0], file, ...args.slice(1)], io);
  return { command: args.join(" "), code, out: out.join("\n"), err: err.join("\n") };
}

/** Whether `line` is a problem of `file` as the CLI prints it: `<file>:<line>:<column>: …`. */
function isProblemLine(line: string, file: string): boolean {
  return line.startsWith(`${file}:`) && /^\d+:\d+: /.test(line.slice(file.length + 1));
}

/** What is wrong with one command's run, if anything. */
function runFailures(r: Run, shownFile: string): string[] {
  const failures: string[] = [];
  const all = `${r.out}\n${r.err}`;
  if (r.code !== 0 && r.code !== 1) failures.push(`exit ${r.code}`);
  if (/internal error|\n\s+at \S/.test(all)) failures.push(`stack trace: ${all.split("\n").slice(0, 2).join(" / ")}`);
  const bad = /NaN|Infinity|∞/.exec(all);
  if (bad) {
    const line = all.split("\n").find((l) => l.includes(bad[0]));
    failures.push(`${bad[0]} in output: ${line?.slice(0, 240)}`);
  }
  if (r.code === 0 && r.command.endsWith("--json")) {
    let parsed: Json;
    try {
      parsed = JSON.parse(r.out);
    } catch {
      failures.push("output is not JSON");
      return failures;
    }
    const nulls = misplacedNulls(parsed);
    if (nulls.length > 0) failures.push(`null where a number belongs: ${nulls.slice(0, 3).join(", ")}`);
  }
  if (r.code === 1) {
    const lines = r.err.split("\n");
    const last = lines.pop() ?? "";
    if (!/^\d+ problems? found/.test(last)) failures.push(`no problem count: ${last.slice(0, 200)}`);
    const stray = lines.filter((l) => !isProblemLine(l, shownFile));
    // A multi-line message continues on indented lines; anything else is not a problem.
    const notProblems = stray.filter((l) => !/^\s/.test(l));
    if (notProblems.length > 0) failures.push(`not a problem line: ${notProblems[0].slice(0, 200)}`);
  }
  return failures;
}

const DNS_LABEL_MAX = 63;
/** Helm refuses release names longer than 53 characters. */
const HELM_RELEASE_MAX = 53;

/** Kubernetes names and label values in a synthesized stack that exceed their limits, or that two resources share. */
function nameFailures(stack: Record<string, any>): string[] {
  const failures: string[] = [];
  const resources = (stack.resource ?? {}) as Record<string, Record<string, any>>;
  const owners = new Map<string, string>();
  for (const [type, byName] of Object.entries(resources)) {
    for (const [id, r] of Object.entries(byName)) {
      const object = Array.isArray(r.metadata) ? r.metadata[0] : r.metadata;
      const name = type === "helm_release" ? r.name : object?.name;
      if (name !== undefined) {
        // Two resources that manage one object (same kind, namespace and name) overwrite each other at apply.
        const key = `${type} ${r.namespace ?? object?.namespace ?? ""}/${name}`;
        const other = owners.get(key);
        if (other !== undefined) failures.push(`${type}.${id} and ${type}.${other} both manage ${key}`);
        owners.set(key, id);
      }
      if (type === "helm_release" && String(r.name).length > HELM_RELEASE_MAX) failures.push(`${type}.${id}: release name ${r.name} is longer than ${HELM_RELEASE_MAX}`);
      const meta = Array.isArray(r.metadata) ? r.metadata[0] : r.metadata;
      if (meta?.name && String(meta.name).length > DNS_LABEL_MAX && type !== "kubernetes_labels" && type !== "kubernetes_node_taint") {
        failures.push(`${type}.${id}: name ${meta.name} is longer than ${DNS_LABEL_MAX}`);
      }
      for (const labels of [r.labels, meta?.labels]) {
        for (const [k, v] of Object.entries((labels ?? {}) as Record<string, string>)) {
          if (String(v).length > DNS_LABEL_MAX) failures.push(`${type}.${id}: label ${k}=${v} is longer than ${DNS_LABEL_MAX}`);
        }
      }
    }
  }
  return failures;
}

function synthFailures(file: string): string[] {
  try {
    const [planned] = loadAndPlan([file], { cwd: REPO });
    const app = Testing.app();
    const stack = new AiFactoryStack(app, planned.env.config.name, { env: planned.env, plan: planned.plan, costs: planned.costs.summary });
    const text = Testing.synth(stack);
    const failures = nameFailures(JSON.parse(text) as Record<string, any>);
    // The chart the synth writes beside the stack (cdktf.out/costs/<env>.svg), as its data: rendering adds no arithmetic.
    const summary = planned.costs.summary;
    const chart = costChartData(summary, Math.max(...summary.horizonMonths));
    const points = [...chart.lines.map((p) => p.usd), ...chart.breakEvens.flatMap((b) => [b.month, b.usd])];
    if (!points.every(Number.isFinite)) failures.push("a point of the cost chart is not a finite number");
    if (/NaN|Infinity/.test(text)) failures.push("NaN or Infinity in the synthesized stack");
    // Template syntax from the file must reach Terraform escaped ($${, %%{), never as an expression.
    const template = /(?<!\$)\$\{var\.secret\}|(?<!%)%\{ if true \}/.exec(text);
    if (template) failures.push(`unescaped template syntax from the file in the synthesized stack: ${template[0]}`);
    return failures;
  } catch (err) {
    return [`synth threw: ${String((err as Error)?.message ?? err).split("\n")[0].slice(0, 300)}`];
  }
}

// ---------------------------------------------------------------------------------------------

/** One generated file: which example, and the changes made to it. */
type Sample = typeof fileArb extends fc.Arbitrary<infer T> ? T : never;

/** What checking one file found. */
interface Outcome {
  readonly changes: readonly string[];
  readonly accepted: boolean;
  readonly synthesized: boolean;
  readonly failures: readonly string[];
  /** The first problem of a refused file, numbers and quoted names stripped (GENERATIVE_DEBUG tallies them). */
  readonly refusedFor?: string;
}

/** Writes the file of `sample` into `dir`, runs the commands on it and checks what they print. */
function checkFile(sample: Sample, dir: string, acceptedSoFar: number): Outcome {
  const { stem, doc } = EXAMPLES[sample.example];
  const copy = structuredClone(doc);
  const changes = sample.mutations.map((m) => apply(copy, m));
  if (sample.mutations.every((m) => m.kind === "bound" || m.kind === "mix" || (m.kind === "add" && m.valid))) {
    // Extreme demands are what a shortfall is for: accept it, so such files reach synthesis too.
    const costs = ((copy as Record<string, Json>).costs ??= {}) as Record<string, Json>;
    costs.allowShortfall = true;
    changes.push("costs.allowShortfall = true");
  }
  const file = path.join(dir, `${stem}.yaml`);
  const lines = stringify(copy).split("\n");
  if (sample.duplicateLine !== null) {
    const at = sample.duplicateLine % lines.length;
    lines.splice(at, 0, lines[at]);
    changes.push(`line ${at + 1} written twice: ${JSON.stringify(lines[at])}`);
  }
  fs.writeFileSync(file, lines.join("\n"));
  const shown = path.relative(REPO, file).split(path.sep).join("/");

  const validate = run(COMMANDS[0], file);
  // plan, cost and images differ from validate only in accepting a shortfall: a file refused for
  // anything else is refused by them with the same problems, so one of them checks that.
  const refusal = validate.err.split("\n").filter((l) => isProblemLine(l, shown));
  const shortfallOnly = refusal.length > 0 && refusal.every((l) => l.includes(": cannot carry the peak demand"));
  const accepted = validate.code === 0;
  const others = (accepted || shortfallOnly ? COMMANDS.slice(1) : [["cost", "--json"]]).map((c) => run(c, file));
  const failures: string[] = [];
  for (const r of [validate, ...others]) for (const f of runFailures(r, shown)) failures.push(`${r.command}: ${f}`);
  if (validate.code === 1 && !shortfallOnly && others[0].code !== 1) failures.push(`cost --json: exit ${others[0].code} on a file validate refuses`);
  if (accepted) {
    for (const r of others) if (r.code !== 0) failures.push(`${r.command}: exit ${r.code} on a file validate accepts: ${r.err.split("\n")[0]}`);
  }
  // Strings and names reach the synthesized stack as they are; numbers mostly as sizes and flags.
  const textual = sample.mutations.some((m) => ["string", "rename", "collide", "other"].includes(m.kind) || (m.kind === "add" && !m.valid));
  const synthesized = accepted && (textual || (acceptedSoFar + 1) % SYNTH_EVERY === 0);
  if (synthesized) failures.push(...synthFailures(file).map((f) => `synth: ${f}`));
  const refusedFor = accepted ? undefined : stripped(validate.err.split("\n")[0].replace(/^[^:]*:\d+:\d+: /, "")).slice(0, 90);
  return { changes, accepted, synthesized, failures, refusedFor };
}

/** A message with its quoted names and numbers replaced, so messages of one kind group together. */
function stripped(message: string): string {
  return message.replace(/"[^"]*"/g, '"…"').replace(/-?\d[\d.e+-]*/g, "#");
}

describe("generative: hostile environment files", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ai-factory-generative-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test(`GIVEN ${FILES} mutated example files WHEN validated, planned, costed and listed THEN each exits 0 or 1 with clean output, and what validate accepts synthesizes`, () => {
    const seed = fc.readConfigureGlobal().seed ?? 0;
    const samples = fc.sample(fileArb, { seed, numRuns: FILES });
    const started = Date.now();
    // Failures grouped by kind, so a report lists classes with one example each, not thousands of lines.
    const failures = new Map<string, { count: number; example: string }>();
    const refusals = new Map<string, number>();
    let accepted = 0;
    let synthesized = 0;
    samples.forEach((sample, i) => {
      const outcome = checkFile(sample, dir, accepted);
      if (outcome.accepted) accepted++;
      if (outcome.synthesized) synthesized++;
      if (outcome.refusedFor !== undefined) refusals.set(outcome.refusedFor, (refusals.get(outcome.refusedFor) ?? 0) + 1);
      for (const f of outcome.failures) {
        const kind = stripped(f).slice(0, 160);
        const { stem } = EXAMPLES[sample.example];
        const entry = failures.get(kind) ?? { count: 0, example: `#${i} ${stem}.yaml with ${outcome.changes.join("; ")}\n    ${f}` };
        entry.count++;
        failures.set(kind, entry);
      }
    });
    const seconds = (Date.now() - started) / 1000;
    if (process.env.GENERATIVE_DEBUG) {
      // What refused the files, most frequent first: to tune the mutations towards both outcomes.
      console.log([...refusals.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, v]) => `${v} ${k}`).join("\n"));
    }
    // For the record: the seed to replay, how many files were accepted and synthesized, how long it took.
    console.log(`generative: seed ${seed}, ${samples.length} files, ${accepted} accepted, ${synthesized} synthesized, ${seconds.toFixed(1)} s`);
    expect([...failures.values()].map((f) => `${f.count}× ${f.example}`)).toEqual([]);
    // Both outcomes must be well represented, or the test checks little.
    expect(accepted).toBeGreaterThan(samples.length / 5);
    expect(accepted).toBeLessThan(samples.length * 0.8);
    expect(synthesized).toBeGreaterThan(samples.length / 50);
  }, 300_000);
});
