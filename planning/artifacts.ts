/**
 * Everything an environment pulls from the outside world at deploy time: container images, Helm
 * charts, runtime files and model checkpoints, each with where it comes from upstream and where
 * the site's mirror must serve it. An air-gapped site copies exactly this list before the first
 * `cdktf deploy` (`ai-factory images <env-file>` prints it). Pure: the pins live in
 * catalog/upstream.ts and the values builders pick images by the same functions.
 */
import type { ResolvedEnvironment, ResolvedNodePool } from "../config/resolve";
import type { GpuOperatorConfig, Mirror } from "../config/schema";
import {
  AI_GATEWAY,
  AI_GATEWAY_CRDS,
  ENVOY_GATEWAY,
  GPU_OPERATOR,
  KUBE_PROMETHEUS_STACK,
  NFS_CSI,
  REDIS,
  RCLONE,
  VLLM,
  gpuOperatorImagePath,
  type GpuOperatorImage,
  type PinnedChart,
  type PinnedImage,
} from "../catalog/upstream";
import type { RuntimeFileSet } from "../catalog/types";
import { RUNTIME_FILES_DIR, modelDir } from "./model-store";
import type { Plan } from "./plan";

/**
 * The GPU Operator component images an environment (its `gpuOperator` section and its pools)
 * makes the operator pull, at the versions it pulls them (a managed driver at
 * `gpuOperator.driver.version` keeps that version: the driver image's tag is the driver version).
 */
export function gpuOperatorImages(op: GpuOperatorConfig, pools: readonly Pick<ResolvedNodePool, "sharing">[]): GpuOperatorImage[] {
  const anyMig = pools.some((p) => p.sharing.mode === "mig");
  return GPU_OPERATOR.images
    .filter(
      (img) =>
        img.when === "always" ||
        (img.when === "managedDriver" && op.driver.managed) ||
        (img.when === "mig" && anyMig) ||
        (img.when === "dcgmExporter" && op.dcgmExporter.enabled),
    )
    .map((img) => (img.valuesKey === "driver" && op.driver.version ? { ...img, version: op.driver.version } : img));
}

/** One image to mirror. */
export interface ImageArtifact {
  /** `<upstream repository>:<tag>`, e.g. `nvcr.io/nvidia/gpu-operator:v25.10.1`. */
  readonly upstream: string;
  /** What nodes pull: `<mirror.registry>/<upstream>`, or the upstream reference without a mirror. */
  readonly pulledAs: string;
  /** Which part of the stack runs it. */
  readonly usedBy: string;
}

/** One chart to mirror. */
export interface ChartArtifact extends PinnedChart {
  /** The repository the stack installs from: `mirror.chartRepository`, or the upstream one. */
  readonly installedFrom: string;
  readonly usedBy: string;
}

/** One file the model store fetches besides checkpoints. */
export interface FileArtifact {
  readonly url: string;
  readonly sha256: string;
  /** Path under the model source (S3 bucket + prefix, or HTTP mirror base) where it must be. */
  readonly sourcePath: string;
  readonly usedBy: string;
}

/** One checkpoint the model store copies from the model source. */
export interface CheckpointArtifact {
  readonly repo: string;
  readonly revision: string;
  readonly checkpointGiB: number;
  /** Path under the model source where its files must be (`<org>/<model>/<revision>/`). */
  readonly sourcePath: string;
  readonly usedBy: string;
}

/** Everything an environment pulls, each list sorted. */
export interface Artifacts {
  readonly environment: string;
  readonly mirror?: Mirror;
  readonly images: readonly ImageArtifact[];
  readonly charts: readonly ChartArtifact[];
  readonly files: readonly FileArtifact[];
  readonly checkpoints: readonly CheckpointArtifact[];
}

