{{- /*
flink-job.fullname is the base of every object name: fullnameOverride or the release
name. It is refused above 51 characters because the longest derived name,
<base>-taskmanager, must stay a valid 63-character label.
*/ -}}
{{- define "flink-job.fullname" -}}
{{- $name := default .Release.Name .Values.fullnameOverride -}}
{{- if gt (len $name) 51 -}}
{{- fail (printf "name %q is %d characters long; at most 51 are allowed so that %s-taskmanager stays within 63. Use a shorter release name or set fullnameOverride." $name (len $name) $name) -}}
{{- end -}}
{{- $name -}}
{{- end -}}

{{- define "flink-job.jobManagerName" -}}{{ include "flink-job.fullname" . }}-jobmanager{{- end -}}
{{- define "flink-job.taskManagerName" -}}{{ include "flink-job.fullname" . }}-taskmanager{{- end -}}
{{- define "flink-job.configName" -}}{{ include "flink-job.fullname" . }}-config{{- end -}}
{{- define "flink-job.zetcdName" -}}{{ include "flink-job.fullname" . }}-zetcd{{- end -}}

{{- /* flink-job.serviceAccountName is the ServiceAccount every Flink pod runs as. */ -}}
{{- define "flink-job.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "flink-job.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- /*
flink-job.name is app.kubernetes.io/name: the chart's name, or the chart a job chart was made
from (annotation jobcharts.io/base-chart), so selectors stay the same whichever chart renders the job.
*/ -}}
{{- define "flink-job.name" -}}
{{- index .Chart.Annotations "jobcharts.io/base-chart" | default .Chart.Name -}}
{{- end -}}

