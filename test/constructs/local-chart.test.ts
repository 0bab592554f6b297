import * as fs from "node:fs";
import * as path from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { CHARTS_DIR, LocalChart, chartContentHash } from "../../constructs/local-chart";
import { tempDir } from "../helpers/run";

describe("chartContentHash", () => {
  const dir = tempDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("GIVEN a chart WHEN a file's content or name changes THEN the hash changes, and only then", () => {
    fs.mkdirSync(path.join(dir, "templates"));
    fs.writeFileSync(path.join(dir, "Chart.yaml"), "name: x\n");
    fs.writeFileSync(path.join(dir, "templates", "a.yaml"), "kind: A\n");
    const first = chartContentHash(dir);
    expect(first).toMatch(/^[0-9A-F]{16}$/);
    expect(chartContentHash(dir)).toBe(first);
    fs.writeFileSync(path.join(dir, "templates", "a.yaml"), "kind: B\n");
    const second = chartContentHash(dir);
    expect(second).not.toBe(first);
    fs.renameSync(path.join(dir, "templates", "a.yaml"), path.join(dir, "templates", "b.yaml"));
    expect(chartContentHash(dir)).not.toBe(second);
  });
});

describe("LocalChart", () => {
  test("GIVEN the model-server chart WHEN used in a stack THEN its path is relative and carries the content hash", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    const chart = new LocalChart(stack, "model-server-chart", { chart: "model-server" });
    expect(chart.contentHash).toBe(chartContentHash(path.join(CHARTS_DIR, "model-server")));
    expect(chart.path).toMatch(new RegExp(`^assets/model-server-chart_asset_[0-9A-F]+/${chart.contentHash}$`));
    expect(path.isAbsolute(chart.path)).toBe(false);
  });
});
