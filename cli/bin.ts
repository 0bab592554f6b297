/** Process entry of the CLI (bin/ai-factory.js loads this through tsx). */
import { runCli } from "./main";

process.exitCode = runCli(process.argv.slice(2));
