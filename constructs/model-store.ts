/**
 * The model store: one ReadWriteMany volume holding every checkpoint the environment serves,
 * filled before any model server starts by one prefetch Job per checkpoint from an on-prem source
 * (S3-compatible store, HTTP mirror, or the Hugging Face hub where a site allows it). Model
 * servers mount it read-only with HF_HUB_OFFLINE=1, so weights never come from the internet at
 * run time.
 *
 * The claim carries `prevent_destroy`: Terraform refuses any plan that would delete it (a destroy,
 * a rename, or a shrink, which the provider can only do by re-creating it). The NFS storage class
 * has reclaim policy Retain, so even a deleted claim leaves the files on the server.
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { JobV1, JobV1SpecTemplateSpecContainerEnv } from "@cdktf/provider-kubernetes/lib/job-v1";
import { PersistentVolumeClaimV1 } from "@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1";
import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { Release } from "@cdktf/provider-helm/lib/release";
import type { RuntimeFileSet } from "../catalog/types";
import { formatPath } from "../config/errors";
import type { Mirror, ModelStoreConfig } from "../config/schema";
import { chartSource } from "./mirror";
import { PREFETCH_PLACEMENT } from "../planning/placement";
import { NFS_CSI } from "../catalog/upstream";
import {
  MOUNT_PATH,
  StoredModel,
  assertValidReference,
  checkModelStore,
  claimSizeGiB,
  modelDir,
  prefetchJobName,
  prefetchTimeoutMinutes,
  runtimeFileSets,
  runtimeFilesJobName,
  sortModels,
} from "../planning/model-store";
import {
  EnvVar,
  MODEL_STORE_CLAIM,
  NFS_CSI_PROVISIONER,
  NFS_CSI_RELEASE,
  NFS_STORAGE_CLASS,
  PREFETCH_RESOURCES,
  SCRATCH_PATH,
  gibQuantity,
  nfsCsiDriverValuesYaml,
  prefetchCommand,
  prefetchEnv,
  prefetchImage,
  runtimeFilesCommand,
} from "./model-store-scripts";

export type { StoredModel } from "../planning/model-store";

/** UID and GID prefetch pods run as; files in the store belong to them. */
export const PREFETCH_UID = 1000;
/** How long `helm_release` waits for the NFS CSI driver, seconds. */
export const NFS_CSI_TIMEOUT_SECONDS = 600;

const COMMON_LABELS = {
  "app.kubernetes.io/part-of": "ai-factory",
  "app.kubernetes.io/managed-by": "ai-factory",
  "app.kubernetes.io/component": "model-store",
} as const;

export interface ModelStoreProps {
  /** Namespace of the claim and the prefetch Jobs: the models namespace (Pod Security `restricted`). */
  readonly namespace: string;
  /**
   * `modelStore` of the environment: volume, source, headroom, prefetch timeout. Its strings reach
   * Terraform as given: `AiFactoryStack` escapes its input (constructs/terraform-escape.ts).
   */
  readonly config: ModelStoreConfig;
  /** The checkpoints to keep, one per repo + revision (any order; the store sorts them). */
  readonly models: readonly StoredModel[];
  /**
   * Files servers need at start besides their checkpoints (catalog `runtimeFiles`), fetched by one
   * Job per set into `/models/_files/<id>`.
   * @default - none
   */
  readonly runtimeFiles?: readonly RuntimeFileSet[];
  /**
   * Internal mirror for images and charts.
   * @default - upstream registries and chart repositories
   */
  readonly mirror?: Mirror;
  /**
   * Resources to create first, e.g. the namespace and the Secrets the source reads.
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** The shared volume of model weights, and the Jobs that fill it. */
export class ModelStore extends Construct {
  /** Where servers and prefetch Jobs mount the volume. */
  static readonly MOUNT_PATH = MOUNT_PATH;

  /** Directory of a checkpoint inside the volume, e.g. "meta-llama/Llama-3.3-70B-Instruct/<revision>". */
  static modelDir(repo: string, revision: string): string {
    return modelDir(repo, revision);
  }

  /** The claim servers mount: "ai-factory-models", or the existing claim named in the environment. */
  public readonly claimName: string;
  /**
   * Space the checkpoints need with headroom, GiB (a whole multiple of 10). It is the request of
   * the claim this construct creates; for `existingClaim` nothing is requested, and it is the size
   * the existing claim should at least have (reported, not enforced).
   */
  public readonly sizeGiB: number;
  /** Whether this construct creates the claim (false for `existingClaim`). */
  public readonly managesClaim: boolean;
  /** The claim (when created here) and every prefetch Job. */
  public readonly ready: ITerraformDependable[];
  /** The checkpoints kept, sorted by repo and revision. */
  public readonly models: readonly StoredModel[];
  /** Runtime file sets kept beside the checkpoints, sorted by id. */
  public readonly runtimeFiles: readonly RuntimeFileSet[];
  /** Prefetch Jobs (checkpoints and runtime file sets) keyed by Job name. */
  public readonly prefetchJobs: Readonly<Record<string, JobV1>>;
  /** The claim, when created here. */
  public readonly claim?: PersistentVolumeClaimV1;
  /** The NFS storage class, for `volume.kind: nfs`. */
  public readonly storageClass?: StorageClassV1;
  /** The NFS CSI driver release, for `volume.kind: nfs`. */
  public readonly nfsDriver?: Release;

