/**
 * The model store's arithmetic and scripts, as pure functions (no cdktf, no I/O): the claim size,
 * the prefetch Jobs' names and timeouts, the shell script each Job runs and the checks the
 * loader runs before synthesis. `model-store.ts` turns them into resources.
 *
 * On-disk layout of the store (what model servers read with HF_HUB_OFFLINE=1):
 *   /models/<org>/<model>/<revision>/                   one complete checkpoint
 *   /models/<org>/<model>/<revision>/.ai-factory-complete  written last; its presence means "complete"
 *   /models/<org>/<model>/<revision>.partial-<pod>/      a download in progress (never read)
 */
import { stringify } from "yaml";
import { NFS_CSI, RCLONE, VLLM, type PinnedChart, type PinnedImage } from "../catalog/upstream";
import type { RuntimeFileSet } from "../catalog/types";
import type { DocPath } from "../config/errors";
import type { Mirror, ModelSource, ModelStoreConfig } from "../config/schema";
import { imageRepository } from "./mirror";
import { NFS_NODE_PLACEMENT } from "../planning/placement";

/** One checkpoint to keep in the store (unique by repo + revision). */
export interface StoredModel {
  /** Hugging Face repo, e.g. "meta-llama/Llama-3.3-70B-Instruct". */
  readonly repo: string;
  /** Pinned commit: 40 hex digits. */
  readonly revision: string;
  /** Size of the checkpoint on disk, GiB. */
  readonly checkpointGiB: number;
  /** Whether downloading it from Hugging Face needs an accepted licence and a token. */
  readonly gated: boolean;
  /** Served model names using it (labels and docs only). */
  readonly servedNames: readonly string[];
}

/** Where the volume is mounted, in prefetch Jobs and in model servers. */
export const MOUNT_PATH = "/models";
/** Name of the claim the store creates (unless the environment names an existing one). */
export const MODEL_STORE_CLAIM = "ai-factory-models";
/** Name of the storage class created for `volume.kind: nfs`. */
export const NFS_STORAGE_CLASS = "ai-factory-models-nfs";
/** File written into a checkpoint directory once it is complete; prefetch skips directories that have it. */
export const MARKER_FILE = ".ai-factory-complete";
/** The claim is sized in whole steps of this many GiB. */
export const SIZE_STEP_GIB = 10;

/**
 * Assumed sustained download rate of one prefetch Job, MB/s (10^6 bytes), used only to derive how
 * long `terraform apply` waits for it: a conservative figure for one stream from an on-prem S3 or
 * HTTP mirror over 1-10 GbE. An assumption of this project, not a measurement; set
 * `modelStore.prefetchTimeoutMinutes` when a site is slower. (Belongs in catalog/ with the other
 * outside-world figures once the environment format can override it.)
 */
export const PREFETCH_RATE_MB_PER_S = 50;
/** Safety factor on the derived prefetch time (retries, a busy mirror). */
export const PREFETCH_TIMEOUT_FACTOR = 2;
/** The derived prefetch timeout is never shorter than this (image pull, scheduling, small models). */
export const MIN_PREFETCH_TIMEOUT_MINUTES = 30;

/**
 * Files never copied into the store: Meta's repos ship a second, consolidated copy of the weights
 * under `original/`, which vLLM does not load (its `LoadConfig.ignore_patterns` default) and which
 * would double the space the claim was sized for.
 */
export const EXCLUDED_PATTERNS: readonly string[] = ["original/**"];

export type { PinnedImage } from "../catalog/upstream";

/** rclone copies from S3-compatible stores and HTTP mirrors (pinned in catalog/upstream.ts). */
export const RCLONE_IMAGE: PinnedImage = RCLONE.image;
/**
 * The vLLM image has Python and huggingface_hub; model servers run the same image and tag, so a
 * node pulls it once and an air-gapped mirror carries one image less.
 */
export const VLLM_IMAGE: PinnedImage = VLLM.image;

