import { precisionProblem } from "../../config/resolve-models";
import { MODEL_STORE_YAML, envFromYaml, resolveProblems } from "../helpers/env";

const STORE = MODEL_STORE_YAML;

function yaml(models: string, store = STORE): string {
  return `name: test\ndescription: models\ncluster: { kubeconfig: { context: c } }\nnodePools:\n  h200: { nodes: [g1, g2], server: hgx-h200-8 }\nmodels:\n${models}\n${store}`;
}

const problemsOf = resolveProblems;

describe("models: resolution", () => {
  test("GIVEN a catalog model with defaults WHEN resolved THEN context is capped at 32768 and precision is native", () => {
    const env = envFromYaml(yaml("  coder: { model: qwen3-32b, pool: h200 }"));
    const [m] = env.models;
    expect(m.servedName).toBe("coder");
    expect(m.precision).toBe("bf16");
    // Qwen3-32B supports 40960 tokens; without a value we stop at 32768.
    expect(m.maxContextTokens).toBe(32768);
    expect(m.maxConcurrentSequences).toBe(16);
    expect(m.replicas).toEqual({ min: 1, max: 1 });
    expect(m.deployment.gpuMemoryUtilization).toBe(0.9);
    expect(m.pool.name).toBe("h200");
  });

  test("GIVEN an inline model starting from a catalog id WHEN resolved THEN overrides apply and the rest is inherited", () => {
    const env = envFromYaml(
      yaml(`  tuned:
    model:
      id: llama-3.1-8b
      huggingFace: { repo: corp/llama-3.1-8b-support, revision: ${"a".repeat(40)}, gated: false }
    pool: h200
    maxContextTokens: 8192`),
    );
    const spec = env.models[0].spec;
    expect(spec.huggingFace.repo).toBe("corp/llama-3.1-8b-support");
    expect(spec.layers).toBe(32);
    expect(spec.kvHeads).toBe(8);
    // Another checkpoint: its size is computed from the parameters, not the catalog's.
    expect(spec.checkpointGiB).toBeUndefined();
  });

  test("GIVEN replicas as a range WHEN resolved THEN min and max are kept", () => {
    const env = envFromYaml(`${yaml("  m: { model: llama-3.1-8b, pool: h200, replicas: { min: 2, max: 5 } }")}\nmonitoring: { serviceMonitorLabels: { release: kps } }\n`);
    expect(env.models[0].replicas).toEqual({ min: 2, max: 5 });
  });

  test.each<[string, string, string, boolean]>([
    ["neither sets it", "", "", false],
    ["the environment sets it", "", "strictKvFit: true\n", true],
    ["the model sets it", ", strictKvFit: true", "", true],
    ["the model says false under a strict environment", ", strictKvFit: false", "strictKvFit: true\n", false],
    ["the model says true under a lenient environment", ", strictKvFit: true", "strictKvFit: false\n", true],
  ])("GIVEN %s WHEN resolved THEN strictKvFit is the model's, else the environment's, else false", (_, onModel, onEnv, expected) => {
    const env = envFromYaml(`${yaml(`  m: { model: llama-3.1-8b, pool: h200${onModel} }`)}${onEnv}`);
    expect(env.models[0].strictKvFit).toBe(expected);
  });
});

