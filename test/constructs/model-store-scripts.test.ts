import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import type { ModelSource } from "../../config/schema";
import type { StoredModel } from "../../planning/model-store";
import {
  MARKER_FILE,
  downloadCommand,
  gibQuantity,
  nfsCsiDriverValuesYaml,
  prefetchCommand,
  prefetchEnv,
  prefetchImage,
  prefetchScript,
} from "../../constructs/model-store-scripts";

const REV_A = "6f6073b423013f6a7d4d9f39144961bfbfbc386b";
const MIRROR = { registry: "registry.corp.example/mirror", chartRepository: "https://charts.corp.example/mirror" };

function model(repo: string, revision: string, checkpointGiB = 10, gated = false, servedNames = ["m"]): StoredModel {
  return { repo, revision, checkpointGiB, gated, servedNames };
}

const S3: ModelSource = { kind: "s3", endpoint: "https://s3.corp.example", bucket: "models", prefix: "/hf/", credentialsSecret: "s3-models" };
const HTTP: ModelSource = { kind: "http", url: "https://mirror.corp.example/hf" };
const HF_PUBLIC: ModelSource = { kind: "huggingFace" };
const HF_PROXY: ModelSource = { kind: "huggingFace", tokenSecret: "hf-token", endpoint: "https://hf-proxy.corp.example" };

describe("gibQuantity", () => {
  test("GIVEN a size in GiB WHEN written for Kubernetes THEN it is a binary-suffixed quantity", () => {
    expect(gibQuantity(180)).toBe("180Gi");
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
    // The model servers' image: one pull per node, one image less to mirror.
    expect(prefetchImage(HF_PUBLIC, undefined)).toBe("docker.io/vllm/vllm-openai:v0.16.0");
  });
});

describe("nfsCsiDriverValuesYaml", () => {
  test("GIVEN a mirror WHEN the values are built THEN every chart image comes from it at its pinned tag", () => {
    const values = parse(nfsCsiDriverValuesYaml(MIRROR)) as { image: Record<string, { repository: string; tag: string } | string> };
    expect(values.image.baseRepo).toBe("registry.corp.example/mirror/registry.k8s.io");
    // The keys of `image.*` in csi-driver-nfs 4.11.0's values.yaml, every one set.
    expect(Object.keys(values.image).sort()).toEqual([
      "baseRepo",
      "csiProvisioner",
      "csiResizer",
      "csiSnapshotter",
      "externalSnapshotter",
      "livenessProbe",
      "nfs",
      "nodeDriverRegistrar",
    ]);
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
