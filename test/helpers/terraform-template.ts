/**
 * How Terraform reads a string of its JSON configuration as a template, for tests: HCL's lexer
 * (hclsyntax scan_tokens.rl: `TemplateNotInterp = '$' (TemplateIgnoredNonBrace | TemplateInterp)`)
 * takes `$${` and `%%{` as the literal text `${` and `%{`, any other `${` or `%{` as the start of
 * an interpolation or a directive, and every other character as itself.
 */

/** A string read as a template: the sequences Terraform would evaluate, and the text it would keep. */
export interface TemplateReading {
  /** Each live `${…}` or `%{…}`, up to its first `}`. */
  readonly live: string[];
  /** The text with escapes read back; live sequences are kept as written. */
  readonly literal: string;
}

/** Reads `s` the way Terraform reads a JSON string it evaluates. */
export function readTemplate(s: string): TemplateReading {
  const live: string[] = [];
  let literal = "";
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if ((c === "$" || c === "%") && s[i + 1] === c && s[i + 2] === "{") {
      literal += `${c}{`;
      i += 3;
    } else if ((c === "$" || c === "%") && s[i + 1] === "{") {
      const end = s.indexOf("}", i);
      const seq = end === -1 ? s.slice(i) : s.slice(i, end + 1);
      live.push(seq);
      literal += seq;
      i += seq.length;
    } else {
      literal += c;
      i += 1;
    }
  }
  return { live, literal };
}

/** Every string of a JSON document, object keys included, with its path. */
export function jsonStrings(doc: unknown, path = ""): { path: string; value: string }[] {
  if (typeof doc === "string") return [{ path, value: doc }];
  if (Array.isArray(doc)) return doc.flatMap((item, i) => jsonStrings(item, `${path}[${i}]`));
  if (doc !== null && typeof doc === "object") {
    return Object.entries(doc).flatMap(([key, value]) => [{ path: `${path}.${key} (key)`, value: key }, ...jsonStrings(value, `${path}.${key}`)]);
  }
  return [];
}
