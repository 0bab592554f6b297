/**
 * The plan of an environment: for every served model, what one replica gets (whole GPUs, a MIG
 * slice or a time-sliced share), whether the model fits it (planning/fit.ts), and whether the
 * pool can hold all replicas, plus one more of the largest model that updates by surge (`rollout:
 * surge`) so an update starts a new replica before stopping an old one. Every problem comes with
 * ways out that were checked by planning the file again with each of them; a model that starts but
 * may run more sequences than its KV cache holds at the workload's mean context is a warning, not a
 * problem (vLLM queues or preempts the rest). Pure: the constructs receive this plan and never
 * compute sizing themselves.
 */
import type { DocPath, Problem } from "../config/errors";
import { ResolvedEnvironment, ResolvedNodePool, resolveEnvironment } from "../config/resolve";
import type { ResolvedModel } from "../config/resolve-models";
import { EnvironmentSchema } from "../config/schema";
import { FitInput, FitResult, checkFit } from "./fit";
import { Fix, FixChange, PlanIssue, acceptsFix, applyFix, fixId, fixText, isSameProblem, issueMessage, newProblems, overlaps } from "./fixes";
import { GIB, weightsBytes } from "./memory";
import { meanDecodeContext } from "./workload";

/** What one replica of a model is given by the device plugin. */
export interface GpuAllocation {
  /** `gpu`: whole GPUs; `mig`: one MIG slice; `time-slice`: one time-sliced share of a GPU. */
  readonly kind: "gpu" | "mig" | "time-slice";
  /** Extended resource requested, e.g. `nvidia.com/gpu` or `nvidia.com/mig-3g.40gb`. */
  readonly resourceName: string;
  /** How many of that resource a replica requests. */
  readonly count: number;
  /** Memory one unit gives the replica, GiB (a time-sliced share gets its fraction of the GPU). */
  readonly memoryGiBPerUnit: number;
}

/** The plan of one served model. */
export interface ModelPlan {
  readonly model: ResolvedModel;
  readonly allocation: GpuAllocation;
  /**
   * `--gpu-memory-utilization` as emitted: the configured fraction, divided by the replicas per
   * GPU on a time-sliced pool (vLLM's fraction is of the whole GPU, which the replicas share).
   */
  readonly gpuMemoryUtilization: number;
  readonly fit: FitResult;
  /**
   * The fit's `meanContextTokens` is assumed (half of maxContextTokens) rather than the demand's
   * prompt + half its output: the model has no demand, or a demand without promptTokens and outputTokens.
   */
  readonly meanContextAssumed: boolean;
  /** Weights as served, GiB (whole model, all GPUs of a replica). */
  readonly weightsGiB: number;
  /** Size of the checkpoint downloaded into the model store, GiB. */
  readonly checkpointGiB: number;
}

/** How full a pool is. */
export interface PoolPlan {
  readonly pool: ResolvedNodePool;
  /** `GPU`, `MIG slice` or `GPU share`. */
  readonly unitName: string;
  readonly unitsPerNode: number;
  readonly unitsOffered: number;
  /** Units the replicas take at their maximum count. */
  readonly unitsUsed: number;
  /**
   * Units kept free so a new replica can start before an old one stops: one replica of the largest
   * model with `rollout: surge` on the pool; 0 when every model there recreates.
   */
  readonly surgeUnits: number;
}

/** A problem of planning, with the ways out its message names. */
export interface PlanProblem extends Problem {
  /**
   * The ways out, as changes to the file. Each one was applied to a copy of the file, which was
   * planned again: it removes this problem and adds none (see `acceptsFix` in planning/fixes.ts).
   */
  readonly fixes: readonly Fix[];
}

/** A checkpoint the model store keeps: one per repository and revision. */
export interface StoredCheckpoint {
  readonly repo: string;
  readonly revision: string;
  readonly checkpointGiB: number;
  readonly gated: boolean;
  /** Served models using it, sorted. */
  readonly servedNames: readonly string[];
}

