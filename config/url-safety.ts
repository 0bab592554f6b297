/**
 * What the environment file's URLs and literal settings may not contain, as pure functions (the
 * zod refinements in schema.ts call them): credentials, which would be written into the Terraform
 * JSON, its plans and CI logs (the file references Secrets and environment variables instead), and
 * Terraform template syntax where Terraform reads a value verbatim.
 */

/**
 * Query (and fragment) parameters that carry credentials. A parameter's name is compared in lower
 * case with `-` and `.` read as `_`; it is a credential when it equals one of these…
 */
export const CREDENTIAL_PARAM_NAMES: readonly string[] = ["auth", "jwt", "key", "pass", "pwd", "sig"];
/**
 * …or contains one of these: `access_token`, `X-Amz-Signature`, `X-Amz-Credential`,
 * `X-Amz-Security-Token`, `client_secret`, `api_key`, `apiKey`, `private_token`, `password`, …
 */
export const CREDENTIAL_PARAM_PARTS: readonly string[] = [
  "_key",
  "accesskey",
  "apikey",
  "authorization",
  "credential",
  "passwd",
  "password",
  "secret",
  "session",
  "signature",
  "token",
];

/** Placeholder for a masked secret in messages. */
export const MASK = "***";

/** Whether a query or fragment parameter named `name` carries a credential. */
export function isCredentialParam(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // A malformed escape: judge the name as written.
  }
  const n = decoded.toLowerCase().replace(/[-.]/g, "_");
  return CREDENTIAL_PARAM_NAMES.includes(n) || CREDENTIAL_PARAM_PARTS.some((part) => n.includes(part));
}

const AUTHORITY_USERINFO = /^([^:/?#\s]+:\/\/)([^/?#]*)@/;
const PARAM = /([?&;#])([^=&;#]*)=([^&;#]*)/g;

/**
 * `url` with its secret parts replaced by `***`: the user info (`https://***@host`) and the value
 * of every credential parameter (`?token=***`). Works on text that is not a valid URL, so an
 * error message can always quote it.
 */
export function maskUrl(url: string): string {
  return url
    .replace(AUTHORITY_USERINFO, (_m, scheme: string) => `${scheme}${MASK}@`)
    .replace(PARAM, (m, sep: string, name: string) => (isCredentialParam(name) ? `${sep}${name}=${MASK}` : m));
}

/** The credential parameters of `url` (query and fragment), by name as written. */
function credentialParams(url: URL): string[] {
  const names = new Set<string>();
  for (const part of [url.search.slice(1), url.hash.slice(1)]) {
    for (const piece of part.split(/[&;]/)) {
      // Only `name=value` pairs: a bare word (`#section`) carries no value.
      const eq = piece.indexOf("=");
      const name = eq === -1 ? "" : piece.slice(0, eq);
      if (name !== "" && isCredentialParam(name)) names.add(name);
    }
  }
  return [...names];
}

/**
 * What makes `value` unusable as a credential-free URL of one of `protocols`, or undefined.
 * `what` names the URLs allowed, e.g. "an http:// or https:// URL".
 */
export function urlProblem(value: string, protocols: readonly string[], what: string): string | undefined {
  if (/\s/.test(value)) return `must be ${what} without spaces`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be ${what}`;
  }
  const scheme = url.protocol.replace(/:$/, "");
  // As written, in lower case: the model-server chart's pattern is `^https?://`.
  if (!protocols.includes(scheme) || !value.startsWith(`${scheme}://`)) return `must be ${what}`;
  if (url.username !== "" || url.password !== "" || AUTHORITY_USERINFO.test(value)) {
    return "must not carry credentials: the user info of a URL would be written into the Terraform JSON, plans and logs";
  }
  const params = credentialParams(url);
  if (params.length > 0) {
    const names = params.map((n) => JSON.stringify(n)).join(", ");
    const noun = params.length === 1 ? "parameter" : "parameters";
    return `must not carry credentials: the ${noun} ${names} would be written into the Terraform JSON, plans and logs`;
  }
  return undefined;
}
