/**
 * Values the environment schema used to accept and synth (or Terraform) then refused: each is now
 * refused by validate with the fix, and what validate accepts the model-server chart accepts too.
 */
import fc from "fast-check";
import { modelServerValuesSchema } from "../../constructs/model-server-values-schema";
import { MirrorSchema, ModelDeploymentSchema } from "../../config/schema";
import { VLLM } from "../../catalog/upstream";
import { imageRepository } from "../../constructs/mirror";
import { baseEnvYaml, resolveProblems } from "../helpers/env";

const POOL = "  h200: { nodes: [g1, g2], server: hgx-h200-8 }";
const problems = (extra: string, yaml = baseEnvYaml(POOL, extra)) => resolveProblems(yaml);
const MODEL = (fields: string) =>
  `models:\n  coder: { model: qwen3-32b, pool: h200, tensorParallel: 2, maxContextTokens: 16384, ${fields} }\nmonitoring: { serviceMonitorLabels: { release: r } }\nmodelStore: { volume: { kind: storageClass, storageClass: cephfs }, source: { kind: s3, endpoint: https://s3.example, bucket: w, credentialsSecret: s3 } }\n`;

/** The chart's schema, given just the field under test on top of valid values. */
function chartAccepts(patch: (v: Record<string, any>) => void): boolean { // eslint-disable-line @typescript-eslint/no-explicit-any
  const values: Record<string, any> = { // eslint-disable-line @typescript-eslint/no-explicit-any
    servedModelName: "coder",
    model: { path: "/models/org/m/0123456789012345678901234567890123456789", revision: "0123456789012345678901234567890123456789" },
    engine: { maxModelLen: 4096 },
    modelStore: { claimName: "c" },
  };
  patch(values);
  return modelServerValuesSchema.safeParse(values).success;
}

