/**
 * Checks PromQL the way Prometheus reads it: parsed with Prometheus' own grammar
 * (`@prometheus-io/lezer-promql`, the parser of the Prometheus UI), then every metric name the
 * expression selects is looked up in a set of known series. A typo, a removed metric
 * (`vllm:gpu_cache_usage_perc`) or a Grafana macro PromQL does not know (`$__rate_interval`) is
 * caught here, offline, instead of showing as an empty panel or a rule that never fires. Pure, so
 * synthesis and tests run the same check.
 */
import { parser } from "@prometheus-io/lezer-promql";

/** A node of the parse tree (the type @lezer/common names SyntaxNode). */
type SyntaxNode = ReturnType<typeof parser.parse>["topNode"];

/** What the check found in one expression. */
export interface PromqlCheck {
  readonly expr: string;
  /** Metric names the expression selects, sorted and unique. */
  readonly metricNames: readonly string[];
  /** Syntax errors: where the grammar could not go on, with the text around it. */
  readonly syntaxErrors: readonly string[];
  /** Selected names not in the known set, sorted. */
  readonly unknownMetrics: readonly string[];
  /** Selectors whose name cannot be checked: `{__name__=~"…"}` and the like. */
  readonly uncheckedSelectors: readonly string[];
}

const NAME_LABEL = "__name__";

const ESCAPES: Readonly<Record<string, string>> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

/** The value of a PromQL string literal: `"…"` and `'…'` with Go escapes, `` `…` `` raw. */
function stringValue(literal: string): string {
  const body = literal.slice(1, -1);
  if (literal.startsWith("`")) return body;
  return body.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_, e: string) =>
    e.length > 1 ? String.fromCharCode(parseInt(e.slice(1), 16)) : (ESCAPES[e] ?? e),
  );
}

function text(expr: string, node: SyntaxNode): string {
  return expr.slice(node.from, node.to);
}

/** Metric names a VectorSelector selects: its Identifier, or `__name__="…"` / a quoted name among its matchers. */
function selectorNames(expr: string, selector: SyntaxNode, unchecked: string[]): string[] {
  const names: string[] = [];
  const identifier = selector.getChild("Identifier");
  if (identifier) names.push(text(expr, identifier));
  const matchers = selector.getChild("LabelMatchers");
  if (!matchers) return names;
  for (let m = matchers.firstChild; m; m = m.nextSibling) {
    if (m.name === "QuotedLabelName") {
      // Prometheus 3's `{"metric.name", …}`: a bare quoted name is the metric name.
      const literal = m.getChild("StringLiteral");
      if (literal) names.push(stringValue(text(expr, literal)));
    } else if (m.name === "UnquotedLabelMatcher" || m.name === "QuotedLabelMatcher") {
      const unquoted = m.getChild("LabelName");
      const quoted = m.getChild("QuotedLabelName")?.getChild("StringLiteral");
      const label = unquoted ? text(expr, unquoted) : quoted ? stringValue(text(expr, quoted)) : "";
      if (label !== NAME_LABEL) continue;
      const op = m.getChild("MatchOp")?.firstChild?.name;
      const values = m.getChildren("StringLiteral");
      const value = values[values.length - 1];
      if (op === "EqlSingle" && value) names.push(stringValue(text(expr, value)));
      else unchecked.push(text(expr, selector));
    }
  }
  return names;
}

/** Syntax errors, metric names and unchecked selectors of `expr`. */
function analyse(expr: string): { metricNames: string[]; syntaxErrors: string[]; uncheckedSelectors: string[] } {
  const names = new Set<string>();
  const errors: string[] = [];
  const unchecked: string[] = [];
  if (expr.trim() === "") return { metricNames: [], syntaxErrors: ["empty expression"], uncheckedSelectors: [] };
  parser.parse(expr).iterate({
    enter(ref) {
      if (ref.type.isError) {
        const at = ref.from;
        errors.push(`at ${at}: unexpected ${at >= expr.length ? "end of expression" : JSON.stringify(expr.slice(at, at + 20))}`);
        return;
      }
      if (ref.name === "VectorSelector") {
        for (const name of selectorNames(expr, ref.node, unchecked)) names.add(name);
      }
    },
  });
  return { metricNames: [...names].sort(), syntaxErrors: errors, uncheckedSelectors: unchecked };
}

/** The metric names `expr` selects, sorted and unique (syntax errors aside). */
export function metricNames(expr: string): string[] {
  return analyse(expr).metricNames;
}

/** Parses `expr` and looks every selected metric name up with `isKnown`. */
export function checkPromql(expr: string, isKnown: (name: string) => boolean): PromqlCheck {
  const { metricNames: names, syntaxErrors, uncheckedSelectors } = analyse(expr);
  return { expr, metricNames: names, syntaxErrors, unknownMetrics: names.filter((n) => !isKnown(n)), uncheckedSelectors };
}

/** True when the check found nothing wrong. */
export function isClean(check: PromqlCheck): boolean {
  return check.syntaxErrors.length === 0 && check.unknownMetrics.length === 0 && check.uncheckedSelectors.length === 0;
}

/** One line per problem of `check`, prefixed with `where` (e.g. a rule or panel name); empty when clean. */
export function describeProblems(where: string, check: PromqlCheck): string[] {
  return [
    ...check.syntaxErrors.map((e) => `${where}: PromQL syntax error ${e} in ${check.expr}`),
    ...check.unknownMetrics.map(
      (n) => `${where}: unknown metric ${n} in ${check.expr}; use a series of catalog/metrics.ts (KNOWN_METRICS) or a recorded ai_factory:* name`,
    ),
    ...check.uncheckedSelectors.map((s) => `${where}: metric name cannot be checked in ${s}; select it by name`),
  ];
}

/**
 * Checks every expression and throws one error listing all problems; `exprs` maps a place
 * (`rule ai_factory:…`, `panel …`) to its PromQL.
 */
export function assertPromql(exprs: Readonly<Record<string, string>> | readonly (readonly [string, string])[], isKnown: (name: string) => boolean): void {
  const entries = Array.isArray(exprs) ? (exprs as readonly (readonly [string, string])[]) : Object.entries(exprs);
  const problems = entries.flatMap(([where, expr]) => describeProblems(where, checkPromql(expr, isKnown)));
  if (problems.length > 0) throw new Error(`invalid PromQL:\n${problems.join("\n")}`);
}
