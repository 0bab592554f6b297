import * as fs from "node:fs";
import * as path from "node:path";
import { runCli as runInProcess } from "../../cli/main";
import { REPO, runCli, tempDir } from "../helpers/run";
import { sarifValidator } from "../helpers/sarif";

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
      warnings: [],
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
    // `    nodes: [gpu-01, gpu-01]` and `    gpuSharing: { mode: mig, profile: 1g.10gb }`: the values at fault.
    expect(lines[0]).toBe('test/fixtures/bad/node-twice.yaml:8:21: nodePools.a.nodes[1]: node "gpu-01" is listed twice in this pool');
    expect(lines[1]).toMatch(/^test\/fixtures\/bad\/mig-on-l40s.yaml:10:25: nodePools.main.gpuSharing.mode: l40s does not support MIG/);
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
  test("GIVEN the prod example WHEN planned THEN each pool's use and each model's fit and demand are aligned tables", () => {
    const r = runCli(["plan", "environments/prod.yaml"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("prod (environments/prod.yaml)");
    // coder 8 max × 2 + llama 2 × 2 + gpt-oss 3 × 1 = 23 of 4 × 8; 2 kept for a TP-2 surge.
    expect(r.stdout).toMatch(/│ h200 +│ 4 × hgx-h200-8 │ h200 │ none +│ +23 of 32 GPUs │ +9 │ +2 │/);
    expect(r.stdout).toMatch(/│ coder +│ qwen3-32b bf16 +│ h200 │ +3–8 │ 2 × nvidia.com\/gpu │ +32,768 │ 61.1 GiB │/);
    // Memory per GPU: 65.6e9 B ÷ 2 = 30.5 GiB; one 32k sequence (vLLM's start rule) 32,768 × 262,144 B ÷ 2 = 4 GiB;
    // (126.9 − 30.55 − 2) × 2 GPUs = 188.7 GiB of KV hold floor(188.7 ÷ 8) = 23 sequences at 32,768 tokens and
    // floor(188.7 ÷ (18,575 × 262,144 B = 4.53 GiB)) = 41 at the demand's mean context, above 16: low risk.
    expect(r.stdout).toMatch(/│ coder +│ +30.5 │ +4.0 │ +2.0 │ +36.5 │ +126.9 │ +23 │ 41 at 18,575 │ low: 16 ≤ 41 +│/);
    // What bounds the replica and how near the measured cases come: the columns issue 13 added.
    expect(r.stdout).toMatch(/│ coder +│ +46,296 │ +9,104 │ memory-bandwidth │ high \(±6 %\) +│ +8 \(6\) │ +16 │ +64% │ ok +│/);
    expect(r.stdout).toMatch(/│ gpt-oss-120b +│ +6,944 │ +5,838 │ memory-bandwidth │ high \(±12 %\) +│ +3 \(2\) │ +3 │ +40% │ ok +│/);
    expect(lines).toContain("Factory: capacity 257B tokens/month against demand 76B (338%).");
    // The gateway's pods: Envoy 2 × (500m + 10m), Envoy Gateway 100m, rate limit 100m, Redis 100m.
    expect(r.stdout).toMatch(/│ Total +│ +│ +6 │ +1\.32 │ +2\.94 │/);
    expect(lines).toContain("https://ai.corp.example/v1: 3 teams, 3 models in 1 route.");
    expect(r.stdout).not.toContain("\u001b[");
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

  test("GIVEN the prod example WHEN costed THEN tables are printed, and Markdown only with --format md", () => {
    const r = runCli(["cost", "environments/prod.yaml"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^prod \(environments\/prod\.yaml\): cost\n/);
    expect(r.stdout).toMatch(/│ claude-sonnet-4\.5 +│ API +│ +\$167,353 │ +\$2\.20 │ 13\.6 months │ +33% │ +48% │/);
    expect(r.stdout).not.toContain("| claude-sonnet-4.5 |");
    const md = runCli(["cost", "environments/prod.yaml", "--format", "md"]);
    expect(md.status).toBe(0);
    expect(md.stdout).toMatch(/^## AI factory cost: prod/);
    expect(md.stdout).toContain("### Alternatives");
    expect(md.stdout).toContain("| claude-sonnet-4.5 | API |");
  });

  test("GIVEN all examples WHEN compared THEN one column per environment is printed", () => {
    const r = runCli(["compare"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/│ +│ +dev │ +prod │ +staging │/);
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

describe("machine output: --json on failure and --format sarif", () => {
  const NODE_TWICE = "test/fixtures/bad/node-twice.yaml";
  const NODE_TWICE_JSON = {
    file: NODE_TWICE,
    line: 8,
    column: 21,
    path: "nodePools.a.nodes[1]",
    message: 'node "gpu-01" is listed twice in this pool',
    rule: "check",
    pathSegments: ["nodePools", "a", "nodes", 1],
  };
  const validateSarif = sarifValidator();
  const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string }).version;

  /** The CLI in this process: exit code, stdout and stderr. */
  function inProcess(argv: readonly string[], cwd?: string): { code: number; out: string; err: string } {
    const out: string[] = [];
    const err: string[] = [];
    const before = process.cwd();
    if (cwd) process.chdir(cwd);
    try {
      const code = runInProcess(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
      return { code, out: out.join("\n"), err: err.join("\n") };
    } finally {
      process.chdir(before);
    }
  }

  test("GIVEN a bad file and --json WHEN validate runs THEN stdout is exactly one JSON document of the problems, exit 1", () => {
    const r = runCli(["validate", NODE_TWICE, "--json"]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ valid: false, problems: [NODE_TWICE_JSON] });
    // The report for people stays on stderr.
    expect(r.stderr).toBe(`${NODE_TWICE}:8:21: nodePools.a.nodes[1]: node "gpu-01" is listed twice in this pool\n1 problem found.\n`);
  });

  test("GIVEN a usage error and --json WHEN run THEN stdout is one JSON document naming it, exit 2", () => {
    const r = runCli(["validate", "--yaml", "--json"]);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ valid: false, usage: "unknown option --yaml for validate" });
    expect(inProcess(["plan", "--json"])).toEqual({
      code: 2,
      out: JSON.stringify({ valid: false, usage: "plan takes one environment file, e.g. `ai-factory plan environments/prod.yaml`" }, null, 2),
      err: "ai-factory: plan takes one environment file, e.g. `ai-factory plan environments/prod.yaml`\nRun `npx ai-factory help` for usage.",
    });
    expect(JSON.parse(inProcess(["frobnicate", "--json"]).out)).toEqual({ valid: false, usage: 'unknown command "frobnicate"' });
  });

  test.each(["plan", "cost", "images", "compare"])("GIVEN a bad file and --json WHEN %s runs THEN stdout is the same JSON document of the problems, exit 1", (command) => {
    const r = inProcess([command, NODE_TWICE, "--json"], REPO);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual({ valid: false, problems: [NODE_TWICE_JSON] });
  });

  test("GIVEN a model too big for its GPU and --json WHEN planned THEN planning's problem is located at the model's key, rule plan", () => {
    const dir = tempDir();
    try {
      fs.writeFileSync(
        path.join(dir, "fit.yaml"),
        [
          "name: fit",
          "description: a model too big for its GPU",
          "cluster: { kubeconfig: { context: c } }",
          "nodePools:",
          "  h100: { nodes: [gpu-01], server: hgx-h100-8 }",
          "models:",
          "  big:",
          "    model: llama-3.3-70b",
          "    pool: h100",
          "modelStore:",
          "  volume: { kind: storageClass, storageClass: cephfs }",
          "  source: { kind: s3, endpoint: https://s3.example, bucket: weights, credentialsSecret: s3-creds }",
          "",
        ].join("\n"),
      );
      const r = inProcess(["plan", "fit.yaml", "--json"], dir);
      expect(r.code).toBe(1);
      const [problem] = JSON.parse(r.out).problems;
      expect(problem).toMatchObject({ file: "fit.yaml", line: 7, column: 3, path: "models.big", rule: "plan", pathSegments: ["models", "big"] });
      expect(problem.message).toMatch(/^does not fit one h100-sxm /);
      expect(r.err.split("\n")[0]).toMatch(/^fit\.yaml:7:3: models\.big: does not fit one h100-sxm /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("GIVEN bad files and --format sarif WHEN validate runs THEN stdout is a valid SARIF 2.1.0 log with one result per problem, exit 1", () => {
    const r = runCli(["validate", NODE_TWICE, "test/fixtures/bad/unknown-key.yaml", "--format", "sarif"]);
    expect(r.status).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(validateSarif(log)).toEqual([]);
    const [run] = log.runs;
    expect(run.tool.driver).toMatchObject({ name: "ai-factory", version: VERSION });
    expect(run.results).toEqual([
      {
        ruleId: "check",
        ruleIndex: 3,
        level: "error",
        message: { text: 'nodePools.a.nodes[1]: node "gpu-01" is listed twice in this pool' },
        locations: [{ physicalLocation: { artifactLocation: { uri: NODE_TWICE, uriBaseId: "%SRCROOT%" }, region: { startLine: 8, startColumn: 21 } } }],
      },
      {
        ruleId: "schema",
        ruleIndex: 2,
        level: "error",
        message: {
          text: 'nodepools: unknown key "nodepools"; allowed keys: backend, catalog, cluster, costs, description, gateway, gpuOperator, mirror, modelStore, models, monitoring, name, namespaces, nodePools, strictKvFit',
        },
        locations: [
          { physicalLocation: { artifactLocation: { uri: "test/fixtures/bad/unknown-key.yaml", uriBaseId: "%SRCROOT%" }, region: { startLine: 10, startColumn: 1 } } },
        ],
      },
    ]);
    expect(r.stderr.split("\n")[2]).toBe("2 problems found.");
  });

  test("GIVEN valid files and --format=sarif WHEN validate runs THEN the log is valid with no results, exit 0", () => {
    const r = runCli(["validate", "--format=sarif"]);
    expect(r.status).toBe(0);
    const log = JSON.parse(r.stdout);
    expect(validateSarif(log)).toEqual([]);
    expect(log.runs[0].results).toEqual([]);
    expect(r.stderr).toBe("");
  });

  test("GIVEN a usage error with --format sarif WHEN run THEN stdout is empty (an upload fails rather than report a clean run), exit 2", () => {
    expect(inProcess(["validate", "--bogus", "--format", "sarif"])).toEqual({
      code: 2,
      out: "",
      err: "ai-factory: unknown option --bogus for validate\nRun `npx ai-factory help` for usage.",
    });
  });

  test("GIVEN a wrong --format WHEN validate runs THEN it is a usage error naming the formats", () => {
    expect(inProcess(["validate", "--format", "xml"]).err.split("\n")[0]).toBe('ai-factory: unknown format "xml" for validate; known: text, json, sarif');
    expect(inProcess(["validate", "--format"]).err.split("\n")[0]).toBe("ai-factory: --format needs a value: text, json, sarif");
    const both = inProcess(["validate", "--json", "--format", "sarif"]);
    expect(both.code).toBe(2);
    expect(JSON.parse(both.out)).toEqual({ valid: false, usage: "two output formats given: json and sarif" });
    expect(inProcess(["images", "environments/dev.yaml", "--format", "sarif"]).err.split("\n")[0]).toBe("ai-factory: unknown option --format for images");
  });

  test("GIVEN --format json WHEN validate runs THEN it is --json", () => {
    const r = inProcess(["validate", "environments/staging.yaml", "--format", "json"], REPO);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ valid: true, environments: [{ name: "staging" }] });
  });
});

describe("the README's examples of a problem", () => {
  test("GIVEN the staging example with profile 3g.71gb WHEN validated as text and with --json THEN the README shows exactly that output", () => {
    const dir = tempDir();
    try {
      const staging = fs.readFileSync(path.join(REPO, "environments", "staging.yaml"), "utf8");
      expect(staging).toContain("profile: 3g.40gb");
      fs.mkdirSync(path.join(dir, "environments"));
      fs.writeFileSync(path.join(dir, "environments", "staging.yaml"), staging.replace("profile: 3g.40gb", "profile: 3g.71gb"));
      const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
      const out: string[] = [];
      const err: string[] = [];
      const before = process.cwd();
      process.chdir(dir);
      try {
        expect(runInProcess(["validate", "environments/staging.yaml"], { out: (l) => out.push(l), err: (l) => err.push(l) })).toBe(1);
        expect(runInProcess(["validate", "environments/staging.yaml", "--json"], { out: (l) => out.push(l), err: () => undefined })).toBe(1);
      } finally {
        process.chdir(before);
      }
      expect(err[0]).toMatch(/^environments\/staging\.yaml:\d+:16: nodePools\.h100\.gpuSharing\.profile: unknown MIG profile "3g\.71gb" for h100-sxm; allowed: /);
      // When this fails, paste the real output into README.md (Command line).
      expect(readme).toContain(`\`\`\`\n${err.join("\n")}\n\`\`\``);
      expect(readme).toContain(`\`\`\`json\n${out[0]}\n\`\`\``);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("validate: concurrency above the KV cache at the mean context is a warning", () => {
  // The example: gpt-oss-120b (60.8 GiB) on one RTX PRO 6000 at 65,536 tokens, 16 sequences, a coding
  // agent's 48,000 prompt + 4,000 output tokens (mean context 48,000 + 4,000 ÷ 2 = 50,000). vLLM starts it: one
  // sequence is 36,864 B × 65,536 + 4.5 MiB = 2.25 GiB, 60.8 + 2.25 + 2 ≤ 86.4 GiB. The 23.6 GiB left hold
  // floor(25,340,307,046.4 ÷ 2,420,637,696) = 10 sequences at the full context and
  // floor(25,340,307,046.4 ÷ (36,864 × 50,000 + 4,718,592)) = 13 at the mean.
  const WORKSTATION = [
    "name: workstation",
    "description: gpt-oss-120b for a coding agent on one RTX PRO 6000",
    "cluster: { kubeconfig: { context: lab } }",
    "nodePools:",
    "  ws: { nodes: [ws-01], server: rtx-pro-6000-ws-4 }",
    "models:",
    "  gpt-oss-120b:",
    "    model: gpt-oss-120b",
    "    pool: ws",
    "    maxContextTokens: 65536",
    "    maxConcurrentSequences: 16",
    "    demand:",
    "      tokensPerDay: 1000000",
    "      mix: { input: 0.9, cachedInput: 0, cacheWrite: 0, output: 0.1 }",
    "      promptTokens: 48000",
    "      outputTokens: 4000",
    "modelStore:",
    "  volume: { kind: storageClass, storageClass: cephfs }",
    "  source: { kind: s3, endpoint: https://s3.example, bucket: weights, credentialsSecret: s3-creds }",
    "",
  ].join("\n");
  const MESSAGE =
    "16 sequences may run at once, but the KV cache holds 13 at the workload's mean context of 50,000 tokens (10 at the full 65,536): " +
    "vLLM will queue or preempt the rest; lower maxConcurrentSequences to 13, raise the KV memory (gpuMemoryUtilization, kvCacheDtype: fp8, tensorParallel), " +
    "or set strictKvFit: true to refuse it";
  // `    maxConcurrentSequences: 16`: the value starts at line 11, column 29.
  const LINE = `workstation.yaml:11:29: models.gpt-oss-120b.maxConcurrentSequences: warning: ${MESSAGE}`;

  /** The CLI in a directory holding workstation.yaml (with `edit` applied): exit code, stdout and stderr lines. */
  function run(argv: readonly string[], edit: (yaml: string) => string = (y) => y): { code: number; out: string[]; err: string[] } {
    const dir = tempDir();
    const out: string[] = [];
    const err: string[] = [];
    const before = process.cwd();
    try {
      fs.writeFileSync(path.join(dir, "workstation.yaml"), edit(WORKSTATION));
      process.chdir(dir);
      const code = runInProcess(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
      return { code, out, err };
    } finally {
      process.chdir(before);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test("GIVEN the issue's example WHEN validated THEN it is valid (exit 0) and stderr has the warning, located, naming both numbers", () => {
    const r = run(["validate", "workstation.yaml"]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual(["workstation.yaml: ok (1 node pool, 4 GPUs, 1 warning)"]);
    expect(r.err).toEqual([LINE, "1 warning found; the files are valid."]);
    // AND the README shows exactly that output (Serving a model); when this fails, paste the real output there.
    const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
    expect(readme).toContain(`\`\`\`\n${[...r.out, ...r.err].join("\n")}\n\`\`\``);
  });

  test("GIVEN the issue's example and --json WHEN validated THEN the warning is in `warnings` beside valid: true", () => {
    const r = run(["validate", "workstation.yaml", "--json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out.join("\n"));
    expect(json.valid).toBe(true);
    expect(json.warnings).toEqual([
      {
        file: "workstation.yaml",
        line: 11,
        column: 29,
        path: "models.gpt-oss-120b.maxConcurrentSequences",
        message: MESSAGE,
        rule: "plan-risk",
        pathSegments: ["models", "gpt-oss-120b", "maxConcurrentSequences"],
      },
    ]);
    // AND the report for people stays on stderr
    expect(r.err[0]).toBe(LINE);
  });

  test("GIVEN the issue's example and --format sarif WHEN validated THEN the log is valid with one result of level warning", () => {
    const r = run(["validate", "workstation.yaml", "--format", "sarif"]);
    expect(r.code).toBe(0);
    const log = JSON.parse(r.out.join("\n"));
    expect(sarifValidator()(log)).toEqual([]);
    const [run0] = log.runs;
    expect(run0.results).toEqual([
      {
        ruleId: "plan-risk",
        ruleIndex: 6,
        level: "warning",
        message: { text: `models.gpt-oss-120b.maxConcurrentSequences: ${MESSAGE}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: "workstation.yaml", uriBaseId: "%SRCROOT%" }, region: { startLine: 11, startColumn: 29 } } }],
      },
    ]);
    expect(run0.tool.driver.rules[6]).toMatchObject({ id: "plan-risk", defaultConfiguration: { level: "warning" } });
  });

  test("GIVEN strictKvFit: true on the model WHEN validated THEN it is refused as before (exit 1), with no warning", () => {
    const r = run(["validate", "workstation.yaml"], (y) => y.replace("    maxConcurrentSequences: 16\n", "    maxConcurrentSequences: 16\n    strictKvFit: true\n"));
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(
      /^workstation\.yaml:7:3: models\.gpt-oss-120b: does not fit one rtx-pro-6000 \(96 GiB × 0\.90 = 86\.4 GiB\): weights 60\.8 GiB \+ KV cache 36\.1 GiB .* = 98\.9 GiB \(strictKvFit: every sequence at maxContextTokens\); use /,
    );
    expect(r.err.join("\n")).not.toContain("warning:");
  });

  test("GIVEN strictKvFit: true for the environment WHEN validated THEN it is refused too", () => {
    const r = run(["validate", "workstation.yaml"], (y) => `${y}strictKvFit: true\n`);
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/\(strictKvFit: every sequence at maxContextTokens\); use /);
  });

  test("GIVEN the issue's example WHEN planned with --json THEN each model carries both counts and the risk", () => {
    const r = run(["plan", "workstation.yaml", "--json"]);
    expect(r.code).toBe(0);
    const [m] = JSON.parse(r.out.join("\n")).models;
    expect(m).toMatchObject({
      strictKvFit: false,
      sequencesAtContext: 10,
      meanContextTokens: 50000,
      meanContextAssumed: false,
      sequencesAtMeanContext: 13,
      preemptionRisk: true,
    });
  });
});
