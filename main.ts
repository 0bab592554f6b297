/**
 * The cdktf app: one AiFactoryStack per environment file in environments/ (or those named in
 * ENVIRONMENTS=dev,prod). Every file is validated before anything is written. cdktf.json and
 * `npm run synth` run its compiled form, dist/main.js (`npm run build`).
 */
import { runSynth } from "./cli/synth";

void runSynth({ argv: process.argv.slice(2), env: process.env }).then((code) => {
  process.exitCode = code;
});
