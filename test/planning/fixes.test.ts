import fc from "fast-check";
import { parse, stringify } from "yaml";

import { MODELS } from "../../catalog/models";
import { SERVERS } from "../../catalog/servers";
import { findGpu } from "../../catalog";
import { formatPath, type DocPath, type Problem } from "../../config/errors";
import { parseEnvironment } from "../../config/loader";
import {
  NO_WORKING_FIX,
  acceptsFix,
  applyFix,
  changeText,
  fixText,
  issueMessage,
  overlaps,
  type Fix,
  type FixChange,
  type PlanIssue,
} from "../../planning/fixes";
import { checkEnvironment } from "../../planning/check";
import type { PlanProblem } from "../../planning/plan";
import { MODEL_STORE_YAML } from "../helpers/env";

const set = (path: DocPath, value: unknown, atMost?: boolean): FixChange => ({ kind: "set", path, value, ...(atMost ? { atMost } : {}) });

describe("fixText and changeText", () => {
  test("GIVEN keys under the problem's path WHEN rendered THEN they are relative; other keys keep their full path", () => {
    const base = ["models", "coder"];
    expect(changeText(set(["models", "coder", "tensorParallel"], 2), base)).toBe("tensorParallel: 2");
    expect(changeText(set(["models", "coder", "maxContextTokens"], 13312, true), base)).toBe("maxContextTokens ≤ 13312");
    expect(changeText(set(["nodePools", "mig", "gpuSharing", "profile"], "7g.80gb"), base)).toBe("nodePools.mig.gpuSharing.profile: 7g.80gb");
    expect(changeText(set(["nodePools", "mig", "gpuSharing"], { mode: "none" }), base)).toBe("nodePools.mig.gpuSharing: { mode: none }");
  });

  test("GIVEN added nodes WHEN rendered THEN the count and the pool's node list are named", () => {
    expect(changeText({ kind: "addNodes", path: ["nodePools", "h100", "nodes"], count: 1 })).toBe("1 more node in nodePools.h100.nodes");
    expect(changeText({ kind: "addNodes", path: ["nodePools", "h100", "nodes"], count: 3 })).toBe("3 more nodes in nodePools.h100.nodes");
  });

  test("GIVEN several changes WHEN rendered THEN the first leads and the others follow `with`, joined by `and`", () => {
    const fix: Fix = {
      changes: [
        set(["models", "m", "maxContextTokens"], 1024, true),
        set(["models", "m", "tensorParallel"], 2),
        set(["models", "m", "rollout"], "recreate"),
      ],
    };
    expect(fixText(fix, ["models", "m"])).toBe("maxContextTokens ≤ 1024 with tensorParallel: 2 and rollout: recreate");
  });
});

describe("issueMessage", () => {
  const issue: PlanIssue = {
    path: ["models", "m"],
    check: "memory",
    base: ["models", "m"],
    summary: "does not fit",
    fixes: [{ changes: [set(["models", "m", "tensorParallel"], 2)] }, { changes: [set(["models", "m", "kvCacheDtype"], "fp8")] }],
    maxFixes: 1,
  };

  test("GIVEN candidates WHEN no list is given THEN at most maxFixes of them are written", () => {
    expect(issueMessage(issue)).toBe("does not fit; use tensorParallel: 2");
  });

  test("GIVEN the fixes that work WHEN written THEN they are the ways out, joined by `, or`", () => {
    expect(issueMessage({ ...issue, maxFixes: undefined }, issue.fixes)).toBe("does not fit; use tensorParallel: 2, or kvCacheDtype: fp8");
  });

  test("GIVEN candidates of which none works WHEN written THEN the message says so instead of proposing one", () => {
    expect(issueMessage(issue, [])).toBe(`does not fit; ${NO_WORKING_FIX}`);
  });

  test("GIVEN no candidate at all WHEN written THEN the issue's own otherwise text follows", () => {
    expect(issueMessage({ ...issue, fixes: [], otherwise: "multi-node serving is out of scope" }, [])).toBe("does not fit; multi-node serving is out of scope");
    expect(issueMessage({ ...issue, fixes: [] }, [])).toBe("does not fit");
  });
});

