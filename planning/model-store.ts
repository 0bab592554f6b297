/**
 * The model store's plan, as pure functions (no cdktf, no I/O): the on-disk layout, the claim's
 * size, the prefetch Jobs' names and timeouts, and the checks the loader runs before synthesis.
 * The ModelStore construct (constructs/model-store.ts) turns them into resources, and the shell
 * scripts its Jobs run are written beside it (constructs/model-store-scripts.ts).
 *
 * On-disk layout of the store (what model servers read with HF_HUB_OFFLINE=1):
 *   /models/<org>/<model>/<revision>/                   one complete checkpoint
 *   /models/<org>/<model>/<revision>/.ai-factory-complete  written last; its presence means "complete"
 *   /models/<org>/<model>/<revision>.partial-<pod>/      a download in progress (never read)
 *   /models/_files/<id>/                                a runtime file set (catalog `runtimeFiles`)
 */
import type { RuntimeFileSet } from "../catalog/types";
import type { DocPath } from "../config/errors";
import { GIT_SHA, HF_REPO } from "../config/kubernetes-names";
import type { ModelStoreConfig } from "../config/schema";
import type { StoredCheckpoint } from "./plan";

/** One checkpoint to keep in the store (unique by repo + revision), as planning/plan.ts lists them. */
export type StoredModel = StoredCheckpoint;

/** Where the volume is mounted, in prefetch Jobs and in model servers. */
export const MOUNT_PATH = "/models";
/** Folder of the store (and of an S3 or HTTP mirror) that holds runtime file sets: `_files/<id>`. */
export const RUNTIME_FILES_DIR = "_files";
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

const GIB_BYTES = 1024 ** 3;
const JOB_PREFIX = "prefetch-";
/** A Job name is a DNS-1123 label: at most 63 characters. */
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

/** The claim's size: `sizeGiB` when set (checked to be large enough), else the weights plus headroom. */
export function claimSizeGiB(config: ModelStoreConfig, models: readonly StoredModel[]): number {
  return Math.max(config.sizeGiB ?? 0, modelStoreSizeGiB(models, config.headroomPercent));
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

/** Where a runtime file set lives in the volume, e.g. `/models/_files/tiktoken-encodings`. */
export function runtimeFilesPath(id: string): string {
  return `${MOUNT_PATH}/${RUNTIME_FILES_DIR}/${id}`;
}

/** The runtime file sets `specs` need, one per id, sorted by id. */
export function runtimeFileSets(specs: readonly { readonly runtimeFiles?: readonly RuntimeFileSet[] }[]): RuntimeFileSet[] {
  const byId = new Map<string, RuntimeFileSet>();
  for (const spec of specs) for (const set of spec.runtimeFiles ?? []) byId.set(set.id, set);
  return [...byId.keys()].sort().map((id) => byId.get(id)!);
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

/** Name of the Job that fetches a runtime file set: `prefetch-files-<id>`, at most 63 characters. */
export function runtimeFilesJobName(id: string): string {
  return `${JOB_PREFIX}files-${id}`.slice(0, DNS_LABEL_MAX).replace(/-+$/, "");
}

/** What is wrong with a repo or revision, or undefined; they become paths and shell words. */
function invalidReference(repo: string, revision: string): string | undefined {
  const name = repo.split("/")[1];
  if (!HF_REPO.test(repo) || name === "." || name === "..") {
    return `Hugging Face repo ${JSON.stringify(repo)} is not of the form org/model (letters, digits, "_", "-", ".")`;
  }
  if (!GIT_SHA.test(revision)) {
    return `revision ${JSON.stringify(revision)} of ${repo} must be a commit SHA of 40 lower-case hex digits`;
  }
  return undefined;
}

/** Throws when a stored model's repo or revision could not safely name a directory. */
export function assertValidReference(repo: string, revision: string): void {
  const problem = invalidReference(repo, revision);
  if (problem) throw new Error(`model store: ${problem}`);
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
 * a directory, a checkpoint listed twice, two checkpoints whose Jobs would get the same name, a
 * `sizeGiB` too small for the weights. The construct refuses the same inputs with an Error, so
 * nothing invalid is ever synthesized.
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
