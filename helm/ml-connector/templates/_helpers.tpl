{{/* Names ------------------------------------------------------------------------------------------------ */}}
{{- define "mlc.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "mlc.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "mlc.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "mlc.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Labels: call with (dict "root" $ "component" "web") ------------------------------------------------- */}}
{{- define "mlc.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mlc.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{- define "mlc.labels" -}}
{{ include "mlc.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: ml-connector
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "mlc.image" -}}
{{- $image := .Values.image -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $image.repository $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $image.repository (default .Chart.AppVersion $image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Settings ------------------------------------------------------------------------------------------- */}}
{{- define "mlc.publicBaseUrl" -}}
{{- required "config.publicBaseUrl is required: the https address merchants and the Web Connector reach (PUBLIC_BASE_URL)" .Values.config.publicBaseUrl -}}
{{- end -}}

{{- define "mlc.ingressHost" -}}
{{- default (get (urlParse (include "mlc.publicBaseUrl" .)) "hostname") .Values.ingress.hostname -}}
{{- end -}}

{{/* Environment variables that carry secrets: never allowed in config.extraEnv (the ConfigMap). */}}
{{- define "mlc.secretEnvNames" -}}
DATABASE_URL DATABASE_OWNER_URL DATABASE_PASSWORD DATABASE_OWNER_PASSWORD REDIS_URL REDIS_PASSWORD MLC_VAULT_KEKS MLC_METRICS_TOKEN
{{- end -}}

{{- define "mlc.sslQuery" -}}
{{- with .Values.database.sslMode }}?ssl={{ . }}{{ end -}}
{{- end -}}

{{/*
A database role's DSN as env vars. Call with (dict "root" $ "role" "runtime"|"owner" "var" "DATABASE_URL"|…).
Either the whole DSN from a Secret key, or a DSN composed here around $(…_PASSWORD), which Kubernetes expands from
the env var defined just before it: the password is read from the Secret by the kubelet, never rendered.
*/}}
{{- define "mlc.databaseEnv" -}}
{{- $db := .root.Values.database -}}
{{- $role := get $db .role -}}
{{- $secret := required (printf "database.%s.existingSecret is required: a Secret with the %s role's password (or whole DSN)" .role .role) $role.existingSecret -}}
{{- if $role.urlKey }}
- name: {{ .var }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $role.urlKey }}
{{- else }}
{{- $host := required (printf "database.host is required unless database.%s.urlKey names a whole DSN" .role) $db.host -}}
{{- $passwordVar := ternary "DATABASE_OWNER_PASSWORD" "DATABASE_PASSWORD" (eq .role "owner") }}
- name: {{ $passwordVar }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $role.passwordKey }}
- name: {{ .var }}
  value: {{ printf "postgresql+asyncpg://%s:$(%s)@%s:%v/%s%s" $role.user $passwordVar $host $db.port $db.name (include "mlc.sslQuery" .root) | quote }}
{{- end }}
{{- end -}}

{{- define "mlc.redisEnv" -}}
{{- $redis := .Values.redis -}}
{{- if $redis.urlKey }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ required "redis.existingSecret is required when redis.urlKey is set" $redis.existingSecret }}
      key: {{ $redis.urlKey }}
{{- else }}
{{- $host := required "redis.host is required unless redis.urlKey names a whole Redis URL" $redis.host -}}
{{- $scheme := ternary "rediss" "redis" $redis.tls -}}
{{- $auth := "" -}}
{{- if $redis.passwordKey }}
{{- $auth = printf "%s:$(REDIS_PASSWORD)@" $redis.username }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ required "redis.existingSecret is required when redis.passwordKey is set" $redis.existingSecret }}
      key: {{ $redis.passwordKey }}
{{- end }}
- name: REDIS_URL
  value: {{ printf "%s://%s%s:%v/%v" $scheme $auth $host $redis.port $redis.db | quote }}
{{- end }}
{{- end -}}

{{/* The runtime environment of web and worker: secrets by reference, everything else from the ConfigMap. */}}
{{- define "mlc.runtimeEnv" -}}
{{- include "mlc.databaseEnv" (dict "root" . "role" "runtime" "var" "DATABASE_URL") }}
{{- include "mlc.redisEnv" . }}
- name: MLC_VAULT_KEKS
  valueFrom:
    secretKeyRef:
      name: {{ required "vault.existingSecret is required: a Secret holding MLC_VAULT_KEKS (the chart never renders secret values)" .Values.vault.existingSecret }}
      key: {{ .Values.vault.keksKey }}
{{- with .Values.metrics.tokenSecret.name }}
- name: MLC_METRICS_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.metrics.tokenSecret.key }}
{{- end }}
{{- end -}}

{{- define "mlc.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.volumes.tmpSizeLimit }}
- name: data
  emptyDir:
    sizeLimit: {{ .Values.volumes.dataSizeLimit }}
{{- end -}}

{{- define "mlc.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: /var/lib/mlc
{{- end -}}

{{- define "mlc.podSpecCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

{{- define "mlc.checkValues" -}}
{{- range $name, $_ := .Values.config.extraEnv }}
{{- if has $name (splitList " " (include "mlc.secretEnvNames" $)) }}
{{- fail (printf "config.extraEnv.%s: secrets never go in the ConfigMap; put it in a Secret and reference it (see README.md, Secrets)" $name) }}
{{- end }}
{{- end }}
{{- $db := .Values.database }}
{{- if and .Values.migrations.enabled (not $db.runtime.urlKey) (not $db.owner.urlKey) (eq $db.runtime.user $db.owner.user) }}
{{- fail (printf "database.runtime.user and database.owner.user are both %q: the runtime role must not own the tables (row-level security would not hold)" $db.owner.user) }}
{{- end }}
{{- if not (hasPrefix "https://" (include "mlc.publicBaseUrl" .)) }}
{{- fail "config.publicBaseUrl must start with https:// (the Web Connector refuses plain http except on localhost)" }}
{{- end }}
{{- end -}}
