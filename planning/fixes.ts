/**
 * Ways out of a planning problem, as data. A fix is a list of changes to the environment file (set
 * a key, add nodes to a pool); the problem's message renders them (`use tensorParallel: 2, or
 * maxContextTokens ≤ 13312`), and planning/plan.ts offers a fix only after applying it to a copy of
 * the file and planning again (`acceptsFix`). Pure, no I/O.
 */
import { DocPath, formatPath } from "../config/errors";

/** One change to the environment file. */
export type FixChange =
  | {
      readonly kind: "set";
      /** The key, from the top of the file: `["models", "coder", "tensorParallel"]`. */
      readonly path: DocPath;
      /** The new value, as it would be written in the file (after zod defaults). */
      readonly value: unknown;
      /**
       * The value is the largest that works, and any smaller one works too: the message writes
       * `maxContextTokens ≤ 13312` instead of `maxContextTokens: 13312`.
       * @default false
       */
      readonly atMost?: boolean;
    }
  | {
      readonly kind: "addNodes";
      /** The pool's node list: `["nodePools", "h100", "nodes"]`. */
      readonly path: DocPath;
      /** How many servers to add; their names are the user's to choose. */
      readonly count: number;
    };

/** A way out of a problem: every change applied together. */
export interface Fix {
  readonly changes: readonly FixChange[];
}

/** A problem found by planning, with the ways out it proposes, not yet checked against the rest of the file. */
export interface PlanIssue {
  /** Where the problem is reported. */
  readonly path: DocPath;
  /**
   * The rule that failed, e.g. `memory` or `placement`. With `path` it identifies the problem across
   * re-plans, whose messages differ in their numbers.
   */
  readonly check: string;
  /** Keys under this path are written relative to it (`tensorParallel: 2` for a problem of `models.m`). */
  readonly base: DocPath;
  /** The problem up to its ways out: what is wrong and what was found. */
  readonly summary: string;
  /** Candidate ways out, best first. */
  readonly fixes: readonly Fix[];
  /**
   * Offer at most this many of the fixes that work (the first ones), when they are alternatives
   * of one knob and more would only repeat the rule.
   * @default - every fix that works
   */
  readonly maxFixes?: number;
  /**
   * Said when the check found no candidate at all, e.g. `needs more than one server's memory (…)`.
   * @default - nothing
   */
  readonly otherwise?: string;
}

/** Said when every candidate way out of a problem was refused by re-planning. */
export const NO_WORKING_FIX = "no single change fixes it without breaking another check";

/**
 * The message of `issue` with these ways out: `<summary>; use A, or B`; with none,
 * `<summary>; <otherwise>`, or `NO_WORKING_FIX` when the issue had candidates and none worked.
 * By default, the issue's candidates (at most `maxFixes` of them), as they stand before re-planning.
 */
export function issueMessage(issue: PlanIssue, fixes: readonly Fix[] = issue.fixes.slice(0, issue.maxFixes)): string {
  if (fixes.length > 0) return `${issue.summary}; use ${fixes.map((f) => fixText(f, issue.base)).join(", or ")}`;
  const otherwise = issue.fixes.length > 0 ? NO_WORKING_FIX : issue.otherwise;
  return otherwise === undefined ? issue.summary : `${issue.summary}; ${otherwise}`;
}

/**
 * How a message writes a fix: its first change, then the others after `with`:
 * `maxContextTokens ≤ 1024 with tensorParallel: 2 and rollout: recreate`.
 */
export function fixText(fix: Fix, base: DocPath = []): string {
  const [first, ...rest] = fix.changes.map((c) => changeText(c, base));
  return rest.length === 0 ? first : `${first} with ${rest.join(" and ")}`;
}

/**
 * One change as the user would write it: `tensorParallel: 2`, `maxContextTokens ≤ 13312`,
 * `nodePools.mig.gpuSharing: { mode: none }`, `2 more nodes in nodePools.h100.nodes`. Keys under
 * `base` are relative to it; any other key is written with its full path.
 */
