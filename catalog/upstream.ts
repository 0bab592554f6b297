/**
 * Every upstream component the stacks install or run, pinned: Helm charts (repository, name,
 * version) and container images (registry path and tag), each with the source it was read from.
 * This is the one home of these pins: the values builders, the mirror mapping and the
 * `ai-factory images` list all read them here, so an upgrade is one reviewed change of this file.
 *
 * An image is `<repository>:<tag>` where `repository` is the full upstream path including the
 * registry host (`nvcr.io/nvidia/gpu-operator`). Under `mirror.registry` it is pulled as
 * `<mirror>/<repository>:<tag>`: the layout of registry proxy caches and of `skopeo sync` /
 * `crane copy` jobs that keep the source path, so two upstreams never collide.
 */
import type { RuntimeFileSet, Source } from "./types";

/** A pinned container image. */
export interface PinnedImage {
  /** Upstream repository with its registry host, no tag: `nvcr.io/nvidia/k8s-device-plugin`. */
  readonly repository: string;
  /** Pinned tag (a version, never `latest`). */
  readonly tag: string;
}

/** A pinned Helm chart. */
export interface PinnedChart {
  /** Chart repository (https://) or OCI registry (oci://). */
  readonly repository: string;
  /** Chart name in that repository. */
  readonly chart: string;
  /** Exact chart version, as the chart's Chart.yaml spells it (a different spelling shows as a diff on every plan). */
  readonly version: string;
}

/**
 * A GPU Operator component image. The chart takes each component's image as three values —
 * `<key>.repository` (registry and path), `<key>.image` (name) and `<key>.version` (tag) — so the
 * upstream path is kept in those three parts too.
 */
export interface GpuOperatorImage {
  /** Values key of the component, e.g. `devicePlugin`, `driver.manager`. */
  readonly valuesKey: string;
  /** `repository` value: registry host and path without the image name, e.g. `nvcr.io/nvidia`. */
  readonly repository: string;
  /** `image` value: the image name, e.g. `k8s-device-plugin`. */
  readonly image: string;
  /** `version` value: the tag. */
  readonly version: string;
  /**
   * When the operator pulls it: `always`, `managedDriver` (only with `gpuOperator.driver.managed`),
   * `mig` (only when a pool uses MIG), `dcgmExporter` (only with `gpuOperator.dcgmExporter.enabled`).
   */
  readonly when: "always" | "managedDriver" | "mig" | "dcgmExporter";
}

const GPU_OPERATOR_VALUES_SOURCE: Source = {
  url: "https://github.com/NVIDIA/gpu-operator/blob/v25.10.1/deployments/gpu-operator/values.yaml",
  date: "2026-11-30",
  note:
    "repository/image/version of every component at tag v25.10.1 (commit 846018752b8a). operator and validator leave `version` to the chart's appVersion, which the published chart v25.10.1 sets to v25.10.1; the validator moved to nvcr.io/nvidia/gpu-operator (one image with the operator).",
};

/** The NVIDIA GPU Operator chart. */
export const GPU_OPERATOR = {
  chart: { repository: "https://helm.ngc.nvidia.com/nvidia", chart: "gpu-operator", version: "v25.10.1" } as PinnedChart,
  /**
   * Component images at the pinned chart version, set explicitly in the values so that what a
   * mirror must carry is exactly this list. Components off by default and never enabled by
   * ai-factory (GDS, GDRCopy, vGPU, Kata, confidential computing, sandbox workloads, the
   * standalone DCGM host engine, the node status exporter) are left out.
   */
  images: [
    { valuesKey: "operator", repository: "nvcr.io/nvidia", image: "gpu-operator", version: "v25.10.1", when: "always" },
    { valuesKey: "operator.initContainer", repository: "nvcr.io/nvidia", image: "cuda", version: "13.0.1-base-ubi9", when: "always" },
    { valuesKey: "validator", repository: "nvcr.io/nvidia", image: "gpu-operator", version: "v25.10.1", when: "always" },
    { valuesKey: "driver", repository: "nvcr.io/nvidia", image: "driver", version: "580.105.08", when: "managedDriver" },
    { valuesKey: "driver.manager", repository: "nvcr.io/nvidia/cloud-native", image: "k8s-driver-manager", version: "v0.9.1", when: "managedDriver" },
    { valuesKey: "toolkit", repository: "nvcr.io/nvidia/k8s", image: "container-toolkit", version: "v1.18.1", when: "always" },
    { valuesKey: "devicePlugin", repository: "nvcr.io/nvidia", image: "k8s-device-plugin", version: "v0.18.1", when: "always" },
    { valuesKey: "gfd", repository: "nvcr.io/nvidia", image: "k8s-device-plugin", version: "v0.18.1", when: "always" },
    { valuesKey: "dcgmExporter", repository: "nvcr.io/nvidia/k8s", image: "dcgm-exporter", version: "4.4.2-4.7.0-distroless", when: "dcgmExporter" },
    { valuesKey: "migManager", repository: "nvcr.io/nvidia/cloud-native", image: "k8s-mig-manager", version: "v0.13.1", when: "mig" },
  ] as readonly GpuOperatorImage[],
  /**
   * Node Feature Discovery, a subchart (0.18.2) enabled by default; its image is
   * `image.repository` + `image.tag` (the tag defaults to the subchart's appVersion v0.18.2).
   */
  nfdImage: { repository: "registry.k8s.io/nfd/node-feature-discovery", tag: "v0.18.2" } as PinnedImage,
  /** The driver version the chart installs when `gpuOperator.driver.managed` sets none. */
  defaultDriverVersion: "580.105.08",
  sources: [
    GPU_OPERATOR_VALUES_SOURCE,
    {
      url: "https://github.com/NVIDIA/gpu-operator/blob/v25.10.1/deployments/gpu-operator/charts/node-feature-discovery/Chart.yaml",
      date: "2026-11-30",
      note: "node-feature-discovery subchart version 0.18.2, appVersion v0.18.2; its values.yaml leaves image.tag to the appVersion.",
    },
  ] as readonly Source[],
} as const;

