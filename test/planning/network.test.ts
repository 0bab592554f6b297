import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument, type Document } from "yaml";

import { planGateway } from "../../planning/gateway";
import {
  ANY_ADDRESS,
  DEFAULT_DENY_INGRESS,
  checkNetworkPolicies,
  listenerContainerPort,
  managedNamespaces,
  networkEndpoints,
  networkFlows,
  networkInput,
  networkPolicies,
  urlPort,
  type Flow,
  type NetworkInput,
  type NetworkPolicy,
  type NetworkProblem,
} from "../../planning/network";
import { planEnvironment } from "../../planning/plan";
import { envFromYaml } from "../helpers/env";

const REPO = path.resolve(__dirname, "..", "..");

/** The network input of `environments/<name>.yaml`, optionally edited through its YAML document. */
function exampleInput(name: string, edit?: (doc: Document) => void): NetworkInput {
  let text = fs.readFileSync(path.join(REPO, "environments", `${name}.yaml`), "utf8");
  if (edit !== undefined) {
    const doc = parseDocument(text);
    edit(doc);
    text = doc.toString();
  }
  const env = envFromYaml(text);
  const { plan, problems } = planEnvironment(env);
  expect(problems).toEqual([]);
  return networkInput(env, plan, planGateway(env));
}

/** A flow as one line: `from → to ports`; address peers as `name[cidrs]`. */
function row(f: Flow): string {
  const peer = (p: Flow["from"]) => (p.kind === "pods" ? `${p.namespace}/${p.name}` : `${p.name}[${p.cidrs.join(",")}]`);
  return `${peer(f.from)} → ${peer(f.to)} ${f.ports.map((p) => `${p.port}/${p.protocol}`).join(",")}`;
}

/** Policies, flows and endpoints of an input, and the checker's findings on them. */
function analyse(input: NetworkInput) {
  const flows = networkFlows(input);
  const policies = networkPolicies(flows, managedNamespaces(input));
  const endpoints = networkEndpoints(input);
  return { flows, policies, endpoints, problems: checkNetworkPolicies(policies, flows, endpoints) };
}

function find(policies: NetworkPolicy[], key: string): NetworkPolicy {
  const found = policies.find((p) => `${p.metadata.namespace}/${p.metadata.name}` === key);
  if (found === undefined) throw new Error(`no policy ${key}: ${policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(", ")}`);
  return found;
}

