import { KNOWN_METRICS, METRICS, seriesNames } from "../../catalog/metrics";
import { assertPromql, checkPromql, describeProblems, isClean, metricNames } from "../../planning/promql-check";

const known = (name: string) => KNOWN_METRICS.has(name);

describe("metricNames", () => {
  test("GIVEN selectors inside functions, aggregations and binary operators WHEN read THEN every metric name is found once, sorted", () => {
    const expr =
      'sum by (model_name) (rate(vllm:prompt_tokens_total{model_name="a"}[5m])) + on (model_name) sum by (model_name) (rate(vllm:prompt_tokens_total[5m])) / max(up{job="x"})';
    expect(metricNames(expr)).toEqual(["up", "vllm:prompt_tokens_total"]);
  });

  test("GIVEN a name given as __name__ or as a quoted name WHEN read THEN it counts as the metric name", () => {
    expect(metricNames('{__name__="vllm:num_requests_waiting", model_name="a"}')).toEqual(["vllm:num_requests_waiting"]);
    expect(metricNames('{"__name__"="DCGM_FI_DEV_GPU_TEMP"}')).toEqual(["DCGM_FI_DEV_GPU_TEMP"]);
    expect(metricNames('{"gen_ai.client.token.usage", a="b"}')).toEqual(["gen_ai.client.token.usage"]);
  });

  test("GIVEN label names, function names and string literals WHEN read THEN none of them is taken for a metric", () => {
    expect(metricNames('label_replace(vector(1), "team", "a", "", "") * scalar(time())')).toEqual([]);
    expect(metricNames('histogram_quantile(0.95, sum by (le) (rate(x_bucket{le="1"}[5m])))')).toEqual(["x_bucket"]);
  });
});

describe("checkPromql", () => {
  test("GIVEN a valid query of known series WHEN checked THEN it is clean", () => {
    const check = checkPromql('histogram_quantile(0.95, sum by (le) (rate(vllm:inter_token_latency_seconds_bucket{model_name="coder"}[5m]))) > 0.05', known);
    expect(check.syntaxErrors).toEqual([]);
    expect(check.unknownMetrics).toEqual([]);
    expect(isClean(check)).toBe(true);
  });

  test("GIVEN the removed vllm:gpu_cache_usage_perc WHEN checked THEN it is reported as unknown", () => {
    const check = checkPromql('max(vllm:gpu_cache_usage_perc{model_name="coder"}) > 0.95', known);
    expect(check.syntaxErrors).toEqual([]);
    expect(check.unknownMetrics).toEqual(["vllm:gpu_cache_usage_perc"]);
    expect(describeProblems("alert KvCache", check)).toEqual([
      'alert KvCache: unknown metric vllm:gpu_cache_usage_perc in max(vllm:gpu_cache_usage_perc{model_name="coder"}) > 0.95; use a series of catalog/metrics.ts (KNOWN_METRICS) or a recorded ai_factory:* name',
    ]);
  });

  test("GIVEN a histogram queried without its _bucket suffix WHEN checked THEN it is unknown (only the exported series are)", () => {
    expect(checkPromql("rate(vllm:time_to_first_token_seconds[5m])", known).unknownMetrics).toEqual(["vllm:time_to_first_token_seconds"]);
  });

  test.each([
    ["an unclosed parenthesis", "sum(rate(up[5m])"],
    ["a Grafana macro PromQL does not know", "rate(up[$__rate_interval])"],
    ["a dangling operator", "up >"],
    ["an empty expression", "  "],
  ])("GIVEN %s WHEN checked THEN a syntax error is reported", (_, expr) => {
    const check = checkPromql(expr, known);
    expect(check.syntaxErrors.length).toBeGreaterThan(0);
    expect(isClean(check)).toBe(false);
  });

  test("GIVEN a name matched by a regular expression WHEN checked THEN the selector is reported as unchecked", () => {
    const check = checkPromql('{__name__=~"vllm:.*"}', known);
    expect(check.uncheckedSelectors).toEqual(['{__name__=~"vllm:.*"}']);
    expect(isClean(check)).toBe(false);
  });
});

describe("assertPromql", () => {
  test("GIVEN clean expressions WHEN asserted THEN it returns", () => {
    expect(() => assertPromql({ "panel A": "up == 0", "panel B": "sum(rate(vllm:generation_tokens_total[5m]))" }, known)).not.toThrow();
  });

  test("throws when an expression is broken, naming where and listing every problem", () => {
    expect(() => assertPromql([["rule x", "vllm:gpu_cache_usage_perc"], ["rule y", "sum(up"]], known)).toThrow(
      /^invalid PromQL:\nrule x: unknown metric vllm:gpu_cache_usage_perc in vllm:gpu_cache_usage_perc;.*\nrule y: PromQL syntax error at \d+: unexpected end of expression in sum\(up$/,
    );
  });
});

describe("KNOWN_METRICS (catalog/metrics.ts)", () => {
  test("GIVEN a histogram WHEN expanded THEN its _bucket, _sum and _count series are known and the bare name is not", () => {
    expect(seriesNames(METRICS.vllmTimeToFirstToken)).toEqual([
      "vllm:time_to_first_token_seconds_bucket",
      "vllm:time_to_first_token_seconds_sum",
      "vllm:time_to_first_token_seconds_count",
    ]);
    expect(KNOWN_METRICS.has("gen_ai_client_token_usage_sum")).toBe(true);
    expect(KNOWN_METRICS.has("gen_ai_client_token_usage")).toBe(false);
  });

  test("GIVEN counters WHEN listed THEN they carry the suffix their exporter serves", () => {
    expect(KNOWN_METRICS.has("vllm:prompt_tokens_total")).toBe(true);
    expect(KNOWN_METRICS.has("vllm:prompt_tokens")).toBe(false);
    expect(KNOWN_METRICS.has("ratelimit_service_rate_limit_over_limit")).toBe(true);
    expect(KNOWN_METRICS.has("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION")).toBe(true);
  });

  test("GIVEN the names vLLM removed or renamed WHEN looked up THEN none is known", () => {
    for (const gone of ["vllm:gpu_cache_usage_perc", "vllm:gpu_prefix_cache_hits_total", "vllm:time_per_output_token_seconds_bucket"]) {
      expect(KNOWN_METRICS.has(gone)).toBe(false);
    }
  });

  test("GIVEN every catalog entry WHEN read THEN it has a version, a unit, labels and a source pinned to a tag or a commit", () => {
    for (const metric of Object.values(METRICS)) {
      expect(metric.version).not.toBe("");
      expect(metric.unit).not.toBe("");
      expect(metric.labels.length).toBeGreaterThan(0);
      expect(metric.source.url).toMatch(/^https:\/\//);
      if (metric.component !== "prometheus") expect(metric.source.url).toMatch(/\/blob\/(v0\.16\.0|4\.4\.2-4\.7\.0|v1\.1\.0|v1\.8\.3)\//);
    }
  });
});