{{- /* flink-job.selectorLabels are the stable labels selectors use. Call with (dict "ctx" $ "component" "jobmanager"). */ -}}
{{- define "flink-job.selectorLabels" -}}
app.kubernetes.io/name: {{ include "flink-job.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name | toYaml }}
{{- with get . "component" }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{- /*
flink-job.memo: what this render has already computed. Helm's engine gives every template of one
render the same top-level map (and a new one to every render), so helpers keep their results under
$.jobchartsMemo and later templates reuse them instead of redoing the toYaml round trips, the
sha256 of the values and the Flink configuration each time. A memoizing helper starts with
  {{- if not (hasKey $ctx "jobchartsMemo") -}}{{- $_ := set $ctx "jobchartsMemo" dict -}}{{- end -}}
(hasKey, not a field lookup, so it works under missingkey=error) and then stores under a key of its
own. Only results that cannot change within a render are kept, and nothing under .Values is touched.
*/ -}}

{{- /*
flink-job.labels are the labels of every object. Call with (dict "ctx" $ "component" "...").
Objects differ only in app.kubernetes.io/component, so the labels are serialized twice per
render: without a component, and with a placeholder component that each component's name
replaces (see flink-job.withComponent). The dict with the placeholder is kept in the memo
(labelsWithComponent) for flink-job.podLabels.
*/ -}}
{{- define "flink-job.labels" -}}
{{- $ctx := .ctx -}}
{{- if not (hasKey $ctx "jobchartsMemo") -}}{{- $_ := set $ctx "jobchartsMemo" dict -}}{{- end -}}
{{- $memo := $ctx.jobchartsMemo -}}
{{- if not (hasKey $memo "labels") -}}
{{- $l := dict -}}
{{- range $k, $v := $ctx.Values.commonLabels -}}{{- $_ := set $l $k $v -}}{{- end -}}
{{- $_ := set $l "helm.sh/chart" (printf "%s-%s" $ctx.Chart.Name $ctx.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-") -}}
{{- $_ := set $l "app.kubernetes.io/managed-by" $ctx.Release.Service -}}
{{- $_ := set $l "app.kubernetes.io/part-of" (include "flink-job.fullname" $ctx) -}}
{{- with $ctx.Chart.AppVersion -}}{{- $_ := set $l "app.kubernetes.io/version" (. | replace ":" "_" | replace "+" "_" | trunc 63 | trimSuffix "-" | trimSuffix "_") -}}{{- end -}}
{{- $_ := set $l "app.kubernetes.io/name" (include "flink-job.name" $ctx) -}}
{{- $_ := set $l "app.kubernetes.io/instance" $ctx.Release.Name -}}
{{- /* without a component, a commonLabels app.kubernetes.io/component stays: serialize before setting it */ -}}
{{- $_ := set $memo "labels" (toYaml $l) -}}
{{- $_ := set $l "app.kubernetes.io/component" "jobcharts-component-placeholder" -}}
{{- $_ := set $memo "labelsWithComponent" $l -}}
{{- $_ := set $memo "labelsWithComponentYaml" (toYaml $l) -}}
{{- end -}}
{{- with get . "component" -}}
{{- include "flink-job.withComponent" (list $memo.labelsWithComponentYaml .) -}}
{{- else -}}
{{- $memo.labels -}}
{{- end -}}
{{- end -}}

{{- /*
flink-job.withComponent puts a component name in place of the placeholder in labels serialized
by flink-job.labels. Call with (list YAML "jobmanager"). Component names are plain YAML scalars
like the placeholder, so the result is exactly what toYaml prints for labels with that component.
*/ -}}
{{- define "flink-job.withComponent" -}}
{{- replace "app.kubernetes.io/component: jobcharts-component-placeholder" (printf "app.kubernetes.io/component: %s" (index . 1)) (index . 0) -}}
{{- end -}}

{{- /*
flink-job.podLabels are the labels of a pod: object labels plus podTemplate.labels (which cannot
override them), serialized once per render with the placeholder component (see flink-job.labels).
Call with (dict "ctx" $ "component" "jobmanager").
*/ -}}
{{- define "flink-job.podLabels" -}}
{{- $ctx := .ctx -}}
{{- $labels := include "flink-job.labels" . -}}
{{- $memo := $ctx.jobchartsMemo -}}
{{- if not $ctx.Values.podTemplate.labels -}}
{{- $labels -}}
{{- else -}}
{{- if not (hasKey $memo "podLabelsYaml") -}}
{{- $l := dict -}}
{{- range $k, $v := $memo.labelsWithComponent -}}{{- $_ := set $l $k $v -}}{{- end -}}
{{- range $k, $v := $ctx.Values.podTemplate.labels -}}
{{- if not (hasKey $l $k) -}}{{- $_ := set $l $k $v -}}{{- end -}}
{{- end -}}
{{- $_ := set $memo "podLabelsYaml" (toYaml $l) -}}
{{- end -}}
{{- include "flink-job.withComponent" (list $memo.podLabelsYaml .component) -}}
{{- end -}}
{{- end -}}

{{- /* flink-job.annotations are commonAnnotations plus the traceability annotations (memoized: the same on every object). */ -}}
{{- define "flink-job.annotations" -}}
{{- if not (hasKey . "jobchartsMemo") -}}{{- $_ := set . "jobchartsMemo" dict -}}{{- end -}}
{{- if not (hasKey .jobchartsMemo "annotations") -}}
{{- $a := dict -}}
{{- range $k, $v := .Values.commonAnnotations -}}{{- $_ := set $a $k $v -}}{{- end -}}
{{- with .Values.traceability.descriptorSha256 -}}{{- $_ := set $a "jobcharts.io/descriptor-sha256" . -}}{{- end -}}
{{- with .Values.traceability.gitCommit -}}{{- $_ := set $a "jobcharts.io/git-commit" . -}}{{- end -}}
{{- $yaml := "" -}}
{{- with $a -}}{{- $yaml = toYaml . -}}{{- end -}}
{{- $_ := set .jobchartsMemo "annotations" $yaml -}}
{{- $_ := set .jobchartsMemo "annotationsDict" $a -}}
{{- end -}}
{{- .jobchartsMemo.annotations -}}
{{- end -}}

{{- /*
flink-job.metadata renders name, labels and annotations of an object.
Call with (dict "ctx" $ "name" "..." "component" "..."), plus "kubeScoreIgnore" (the
output of flink-job.kubeScoreIgnore) on the objects that have pods.
*/ -}}
{{- define "flink-job.metadata" -}}
name: {{ .name | toYaml }}
labels:
  {{- include "flink-job.labels" . | nindent 2 }}
{{- $annotations := include "flink-job.annotations" .ctx -}}
{{- with get . "kubeScoreIgnore" -}}
{{- $a := dict -}}
{{- range $k, $v := $.ctx.jobchartsMemo.annotationsDict -}}{{- $_ := set $a $k $v -}}{{- end -}}
{{- /* a commonAnnotations kube-score/ignore keeps its checks */ -}}
{{- $_ := set $a "kube-score/ignore" (without (list (get $a "kube-score/ignore") .) "" | join ",") -}}
{{- $annotations = toYaml $a -}}
{{- end }}
{{- with $annotations }}
annotations:
  {{- . | nindent 2 }}
{{- end }}
{{- end -}}

{{- /*
flink-job.kubeScoreIgnore lists, comma-separated, the kube-score checks that the object
running a component's pods (jobmanager, taskmanager, zetcd or test) is exempt from, for
its kube-score/ignore annotation; empty when none applies. Each exemption is a deliberate
choice, explained in docs/security.md ("kube-score"), and only where the check would fire:
- container-security-context-user-group-id: the Flink pods run as the image's flink user,
  9999, who owns its files; Hadoop's UserGroupInformation needs the passwd entry.
- container-image-pull-policy: images are pinned, so IfNotPresent; only while a container
  of the pod has a policy other than Always (imagePullPolicy, or a podTemplate container's).
- container-ephemeral-storage-request-and-limit: RocksDB state and spill files in /tmp are
  as large as the job makes them (zetcd and the test pod have limits).
- deployment-has-poddisruptionbudget: with 2 or more TaskManagers (kube-score skips 1);
  any TaskManager's eviction restarts the whole job, so a budget only slows drains.
Call with (dict "ctx" $ "component" "taskmanager").
*/ -}}
{{- define "flink-job.kubeScoreIgnore" -}}
{{- $v := .ctx.Values -}}
{{- $flink := has .component (list "jobmanager" "taskmanager") -}}
{{- $checks := list -}}
{{- if or $flink (eq .component "test") -}}
{{- $checks = append $checks "container-security-context-user-group-id" -}}
{{- end -}}
{{- $pull := ne $v.imagePullPolicy "Always" -}}
{{- if $flink -}}
{{- range concat ($v.podTemplate.initContainers | default list) ($v.podTemplate.sidecars | default list) -}}
{{- if ne (get . "imagePullPolicy" | default "") "Always" -}}{{- $pull = true -}}{{- end -}}
{{- end -}}
{{- end -}}
{{- if $pull -}}
{{- $checks = append $checks "container-image-pull-policy" -}}
{{- end -}}
{{- if $flink -}}
{{- $checks = append $checks "container-ephemeral-storage-request-and-limit" -}}
{{- end -}}
{{- if and (eq .component "taskmanager") (ge (int64 $v.taskManager.replicas) 2) -}}
{{- $checks = append $checks "deployment-has-poddisruptionbudget" -}}
{{- end -}}
{{- join "," $checks -}}
{{- end -}}

{{- /* flink-job.semver turns flinkVersion ("1.20" or "1.20.1") into a semantic version. */ -}}
{{- define "flink-job.semver" -}}
{{- $v := toString .Values.flinkVersion -}}
{{- if not (regexMatch "^[0-9]+\\.[0-9]+(\\.[0-9]+)?$" $v) -}}
{{- fail (printf "flinkVersion %q must look like \"1.20\"" $v) -}}
{{- end -}}
{{- $p := splitList "." $v -}}
{{- printf "%s.%s.0" (index $p 0) (index $p 1) -}}
{{- end -}}

{{- /* flink-job.atLeast prints "true" when flinkVersion >= the given MAJOR.MINOR. Call with (list $ "1.19"). Memoized per version. */ -}}
{{- define "flink-job.atLeast" -}}
{{- $ctx := index . 0 -}}
{{- if not (hasKey $ctx "jobchartsMemo") -}}{{- $_ := set $ctx "jobchartsMemo" dict -}}{{- end -}}
{{- $key := printf "atLeast/%s" (index . 1) -}}
{{- if not (hasKey $ctx.jobchartsMemo $key) -}}
{{- if not (hasKey $ctx.jobchartsMemo "semver") -}}{{- $_ := set $ctx.jobchartsMemo "semver" (include "flink-job.semver" $ctx) -}}{{- end -}}
{{- $_ := set $ctx.jobchartsMemo $key (ternary "true" "" (semverCompare (printf ">=%s.0-0" (index . 1)) $ctx.jobchartsMemo.semver)) -}}
{{- end -}}
{{- get $ctx.jobchartsMemo $key -}}
{{- end -}}

{{- /*
flink-job.jobId is the fixed job id: job.jobId, or derived from namespace, name and the
restore path so a redeploy from a new savepoint gets a new id (archives and the
JobResultStore are keyed by job id) while a plain upgrade keeps it (HA recovery finds
the job). Batch runs also include the run hash: every changed spec is a new run.
*/ -}}
{{- define "flink-job.jobId" -}}
{{- if not (hasKey . "jobchartsMemo") -}}{{- $_ := set . "jobchartsMemo" dict -}}{{- end -}}
{{- if not (hasKey .jobchartsMemo "jobId") -}}
{{- if .Values.job.jobId -}}
{{- $_ := set .jobchartsMemo "jobId" .Values.job.jobId -}}
{{- else -}}
{{- $seed := printf "%s/%s" .Release.Namespace (include "flink-job.fullname" .) -}}
{{- with .Values.job.restoreFrom.path -}}{{- $seed = printf "%s@%s" $seed . -}}{{- end -}}
{{- if eq .Values.job.mode "batch" -}}{{- $seed = printf "%s#%s" $seed (include "flink-job.runHash" .) -}}{{- end -}}
{{- $_ := set .jobchartsMemo "jobId" (sha256sum $seed | trunc 32) -}}
{{- end -}}
{{- end -}}
{{- .jobchartsMemo.jobId -}}
{{- end -}}

{{- /*
flink-job.runHash identifies one batch run: a digest of the values that shape it. The
traceability values are left out: a new commit alone must not re-run the job. Memoized:
hashing the JSON of all values is the costliest thing a name needs.
*/ -}}
{{- define "flink-job.runHash" -}}
{{- if not (hasKey . "jobchartsMemo") -}}{{- $_ := set . "jobchartsMemo" dict -}}{{- end -}}
{{- if not (hasKey .jobchartsMemo "runHash") -}}
{{- $_ := set .jobchartsMemo "runHash" (omit .Values "traceability" | toJson | sha256sum | trunc 7) -}}
{{- end -}}
{{- .jobchartsMemo.runHash -}}
{{- end -}}

{{- /* flink-job.batchJobName names the batch JobManager Job; a new spec makes a new Job (a Job's pod template is immutable). */ -}}
{{- define "flink-job.batchJobName" -}}{{ include "flink-job.fullname" . }}-jm-{{ include "flink-job.runHash" . }}{{- end -}}

{{- /* flink-job.flinkMemory turns a Kubernetes memory quantity in Mi or Gi into Flink's "<n>m". */ -}}
{{- define "flink-job.flinkMemory" -}}
{{- $q := toString . -}}
{{- if hasSuffix "Gi" $q -}}{{- printf "%dm" (mul (trimSuffix "Gi" $q | int64) 1024) -}}
{{- else if hasSuffix "Mi" $q -}}{{- printf "%dm" (trimSuffix "Mi" $q | int64) -}}
{{- else -}}{{- fail (printf "memory %q must be given in Mi or Gi (e.g. 2048Mi or 2Gi)" $q) -}}
{{- end -}}
{{- end -}}

{{- /* flink-job.scalar prints a values scalar without scientific notation (YAML numbers arrive as float64). */ -}}
{{- define "flink-job.scalar" -}}
{{- if and (kindIs "float64" .) (eq . (floor .)) -}}{{- int64 . -}}{{- else -}}{{- . -}}{{- end -}}
{{- end -}}

{{- /* flink-job.resources renders requests equal to limits (ephemeral storage only when given). */ -}}
{{- define "flink-job.resources" -}}
requests:
  cpu: {{ .cpu | quote }}
  memory: {{ .memory | quote }}
  {{- with get . "ephemeralStorage" }}
  ephemeral-storage: {{ . | quote }}
  {{- end }}
limits:
  cpu: {{ .cpu | quote }}
  memory: {{ .memory | quote }}
  {{- with get . "ephemeralStorage" }}
  ephemeral-storage: {{ . | quote }}
  {{- end }}
{{- end -}}

{{- /* flink-job.podSecurityContext passes Pod Security "restricted" (uid/gid 9999 is the flink user of the official image). */ -}}
{{- define "flink-job.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 9999
runAsGroup: 9999
fsGroup: 9999
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "flink-job.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
{{- end -}}
