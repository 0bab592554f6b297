#!/usr/bin/env node
// Entry point of `npx ai-factory`: runs the TypeScript CLI through tsx's CommonJS loader, so the
// repository needs no build step.
"use strict";
require("tsx/cjs");
require("../cli/bin.ts");
