/**
 * Policy checks at synth (stacks/policy-aspect.ts, rules in planning/pod-policy.ts): one fixture
 * per rule that trips it, with the exact message; the three example environments pass; and a
 * violation fails the synth as invalid input does (exit 1, one line per problem, nothing written).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { App, Aspects, TerraformStack, Testing } from "cdktf";
import {
  JobV1,
  type JobV1SpecTemplateSpecContainer,
  type JobV1SpecTemplateSpecSecurityContext,
  type JobV1SpecTemplateSpecVolume,
} from "@cdktf/provider-kubernetes/lib/job-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { Release } from "@cdktf/provider-helm/lib/release";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { stringify } from "yaml";
import { ConfigError } from "../../config/errors";
import { loadAndPlan } from "../../cli/load";
import { withExitCodeAsync } from "../../cli/output";
import { publishOutput } from "../../cli/staging";
import { buildApp, selectEnvironmentFiles } from "../../cli/synth";
import { LocalChart } from "../../constructs/local-chart";
import { POLICY_ALLOW_LIST, POLICY_RULES, type AllowList, type Violation, allowingEntry, checkNamespaces, checkPodSpec, imageProblem } from "../../planning/pod-policy";
import { PolicyAspect, PolicyError, chartPolicyView, mergeHelmValues } from "../../stacks/policy-aspect";
import { REPO, tempDir } from "../helpers/run";

const FILE = "environments/fixture.yaml";
const JOB = 'kubernetes_job_v1.prefetch (Job models/prefetch), container "fetch"';

/** The parts of a Job's pod spec the fixtures vary. */
interface PodSpec {
  readonly securityContext: JobV1SpecTemplateSpecSecurityContext;
  readonly container: JobV1SpecTemplateSpecContainer[];
  readonly volume: JobV1SpecTemplateSpecVolume[];
}

/** A prefetch-like Job that keeps every rule; `edit` changes its pod spec. */
function job(stack: TerraformStack, edit: (spec: PodSpec) => PodSpec = (s) => s): JobV1 {
  const spec: PodSpec = {
    securityContext: { runAsNonRoot: true, runAsUser: "1000" },
    container: [
      {
        name: "fetch",
        image: "docker.io/rclone/rclone:1.69.1",
        resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "4Gi" } },
        securityContext: { runAsNonRoot: true },
      },
    ],
    volume: [{ name: "scratch", emptyDir: {} }],
  };
  return new JobV1(stack, "prefetch", { metadata: { name: "prefetch", namespace: "models" }, spec: { template: { metadata: {}, spec: edit(spec) } } });
}

/** The first container of `spec`, edited. */
function withContainer(edit: (c: JobV1SpecTemplateSpecContainer) => JobV1SpecTemplateSpecContainer): (spec: PodSpec) => PodSpec {
  return (spec) => ({ ...spec, container: [edit(spec.container[0])] });
}

interface Fixture {
  readonly stack: TerraformStack;
  readonly aspect: PolicyAspect;
}

function fixture(build: (stack: TerraformStack) => void, allow?: AllowList): Fixture {
  const stack = new TerraformStack(Testing.app(), "fixture");
  // cdktf's own validation wants a provider for each resource.
  new KubernetesProvider(stack, "kubernetes", {});
  new HelmProvider(stack, "helm", {});
  build(stack);
  const aspect = new PolicyAspect({ file: FILE, allow });
  Aspects.of(stack).add(aspect);
  return { stack, aspect };
}

/** The messages of the violations the synth of `build` fails on (none: it passes). */
function messages(build: (stack: TerraformStack) => void, allow?: AllowList): string[] {
  const { stack } = fixture(build, allow);
  try {
    Testing.synth(stack, true);
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    return err.violations.map((v) => v.message);
  }
  return [];
}

