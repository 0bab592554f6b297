import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../../config/errors";
import { loadEnvironmentFiles, parseEnvironment } from "../../config/loader";
import { YAML_LIMITS, decodeText, parseYaml } from "../../config/yaml-data";
import { runCli, tempDir } from "../helpers/run";

const REPO = path.join(__dirname, "..", "..");
const bad = (name: string) => `test/fixtures/bad/${name}.yaml`;

/** The error lines of loading `files` from `cwd`. */
function problemsOf(files: readonly string[], cwd = REPO): string[] {
  try {
    loadEnvironmentFiles(files, cwd);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message.split("\n");
  }
  throw new Error(`expected ${files.join(", ")} to be rejected`);
}

/** The messages of parsing `text` as `t.yaml`. */
function messagesOf(text: string): string[] {
  return parseEnvironment("t.yaml", text).problems.map((p) => `${p.path.join(".")}: ${p.message}`);
}

/** The messages of parsing `text` as `t.yaml`, each after its line and column. */
function locatedOf(text: string): string[] {
  return parseEnvironment("t.yaml", text).problems.map((p) => `${p.line}:${p.column}: ${p.path.join(".")}: ${p.message}`);
}

const VALID = `name: t
description: d
cluster: { kubeconfig: { context: c } }
nodePools:
  main: { nodes: [gpu-01], server: hgx-h100-8 }
`;

/** `VALID` with `labels` on the pool: a place any YAML value can go without an unknown-key error first. */
const withLabels = (labels: string) => VALID.replace("server: hgx-h100-8 }", `server: hgx-h100-8, labels: ${labels} }`);

