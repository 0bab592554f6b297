/**
 * The two sides of `ai-factory diff`, read into `OutputSnapshot`s: a synthesized output folder
 * (`cdktf.out`), or a git ref synthesized for the purpose in a temporary checkout that touches
 * neither the user's work tree nor their .git. Local Helm charts are rendered with the real
 * `helm template`, offline and with a private Helm home.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { ConfigError, UsageError, escapeControl, show } from "../config/errors";
import { displayPath } from "../config/loader";
import type { EnvironmentSnapshot, KubeObject, OutputSnapshot, RenderedRelease, TerraformJson } from "../report/plan-diff-types";
import { readCostJson } from "./cost-files";

/** Names of environments, stacks and cost files (DNS labels: safe in a path); as cli/synth.ts. */
const ENV_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The note of a side whose manifests could not be rendered. */
export const HELM_NOT_FOUND_NOTE = "helm not found: rendered manifests are not compared; set HELM_BIN or run npm ci";

/** At most this many helm processes run at once, over every call in this process (machines here have 2 cores). */
const HELM_PARALLELISM = 2;
/** Lines of helm's stderr kept in a failed render's `error`. */
const HELM_ERROR_LINES = 5;
/** Lines of a failed build or synthesis shown in the error. */
const FAILURE_TAIL_LINES = 20;

/** Prefixes of the temporary directories this module creates (and always removes). */
export const CHECKOUT_PREFIX = "ai-factory-diff-ref-";
export const HELM_HOME_PREFIX = "ai-factory-diff-helm-";

export interface ReadFolderOptions {
  /** How a file of the folder is named in errors and notes. @default - its path relative to the working directory */
  readonly display?: (file: string) => string;
}

/** Invalid input about one file: exit 1, and the CLI prints `<file>:<line>:<column>: …`. */
function invalid(file: string, message: string, at?: { line: number; column: number }): ConfigError {
  return new ConfigError([{ file, path: [], message, ...(at ?? {}) }]);
}

