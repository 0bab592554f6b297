import * as fs from "node:fs";
import * as path from "node:path";

import { planGateway, type GatewayPlan } from "../../planning/gateway";
import { GPU_QUOTA_KEY, teamLimitRange, teamNamespaces, teamResourceQuota, tenancyObjects, type TeamNamespace } from "../../planning/tenancy";
import { envFromYaml } from "../helpers/env";

const PROD = envFromYaml(fs.readFileSync(path.resolve(__dirname, "..", "..", "environments", "prod.yaml"), "utf8"));

/** A gateway plan holding only the given teams (the other fields are not read). */
function gatewayWith(teams: Array<Pick<GatewayPlan["teams"][number], "name" | "namespace">>): GatewayPlan {
  return { ...planGateway(PROD)!, teams: teams.map((t) => ({ keySecret: "k", models: [], allModels: true, tokenLimits: [], ...t })) };
}

describe("teamNamespaces", () => {
  test("GIVEN prod WHEN its team namespaces are listed THEN only `documents` has one, team-documents with 0 GPUs and the default limits", () => {
    expect(teamNamespaces(planGateway(PROD))).toEqual([{ team: "documents", name: "team-documents", gpus: 0, defaultCpu: "500m", defaultMemory: "1Gi" }]);
  });

  test("GIVEN no gateway WHEN listed THEN there are none", () => {
    expect(teamNamespaces(undefined)).toEqual([]);
  });

  test("GIVEN teams in any order WHEN listed THEN they are sorted by namespace", () => {
    const g = gatewayWith([
      { name: "b", namespace: { name: "zeta", gpus: 1, defaultCpu: "1", defaultMemory: "2Gi" } },
      { name: "a", namespace: { name: "alpha", gpus: 2, defaultCpu: "1", defaultMemory: "2Gi" } },
      { name: "c" },
    ]);
    expect(teamNamespaces(g).map((t) => t.name)).toEqual(["alpha", "zeta"]);
  });

  test("throws when two teams name the same namespace", () => {
    const ns = { name: "shared", gpus: 1, defaultCpu: "1", defaultMemory: "2Gi" };
    expect(() => teamNamespaces(gatewayWith([{ name: "a", namespace: ns }, { name: "b", namespace: ns }]))).toThrow(
      "tenancy: teams a and b both use namespace shared; give one of them gateway.teams.<name>.namespace.name",
    );
  });
});

describe("team quota and limit range", () => {
  const team: TeamNamespace = { team: "research", name: "team-research", gpus: 8, defaultCpu: "2", defaultMemory: "8Gi" };

  test("GIVEN 8 GPUs WHEN the quota is built THEN it caps requests.nvidia.com/gpu at 8 in the team's namespace", () => {
    expect(teamResourceQuota(team)).toEqual({
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: {
        name: "team-gpu-quota",
        namespace: "team-research",
        labels: { "ai-factory/team": "research", "app.kubernetes.io/component": "tenancy", "app.kubernetes.io/part-of": "ai-factory" },
      },
      spec: { hard: { "requests.nvidia.com/gpu": "8" } },
    });
    expect(GPU_QUOTA_KEY).toBe("requests.nvidia.com/gpu");
  });

  test("GIVEN 0 GPUs WHEN the quota is built THEN it is an explicit 0 (no GPU at all), not absent", () => {
    expect(teamResourceQuota({ ...team, gpus: 0 }).spec.hard).toEqual({ "requests.nvidia.com/gpu": "0" });
  });

  test("GIVEN default CPU and memory WHEN the limit range is built THEN containers get them as default and defaultRequest", () => {
    expect(teamLimitRange(team).spec).toEqual({
      limits: [{ type: "Container", default: { cpu: "2", memory: "8Gi" }, defaultRequest: { cpu: "2", memory: "8Gi" } }],
    });
    expect(teamLimitRange(team).metadata).toMatchObject({ name: "team-container-defaults", namespace: "team-research" });
  });

  test("GIVEN two teams WHEN the objects are built THEN one quota and one limit range each, in the teams' order", () => {
    const other = { ...team, team: "ops", name: "team-ops" };
    const { resourceQuotas, limitRanges } = tenancyObjects([team, other]);
    expect(resourceQuotas.map((q) => q.metadata.namespace)).toEqual(["team-research", "team-ops"]);
    expect(limitRanges.map((l) => l.metadata.namespace)).toEqual(["team-research", "team-ops"]);
  });
});
