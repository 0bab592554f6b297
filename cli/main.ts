/**
 * The `ai-factory` command. Human output by default, `--json` for machines.
 * Exit codes: 0 success, 1 invalid input, 2 usage error.
 */
import { UsageError } from "../config/errors";
import { loadEnvironmentFiles } from "../config/loader";
import { selectEnvironmentFiles } from "./synth";
import { Io, processIo, withExitCode } from "./output";

export const USAGE = `Usage: ai-factory <command> [options]

Commands:
  validate [files...] [--json]   check environment files without synthesizing
                                 (default: every file in environments/)
  help                           show this text

Synthesize every environment with \`npx cdktf synth\` (or \`npm run synth\`).
Exit codes: 0 ok, 1 invalid input (each problem names the file and the path in it), 2 usage error.`;

interface ParsedArgs {
  readonly command: string | undefined;
  readonly positional: string[];
  readonly flags: Set<string>;
}

function parseArgs(argv: readonly string[], allowedFlags: readonly string[]): ParsedArgs {
  const [command, ...rest] = argv;
  const positional: string[] = [];
  const flags = new Set<string>();
  for (const arg of rest) {
    if (arg.startsWith("--")) {
      if (!allowedFlags.includes(arg)) throw new UsageError(`unknown option ${arg} for ${command}`);
      flags.add(arg);
    } else {
      positional.push(arg);
    }
  }
  return { command, positional, flags };
}

function validate(args: ParsedArgs, io: Io): number {
  const files = args.positional.length > 0 ? args.positional : selectEnvironmentFiles(undefined);
  const envs = loadEnvironmentFiles(files);
  if (args.flags.has("--json")) {
    io.out(
      JSON.stringify(
        {
          valid: true,
          environments: envs.map((e) => ({
            name: e.config.name,
            file: e.file,
            pools: e.pools.map((p) => ({ name: p.name, nodes: p.nodes.length, gpu: p.gpu.id, sharing: p.sharing.mode })),
          })),
        },
        null,
        2,
      ),
    );
  } else {
    for (const e of envs) {
      const gpus = e.pools.reduce((n, p) => n + p.nodes.length * p.server.gpusPerServer, 0);
      io.out(`${e.file}: ok (${e.pools.length} node pool${e.pools.length === 1 ? "" : "s"}, ${gpus} GPUs)`);
    }
  }
  return 0;
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export function runCli(argv: readonly string[], io: Io = processIo): number {
  return withExitCode(io, () => {
    const command = argv[0];
    switch (command) {
      case "validate":
        return validate(parseArgs(argv, ["--json"]), io);
      case "help":
      case "--help":
      case "-h":
        io.out(USAGE);
        return 0;
      case undefined:
        throw new UsageError("missing command");
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  });
}
