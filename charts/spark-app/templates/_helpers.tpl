{{- /*
spark-app.fullname is the base of every object name: fullnameOverride or the release
name, at most 33 characters: the driver pod is <base>-<7 hex>-<5 random>, and that name
is the executor pod name prefix, which Spark limits to 47 characters.
*/ -}}
{{- define "spark-app.fullname" -}}
{{- $name := default .Release.Name .Values.fullnameOverride -}}
{{- if gt (len $name) 33 -}}
{{- fail (printf "name %q is %d characters long; at most 33 are allowed so that the driver pod name (%s-<7 hex>-<5 random>), which prefixes every executor pod, stays within Spark's 47. Use a shorter release name or set fullnameOverride." $name (len $name) $name) -}}
{{- end -}}
{{- $name -}}
{{- end -}}

{{- define "spark-app.confName" -}}{{ include "spark-app.fullname" . }}-conf{{- end -}}
{{- define "spark-app.driverServiceName" -}}{{ include "spark-app.fullname" . }}-driver{{- end -}}

{{- /*
spark-app.memo: what this render has already computed. Helm's engine gives every template of one
render the same top-level map (and a new one to every render), so helpers keep their results under
$.jobchartsMemo and later templates reuse them instead of redoing the toYaml round trips and the
sha256 of the values each time. A memoizing helper starts with
  {{- if not (hasKey $ctx "jobchartsMemo") -}}{{- $_ := set $ctx "jobchartsMemo" dict -}}{{- end -}}
(hasKey, not a field lookup, so it works under missingkey=error) and then stores under a key of its
own. Only results that cannot change within a render are kept, and nothing under .Values is touched.
*/ -}}

{{- /*
spark-app.runHash identifies one run: the values that shape it, without traceability (a new commit
alone re-runs nothing). Memoized: hashing the JSON of all values is the costliest thing a name needs.
*/ -}}
{{- define "spark-app.runHash" -}}
{{- if not (hasKey . "jobchartsMemo") -}}{{- $_ := set . "jobchartsMemo" dict -}}{{- end -}}
{{- if not (hasKey .jobchartsMemo "runHash") -}}
{{- $_ := set .jobchartsMemo "runHash" (omit .Values "traceability" | toJson | sha256sum | trunc 7) -}}
{{- end -}}
{{- .jobchartsMemo.runHash -}}
{{- end -}}

{{- /* spark-app.jobName names the driver Job; a changed spec makes a new Job because a Job's pod template is immutable. */ -}}
{{- define "spark-app.jobName" -}}{{ include "spark-app.fullname" . }}-{{ include "spark-app.runHash" . }}{{- end -}}

{{- define "spark-app.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "spark-app.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- /*
spark-app.name is app.kubernetes.io/name: the chart's name, or the chart a job chart was made
from (annotation jobcharts.io/base-chart), so selectors stay the same whichever chart renders the job.
*/ -}}
{{- define "spark-app.name" -}}
{{- index .Chart.Annotations "jobcharts.io/base-chart" | default .Chart.Name -}}
{{- end -}}

