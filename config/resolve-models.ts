/**
 * Resolution of the `models:` section: catalog or inline model definitions, the precision the
 * weights are served in (and whether vLLM can produce it from the checkpoint), the pool, and
 * defaults. Memory fit and placement are planning's job (planning/plan.ts); this file only
 * decides what was asked for.
 */
import { findModel, modelIds } from "../catalog";
import type { ModelSpec, Source, WeightPrecision } from "../catalog/types";
import { modelServerObjectName } from "./kubernetes-names";
import { DocPath, Problem, oneOf, show, unknownId } from "./errors";
import type { ResolvedNodePool } from "./resolved-pool";
import type { InlineModel, ModelDeployment } from "./schema";

/** Longest context a model gets when the file does not say: long contexts cost KV memory. */
export const DEFAULT_MAX_CONTEXT_TOKENS = 32768;

/** A served model with its references resolved and defaults applied. */
export interface ResolvedModel {
  /** The name clients send as `model`, the key in the file. */
  readonly servedName: string;
  readonly spec: ModelSpec;
  readonly precision: WeightPrecision;
  readonly pool: ResolvedNodePool;
  readonly tensorParallel: number;
  readonly maxContextTokens: number;
  readonly maxConcurrentSequences: number;
  /**
   * The fit check's KV rule: true, every one of `maxConcurrentSequences` sequences must fit at
   * `maxContextTokens`; false, only vLLM's start rule refuses (one sequence of `maxContextTokens`)
   * and concurrency above what the mean context allows is a warning. The model's `strictKvFit`,
   * else the environment's, else false.
   */
  readonly strictKvFit: boolean;
  readonly replicas: { readonly min: number; readonly max: number };
  readonly deployment: ModelDeployment;
}

const INLINE_SOURCE: Source = { url: "environment file", date: "n/a", note: "defined inline in the environment file" };

const REQUIRED_INLINE = [
  "parametersB",
  "layers",
  "hiddenSize",
  "attentionHeads",
  "kvHeads",
  "headDim",
  "defaultContextTokens",
  "huggingFace",
] as const;

function resolveSpec(file: string, path: DocPath, ref: ModelDeployment["model"], problems: Problem[]): ModelSpec | undefined {
  if (typeof ref === "string") {
    const spec = findModel(ref);
    if (!spec) problems.push({ file, path, message: unknownId("model", ref, modelIds()) });
    return spec;
  }
  let base: ModelSpec | undefined;
  if (ref.id !== undefined) {
    base = findModel(ref.id);
    if (!base) {
      problems.push({ file, path: [...path, "id"], message: unknownId("model", ref.id, modelIds()) });
      return undefined;
    }
  } else {
    const missing = REQUIRED_INLINE.filter((k) => ref[k] === undefined);
    if (missing.length > 0) {
      problems.push({
        file,
        path,
        message: `an inline model without \`id\` needs ${missing.join(", ")}; or set \`id\` to a catalog model (${modelIds().join(", ")}) to start from`,
      });
      return undefined;
    }
  }
  return mergeInline(ref, base);
}

function mergeInline(ref: InlineModel, base: ModelSpec | undefined): ModelSpec {
  const total = ref.parametersB?.total ?? base!.parametersB.total;
  return {
    id: ref.id ?? "inline",
    name: ref.name ?? base?.name ?? ref.huggingFace!.repo,
    parametersB: {
      total,
      active: ref.parametersB ? (ref.parametersB.active ?? total) : base!.parametersB.active,
    },
    layers: ref.layers ?? base!.layers,
    hiddenSize: ref.hiddenSize ?? base!.hiddenSize,
    attentionHeads: ref.attentionHeads ?? base!.attentionHeads,
    kvHeads: ref.kvHeads ?? base!.kvHeads,
    headDim: ref.headDim ?? base!.headDim,
    attention: ref.attention ?? base?.attention ?? { kind: "gqa" },
    nativePrecision: ref.nativePrecision ?? base?.nativePrecision ?? "bf16",
    defaultContextTokens: ref.defaultContextTokens ?? base!.defaultContextTokens,
    huggingFace: ref.huggingFace ?? base!.huggingFace,
    // A changed checkpoint (another repo or precision) invalidates the catalog's size.
    checkpointGiB:
      ref.checkpointGiB ?? (ref.huggingFace === undefined && ref.nativePrecision === undefined ? base?.checkpointGiB : undefined),
    // Runtime files belong to the model's code (its tokenizer), not to one checkpoint.
    runtimeFiles: base?.runtimeFiles,
    sources: base ? [...base.sources, INLINE_SOURCE] : [INLINE_SOURCE],
  };
}

