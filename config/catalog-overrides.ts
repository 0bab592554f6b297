/**
 * The catalog as one environment sees it: the shared catalog with the file's `catalog:` overrides
 * applied (GPU figures, throughput calibration). Every override carries its source, which reports
 * print beside the figure.
 */
import { GPUS, THROUGHPUT_CALIBRATION } from "../catalog";
import type { GpuSpec, ThroughputCalibration } from "../catalog/types";
import { Problem } from "./errors";
import type { CatalogOverrides, GpuOverride } from "./schema";

/** GPU lookups scoped to one environment. */
export interface GpuTable {
  find(id: string): GpuSpec | undefined;
  /** Known ids, sorted (for "unknown GPU …; known: …"). */
  ids(): string[];
}

const NEW_GPU_FIELDS = ["name", "memoryGiB", "memoryBandwidthTBps", "denseTflops", "tdpW"] as const;

function mergeGpu(id: string, base: GpuSpec | undefined, o: GpuOverride): GpuSpec {
  const tflops = base?.denseTflops ?? { bf16: 0, fp8: null, fp4: null };
  return {
    id,
    name: o.name ?? base!.name,
    memoryGiB: o.memoryGiB ?? base!.memoryGiB,
    memoryBandwidthTBps: o.memoryBandwidthTBps ?? base!.memoryBandwidthTBps,
    denseTflops: {
      bf16: o.denseTflops?.bf16 ?? tflops.bf16,
      fp8: o.denseTflops?.fp8 !== undefined ? o.denseTflops.fp8 : tflops.fp8,
      fp4: o.denseTflops?.fp4 !== undefined ? o.denseTflops.fp4 : tflops.fp4,
    },
    tdpW: o.tdpW ?? base!.tdpW,
    migProfiles: o.migProfiles ?? base?.migProfiles ?? [],
    sources: [...(base?.sources ?? []), { ...o.source, note: `environment override${o.source.note ? `: ${o.source.note}` : ""}` }],
  };
}

/** The environment's GPU table; problems for new GPUs that miss figures. */
export function gpuTable(file: string, overrides: CatalogOverrides | undefined, problems: Problem[]): GpuTable {
  const table = new Map(GPUS.map((g) => [g.id, g]));
  for (const id of Object.keys(overrides?.gpus ?? {}).sort()) {
    const o = overrides!.gpus[id];
    const base = table.get(id);
    if (!base) {
      const missing = NEW_GPU_FIELDS.filter((k) => o[k] === undefined);
      if (o.denseTflops && o.denseTflops.bf16 === undefined) missing.push("denseTflops" as never);
      if (missing.length > 0) {
        problems.push({
          file,
          path: ["catalog", "gpus", id],
          message: `a new GPU needs ${missing.map((m) => (m === "denseTflops" ? "denseTflops.bf16" : m)).join(", ")}; or use a catalog id (${[...table.keys()].sort().join(", ")}) to change some of its figures`,
        });
        continue;
      }
    }
    const merged = mergeGpu(id, base, o);
    for (const p of merged.migProfiles) {
      if (p.memoryGiB * p.instancesPerGpu > merged.memoryGiB * 1.0001) {
        problems.push({
          file,
          path: ["catalog", "gpus", id, "migProfiles"],
          message: `${p.instancesPerGpu} × ${p.name} (${p.memoryGiB} GiB) exceed the GPU's ${merged.memoryGiB} GiB`,
        });
      }
    }
    table.set(id, merged);
  }
  return {
    find: (id) => table.get(id),
    ids: () => [...table.keys()].sort(),
  };
}

/** The calibration this environment plans with. */
export function calibrationFor(overrides: CatalogOverrides | undefined): ThroughputCalibration {
  const o = overrides?.calibration;
  if (!o) return THROUGHPUT_CALIBRATION;
  const { source, adjustments, ...factors } = o;
  const given = Object.fromEntries(Object.entries(factors).filter(([, v]) => v !== undefined));
  return {
    ...THROUGHPUT_CALIBRATION,
    ...given,
    adjustments: adjustments ?? [],
    // The catalog's errors were measured with its own factors; with others they no longer hold.
    errors: Object.keys(given).length === 0 ? THROUGHPUT_CALIBRATION.errors : undefined,
    sources: [...THROUGHPUT_CALIBRATION.sources, { ...source, note: `environment override${source.note ? `: ${source.note}` : ""}` }],
  };
}