export interface Plan {
  readonly environment: string;
  readonly models: readonly ModelPlan[];
  readonly pools: readonly PoolPlan[];
  /** What the model store must hold, sorted by repository and revision. */
  readonly checkpoints: readonly StoredCheckpoint[];
  /**
   * What works but deserves a look, in model order: today the models whose maxConcurrentSequences
   * is above what their KV cache holds at the workload's mean context (`preemptionWarning`).
   */
  readonly warnings: readonly Problem[];
}

/** The checkpoints behind `models`, one per repository and revision. */
export function storedCheckpoints(models: readonly ModelPlan[]): StoredCheckpoint[] {
  const byKey = new Map<string, { repo: string; revision: string; checkpointGiB: number; gated: boolean; servedNames: string[] }>();
  for (const m of models) {
    const hf = m.model.spec.huggingFace;
    const key = `${hf.repo}@${hf.revision}`;
    const entry = byKey.get(key) ?? { repo: hf.repo, revision: hf.revision, checkpointGiB: m.checkpointGiB, gated: hf.gated, servedNames: [] };
    entry.servedNames.push(m.model.servedName);
    byKey.set(key, entry);
  }
  return [...byKey.keys()].sort().map((k) => {
    const e = byKey.get(k)!;
    return { ...e, servedNames: [...e.servedNames].sort() };
  });
}

/** Units one node of `pool` offers, and their name. */
export function poolUnits(pool: ResolvedNodePool): { unitName: string; unitsPerNode: number } {
  const gpus = pool.server.gpusPerServer;
  switch (pool.sharing.mode) {
    case "mig":
      return { unitName: "MIG slice", unitsPerNode: gpus * (pool.migProfile?.instancesPerGpu ?? 1) };
    case "time-slicing":
      return { unitName: "GPU share", unitsPerNode: gpus * pool.sharing.replicasPerGpu };
    case "none":
      return { unitName: "GPU", unitsPerNode: gpus };
  }
}

/** What a replica of `model` requests on its pool. */
export function allocationFor(model: ResolvedModel, migStrategy: "single" | "mixed"): GpuAllocation {
  const { pool } = model;
  switch (pool.sharing.mode) {
    case "mig":
      return {
        kind: "mig",
        // The single strategy advertises homogeneous slices as plain GPUs.
        resourceName: migStrategy === "mixed" ? `nvidia.com/mig-${pool.migProfile!.name}` : "nvidia.com/gpu",
        count: 1,
        memoryGiBPerUnit: pool.migProfile!.memoryGiB,
      };
    case "time-slicing":
      return {
        kind: "time-slice",
        resourceName: "nvidia.com/gpu",
        count: 1,
        memoryGiBPerUnit: pool.gpu.memoryGiB / pool.sharing.replicasPerGpu,
      };
    case "none":
      return { kind: "gpu", resourceName: "nvidia.com/gpu", count: model.tensorParallel, memoryGiBPerUnit: pool.gpu.memoryGiB };
  }
}

/** What the fit check is given for one replica of `m`. */
function fitInput(m: ResolvedModel): FitInput {
  const d = m.deployment;
  return {
    meanContextTokens: meanDecodeContext(d.demand, m.maxContextTokens).tokens,
    strictKvFit: m.strictKvFit,
    model: m.spec,
    gpu: m.pool.gpu,
    migProfile: m.pool.migProfile,
    timeSlices: m.pool.sharing.mode === "time-slicing" ? m.pool.sharing.replicasPerGpu : undefined,
    names: { model: m.servedName, pool: m.pool.name },
    precision: m.precision,
    tensorParallel: m.tensorParallel,
    maxContextTokens: m.maxContextTokens,
    maxConcurrentSequences: m.maxConcurrentSequences,
    kvCacheDtype: d.kvCacheDtype,
    gpuMemoryUtilization: d.gpuMemoryUtilization,
    gpusPerServer: m.pool.server.gpusPerServer,
    overheadGiB: d.overheadGiB,
  };
}

