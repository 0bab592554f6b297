/**
 * Secrets never reach synthesized files. GIVEN credentials where a careless user might leave them
 * (the environment of the process that synthesizes: GITHUB_TOKEN, HF_TOKEN, AWS keys, VLLM_API_KEY,
 * the backends' passwords), WHEN every example environment is synthesized and every local chart is
 * rendered with the values the stacks give it, THEN no file and no manifest holds those values or
 * anything shaped like a key, and no chart renders a Secret with data: Secrets are only referenced.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";

import { POLICIES_CHART, policiesInput, policiesValues } from "../constructs/policies-values";
import { planGateway } from "../planning/gateway";
import { planEnvironment } from "../planning/plan";
import { envFromYaml } from "./helpers/env";
import { helmTemplate, type RenderedObject } from "./helpers/helm";
import { REPO } from "./helpers/run";
import { exampleEnvironment, synthesizeOutput } from "./helpers/synth-output";

const EXAMPLES = ["dev", "prod", "staging"] as const;

/** Fake credentials, recognizable and shaped like the real ones (so the patterns below would catch them too). */
const PLANTED: Readonly<Record<string, string>> = {
  GITHUB_TOKEN: `ghp_${"AiFactoryFakeGitHub0".repeat(2).slice(0, 36)}`,
  HF_TOKEN: `hf_${"AiFactoryFakeHuggingFace".repeat(2).slice(0, 34)}`,
  AWS_ACCESS_KEY_ID: "AKIAAIFACTORYFAKE123",
  AWS_SECRET_ACCESS_KEY: "aiFactoryFakeSecretAccessKey/0123456789+x",
  VLLM_API_KEY: `sk-${"aiFactoryFakeVllmKey".repeat(2)}`,
  OPENAI_API_KEY: `sk-${"aiFactoryFakeOpenAi".repeat(2)}`,
  TF_HTTP_PASSWORD: "aiFactoryFakeHttpBackendPassword",
  PG_CONN_STR: "postgres://terraform:aiFactoryFakePgPassword@db.corp.example/state",
  CONSUL_HTTP_TOKEN: "aiFactoryFakeConsulToken-0000-1111",
};

/** Shapes of real credentials. */
const KEY_PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ["OpenAI-style API key", /sk-[A-Za-z0-9]{20,}/],
  ["AWS access key id", /AKIA[0-9A-Z]{16}/],
  ["Hugging Face token", /hf_[A-Za-z0-9]{30,}/],
  ["GitHub token", /ghp_[A-Za-z0-9]{36}/],
  ["private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["JWT", /eyJ[A-Za-z0-9_-]{10,}\./],
];

/** What `text` (from `where`) leaks: planted values by name, key shapes by kind. */
function leaks(where: string, text: string): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(PLANTED)) if (text.includes(value)) found.push(`${where}: holds the value of ${name}`);
  for (const [what, pattern] of KEY_PATTERNS) {
    const m = pattern.exec(text);
    if (m !== null) found.push(`${where}: holds a ${what}: ${m[0].slice(0, 12)}…`);
  }
  return found;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

/** Secrets with content: a chart may reference Secrets, never carry one. */
function secretsWithData(objects: readonly RenderedObject[]): string[] {
  return objects
    .filter((o) => o.kind === "Secret" && (o.data !== undefined || o.stringData !== undefined))
    .map((o) => `Secret/${o.metadata.namespace ?? ""}/${o.metadata.name}`);
}

interface HelmReleaseJson {
  readonly name: string;
  readonly namespace: string;
  readonly chart: string;
  readonly values?: readonly string[];
}

/** Deep-merges plain objects (later values files win), as Helm merges `values` entries. */
function merge(base: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch) || base === null || typeof base !== "object" || Array.isArray(base)) return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) out[k] = merge(out[k], v);
  return out;
}

