{{/*
Labels on every object of the chart.
*/}}
{{- define "observability.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ai-factory
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{/*
The chart's labels with `extra` over them (the selector labels win: they are what Prometheus and
Grafana look for). Call with (dict "root" $ "extra" <map>).
*/}}
{{- define "observability.labelsWith" -}}
{{- $labels := fromYaml (include "observability.labels" .root) -}}
{{- range $k, $v := .extra }}
{{- $_ := set $labels $k $v }}
{{- end }}
{{- toYaml $labels }}
{{- end }}

{{/*
Cross-field rules the values schema cannot express, with the messages of
constructs/observability-values-schema.ts.
*/}}
{{- define "observability.validate" -}}
{{- range $uid, $d := .Values.dashboards }}
{{- if and (hasKey $d "uid") (ne (toString (get $d "uid")) $uid) }}
{{- fail (printf "ai-factory-observability values: dashboards.%s.uid: must be the dashboard's key %q (the ConfigMap is named after it), got %q; set dashboards.%s.uid=%s" $uid $uid (toString (get $d "uid")) $uid $uid) }}
{{- end }}
{{- end }}
{{- $seen := dict }}
{{- range $g, $group := .Values.rules.groups }}
{{- if hasKey $seen $group.name }}
{{- fail (printf "ai-factory-observability values: rules.groups.%d.name: rule group %q is listed twice; the Prometheus Operator refuses duplicate group names" $g $group.name) }}
{{- end }}
{{- $_ := set $seen $group.name true }}
{{- range $r, $rule := $group.rules }}
{{- if eq (hasKey $rule "alert") (hasKey $rule "record") }}
{{- fail (printf "ai-factory-observability values: rules.groups.%d.rules.%d: a rule needs exactly one of `alert` and `record`" $g $r) }}
{{- end }}
{{- if and (hasKey $rule "for") (not (hasKey $rule "alert")) }}
{{- fail (printf "ai-factory-observability values: rules.groups.%d.rules.%d.for: only an alerting rule has `for`; remove it from the recording rule" $g $r) }}
{{- end }}
{{- end }}
{{- end }}
{{- $pm := .Values.gatewayPodMonitor }}
{{- if and $pm.enabled (empty $pm.podLabels) }}
{{- fail "ai-factory-observability values: gatewayPodMonitor.podLabels: must name the Envoy proxy pods' labels when the PodMonitor is enabled: {} selects every pod of the namespace" }}
{{- end }}
{{- if and $pm.enabled (empty $pm.endpoints) }}
{{- fail "ai-factory-observability values: gatewayPodMonitor.endpoints: must list at least one endpoint when the PodMonitor is enabled" }}
{{- end }}
{{- end }}
