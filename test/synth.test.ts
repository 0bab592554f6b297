/**
 * The whole app as `npx cdktf synth` runs it: deterministic, portable, and all-or-nothing.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findServer } from "../catalog";
import { REPO, readTree, runApp, tempDir } from "./helpers/run";

function copyEnvironments(to: string, extra: Record<string, string> = {}): void {
  fs.mkdirSync(path.join(to, "environments"), { recursive: true });
  for (const f of fs.readdirSync(path.join(REPO, "environments"))) {
    if (f.endsWith(".yaml")) fs.copyFileSync(path.join(REPO, "environments", f), path.join(to, "environments", f));
  }
  for (const [name, text] of Object.entries(extra)) fs.writeFileSync(path.join(to, "environments", name), text);
}

describe("synthesis", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const fresh = () => {
    const d = tempDir();
    dirs.push(d);
    return d;
  };

  let first: Record<string, string>;
  let firstDir: string;

  beforeAll(() => {
    firstDir = fresh();
    copyEnvironments(firstDir);
    const r = runApp(firstDir);
    expect(r.status).toBe(0);
    first = readTree(path.join(firstDir, "cdktf.out"));
  });

  test("GIVEN the examples WHEN synthesized THEN every environment has a stack", () => {
    expect(Object.keys(first)).toEqual(
      expect.arrayContaining(["manifest.json", "stacks/dev/cdk.tf.json", "stacks/prod/cdk.tf.json", "stacks/staging/cdk.tf.json"]),
    );
  });

  test("GIVEN the examples WHEN synthesized THEN each has a cost summary as JSON, Markdown and SVG, and one comparison", () => {
    for (const env of ["dev", "prod", "staging"]) {
      expect(Object.keys(first)).toEqual(expect.arrayContaining([`costs/${env}.json`, `costs/${env}.md`, `costs/${env}.svg`]));
      expect(JSON.parse(first[`costs/${env}.json`]).capexUsd).toBeGreaterThan(0);
      expect(first[`costs/${env}.svg`]).toMatch(/^<svg /);
      // The headline figures are Terraform outputs too, rounded to cents there (the JSON is exact).
      const stack = JSON.parse(first[`stacks/${env}/cdk.tf.json`]);
      expect(stack.output.cost.value.capex_usd).toBe(Math.round(100 * JSON.parse(first[`costs/${env}.json`]).capexUsd) / 100);
    }
    expect(first["costs/compare.md"]).toContain("|  | dev | prod | staging |");
  });

  test("GIVEN prod's cost block WHEN synthesized THEN its JSON matches the formulas worked by hand", () => {
    const prod = JSON.parse(first["costs/prod.json"]);
    const server = findServer("hgx-h200-8")!;
    // 4 servers × price × (1 + 10%); amortized over 4 years, no residual.
    const capex = 4 * server.priceUsd * 1.1;
    expect(prod.capexUsd).toBeCloseTo(capex, 6);
    expect(prod.monthly.amortizationUsd).toBeCloseTo(capex / 48, 6);
    // 4 × (idle + 0.6 × (max − idle)) kW × 730 h × PUE 1.4 × $0.12.
    expect(prod.monthly.energyUsd).toBeCloseTo(4 * (server.powerKw.idle + 0.6 * (server.powerKw.max - server.powerKw.idle)) * 730 * 1.4 * 0.12, 6);
    expect(prod.monthly.spaceUsd).toBe(600);
    expect(prod.monthly.supportUsd).toBeCloseTo((capex * 0.12) / 12, 6);
    expect(prod.monthly.staffUsd).toBeCloseTo(200000 / 12, 6);
    // Demand: (2,000M + 100M + 400M) tokens a day × 730 / 24.
    expect(prod.tokens.demandPerMonth).toBeCloseTo(((2000e6 + 100e6 + 400e6) * 730) / 24, 3);
    const sonnet = prod.alternatives.find((a: { id: string }) => a.id === "claude-sonnet-4.5");
    expect(sonnet.breakEvenMonths).toBeCloseTo(capex / (sonnet.monthlyUsd - prod.monthly.opexUsd), 9);
    const n = 24;
    expect(sonnet.savingsPercent["24"]).toBeCloseTo(100 * (1 - (capex * Math.ceil(n / 48) + n * prod.monthly.opexUsd) / (n * sonnet.monthlyUsd)), 9);
  });

  test("GIVEN the same input in another directory WHEN synthesized again THEN the output is byte-identical", () => {
    const second = fresh();
    copyEnvironments(second);
    expect(runApp(second).status).toBe(0);
    expect(readTree(path.join(second, "cdktf.out"))).toEqual(first);
  });

  test("GIVEN the output WHEN searched THEN it holds no absolute path, hostname, user name or timestamp", () => {
    const all = Object.values(first).join("\n");
    expect(all).not.toContain(firstDir);
    expect(all).not.toContain(REPO);
    // Paths inside containers (/models, /tmp) are fine; paths of the synthesizing machine are not.
    expect(all).not.toMatch(/ai-factory-test-/);
    expect(all).not.toContain(os.hostname());
    expect(all).not.toMatch(/"\/(home|root|Users|work)\//);
    expect(all).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });

  test("GIVEN ENVIRONMENTS=dev WHEN synthesized THEN only dev is built", () => {
    const d = fresh();
    copyEnvironments(d);
    const r = runApp(d, { ENVIRONMENTS: "dev" });
    expect(r.status).toBe(0);
    expect(fs.readdirSync(path.join(d, "cdktf.out", "stacks"))).toEqual(["dev"]);
  });

  test("GIVEN ENVIRONMENTS naming an unknown environment WHEN synthesized THEN it exits 2 and writes nothing", () => {
    const d = fresh();
    copyEnvironments(d);
    const r = runApp(d, { ENVIRONMENTS: "dev,qa" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("ENVIRONMENTS names unknown environment(s) qa; known: dev, prod, staging");
    expect(fs.existsSync(path.join(d, "cdktf.out"))).toBe(false);
  });

  test("GIVEN one invalid environment among valid ones WHEN synthesized THEN it exits 1, names the problem and writes nothing", () => {
    const d = fresh();
    copyEnvironments(d, { "qa.yaml": "name: qa\ndescription: broken\ncluster: { kubeconfig: { context: qa } }\nnodePools: { a: { nodes: [n1], server: hgx-h999-8 } }\n" });
    const r = runApp(d);
    expect(r.status).toBe(1);
    // `nodePools: { a: { nodes: [n1], server: hgx-h999-8 } }` on line 4: the server's value.
    expect(r.stderr).toMatch(/^environments\/qa.yaml:4:40: nodePools.a.server: unknown server "hgx-h999-8"; known: /);
    expect(r.stderr).toContain("1 problem found; nothing was written.");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(d, "cdktf.out"))).toBe(false);
  });
});
