/**
 * Where each environment keeps its Terraform state, and the rules that keep one state per
 * environment: the defaults (one home for them, shared with constructs/backend.ts), the limits of
 * each backend (`checkBackend`, per file) and the refusal of two environments that share a state
 * location (`stateConflicts`, across the files loaded together). Pure: no I/O.
 */
import type { DocPath, Problem } from "./errors";
import { show } from "./errors";
import { STATE_PATH_RULE, checkProjectPath, defaultStatePath } from "./project-paths";
import type { Backend, Environment } from "./schema";

/** PostgreSQL keeps the first 63 bytes of a name (NAMEDATALEN - 1) and silently drops the rest. */
export const PG_IDENTIFIER_MAX_BYTES = 63;
/** The longest S3 object key, in bytes of UTF-8. */
export const S3_KEY_MAX_BYTES = 1024;
/** A name PostgreSQL reads the same quoted or not: lower-case letters, digits and `_`. */
const PG_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** The default S3 object key of environment `env`. */
export const defaultS3Key = (env: string): string => `ai-factory/${env}.tfstate`;
/** The default Consul KV path of environment `env`. */
export const defaultConsulPath = (env: string): string => `ai-factory/${env}`;
/** The default PostgreSQL schema of environment `env` (`-` is not allowed unquoted). */
export const defaultPgSchema = (env: string): string => `ai_factory_${env.replace(/-/g, "_")}`;

/** The PostgreSQL schema the `pg` backend of environment `env` uses. */
export function pgSchemaName(env: string, backend: Extract<Backend, { type: "pg" }>): string {
  return backend.schemaName ?? defaultPgSchema(env);
}

const utf8Bytes = (s: string): number => Buffer.byteLength(s, "utf8");

/** The part of `name` PostgreSQL keeps: its first 63 bytes, never half a character. */
export function pgTruncate(name: string): string {
  let bytes = 0;
  let out = "";
  for (const c of name) {
    bytes += utf8Bytes(c);
    if (bytes > PG_IDENTIFIER_MAX_BYTES) break;
    out += c;
  }
  return out;
}

/**
 * Checks the backend of one environment against what its store accepts: the local state path
 * rule, S3 key rules (Terraform refuses a key that starts or ends with `/` or holds `//`; S3
 * keys are at most 1024 bytes) and PostgreSQL names (at most 63 bytes, or PostgreSQL cuts
 * them; `pg_` is reserved for system schemas).
 */
export function checkBackend(file: string, env: string, backend: Backend, problems: Problem[]): void {
  const at = (...path: DocPath): DocPath => ["backend", ...path];
  switch (backend.type) {
    case "local": {
      if (backend.path === undefined) return;
      const checked = checkProjectPath(backend.path, STATE_PATH_RULE);
      if (!checked.ok) problems.push({ file, path: at("path"), message: checked.problem });
      return;
    }
    case "s3": {
      const key = backend.key;
      if (key === undefined) return;
      const why = s3KeyProblem(key);
      if (why !== undefined) problems.push({ file, path: at("key"), message: `${why}, got ${show(key)}` });
      return;
    }
    case "pg": {
      if (backend.schemaName === undefined) {
        const name = defaultPgSchema(env);
        if (utf8Bytes(name) > PG_IDENTIFIER_MAX_BYTES) {
          problems.push({
            file,
            path: at(),
            message: `the default schema name ${show(name)} is ${utf8Bytes(name)} bytes; PostgreSQL keeps only the first ${PG_IDENTIFIER_MAX_BYTES}, so environments with long names could share one state; set backend.schemaName to a name of at most ${PG_IDENTIFIER_MAX_BYTES} bytes`,
          });
        }
        return;
      }
      const why = pgSchemaProblem(backend.schemaName);
      if (why !== undefined) problems.push({ file, path: at("schemaName"), message: `${why}, got ${show(backend.schemaName)}` });
      return;
    }
    default:
      return;
  }
}

function s3KeyProblem(key: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) return "must not contain control characters";
  if (key.startsWith("/") || key.endsWith("/")) return 'must not start or end with "/" (Terraform refuses it: S3 drops a leading "/", and a trailing one names a folder)';
  if (key.includes("//")) return 'must not contain "//" (Terraform refuses it)';
  if (utf8Bytes(key) > S3_KEY_MAX_BYTES) return `must be at most ${S3_KEY_MAX_BYTES} bytes (the S3 limit for an object key), is ${utf8Bytes(key)}`;
  return undefined;
}

