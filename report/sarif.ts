/**
 * Problems as a SARIF 2.1.0 log (`validate --format sarif`), the format GitHub code scanning reads
 * (github/codeql-action/upload-sarif) to show each problem on its line of the pull request.
 *
 * One run of the tool `ai-factory`; one result per problem, level `error`, with its rule (the kind
 * of problem, config/errors.ts PROBLEM_RULES), and one per warning, level `warning`, with its rule
 * (`WARNING_RULES`); each with its message (the path inside the file, then what is wrong) and its place: the file as a URI relative to the checkout (`uriBaseId` `%SRCROOT%`) and
 * the line and column. Written by hand rather than with a builder library: the log is a few plain
 * objects, and tests check it against the SARIF 2.1.0 JSON schema (vendor/sarif/).
 */
import { PROBLEM_RULES, Problem, ProblemRule, escapeControl, formatPath } from "../config/errors";

/** The schema a SARIF 2.1.0 log names: the OASIS standard's, errata 01. */
export const SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/** The base every artifact URI is relative to: the checkout, which code scanning resolves itself. */
export const SRCROOT = "%SRCROOT%";

/** The subset of SARIF 2.1.0 written here (names as in the specification). */
export interface SarifLog {
  readonly $schema: string;
  readonly version: "2.1.0";
  readonly runs: readonly SarifRun[];
}

interface SarifText {
  readonly text: string;
}

/**
 * The kinds of warning: what works but deserves a look. Rule ids beside PROBLEM_RULES', stable
 * like them (code scanning tracks alerts by id), and the `rule` of a warning in `--json`.
 */
export const WARNING_RULES = {
  "plan-risk": {
    title: "Plan works with a risk",
    description:
      "The plan works, with a risk worth a look: a model may run more sequences at once than its KV cache holds at the workload's mean context, and vLLM queues or preempts the rest (strictKvFit: true refuses it instead).",
  },
} as const;

/** A rule id of `WARNING_RULES`. */
export type WarningRule = keyof typeof WARNING_RULES;

/** The rule of every warning today. */
export const PLAN_RISK_RULE: WarningRule = "plan-risk";

interface SarifRule {
  readonly id: ProblemRule | WarningRule;
  readonly shortDescription: SarifText;
  readonly fullDescription: SarifText;
  readonly defaultConfiguration: { readonly level: "error" | "warning" };
}

interface SarifRun {
  readonly tool: { readonly driver: { readonly name: string; readonly version: string; readonly rules: readonly SarifRule[] } };
  /** How `startColumn` counts: UTF-16 code units, as the YAML parser's offsets do. */
  readonly columnKind: "utf16CodeUnits";
  readonly results: readonly SarifResult[];
}

interface SarifResult {
  readonly ruleId: ProblemRule | WarningRule;
  readonly ruleIndex: number;
  readonly level: "error" | "warning";
  readonly message: SarifText;
  readonly locations: readonly [
    {
      readonly physicalLocation: {
        readonly artifactLocation: { readonly uri: string; readonly uriBaseId: string };
        readonly region: { readonly startLine: number; readonly startColumn: number };
      };
    },
  ];
}

/** What the log says about the tool. */
export interface SarifToolInfo {
  /** The version of ai-factory (package.json). */
  readonly version: string;
}

const RULE_IDS = Object.keys(PROBLEM_RULES) as ProblemRule[];
const WARNING_RULE_IDS = Object.keys(WARNING_RULES) as WarningRule[];

/**
 * A relative file path as a URI reference: each segment percent-encoded (spaces, `#`, `?`, `%`),
 * the `/` between them kept.
 */
export function fileUri(file: string): string {
  return file.split("/").map(encodeURIComponent).join("/");
}

/**
 * The SARIF log of `problems` and `warnings` (none: a log with no results, for a valid input
 * without warnings). Every warning is a `plan-risk` result, after the problems.
 */
export function sarifLog(problems: readonly Problem[], tool: SarifToolInfo, warnings: readonly Problem[] = []): SarifLog {
  const rules: SarifRule[] = [
    ...RULE_IDS.map((id): SarifRule => ({
      id,
      shortDescription: { text: PROBLEM_RULES[id].title },
      fullDescription: { text: PROBLEM_RULES[id].description },
      defaultConfiguration: { level: "error" },
    })),
    ...WARNING_RULE_IDS.map((id): SarifRule => ({
      id,
      shortDescription: { text: WARNING_RULES[id].title },
      fullDescription: { text: WARNING_RULES[id].description },
      defaultConfiguration: { level: "warning" },
    })),
  ];
  const ruleIds: readonly (ProblemRule | WarningRule)[] = rules.map((r) => r.id);
  const result = (p: Problem, ruleId: ProblemRule | WarningRule, level: "error" | "warning"): SarifResult => ({
    ruleId,
    ruleIndex: ruleIds.indexOf(ruleId),
    level,
    message: { text: `${formatPath(p.path)}: ${escapeControl(p.message)}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: fileUri(p.file), uriBaseId: SRCROOT },
          region: { startLine: p.line ?? 1, startColumn: p.column ?? 1 },
        },
      },
    ],
  });
  const results = [...problems.map((p) => result(p, p.rule ?? "check", "error")), ...warnings.map((w) => result(w, PLAN_RISK_RULE, "warning"))];
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "ai-factory", version: tool.version, rules } }, columnKind: "utf16CodeUnits", results }],
  };
}

/** `sarifLog` as the JSON text the CLI prints. */
export function renderSarif(problems: readonly Problem[], tool: SarifToolInfo, warnings: readonly Problem[] = []): string {
  return JSON.stringify(sarifLog(problems, tool, warnings), null, 2);
}
