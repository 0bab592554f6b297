/**
 * YAML for Helm: the one writer of every values document and every YAML file the stack hands to a
 * Go program. Helm parses values with sigs.k8s.io/yaml over go-yaml v2, which follows YAML 1.1:
 * unquoted `y`, `n`, `yes`, `no`, `on`, `off` are booleans there, so a dashboard's `gridPos.y` key
 * became `true`. Written as YAML 1.1, every such string (and key) is quoted, and reads back as the
 * same string under YAML 1.1 and 1.2 alike. Keys are sorted, and repeated objects are written out
 * in full rather than as anchors.
 */
import { stringify } from "yaml";

export function helmYaml(value: unknown): string {
  return stringify(value, { version: "1.1", sortMapEntries: true, aliasDuplicateObjects: false });
}