/** The NFS CSI driver chart and the images it runs (kubernetes-csi/csi-driver-nfs). */
export const NFS_CSI = {
  chart: {
    repository: "https://raw.githubusercontent.com/kubernetes-csi/csi-driver-nfs/master/charts",
    chart: "csi-driver-nfs",
    // Chart.yaml says `version: 4.11.0` (the folder is `v4.11.0`).
    version: "4.11.0",
  } as PinnedChart,
  /** Values key under `image.` → pinned image. */
  images: {
    csiProvisioner: { repository: "registry.k8s.io/sig-storage/csi-provisioner", tag: "v5.2.0" },
    csiResizer: { repository: "registry.k8s.io/sig-storage/csi-resizer", tag: "v1.13.1" },
    csiSnapshotter: { repository: "registry.k8s.io/sig-storage/csi-snapshotter", tag: "v8.2.0" },
    externalSnapshotter: { repository: "registry.k8s.io/sig-storage/snapshot-controller", tag: "v8.2.0" },
    livenessProbe: { repository: "registry.k8s.io/sig-storage/livenessprobe", tag: "v2.15.0" },
    nfs: { repository: "registry.k8s.io/sig-storage/nfsplugin", tag: "v4.11.0" },
    nodeDriverRegistrar: { repository: "registry.k8s.io/sig-storage/csi-node-driver-registrar", tag: "v2.13.0" },
  } as Readonly<Record<string, PinnedImage>>,
  sources: [
    {
      url: "https://github.com/kubernetes-csi/csi-driver-nfs/blob/master/charts/v4.11.0/csi-driver-nfs/values.yaml",
      date: "2026-11-30",
      note: "image.* repositories and tags of chart 4.11.0; the README installs from the raw.githubusercontent.com charts index.",
    },
  ] as readonly Source[],
} as const;

/**
 * vLLM's OpenAI-compatible server image: model servers run it, and Hugging Face prefetch Jobs
 * reuse it (Python and huggingface_hub are in it), so a node pulls one image less.
 */
export const VLLM = {
  image: { repository: "docker.io/vllm/vllm-openai", tag: "v0.16.0" } as PinnedImage,
  /**
   * Download size of the image (compressed layers), GB (10^9 bytes): what a node pulls before the
   * first replica can start. No figure is published for v0.16.0 itself; recent releases are
   * reported at about 12 GB to pull (28.6 GB unpacked).
   */
  compressedGB: 12,
  /**
   * Share of each GPU's memory a server lets the engine take for weights, activations and KV cache
   * (`--gpu-memory-utilization`) unless the environment says otherwise: 0.9, vLLM's long-standing
   * default. Current vLLM documents 0.92; the chart always emits the flag, so an image upgrade never
   * changes it silently. The environment format, the fit check and the chart all default to it.
   */
  defaultGpuMemoryUtilization: 0.9,
  sources: [
    {
      url: "https://github.com/vllm-project/vllm/issues/27154",
      date: "2025-10-18",
      note: "A `docker pull` of the newest vllm/vllm-openai release tag: the image is around 12 GB (linux/amd64).",
    },
    {
      url: "https://github.com/vllm-project/vllm/pull/22377",
      date: "2025-12-10",
      note: "The newest official vllm-openai release is 28.6 GB on disk (unpacked), the upper bound of what a node stores.",
    },
    {
      url: "https://docs.vllm.ai/en/stable/configuration/engine_args.html",
      date: "2026-11-30",
      note: "--gpu-memory-utilization: the fraction of GPU memory for the model executor; documented default 0.92 (0.9 in earlier releases).",
    },
    {
      url: "https://github.com/vllm-project/vllm/releases/tag/v0.16.0",
      date: "2026-11-30",
      note: "v0.16.0 is the first release with --disable-access-log-for-endpoints, which the model-server chart sets.",
    },
  ] as readonly Source[],
} as const;

