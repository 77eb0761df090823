{{/*
The platform's facts from the code (generated: tools/ops/generate.mjs): every app's ports, the
variables its config reads, its consumer group and topics, the queue its workers drain.
*/}}
{{- define "rentguy.platform" -}}
{{- .Files.Get "files/platform.yaml" -}}
{{- end -}}

{{/* Variables the chart sets itself (ports, bind address, drain timings, service URLs, blob dir). */}}
{{- define "rentguy.managedKeys" -}}
{{- list "HOST" "PORT" "OPS_PORT" "SHUTDOWN_DRAIN_DELAY_MS" "SHUTDOWN_GRACE_MS" "RENTALS_URL" "PAYMENTS_URL" "NOTIFICATIONS_URL" "BLOB_STORAGE_DIR" | toJson -}}
{{- end -}}

{{- define "rentguy.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The name of one app's objects: <release>-<app>. Call with (list $ "gateway"). */}}
{{- define "rentguy.name" -}}
{{- $root := index . 0 -}}
{{- printf "%s-%s" $root.Release.Name (index . 1) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "rentguy.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: rentguy
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "rentguy.labels" -}}
{{- $root := index . 0 -}}
{{ include "rentguy.selectorLabels" . }}
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: rentguy
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
helm.sh/chart: {{ include "rentguy.chart" $root }}
{{- end -}}

{{- define "rentguy.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/* How long an app keeps serving after SIGTERM with readiness at 503: until the kubelet has seen it. */}}
{{- define "rentguy.drainSeconds" -}}
{{- mul .Values.probes.readiness.periodSeconds .Values.probes.readiness.failureThreshold -}}
{{- end -}}

{{- define "rentguy.terminationGracePeriodSeconds" -}}
{{- add .Values.shutdown.preStopSeconds (include "rentguy.drainSeconds" . | int) .Values.shutdown.graceSeconds 5 -}}
{{- end -}}

{{/* Pod security context: Pod Security Standards "restricted". */}}
{{- define "rentguy.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "rentguy.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
An app's environment: the chart's own variables, then `config`/`secretEnv` and the app's `env`/
`secretEnv` (which win), each kept only if the app's config declares it. Call with (list $ "gateway").
*/}}
{{- define "rentguy.env" -}}
{{- $root := index . 0 -}}
{{- $app := index . 1 -}}
{{- $facts := index (include "rentguy.platform" $root | fromYaml).apps $app -}}
{{- $values := index $root.Values.apps $app -}}
{{- $keys := $facts.configKeys -}}
{{- $managed := include "rentguy.managedKeys" $root | fromJsonArray -}}
- name: HOST
  value: 0.0.0.0
- name: OPS_PORT
  value: {{ $facts.ports.ops | quote }}
{{- if $facts.ports.http }}
- name: PORT
  value: {{ $facts.ports.http | quote }}
{{- end }}
- name: SHUTDOWN_DRAIN_DELAY_MS
  value: {{ mul (include "rentguy.drainSeconds" $root | int) 1000 | quote }}
- name: SHUTDOWN_GRACE_MS
  value: {{ mul $root.Values.shutdown.graceSeconds 1000 | quote }}
{{- if has "RENTALS_URL" $keys }}
- name: RENTALS_URL
  value: {{ printf "http://%s:%v" (include "rentguy.name" (list $root "rentals")) (index (include "rentguy.platform" $root | fromYaml).apps "rentals").ports.http | quote }}
{{- end }}
{{- if has "PAYMENTS_URL" $keys }}
- name: PAYMENTS_URL
  value: {{ printf "http://%s:%v" (include "rentguy.name" (list $root "payments")) (index (include "rentguy.platform" $root | fromYaml).apps "payments").ports.http | quote }}
{{- end }}
{{- if has "NOTIFICATIONS_URL" $keys }}
- name: NOTIFICATIONS_URL
  value: {{ printf "http://%s:%v" (include "rentguy.name" (list $root "notifications")) (index (include "rentguy.platform" $root | fromYaml).apps "notifications").ports.http | quote }}
{{- end }}
{{- if has "BLOB_STORAGE_DIR" $keys }}
- name: BLOB_STORAGE_DIR
  value: /app/.data/blobs
{{- end }}
{{- $plain := dict -}}
{{- range $k, $v := $root.Values.config }}{{ if and (has $k $keys) (not (has $k $managed)) }}{{ $_ := set $plain $k $v }}{{ end }}{{ end -}}
{{- range $k, $v := $values.env }}{{ $_ := set $plain $k $v }}{{ end -}}
{{- $secret := dict -}}
{{- range $k, $v := $root.Values.secretEnv }}{{ if and (has $k $keys) (not (has $k $managed)) }}{{ $_ := set $secret $k $v }}{{ end }}{{ end -}}
{{- range $k, $v := $values.secretEnv }}{{ $_ := set $secret $k $v }}{{ end -}}
{{- range $k, $v := $plain }}
{{- if not (hasKey $secret $k) }}
- name: {{ $k }}
  value: {{ toString $v | quote }}
{{- end }}
{{- end }}
{{- range $k, $ref := $secret }}
- name: {{ $k }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.name }}
      key: {{ $ref.key }}
{{- end }}
{{- end -}}

{{/* "true" when KEDA scales the app: the switch is on and the app drains a queue or a consumer group. */}}
{{- define "rentguy.kedaScaled" -}}
{{- $root := index . 0 -}}
{{- $facts := index (include "rentguy.platform" $root | fromYaml).apps (index . 1) -}}
{{- if and $root.Values.keda.enabled (or $facts.consumerGroup $facts.workerQueue) }}true{{ end -}}
{{- end -}}

{{/* "true" when a CPU HPA scales the app: an HTTP app with autoscaling on that KEDA does not scale. */}}
{{- define "rentguy.hpaScaled" -}}
{{- $root := index . 0 -}}
{{- $app := index . 1 -}}
{{- $facts := index (include "rentguy.platform" $root | fromYaml).apps $app -}}
{{- $values := index $root.Values.apps $app -}}
{{- if and $facts.ports.http $values.autoscaling.enabled (not (include "rentguy.kedaScaled" .)) }}true{{ end -}}
{{- end -}}

{{- define "rentguy.autoscaled" -}}
{{- if or (include "rentguy.kedaScaled" .) (include "rentguy.hpaScaled" .) }}true{{ end -}}
{{- end -}}
