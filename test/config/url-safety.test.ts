import { CREDENTIAL_PARAM_NAMES, CREDENTIAL_PARAM_PARTS, isCredentialParam, maskUrl, urlProblem } from "../../config/url-safety";
import { baseEnvYaml, resolveProblems } from "../helpers/env";

const POOL = "  h200: { nodes: [g1, g2], server: hgx-h200-8 }";
const MONITORING = "monitoring: { serviceMonitorLabels: { release: kube-prometheus-stack } }\n";
const STORE = (source: string) => `modelStore:\n  volume: { kind: storageClass, storageClass: cephfs }\n  source: ${source}\n`;
const AUTOSCALED = (address: string) =>
  `models:\n  coder: { model: qwen3-32b, pool: h200, tensorParallel: 2, maxContextTokens: 16384, replicas: { min: 1, max: 3 }, autoscaling: { prometheusServerAddress: "${address}" } }\n${STORE("{ kind: s3, endpoint: https://s3.example, bucket: w, credentialsSecret: s3 }")}${MONITORING}`;

/** Every URL field of the environment file: where it is, how to set it, and the fix its message names. */
const URL_FIELDS: readonly { path: string; yaml: (url: string) => string; fix: string }[] = [
  { path: "backend.endpoint", yaml: (u) => `backend: { type: s3, bucket: b, endpoint: "${u}" }\n`, fix: "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" },
  { path: "backend.address", yaml: (u) => `backend: { type: http, address: "${u}" }\n`, fix: "set TF_HTTP_USERNAME and TF_HTTP_PASSWORD" },
  { path: "backend.lockAddress", yaml: (u) => `backend: { type: http, address: https://s.example, lockAddress: "${u}" }\n`, fix: "set TF_HTTP_USERNAME and TF_HTTP_PASSWORD" },
  { path: "backend.unlockAddress", yaml: (u) => `backend: { type: http, address: https://s.example, unlockAddress: "${u}" }\n`, fix: "set TF_HTTP_USERNAME and TF_HTTP_PASSWORD" },
  { path: "mirror.chartRepository", yaml: (u) => `mirror: { registry: r.example, chartRepository: "${u}" }\n`, fix: "`helm registry login <host>`" },
  { path: "modelStore.source.endpoint", yaml: (u) => STORE(`{ kind: s3, endpoint: "${u}", bucket: w, credentialsSecret: s3 }`), fix: "the Secret named by credentialsSecret" },
  { path: "modelStore.source.url", yaml: (u) => STORE(`{ kind: http, url: "${u}" }`), fix: "use `kind: s3` with credentialsSecret" },
  { path: "modelStore.source.endpoint", yaml: (u) => STORE(`{ kind: huggingFace, endpoint: "${u}" }`), fix: "the Secret named by tokenSecret (key HF_TOKEN)" },
  { path: "models.coder.autoscaling.prometheusServerAddress", yaml: AUTOSCALED, fix: "use an in-cluster address that needs none" },
];

const problems = (extra: string) => resolveProblems(baseEnvYaml(POOL, extra));
const lineAt = (lines: string[], path: string) => lines.filter((l) => l.startsWith(`test.yaml: ${path}: `));

describe("maskUrl", () => {
  test("GIVEN user info WHEN masked THEN all of it is replaced, user names included (tokens are often the user)", () => {
    expect(maskUrl("https://user:s3cret@host.example:8443/p?q=1")).toBe("https://***@host.example:8443/p?q=1");
    expect(maskUrl("https://ghp_abc@github.com/x")).toBe("https://***@github.com/x");
    expect(maskUrl("https://u:p@ss@host/x")).toBe("https://***@host/x");
  });

  test("GIVEN credential parameters WHEN masked THEN their values are replaced and the other parameters kept", () => {
    expect(maskUrl("https://h/p?X-Amz-Signature=abc&X-Amz-Date=20250101&sig=zz#access_token=t&x=1")).toBe(
      "https://h/p?X-Amz-Signature=***&X-Amz-Date=20250101&sig=***#access_token=***&x=1",
    );
  });

  test("GIVEN text that is not a URL WHEN masked THEN it is still masked", () => {
    expect(maskUrl("https://u:p@[bad host/?token=x")).toBe("https://***@[bad host/?token=***");
    expect(maskUrl("plain text")).toBe("plain text");
  });
});

