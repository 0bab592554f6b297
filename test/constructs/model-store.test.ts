import { Testing, TerraformStack } from "cdktf";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { parse } from "yaml";
import { ModelStoreSchema, type Mirror } from "../../config/schema";
import { ModelStore, type StoredModel } from "../../constructs/model-store";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = Record<string, any>;

const REV_LLAMA = "6f6073b423013f6a7d4d9f39144961bfbfbc386b";
const REV_QWEN = "0cb88a4f764b7a12671c53f0838cd831a0843b95";
const LLAMA: StoredModel = {
  repo: "meta-llama/Llama-3.3-70B-Instruct",
  revision: REV_LLAMA,
  checkpointGiB: 131.5,
  gated: true,
  servedNames: ["llama-3.3-70b", "chat"],
};
const QWEN: StoredModel = { repo: "Qwen/Qwen3-8B", revision: REV_QWEN, checkpointGiB: 15.0, gated: false, servedNames: ["qwen3-8b"] };
const MIRROR: Mirror = { registry: "registry.corp.example/mirror", chartRepository: "https://charts.corp.example/mirror" };

const S3_SOURCE = { kind: "s3", endpoint: "https://s3.corp.example", bucket: "models", prefix: "hf", credentialsSecret: "s3-models" };
const CEPHFS = { kind: "storageClass", storageClass: "cephfs" };
const JOB_LLAMA = "prefetch-llama-3-3-70b-instruct-6f6073b4";
const JOB_QWEN = "prefetch-qwen3-8b-0cb88a4f";

interface SynthOptions {
  readonly store: unknown;
  readonly models?: readonly StoredModel[];
  readonly mirror?: Mirror;
}

function synth({ store, models = [QWEN, LLAMA], mirror }: SynthOptions) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  const ns = new NamespaceV1(stack, "ns", { metadata: { name: "ai-models" } });
  const construct = new ModelStore(stack, "model-store", {
    namespace: "ai-models",
    config: ModelStoreSchema.parse(store),
    models,
    mirror,
    dependsOn: [ns],
  });
  const text = Testing.synth(stack);
  const resource = (JSON.parse(text) as { resource: Record<string, Record<string, Json>> }).resource;
  const all = (type: string): Json[] => Object.values(resource[type] ?? {});
  const jobs = all("kubernetes_job_v1");
  const container = (job: Json): Json => job.spec.template.spec.container[0];
  const env = (job: Json): Record<string, Json> => Object.fromEntries(container(job).env.map((e: Json) => [e.name, e]));
  const job = (name: string): Json => {
    const found = jobs.find((j) => j.metadata.name === name);
    if (!found) throw new Error(`no Job ${name}; have ${jobs.map((j) => j.metadata.name).join(", ")}`);
    return found;
  };
  return { construct, text, resource, all, jobs, job, container, env };
}