  constructor(scope: Construct, id: string, props: ModelStoreProps) {
    super(scope, id);
    const { config, namespace, mirror } = props;
    const dependsOn = props.dependsOn ?? [];
    for (const m of props.models) assertValidReference(m.repo, m.revision);
    const problems = checkModelStore(config, props.models);
    if (problems.length > 0) {
      throw new Error(`model store: ${problems.map((p) => `${formatPath(p.path)}: ${p.message}`).join("; ")}`);
    }
    this.models = sortModels(props.models);
    this.sizeGiB = claimSizeGiB(config, this.models);

    const volume = config.volume;
    let storageClassName: string | undefined;
    const claimDependsOn: ITerraformDependable[] = [...dependsOn];
    if (volume.kind === "nfs") {
      const source = chartSource(NFS_CSI.chart, mirror);
      this.nfsDriver = new Release(this, "nfs-csi-driver", {
        name: NFS_CSI_RELEASE.name,
        namespace: NFS_CSI_RELEASE.namespace,
        repository: source.repository,
        chart: source.chart,
        version: NFS_CSI.chart.version,
        createNamespace: false,
        atomic: true,
        wait: true,
        timeout: NFS_CSI_TIMEOUT_SECONDS,
        values: [nfsCsiDriverValuesYaml(mirror)],
      });
      this.storageClass = new StorageClassV1(this, "nfs-storage-class", {
        metadata: { name: NFS_STORAGE_CLASS, labels: { ...COMMON_LABELS } },
        storageProvisioner: NFS_CSI_PROVISIONER,
        parameters: { server: volume.server, share: volume.path },
        mountOptions: [...volume.mountOptions],
        // The weights outlive the claim: an admin deletes them on the server.
        reclaimPolicy: "Retain",
        volumeBindingMode: "Immediate",
        // Adding a model grows the claim in place.
        allowVolumeExpansion: true,
        dependsOn: [this.nfsDriver],
      });
      storageClassName = NFS_STORAGE_CLASS;
      claimDependsOn.push(this.nfsDriver, this.storageClass);
    } else if (volume.kind === "storageClass") {
      storageClassName = volume.storageClass;
    }

    if (volume.kind === "existingClaim") {
      this.claimName = volume.claimName;
      this.managesClaim = false;
    } else {
      this.claimName = MODEL_STORE_CLAIM;
      this.managesClaim = true;
      this.claim = new PersistentVolumeClaimV1(this, "claim", {
        metadata: { name: MODEL_STORE_CLAIM, namespace, labels: { ...COMMON_LABELS } },
        spec: {
          accessModes: ["ReadWriteMany"],
          storageClassName,
          resources: { requests: { storage: gibQuantity(this.sizeGiB) } },
        },
        // RWX provisioners may bind lazily; the prefetch Jobs wait for the volume anyway.
        waitUntilBound: false,
        lifecycle: { preventDestroy: true },
        dependsOn: claimDependsOn,
      });
    }

    const jobDependsOn = this.claim ? [...dependsOn, this.claim] : [...dependsOn];
    const jobs: Record<string, JobV1> = {};
    for (const model of this.models) {
      const name = prefetchJobName(model.repo, model.revision);
      jobs[name] = this.prefetchJob(name, model, props, jobDependsOn);
    }
    this.runtimeFiles = runtimeFileSets([{ runtimeFiles: props.runtimeFiles }]);
    for (const set of this.runtimeFiles) {
      const name = runtimeFilesJobName(set.id);
      jobs[name] = this.runtimeFilesJob(name, set, props, jobDependsOn);
    }
    this.prefetchJobs = jobs;
    this.ready = [...(this.claim ? [this.claim] : []), ...Object.values(jobs)];
  }

  /** What a server needing the runtime file set `id` must wait for: the Job that fetches it. */
  public readyForFiles(id: string): ITerraformDependable[] {
    const job = this.prefetchJobs[runtimeFilesJobName(id)];
    if (!job) throw new Error(`model store: no Job for runtime files ${id}; pass the set in props.runtimeFiles`);
    return [job];
  }

  /**
   * What a server of the checkpoint `repo`@`revision` must wait for: the claim (when created here)
   * and that checkpoint's prefetch Job only, so one slow download never holds back other models.
   */
  public readyFor(repo: string, revision: string): ITerraformDependable[] {
    const job = this.prefetchJobs[prefetchJobName(repo, revision)];
    if (!job) throw new Error(`model store: no prefetch Job for ${repo}@${revision}; pass the checkpoint in props.models`);
    return [...(this.claim ? [this.claim] : []), job];
  }

