import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import { TIKTOKEN_ENCODINGS } from "../../catalog/upstream";
import type { RuntimeFileSet } from "../../catalog/types";
import type { ModelSource } from "../../config/schema";
import { runtimeFileSets, runtimeFilesJobName, runtimeFilesPath } from "../../planning/model-store";
import { MARKER_FILE, prefetchScript, runtimeFilesCommand, runtimeFilesDownload } from "../../constructs/model-store-scripts";
import { AiFactoryStack } from "../../stacks/ai-factory-stack";
import { plannedFromYaml } from "../helpers/env";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const S3: ModelSource = { kind: "s3", endpoint: "https://s3.corp.example", bucket: "models", prefix: "/hf/", credentialsSecret: "s3-models" };
const HTTP: ModelSource = { kind: "http", url: "https://mirror.corp.example/hf" };
const HF: ModelSource = { kind: "huggingFace" };

describe("runtime files: the catalog", () => {
  test("GIVEN gpt-oss WHEN its runtime files are read THEN they are Harmony's two encodings with openai_harmony's pinned SHA-256", () => {
    // openai/harmony src/tiktoken_ext/public_encodings.rs (expected_hash), the same as tiktoken's openai_public.py.
    expect(TIKTOKEN_ENCODINGS.env).toBe("TIKTOKEN_ENCODINGS_BASE");
    expect(TIKTOKEN_ENCODINGS.files).toEqual([
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
    ]);
  });

  test("GIVEN two models sharing a set WHEN sets are collected THEN each set appears once", () => {
    const other: RuntimeFileSet = { ...TIKTOKEN_ENCODINGS, id: "aaa" };
    expect(runtimeFileSets([{ runtimeFiles: [TIKTOKEN_ENCODINGS] }, {}, { runtimeFiles: [TIKTOKEN_ENCODINGS, other] }]).map((s) => s.id)).toEqual([
      "aaa",
      "tiktoken-encodings",
    ]);
  });
});

describe("runtime files: the download snippet", () => {
  test("GIVEN an S3 source WHEN the snippet is built THEN it copies <bucket>/<prefix>/_files/<id> and checks both hashes", () => {
    expect(runtimeFilesDownload(S3, TIKTOKEN_ENCODINGS)).toBe(
      "rclone copy ':s3:models/hf/_files/tiktoken-encodings' \"$partial\" --retries=5 --low-level-retries=20\n" +
        "(cd \"$partial\" && printf '%s  %s\\n' " +
        "'223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7' 'cl100k_base.tiktoken' " +
        "'446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d' 'o200k_base.tiktoken' | sha256sum -c -)",
    );
  });

  test("GIVEN an HTTP mirror WHEN the snippet is built THEN it copies <url>/_files/<id>", () => {
    expect(runtimeFilesDownload(HTTP, TIKTOKEN_ENCODINGS).split("\n")[0]).toBe(
      "rclone copy --http-url='https://mirror.corp.example/hf' ':http:_files/tiktoken-encodings' \"$partial\" --retries=5 --low-level-retries=20",
    );
  });

  test("GIVEN the Hugging Face source (which does not host these files) WHEN the snippet is built THEN the upstream URLs are fetched", () => {
    const first = runtimeFilesDownload(HF, TIKTOKEN_ENCODINGS).split("\n").slice(0, 3).join("\n");
    expect(first).toContain("'https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken' 'https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken'");
    expect(first).toMatch(/^python3 -c 'import sys, urllib\.request/);
  });

  test("GIVEN any source WHEN the command is built THEN it targets /models/_files/<id> and has no Terraform template syntax", () => {
    for (const source of [S3, HTTP, HF]) {
      const [sh, c, script] = runtimeFilesCommand(source, TIKTOKEN_ENCODINGS);
      expect([sh, c]).toEqual(["/bin/sh", "-c"]);
      expect(script).toContain("target='/models/_files/tiktoken-encodings'");
      expect(script).not.toMatch(/\$\{|%\{/);
    }
    expect(runtimeFilesJobName("tiktoken-encodings")).toBe("prefetch-files-tiktoken-encodings");
  });
});

// The scripts run for real: a fake rclone that copies from a local folder laid out like the
// mirror, and the real python3 fetching file:// URLs with urllib.
describe("runtime files: the script, run", () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "ai-factory-files-"));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const sha = (text: string) => createHash("sha256").update(text).digest("hex");
  const set = (files: Record<string, string>, base = ""): RuntimeFileSet => ({
    id: "encodings",
    env: "X",
    sources: [],
    files: Object.entries(files).map(([name, content]) => ({ name, url: `${base}/${name}`, sha256: sha(content) })),
  });
  const run = (script: string, env: Record<string, string> = {}) =>
    spawnSync("/bin/sh", ["-c", script], { encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", POD_NAME: "p", ...env }, timeout: 20_000 });

  /** rclone copy :s3:<key> <dest> …: copies $MIRROR/<key>/* into <dest>. */
  function fakeRclone(): string {
    const bin = path.join(root, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, "rclone"), '#!/bin/sh\nsrc="$2"; dest="$3"; cp "$MIRROR/${src#:s3:}/"* "$dest/"\n', { mode: 0o755 });
    return bin;
  }

  function mirror(files: Record<string, string>): void {
    const dir = path.join(root, "mirror", "models", "hf", "_files", "encodings");
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  }

  test("GIVEN the files in the S3 mirror WHEN the Job's script runs THEN they land, hash-checked, under the marker", () => {
    const bin = fakeRclone();
    mirror({ "a.tiktoken": "alpha", "b.tiktoken": "beta" });
    const target = path.join(root, "store", "_files", "encodings");
    const script = prefetchScript(target, runtimeFilesDownload(S3, set({ "a.tiktoken": "alpha", "b.tiktoken": "beta" })), "runtime files encodings");
    const r = run(script, { MIRROR: path.join(root, "mirror"), PATH: `${bin}:${process.env.PATH}` });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect(fs.readdirSync(target).sort()).toEqual([MARKER_FILE, "a.tiktoken", "b.tiktoken"]);
  });

  test("GIVEN a corrupted file in the mirror WHEN the Job's script runs THEN it fails and nothing is moved into place", () => {
    const bin = fakeRclone();
    mirror({ "a.tiktoken": "alpha", "b.tiktoken": "truncated" });
    const target = path.join(root, "store", "_files", "encodings");
    const script = prefetchScript(target, runtimeFilesDownload(S3, set({ "a.tiktoken": "alpha", "b.tiktoken": "beta" })), "x");
    const r = run(script, { MIRROR: path.join(root, "mirror"), PATH: `${bin}:${process.env.PATH}` });
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/b\.tiktoken: FAILED/);
    expect(fs.existsSync(target)).toBe(false);
  });

  const python = spawnSync("python3", ["--version"]).status === 0;
  (python ? test : test.skip)("GIVEN the upstream URLs (file:// here) WHEN the Hugging Face variant runs with real python3 THEN the files land, hash-checked", () => {
    const upstream = path.join(root, "upstream");
    fs.mkdirSync(upstream);
    fs.writeFileSync(path.join(upstream, "a.tiktoken"), "alpha");
    const target = path.join(root, "store", "_files", "encodings");
    const script = prefetchScript(target, runtimeFilesDownload(HF, set({ "a.tiktoken": "alpha" }, `file://${upstream}`)), "x");
    const r = run(script);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect(fs.readFileSync(path.join(target, "a.tiktoken"), "utf8")).toBe("alpha");
  });
});