/** First-fit-decreasing: can replicas of these sizes be placed on nodes of this capacity? */
export function packs(sizes: readonly number[], nodes: number, capacity: number): boolean {
  const free = new Array<number>(nodes).fill(capacity);
  for (const size of [...sizes].sort((a, b) => b - a)) {
    const i = free.findIndex((f) => f >= size);
    if (i < 0) return false;
    free[i] -= size;
  }
  return true;
}

/**
 * Plans an environment. Every problem carries the file, the path it concerns and the ways out
 * that work: each candidate of the checks was applied to a copy of the file, which was parsed,
 * resolved and planned again (`workingFixes`).
 */
export function planEnvironment(env: ResolvedEnvironment, options: PlanOptions = {}): { plan: Plan; problems: PlanProblem[] } {
  const { plan, issues } = planOnce(env);
  const later = options.laterChecks ?? (() => []);
  // Fixes are judged against every check, so the later ones count in "before" as in "after".
  const before = [...issues, ...later(env, plan, issues.length).map(laterIssue)];
  const replan = replanner(env, later);
  const problems = issues.map((issue): PlanProblem => {
    const fixes = workingFixes(issue, before, replan);
    return { file: env.file, path: issue.path, message: issueMessage(issue, fixes), fixes };
  });
  return { plan, problems };
}

/**
 * Checks that run on a plan after planning (scheduling, capacity against demand): a proposed fix
 * must not break them either. `planProblems` is the number of fit and placement problems (capacity
 * is only checked on a plan without them).
 */
export type LaterChecks = (env: ResolvedEnvironment, plan: Plan, planProblems: number) => readonly Problem[];

export interface PlanOptions {
  /**
   * Checks a proposed fix must also pass once applied.
   * @default - none: fixes are judged by parsing, resolution, fit and placement only
   */
  readonly laterChecks?: LaterChecks;
}

/** A later check's problem, keyed like plan issues (by path and rule) for the before/after comparison. */
function laterIssue(p: Problem): PlanIssue {
  return { path: p.path, check: `later:${p.message.split(":")[0]}`, base: [], summary: p.message, fixes: [] };
}

/** The plan and its problems, with every candidate way out unchecked. */
function planOnce(env: ResolvedEnvironment): { plan: Plan; issues: PlanIssue[] } {
  const issues: PlanIssue[] = [];
  const migStrategy = env.config.gpuOperator.migStrategy;

  const models: ModelPlan[] = env.models.map((m) => {
    const path: DocPath = ["models", m.servedName];
    const allocation = allocationFor(m, migStrategy);
    const d = m.deployment;
    const shares = m.pool.sharing.mode === "time-slicing" ? m.pool.sharing.replicasPerGpu : 1;
    if (m.pool.sharing.mode === "time-slicing" && m.tensorParallel > 1) {
      issues.push({
        path: [...path, "tensorParallel"],
        check: "tensorParallel-time-slicing",
        base: path,
        summary: `must be 1 on the time-sliced pool "${m.pool.name}", got ${m.tensorParallel}: time-sliced shares of one GPU would hold the shards`,
        fixes: [
          { changes: [{ kind: "set", path: [...path, "tensorParallel"], value: 1 }] },
          { changes: [{ kind: "set", path: ["nodePools", m.pool.name, "gpuSharing"], value: { mode: "none" } }] },
        ],
      });
    }
    const fit = checkFit(fitInput(m));
    issues.push(...fit.issues);
    return {
      model: m,
      allocation,
      gpuMemoryUtilization: d.gpuMemoryUtilization / shares,
      fit,
      meanContextAssumed: meanDecodeContext(d.demand, m.maxContextTokens).assumed,
      weightsGiB: weightsBytes(m.spec, m.precision) / GIB,
      checkpointGiB: weightsBytes(m.spec, m.spec.nativePrecision) / GIB,
    };
  });

  const pools: PoolPlan[] = env.pools.map((pool) => {
    const { unitName, unitsPerNode } = poolUnits(pool);
    const onPool = models.filter((m) => m.model.pool.name === pool.name);
    const demand = onPool.map(toDemand);
    const plan: PoolPlan = {
      pool,
      unitName,
      unitsPerNode,
      unitsOffered: unitsPerNode * pool.nodes.length,
      unitsUsed: demand.reduce((sum, x) => sum + x.replicas * x.count, 0),
      surgeUnits: surgeUnits(demand),
    };
    if (onPool.length > 0 && !places(demand, pool.nodes.length, unitsPerNode)) issues.push(placementIssue(plan, onPool));
    return plan;
  });

  const warnings = models.flatMap((m): Problem[] => {
    const message = preemptionWarning(m);
    return message === undefined ? [] : [{ file: env.file, path: ["models", m.model.servedName, "maxConcurrentSequences"], message }];
  });
  return { plan: { environment: env.config.name, models, pools, checkpoints: storedCheckpoints(models), warnings }, issues };
}

