/**
 * Values of the local `model-server` chart for one planned model: engine flags from the plan,
 * GPU request and node selection from its pool, probe budget from the weights' size, rollout
 * from the headroom the plan kept. Pure (no cdktf), validated against the chart's zod schema.
 */
import {
  ModelServerValues,
  ModelServerValuesInput,
  modelServerValuesSchema,
} from "../config/chart-values/model-server";
import type { Mirror } from "../config/schema";
import type { ModelPlan } from "../planning/plan";
import { POOL_LABEL } from "./gpu-node-pool";
import { imageRepository } from "./mirror";
// One pinned vLLM image for servers and prefetch Jobs alike.
import { VLLM_IMAGE } from "./model-store-plan";


/**
 * Rate at which a server reads weights from the model store into GPU memory, GiB/s. A planning
 * assumption for the startup budget, not a measurement: shared NFS/CephFS volumes commonly
 * deliver 0.5–2 GiB/s to one reader; we take the low end so slow stores are not killed mid-load.
 */
export const WEIGHT_LOAD_GIB_PER_SECOND = 0.5;
/** Fixed start-up work besides reading weights: engine init, CUDA graph capture, torch.compile. */
export const ENGINE_INIT_SECONDS = 180;
const STARTUP_PERIOD_SECONDS = 10;
/** The reference's floor: 10 minutes before a replica that has not come up is restarted. */
const MIN_STARTUP_FAILURES = 60;

/** Startup-probe failure threshold covering 1.5 × the expected load time, never below 10 minutes. */
export function startupFailureThreshold(weightsGiB: number): number {
  const expectedSeconds = weightsGiB / WEIGHT_LOAD_GIB_PER_SECOND + ENGINE_INIT_SECONDS;
  return Math.max(MIN_STARTUP_FAILURES, Math.ceil((expectedSeconds * 1.5) / STARTUP_PERIOD_SECONDS));
}

/**
 * Host memory and CPU of a replica. vLLM needs CPU memory for the tokenizer, scheduler and the
 * weights it streams through page cache; tensor-parallel workers each add a process.
 */
export function hostResources(gpus: number, wholeGpus: boolean, shmGiB: number): ModelServerValuesInput["resources"] {
  const cpu = wholeGpus ? Math.min(32, 4 + 4 * gpus) : 4;
  const memoryGiB = wholeGpus ? 16 + 16 * gpus : 16;
  return {
    requests: { cpu: String(cpu), memory: `${memoryGiB}Gi` },
    limits: { cpu: String(cpu * 2), memory: `${memoryGiB * 2 + shmGiB}Gi` },
  };
}

export interface ModelServerValuesContext {
  /** The model store's claim. */
  readonly claimName: string;
  /** Directory of the model's checkpoint inside the store, e.g. `/models/org/name/<rev>`. */
  readonly modelPath: string;
  readonly mirror?: Mirror;
}

/** The chart values for `plan`, parsed (defaults applied, cross-field rules checked). */
export function modelServerValues(plan: ModelPlan, ctx: ModelServerValuesContext): ModelServerValues {
  const m = plan.model;
  const d = m.deployment;
  const tp = m.tensorParallel;
  const shmGiB = tp > 1 ? 16 : 4;
  const autoscale = m.replicas.max > m.replicas.min;
  const startupFailures = startupFailureThreshold(plan.checkpointGiB);
  const startupWindow = startupFailures * STARTUP_PERIOD_SECONDS;
  const taint = m.pool.taint;

  const input: ModelServerValuesInput = {
    servedModelName: m.servedName,
    image: { repository: imageRepository(VLLM_IMAGE.repository, ctx.mirror), tag: VLLM_IMAGE.tag },
    model: { path: ctx.modelPath, revision: m.spec.huggingFace.revision },
    engine: {
      tensorParallelSize: tp,
      maxModelLen: m.maxContextTokens,
      gpuMemoryUtilization: round4(plan.gpuMemoryUtilization),
      maxNumSeqs: m.maxConcurrentSequences,
      kvCacheDtype: d.kvCacheDtype === "fp8" ? "fp8" : "auto",
      // vLLM quantizes a bf16 checkpoint to fp8 while loading; native formats need no flag.
      quantization: m.precision === "fp8" && m.spec.nativePrecision === "bf16" ? "fp8" : null,
    },
    replicas: m.replicas.min,
    progressDeadlineSeconds: Math.max(1800, startupWindow + 300),
    // The plan kept one replica's GPUs free on the pool, so updates start the new replica first.
    rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    resources: {
      ...hostResources(plan.allocation.count, plan.allocation.kind === "gpu", shmGiB),
      gpu: { resourceName: plan.allocation.resourceName, count: plan.allocation.count },
    },
    nodeSelector: { [POOL_LABEL]: m.pool.name },
    tolerations: taint === false ? [] : [{ key: taint.key, operator: "Equal", value: taint.value, effect: taint.effect }],
    modelStore: { claimName: ctx.claimName },
    shm: { sizeLimit: `${shmGiB}Gi` },
    startupProbe: { periodSeconds: STARTUP_PERIOD_SECONDS, failureThreshold: startupFailures },
    apiKeySecret: d.apiKeySecret ? { name: d.apiKeySecret.name, key: d.apiKeySecret.key } : null,
    autoscaling: autoscale
      ? {
          enabled: true,
          kind: d.autoscaling.kind,
          minReplicas: m.replicas.min,
          maxReplicas: m.replicas.max,
          keda: {
            prometheusServerAddress: d.autoscaling.prometheusServerAddress,
            waitingRequestsThreshold: d.autoscaling.waitingRequestsThreshold,
          },
        }
      : { enabled: false },
    serviceMonitor: { enabled: d.serviceMonitor },
  };
  return modelServerValuesSchema.parse(input);
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
