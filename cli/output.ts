/**
 * How commands end: user errors print their problems and exit 1, usage errors exit 2, and only
 * a bug in ai-factory itself prints a stack trace.
 */
import { ConfigError, UsageError } from "../config/errors";

export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Runs `fn`, mapping errors to exit codes: 0 ok, 1 invalid input, 2 usage, 70 internal error. */
export function withExitCode(io: Io, fn: () => number | void, options: { writes?: boolean } = {}): number {
  try {
    return fn() ?? 0;
  } catch (err) {
    return exitCodeOf(io, err, options);
  }
}

/** `withExitCode` for asynchronous commands. */
export async function withExitCodeAsync(io: Io, fn: () => Promise<number>, options: { writes?: boolean } = {}): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    return exitCodeOf(io, err, options);
  }
}

function exitCodeOf(io: Io, err: unknown, options: { writes?: boolean }): number {
  if (err instanceof ConfigError) {
    for (const line of err.message.split("\n")) io.err(line);
    const n = err.problems.length;
    io.err(`${n} problem${n === 1 ? "" : "s"} found${options.writes ? "; nothing was written" : ""}.`);
    return 1;
  }
  if (err instanceof UsageError) {
    io.err(`ai-factory: ${err.message}`);
    io.err("Run `npx ai-factory help` for usage.");
    return 2;
  }
  io.err(`ai-factory: internal error (please report it): ${(err as Error)?.stack ?? String(err)}`);
  return 70;
}
