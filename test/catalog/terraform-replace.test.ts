import { Testing } from "cdktf";
import { PROVIDER_VERSIONS, REPLACE_RULES, forcesReplacement } from "../../catalog/terraform-replace";
import { AiFactoryStack } from "../../stacks/ai-factory-stack";
import { plannedFromYaml } from "../helpers/env";
import { exampleEnvironment } from "../helpers/synth-output";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// Upstream citations: K8S = hashicorp/terraform-provider-kubernetes at tag v2.38.0,
// HELM = hashicorp/terraform-provider-helm at tag v3.1.1, SDK = hashicorp/terraform-plugin-sdk at
// tag v2.37.0 (the SDK kubernetes v2.38.0 builds with).

/** Every example environment synthesized, as the stack emits them. */
function synthExamples(): Json[] {
  return ["dev", "staging", "prod"].map((name) => {
    const { env, plan } = plannedFromYaml(exampleEnvironment(name));
    return JSON.parse(Testing.synth(new AiFactoryStack(Testing.app(), env.config.name, { env, plan }))) as Json;
  });
}

describe("terraform replace rules", () => {
  const examples = synthExamples();

  test("GIVEN the example stacks WHEN their required_providers are read THEN they pin the provider versions the rules were read at", () => {
    for (const json of examples) {
      expect(json.terraform.required_providers.kubernetes.version).toBe(PROVIDER_VERSIONS.kubernetes);
      expect(json.terraform.required_providers.helm.version).toBe(PROVIDER_VERSIONS.helm);
    }
  });

  test("GIVEN the example stacks WHEN their resource types are listed THEN each has rules", () => {
    const types = new Set(examples.flatMap((json) => Object.keys(json.resource)));
    expect([...types].sort()).toEqual(Object.keys(REPLACE_RULES).sort());
  });

  test("GIVEN every rule WHEN its source is read THEN it names the repository and the pinned tag", () => {
    for (const [type, rules] of Object.entries(REPLACE_RULES)) {
      const pin = type === "helm_release" ? `hashicorp/terraform-provider-helm v${PROVIDER_VERSIONS.helm} ` : `hashicorp/terraform-provider-kubernetes v${PROVIDER_VERSIONS.kubernetes} `;
      expect(rules.source.startsWith(pin)).toBe(true);
    }
  });

  test("GIVEN every in-place path WHEN matched against the force-new paths THEN it lies under one (else it would not need listing)", () => {
    for (const rules of Object.values(REPLACE_RULES)) {
      for (const path of rules.inPlace ?? []) {
        expect(rules.forceNew.some((f) => path.startsWith(`${f}.`))).toBe(true);
      }
    }
  });

  test("GIVEN each resource type WHEN metadata.name changes THEN it is replaced", () => {
    // K8S kubernetes/schema_metadata.go line 37 (name ForceNew, used by namespace, PVC, storage
    // class, job); kubernetes/resource_kubernetes_labels.go line 57; kubernetes/resource_kubernetes_node_taint.go line 56.
    for (const type of ["kubernetes_job_v1", "kubernetes_labels", "kubernetes_namespace_v1", "kubernetes_node_taint", "kubernetes_persistent_volume_claim_v1", "kubernetes_storage_class_v1"]) {
      expect([type, forcesReplacement(type, "metadata.name")]).toEqual([type, true]);
    }
    // HELM helm/resource_helm_release.go line 417: name has stringplanmodifier.RequiresReplace().
    expect(forcesReplacement("helm_release", "name")).toBe(true);
  });

  test("GIVEN each namespaced resource WHEN metadata.namespace changes THEN it is replaced", () => {
    // K8S kubernetes/schema_metadata.go line 95; kubernetes/resource_kubernetes_labels.go line 63.
    expect(forcesReplacement("kubernetes_persistent_volume_claim_v1", "metadata.namespace")).toBe(true);
    expect(forcesReplacement("kubernetes_job_v1", "metadata.namespace")).toBe(true);
    expect(forcesReplacement("kubernetes_labels", "metadata.namespace")).toBe(true);
    // HELM helm/resource_helm_release.go line 429.
    expect(forcesReplacement("helm_release", "namespace")).toBe(true);
  });

  test("GIVEN a metadata label or annotation WHEN it changes THEN the object is updated in place", () => {
    // K8S kubernetes/schema_metadata.go lines 14-32: annotations and labels have no ForceNew.
    expect(forcesReplacement("kubernetes_namespace_v1", 'metadata.labels["app.kubernetes.io/part-of"]')).toBe(false);
    expect(forcesReplacement("kubernetes_storage_class_v1", 'metadata.labels["app.kubernetes.io/component"]')).toBe(false);
    expect(forcesReplacement("kubernetes_job_v1", 'metadata.annotations["a.b/c"]')).toBe(false);
  });

  test("GIVEN a PVC WHEN storage_class_name, access_modes or volume_mode changes THEN it is replaced", () => {
    // K8S kubernetes/schema_persistent_volume_claim.go lines 91 (storage_class_name), 33 (access_modes), 98 (volume_mode).
    expect(forcesReplacement("kubernetes_persistent_volume_claim_v1", "spec.storage_class_name")).toBe(true);
    expect(forcesReplacement("kubernetes_persistent_volume_claim_v1", "spec.access_modes[0]")).toBe(true);
    expect(forcesReplacement("kubernetes_persistent_volume_claim_v1", "spec.volume_mode")).toBe(true);
    // K8S kubernetes/schema_persistent_volume_claim.go line 56: limits is ForceNew (the CustomizeDiff
    // in kubernetes/resource_kubernetes_persistent_volume_claim_v1.go line 63 forces it too).
    expect(forcesReplacement("kubernetes_persistent_volume_claim_v1", "spec.resources.limits.storage")).toBe(true);
  });

  test("GIVEN a PVC storage request WHEN it grows THEN it is updated in place, and WHEN it shrinks THEN the claim is replaced", () => {
    // K8S kubernetes/schema_persistent_volume_claim.go line 60: requests has no ForceNew;
    // kubernetes/resource_kubernetes_persistent_volume_claim_v1.go lines 79-82: ForceNew when the new quantity is smaller.
    const pvc = "kubernetes_persistent_volume_claim_v1";
    expect(forcesReplacement(pvc, "spec.resources.requests.storage")).toBe(false);
    expect(forcesReplacement(pvc, "spec.resources.requests.storage", { before: "500Gi", after: "1Ti" })).toBe(false);
    expect(forcesReplacement(pvc, "spec.resources.requests.storage", { before: "1Ti", after: "500Gi" })).toBe(true);
    expect(forcesReplacement(pvc, "spec.resources.requests.storage", { before: "1Gi", after: "1024Mi" })).toBe(false);
    // Units differ: 100G is 100e9 bytes, less than 100Gi (107.4e9).
    expect(forcesReplacement(pvc, "spec.resources.requests.storage", { before: "100Gi", after: "100G" })).toBe(true);
    expect(forcesReplacement(pvc, "spec.resources.requests.storage", { before: "100G", after: "99Gi" })).toBe(false);
    expect(forcesReplacement(pvc, "spec.resources.requests.storage", { before: "100Gi", after: "lots" })).toBe(true);
  });

  test("GIVEN kubernetes_labels WHEN a label value, force or field_manager changes THEN it is updated in place", () => {
    // K8S kubernetes/resource_kubernetes_labels.go lines 68-84: labels, force and field_manager have no ForceNew.
    expect(forcesReplacement("kubernetes_labels", 'labels["ai-factory.io/pool"]')).toBe(false);
    expect(forcesReplacement("kubernetes_labels", "force")).toBe(false);
    expect(forcesReplacement("kubernetes_labels", "field_manager")).toBe(false);
    // A quoted key is one segment: a label named like a forced path is still a label.
    expect(forcesReplacement("kubernetes_labels", 'labels["metadata.name"]')).toBe(false);
  });

  test("GIVEN kubernetes_labels WHEN the target's api_version or kind changes THEN it is replaced", () => {
    // K8S kubernetes/resource_kubernetes_labels.go lines 39 and 45.
    expect(forcesReplacement("kubernetes_labels", "api_version")).toBe(true);
    expect(forcesReplacement("kubernetes_labels", "kind")).toBe(true);
  });

  test("GIVEN a node taint WHEN a taint changes THEN it is updated in place", () => {
    // K8S kubernetes/resource_kubernetes_node_taint.go line 73 and kubernetes/schema_node_spec.go lines 163-181: no ForceNew.
    expect(forcesReplacement("kubernetes_node_taint", "taint[0].effect")).toBe(false);
    expect(forcesReplacement("kubernetes_node_taint", "taint[1]")).toBe(false);
  });

  test("GIVEN a storage class WHEN parameters, provisioner, binding mode or mount options change THEN it is replaced", () => {
    // K8S kubernetes/resource_kubernetes_storage_class_v1.go lines 40, 46, 63, 80.
    const sc = "kubernetes_storage_class_v1";
    expect(forcesReplacement(sc, "parameters.server")).toBe(true);
    expect(forcesReplacement(sc, 'parameters["csi.storage.k8s.io/fstype"]')).toBe(true);
    expect(forcesReplacement(sc, "storage_provisioner")).toBe(true);
    expect(forcesReplacement(sc, "volume_binding_mode")).toBe(true);
    expect(forcesReplacement(sc, "mount_options[0]")).toBe(true);
  });

  test("GIVEN a storage class WHEN reclaim_policy or allow_volume_expansion changes THEN Terraform plans an update", () => {
    // K8S kubernetes/resource_kubernetes_storage_class_v1.go line 48: reclaim_policy has no ForceNew
    // (the update at line 200 does not send it); line 70: allow_volume_expansion is patched.
    expect(forcesReplacement("kubernetes_storage_class_v1", "reclaim_policy")).toBe(false);
    expect(forcesReplacement("kubernetes_storage_class_v1", "allow_volume_expansion")).toBe(false);
  });

  test("GIVEN a storage class's allowed_topologies WHEN the block is added THEN it is replaced, and WHEN a term inside changes THEN it is not", () => {
    // K8S kubernetes/resource_kubernetes_storage_class_v1.go line 88 (block ForceNew, nested fields
    // at lines 92-106 not); SDK helper/schema/schema.go line 1396 (a block's ForceNew marks its count only).
    expect(forcesReplacement("kubernetes_storage_class_v1", "allowed_topologies")).toBe(true);
    expect(forcesReplacement("kubernetes_storage_class_v1", "allowed_topologies.match_label_expressions[0].values[0]")).toBe(false);
  });

  test("GIVEN helm_release WHEN values, version, chart or repository change THEN it is upgraded in place", () => {
    // HELM helm/resource_helm_release.go: RequiresReplace only at lines 417 and 429 (name, namespace).
    for (const path of ["values[0]", "version", "chart", "repository", "timeout", "atomic", "wait", "create_namespace"]) {
      expect([path, forcesReplacement("helm_release", path)]).toEqual([path, false]);
    }
  });

  test("GIVEN a job WHEN completions or the pod template changes THEN it is replaced", () => {
    // K8S kubernetes/schema_job_spec.go lines 71 (completions) and 229 (template); the container
    // fields are ForceNew via podSpecFields(isUpdatable=false): kubernetes/schema_container.go lines 489 (image), 285 (command), 304 (env.value).
    const job = "kubernetes_job_v1";
    expect(forcesReplacement(job, "spec.completions")).toBe(true);
    expect(forcesReplacement(job, "spec.template.spec.container[0].image")).toBe(true);
    expect(forcesReplacement(job, "spec.template.spec.container[0].command[2]")).toBe(true);
    expect(forcesReplacement(job, "spec.template.spec.container[0].env[3].value")).toBe(true);
    expect(forcesReplacement(job, "spec.template.spec.container[0].resources.limits.memory")).toBe(true);
    // K8S kubernetes/schema_pod_spec.go line 266 (restart_policy), 287 (security_context.fs_group).
    expect(forcesReplacement(job, "spec.template.spec.restart_policy")).toBe(true);
    expect(forcesReplacement(job, "spec.template.spec.security_context.fs_group")).toBe(true);
    // K8S kubernetes/schema_container.go line 665: adding a volume mount changes the ForceNew count.
    expect(forcesReplacement(job, "spec.template.spec.container[0].volume_mount[1]")).toBe(true);
  });

  test("GIVEN a job WHEN parallelism, backoff_limit, labels or wait_for_completion change THEN it is updated in place", () => {
    // K8S kubernetes/schema_job_spec.go lines 56 and 103 (ForceNew: false); kubernetes/resource_kubernetes_job_v1.go line 65.
    const job = "kubernetes_job_v1";
    expect(forcesReplacement(job, "spec.parallelism")).toBe(false);
    expect(forcesReplacement(job, "spec.backoff_limit")).toBe(false);
    expect(forcesReplacement(job, "spec.active_deadline_seconds")).toBe(false);
    expect(forcesReplacement(job, "wait_for_completion")).toBe(false);
    expect(forcesReplacement(job, "timeouts.create")).toBe(false);
    // K8S kubernetes/schema_job_spec.go line 25: the template's metadata is metadataSchema (labels not ForceNew, name ForceNew).
    expect(forcesReplacement(job, 'spec.template.metadata.labels["app"]')).toBe(false);
    expect(forcesReplacement(job, "spec.template.metadata.name")).toBe(true);
  });

  test("GIVEN a job WHEN a volume's claim name or a mount path changes THEN Terraform plans an update, not a replacement", () => {
    // K8S kubernetes/schema_pod_spec.go lines 563 and 839 (volume, claim_name: no ForceNew);
    // kubernetes/schema_container.go lines 225-230 (volumeMountFields: no ForceNew).
    const job = "kubernetes_job_v1";
    expect(forcesReplacement(job, "spec.template.spec.volume[0].persistent_volume_claim.claim_name")).toBe(false);
    expect(forcesReplacement(job, "spec.template.spec.container[0].volume_mount[0].mount_path")).toBe(false);
    // K8S kubernetes/schema_pod_spec.go line 763: empty_dir.medium is ForceNew again below the volume list.
    expect(forcesReplacement(job, "spec.template.spec.volume[1].empty_dir.medium")).toBe(true);
  });

  test("GIVEN an unknown resource type or a Terraform meta-argument WHEN asked THEN nothing forces replacement", () => {
    expect(forcesReplacement("kubernetes_deployment_v1", "metadata.name")).toBe(false);
    expect(forcesReplacement("kubernetes_persistent_volume_claim_v1", "lifecycle.prevent_destroy")).toBe(false);
    expect(forcesReplacement("kubernetes_persistent_volume_claim_v1", "depends_on[0]")).toBe(false);
    expect(forcesReplacement("kubernetes_persistent_volume_claim_v1", '["//"].metadata.path')).toBe(false);
  });

  test("throws when a path has an unclosed or non-numeric bracket", () => {
    expect(() => forcesReplacement("kubernetes_labels", 'labels["a.b"')).toThrow(/terraform-replace\.ts: path .*unclosed "\["/);
    expect(() => forcesReplacement("kubernetes_labels", "labels[x]")).toThrow(/got \[x\]; allowed \[<index>\] or \["<key>"\]/);
  });
});
