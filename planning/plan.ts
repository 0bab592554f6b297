/**
 * The plan of an environment: for every served model, what one replica gets (whole GPUs, a MIG
 * slice or a time-sliced share), whether the model fits it (planning/fit.ts), and whether the
 * pool can hold all replicas plus one more for a zero-downtime rolling update. Pure: the
 * constructs receive this plan and never compute sizing themselves.
 */
import type { DocPath, Problem } from "../config/errors";
import type { ResolvedEnvironment, ResolvedNodePool } from "../config/resolve";
import type { ResolvedModel } from "../config/resolve-models";
import type { GpuSpec } from "../catalog/types";
import { FitResult, checkFit } from "./fit";
import { GIB, weightsBytes } from "./memory";

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
  /** Units kept free so one replica can start before an old one stops. */
  readonly surgeUnits: number;
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

/** The GPU as the fit check should see it: a time-sliced share is a GPU with a fraction of the memory. */
function fitGpu(pool: ResolvedNodePool): GpuSpec {
  if (pool.sharing.mode !== "time-slicing") return pool.gpu;
  const n = pool.sharing.replicasPerGpu;
  return { ...pool.gpu, id: `${pool.gpu.id} share (1/${n} by time-slicing)`, memoryGiB: pool.gpu.memoryGiB / n };
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

/** Plans an environment; every problem carries the file and the path of the model it concerns. */
export function planEnvironment(env: ResolvedEnvironment): { plan: Plan; problems: Problem[] } {
  const problems: Problem[] = [];
  const file = env.file;
  const migStrategy = env.config.gpuOperator.migStrategy;

  const models: ModelPlan[] = env.models.map((m) => {
    const path: DocPath = ["models", m.servedName];
    const allocation = allocationFor(m, migStrategy);
    const d = m.deployment;
    const shares = m.pool.sharing.mode === "time-slicing" ? m.pool.sharing.replicasPerGpu : 1;
    if (m.pool.sharing.mode === "time-slicing" && m.tensorParallel > 1) {
      problems.push({
        file,
        path: [...path, "tensorParallel"],
        message: `must be 1 on the time-sliced pool "${m.pool.name}", got ${m.tensorParallel}: time-sliced shares of one GPU would hold the shards; use a pool without sharing`,
      });
    }
    const fit = checkFit({
      model: m.spec,
      gpu: fitGpu(m.pool),
      migProfile: m.pool.migProfile,
      precision: m.precision,
      tensorParallel: m.tensorParallel,
      maxContextTokens: m.maxContextTokens,
      maxConcurrentSequences: m.maxConcurrentSequences,
      kvCacheDtype: d.kvCacheDtype,
      gpuMemoryUtilization: d.gpuMemoryUtilization,
      gpusPerServer: m.pool.server.gpusPerServer,
      overheadGiB: d.overheadGiB,
    });
    for (const message of fit.problems) {
      const field = message.startsWith("tensorParallel") ? "tensorParallel" : undefined;
      problems.push({ file, path: field ? [...path, field] : path, message });
    }
    return {
      model: m,
      allocation,
      gpuMemoryUtilization: d.gpuMemoryUtilization / shares,
      fit,
      weightsGiB: weightsBytes(m.spec, m.precision) / GIB,
      checkpointGiB: weightsBytes(m.spec, m.spec.nativePrecision) / GIB,
    };
  });

  const pools: PoolPlan[] = env.pools.map((pool) => {
    const { unitName, unitsPerNode } = poolUnits(pool);
    const onPool = models.filter((m) => m.model.pool.name === pool.name);
    const sizes = onPool.flatMap((m) => new Array<number>(m.model.replicas.max).fill(m.allocation.count));
    const surgeUnits = onPool.length > 0 ? Math.max(...onPool.map((m) => m.allocation.count)) : 0;
    const unitsUsed = sizes.reduce((a, b) => a + b, 0);
    const plan: PoolPlan = {
      pool,
      unitName,
      unitsPerNode,
      unitsOffered: unitsPerNode * pool.nodes.length,
      unitsUsed,
      surgeUnits,
    };
    if (onPool.length > 0 && !packs(surgeUnits > 0 ? [...sizes, surgeUnits] : sizes, pool.nodes.length, unitsPerNode)) {
      const last = onPool[onPool.length - 1];
      const demand = onPool
        .map((m) => `${m.model.servedName} ${m.model.replicas.max} × ${m.allocation.count}`)
        .join(" + ");
      problems.push({
        file,
        path: ["models", last.model.servedName, "replicas"],
        message:
          `pool "${pool.name}" cannot place its replicas: ${demand} ${unitName}s + ${surgeUnits} for a rolling update = ` +
          `${unitsUsed + surgeUnits} needed; ${pool.nodes.length} node${pool.nodes.length === 1 ? "" : "s"} × ${unitsPerNode} ${unitName}s = ` +
          `${plan.unitsOffered} offered (a replica's ${unitName}s must be on one node); lower replicas or tensorParallel, or add nodes to the pool`,
      });
    }
    return plan;
  });

  return { plan: { environment: env.config.name, models, pools, checkpoints: storedCheckpoints(models) }, problems };
}
