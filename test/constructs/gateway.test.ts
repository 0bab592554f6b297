import * as fs from "node:fs";
import * as path from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { parse } from "yaml";
import { AiGatewayControllers } from "../../constructs/gateway";
import { aiGatewayCrdsValues, aiGatewayValues, envoyGatewayValues } from "../../constructs/gateway-values";
import { environmentArtifacts } from "../../planning/artifacts";
import { plannedFromYaml } from "../helpers/env";
import type { Mirror } from "../../config/schema";
import { type GatewayPlan, planGateway } from "../../planning/gateway";
import { envFromYaml } from "../helpers/env";
import { REPO } from "../helpers/run";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REDIS_URL = "redis.ai-gateway.svc.cluster.local:6379";

function example(name: string): { plan: GatewayPlan; mirror?: Mirror } {
  const env = envFromYaml(fs.readFileSync(path.join(REPO, "environments", `${name}.yaml`), "utf8"));
  const plan = planGateway(env);
  if (!plan) throw new Error(`environments/${name}.yaml has no gateway section`);
  return { plan, mirror: env.config.mirror };
}

function synth(name: string, edit: (plan: GatewayPlan) => GatewayPlan = (p) => p) {
  const { plan, mirror } = example(name);
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  const controllers = new AiGatewayControllers(stack, "gateway", { plan: edit(plan), mirror, redisUrl: REDIS_URL });
  const json = JSON.parse(Testing.synth(stack));
  const releases = Object.entries(json.resource.helm_release as Record<string, Json>);
  const release = (releaseName: string): Json => {
    const found = releases.find(([, r]) => r.name === releaseName);
    if (!found) throw new Error(`no helm_release named ${releaseName}`);
    return { address: `helm_release.${found[0]}`, ...found[1], parsedValues: parse(found[1].values[0]) as Json };
  };
  const namespaces = Object.entries(json.resource.kubernetes_namespace_v1 as Record<string, Json>).map(([key, ns]): Json => ({
    address: `kubernetes_namespace_v1.${key}`,
    ...ns,
  }));
  return { controllers, plan, release, namespaces, releaseCount: releases.length };
}

