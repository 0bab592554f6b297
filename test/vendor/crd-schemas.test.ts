import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

import { AI_GATEWAY_INTEGRATION } from "../../catalog/upstream";
import {
  VENDORED_REPOS,
  celFile,
  celRules,
  extractSchema,
  gitReader,
  renderJson,
  schemaFile,
  upstreamsAvailable,
  vendoredFiles,
  type CelRule,
} from "../../scripts/vendor-crds";
import { VENDORED_SCHEMAS, closeObjects, validateCustomResource } from "../helpers/crd-validate";

const ROOT = resolve(__dirname, "..", "..");
const EG = "gateway.envoyproxy.io/v1alpha1";
const AIGW = "aigateway.envoyproxy.io/v1beta1";
const gatewayRef = { group: "gateway.networking.k8s.io", kind: "Gateway", name: "ai" };

/** A minimal valid object of every vendored kind, shaped as ai-factory's gateway uses it. */
const VALID: Record<string, Record<string, unknown>> = {
  Backend: {
    apiVersion: EG,
    kind: "Backend",
    metadata: { name: "coder", namespace: "models" },
    spec: { endpoints: [{ fqdn: { hostname: "coder.models.svc.cluster.local", port: 8000 } }] },
  },
  BackendTrafficPolicy: {
    apiVersion: EG,
    kind: "BackendTrafficPolicy",
    metadata: { name: "token-limits", namespace: "gateway" },
    spec: {
      targetRefs: [gatewayRef],
      rateLimit: {
        type: "Global",
        global: {
          rules: [
            {
              clientSelectors: [{ headers: [{ name: "x-team", type: "Distinct" }] }],
              limit: { requests: 1000000, unit: "Hour" },
              cost: {
                request: { from: "Number", number: 0 },
                response: { from: "Metadata", metadata: { namespace: AI_GATEWAY_INTEGRATION.tokenMetadataNamespace, key: AI_GATEWAY_INTEGRATION.totalTokenMetadataKey } },
              },
            },
          ],
        },
      },
    },
  },
  ClientTrafficPolicy: {
    apiVersion: EG,
    kind: "ClientTrafficPolicy",
    metadata: { name: "client", namespace: "gateway" },
    spec: { targetRefs: [gatewayRef], timeout: { http: { requestReceivedTimeout: "300s" } } },
  },
  EnvoyProxy: {
    apiVersion: EG,
    kind: "EnvoyProxy",
    metadata: { name: "ai", namespace: "gateway" },
    spec: { provider: { type: "Kubernetes", kubernetes: { envoyDeployment: { replicas: 2, container: { image: "docker.io/envoyproxy/envoy:distroless-v1.38.3" } } } } },
  },
  SecurityPolicy: {
    apiVersion: EG,
    kind: "SecurityPolicy",
    metadata: { name: "api-keys", namespace: "gateway" },
    spec: { targetRefs: [gatewayRef], apiKeyAuth: { credentialRefs: [{ name: "team-keys" }], extractFrom: [{ headers: ["authorization"] }] } },
  },
  AIGatewayRoute: {
    apiVersion: AIGW,
    kind: "AIGatewayRoute",
    metadata: { name: "ai", namespace: "gateway" },
    spec: {
      parentRefs: [gatewayRef],
      rules: [{ matches: [{ headers: [{ type: "Exact", name: AI_GATEWAY_INTEGRATION.modelHeader, value: "coder" }] }], backendRefs: [{ name: "coder" }] }],
      llmRequestCosts: [{ metadataKey: AI_GATEWAY_INTEGRATION.totalTokenMetadataKey, type: "TotalToken" }],
    },
  },
  BackendSecurityPolicy: {
    apiVersion: AIGW,
    kind: "BackendSecurityPolicy",
    metadata: { name: "coder-key", namespace: "gateway" },
    spec: {
      targetRefs: [{ group: "aigateway.envoyproxy.io", kind: "AIServiceBackend", name: "coder" }],
      type: "APIKey",
      apiKey: { secretRef: { name: "vllm-api-key" } },
    },
  },
  AIServiceBackend: {
    apiVersion: AIGW,
    kind: "AIServiceBackend",
    metadata: { name: "coder", namespace: "gateway" },
    spec: { schema: { name: "OpenAI" }, backendRef: { group: "gateway.envoyproxy.io", kind: "Backend", name: "coder" } },
  },
};

