/**
 * Nothing from an environment file is evaluated by Terraform (issue 8, "Nothing injected"). Every
 * string of the example environments and the good fixtures, and of a few files that set every
 * optional string, is given template syntax — `${file("x")}`, `%{ if true }x%{ endif }`, an
 * already escaped `$${…}` — in whatever form still validates; the synthesized JSON must then hold
 * no live `${`/`%{` except the stack's own references, and the payloads must arrive as text.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import { parse, stringify } from "yaml";
import { formatProblem } from "../../config/errors";
import { parseEnvironment } from "../../config/loader";
import { checkModelStore } from "../../planning/model-store";
import { checkEnvironment } from "../../planning/check";
import { AiFactoryStack } from "../../stacks/ai-factory-stack";
import { jsonStrings, readTemplate } from "../helpers/terraform-template";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;
type Path = (string | number)[];

/** The references the stack itself makes; nothing else may be live. */
const STACK_REFERENCES = ["${var.kubeconfig_path}", "${var.kubeconfig_context}"];

/**
 * The payloads. The first ends with `$` and the second with `%`, so a value that ends up right
 * before a `{` of the code around it would show up as a live sequence too.
 */
const PAYLOADS = {
  interpolation: '${file("x")}$',
  directive: "%{ if true }x%{ endif }%",
  escaped: '$${file("y")}',
} as const;
type PayloadKind = keyof typeof PAYLOADS;

const ROOT = path.join(__dirname, "..", "..");

/** Files that set the optional strings the examples leave out. */
const RICH_BASE = (name: string, backend: string, store: string) => `name: ${name}
description: every optional string of the format
cluster:
  kubeconfig: { path: ~/.kube/${name}.yaml, context: ${name} }
backend: ${backend}
mirror: { registry: registry.corp.example/mirror, chartRepository: https://charts.corp.example/mirror }
nodePools:
  h200:
    nodes: [gpu-01, gpu-02]
    server: { id: hgx-h200-8, priceUsd: 400000 }
    labels: { topology.corp.example/rack: r12 }
    taint: { key: dedicated, value: inference, effect: NoSchedule }
monitoring:
  serviceMonitorLabels: { release: kube-prometheus-stack }
models:
  coder:
    model: { id: qwen3-32b, name: Qwen3 32B for coding }
    pool: h200
    tensorParallel: 2
    maxContextTokens: 32768
    replicas: { min: 1, max: 3 }
    autoscaling: { kind: keda, prometheusServerAddress: "http://prometheus-operated.monitoring.svc:9090" }
    apiKeySecret: { name: vllm-api-key, key: api-key }
${store}
catalog:
  gpus:
    h200:
      name: NVIDIA H200 SXM (quoted)
      source: { url: https://example.com/quote, date: 2025-01, note: our quote }
costs:
  alternatives:
    - api: { id: contract, usdPerMillion: { input: 1, cachedInput: 0.1, cacheWrite: 1, output: 4 } }
    - gpuRental: { id: quote, usdPerGpuHour: 3 }
`;

const RICH: Record<string, string> = {
  "rich-nfs-http": RICH_BASE(
    "rich-nfs-http",
    "{ type: http, address: https://state.corp.example/rich, lockAddress: https://state.corp.example/rich/lock, unlockAddress: https://state.corp.example/rich/unlock }",
    `modelStore:
  volume: { kind: nfs, server: nas.corp.example, path: /export/models, mountOptions: [nfsvers=4.1, hard] }
  source: { kind: http, url: https://mirror.corp.example/models }`,
  ),
  "rich-s3": RICH_BASE(
    "rich-s3",
    "{ type: s3, bucket: state, key: rich.tfstate, region: eu-west-1, endpoint: https://s3.corp.example }",
    `modelStore:
  volume: { kind: storageClass, storageClass: cephfs }
  source: { kind: s3, endpoint: https://s3.corp.example, bucket: weights, prefix: hf/, credentialsSecret: s3-reader }`,
  ),
  "rich-hf": RICH_BASE(
    "rich-hf",
    "{ type: consul, address: consul.corp.example:8500, path: tf/rich }",
    `modelStore:
  volume: { kind: storageClass, storageClass: cephfs }
  source: { kind: huggingFace, endpoint: https://hf-proxy.corp.example, tokenSecret: hf-token }`,
  ),
};

