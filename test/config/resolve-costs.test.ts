import { ON_PREM_ID } from "../../config/resolve-costs";
import { ON_PREM_ID as TCO_ON_PREM_ID } from "../../planning/tco";
import { envFromYaml, modelsEnvYaml, resolveProblems } from "../helpers/env";


function yaml(models: string, costs: string): string {
  return modelsEnvYaml("  h200: { nodes: [g1], server: hgx-h200-8 }", models, costs);
}

const problemsOf = resolveProblems;

const MODEL = "  m: { model: llama-3.1-8b, pool: h200, maxContextTokens: 8192 }";
/** GPU rentals billed by the hour (`alwaysOn: false`) price the hours a demand needs. */
const MODEL_WITH_DEMAND =
  "  m: { model: llama-3.1-8b, pool: h200, maxContextTokens: 8192, demand: { tokensPerDay: 1000000, mix: { input: 0.5, cachedInput: 0, cacheWrite: 0, output: 0.5 } } }";

describe("costs: resolution", () => {
  test("GIVEN price-book ids and an inline contract WHEN resolved THEN each alternative carries its prices and sources", () => {
    const env = envFromYaml(
      yaml(
        MODEL_WITH_DEMAND,
        `costs:
  alternatives:
    - api: claude-sonnet-4.5
    - api: { id: my-contract, usdPerMillion: { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 } }
    - gpuRental: aws-p5
    - gpuRental: { id: quote-2026, usdPerGpuHour: 6.88 }
      alwaysOn: false
`,
      ),
    );
    expect(env.alternatives.map((a) => [a.kind, a.id])).toEqual([
      ["api", "claude-sonnet-4.5"],
      ["api", "my-contract"],
      ["gpu-rental", "aws-p5"],
      ["gpu-rental", "quote-2026"],
    ]);
    const sonnet = env.alternatives[0];
    expect(sonnet.kind === "api" && sonnet.usdPerMillion).toEqual({ input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 });
    expect(sonnet.sources.length).toBeGreaterThan(0);
    const p5 = env.alternatives[2];
    expect(p5.kind === "gpu-rental" && p5.gpu).toBe("h100-sxm");
    const quote = env.alternatives[3];
    expect(quote.kind === "gpu-rental" && quote.alwaysOn).toBe(false);
  });

  test("GIVEN no costs section WHEN resolved THEN the catalog defaults apply", () => {
    const env = envFromYaml(yaml(MODEL, ""));
    expect(env.config.costs).toMatchObject({ hoursPerMonth: 730, horizonMonths: [24, 36], amortizationYears: 4, pue: 1.5, utilization: 0.5, allowShortfall: false });
    expect(env.alternatives.map((a) => a.id)).toEqual(["claude-sonnet-4.5", "gpt-5"]);
  });
});

describe("costs: bad entries name the path", () => {
  test.each<[string, string, string, string[]]>([
    [
      "a mix that does not sum to 1",
      "  m: { model: llama-3.1-8b, pool: h200, demand: { tokensPerDay: 1000000, mix: { input: 0.5, cachedInput: 0.2, cacheWrite: 0, output: 0.2 } } }",
      "",
      ["test.yaml: models.m.demand.mix: fractions must sum to 1, got 0.9 (input 0.5 + cachedInput 0.2 + cacheWrite 0 + output 0.2)"],
    ],
    [
      "a mix fraction above 1",
      "  m: { model: llama-3.1-8b, pool: h200, demand: { tokensPerDay: 1000000, mix: { input: 1.5, cachedInput: 0, cacheWrite: 0, output: 0.5 } } }",
      "",
      [expect.stringMatching(/^test\.yaml: models\.m\.demand\.mix\.input: .*got 1\.5$/) as unknown as string],
    ],
    [
      "a peak below the average",
      "  m: { model: llama-3.1-8b, pool: h200, demand: { tokensPerDay: 1000000, peakToAverage: 0.5, mix: { input: 0.5, cachedInput: 0, cacheWrite: 0, output: 0.5 } } }",
      "",
      [expect.stringMatching(/^test\.yaml: models\.m\.demand\.peakToAverage: .*got 0\.5$/) as unknown as string],
    ],
    [
      "an unknown API price",
      MODEL,
      "costs: { alternatives: [ { api: claude-sonnet-9 } ] }\n",
      [expect.stringMatching(/^test\.yaml: costs\.alternatives\[0\]\.api: unknown API price "claude-sonnet-9"; known: .*claude-sonnet-4\.5.*gpt-5/) as unknown as string],
    ],
    [
      "an unknown GPU rental price",
      MODEL,
      "costs: { alternatives: [ { gpuRental: aws-p9 } ] }\n",
      [expect.stringMatching(/^test\.yaml: costs\.alternatives\[0\]\.gpuRental: unknown GPU rental price "aws-p9"; known: .*aws-p5.*coreweave-h100/) as unknown as string],
    ],
    [
      "an alternative listed twice",
      MODEL,
      "costs: { alternatives: [ { api: gpt-5 }, { api: gpt-5 } ] }\n",
      ['test.yaml: costs.alternatives: alternative "gpt-5" is listed twice'],
    ],
    [
      "a PUE below 1",
      MODEL,
      "costs: { pue: 0.9 }\n",
      [expect.stringMatching(/^test\.yaml: costs\.pue: .*got 0\.9$/) as unknown as string],
    ],
    [
      "an unknown cost key",
      MODEL,
      "costs: { electricityPrice: 0.1 }\n",
      [expect.stringMatching(/^test\.yaml: costs\.electricityPrice: unknown key "electricityPrice"; allowed keys: .*electricityUsdPerKwh/) as unknown as string],
    ],
  ])("GIVEN %s WHEN loaded THEN the error names the path", (_, models, costs, expected) => {
    expect(problemsOf(yaml(models, costs))).toEqual(expected);
  });
});

describe("costs: alternatives the report cannot price", () => {
  test("GIVEN an inline alternative named on-prem WHEN validated THEN it is refused: reports name the factory so", () => {
    expect(ON_PREM_ID).toBe(TCO_ON_PREM_ID);
    const costs = "costs:\n  alternatives:\n    - api: { id: on-prem, usdPerMillion: { input: 1, cachedInput: 1, cacheWrite: 1, output: 1 } }\n";
    expect(problemsOf(yaml(MODEL, costs))).toEqual([
      'test.yaml: costs.alternatives[0].api.id: "on-prem" names the factory itself in reports and charts; choose another id',
    ]);
  });

  test("GIVEN a rental billed by the GPU-hours of a demand no model declares WHEN validated THEN it is refused", () => {
    const costs = "costs:\n  alternatives:\n    - gpuRental: aws-p5\n      alwaysOn: false\n";
    expect(problemsOf(yaml(MODEL, costs))).toEqual([
      "test.yaml: costs.alternatives[0].alwaysOn: false prices the GPU-hours the demand needs, and no model declares a demand; declare models.<name>.demand, or set alwaysOn: true",
    ]);
  });
});