function withSpec(kind: string, patch: (spec: Record<string, unknown>) => void): Record<string, unknown> {
  const object = structuredClone(VALID[kind]);
  patch(object.spec as Record<string, unknown>);
  return object;
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(join(ROOT, path), "utf8"));
}

describe("vendored CRD schemas", () => {
  test("GIVEN the vendoring list WHEN read THEN it covers the eight kinds ai-factory renders, at the storage versions", () => {
    expect([...VENDORED_SCHEMAS.keys()].sort()).toEqual([
      `${AIGW}/AIGatewayRoute`,
      `${AIGW}/AIServiceBackend`,
      `${AIGW}/BackendSecurityPolicy`,
      `${EG}/Backend`,
      `${EG}/BackendTrafficPolicy`,
      `${EG}/ClientTrafficPolicy`,
      `${EG}/EnvoyProxy`,
      `${EG}/SecurityPolicy`,
    ]);
  });

  test.each(Object.keys(VALID))("GIVEN the %s schema WHEN loaded THEN it is an object schema with apiVersion, kind, metadata and spec", (kind) => {
    const repo = VENDORED_REPOS.find((r) => r.crds.some((c) => c.kind === kind))!;
    const schema = readJson(schemaFile(repo, repo.crds.find((c) => c.kind === kind)!)) as { type: string; properties: Record<string, unknown> };
    expect(schema.type).toBe("object");
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["apiVersion", "kind", "metadata", "spec"]));
  });

  test.each(Object.keys(VALID))("GIVEN a minimal %s WHEN validated THEN it passes", (kind) => {
    expect(validateCustomResource(VALID[kind])).toEqual([]);
  });

  test("GIVEN an AIServiceBackend whose schema name is not one the AI Gateway knows WHEN validated THEN the enum is named", () => {
    const errors = validateCustomResource(withSpec("AIServiceBackend", (spec) => (spec.schema = { name: "OpenAPI" })));
    expect(errors).toEqual([
      `${AIGW} AIServiceBackend coder: /spec/schema/name: must be equal to one of the allowed values: OpenAI, Cohere, AWSBedrock, AzureOpenAI, GCPVertexAI, GCPAnthropic, Anthropic, AWSAnthropic`,
    ]);
  });

  test("GIVEN an AIGatewayRoute with 16 rules WHEN validated THEN it fails: at most 15 rules per route", () => {
    const rule = (VALID.AIGatewayRoute.spec as { rules: unknown[] }).rules[0];
    const errors = validateCustomResource(withSpec("AIGatewayRoute", (spec) => (spec.rules = Array.from({ length: 16 }, () => rule))));
    expect(errors).toEqual([`${AIGW} AIGatewayRoute ai: /spec/rules: must NOT have more than ${AI_GATEWAY_INTEGRATION.maxRulesPerRoute} items`]);
  });

  test("GIVEN a misspelt field WHEN validated THEN it is an unknown field, as with strict field validation", () => {
    const errors = validateCustomResource(withSpec("BackendTrafficPolicy", (spec) => (spec.rateLimits = spec.rateLimit)));
    expect(errors).toEqual([`${EG} BackendTrafficPolicy token-limits: /spec: unknown field "rateLimits"`]);
  });

  test("GIVEN a rate limit cost from metadata without a key WHEN validated THEN the missing key is named", () => {
    const object = structuredClone(VALID.BackendTrafficPolicy) as { spec: { rateLimit: { global: { rules: { cost: { response: { metadata: Record<string, string> } } }[] } } } };
    delete object.spec.rateLimit.global.rules[0].cost.response.metadata.key;
    expect(validateCustomResource(object)).toEqual([
      `${EG} BackendTrafficPolicy token-limits: /spec/rateLimit/global/rules/0/cost/response/metadata: must have required property 'key'`,
    ]);
  });

  test("GIVEN the deprecated v1alpha1 of the AI Gateway or an unknown kind WHEN validated THEN there is no schema, and the known ones are listed", () => {
    const [error] = validateCustomResource({ ...VALID.AIServiceBackend, apiVersion: "aigateway.envoyproxy.io/v1alpha1" });
    expect(error).toMatch(/^aigateway\.envoyproxy\.io\/v1alpha1 AIServiceBackend coder: no vendored schema for apiVersion aigateway\.envoyproxy\.io\/v1alpha1, kind AIServiceBackend; vendored: .*aigateway\.envoyproxy\.io\/v1beta1\/AIServiceBackend/);
    expect(validateCustomResource({ apiVersion: EG, kind: "HTTPRouteFilter", metadata: { name: "x" } })[0]).toMatch(/no vendored schema for apiVersion gateway\.envoyproxy\.io\/v1alpha1, kind HTTPRouteFilter/);
    expect(validateCustomResource("nope")).toEqual(['not a Kubernetes object: "nope"']);
  });

  test("GIVEN a schema WHEN closed THEN objects with properties reject other fields, and preserved or free-form objects stay open", () => {
    const closed = closeObjects({
      type: "object",
      properties: { a: { type: "object", properties: { b: { type: "string" } } }, free: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { c: {} } }, map: { type: "object", additionalProperties: { type: "string" } } },
    }) as { additionalProperties: unknown; properties: Record<string, { additionalProperties?: unknown }> };
    expect(closed.additionalProperties).toBe(false);
    expect(closed.properties.a.additionalProperties).toBe(false);
    expect(closed.properties.free.additionalProperties).toBeUndefined();
    expect(closed.properties.map.additionalProperties).toEqual({ type: "string" });
  });
});