describe("models.<m>.autoscaling.prometheusServerAddress: only http(s), as the chart's KEDA trigger takes", () => {
  test("throws when the address is ftp://", () => {
    expect(problems("", baseEnvYaml(POOL, MODEL('replicas: { min: 1, max: 3 }, autoscaling: { prometheusServerAddress: "ftp://prometheus.example:9090" }')))).toContainEqual(
      'test.yaml: models.coder.autoscaling.prometheusServerAddress: must be an http:// or https:// URL, got "ftp://prometheus.example:9090"',
    );
  });

  test("throws when the address holds a space (the chart's pattern is http(s):// and no whitespace)", () => {
    expect(problems("", baseEnvYaml(POOL, MODEL('replicas: { min: 1, max: 3 }, autoscaling: { prometheusServerAddress: "http://prom:9090/a b" }')))).toContainEqual(
      'test.yaml: models.coder.autoscaling.prometheusServerAddress: must be an http:// or https:// URL without spaces, got "http://prom:9090/a b"',
    );
  });

  test("GIVEN any address validate accepts THEN the chart accepts it too", () => {
    const address = ModelDeploymentSchema.shape.autoscaling.unwrap().shape.prometheusServerAddress;
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.constantFrom("", "/${x}", "/%{y}"), (url, tail) => {
        const value = `${url}${tail}`;
        if (!address.safeParse(value).success) return;
        expect(chartAccepts((v) => (v.autoscaling = { enabled: true, keda: { prometheusServerAddress: value } }))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("models.<m>.apiKeySecret.key: a Secret key, as the chart and Kubernetes take", () => {
  test("throws when the key has a space", () => {
    expect(problems("", baseEnvYaml(POOL, MODEL('apiKeySecret: { name: vllm, key: "api key" }')))).toContainEqual(
      'test.yaml: models.coder.apiKeySecret.key: must be a Secret key: letters, digits, "-", "_" and ".", got "api key"',
    );
  });

  test("throws when the key is longer than 253 characters", () => {
    const key = "k".repeat(254);
    expect(problems("", baseEnvYaml(POOL, MODEL(`apiKeySecret: { name: vllm, key: ${key} }`)))).toContainEqual(
      expect.stringMatching(/^test\.yaml: models\.coder\.apiKeySecret\.key: must be a Secret key of at most 253 characters, got "k+/),
    );
  });

  test("GIVEN keys validate accepts THEN the chart accepts them too", () => {
    const key = ModelDeploymentSchema.shape.apiKeySecret.unwrap().shape.key;
    for (const k of ["VLLM_API_KEY", "api-key", "a.b_c", "k".repeat(253)]) {
      expect(key.safeParse(k).success).toBe(true);
      expect(chartAccepts((v) => (v.apiKeySecret = { name: "vllm", key: k }))).toBe(true);
    }
  });
});

describe("mirror.registry: an image reference prefix the chart's image.repository accepts", () => {
  test.each(["harbor.example/mirror-", "-harbor.example", "harbor.example./x", "harbor.example/_x", "harbor.example/a..b"])("throws for %s", (registry) => {
    expect(problems(`mirror: { registry: "${registry}", chartRepository: oci://harbor.example/charts }\n`)).toContainEqual(
      `test.yaml: mirror.registry: must be a registry host with an optional path, e.g. registry.corp.example/mirror, got "${registry}"`,
    );
  });

  test("GIVEN registries validate accepts THEN every image the chart gets from them is valid", () => {
    const registry = MirrorSchema.shape.registry;
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9.:_/-]{1,30}$/), (r) => {
        if (!registry.safeParse(r).success) return;
        expect(chartAccepts((v) => (v.image = { repository: imageRepository(VLLM.image.repository, { registry: r, chartRepository: "oci://x" }) }))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    for (const ok of ["harbor.dc1.corp.example/mirror", "registry.example:5000", "r.example/a/b__c/d-e"]) expect(registry.safeParse(ok).success).toBe(true);
  });
});

describe("settings Terraform reads verbatim refuse template syntax", () => {
  test.each([
    ["backend: { type: s3, bucket: 'b${x}' }", "backend.bucket", "b${x}"],
    ["backend: { type: s3, bucket: b, key: 'k%{ if true }' }", "backend.key", "k%{ if true }"],
    ["backend: { type: s3, bucket: b, region: '${var.r}' }", "backend.region", "${var.r}"],
    ["backend: { type: s3, bucket: b, endpoint: 'https://s3.example/${x}' }", "backend.endpoint", "https://s3.example/${x}"],
    ["backend: { type: local, path: 'state/${x}.tfstate' }", "backend.path", "state/${x}.tfstate"],
    ["backend: { type: pg, schemaName: 's${x}' }", "backend.schemaName", "s${x}"],
    ["backend: { type: http, address: 'https://h.example/${x}' }", "backend.address", "https://h.example/${x}"],
    ["backend: { type: consul, address: 'c:8500', path: 'p/${x}' }", "backend.path", "p/${x}"],
  ])("throws for %s", (extra, path, value) => {
    expect(problems(`${extra}\n`)).toContainEqual(
      `test.yaml: ${path}: must not contain "\${" or "%{": backend settings are not templates (Terraform takes them verbatim, OpenTofu 1.8+ evaluates them), so the text would not stay as written, got ${JSON.stringify(value)}; write the value itself`,
    );
  });

  test("throws when the kubeconfig context holds template syntax, naming the variable that overrides it", () => {
    const yaml = baseEnvYaml(POOL).replace("context: test", "context: '${file(\"x\")}'");
    expect(problems("", yaml)).toContainEqual(
      'test.yaml: cluster.kubeconfig.context: must not contain "${" or "%{": it becomes the default of a Terraform variable, which Terraform takes verbatim (no ${…} expansion), got "${file(\\"x\\")}"; write the context name itself, or set TF_VAR_kubeconfig_context at deploy time',
    );
  });

  test("throws when the kubeconfig path holds template syntax", () => {
    const yaml = baseEnvYaml(POOL).replace("context: test", "context: test\n    path: '${HOME}/.kube/config'");
    expect(problems("", yaml)).toContainEqual(expect.stringMatching(/^test\.yaml: cluster\.kubeconfig\.path: must not contain "\$\{" or "%\{": .*set TF_VAR_kubeconfig_path at deploy time$/));
  });
});

describe("no value may hold cdktf's token marker", () => {
  test.each(["${TfToken[TOKEN.1]}", "#{TfToken[TOKEN.1]}", "&{TfToken[TOKEN.1]}"])("throws for %s, wherever it is", (marker) => {
    const lines = problems(`modelStore: { volume: { kind: storageClass, storageClass: "${marker}" }, source: { kind: http, url: https://m.example } }\n`).concat(
      problems("", baseEnvYaml(POOL).replace("description: test environment", `description: "a ${marker}"`)),
    );
    expect(lines).toContainEqual(
      `test.yaml: modelStore.volume.storageClass: must not contain "{TfToken[": cdktf reads it as one of its own tokens and would replace the text or fail the synth, got ${JSON.stringify(marker)}; reword the value`,
    );
    expect(lines).toContainEqual(expect.stringMatching(/^test\.yaml: description: must not contain "\{TfToken\[": /));
  });
});