describe("applyFix", () => {
  test("GIVEN set and addNodes changes WHEN applied THEN a changed copy is returned, missing objects created, the input untouched", () => {
    const config = { nodePools: { a: { nodes: ["a-new-1"] } }, models: { m: { tensorParallel: 1 } } };
    const fixed = applyFix(
      config,
      {
        changes: [
          set(["models", "m", "tensorParallel"], 2),
          set(["nodePools", "a", "gpuSharing"], { mode: "none" }),
          { kind: "addNodes", path: ["nodePools", "a", "nodes"], count: 2 },
        ],
      },
      (pool, i) => `${pool}-x${i}`,
    );
    expect(fixed).toEqual({ nodePools: { a: { nodes: ["a-new-1", "a-x0", "a-x1"], gpuSharing: { mode: "none" } } }, models: { m: { tensorParallel: 2 } } });
    expect(config).toEqual({ nodePools: { a: { nodes: ["a-new-1"] } }, models: { m: { tensorParallel: 1 } } });
  });

  test("throws when nodes are added to something that is not a list", () => {
    expect(() => applyFix({ nodePools: { a: { nodes: "g1" } } }, { changes: [{ kind: "addNodes", path: ["nodePools", "a", "nodes"], count: 1 }] }, () => "x")).toThrow(
      "nodePools.a.nodes is not a list of nodes",
    );
  });
});

describe("acceptsFix", () => {
  const fit = { path: ["models", "a"], check: "memory" };
  const place = { path: ["models", "b", "replicas"], check: "placement" };

  test("GIVEN the problem gone and nothing new WHEN judged THEN the fix works", () => {
    expect(acceptsFix([fit, place], fit, [place])).toBe(true);
  });

  test("GIVEN the problem still there, with other numbers WHEN judged THEN the fix does not work", () => {
    expect(acceptsFix([fit, place], fit, [fit])).toBe(false);
  });

  test("GIVEN a problem at a path that had none of that rule WHEN judged THEN the fix does not work", () => {
    expect(acceptsFix([fit], fit, [place])).toBe(false);
    expect(acceptsFix([fit, place], fit, [{ path: ["models", "b", "replicas"], check: "schema" }])).toBe(false);
  });

  test("GIVEN as many problems as before WHEN judged THEN the fix does not work, even at old paths", () => {
    expect(acceptsFix([fit, place, place], fit, [place, place])).toBe(true);
    expect(acceptsFix([fit, place], fit, [place, place])).toBe(false);
  });
});

