/**
 * What the ModelStore construct's Jobs and NFS driver run, as pure functions (no cdktf, no I/O):
 * the shell script of each prefetch Job, its environment and image, and the NFS CSI driver's Helm
 * values. The layout, sizes, Job names, timeouts and checks are planning's (planning/model-store.ts);
 * `model-store.ts` turns both into resources.
 */
import { NFS_CSI, RCLONE, VLLM, type PinnedImage } from "../catalog/upstream";
import type { RuntimeFileSet } from "../catalog/types";
import type { Mirror, ModelSource } from "../config/schema";
import { imageRepository } from "./mirror";
import { NFS_NODE_PLACEMENT } from "../planning/placement";
import { MOUNT_PATH, RUNTIME_FILES_DIR, modelDir, runtimeFilesPath, type StoredModel } from "../planning/model-store";
import { helmYaml } from "./helm-values";

/** Name of the claim the store creates (unless the environment names an existing one). */
export const MODEL_STORE_CLAIM = "ai-factory-models";
/** Name of the storage class created for `volume.kind: nfs`. */
export const NFS_STORAGE_CLASS = "ai-factory-models-nfs";
/** File written into a checkpoint directory once it is complete; prefetch skips directories that have it. */
export const MARKER_FILE = ".ai-factory-complete";

/**
 * Files never copied into the store: Meta's repos ship a second, consolidated copy of the weights
 * under `original/`, which vLLM does not load (its `LoadConfig.ignore_patterns` default) and which
 * would double the space the claim was sized for.
 */
export const EXCLUDED_PATTERNS: readonly string[] = ["original/**"];

/** Release name and namespace of the NFS CSI driver (a cluster-wide driver, like the upstream docs install it). */
export const NFS_CSI_RELEASE = { name: "csi-driver-nfs", namespace: "kube-system" } as const;
/** CSI driver name the storage class provisions with. */
export const NFS_CSI_PROVISIONER = "nfs.csi.k8s.io";

/**
 * Helm values of the NFS CSI driver: pinned images, from the mirror when one is set, and the node
 * plugin's tolerations from planning (it must run wherever the store is mounted). Every image of
 * the chart (the keys of `image.*` in its values.yaml, pinned in catalog/upstream.ts) is set
 * explicitly, so a mirror serves exactly these and a chart upgrade is a reviewed catalog change.
 */
export function nfsCsiDriverValuesYaml(mirror: Mirror | undefined): string {
  const image: Record<string, unknown> = { baseRepo: imageRepository("registry.k8s.io", mirror) };
  for (const [key, img] of Object.entries(NFS_CSI.images)) {
    image[key] = { repository: imageRepository(img.repository, mirror), tag: img.tag, pullPolicy: "IfNotPresent" };
  }
  const node = { tolerations: NFS_NODE_PLACEMENT.tolerations.map((t) => ({ ...t })) };
  return helmYaml({ image, node });
}

/** A size in GiB as a Kubernetes quantity: `180Gi`. */
export function gibQuantity(sizeGiB: number): string {
  return `${sizeGiB}Gi`;
}

/** `repository:tag` of a pinned image, from the mirror when one is set. */
export function imageRef(image: PinnedImage, mirror: Mirror | undefined): string {
  return `${imageRepository(image.repository, mirror)}:${image.tag}`;
}

/**
 * The image a prefetch Job runs for `source`: rclone (pinned in catalog/upstream.ts) for S3 and
 * HTTP; for Hugging Face, the vLLM image, which has Python and huggingface_hub: model servers run
 * the same image and tag, so a node pulls it once and an air-gapped mirror carries one image less.
 */
export function prefetchImage(source: ModelSource, mirror: Mirror | undefined): string {
  return imageRef(source.kind === "huggingFace" ? VLLM.image : RCLONE.image, mirror);
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