/** rclone copies weights from S3-compatible stores and HTTP mirrors in prefetch Jobs. */
export const RCLONE = {
  image: { repository: "docker.io/rclone/rclone", tag: "1.71.2" } as PinnedImage,
  sources: [{ url: "https://github.com/rclone/rclone/releases/tag/v1.71.2", date: "2025-10-20", note: "rclone v1.71.2 release." }] as readonly Source[],
} as const;

/** `repository:tag` of a pinned image. */
export function imageReference(image: PinnedImage): string {
  return `${image.repository}:${image.tag}`;
}

/** The upstream path of a GPU Operator component image, `<repository>/<image>`. */
export function gpuOperatorImagePath(image: GpuOperatorImage): string {
  return `${image.repository}/${image.image}`;
}

/**
 * How fast one node pulls an image from the registry (or the site's mirror), MB/s (10^6 bytes):
 * the rate that sets how long a first install may take. A planning figure, deliberately low:
 * containerd downloads a few layers at once but unpacks each gzip layer on one core, which bounds
 * a multi-GB pull well below a 10 GbE link. Measure a site's own with `time crictl pull <image>`
 * on a node and set `catalog.registry.pullMBps`.
 */
export const REGISTRY_PULL = {
  pullMBps: 50,
  sources: [
    {
      url: "https://github.com/containerd/containerd/blob/v2.1.0/docs/cri/config.md",
      date: "2026-11-30",
      note: "containerd's CRI pulls with `max_concurrent_downloads` 3 and unpacks layers after download; the 50 MB/s figure is this project's conservative assumption, not a measurement.",
    },
  ] as readonly Source[],
} as const;

/** Seconds to pull `compressedGB` at `pullMBps`, rounded up. */
export function imagePullSeconds(compressedGB: number, pullMBps: number): number {
  return Math.ceil((compressedGB * 1000) / pullMBps);
}

/**
 * The tiktoken encodings gpt-oss's Harmony tokenizer loads at start. The `openai_harmony` package
 * (Rust core, src/tiktoken_ext/public_encodings.rs) downloads them from openaipublic.blob.core.windows.net
 * unless TIKTOKEN_ENCODINGS_BASE names a local directory holding them, whose files must match the
 * SHA-256 below; with no egress and no such directory the server crashes at start (vllm#22525).
 * gpt-oss needs o200k_base only; cl100k_base is fetched as vLLM's gpt-oss recipe does, so other
 * Harmony encodings load too.
 */
export const TIKTOKEN_ENCODINGS: RuntimeFileSet = {
  id: "tiktoken-encodings",
  env: "TIKTOKEN_ENCODINGS_BASE",
  files: [
    {
      name: "cl100k_base.tiktoken",
      url: "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
      sha256: "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    },
    {
      name: "o200k_base.tiktoken",
      url: "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
      sha256: "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    },
  ],
  sources: [
    {
      url: "https://github.com/openai/harmony/blob/v0.0.8/src/tiktoken_ext/public_encodings.rs",
      date: "2026-11-30",
      note: "TIKTOKEN_ENCODINGS_BASE is read as a local directory (no download fallback, hash checked); file names o200k_base.tiktoken and cl100k_base.tiktoken; the expected SHA-256 of each.",
    },
    {
      url: "https://github.com/vllm-project/recipes/blob/main/OpenAI/GPT-OSS.md",
      date: "2026-11-30",
      note: "vLLM's gpt-oss recipe: download both encodings and set TIKTOKEN_ENCODINGS_BASE to avoid `HarmonyError: error downloading or loading vocab file`.",
    },
    { url: "https://github.com/vllm-project/vllm/issues/22525", date: "2025-08", note: "gpt-oss on vLLM crashes in an air-gapped cluster loading the vocab file." },
  ],
};
