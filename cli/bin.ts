/** Process entry of the CLI: bin/ai-factory.js loads its compiled form, dist/cli/bin.js. */
import { runCli } from "./main";

process.exitCode = runCli(process.argv.slice(2));
