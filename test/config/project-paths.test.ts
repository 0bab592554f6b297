import * as path from "node:path";
import { ConfigError } from "../../config/errors";
import { loadEnvironmentFiles, parseEnvironment } from "../../config/loader";
import { KUBECONFIG_PATH_RULE, STATE_PATH_RULE, STACK_WORKING_DIR, checkProjectPath, pathForTerraform } from "../../config/project-paths";

const REPO = path.join(__dirname, "..", "..");
const KUBE_ALLOWED =
  'use "~/…" (the home directory of whoever deploys) or a path inside the project, relative to its root; or set TF_VAR_kubeconfig_path at deploy time';
const STATE_ALLOWED =
  "use a path inside the project, relative to its root (the default is state/<name>.tfstate), or a remote backend (s3, pg, http, consul) for state kept elsewhere";

/** The problem of `value` under `rule`, or the normalized path. */
function check(value: string, rule = KUBECONFIG_PATH_RULE): string {
  const r = checkProjectPath(value, rule);
  return r.ok ? `ok ${r.path}` : r.problem;
}

describe("the path rule", () => {
  test.each<[string, string]>([
    ["/etc/kubernetes/admin.conf", "must not be absolute (it would tie the stack to one machine)"],
    ["//server/share/kube", "must not be a network (UNC) path"],
    ["\\\\server\\share\\kube", "must not be a network (UNC) path"],
    ["C:\\Users\\me\\.kube\\config", "must not be a Windows drive path"],
    ["c:/Users/me/.kube/config", "must not be a Windows drive path"],
    ["file:///etc/kubernetes/admin.conf", "must be a file path, not a URL"],
    ["https://example.com/kubeconfig", "must be a file path, not a URL"],
    ["~root/.kube/config", 'must not start with "~user" (another user\'s home directory): only "~/" is expanded'],
    ["~", "must name a file, not a directory"],
    ["~/", "must name a file, not a directory"],
    ["~/../root/.kube/config", "must stay inside the home directory"],
    ["../../.kube/config", "must stay inside the project root"],
    ["clusters/../../outside/kubeconfig", "must stay inside the project root"],
    [".kube/", "must name a file, not a directory"],
    [".", "must name a file, not a directory"],
    ["..", "must name a file, not a directory"],
    ["clusters\\prod.yaml", 'must use "/" between directories'],
    ["$HOME/.kube/config", "must not contain environment variables (nothing expands them)"],
    ["%USERPROFILE%/.kube/config", "must not contain environment variables (nothing expands them)"],
    ["cdktf.out/kubeconfig", "must not be under cdktf.out/ (every synth replaces it)"],
    ["kube\nconfig", "must not contain control characters"],
  ])("GIVEN the kubeconfig %j WHEN checked THEN it is refused: %s", (value, why) => {
    expect(check(value)).toBe(`${why}, got ${JSON.stringify(value)}; ${KUBE_ALLOWED}`);
  });

  test.each<[string, string]>([
    ["~/.kube/config", "~/.kube/config"],
    ["~/clusters//./prod.yaml", "~/clusters/prod.yaml"],
    [".kube/prod.yaml", ".kube/prod.yaml"],
    ["./clusters/a/../prod.yaml", "clusters/prod.yaml"],
    ["cdktf.outside/kubeconfig", "cdktf.outside/kubeconfig"],
  ])("GIVEN the kubeconfig %j WHEN checked THEN it is accepted as %j", (value, normalized) => {
    expect(check(value)).toBe(`ok ${normalized}`);
  });

  test.each<[string, string]>([
    ["~/state/prod.tfstate", 'must not start with "~" (the local backend does not expand it)'],
    ["/var/lib/terraform/prod.tfstate", "must not be absolute (it would tie the stack to one machine)"],
    ["../../elsewhere/prod.tfstate", "must stay inside the project root"],
    ["state/", "must name a file, not a directory"],
    ["cdktf.out/stacks/prod/terraform.tfstate", "must not be under cdktf.out/ (every synth replaces it)"],
    ["file:///var/lib/prod.tfstate", "must be a file path, not a URL"],
  ])("GIVEN the state path %j WHEN checked THEN it is refused: %s", (value, why) => {
    expect(check(value, STATE_PATH_RULE)).toBe(`${why}, got ${JSON.stringify(value)}; ${STATE_ALLOWED}`);
  });
});

describe("paths as Terraform reads them", () => {
  test("GIVEN the stack directory WHEN read THEN it is cdktf.out/stacks/<name>", () => {
    expect(STACK_WORKING_DIR("prod")).toBe("cdktf.out/stacks/prod");
  });

  test("GIVEN a project path WHEN rebased THEN it is relative to the stack directory; ~/ stays", () => {
    expect(pathForTerraform("./.kube//prod.yaml", "prod", KUBECONFIG_PATH_RULE)).toBe("../../../.kube/prod.yaml");
    expect(pathForTerraform("~/.kube/config", "prod", KUBECONFIG_PATH_RULE)).toBe("~/.kube/config");
    expect(pathForTerraform("state/prod.tfstate", "prod", STATE_PATH_RULE)).toBe("../../../state/prod.tfstate");
  });

  test("GIVEN a refused path WHEN rebased THEN it throws: config/ checks paths before any stack is built", () => {
    expect(() => pathForTerraform("/etc/kubernetes/admin.conf", "prod", KUBECONFIG_PATH_RULE)).toThrow("unchecked path reached the stack");
  });
});

describe("paths in environment files", () => {
  /** The error lines of loading one bad fixture. */
  function problemsOf(name: string): string[] {
    try {
      loadEnvironmentFiles([`test/fixtures/bad/${name}.yaml`], REPO);
    } catch (err) {
      return (err as ConfigError).message.split("\n");
    }
    throw new Error(`expected ${name}.yaml to be rejected`);
  }

  test("GIVEN a kubeconfig in another user's home WHEN loaded THEN the path and the rule are named", () => {
    expect(problemsOf("kubeconfig-other-home")).toEqual([
      `test/fixtures/bad/kubeconfig-other-home.yaml: cluster.kubeconfig.path: must not start with "~user" (another user's home directory): only "~/" is expanded, got "~root/.kube/config"; ${KUBE_ALLOWED}`,
    ]);
  });

  test("GIVEN a local state outside the project WHEN loaded THEN the path and the rule are named", () => {
    expect(problemsOf("state-outside-project")).toEqual([
      `test/fixtures/bad/state-outside-project.yaml: backend.path: must stay inside the project root, got "../../elsewhere/prod.tfstate"; ${STATE_ALLOWED}`,
    ]);
  });

  test("GIVEN both paths wrong in one file WHEN parsed THEN both are reported", () => {
    const text = `name: t
description: d
cluster: { kubeconfig: { context: c, path: "C:\\\\kube\\\\config" } }
backend: { type: local, path: ~/t.tfstate }
nodePools:
  main: { nodes: [gpu-01], server: hgx-h100-8 }
`;
    expect(parseEnvironment("t.yaml", text).problems.map((p) => `${p.path.join(".")}: ${p.message.split(",")[0]}`)).toEqual([
      "cluster.kubeconfig.path: must not be a Windows drive path",
      'backend.path: must not start with "~" (the local backend does not expand it)',
    ]);
  });
});
