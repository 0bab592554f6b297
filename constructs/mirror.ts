/**
 * Air-gapped sites: one `mirror` setting redirects every image and chart. Images keep their
 * upstream host as the first path segment under the mirror (`nvcr.io/nvidia/driver` →
 * `<registry>/nvcr.io/nvidia/driver`), the layout of registry proxy caches and of
 * `skopeo sync`/`crane copy` scripts that preserve the source path, so two upstreams never collide.
 * Pure functions: no cdktf here.
 */
import type { Mirror } from "../config/schema";

/** An upstream chart: its repository and name. */
export interface ChartSource {
  readonly repository: string;
  readonly chart: string;
}

/** The image repository to pull `upstream` (`host/path`, no tag) from. */
export function imageRepository(upstream: string, mirror: Mirror | undefined): string {
  return mirror ? `${mirror.registry}/${upstream}` : upstream;
}

/** The chart repository to install `upstream` from. */
export function chartSource(upstream: ChartSource, mirror: Mirror | undefined): ChartSource {
  return mirror ? { repository: mirror.chartRepository, chart: upstream.chart } : upstream;
}
