/**
 * The one way through the code, checked on every `npm test`:
 *
 *   catalog ─▶ config ─▶ planning ─▶ constructs ─▶ stacks ─▶ cli ◀─ main.ts
 *                              └────▶ report ─────────────────▶ cli
 *
 * config holds the schema, loading, resolution and every check; planning is pure arithmetic on
 * what config resolved; constructs and stacks are the only code that touches cdktf; report renders
 * (Markdown, SVG, JSON, terminal tables); cli parses arguments and does I/O. Each layer may import
 * the layers to its left and itself, nothing else. Type-only imports count too (tsPreCompilationDeps):
 * a type from the wrong layer is a dependency on it all the same.
 *
 * Run it alone with `npm run deps`. dependency-cruiser is pinned at 17.4.3, the last release that
 * supports Node.js 20 (package.json `engines`); 18.x refuses to start on it.
 */

/** Our own modules, resolved to a file of this repository (not node_modules, not a Node built-in). */
const OURS = ["local"];

/** A rule that lets `from` import only the folders matched by `allowed` (a regular expression). */
function onlyImports(name, comment, from, allowed) {
  return {
    name,
    comment,
    severity: "error",
    from: { path: from },
    to: { dependencyTypes: OURS, pathNot: allowed },
  };
}

/** Node built-ins that read or write the outside world (files, processes, network). */
const IO_MODULES = "^(node:)?(fs|fs/promises|child_process|net|http|https|http2|dgram|dns|tls|worker_threads|cluster|readline)$";

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "Modules form no cycle: every cycle hides a layer that imports backwards.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    onlyImports(
      "catalog-imports-only-catalog",
      "catalog/ is data with its sources: it imports nothing of ours but itself.",
      "^catalog/",
      "^catalog/",
    ),
    onlyImports(
      "config-imports-only-catalog-and-config",
      "config/ (schema, loading, resolution, every check) builds on the catalog only; planning, rendering and cdktf come after it.",
      "^config/",
      "^(catalog|config)/",
    ),
    onlyImports(
      "planning-imports-only-catalog-config-planning",
      "planning/ is pure arithmetic on what config resolved; it never reaches constructs, stacks, report or cli.",
      "^planning/",
      "^(catalog|config|planning)/",
    ),
    onlyImports(
      "report-imports-only-catalog-config-planning-report",
      "report/ renders plain data (Markdown, SVG, JSON, terminal tables); it knows nothing of cdktf or of the command line.",
      "^report/",
      "^(catalog|config|planning|report)/",
    ),
    onlyImports(
      "constructs-import-only-catalog-config-planning-constructs",
      "constructs/ receive the plan and turn it into resources; they never compute what planning computes, render reports or call the CLI.",
      "^constructs/",
      "^(catalog|config|planning|constructs)/",
    ),
    onlyImports(
      "stacks-import-only-catalog-config-planning-constructs-stacks",
      "stacks/ only wire constructs; reports and the command line build on them, not the other way round.",
      "^stacks/",
      "^(catalog|config|planning|constructs|stacks)/",
    ),
    {
      name: "cdktf-only-in-constructs-and-stacks",
      comment:
        "cdktf, its providers and the constructs library are imported only in constructs/ and stacks/ (cdktf is archived upstream: a move to its fork or to plain Terraform must stay there). The CLI reaches them through stacks/app.ts.",
      severity: "error",
      from: { pathNot: "^(constructs|stacks|test)/" },
      to: { path: "(^|/)node_modules/(cdktf|@cdktf/[^/]+|constructs)/" },
    },
    {
      name: "cdktf-loaded-only-for-synth",
      comment:
        "Only the synth path (main.ts → cli/synth.ts → stacks/app.ts) reaches stacks/ and constructs/: every other command starts without loading cdktf and its providers.",
      severity: "error",
      from: { path: "^cli/", pathNot: "^cli/synth\\.ts$" },
      to: { path: "^(stacks|constructs)/", reachable: true },
    },
    {
      name: "pure-layers-do-no-io",
      comment: "catalog/, planning/ and report/ read and write nothing: files, processes and the network belong to config's loader and the CLI.",
      severity: "error",
      from: { path: "^(catalog|planning|report)/" },
      to: { dependencyTypes: ["core"], path: IO_MODULES },
    },
    {
      name: "production-imports-no-tests-or-scripts",
      comment: "Production code imports neither test code nor the development scripts.",
      severity: "error",
      from: { path: "^(main\\.ts$|bin|catalog|config|planning|report|constructs|stacks|cli)/?" },
      to: { path: "^(test|scripts)/" },
    },
    {
      name: "production-imports-no-dev-dependencies",
      comment: "Production code imports only `dependencies`: `npm ci --omit=dev` must leave a working CLI.",
      severity: "error",
      from: { path: "^(main\\.ts$|bin|catalog|config|planning|report|constructs|stacks|cli)/?" },
      to: { dependencyTypes: ["npm-dev"] },
    },
    {
      name: "not-to-unresolvable",
      comment: "Every import resolves; a typo in a path is not a missing layer.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // dist/ holds the compiled CLI that bin/ai-factory.js loads; it is built from these sources.
    exclude: { path: "^(dist|cdktf\\.out|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    moduleSystems: ["cjs", "es6"],
    // Packages that publish only subpaths (@grafana/grafana-foundation-sdk/dashboard) resolve
    // through their package.json `exports`, as Node resolves them for require().
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["require", "node", "default"] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
