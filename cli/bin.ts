/** Process entry of the CLI: bin/ai-factory.js loads its compiled form, dist/cli/bin.js. */
import { runCliAsync } from "./main";

void runCliAsync(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