describe("runtime files: the stack", () => {
  const YAML = `name: lab
description: gpt-oss and llama on one server
cluster: { kubeconfig: { context: lab } }
nodePools:
  h200: { nodes: [g1], server: hgx-h200-8 }
models:
  oss: { model: gpt-oss-120b, pool: h200, maxContextTokens: 8192 }
  small: { model: llama-3.1-8b, pool: h200, maxContextTokens: 8192 }
modelStore:
  volume: { kind: storageClass, storageClass: cephfs }
  source: { kind: s3, endpoint: https://s3.lab.example, bucket: weights, credentialsSecret: s3-creds }
`;
  const { env, plan } = plannedFromYaml(YAML);
  const stack = new AiFactoryStack(Testing.app(), "lab", { env, plan });
  const json = JSON.parse(Testing.synth(stack)) as Json;
  const servers = Object.values(json.resource.helm_release as Json).filter((r: Json) => String(r.chart).startsWith("assets/")) as Json[];
  const byName = Object.fromEntries(servers.map((r) => [r.name as string, r]));

  test("GIVEN gpt-oss WHEN synthesized THEN one Job fetches the encodings into the store", () => {
    const jobs = Object.values(json.resource.kubernetes_job_v1 as Json) as Json[];
    const files = jobs.filter((j) => j.metadata.name === "prefetch-files-tiktoken-encodings");
    expect(files).toHaveLength(1);
    const container = files[0].spec.template.spec.container[0];
    expect(container.image).toBe("docker.io/rclone/rclone:1.71.2");
    expect(container.command[2]).toContain("':s3:weights/_files/tiktoken-encodings'");
  });

  test("GIVEN gpt-oss WHEN synthesized THEN its server reads TIKTOKEN_ENCODINGS_BASE from the store and waits for that Job; llama does neither", () => {
    expect(runtimeFilesPath("tiktoken-encodings")).toBe("/models/_files/tiktoken-encodings");
    const ossEnv = (stack.modelServers.find((s) => s.servedName === "oss")!.values.env) as Record<string, string>;
    expect(ossEnv).toEqual({ TIKTOKEN_ENCODINGS_BASE: "/models/_files/tiktoken-encodings" });
    expect(stack.modelServers.find((s) => s.servedName === "small")!.values.env).toEqual({});
    const filesJob = (deps: string[]) => deps.filter((d) => d.includes("prefetch-files-tiktoken-encodings"));
    expect(filesJob(byName.oss.depends_on)).toHaveLength(1);
    expect(filesJob(byName.small.depends_on)).toHaveLength(0);
  });
});
