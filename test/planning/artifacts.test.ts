import { environmentArtifacts } from "../../planning/artifacts";
import { plannedFromYaml } from "../helpers/env";

const MIRROR = "mirror: { registry: harbor.corp.example/mirror, chartRepository: oci://harbor.corp.example/charts }\n";
const MONITORING = "monitoring: { serviceMonitorLabels: { release: kps } }\n";

function yaml(extra: string, store = "  volume: { kind: nfs, server: nas.example, path: /export/models }\n  source: { kind: s3, endpoint: https://s3.example, bucket: weights, credentialsSecret: s3 }\n"): string {
  return `name: lab
description: artifacts
cluster: { kubeconfig: { context: lab } }
nodePools:
  h100: { nodes: [g1, g2], server: hgx-h100-8, gpuSharing: { mode: mig, profile: 3g.40gb } }
  h200: { nodes: [g3], server: hgx-h200-8 }
gpuOperator: { driver: { managed: true, version: 580.95.05 } }
models:
  oss: { model: gpt-oss-120b, pool: h200, maxContextTokens: 8192 }
  small: { model: llama-3.1-8b, pool: h100, maxContextTokens: 4096, maxConcurrentSequences: 2 }
modelStore:
${store}${extra}`;
}

describe("environmentArtifacts: what a mirror must carry", () => {
  test("GIVEN a mirror, MIG, a managed driver, NFS and gpt-oss WHEN listed THEN every image is <mirror>/<upstream> at the pinned tag", () => {
    const { env, plan } = plannedFromYaml(yaml(MIRROR + MONITORING));
    const a = environmentArtifacts(env, plan);
    // Upstream paths and tags as read from gpu-operator v25.10.1 values.yaml, csi-driver-nfs 4.11.0
    // values.yaml, and the vLLM and rclone releases; the driver at the file's version.
    expect(a.images.map((i) => i.upstream)).toEqual([
      "docker.io/rclone/rclone:1.71.2",
      "docker.io/vllm/vllm-openai:v0.16.0",
      "nvcr.io/nvidia/cloud-native/k8s-driver-manager:v0.9.1",
      "nvcr.io/nvidia/cloud-native/k8s-mig-manager:v0.13.1",
      "nvcr.io/nvidia/cuda:13.0.1-base-ubi9",
      "nvcr.io/nvidia/driver:580.95.05",
      "nvcr.io/nvidia/gpu-operator:v25.10.1",
      "nvcr.io/nvidia/k8s-device-plugin:v0.18.1",
      "nvcr.io/nvidia/k8s/container-toolkit:v1.18.1",
      "nvcr.io/nvidia/k8s/dcgm-exporter:4.4.2-4.7.0-distroless",
      "registry.k8s.io/nfd/node-feature-discovery:v0.18.2",
      "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.13.0",
      "registry.k8s.io/sig-storage/csi-provisioner:v5.2.0",
      "registry.k8s.io/sig-storage/csi-resizer:v1.13.1",
      "registry.k8s.io/sig-storage/csi-snapshotter:v8.2.0",
      "registry.k8s.io/sig-storage/livenessprobe:v2.15.0",
      "registry.k8s.io/sig-storage/nfsplugin:v4.11.0",
      "registry.k8s.io/sig-storage/snapshot-controller:v8.2.0",
    ]);
    for (const i of a.images) expect(i.pulledAs).toBe(`harbor.corp.example/mirror/${i.upstream}`);
    expect(a.charts).toEqual([
      expect.objectContaining({ chart: "csi-driver-nfs", version: "4.11.0", installedFrom: "oci://harbor.corp.example/charts" }),
      expect.objectContaining({ chart: "gpu-operator", version: "v25.10.1", installedFrom: "oci://harbor.corp.example/charts" }),
    ]);
  });

  test("GIVEN gpt-oss from an S3 source WHEN listed THEN the encodings and every checkpoint have their path in the source", () => {
    const { env, plan } = plannedFromYaml(yaml(MONITORING));
    const a = environmentArtifacts(env, plan);
    expect(a.files.map((f) => f.sourcePath)).toEqual(["_files/tiktoken-encodings/cl100k_base.tiktoken", "_files/tiktoken-encodings/o200k_base.tiktoken"]);
    expect(a.files[1].usedBy).toBe("models oss (TIKTOKEN_ENCODINGS_BASE)");
    expect(a.checkpoints.map((c) => c.sourcePath)).toEqual([
      "meta-llama/Llama-3.1-8B-Instruct/0e9e39f249a16976918f6564b8830bc894c89659/",
      "openai/gpt-oss-120b/b5c939de8f754692c1647ca79fbf85e8c1e70f8a/",
    ]);
    // No mirror: nodes pull the upstream references as they are.
    for (const i of a.images) expect(i.pulledAs).toBe(i.upstream);
  });

  test("GIVEN a Hugging Face source and no NFS WHEN listed THEN prefetch reuses the vLLM image and no rclone or CSI images are listed", () => {
    const { env, plan } = plannedFromYaml(
      yaml(MONITORING, "  volume: { kind: storageClass, storageClass: cephfs }\n  source: { kind: huggingFace, tokenSecret: hf }\n"),
    );
    const a = environmentArtifacts(env, plan);
    expect(a.images.find((i) => i.upstream.startsWith("docker.io/vllm/"))!.usedBy).toBe("model servers, prefetch Jobs");
    expect(a.images.some((i) => i.upstream.includes("rclone") || i.upstream.includes("sig-storage"))).toBe(false);
    expect(a.charts.map((c) => c.chart)).toEqual(["gpu-operator"]);
  });
});

