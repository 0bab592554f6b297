import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { CHARTS_DIR, LocalChart, chartContentHash } from "../../constructs/local-chart";
import { tempDir } from "../helpers/run";

describe("chartContentHash", () => {
  const dir = tempDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // Expected digests worked out with coreutils, `<path>\0<content>\0` per file in path order:
  //   printf 'Chart.yaml\0name: x\n\0templates/a.yaml\0kind: A\n\0' | sha256sum | cut -c1-16
  test("GIVEN a chart WHEN a file's content or name changes THEN the hash changes, and only then", () => {
    fs.mkdirSync(path.join(dir, "templates"));
    fs.writeFileSync(path.join(dir, "Chart.yaml"), "name: x\n");
    fs.writeFileSync(path.join(dir, "templates", "a.yaml"), "kind: A\n");
    expect(chartContentHash(dir)).toBe("EED298EB1AAB9D04");
    expect(chartContentHash(dir)).toBe("EED298EB1AAB9D04");
    // ... 'templates/a.yaml\0kind: B\n\0' ...
    fs.writeFileSync(path.join(dir, "templates", "a.yaml"), "kind: B\n");
    expect(chartContentHash(dir)).toBe("F6F5E965C92CD366");
    // ... 'templates/b.yaml\0kind: B\n\0' ...
    fs.renameSync(path.join(dir, "templates", "a.yaml"), path.join(dir, "templates", "b.yaml"));
    expect(chartContentHash(dir)).toBe("C8EEA29E34FE6A61");
  });
});

describe("LocalChart", () => {
  test("GIVEN the model-server chart WHEN used in a stack THEN its path is relative and carries the content hash", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    const chart = new LocalChart(stack, "model-server-chart", { chart: "model-server" });
    // The same digest, computed apart with find, sort and sha256sum over the chart's files.
    const script =
      "find . -type f | sed 's#^\\./##' | LC_ALL=C sort | while IFS= read -r f; do printf '%s\\0' \"$f\"; cat \"$f\"; printf '\\0'; done | sha256sum | cut -c1-16";
    const shell = spawnSync("/bin/sh", ["-c", script], { cwd: path.join(CHARTS_DIR, "model-server"), encoding: "utf8" });
    expect(shell.status).toBe(0);
    expect(chart.contentHash).toBe(shell.stdout.trim().toUpperCase());
    expect(chart.path).toMatch(new RegExp(`^assets/model-server-chart_asset_[0-9A-F]+/${chart.contentHash}$`));
    expect(path.isAbsolute(chart.path)).toBe(false);
  });
});
