import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { MODEL_SERVER_IMAGE_TAG } from "../../config/chart-values/model-server";
import type { ModelSource, ModelStoreConfig } from "../../config/schema";
import {
  MARKER_FILE,
  NFS_CSI_IMAGES,
  StoredModel,
  checkModelStore,
  downloadCommand,
  gibQuantity,
  modelDir,
  modelStoreSizeGiB,
  nfsCsiDriverValuesYaml,
  prefetchCommand,
  prefetchEnv,
  prefetchImage,
  prefetchJobName,
  prefetchScript,
  prefetchTimeoutMinutes,
} from "../../constructs/model-store-plan";

const REV_A = "6f6073b423013f6a7d4d9f39144961bfbfbc386b";
const REV_B = "0cb88a4f764b7a12671c53f0838cd831a0843b95";
const MIRROR = { registry: "registry.corp.example/mirror", chartRepository: "https://charts.corp.example/mirror" };

function model(repo: string, revision: string, checkpointGiB = 10, gated = false, servedNames = ["m"]): StoredModel {
  return { repo, revision, checkpointGiB, gated, servedNames };
}

const S3: ModelSource = { kind: "s3", endpoint: "https://s3.corp.example", bucket: "models", prefix: "/hf/", credentialsSecret: "s3-models" };
const HTTP: ModelSource = { kind: "http", url: "https://mirror.corp.example/hf" };
const HF_PUBLIC: ModelSource = { kind: "huggingFace" };
const HF_PROXY: ModelSource = { kind: "huggingFace", tokenSecret: "hf-token", endpoint: "https://hf-proxy.corp.example" };

function storeConfig(source: ModelSource): ModelStoreConfig {
  return { volume: { kind: "storageClass", storageClass: "cephfs" }, source, headroomPercent: 20 };
}

describe("modelStoreSizeGiB", () => {
  test("GIVEN 131.5 + 15.0 GiB with 20 % headroom WHEN sized THEN 146.5 × 1.2 = 175.8 is rounded up to 180", () => {
    const models = [model("meta-llama/Llama-3.3-70B-Instruct", REV_A, 131.5), model("org/small", REV_B, 15.0)];
    expect(modelStoreSizeGiB(models, 20)).toBe(180);
    expect(gibQuantity(180)).toBe("180Gi");
  });

  test("GIVEN a total that lands on a step WHEN sized THEN floating-point noise does not add a step", () => {
    // 150 × 1.2 is 180.00000000000003 in floating point.
    expect(modelStoreSizeGiB([model("a/b", REV_A, 150)], 20)).toBe(180);
    expect(modelStoreSizeGiB([model("a/b", REV_A, 100)], 0)).toBe(100);
    expect(modelStoreSizeGiB([model("a/b", REV_A, 100.1)], 0)).toBe(110);
  });

  test("GIVEN no models WHEN sized THEN the claim still gets one 10 GiB step", () => {
    expect(modelStoreSizeGiB([], 20)).toBe(10);
  });

  test("throws when the headroom is negative", () => {
    expect(() => modelStoreSizeGiB([], -5)).toThrow("headroomPercent must be 0 or more, got -5");
  });
});

describe("prefetchTimeoutMinutes", () => {
  test("GIVEN 131.5 GiB WHEN derived THEN 141.2 GB at 50 MB/s is 2824 s, ×2 = 5648 s, rounded up to 95 min", () => {
    // 131.5 × 1073741824 = 141197049856 bytes; / 50e6 = 2823.94 s; × 2 = 5647.88 s = 94.13 min.
    expect(prefetchTimeoutMinutes(131.5)).toBe(95);
  });

  test("GIVEN 500 GiB WHEN derived THEN 536.9 GB → 10737 s × 2 = 21475 s → 358 min", () => {
    expect(prefetchTimeoutMinutes(500)).toBe(358);
  });

  test("GIVEN a small checkpoint WHEN derived THEN the 30-minute floor applies (15 GiB would be 10.7 min)", () => {
    expect(prefetchTimeoutMinutes(15)).toBe(30);
  });

  test("GIVEN prefetchTimeoutMinutes in the environment WHEN derived THEN it wins", () => {
    expect(prefetchTimeoutMinutes(500, 45)).toBe(45);
  });
});