describe("CEL rules the schemas carry (not evaluated by Ajv)", () => {
  const rulesOf = (kind: string): CelRule[] => {
    const repo = VENDORED_REPOS.find((r) => r.crds.some((c) => c.kind === kind))!;
    return readJson(celFile(repo, repo.crds.find((c) => c.kind === kind)!)) as CelRule[];
  };

  test("GIVEN AIServiceBackend WHEN its rules are read THEN backendRef must be an Envoy Gateway Backend (a Service is refused)", () => {
    expect(rulesOf("AIServiceBackend")).toContainEqual({
      path: ".spec.backendRef",
      rule: "has(self.kind) && self.kind == 'Backend' && has(self.group) && self.group == 'gateway.envoyproxy.io'",
      message: "BackendRef must be a Backend resource of Envoy Gateway. See https://github.com/envoyproxy/ai-gateway/issues/902 for more details.",
    });
  });

  test("GIVEN AIGatewayRoute WHEN its rules are read THEN rule names are unique and only Gateways are parents", () => {
    const rules = rulesOf("AIGatewayRoute").map((r) => `${r.path}: ${r.message}`);
    expect(rules).toEqual(expect.arrayContaining([".spec.rules: rule name must be unique within the route", ".spec.parentRefs: only Gateway is supported"]));
  });

  test("GIVEN every vendored schema WHEN its CEL list is read THEN it is exactly the x-kubernetes-validations of the schema", () => {
    for (const repo of VENDORED_REPOS) {
      for (const crd of repo.crds) {
        expect(readFileSync(join(ROOT, celFile(repo, crd)), "utf8")).toBe(renderJson(celRules(readJson(schemaFile(repo, crd)) as never) as never));
      }
    }
  });
});

