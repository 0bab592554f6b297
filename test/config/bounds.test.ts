/**
 * Every number of the environment format is bounded on both sides, each bound with its reason
 * (issue 8): one test per bound, matching its message, on a file that is valid but for that value.
 */
import { stringify } from "yaml";
import { parseEnvironment } from "../../config/loader";
import { formatProblem, formatPath, show } from "../../config/errors";
import { EnvironmentSchema } from "../../config/schema";
import { schemaAt } from "../../config/zod-issues";
import { modelsEnvYaml, resolveProblems } from "../helpers/env";

type Json = Record<string, unknown>;

/** A file with every optional section that holds a number, valid as it stands. */
function base(): Json {
  return {
    name: "test",
    description: "bounds",
    cluster: { kubeconfig: { context: "c" } },
    nodePools: {
      gpu: {
        nodes: ["n1"],
        server: { id: "hgx-h100-8", gpusPerServer: 8, priceUsd: 300000, powerKw: { idle: 1, max: 10 }, interconnect: { kind: "nvlink", gbpsPerGpu: 450 } },
      },
      shared: { nodes: ["n2"], server: "l40s-8", gpuSharing: { mode: "time-slicing", replicasPerGpu: 4 } },
    },
    gpuOperator: { timeoutSeconds: 900 },
    models: {
      m: {
        model: "llama-3.1-8b",
        pool: "gpu",
        maxContextTokens: 8192,
        maxConcurrentSequences: 16,
        replicas: 1,
        gpuMemoryUtilization: 0.9,
        overheadGiB: 2,
        measuredTokensPerSecond: 1000,
        autoscaling: { waitingRequestsThreshold: 5 },
        demand: { tokensPerDay: 1e6, mix: { input: 0.5, cachedInput: 0, cacheWrite: 0, output: 0.5 }, peakToAverage: 2, promptTokens: 1000, outputTokens: 200, maxSecondsPerOutputToken: 0.05 },
      },
      auto: { model: "llama-3.1-8b", pool: "gpu", replicas: { min: 1, max: 2 } },
      inline: {
        model: {
          id: "llama-3.1-8b",
          parametersB: { total: 8, active: 8 },
          layers: 32,
          hiddenSize: 4096,
          attentionHeads: 32,
          kvHeads: 8,
          headDim: 128,
          attention: { kind: "gqa", slidingWindow: { layers: 16, windowTokens: 4096 } },
          defaultContextTokens: 131072,
          checkpointGiB: 15,
        },
        pool: "gpu",
      },
      mla: { model: { id: "deepseek-v3", attention: { kind: "mla", kvLoraRank: 512, qkRopeHeadDim: 64 } }, pool: "gpu" },
    },
    modelStore: {
      volume: { kind: "storageClass", storageClass: "cephfs" },
      source: { kind: "s3", endpoint: "https://s3.example", bucket: "weights", credentialsSecret: "s3-creds" },
      headroomPercent: 20,
      sizeGiB: 500,
      prefetchTimeoutMinutes: 60,
    },
    costs: {
      hoursPerMonth: 730,
      horizonMonths: [24, 36],
      amortizationYears: 4,
      residualPercent: 0,
      infraCapexPercent: 10,
      electricityUsdPerKwh: 0.12,
      pue: 1.4,
      spaceUsdPerMonth: 600,
      spaceUsdPerKwMonth: 0,
      supportPercentPerYear: 12,
      staff: { fte: 1, usdPerYear: 200000 },
      utilization: 0.6,
      alternatives: [
        { api: { id: "contract", usdPerMillion: { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 } } },
        { gpuRental: { id: "quote", usdPerGpuHour: 6.88 } },
      ],
    },
    catalog: {
      gpus: {
        "h100-sxm": {
          memoryGiB: 80,
          memoryBandwidthTBps: 3.35,
          denseTflops: { bf16: 989, fp8: 1979, fp4: null },
          tdpW: 700,
          migProfiles: [{ name: "1g.10gb", memoryGiB: 10, instancesPerGpu: 7 }],
          source: { url: "https://example.com/datasheet", date: "2025-01" },
        },
      },
      calibration: { computeEfficiency: 0.5, computeEfficiencyFp4: 0.4, weightBandwidthEfficiency: 0.8, kvBandwidthEfficiency: 0.6, prefillEfficiency: 0.8, prefillEfficiencyFp4: 0.5, moeEfficiency: 0.5, interconnectEfficiency: 0.7, pcieEfficiency: 0.5, allReduceLatencyUs: 10, stepOverheadMs: 1, sequenceOverheadUs: 5, attentionEfficiency: 0.4, moeExpertTokensHalf: 8, crossDomainEfficiency: 0.7, source: { url: "bench", date: "2025-01" } },
      registry: { pullMBps: 50, source: { url: "measured", date: "2025-01" } },
    },
  };
}