/** Everything `env` (with its `plan`) pulls at deploy time. */
export function environmentArtifacts(env: ResolvedEnvironment, plan: Plan): Artifacts {
  const { config } = env;
  const mirror = config.mirror;
  const images = new Map<string, ImageArtifact>();
  const addImage = (repository: string, tag: string, usedBy: string) => {
    const upstream = `${repository}:${tag}`;
    const existing = images.get(upstream);
    const pulledAs = mirror ? `${mirror.registry}/${upstream}` : upstream;
    images.set(upstream, { upstream, pulledAs, usedBy: existing ? `${existing.usedBy}, ${usedBy}` : usedBy });
  };
  const addPinned = (image: PinnedImage, usedBy: string) => addImage(image.repository, image.tag, usedBy);

  const charts: ChartArtifact[] = [];
  const addChart = (chart: PinnedChart, usedBy: string) =>
    charts.push({ ...chart, installedFrom: mirror ? mirror.chartRepository : chart.repository, usedBy });

  if (config.gpuOperator.enabled) {
    addChart(GPU_OPERATOR.chart, "GPU Operator");
    for (const img of gpuOperatorImages(config.gpuOperator, env.pools)) {
      addImage(gpuOperatorImagePath(img), img.version, `GPU Operator (${img.valuesKey})`);
    }
    addPinned(GPU_OPERATOR.nfdImage, "GPU Operator (node-feature-discovery)");
  }

  const store = config.modelStore;
  const files: FileArtifact[] = [];
  const checkpoints: CheckpointArtifact[] = [];
  if (store && plan.models.length > 0) {
    addPinned(VLLM.image, "model servers");
    addPinned(store.source.kind === "huggingFace" ? VLLM.image : RCLONE.image, "prefetch Jobs");
    if (store.volume.kind === "nfs") {
      addChart(NFS_CSI.chart, "NFS CSI driver (model store)");
      for (const key of Object.keys(NFS_CSI.images).sort()) addPinned(NFS_CSI.images[key], `NFS CSI driver (${key})`);
    }
    const sets = new Map<string, { set: RuntimeFileSet; users: string[] }>();
    for (const m of plan.models) {
      for (const set of m.model.spec.runtimeFiles ?? []) {
        const entry = sets.get(set.id) ?? { set, users: [] };
        entry.users.push(m.model.servedName);
        sets.set(set.id, entry);
      }
    }
    for (const id of [...sets.keys()].sort()) {
      const { set, users } = sets.get(id)!;
      for (const f of set.files) {
        files.push({ url: f.url, sha256: f.sha256, sourcePath: `${RUNTIME_FILES_DIR}/${set.id}/${f.name}`, usedBy: `models ${users.sort().join(", ")} (${set.env})` });
      }
    }
    for (const c of plan.checkpoints) {
      checkpoints.push({
        repo: c.repo,
        revision: c.revision,
        checkpointGiB: c.checkpointGiB,
        sourcePath: `${modelDir(c.repo, c.revision)}/`,
        usedBy: `models ${c.servedNames.join(", ")}`,
      });
    }
  }

  if (config.gateway !== undefined) {
    addChart(AI_GATEWAY_CRDS.chart, "gateway (AI Gateway CRDs)");
    addChart(ENVOY_GATEWAY.chart, "gateway (Envoy Gateway)");
    addChart(AI_GATEWAY.chart, "gateway (AI Gateway controller)");
    addPinned(ENVOY_GATEWAY.images.envoyGateway, "gateway (Envoy Gateway controller, certgen, shutdown manager)");
    addPinned(ENVOY_GATEWAY.images.envoyProxy, "gateway (Envoy proxy)");
    addPinned(ENVOY_GATEWAY.images.ratelimit, "gateway (rate limit service)");
    addPinned(AI_GATEWAY.images.controller, "gateway (AI Gateway controller)");
    addPinned(AI_GATEWAY.images.extProc, "gateway (AI Gateway external processor, in every Envoy pod)");
    addPinned(REDIS.image, "gateway (Redis: rate limit counters)");
  }

  if (config.monitoring?.mode === "install") {
    addChart(KUBE_PROMETHEUS_STACK.chart, "monitoring (kube-prometheus-stack)");
    for (const img of KUBE_PROMETHEUS_STACK.images) addImage(`${img.registry}/${img.repository}`, img.tag, `monitoring (${img.valuesKey})`);
  }

  return {
    environment: config.name,
    mirror,
    images: [...images.keys()].sort().map((k) => images.get(k)!),
    charts: charts.sort((a, b) => a.chart.localeCompare(b.chart)),
    files,
    checkpoints,
  };
}