export function changeText(change: FixChange, base: DocPath = []): string {
  const key = formatPath(relativeTo(change.path, base));
  if (change.kind === "addNodes") {
    return `${change.count} more ${change.count === 1 ? "node" : "nodes"} in ${key}`;
  }
  return `${key}${change.atMost ? " ≤ " : ": "}${yamlValue(change.value)}`;
}

function relativeTo(path: DocPath, base: DocPath): DocPath {
  const under = path.length > base.length && base.every((part, i) => path[i] === part);
  return under ? path.slice(base.length) : path;
}

/** A value in YAML flow style: `7g.80gb`, `2`, `{ mode: none }`. */
function yamlValue(value: unknown): string {
  if (typeof value === "string") return /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(yamlValue).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${yamlValue(v)}`);
    return `{ ${entries.join(", ")} }`;
  }
  return String(value);
}

/**
 * A copy of `config` (the parsed environment file) with `fix` applied. Added nodes get names from
 * `newNodeName(pool, i)`, which the caller makes unique: the real names are the user's to choose.
 */
export function applyFix(config: unknown, fix: Fix, newNodeName: (pool: string, i: number) => string): unknown {
  const copy: unknown = structuredClone(config);
  for (const change of fix.changes) {
    const parent = containerAt(copy, change.path.slice(0, -1));
    const last = change.path[change.path.length - 1];
    if (change.kind === "set") {
      parent[last] = structuredClone(change.value);
    } else {
      const nodes = parent[last];
      if (!Array.isArray(nodes)) throw new Error(`${formatPath(change.path)} is not a list of nodes`);
      const pool = String(change.path[change.path.length - 2]);
      for (let i = 0; i < change.count; i++) nodes.push(newNodeName(pool, i));
    }
  }
  return copy;
}

/** The object or array at `path`, creating missing objects on the way (a fix may set a key the file left out). */
function containerAt(root: unknown, path: DocPath): Record<string | number, unknown> {
  let node = root as Record<string | number, unknown>;
  for (const part of path) {
    const next = node[part];
    if (next === null || typeof next !== "object") node[part] = {};
    node = node[part] as Record<string | number, unknown>;
  }
  return node;
}

/** What identifies a problem across re-plans: its path and the rule that failed. */
export interface ProblemKey {
  readonly path: DocPath;
  readonly check: string;
}

function keyOf(p: ProblemKey): string {
  return `${formatPath(p.path)}\u0000${p.check}`;
}

/**
 * Whether a fix for `target` works: planned again with the fix, the file has
 * - no problem of `target`'s rule at `target`'s path (the problem is gone, whatever its numbers);
 * - no problem of a rule at a path that did not fail that rule before (it adds none; a problem
 *   of the file that is still there, with other numbers, is not new: fixing one problem need not
 *   fix the others);
 * - fewer problems than before, so two problems of one rule at one path cannot hide a new one.
 * Problems of parsing and resolution after the fix count as new: the file as planned had none.
 */
export function acceptsFix(before: readonly ProblemKey[], target: ProblemKey, after: readonly ProblemKey[]): boolean {
  const had = new Set(before.map(keyOf));
  const gone = keyOf(target);
  return after.length < before.length && after.every((p) => keyOf(p) !== gone && had.has(keyOf(p)));
}

/** Whether two problems are the same one: the same rule failing at the same path. */
export function isSameProblem(a: ProblemKey, b: ProblemKey): boolean {
  return keyOf(a) === keyOf(b);
}

/** The problems of `after` whose path and rule did not fail `before`. */
export function newProblems<T extends ProblemKey>(before: readonly ProblemKey[], after: readonly T[]): T[] {
  const had = new Set(before.map(keyOf));
  return after.filter((p) => !had.has(keyOf(p)));
}

/** Whether two fixes change a key in common, or one a key inside the other's (then they cannot be combined). */
export function overlaps(a: Fix, b: Fix): boolean {
  const within = (p: DocPath, q: DocPath): boolean => p.length <= q.length && p.every((part, i) => q[i] === part);
  return a.changes.some((x) => b.changes.some((y) => within(x.path, y.path) || within(y.path, x.path)));
}

/** A stable identity of a fix, to apply each one once. */
export function fixId(fix: Fix): string {
  return JSON.stringify(fix.changes);
}