/** A deep copy to mutate (policies are plain JSON). */
type Mutable = { -readonly [K in keyof NetworkPolicy]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
function copy(policies: NetworkPolicy[]): Mutable[] {
  return JSON.parse(JSON.stringify(policies)) as Mutable[];
}

function messages(problems: NetworkProblem[], kind?: NetworkProblem["kind"]): string[] {
  return problems.filter((p) => kind === undefined || p.kind === kind).map((p) => p.message);
}

const PROD = exampleInput("prod");
const DEV = exampleInput("dev");

describe("networkFlows", () => {
  test("GIVEN prod WHEN the flows are computed THEN they are exactly the hand-written table", () => {
    expect(networkFlows(PROD).map(row)).toEqual([
      "ai-models/prefetch → any-address[0.0.0.0/0,::/0] 443/TCP",
      "ai-models/prefetch → kube-system/kube-dns 53/TCP,53/UDP",
      "clients[0.0.0.0/0,::/0] → envoy-gateway-system/envoy-proxies 10443/TCP",
      "envoy-gateway-system/envoy-proxies → ai-models/model-servers 8000/TCP",
      "envoy-gateway-system/envoy-proxies → envoy-gateway-system/envoy-gateway 18000/TCP",
      "envoy-gateway-system/envoy-gateway → envoy-ai-gateway-system/ai-gateway-controller 1063/TCP",
      "api-server[0.0.0.0/0,::/0] → envoy-gateway-system/envoy-gateway 9443/TCP",
      "api-server[0.0.0.0/0,::/0] → envoy-ai-gateway-system/ai-gateway-controller 9443/TCP",
      "envoy-gateway-system/envoy-proxies → envoy-gateway-system/envoy-ratelimit 8081/TCP",
      "envoy-gateway-system/envoy-ratelimit → envoy-gateway-system/envoy-gateway 18001/TCP",
      "envoy-gateway-system/envoy-ratelimit → ai-gateway/redis 6379/TCP",
      "monitoring/any-pod → ai-models/model-servers 8000/TCP",
      "monitoring/any-pod → gpu-operator/dcgm-exporter 9400/TCP",
      "monitoring/any-pod → envoy-gateway-system/envoy-proxies 1064/TCP,19001/TCP",
      "monitoring/any-pod → envoy-gateway-system/envoy-gateway 19001/TCP",
      "monitoring/any-pod → envoy-gateway-system/envoy-ratelimit 19001/TCP",
      "monitoring/any-pod → envoy-ai-gateway-system/ai-gateway-controller 8080/TCP",
    ]);
  });

  test("GIVEN dev (plain HTTP, no token budgets, no monitoring) WHEN the flows are computed THEN they are exactly the hand-written table", () => {
    // Envoy Gateway runs its rate limit service (and the gateway chart Redis) even without budgets.
    expect(networkFlows(DEV).map(row)).toEqual([
      "ai-models/prefetch → any-address[0.0.0.0/0,::/0] 443/TCP",
      "ai-models/prefetch → kube-system/kube-dns 53/TCP,53/UDP",
      "clients[0.0.0.0/0,::/0] → envoy-gateway-system/envoy-proxies 10080/TCP",
      "envoy-gateway-system/envoy-proxies → ai-models/model-servers 8000/TCP",
      "envoy-gateway-system/envoy-proxies → envoy-gateway-system/envoy-gateway 18000/TCP",
      "envoy-gateway-system/envoy-gateway → envoy-ai-gateway-system/ai-gateway-controller 1063/TCP",
      "api-server[0.0.0.0/0,::/0] → envoy-gateway-system/envoy-gateway 9443/TCP",
      "api-server[0.0.0.0/0,::/0] → envoy-ai-gateway-system/ai-gateway-controller 9443/TCP",
      "envoy-gateway-system/envoy-proxies → envoy-gateway-system/envoy-ratelimit 8081/TCP",
      "envoy-gateway-system/envoy-ratelimit → envoy-gateway-system/envoy-gateway 18001/TCP",
      "envoy-gateway-system/envoy-ratelimit → ai-gateway/redis 6379/TCP",
    ]);
  });

  test("GIVEN a gateway without the rate limit service WHEN the flows are computed THEN neither it nor Redis is reachable", () => {
    const { flows, problems } = analyse({ ...DEV, rateLimit: false });
    expect(flows.map(row).filter((r) => /ratelimit|redis/.test(r))).toEqual([]);
    expect(problems).toEqual([]);
  });

  test("GIVEN the topology injector off WHEN the flows are computed THEN Envoy Gateway's 9443 is closed", () => {
    expect(networkFlows({ ...DEV, topologyInjector: false }).map(row)).not.toContain("api-server[0.0.0.0/0,::/0] → envoy-gateway-system/envoy-gateway 9443/TCP");
  });

  test("GIVEN prod WHEN the flows are computed THEN every flow says why, and every flow into an upstream pod says where its port was read", () => {
    for (const f of networkFlows(PROD)) {
      expect(f.why.length).toBeGreaterThan(10);
      // The receiving pod owns the port: upstream pods' ports carry their source.
      const upstream = f.to.kind === "pods" && (f.to.namespace.startsWith("envoy-") || f.to.name === "dcgm-exporter");
      if (upstream) expect(f.source).toMatch(/(envoyproxy\/(gateway|ai-gateway)@v1\.(8\.3|1\.0)|NVIDIA\/gpu-operator@v25\.10\.1) \S+\.(go|yaml) L\d+/);
    }
  });

  test("GIVEN the models' peers WHEN computed THEN only prefetch pods are egress-restricted", () => {
    const restricted = networkFlows(PROD).flatMap((f) => (f.from.kind === "pods" && f.from.restrictEgress ? [f.from.name] : []));
    expect([...new Set(restricted)]).toEqual(["prefetch"]);
  });

  test("GIVEN an environment without `monitoring` WHEN the flows are computed THEN nothing scrapes and no policy names a monitoring namespace", () => {
    // staging: prod's autoscaling needs Prometheus.
    const input = exampleInput("staging", (doc) => doc.delete("monitoring"));
    expect(input.monitoringNamespace).toBeUndefined();
    const { flows, policies, problems } = analyse(input);
    expect(flows.filter((f) => f.from.kind === "pods" && f.from.name === "any-pod")).toEqual([]);
    expect(flows.flatMap((f) => f.ports).map((p) => p.port)).not.toEqual(expect.arrayContaining([9400]));
    expect(JSON.stringify(policies)).not.toContain('"monitoring"');
    expect(problems).toEqual([]);
  });

  test("GIVEN monitoring in another namespace WHEN the flows are computed THEN the scrape flows come from it", () => {
    const input = exampleInput("prod", (doc) => doc.setIn(["monitoring", "namespace"], "observability"));
    const scrapers = networkFlows(input).filter((f) => f.from.kind === "pods" && f.from.name === "any-pod");
    expect(scrapers).toHaveLength(6);
    for (const f of scrapers) expect(f.from).toMatchObject({ namespace: "observability", podSelector: {} });
  });

  test("GIVEN the DCGM exporter turned off WHEN the flows are computed THEN nothing reaches port 9400", () => {
    const input = exampleInput("prod", (doc) => doc.setIn(["gpuOperator", "dcgmExporter", "enabled"], false));
    expect(networkFlows(input).map(row).filter((r) => r.includes("9400"))).toEqual([]);
    expect(analyse(input).problems).toEqual([]);
  });

  test("GIVEN no gateway WHEN the flows are computed THEN only prefetch and scraping remain, in the two namespaces of the stack", () => {
    const input = exampleInput("prod", (doc) => doc.delete("gateway"));
    expect(managedNamespaces(input)).toEqual(["ai-models", "gpu-operator"]);
    expect(networkFlows(input).map(row)).toEqual([
      "ai-models/prefetch → any-address[0.0.0.0/0,::/0] 443/TCP",
      "ai-models/prefetch → kube-system/kube-dns 53/TCP,53/UDP",
      "monitoring/any-pod → ai-models/model-servers 8000/TCP",
      "monitoring/any-pod → gpu-operator/dcgm-exporter 9400/TCP",
    ]);
  });

  test("GIVEN the Gateway's ports WHEN mapped THEN privileged ports gain 10000 and others stay (Envoy Gateway v1.8.3 listener.go L1291-1297)", () => {
    expect(listenerContainerPort(443)).toBe(10443);
    expect(listenerContainerPort(80)).toBe(10080);
    expect(listenerContainerPort(1023)).toBe(11023);
    expect(listenerContainerPort(1024)).toBe(1024);
    expect(listenerContainerPort(8443)).toBe(8443);
  });

  test("GIVEN source URLs WHEN their port is read THEN the explicit port wins, else the scheme's", () => {
    expect(urlPort("https://s3.dc1.corp.example")).toBe(443);
    expect(urlPort("http://mirror.corp.example/hf")).toBe(80);
    expect(urlPort("http://minio.corp.example:9000")).toBe(9000);
    expect(() => urlPort("ftp://x.example")).toThrow(/"ftp:\/\/x\.example" is not an http:\/\/ or https:\/\/ URL/);
  });
});

describe("networkPolicies", () => {
  test("GIVEN prod WHEN the policies are built THEN every namespace the stack creates has exactly one default-deny-ingress with an empty pod selector", () => {
    const { policies } = analyse(PROD);
    const namespaces = ["ai-gateway", "ai-models", "envoy-ai-gateway-system", "envoy-gateway-system", "gpu-operator", "team-documents"];
    expect(managedNamespaces(PROD)).toEqual(namespaces);
    for (const ns of namespaces) {
      const denies = policies.filter((p) => p.metadata.namespace === ns && p.metadata.name === DEFAULT_DENY_INGRESS);
      expect(denies).toHaveLength(1);
      expect(denies[0].spec).toEqual({ podSelector: {}, policyTypes: ["Ingress"] });
    }
    expect(policies.filter((p) => p.metadata.namespace === "team-documents")).toHaveLength(1);
  });

  test("GIVEN prod WHEN the policies are built THEN there is one allow policy per receiving pod class and one egress policy, sorted", () => {
    const { policies } = analyse(PROD);
    expect(policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([
      "ai-gateway/default-deny-ingress",
      "ai-gateway/ingress-redis",
      "ai-models/default-deny-ingress",
      "ai-models/egress-prefetch",
      "ai-models/ingress-model-servers",
      "envoy-ai-gateway-system/default-deny-ingress",
      "envoy-ai-gateway-system/ingress-ai-gateway-controller",
      "envoy-gateway-system/default-deny-ingress",
      "envoy-gateway-system/ingress-envoy-gateway",
      "envoy-gateway-system/ingress-envoy-proxies",
      "envoy-gateway-system/ingress-envoy-ratelimit",
      "gpu-operator/default-deny-ingress",
      "gpu-operator/ingress-dcgm-exporter",
      "team-documents/default-deny-ingress",
    ]);
  });

  test("GIVEN prod WHEN the model servers' policy is built THEN it admits the Envoy proxies of our Gateway and the monitoring namespace on 8000 only", () => {
    expect(find(analyse(PROD).policies, "ai-models/ingress-model-servers").spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "model-server" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "envoy-gateway-system" } },
              podSelector: {
                matchLabels: {
                  "app.kubernetes.io/component": "proxy",
                  "app.kubernetes.io/managed-by": "envoy-gateway",
                  "app.kubernetes.io/name": "envoy",
                  "gateway.envoyproxy.io/owning-gateway-namespace": "ai-gateway",
                },
              },
            },
          ],
          ports: [{ protocol: "TCP", port: 8000 }],
        },
        { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ protocol: "TCP", port: 8000 }] },
      ],
    });
  });

  test("GIVEN prod WHEN the controllers' policies are built THEN webhooks are open to any address on 9443 only, each other port to its client only", () => {
    const { policies } = analyse(PROD);
    const eg = find(policies, "envoy-gateway-system/ingress-envoy-gateway").spec;
    expect(eg.podSelector).toEqual({ matchLabels: { "control-plane": "envoy-gateway" } });
    const byPort = (spec: NetworkPolicy["spec"]) =>
      (spec.ingress ?? []).map((r) => `${r.ports!.map((p) => p.port).join(",")} ← ${r.from!.map((f) => f.ipBlock?.cidr ?? Object.values(f.podSelector?.matchLabels ?? f.namespaceSelector?.matchLabels ?? {}).join("+")).join(" | ")}`);
    expect(byPort(eg)).toEqual([
      "9443 ← 0.0.0.0/0 | ::/0",
      "18000 ← proxy+envoy-gateway+envoy+ai-gateway",
      "18001 ← ratelimit+envoy-gateway+envoy-ratelimit",
      "19001 ← monitoring",
    ]);
    expect(byPort(find(policies, "envoy-ai-gateway-system/ingress-ai-gateway-controller").spec)).toEqual([
      "9443 ← 0.0.0.0/0 | ::/0",
      "1063 ← envoy-gateway",
      "8080 ← monitoring",
    ]);
  });

  test("GIVEN flows restricting egress outside our namespaces WHEN the policies are built THEN it throws naming the pods", () => {
    const flows: Flow[] = [
      { from: { kind: "pods", name: "x", namespace: "kube-system", podSelector: { a: "b" }, restrictEgress: true }, to: { kind: "addresses", name: "any", cidrs: ANY_ADDRESS }, ports: [{ port: 1, protocol: "TCP" }], why: "t" },
    ];
    expect(() => networkPolicies(flows, ["ai-models"])).toThrow("cannot restrict the egress of kube-system/x: kube-system is not a namespace the stack creates");
  });

  test("GIVEN one pod class restricted in one flow and open in another WHEN the policies are built THEN it throws", () => {
    const pods = { kind: "pods" as const, name: "x", namespace: "ai-models", podSelector: { a: "b" } };
    const to = { kind: "addresses" as const, name: "any", cidrs: ANY_ADDRESS };
    const flows: Flow[] = [
      { from: { ...pods, restrictEgress: true }, to, ports: [{ port: 1, protocol: "TCP" }], why: "t" },
      { from: pods, to, ports: [{ port: 2, protocol: "TCP" }], why: "t" },
    ];
    expect(() => networkPolicies(flows, ["ai-models"])).toThrow("pods ai-models/x are egress-restricted in one flow and not in another");
  });
});