describe("vendor-crds extraction", () => {
  const crd = { kind: "Widget", plural: "widgets", version: "v1beta1", path: "crds/widgets.yaml" };
  const manifest = (storage: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
spec:
  group: example.com
  names: { kind: Widget, plural: widgets }
  versions:
    - name: v1alpha1
      served: true
      storage: ${storage === "v1alpha1"}
      schema: { openAPIV3Schema: { type: object, description: old } }
    - name: v1beta1
      served: true
      storage: ${storage === "v1beta1"}
      schema: { openAPIV3Schema: { type: object, properties: { spec: { type: object, x-kubernetes-validations: [{ rule: "self.a > 0", message: positive }] } } } }
`;

  test("GIVEN a CRD with two served versions WHEN extracted THEN the storage version's schema is taken and its CEL rules listed with their path", () => {
    const schema = extractSchema(manifest("v1beta1"), "example.com", crd);
    expect(schema).toEqual({ type: "object", properties: { spec: { type: "object", "x-kubernetes-validations": [{ rule: "self.a > 0", message: "positive" }] } } });
    expect(celRules(schema)).toEqual([{ path: ".spec", rule: "self.a > 0", message: "positive" }]);
  });

  test("throws when the expected version is not the storage version", () => {
    expect(() => extractSchema(manifest("v1alpha1"), "example.com", crd)).toThrow("crds/widgets.yaml: version v1beta1 is not the served storage version; the storage version is v1alpha1");
  });

  test("throws when the manifest defines another kind", () => {
    expect(() => extractSchema(manifest("v1beta1"), "example.org", crd)).toThrow("crds/widgets.yaml: defines Widget (widgets.example.com); expected Widget (widgets.example.org)");
  });

  test("GIVEN nested objects WHEN rendered THEN keys are sorted at every level and arrays keep their order", () => {
    expect(renderJson({ b: 1, a: { d: [3, 1], c: null } })).toBe('{\n  "a": {\n    "c": null,\n    "d": [\n      3,\n      1\n    ]\n  },\n  "b": 1\n}\n');
  });
});

describe("vendored files and their source", () => {
  test.each(VENDORED_REPOS.map((r) => [r.id, r] as const))("GIVEN vendor/%s/SOURCE.md WHEN read THEN it names the repository, the tag, the 40-hex commit and every extracted path", (_id, repo) => {
    const source = readFileSync(join(ROOT, "vendor", repo.id, "SOURCE.md"), "utf8");
    expect(source).toContain(repo.repository);
    expect(source).toContain(`\`${repo.tag}\``);
    expect(repo.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(source).toContain(`\`${repo.commit}\``);
    for (const crd of repo.crds) expect(source).toContain(crd.path);
    expect(source).toContain("npx tsx scripts/vendor-crds.ts");
  });

  test.each(VENDORED_REPOS.map((r) => [r.id, r] as const))("GIVEN vendor/%s WHEN listed THEN it holds exactly SOURCE.md, LICENSE and the files the script writes", (_id, repo) => {
    const expected = ["LICENSE", "SOURCE.md", ...repo.crds.flatMap((c) => [schemaFile(repo, c), celFile(repo, c)].map((p) => p.split("/").pop()!))].sort();
    expect(readdirSync(join(ROOT, "vendor", repo.id)).sort()).toEqual(expected);
    expect(readFileSync(join(ROOT, "vendor", repo.id, "LICENSE"), "utf8")).toContain("Apache License\n                           Version 2.0, January 2004");
  });

  // Needs clones of the two repositories (scripts/vendor-crds.ts says where it looks); skipped without them.
  const withUpstreams = upstreamsAvailable() ? test : test.skip;
  withUpstreams("GIVEN the upstream repositories at the pinned commits WHEN the script runs THEN it produces the vendored files byte for byte (not stale)", () => {
    for (const [path, content] of vendoredFiles(gitReader())) {
      expect(existsSync(join(ROOT, path))).toBe(true);
      expect({ path, same: readFileSync(join(ROOT, path), "utf8") === content }).toEqual({ path, same: true });
    }
  });
});
