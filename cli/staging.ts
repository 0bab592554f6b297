/**
 * All-or-nothing output directories. Synthesis builds the whole output in a staging directory
 * beside the output (same parent, so renames never cross a file system) and swaps it in only
 * when it is complete:
 *
 *   1. `<out>.staging-<pid>` is built from nothing;
 *   2. `<out>` is renamed to `<out>.previous-<pid>` (when there is one);
 *   3. `<out>.staging-<pid>` is renamed to `<out>`;
 *   4. `<out>.previous-<pid>` is renamed to `<out>.discard-<pid>`, which is then deleted.
 *
 * A run killed anywhere leaves a whole output at `<out>`, except between 2 and 3, where the
 * whole previous output sits at `<out>.previous-<pid>`. The next run that writes puts that right
 * before anything else (`recoverOutput`), by this rule, applied to leftovers of runs whose process
 * is gone (leftovers of a live process are another synth at work and are left alone):
 *
 *   - `<out>` missing and a `.previous-<pid>` left: the newest previous output is renamed back to
 *     `<out>` (the interrupted run never reported success, so its staged output is not used);
 *   - every other `.staging-<pid>`, `.previous-<pid>` and `.discard-<pid>` is deleted.
 *
 * Nothing here is read back into a new output except through `<out>` itself, so stale leftovers
 * never end up inside it.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export type LeftoverKind = "staging" | "previous" | "discard";

/** A directory left beside the output by a synth. */
export interface Leftover {
  readonly path: string;
  readonly kind: LeftoverKind;
  readonly pid: number;
}

/** `<outdir>.<kind>-<pid>`, beside `outdir`. */
export function siblingDir(outdir: string, kind: LeftoverKind, pid: number = process.pid): string {
  return `${outdir.replace(/[\\/]+$/, "")}.${kind}-${pid}`;
}

/** The staging, previous and discard directories beside `outdir`, sorted by name. */
export function findLeftovers(outdir: string): Leftover[] {
  const parent = path.dirname(path.resolve(outdir));
  const base = path.basename(path.resolve(outdir));
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return [];
  }
  const out: Leftover[] = [];
  for (const name of names.sort()) {
    if (!name.startsWith(`${base}.`)) continue;
    const m = /^(staging|previous|discard)-([1-9][0-9]*)$/.exec(name.slice(base.length + 1));
    if (m) out.push({ path: path.join(path.dirname(outdir.replace(/[\\/]+$/, "")), name), kind: m[1] as LeftoverKind, pid: Number(m[2]) });
  }
  return out;
}

/** Whether a process with this id exists (EPERM: it exists, it is just not ours). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface RecoverOptions {
  /** @default isProcessAlive */
  readonly isAlive?: (pid: number) => boolean;
  /** This process: a leftover with its id is from an earlier process that had the same id. @default process.pid */
  readonly self?: number;
}

export interface Recovery {
  /** The previous output renamed back to the output, if any. */
  readonly restored?: string;
  /** The leftovers deleted. */
  readonly removed: readonly string[];
  /** Leftovers of live processes, left alone. */
  readonly skipped: readonly string[];
}

/** Puts right what dead runs left beside `outdir`, by the rule at the top of this file. */
export function recoverOutput(outdir: string, options: RecoverOptions = {}): Recovery {
  const isAlive = options.isAlive ?? isProcessAlive;
  const self = options.self ?? process.pid;
  const skipped: string[] = [];
  const dead: Leftover[] = [];
  for (const l of findLeftovers(outdir)) {
    if (l.pid !== self && isAlive(l.pid)) skipped.push(l.path);
    else dead.push(l);
  }
  let restored: string | undefined;
  if (!fs.existsSync(outdir)) {
    const previous = dead.filter((l) => l.kind === "previous").sort(newestFirst)[0];
    if (previous) {
      fs.renameSync(previous.path, outdir);
      restored = previous.path;
    }
  }
  const removed: string[] = [];
  for (const l of dead) {
    if (l.path === restored) continue;
    fs.rmSync(l.path, { recursive: true, force: true });
    removed.push(l.path);
  }
  return { restored, removed, skipped };
}

function newestFirst(a: Leftover, b: Leftover): number {
  const mtime = (l: Leftover) => fs.statSync(l.path).mtimeMs;
  return mtime(b) - mtime(a) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/**
 * Copies the tree at `src` to `dst` (which must not exist) as hard links, so it costs neither
 * time nor space and is byte-identical; where the file system refuses a link, the file is copied.
 * Symbolic links are recreated as they are.
 */
export function linkTree(src: string, dst: string): void {
  const st = fs.lstatSync(src);
  if (st.isDirectory()) {
    fs.mkdirSync(dst);
    for (const name of fs.readdirSync(src).sort()) linkTree(path.join(src, name), path.join(dst, name));
  } else if (st.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(src), dst);
  } else {
    try {
      fs.linkSync(src, dst);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "EPERM" && code !== "EMLINK" && code !== "EXDEV" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw err;
      fs.copyFileSync(src, dst);
    }
  }
}

/** Steps 2–4 of the swap at the top of this file. */
export function swapIn(staging: string, outdir: string, pid: number = process.pid): void {
  const previous = siblingDir(outdir, "previous", pid);
  const hadPrevious = fs.existsSync(outdir);
  if (hadPrevious) fs.renameSync(outdir, previous);
  try {
    fs.renameSync(staging, outdir);
  } catch (err) {
    if (hadPrevious) fs.renameSync(previous, outdir);
    throw err;
  }
  if (hadPrevious) {
    // A previous output is always whole: it is renamed away before its deletion starts.
    const discard = siblingDir(outdir, "discard", pid);
    try {
      fs.renameSync(previous, discard);
      fs.rmSync(discard, { recursive: true, force: true });
    } catch {
      // The new output is in place; the next run deletes what is left.
    }
  }
}

export interface PublishOptions extends RecoverOptions {
  readonly pid?: number;
}

/**
 * Builds a new output with `build(staging)` and swaps it in when `build` returns; on any error
 * the staging directory is deleted and the previous output stays as it was. Call
 * `recoverOutput(outdir)` first.
 */
export async function publishOutput(outdir: string, build: (staging: string) => void | Promise<void>, options: PublishOptions = {}): Promise<void> {
  const pid = options.pid ?? process.pid;
  const staging = siblingDir(outdir, "staging", pid);
  fs.mkdirSync(path.dirname(path.resolve(outdir)), { recursive: true });
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging);
  try {
    await build(staging);
    swapIn(staging, outdir, pid);
  } catch (err) {
    try {
      fs.rmSync(staging, { recursive: true, force: true });
    } catch {
      // The next run deletes it; the error that matters is the first one.
    }
    throw err;
  }
}

/** Whether `err` is a failed file-system call (ENOSPC, EACCES, ENOTDIR, ...), not a bug. */
export function isFileSystemError(err: unknown): err is NodeJS.ErrnoException {
  // No `instanceof Error`: errors from node's fs may come from another realm (jest's, a vm's).
  const e = err as Partial<NodeJS.ErrnoException> | null;
  return typeof e === "object" && e !== null && typeof e.message === "string" && typeof e.code === "string" && /^E[A-Z0-9]+$/.test(e.code) && typeof e.syscall === "string";
}
