/**
 * Keeping data literal in Terraform JSON. There every string Terraform evaluates is a template
 * (object keys of attribute values too): `${…}` interpolates and `%{…}` is a directive, so a
 * `${file("/root/.ssh/id_rsa")}` copied from an environment file would run on the deploying
 * machine. `$${` and `%%{` are the escapes, read back as `${` and `%{`.
 *
 * `AiFactoryStack` escapes its whole input (environment, plan, costs) once, before it builds
 * anything; constructs never escape. Strings the stack makes itself (cdktf references such as
 * `${var.kubeconfig_path}`) stay live. Pure functions, no cdktf.
 */

/**
 * A string as Terraform must see it to keep it literal: `${` → `$${`, `%{` → `%%{`. Terraform's
 * lexer reads `$${` as a literal `${` wherever it stands (a `$` before it stays a `$`), so the
 * escape is exact for any input, including one that already contains `$${`.
 */
export function escapeTemplate(value: string): string {
  return value.replace(/([$%])\{/g, "$1$1{");
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A deep copy of plain data with every string escaped by `escapeTemplate`, object keys included
 * (keys of map values are templates too). Numbers, booleans, null and undefined are kept; an
 * object reached twice (shared, or in a cycle) is copied once and stays shared in the copy.
 * Anything but plain objects and arrays (a Map, a class instance, a function) is refused: the
 * stack's input is plain data, and an unknown container could carry a string past the escape.
 */
export function escapeTemplates<T>(data: T): T {
  const copies = new Map<object, unknown>();
  const visit = (value: unknown, path: string): unknown => {
    if (typeof value === "string") return escapeTemplate(value);
    if (value === null || typeof value !== "object") {
      if (typeof value === "function" || typeof value === "symbol" || typeof value === "bigint") {
        throw new TypeError(`escapeTemplates: ${path} is a ${typeof value}; only plain data can be escaped`);
      }
      return value;
    }
    const seen = copies.get(value);
    if (seen !== undefined) return seen;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      copies.set(value, out);
      value.forEach((item, i) => out.push(visit(item, `${path}[${i}]`)));
      return out;
    }
    if (!isPlainObject(value)) {
      throw new TypeError(`escapeTemplates: ${path} is a ${value.constructor?.name ?? "non-plain object"}; only plain objects and arrays can be escaped`);
    }
    const out: Record<string, unknown> = {};
    copies.set(value, out);
    for (const [key, item] of Object.entries(value)) out[escapeTemplate(key)] = visit(item, `${path}.${key}`);
    return out;
  };
  return visit(data, "input") as T;
}
