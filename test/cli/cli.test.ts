import { runCli } from "../helpers/run";

describe("ai-factory CLI", () => {
  test("GIVEN no files WHEN validate runs THEN every example environment is checked and it exits 0", () => {
    const r = runCli(["validate"]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([
      "environments/dev.yaml: ok (1 node pool, 4 GPUs)",
      "environments/prod.yaml: ok (1 node pool, 32 GPUs)",
      "environments/staging.yaml: ok (1 node pool, 8 GPUs)",
    ]);
    expect(r.stderr).toBe("");
  });

  test("GIVEN --json WHEN validate runs THEN it prints machine-readable output", () => {
    const r = runCli(["validate", "environments/staging.yaml", "--json"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: true,
      environments: [
        { name: "staging", file: "environments/staging.yaml", pools: [{ name: "h100", nodes: 1, gpu: "h100-sxm", sharing: "mig" }] },
      ],
    });
  });

  test("GIVEN bad files WHEN validate runs THEN it lists every problem, exits 1 and prints no stack trace", () => {
    const r = runCli(["validate", "test/fixtures/bad/node-twice.yaml", "test/fixtures/bad/mig-on-l40s.yaml"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines[0]).toBe('test/fixtures/bad/node-twice.yaml: nodePools.a.nodes[1]: node "gpu-01" is listed twice in this pool');
    expect(lines[1]).toMatch(/^test\/fixtures\/bad\/mig-on-l40s.yaml: nodePools.main.gpuSharing.mode: l40s does not support MIG/);
    expect(lines[2]).toBe("2 problems found.");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("GIVEN an unknown command or option WHEN run THEN it exits 2 with a usage hint", () => {
    const unknown = runCli(["frobnicate"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe('ai-factory: unknown command "frobnicate"\nRun `npx ai-factory help` for usage.\n');
    const option = runCli(["validate", "--yaml"]);
    expect(option.status).toBe(2);
    expect(option.stderr).toContain("unknown option --yaml for validate");
    expect(runCli([]).status).toBe(2);
  });

  test("GIVEN help WHEN run THEN it prints the usage and exits 0", () => {
    const r = runCli(["help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: ai-factory <command>");
    expect(r.stdout).toContain("validate [files...]");
  });
});

describe("ai-factory plan", () => {
  test("GIVEN the prod example WHEN planned THEN each model's fit and each pool's use is printed", () => {
    const r = runCli(["plan", "environments/prod.yaml"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("prod (environments/prod.yaml)");
    // coder 8 max × 2 + llama 2 × 2 + gpt-oss 3 × 1 = 23 of 4 × 8; 2 kept for a TP-2 surge.
    expect(lines[1]).toBe("  pool h200: 4 × hgx-h200-8 (h200, sharing none); 23 of 32 GPUs used, 9 free, 2 of them kept for rolling updates");
    expect(r.stdout).toMatch(/model coder: qwen3-32b bf16 on h200, 3–8 replicas × 2 nvidia.com\/gpu, context 32768 tokens/);
    expect(r.stdout).toMatch(/sequences fit at 32768 tokens/);
    expect(r.stdout).toMatch(/demand: peak [\d,]+ tokens\/s needs \d+ replicas \(\d+ GPUs, \d+ servers?\) at [\d,]+ tokens\/s each/);
    expect(lines[lines.length - 1]).toMatch(/^  factory: capacity [\d,]+M tokens\/month against demand [\d,]+M \(\d+%\)$/);
  });

  test("GIVEN --json WHEN planned THEN the plan is machine-readable and unrounded", () => {
    const r = runCli(["plan", "environments/staging.yaml", "--json"]);
    expect(r.status).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.environment).toBe("staging");
    expect(plan.pools[0]).toMatchObject({ name: "h100", unit: "MIG slice", unitsOffered: 16 });
    const qwen = plan.models.find((m: { name: string }) => m.name === "qwen3-30b-a3b");
    expect(qwen).toMatchObject({ precision: "fp8", gpusPerReplica: 1, gpuResource: "nvidia.com/gpu", maxContextTokens: 16384 });
    expect(qwen.memoryPerGpuGiB.capacityGiB).toBe(40);
  });

  test("GIVEN no file or two files WHEN planned THEN it is a usage error", () => {
    expect(runCli(["plan"]).status).toBe(2);
    expect(runCli(["plan", "environments/dev.yaml", "environments/prod.yaml"]).stderr).toContain("plan takes one environment file");
  });
});

describe("ai-factory cost and compare", () => {
  test("GIVEN the prod example WHEN costed with --json THEN the summary has every required field, unrounded", () => {
    const r = runCli(["cost", "environments/prod.yaml", "--json"]);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(typeof s.capexUsd).toBe("number");
    expect(s.hoursPerMonth).toBe(730);
    for (const key of ["amortizationUsd", "energyUsd", "spaceUsd", "supportUsd", "staffUsd", "opexUsd", "tcoUsd"]) {
      expect(typeof s.monthly[key]).toBe("number");
    }
    expect(s.monthly.tcoUsd).toBeCloseTo(s.monthly.amortizationUsd + s.monthly.opexUsd, 6);
    expect(s.tokens).toEqual(expect.objectContaining({ demandPerMonth: expect.any(Number), capacityPerMonth: expect.any(Number) }));
    expect(typeof s.usdPerMillionTokens).toBe("number");
    expect(s.alternatives.map((a: { id: string; kind: string }) => [a.id, a.kind])).toEqual([
      ["claude-sonnet-4.5", "api"],
      ["negotiated-contract", "api"],
      ["aws-p5en", "gpu-rental"],
    ]);
    for (const a of s.alternatives) {
      expect(Object.keys(a.savingsPercent)).toEqual(["24", "36"]);
      expect(typeof a.monthlyUsd).toBe("number");
      expect(a.breakEvenMonths === null || typeof a.breakEvenMonths === "number").toBe(true);
    }
    // Unrounded: capex is 4 × $400,000 × 1.1 computed in floating point, not a printed figure.
    expect(String(s.monthly.tcoUsd)).toMatch(/\.\d{3,}/);
  });

  test("GIVEN the prod example WHEN costed THEN a pull-request-ready summary is printed", () => {
    const r = runCli(["cost", "environments/prod.yaml"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^## AI factory cost: prod/);
    expect(r.stdout).toContain("### Alternatives");
    expect(r.stdout).toContain("| claude-sonnet-4.5 | API |");
  });

  test("GIVEN all examples WHEN compared THEN one column per environment is printed", () => {
    const r = runCli(["compare"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("|  | dev | prod | staging |");
    const json = JSON.parse(runCli(["compare", "environments/dev.yaml", "environments/prod.yaml", "--json"]).stdout);
    expect(json.map((e: { env: string }) => e.env)).toEqual(["dev", "prod"]);
  });

  test("GIVEN cost without a file WHEN run THEN it is a usage error", () => {
    const r = runCli(["cost"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("cost takes one environment file");
  });
});

describe("ai-factory images", () => {
  test("GIVEN the air-gapped prod example WHEN images runs THEN it lists each image upstream → mirror, the charts, files and checkpoints", () => {
    const r = runCli(["images", "environments/prod.yaml"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("prod (environments/prod.yaml): what `cdktf deploy prod` pulls");
    expect(lines).toContain(
      "  nvcr.io/nvidia/gpu-operator:v25.10.1 → harbor.dc1.corp.example/mirror/nvcr.io/nvidia/gpu-operator:v25.10.1  # GPU Operator (operator), GPU Operator (validator)",
    );
    expect(lines).toContain("  gpu-operator v25.10.1 from https://helm.ngc.nvidia.com/nvidia  # GPU Operator");
    expect(lines.some((l) => l.startsWith("  https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken → _files/tiktoken-encodings/o200k_base.tiktoken"))).toBe(true);
  });

  test("GIVEN --json WHEN images runs THEN the list is machine-readable", () => {
    const r = runCli(["images", "environments/prod.yaml", "--json"]);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.environment).toBe("prod");
    expect(json.images.map((i: { pulledAs: string }) => i.pulledAs)).toContain("harbor.dc1.corp.example/mirror/docker.io/vllm/vllm-openai:v0.16.0");
  });

  test("GIVEN no file WHEN images runs THEN it is a usage error", () => {
    const r = runCli(["images"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("images takes one environment file");
  });
});