describe("input limits", () => {
  test("GIVEN the limits WHEN read THEN they are 1 MiB, 100,000 nodes and 64 levels", () => {
    expect(YAML_LIMITS).toEqual({ fileBytes: 1048576, nodes: 100000, depth: 64 });
  });

  test("GIVEN a file over 1 MiB WHEN loaded THEN it is refused by its size, without reading it", () => {
    const dir = tempDir();
    try {
      // A sparse 4 GiB file: reading it whole would take seconds and gigabytes; its size takes neither.
      const fd = fs.openSync(path.join(dir, "huge.yaml"), "w");
      fs.ftruncateSync(fd, 4 * 1024 ** 3);
      fs.closeSync(fd);
      fs.writeFileSync(path.join(dir, "big.yaml"), `name: big\ndescription: ${"x".repeat(YAML_LIMITS.fileBytes)}\n`);
      const started = Date.now();
      expect(problemsOf(["huge.yaml", "big.yaml"], dir)).toEqual([
        "huge.yaml: (document): the file is 4096.0 MiB (4294967296 bytes), over the limit of 1 MiB (1048576 bytes) for an environment file",
        "big.yaml: (document): the file is 1.0 MiB (1048600 bytes), over the limit of 1 MiB (1048576 bytes) for an environment file",
      ]);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("GIVEN text over 1 MiB WHEN parsed THEN it is refused before parsing", () => {
    expect(messagesOf(`# ${"x".repeat(YAML_LIMITS.fileBytes)}\n`)).toEqual([
      ": the file is 1.0 MiB (1048579 bytes), over the limit of 1 MiB (1048576 bytes) for an environment file",
    ]);
  });

  test("GIVEN an alias bomb (billion laughs) WHEN loaded THEN it is refused with the node limit, not expanded", () => {
    expect(problemsOf([bad("alias-bomb")])).toEqual([
      `${bad("alias-bomb")}: (document): the document has more than 100000 nodes (keys, values and collections, each alias counted as what it repeats), over the limit of 100000`,
    ]);
    expect(locatedOf(fs.readFileSync(path.join(REPO, bad("alias-bomb")), "utf8")).map((l) => l.slice(0, 20))).toEqual(["18:14: : the documen"]);
  });

  test("GIVEN 5,000 nested lists WHEN loaded THEN they are refused with the depth limit, not a stack overflow", () => {
    expect(problemsOf([bad("deep-nesting")])).toEqual([`${bad("deep-nesting")}: (document): mappings and lists nest more than 64 levels deep, over the limit of 64`]);
    expect(locatedOf(fs.readFileSync(path.join(REPO, bad("deep-nesting")), "utf8"))).toEqual(["11:76: : mappings and lists nest more than 64 levels deep, over the limit of 64"]);
  });

  test("GIVEN 1,000 nested block mappings WHEN parsed THEN they are refused with the depth limit", () => {
    const deep = Array.from({ length: 1000 }, (_, i) => `${" ".repeat(i)}k:`).join("\n");
    // Where the parser's stack first holds more than 64 open collections: the key 65 levels in.
    expect(locatedOf(`${VALID}${deep} v\n`)).toEqual(["71:67: : mappings and lists nest more than 64 levels deep, over the limit of 64"]);
  });

  test("GIVEN nesting of exactly 64 WHEN parsed THEN YAML accepts it and the schema judges it; 65 is refused", () => {
    // The pool's labels sit at depth 3 (document, nodePools, main): 61 more lists make 64.
    expect(messagesOf(withLabels(`${"[".repeat(61)}${"]".repeat(61)}`))).toEqual([
      expect.stringMatching(/^nodePools\.main\.labels: expected record, got \[\[\[/),
    ]);
    expect(messagesOf(withLabels(`${"[".repeat(62)}${"]".repeat(62)}`))).toEqual([
      expect.stringMatching(/^: mappings and lists nest more than 64 levels deep/),
    ]);
  });

  test("GIVEN an alias that nests an anchor past the limit WHEN parsed THEN the expanded depth counts", () => {
    const text = withLabels(`{ a: &deep ${"[".repeat(40)}${"]".repeat(40)}, b: ${"[".repeat(30)}*deep${"]".repeat(30)} }`);
    expect(locatedOf(text)).toEqual([expect.stringMatching(/^5:\d+: : mappings and lists nest more than 64 levels deep, over the limit of 64$/)]);
  });

  test("GIVEN 100,000 values in one list WHEN parsed THEN the count stops the parser early", () => {
    expect(messagesOf(withLabels(`[${"1,".repeat(100_000)}1]`))).toEqual([
      expect.stringMatching(/^: the document has more than 100000 nodes .*, over the limit of 100000$/),
    ]);
  });

  test("GIVEN 45,000 keys in one mapping WHEN parsed THEN it takes seconds at most (yaml's own duplicate check is quadratic)", () => {
    const keys = Array.from({ length: 45_000 }, (_, i) => `k${i}: v`).join(", ");
    const started = Date.now();
    const problems = messagesOf(withLabels(`{ ${keys} }`));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(problems).toEqual([]);
  }, 30_000);

  test("GIVEN an alias bomb WHEN run through the CLI THEN it exits 1 with the limit and no stack trace", () => {
    const r = runCli(["validate", bad("alias-bomb"), bad("deep-nesting")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^test\/fixtures\/bad\/alias-bomb\.yaml:18:14: \(document\): the document has more than 100000 nodes/);
    expect(r.stderr).toMatch(/\ntest\/fixtures\/bad\/deep-nesting\.yaml:11:76: \(document\): mappings and lists nest more than 64 levels deep/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  }, 60_000);
});

describe("text, not binary", () => {
  test.each<[string, Uint8Array, string]>([
    ["a NUL byte", Buffer.from("name: x\0\n"), "not a text file: it contains a NUL byte (at byte 7); an environment file is YAML in UTF-8"],
    ["UTF-16", Buffer.from("\ufeffname: x\n", "utf16le"), "not a text file: it is UTF-16 (save it as UTF-8); an environment file is YAML in UTF-8"],
    ["invalid UTF-8", Buffer.from([0x6e, 0x3a, 0x20, 0xc3, 0x28, 0x0a]), "not a text file: it is not valid UTF-8; an environment file is YAML in UTF-8"],
  ])("GIVEN %s WHEN decoded THEN it is not a text file", (_what, bytes, message) => {
    expect(decodeText(bytes)).toEqual({ ok: false, message });
  });

  test("GIVEN UTF-8 with a byte order mark WHEN decoded THEN the text comes without it", () => {
    expect(decodeText(Buffer.from("\ufeffname: x\n"))).toEqual({ ok: true, text: "name: x\n" });
  });

  test("GIVEN a binary file and a directory WHEN loaded THEN each is refused by name", () => {
    const dir = tempDir();
    try {
      fs.writeFileSync(path.join(dir, "image.yaml"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
      fs.mkdirSync(path.join(dir, "folder.yaml"));
      expect(problemsOf(["image.yaml", "folder.yaml"], dir)).toEqual([
        "image.yaml: (document): not a text file: it contains a NUL byte (at byte 8); an environment file is YAML in UTF-8",
        "folder.yaml: (document): is a directory, not an environment file",
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("GIVEN a raw escape character in the text WHEN parsed THEN YAML's rule refuses it with its line and column", () => {
    expect(locatedOf(`${VALID}\u001b[31mred: 1\n`)).toEqual([
      "6:1: : invalid YAML: the control character U+001B is not allowed in YAML; write it as an escape in a double-quoted string",
    ]);
  });
});

describe("keys", () => {
  test.each(["__proto__", "constructor", "prototype"])("GIVEN a pool, a model and a label named %s WHEN parsed THEN each is refused by name", (key) => {
    const text = `name: t
description: d
cluster: { kubeconfig: { context: c } }
nodePools:
  ${key}: { nodes: [gpu-01], server: hgx-h100-8 }
  main: { nodes: [gpu-02], server: hgx-h100-8, labels: { ${key}: x } }
models:
  ${key}: { model: llama-3.1-8b, pool: main }
`;
    const why = `"${key}" cannot be a key: JavaScript objects give "__proto__", "constructor" and "prototype" a meaning of their own; choose another name`;
    expect(messagesOf(text)).toEqual([`nodePools.${key}: ${why}`, `nodePools.main.labels.${key}: ${why}`, `models.${key}: ${why}`]);
  });

  test("GIVEN __proto__ and constructor as pool names in a file WHEN loaded THEN both are named, none dropped silently", () => {
    expect(problemsOf([bad("proto-pool")])).toEqual([
      `${bad("proto-pool")}: nodePools.__proto__: "__proto__" cannot be a key: JavaScript objects give "__proto__", "constructor" and "prototype" a meaning of their own; choose another name`,
      `${bad("proto-pool")}: nodePools.constructor: "constructor" cannot be a key: JavaScript objects give "__proto__", "constructor" and "prototype" a meaning of their own; choose another name`,
    ]);
  });

  test("GIVEN other names of Object.prototype as label keys WHEN parsed THEN they are plain keys", () => {
    const { env, problems } = parseEnvironment("t.yaml", withLabels("{ toString: a, hasOwnProperty: b, valueOf: c, isPrototypeOf: d }"));
    expect(problems).toEqual([]);
    expect(env!.pools[0].labels).toEqual({ toString: "a", hasOwnProperty: "b", valueOf: "c", isPrototypeOf: "d" });
    expect(Object.getPrototypeOf(env!.pools[0].labels)).toBe(Object.prototype);
  });

  test("GIVEN keys that become the same string WHEN parsed THEN they are duplicates (toJS would keep the last silently)", () => {
    expect(locatedOf(withLabels('{ 1: a, "1": b }'))).toEqual(['5:64: : invalid YAML: Map keys must be unique; "1" is also at line 5, column 58']);
  });

  test("GIVEN a list or a mapping as a key WHEN parsed THEN it is refused", () => {
    expect(locatedOf(withLabels("{ [a]: x }"))).toEqual(["5:58: : invalid YAML: a key must be a plain value, not a list"]);
    expect(locatedOf(`${VALID}? { a: b }\n: x\n`)).toEqual(["6:3: : invalid YAML: a key must be a plain value, not a mapping"]);
  });
});

describe("documents and aliases", () => {
  test("GIVEN two documents WHEN parsed THEN the second is refused where it starts", () => {
    expect(locatedOf(`${VALID}---\nname: u\n`)).toEqual(['6:1: : invalid YAML: a second document starts here (after "---"); an environment file is one document']);
  });

  test("GIVEN an alias to an earlier anchor WHEN parsed THEN it repeats the anchor's value", () => {
    const text = `name: t
description: d
cluster: { kubeconfig: { context: c } }
nodePools:
  a: { nodes: [gpu-01], server: hgx-h100-8, labels: &team { team: ml, tier: gold } }
  b: { nodes: [gpu-02], server: hgx-h100-8, labels: *team }
`;
    const { env, problems } = parseEnvironment("t.yaml", text);
    expect(problems).toEqual([]);
    expect(env!.pools.map((p) => p.labels)).toEqual([
      { team: "ml", tier: "gold" },
      { team: "ml", tier: "gold" },
    ]);
  });

  test("GIVEN an alias with no anchor before it, or inside its own anchor WHEN parsed THEN each is refused", () => {
    expect(locatedOf(withLabels("*nowhere"))).toEqual(['5:56: : invalid YAML: the alias "*nowhere" names no anchor before it']);
    expect(locatedOf(withLabels("&self [ *self ]"))).toEqual(['5:64: : invalid YAML: the alias "*self" is inside the node it names']);
  });

  test("GIVEN plain YAML WHEN parsed THEN the data is what yaml's toJS gives", () => {
    expect(parseYaml("a: 1\nb: [true, null, 2.5, '3']\nc: { d: ~ }\ne:\n")).toMatchObject({ ok: true, data: { a: 1, b: [true, null, 2.5, "3"], c: { d: null }, e: null } });
    expect(parseYaml("")).toMatchObject({ ok: true, data: null });
    expect(parseYaml("# only a comment\n")).toMatchObject({ ok: true, data: null });
  });
});

describe("positions", () => {
  const text = [
    "# a comment first", //                           1
    "name: t", //                                     2
    "pools:", //                                      3
    "  a:", //                                        4
    "    nodes: [n1, 'n2']", //                       5
    "    labels: &l { team: ml }", //                 6
    "    empty:", //                                  7
    "  b:", //                                        8
    "    labels: *l", //                              9
    "    list:", //                                   10
    "      - x", //                                   11
    "      -", //                                     12
    "",
  ].join("\n");
  const positions = (() => {
    const r = parseYaml(text);
    if (!r.ok) throw new Error("expected the text to parse");
    return r.positions;
  })();
  const at = (path: (string | number)[], subject?: "node" | "key") => {
    const { line, column } = positions.at(path, subject);
    return `${line}:${column}`;
  };

  test("GIVEN scalars WHEN located THEN each is where its value is, or its key when the problem is about the key", () => {
    expect(at(["name"])).toBe("2:7");
    expect(at(["name"], "key")).toBe("2:1");
    expect(at(["pools", "a", "nodes", 1])).toBe("5:17");
    expect(at(["pools", "a", "labels", "team"])).toBe("6:24");
  });

  test("GIVEN mappings, lists and empty values WHEN located THEN each is where its key is", () => {
    expect(at(["pools"])).toBe("3:1");
    expect(at(["pools", "a"])).toBe("4:3");
    expect(at(["pools", "a", "nodes"])).toBe("5:5");
    expect(at(["pools", "a", "labels"])).toBe("6:5");
    expect(at(["pools", "a", "empty"])).toBe("7:5");
  });

  test("GIVEN list items WHEN located THEN an item is where its value is, an empty one where its list is", () => {
    expect(at(["pools", "b", "list", 0])).toBe("11:9");
    expect(at(["pools", "b", "list", 1])).toBe("10:5");
  });

  test("GIVEN paths the document lacks WHEN located THEN each is where its nearest parent is", () => {
    expect(at(["pools", "a", "server"])).toBe("4:3");
    expect(at(["pools", "c", "nodes", 0])).toBe("3:1");
    // What an alias repeats has no node of its own: it is where the alias is.
    expect(at(["pools", "b", "labels", "team"])).toBe("9:13");
    // The document itself starts at its first node, after the comment.
    expect(at(["missing"])).toBe("2:1");
    expect(at([])).toBe("2:1");
  });

  test("GIVEN an empty document WHEN located THEN every path is at 1:1", () => {
    const r = parseYaml("# nothing\n");
    expect(r.ok && r.positions.at(["name"])).toEqual({ line: 1, column: 1 });
  });

  test("GIVEN a key refused as reserved WHEN parsed THEN its problem is where the key is", () => {
    const r = parseYaml("a:\n  __proto__: { b: 1 }\n");
    expect(r).toEqual({
      ok: false,
      problems: [
        {
          path: ["a", "__proto__"],
          message: '"__proto__" cannot be a key: JavaScript objects give "__proto__", "constructor" and "prototype" a meaning of their own; choose another name',
          line: 2,
          column: 3,
        },
      ],
    });
  });
});
