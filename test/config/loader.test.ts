import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "../helpers/run";
import { ConfigError } from "../../config/errors";
import { loadEnvironmentFiles, loadEnvironments, parseEnvironment } from "../../config/loader";
import { findServer } from "../../catalog";
import { baseEnvYaml, envFromYaml, resolveProblems } from "../helpers/env";

const FIXTURES = path.join(__dirname, "..", "fixtures");
const REPO = path.join(__dirname, "..", "..");

/** Loads one fixture from the repository root (as the CLI would) and returns its error lines. */
function problemsOf(name: string): string[] {
  try {
    loadEnvironmentFiles([`test/fixtures/bad/${name}.yaml`], REPO);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message.split("\n");
  }
  throw new Error(`expected ${name}.yaml to be rejected`);
}

describe("loadEnvironmentFiles with good files", () => {
  test("GIVEN the smallest file WHEN loaded THEN defaults are applied", () => {
    const [env] = loadEnvironmentFiles([path.join(FIXTURES, "good", "minimal.yaml")], REPO);
    expect(env.file).toBe("test/fixtures/good/minimal.yaml");
    expect(env.config.backend).toEqual({ type: "local" });
    expect(env.config.cluster.kubeconfig.path).toBe("~/.kube/config");
    expect(env.config.namespaces).toEqual({ gpuOperator: "gpu-operator", models: "ai-models" });
    expect(env.config.gpuOperator.version).toBe("v25.10.1");
    expect(env.pools).toHaveLength(1);
    expect(env.pools[0].taint).toEqual({ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" });
    expect(env.pools[0].sharing).toEqual({ mode: "none" });
    expect(env.pools[0].gpu.id).toBe("h100-sxm");
  });

  test("GIVEN a catalog server with a price override and an inline server WHEN loaded THEN both resolve", () => {
    const [env] = loadEnvironmentFiles([path.join(FIXTURES, "good", "inline-server.yaml")], REPO);
    const byName = Object.fromEntries(env.pools.map((p) => [p.name, p]));
    expect(byName.quoted.server.priceUsd).toBe(395000);
    expect(byName.quoted.server.gpu).toBe("h200");
    expect(byName.quoted.server.gpusPerServer).toBe(8);
    expect(byName.custom.server).toMatchObject({ id: "inline", gpu: "h100-nvl", gpusPerServer: 8, priceUsd: 300000 });
    expect(byName.custom.server.powerKw).toEqual({ idle: 2.0, max: 5.8 });
    expect(byName.custom.taint).toBe(false);
    // Pools come out sorted by name, whatever the file's order.
    expect(env.pools.map((p) => p.name)).toEqual(["custom", "quoted"]);
  });

  test("GIVEN a MIG pool on A100 WHEN loaded THEN the profile resolves with its slice size", () => {
    const [env] = loadEnvironmentFiles([path.join(FIXTURES, "good", "backends.yaml")], REPO);
    expect(env.pools[0].migProfile).toMatchObject({ name: "1g.10gb", instancesPerGpu: 7 });
    expect(env.config.backend).toMatchObject({ type: "consul", scheme: "https" });
  });

  test("GIVEN the example environments WHEN loaded THEN all are valid and sorted by name", () => {
    const envs = loadEnvironmentFiles(["environments/prod.yaml", "environments/dev.yaml", "environments/staging.yaml"], REPO);
    expect(envs.map((e) => e.config.name)).toEqual(["dev", "prod", "staging"]);
  });
});

describe("a pool's server interconnect", () => {
  /** The resolved interconnect of the one pool `p` with this `server:` value. */
  const interconnectOf = (server: string) => envFromYaml(baseEnvYaml(`  p: { nodes: [g1], server: ${server} }`)).pools[0].server.interconnect;

  test("GIVEN a catalog server overridden without interconnect WHEN resolved THEN it keeps the catalog's NVLink", () => {
    // GIVEN hgx-h100-8 with only a quoted price
    const interconnect = interconnectOf("{ id: hgx-h100-8, priceUsd: 300000 }");
    // THEN NVLink 4 at 450 GB/s each way, with the catalog's sources
    expect(interconnect).toEqual(findServer("hgx-h100-8")!.interconnect);
    expect(interconnect).toMatchObject({ kind: "nvlink", gbpsPerGpu: 450 });
  });

  test("GIVEN an interconnect in the file WHEN resolved THEN it replaces the catalog's, sourced to the file", () => {
    // GIVEN an L40S server whose GPUs sit behind PCIe Gen5 switches, and an inline server with NVLink bridges
    const overridden = interconnectOf("{ id: l40s-8, interconnect: { kind: pcie, gbpsPerGpu: 64 } }");
    const inline = interconnectOf("{ gpu: h100-nvl, gpusPerServer: 2, priceUsd: 80000, powerKw: { idle: 0.5, max: 1.5 }, interconnect: { kind: nvlink, gbpsPerGpu: 300 } }");
    // THEN the file's figures win and name the file as their source
    expect(overridden).toEqual({ kind: "pcie", gbpsPerGpu: 64, sources: [{ url: "environment file", date: "n/a", note: "defined inline in the environment file" }] });
    expect(inline).toMatchObject({ kind: "nvlink", gbpsPerGpu: 300 });
  });

  test("GIVEN an inline server without interconnect WHEN resolved THEN PCIe Gen4 x16 is assumed and the source says so", () => {
    // GIVEN a server defined only by GPU, count, price and power
    const interconnect = interconnectOf("{ gpu: h100-nvl, gpusPerServer: 8, priceUsd: 300000, powerKw: { idle: 2.0, max: 5.8 } }");
    // THEN 32 GB/s per direction over PCIe, the slowest link a current GPU server has
    expect(interconnect).toMatchObject({ kind: "pcie", gbpsPerGpu: 32 });
    // AND the first source tells the reader it is an assumption the file should replace
    expect(interconnect.sources[0]).toEqual({
      url: "environment file",
      date: "n/a",
      note: "assumed: the inline server names no `interconnect`, so PCIe Gen4 x16 (32 GB/s per direction) is taken; state the server's own link as `interconnect: { kind, gbpsPerGpu }`",
    });
    expect(interconnect.sources.length).toBeGreaterThan(1);
  });

  test("throws when gbpsPerGpu is out of range, quoting the value and the bound", () => {
    // GIVEN a link of 20,000 GB/s, a unit mistake (Gb/s for GB/s, or both directions of many GPUs)
    const yaml = baseEnvYaml("  p: { nodes: [g1], server: { id: hgx-b200-8, interconnect: { kind: nvlink, gbpsPerGpu: 20000 } } }");
    // THEN the problem names the path, the bound and why
    expect(resolveProblems(yaml)).toEqual([
      "test.yaml: nodePools.p.server.interconnect.gbpsPerGpu: must be at most 10000 (GB/s per direction; NVLink 5 gives a GPU 900), got 20000",
    ]);
  });

  test("throws when kind is neither nvlink nor pcie", () => {
    const yaml = baseEnvYaml("  p: { nodes: [g1], server: { id: hgx-b200-8, interconnect: { kind: infiniband, gbpsPerGpu: 50 } } }");
    expect(resolveProblems(yaml)).toEqual([expect.stringMatching(/^test\.yaml: nodePools\.p\.server\.interconnect\.kind: .*"nvlink".*"pcie"/)]);
  });
});

describe("loadEnvironmentFiles with bad files", () => {
  const f = (name: string) => `test/fixtures/bad/${name}.yaml`;
  const cases: Array<[string, string[]]> = [
    ["unknown-key", [`${f("unknown-key")}: nodepools: unknown key "nodepools"; allowed keys: backend, catalog, cluster, costs, description, gateway, gpuOperator, mirror, modelStore, models, monitoring, name, namespaces, nodePools, strictKvFit`]],
    ["wrong-name", [`${f("wrong-name")}: name: must equal the file name "wrong-name" (it names the stack), got "prod"`]],
    ["missing-description", [`${f("missing-description")}: description: is required (string)`]],
    ["invalid-yaml", [`${f("invalid-yaml")}: (document): invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`]],
    ["duplicate-key", [`${f("duplicate-key")}: (document): invalid YAML: Map keys must be unique; "description" is also at line 2, column 1`]],
    ["node-in-two-pools", [`${f("node-in-two-pools")}: nodePools.b.nodes[1]: node "gpu-02" is already in pool "a"; a node belongs to one pool only`]],
    ["node-twice", [`${f("node-twice")}: nodePools.a.nodes[1]: node "gpu-01" is listed twice in this pool`]],
    ["unknown-server", [expect.stringMatching(new RegExp(`^${f("unknown-server")}: nodePools.main.server: unknown server "dgx-h100"; known: .*hgx-h100-8.*hgx-h200-8`)) as unknown as string]],
    ["unknown-gpu", [expect.stringMatching(new RegExp(`^${f("unknown-gpu")}: nodePools.main.server.gpu: unknown GPU "h300"; known: a100-80gb, b200, h100-nvl, h100-sxm, h200, l40s, rtx-pro-6000`)) as unknown as string]],
    ["inline-server-incomplete", [expect.stringMatching(new RegExp(`^${f("inline-server-incomplete")}: nodePools.main.server: an inline server without \`id\` needs priceUsd, powerKw; or set \`id\` to a catalog server \\(`)) as unknown as string]],
    ["mig-on-l40s", [expect.stringMatching(new RegExp(`^${f("mig-on-l40s")}: nodePools.main.gpuSharing.mode: l40s does not support MIG; use mode "time-slicing" or "none", or a MIG-capable GPU \\(.*h100-sxm.*\\)`)) as unknown as string]],
    ["mig-bad-profile", [expect.stringMatching(new RegExp(`^${f("mig-bad-profile")}: nodePools.main.gpuSharing.profile: unknown MIG profile "3g.40gb" for h200; allowed: .*"3g.71gb"`)) as unknown as string]],
    ["time-slicing-one", [`${f("time-slicing-one")}: nodePools.main.gpuSharing.replicasPerGpu: time-slicing needs at least 2 replicas per GPU (1 is the same as no sharing), got 1`]],
    ["sharing-unknown-mode", [`${f("sharing-unknown-mode")}: nodePools.main.gpuSharing.mode: got "mps"; allowed: "none", "time-slicing" or "mig"`]],
    ["reserved-label", [`${f("reserved-label")}: nodePools.main.labels["nvidia.com/gpu.product"]: label keys under "nvidia.com/" are set by ai-factory and the GPU Operator; choose another prefix`]],
    ["absolute-kubeconfig", [`${f("absolute-kubeconfig")}: cluster.kubeconfig.path: must not be absolute (it would tie the stack to one machine), got "/etc/kubernetes/admin.conf"; use "~/…" (the home directory of whoever deploys) or a path inside the project, relative to its root; or set TF_VAR_kubeconfig_path at deploy time`]],
    ["driver-version-unmanaged", [`${f("driver-version-unmanaged")}: gpuOperator.driver.version: is only used when the operator manages the driver; set gpuOperator.driver.managed: true or remove the version`]],
    ["bad-taint-effect", [`${f("bad-taint-effect")}: nodePools.main.taint.effect: got "NoRun"; allowed: "NoSchedule", "PreferNoSchedule" or "NoExecute"`]],
    ["bad-node-name", [`${f("bad-node-name")}: nodePools.main.nodes[0]: must be a Kubernetes node name (lower-case RFC 1123 subdomain), got "GPU_01"`]],
    ["bad-backend", [`${f("bad-backend")}: backend.type: got "gcs"; allowed: "local", "s3", "pg", "http" or "consul"`]],
    ["no-pools", [`${f("no-pools")}: nodePools: an environment needs at least one node pool, got {}`]],
    ["empty", [`${f("empty")}: (document): the file is empty; an environment needs at least name, description, cluster and nodePools`]],
    ["idle-above-max", [`${f("idle-above-max")}: nodePools.main.server.powerKw: idle power 12 kW is above max power 10 kW`]],
    ["wrong-type", [`${f("wrong-type")}: nodePools.main.server.gpusPerServer: expected number, got "eight"`]],
    ["bad-env-name", [`${f("bad-env-name")}: name: name must be a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit, got "Prod_1"`]],
    [
      "bad-mirror",
      [
        `${f("bad-mirror")}: mirror.registry: must be a registry host with an optional path, e.g. registry.corp.example/mirror, got "https://harbor.corp.example"`,
        `${f("bad-mirror")}: mirror.chartRepository: must be an https://, http:// or oci:// URL, got "harbor.corp.example/charts"`,
      ],
    ],
    ["bad-pool-name", [`${f("bad-pool-name")}: nodePools.GPU_Pool: invalid name "GPU_Pool": node pool name must be a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit`]],
    ["unversioned-operator", [`${f("unversioned-operator")}: gpuOperator.version: must be a pinned chart version such as v25.10.1 (never a range or \`latest\`), got "latest"`]],
  ];

  test.each(cases)("GIVEN %s.yaml WHEN loaded THEN the error names the file, the path and the fix", (name, expected) => {
    expect(problemsOf(name)).toEqual(expected);
  });

  test("GIVEN several bad files WHEN loaded together THEN every file's problems are reported at once", () => {
    let err: unknown;
    try {
      loadEnvironmentFiles([f("node-twice"), f("empty"), "environments/dev.yaml"], REPO);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.file)).toEqual([f("node-twice"), f("empty")]);
  });

  test("GIVEN a file that does not exist WHEN loaded THEN the problem says so", () => {
    expect(() => loadEnvironmentFiles(["environments/nope.yaml"], REPO)).toThrow("environments/nope.yaml: (document): no such file");
  });

  test("GIVEN two files with the same name field WHEN loaded THEN the second is rejected", () => {
    const dir = tempDir();
    try {
      const text = "name: twin\ndescription: x\ncluster: { kubeconfig: { context: c } }\nnodePools: { a: { nodes: [n1], server: hgx-h100-8 } }\n";
      fs.mkdirSync(path.join(dir, "a"));
      fs.mkdirSync(path.join(dir, "b"));
      fs.writeFileSync(path.join(dir, "a", "twin.yaml"), text);
      fs.writeFileSync(path.join(dir, "b", "twin.yaml"), text);
      expect(() => loadEnvironmentFiles(["a/twin.yaml", "b/twin.yaml"], dir)).toThrow('b/twin.yaml: name: environment "twin" is also defined in a/twin.yaml');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("GIVEN a file with several mistakes WHEN parsed THEN all of them are reported, not only the first", () => {
    const text = [
      "name: many",
      "description: several mistakes",
      "cluster: { kubeconfig: { context: c, path: /root/kube } }",
      "nodePools:",
      "  a: { nodes: [n1], server: hgx-h100-8, labels: { ai-factory.io/x: y } }",
      "  b: { nodes: [n1], server: l40s-8, gpuSharing: { mode: mig, profile: 1g.10gb } }",
    ].join("\n");
    const { problems, env } = parseEnvironment("many.yaml", text);
    expect(env).toBeUndefined();
    expect(problems.map((p) => p.path.join("."))).toEqual([
      "cluster.kubeconfig.path",
      "nodePools.a.labels.ai-factory.io/x",
      "nodePools.b.nodes.0",
      "nodePools.b.gpuSharing.mode",
    ]);
  });
});

describe("problem locations", () => {
  const f = (name: string) => `test/fixtures/bad/${name}.yaml`;
  /** Each problem of loading `files` as `<line>:<column> <rule> <path>`. */
  function locationsOf(files: readonly string[], cwd = REPO): string[] {
    try {
      loadEnvironmentFiles(files, cwd);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).problems.map((p) => `${p.line}:${p.column} ${p.rule} ${p.path.join(".")}`);
    }
    throw new Error(`expected ${files.join(", ")} to be rejected`);
  }

  const cases: Array<[string, string, string]> = [
    // `    nodes: [gpu-01, gpu-01]`: the second item.
    ["node-twice", "8:21 check nodePools.a.nodes.1", "a list item is where its value is"],
    // `    gpuSharing: { mode: mig, profile: 1g.10gb }`: the value of mode.
    ["mig-on-l40s", "10:25 check nodePools.main.gpuSharing.mode", "a scalar in a flow mapping is where its value is"],
    // `    server: { gpu: h100-sxm, gpusPerServer: eight, … }`
    ["wrong-type", "9:45 schema nodePools.main.server.gpusPerServer", "a mistyped value is where the value is"],
    ["unknown-key", "10:1 schema nodepools", "an unknown key is where the key is"],
    ["bad-pool-name", "7:3 schema nodePools.GPU_Pool", "an invalid map key is where the key is"],
    ["no-pools", "6:1 schema nodePools", "an entry whose value is a mapping is where its key is"],
    ["missing-description", "1:1 schema description", "a missing key is where its parent, the document, starts"],
    ["proto-pool", "7:3 yaml nodePools.__proto__", "a reserved key is where the key is"],
    ["duplicate-key", "10:1 yaml ", "a duplicate key is where the second one is"],
    ["invalid-yaml", "8:1 yaml ", "a syntax error is where the parser stopped (here the end of the file)"],
    ["empty", "1:1 file ", "a problem of the whole file is at its start"],
  ];

  test.each(cases)("GIVEN %s.yaml WHEN loaded THEN the problem is at %s (%s)", (name, expected) => {
    expect(locationsOf([f(name)])[0]).toBe(expected);
  });

  test("GIVEN a file that cannot be read WHEN loaded THEN the problem is at 1:1", () => {
    expect(locationsOf(["environments/nope.yaml"])).toEqual(["1:1 file "]);
  });

  test("GIVEN an unknown key with a scalar value and a missing nested key WHEN parsed THEN one points at the key, the other at the parent's key", () => {
    const text = [
      "name: t",
      "description: d",
      "cluster: { kubeconfig: { context: c } }",
      "nodePools:",
      "  main:",
      "    nodes: [gpu-01]",
      "    replica: 3",
      "  other:",
      "    nodes: [gpu-02]",
    ].join("\n");
    const { problems } = parseEnvironment("t.yaml", text);
    expect(problems.map((p) => `${p.line}:${p.column} ${p.rule} ${p.path.join(".")}`)).toEqual([
      // `server` is missing from both pools: each pool's key.
      "5:3 schema nodePools.main.server",
      // `    replica: 3`: the key, not the 3 at column 14.
      "7:5 schema nodePools.main.replica",
      "8:3 schema nodePools.other.server",
    ]);
  });

  test("GIVEN two files with the same name field WHEN loaded THEN the second is located at its name", () => {
    const dir = tempDir();
    try {
      const text = "name: twin\ndescription: x\ncluster: { kubeconfig: { context: c } }\nnodePools: { a: { nodes: [n1], server: hgx-h100-8 } }\n";
      fs.mkdirSync(path.join(dir, "a"));
      fs.mkdirSync(path.join(dir, "b"));
      fs.writeFileSync(path.join(dir, "a", "twin.yaml"), text);
      fs.writeFileSync(path.join(dir, "b", "twin.yaml"), `# the same environment again\n${text}`);
      expect(locationsOf(["a/twin.yaml", "b/twin.yaml"], dir)).toEqual(["2:7 environments name"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("GIVEN problems found after loading WHEN located THEN they get the positions of their file, and 1:1 for a path the file lacks at all", () => {
    const loaded = loadEnvironments(["environments/staging.yaml"], REPO);
    expect(loaded.problems).toEqual([]);
    const file = "environments/staging.yaml";
    const located = loaded.locate(
      [
        { file, path: ["nodePools", "h100", "gpuSharing", "profile"], message: "a" },
        { file, path: ["nodePools", "h100", "gpuSharing", "replicasPerGpu"], message: "b" },
        { file: "elsewhere.yaml", path: ["name"], message: "c" },
      ],
      "plan",
    );
    const staging = fs.readFileSync(path.join(REPO, file), "utf8").split("\n");
    const profileLine = staging.findIndex((l) => /^ {6}profile: /.test(l)) + 1;
    const sharingLine = staging.findIndex((l) => /^ {4}gpuSharing:$/.test(l)) + 1;
    expect(located.map((p) => [p.line, p.column, p.rule])).toEqual([
      [profileLine, 16, "plan"],
      [sharingLine, 5, "plan"],
      [1, 1, "plan"],
    ]);
  });
});
