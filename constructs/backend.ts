/**
 * The Terraform state backend of an environment. Credentials are never taken from the file:
 * each backend reads them from its usual environment variables at deploy time.
 */
import { ConsulBackend, HttpBackend, LocalBackend, PgBackend, S3Backend, TerraformStack } from "cdktf";
import { KUBECONFIG_PATH_RULE, STATE_PATH_RULE, defaultStatePath, pathForTerraform } from "../config/project-paths";
import type { Backend } from "../config/schema";
import { defaultConsulPath, defaultS3Key, pgSchemaName } from "../config/state-location";

/**
 * Where `cdktf deploy` runs Terraform for a stack, relative to the project root. Paths in the
 * file are relative to the project root, so they are rebased from here (config/project-paths.ts).
 */
export { STACK_WORKING_DIR } from "../config/project-paths";

/**
 * The Terraform (and OpenTofu) versions the synthesized JSON needs. The S3 backend's
 * `endpoints`, `use_path_style` (1.6.0) and `skip_requesting_account_id` (1.6.1) are the newest
 * settings emitted (Terraform CHANGELOG 1.6.0 and 1.6.1; OpenTofu 1.6.0 has all three).
 */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.6.1";

/**
 * The kubeconfig path as Terraform reads it in the stack of `env`: `~/…` as written (the
 * providers expand it on the deploying machine), a project path rebased to the stack's directory.
 */
export function kubeconfigPathForTerraform(env: string, kubeconfigPath: string): string {
  return pathForTerraform(kubeconfigPath, env, KUBECONFIG_PATH_RULE);
}

/** Configures the stack's backend from the environment file. */
export function configureBackend(stack: TerraformStack, env: string, backend: Backend): void {
  switch (backend.type) {
    case "local": {
      // cdktf's default is an absolute path of the synthesizing machine; we keep it portable.
      new LocalBackend(stack, { path: pathForTerraform(backend.path ?? defaultStatePath(env), env, STATE_PATH_RULE) });
      return;
    }
    case "s3": {
      const compatible = backend.endpoint !== undefined;
      new S3Backend(stack, {
        bucket: backend.bucket,
        key: backend.key ?? defaultS3Key(env),
        region: backend.region,
        // `encrypt` makes Terraform send SSE-S3 (AES256) headers; S3-compatible stores without a
        // KMS refuse them (MinIO answers 501 "Server side encryption specified but KMS is not
        // configured"), so it is on by default only against AWS.
        encrypt: backend.encrypt ?? !compatible,
        usePathStyle: backend.usePathStyle,
        ...(compatible
          ? {
              // `endpoint` is deprecated since Terraform 1.6 for `endpoints.s3`.
              endpoints: { s3: backend.endpoint },
              // On-prem S3 stores have no AWS account, region list or metadata service to ask.
              skipCredentialsValidation: true,
              skipRegionValidation: true,
              skipRequestingAccountId: true,
              skipMetadataApiCheck: true,
            }
          : {}),
      });
      return;
    }
    case "pg":
      // conn_str is left out on purpose: Terraform reads PG_CONN_STR, so no secret is synthesized.
      new PgBackend(stack, {
        connStr: undefined as unknown as string,
        schemaName: pgSchemaName(env, backend),
      });
      return;
    case "http":
      new HttpBackend(stack, {
        address: backend.address,
        lockAddress: backend.lockAddress,
        unlockAddress: backend.unlockAddress,
      });
      return;
    case "consul":
      // access_token is left out on purpose: Terraform reads CONSUL_HTTP_TOKEN.
      new ConsulBackend(stack, {
        address: backend.address,
        path: backend.path ?? defaultConsulPath(env),
        scheme: backend.scheme,
        accessToken: undefined as unknown as string,
      });
      return;
  }
}
