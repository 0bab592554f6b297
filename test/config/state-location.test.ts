import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../../config/errors";
import { loadEnvironmentFiles, parseEnvironment } from "../../config/loader";
import { defaultPgSchema, pgTruncate, stateConflicts } from "../../config/state-location";
import { envFromYaml } from "../helpers/env";
import { tempDir } from "../helpers/run";

/** An environment file named `name` with the given backend (a YAML flow mapping, or none). */
const envYaml = (name: string, backend?: string) => `name: ${name}
description: d
cluster: { kubeconfig: { context: c } }
${backend === undefined ? "" : `backend: ${backend}\n`}nodePools:
  main: { nodes: [gpu-01], server: hgx-h100-8 }
`;

/** Writes `files` (name → backend) into a fresh directory and returns the error lines of loading them in order. */
function conflictsOf(files: ReadonlyArray<[string, string | undefined]>): string[] {
  const dir = tempDir();
  try {
    for (const [name, backend] of files) fs.writeFileSync(path.join(dir, `${name}.yaml`), envYaml(name, backend));
    try {
      loadEnvironmentFiles(
        files.map(([name]) => `${name}.yaml`),
        dir,
      );
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).message.split("\n");
    }
    return [];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const SHARED = "each environment needs its own state, or deploying one destroys the other's resources";

describe("one state per environment", () => {
  test("GIVEN the defaults WHEN several environments load THEN each has its own state", () => {
    expect(conflictsOf([["dev", undefined], ["prod", undefined], ["qa", "{ type: pg }"], ["eu", "{ type: s3, bucket: b }"]])).toEqual([]);
  });

  test("GIVEN one local state file written two ways WHEN loaded THEN the second file is refused, naming the first", () => {
    expect(conflictsOf([["dev", "{ type: local, path: state/common.tfstate }"], ["prod", "{ type: local, path: ./state//x/../common.tfstate }"]])).toEqual([
      `prod.yaml: backend.path: state file "state/common.tfstate" is also the state of environment "dev" (dev.yaml); ${SHARED}`,
    ]);
  });

  test("GIVEN a path that is another environment's default WHEN loaded THEN it clashes with it", () => {
    expect(conflictsOf([["dev", undefined], ["prod", "{ type: local, path: state/dev.tfstate }"]])).toEqual([
      `prod.yaml: backend.path: state file "state/dev.tfstate" is also the state of environment "dev" (dev.yaml); ${SHARED}`,
    ]);
  });

  test("GIVEN local paths that differ only in case WHEN loaded THEN they clash (one file on macOS and Windows)", () => {
    expect(conflictsOf([["dev", "{ type: local, path: State/Common.tfstate }"], ["prod", "{ type: local, path: state/common.tfstate }"]])).toEqual([
      `prod.yaml: backend.path: state file "state/common.tfstate" is also the state of environment "dev" (dev.yaml); ${SHARED}`,
    ]);
  });

  test("GIVEN S3 buckets and keys WHEN loaded THEN the same bucket, key and endpoint clash, a different endpoint does not", () => {
    expect(
      conflictsOf([
        ["dev", "{ type: s3, bucket: tf, key: shared.tfstate, endpoint: https://MinIO.corp.example/ }"],
        ["prod", "{ type: s3, bucket: tf, key: shared.tfstate, endpoint: https://minio.corp.example }"],
        ["qa", "{ type: s3, bucket: tf, key: shared.tfstate, endpoint: https://other.corp.example }"],
        ["eu", "{ type: s3, bucket: tf, key: shared.tfstate }"],
      ]),
    ).toEqual([
      `prod.yaml: backend.key: S3 object "tf/shared.tfstate" at "https://minio.corp.example" is also the state of environment "dev" (dev.yaml); ${SHARED}`,
    ]);
    expect(conflictsOf([["dev", "{ type: s3, bucket: tf }"], ["prod", "{ type: s3, bucket: tf, key: ai-factory/dev.tfstate }"]])).toEqual([
      `prod.yaml: backend.key: S3 object "tf/ai-factory/dev.tfstate" is also the state of environment "dev" (dev.yaml); ${SHARED}`,
    ]);
  });

  test("GIVEN a pg schema that is another environment's default WHEN loaded THEN they clash", () => {
    expect(conflictsOf([["dev-a", "{ type: pg }"], ["prod", "{ type: pg, schemaName: ai_factory_dev_a }"]])).toEqual([
      `prod.yaml: backend.schemaName: PostgreSQL schema "ai_factory_dev_a" is also the state of environment "dev-a" (dev-a.yaml); ${SHARED}`,
    ]);
  });

  test("GIVEN http and consul backends WHEN loaded THEN the same address (and path) clash", () => {
    expect(
      conflictsOf([
        ["dev", "{ type: http, address: https://TF.example/state/shared }"],
        ["prod", "{ type: http, address: https://tf.example:443/state/shared }"],
        ["qa", "{ type: consul, address: consul:8500, path: /tf/shared }"],
        ["eu", "{ type: consul, address: CONSUL:8500, path: tf/shared/ }"],
        ["us", "{ type: consul, address: consul:8500, path: tf/other }"],
      ]),
    ).toEqual([
      `prod.yaml: backend.address: HTTP state "https://tf.example:443/state/shared" is also the state of environment "dev" (dev.yaml); ${SHARED}`,
      `eu.yaml: backend.path: Consul key "tf/shared" at "CONSUL:8500" is also the state of environment "qa" (qa.yaml); ${SHARED}`,
    ]);
  });

  test("GIVEN environments WHEN compared THEN only the files given are compared", () => {
    const dev = envFromYaml(envYaml("dev", "{ type: local, path: state/x.tfstate }"));
    const prod = envFromYaml(envYaml("prod", "{ type: local, path: state/x.tfstate }"));
    expect(stateConflicts([dev])).toEqual([]);
    expect(stateConflicts([dev, prod]).map((p) => [p.file, p.path.join(".")])).toEqual([["prod.yaml", "backend.path"]]);
  });
});

describe("backend names fit the store", () => {
  const problemsOf = (name: string, backend: string) => parseEnvironment(`${name}.yaml`, envYaml(name, backend)).problems.map((p) => `${p.path.join(".")}: ${p.message}`);

  test.each<[string, string]>([
    ["/ai-factory/prod.tfstate", 'must not start or end with "/" (Terraform refuses it: S3 drops a leading "/", and a trailing one names a folder)'],
    ["ai-factory/", 'must not start or end with "/" (Terraform refuses it: S3 drops a leading "/", and a trailing one names a folder)'],
    ["ai-factory//prod.tfstate", 'must not contain "//" (Terraform refuses it)'],
  ])("GIVEN the S3 key %j WHEN checked THEN it is refused", (key, why) => {
    expect(problemsOf("prod", `{ type: s3, bucket: b, key: "${key}" }`)).toEqual([`backend.key: ${why}, got "${key}"`]);
  });

  test("GIVEN an S3 key over 1024 bytes WHEN checked THEN it is refused with its size", () => {
    const key = `${"é".repeat(513)}`;
    expect(problemsOf("prod", `{ type: s3, bucket: b, key: ${key} }`)).toEqual([
      `backend.key: must be at most 1024 bytes (the S3 limit for an object key), is 1026, got "${"é".repeat(60)}"… (513 characters)`,
    ]);
  });

  test.each<[string, string]>([
    ["Terraform", 'must be a PostgreSQL name that reads the same quoted or not: lower-case letters, digits and "_", not starting with a digit'],
    ["tf-state", 'must be a PostgreSQL name that reads the same quoted or not: lower-case letters, digits and "_", not starting with a digit'],
    ["1state", 'must be a PostgreSQL name that reads the same quoted or not: lower-case letters, digits and "_", not starting with a digit'],
    ["pg_state", 'must not start with "pg_" (PostgreSQL reserves it for system schemas)'],
    ["s".repeat(64), "must be at most 63 bytes (PostgreSQL keeps only the first 63, so longer names can collide), is 64"],
  ])("GIVEN the pg schema %j WHEN checked THEN it is refused", (schema, why) => {
    expect(problemsOf("prod", `{ type: pg, schemaName: "${schema}" }`)).toEqual([`backend.schemaName: ${why}, got ${JSON.stringify(schema.length > 60 ? schema.slice(0, 60) : schema)}${schema.length > 60 ? "… (64 characters)" : ""}`]);
  });

  test("GIVEN a 63-byte schema name WHEN checked THEN it is accepted", () => {
    expect(problemsOf("prod", `{ type: pg, schemaName: ${"s".repeat(63)} }`)).toEqual([]);
  });

  test("GIVEN an environment name that makes the default schema too long WHEN checked THEN schemaName is asked for", () => {
    const name = `e${"x".repeat(52)}`;
    expect(defaultPgSchema(name)).toHaveLength(64);
    expect(problemsOf(name, "{ type: pg }")).toEqual([
      `backend: the default schema name "ai_factory_${name.slice(0, 49)}"… (64 characters) is 64 bytes; PostgreSQL keeps only the first 63, so environments with long names could share one state; set backend.schemaName to a name of at most 63 bytes`,
    ]);
    expect(problemsOf(name.slice(0, 52), "{ type: pg }")).toEqual([]);
  });

  test("GIVEN names WHEN cut as PostgreSQL cuts them THEN 63 bytes are kept, never half a character", () => {
    expect(pgTruncate("a".repeat(70))).toBe("a".repeat(63));
    expect(pgTruncate(`${"a".repeat(62)}é`)).toBe("a".repeat(62));
  });
});
