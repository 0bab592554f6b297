/**
 * Writes the README's dashboard pictures: for each dashboard of environments/prod.yaml, the
 * preview SVG of report/dashboard-preview.ts (sample data) as `docs/dashboards/<uid>.svg`, and a
 * PNG of it taken by headless Chromium as `docs/dashboards/<uid>.png`. Files of dashboards that no
 * longer exist are removed. A test fails when the committed SVGs drift from the dashboards.
 *
 * Run with `npx tsx scripts/render-dashboard-previews.ts`. Needs Chromium (Debian's `chromium`;
 * set CHROMIUM to use another binary). PNGs differ by a pixel across machines (fonts): the SVG is
 * the checked artifact, the PNG what GitHub shows.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

import { loadAndPlan } from "../cli/load";
import { planGateway } from "../planning/gateway";
import { type GeneratedDashboard, environmentDashboards } from "../report/dashboards";
import { type DashboardPreview, renderDashboardPreview } from "../report/dashboard-preview";

/** The environment whose dashboards the README shows. */
export const PREVIEW_ENVIRONMENT_FILE = "environments/prod.yaml";

/** Where the previews are committed, relative to the repository root. */
export const PREVIEW_DIR = "docs/dashboards";

/** The command that regenerates them, for messages. */
export const PREVIEW_COMMAND = "npx tsx scripts/render-dashboard-previews.ts";

const ROOT = resolve(__dirname, "..");

/** The dashboards of the preview environment, built as the stack builds them. */
export function previewDashboards(root: string = ROOT): GeneratedDashboard[] {
  const [{ env, plan, costs }] = loadAndPlan([PREVIEW_ENVIRONMENT_FILE], { cwd: root });
  return environmentDashboards({
    environment: env.config.name,
    plan,
    costs: costs.summary,
    modelsNamespace: env.config.namespaces.models,
    gateway: planGateway(env),
  });
}

/** The previews of every dashboard, in dashboard order. */
export async function renderPreviews(root: string = ROOT): Promise<DashboardPreview[]> {
  const out: DashboardPreview[] = [];
  for (const d of previewDashboards(root)) out.push(await renderDashboardPreview(d.json));
  return out;
}

/** Headless Chromium's screenshot of `svgFile`, at the preview's size, written to `pngFile`. */
export function screenshot(chromium: string, svgFile: string, pngFile: string, widthPx: number, heightPx: number): void {
  const profile = mkdtempSync(join(tmpdir(), "dashboard-preview-"));
  try {
    const result = spawnSync(
      chromium,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        `--user-data-dir=${profile}`,
        `--window-size=${widthPx},${heightPx}`,
        `--screenshot=${pngFile}`,
        pathToFileURL(svgFile).href,
      ],
      { timeout: 120_000, encoding: "utf8" },
    );
    if (result.error) throw new Error(`${chromium}: ${result.error.message}`);
    if (result.status !== 0 || !existsSync(pngFile)) {
      throw new Error(`${chromium} exited with ${String(result.status)} and wrote no ${pngFile}:\n${result.stderr}`);
    }
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(chromium)) {
    throw new Error(`Chromium not found at ${chromium}; install Debian's chromium (apt-get install chromium) or set CHROMIUM=/path/to/chromium`);
  }
  const dir = join(ROOT, PREVIEW_DIR);
  mkdirSync(dir, { recursive: true });
  const previews = await renderPreviews();
  const keep = new Set(previews.flatMap((p) => [`${p.uid}.svg`, `${p.uid}.png`]));
  for (const file of readdirSync(dir).sort()) {
    if (/\.(svg|png)$/.test(file) && !keep.has(file)) {
      rmSync(join(dir, file));
      console.log(`${PREVIEW_DIR}/${file}: removed (no such dashboard)`);
    }
  }
  for (const p of previews) {
    const svgFile = join(dir, `${p.uid}.svg`);
    const pngFile = join(dir, `${p.uid}.png`);
    writeFileSync(svgFile, p.svg);
    screenshot(chromium, svgFile, pngFile, p.widthPx, p.heightPx);
    console.log(`${PREVIEW_DIR}/${p.uid}.svg, .png: ${p.widthPx}×${p.heightPx} px, ${Math.round(statSync(pngFile).size / 1024)} KiB PNG (${p.title})`);
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