/**
 * The warning of a model that starts but may run more sequences than its KV cache holds at the
 * workload's mean context; undefined when it does not fit (that is a problem) or has no such risk:
 * `16 sequences may run at once, but the KV cache holds 9 at the workload's mean context of 18,575
 * tokens (3 at the full 32,768): vLLM will queue or preempt the rest; lower maxConcurrentSequences
 * to 9, raise the KV memory (…), or set strictKvFit: true to refuse it`.
 */
export function preemptionWarning(m: ModelPlan): string | undefined {
  const fit = m.fit;
  if (!fit.fits || !fit.preemptionRisk) return undefined;
  const mean = m.meanContextAssumed
    ? `an assumed mean context of ${thousands(fit.meanContextTokens)} tokens (half of maxContextTokens; demand.promptTokens and outputTokens set it)`
    : `the workload's mean context of ${thousands(fit.meanContextTokens)} tokens`;
  const atMean = fit.maxConcurrentSequencesAtMeanContext;
  // The knobs that give the KV cache more room here: a slice or a share has no tensor parallelism.
  const knobs = [
    "gpuMemoryUtilization",
    ...(m.model.deployment.kvCacheDtype === "fp8" ? [] : ["kvCacheDtype: fp8"]),
    ...(m.allocation.kind === "gpu" ? ["tensorParallel"] : []),
  ];
  return (
    `${m.model.maxConcurrentSequences} sequences may run at once, but the KV cache holds ${atMean} at ${mean} ` +
    `(${fit.maxConcurrentSequencesAtContext} at the full ${thousands(fit.contextTokens)}): vLLM will queue or preempt the rest; ` +
    `lower maxConcurrentSequences to ${Math.max(1, atMean)}, raise the KV memory (${knobs.join(", ")}), ` +
    "or set strictKvFit: true to refuse it"
  );
}