describe("models: bad entries name the path", () => {
  test.each<[string, string, string[]]>([
    ["an unknown model", "  m: { model: llama-4-400b, pool: h200 }", [expect.stringMatching(/^test\.yaml: models\.m\.model: unknown model "llama-4-400b"; known: deepseek-v3, gpt-oss-120b, gpt-oss-20b, llama-3\.1-8b, llama-3\.3-70b, qwen3-30b-a3b, qwen3-32b$/) as unknown as string]],
    ["an unknown pool", "  m: { model: llama-3.1-8b, pool: h100 }", ['test.yaml: models.m.pool: unknown node pool "h100" (known: h200)']],
    [
      "int4 from a bf16 checkpoint",
      "  m: { model: llama-3.3-70b, pool: h200, precision: int4 }",
      ['test.yaml: models.m.precision: vLLM cannot quantize a bf16 checkpoint to int4 at load time; use a checkpoint published in int4 (an inline model with nativePrecision: int4 and its repository), or precision "bf16" or "fp8"'],
    ],
    [
      "bf16 from an fp8 checkpoint",
      "  m: { model: deepseek-v3, pool: h200, precision: bf16 }",
      ['test.yaml: models.m.precision: the checkpoint is fp8; it cannot be served at the higher precision bf16; use precision "fp8"'],
    ],
    ["a context beyond the model's", "  m: { model: llama-3.1-8b, pool: h200, maxContextTokens: 262144 }", [expect.stringMatching(/^test\.yaml: models\.m\.maxContextTokens: llama-3\.1-8b supports at most \d+ tokens of context, got 262144$/) as unknown as string]],
    ["max below min", "  m: { model: llama-3.1-8b, pool: h200, replicas: { min: 3, max: 2 } }", ["test.yaml: models.m.replicas.max: must be at least replicas.min (3), got 2"]],
    ["zero replicas", "  m: { model: llama-3.1-8b, pool: h200, replicas: 0 }", [expect.stringMatching(/^test\.yaml: models\.m\.replicas: /) as unknown as string]],
    ["a utilization above 0.98", "  m: { model: llama-3.1-8b, pool: h200, gpuMemoryUtilization: 0.99 }", [expect.stringMatching(/^test\.yaml: models\.m\.gpuMemoryUtilization: .*got 0\.99$/) as unknown as string]],
    ["an upper-case served name", "  Coder: { model: llama-3.1-8b, pool: h200 }", ['test.yaml: models.Coder: invalid name "Coder": must be a served model name: lower-case letters, digits, "-" and ".", at most 52 characters']],
    [
      "an incomplete inline model",
      "  m: { model: { layers: 32, huggingFace: { repo: corp/x, revision: " + "b".repeat(40) + " } }, pool: h200 }",
      [expect.stringMatching(/^test\.yaml: models\.m\.model: an inline model without `id` needs parametersB, hiddenSize, attentionHeads, kvHeads, headDim, defaultContextTokens; or set `id` to a catalog model/) as unknown as string],
    ],
    ["a branch instead of a commit", "  m: { model: { id: llama-3.1-8b, huggingFace: { repo: corp/x, revision: main } }, pool: h200 }", ['test.yaml: models.m.model.huggingFace.revision: must be a commit SHA (40 hex digits), never a branch, got "main"']],
    [
      "a prompt length without an output length",
      "  m: { model: llama-3.1-8b, pool: h200, demand: { tokensPerDay: 1000000, mix: { input: 0.5, cachedInput: 0, cacheWrite: 0, output: 0.5 }, promptTokens: 2000 } }",
      ["test.yaml: models.m.demand.outputTokens: is required with promptTokens: the two lengths set the mean context together; give both, or neither"],
    ],
    [
      "a mean request longer than the context",
      "  m: { model: llama-3.1-8b, pool: h200, maxContextTokens: 8192, demand: { tokensPerDay: 1000000, mix: { input: 0.5, cachedInput: 0, cacheWrite: 0, output: 0.5 }, promptTokens: 8000, outputTokens: 500 } }",
      ["test.yaml: models.m.demand.promptTokens: a mean request of 8000 prompt + 500 output tokens does not fit maxContextTokens 8192; raise maxContextTokens, or give the mean lengths, not the longest"],
    ],
    ["a strictKvFit that is not a boolean", "  m: { model: llama-3.1-8b, pool: h200, strictKvFit: yes }", [expect.stringMatching(/^test\.yaml: models\.m\.strictKvFit: /) as unknown as string]],
    ["an unknown key", "  m: { model: llama-3.1-8b, pool: h200, maxTokens: 4096 }", [expect.stringMatching(/^test\.yaml: models\.m\.maxTokens: unknown key "maxTokens"; allowed keys: apiKeySecret, autoscaling, .*maxContextTokens/) as unknown as string]],
  ])("GIVEN %s WHEN loaded THEN the error names the path", (_, models, expected) => {
    expect(problemsOf(yaml(models))).toEqual(expected);
  });

  test("GIVEN models but no model store WHEN loaded THEN the store is required", () => {
    expect(problemsOf(yaml("  m: { model: llama-3.1-8b, pool: h200 }", ""))).toEqual([
      "test.yaml: modelStore: is required when models are served: weights come from the on-prem model store, never from the internet at run time",
    ]);
  });
});