/** The NFS CSI driver chart (pinned in catalog/upstream.ts). */
export const NFS_CSI_CHART: PinnedChart = NFS_CSI.chart;
/** Release name and namespace of the NFS CSI driver (a cluster-wide driver, like the upstream docs install it). */
export const NFS_CSI_RELEASE = { name: "csi-driver-nfs", namespace: "kube-system" } as const;
/** CSI driver name the storage class provisions with. */
export const NFS_CSI_PROVISIONER = "nfs.csi.k8s.io";
/**
 * The chart's images (keys of `image.*` in its values.yaml at 4.11.0), set explicitly so that a
 * mirror serves exactly these and a chart upgrade is a reviewed change of the catalog.
 */
export const NFS_CSI_IMAGES: Readonly<Record<string, PinnedImage>> = NFS_CSI.images;

/**
 * Helm values of the NFS CSI driver: pinned images, from the mirror when one is set, and the node
 * plugin's tolerations from planning (it must run wherever the store is mounted).
 */
export function nfsCsiDriverValuesYaml(mirror: Mirror | undefined): string {
  const image: Record<string, unknown> = { baseRepo: imageRepository("registry.k8s.io", mirror) };
  for (const [key, img] of Object.entries(NFS_CSI_IMAGES)) {
    image[key] = { repository: imageRepository(img.repository, mirror), tag: img.tag, pullPolicy: "IfNotPresent" };
  }
  const node = { tolerations: NFS_NODE_PLACEMENT.tolerations.map((t) => ({ ...t })) };
  return stringify({ image, node }, { sortMapEntries: true });
}

/** `repository:tag` of a pinned image, from the mirror when one is set. */
export function imageRef(image: PinnedImage, mirror: Mirror | undefined): string {
  return `${imageRepository(image.repository, mirror)}:${image.tag}`;
}

/** The image a prefetch Job runs for `source`: rclone for S3 and HTTP, vLLM's for Hugging Face. */
export function prefetchImage(source: ModelSource, mirror: Mirror | undefined): string {
  return imageRef(source.kind === "huggingFace" ? VLLM_IMAGE : RCLONE_IMAGE, mirror);
}

/** CPU and memory of one prefetch container (a network copy: little CPU, buffers in memory). */
export const PREFETCH_RESOURCES = {
  requests: { cpu: "500m", memory: "1Gi" },
  limits: { cpu: "2", memory: "4Gi" },
} as const;

/** Scratch space for HOME and library caches; the root file system is read-only. */
export const SCRATCH_PATH = "/tmp";

/** One environment variable of a prefetch container, as plain data. */
export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  /** From a key of an existing Secret in the models namespace (never inlined). */
  readonly secretKeyRef?: { readonly name: string; readonly key: string; readonly optional: boolean };
  /** From the downward API, e.g. `metadata.name`. */
  readonly fieldPath?: string;
}

/**
 * Environment of the prefetch container of `model`: the pod name (names the partial directory),
 * HOME in scratch space, and the source's endpoint and credentials, credentials always by
 * reference to an existing Secret.
 */
export function prefetchEnv(source: ModelSource, model: Pick<StoredModel, "gated">): EnvVar[] {
  const env: EnvVar[] = [
    { name: "POD_NAME", fieldPath: "metadata.name" },
    { name: "HOME", value: SCRATCH_PATH },
  ];
  switch (source.kind) {
    case "s3":
      env.push(
        { name: "RCLONE_S3_PROVIDER", value: "Other" },
        { name: "RCLONE_S3_ENDPOINT", value: source.endpoint },
        { name: "RCLONE_S3_ACCESS_KEY_ID", secretKeyRef: { name: source.credentialsSecret, key: "AWS_ACCESS_KEY_ID", optional: false } },
        { name: "RCLONE_S3_SECRET_ACCESS_KEY", secretKeyRef: { name: source.credentialsSecret, key: "AWS_SECRET_ACCESS_KEY", optional: false } },
      );
      break;
    case "http":
      break;
    case "huggingFace":
      env.push(
        { name: "HF_HOME", value: `${SCRATCH_PATH}/hf` },
        { name: "HF_HUB_DISABLE_TELEMETRY", value: "1" },
        // Plain HTTP downloads: the hf_transfer package is not needed (nor installed everywhere).
        { name: "HF_HUB_ENABLE_HF_TRANSFER", value: "0" },
        { name: "PYTHONDONTWRITEBYTECODE", value: "1" },
      );
      if (source.endpoint !== undefined) env.push({ name: "HF_ENDPOINT", value: source.endpoint });
      if (source.tokenSecret !== undefined) {
        // A public model downloads without the token, so a missing Secret only stops gated ones.
        env.push({ name: "HF_TOKEN", secretKeyRef: { name: source.tokenSecret, key: "HF_TOKEN", optional: !model.gated } });
      }
      break;
  }
  return env;
}