describe("isCredentialParam", () => {
  test.each(["token", "Token", "access_token", "ACCESS-TOKEN", "private_token", "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "sig", "key", "api_key", "apiKey", "api-key", "subscription-key", "password", "passwd", "pwd", "secret", "client_secret", "auth", "Authorization", "jwt", "session", "X-Goog-Signature", "%74oken"])(
    "GIVEN %s THEN it is a credential",
    (name) => expect(isCredentialParam(name)).toBe(true),
  );

  test.each(["version", "prefix", "X-Amz-Date", "X-Amz-Expires", "region", "author", "monkey", "ref", "path"])("GIVEN %s THEN it is not", (name) => {
    expect(isCredentialParam(name)).toBe(false);
  });

  test("THEN the documented lists are what it checks", () => {
    expect(CREDENTIAL_PARAM_NAMES).toEqual(["auth", "jwt", "key", "pass", "pwd", "sig"]);
    expect(CREDENTIAL_PARAM_PARTS).toContain("token");
    expect(CREDENTIAL_PARAM_PARTS).toContain("signature");
  });
});

describe("urlProblem", () => {
  const http = ["http", "https"];
  test.each([
    ["https://s3.example", undefined],
    ["http://prometheus-operated.monitoring.svc:9090", undefined],
    ["https://h/p?X-Amz-Date=1#section", undefined],
    ["ftp://h/x", "must be an http(s) URL"],
    ["https:/h/x", "must be an http(s) URL"],
    ["HTTP://h/x", "must be an http(s) URL"],
    ["not a url", "must be an http(s) URL without spaces"],
    ["nourl", "must be an http(s) URL"],
    ["https://u:p@h", "must not carry credentials: the user info of a URL would be written into the Terraform JSON, plans and logs"],
    ["https://u@h", "must not carry credentials: the user info of a URL would be written into the Terraform JSON, plans and logs"],
    ["https://h/?a=1&Token=x&sig=y", 'must not carry credentials: the parameters "Token", "sig" would be written into the Terraform JSON, plans and logs'],
  ])("GIVEN %s THEN %s", (url, expected) => {
    expect(urlProblem(url, http, "an http(s) URL")).toBe(expected);
  });
});

describe("every URL field of the environment file refuses credentials, naming where they go instead", () => {
  describe.each(URL_FIELDS.map((f) => [f.path, f] as const))("%s", (path, field) => {
    test("throws when the URL carries user info, with the URL masked and the fix", () => {
      const lines = lineAt(problems(field.yaml("https://admin:s3cret@host.example/x")), path);
      expect(lines).toEqual([
        expect.stringContaining(
          `${path}: must not carry credentials: the user info of a URL would be written into the Terraform JSON, plans and logs, got "https://***@host.example/x"; `,
        ),
      ]);
      expect(lines[0]).toContain(field.fix);
      expect(lines[0]).not.toMatch(/admin|s3cret/);
    });

    test.each(["token", "access_token", "X-Amz-Signature", "SIG", "password", "secret", "key"])("throws when the URL carries the parameter %s", (param) => {
      const lines = lineAt(problems(field.yaml(`https://host.example/x?a=1&${param}=s3cret`)), path);
      expect(lines).toEqual([
        expect.stringContaining(
          `${path}: must not carry credentials: the parameter "${param}" would be written into the Terraform JSON, plans and logs, got "https://host.example/x?a=1&${param}=***"; `,
        ),
      ]);
      expect(lines[0]).not.toContain("s3cret");
    });
  });
});

describe("the whole output never holds a credential from the file", () => {
  test("GIVEN credentials in several URLs WHEN validated THEN no message quotes them", () => {
    const text = problems(`backend: { type: http, address: "https://u:s3cret@h.example/?private_token=s3cret" }\nmirror: { registry: r.example, chartRepository: "oci://s3cret@r.example/c" }\n`).join("\n");
    expect(text).toContain("backend.address");
    expect(text).toContain("mirror.chartRepository");
    expect(text).not.toContain("s3cret");
  });
});
