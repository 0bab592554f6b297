/**
 * The data of a plan review (`ai-factory diff`): what two synthesized outputs hold, and what
 * changes between them. Shared by the comparison (report/plan-diff.ts), its renderers
 * (Markdown for a pull-request comment, terminal text, JSON) and the CLI that reads both sides.
 * Types only.
 */
import type { CostSummary } from "../planning/tco";

/** A Terraform JSON document as cdktf writes it (`cdk.tf.json`); only the parts the review reads. */
export interface TerraformJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
  readonly [key: string]: unknown;
}

/** A Kubernetes object rendered by `helm template`. */
export interface KubeObject {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: unknown;
  readonly [key: string]: unknown;
}

/** The manifests `helm template` renders for one local-chart release, or why they could not be rendered. */
export type RenderedRelease = { readonly objects: readonly KubeObject[] } | { readonly error: string };

/** One environment of a synthesized output. */
export interface EnvironmentSnapshot {
  /** `stacks/<env>/cdk.tf.json`, parsed; absent when the output has only the cost file. */
  readonly stack?: TerraformJson;
  /** `costs/<env>.json`, read back; absent when the output has none. */
  readonly cost?: CostSummary;
  /**
   * Rendered manifests of each `helm_release` whose chart is a local chart (an asset of the
   * stack), by resource address (`helm_release.<name>`). Absent when rendering was not asked for
   * or no helm binary was found (see `OutputSnapshot.notes`).
   */
  readonly rendered?: Readonly<Record<string, RenderedRelease>>;
}

/** One side of the review: a synthesized output folder, or a git ref synthesized for the purpose. */
export interface OutputSnapshot {
  /** What the user named: `cdktf.out`, `origin/main`. */
  readonly label: string;
  readonly environments: Readonly<Record<string, EnvironmentSnapshot>>;
  /** What could not be read or rendered and was left out (shown in the report). */
  readonly notes?: readonly string[];
}

/** What an attribute change is about, for the summary: the differences reviewers look for first. */
export type ChangeTopic = "image" | "replicas" | "gpu" | "chart-version" | "node-labels" | "taints" | "storage" | "other";

/** One value that differs between the two sides, at a path inside a resource, its Helm values or a rendered object. */
export interface AttributeChange {
  /** Dotted path with `[i]` for array items, keys with dots or slashes quoted: `spec.resources.requests.storage`, `labels["ai-factory.io/pool"]`. */
  readonly path: string;
  readonly kind: "added" | "removed" | "changed";
  /** Absent for `added`. */
  readonly before?: unknown;
  /** Absent for `removed`. */
  readonly after?: unknown;
  readonly topic: ChangeTopic;
  /** The provider replaces the resource when this attribute changes (resource attributes only). */
  readonly forcesReplacement?: boolean;
}

/** One rendered object of a local chart that differs. */
export interface ManifestChange {
  /** `apps/v1 Deployment ai-models/coder` (cluster-scoped: no namespace). */
  readonly id: string;
  readonly action: "add" | "remove" | "update";
  readonly changes: readonly AttributeChange[];
  /** Unified diff of the normalized object as YAML (keys sorted), both sides. */
  readonly patch: string;
}

/**
 * What happens to one resource address:
 * - `add`, `remove`: only on one side;
 * - `update`: attributes change in place;
 * - `replace`: an attribute that forces a new resource changes (destroy, then create);
 * - `move`: the address changed (the construct moved or was renamed); Terraform destroys the old
 *   one and creates the new one unless told of the move. `from` holds the old address and
 *   `changes` what differs besides the address (empty: only the address moved).
 */
export type ResourceAction = "add" | "remove" | "update" | "replace" | "move";

export interface ResourceChange {
  /** `<type>.<name>` on the head side (on the base side for `remove`). */
  readonly address: string;
  readonly type: string;
  readonly action: ResourceAction;
  /** The base side's address of a `move`. */
  readonly from?: string;
  /** Resource attributes that differ (Helm `values` excluded: see `values`); `//` metadata and `depends_on` are ignored. */
  readonly changes: readonly AttributeChange[];
  /** `helm_release` only: the Helm values (the `values` documents merged in order) diffed key by key. */
  readonly values?: readonly AttributeChange[];
  /** Local-chart `helm_release` only: rendered objects that differ. */
  readonly manifests?: readonly ManifestChange[];
  /** Why the manifests were not compared (rendering failed on a side), when they were not. */
  readonly manifestsNote?: string;
  /** Holds data a destroy loses (a claim, a volume). */
  readonly stateful: boolean;
  /** `lifecycle.prevent_destroy` on the side that has the resource (head, else base). */
  readonly preventDestroy: boolean;
}

/** A change a reviewer must see before anything else. */
export interface Danger {
  readonly address: string;
  readonly type: string;
  readonly action: "remove" | "replace" | "move";
  /**
   * How bad: the apply fails (`apply-fails`), data is deleted (`data-loss`), a protected object
   * is deleted (`destroy`), or an object is destroyed and created again under a new address
   * (`recreate`).
   */
  readonly severity: "apply-fails" | "data-loss" | "destroy" | "recreate";
  /** Base address of a move. */
  readonly from?: string;
  /** What `terraform apply` will do, in one sentence: fail, or delete data. */
  readonly outcome: string;
  /** What to do instead, in one sentence. */
  readonly remedy: string;
  /** The command that averts it, run from the project root before applying (`terraform -chdir=… state mv …`), when one does. */
  readonly command?: string;
}

/** One row of the cost table: baseline, new and the change. */
export interface CostRow {
  /** `Monthly TCO`, `Break-even vs aws-p5en`. */
  readonly label: string;
  readonly unit: "usd" | "usd-per-million" | "months" | "percent" | "count" | "kw";
  /** null: not applicable on that side (never breaks even; the alternative is new). */
  readonly base: number | null;
  readonly head: number | null;
}

/** The cost change of one environment, from `costs/<env>.json` of both sides. */
export interface CostDelta {
  /** Capex, monthly TCO, monthly opex, $/M tokens, GPUs, servers, then break-even and savings per alternative (sorted by id). */
  readonly rows: readonly CostRow[];
  /** Cumulative on-prem cost month by month (index = month, 0…horizon) for each side that has a cost file. */
  readonly cumulative: {
    readonly months: number;
    readonly base: readonly number[] | null;
    readonly head: readonly number[] | null;
  };
}

export interface EnvironmentDiff {
  readonly env: string;
  /** `added`/`removed`: the environment is on one side only. */
  readonly status: "added" | "removed" | "changed" | "unchanged";
  /** Sorted by address. No `unchanged` entries. */
  readonly resources: readonly ResourceChange[];
  readonly counts: {
    readonly added: number;
    readonly changed: number;
    readonly replaced: number;
    readonly moved: number;
    readonly destroyed: number;
  };
  /** Sorted: apply failures first, then data loss, then recreations; by address. */
  readonly dangers: readonly Danger[];
  /** Absent when neither side has a cost file. */
  readonly cost?: CostDelta;
  /** Things left out of this environment's comparison (a side without cost file, a chart that did not render). */
  readonly notes: readonly string[];
}

export interface PlanDiff {
  /** Labels of the two sides. */
  readonly base: string;
  readonly head: string;
  /** Sorted by name; every environment of either side. */
  readonly environments: readonly EnvironmentDiff[];
  /** Notes of both sides' snapshots. */
  readonly notes: readonly string[];
}