describe("prefetchJobName", () => {
  const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

  test("GIVEN a Hugging Face repo WHEN named THEN prefetch-<model>-<first 8 of revision>", () => {
    expect(prefetchJobName("meta-llama/Llama-3.3-70B-Instruct", REV_A)).toBe("prefetch-llama-3-3-70b-instruct-6f6073b4");
  });

  test("GIVEN a very long repo name WHEN named THEN it is cut to a 63-character label that still ends with the revision", () => {
    const repo = "some-org/An_Extremely-Long.Model.Name-With-Many-Parts-For-Testing-Truncation-v2.5";
    const a = prefetchJobName(repo, REV_A);
    const b = prefetchJobName(repo, REV_B);
    // 45 characters are left for the name; the cut ends on "-", which is dropped.
    expect(a).toBe("prefetch-an-extremely-long-model-name-with-many-parts-6f6073b4");
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).toMatch(DNS_LABEL);
    expect(b).toMatch(/-0cb88a4f$/);
    expect(a).not.toBe(b);
  });

  test("GIVEN a cut that ends on a separator WHEN named THEN no dash is doubled or left dangling", () => {
    // 44 letters then "-": the 45-character cut would end with "-".
    const name = prefetchJobName(`o/${"a".repeat(44)}-b`, REV_A);
    expect(name).toBe(`prefetch-${"a".repeat(44)}-6f6073b4`);
    expect(name).toMatch(DNS_LABEL);
  });

  test("GIVEN a model name without letters or digits WHEN named THEN a fixed word stands in", () => {
    expect(prefetchJobName("org/___", REV_A)).toBe("prefetch-model-6f6073b4");
  });
});

describe("modelDir", () => {
  test("GIVEN a repo and revision WHEN placed THEN <org>/<model>/<revision>", () => {
    expect(modelDir("meta-llama/Llama-3.3-70B-Instruct", REV_A)).toBe(`meta-llama/Llama-3.3-70B-Instruct/${REV_A}`);
  });
});

