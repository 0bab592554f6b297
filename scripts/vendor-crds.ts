/**
 * Vendors the OpenAPI v3 schemas of the custom resources ai-factory renders for its gateway, read
 * from the CRDs of the pinned Envoy Gateway and Envoy AI Gateway releases (catalog/upstream.ts), so
 * tests can validate them offline (test/helpers/crd-validate.ts). For each repository it writes,
 * under vendor/<id>/:
 * - `<plural>.<version>.json`: the CRD's `openAPIV3Schema` of its storage version, CEL rules
 *   (`x-kubernetes-validations`) included, keys sorted, two-space indent, trailing newline;
 * - `<plural>.<version>.cel.json`: the same CEL rules listed with the path of the field they sit on,
 *   for review (Ajv does not evaluate CEL);
 * - `LICENSE`: the repository's licence at the tag, byte for byte.
 * SOURCE.md beside them is written by hand. A test fails when these files drift from what this
 * script produces.
 *
 * Run: `npx tsx scripts/vendor-crds.ts`. It reads clones of the repositories with `git show` at the
 * pinned commit (it never changes them): ENVOY_GATEWAY_GIT_DIR and AI_GATEWAY_GIT_DIR name their git
 * directories (bare or not), by default `../.mirror/envoyproxy+gateway/repo` and
 * `../.mirror/envoyproxy+ai-gateway/repo` beside this checkout. The tag must still point at the
 * commit recorded here.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse } from "yaml";

import { AI_GATEWAY, ENVOY_GATEWAY } from "../catalog/upstream";

/** One CRD to vendor. */
export interface VendoredCrd {
  readonly kind: string;
  /** The CRD's plural name, used in file names. */
  readonly plural: string;
  /** The version whose schema is vendored: the CRD's storage version (extraction fails otherwise). */
  readonly version: string;
  /** Path of the CRD YAML in the repository. */
  readonly path: string;
}

/** One upstream repository and the CRDs taken from it. */
export interface VendoredRepo {
  /** Folder under vendor/. */
  readonly id: string;
  readonly repository: string;
  readonly tag: string;
  /** Full commit the tag points at; a moved tag fails the script. */
  readonly commit: string;
  readonly group: string;
  /** Environment variable naming a git directory of the repository. */
  readonly gitDirEnv: string;
  /** Default git directory, relative to the repository root of ai-factory. */
  readonly defaultGitDir: string;
  readonly crds: readonly VendoredCrd[];
}

const EG_CRDS = "charts/gateway-helm/charts/crds/crds/generated";
const AIGW_CRDS = "manifests/charts/ai-gateway-crds-helm/templates";