describe("ModelStore", () => {
  describe("GIVEN a storage class and an S3 source", () => {
    const s = synth({ store: { volume: CEPHFS, source: S3_SOURCE } });

    test("THEN an RWX claim sized from the checkpoints is created on that class, protected from destroy", () => {
      const [claim] = s.all("kubernetes_persistent_volume_claim_v1");
      expect(s.all("kubernetes_persistent_volume_claim_v1")).toHaveLength(1);
      expect(claim.metadata).toMatchObject({ name: "ai-factory-models", namespace: "ai-models" });
      // (131.5 + 15.0) × 1.2 = 175.8 → 180
      expect(claim.spec).toEqual({ access_modes: ["ReadWriteMany"], storage_class_name: "cephfs", resources: { requests: { storage: "180Gi" } } });
      expect(claim.wait_until_bound).toBe(false);
      expect(claim.lifecycle).toEqual({ prevent_destroy: true });
      expect(claim.depends_on).toEqual(["kubernetes_namespace_v1.ns"]);
      expect(s.construct.claimName).toBe("ai-factory-models");
      expect(s.construct.sizeGiB).toBe(180);
      expect(s.construct.managesClaim).toBe(true);
      expect(s.all("helm_release")).toEqual([]);
      expect(s.all("kubernetes_storage_class_v1")).toEqual([]);
    });

    test("THEN one prefetch Job per checkpoint, sorted by repo, waited for with a timeout derived from its size", () => {
      expect(s.jobs).toHaveLength(2);
      // Code-point order of the repo: "Qwen/…" before "meta-llama/…".
      expect(Object.keys(s.construct.prefetchJobs)).toEqual([JOB_QWEN, JOB_LLAMA]);
      expect(s.construct.models.map((m) => m.repo)).toEqual(["Qwen/Qwen3-8B", "meta-llama/Llama-3.3-70B-Instruct"]);
      const [qwen, llama] = [s.job(JOB_QWEN), s.job(JOB_LLAMA)];
      expect(llama.wait_for_completion).toBe(true);
      // 131.5 GiB at 50 MB/s × 2 = 94.1 min → 95; 15 GiB → 10.7 min → the 30-minute floor.
      expect(llama.timeouts).toEqual({ create: "95m", update: "95m" });
      expect(qwen.timeouts).toEqual({ create: "30m", update: "30m" });
      expect(llama.spec).toMatchObject({ backoff_limit: 3, completions: 1, parallelism: 1, active_deadline_seconds: 95 * 60 });
      expect(llama.spec.template.spec.restart_policy).toBe("OnFailure");
      expect(llama.metadata.labels["ai-factory.io/revision"]).toBe(REV_LLAMA);
      expect(llama.metadata.annotations).toEqual({
        "ai-factory.io/repo": "meta-llama/Llama-3.3-70B-Instruct",
        "ai-factory.io/served-models": "chat,llama-3.3-70b",
        "ai-factory.io/checkpoint-gib": "131.5",
      });
      expect(llama.depends_on).toEqual(["kubernetes_namespace_v1.ns", expect.stringMatching(/^kubernetes_persistent_volume_claim_v1\.model-store_claim_/)]);
    });

    test("THEN the Jobs meet Pod Security restricted and mount the claim read-write at /models", () => {
      for (const job of s.jobs) {
        const pod = job.spec.template.spec;
        expect(pod.security_context).toEqual({
          run_as_non_root: true,
          run_as_user: "1000",
          run_as_group: "1000",
          fs_group: "1000",
          fs_group_change_policy: "OnRootMismatch",
          seccomp_profile: { type: "RuntimeDefault" },
        });
        expect(pod.automount_service_account_token).toBe(false);
        // planning/placement.ts PREFETCH_PLACEMENT: no selector and no tolerations, so downloads stay off tainted GPU nodes.
        expect(pod.node_selector).toBeUndefined();
        expect(pod.toleration).toBeUndefined();
        const c = s.container(job);
        expect(c.security_context).toEqual({
          allow_privilege_escalation: false,
          read_only_root_filesystem: true,
          run_as_non_root: true,
          capabilities: { drop: ["ALL"] },
          seccomp_profile: { type: "RuntimeDefault" },
        });
        expect(c.resources).toEqual({ requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } });
        expect(c.volume_mount).toContainEqual({ name: "models", mount_path: "/models" });
        expect(c.volume_mount.find((m: Json) => m.name === "models").read_only).toBeUndefined();
        expect(pod.volume).toContainEqual({ name: "models", persistent_volume_claim: { claim_name: "ai-factory-models" } });
      }
    });

    test("THEN rclone is pinned, copies from the bucket, skips on the marker, and reads credentials from the Secret by reference", () => {
      const llama = s.job(JOB_LLAMA);
      const c = s.container(llama);
      expect(c.image).toBe("docker.io/rclone/rclone:1.71.2");
      expect(c.image_pull_policy).toBe("IfNotPresent");
      const script = c.command[2];
      expect(c.command.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
      expect(script).toContain(`rclone copy ':s3:models/hf/meta-llama/Llama-3.3-70B-Instruct/${REV_LLAMA}' "$partial"`);
      expect(script).toContain(`target='/models/meta-llama/Llama-3.3-70B-Instruct/${REV_LLAMA}'`);
      expect(script).toMatch(/if \[ -f "\$marker" \]; then\n.*\n  exit 0/);
      expect(script).toContain('mv "$partial" "$target"');
      const env = s.env(llama);
      expect(env.RCLONE_S3_PROVIDER).toEqual({ name: "RCLONE_S3_PROVIDER", value: "Other" });
      expect(env.RCLONE_S3_ENDPOINT).toEqual({ name: "RCLONE_S3_ENDPOINT", value: "https://s3.corp.example" });
      expect(env.RCLONE_S3_ACCESS_KEY_ID).toEqual({
        name: "RCLONE_S3_ACCESS_KEY_ID",
        value_from: { secret_key_ref: { name: "s3-models", key: "AWS_ACCESS_KEY_ID", optional: false } },
      });
      expect(env.RCLONE_S3_SECRET_ACCESS_KEY.value_from.secret_key_ref).toEqual({ name: "s3-models", key: "AWS_SECRET_ACCESS_KEY", optional: false });
      expect(env.RCLONE_S3_SECRET_ACCESS_KEY.value).toBeUndefined();
      expect(env.POD_NAME).toEqual({ name: "POD_NAME", value_from: { field_ref: { field_path: "metadata.name" } } });
    });

    test("THEN model servers wait for the claim and every Job", () => {
      expect(s.construct.ready).toEqual([s.construct.claim, ...Object.values(s.construct.prefetchJobs)]);
      expect(s.construct.ready).toHaveLength(3);
    });

    test("THEN the synthesized store matches the reviewed snapshot", () => {
      expect(s.text).toMatchSnapshot();
    });
  });

  test("GIVEN the models in another order WHEN synthesized THEN the output is byte-identical", () => {
    const store = { volume: CEPHFS, source: S3_SOURCE };
    expect(synth({ store, models: [LLAMA, QWEN] }).text).toBe(synth({ store, models: [QWEN, LLAMA] }).text);
  });

  describe("GIVEN an NFS export and a mirror", () => {
    const s = synth({
      store: { volume: { kind: "nfs", server: "nfs.corp.example", path: "/export/models" }, source: S3_SOURCE },
      mirror: MIRROR,
    });

    test("THEN the NFS CSI driver is installed from the mirror at a pinned version, atomically, with mirrored images", () => {
      const [release] = s.all("helm_release");
      expect(release).toMatchObject({
        name: "csi-driver-nfs",
        namespace: "kube-system",
        repository: "https://charts.corp.example/mirror",
        chart: "csi-driver-nfs",
        version: "4.11.0",
        atomic: true,
        wait: true,
        create_namespace: false,
      });
      const images = parse(release.values[0]).image as Record<string, Json>;
      // baseRepo and the seven images of csi-driver-nfs 4.11.0's values.yaml.
      expect(Object.keys(images).sort()).toEqual([
        "baseRepo",
        "csiProvisioner",
        "csiResizer",
        "csiSnapshotter",
        "externalSnapshotter",
        "livenessProbe",
        "nfs",
        "nodeDriverRegistrar",
      ]);
      expect(images.baseRepo).toBe("registry.corp.example/mirror/registry.k8s.io");
      for (const [key, image] of Object.entries(images).filter(([k]) => k !== "baseRepo")) {
        expect({ key, repository: image.repository }).toEqual({ key, repository: expect.stringMatching(/^registry\.corp\.example\/mirror\/registry\.k8s\.io\/sig-storage\//) });
        expect(image.tag).toMatch(/^v\d+\.\d+\.\d+$/);
      }
      expect(images.nfs).toMatchObject({ repository: "registry.corp.example/mirror/registry.k8s.io/sig-storage/nfsplugin", tag: "v4.11.0" });
      // The node plugin mounts the store on every GPU node, whatever the pools' taints.
      expect(parse(release.values[0]).node).toEqual({ tolerations: [{ operator: "Exists" }] });
    });

    test("THEN a Retain storage class for the export is created, and the claim uses it after the driver", () => {
      const [sc] = s.all("kubernetes_storage_class_v1");
      expect(sc).toMatchObject({
        metadata: { name: "ai-factory-models-nfs" },
        storage_provisioner: "nfs.csi.k8s.io",
        parameters: { server: "nfs.corp.example", share: "/export/models" },
        mount_options: ["nfsvers=4.1"],
        reclaim_policy: "Retain",
        volume_binding_mode: "Immediate",
        allow_volume_expansion: true,
      });
      const [claim] = s.all("kubernetes_persistent_volume_claim_v1");
      expect(claim.spec.storage_class_name).toBe("ai-factory-models-nfs");
      expect(claim.lifecycle).toEqual({ prevent_destroy: true });
      expect(claim.depends_on).toEqual([
        "kubernetes_namespace_v1.ns",
        expect.stringMatching(/^helm_release\.model-store_nfs-csi-driver_/),
        expect.stringMatching(/^kubernetes_storage_class_v1\.model-store_nfs-storage-class_/),
      ]);
    });

    test("THEN the prefetch image comes from the mirror too", () => {
      expect(s.container(s.jobs[0]).image).toBe("registry.corp.example/mirror/docker.io/rclone/rclone:1.71.2");
    });
  });

  test("GIVEN an existing claim WHEN synthesized THEN no claim is created and the Jobs mount the named one", () => {
    const s = synth({ store: { volume: { kind: "existingClaim", claimName: "shared-weights" }, source: S3_SOURCE } });
    expect(s.all("kubernetes_persistent_volume_claim_v1")).toEqual([]);
    expect(s.construct.claimName).toBe("shared-weights");
    expect(s.construct.managesClaim).toBe(false);
    expect(s.construct.claim).toBeUndefined();
    // Still reported: the size the existing claim should at least have.
    expect(s.construct.sizeGiB).toBe(180);
    expect(s.construct.ready).toEqual(Object.values(s.construct.prefetchJobs));
    for (const job of s.jobs) {
      expect(job.spec.template.spec.volume).toContainEqual({ name: "models", persistent_volume_claim: { claim_name: "shared-weights" } });
      expect(job.depends_on).toEqual(["kubernetes_namespace_v1.ns"]);
    }
  });

  test("GIVEN an HTTP mirror WHEN synthesized THEN rclone reads it with --http-url and no credentials", () => {
    const s = synth({ store: { volume: CEPHFS, source: { kind: "http", url: "https://mirror.corp.example/hf" } } });
    const qwen = s.job(JOB_QWEN);
    expect(s.container(qwen).image).toBe("docker.io/rclone/rclone:1.71.2");
    expect(s.container(qwen).command[2]).toContain(
      `rclone copy --http-url='https://mirror.corp.example/hf' ':http:Qwen/Qwen3-8B/${REV_QWEN}' "$partial"`,
    );
    expect(Object.keys(s.env(qwen))).toEqual(["POD_NAME", "HOME"]);
  });

  test("GIVEN Hugging Face through a proxy with a token WHEN synthesized THEN the pinned vLLM image downloads with HF_ENDPOINT and HF_TOKEN by reference", () => {
    const s = synth({
      store: { volume: CEPHFS, source: { kind: "huggingFace", tokenSecret: "hf-token", endpoint: "https://hf-proxy.corp.example" } },
    });
    const [qwen, llama] = [s.job(JOB_QWEN), s.job(JOB_LLAMA)];
    const c = s.container(llama);
    expect(c.image).toBe("docker.io/vllm/vllm-openai:v0.16.0");
    expect(c.command[2]).toContain("from huggingface_hub import snapshot_download");
    expect(c.command[2]).toContain(`'meta-llama/Llama-3.3-70B-Instruct' '${REV_LLAMA}' "$partial"`);
    expect(c.command[2]).toContain("/.ai-factory-complete");
    const env = s.env(llama);
    expect(env.HF_ENDPOINT).toEqual({ name: "HF_ENDPOINT", value: "https://hf-proxy.corp.example" });
    expect(env.HF_TOKEN).toEqual({ name: "HF_TOKEN", value_from: { secret_key_ref: { name: "hf-token", key: "HF_TOKEN", optional: false } } });
    expect(env.HF_HUB_ENABLE_HF_TRANSFER.value).toBe("0");
    // A public model does not need the Secret to exist.
    expect(s.env(qwen).HF_TOKEN.value_from.secret_key_ref.optional).toBe(true);
  });

  test("GIVEN prefetchTimeoutMinutes WHEN synthesized THEN every Job waits that long", () => {
    const s = synth({ store: { volume: CEPHFS, source: S3_SOURCE, prefetchTimeoutMinutes: 240 } });
    expect(s.jobs.map((j) => j.timeouts)).toEqual([
      { create: "240m", update: "240m" },
      { create: "240m", update: "240m" },
    ]);
  });

  test("GIVEN a value already escaped (as AiFactoryStack passes it) WHEN synthesized THEN the construct passes it as given, never escaping twice", () => {
    const s = synth({ store: { volume: CEPHFS, source: { ...S3_SOURCE, endpoint: "https://s3.corp.example/$${x}" } } });
    expect(s.env(s.jobs[0]).RCLONE_S3_ENDPOINT.value).toBe("https://s3.corp.example/$${x}");
  });

  test.each([
    [
      "a Hugging Face token",
      { kind: "huggingFace", tokenSecret: "hf-token" },
      // Gated Llama needs the token; public Qwen reads it only if the Secret is there.
      [
        { name: "HF_TOKEN", value_from: { secret_key_ref: { name: "hf-token", key: "HF_TOKEN", optional: false } } },
        { name: "HF_TOKEN", value_from: { secret_key_ref: { name: "hf-token", key: "HF_TOKEN", optional: true } } },
      ],
    ],
    [
      "S3 credentials",
      S3_SOURCE,
      [JOB_LLAMA, JOB_QWEN].flatMap(() => [
        { name: "RCLONE_S3_ACCESS_KEY_ID", value_from: { secret_key_ref: { name: "s3-models", key: "AWS_ACCESS_KEY_ID", optional: false } } },
        { name: "RCLONE_S3_SECRET_ACCESS_KEY", value_from: { secret_key_ref: { name: "s3-models", key: "AWS_SECRET_ACCESS_KEY", optional: false } } },
      ]),
    ],
  ])("GIVEN %s in a Secret WHEN synthesized THEN every credential variable of every Job is a reference to it, never a value", (_what, source, expected) => {
    const s = synth({ store: { volume: CEPHFS, source } });
    // Jobs in name order: Llama's, then Qwen's.
    const jobs = [s.job(JOB_LLAMA), s.job(JOB_QWEN)];
    const credentials = jobs.flatMap((job) => (s.container(job).env as Json[]).filter((e) => /TOKEN|SECRET|KEY/.test(e.name)));
    expect(credentials).toEqual(expected);
  });

  test("throws when a gated model would be downloaded from Hugging Face without a token", () => {
    expect(() => synth({ store: { volume: CEPHFS, source: { kind: "huggingFace" } } })).toThrow(
      "model store: modelStore.source: models need a token to download meta-llama/Llama-3.3-70B-Instruct (gated); set modelStore.source.tokenSecret",
    );
  });

  test("throws when a revision is not a pinned commit", () => {
    expect(() => synth({ store: { volume: CEPHFS, source: S3_SOURCE }, models: [{ ...QWEN, revision: "main" }] })).toThrow(
      'model store: revision "main" of Qwen/Qwen3-8B must be a commit SHA of 40 lower-case hex digits',
    );
  });

  test("GIVEN the static helpers THEN they name the mount and the checkpoint directory", () => {
    expect(ModelStore.MOUNT_PATH).toBe("/models");
    expect(ModelStore.modelDir("Qwen/Qwen3-8B", REV_QWEN)).toBe(`Qwen/Qwen3-8B/${REV_QWEN}`);
  });
});
