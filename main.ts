/**
 * The cdktf app: one AiFactoryStack per environment file in environments/ (or those named in
 * ENVIRONMENTS=dev,prod). Every file is validated before anything is written.
 */
import { runSynth } from "./cli/synth";

void runSynth({ argv: process.argv.slice(2), env: process.env }).then((code) => {
  process.exitCode = code;
});