/** A whole number with thousands separators, the same on every machine: `18,575`. */
function thousands(value: number): string {
  return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** What one model asks of its pool: replicas at their maximum, units per replica, and whether it surges. */
interface PoolDemand {
  readonly replicas: number;
  readonly count: number;
  readonly surge: boolean;
}

function toDemand(m: ModelPlan): PoolDemand {
  return { replicas: m.model.replicas.max, count: m.allocation.count, surge: m.model.deployment.rollout === "surge" };
}

/** Units kept free for updates: one replica of the largest surging model (recreating models need none). */
function surgeUnits(demand: readonly PoolDemand[]): number {
  return Math.max(0, ...demand.filter((x) => x.surge).map((x) => x.count));
}

/** Whether every replica, and the surge replica, fit on `nodes` nodes (a replica's units on one node). */
function places(demand: readonly PoolDemand[], nodes: number, unitsPerNode: number): boolean {
  const sizes = demand.flatMap((x) => new Array<number>(x.replicas).fill(x.count));
  const surge = surgeUnits(demand);
  return packs(surge > 0 ? [...sizes, surge] : sizes, nodes, unitsPerNode);
}

/**
 * A pool that cannot place its replicas, reported at the `replicas` of its last model, with
 * candidate ways out (each one alone must place, by the same packing):
 * - per model, the largest `replicas` (or `replicas.max`) that places;
 * - `rollout: recreate` for the largest surging models, else for all of them, when the surge
 *   replica is what does not fit;
 * - per model on whole GPUs, the largest smaller `tensorParallel` that still fits memory and places;
 * - the fewest nodes to add to the pool, when every replica fits one node.
 */
function placementIssue(plan: PoolPlan, onPool: readonly ModelPlan[]): PlanIssue {
  const { pool, unitName, unitsPerNode } = plan;
  const nodes = pool.nodes.length;
  const demand = onPool.map(toDemand);
  const surge = surgeUnits(demand);
  const surging = onPool.filter((m) => m.model.deployment.rollout === "surge").map((m) => m.model.servedName);
  const modelKey = (m: ModelPlan, ...key: string[]): DocPath => ["models", m.model.servedName, ...key];
  const changed = (i: number, change: Partial<PoolDemand>): PoolDemand[] => demand.map((x, j) => (j === i ? { ...x, ...change } : x));
  const fixes: Fix[] = [];

  onPool.forEach((m, i) => {
    for (let r = demand[i].replicas - 1; r >= 1; r--) {
      if (!places(changed(i, { replicas: r }), nodes, unitsPerNode)) continue;
      const replicas = m.model.deployment.replicas;
      const autoscaled = typeof replicas !== "number" && r >= replicas.min;
      fixes.push({ changes: [{ kind: "set", path: autoscaled ? modelKey(m, "replicas", "max") : modelKey(m, "replicas"), value: r }] });
      return;
    }
  });

  if (surge > 0) {
    const recreate = (names: readonly string[]): Fix => ({
      changes: names.map((name): FixChange => ({ kind: "set", path: ["models", name, "rollout"], value: "recreate" })),
    });
    const largest = onPool.filter((_, i) => demand[i].surge && demand[i].count === surge).map((m) => m.model.servedName);
    const without = (names: readonly string[]): PoolDemand[] =>
      demand.map((x, i) => (names.includes(onPool[i].model.servedName) ? { ...x, surge: false } : x));
    if (places(without(largest), nodes, unitsPerNode)) fixes.push(recreate(largest));
    else if (largest.length < surging.length && places(without(surging), nodes, unitsPerNode)) fixes.push(recreate(surging));
  }

  onPool.forEach((m, i) => {
    if (m.allocation.kind !== "gpu") return;
    for (let tp = m.model.tensorParallel - 1; tp >= 1; tp--) {
      if (!places(changed(i, { count: tp }), nodes, unitsPerNode)) continue;
      if (!checkFit({ ...fitInput(m.model), tensorParallel: tp }).fits) continue;
      fixes.push({ changes: [{ kind: "set", path: modelKey(m, "tensorParallel"), value: tp }] });
      return;
    }
  });

  const largestAsk = Math.max(surge, ...demand.map((x) => x.count));
  if (largestAsk <= unitsPerNode) {
    // Each replica (and the surge one) on a node of its own always places, and first-fit never
    // places less on more nodes: search the fewest in between (up to 1000 replicas, a linear
    // search would pack a thousand times).
    let added = 1;
    let most = Math.max(1, demand.reduce((n, x) => n + x.replicas, 0) + (surge > 0 ? 1 : 0));
    while (added < most) {
      const mid = Math.floor((added + most) / 2);
      if (places(demand, nodes + mid, unitsPerNode)) most = mid;
      else added = mid + 1;
    }
    fixes.push({ changes: [{ kind: "addNodes", path: ["nodePools", pool.name, "nodes"], count: added }] });
  }

  const asked = onPool.map((m) => `${m.model.servedName} ${m.model.replicas.max} × ${m.allocation.count}`).join(" + ");
  const held =
    surge === 0
      ? ""
      : ` + ${surge} kept free for the rolling ${surging.length === 1 ? "update" : "updates"} of ${surging.join(", ")} ` +
        `(rollout: surge; with rollout: recreate${surging.length === 1 ? "" : " on all of them"} the pool keeps none)`;
  const last = onPool[onPool.length - 1];
  return {
    path: modelKey(last, "replicas"),
    check: "placement",
    base: [],
    summary:
      `pool "${pool.name}" cannot place its replicas: ${asked} ${unitName}s${held} = ${plan.unitsUsed + surge} needed; ` +
      `${nodes} node${nodes === 1 ? "" : "s"} × ${unitsPerNode} ${unitName}s = ${plan.unitsOffered} offered ` +
      `(a replica's ${unitName}s must be on one node)`,
    fixes,
  };
}

/** Re-plans `env` with a fix applied: the file's problems as issues (parse and resolution problems included). */
type Replan = (fix: Fix) => readonly PlanIssue[];

/**
 * A memoized re-planner for `env`: applies a fix to a copy of the parsed file, then parses
 * (zod), resolves and plans it again, with `planOnce`, which never checks fixes, so checking
 * cannot recurse and costs one plan per candidate (well under a millisecond each). `env.config`
 * is the file as resolved (zod defaults applied, flags decided), which parses and resolves back
 * to the same environment, so changing it is changing the file; test/planning/fixes.test.ts
 * applies every fix to the YAML itself to keep that true.
 */
function replanner(env: ResolvedEnvironment, later: LaterChecks): Replan {
  const cache = new Map<string, readonly PlanIssue[]>();
  const taken = new Set(Object.values(env.config.nodePools).flatMap((p) => p.nodes));
  // Stand-ins for nodes the user would add; any unused name does.
  const newNodeName = (pool: string, i: number): string => {
    let free = -1;
    for (let k = 1; ; k++) {
      const name = `${pool}-new-${k}`;
      if (!taken.has(name) && ++free === i) return name;
    }
  };
  const asIssue = (path: readonly PropertyKey[], check: string, summary: string): PlanIssue => {
    const docPath = path.filter((p): p is string | number => typeof p !== "symbol");
    return { path: docPath, check, base: [], summary, fixes: [] };
  };
  return (fix) => {
    const id = fixId(fix);
    const cached = cache.get(id);
    if (cached !== undefined) return cached;
    let issues: readonly PlanIssue[];
    const parsed = EnvironmentSchema.safeParse(applyFix(env.config, fix, newNodeName));
    if (!parsed.success) {
      issues = parsed.error.issues.map((i) => asIssue(i.path, "schema", i.message));
    } else {
      const { resolved, problems } = resolveEnvironment(env.file, env.config.name, parsed.data);
      if (resolved === undefined) {
        issues = problems.map((p) => asIssue(p.path, "resolve", p.message));
      } else {
        const again = planOnce(resolved);
        issues = [...again.issues, ...later(resolved, again.plan, again.issues.length).map(laterIssue)];
      }
    }
    cache.set(id, issues);
    return issues;
  };
}

/**
 * The candidates of `issue` that work (`acceptsFix`), at most `issue.maxFixes`. A candidate that
 * removes the problem but causes another (`tensorParallel: 8` on a full pool: a placement
 * failure; `tensorParallel: 4` on a smaller server: a memory failure) is tried once more with each
 * candidate of the first problem it causes, and offered as one change when that works
 * (`tensorParallel: 8 with rollout: recreate`): to the user the change and what it needs go
 * together. Combinations are not combined further, so the search stays one level deep.
 */
function workingFixes(issue: PlanIssue, before: readonly PlanIssue[], replan: Replan): Fix[] {
  const kept: Fix[] = [];
  const texts = new Set<string>();
  const keep = (fix: Fix): void => {
    const text = fixText(fix, issue.base);
    if (texts.has(text)) return;
    texts.add(text);
    kept.push(fix);
  };
  for (const fix of issue.fixes) {
    if (kept.length >= (issue.maxFixes ?? Infinity)) break;
    const after = replan(fix);
    if (acceptsFix(before, issue, after)) {
      keep(fix);
      continue;
    }
    if (after.some((p) => isSameProblem(p, issue))) continue;
    const [caused] = newProblems(before, after);
    for (const also of caused?.fixes ?? []) {
      if (overlaps(fix, also)) continue;
      const combined: Fix = { changes: [...fix.changes, ...also.changes] };
      if (acceptsFix(before, issue, replan(combined))) {
        keep(combined);
        break;
      }
    }
  }
  return kept;
}
