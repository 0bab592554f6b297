/**
 * JSON for machines that diffs line by line: keys sorted at every level, `undefined` members left
 * out, and no number JSON cannot hold (NaN and ±Infinity would be written as `null` silently).
 */

/** A copy of `value` with the keys of every object sorted; throws naming `what` and the path of a non-finite number. */
export function sortKeys(value: unknown, what: string, path = "$"): unknown {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`${what}: ${path}: ${value} cannot be written as JSON; it must hold finite numbers or null`);
    return value;
  }
  if (Array.isArray(value)) return value.map((item, i) => sortKeys(item, what, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) out[key] = sortKeys(child, what, `${path}.${key}`);
    }
    return out;
  }
  return value;
}
