import * as fs from "node:fs";
import * as path from "node:path";
import { loadAndPlan } from "../../cli/load";
import { ConfigError, formatProblem } from "../../config/errors";
import { checkScheduling, declaredNodeGroups, rejections, stackWorkloads } from "../../planning/scheduling";
import { plannedFromYaml } from "../helpers/env";
import { tempDir } from "../helpers/run";

const REPO = path.resolve(__dirname, "../..");
const S3_SOURCE = "  source: { kind: s3, endpoint: https://s3.example, bucket: weights, credentialsSecret: s3-creds }";
const NFS_STORE = `modelStore:\n  volume: { kind: nfs, server: nas.example, path: /export/models }\n${S3_SOURCE}\n`;
const CLASS_STORE = `modelStore:\n  volume: { kind: storageClass, storageClass: cephfs }\n${S3_SOURCE}\n`;
const MODEL = "models:\n  small: { model: llama-3.1-8b, pool: ws, maxContextTokens: 8192, maxConcurrentSequences: 4 }\n";

/** `test.yaml`: one workstation pool `ws` with `poolExtra` (e.g. a taint), one model, and `extra`. */
function envYaml(opts: { otherNodes?: string; poolExtra?: string; store?: string; extra?: string; pools?: string }): string {
  const pools = opts.pools ?? `  ws: { nodes: [ws-01], server: rtx-pro-6000-ws-4${opts.poolExtra ? `, ${opts.poolExtra}` : ""} }`;
  return [
    "name: test",
    "description: test environment",
    "cluster:",
    "  kubeconfig: { context: c }",
    ...(opts.otherNodes !== undefined ? [`  otherNodes: ${opts.otherNodes}`] : []),
    "nodePools:",
    pools,
    MODEL + (opts.store ?? NFS_STORE) + (opts.extra ?? ""),
  ].join("\n");
}

/** The scheduling problems of `yaml`, formatted as the CLI prints them. */
function schedulingProblems(yaml: string): string[] {
  const { env, plan } = plannedFromYaml(yaml);
  return checkScheduling(env, plan).map(formatProblem);
}

