import { Testing } from "cdktf";
import { AiFactoryStack } from "../../stacks/ai-factory-stack";
import { plannedFromYaml } from "../helpers/env";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function synth(yaml: string): { json: Json; text: string; stack: AiFactoryStack } {
  const { env, plan } = plannedFromYaml(yaml);
  const app = Testing.app();
  const stack = new AiFactoryStack(app, env.config.name, { env, plan });
  const text = Testing.synth(stack);
  return { json: JSON.parse(text) as Json, text, stack };
}

const PROD = `name: prod
description: four H200 servers
cluster:
  kubeconfig:
    context: prod-dc1
backend: { type: s3, bucket: tf-state, endpoint: https://s3.dc1.example, usePathStyle: true }
mirror: { registry: harbor.dc1.example/mirror, chartRepository: oci://harbor.dc1.example/charts }
nodePools:
  h200:
    nodes: [gpu-01, gpu-02, gpu-03, gpu-04]
    server: hgx-h200-8
`;

describe("AiFactoryStack", () => {
  const { json, text, stack } = synth(PROD);

  test("GIVEN a kubeconfig context WHEN synthesized THEN both providers read it through variables, not baked-in paths", () => {
    expect(json.variable.kubeconfig_path.default).toBe("~/.kube/config");
    expect(json.variable.kubeconfig_context.default).toBe("prod-dc1");
    expect(json.provider.kubernetes[0]).toEqual({
      config_path: "${var.kubeconfig_path}",
      config_context: "${var.kubeconfig_context}",
    });
    expect(json.provider.helm[0].kubernetes).toEqual({
      config_path: "${var.kubeconfig_path}",
      config_context: "${var.kubeconfig_context}",
    });
  });

  test("GIVEN an S3-compatible backend WHEN synthesized THEN it uses endpoints.s3, skips AWS-only checks, asks for no SSE and has no credentials", () => {
    expect(json.terraform.backend.s3).toEqual({
      bucket: "tf-state",
      key: "ai-factory/prod.tfstate",
      region: "us-east-1",
      // MinIO without a KMS answers SSE requests with 501 NotImplemented (cmd/api-errors.go ErrKMSNotConfigured).
      encrypt: false,
      // `endpoint` is deprecated since Terraform 1.6 (CHANGELOG 1.6.0, #30492).
      endpoints: { s3: "https://s3.dc1.example" },
      use_path_style: true,
      skip_credentials_validation: true,
      skip_region_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
    });
    expect(text).not.toMatch(/access_key|secret_key/);
  });

  test("GIVEN any backend WHEN synthesized THEN the stack requires Terraform >= 1.6.1, the first with skip_requesting_account_id", () => {
    expect(json.terraform.required_version).toBe(">= 1.6.1");
  });

  test("GIVEN an AWS S3 backend (no endpoint) WHEN synthesized THEN encryption defaults on and no endpoint is set", () => {
    const aws = synth(PROD.replace("backend: { type: s3, bucket: tf-state, endpoint: https://s3.dc1.example, usePathStyle: true }", "backend: { type: s3, bucket: tf-state, region: eu-west-1 }")).json;
    expect(aws.terraform.backend.s3).toEqual({
      bucket: "tf-state",
      key: "ai-factory/prod.tfstate",
      region: "eu-west-1",
      encrypt: true,
      use_path_style: false,
    });
  });

  test("GIVEN an S3-compatible backend with encrypt: true WHEN synthesized THEN the file's choice is kept", () => {
    const kms = synth(PROD.replace("usePathStyle: true }", "usePathStyle: true, encrypt: true }")).json;
    expect(kms.terraform.backend.s3.encrypt).toBe(true);
  });

  test("GIVEN labels and a taint on one node WHEN synthesized THEN each kind has its own field manager, so neither apply removes the other's fields", () => {
    const labels = Object.values(json.resource.kubernetes_labels as Json) as Json[];
    const taints = Object.values(json.resource.kubernetes_node_taint as Json) as Json[];
    expect(new Set(labels.map((l) => l.field_manager))).toEqual(new Set(["ai-factory-labels"]));
    expect(new Set(taints.map((t) => t.field_manager))).toEqual(new Set(["ai-factory-taints"]));
  });

  test("GIVEN the environment WHEN synthesized THEN our namespaces carry Pod Security labels", () => {
    const ns = Object.values(json.resource.kubernetes_namespace_v1 as Json).map((n: Json) => n.metadata);
    expect(ns).toEqual([
      expect.objectContaining({ name: "gpu-operator", labels: expect.objectContaining({ "pod-security.kubernetes.io/enforce": "privileged" }) }),
      expect.objectContaining({ name: "ai-models", labels: expect.objectContaining({ "pod-security.kubernetes.io/enforce": "restricted" }) }),
    ]);
  });

  test("GIVEN four nodes WHEN synthesized THEN each is labelled and tainted once", () => {
    expect(Object.keys(json.resource.kubernetes_labels)).toHaveLength(4);
    expect(Object.keys(json.resource.kubernetes_node_taint)).toHaveLength(4);
    expect(stack.pools.map((p) => p.name)).toEqual(["h200"]);
  });

  test("GIVEN a mirror WHEN synthesized THEN the GPU Operator is a pinned, atomic release from the mirror's chart repository", () => {
    const [release] = Object.values(json.resource.helm_release as Json) as Json[];
    expect(release).toMatchObject({
      name: "gpu-operator",
      namespace: "gpu-operator",
      repository: "oci://harbor.dc1.example/charts",
      chart: "gpu-operator",
      version: "v25.10.1",
      atomic: true,
      wait: true,
      timeout: 900,
      create_namespace: false,
    });
    // The namespace, and every node's labels and taint: the operator reads the config labels.
    expect(release.depends_on).toHaveLength(1 + 4 + 4);
    expect(release.depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kubernetes_namespace_v1\./),
        expect.stringMatching(/^kubernetes_labels\./),
        expect.stringMatching(/^kubernetes_node_taint\./),
      ]),
    );
    expect(release.values[0]).toContain("harbor.dc1.example/mirror/nvcr.io/nvidia");
  });

  test("GIVEN the pools WHEN synthesized THEN an output summarizes them", () => {
    expect(json.output.gpu_pools.value).toEqual({ h200: { nodes: ["gpu-01", "gpu-02", "gpu-03", "gpu-04"], gpu: "h200", gpus_per_node: 8, sharing: "none" } });
  });

  test("GIVEN the default local backend WHEN synthesized THEN the state path is relative to the stack directory", () => {
    const { json: local } = synth(PROD.replace(/^backend:.*$/m, "").replace(/^mirror:.*$/m, ""));
    expect(local.terraform.backend.local.path).toBe("../../../state/prod.tfstate");
    const [release] = Object.values(local.resource.helm_release as Json) as Json[];
    expect(release.repository).toBe("https://helm.ngc.nvidia.com/nvidia");
  });

  test("GIVEN pg and consul backends WHEN synthesized THEN no connection string or token is written", () => {
    const pg = synth(PROD.replace(/^backend:.*$/m, "backend: { type: pg }")).json.terraform.backend.pg;
    expect(pg).toEqual({ schema_name: "ai_factory_prod" });
    const consul = synth(PROD.replace(/^backend:.*$/m, "backend: { type: consul, address: consul.dc1:8500 }")).json.terraform.backend.consul;
    expect(consul).toEqual({ address: "consul.dc1:8500", path: "ai-factory/prod", scheme: "https" });
    const http = synth(PROD.replace(/^backend:.*$/m, "backend: { type: http, address: https://tf.example/state }")).json.terraform.backend.http;
    expect(http).toEqual({ address: "https://tf.example/state" });
  });

  test("GIVEN gpuOperator.enabled false WHEN synthesized THEN no operator release is made, only the network policies", () => {
    const { json: off, stack: s } = synth(`${PROD}gpuOperator: { enabled: false }\n`);
    expect(Object.values(off.resource.helm_release as Record<string, { name: string }>).map((r) => r.name)).toEqual(["ai-factory-policies"]);
    expect(s.gpuOperator).toBeUndefined();
  });

  test("GIVEN the stack WHEN synthesized THEN the whole output matches the reviewed snapshot", () => {
    expect(text).toMatchSnapshot();
  });
});

