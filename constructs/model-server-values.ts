/**
 * Values of the local `model-server` chart for one planned model: engine flags from the plan,
 * GPU request and node selection from its pool, probe budget from the weights' size, rollout
 * from the headroom the plan kept. Pure (no cdktf), validated against the chart's zod schema.
 */
import {
  ModelServerValues,
  ModelServerValuesInput,
  modelServerValuesSchema,
} from "./model-server-values-schema";
import type { Mirror } from "../config/schema";
import type { ModelPlan } from "../planning/plan";
import { modelServerPlacement } from "../planning/placement";
import { REGISTRY_PULL, VLLM, imagePullSeconds } from "../catalog/upstream";
import { imageRepository } from "./mirror";
import { MOUNT_PATH, runtimeFilesPath } from "../planning/model-store";


/**
 * Rate at which a server reads weights from the model store into GPU memory, GiB/s. A planning
 * assumption for the startup budget, not a measurement: shared NFS/CephFS volumes commonly
 * deliver 0.5–2 GiB/s to one reader; we take the low end so slow stores are not killed mid-load.
 */
export const WEIGHT_LOAD_GIB_PER_SECOND = 0.5;
/** Fixed start-up work besides reading weights: engine init, CUDA graph capture, torch.compile. */
export const ENGINE_INIT_SECONDS = 180;
const STARTUP_PERIOD_SECONDS = 10;
/**
 * The floor: 10 minutes before a replica that has not come up is restarted, as vLLM production-stack
 * (https://github.com/vllm-project/production-stack/blob/main/helm/values.yaml) and KServe's
 * LLMInferenceService (https://github.com/kserve/kserve) set their startup probes (10 s × 60).
 */
const MIN_STARTUP_FAILURES = 60;

/**
 * How long `helm_release` waits for a model server, seconds: a first install on a node pulls the
 * vLLM image (`pullSeconds`), then loads the weights and starts the engine within the startup
 * probe's budget (`startupWindowSeconds`), plus 5 minutes for scheduling and readiness; never
 * below Helm's usual 15 minutes.
 */
export function releaseTimeoutSeconds(pullSeconds: number, startupWindowSeconds: number): number {
  return Math.max(900, pullSeconds + startupWindowSeconds + 300);
}

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

/** What a model server needs besides its plan: where its weights are and how the site pulls images. */
export interface ModelServerValuesContext {
  /** The model store's claim. */
  readonly claimName: string;
  /** Directory of the model's checkpoint inside the store, e.g. `/models/org/name/<rev>`. */
  readonly modelPath: string;
  /**
   * Internal registry the vLLM image is pulled from.
   * @default - the upstream registry (docker.io)
   */
  readonly mirror?: Mirror;
  /**
   * Image pull rate of one node, MB/s (`ResolvedEnvironment.imagePullMBps`): a first install pulls
   * the multi-GB vLLM image before the startup probe's budget even starts.
   * @default - the catalog's REGISTRY_PULL figure
   */
  readonly imagePullMBps?: number;
  /**
   * Labels of the ServiceMonitor: those the cluster's Prometheus selects (`monitoring.serviceMonitorLabels`).
   * @default - none
   */
  readonly serviceMonitorLabels?: Readonly<Record<string, string>>;
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
  const pullSeconds = imagePullSeconds(VLLM.compressedGB, ctx.imagePullMBps ?? REGISTRY_PULL.pullMBps);
  // Decided in planning, where the scheduling check reads the same placement.
  const placement = modelServerPlacement(m.pool);

  const input: ModelServerValuesInput = {
    servedModelName: m.servedName,
    // One pinned vLLM image for servers and prefetch Jobs alike (catalog/upstream.ts).
    image: { repository: imageRepository(VLLM.image.repository, ctx.mirror), tag: VLLM.image.tag },
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
    // The deadline runs from the rollout's start, so it covers the image pull of a new node too.
    progressDeadlineSeconds: Math.max(1800, pullSeconds + startupWindow + 300),
    // surge: the plan kept one replica's GPUs free on the pool, so an update starts the new replica
    // first; recreate: it kept none, so the old replicas stop before the new ones start.
    strategy: d.rollout === "surge" ? "RollingUpdate" : "Recreate",
    rollingUpdate: d.rollout === "surge" ? { maxSurge: 1, maxUnavailable: 0 } : undefined,
    resources: {
      ...hostResources(plan.allocation.count, plan.allocation.kind === "gpu", shmGiB),
      gpu: { resourceName: plan.allocation.resourceName, count: plan.allocation.count },
    },
    nodeSelector: { ...placement.nodeSelector },
    tolerations: placement.tolerations.map((t) => ({ ...t })),
    modelStore: { claimName: ctx.claimName, mountPath: MOUNT_PATH },
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
    // Files the model's code loads at start (e.g. Harmony's tiktoken encodings) are read from the
    // model store, never downloaded: each set's variable names its directory.
    env: Object.fromEntries((m.spec.runtimeFiles ?? []).map((set) => [set.env, runtimeFilesPath(set.id)])),
    serviceMonitor: d.serviceMonitor
      ? { enabled: true, labels: { ...ctx.serviceMonitorLabels } }
      : { enabled: false },
  };
  return modelServerValuesSchema.parse(input);
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