  private prefetchJob(name: string, model: StoredModel, props: ModelStoreProps, dependsOn: ITerraformDependable[]): JobV1 {
    const { config } = props;
    return this.downloadJob(name, props, dependsOn, {
      timeoutMinutes: prefetchTimeoutMinutes(model.checkpointGiB, config.prefetchTimeoutMinutes),
      labels: { "app.kubernetes.io/name": "model-prefetch", "ai-factory.io/revision": model.revision },
      annotations: {
        "ai-factory.io/repo": model.repo,
        "ai-factory.io/served-models": [...model.servedNames].sort().join(","),
        "ai-factory.io/checkpoint-gib": String(model.checkpointGiB),
      },
      // Served names stay off the pod template: adding one must not replace a finished Job.
      podAnnotations: { "ai-factory.io/repo": model.repo },
      command: prefetchCommand(config.source, model),
      env: prefetchEnv(config.source, model),
    });
  }

  private runtimeFilesJob(name: string, set: RuntimeFileSet, props: ModelStoreProps, dependsOn: ITerraformDependable[]): JobV1 {
    const { config } = props;
    return this.downloadJob(name, props, dependsOn, {
      // A few MB: the floor of the derived timeout.
      timeoutMinutes: prefetchTimeoutMinutes(0, config.prefetchTimeoutMinutes),
      labels: { "app.kubernetes.io/name": "runtime-files-prefetch" },
      annotations: { "ai-factory.io/runtime-files": set.id },
      podAnnotations: { "ai-factory.io/runtime-files": set.id },
      command: runtimeFilesCommand(config.source, set),
      // Credentials of the source as for checkpoints; nothing here is gated.
      env: prefetchEnv(config.source, { gated: false }),
    });
  }

  private downloadJob(
    name: string,
    props: ModelStoreProps,
    dependsOn: ITerraformDependable[],
    job: {
      timeoutMinutes: number;
      labels: Record<string, string>;
      annotations: Record<string, string>;
      podAnnotations: Record<string, string>;
      command: string[];
      env: EnvVar[];
    },
  ): JobV1 {
    const { config } = props;
    const timeoutMinutes = job.timeoutMinutes;
    const labels = { ...COMMON_LABELS, ...job.labels };
    return new JobV1(this, name, {
      metadata: { name, namespace: props.namespace, labels, annotations: job.annotations },
      spec: {
        backoffLimit: 3,
        completions: 1,
        // One pod at a time: the script removes partial directories of other pods.
        parallelism: 1,
        // The Job gives up when Terraform does, so a timed-out apply leaves nothing running.
        activeDeadlineSeconds: timeoutMinutes * 60,
        template: {
          metadata: { labels, annotations: job.podAnnotations },
          spec: {
            // A restarted container keeps the pod name and resumes its own partial download.
            restartPolicy: "OnFailure",
            automountServiceAccountToken: false,
            // Decided in planning, where the scheduling check reads it (today: no selector, no
            // tolerations, so downloads stay off tainted GPU nodes); empty fields are left out.
            ...(Object.keys(PREFETCH_PLACEMENT.nodeSelector).length > 0 ? { nodeSelector: { ...PREFETCH_PLACEMENT.nodeSelector } } : {}),
            ...(PREFETCH_PLACEMENT.tolerations.length > 0 ? { toleration: PREFETCH_PLACEMENT.tolerations.map((t) => ({ ...t })) } : {}),
            enableServiceLinks: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: String(PREFETCH_UID),
              runAsGroup: String(PREFETCH_UID),
              fsGroup: String(PREFETCH_UID),
              // Only the volume root is checked, not every file of every checkpoint on each start.
              fsGroupChangePolicy: "OnRootMismatch",
              seccompProfile: { type: "RuntimeDefault" },
            },
            container: [
              {
                name: "prefetch",
                image: prefetchImage(config.source, props.mirror),
                imagePullPolicy: "IfNotPresent",
                command: job.command,
                env: job.env.map(toProviderEnv),
                resources: {
                  requests: { ...PREFETCH_RESOURCES.requests },
                  limits: { ...PREFETCH_RESOURCES.limits },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ["ALL"] },
                  seccompProfile: { type: "RuntimeDefault" },
                },
                volumeMount: [
                  { name: "models", mountPath: MOUNT_PATH },
                  { name: "scratch", mountPath: SCRATCH_PATH },
                ],
              },
            ],
            volume: [
              { name: "models", persistentVolumeClaim: { claimName: this.claimName } },
              { name: "scratch", emptyDir: {} },
            ],
          },
        },
      },
      waitForCompletion: true,
      timeouts: { create: `${timeoutMinutes}m`, update: `${timeoutMinutes}m` },
      dependsOn,
    });
  }
}

function toProviderEnv(env: EnvVar): JobV1SpecTemplateSpecContainerEnv {
  if (env.secretKeyRef) return { name: env.name, valueFrom: { secretKeyRef: { ...env.secretKeyRef } } };
  if (env.fieldPath) return { name: env.name, valueFrom: { fieldRef: { fieldPath: env.fieldPath } } };
  return { name: env.name, value: env.value };
}