/** Precisions vLLM only loads from a checkpoint quantized offline; it has no load-time path to them. */
const OFFLINE_ONLY_PRECISIONS: readonly WeightPrecision[] = ["int4", "mxfp4", "nvfp4"];

/**
 * Whether vLLM can serve `checkpoint` weights at `wanted` precision: the checkpoint's own
 * precision always; fp8 from bf16 by quantizing at load time (`--quantization fp8`). int4, mxfp4
 * and nvfp4 need a checkpoint published that way (NVFP4: NVIDIA Model Optimizer's FP4 export), and
 * nothing is served above its checkpoint.
 */
export function precisionProblem(checkpoint: WeightPrecision, wanted: WeightPrecision): string | undefined {
  if (wanted === checkpoint) return undefined;
  if (checkpoint === "bf16" && wanted === "fp8") return undefined;
  if (OFFLINE_ONLY_PRECISIONS.includes(wanted)) {
    return `vLLM cannot quantize a ${checkpoint} checkpoint to ${wanted} at load time; use a checkpoint published in ${wanted} (an inline model with nativePrecision: ${wanted} and its repository), or precision ${oneOf(checkpoint === "bf16" ? ["bf16", "fp8"] : [checkpoint])}`;
  }
  return `the checkpoint is ${checkpoint}; it cannot be served at the higher precision ${wanted}; use precision ${show(checkpoint)}`;
}

/**
 * Served names the stack cannot take: a model's construct is `model-<served name>`
 * (stacks/ai-factory-stack.ts), and `model-store` and `model-server-chart` are already the model
 * store's and the chart's.
 */
export const RESERVED_SERVED_NAMES: Readonly<Record<string, string>> = {
  store: "the model store",
  "server-chart": "the model-server chart",
};

/**
 * Served names that would share a Kubernetes name: each becomes the name of its Helm release and
 * objects (`modelServerObjectName`: lower-cased, "." turned into "-", "m-" before a leading digit,
 * at most 52 characters), so `a.b` and `a-b`, or `1abc` and `m-1abc`, would be one release.
 */
function checkServedNames(file: string, names: readonly string[], problems: Problem[]): void {
  const byObject = new Map<string, string>();
  for (const name of [...names].sort()) {
    const reserved = RESERVED_SERVED_NAMES[name];
    if (reserved !== undefined) {
      problems.push({
        file,
        path: ["models", name],
        message: `served name ${show(name)} is reserved: the model's construct would be "model-${name}", the id of ${reserved} in the stack; choose another name`,
      });
    }
    const object = modelServerObjectName(name);
    const other = byObject.get(object);
    if (other !== undefined) {
      problems.push({
        file,
        path: ["models", name],
        message: `served names ${show(other)} and ${show(name)} both become the Kubernetes name ${show(object)} (Helm release, Deployment, Service ${show(`${object}-server`)}); rename one of them`,
      });
    } else {
      byObject.set(object, name);
    }
  }
}

