{{/*
Base name of every object: the served model name, lower-cased, other characters turned into "-",
prefixed with "m-" when it would start with a digit, at most 52 characters (so "<name>-server"
fits the 63 of a Service). Mirrors modelServerObjectName() in config/kubernetes-names.ts.
*/}}
{{- define "model-server.name" -}}
{{- $n := regexReplaceAll "[^a-z0-9-]+" (lower .Values.servedModelName) "-" | trimAll "-" -}}
{{- if not (regexMatch "^[a-z]" $n) -}}{{- $n = printf "m-%s" $n -}}{{- end -}}
{{- regexReplaceAll "-+$" (trunc 52 $n) "" -}}
{{- end -}}

{{/* The Service name: service.name, or "<name>-server". */}}
{{- define "model-server.serviceName" -}}
{{- .Values.service.name | default (printf "%s-server" (include "model-server.name" .)) -}}
{{- end -}}

{{/* Chart label value. */}}
{{- define "model-server.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels in every selector; never change them on a running release (selectors are immutable). */}}
{{- define "model-server.selectorLabels" -}}
ai-factory/model: {{ include "model-server.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/name: {{ .Chart.Name }}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "model-server.labels" -}}
{{ include "model-server.selectorLabels" . }}
app.kubernetes.io/component: model-server
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Values.image.tag | quote }}
helm.sh/chart: {{ include "model-server.chart" . }}
{{- end -}}

{{/* The image reference: repository:tag, plus @digest when pinned by digest. */}}
{{- define "model-server.image" -}}
{{- $ref := printf "%s:%s" .Values.image.repository .Values.image.tag -}}
{{- if .Values.image.digest -}}{{- $ref = printf "%s@%s" $ref .Values.image.digest -}}{{- end -}}
{{- $ref -}}
{{- end -}}

{{/* The default KEDA query; mirrors modelServerQueueQuery(). */}}
{{- define "model-server.queueQuery" -}}
{{- printf "sum(vllm:num_requests_waiting{model_name=%q})" .Values.servedModelName -}}
{{- end -}}

{{/* Home directory of the non-root user (an emptyDir); mirrors MODEL_SERVER_HOME. */}}
{{- define "model-server.home" -}}/home/vllm{{- end -}}

{{/*
Cross-field rules JSON Schema cannot express. Each mirrors a rule of the superRefine in
constructs/model-server-values-schema.ts, with the same path and fix.
*/}}
{{- define "model-server.validate" -}}
{{- $v := .Values -}}
{{- $prefix := "model-server values" -}}
{{- if eq (include "model-server.serviceName" .) "vllm" -}}
{{- fail (printf "%s: service.name: the Service may not be named \"vllm\" (vLLM reads VLLM_PORT, which such a Service injects); set service.name=<other name>" $prefix) -}}
{{- end -}}
{{- if and (eq $v.strategy "RollingUpdate") (eq (int $v.rollingUpdate.maxSurge) 0) (eq (int $v.rollingUpdate.maxUnavailable) 0) -}}
{{- fail (printf "%s: rollingUpdate: maxSurge and maxUnavailable cannot both be 0 (the rollout could never progress); set rollingUpdate.maxUnavailable=1" $prefix) -}}
{{- end -}}
{{- if and (eq $v.strategy "Recreate") (gt (int $v.rollingUpdate.maxSurge) 0) -}}
{{- fail (printf "%s: rollingUpdate.maxSurge: strategy Recreate starts no replica beyond replicas, got %d; set rollingUpdate.maxSurge=0 or strategy=RollingUpdate" $prefix (int $v.rollingUpdate.maxSurge)) -}}
{{- end -}}
{{- $tp := int $v.engine.tensorParallelSize -}}
{{- $gpus := int $v.resources.gpu.count -}}
{{- if ne $gpus $tp -}}
{{- fail (printf "%s: resources.gpu.count: must equal engine.tensorParallelSize (%d), got %d; set resources.gpu.count=%d" $prefix $tp $gpus $tp) -}}
{{- end -}}
{{- if and (hasPrefix "nvidia.com/mig-" $v.resources.gpu.resourceName) (ne $tp 1) -}}
{{- fail (printf "%s: engine.tensorParallelSize: MIG slices cannot be combined with tensor parallelism (no NCCL between slices), got %d; set engine.tensorParallelSize=1 or use resources.gpu.resourceName=nvidia.com/gpu" $prefix $tp) -}}
{{- end -}}
{{- if and (gt $tp 1) (not $v.shm.sizeLimit) -}}
{{- fail (printf "%s: shm.sizeLimit: is required when engine.tensorParallelSize > 1 (NCCL uses /dev/shm); set shm.sizeLimit=16Gi" $prefix) -}}
{{- end -}}
{{- $preStop := int $v.drain.preStopSeconds -}}
{{- $grace := int $v.drain.terminationGracePeriodSeconds -}}
{{- if le $grace $preStop -}}
{{- fail (printf "%s: drain.terminationGracePeriodSeconds: must exceed drain.preStopSeconds (%d), got %d; set drain.terminationGracePeriodSeconds=%d" $prefix $preStop $grace (add $preStop 100)) -}}
{{- end -}}
{{- $window := mul (int $v.startupProbe.periodSeconds) (int $v.startupProbe.failureThreshold) -}}
{{- if lt (int $v.progressDeadlineSeconds) (int $window) -}}
{{- fail (printf "%s: progressDeadlineSeconds: must cover the startup window (startupProbe.periodSeconds x failureThreshold = %d), got %d; set progressDeadlineSeconds=%d" $prefix (int $window) (int $v.progressDeadlineSeconds) (int $window)) -}}
{{- end -}}
{{- $mount := $v.modelStore.mountPath -}}
{{- if not (or (eq $v.model.path $mount) (hasPrefix (printf "%s/" $mount) $v.model.path)) -}}
{{- fail (printf "%s: model.path: %q is not inside modelStore.mountPath (%q)" $prefix $v.model.path $mount) -}}
{{- end -}}
{{- if not (or (eq $v.modelStore.hfHome $mount) (hasPrefix (printf "%s/" $mount) $v.modelStore.hfHome)) -}}
{{- fail (printf "%s: modelStore.hfHome: %q is not inside modelStore.mountPath (%q)" $prefix $v.modelStore.hfHome $mount) -}}
{{- end -}}
{{- $managedFlags := list "--api-key" "--disable-access-log-for-endpoints" "--gpu-memory-utilization" "--hf-token" "--host" "--kv-cache-dtype" "--max-model-len" "--max-num-seqs" "--model" "--port" "--quantization" "--revision" "--served-model-name" "--tensor-parallel-size" -}}
{{- range $i, $arg := $v.engine.extraArgs -}}
{{- $flag := regexReplaceAll "=.*$" $arg "" -}}
{{- if has $flag $managedFlags -}}
{{- fail (printf "%s: engine.extraArgs[%d]: %q is set by the chart from its own value (or would put a secret in the pod spec); remove it from engine.extraArgs" $prefix $i $flag) -}}
{{- end -}}
{{- end -}}
{{- $managedEnv := list "DO_NOT_TRACK" "HF_HOME" "HF_HUB_OFFLINE" "HOME" "TORCHINDUCTOR_CACHE_DIR" "USER" "VLLM_API_KEY" "VLLM_LOGGING_LEVEL" "VLLM_PORT" -}}
{{- range $name, $_ := $v.env -}}
{{- if has $name $managedEnv -}}
{{- fail (printf "%s: env.%s: is set by the chart (or reserved); remove it from env" $prefix $name) -}}
{{- end -}}
{{- end -}}
{{- $selectorKeys := list "ai-factory/model" "app.kubernetes.io/instance" "app.kubernetes.io/name" -}}
{{- range $key, $_ := $v.podLabels -}}
{{- if has $key $selectorKeys -}}
{{- fail (printf "%s: podLabels[%q]: is a selector label set by the chart; remove it from podLabels" $prefix $key) -}}
{{- end -}}
{{- end -}}
{{- $a := $v.autoscaling -}}
{{- if $a.enabled -}}
{{- if lt (int $a.maxReplicas) (int $a.minReplicas) -}}
{{- fail (printf "%s: autoscaling.maxReplicas: must be at least autoscaling.minReplicas (%d), got %d; set autoscaling.maxReplicas=%d" $prefix (int $a.minReplicas) (int $a.maxReplicas) (int $a.minReplicas)) -}}
{{- end -}}
{{- if and (eq $a.kind "hpa") (lt (int $a.minReplicas) 1) -}}
{{- fail (printf "%s: autoscaling.minReplicas: a HorizontalPodAutoscaler cannot scale to zero, got 0; set autoscaling.minReplicas=1 or autoscaling.kind=keda" $prefix) -}}
{{- end -}}
{{- if and (eq $a.kind "keda") (not $a.keda.prometheusServerAddress) -}}
{{- fail (printf "%s: autoscaling.keda.prometheusServerAddress: is required when autoscaling.kind is keda; set autoscaling.keda.prometheusServerAddress=http://<prometheus>.<namespace>.svc:9090" $prefix) -}}
{{- end -}}
{{- end -}}
{{- end -}}
