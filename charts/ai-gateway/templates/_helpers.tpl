{{/* Chart label value. */}}
{{- define "ai-gateway.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels in every selector; never change them on a running release (selectors are immutable). */}}
{{- define "ai-gateway.selectorLabels" -}}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/name: {{ .ctx.Chart.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Labels on every object: `include "ai-gateway.labels" (dict "ctx" $ "component" "gateway")`. */}}
{{- define "ai-gateway.labels" -}}
{{ include "ai-gateway.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: ai-factory
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
helm.sh/chart: {{ include "ai-gateway.chart" .ctx }}
{{- end -}}

{{/* `repository:tag` of an image value. */}}
{{- define "ai-gateway.image" -}}
{{- printf "%s:%s" .repository .tag -}}
{{- end -}}

{{/*
The RE2 expression a model's rule matches the tenant header against: exactly one of the allowed
teams (names are DNS labels: nothing to escape). Mirrors allowedTeamsRegex() in
constructs/gateway-chart-values-schema.ts.
*/}}
{{- define "ai-gateway.teamRegex" -}}
{{- printf "^(%s)$" (join "|" (sortAlpha .)) -}}
{{- end -}}

{{/*
Cross-field rules JSON Schema cannot express. Each mirrors a rule of the superRefine in
constructs/gateway-chart-values-schema.ts, with the same path and fix.
*/}}
{{- define "ai-gateway.validate" -}}
{{- $v := .Values -}}
{{- $prefix := "ai-gateway values" -}}
{{- if not $v.teams -}}
{{- fail (printf "%s: teams: a gateway without teams accepts no key; set teams.<name>.keySecret" $prefix) -}}
{{- end -}}
{{- if not $v.backends -}}
{{- fail (printf "%s: backends: no model behind the gateway; set backends.<name>" $prefix) -}}
{{- end -}}
{{- if not $v.routes -}}
{{- fail (printf "%s: routes: no AIGatewayRoute; set routes.<name>.backends" $prefix) -}}
{{- end -}}
{{- $routed := dict -}}
{{- range $route, $r := $v.routes -}}
{{- range $i, $b := $r.backends -}}
{{- if not (hasKey $v.backends $b) -}}
{{- fail (printf "%s: routes.%s.backends[%d]: unknown backend %q (backends: %s)" $prefix $route $i $b (join ", " (keys $v.backends | sortAlpha))) -}}
{{- end -}}
{{- if hasKey $routed $b -}}
{{- fail (printf "%s: routes.%s.backends[%d]: backend %q is also in routes.%s; give each backend one rule" $prefix $route $i $b (get $routed $b)) -}}
{{- end -}}
{{- $_ := set $routed $b $route -}}
{{- end -}}
{{- end -}}
{{- range $name, $b := $v.backends -}}
{{- if not (hasKey $routed $name) -}}
{{- fail (printf "%s: backends.%s: is in no route, so no request reaches it; add it to routes.<name>.backends" $prefix $name) -}}
{{- end -}}
{{- range $i, $t := $b.allowedTeams -}}
{{- if not (hasKey $v.teams $t) -}}
{{- fail (printf "%s: backends.%s.allowedTeams[%d]: unknown team %q (teams: %s)" $prefix $name $i $t (join ", " (keys $v.teams | sortAlpha))) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