/** What is vendored, from where. */
export const VENDORED_REPOS: readonly VendoredRepo[] = [
  {
    id: "envoy-gateway",
    repository: "https://github.com/envoyproxy/gateway",
    tag: ENVOY_GATEWAY.chart.version,
    commit: "94850d4323922cba7c67b5b5ad23de9c715f8048",
    group: "gateway.envoyproxy.io",
    gitDirEnv: "ENVOY_GATEWAY_GIT_DIR",
    defaultGitDir: "../.mirror/envoyproxy+gateway/repo",
    crds: [
      { kind: "Backend", plural: "backends", version: "v1alpha1", path: `${EG_CRDS}/gateway.envoyproxy.io_backends.yaml` },
      { kind: "BackendTrafficPolicy", plural: "backendtrafficpolicies", version: "v1alpha1", path: `${EG_CRDS}/gateway.envoyproxy.io_backendtrafficpolicies.yaml` },
      { kind: "ClientTrafficPolicy", plural: "clienttrafficpolicies", version: "v1alpha1", path: `${EG_CRDS}/gateway.envoyproxy.io_clienttrafficpolicies.yaml` },
      { kind: "EnvoyProxy", plural: "envoyproxies", version: "v1alpha1", path: `${EG_CRDS}/gateway.envoyproxy.io_envoyproxies.yaml` },
      { kind: "SecurityPolicy", plural: "securitypolicies", version: "v1alpha1", path: `${EG_CRDS}/gateway.envoyproxy.io_securitypolicies.yaml` },
    ],
  },
  {
    id: "ai-gateway",
    repository: "https://github.com/envoyproxy/ai-gateway",
    tag: AI_GATEWAY.chart.version,
    commit: "c217da8a539570ba3f6014a60c2687c29a945f1f",
    group: "aigateway.envoyproxy.io",
    gitDirEnv: "AI_GATEWAY_GIT_DIR",
    defaultGitDir: "../.mirror/envoyproxy+ai-gateway/repo",
    crds: [
      { kind: "AIGatewayRoute", plural: "aigatewayroutes", version: "v1beta1", path: `${AIGW_CRDS}/aigateway.envoyproxy.io_aigatewayroutes.yaml` },
      { kind: "AIServiceBackend", plural: "aiservicebackends", version: "v1beta1", path: `${AIGW_CRDS}/aigateway.envoyproxy.io_aiservicebackends.yaml` },
      { kind: "BackendSecurityPolicy", plural: "backendsecuritypolicies", version: "v1beta1", path: `${AIGW_CRDS}/aigateway.envoyproxy.io_backendsecuritypolicies.yaml` },
    ],
  },
];

/** Repository root of ai-factory (this file is scripts/vendor-crds.ts). */
const ROOT = resolve(__dirname, "..");

/** Path of a CRD's schema file, relative to the repository root. */
export function schemaFile(repo: VendoredRepo, crd: VendoredCrd): string {
  return `vendor/${repo.id}/${crd.plural}.${crd.version}.json`;
}

/** Path of a CRD's list of CEL rules, relative to the repository root. */
export function celFile(repo: VendoredRepo, crd: VendoredCrd): string {
  return `vendor/${repo.id}/${crd.plural}.${crd.version}.cel.json`;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `value` with the keys of every object sorted (arrays keep their order: it is meaningful). */
export function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
    return out;
  }
  return value;
}

/** The text of a vendored JSON file: sorted keys, two-space indent, trailing newline. */
export function renderJson(value: Json): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function isObject(value: unknown): value is { [key: string]: Json } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The `openAPIV3Schema` of `crd.version` in a CRD manifest, checking that the manifest is the CRD of
 * `group` + `crd.kind` and that the version is served and the storage version.
 */
export function extractSchema(yamlText: string, group: string, crd: VendoredCrd): { [key: string]: Json } {
  const doc = parse(yamlText) as unknown;
  const where = `${crd.path}`;
  if (!isObject(doc) || doc.kind !== "CustomResourceDefinition" || !isObject(doc.spec)) {
    throw new Error(`${where}: not a CustomResourceDefinition`);
  }
  const spec = doc.spec;
  const names = isObject(spec.names) ? spec.names : {};
  if (spec.group !== group || names.kind !== crd.kind || names.plural !== crd.plural) {
    throw new Error(`${where}: defines ${String(names.kind)} (${String(names.plural)}.${String(spec.group)}); expected ${crd.kind} (${crd.plural}.${group})`);
  }
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isObject) : [];
  const storage = versions.filter((v) => v.storage === true).map((v) => String(v.name));
  const version = versions.find((v) => v.name === crd.version);
  if (!version || version.served !== true || version.storage !== true) {
    throw new Error(`${where}: version ${crd.version} is not the served storage version; the storage version is ${storage.join(", ") || "none"}`);
  }
  const schema = isObject(version.schema) ? version.schema.openAPIV3Schema : undefined;
  if (!isObject(schema)) throw new Error(`${where}: version ${crd.version} has no openAPIV3Schema`);
  return schema;
}