describe("AiGatewayControllers", () => {
  describe.each(["dev", "staging", "prod"])("GIVEN environments/%s.yaml", (name) => {
    const { release, plan } = synth(name);
    const eg = release("eg").parsedValues;

    test("WHEN synthesized THEN Envoy Gateway calls the AI Gateway controller's Service in the plan's namespace with AI Gateway's hooks", () => {
      expect(eg.config.envoyGateway.extensionManager).toEqual({
        hooks: {
          xdsTranslator: {
            translation: {
              listener: { includeAll: true },
              route: { includeAll: true },
              cluster: { includeAll: true },
              secret: { includeAll: true },
            },
            post: ["Translation", "Cluster", "Route"],
          },
        },
        service: { fqdn: { hostname: `ai-gateway-controller.${plan.controllerNamespaces.aiGateway}.svc.cluster.local`, port: 1063 } },
      });
      expect(plan.controllerNamespaces.aiGateway).toBe("envoy-ai-gateway-system");
    });

    test("WHEN synthesized THEN the Backend API and EnvoyPatchPolicy are on, Kubernetes is the provider and Redis holds the counters", () => {
      expect(eg.config.envoyGateway.extensionApis).toEqual({ enableBackend: true, enableEnvoyPatchPolicy: true });
      expect(eg.config.envoyGateway.gateway).toEqual({ controllerName: "gateway.envoyproxy.io/gatewayclass-controller" });
      expect(eg.config.envoyGateway.provider.type).toBe("Kubernetes");
      expect(eg.config.envoyGateway.rateLimit).toEqual({ backend: { type: "Redis", redis: { url: REDIS_URL } } });
    });

    test("WHEN synthesized THEN the controller's and the rate limit service's resources are explicit", () => {
      expect(eg.deployment.envoyGateway.resources).toEqual({ requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1024Mi" } });
      expect(eg.config.envoyGateway.provider.kubernetes.rateLimitDeployment.container.resources).toEqual({
        requests: { cpu: "100m", memory: "512Mi" },
      });
    });

    test("WHEN synthesized THEN the AI Gateway's Service keeps its name and the controller looks for Envoy pods in Envoy Gateway's namespace", () => {
      const aieg = release("aieg").parsedValues;
      expect(aieg.controller.fullnameOverride).toBe("ai-gateway-controller");
      expect(aieg.envoyGateway).toEqual({ namespace: plan.controllerNamespaces.envoyGateway });
      expect(release("aieg-crd").parsedValues).toEqual({});
    });

    test("WHEN synthesized THEN every release is atomic, waited for, with a timeout and no namespace of its own making", () => {
      for (const r of ["aieg-crd", "eg", "aieg"].map(release)) {
        expect(r).toMatchObject({ atomic: true, wait: true, timeout: 600, create_namespace: false });
      }
      expect(release("eg").namespace).toBe("envoy-gateway-system");
      expect(release("aieg").namespace).toBe("envoy-ai-gateway-system");
      expect(release("aieg-crd").namespace).toBe("envoy-ai-gateway-system");
    });
  });

  test("GIVEN prod (mirror harbor.dc1.corp.example/mirror) WHEN synthesized THEN every image and chart comes from the mirror, keeping the upstream path", () => {
    const { release } = synth("prod");
    const eg = release("eg").parsedValues;
    expect(eg.global).toEqual({
      imageRegistry: "",
      images: {
        envoyGateway: { image: "harbor.dc1.corp.example/mirror/docker.io/envoyproxy/gateway:v1.8.3" },
        ratelimit: { image: "harbor.dc1.corp.example/mirror/docker.io/envoyproxy/ratelimit:1e50889b" },
        envoyProxy: { image: "harbor.dc1.corp.example/mirror/docker.io/envoyproxy/envoy:distroless-v1.38.3" },
      },
    });
    const aieg = release("aieg").parsedValues;
    expect(aieg.controller.image).toEqual({ repository: "harbor.dc1.corp.example/mirror/docker.io/envoyproxy/ai-gateway-controller", tag: "v1.1.0" });
    expect(aieg.extProc.image).toEqual({ repository: "harbor.dc1.corp.example/mirror/docker.io/envoyproxy/ai-gateway-extproc", tag: "v1.1.0" });
    for (const name of ["aieg-crd", "eg", "aieg"]) expect(release(name).repository).toBe("oci://harbor.dc1.corp.example/charts");
  });

  test("GIVEN dev (no mirror) WHEN synthesized THEN every image and chart is upstream's", () => {
    const { release } = synth("dev");
    expect(release("eg").parsedValues.global).toEqual({
      imageRegistry: "",
      images: {
        envoyGateway: { image: "docker.io/envoyproxy/gateway:v1.8.3" },
        ratelimit: { image: "docker.io/envoyproxy/ratelimit:1e50889b" },
        envoyProxy: { image: "docker.io/envoyproxy/envoy:distroless-v1.38.3" },
      },
    });
    const aieg = release("aieg").parsedValues;
    expect(aieg.controller.image).toEqual({ repository: "docker.io/envoyproxy/ai-gateway-controller", tag: "v1.1.0" });
    expect(aieg.extProc.image).toEqual({ repository: "docker.io/envoyproxy/ai-gateway-extproc", tag: "v1.1.0" });
    for (const name of ["aieg-crd", "eg", "aieg"]) expect(release(name).repository).toBe("oci://docker.io/envoyproxy");
  });

  test("GIVEN any environment WHEN synthesized THEN the charts and versions are the pins", () => {
    const { release, releaseCount } = synth("prod");
    expect(releaseCount).toBe(3);
    expect(release("aieg-crd")).toMatchObject({ chart: "ai-gateway-crds-helm", version: "v1.1.0" });
    expect(release("eg")).toMatchObject({ chart: "gateway-helm", version: "v1.8.3" });
    expect(release("aieg")).toMatchObject({ chart: "ai-gateway-helm", version: "v1.1.0" });
  });

  test("GIVEN the releases WHEN synthesized THEN the AI Gateway controller waits for its CRDs and for Envoy Gateway, and each release for its namespace", () => {
    const { release, namespaces } = synth("staging");
    const nsAddress = (n: string) => namespaces.find((ns) => ns.metadata.name === n)!.address;
    const crds = release("aieg-crd");
    const eg = release("eg");
    const aieg = release("aieg");
    expect(crds.depends_on).toEqual([nsAddress("envoy-ai-gateway-system")]);
    expect(eg.depends_on).toEqual([nsAddress("envoy-gateway-system")]);
    expect(aieg.depends_on).toEqual([nsAddress("envoy-ai-gateway-system"), crds.address, eg.address]);
  });

  test("GIVEN the controller namespaces WHEN synthesized THEN both enforce Pod Security restricted", () => {
    const { namespaces, controllers } = synth("prod");
    expect(namespaces.map((ns) => ns.metadata.name).sort()).toEqual(["envoy-ai-gateway-system", "envoy-gateway-system"]);
    for (const ns of namespaces) {
      expect(ns.metadata.labels).toMatchObject({
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
      });
    }
    expect(controllers.namespaces.envoyGateway.name).toBe("envoy-gateway-system");
    expect(controllers.releases).toEqual([controllers.aiGatewayCrdsRelease, controllers.envoyGatewayRelease, controllers.aiGatewayRelease]);
  });

  test("GIVEN other controller namespaces WHEN synthesized THEN the extension server host and the AI Gateway's view of Envoy Gateway follow them", () => {
    const { release } = synth("prod", (p) => ({ ...p, controllerNamespaces: { envoyGateway: "eg-system", aiGateway: "aigw-system" } }));
    expect(release("eg").parsedValues.config.envoyGateway.extensionManager.service.fqdn).toEqual({
      hostname: "ai-gateway-controller.aigw-system.svc.cluster.local",
      port: 1063,
    });
    expect(release("aieg").parsedValues.envoyGateway).toEqual({ namespace: "eg-system" });
    expect(release("eg").namespace).toBe("eg-system");
    expect(release("aieg").namespace).toBe("aigw-system");
  });

  test("GIVEN both controllers in one namespace WHEN synthesized THEN the namespace is created once", () => {
    const { namespaces, controllers } = synth("dev", (p) => ({ ...p, controllerNamespaces: { envoyGateway: "gateway-system", aiGateway: "gateway-system" } }));
    expect(namespaces.map((ns) => ns.metadata.name)).toEqual(["gateway-system"]);
    expect(controllers.namespaces.envoyGateway).toBe(controllers.namespaces.aiGateway);
  });

  test("GIVEN a timeout of 0 WHEN constructed THEN it throws naming the value", () => {
    const { plan } = example("dev");
    const stack = new TerraformStack(Testing.app(), "test");
    expect(() => new AiGatewayControllers(stack, "gateway", { plan, redisUrl: REDIS_URL, timeoutSeconds: 0 })).toThrow(
      "timeoutSeconds must be a whole number of seconds of at least 1, got 0",
    );
  });
});

describe("gateway values", () => {
  const { plan, mirror } = example("prod");

  test("GIVEN a Redis URL with a scheme WHEN Envoy Gateway's values are computed THEN it throws naming the value", () => {
    expect(() => envoyGatewayValues({ plan, redisUrl: "redis://redis:6379" })).toThrow(
      'redisUrl must be host:port (or a comma-separated list of them) without a scheme or spaces, got "redis://redis:6379"',
    );
    expect(() => envoyGatewayValues({ plan, redisUrl: "" })).toThrow('got ""');
  });

  test("GIVEN prod WHEN its values are computed THEN every image they set is one `ai-factory images` lists for the mirror", () => {
    const { env, plan: environmentPlan } = plannedFromYaml(fs.readFileSync(path.join(REPO, "environments", "prod.yaml"), "utf8"));
    const pulled = environmentArtifacts(env, environmentPlan).images.map((i) => i.pulledAs);
    const eg = envoyGatewayValues({ plan, mirror, redisUrl: REDIS_URL }) as Json;
    const aieg = aiGatewayValues({ plan, mirror }) as Json;
    const set = [
      ...Object.values(eg.global.images as Record<string, { image: string }>).map((i) => i.image),
      `${aieg.controller.image.repository}:${aieg.controller.image.tag}`,
      `${aieg.extProc.image.repository}:${aieg.extProc.image.tag}`,
    ];
    expect(set).toHaveLength(5);
    for (const image of set) expect(pulled).toContain(image);
    expect(aiGatewayCrdsValues()).toEqual({});
  });
});

describe("the AI Gateway's metrics carry the team", () => {
  test("GIVEN prod WHEN the AI Gateway's values are computed THEN the team header is recorded as the ai_factory.team metric attribute", () => {
    const { plan, mirror } = example("prod");
    // AI Gateway v1.1.0 values.yaml L107-110: "header1:label1"; Prometheus sees ai_factory_team.
    expect((aiGatewayValues({ plan, mirror }) as Json).controller.metricsRequestHeaderAttributes).toBe("x-ai-factory-team:ai_factory.team");
  });
});