const GIB_BYTES = 1024 ** 3;
const REPO = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;
const REVISION = /^[0-9a-f]{40}$/;
const JOB_PREFIX = "prefetch-";
const DNS_LABEL_MAX = 63;

/** Rounds away floating-point noise (150 × 1.2 = 180.00000000000003) before a ceiling. */
function ceilClean(x: number): number {
  return Math.ceil(Number(x.toFixed(6)));
}

/** Models sorted by repo, then revision: the order of every list the store emits. */
export function sortModels(models: readonly StoredModel[]): StoredModel[] {
  const key = (m: StoredModel) => `${m.repo}\u0000${m.revision}`;
  return [...models].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * Size of the claim, GiB: the checkpoints' total × (1 + headroomPercent / 100), rounded up to a
 * whole SIZE_STEP_GIB, and at least one step (a claim of 0 is invalid).
 * E.g. 131.5 + 15 GiB with 20 % → 175.8 → 180.
 */
export function modelStoreSizeGiB(models: readonly StoredModel[], headroomPercent: number): number {
  if (!(headroomPercent >= 0)) throw new Error(`model store: headroomPercent must be 0 or more, got ${headroomPercent}`);
  const weightsGiB = sortModels(models).reduce((sum, m) => sum + m.checkpointGiB, 0);
  const neededGiB = (weightsGiB * (100 + headroomPercent)) / 100;
  return Math.max(1, ceilClean(neededGiB / SIZE_STEP_GIB)) * SIZE_STEP_GIB;
}

/** A size in GiB as a Kubernetes quantity: `180Gi`. */
export function gibQuantity(sizeGiB: number): string {
  return `${sizeGiB}Gi`;
}

/**
 * How long `terraform apply` waits for one prefetch Job, minutes: `override` when the environment
 * sets `prefetchTimeoutMinutes`, otherwise the checkpoint at PREFETCH_RATE_MB_PER_S, times
 * PREFETCH_TIMEOUT_FACTOR, rounded up to a minute, and at least MIN_PREFETCH_TIMEOUT_MINUTES.
 * E.g. 131.5 GiB = 141.2 GB → 2824 s at 50 MB/s → ×2 = 5648 s → 95 min.
 */
export function prefetchTimeoutMinutes(checkpointGiB: number, override?: number): number {
  if (override !== undefined) return override;
  const seconds = ((checkpointGiB * GIB_BYTES) / (PREFETCH_RATE_MB_PER_S * 1e6)) * PREFETCH_TIMEOUT_FACTOR;
  return Math.max(MIN_PREFETCH_TIMEOUT_MINUTES, ceilClean(seconds / 60));
}

/** Directory of a checkpoint inside the volume: `<org>/<model>/<revision>`. */
export function modelDir(repo: string, revision: string): string {
  return `${repo}/${revision}`;
}

/** What is wrong with a repo or revision, or undefined; they become paths and shell words. */
function invalidReference(repo: string, revision: string): string | undefined {
  const name = repo.split("/")[1];
  if (!REPO.test(repo) || name === "." || name === "..") {
    return `Hugging Face repo ${JSON.stringify(repo)} is not of the form org/model (letters, digits, "_", "-", ".")`;
  }
  if (!REVISION.test(revision)) {
    return `revision ${JSON.stringify(revision)} of ${repo} must be a commit SHA of 40 lower-case hex digits`;
  }
  return undefined;
}

/** Throws when a stored model's repo or revision could not safely name a directory. */
export function assertValidReference(repo: string, revision: string): void {
  const problem = invalidReference(repo, revision);
  if (problem) throw new Error(`model store: ${problem}`);
}

/**
 * Name of the prefetch Job of one checkpoint: `prefetch-<model>-<first 8 of revision>`, a DNS-1123
 * label of at most 63 characters. `<model>` is the repo's name after the `/`, lower-cased, with
 * runs of other characters turned into `-`, cut to the 45 characters left. The revision prefix
 * keeps two revisions of one repo apart; `checkModelStore` reports the rare remaining clash
 * (two orgs publishing the same model name at commits with the same 8-digit prefix).
 */
export function prefetchJobName(repo: string, revision: string): string {
  const room = DNS_LABEL_MAX - JOB_PREFIX.length - 1 - 8;
  const raw = (repo.split("/").pop() ?? "").toLowerCase().replace(/[^a-z0-9]+/g, "-");
  const short = raw.replace(/^-+/, "").slice(0, room).replace(/-+$/, "") || "model";
  return `${JOB_PREFIX}${short}-${revision.slice(0, 8)}`;
}

/** Quotes a value as one POSIX shell word. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The prefetch script: skip when `<target>/.ai-factory-complete` exists; otherwise run `download`
 * (a shell snippet that fills the directory `"$partial"`) into `<target>.partial-$POD_NAME`,
 * check that it left at least one file, move it into place with one `mv` (a rename on the same
 * file system), then write the marker. A directory without a marker is an interrupted earlier run
 * and is replaced.
 *
 * A restarted container (restartPolicy OnFailure) keeps its pod name, so it resumes in its own
 * partial directory (rclone and huggingface_hub skip files already complete). Partial directories
 * of other pods are removed: the Job runs one pod at a time, so they belong to pods that died.
 *
 * The script's own text contains no `${` or `%{`: Terraform would read them as template syntax in
 * the JSON (values from the environment in it are escaped by the stack, constructs/terraform-escape.ts).
 * `POD_NAME` comes from the downward API.
 *
 * @param target absolute directory of the checkpoint, e.g. `/models/org/model/<revision>`
 * @param download shell commands that download into `"$partial"`
 * @param label written into the marker (e.g. `org/model@<revision>`)
 */
export function prefetchScript(target: string, download: string, label: string): string {
  const parent = target.slice(0, target.lastIndexOf("/")) || "/";
  return [
    "set -eu",
    `target=${shellQuote(target)}`,
    `marker="$target/${MARKER_FILE}"`,
    `if [ -f "$marker" ]; then`,
    `  echo "ai-factory: $target is complete ($marker found); nothing to download"`,
    "  exit 0",
    "fi",
    `partial="$target.partial-$POD_NAME"`,
    `mkdir -p ${shellQuote(parent)}`,
    `for stale in "$target".partial-*; do`,
    `  if [ -e "$stale" ] && [ "$stale" != "$partial" ]; then rm -rf "$stale"; fi`,
    "done",
    `mkdir -p "$partial"`,
    `echo "ai-factory: downloading into $partial"`,
    download,
    `if [ -z "$(find "$partial" -type f ! -path "$partial/.cache/*" | head -n 1)" ]; then`,
    `  echo "ai-factory: the download left no files in $partial; check the source and the revision" >&2`,
    "  exit 1",
    "fi",
    `if [ -e "$target" ]; then rm -rf "$target"; fi`,
    `mv "$partial" "$target"`,
    `printf '%s\\n' ${shellQuote(label)} > "$marker.tmp"`,
    `mv "$marker.tmp" "$marker"`,
    `echo "ai-factory: $target is complete"`,
    "",
  ].join("\n");
}

/** Strips leading and trailing `/` from an object-store key part. */
function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, "");
}