describe("downloadCommand", () => {
  const m = model("meta-llama/Llama-3.3-70B-Instruct", REV_A);

  test("GIVEN an S3 source with a slashed prefix WHEN copying THEN rclone reads :s3:<bucket>/<prefix>/<repo>/<revision>", () => {
    const cmd = downloadCommand(S3, m);
    expect(cmd).toContain(`rclone copy ':s3:models/hf/meta-llama/Llama-3.3-70B-Instruct/${REV_A}' "$partial"`);
    expect(cmd).toContain("--exclude='original/**'");
    expect(downloadCommand({ ...S3, prefix: "" }, m)).toContain(`':s3:models/meta-llama/Llama-3.3-70B-Instruct/${REV_A}'`);
  });

  test("GIVEN an HTTP mirror WHEN copying THEN rclone gets --http-url and :http:<repo>/<revision>", () => {
    expect(downloadCommand(HTTP, m)).toContain(
      `rclone copy --http-url='https://mirror.corp.example/hf' ':http:meta-llama/Llama-3.3-70B-Instruct/${REV_A}' "$partial"`,
    );
  });

  test("GIVEN Hugging Face WHEN downloading THEN snapshot_download gets repo, revision and the partial directory as arguments", () => {
    const cmd = downloadCommand(HF_PUBLIC, m);
    expect(cmd).toMatch(/^python3 -c '.*snapshot_download\(repo_id=sys\.argv\[1\], revision=sys\.argv\[2\], local_dir=sys\.argv\[3\]/);
    expect(cmd).toContain(`'meta-llama/Llama-3.3-70B-Instruct' '${REV_A}' "$partial" 'original/**'`);
  });

  test("GIVEN any source WHEN scripted THEN the command is sh -c and holds no Terraform template syntax", () => {
    for (const source of [S3, HTTP, HF_PROXY]) {
      const [sh, c, script] = prefetchCommand(source, m);
      expect([sh, c]).toEqual(["/bin/sh", "-c"]);
      expect(script).toContain(`target='/models/meta-llama/Llama-3.3-70B-Instruct/${REV_A}'`);
      expect(script).toContain(`marker="$target/${MARKER_FILE}"`);
      expect(script).not.toMatch(/[$%]\{/);
    }
  });
});

describe("prefetchEnv and prefetchImage", () => {
  test("GIVEN an S3 source WHEN the env is built THEN credentials come from the Secret by reference", () => {
    const env = prefetchEnv(S3, { gated: false });
    expect(env).toEqual([
      { name: "POD_NAME", fieldPath: "metadata.name" },
      { name: "HOME", value: "/tmp" },
      { name: "RCLONE_S3_PROVIDER", value: "Other" },
      { name: "RCLONE_S3_ENDPOINT", value: "https://s3.corp.example" },
      { name: "RCLONE_S3_ACCESS_KEY_ID", secretKeyRef: { name: "s3-models", key: "AWS_ACCESS_KEY_ID", optional: false } },
      { name: "RCLONE_S3_SECRET_ACCESS_KEY", secretKeyRef: { name: "s3-models", key: "AWS_SECRET_ACCESS_KEY", optional: false } },
    ]);
  });

  test("GIVEN a Hugging Face proxy with a token WHEN the env is built THEN HF_ENDPOINT is set and HF_TOKEN is required only for gated models", () => {
    const gated = prefetchEnv(HF_PROXY, { gated: true });
    expect(gated).toContainEqual({ name: "HF_ENDPOINT", value: "https://hf-proxy.corp.example" });
    expect(gated).toContainEqual({ name: "HF_TOKEN", secretKeyRef: { name: "hf-token", key: "HF_TOKEN", optional: false } });
    expect(gated).toContainEqual({ name: "HF_HUB_ENABLE_HF_TRANSFER", value: "0" });
    expect(prefetchEnv(HF_PROXY, { gated: false })).toContainEqual({
      name: "HF_TOKEN",
      secretKeyRef: { name: "hf-token", key: "HF_TOKEN", optional: true },
    });
    const names = prefetchEnv(HF_PUBLIC, { gated: false }).map((e) => e.name);
    expect(names).not.toContain("HF_TOKEN");
    expect(names).not.toContain("HF_ENDPOINT");
  });

  test("GIVEN each source WHEN the image is chosen THEN it is pinned, and prefixed by the mirror when set", () => {
    expect(prefetchImage(S3, undefined)).toBe("docker.io/rclone/rclone:1.71.2");
    expect(prefetchImage(HTTP, MIRROR)).toBe("registry.corp.example/mirror/docker.io/rclone/rclone:1.71.2");
    expect(prefetchImage(HF_PUBLIC, undefined)).toBe(`docker.io/vllm/vllm-openai:${MODEL_SERVER_IMAGE_TAG}`);
    expect(MODEL_SERVER_IMAGE_TAG).toBe("v0.16.0");
  });
});

describe("nfsCsiDriverValuesYaml", () => {
  test("GIVEN a mirror WHEN the values are built THEN every chart image comes from it at its pinned tag", () => {
    const values = parse(nfsCsiDriverValuesYaml(MIRROR)) as { image: Record<string, { repository: string; tag: string } | string> };
    expect(values.image.baseRepo).toBe("registry.corp.example/mirror/registry.k8s.io");
    expect(Object.keys(values.image).sort()).toEqual(["baseRepo", ...Object.keys(NFS_CSI_IMAGES)].sort());
    expect(values.image.nfs).toEqual({ repository: "registry.corp.example/mirror/registry.k8s.io/sig-storage/nfsplugin", tag: "v4.11.0", pullPolicy: "IfNotPresent" });
    expect(values.image.csiProvisioner).toMatchObject({ repository: "registry.corp.example/mirror/registry.k8s.io/sig-storage/csi-provisioner", tag: "v5.2.0" });
  });

  test("GIVEN no mirror WHEN the values are built THEN upstream registry.k8s.io is used", () => {
    const values = parse(nfsCsiDriverValuesYaml(undefined));
    expect(values.image.nodeDriverRegistrar.repository).toBe("registry.k8s.io/sig-storage/csi-node-driver-registrar");
  });

  test("GIVEN any pool taint WHEN the values are built THEN the node plugin tolerates every taint, so it mounts the store on every GPU node", () => {
    const values = parse(nfsCsiDriverValuesYaml(undefined));
    expect(values.node).toEqual({ tolerations: [{ operator: "Exists" }] });
    // The controller keeps the chart's placement (checked by planning/scheduling.ts against the nodes).
    expect(values.controller).toBeUndefined();
  });
});

describe("checkModelStore", () => {
  test("GIVEN a gated model from Hugging Face without tokenSecret WHEN checked THEN it is a problem that says how to fix it", () => {
    const problems = checkModelStore(storeConfig(HF_PUBLIC), [model("meta-llama/Llama-3.3-70B-Instruct", REV_A, 131.5, true)]);
    expect(problems).toEqual([
      {
        path: ["modelStore", "source"],
        message: "models need a token to download meta-llama/Llama-3.3-70B-Instruct (gated); set modelStore.source.tokenSecret",
      },
    ]);
  });

  test("GIVEN a gated model with a token, or from an on-prem mirror WHEN checked THEN there is no problem", () => {
    const gated = [model("meta-llama/Llama-3.3-70B-Instruct", REV_A, 131.5, true)];
    expect(checkModelStore(storeConfig(HF_PROXY), gated)).toEqual([]);
    expect(checkModelStore(storeConfig(S3), gated)).toEqual([]);
    expect(checkModelStore(storeConfig(HTTP), gated)).toEqual([]);
  });

  test("GIVEN a checkpoint listed twice WHEN checked THEN it is a problem", () => {
    const problems = checkModelStore(storeConfig(S3), [model("a/b", REV_A, 1, false, ["x"]), model("a/b", REV_A, 1, false, ["y"])]);
    expect(problems).toEqual([{ path: ["models", "y", "model"], message: `a/b@${REV_A} is listed twice in the model store; pass each checkpoint once with all its served names` }]);
  });

  test("GIVEN two orgs' same model at revisions with one 8-digit prefix WHEN checked THEN the Job name clash is a problem", () => {
    const rev2 = `${REV_A.slice(0, 8)}${"0".repeat(32)}`;
    const problems = checkModelStore(storeConfig(S3), [model("org1/model", REV_A), model("org2/model", rev2)]);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toContain('would both be prefetched by Job "prefetch-model-6f6073b4"');
  });

  test("GIVEN a branch name as revision or a path-like repo WHEN checked THEN each is a problem", () => {
    const problems = checkModelStore(storeConfig(S3), [model("a/b", "main"), model("a/..", REV_A)]);
    expect(problems.map((p) => p.message)).toEqual([
      'Hugging Face repo "a/.." is not of the form org/model (letters, digits, "_", "-", "."); fix huggingFace.repo and huggingFace.revision',
      'revision "main" of a/b must be a commit SHA of 40 lower-case hex digits; fix huggingFace.repo and huggingFace.revision',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// The generated scripts, run for real with the local shells (dash as /bin/sh here; rclone's
// Alpine image runs busybox ash, the vLLM image dash), downloads replaced by stubs.

/** Shells to run the scripts with, as command + options (bash in POSIX mode, without rc files). */
const SHELLS: Array<[string, string[]]> = (
  [
    ["/bin/sh", []],
    ["/bin/bash", ["--norc", "--noprofile", "--posix"]],
  ] as Array<[string, string[]]>
).filter(([s]) => fs.existsSync(s));

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runScript([shell, options]: [string, string[]], script: string, env: Record<string, string>): Run {
  const r = spawnSync(shell, [...options, "-c", script], { encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.each(SHELLS)("prefetch script under %s", (shellPath, shellOptions) => {
  const shell: [string, string[]] = [shellPath, shellOptions];
  let root: string;
  let target: string;
  let calls: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "ai-factory-prefetch-"));
    target = path.join(root, "models", "org", "model", REV_A);
    calls = path.join(root, "calls");
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** A download stub: counts its calls, lists what it finds, then writes a weight file. */
  const STUB = `echo call >> "$CALLS"; ls -A "$partial" > "$partial.seen"; printf w > "$partial/model.safetensors"`;
  const callCount = () => (fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n").length : 0);
  const run = (download = STUB, pod = "prefetch-pod-1") => runScript(shell, prefetchScript(target, download, `org/model@${REV_A}`), { CALLS: calls, POD_NAME: pod });

  test("every generated script passes sh -n", () => {
    for (const source of [S3, HTTP, HF_PROXY]) {
      const [, , script] = prefetchCommand(source, model("meta-llama/Llama-3.3-70B-Instruct", REV_A));
      const r = spawnSync(shellPath, [...shellOptions, "-n", "-c", script], { encoding: "utf8" });
      expect({ source: source.kind, status: r.status, stderr: r.stderr }).toEqual({ source: source.kind, status: 0, stderr: "" });
    }
  });

  test("GIVEN an empty store WHEN run twice THEN the first run downloads and moves into place, the second finds the marker and skips", () => {
    const first = run();
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(fs.readFileSync(path.join(target, "model.safetensors"), "utf8")).toBe("w");
    expect(fs.readFileSync(path.join(target, MARKER_FILE), "utf8")).toBe(`org/model@${REV_A}\n`);
    // Only the completed checkpoint is left: no partial directory, no temporary marker.
    expect(fs.readdirSync(path.dirname(target)).filter((f) => !f.endsWith(".seen"))).toEqual([REV_A]);
    expect(fs.readdirSync(target).sort()).toEqual([MARKER_FILE, "model.safetensors"]);

    const second = run();
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("nothing to download");
    expect(callCount()).toBe(1);
  });

  test("GIVEN a download that writes nothing WHEN run THEN it fails and nothing is marked complete", () => {
    const r = run(`echo call >> "$CALLS"`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("the download left no files");
    expect(fs.existsSync(target)).toBe(false);
  });

  test("GIVEN a download that fails WHEN run THEN the script fails with it and nothing is marked complete", () => {
    const r = run(`printf half > "$partial/model.safetensors"; exit 3`);
    expect(r.status).toBe(3);
    expect(fs.existsSync(path.join(target, MARKER_FILE))).toBe(false);
    expect(fs.existsSync(target)).toBe(false);
  });

  test("GIVEN only Hugging Face metadata in the download WHEN run THEN it counts as empty", () => {
    const r = run(`mkdir -p "$partial/.cache/huggingface"; printf m > "$partial/.cache/huggingface/x.metadata"`);
    expect(r.status).toBe(1);
    expect(fs.existsSync(target)).toBe(false);
  });

  test("GIVEN leftovers of interrupted runs WHEN run THEN an unmarked directory is replaced, a dead pod's partial removed and the pod's own partial resumed", () => {
    fs.mkdirSync(target, { recursive: true });
    fs.writeFileSync(path.join(target, "stale.bin"), "old");
    fs.mkdirSync(`${target}.partial-prefetch-pod-0`);
    fs.mkdirSync(`${target}.partial-prefetch-pod-1`);
    fs.writeFileSync(`${target}.partial-prefetch-pod-1/shard-1.safetensors`, "s1");

    const r = run();
    expect(r.status).toBe(0);
    // The stub saw the shard a restarted container had already fetched.
    expect(fs.readFileSync(`${target}.partial-prefetch-pod-1.seen`, "utf8")).toContain("shard-1.safetensors");
    expect(fs.readdirSync(target).sort()).toEqual([MARKER_FILE, "model.safetensors", "shard-1.safetensors"]);
    expect(fs.existsSync(`${target}.partial-prefetch-pod-0`)).toBe(false);
    expect(fs.existsSync(`${target}.partial-prefetch-pod-1`)).toBe(false);
  });

  test("GIVEN fake rclone and python3 on PATH WHEN each source's real command runs THEN the checkpoint lands in place", () => {
    const bin = path.join(root, "bin");
    fs.mkdirSync(bin);
    // rclone copy [--http-url=…] <src> <dest> flags…: the destination is the one absolute path.
    fs.writeFileSync(
      path.join(bin, "rclone"),
      `#!/bin/sh\necho "rclone $*" >> "$CALLS"\nfor a in "$@"; do case "$a" in /*) printf w > "$a/model.safetensors";; esac; done\n`,
      { mode: 0o755 },
    );
    // python3 -c <code> <repo> <revision> <local_dir> <ignore patterns…>
    fs.writeFileSync(path.join(bin, "python3"), `#!/bin/sh\necho "python3 $3 $4" >> "$CALLS"\nprintf w > "$5/model.safetensors"\n`, { mode: 0o755 });
    const m = model("org/model", REV_A);
    for (const source of [S3, HTTP, HF_PROXY]) {
      fs.rmSync(path.join(root, "models"), { recursive: true, force: true });
      const script = prefetchScript(target, downloadCommand(source, m), `org/model@${REV_A}`);
      const r = runScript(shell, script, { CALLS: calls, POD_NAME: "p", PATH: `${bin}:${process.env.PATH}` });
      expect({ source: source.kind, status: r.status, stderr: r.stderr }).toEqual({ source: source.kind, status: 0, stderr: "" });
      expect(fs.readdirSync(target).sort()).toEqual([MARKER_FILE, "model.safetensors"]);
    }
    expect(fs.readFileSync(calls, "utf8").trim().split("\n")).toEqual([
      expect.stringMatching(new RegExp(`^rclone copy :s3:models/hf/org/model/${REV_A} /.*\\.partial-p --exclude=original/\\*\\* `)),
      expect.stringMatching(new RegExp(`^rclone copy --http-url=https://mirror.corp.example/hf :http:org/model/${REV_A} /`)),
      `python3 org/model ${REV_A}`,
    ]);
  });

  const python = spawnSync("python3", ["--version"]).status === 0;
  (python ? test : test.skip)("GIVEN real python3 and a stand-in huggingface_hub WHEN the Hugging Face command runs THEN snapshot_download gets the pinned arguments", () => {
    const lib = path.join(root, "py", "huggingface_hub");
    fs.mkdirSync(lib, { recursive: true });
    fs.writeFileSync(
      path.join(lib, "__init__.py"),
      [
        "import json, os",
        "def snapshot_download(**kw):",
        "    with open(os.path.join(kw['local_dir'], 'model.safetensors'), 'w') as f: f.write('w')",
        "    with open(os.environ['CALLS'], 'a') as f: f.write(json.dumps({k: v for k, v in kw.items() if k != 'local_dir'}, sort_keys=True) + '\\n')",
        "",
      ].join("\n"),
    );
    const script = prefetchScript(target, downloadCommand(HF_PROXY, model("org/model", REV_A)), `org/model@${REV_A}`);
    const r = runScript(shell, script, { CALLS: calls, POD_NAME: "p", PYTHONPATH: path.join(root, "py"), PYTHONDONTWRITEBYTECODE: "1" });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect(JSON.parse(fs.readFileSync(calls, "utf8"))).toEqual({ repo_id: "org/model", revision: REV_A, ignore_patterns: ["original/**"] });
    expect(fs.readdirSync(target).sort()).toEqual([MARKER_FILE, "model.safetensors"]);
  });
});