describe("overlaps", () => {
  test("GIVEN fixes that set one key, or a key and one inside it WHEN compared THEN they overlap; else not", () => {
    const sharing: Fix = { changes: [set(["nodePools", "p", "gpuSharing"], { mode: "none" })] };
    const profile: Fix = { changes: [set(["nodePools", "p", "gpuSharing", "profile"], "7g.80gb")] };
    const tp: Fix = { changes: [set(["models", "m", "tensorParallel"], 2)] };
    expect(overlaps(sharing, profile)).toBe(true);
    expect(overlaps(profile, sharing)).toBe(true);
    expect(overlaps(tp, tp)).toBe(true);
    expect(overlaps(tp, sharing)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// The guarantee: every suggested way out, applied to the file, removes its problem and adds none.

/** The rule a message reports, read from its wording (independently of planning's own codes). */
function ruleOf(message: string): string {
  if (/^does not fit /.test(message)) return "memory";
  if (/^pool "[^"]+" cannot place its replicas/.test(message)) return "placement";
  const tp = /^(?:tensorParallel )?must (divide|be at most|be 1 on a MIG slice|be 1 on the time-sliced pool)/.exec(message);
  return tp ? `tensorParallel ${tp[1]}` : message;
}

const keyOf = (p: Problem): string => `${formatPath(p.path)} | ${ruleOf(p.message)}`;

/**
 * Parses and checks `yaml` as `test.yaml` as `validate` does: the problems of parsing and
 * resolution, else of planning, scheduling and capacity (planning/check.ts).
 */
function check(yaml: string): { problems: readonly PlanProblem[] | readonly Problem[]; planned: boolean } {
  const { env, problems } = parseEnvironment("test.yaml", yaml);
  if (!env) return { problems, planned: false };
  return { problems: checkEnvironment(env).problems, planned: true };
}

/** Applies a fix to the YAML data, as a user would edit the file; added nodes get fresh names. */
function edited(data: unknown, fix: Fix): string {
  const copy = structuredClone(data) as Record<string, unknown>;
  for (const change of fix.changes) {
    let node = copy as Record<string | number, unknown>;
    for (const key of change.path.slice(0, -1)) node = (node[key] ??= {}) as Record<string | number, unknown>;
    const last = change.path[change.path.length - 1];
    if (change.kind === "set") node[last] = change.value;
    else node[last] = [...(node[last] as string[]), ...Array.from({ length: change.count }, (_, i) => `added-node-${i}`)];
  }
  return stringify(copy);
}

interface ModelCase {
  model: string;
  fp8: boolean;
  tensorParallel: number;
  contextTokens: number;
  sequences: number;
  replicas: number | { min: number; max: number };
  rollout: "surge" | "recreate";
  kvFp8: boolean;
}

const modelCase: fc.Arbitrary<ModelCase> = fc.record({
  model: fc.constantFrom(...MODELS.map((m) => m.id)),
  fp8: fc.boolean(),
  tensorParallel: fc.constantFrom(1, 1, 2, 3, 4, 8),
  contextTokens: fc.constantFrom(2048, 8192, 32768, 131072),
  sequences: fc.integer({ min: 1, max: 64 }),
  replicas: fc.oneof(
    fc.integer({ min: 1, max: 6 }),
    fc.record({ min: fc.integer({ min: 1, max: 3 }), extra: fc.integer({ min: 0, max: 6 }) }).map(({ min, extra }) => ({ min, max: min + extra })),
  ),
  rollout: fc.constantFrom("surge" as const, "recreate" as const),
  kvFp8: fc.boolean(),
});

const envCase = fc.record({
  server: fc.constantFrom(...SERVERS.map((s) => s.id)),
  nodes: fc.integer({ min: 1, max: 3 }),
  sharing: fc.constantFrom("none", "none", "mig", "time-slicing"),
  profileIndex: fc.nat(),
  replicasPerGpu: fc.integer({ min: 2, max: 8 }),
  models: fc.array(modelCase, { minLength: 1, maxLength: 2 }),
});

type EnvCase = typeof envCase extends fc.Arbitrary<infer T> ? T : never;

/** The environment file of a generated case (only choices the schema and resolution accept). */
function caseYaml(c: EnvCase): string {
  const server = SERVERS.find((s) => s.id === c.server)!;
  const profiles = findGpu(server.gpu)!.migProfiles;
  let sharing = "{ mode: none }";
  if (c.sharing === "mig" && profiles.length > 0) sharing = `{ mode: mig, profile: ${profiles[c.profileIndex % profiles.length].name} }`;
  if (c.sharing === "time-slicing") sharing = `{ mode: time-slicing, replicasPerGpu: ${c.replicasPerGpu} }`;
  const nodes = Array.from({ length: c.nodes }, (_, i) => `g${i + 1}`).join(", ");
  const models = c.models.map((m, i) => {
    const spec = MODELS.find((s) => s.id === m.model)!;
    const precision = m.fp8 && spec.nativePrecision === "bf16" ? ", precision: fp8" : "";
    const replicas = typeof m.replicas === "number" ? m.replicas : `{ min: ${m.replicas.min}, max: ${m.replicas.max} }`;
    return (
      `  m${i}: { model: ${m.model}, pool: p${precision}, tensorParallel: ${m.tensorParallel}, ` +
      `maxContextTokens: ${Math.min(m.contextTokens, spec.defaultContextTokens)}, maxConcurrentSequences: ${m.sequences}, ` +
      `replicas: ${replicas}, rollout: ${m.rollout}${m.kvFp8 ? ", kvCacheDtype: fp8" : ""} }`
    );
  });
  return (
    `name: test\ndescription: generated\ncluster: { kubeconfig: { context: c } }\n` +
    `nodePools:\n  p: { nodes: [${nodes}], server: ${c.server}, gpuSharing: ${sharing} }\n` +
    `models:\n${models.join("\n")}\n${MODEL_STORE_YAML}` +
    // Autoscaled replicas read the queue through a ServiceMonitor.
    "monitoring: { serviceMonitorLabels: { release: kube-prometheus-stack } }\n"
  );
}

describe("planEnvironment: every suggested way out works", () => {
  test("GIVEN generated misfits WHEN each fix a problem proposes is applied to the file THEN that problem is gone and none is new", () => {
    const counts = { cases: 0, problems: 0, fixes: 0, byRule: new Map<string, number>() };
    fc.assert(
      fc.property(envCase, (c) => {
        const yaml = caseYaml(c);
        const before = check(yaml);
        // Cases that resolution refuses (e.g. a model another rule rejects) propose nothing of planning's.
        if (!before.planned) return;
        counts.cases++;
        const data: unknown = parse(yaml);
        for (const problem of before.problems as readonly PlanProblem[]) {
          counts.problems++;
          for (const fix of problem.fixes ?? []) {
            counts.fixes++;
            const rule = ruleOf(problem.message);
            counts.byRule.set(rule, (counts.byRule.get(rule) ?? 0) + 1);
            // The message names every key the fix changes.
            for (const change of fix.changes) expect(problem.message).toContain(String(change.path[change.path.length - 1]));
            const after = check(edited(data, fix)).problems;
            const had = new Set(before.problems.map(keyOf));
            const context = `${yaml}\nproblem: ${formatPath(problem.path)}: ${problem.message}\nfix: ${JSON.stringify(fix)}\nafter: ${after.map((p) => `${formatPath(p.path)}: ${p.message}`).join("\n")}`;
            // THEN the problem is gone, nothing appears at a path (and rule) that was clean, and the count goes down
            expect({ context, gone: after.every((p) => keyOf(p) !== keyOf(problem)) }).toEqual({ context, gone: true });
            expect({ context, added: after.filter((p) => !had.has(keyOf(p))).map(keyOf) }).toEqual({ context, added: [] });
            expect(after.length).toBeLessThan(before.problems.length);
          }
        }
      }),
      { numRuns: 300 },
    );
    // The property is only as strong as the fixes it saw: enough of them, of every kind of problem.
    expect(counts.fixes).toBeGreaterThanOrEqual(200);
    expect([...counts.byRule.keys()].sort()).toEqual(
      expect.arrayContaining(["memory", "placement", "tensorParallel be 1 on a MIG slice", "tensorParallel be 1 on the time-sliced pool", "tensorParallel divide"]),
    );
  });
});

describe("checkEnvironment: fixes are judged against the later checks too", () => {
  // One 8-GPU H200 server; qwen3-32b at TP 2 × 4 replicas + 2 GPUs kept for a surge = 10 > 8.
  // A measured 1,000 output tokens/s per replica against a peak of 302,400,000 / 86,400 = 3,500
  // tokens/s (all output) needs 4 replicas: 3 would be a capacity shortfall.
  const yaml = (demand: string) =>
    `name: test\ndescription: d\ncluster: { kubeconfig: { context: c } }\nnodePools:\n  p: { nodes: [g1], server: hgx-h200-8 }\n` +
    `models:\n  coder:\n    model: qwen3-32b\n    pool: p\n    tensorParallel: 2\n    maxContextTokens: 8192\n    replicas: 4\n${demand}` +
    MODEL_STORE_YAML;
  const DEMAND =
    "    measuredTokensPerSecond: 1000\n    demand: { tokensPerDay: 302400000, peakToAverage: 1, mix: { input: 0, cachedInput: 0, cacheWrite: 0, output: 1 } }\n";

  test("GIVEN no demand WHEN the pool cannot place the surge THEN fewer replicas is one way out", () => {
    const [problem] = check(yaml("")).problems;
    expect(problem.message).toContain("use models.coder.replicas: 3, or models.coder.rollout: recreate");
  });

  test("GIVEN demand that needs all 4 replicas WHEN the pool cannot place the surge THEN fewer replicas is not proposed, recreate is", () => {
    const { problems } = check(yaml(DEMAND));
    expect(problems).toHaveLength(1);
    expect(problems[0].message).not.toMatch(/replicas: 3/);
    expect(problems[0].message).toContain("rollout: recreate");
  });
});