/** The shell snippet that downloads one checkpoint from `source` into `"$partial"`. */
export function downloadCommand(source: ModelSource, model: Pick<StoredModel, "repo" | "revision">): string {
  const dir = modelDir(model.repo, model.revision);
  const rcloneFlags = [
    ...EXCLUDED_PATTERNS.map((p) => `--exclude=${shellQuote(p)}`),
    "--retries=5",
    "--low-level-retries=20",
    "--stats=1m",
    "--stats-one-line",
    "--stats-log-level=NOTICE",
  ].join(" ");
  switch (source.kind) {
    case "s3": {
      const key = [trimSlashes(source.bucket), trimSlashes(source.prefix), dir].filter((p) => p !== "").join("/");
      return `rclone copy ${shellQuote(`:s3:${key}`)} "$partial" ${rcloneFlags}`;
    }
    case "http":
      return `rclone copy --http-url=${shellQuote(source.url)} ${shellQuote(`:http:${dir}`)} "$partial" ${rcloneFlags}`;
    case "huggingFace": {
      const py = [
        "import sys",
        "from huggingface_hub import snapshot_download",
        "snapshot_download(repo_id=sys.argv[1], revision=sys.argv[2], local_dir=sys.argv[3], ignore_patterns=sys.argv[4:])",
      ].join("; ");
      const args = [model.repo, model.revision].map(shellQuote).join(" ");
      return `python3 -c ${shellQuote(py)} ${args} "$partial" ${EXCLUDED_PATTERNS.map(shellQuote).join(" ")}`;
    }
  }
}