describe("prefetch egress", () => {
  test("GIVEN no egressCidrs WHEN the egress policy is built THEN the prefetch Jobs reach any address on the source's port, and kube-dns on 53", () => {
    expect(find(analyse(PROD).policies, "ai-models/egress-prefetch").spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/component": "model-store", "app.kubernetes.io/part-of": "ai-factory" } },
      policyTypes: ["Egress"],
      egress: [
        { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }], ports: [{ protocol: "TCP", port: 443 }] },
        {
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [
            { protocol: "TCP", port: 53 },
            { protocol: "UDP", port: 53 },
          ],
        },
      ],
    });
  });

  const withCidrs = exampleInput("prod", (doc) => {
    doc.setIn(["modelStore", "egressCidrs"], ["10.20.0.0/16", "fd00:20::/32"]);
    doc.setIn(["modelStore", "source", "endpoint"], "http://minio.dc1.corp.example:9000");
  });

  test("GIVEN egressCidrs and a MinIO on port 9000 WHEN the egress policy is built THEN the Jobs reach only those blocks, on 9000 only", () => {
    const { policies, problems } = analyse(withCidrs);
    expect(problems).toEqual([]);
    expect(find(policies, "ai-models/egress-prefetch").spec.egress![0]).toEqual({
      to: [{ ipBlock: { cidr: "10.20.0.0/16" } }, { ipBlock: { cidr: "fd00:20::/32" } }],
      ports: [{ protocol: "TCP", port: 9000 }],
    });
  });

  test("GIVEN egressCidrs WHEN the policy opens 0.0.0.0/0 instead THEN the checker names the other addresses", () => {
    const { policies, flows, endpoints } = analyse(withCidrs);
    const mutated = copy(policies);
    find(mutated as NetworkPolicy[], "ai-models/egress-prefetch");
    (mutated.find((p) => p.metadata.name === "egress-prefetch")!.spec.egress[0].to[0].ipBlock as { cidr: string }).cidr = "0.0.0.0/0";
    const found = messages(checkNetworkPolicies(mutated as NetworkPolicy[], flows, endpoints), "undeclared-connection");
    expect(found).toContain(
      "undeclared connection allowed: ai-models/model-prefetch → 0.0.0.0/0 except 10.20.0.0/16 (outside, api-server) on 9000/TCP (egress ai-models/egress-prefetch)",
    );
    // 0.0.0.0/0 matches pod addresses too: the Jobs could reach every pod outside our namespaces.
    expect(found).toContain("undeclared connection allowed: ai-models/model-prefetch → kube-system/kube-dns on 9000/TCP (egress ai-models/egress-prefetch)");
  });

  test("GIVEN egressCidrs WHEN the policy narrows a block THEN the flow is reported blocked for the missing addresses", () => {
    const { policies, flows, endpoints } = analyse(withCidrs);
    const mutated = copy(policies);
    (mutated.find((p) => p.metadata.name === "egress-prefetch")!.spec.egress[0].to[0].ipBlock as { cidr: string }).cidr = "10.20.0.0/17";
    expect(messages(checkNetworkPolicies(mutated as NetworkPolicy[], flows, endpoints), "flow-not-allowed")).toEqual([
      "flow not allowed: ai-models/model-prefetch → 10.20.128.0/17 (outside, api-server, weights-source) 9000/TCP (prefetch Jobs download weights (and runtime files) from http://minio.dc1.corp.example:9000): egress of ai-models/model-prefetch does not allow these addresses (policies: ai-models/egress-prefetch)",
      "flow not allowed: ai-models/runtime-files-prefetch → 10.20.128.0/17 (outside, api-server, weights-source) 9000/TCP (prefetch Jobs download weights (and runtime files) from http://minio.dc1.corp.example:9000): egress of ai-models/runtime-files-prefetch does not allow these addresses (policies: ai-models/egress-prefetch)",
    ]);
  });

  test("GIVEN a Hugging Face proxy on 8443 and a model with runtime files WHEN the policies are built THEN each Job kind gets its own egress policy and ports", () => {
    const input: NetworkInput = {
      ...DEV,
      modelStore: { sourceUrl: "http://hf-proxy.corp.example:8443", runtimeFileUrls: ["https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"] },
    };
    const { flows, policies, problems } = analyse(input);
    expect(problems).toEqual([]);
    expect(flows.map(row).slice(0, 4)).toEqual([
      "ai-models/model-prefetch → any-address[0.0.0.0/0,::/0] 8443/TCP",
      "ai-models/model-prefetch → kube-system/kube-dns 53/TCP,53/UDP",
      "ai-models/runtime-files-prefetch → any-address[0.0.0.0/0,::/0] 443/TCP",
      "ai-models/runtime-files-prefetch → kube-system/kube-dns 53/TCP,53/UDP",
    ]);
    expect(find(policies, "ai-models/egress-model-prefetch").spec.podSelector.matchLabels).toMatchObject({ "app.kubernetes.io/name": "model-prefetch" });
    expect(find(policies, "ai-models/egress-runtime-files-prefetch").spec.egress![0].ports).toEqual([{ protocol: "TCP", port: 443 }]);
  });

  test("GIVEN an environment without a model store WHEN the flows are computed THEN no prefetch flow or egress policy exists", () => {
    const input: NetworkInput = { ...PROD, modelStore: undefined, modelServers: [] };
    const { flows, policies, problems } = analyse(input);
    expect(flows.map(row).filter((r) => r.includes("prefetch") || r.includes("model-servers"))).toEqual([]);
    expect(policies.filter((p) => p.spec.policyTypes?.includes("Egress"))).toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe("checkNetworkPolicies", () => {
  test.each([
    ["prod", PROD],
    ["dev", DEV],
    ["staging", exampleInput("staging")],
  ])("GIVEN %s WHEN its policies are checked against its flows THEN nothing is blocked and nothing else is open", (_, input) => {
    expect(analyse(input).problems).toEqual([]);
  });

  /** Mutates prod's policies and returns the checker's messages. */
  function mutate(change: (policies: Mutable[]) => Mutable[] | void): string[] {
    const { policies, flows, endpoints } = analyse(PROD);
    const copied = copy(policies);
    const result = change(copied) ?? copied;
    return messages(checkNetworkPolicies(result as NetworkPolicy[], flows, endpoints));
  }
  const policy = (ps: Mutable[], key: string) => ps.find((p) => `${p.metadata.namespace}/${p.metadata.name}` === key)!;

  test("GIVEN the model servers' port moved to 8001 WHEN checked THEN 8000 is blocked and 8001 undeclared, for each model", () => {
    const found = mutate((ps) => {
      policy(ps, "ai-models/ingress-model-servers").spec.ingress[0].ports[0].port = 8001;
    });
    expect(found).toContain(
      "flow not allowed: envoy-gateway-system/envoy-proxy → ai-models/model-server-coder 8000/TCP (the Envoy proxies (with the AI Gateway's external processor) route requests to the model servers): ingress of ai-models/model-server-coder is restricted by ai-models/default-deny-ingress, ai-models/ingress-model-servers and none admits it",
    );
    expect(found).toContain("undeclared connection allowed: envoy-gateway-system/envoy-proxy → ai-models/model-server-llama-3-3-70b on 8001/TCP (ingress ai-models/ingress-model-servers)");
  });

  test("GIVEN a port added beside 8000 WHEN checked THEN only the widening is reported", () => {
    const found = mutate((ps) => {
      policy(ps, "ai-models/ingress-model-servers").spec.ingress[0].ports.push({ protocol: "TCP", port: 8001 });
    });
    expect(found).toEqual([
      "undeclared connection allowed: envoy-gateway-system/envoy-proxy → ai-models/model-server-coder on 8001/TCP (ingress ai-models/ingress-model-servers)",
      "undeclared connection allowed: envoy-gateway-system/envoy-proxy → ai-models/model-server-gpt-oss-120b on 8001/TCP (ingress ai-models/ingress-model-servers)",
      "undeclared connection allowed: envoy-gateway-system/envoy-proxy → ai-models/model-server-llama-3-3-70b on 8001/TCP (ingress ai-models/ingress-model-servers)",
    ]);
  });

  test("GIVEN a rule without ports WHEN checked THEN every port and protocol is reported open", () => {
    const found = mutate((ps) => {
      delete policy(ps, "ai-models/ingress-model-servers").spec.ingress[1].ports;
    });
    expect(found).toHaveLength(3);
    const coder = found.find((m) => m.startsWith("undeclared connection allowed: monitoring/prometheus → ai-models/model-server-coder on 1/TCP, "))!;
    // Every probed port but the declared 8000/TCP: one no one names (1), each protocol.
    for (const port of ["1/TCP", "443/TCP", "19001/TCP", "8000/UDP", "53/UDP", "1/SCTP"]) expect(coder).toContain(` ${port}`);
    expect(coder).not.toContain(" 8000/TCP");
    expect(coder).toMatch(/\(ingress ai-models\/ingress-model-servers\)$/);
  });

  test("GIVEN a port range up to 6380 WHEN checked THEN the range's end is reported", () => {
    expect(
      mutate((ps) => {
        policy(ps, "ai-gateway/ingress-redis").spec.ingress[0].ports[0].endPort = 6380;
      }),
    ).toEqual(["undeclared connection allowed: envoy-gateway-system/envoy-ratelimit → ai-gateway/redis on 6380/TCP (ingress ai-gateway/ingress-redis)"]);
  });

  test("GIVEN Redis' port switched to UDP WHEN checked THEN TCP is blocked and UDP undeclared", () => {
    expect(
      mutate((ps) => {
        policy(ps, "ai-gateway/ingress-redis").spec.ingress[0].ports[0].protocol = "UDP";
      }),
    ).toEqual([
      "flow not allowed: envoy-gateway-system/envoy-ratelimit → ai-gateway/redis 6379/TCP (the rate limit service keeps its counters in Redis (the gateway chart's)): ingress of ai-gateway/redis is restricted by ai-gateway/default-deny-ingress, ai-gateway/ingress-redis and none admits it",
      "undeclared connection allowed: envoy-gateway-system/envoy-ratelimit → ai-gateway/redis on 6379/UDP (ingress ai-gateway/ingress-redis)",
    ]);
  });

  test("GIVEN the source peer's podSelector dropped WHEN checked THEN every pod of the controller namespace may reach the model servers", () => {
    const found = mutate((ps) => {
      delete policy(ps, "ai-models/ingress-model-servers").spec.ingress[0].from[0].podSelector;
    });
    expect(found).toContain("undeclared connection allowed: envoy-gateway-system/envoy-gateway → ai-models/model-server-coder on 8000/TCP (ingress ai-models/ingress-model-servers)");
    expect(found).toContain("undeclared connection allowed: envoy-gateway-system/envoy-proxy-of-another-gateway → ai-models/model-server-coder on 8000/TCP (ingress ai-models/ingress-model-servers)");
    expect(found.filter((m) => m.startsWith("flow not allowed"))).toEqual([]);
  });

  test("GIVEN the source peer's namespaceSelector dropped WHEN checked THEN the peer means the policy's own namespace and the gateway is blocked", () => {
    const found = mutate((ps) => {
      delete policy(ps, "ai-models/ingress-model-servers").spec.ingress[0].from[0].namespaceSelector;
    });
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(/^flow not allowed: envoy-gateway-system\/envoy-proxy → ai-models\/model-server-coder 8000\/TCP/);
  });

  test("GIVEN the monitoring peer widened to every namespace WHEN checked THEN pods elsewhere reach the metrics ports", () => {
    const found = mutate((ps) => {
      policy(ps, "gpu-operator/ingress-dcgm-exporter").spec.ingress[0].from[0].namespaceSelector = {};
    });
    expect(found).toContain("undeclared connection allowed: default/other-pod → gpu-operator/dcgm-exporter on 9400/TCP (ingress gpu-operator/ingress-dcgm-exporter)");
    expect(found).toContain("undeclared connection allowed: kube-system/kube-dns → gpu-operator/dcgm-exporter on 9400/TCP (ingress gpu-operator/ingress-dcgm-exporter)");
  });

  test("GIVEN the policy's own podSelector emptied WHEN checked THEN other pods of the namespace receive the model servers' traffic", () => {
    const found = mutate((ps) => {
      policy(ps, "ai-models/ingress-model-servers").spec.podSelector = {};
    });
    expect(found).toContain("undeclared connection allowed: envoy-gateway-system/envoy-proxy → ai-models/model-prefetch on 8000/TCP (ingress ai-models/ingress-model-servers)");
    expect(found).toContain("undeclared connection allowed: monitoring/prometheus → ai-models/other-pod on 8000/TCP (ingress ai-models/ingress-model-servers)");
  });

  test("GIVEN a selector by expression that matches too much WHEN checked THEN it is evaluated and reported", () => {
    const found = mutate((ps) => {
      policy(ps, "ai-models/ingress-model-servers").spec.podSelector = {
        matchExpressions: [{ key: "app.kubernetes.io/name", operator: "NotIn", values: ["model-prefetch"] }],
      };
    });
    expect(found).toContain("undeclared connection allowed: monitoring/prometheus → ai-models/runtime-files-prefetch on 8000/TCP (ingress ai-models/ingress-model-servers)");
    expect(found.join("\n")).not.toContain("→ ai-models/model-prefetch");
  });

  test("GIVEN a namespace without its default-deny WHEN checked THEN everything reaching its pods is reported open", () => {
    const found = mutate((ps) => ps.filter((p) => `${p.metadata.namespace}/${p.metadata.name}` !== "team-documents/default-deny-ingress"));
    expect(found).toContain("undeclared connection allowed: 0.0.0.0/0 and ::/0 (outside, api-server) → team-documents/other-pod on every port (no ingress policy selects team-documents/other-pod)");
    expect(found).toContain("undeclared connection allowed: default/other-pod → team-documents/other-pod on every port (no ingress policy selects team-documents/other-pod)");
  });

  test("GIVEN the default-deny of the models namespace dropped WHEN checked THEN its unselected pods are reported open and the model servers are not", () => {
    const found = mutate((ps) => ps.filter((p) => `${p.metadata.namespace}/${p.metadata.name}` !== "ai-models/default-deny-ingress"));
    expect(found).toContain("undeclared connection allowed: 0.0.0.0/0 and ::/0 (outside, api-server) → ai-models/other-pod on every port (no ingress policy selects ai-models/other-pod)");
    expect(found.join("\n")).not.toMatch(/→ ai-models\/model-server-/);
  });

  test("GIVEN the prefetch egress policy dropped WHEN checked THEN the Jobs' open egress is reported", () => {
    const found = mutate((ps) => ps.filter((p) => p.metadata.name !== "egress-prefetch"));
    expect(found.some((m) => m.startsWith("undeclared connection allowed: ai-models/model-prefetch → 0.0.0.0/0 and ::/0 (outside, api-server) on 1/TCP") && m.endsWith("(no egress policy selects ai-models/model-prefetch)"))).toBe(true);
    expect(found.some((m) => m.startsWith("undeclared connection allowed: ai-models/model-prefetch → kube-system/kube-dns on 1/TCP"))).toBe(true);
  });

  test("GIVEN the DNS rule dropped from the prefetch egress WHEN checked THEN DNS is reported blocked over UDP and TCP", () => {
    const found = mutate((ps) => {
      const e = policy(ps, "ai-models/egress-prefetch");
      e.spec.egress = e.spec.egress.filter((r: { to: { namespaceSelector?: unknown }[] }) => r.to[0].namespaceSelector === undefined);
    });
    expect(found).toContain(
      "flow not allowed: ai-models/model-prefetch → kube-system/kube-dns 53/UDP (cluster DNS: the source's host name resolves through kube-dns): egress of ai-models/model-prefetch is restricted by ai-models/egress-prefetch and none admits it",
    );
    expect(found.filter((m) => m.includes("53/TCP"))).toHaveLength(2);
  });

  test("GIVEN the clients' IPv6 block dropped WHEN checked THEN the listener flow is blocked for ::/0", () => {
    const found = mutate((ps) => {
      const p = policy(ps, "envoy-gateway-system/ingress-envoy-proxies");
      p.spec.ingress[0].from = p.spec.ingress[0].from.filter((f: { ipBlock?: { cidr: string } }) => f.ipBlock?.cidr !== "::/0");
    });
    expect(found).toEqual([
      "flow not allowed: ::/0 (outside, api-server) → envoy-gateway-system/envoy-proxy 10443/TCP (clients call the Gateway's listener on port 443, which Envoy Gateway maps to container port 10443): ingress of envoy-gateway-system/envoy-proxy does not admit these addresses (policies: envoy-gateway-system/default-deny-ingress, envoy-gateway-system/ingress-envoy-proxies)",
    ]);
  });

  test("GIVEN an `except` carved out of the clients' block WHEN checked THEN the missing block is named", () => {
    const found = mutate((ps) => {
      policy(ps, "envoy-gateway-system/ingress-envoy-proxies").spec.ingress[0].from[0].ipBlock.except = ["10.0.0.0/8"];
    });
    expect(found).toEqual([expect.stringMatching(/^flow not allowed: 10\.0\.0\.0\/8 \(outside, api-server\) → envoy-gateway-system\/envoy-proxy 10443\/TCP/)]);
  });

  test("GIVEN any address admitted to the model servers WHEN checked THEN the addresses and every pod are reported", () => {
    const found = mutate((ps) => {
      policy(ps, "ai-models/ingress-model-servers").spec.ingress[0].from.push({ ipBlock: { cidr: "0.0.0.0/0" } });
    });
    expect(found).toContain("undeclared connection allowed: 0.0.0.0/0 (outside, api-server) → ai-models/model-server-coder on 8000/TCP (ingress ai-models/ingress-model-servers)");
    expect(found).toContain("undeclared connection allowed: default/other-pod → ai-models/model-server-coder on 8000/TCP (ingress ai-models/ingress-model-servers)");
  });

  test("GIVEN Redis' allow policy removed WHEN checked THEN the rate limit service is blocked", () => {
    expect(mutate((ps) => ps.filter((p) => p.metadata.name !== "ingress-redis"))).toEqual([
      "flow not allowed: envoy-gateway-system/envoy-ratelimit → ai-gateway/redis 6379/TCP (the rate limit service keeps its counters in Redis (the gateway chart's)): ingress of ai-gateway/redis is restricted by ai-gateway/default-deny-ingress and none admits it",
    ]);
  });

  test("GIVEN a named port WHEN checked THEN it is reported unchecked (and the flow blocked)", () => {
    const found = mutate((ps) => {
      policy(ps, "ai-gateway/ingress-redis").spec.ingress[0].ports[0].port = "redis";
    });
    expect(found[0]).toBe('policy ai-gateway/ingress-redis: ingress[0]: named port "redis": the checker knows no container port names; use the number');
    expect(found[1]).toMatch(/^flow not allowed: envoy-gateway-system\/envoy-ratelimit → ai-gateway\/redis 6379\/TCP/);
  });

  test("GIVEN invalid peers WHEN checked THEN each is reported unchecked", () => {
    const found = mutate((ps) => {
      const p = policy(ps, "ai-gateway/ingress-redis");
      p.spec.ingress[0].from.push({}, { ipBlock: { cidr: "10.0.0.0/33" } }, { ipBlock: { cidr: "10.0.0.0/8" }, podSelector: {} });
    });
    expect(found.filter((m) => m.startsWith("policy "))).toEqual([
      "policy ai-gateway/ingress-redis: ingress[0]: an empty peer is invalid",
      'policy ai-gateway/ingress-redis: ingress[0]: invalid CIDR "10.0.0.0/33"',
      "policy ai-gateway/ingress-redis: ingress[0]: a peer with ipBlock and a selector is invalid",
    ]);
  });

  test("GIVEN a flow whose pods match no endpoint WHEN checked THEN it is reported unchecked, not silently passed", () => {
    const { policies, flows, endpoints } = analyse(PROD);
    const extra: Flow = {
      from: { kind: "pods", name: "ghost", namespace: "ai-models", podSelector: { app: "ghost" } },
      to: { kind: "pods", name: "model-servers", namespace: "ai-models", podSelector: { "app.kubernetes.io/name": "model-server" } },
      ports: [{ port: 8000, protocol: "TCP" }],
      why: "a test",
    };
    expect(messages(checkNetworkPolicies(policies, [...flows, extra], endpoints))).toEqual([
      "flow ai-models/ghost → ai-models/model-servers (a test): no endpoint matches ai-models/ghost; list its pods in the endpoints",
    ]);
  });

  test("GIVEN an endpoint listed twice WHEN checked THEN it throws", () => {
    const { policies, flows, endpoints } = analyse(PROD);
    expect(() => checkNetworkPolicies(policies, flows, [...endpoints, endpoints[0]])).toThrow(/endpoint .* is listed twice/);
  });
});

describe("networkEndpoints", () => {
  test("GIVEN prod WHEN the endpoints are listed THEN each deployed pod class is there once, with managed set by namespace", () => {
    const eps = networkEndpoints(PROD);
    const names = eps.map((e) => (e.kind === "pod" ? `${e.namespace}/${e.name}${e.managed ? "" : " (foreign)"}` : `external ${e.name}`));
    expect(names).toEqual(
      expect.arrayContaining([
        "ai-models/model-server-coder",
        "ai-models/model-prefetch",
        "envoy-gateway-system/envoy-proxy",
        "envoy-gateway-system/envoy-ratelimit",
        "ai-gateway/redis",
        "envoy-ai-gateway-system/ai-gateway-controller",
        "gpu-operator/dcgm-exporter",
        "team-documents/other-pod",
        "kube-system/kube-dns (foreign)",
        "monitoring/prometheus (foreign)",
        "default/other-pod (foreign)",
        "external outside",
        "external api-server",
      ]),
    );
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("monitoring.mode: install (kube-prometheus-stack in a namespace of ours)", () => {
  const INSTALL = exampleInput("prod", (doc) => doc.set("monitoring", { mode: "install" }));

  test("GIVEN prod with mode install WHEN the input is built THEN the monitoring namespace is ours and KEDA (prod autoscales) is a client", () => {
    expect(INSTALL.installedMonitoring).toEqual({ kedaNamespace: "keda" });
    expect(managedNamespaces(INSTALL)).toEqual(["ai-gateway", "ai-models", "envoy-ai-gateway-system", "envoy-gateway-system", "gpu-operator", "monitoring", "team-documents"]);
  });

  test("GIVEN prod with mode install WHEN the flows are computed THEN the installed Prometheus scrapes, and the stack's own connections are exactly the hand-written table", () => {
    const rows = networkFlows(INSTALL).map(row);
    expect(rows.filter((r) => r.startsWith("monitoring/any-pod"))).toEqual([]);
    expect(rows.filter((r) => r.includes("monitoring/"))).toEqual([
      "monitoring/prometheus → ai-models/model-servers 8000/TCP",
      "monitoring/prometheus → gpu-operator/dcgm-exporter 9400/TCP",
      "monitoring/prometheus → envoy-gateway-system/envoy-proxies 1064/TCP,19001/TCP",
      "monitoring/prometheus → envoy-gateway-system/envoy-gateway 19001/TCP",
      "monitoring/prometheus → envoy-gateway-system/envoy-ratelimit 19001/TCP",
      "monitoring/prometheus → envoy-ai-gateway-system/ai-gateway-controller 8080/TCP",
      "users[0.0.0.0/0,::/0] → monitoring/grafana 3000/TCP",
      "monitoring/grafana → monitoring/prometheus 9090/TCP",
      "monitoring/grafana → monitoring/alertmanager 9093/TCP",
      "monitoring/prometheus → monitoring/alertmanager 8080/TCP,9093/TCP",
      "monitoring/prometheus → monitoring/prometheus 8080/TCP,9090/TCP",
      "monitoring/prometheus → monitoring/prometheus-operator 10250/TCP",
      "monitoring/prometheus → monitoring/grafana 3000/TCP",
      "monitoring/prometheus → monitoring/kube-state-metrics 8080/TCP",
      "api-server[0.0.0.0/0,::/0] → monitoring/prometheus-operator 10250/TCP",
      "keda/keda-operator → monitoring/prometheus 9090/TCP",
    ]);
  });

  test("GIVEN prod with mode install WHEN the policies are checked THEN every flow is allowed and nothing else is (the synth-time check passes)", () => {
    const { policies, problems } = analyse(INSTALL);
    expect(problems).toEqual([]);
    expect(policies.filter((p) => p.metadata.namespace === "monitoring").map((p) => p.metadata.name)).toEqual([
      "default-deny-ingress",
      "ingress-alertmanager",
      "ingress-grafana",
      "ingress-kube-state-metrics",
      "ingress-prometheus",
      "ingress-prometheus-operator",
    ]);
  });

  test("GIVEN mode install WHEN the model servers' policy is built THEN only the installed Prometheus' pods, not the whole namespace, reach port 8000", () => {
    const rule = find(analyse(INSTALL).policies, "ai-models/ingress-model-servers").spec.ingress!.find((r) => JSON.stringify(r.from).includes('"monitoring"'))!;
    expect(rule.from).toEqual([
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
        podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus", "operator.prometheus.io/name": "kube-prometheus-stack-prometheus" } },
      },
    ]);
  });

  test("GIVEN mode install and no autoscaled model WHEN the flows are computed THEN KEDA reaches nothing", () => {
    const input = exampleInput("dev", (doc) => doc.set("monitoring", { mode: "install", namespace: "observability" }));
    expect(input.installedMonitoring).toEqual({});
    expect(networkFlows(input).map(row).filter((r) => r.includes("keda"))).toEqual([]);
    expect(analyse(input).problems).toEqual([]);
  });

  test("GIVEN mode install WHEN the Grafana policy admits the whole namespace's pods instead of Grafana's THEN the checker reports Alertmanager and the operator reachable", () => {
    const { flows, policies, endpoints } = analyse(INSTALL);
    const widened = copy(policies);
    const prometheus = widened.find((p) => p.metadata.namespace === "monitoring" && p.metadata.name === "ingress-prometheus")!;
    for (const rule of prometheus.spec.ingress) for (const peer of rule.from) if (peer.podSelector?.matchLabels?.["app.kubernetes.io/name"] === "grafana") delete peer.podSelector;
    const found = messages(checkNetworkPolicies(widened as NetworkPolicy[], flows, endpoints), "undeclared-connection");
    expect(found).toContainEqual(expect.stringMatching(/^undeclared connection allowed: monitoring\/alertmanager → monitoring\/prometheus on 9090\/TCP/));
  });
});
