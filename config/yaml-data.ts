/**
 * YAML text to plain data, within limits, for an input that may be hostile. Pure: no I/O.
 *
 * `yaml`'s `parseDocument` + `toJS` would do, but not for every input: its composer recurses once
 * per nesting level (5,000 nested `[` overflow the stack), its duplicate-key check and `toJS`'s
 * alias resolution are quadratic (50,000 aliases in 1 MiB take minutes), and `toJS` returns an
 * alias as the same object as its anchor, so a "billion laughs" document of a few lines becomes
 * 10^9 nodes for whatever walks it next (zod, JSON). So: the CST parser, which keeps its own
 * stack, is driven token by token and stopped as soon as the nesting or the node count is over
 * the limit; the composer then builds the document (uniqueness left to us); and one iterative
 * walk turns it into data, counting every node an alias repeats, refusing duplicate keys and
 * keys that are not plain values, and the keys JavaScript objects give a meaning of their own.
 * The same walk records where each node is (`DocPositions`), so a problem found later, by path,
 * can name its line and column; a problem found here carries its own.
 */
import { CST, Composer, Lexer, LineCounter, Parser, isAlias, isMap, isScalar, isSeq } from "yaml";
import type { Document, Node as YamlNode, Pair, YAMLMap, YAMLSeq } from "yaml";
import { DocPath, excerpt, show } from "./errors";

/** The limits on one environment file; each is far above what a real one needs. */
export const YAML_LIMITS = {
  /**
   * 1 MiB. The examples are 2–6 KiB and a large site (dozens of pools and models, every comment)
   * stays under 100 KiB; parsing 1 MiB takes about a second on a small machine.
   */
  fileBytes: 1024 * 1024,
  /**
   * Nodes (keys, values and collections), with every alias counted as the nodes it repeats. The
   * examples have a few hundred; 100,000 bounds the work of zod and the checks to well under a
   * second while refusing alias bombs, which reach millions in a few lines.
   */
  nodes: 100_000,
  /**
   * Nesting of mappings and lists. A valid file nests at most 7 deep (`models.<name>.demand.mix`
   * and the like); 64 leaves room for the format to grow and stays far below the thousands of
   * levels at which recursive code (the YAML composer, zod, JSON) overflows its stack.
   */
  depth: 64,
} as const;

/** Keys that are not plain keys on a JavaScript object: refused wherever they appear. */
export const RESERVED_KEYS: readonly string[] = ["__proto__", "constructor", "prototype"];

/** A place in a file: 1-based line and column, the column in UTF-16 code units (as SARIF counts by default). */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * A problem found while reading YAML: a path inside the document (often empty), a message and,
 * unless it is about the file as a whole (its size, a NUL), where it is.
 */
export interface YamlProblem extends Partial<SourcePosition> {
  readonly path: DocPath;
  readonly message: string;
}

/**
 * Where the nodes of one document are, by path: what a problem found after parsing (by zod, a
 * check, planning) needs to name its line and column.
 */
export interface DocPositions {
  /**
   * The position of the node at `path`, or of its nearest parent the document has (a missing key,
   * a path into what an alias repeats). An entry of a mapping whose value is a mapping or a list,
   * or empty, is where its key is; a scalar is where its value is, unless `subject` is "key" (a
   * problem about the key itself). 1:1 when the document has no node at all.
   */
  at(path: DocPath, subject?: "node" | "key"): SourcePosition;
}

/** The data of one YAML document and where its nodes are, or why it cannot be read. */
export type YamlResult =
  | { readonly ok: true; readonly data: unknown; readonly positions: DocPositions }
  | { readonly ok: false; readonly problems: readonly YamlProblem[] };

/** A path as one string, unambiguous (keys quoted, indices bare): `,"nodePools","a","nodes",1`. */
export function pathKey(path: DocPath): string {
  let key = "";
  for (const part of path) key += `,${JSON.stringify(part)}`;
  return key;
}

/** Where one node is: offsets of its value and of its key (in a mapping). */
interface NodeOffsets {
  readonly value: number;
  readonly key?: number;
  /** A mapping, a list, or an empty value: located at its key when it has one. */
  readonly atKey: boolean;
}