describe("environmentArtifacts: the gateway's charts and images", () => {
  const GATEWAY = "gateway:\n  hostname: ai.lab.example\n  tls: false\n  teams:\n    t: { keySecret: k }\n";

  test("GIVEN a gateway behind a mirror WHEN listed THEN its three charts and six images are there, each <mirror>/<upstream>", () => {
    const { env, plan } = plannedFromYaml(yaml(MIRROR + MONITORING + GATEWAY));
    const a = environmentArtifacts(env, plan);
    // Read at envoyproxy/gateway v1.8.3 (values.tmpl.yaml, api/v1alpha1/shared_types.go), envoyproxy/ai-gateway
    // v1.1.0 (ai-gateway-helm values.yaml) and the AI Gateway's rate limit example's Redis.
    const gateway = [
      "docker.io/envoyproxy/ai-gateway-controller:v1.1.0",
      "docker.io/envoyproxy/ai-gateway-extproc:v1.1.0",
      "docker.io/envoyproxy/envoy:distroless-v1.38.3",
      "docker.io/envoyproxy/gateway:v1.8.3",
      "docker.io/envoyproxy/ratelimit:1e50889b",
      "docker.io/library/redis:8.2.4-alpine3.22",
    ];
    for (const upstream of gateway) {
      expect(a.images).toContainEqual(expect.objectContaining({ upstream, pulledAs: `harbor.corp.example/mirror/${upstream}` }));
    }
    expect(a.charts.filter((c) => c.usedBy.startsWith("gateway")).map((c) => `${c.repository}/${c.chart}:${c.version} from ${c.installedFrom}`)).toEqual([
      "oci://docker.io/envoyproxy/ai-gateway-crds-helm:v1.1.0 from oci://harbor.corp.example/charts",
      "oci://docker.io/envoyproxy/ai-gateway-helm:v1.1.0 from oci://harbor.corp.example/charts",
      "oci://docker.io/envoyproxy/gateway-helm:v1.8.3 from oci://harbor.corp.example/charts",
    ]);
  });

  test("GIVEN no gateway WHEN listed THEN none of its images is", () => {
    const { env, plan } = plannedFromYaml(yaml(MIRROR + MONITORING));
    expect(environmentArtifacts(env, plan).images.filter((i) => i.upstream.includes("envoyproxy") || i.upstream.includes("redis"))).toEqual([]);
  });
});

describe("environmentArtifacts: the installed monitoring stack", () => {
  test("GIVEN monitoring mode install behind a mirror WHEN listed THEN the kube-prometheus-stack chart and its nine images are there", () => {
    const { env, plan } = plannedFromYaml(yaml(`${MIRROR}monitoring: { mode: install }\n`));
    const a = environmentArtifacts(env, plan);
    // Read at prometheus-community/helm-charts kube-prometheus-stack-88.5.3 and its subcharts' values.
    const images = [
      "docker.io/grafana/grafana:13.2.0",
      "ghcr.io/jkroepke/kube-webhook-certgen:1.8.7",
      "quay.io/kiwigrid/k8s-sidecar:2.10.1",
      "quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1",
      "quay.io/prometheus-operator/prometheus-operator:v0.93.1",
      "quay.io/prometheus/alertmanager:v0.34.0",
      "quay.io/prometheus/node-exporter:v1.12.1-distroless",
      "quay.io/prometheus/prometheus:v3.14.0-distroless",
      "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0",
    ];
    for (const upstream of images) expect(a.images).toContainEqual(expect.objectContaining({ upstream, pulledAs: `harbor.corp.example/mirror/${upstream}` }));
    expect(a.charts).toContainEqual(expect.objectContaining({ chart: "kube-prometheus-stack", version: "88.5.3", installedFrom: "oci://harbor.corp.example/charts" }));
  });
});