/** Cross-field rules of an inline model's architecture that the schema cannot state. */
function checkArchitecture(file: string, path: DocPath, spec: ModelSpec, problems: Problem[]): boolean {
  const before = problems.length;
  if (spec.parametersB.active > spec.parametersB.total) {
    problems.push({
      file,
      path: [...path, "parametersB", "active"],
      message: `must be at most parametersB.total (${spec.parametersB.total}), got ${spec.parametersB.active}: a token cannot use more parameters than the model has`,
    });
  }
  const window = spec.attention.kind === "gqa" ? spec.attention.slidingWindow : undefined;
  if (window !== undefined && window.layers > spec.layers) {
    problems.push({
      file,
      path: [...path, "attention", "slidingWindow", "layers"],
      message: `must be at most layers (${spec.layers}), got ${window.layers}: sliding-window layers are some of the model's layers`,
    });
  }
  return problems.length === before;
}

/** Settings of the environment that a model inherits when it does not set its own. */
export interface ModelDefaults {
  /** The environment's `strictKvFit`. @default false */
  readonly strictKvFit?: boolean;
}

/** Resolves every model of the file (sorted by served name), reporting problems with paths. */
export function resolveModels(
  file: string,
  models: Readonly<Record<string, ModelDeployment>>,
  pools: readonly ResolvedNodePool[],
  problems: Problem[],
  defaults: ModelDefaults = {},
): ResolvedModel[] {
  const out: ResolvedModel[] = [];
  checkServedNames(file, Object.keys(models), problems);
  for (const servedName of Object.keys(models).sort()) {
    const d = models[servedName];
    const base: DocPath = ["models", servedName];
    const spec = resolveSpec(file, [...base, "model"], d.model, problems);
    const pool = pools.find((p) => p.name === d.pool);
    if (!pool) {
      problems.push({
        file,
        path: [...base, "pool"],
        message: `unknown node pool ${show(d.pool)} (known: ${pools.map((p) => p.name).join(", ") || "none"})`,
      });
    }
    const replicas = typeof d.replicas === "number" ? { min: d.replicas, max: d.replicas } : d.replicas;
    if (replicas.max < replicas.min) {
      problems.push({ file, path: [...base, "replicas", "max"], message: `must be at least replicas.min (${replicas.min}), got ${replicas.max}` });
    }
    if (!spec) continue;
    if (typeof d.model !== "string" && !checkArchitecture(file, [...base, "model"], spec, problems)) continue;
    const precision = d.precision ?? spec.nativePrecision;
    const bad = precisionProblem(spec.nativePrecision, precision);
    if (bad) problems.push({ file, path: [...base, "precision"], message: bad });
    const maxContextTokens = d.maxContextTokens ?? Math.min(spec.defaultContextTokens, DEFAULT_MAX_CONTEXT_TOKENS);
    if (maxContextTokens > spec.defaultContextTokens) {
      problems.push({
        file,
        path: [...base, "maxContextTokens"],
        message: `${spec.id} supports at most ${spec.defaultContextTokens} tokens of context, got ${maxContextTokens}`,
      });
    }
    const demand = d.demand;
    if (demand?.promptTokens !== undefined && demand.outputTokens !== undefined && demand.promptTokens + demand.outputTokens > maxContextTokens) {
      problems.push({
        file,
        path: [...base, "demand", "promptTokens"],
        message: `a mean request of ${demand.promptTokens} prompt + ${demand.outputTokens} output tokens does not fit maxContextTokens ${maxContextTokens}; raise maxContextTokens, or give the mean lengths, not the longest`,
      });
    }
    if (!pool || bad) continue;
    out.push({
      servedName,
      spec,
      precision,
      pool,
      tensorParallel: d.tensorParallel,
      maxContextTokens,
      maxConcurrentSequences: d.maxConcurrentSequences,
      // The model's own setting wins over the environment's.
      strictKvFit: d.strictKvFit ?? defaults.strictKvFit ?? false,
      replicas,
      deployment: d,
    });
  }
  return out;
}
