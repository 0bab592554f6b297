import type { ModelSource, ModelStoreConfig } from "../../config/schema";
import {
  StoredModel,
  checkModelStore,
  claimSizeGiB,
  modelDir,
  modelStoreSizeGiB,
  prefetchJobName,
  prefetchTimeoutMinutes,
  runtimeFilesPath,
} from "../../planning/model-store";

const REV_A = "6f6073b423013f6a7d4d9f39144961bfbfbc386b";
const REV_B = "0cb88a4f764b7a12671c53f0838cd831a0843b95";

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

describe("claimSizeGiB", () => {
  const models = [model("a/b", REV_A, 100)];

  test("GIVEN no sizeGiB WHEN sized THEN the weights plus headroom: 100 × 1.2 = 120", () => {
    expect(claimSizeGiB(storeConfig(S3), models)).toBe(120);
  });

  test("GIVEN a sizeGiB above the need WHEN sized THEN it is kept: max(500, 120) = 500", () => {
    expect(claimSizeGiB({ ...storeConfig(S3), sizeGiB: 500 }, models)).toBe(500);
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

describe("layout", () => {
  test("GIVEN a repo and revision WHEN placed THEN <org>/<model>/<revision>", () => {
    expect(modelDir("meta-llama/Llama-3.3-70B-Instruct", REV_A)).toBe(`meta-llama/Llama-3.3-70B-Instruct/${REV_A}`);
  });

  test("GIVEN a runtime file set WHEN placed THEN /models/_files/<id>", () => {
    expect(runtimeFilesPath("tiktoken-encodings")).toBe("/models/_files/tiktoken-encodings");
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

