{{/*
Chart name, overridable with nameOverride.
*/}}
{{- define "archway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the release's resources, at most 63 characters (the DNS label limit).
*/}}
{{- define "archway.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "archway.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels of every resource of the chart.
*/}}
{{- define "archway.labels" -}}
helm.sh/chart: {{ include "archway.chart" . }}
{{ include "archway.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: archway
{{- end }}

{{/*
Labels that select the operator pods; never change them in an upgrade (Deployment
selectors are immutable).
*/}}
{{- define "archway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "archway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{/*
Name of the operator's ServiceAccount.
*/}}
{{- define "archway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "archway.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Image reference "repository:tag", the tag defaulting to the chart's appVersion.
Call with (dict "image" .Values.x.image "context" $).
*/}}
{{- define "archway.image" -}}
{{- $repository := required "image.repository is required" .image.repository }}
{{- printf "%s:%s" $repository (.image.tag | default .context.Chart.AppVersion | toString) }}
{{- end }}

{{/*
watchNamespaces as a comma-separated string; accepts a list or a string.
*/}}
{{- define "archway.watchNamespaces" -}}
{{- $ns := .Values.watchNamespaces | default list }}
{{- if kindIs "string" $ns }}
{{- $ns | nospace }}
{{- else }}
{{- $ns | compact | join "," }}
{{- end }}
{{- end }}