describe("precisionProblem", () => {
  test("GIVEN each pair WHEN checked THEN only native precision and bf16→fp8 are allowed", () => {
    expect(precisionProblem("bf16", "bf16")).toBeUndefined();
    expect(precisionProblem("bf16", "fp8")).toBeUndefined();
    expect(precisionProblem("mxfp4", "mxfp4")).toBeUndefined();
    expect(precisionProblem("mxfp4", "bf16")).toMatch(/cannot be served at the higher precision/);
    expect(precisionProblem("bf16", "mxfp4")).toMatch(/cannot quantize a bf16 checkpoint to mxfp4/);
  });

  test("GIVEN nvfp4 WHEN checked THEN, like int4 and mxfp4, it needs a checkpoint published in nvfp4", () => {
    // GIVEN an NVFP4 checkpoint (NVIDIA Model Optimizer's FP4 export) THEN it serves as is
    expect(precisionProblem("nvfp4", "nvfp4")).toBeUndefined();
    // AND vLLM has no load-time path to NVFP4 from any other checkpoint
    expect(precisionProblem("bf16", "nvfp4")).toBe(
      'vLLM cannot quantize a bf16 checkpoint to nvfp4 at load time; use a checkpoint published in nvfp4 (an inline model with nativePrecision: nvfp4 and its repository), or precision "bf16" or "fp8"',
    );
    expect(precisionProblem("mxfp4", "nvfp4")).toBe(
      'vLLM cannot quantize a mxfp4 checkpoint to nvfp4 at load time; use a checkpoint published in nvfp4 (an inline model with nativePrecision: nvfp4 and its repository), or precision "mxfp4"',
    );
    // AND an NVFP4 checkpoint is never served above itself
    expect(precisionProblem("nvfp4", "fp8")).toBe('the checkpoint is nvfp4; it cannot be served at the higher precision fp8; use precision "nvfp4"');
  });

  test("GIVEN precision nvfp4 on a bf16 catalog model WHEN resolved THEN the file's path names the problem", () => {
    // GIVEN Llama 3.1 8B (a BF16 checkpoint) asked for at nvfp4
    const model = "  m: { model: llama-3.1-8b, pool: h200, precision: nvfp4, maxContextTokens: 8192 }";
    // THEN the schema accepts the value and resolution refuses the pairing
    expect(problemsOf(yaml(model))).toEqual([
      'test.yaml: models.m.precision: vLLM cannot quantize a bf16 checkpoint to nvfp4 at load time; use a checkpoint published in nvfp4 (an inline model with nativePrecision: nvfp4 and its repository), or precision "bf16" or "fp8"',
    ]);
  });

  test("GIVEN an inline NVFP4 checkpoint WHEN resolved THEN it is served at nvfp4", () => {
    // GIVEN Llama 3.1 8B's architecture with an NVFP4 repository
    const env = envFromYaml(
      yaml(`  fp4:
    model:
      id: llama-3.1-8b
      nativePrecision: nvfp4
      huggingFace: { repo: corp/llama-3.1-8b-nvfp4, revision: ${"b".repeat(40)}, gated: false }
    pool: h200
    maxContextTokens: 8192`),
    );
    // THEN the native precision is the default precision, and the catalog's checkpoint size is dropped
    expect(env.models[0].precision).toBe("nvfp4");
    expect(env.models[0].spec.checkpointGiB).toBeUndefined();
  });
});

describe("models: inline architectures that contradict themselves", () => {
  test("GIVEN more active parameters than total WHEN validated THEN the problem names both", () => {
    const model = "  m: { model: { id: llama-3.1-8b, parametersB: { total: 8, active: 9 } }, pool: h200, maxContextTokens: 8192 }";
    expect(problemsOf(yaml(model))).toEqual([
      "test.yaml: models.m.model.parametersB.active: must be at most parametersB.total (8), got 9: a token cannot use more parameters than the model has",
    ]);
  });

  test("GIVEN more sliding-window layers than layers WHEN validated THEN the problem names both", () => {
    const model =
      "  m: { model: { id: llama-3.1-8b, attention: { kind: gqa, slidingWindow: { layers: 33, windowTokens: 128 } } }, pool: h200, maxContextTokens: 8192 }";
    expect(problemsOf(yaml(model))).toEqual([
      "test.yaml: models.m.model.attention.slidingWindow.layers: must be at most layers (32), got 33: sliding-window layers are some of the model's layers",
    ]);
  });
});