describe("checkScheduling: the dev example", () => {
  const shipped = fs.readFileSync(path.join(REPO, "environments/dev.yaml"), "utf8");
  // The example as it was before cluster.otherNodes: the pool keeps its default GPU taint.
  const beforeFix = shipped.replace(/^ {4}taint: false\n/m, "");

  test("GIVEN the workstation as the only node, still tainted WHEN loaded THEN the load fails naming every pod left without a node and the fix", () => {
    expect(beforeFix).not.toEqual(shipped);
    const dir = tempDir();
    try {
      fs.mkdirSync(path.join(dir, "environments"));
      fs.writeFileSync(path.join(dir, "environments/dev.yaml"), beforeFix);
      let err: unknown;
      try {
        loadAndPlan(["environments/dev.yaml"], dir);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message.split("\n")).toEqual([
        'environments/dev.yaml: nodePools.workstation.taint: no node can run the GPU Operator Deployment, the NFD master, the NFD garbage collector, the NFS CSI controller, the prefetch Jobs, the Envoy Gateway controller, the gateway\'s Envoy proxies, the gateway\'s rate limit service, the gateway\'s Redis and the AI Gateway controller: pool "workstation" has the taint nvidia.com/gpu=present:NoSchedule, which they do not tolerate; the cluster has no other nodes (cluster.otherNodes: false); set nodePools.workstation.taint: false (a cluster without other nodes has nothing to keep off its GPU nodes), or declare the cluster\'s other nodes under cluster.otherNodes',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("GIVEN the shipped example (untainted only node) WHEN loaded THEN every pod has a node", () => {
    const [planned] = loadAndPlan(["environments/dev.yaml"], REPO);
    expect(planned.env.config.cluster.otherNodes).toBe(false);
    expect(checkScheduling(planned.env, planned.plan)).toEqual([]);
  });

  test("GIVEN the staging and prod examples WHEN loaded THEN their other nodes (the default) run everything", () => {
    for (const planned of loadAndPlan(["environments/staging.yaml", "environments/prod.yaml"], REPO)) {
      expect(planned.env.config.cluster.otherNodes).toEqual({ labels: {}, taints: [] });
      expect(checkScheduling(planned.env, planned.plan)).toEqual([]);
    }
  });
});

describe("checkScheduling: rules", () => {
  test("GIVEN other nodes that all carry a taint WHEN checked THEN the prefetch Jobs have no node, reported at cluster.otherNodes.taints", () => {
    const yaml = envYaml({
      otherNodes: "{ taints: [{ key: dedicated, value: infra, effect: NoSchedule }] }",
      store: CLASS_STORE,
      extra: "gpuOperator: { enabled: false }\n",
    });
    expect(schedulingProblems(yaml)).toEqual([
      'test.yaml: cluster.otherNodes.taints: no node can run the prefetch Jobs: pool "ws" has the taint nvidia.com/gpu=present:NoSchedule, which it does not tolerate; the other nodes have the taint dedicated=infra:NoSchedule, which it does not tolerate; cluster.otherNodes.taints says every other node carries dedicated=infra:NoSchedule: keep some nodes without it and remove it from cluster.otherNodes.taints',
    ]);
  });

  test("GIVEN only control-plane nodes besides the GPU pool WHEN checked THEN the pods tolerating the control plane pass and the NFD gc and the prefetch Jobs do not", () => {
    const yaml = envYaml({ otherNodes: '{ taints: [{ key: node-role.kubernetes.io/control-plane, value: "", effect: NoSchedule }] }' });
    expect(schedulingProblems(yaml)).toEqual([
      'test.yaml: cluster.otherNodes.taints: no node can run the NFD garbage collector and the prefetch Jobs: pool "ws" has the taint nvidia.com/gpu=present:NoSchedule, which they do not tolerate; the other nodes have the taint node-role.kubernetes.io/control-plane=:NoSchedule, which they do not tolerate; cluster.otherNodes.taints says every other node carries node-role.kubernetes.io/control-plane=:NoSchedule: keep some nodes without it and remove it from cluster.otherNodes.taints',
    ]);
  });

  test("GIVEN only GPU nodes with a NoExecute taint WHEN checked THEN it blocks like NoSchedule", () => {
    const yaml = envYaml({ otherNodes: "false", poolExtra: "taint: { key: nvidia.com/gpu, value: present, effect: NoExecute }", store: CLASS_STORE });
    expect(schedulingProblems(yaml)).toEqual([
      'test.yaml: nodePools.ws.taint: no node can run the GPU Operator Deployment, the NFD master, the NFD garbage collector and the prefetch Jobs: pool "ws" has the taint nvidia.com/gpu=present:NoExecute, which they do not tolerate; the cluster has no other nodes (cluster.otherNodes: false); set nodePools.ws.taint: false (a cluster without other nodes has nothing to keep off its GPU nodes), or declare the cluster\'s other nodes under cluster.otherNodes',
    ]);
  });

  test("GIVEN only GPU nodes with a PreferNoSchedule taint WHEN checked THEN nothing is blocked: the taint only steers", () => {
    expect(schedulingProblems(envYaml({ otherNodes: "false", poolExtra: "taint: { key: dedicated, value: gpu, effect: PreferNoSchedule }" }))).toEqual([]);
  });

  test("GIVEN two tainted pools and no other nodes WHEN checked THEN the problem is at the first pool's taint and offers either pool's", () => {
    const yaml = envYaml({
      otherNodes: "false",
      store: CLASS_STORE,
      extra: "gpuOperator: { enabled: false }\n",
      pools: "  ws: { nodes: [ws-01], server: rtx-pro-6000-ws-4 }\n  big: { nodes: [gpu-01], server: hgx-h100-8, taint: { key: dedicated, value: gpu, effect: NoSchedule } }",
    });
    // Pools are resolved in name order: big, then ws.
    expect(schedulingProblems(yaml)).toEqual([
      'test.yaml: nodePools.big.taint: no node can run the prefetch Jobs: pool "big" has the taint dedicated=gpu:NoSchedule, which it does not tolerate; pool "ws" has the taint nvidia.com/gpu=present:NoSchedule, which it does not tolerate; the cluster has no other nodes (cluster.otherNodes: false); set nodePools.big.taint: false or nodePools.ws.taint: false (a cluster without other nodes has nothing to keep off its GPU nodes), or declare the cluster\'s other nodes under cluster.otherNodes',
    ]);
  });

  test("GIVEN other nodes that are not Linux WHEN checked THEN the NFS CSI controller and node plugin, which select Linux, are reported at cluster.otherNodes.labels", () => {
    const yaml = envYaml({ otherNodes: "{ labels: { kubernetes.io/os: windows } }" });
    expect(schedulingProblems(yaml)).toEqual([
      'test.yaml: cluster.otherNodes.labels: no node can run the NFS CSI controller: pool "ws" has the taint nvidia.com/gpu=present:NoSchedule, which it does not tolerate; the other nodes lack the label kubernetes.io/os=linux; give the other nodes the label kubernetes.io/os=linux and declare it in cluster.otherNodes.labels',
      'test.yaml: cluster.otherNodes.labels: the NFS CSI node plugin must run on every other node a prefetch Job may run on, but the other nodes lack the label kubernetes.io/os=linux; these nodes must carry the labels it selects: fix cluster.otherNodes.labels',
    ]);
  });

  test("GIVEN custom taints on the pools WHEN checked THEN the per-node agents run on every GPU node and nothing is reported", () => {
    const yaml = envYaml({
      pools:
        "  ws: { nodes: [ws-01], server: rtx-pro-6000-ws-4, taint: { key: nvidia.com/gpu, value: present, effect: NoExecute } }\n" +
        "  big: { nodes: [gpu-01], server: hgx-h100-8, taint: { key: dedicated, value: gpu, effect: NoExecute } }",
    });
    const { env, plan } = plannedFromYaml(yaml);
    const agents = stackWorkloads(env, plan).filter((w) => w.reach !== "somewhere");
    expect(agents.map((w) => w.name)).toEqual(["the NFD worker", "the GPU Operator's operand DaemonSets", "the NFS CSI node plugin"]);
    for (const group of declaredNodeGroups(env)) {
      for (const agent of agents) expect(rejections(group, agent.placement)).toEqual([]);
    }
    expect(checkScheduling(env, plan)).toEqual([]);
  });

  test("GIVEN the operator off and no NFS WHEN listing workloads THEN only the prefetch Jobs and the model servers are checked", () => {
    const { env, plan } = plannedFromYaml(envYaml({ store: CLASS_STORE, extra: "gpuOperator: { enabled: false }\n" }));
    expect(stackWorkloads(env, plan).map((w) => w.name)).toEqual(["the prefetch Jobs", 'model server "small"']);
  });

  test("GIVEN a model server WHEN its pool is checked THEN its selector and toleration admit it there and only there", () => {
    const pools = "  ws: { nodes: [ws-01], server: rtx-pro-6000-ws-4 }\n  big: { nodes: [gpu-01], server: hgx-h100-8, taint: { key: dedicated, value: gpu, effect: NoSchedule } }";
    const { env, plan } = plannedFromYaml(envYaml({ otherNodes: "false", pools, store: CLASS_STORE }));
    const server = stackWorkloads(env, plan).find((w) => w.name === 'model server "small"')!;
    const groups = declaredNodeGroups(env);
    const ws = groups.find((g) => g.pool === "ws")!;
    const big = groups.find((g) => g.pool === "big")!;
    expect(rejections(ws, server.placement)).toEqual([]);
    expect(rejections(big, server.placement)).toEqual([
      { kind: "label", what: "ai-factory.io/pool=ws" },
      { kind: "taint", what: "dedicated=gpu:NoSchedule" },
    ]);
  });
});

describe("rejections", () => {
  const group = { name: "the other nodes", labels: { "kubernetes.io/os": "linux", zone: "a" }, taints: [] };
  test("GIVEN required node affinity WHEN no term matches THEN the node is rejected; WHEN one term matches THEN it is admitted", () => {
    const term = (key: string, operator: "In" | "Exists" | "DoesNotExist" | "NotIn", values?: string[]) => [{ key, operator, values }];
    expect(rejections(group, { nodeSelector: {}, tolerations: [], requiredNodeAffinity: [term("node-role.kubernetes.io/control-plane", "Exists")] })).toEqual([
      { kind: "affinity", what: "" },
    ]);
    expect(
      rejections(group, { nodeSelector: {}, tolerations: [], requiredNodeAffinity: [term("node-role.kubernetes.io/control-plane", "Exists"), term("zone", "In", ["a", "b"])] }),
    ).toEqual([]);
    expect(rejections(group, { nodeSelector: {}, tolerations: [], requiredNodeAffinity: [term("zone", "NotIn", ["a"])] })).toEqual([{ kind: "affinity", what: "" }]);
    expect(rejections(group, { nodeSelector: {}, tolerations: [], requiredNodeAffinity: [term("gpu", "DoesNotExist")] })).toEqual([]);
  });
});

describe("checkScheduling: the gateway's pods", () => {
  const GATEWAY = "gateway:\n  hostname: ai.lab.example\n  tls: false\n  teams:\n    t: { keySecret: k }\n";

  test("GIVEN a gateway and a tainted pool as the only nodes WHEN checked THEN its controllers, proxies, rate limit service and Redis are named among the pods without a node", () => {
    const lines = schedulingProblems(envYaml({ otherNodes: "false", extra: GATEWAY }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      "the Envoy Gateway controller, the gateway's Envoy proxies, the gateway's rate limit service, the gateway's Redis and the AI Gateway controller: pool \"ws\" has the taint nvidia.com/gpu=present:NoSchedule",
    );
  });

  test("GIVEN a gateway and the cluster's other nodes WHEN checked THEN its pods run there and nothing is reported", () => {
    expect(schedulingProblems(envYaml({ extra: GATEWAY }))).toEqual([]);
  });
});

describe("checkScheduling: the installed monitoring stack", () => {
  test("GIVEN monitoring mode install and a tainted pool as the only nodes WHEN checked THEN Prometheus, Alertmanager, Grafana and the rest are named", () => {
    const lines = schedulingProblems(envYaml({ otherNodes: "false", extra: "monitoring: { mode: install }\n" }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("the Prometheus Operator, Prometheus, Alertmanager, Grafana and kube-state-metrics: pool \"ws\" has the taint");
  });
});