/** Folder of the store (and of an S3 or HTTP mirror) that holds runtime file sets: `_files/<id>`. */
export const RUNTIME_FILES_DIR = "_files";

/** Where a runtime file set lives in the volume, e.g. `/models/_files/tiktoken-encodings`. */
export function runtimeFilesPath(id: string): string {
  return `${MOUNT_PATH}/${RUNTIME_FILES_DIR}/${id}`;
}

/** Name of the Job that fetches a runtime file set: `prefetch-files-<id>`, at most 63 characters. */
export function runtimeFilesJobName(id: string): string {
  return `${JOB_PREFIX}files-${id}`.slice(0, DNS_LABEL_MAX).replace(/-+$/, "");
}

/** The runtime file sets `specs` need, one per id, sorted by id. */
export function runtimeFileSets(specs: readonly { readonly runtimeFiles?: readonly RuntimeFileSet[] }[]): RuntimeFileSet[] {
  const byId = new Map<string, RuntimeFileSet>();
  for (const spec of specs) for (const set of spec.runtimeFiles ?? []) byId.set(set.id, set);
  return [...byId.keys()].sort().map((id) => byId.get(id)!);
}

/**
 * The shell snippet that fetches a runtime file set into `"$partial"` and checks every file's
 * SHA-256. From an S3 store or HTTP mirror the set is laid out as `<prefix>/_files/<id>/<file>`
 * (the mirror job copies it there from the upstream URLs, see `ai-factory images`); with the
 * Hugging Face source, which does not host these files, they come from their upstream URLs.
 */
export function runtimeFilesDownload(source: ModelSource, set: RuntimeFileSet): string {
  const dir = `${RUNTIME_FILES_DIR}/${set.id}`;
  let fetch: string;
  switch (source.kind) {
    case "s3": {
      const key = [trimSlashes(source.bucket), trimSlashes(source.prefix), dir].filter((p) => p !== "").join("/");
      fetch = `rclone copy ${shellQuote(`:s3:${key}`)} "$partial" --retries=5 --low-level-retries=20`;
      break;
    }
    case "http":
      fetch = `rclone copy --http-url=${shellQuote(source.url)} ${shellQuote(`:http:${dir}`)} "$partial" --retries=5 --low-level-retries=20`;
      break;
    case "huggingFace": {
      const py = [
        "import sys, urllib.request",
        "for url in sys.argv[2:]: urllib.request.urlretrieve(url, sys.argv[1] + '/' + url.rsplit('/', 1)[1])",
      ].join("\n");
      fetch = `python3 -c ${shellQuote(py)} "$partial" ${set.files.map((f) => shellQuote(f.url)).join(" ")}`;
      break;
    }
  }
  // A wrong or truncated file fails the Job (and is never moved into place): the server's loader
  // checks the same hashes and would refuse it at start.
  const sums = set.files.map((f) => `${shellQuote(f.sha256)} ${shellQuote(f.name)}`).join(" ");
  return `${fetch}\n(cd "$partial" && printf '%s  %s\\n' ${sums} | sha256sum -c -)`;
}