function sources(): { name: string; text: string }[] {
  const dirs = ["environments", path.join("test", "fixtures", "good")];
  const files = dirs.flatMap((dir) =>
    fs
      .readdirSync(path.join(ROOT, dir))
      .filter((f) => f.endsWith(".yaml"))
      .sort()
      .map((f) => ({ name: path.posix.join(dir, f), text: fs.readFileSync(path.join(ROOT, dir, f), "utf8") })),
  );
  return [...files, ...Object.entries(RICH).map(([name, text]) => ({ name, text }))];
}

/** The environment, plan and costs of `doc`, or the problems that keep it from validating. */
function validate(name: string, doc: unknown): { ok: true; env: Json; plan: Json; costs: Json } | { ok: false; problems: string[] } {
  const stem = typeof doc === "object" && doc !== null ? String((doc as Json).name) : "x";
  const { env, problems } = parseEnvironment(`${stem}.yaml`, stringify(doc));
  if (!env) return { ok: false, problems: problems.map(formatProblem) };
  const checked = checkEnvironment(env);
  const store = env.config.modelStore;
  const storeProblems = store && checked.plan.checkpoints.length > 0 ? checkModelStore(store, checked.plan.checkpoints) : [];
  if (checked.problems.length > 0 || storeProblems.length > 0 || !checked.costs) {
    return { ok: false, problems: [...checked.problems.map(formatProblem), ...storeProblems.map((p) => p.message), `(${name})`] };
  }
  return { ok: true, env, plan: checked.plan, costs: checked.costs.summary };
}

/** Every string leaf of a parsed YAML document, with its path. */
function stringLeaves(doc: unknown, at: Path = []): Path[] {
  if (typeof doc === "string") return [at];
  if (Array.isArray(doc)) return doc.flatMap((item, i) => stringLeaves(item, [...at, i]));
  if (doc !== null && typeof doc === "object") return Object.entries(doc).flatMap(([k, v]) => stringLeaves(v, [...at, k]));
  return [];
}

function getAt(doc: Json, at: Path): Json {
  return at.reduce((cur, key) => cur[key], doc);
}

function setAt(doc: Json, at: Path, value: string): Json {
  const copy = structuredClone(doc);
  const parent = getAt(copy, at.slice(0, -1));
  parent[at[at.length - 1]] = value;
  return copy;
}

/** The forms a payload can take in a value, most informative first: in a URL's path, appended, prefixed, alone. */
function candidates(value: string, payload: string): string[] {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? [`${value.replace(/\/+$/, "")}/p${payload}`] : [];
  return [...url, `${value}${payload}`, `${payload}${value}`, payload];
}

interface Mutated {
  readonly doc: Json;
  /** Path (as `a.b[0]`) → the value the file now holds there. */
  readonly values: Map<string, string>;
}

const key = (at: Path) => at.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("").slice(1);

/** `doc` with the payload put into every string leaf that still validates with it, one leaf at a time. */
function mutate(name: string, doc: Json, payload: string): Mutated {
  let current = doc;
  const values = new Map<string, string>();
  for (const at of stringLeaves(doc)) {
    for (const value of candidates(getAt(doc, at), payload)) {
      const next = setAt(current, at, value);
      if (validate(name, next).ok) {
        current = next;
        values.set(key(at), value);
        break;
      }
    }
  }
  return { doc: current, values };
}

function synth(name: string, doc: Json): Json {
  const result = validate(name, doc);
  if (!result.ok) throw new Error(`${name} does not validate:\n${result.problems.join("\n")}`);
  const stack = new AiFactoryStack(Testing.app(), result.env.config.name, { env: result.env, plan: result.plan, costs: result.costs });
  return JSON.parse(Testing.synth(stack));
}

/** What Terraform makes of every string in a resource: its literal text. */
const literal = (s: string) => readTemplate(s).literal;
const resources = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});

