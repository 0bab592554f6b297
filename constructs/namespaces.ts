/**
 * The namespaces ai-factory owns, with Pod Security Admission labels: the GPU Operator needs
 * `privileged` (its daemonsets load drivers and mount host paths); model servers run under
 * `restricted`, the strictest level, which the model-server chart satisfies.
 */
import { Construct } from "constructs";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";

/** Pod Security Standards level of a namespace. */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

export interface AiNamespaceProps {
  /** Namespace name. */
  readonly name: string;
  /** Pod Security level enforced; audit and warn are always `restricted`, so gaps show up in logs. */
  readonly enforce: PodSecurityLevel;
  /**
   * Extra labels on the namespace.
   * @default - only the Pod Security and `app.kubernetes.io/managed-by` labels
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** One namespace with Pod Security labels. */
export class AiNamespace extends Construct {
  /** The namespace name, for `metadata.namespace` of what goes in it. */
  public readonly name: string;
  public readonly resource: NamespaceV1;

  constructor(scope: Construct, id: string, props: AiNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    this.resource = new NamespaceV1(this, "namespace", {
      metadata: {
        name: props.name,
        labels: {
          ...props.labels,
          "app.kubernetes.io/managed-by": "ai-factory",
          "pod-security.kubernetes.io/enforce": props.enforce,
          "pod-security.kubernetes.io/enforce-version": "latest",
          "pod-security.kubernetes.io/audit": "restricted",
          "pod-security.kubernetes.io/warn": "restricted",
        },
      },
    });
  }
}