/** The line and column of `offset` in the text `lineCounter` has seen. */
function positionAt(lineCounter: LineCounter, offset: number): SourcePosition {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/** `DocPositions` over the offsets the walk recorded. */
function docPositions(entries: ReadonlyMap<string, NodeOffsets>, lineCounter: LineCounter): DocPositions {
  const position = (offset: number): SourcePosition => positionAt(lineCounter, offset);
  return {
    at(path, subject = "node") {
      for (let n = path.length; n >= 0; n--) {
        const e = entries.get(pathKey(path.slice(0, n)));
        if (e === undefined) continue;
        const atKey = e.key !== undefined && (e.atKey || (subject === "key" && n === path.length));
        return position(atKey ? e.key! : e.value);
      }
      return { line: 1, column: 1 };
    },
  };
}

/**
 * The bytes-to-text rules of an environment file: UTF-8 without NUL bytes. Returns the text, or
 * why it is not a text file.
 */
export function decodeText(bytes: Uint8Array): { ok: true; text: string } | { ok: false; message: string } {
  const notText = (why: string) => ({ ok: false as const, message: `not a text file: ${why}; an environment file is YAML in UTF-8` });
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return notText("it is UTF-16 (save it as UTF-8)");
  const nul = bytes.indexOf(0);
  if (nul >= 0) return notText(`it contains a NUL byte (at byte ${nul})`);
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return notText("it is not valid UTF-8");
  }
}

/** Characters YAML does not allow in a file (outside c-printable): C0 but tab, CR, LF; DEL; C1 but NEL. */
// eslint-disable-next-line no-control-regex
const NOT_PRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;

const COUNTED_TOKENS = new Set(["scalar", "single-quoted-scalar", "double-quoted-scalar", "alias", "flow-map-start", "flow-seq-start"]);
/** The CST parser's stack holds the document and at most one token beyond the open collections. */
const PARSER_STACK_SLACK = 2;

/** Parses one YAML document into plain data, refusing what is over `YAML_LIMITS` or ambiguous. */
export function parseYaml(text: string): YamlResult {
  const lineCounter = new LineCounter();
  const position = (offset: number): SourcePosition => positionAt(lineCounter, offset);
  /** A refusal of the file, at `offset` when there is a place to point at. */
  const fail = (message: string, offset?: number): YamlResult => ({
    ok: false,
    problems: [{ path: [], message, ...(offset === undefined ? {} : position(offset)) }],
  });
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > YAML_LIMITS.fileBytes) return fail(fileTooBig(bytes));
  if (text.includes("\u0000")) return fail(`not a text file: it contains a NUL character; an environment file is YAML in UTF-8`);

  const control = NOT_PRINTABLE.exec(text);
  if (control) {
    lineCounter.addNewLine(0);
    for (let i = text.indexOf("\n"); i >= 0 && i < control.index; i = text.indexOf("\n", i + 1)) lineCounter.addNewLine(i + 1);
    const code = control[0].charCodeAt(0).toString(16).padStart(4, "0");
    return fail(`invalid YAML: the control character U+${code.toUpperCase()} is not allowed in YAML; write it as an escape in a double-quoted string`, control.index);
  }

  // 1. The CST, token by token, stopped at the first limit crossed.
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  const tokens: CST.Token[] = [];
  // A lower bound of the nodes the walk counts: each scalar, alias and flow collection is one.
  let nodes = 0;
  let scalarSource = false;
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > YAML_LIMITS.depth + PARSER_STACK_SLACK) return fail(TOO_DEEP, parser.offset);
    // The lexer marks a plain or block scalar, then gives its text: the text is not a token of its own.
    const type: string | undefined = scalarSource ? undefined : (CST.tokenType(lexeme) ?? undefined);
    scalarSource = type === "scalar";
    if (type !== undefined && COUNTED_TOKENS.has(type) && ++nodes > YAML_LIMITS.nodes) return fail(TOO_MANY, parser.offset);
  }
  for (const token of parser.end()) tokens.push(token);

  // 2. The document, without the composer's quadratic duplicate-key check (the walk does it).
  const docs = [...new Composer({ uniqueKeys: false }).compose(tokens, true, text.length)];
  if (docs.length > 1) {
    return fail(`invalid YAML: a second document starts here (after "---"); an environment file is one document`, docs[1].range[0]);
  }
  const doc = docs[0];
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({ path: [], message: `invalid YAML: ${excerpt(e.message.split("\n")[0], 200)}`, ...position(e.pos[0]) })),
    };
  }

  // 3. The data, and where each node is.
  return toData(doc, lineCounter);
}