describe("AiFactoryStack with models", () => {
  const YAML = `name: lab
description: one H200 server serving two models
cluster: { kubeconfig: { context: lab } }
nodePools:
  h200: { nodes: [g1], server: hgx-h200-8 }
models:
  small: { model: llama-3.1-8b, pool: h200, maxContextTokens: 8192 }
  coder: { model: qwen3-32b, pool: h200, tensorParallel: 2, maxContextTokens: 16384 }
modelStore:
  volume: { kind: storageClass, storageClass: cephfs }
  source: { kind: s3, endpoint: https://s3.lab.example, bucket: weights, credentialsSecret: s3-creds }
`;
  const { json, stack } = synth(YAML);
  const releases = Object.entries(json.resource.helm_release as Json) as Array<[string, Json]>;
  const servers = releases.filter(([, r]) => r.chart.startsWith("assets/model-server-chart_"));

  test("GIVEN two models WHEN synthesized THEN each has a release of the local chart by a relative, hashed path", () => {
    expect(servers.map(([, r]) => r.name).sort()).toEqual(["coder", "small"]);
    for (const [, r] of servers) {
      expect(r.chart).toMatch(/^assets\/model-server-chart_asset_[0-9A-F]+\/[0-9A-F]{16}$/);
      expect(r.namespace).toBe("ai-models");
    }
    expect(stack.modelServers.map((s) => s.servedName)).toEqual(["coder", "small"]);
  });

  test("GIVEN the model store WHEN synthesized THEN each server waits for the claim, its own prefetch Job only, its pool's node resources and the GPU Operator", () => {
    const jobs = Object.keys(json.resource.kubernetes_job_v1).map((k) => `kubernetes_job_v1.${k}`);
    expect(jobs).toHaveLength(2);
    const jobOf = (fragment: string) => jobs.filter((j) => j.includes(fragment));
    const claim = Object.keys(json.resource.kubernetes_persistent_volume_claim_v1).map((k) => `kubernetes_persistent_volume_claim_v1.${k}`);
    const byName = Object.fromEntries(servers.map(([, r]) => [r.name as string, r.depends_on as string[]]));
    expect(jobOf("prefetch-qwen3-32b")).toHaveLength(1);
    expect(jobOf("prefetch-llama-3-1-8b-instruct")).toHaveLength(1);
    expect(byName.coder.filter((d) => d.startsWith("kubernetes_job_v1."))).toEqual(jobOf("prefetch-qwen3-32b"));
    expect(byName.small.filter((d) => d.startsWith("kubernetes_job_v1."))).toEqual(jobOf("prefetch-llama-3-1-8b-instruct"));
    for (const deps of Object.values(byName)) {
      expect(deps).toEqual(
        expect.arrayContaining([
          ...claim,
          expect.stringMatching(/^helm_release\.gpu-operator/),
          expect.stringMatching(/^kubernetes_labels\.pool-h200_g1_labels/),
          expect.stringMatching(/^kubernetes_node_taint\.pool-h200_g1_taint/),
        ]),
      );
    }
  });

  test("GIVEN GPU pools WHEN synthesized THEN prefetch Jobs start only after every node's labels and taint are applied", () => {
    for (const job of Object.values(json.resource.kubernetes_job_v1 as Json) as Json[]) {
      expect(job.depends_on).toEqual(
        expect.arrayContaining([expect.stringMatching(/^kubernetes_labels\./), expect.stringMatching(/^kubernetes_node_taint\./)]),
      );
    }
  });

  test("GIVEN the plan WHEN synthesized THEN an output reports each model's replicas and the sequences that fit", () => {
    expect(json.output.models.value.coder).toMatchObject({ model: "qwen3-32b", pool: "h200", gpus_per_replica: 2, max_context_tokens: 16384 });
    expect(json.output.models.value.coder.sequences_at_context).toBeGreaterThan(16);
  });
});
