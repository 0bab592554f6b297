#!/usr/bin/env node
// Entry point of `npx ai-factory`: runs the compiled CLI in dist/ (built by `npm run build`, which
// `npm ci` runs as the prepare script), so no TypeScript loader is needed at run time.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const entry = path.join(root, "dist", "cli", "bin.js");
if (!fs.existsSync(entry)) {
  const where = path.resolve(root) === process.cwd() ? "" : ` in ${path.resolve(root)}`;
  process.stderr.write(`ai-factory: the CLI is not built (dist/cli/bin.js is missing); run \`npm run build\`${where}\n`);
  process.exit(2);
}
require(entry);