/** The container command of the Job that fetches a runtime file set. */
export function runtimeFilesCommand(source: ModelSource, set: RuntimeFileSet): string[] {
  return ["/bin/sh", "-c", prefetchScript(runtimeFilesPath(set.id), runtimeFilesDownload(source, set), `runtime files ${set.id}`)];
}

/** The container command of the prefetch Job of `model`: `["/bin/sh", "-c", <script>]`. */
export function prefetchCommand(source: ModelSource, model: Pick<StoredModel, "repo" | "revision">): string[] {
  const target = `${MOUNT_PATH}/${modelDir(model.repo, model.revision)}`;
  return ["/bin/sh", "-c", prefetchScript(target, downloadCommand(source, model), `${model.repo}@${model.revision}`)];
}

/** One problem found by `checkModelStore`; the caller adds the file name. */
export interface ModelStoreProblem {
  /** Path in the environment file, e.g. `["modelStore", "source"]`. */
  readonly path: DocPath;
  readonly message: string;
}

/**
 * Problems that make the store unusable, for the loader to report with the file name before any
 * synthesis: a gated model from Hugging Face without a token, a repo or revision that cannot name
 * a directory, a checkpoint listed twice, two checkpoints whose Jobs would get the same name.
 * The construct refuses the same inputs with an Error, so nothing invalid is ever synthesized.
 */
export function checkModelStore(config: ModelStoreConfig, models: readonly StoredModel[]): ModelStoreProblem[] {
  const problems: ModelStoreProblem[] = [];
  const modelPath = (m: StoredModel): DocPath => (m.servedNames.length > 0 ? ["models", [...m.servedNames].sort()[0], "model"] : ["models"]);
  const seen = new Map<string, StoredModel>();
  const jobs = new Map<string, StoredModel>();
  for (const m of sortModels(models)) {
    const invalid = invalidReference(m.repo, m.revision);
    if (invalid) {
      problems.push({ path: modelPath(m), message: `${invalid}; fix huggingFace.repo and huggingFace.revision` });
      continue;
    }
    if (!(m.checkpointGiB > 0)) {
      problems.push({ path: modelPath(m), message: `checkpointGiB of ${m.repo} must be more than 0, got ${m.checkpointGiB}` });
    }
    const key = `${m.repo}@${m.revision}`;
    if (seen.has(key)) {
      problems.push({ path: modelPath(m), message: `${key} is listed twice in the model store; pass each checkpoint once with all its served names` });
      continue;
    }
    seen.set(key, m);
    const job = prefetchJobName(m.repo, m.revision);
    const other = jobs.get(job);
    if (other) {
      problems.push({
        path: modelPath(m),
        message: `${key} and ${other.repo}@${other.revision} would both be prefetched by Job "${job}"; pin one of them to another revision`,
      });
    }
    jobs.set(job, m);
    if (m.gated && config.source.kind === "huggingFace" && config.source.tokenSecret === undefined) {
      problems.push({
        path: ["modelStore", "source"],
        message: `models need a token to download ${m.repo} (gated); set modelStore.source.tokenSecret`,
      });
    }
  }
  if (config.sizeGiB !== undefined && problems.length === 0) {
    const needed = modelStoreSizeGiB(models, config.headroomPercent);
    if (config.sizeGiB < needed) {
      problems.push({
        path: ["modelStore", "sizeGiB"],
        message: `must hold the weights plus ${config.headroomPercent}% headroom (${needed} GiB), got ${config.sizeGiB}; raise sizeGiB or remove it to size the claim from the weights`,
      });
    }
  }
  return problems;
}

/** The claim's size: `sizeGiB` when set (checked to be large enough), else the weights plus headroom. */
export function claimSizeGiB(config: ModelStoreConfig, models: readonly StoredModel[]): number {
  return Math.max(config.sizeGiB ?? 0, modelStoreSizeGiB(models, config.headroomPercent));
}