/** Where a value of the file must arrive: path pattern → the text Terraform makes of those places. */
const DESTINATIONS: { pattern: RegExp; places: (json: Json) => string[] }[] = [
  { pattern: /^modelStore\.volume\.server$/, places: (j) => resources(j, "kubernetes_storage_class_v1").map((c) => literal(c.parameters.server)) },
  { pattern: /^modelStore\.volume\.path$/, places: (j) => resources(j, "kubernetes_storage_class_v1").map((c) => literal(c.parameters.share)) },
  { pattern: /^modelStore\.volume\.mountOptions\[\d+\]$/, places: (j) => resources(j, "kubernetes_storage_class_v1").flatMap((c) => c.mount_options.map(literal)) },
  {
    pattern: /^modelStore\.source\.endpoint$/,
    places: (j) =>
      resources(j, "kubernetes_job_v1").flatMap((job) =>
        (job.spec.template.spec.container[0].env as Json[]).filter((e) => /_ENDPOINT$/.test(e.name)).map((e) => literal(e.value)),
      ),
  },
  {
    // Inside the prefetch script, shell-quoted: the place is the script, the value a part of it.
    pattern: /^modelStore\.source\.(bucket|prefix|url)$/,
    places: (j) => resources(j, "kubernetes_job_v1").map((job) => literal(job.spec.template.spec.container[0].command[2])),
  },
  {
    pattern: /^mirror\.chartRepository$/,
    places: (j) => resources(j, "helm_release").flatMap((r) => (r.repository === undefined ? [] : [literal(r.repository)])),
  },
  {
    // The values YAML is one Terraform string: Terraform reads it, then Helm parses it.
    pattern: /^models\.[^.]+\.autoscaling\.prometheusServerAddress$/,
    places: (j) =>
      resources(j, "helm_release")
        .filter((r) => r.values?.[0]?.includes("servedModelName"))
        .map((r) => parse(literal(r.values[0])).autoscaling.keda.prometheusServerAddress),
  },
];

const sourcesList = sources();
const mutatedPaths = new Set<string>();

describe("GIVEN template syntax in every string of an environment file that still validates", () => {
  describe.each(sourcesList.map((s) => [s.name, s] as const))("%s", (_name, source) => {
    const doc = parse(source.text) as Json;

    test("THEN the unmutated file validates (the test starts from a good file)", () => {
      const result = validate(source.name, doc);
      expect(result.ok ? [] : result.problems).toEqual([]);
    });

    test.each(Object.keys(PAYLOADS) as PayloadKind[])(
      "WHEN the payload is %s THEN the synthesized JSON evaluates only the stack's references, and every value arrives as the text of the file",
      (kind) => {
        const payload = PAYLOADS[kind];
        const mutated = mutate(source.name, doc, payload);
        for (const p of mutated.values.keys()) mutatedPaths.add(p.replace(/^(models|nodePools)\.[^.[]+/, "$1.*"));
        const json = synth(source.name, mutated.doc);

        const live = jsonStrings(json).flatMap(({ path: at, value }) => readTemplate(value).live.map((seq) => `${at}: ${seq}`));
        expect(live.filter((l) => !STACK_REFERENCES.some((ref) => l.endsWith(`: ${ref}`)))).toEqual([]);

        for (const [at, value] of mutated.values) {
          for (const dest of DESTINATIONS.filter((d) => d.pattern.test(at))) {
            const places = dest.places(json);
            const expected = at.endsWith(".prefix") || at.endsWith(".bucket") ? value.replace(/^\/+|\/+$/g, "") : value;
            // The value itself where it is the whole setting, a part of the script where it is quoted in one.
            const arrived = places.some((p) => p === expected || (/\.(bucket|prefix|url)$/.test(at) && p.includes(expected)));
            expect({ at, value, arrived }).toEqual({ at, value, arrived: true });
          }
        }
      },
      120_000,
    );
  });

  test("THEN the payloads reached every free-text and URL field that can hold them", () => {
    const expected = [
      "description",
      "mirror.chartRepository",
      "modelStore.volume.server",
      "modelStore.volume.path",
      "modelStore.volume.mountOptions[0]",
      "modelStore.source.endpoint",
      "modelStore.source.bucket",
      "modelStore.source.prefix",
      "modelStore.source.url",
      "models.*.autoscaling.prometheusServerAddress",
      "models.*.model.name",
      "catalog.gpus.h200.source.note",
    ];
    expect(expected.filter((p) => !mutatedPaths.has(p))).toEqual([]);
    // Settings Terraform reads verbatim are refused instead (test/config/url-safety.test.ts).
    expect([...mutatedPaths].filter((p) => p.startsWith("backend.") || p.startsWith("cluster.kubeconfig."))).toEqual([]);
  });
});
