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
    // coder 2 × 6 max + llama 2 × 2 + gpt-oss 2 × 1 = 18 of 4 × 8; 2 kept for a TP-2 surge.
    expect(lines[1]).toBe("  pool h200: 4 × hgx-h200-8 (h200, sharing none); 18 of 32 GPUs used, 14 free, 2 of them kept for rolling updates");
    expect(r.stdout).toMatch(/model coder: qwen3-32b bf16 on h200, 2–6 replicas × 2 nvidia.com\/gpu, context 32768 tokens/);
    expect(r.stdout).toMatch(/sequences fit at 32768 tokens/);
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
