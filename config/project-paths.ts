/**
 * The one rule for file paths in an environment file (`cluster.kubeconfig.path`, `backend.path`),
 * and how they reach Terraform. Pure: no I/O.
 *
 * A path is relative to the project root (the directory `cdktf synth` and `cdktf deploy` run in),
 * stays inside it, uses `/` as separator and names a file; the kubeconfig may instead be
 * `~/…`, a file in the home directory of whoever deploys. Everything else is refused: absolute
 * paths (`/…`, `C:\…`, `\\server\share`), URLs (`file:///…`), another user's home (`~root/…`),
 * `..` out of the project (or out of the home directory), environment variables (`$HOME`), which
 * nothing expands, and paths under `cdktf.out/`, which every synth replaces.
 *
 * Terraform runs in the stack's working directory (`STACK_WORKING_DIR`), so a project path is
 * rebased from there (`state/prod.tfstate` becomes `../../../state/prod.tfstate`); `~/…` is
 * passed through, expanded by the kubernetes and helm providers on the deploying machine.
 */
import * as path from "node:path";
import { show } from "./errors";

/** cdktf's output directory (cdktf.json sets no `output`: the default), replaced by every synth. */
const SYNTH_OUTPUT_DIR = "cdktf.out";

/** Where `cdktf deploy` runs Terraform for a stack, relative to the project root. */
export const STACK_WORKING_DIR = (env: string): string => path.posix.join(SYNTH_OUTPUT_DIR, "stacks", env);

/** What a path may be, besides relative to the project root. */
export interface PathRule {
  /** Whether `~/…` (the deploying user's home directory) is allowed. */
  readonly home: boolean;
  /** What is allowed and what to do instead, ending every refusal. */
  readonly allowed: string;
}

/** A path that follows the rule, normalized: `~/x/y` or `x/y` (no `.`, `..`, `//` or trailing `/`). */
export type CheckedPath = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly problem: string };

/** Checks `value` against the rule; the normalized path, or why it is refused and what is allowed. */
export function checkProjectPath(value: string, rule: PathRule): CheckedPath {
  const refuse = (why: string): CheckedPath => ({ ok: false, problem: `${why}, got ${show(value)}; ${rule.allowed}` });
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) return refuse("must not contain control characters");
  if (/^(\\\\|\/\/)/.test(value)) return refuse("must not be a network (UNC) path");
  if (/^[A-Za-z]:/.test(value)) return refuse("must not be a Windows drive path");
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) return refuse("must be a file path, not a URL");
  if (value.startsWith("/")) return refuse("must not be absolute (it would tie the stack to one machine)");
  if (value.includes("\\")) return refuse('must use "/" between directories');
  if (value.includes("$") || /%[A-Za-z_][A-Za-z0-9_]*%/.test(value)) return refuse("must not contain environment variables (nothing expands them)");

  let rest = value;
  let prefix = "";
  if (value.startsWith("~")) {
    if (!rule.home) return refuse('must not start with "~" (the local backend does not expand it)');
    if (value === "~") return refuse("must name a file, not a directory");
    if (!value.startsWith("~/")) return refuse(`must not start with "~user" (another user's home directory): only "~/" is expanded`);
    rest = value.slice(2);
    prefix = "~/";
  }
  const normalized = path.posix.normalize(rest);
  if (rest.endsWith("/") || /(^|\/)\.{0,2}$/.test(rest) || normalized === ".") return refuse("must name a file, not a directory");
  if (normalized === ".." || normalized.startsWith("../")) {
    return refuse(prefix === "" ? "must stay inside the project root" : "must stay inside the home directory");
  }
  if (prefix === "" && (normalized === SYNTH_OUTPUT_DIR || normalized.startsWith(`${SYNTH_OUTPUT_DIR}/`))) {
    return refuse(`must not be under ${SYNTH_OUTPUT_DIR}/ (every synth replaces it)`);
  }
  return { ok: true, path: `${prefix}${normalized}` };
}

/**
 * The path as Terraform reads it in the stack `env`: `~/…` unchanged, a project path rebased to
 * the stack's working directory. Throws on a path the rule refuses (config/ checks them first).
 */
export function pathForTerraform(value: string, env: string, rule: PathRule): string {
  const checked = checkProjectPath(value, rule);
  if (!checked.ok) throw new Error(`unchecked path reached the stack: ${checked.problem}`);
  if (checked.path.startsWith("~/")) return checked.path;
  return path.posix.relative(STACK_WORKING_DIR(env), checked.path);
}

/** The kubeconfig rule: `~/…` or a project path. */
export const KUBECONFIG_PATH_RULE: PathRule = {
  home: true,
  allowed: 'use "~/…" (the home directory of whoever deploys) or a path inside the project, relative to its root; or set TF_VAR_kubeconfig_path at deploy time',
};

/** The local state rule: a project path only (the local backend does not expand `~`). */
export const STATE_PATH_RULE: PathRule = {
  home: false,
  allowed: "use a path inside the project, relative to its root (the default is state/<name>.tfstate), or a remote backend (s3, pg, http, consul) for state kept elsewhere",
};

/** The local state file of environment `env`, from the project root. */
export function defaultStatePath(env: string): string {
  return `state/${env}.tfstate`;
}