function setAt(doc: Json, path: readonly (string | number)[], value: unknown): Json {
  let cur = doc as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) cur = cur[part] as Record<string | number, unknown>;
  cur[path[path.length - 1]] = value;
  return doc;
}

/** The schema's problems of the base file with `value` at `path`, as printed. */
function schemaProblems(path: readonly (string | number)[], value: unknown): string[] {
  const doc = setAt(base(), path, value);
  const parsed = EnvironmentSchema.safeParse(doc);
  if (parsed.success) return [];
  // Through the loader, so the lines are what a user sees.
  const { problems } = parseEnvironment("test.yaml", stringify(doc));
  return problems.map(formatProblem);
}

describe("bounds: the base file", () => {
  test("GIVEN every optional number set inside its bounds WHEN parsed THEN the schema accepts it", () => {
    expect(EnvironmentSchema.safeParse(base()).error?.issues).toBeUndefined();
  });
});

type Row = readonly [path: readonly (string | number)[], value: number, message: string];

const ROWS: readonly Row[] = [
  [["nodePools", "gpu", "server", "gpusPerServer"], 17, "must be at most 16 (GPUs in one server, one Kubernetes node; HGX boards carry 8)"],
  [["nodePools", "gpu", "server", "priceUsd"], 1e8, "must be at most 10000000 (USD for one server; more is a typo or a whole cluster's quote)"],
  [["nodePools", "gpu", "server", "powerKw", "idle"], 201, "must be at most 200 (kW for one server; a whole GB200 NVL72 rack draws about 130)"],
  [["nodePools", "gpu", "server", "powerKw", "max"], 1e308, "must be at most 200 (kW for one server; a whole GB200 NVL72 rack draws about 130)"],
  [["nodePools", "gpu", "server", "interconnect", "gbpsPerGpu"], 0.5, "must be at least 1 (GB/s, one PCIe Gen3 lane; the figure is in gigabytes per second)"],
  [["nodePools", "gpu", "server", "interconnect", "gbpsPerGpu"], 20000, "must be at most 10000 (GB/s per direction; NVLink 5 gives a GPU 900)"],
  [["nodePools", "shared", "gpuSharing", "replicasPerGpu"], 65, "must be at most 64 (pods sharing one GPU's memory with no isolation; 64 shares of an 80 GB GPU leave 1.25 GB each)"],
  [["gpuOperator", "timeoutSeconds"], 59, "must be at least 60 (seconds; the operator's first install pulls several images)"],
  [["gpuOperator", "timeoutSeconds"], 86401, "must be at most 86400 (seconds, one day; a release not ready by then has failed)"],
  [["models", "m", "tensorParallel"], 32, "must be at most 16 (GPUs of one server; serving across servers is out of scope)"],
  [["models", "m", "maxContextTokens"], 128, "must be at least 256 (tokens; vLLM needs room for a prompt and an answer)"],
  [["models", "m", "maxContextTokens"], 2e7, "must be at most 10000000 (tokens; the longest contexts published are 10 million tokens)"],
  [["models", "m", "maxConcurrentSequences"], 0, "must be at least 1 (a replica serves at least one sequence)"],
  [["models", "m", "maxConcurrentSequences"], 16385, "must be at most 16384 (sequences one replica decodes at once; vLLM's default is 256)"],
  [["models", "m", "replicas"], 0, "must be at least 1 (scale-to-zero needs a request-holding router)"],
  [["models", "m", "replicas"], 1001, "must be at most 1000 (replicas of one model in one environment; plan a larger fleet as several pools or clusters)"],
  [["models", "auto", "replicas", "max"], 1e15, "must be at most 1000 (replicas of one model in one environment; plan a larger fleet as several pools or clusters)"],
  [["models", "m", "gpuMemoryUtilization"], 0.4, "must be at least 0.5 (a share of GPU memory; below half, the weights of most models leave no KV cache)"],
  [["models", "m", "gpuMemoryUtilization"], 0.99, "must be at most 0.98 (a share of GPU memory; the CUDA context and other processes need the rest)"],
  [["models", "m", "overheadGiB"], 2000, "must be at most 1024 (GiB per GPU; no GPU has 1 TiB)"],
  [["models", "m", "measuredTokensPerSecond"], 0.001, "must be at least 0.01 (output tokens per second; a replica slower than that serves no one)"],
  [["models", "m", "measuredTokensPerSecond"], 1e300, "must be at most 10000000 (output tokens per second of one replica; it must also stay under the replica's compute ceiling)"],
  [["models", "m", "autoscaling", "waitingRequestsThreshold"], 1e5, "must be at most 10000 (queued requests per replica; a replica serves a few hundred at once)"],
  [["models", "m", "demand", "tokensPerDay"], 0.5, "must be at least 1 (tokens a day; leave `demand` out for a model with none yet)"],
  [["models", "m", "demand", "tokensPerDay"], 1e16, "must be at most 1e15 (a quadrillion tokens a day; more is a unit mistake)"],
  [["models", "m", "demand", "peakToAverage"], 0.5, "must be at least 1 (the busiest hour's rate over the day's average)"],
  [["models", "m", "demand", "peakToAverage"], 1e308, "must be at most 100 (a peak of 100 times the average carries a whole day's tokens in under 15 minutes)"],
  [["models", "m", "demand", "maxSecondsPerOutputToken"], 61, "must be at most 60 (seconds per output token; a slower target is no latency target)"],
  [["models", "m", "demand", "mix", "input"], -0.1, "must be at least 0 (a share cannot be negative)"],
  [["models", "m", "demand", "mix", "cachedInput"], 1.5, "must be at most 1 (a share of the whole)"],
  [
    ["models", "m", "demand", "mix", "output"],
    0,
    "must be at least 0.000001 (every request generates at least one token; with none, a replica's rate in tokens of all classes is unbounded)",
  ],
  [["models", "inline", "model", "parametersB", "total"], 0.0001, "must be at least 0.001 (billions of parameters: one million; the figure is in billions)"],
  [["models", "inline", "model", "parametersB", "active"], 1e6, "must be at most 100000 (billions of parameters: 100 trillion; the largest published models have about 2 trillion)"],
  [["models", "inline", "model", "layers"], 1001, "must be at most 1000 (layers; published models have at most a few hundred)"],
  [["models", "inline", "model", "hiddenSize"], 131073, "must be at most 131072 (published models use at most about 16,000)"],
  [["models", "inline", "model", "attentionHeads"], 1025, "must be at most 1024 (heads; published models use at most 128)"],
  [["models", "inline", "model", "kvHeads"], 1025, "must be at most 1024 (heads; published models use at most 128)"],
  [["models", "inline", "model", "headDim"], 1025, "must be at most 1024 (published models use 64 to 256)"],
  [["models", "inline", "model", "attention", "slidingWindow", "layers"], 1001, "must be at most 1000 (layers; published models have at most a few hundred)"],
  [["models", "inline", "model", "attention", "slidingWindow", "windowTokens"], 2e7, "must be at most 10000000 (tokens; the longest contexts published are 10 million tokens)"],
  [["models", "inline", "model", "defaultContextTokens"], 2e7, "must be at most 10000000 (tokens; the longest contexts published are 10 million tokens)"],
  [["models", "inline", "model", "checkpointGiB"], 1e6, "must be at most 100000 (GiB; a 2-trillion-parameter checkpoint in bf16 is about 3,700)"],
  [["models", "mla", "model", "attention", "kvLoraRank"], 65537, "must be at most 65536 (DeepSeek-V3 uses 512)"],
  [["models", "mla", "model", "attention", "qkRopeHeadDim"], 1025, "must be at most 1024 (DeepSeek-V3 uses 64)"],
  [["modelStore", "headroomPercent"], 501, "must be at most 500 (percent beyond the weights)"],
  [["modelStore", "sizeGiB"], 2 ** 21, "must be at most 1048576 (GiB, 1 PiB)"],
  [["modelStore", "prefetchTimeoutMinutes"], 4, "must be at least 5 (minutes; a download of any checkpoint takes longer)"],
  [["modelStore", "prefetchTimeoutMinutes"], 10081, "must be at most 10080 (minutes, one week)"],
  [["costs", "hoursPerMonth"], 8760, "must be at most 744 (a month has at most 31 × 24 hours)"],
  [["costs", "hoursPerMonth"], 1, "must be at least 672 (a month has at least 28 × 24 hours)"],
  [["costs", "horizonMonths", 0], 100000, "must be at most 600 (months: a horizon of at most 50 years)"],
  [["costs", "horizonMonths", 1], 1e15, "must be at most 600 (months: a horizon of at most 50 years)"],
  [["costs", "amortizationYears"], 0.5, "must be at least 1 (years; servers are depreciated over 3 to 6)"],
  [["costs", "amortizationYears"], 51, "must be at most 50 (years)"],
  [["costs", "residualPercent"], 101, "must be at most 100 (percent of capex: nothing resells for more than it cost)"],
  [["costs", "infraCapexPercent"], 1001, "must be at most 1000 (percent of the servers' price; more is a typo)"],
  [["costs", "electricityUsdPerKwh"], 11, "must be at most 10 (USD per kWh; electricity costs under 1 everywhere)"],
  [["costs", "pue"], 0.9, "must be at least 1 (facility power over IT power)"],
  [["costs", "pue"], 6, "must be at most 5 (even old server rooms run below 3)"],
  [["costs", "spaceUsdPerMonth"], 1e8, "must be at most 10000000 (USD a month)"],
  [["costs", "spaceUsdPerKwMonth"], 10001, "must be at most 10000 (USD per kW-month; colocation rents for a few hundred)"],
  [["costs", "supportPercentPerYear"], 101, "must be at most 100 (percent of capex a year: support dearer than the hardware is a typo)"],
  [["costs", "staff", "fte"], 1e308, "must be at most 10000 (full-time equivalents)"],
  [["costs", "staff", "usdPerYear"], 1e8, "must be at most 10000000 (USD a year for one person)"],
  [["costs", "utilization"], 1.5, "must be at most 1 (a share of the whole)"],
  [["costs", "alternatives", 0, "api", "usdPerMillion", "output"], 1e308, "must be at most 10000 (USD per million tokens; the dearest APIs charge a few hundred)"],
  [["costs", "alternatives", 0, "api", "usdPerMillion", "input"], -1, "must be 0 or more"],
  [["costs", "alternatives", 1, "gpuRental", "usdPerGpuHour"], 1001, "must be at most 1000 (USD per GPU-hour; cloud GPUs rent for well under 100)"],
  [["catalog", "gpus", "h100-sxm", "memoryGiB"], 0.5, "must be at least 1 (GiB)"],
  [["catalog", "gpus", "h100-sxm", "memoryGiB"], 5000, "must be at most 4096 (GiB; the largest GPUs have 288 GB)"],
  [["catalog", "gpus", "h100-sxm", "memoryBandwidthTBps"], 1e-300, "must be at least 0.01 (TB/s, 10 GB/s: slower than any GPU's memory)"],
  [["catalog", "gpus", "h100-sxm", "memoryBandwidthTBps"], 101, "must be at most 100 (TB/s; the fastest GPUs reach 8)"],
  [["catalog", "gpus", "h100-sxm", "denseTflops", "bf16"], 0.5, "must be at least 1 (TFLOPS; every data-centre GPU since 2017 has more than 100)"],
  [["catalog", "gpus", "h100-sxm", "denseTflops", "fp8"], 1e6, "must be at most 100000 (TFLOPS, 100 PFLOPS; the fastest GPUs reach about 10,000 dense at FP4)"],
  [["catalog", "gpus", "h100-sxm", "tdpW"], 20000, "must be at most 10000 (W; the most power-hungry GPUs draw about 1,400)"],
  [["catalog", "gpus", "h100-sxm", "migProfiles", 0, "memoryGiB"], 0.5, "must be at least 1 (GiB; the smallest MIG slices have 5 GB)"],
  [["catalog", "gpus", "h100-sxm", "migProfiles", 0, "instancesPerGpu"], 8, "must be at most 7 (MIG splits a GPU into at most 7 instances)"],
  [["catalog", "calibration", "computeEfficiency"], 1e-9, "must be at least 0.01 (1% of the physical ceiling; less is a mistake, not a calibration)"],
  [["catalog", "calibration", "prefillEfficiency"], 1.5, "must be at most 1 (a share of the physical ceiling)"],
  [["catalog", "calibration", "allReduceLatencyUs"], -1, "must be at least 0 (microseconds)"],
  [["catalog", "calibration", "allReduceLatencyUs"], 5000, "must be at most 1000 (microseconds per all-reduce; a millisecond is a network, not a server)"],
  [["catalog", "calibration", "stepOverheadMs"], 101, "must be at most 100 (milliseconds per decode step; slower is not a GPU server)"],
  [["catalog", "calibration", "moeExpertTokensHalf"], -1, "must be at least 0 (tokens per expert; 0 means no dependence on the batch)"],
  [["catalog", "calibration", "moeExpertTokensHalf"], 1e6, "must be at most 100000 (tokens per expert; a larger half-point means experts never run efficiently)"],
  [["catalog", "calibration", "crossDomainEfficiency"], 0, "must be at least 0.01 (1% of the physical ceiling; less is a mistake, not a calibration)"],
  [["models", "m", "demand", "promptTokens"], 0.5, "must be at least 1 (tokens in a request's prompt)"],
  [["models", "m", "demand", "outputTokens"], 2e7, "must be at most 10,000,000 (tokens generated by one request)"],
  [["catalog", "registry", "pullMBps"], 0.5, "must be at least 1 (MB/s; slower, a first install would wait hours for each image)"],
  [["catalog", "registry", "pullMBps"], 1e6, "must be at most 100000 (MB/s, 100 GB/s: faster than any node's network)"],
];