describe("secrets scan of the synthesized output", () => {
  let root: string;
  let outdir: string;
  const saved: Record<string, string | undefined> = {};
  /** Every rendered manifest set: [where, objects, YAML text]. */
  const rendered: Array<[string, RenderedObject[], string]> = [];

  beforeAll(async () => {
    for (const [name, value] of Object.entries(PLANTED)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    root = fs.mkdtempSync(path.join(os.tmpdir(), "ai-factory-secrets-"));
    outdir = await synthesizeOutput(root, Object.fromEntries(EXAMPLES.map((n) => [n, exampleEnvironment(n)])));

    const renderedCharts = new Set<string>();
    const render = (where: string, chartDir: string, values: unknown, releaseName: string, namespace: string) => {
      const objects = helmTemplate(chartDir, values, { releaseName, namespace });
      rendered.push([where, objects, JSON.stringify(objects)]);
    };
    // Every local chart the stacks install, with the values they give it.
    for (const env of EXAMPLES) {
      const stackDir = path.join(outdir, "stacks", env);
      const json = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as { resource?: { helm_release?: Record<string, HelmReleaseJson> } };
      for (const [id, r] of Object.entries(json.resource?.helm_release ?? {})) {
        if (!r.chart.startsWith("assets/")) continue;
        const chartDir = path.join(stackDir, r.chart);
        const chartName = (parse(fs.readFileSync(path.join(chartDir, "Chart.yaml"), "utf8")) as { name: string }).name;
        renderedCharts.add(chartName);
        const values = (r.values ?? []).map((v) => parse(v) as unknown).reduce(merge, {});
        render(`${env}: helm_release.${id} (${chartName})`, chartDir, values, r.name, r.namespace);
      }
    }
    // The policies chart, with the values the stack will give it (until it installs it itself).
    if (!renderedCharts.has(POLICIES_CHART)) {
      for (const env of EXAMPLES) {
        const resolved = envFromYaml(exampleEnvironment(env));
        const values = policiesValues(policiesInput(resolved, planEnvironment(resolved).plan, planGateway(resolved)));
        render(`${env}: ${POLICIES_CHART}`, path.join(REPO, "charts", POLICIES_CHART), values, POLICIES_CHART, "ai-models");
      }
    }
    // The gateway chart, while it is being written beside this test: only when it exists, with the
    // values its builder gives when that exists too (loaded by path: it may not be there yet).
    const gatewayValuesModule = path.join(REPO, "constructs", "gateway-chart-values.ts");
    if (fs.existsSync(path.join(REPO, "charts", "ai-gateway")) && !renderedCharts.has("ai-gateway") && fs.existsSync(gatewayValuesModule)) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const builder = (require(gatewayValuesModule) as { gatewayChartValues?: (plan: unknown, mirror?: unknown) => unknown }).gatewayChartValues;
      for (const env of builder === undefined ? [] : EXAMPLES) {
        const resolved = envFromYaml(exampleEnvironment(env));
        const plan = planGateway(resolved);
        if (plan !== undefined) render(`${env}: ai-gateway`, path.join(REPO, "charts", "ai-gateway"), builder!(plan, resolved.config.mirror), "ai-gateway", plan.namespace);
      }
    }
  }, 300_000);

  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    if (root !== undefined) fs.rmSync(root, { recursive: true, force: true });
  });

  test("GIVEN the planted credentials WHEN synthesizing THEN they were in the process environment (the scan is not vacuous)", () => {
    for (const [name, value] of Object.entries(PLANTED)) {
      expect(process.env[name]).toBe(value);
      expect(leaks("planted", value).length).toBeGreaterThan(0);
    }
  });

  test("GIVEN the output folder WHEN every file is scanned THEN none holds a planted value or a key-shaped string", () => {
    const files = filesUnder(outdir);
    const names = files.map((f) => path.relative(outdir, f));
    // The scan covers the stacks, their chart assets and the cost files.
    for (const env of EXAMPLES) expect(names).toContain(path.join("stacks", env, "cdk.tf.json"));
    expect(names.some((n) => n.startsWith(`costs${path.sep}`))).toBe(true);
    expect(names.some((n) => n.includes(`${path.sep}assets${path.sep}`))).toBe(true);
    expect(files.flatMap((f) => leaks(path.relative(outdir, f), fs.readFileSync(f, "utf8")))).toEqual([]);
  });

  test("GIVEN every local chart rendered with its values WHEN the manifests are scanned THEN none holds a planted value or a key-shaped string", () => {
    const charts = new Set(rendered.map(([where]) => where.replace(/^[^:]+: /, "").replace(/^helm_release\.[^ ]+ \((.*)\)$/, "$1")));
    const expected = ["model-server", POLICIES_CHART, ...(fs.existsSync(path.join(REPO, "constructs", "gateway-chart-values.ts")) ? ["ai-gateway"] : [])];
    expect([...charts].sort()).toEqual(expect.arrayContaining(expected));
    expect(rendered.flatMap(([where, , text]) => leaks(where, text))).toEqual([]);
  });

  test("GIVEN every local chart rendered WHEN its objects are listed THEN no Secret carries data: Secrets are only referenced", () => {
    expect(rendered.flatMap(([where, objects]) => secretsWithData(objects).map((s) => `${where}: ${s}`))).toEqual([]);
  });

  test("GIVEN the stacks WHEN their resources are listed THEN none creates a Secret with content", () => {
    for (const env of EXAMPLES) {
      const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", env, "cdk.tf.json"), "utf8")) as { resource?: Record<string, Record<string, { data?: unknown; binary_data?: unknown }>> };
      const secrets = Object.entries(json.resource ?? {})
        .filter(([type]) => /^kubernetes_secret/.test(type))
        .flatMap(([type, byName]) => Object.entries(byName).filter(([, r]) => r.data !== undefined || r.binary_data !== undefined).map(([name]) => `${env}: ${type}.${name}`));
      expect(secrets).toEqual([]);
    }
  });
});