/** 1-based line and column of the UTF-16 offset `position` in `text`. */
function lineColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(position, text.length)));
  const lines = before.split("\n");
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** Parses a JSON file, or throws the file's name with the line and column JSON.parse reports. */
function readJson(file: string, shown: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw invalid(shown, `cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const raw = String((err as Error).message);
    let at: { line: number; column: number } | undefined;
    const lc = /\(line (\d+) column (\d+)\)/.exec(raw);
    const pos = /at position (\d+)/.exec(raw);
    if (lc) at = { line: Number(lc[1]), column: Number(lc[2]) };
    else if (pos) at = lineColumn(text, Number(pos[1]));
    else if (/end of JSON input/.test(raw)) at = lineColumn(text, text.length);
    // V8 quotes the start of the text in some messages: it is the file's content, not the reason.
    const reason = raw
      .replace(/, ".*" is not valid JSON$/s, "")
      .replace(/ in JSON at position \d+.*$/s, "")
      .replace(/ \(line \d+ column \d+\)/, "");
    throw invalid(shown, `not valid JSON: ${reason}`, at);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Reads a synthesized output folder: every stack its manifest.json lists (or every directory of
 * stacks/ when it has no manifest) and every `costs/<env>.json`. Throws a `ConfigError` naming the
 * file when a stack cannot be read; a cost file that cannot be read back, and names that are not
 * environment names, become notes.
 */
export function readOutputFolder(dir: string, label: string, options: ReadFolderOptions = {}): OutputSnapshot {
  const shown = options.display ?? ((file: string) => displayPath(file));
  if (!isDirectory(dir)) throw invalid(shown(dir), "is not a directory");
  const manifestFile = path.join(dir, "manifest.json");
  const stacksDir = path.join(dir, "stacks");
  const costsDir = path.join(dir, "costs");
  const hasManifest = fs.existsSync(manifestFile);
  if (!hasManifest && !isDirectory(stacksDir) && !isDirectory(costsDir)) {
    throw invalid(shown(dir), "not a synthesized output (no manifest.json, stacks/ or costs/)");
  }
  const notes: string[] = [];
  const envName = (name: string, where: string): boolean => {
    if (ENV_NAME.test(name)) return true;
    notes.push(`${where}: ignored ${show(name)}, not an environment name (lowercase letters, digits and "-")`);
    return false;
  };

  let stackNames: string[];
  if (hasManifest) {
    const manifest = readJson(manifestFile, shown(manifestFile));
    if (!isRecord(manifest) || !isRecord(manifest.stacks)) throw invalid(shown(manifestFile), 'has no "stacks" object; is it a cdktf manifest?');
    stackNames = Object.keys(manifest.stacks).filter((n) => envName(n, shown(manifestFile)));
  } else {
    stackNames = isDirectory(stacksDir)
      ? fs.readdirSync(stacksDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).filter((n) => envName(n, shown(stacksDir)))
      : [];
  }
  const costNames = isDirectory(costsDir)
    ? fs.readdirSync(costsDir).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).filter((n) => envName(n, shown(costsDir)))
    : [];

  const environments: Record<string, EnvironmentSnapshot> = {};
  for (const name of [...new Set([...stackNames, ...costNames])].sort()) {
    let stack: TerraformJson | undefined;
    if (stackNames.includes(name)) {
      const file = path.join(stacksDir, name, "cdk.tf.json");
      if (!fs.existsSync(file)) throw invalid(shown(file), `missing: the output lists stack ${show(name)} but has no cdk.tf.json for it`);
      const doc = readJson(file, shown(file));
      if (!isRecord(doc)) throw invalid(shown(file), "is not a JSON object; is it a cdktf stack?");
      stack = doc as TerraformJson;
    }
    let cost: EnvironmentSnapshot["cost"];
    if (costNames.includes(name)) {
      const file = path.join(costsDir, `${name}.json`);
      let read: ReturnType<typeof readCostJson>;
      try {
        read = readCostJson(name, fs.readFileSync(file, "utf8"));
      } catch (err) {
        read = { reason: `it cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})` };
      }
      if ("summary" in read) cost = read.summary;
      else notes.push(`${shown(file)}: costs of ${name} are not compared: ${read.reason}`);
    }
    environments[name] = { ...(stack ? { stack } : {}), ...(cost ? { cost } : {}) };
  }
  return { label, environments, ...(notes.length > 0 ? { notes } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Helm

let helmRunning = 0;
const helmWaiting: (() => void)[] = [];

/** Runs `fn` when fewer than HELM_PARALLELISM helm processes run. */
async function withHelmSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (helmRunning < HELM_PARALLELISM) helmRunning++;
  else await new Promise<void>((resolve) => helmWaiting.push(resolve));
  try {
    return await fn();
  } finally {
    // The slot passes to the next waiter as it is, or is freed.
    const next = helmWaiting.shift();
    if (next) next();
    else helmRunning--;
  }
}

interface ProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Could not be started (ENOENT, EACCES). */
  readonly spawnError?: string;
}

/** Runs a command (no shell) to its end, collecting its output. */
function runProcess(command: string, args: readonly string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let spawnError: string | undefined;
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e: NodeJS.ErrnoException) => {
      spawnError = e.code ?? e.message;
    });
    child.on("close", (code, signal) => {
      resolve({ code, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), spawnError });
    });
  });
}

/** Whether `file` is a regular file this process may execute. */
function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The helm binary to render with: HELM_BIN if set, else the one `npm ci` puts in
 * `<projectRoot>/node_modules/.bin/helm`, else `helm` on PATH (as an absolute path); undefined
 * when there is none.
 */
export function findHelm(env: NodeJS.ProcessEnv, projectRoot: string): string | undefined {
  const fromEnv = env.HELM_BIN;
  if (fromEnv !== undefined && fromEnv.trim() !== "") return fromEnv;
  const pinned = path.join(projectRoot, "node_modules", ".bin", "helm");
  if (isExecutable(pinned)) return pinned;
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, "helm");
    if (isExecutable(candidate)) return path.resolve(candidate);
  }
  return undefined;
}

/** The chart directory of a local-chart release, an error, or undefined for an upstream chart. */
function localChartDir(stackDir: string, resource: Readonly<Record<string, unknown>>): { dir: string } | { error: string } | undefined {
  const chart = resource.chart;
  if (typeof chart !== "string") return undefined;
  if (typeof resource.repository === "string" && resource.repository !== "") return undefined;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(chart)) return undefined;
  const outside = { error: `chart ${show(chart)} is outside the stack directory; a local chart is a relative path inside it (assets/<asset>/<hash>)` };
  if (path.isAbsolute(chart)) return outside;
  const dir = path.resolve(stackDir, chart);
  const rel = path.relative(stackDir, dir);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) return outside;
  if (!isDirectory(dir)) return { error: `chart directory ${show(chart)} is not in the stack directory` };
  // A symbolic link inside the stack may point anywhere.
  const real = path.relative(fs.realpathSync(stackDir), fs.realpathSync(dir));
  if (real === "" || real.startsWith("..") || path.isAbsolute(real)) return outside;
  return { dir };
}

/** The first lines of helm's message, with the temporary and stack paths taken out. */
function helmFailure(text: string, home: string, stackDir: string): string {
  const lines = text
    .split(home + path.sep).join("")
    .split(stackDir + path.sep).join("")
    .split("\n")
    .map((l) => escapeControl(l.trimEnd()))
    .filter((l) => l.trim() !== "");
  return lines.slice(0, HELM_ERROR_LINES).join("\n") || "helm failed without a message";
}

/** `helm template` of one release, offline, with a private Helm home under `home`. */
async function renderRelease(helm: string, home: string, stackDir: string, key: string, resource: Readonly<Record<string, unknown>>, chartDir: string): Promise<RenderedRelease> {
  const name = typeof resource.name === "string" && resource.name !== "" ? resource.name : key;
  const namespace = typeof resource.namespace === "string" && resource.namespace !== "" ? resource.namespace : "default";
  const values = resource.values === undefined ? [] : resource.values;
  if (!Array.isArray(values) || values.some((v) => typeof v !== "string")) return { error: "values is not a list of YAML documents (strings)" };
  const valuesDir = fs.mkdtempSync(path.join(home, "values-"));
  const args = ["template", name, chartDir, "--namespace", namespace];
  (values as string[]).forEach((doc, i) => {
    const file = path.join(valuesDir, `${i}.yaml`);
    // What Terraform hands Helm: the stack escapes template sequences in the values it writes
    // (constructs/terraform-escape.ts), and Terraform reads `$${` as `${` and `%%{` as `%{`
    // (https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences).
    fs.writeFileSync(file, doc.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{"));
    args.push("-f", file);
  });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "",
    HOME: home,
    HELM_CACHE_HOME: path.join(home, "cache"),
    HELM_CONFIG_HOME: path.join(home, "config"),
    HELM_DATA_HOME: path.join(home, "data"),
    // A path that does not exist: nothing may talk to a cluster.
    KUBECONFIG: path.join(home, "no-kubeconfig"),
    HELM_NO_PLUGINS: "1",
  };
  const result = await withHelmSlot(() => runProcess(helm, args, { cwd: stackDir, env }));
  if (result.spawnError !== undefined) return { error: `helm could not be started (${result.spawnError})` };
  if (result.code !== 0) return { error: helmFailure(result.stderr || result.stdout, home, stackDir) };
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(result.stdout)) {
    if (doc.errors.length > 0) return { error: `helm template printed invalid YAML: ${escapeControl(doc.errors[0].message)}` };
    const obj: unknown = doc.toJS();
    if (obj !== null && obj !== undefined) objects.push(obj as KubeObject);
  }
  return { objects };
}

/**
 * Renders every `helm_release` of `stack` whose chart is a local chart (a directory inside
 * `stackDir`) with `helm template`, by address (`helm_release.<name>`). Upstream charts (a
 * `repository`, a URL) are left out; a chart that cannot be rendered gets `{ error }`.
 */
export async function renderLocalCharts(stackDir: string, stack: TerraformJson, helm: string, tempRoot: string = os.tmpdir()): Promise<Record<string, RenderedRelease>> {
  const releases = stack.resource?.helm_release ?? {};
  const root = path.resolve(stackDir);
  const home = fs.mkdtempSync(path.join(tempRoot, HELM_HOME_PREFIX));
  temporaries.set(home, undefined);
  removeTemporariesOnSignal();
  try {
    const rendered = await Promise.all(
      Object.keys(releases)
        .sort()
        .map(async (key): Promise<[string, RenderedRelease] | undefined> => {
          const resource = releases[key];
          const chart = localChartDir(root, resource);
          if (chart === undefined) return undefined;
          if ("error" in chart) return [`helm_release.${key}`, chart];
          return [`helm_release.${key}`, await renderRelease(helm, home, root, key, resource, chart.dir)];
        }),
    );
    return Object.fromEntries(rendered.filter((r): r is [string, RenderedRelease] => r !== undefined));
  } finally {
    temporaries.delete(home);
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** `snapshot` with the local charts of each environment in `outdir` rendered, or the helm-not-found note. */
async function withRendered(outdir: string, snapshot: OutputSnapshot, helm: string | undefined, tempRoot: string): Promise<OutputSnapshot> {
  if (helm === undefined) return { ...snapshot, notes: [...(snapshot.notes ?? []), HELM_NOT_FOUND_NOTE] };
  const names = Object.keys(snapshot.environments);
  const rendered = await Promise.all(
    names.map(async (name) => {
      const env = snapshot.environments[name];
      if (env.stack === undefined) return env;
      return { ...env, rendered: await renderLocalCharts(path.join(outdir, "stacks", name), env.stack, helm, tempRoot) };
    }),
  );
  return { ...snapshot, environments: Object.fromEntries(names.map((n, i) => [n, rendered[i]])) };
}

// ---------------------------------------------------------------------------------------------
// Git refs

export interface ReadSideOptions {
  /** Where a folder is looked up and whose git repository resolves a ref. */
  readonly cwd: string;
  /** Render local charts with helm (`OutputSnapshot.environments[*].rendered`). */
  readonly render: boolean;
  /** The environment of the processes run (git, npm, the cdktf app); HELM_BIN picks helm. */
  readonly env: NodeJS.ProcessEnv;
  /** Progress for people (stderr): a checkout, an `npm ci`. @default - nothing */
  readonly log?: (line: string) => void;
  /** Where the pinned helm is looked for (`node_modules/.bin/helm`). @default - this ai-factory installation */
  readonly projectRoot?: string;
  /** Where temporary checkouts and Helm homes are made. @default os.tmpdir() */
  readonly tempRoot?: string;
}

/** This installation's root: two up from dist/cli/, one up from cli/ in the sources. */
function packageRoot(): string {
  return path.basename(path.dirname(__dirname)) === "dist" ? path.join(__dirname, "..", "..") : path.join(__dirname, "..");
}

/**
 * The last `n` non-empty lines of `text` on one line, separated by ` | `: problems are printed
 * one per line, with any line break in them escaped.
 */
function tail(text: string, n: number): string {
  const lines = text.split("\n").map((l) => escapeControl(l.trim())).filter((l) => l !== "");
  return lines.slice(-n).join(" | ");
}

/** What a cdktf CLI around us set for its own app; the ref's app must not inherit it. */
function childEnv(env: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // ENVIRONMENTS too: a ref is synthesized whole, so every environment is compared.
  const { CDKTF_OUTDIR: _o, CDKTF_CONTEXT_JSON: _c, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: _a, ENVIRONMENTS: _e, ...rest } = env;
  return { ...rest, ...extra };
}

/** Runs `git archive <commit> | tar -x -C <into>`; throws when either fails. */
function extractTree(gitRoot: string, commit: string, into: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const git = spawn("git", ["-C", gitRoot, "archive", "--format=tar", commit], { env, stdio: ["ignore", "pipe", "pipe"] });
    const tar = spawn("tar", ["-x", "-C", into], { env, stdio: ["pipe", "ignore", "pipe"] });
    const errors: string[] = [];
    let pending = 2;
    const done = (what: string) => (code: number | null) => {
      if (code !== 0) errors.push(`${what} exited with code ${code}`);
      if (--pending === 0) (errors.length === 0 ? resolve() : reject(new Error(errors.join("; "))));
    };
    let gitErr = "";
    let tarErr = "";
    git.stderr.on("data", (b: Buffer) => (gitErr += b.toString()));
    tar.stderr.on("data", (b: Buffer) => (tarErr += b.toString()));
    git.on("error", (e) => errors.push(`git: ${e.message}`));
    tar.on("error", (e) => errors.push(`tar: ${e.message}`));
    tar.stdin.on("error", () => undefined);
    git.stdout.pipe(tar.stdin);
    git.on("close", (code) => done(`git archive${gitErr ? ` (${gitErr.trim()})` : ""}`)(code));
    tar.on("close", (code) => done(`tar${tarErr ? ` (${tarErr.trim()})` : ""}`)(code));
  });
}

/**
 * Temporary directories in use (checkouts, by the project prefix inside them, and Helm homes),
 * removed on SIGINT, SIGTERM or SIGHUP too: a `finally` does not run when a signal ends the process.
 */
const temporaries = new Map<string, string | undefined>();

function removeTemporary(tmp: string, prefix: string | undefined): void {
  // Only the link: never what it points to.
  if (prefix !== undefined) {
    const link = path.join(tmp, prefix, "node_modules");
    if (fs.lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) fs.unlinkSync(link);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}

let signalsHandled = false;

/** Removes the temporary directories in use when a signal ends the process, then ends it by that signal as it would have been. */
function removeTemporariesOnSignal(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      for (const [tmp, prefix] of temporaries) removeTemporary(tmp, prefix);
      process.kill(process.pid, signal);
    });
  }
}

/** Synthesizes `commit` in a temporary checkout and reads (and renders) its output; the checkout is always removed. */
async function readRef(spec: string, commit: string, gitRoot: string, prefix: string, options: ReadSideOptions): Promise<OutputSnapshot> {
  const short = commit.slice(0, 7);
  const log = options.log ?? (() => undefined);
  const failed = (step: string, r: ProcessResult) =>
    invalid(
      spec,
      `synthesizing ${spec} (${short}) failed: ${step} ${r.spawnError !== undefined ? `could not be started (${r.spawnError})` : r.code !== null ? `exited with code ${r.code}` : `was killed by ${r.signal}`}; the end of its output: ${tail(`${r.stdout}\n${r.stderr}`, FAILURE_TAIL_LINES)}`,
    );
  const tempRoot = options.tempRoot ?? os.tmpdir();
  const tmp = fs.mkdtempSync(path.join(tempRoot, CHECKOUT_PREFIX));
  temporaries.set(tmp, prefix);
  removeTemporariesOnSignal();
  try {
    log(`synthesizing ${spec} (${short}) in a temporary checkout`);
    try {
      await extractTree(gitRoot, commit, tmp, options.env);
    } catch (err) {
      throw invalid(spec, `synthesizing ${spec} (${short}) failed: the checkout failed: ${escapeControl((err as Error).message)}`);
    }
    // The project may sit in a subfolder of the repository: the same one as the working directory.
    const project = path.join(tmp, prefix);
    const lock = path.join(project, "package-lock.json");
    const ourLock = path.join(options.cwd, "package-lock.json");
    const ourModules = path.join(options.cwd, "node_modules");
    const sameLock = fs.existsSync(lock) && fs.existsSync(ourLock) && fs.readFileSync(lock).equals(fs.readFileSync(ourLock));
    const env = childEnv(options.env);
    if (sameLock && isDirectory(ourModules)) {
      fs.symlinkSync(path.resolve(ourModules), path.join(project, "node_modules"), "dir");
    } else {
      log(`${spec} has other dependencies than the working tree: running npm ci in the temporary checkout (needs the registry)`);
      const r = await runProcess("npm", ["ci", "--no-audit", "--no-fund"], { cwd: project, env });
      if (r.code !== 0) throw failed("`npm ci`", r);
    }
    const inRef = (file: string) => `${spec} (${short}): ${path.relative(project, file).split(path.sep).join("/")}`;
    const pkgFile = path.join(project, "package.json");
    const pkg = fs.existsSync(pkgFile) ? (readJson(pkgFile, inRef(pkgFile))) : undefined;
    if (isRecord(pkg) && isRecord(pkg.scripts) && typeof pkg.scripts.build === "string") {
      const r = await runProcess("npm", ["run", "build"], { cwd: project, env });
      if (r.code !== 0) throw failed("`npm run build`", r);
    }
    const cdktfFile = path.join(project, "cdktf.json");
    const cdktf = fs.existsSync(cdktfFile) ? readJson(cdktfFile, inRef(cdktfFile)) : undefined;
    const app = isRecord(cdktf) ? cdktf.app : undefined;
    if (typeof app !== "string" || app.trim() === "") throw invalid(spec, `${spec} (${short}) has no cdktf.json with an "app" command; it cannot be synthesized`);
    const outdir = path.join(project, "cdktf.out");
    // cdktf runs `app` as a shell command line and tells it where to write with CDKTF_OUTDIR.
    const r = await runProcess("sh", ["-c", app], { cwd: project, env: childEnv(options.env, { CDKTF_OUTDIR: outdir }) });
    if (r.code !== 0) throw failed(`the cdktf app (${show(app)})`, r);
    const display = (file: string) => `${spec} (${short}): ${path.relative(outdir, file).split(path.sep).join("/") || "cdktf.out"}`;
    const snapshot = readOutputFolder(outdir, spec, { display });
    if (!options.render) return snapshot;
    return await withRendered(outdir, snapshot, findHelm(options.env, options.projectRoot ?? packageRoot()), tempRoot);
  } finally {
    temporaries.delete(tmp);
    removeTemporary(tmp, prefix);
  }
}

/** Runs git in `cwd`; its trimmed stdout, or undefined when it fails. */
async function git(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const r = await runProcess("git", ["-C", cwd, ...args], { env });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/**
 * One side of the review: `spec` is a synthesized output folder (relative to `cwd`), or a git ref
 * of the repository at `cwd`, synthesized in a temporary checkout with that ref's own build and
 * cdktf app. With `render`, local charts are rendered (a note when no helm is found). Throws a
 * `UsageError` when `spec` is neither.
 */
export async function readSide(spec: string, options: ReadSideOptions): Promise<OutputSnapshot> {
  const dir = path.resolve(options.cwd, spec);
  if (spec !== "" && isDirectory(dir)) {
    const snapshot = readOutputFolder(dir, spec, { display: (file) => displayPath(file, options.cwd) });
    if (!options.render) return snapshot;
    return withRendered(dir, snapshot, findHelm(options.env, options.projectRoot ?? packageRoot()), options.tempRoot ?? os.tmpdir());
  }
  // An option is never a ref: `git rev-parse --verify -x` would read it as one.
  const commit = spec === "" || spec.startsWith("-") ? undefined : await git(options.cwd, ["rev-parse", "--verify", "--quiet", `${spec}^{commit}`], options.env);
  if (commit === undefined || !/^[0-9a-f]{40,64}$/.test(commit)) {
    throw new UsageError(`${show(spec)} is neither a synthesized output folder nor a git ref known to this repository`);
  }
  const gitRoot = await git(options.cwd, ["rev-parse", "--show-toplevel"], options.env);
  const prefix = (await git(options.cwd, ["rev-parse", "--show-prefix"], options.env)) ?? "";
  if (gitRoot === undefined) throw new UsageError(`${show(spec)} is a git ref, but ${displayPath(options.cwd)} is not in a work tree to synthesize it from`);
  return readRef(spec, commit, gitRoot, prefix, options);
}