/** The refusal of a file of `bytes` bytes (`qualifier`: "more than " when only a lower bound is known). */
export function fileTooBig(bytes: number, qualifier = ""): string {
  const size = bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${bytes} bytes`;
  return `the file is ${qualifier}${size} (${bytes} bytes), over the limit of 1 MiB (${YAML_LIMITS.fileBytes} bytes) for an environment file`;
}

const TOO_DEEP = `mappings and lists nest more than ${YAML_LIMITS.depth} levels deep, over the limit of ${YAML_LIMITS.depth}`;

const TOO_MANY = `the document has more than ${YAML_LIMITS.nodes} nodes (keys, values and collections, each alias counted as what it repeats), over the limit of ${YAML_LIMITS.nodes}`;

/** A node turned into data: its value, its height (nesting below it) and how many nodes it stands for. */
interface Built {
  readonly value: unknown;
  readonly height: number;
  readonly nodes: number;
}

/** A mapping or list being built by the walk. */
interface Frame {
  readonly node: YAMLMap | YAMLSeq;
  readonly path: DocPath;
  /** `pathKey(path)`, or undefined under a refused key (nothing there is recorded). */
  readonly pathKey: string | undefined;
  readonly value: Record<string, unknown> | unknown[];
  /** The next item. */
  index: number;
  /** The key the child being built goes to; undefined to drop it (a refused key). */
  key: string | undefined;
  height: number;
  nodes: number;
  /** Offsets of the keys seen so far, to name the first one of a duplicate. */
  readonly seen: Map<string, number>;
}

/**
 * Walks the document depth first without recursion. Anchors are registered when their node is
 * entered and an alias takes its anchor's finished value: YAML lets an alias name only an anchor
 * before it, so the walk in document order has always built it (or is inside it: refused).
 */
function toData(doc: Document.Parsed, lineCounter: LineCounter): YamlResult {
  const position = (offset: number): SourcePosition => positionAt(lineCounter, offset);
  const at = (offset: number): string => {
    const { line, column } = position(offset);
    return `line ${line}, column ${column}`;
  };
  const problems: YamlProblem[] = [];
  const positions = new Map<string, NodeOffsets>();
  const anchors = new Map<string, YamlNode>();
  const built = new Map<YamlNode, Built>();
  const stack: Frame[] = [];
  let nodes = 0;
  let result: Built | undefined;
  let over: YamlProblem | undefined;

  const offsetOf = (node: unknown): number => (node as YamlNode | null)?.range?.[0] ?? 0;

  /** Adds what a node stands for to the count; sets `over` at the first limit crossed. */
  const tally = (b: { readonly height: number; readonly nodes: number }, depthAbove: number, offset: number): void => {
    nodes += b.nodes;
    if (over !== undefined) return;
    if (nodes > YAML_LIMITS.nodes) over = { path: [], message: TOO_MANY, ...position(offset) };
    else if (depthAbove + b.height > YAML_LIMITS.depth) over = { path: [], message: TOO_DEEP, ...position(offset) };
  };

  /** The data of a leaf or alias, or undefined after pushing a frame for a collection. */
  const enter = (node: unknown, path: DocPath, key: string | undefined, offset: number): Built | undefined => {
    if (node === null || node === undefined) {
      const b = { value: null, height: 0, nodes: 1 };
      tally(b, stack.length, offset);
      return b;
    }
    const n = node as YamlNode;
    offset = offsetOf(n);
    if (isAlias(n)) {
      const target = anchors.get(n.source);
      const b = target && built.get(target);
      if (!target || !b) {
        const why = target ? "is inside the node it names" : "names no anchor before it";
        problems.push({ path: [], message: `invalid YAML: the alias ${show(`*${n.source}`)} ${why}`, ...position(offset) });
        return { value: null, height: 0, nodes: 1 };
      }
      tally(b, stack.length, offset);
      return b;
    }
    if (n.anchor) anchors.set(n.anchor, n);
    if (isScalar(n)) {
      const b = { value: n.value, height: 0, nodes: 1 };
      if (n.anchor) built.set(n, b);
      tally(b, stack.length, offset);
      return b;
    }
    if (isMap(n) || isSeq(n)) {
      tally({ height: 1, nodes: 1 }, stack.length, offset);
      stack.push({ node: n, path, pathKey: key, value: isMap(n) ? {} : [], index: 0, key: undefined, height: 0, nodes: 1, seen: new Map() });
      return undefined;
    }
    problems.push({ path: [], message: `invalid YAML: a node of an unsupported kind`, ...position(offset) });
    return { value: null, height: 0, nodes: 1 };
  };

  /** Gives a finished child to the collection being built, or makes it the result. */
  const deliver = (b: Built): void => {
    const parent = stack[stack.length - 1];
    if (!parent) {
      result = b;
      return;
    }
    if (Array.isArray(parent.value)) parent.value.push(b.value);
    else if (parent.key !== undefined) parent.value[parent.key] = b.value;
    parent.height = Math.max(parent.height, b.height);
    parent.nodes += b.nodes;
  };

  /** The string a key becomes (as `toJS` makes it), or undefined when it is refused. */
  const keyOf = (frame: Frame, pair: Pair): string | undefined => {
    const offset = offsetOf(pair.key ?? pair.value);
    frame.nodes += 1;
    tally({ height: 0, nodes: 1 }, stack.length, offset);
    const keyNode: unknown = isAlias(pair.key) ? anchors.get(pair.key.source) : pair.key;
    if (keyNode !== null && keyNode !== undefined && !isScalar(keyNode)) {
      const kind = isAlias(pair.key) && keyNode === undefined ? "alias to no anchor" : isSeq(keyNode) ? "list" : "mapping";
      problems.push({ path: [], message: `invalid YAML: a key must be a plain value, not a ${kind}`, ...position(offset) });
      return undefined;
    }
    const raw = isScalar(keyNode) ? keyNode.value : null;
    const key = raw === null || raw === undefined ? "" : String(raw);
    const first = frame.seen.get(key);
    if (first !== undefined) {
      problems.push({ path: [], message: `invalid YAML: Map keys must be unique; ${show(key)} is also at ${at(first)}`, ...position(offset) });
      return undefined;
    }
    frame.seen.set(key, offset);
    if (RESERVED_KEYS.includes(key)) {
      problems.push({
        path: [...frame.path, key],
        message: `${show(key)} cannot be a key: JavaScript objects give "__proto__", "constructor" and "prototype" a meaning of their own; choose another name`,
        ...position(offset),
      });
      return undefined;
    }
    return key;
  };

  /** Records where the node at `key` is (nothing under a refused key, whose `key` is undefined). */
  const record = (key: string | undefined, value: unknown, keyNode?: unknown): void => {
    if (key === undefined) return;
    // An empty value (`key:`, `- `) is a null scalar of no width: it is where its key is.
    const range = isScalar(value) ? value.range : undefined;
    const empty = value === null || value === undefined || (range !== undefined && range !== null && range[0] === range[1]);
    const where = empty ? keyNode : value;
    if (where === null || where === undefined) return;
    positions.set(key, {
      value: offsetOf(where),
      ...(keyNode === null || keyNode === undefined ? {} : { key: offsetOf(keyNode) }),
      atKey: empty || isMap(value) || isSeq(value),
    });
  };

  record("", doc.contents);
  const root = enter(doc.contents, [], "", 0);
  if (root) deliver(root);
  while (stack.length > 0 && over === undefined) {
    const frame = stack[stack.length - 1];
    if (frame.index >= frame.node.items.length) {
      stack.pop();
      const b: Built = { value: frame.value, height: frame.height + 1, nodes: frame.nodes };
      if (frame.node.anchor) built.set(frame.node, b);
      deliver(b);
      continue;
    }
    const item = frame.node.items[frame.index++];
    let child: unknown;
    let path: DocPath;
    let offset: number;
    let key: string | undefined;
    if (isSeq(frame.node)) {
      path = [...frame.path, frame.index - 1];
      key = frame.pathKey === undefined ? undefined : `${frame.pathKey},${frame.index - 1}`;
      child = item;
      offset = offsetOf(item);
      record(key, item);
    } else {
      const pair = item as Pair;
      frame.key = keyOf(frame, pair);
      path = [...frame.path, frame.key ?? ""];
      key = frame.pathKey === undefined || frame.key === undefined ? undefined : `${frame.pathKey},${JSON.stringify(frame.key)}`;
      child = pair.value;
      // An empty value (`key:`) has no node of its own: it is where its key is.
      offset = offsetOf(pair.value ?? pair.key);
      record(key, pair.value, pair.key);
    }
    const b = enter(child, path, key, offset);
    if (b) deliver(b);
  }
  if (over !== undefined) return { ok: false, problems: [over] };
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, data: result?.value ?? null, positions: docPositions(positions, lineCounter) };
}