/** A release of the local chart `chart` with `values`, as the constructs install it. */
function localRelease(stack: TerraformStack, chart: string, id: string, name: string, namespace: string, values: unknown): Release {
  const local = new LocalChart(stack, `${id}-chart`, { chart });
  return new Release(stack, id, { name, namespace, chart: local.path, values: [stringify(values, { sortMapEntries: true })] });
}

const DENY = (namespace: string) => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "default-deny-ingress", namespace },
  spec: { podSelector: {}, policyTypes: ["Ingress"] },
});

describe("policy aspect: a fixture per rule", () => {
  test("GIVEN a Job keeping every rule WHEN synthesized THEN it passes", () => {
    expect(messages((s) => job(s))).toEqual([]);
  });

  describe("image-tag", () => {
    test("GIVEN a Job with image busybox:latest WHEN synthesized THEN the synth fails naming the Job, the container and the rule", () => {
      expect(messages((s) => job(s, withContainer((c) => ({ ...c, image: "busybox:latest" }))))).toEqual([
        `${JOB}: policy image-tag: image "busybox:latest" uses the floating tag "latest"; pin a version tag (e.g. "busybox:1.37.0") or a digest ("…@sha256:<64 hex digits>")`,
      ]);
    });

    test("GIVEN a Job with an untagged image behind a registry port WHEN synthesized THEN the port is not taken for a tag", () => {
      expect(messages((s) => job(s, withContainer((c) => ({ ...c, image: "registry.local:5000/busybox" }))))).toEqual([
        `${JOB}: policy image-tag: image "registry.local:5000/busybox" has no tag, so it pulls whatever \`latest\` is; pin a version tag (e.g. "busybox:1.37.0") or a digest ("…@sha256:<64 hex digits>")`,
      ]);
    });

    test.each([
      ["a version tag", "busybox:1.37.0", undefined],
      ["a digest", `busybox@sha256:${"a".repeat(64)}`, undefined],
      ["latest pinned by a digest", `busybox:latest@sha256:${"a".repeat(64)}`, undefined],
      ["a registry port and a tag", "registry.local:5000/busybox:1.37.0", undefined],
      ["no tag", "busybox", "untagged"],
      ["LATEST", "busybox:LATEST", "latest"],
      ["an empty tag", "busybox:", "untagged"],
      ["a malformed digest", "busybox@sha256:abc", "untagged"],
      ["nothing", "", "no-image"],
    ])("GIVEN %s (%s) WHEN the image is checked THEN the finding is %s", (_, image, finding) => {
      expect(imageProblem(image)?.finding).toBe(finding);
    });
  });

  describe("resources", () => {
    test("GIVEN a Job without resources WHEN synthesized THEN CPU and memory requests and the memory limit are each asked for", () => {
      expect(messages((s) => job(s, withContainer(({ resources: _, ...c }) => c)))).toEqual([
        `${JOB}: policy resources: no CPU request (resources.requests.cpu); set one so the scheduler reserves the CPU the container needs`,
        `${JOB}: policy resources: no memory request (resources.requests.memory); set one so the scheduler reserves the memory the container needs`,
        `${JOB}: policy resources: no memory limit (resources.limits.memory); set one, at least the memory request, so a leak is OOM-killed in its own container instead of starving the node (a CPU limit is not required: it throttles inference)`,
      ]);
    });

    test("GIVEN a Job requesting a GPU it does not limit WHEN synthesized THEN the GPU limit is asked for, as Kubernetes requires", () => {
      const gpu = withContainer((c) => ({ ...c, resources: { requests: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": "2" }, limits: { memory: "2Gi" } } }));
      expect(messages((s) => job(s, gpu))).toEqual([
        `${JOB}: policy resources: requests "nvidia.com/gpu": "2" but does not limit it; set resources.limits["nvidia.com/gpu"] to "2" (Kubernetes requires a GPU, as any extended resource, to be limited at exactly its request)`,
      ]);
    });

    test("GIVEN a GPU limited below its request WHEN synthesized THEN the limit is named", () => {
      const gpu = withContainer((c) => ({ ...c, resources: { requests: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": "2" }, limits: { memory: "2Gi", "nvidia.com/gpu": "1" } } }));
      expect(messages((s) => job(s, gpu))).toEqual([
        `${JOB}: policy resources: requests "nvidia.com/gpu": "2" but limits it at "1"; set resources.limits["nvidia.com/gpu"] to "2" (Kubernetes requires a GPU, as any extended resource, to be limited at exactly its request)`,
      ]);
    });

    test("GIVEN requests, a memory limit, a GPU limited at its request and no CPU limit WHEN synthesized THEN it passes (a CPU limit is not required)", () => {
      const gpu = withContainer((c) => ({ ...c, resources: { requests: { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "1" }, limits: { memory: "64Gi", "nvidia.com/gpu": "1" } } }));
      expect(messages((s) => job(s, gpu))).toEqual([]);
    });
  });

  describe("non-root", () => {
    test("GIVEN a Job running as UID 0 WHEN synthesized THEN the synth fails naming the rule and the allow-list", () => {
      expect(messages((s) => job(s, (spec) => ({ ...spec, securityContext: { runAsUser: "0" }, container: [{ ...spec.container[0], securityContext: {} }] })))).toEqual([
        `${JOB}: policy non-root: runs as UID 0 (securityContext.runAsUser); set securityContext.runAsNonRoot: true and a non-zero runAsUser, or, if it must run as root, allow-list it in planning/pod-policy.ts (POLICY_ALLOW_LIST) with the reason`,
      ]);
    });

    test("GIVEN a Job without runAsNonRoot WHEN synthesized THEN the synth fails", () => {
      expect(messages((s) => job(s, (spec) => ({ ...spec, securityContext: {}, container: [{ ...spec.container[0], securityContext: {} }] })))).toEqual([
        `${JOB}: policy non-root: does not set securityContext.runAsNonRoot (neither the container nor the pod), so it may run as root; set securityContext.runAsNonRoot: true and a non-zero runAsUser, or, if it must run as root, allow-list it in planning/pod-policy.ts (POLICY_ALLOW_LIST) with the reason`,
      ]);
    });

    test("GIVEN a container setting runAsNonRoot: false over a non-root pod WHEN synthesized THEN the container's setting wins and fails", () => {
      expect(messages((s) => job(s, withContainer((c) => ({ ...c, securityContext: { runAsNonRoot: false } }))))).toEqual([
        `${JOB}: policy non-root: sets securityContext.runAsNonRoot: false; set securityContext.runAsNonRoot: true and a non-zero runAsUser, or, if it must run as root, allow-list it in planning/pod-policy.ts (POLICY_ALLOW_LIST) with the reason`,
      ]);
    });

    test("GIVEN a root Job allow-listed with a reason WHEN synthesized THEN it passes", () => {
      const allow: AllowList = [{ rule: "non-root", kind: "Job", name: "prefetch", container: "fetch", reason: "fixture" }];
      expect(messages((s) => job(s, (spec) => ({ ...spec, securityContext: { runAsUser: "0" }, container: [{ ...spec.container[0], securityContext: {} }] })), allow)).toEqual([]);
    });
  });

  describe("host-path", () => {
    const hostPath = (spec: PodSpec): PodSpec => ({ ...spec, volume: [...spec.volume, { name: "host", hostPath: { path: "/var/lib/models" } }] });

    test("GIVEN a Job mounting a hostPath volume WHEN synthesized THEN the synth fails naming the volume and the path", () => {
      expect(messages((s) => job(s, hostPath))).toEqual([
        'kubernetes_job_v1.prefetch (Job models/prefetch): policy host-path: volume "host" mounts the host path "/var/lib/models" of the node; use a PersistentVolumeClaim, emptyDir, configMap or secret volume, or, if it must reach the node\'s files, allow-list it in planning/pod-policy.ts (POLICY_ALLOW_LIST) with the reason',
      ]);
    });

    test("GIVEN the hostPath allow-listed with a reason WHEN synthesized THEN it passes", () => {
      expect(messages((s) => job(s, hostPath), [{ rule: "host-path", kind: "Job", name: "prefetch", reason: "fixture" }])).toEqual([]);
    });
  });

  describe("default-deny", () => {
    const namespace = (s: TerraformStack, name: string) => new NamespaceV1(s, `namespace-${name}`, { metadata: { name } });

    test("GIVEN a namespace and no default-deny policy WHEN synthesized THEN the synth fails naming the namespace resource", () => {
      expect(messages((s) => namespace(s, "models"))).toEqual([
        "kubernetes_namespace_v1.namespace-models (Namespace models): policy default-deny: the namespace has no default-deny ingress NetworkPolicy (podSelector {}, policyTypes [Ingress], no rules); list it among the namespaces planning/network.ts managedNamespaces returns, so the ai-factory-policies chart gives it one",
      ]);
    });

    test("GIVEN the ai-factory-policies release gives one namespace of two a default-deny WHEN synthesized THEN only the other fails", () => {
      const build = (s: TerraformStack) => {
        namespace(s, "models");
        namespace(s, "gateway");
        localRelease(s, "ai-factory-policies", "policies", "ai-factory-policies", "models", { networkPolicies: { "models/default-deny-ingress": DENY("models") } });
      };
      expect(messages(build)).toEqual([
        "kubernetes_namespace_v1.namespace-gateway (Namespace gateway): policy default-deny: the namespace has no default-deny ingress NetworkPolicy (podSelector {}, policyTypes [Ingress], no rules); list it among the namespaces planning/network.ts managedNamespaces returns, so the ai-factory-policies chart gives it one",
      ]);
    });

    test("GIVEN a policy that selects some pods or allows some ingress WHEN checked THEN it is no default-deny", () => {
      const narrow = { ...DENY("models"), spec: { podSelector: { matchLabels: { app: "x" } }, policyTypes: ["Ingress"] } };
      const allowing = { ...DENY("models"), spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] } };
      const build = (s: TerraformStack) => {
        namespace(s, "models");
        localRelease(s, "ai-factory-policies", "policies", "ai-factory-policies", "models", { networkPolicies: { "models/a": narrow, "models/b": allowing } });
      };
      expect(messages(build)).toHaveLength(1);
    });

    test("GIVEN a release that creates its namespace WHEN synthesized THEN that namespace needs a default-deny too", () => {
      const build = (s: TerraformStack) => new Release(s, "upstream", { name: "x", namespace: "x-system", chart: "x", repository: "oci://charts.example", version: "1.0.0", createNamespace: true });
      expect(messages(build)).toEqual([
        "helm_release.upstream (Namespace x-system): policy default-deny: the namespace has no default-deny ingress NetworkPolicy (podSelector {}, policyTypes [Ingress], no rules); list it among the namespaces planning/network.ts managedNamespaces returns, so the ai-factory-policies chart gives it one",
      ]);
    });
  });
});

describe("policy aspect: local charts, checked from their values", () => {
  const modelServer = (values: object) => (s: TerraformStack) => localRelease(s, "model-server", "model", "llama", "models", { servedModelName: "Llama 3.1 8B", ...values });
  const SUBJECT = 'helm_release.model (chart model-server, release models/llama): Deployment models/llama-3-1-8b, container "vllm"';

  test("GIVEN model-server values with the chart's defaults WHEN synthesized THEN they pass", () => {
    expect(messages(modelServer({}))).toEqual([]);
  });

  test("GIVEN model-server values with image tag latest WHEN synthesized THEN the synth fails naming the release, the Deployment and the container", () => {
    expect(messages(modelServer({ image: { tag: "latest" } }))).toEqual([
      `${SUBJECT}: policy image-tag: image "vllm/vllm-openai:latest" uses the floating tag "latest"; pin a version tag (e.g. "busybox:1.37.0") or a digest ("…@sha256:<64 hex digits>")`,
    ]);
  });

  test("GIVEN model-server values running as UID 0 WHEN synthesized THEN the synth fails", () => {
    expect(messages(modelServer({ securityContext: { runAsUser: 0 } }))).toEqual([
      `${SUBJECT}: policy non-root: runs as UID 0 (securityContext.runAsUser); set securityContext.runAsNonRoot: true and a non-zero runAsUser, or, if it must run as root, allow-list it in planning/pod-policy.ts (POLICY_ALLOW_LIST) with the reason`,
    ]);
  });

  test("GIVEN model-server values deleting the memory limit (null) WHEN synthesized THEN the synth fails; the CPU limit may go", () => {
    expect(messages(modelServer({ resources: { limits: { cpu: null, memory: null } } }))).toEqual([
      `${SUBJECT}: policy resources: no memory limit (resources.limits.memory); set one, at least the memory request, so a leak is OOM-killed in its own container instead of starving the node (a CPU limit is not required: it throttles inference)`,
    ]);
  });

  test("GIVEN ai-gateway values WHEN checked THEN Redis and the Envoy proxy are its pods, and only the allow-listed Envoy memory limit is missing", () => {
    const release = { address: "helm_release.gw", name: "ai-gateway", namespace: "gateway" };
    const view = chartPolicyView("ai-gateway", { gatewayName: "gw", redis: { image: { repository: "redis", tag: "7.4.2" }, resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } } }, envoyProxy: { image: { repository: "envoyproxy/envoy", tag: "distroless-v1.38.3" }, resources: { requests: { cpu: "500m", memory: "1Gi" } } } }, release);
    expect(view.pods.map((p) => `${p.owner.kind} ${p.owner.namespace}/${p.owner.name}`)).toEqual(["Deployment gateway/redis", "EnvoyProxy gateway/gw"]);
    const found = view.pods.flatMap((p) => checkPodSpec(p.owner, p.podSpec, []));
    expect(found.map((v) => [v.rule, v.finding, v.container])).toEqual([["resources", "memory-limit", "envoy"]]);
    expect(view.pods.flatMap((p) => checkPodSpec(p.owner, p.podSpec, POLICY_ALLOW_LIST))).toEqual([]);
  });

  test("GIVEN a local chart the checks do not know WHEN checked THEN it throws with where to add it", () => {
    expect(() => chartPolicyView("new-chart", {}, { address: "helm_release.x", name: "x", namespace: "x" })).toThrow(
      'policy: helm_release.x installs the local chart "new-chart", which the policy checks do not know; add what it renders to chartPolicyView in stacks/policy-aspect.ts',
    );
  });

  test("GIVEN values over a chart's WHEN merged THEN maps merge, lists and scalars replace, and null deletes (as Helm does)", () => {
    expect(mergeHelmValues({ a: { b: 1, c: 2 }, l: [1, 2], d: 1 }, { a: { c: 3 }, l: [3], d: null })).toEqual({ a: { b: 1, c: 3 }, l: [3] });
  });
});

describe("policy aspect: the allow-list and the examples", () => {
  /** The example environments' stacks, as the app builds them (with its policy aspect). */
  function exampleStacks(): TerraformStack[] {
    const cwd = process.cwd();
    process.chdir(REPO);
    try {
      return buildApp(Testing.app() as App, loadAndPlan(selectEnvironmentFiles(undefined)));
    } finally {
      process.chdir(cwd);
    }
  }

  test("GIVEN the three example environments WHEN synthesized with the app's policy aspect THEN they pass", () => {
    const stacks = exampleStacks();
    expect(stacks.map((s) => s.node.id).sort()).toEqual(["dev", "prod", "staging"]);
    for (const stack of stacks) {
      expect(() => Testing.synth(stack, true)).not.toThrow();
      const aspect = Aspects.of(stack).all.find((a): a is PolicyAspect => a instanceof PolicyAspect);
      expect(aspect?.violations(stack)).toEqual([]);
    }
  });

  test("GIVEN no allow-list WHEN the examples are checked THEN what fails is exactly what the allow-list exempts, and every entry is used", () => {
    const used = new Set<number>();
    for (const stack of exampleStacks()) {
      const aspect = new PolicyAspect({ file: `${stack.node.id}.yaml`, allow: [] });
      Aspects.of(stack).add(aspect);
      Testing.synth(stack);
      const found: Violation[] = aspect.violations(stack);
      for (const v of found) {
        const entry = allowingEntry(POLICY_ALLOW_LIST, v);
        expect({ violation: v.message, exempted: entry !== undefined }).toEqual({ violation: v.message, exempted: true });
        if (entry) used.add(POLICY_ALLOW_LIST.indexOf(entry));
      }
    }
    expect([...used].sort()).toEqual(POLICY_ALLOW_LIST.map((_, i) => i));
  });

  test("GIVEN the allow-list WHEN read THEN every entry names its rule and gives a reason", () => {
    for (const entry of POLICY_ALLOW_LIST) {
      expect(Object.keys(POLICY_RULES)).toContain(entry.rule);
      expect(entry.reason.length).toBeGreaterThan(40);
    }
  });

  test("GIVEN a stack synthesized twice WHEN checked THEN nothing is counted twice", () => {
    const { stack, aspect } = fixture((s) => job(s, withContainer((c) => ({ ...c, image: "busybox" }))));
    Testing.synth(stack);
    Testing.synth(stack);
    expect(aspect.violations(stack)).toHaveLength(1);
  });

  test("GIVEN namespaces created twice under one address WHEN checked THEN each is reported once, sorted by address", () => {
    const created = [
      { name: "b", address: "kubernetes_namespace_v1.b" },
      { name: "a", address: "kubernetes_namespace_v1.a" },
      { name: "b", address: "kubernetes_namespace_v1.b" },
    ];
    expect(checkNamespaces(created, []).map((v) => v.subject)).toEqual(["kubernetes_namespace_v1.a (Namespace a)", "kubernetes_namespace_v1.b (Namespace b)"]);
  });
});

describe("policy aspect: how a violation fails the synth", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  test("GIVEN a violating stack WHEN the app synthesizes into staging THEN it exits 1 with one line per violation and writes nothing", async () => {
    const dir = tempDir("ai-factory-policy-aspect-");
    dirs.push(dir);
    const outdir = path.join(dir, "cdktf.out");
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    const code = await withExitCodeAsync(
      io,
      async () => {
        await publishOutput(outdir, (staging) => {
          const app = new App({ outdir: staging });
          const stack = new TerraformStack(app, "fixture");
          new KubernetesProvider(stack, "kubernetes", {});
          Aspects.of(stack).add(new PolicyAspect({ file: FILE }));
          job(stack, withContainer((c) => ({ ...c, image: "busybox:latest" })));
          app.synth();
        });
        return 0;
      },
      { writes: true },
    );
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([
      `${FILE}:1:1: (document): ${JOB}: policy image-tag: image "busybox:latest" uses the floating tag "latest"; pin a version tag (e.g. "busybox:1.37.0") or a digest ("…@sha256:<64 hex digits>")`,
      "1 problem found; nothing was written.",
    ]);
    expect(fs.existsSync(outdir)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test("GIVEN a violation WHEN thrown THEN it is a ConfigError carrying the violations", () => {
    const { stack } = fixture((s) => job(s, withContainer((c) => ({ ...c, image: "busybox" }))));
    let thrown: unknown;
    try {
      Testing.synth(stack, true);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as PolicyError).violations.map((v) => [v.rule, v.finding, v.subject, v.container])).toEqual([
      ["image-tag", "untagged", "kubernetes_job_v1.prefetch (Job models/prefetch)", "fetch"],
    ]);
  });
});
