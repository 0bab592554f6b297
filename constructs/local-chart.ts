/**
 * A chart from charts/, copied into the stack's output as a content-addressed asset, so the
 * `helm_release` names a relative path (`assets/<id>/<hash>`) that changes exactly when the chart
 * does — never an absolute path of the machine that synthesized it.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Construct } from "constructs";
import { AssetType, TerraformAsset } from "cdktf";

/** Directory of the project's local charts, from constructs/ in the sources or dist/constructs/ when compiled. */
export const CHARTS_DIR = path.join(__dirname, path.basename(path.dirname(__dirname)) === "dist" ? "../.." : "..", "charts");

/** SHA-256 over the chart's relative file paths and contents, in sorted order (first 16 hex digits). */
export function chartContentHash(dir: string): string {
  const hash = createHash("sha256");
  const walk = (rel: string) => {
    const entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        walk(p);
      } else {
        hash.update(`${p}\0`);
        hash.update(fs.readFileSync(path.join(dir, p)));
        hash.update("\0");
      }
    }
  };
  walk("");
  return hash.digest("hex").slice(0, 16).toUpperCase();
}

export interface LocalChartProps {
  /** Folder name under charts/, e.g. `model-server`. */
  readonly chart: string;
}

/** A local chart as a stack asset. */
export class LocalChart extends Construct {
  /** Path of the chart relative to the stack's working directory, for `helm_release.chart`. */
  public readonly path: string;
  public readonly contentHash: string;

  constructor(scope: Construct, id: string, props: LocalChartProps) {
    super(scope, id);
    const source = path.join(CHARTS_DIR, props.chart);
    this.contentHash = chartContentHash(source);
    const asset = new TerraformAsset(this, "asset", { path: source, type: AssetType.DIRECTORY, assetHash: this.contentHash });
    this.path = asset.path;
  }
}