/** A CEL rule of a schema and the field it sits on. */
export interface CelRule {
  /** Field path, `.` for the root, `[*]` for list items, `{*}` for map values: `.spec.backendRef`. */
  readonly path: string;
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly reason?: string;
  readonly fieldPath?: string;
}

/** Every `x-kubernetes-validations` rule of `schema`, in schema order (keys sorted). */
export function celRules(schema: Json): CelRule[] {
  const rules: CelRule[] = [];
  const walk = (node: Json, path: string) => {
    if (!isObject(node)) return;
    const validations = node["x-kubernetes-validations"];
    if (Array.isArray(validations)) {
      for (const v of validations) {
        if (!isObject(v) || typeof v.rule !== "string") continue;
        const rule: { -readonly [K in keyof CelRule]: CelRule[K] } = { path: path || ".", rule: v.rule };
        for (const key of ["message", "messageExpression", "reason", "fieldPath"] as const) {
          if (typeof v[key] === "string") rule[key] = v[key];
        }
        rules.push(rule);
      }
    }
    if (isObject(node.properties)) {
      for (const key of Object.keys(node.properties).sort()) walk(node.properties[key], `${path}.${key}`);
    }
    if (isObject(node.items)) walk(node.items, `${path}[*]`);
    if (isObject(node.additionalProperties)) walk(node.additionalProperties, `${path}{*}`);
    for (const key of ["allOf", "anyOf", "oneOf"]) {
      const branches = node[key];
      if (Array.isArray(branches)) for (const b of branches) walk(b, path);
    }
  };
  walk(schema, "");
  return rules;
}

/** Reads a file of a repository at its pinned commit. */
export type UpstreamReader = (repo: VendoredRepo, path: string) => string;

/** The git directory of `repo`: its environment variable, or the default beside this checkout. */
export function gitDirOf(repo: VendoredRepo, env: NodeJS.ProcessEnv = process.env): string {
  return env[repo.gitDirEnv] || join(ROOT, repo.defaultGitDir);
}

/** Whether a git directory of every repository is present (the staleness test needs them). */
export function upstreamsAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return VENDORED_REPOS.every((repo) => existsSync(gitDirOf(repo, env)));
}

/**
 * A reader that runs `git show <commit>:<path>` in each repository's git directory, after checking
 * that the tag still resolves to the recorded commit.
 */
export function gitReader(env: NodeJS.ProcessEnv = process.env): UpstreamReader {
  const checked = new Set<string>();
  const git = (gitDir: string, args: string[]) => execFileSync("git", ["--git-dir", gitDir, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return (repo, path) => {
    const gitDir = gitDirOf(repo, env);
    if (!checked.has(repo.id)) {
      const commit = git(gitDir, ["rev-parse", `${repo.tag}^{commit}`]).trim();
      if (commit !== repo.commit) {
        throw new Error(`${gitDir}: tag ${repo.tag} points at ${commit}, not the recorded ${repo.commit}; check the release and update scripts/vendor-crds.ts and vendor/${repo.id}/SOURCE.md`);
      }
      checked.add(repo.id);
    }
    return git(gitDir, ["show", `${repo.commit}:${path}`]);
  };
}

/** Every vendored file (except the hand-written SOURCE.md): path relative to the repository root → content. */
export function vendoredFiles(read: UpstreamReader): Map<string, string> {
  const files = new Map<string, string>();
  for (const repo of VENDORED_REPOS) {
    files.set(`vendor/${repo.id}/LICENSE`, read(repo, "LICENSE"));
    for (const crd of repo.crds) {
      const schema = extractSchema(read(repo, crd.path), repo.group, crd);
      files.set(schemaFile(repo, crd), renderJson(schema));
      files.set(celFile(repo, crd), renderJson(celRules(sortKeys(schema)) as unknown as Json));
    }
  }
  return files;
}

function main(): void {
  for (const [path, content] of vendoredFiles(gitReader())) {
    const file = join(ROOT, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    console.log(`wrote ${path}`);
  }
}

if (require.main === module) main();
