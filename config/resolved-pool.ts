/**
 * A node pool with its catalog references resolved: the type config/resolve.ts produces and
 * config/resolve-models.ts reads. In a file of its own so the two never import each other.
 */
import type { GpuSpec, MigProfile, ServerSpec } from "../catalog/types";
import type { GpuSharing, NodePool } from "./schema";

/** A node pool with its catalog references resolved. */
export interface ResolvedNodePool {
  readonly name: string;
  readonly nodes: readonly string[];
  /** The server of every node, after inline overrides. */
  readonly server: ServerSpec;
  readonly gpu: GpuSpec;
  readonly sharing: GpuSharing;
  /** The MIG profile when `sharing.mode` is `mig`. */
  readonly migProfile?: MigProfile;
  readonly taint: NodePool["taint"];
  readonly labels: Readonly<Record<string, string>>;
}
