/**
 * The artifact list of an environment (planning/artifacts.ts) as text for people and mirror
 * jobs: one artifact per line, upstream first, then where the site serves it.
 */
import type { Artifacts } from "../planning/artifacts";

/** `ai-factory images` output, one line per entry. */
export function renderArtifactsText(a: Artifacts, file: string): string[] {
  const lines = [`${a.environment} (${file}): what \`cdktf deploy ${a.environment}\` pulls`];
  lines.push(a.mirror ? `images (upstream → pulled as, from mirror.registry ${a.mirror.registry}):` : "images (no mirror: pulled from upstream):");
  for (const i of a.images) lines.push(a.mirror ? `  ${i.upstream} → ${i.pulledAs}  # ${i.usedBy}` : `  ${i.upstream}  # ${i.usedBy}`);
  if (a.charts.length > 0) {
    lines.push(a.mirror ? `charts (upstream → installed from mirror.chartRepository ${a.mirror.chartRepository}):` : "charts (installed from upstream):");
    for (const c of a.charts) lines.push(`  ${c.chart} ${c.version} from ${c.repository}  # ${c.usedBy}`);
  }
  if (a.files.length > 0) {
    lines.push("runtime files (copy into the model source under the path shown; checked by SHA-256):");
    for (const f of a.files) lines.push(`  ${f.url} → ${f.sourcePath}  sha256 ${f.sha256}  # ${f.usedBy}`);
  }
  if (a.checkpoints.length > 0) {
    lines.push("checkpoints (copy into the model source under the path shown):");
    for (const c of a.checkpoints) {
      lines.push(`  https://huggingface.co/${c.repo}/tree/${c.revision} (${c.checkpointGiB.toFixed(1)} GiB) → ${c.sourcePath}  # ${c.usedBy}`);
    }
  }
  return lines;
}