{{- /* spark-app.selectorLabels: call with (dict "ctx" $ "component" "driver"). */ -}}
{{- define "spark-app.selectorLabels" -}}
app.kubernetes.io/name: {{ include "spark-app.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name | toYaml }}
{{- with get . "component" }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{- /*
spark-app.labels: call with (dict "ctx" $ "component" "..."). Objects differ only in
app.kubernetes.io/component, so the labels are serialized twice per render: without a
component, and with a placeholder component that each component's name replaces (see
spark-app.withComponent). The dict with the placeholder is kept in the memo
(labelsWithComponent) for spark-app.podMeta.
*/ -}}
{{- define "spark-app.labels" -}}
{{- $ctx := .ctx -}}
{{- if not (hasKey $ctx "jobchartsMemo") -}}{{- $_ := set $ctx "jobchartsMemo" dict -}}{{- end -}}
{{- $memo := $ctx.jobchartsMemo -}}
{{- if not (hasKey $memo "labels") -}}
{{- $l := dict -}}
{{- range $k, $v := $ctx.Values.commonLabels -}}{{- $_ := set $l $k $v -}}{{- end -}}
{{- $_ := set $l "helm.sh/chart" (printf "%s-%s" $ctx.Chart.Name $ctx.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-") -}}
{{- $_ := set $l "app.kubernetes.io/managed-by" $ctx.Release.Service -}}
{{- $_ := set $l "app.kubernetes.io/part-of" (include "spark-app.fullname" $ctx) -}}
{{- with $ctx.Chart.AppVersion -}}{{- $_ := set $l "app.kubernetes.io/version" (. | replace ":" "_" | replace "+" "_" | trunc 63 | trimSuffix "-" | trimSuffix "_") -}}{{- end -}}
{{- $_ := set $l "app.kubernetes.io/name" (include "spark-app.name" $ctx) -}}
{{- $_ := set $l "app.kubernetes.io/instance" $ctx.Release.Name -}}
{{- /* without a component, a commonLabels app.kubernetes.io/component stays: serialize before setting it */ -}}
{{- $_ := set $memo "labels" (toYaml $l) -}}
{{- $_ := set $l "app.kubernetes.io/component" "jobcharts-component-placeholder" -}}
{{- $_ := set $memo "labelsWithComponent" $l -}}
{{- $_ := set $memo "labelsWithComponentYaml" (toYaml $l) -}}
{{- end -}}
{{- with get . "component" -}}
{{- include "spark-app.withComponent" (list $memo.labelsWithComponentYaml .) -}}
{{- else -}}
{{- $memo.labels -}}
{{- end -}}
{{- end -}}

{{- /*
spark-app.withComponent puts a component name in place of the placeholder in labels serialized
by spark-app.labels. Call with (list YAML "driver"). Component names are plain YAML scalars like
the placeholder, so the result is exactly what toYaml prints for labels with that component.
*/ -}}
{{- define "spark-app.withComponent" -}}
{{- replace "app.kubernetes.io/component: jobcharts-component-placeholder" (printf "app.kubernetes.io/component: %s" (index . 1)) (index . 0) -}}
{{- end -}}

{{- /* spark-app.annotations: commonAnnotations plus the traceability annotations (memoized: the same on every object). */ -}}
{{- define "spark-app.annotations" -}}
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
spark-app.metadata: call with (dict "ctx" $ "name" "..." "component" "..."), plus
"kubeScoreIgnore" (the output of spark-app.kubeScoreIgnore) on the objects that have pods.
*/ -}}
{{- define "spark-app.metadata" -}}
name: {{ .name | toYaml }}
labels:
  {{- include "spark-app.labels" . | nindent 2 }}
{{- $annotations := include "spark-app.annotations" .ctx -}}
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
spark-app.kubeScoreIgnore lists, comma-separated, the kube-score checks that the object
running a component's pods (driver or test) is exempt from, for its kube-score/ignore
annotation; empty when none applies. Each exemption is a deliberate choice, explained in
docs/security.md ("kube-score"), and only where the check would fire:
- container-security-context-user-group-id: the pods run as the image's spark user, 185,
  who owns its files; Hadoop's UserGroupInformation needs the passwd entry.
- container-image-pull-policy: images are pinned, so IfNotPresent; only while a container
  of the pod has a policy other than Always (imagePullPolicy, or a podTemplate container's).
- container-ephemeral-storage-request-and-limit (driver): Spark's scratch space in /tmp is
  as large as the job makes it (the test pod has a limit).
Call with (dict "ctx" $ "component" "driver").
*/ -}}
{{- define "spark-app.kubeScoreIgnore" -}}
{{- $v := .ctx.Values -}}
{{- $driver := eq .component "driver" -}}
{{- $checks := list "container-security-context-user-group-id" -}}
{{- $pull := ne $v.imagePullPolicy "Always" -}}
{{- if $driver -}}
{{- range concat ($v.podTemplate.driver.initContainers | default list) ($v.podTemplate.driver.sidecars | default list) -}}
{{- if ne (get . "imagePullPolicy" | default "") "Always" -}}{{- $pull = true -}}{{- end -}}
{{- end -}}
{{- end -}}
{{- if $pull -}}
{{- $checks = append $checks "container-image-pull-policy" -}}
{{- end -}}
{{- if $driver -}}
{{- $checks = append $checks "container-ephemeral-storage-request-and-limit" -}}
{{- end -}}
{{- join "," $checks -}}
{{- end -}}

{{- /* spark-app.mi turns a memory quantity in Mi or Gi into whole MiB. */ -}}
{{- define "spark-app.mi" -}}
{{- $q := toString . -}}
{{- if hasSuffix "Gi" $q -}}{{- mul (trimSuffix "Gi" $q | int64) 1024 -}}
{{- else if hasSuffix "Mi" $q -}}{{- trimSuffix "Mi" $q | int64 -}}
{{- else -}}{{- fail (printf "memory %q must be given in Mi or Gi (e.g. 2048Mi or 2Gi)" $q) -}}
{{- end -}}
{{- end -}}

{{- /* spark-app.millicores turns a CPU quantity ("2", "1500m") into millicores. */ -}}
{{- define "spark-app.millicores" -}}
{{- $q := toString . -}}
{{- if hasSuffix "m" $q -}}{{- trimSuffix "m" $q | int64 -}}
{{- else if regexMatch "^[0-9]+$" $q -}}{{- mul ($q | int64) 1000 -}}
{{- else -}}{{- fail (printf "cpu %q must be whole cores or millicores (e.g. 2 or 1500m)" $q) -}}
{{- end -}}
{{- end -}}

{{- /* spark-app.cores is Spark's whole number of task slots for a CPU quantity (at least 1). */ -}}
{{- define "spark-app.cores" -}}
{{- max 1 (div (include "spark-app.millicores" . | int64) 1000) -}}
{{- end -}}

{{- /* spark-app.podMemory is the container memory: the JVM heap plus the overhead, in Mi. */ -}}
{{- define "spark-app.podMemory" -}}
{{- add (include "spark-app.mi" .memory | int64) (include "spark-app.mi" .memoryOverhead | int64) -}}Mi
{{- end -}}

{{- /* spark-app.scalar prints a values scalar without scientific notation. */ -}}
{{- define "spark-app.scalar" -}}
{{- if and (kindIs "float64" .) (eq . (floor .)) -}}{{- int64 . -}}{{- else -}}{{- . -}}{{- end -}}
{{- end -}}

{{- define "spark-app.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 185
runAsGroup: 185
fsGroup: 185
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "spark-app.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{- /*
spark-app.userContainers renders a role's initContainers followed by its sidecars, which
are native sidecars (init containers with restartPolicy Always) so they never keep a
finished driver or executor pod running. Their securityContext is merged over the
restricted minimum and a read-only root filesystem. Call with a podTemplate role (driver or executor).
*/ -}}
{{- define "spark-app.userContainers" -}}
{{- $out := list -}}
{{- range .initContainers -}}{{- $out = append $out (deepCopy .) -}}{{- end -}}
{{- range .sidecars -}}{{- $out = append $out (set (deepCopy .) "restartPolicy" "Always") -}}{{- end -}}
{{- $all := $out -}}
{{- $out = list -}}
{{- range $all -}}
{{- $c := . -}}
{{- include "spark-app.userSecurityContext" $c -}}
{{- $out = append $out $c -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{- /*
spark-app.userSecurityContext is a user container's securityContext merged over the chart's
default: a field it leaves out (or null) gets allowPrivilegeEscalation false,
capabilities.drop [ALL] and readOnlyRootFilesystem true, the restricted minimum plus a
read-only root filesystem. What it sets stays (validation refuses what Pod Security
"restricted" forbids). Call with the container (a copy, changed in place); prints nothing.
*/ -}}
{{- define "spark-app.userSecurityContext" -}}
{{- $sc := dict -}}
{{- if kindIs "map" (get . "securityContext") -}}{{- $sc = get . "securityContext" -}}{{- end -}}
{{- if not (kindIs "bool" (get $sc "allowPrivilegeEscalation")) -}}{{- $_ := set $sc "allowPrivilegeEscalation" false -}}{{- end -}}
{{- $caps := dict -}}
{{- if kindIs "map" (get $sc "capabilities") -}}{{- $caps = get $sc "capabilities" -}}{{- end -}}
{{- if not (get $caps "drop") -}}{{- $_ := set $caps "drop" (list "ALL") -}}{{- end -}}
{{- $_ := set $sc "capabilities" $caps -}}
{{- if not (kindIs "bool" (get $sc "readOnlyRootFilesystem")) -}}{{- $_ := set $sc "readOnlyRootFilesystem" true -}}{{- end -}}
{{- $_ := set . "securityContext" $sc -}}
{{- end -}}