describe("bounds: every number refuses what is out of bounds, with the reason", () => {
  test.each(ROWS.map(([path, value, message]) => [formatPath(path), value, message, path] as const))(
    "GIVEN %s: %p WHEN validated THEN the problem says %s",
    (shown, value, message, path) => {
      expect(schemaProblems(path, value)).toEqual([`test.yaml: ${shown}: ${message}, got ${show(value)}`]);
    },
  );

  test.each([
    ["gpuOperator.timeoutSeconds", ["gpuOperator", "timeoutSeconds"], 86400],
    ["costs.hoursPerMonth", ["costs", "hoursPerMonth"], 744],
    ["costs.horizonMonths[0]", ["costs", "horizonMonths", 0], 600],
    ["models.m.demand.peakToAverage", ["models", "m", "demand", "peakToAverage"], 100],
    ["models.m.demand.tokensPerDay", ["models", "m", "demand", "tokensPerDay"], 1e15],
    ["models.m.measuredTokensPerSecond", ["models", "m", "measuredTokensPerSecond"], 1e7],
    ["models.m.replicas", ["models", "m", "replicas"], 1000],
    ["nodePools.gpu.server.interconnect.gbpsPerGpu", ["nodePools", "gpu", "server", "interconnect", "gbpsPerGpu"], 10000],
    ["nodePools.gpu.server.interconnect.gbpsPerGpu", ["nodePools", "gpu", "server", "interconnect", "gbpsPerGpu"], 1],
  ] as const)("GIVEN %s at its bound %p WHEN validated THEN the schema accepts it", (_, path, value) => {
    expect(schemaProblems(path, value)).toEqual([]);
  });

  test("GIVEN .inf, -.inf or .nan for a number WHEN validated THEN the problem quotes it as YAML writes it", () => {
    for (const [value, shown] of [
      [Infinity, ".inf"],
      [-Infinity, "-.inf"],
      [NaN, ".nan"],
    ] as const) {
      const lines = schemaProblems(["costs", "pue"], value);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^test\\.yaml: costs\\.pue: .*got ${shown.replace(".", "\\.")}$`));
    }
  });

  test("GIVEN a month count listed twice WHEN validated THEN the problem says it repeats", () => {
    expect(schemaProblems(["costs", "horizonMonths"], [12, 24, 12] as never)).toEqual([
      "test.yaml: costs.horizonMonths: must not repeat a month count, got [12,24,12]",
    ]);
  });

  test("GIVEN more than 5000 nodes in a pool WHEN validated THEN the problem names Kubernetes' limit", () => {
    const nodes = Array.from({ length: 5001 }, (_, i) => `n${i + 10}`);
    const lines = schemaProblems(["nodePools", "gpu", "nodes"], nodes as never);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^test\.yaml: nodePools\.gpu\.nodes: a node pool has at most 5000 nodes \(Kubernetes supports clusters of up to 5000 nodes\), got /);
  });
});

describe("modelStore.volume.storageClass is a Kubernetes name", () => {
  test("GIVEN Fast_SSD WHEN validated THEN it is refused before apply would refuse the claim", () => {
    const lines = resolveProblems(
      modelsEnvYaml(
        "  h200: { nodes: [g1], server: hgx-h200-8 }",
        "  m: { model: llama-3.1-8b, pool: h200, maxContextTokens: 4096 }",
      ).replace("storageClass: cephfs", "storageClass: Fast_SSD"),
    );
    expect(lines.join("\n")).toContain(
      "modelStore.volume.storageClass: must be a storage class name (a lower-case RFC 1123 subdomain such as cephfs or nfs-client), as `kubectl get storageclass` lists it",
    );
  });
});

describe("schemaAt", () => {
  test("GIVEN a path through a key named like an Object.prototype member WHEN looked up THEN it finds nothing instead of throwing", () => {
    expect(schemaAt(EnvironmentSchema as never, ["constructor", "x"], {})).toBeUndefined();
    expect(schemaAt(EnvironmentSchema as never, ["nodePools", "toString"], { nodePools: {} })).toBeDefined();
  });
});