function pgSchemaProblem(name: string): string | undefined {
  if (!PG_IDENTIFIER.test(name)) {
    return 'must be a PostgreSQL name that reads the same quoted or not: lower-case letters, digits and "_", not starting with a digit';
  }
  if (utf8Bytes(name) > PG_IDENTIFIER_MAX_BYTES) {
    return `must be at most ${PG_IDENTIFIER_MAX_BYTES} bytes (PostgreSQL keeps only the first ${PG_IDENTIFIER_MAX_BYTES}, so longer names can collide), is ${utf8Bytes(name)}`;
  }
  if (name.startsWith("pg_")) return 'must not start with "pg_" (PostgreSQL reserves it for system schemas)';
  return undefined;
}

/** One state location: `id` is equal for two locations exactly when they hold the same state. */
interface StateLocation {
  readonly id: string;
  /** The location for a message: `state file "state/prod.tfstate"`. */
  readonly shown: string;
  /** The setting that decides it, or `backend` when it is a default. */
  readonly path: DocPath;
}

/** The state location of an environment, normalized the way its store compares names. */
export function stateLocation(config: Environment): StateLocation {
  const env = config.name;
  const backend = config.backend;
  const setting = (key: string, value: unknown): DocPath => (value === undefined ? ["backend"] : ["backend", key]);
  switch (backend.type) {
    case "local": {
      const given = backend.path ?? defaultStatePath(env);
      const checked = checkProjectPath(given, STATE_PATH_RULE);
      const normalized = checked.ok ? checked.path : given;
      // Case-insensitive file systems (macOS, Windows) store State/x and state/X as one file.
      return { id: `local ${normalized.toLowerCase()}`, shown: `state file ${show(normalized)}`, path: setting("path", backend.path) };
    }
    case "s3": {
      const key = backend.key ?? defaultS3Key(env);
      const endpoint = backend.endpoint === undefined ? "AWS" : normalizeUrl(backend.endpoint);
      return {
        id: `s3 ${JSON.stringify([endpoint, backend.bucket, key])}`,
        shown: `S3 object ${show(`${backend.bucket}/${key}`)}${backend.endpoint === undefined ? "" : ` at ${show(backend.endpoint)}`}`,
        path: setting("key", backend.key),
      };
    }
    case "pg": {
      const schema = pgSchemaName(env, backend);
      // The connection string comes from PG_CONN_STR at deploy time: the databases cannot be told apart here.
      return { id: `pg ${pgTruncate(schema)}`, shown: `PostgreSQL schema ${show(schema)}`, path: setting("schemaName", backend.schemaName) };
    }
    case "http":
      return { id: `http ${normalizeUrl(backend.address)}`, shown: `HTTP state ${show(backend.address)}`, path: ["backend", "address"] };
    case "consul": {
      const kvPath = (backend.path ?? defaultConsulPath(env)).replace(/^\/+|\/+$/g, "");
      return {
        id: `consul ${JSON.stringify([backend.address.toLowerCase(), kvPath])}`,
        shown: `Consul key ${show(kvPath)} at ${show(backend.address)}`,
        path: setting("path", backend.path),
      };
    }
  }
}

/** A URL with the scheme and host in lower case, default port and trailing `/` dropped. */
function normalizeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}${u.search}`;
  } catch {
    return url;
  }
}

/**
 * Refuses two environments that share one state location: the second deploy would plan against
 * the first one's resources and destroy them. Covers the environments given (the files loaded
 * together); reports each clash on the later file, naming the earlier one.
 */
export function stateConflicts(envs: readonly { readonly file: string; readonly config: Environment }[]): Problem[] {
  const problems: Problem[] = [];
  const owners = new Map<string, { file: string; name: string }>();
  for (const env of envs) {
    const location = stateLocation(env.config);
    const owner = owners.get(location.id);
    if (owner === undefined) {
      owners.set(location.id, { file: env.file, name: env.config.name });
      continue;
    }
    problems.push({
      file: env.file,
      path: location.path,
      message: `${location.shown} is also the state of environment ${show(owner.name)} (${owner.file}); each environment needs its own state, or deploying one destroys the other's resources`,
    });
  }
  return problems;
}
