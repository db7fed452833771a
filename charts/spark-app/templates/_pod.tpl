{{- /* spark-app.podPlacement renders scheduling extras of a role's podTemplate. Call with (dict "ctx" $ "role" "driver"). */ -}}
{{- define "spark-app.podPlacement" -}}
{{- $pt := index .ctx.Values.podTemplate .role -}}
{{- include "spark-app.schedulerMeta" . -}}
{{- $sched := get .ctx.jobchartsMemo (printf "schedulerMeta/%s" .role) -}}
{{- with get $sched "schedulerName" }}
schedulerName: {{ . }}
{{- end }}
{{- with $pt.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $pt.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $pt.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $pt.priorityClassName }}
priorityClassName: {{ . | toYaml }}
{{- end }}
{{- with .ctx.Values.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . | toYaml }}
  {{- end }}
{{- end }}
{{- end -}}

{{- /* spark-app.podMeta renders the labels and annotations of a role's pods. Call with (dict "ctx" $ "role" "driver"). */ -}}
{{- define "spark-app.podMeta" -}}
{{- $pt := index .ctx.Values.podTemplate .role -}}
{{- include "spark-app.schedulerMeta" . -}}
{{- $sched := get .ctx.jobchartsMemo (printf "schedulerMeta/%s" .role) -}}
{{- $_ := include "spark-app.labels" (dict "ctx" .ctx) -}}
{{- $labels := dict -}}
{{- range $k, $v := .ctx.jobchartsMemo.labelsWithComponent -}}{{- $_ := set $labels $k $v -}}{{- end -}}
{{- $_ := set $labels "app.kubernetes.io/component" .role -}}
{{- range $k, $v := $pt.labels -}}{{- if not (hasKey $labels $k) -}}{{- $_ := set $labels $k $v -}}{{- end -}}{{- end -}}
{{- range $k, $v := $sched.labels -}}{{- $_ := set $labels $k $v -}}{{- end -}}
{{- $ann := dict -}}
{{- range $k, $v := .ctx.Values.commonAnnotations -}}{{- $_ := set $ann $k $v -}}{{- end -}}
{{- range $k, $v := $pt.annotations -}}{{- $_ := set $ann $k $v -}}{{- end -}}
{{- range $k, $v := $sched.annotations -}}{{- $_ := set $ann $k $v -}}{{- end -}}
{{- if and .ctx.Values.metrics.prometheus.enabled (eq .role "driver") -}}
{{- $_ := set $ann "prometheus.io/scrape" "true" -}}
{{- $_ := set $ann "prometheus.io/port" "4040" -}}
{{- $_ := set $ann "prometheus.io/path" "/metrics/executors/prometheus/" -}}
{{- end -}}
labels:
  {{- toYaml $labels | nindent 2 }}
{{- with $ann }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- /* spark-app.writableMounts: the directories Spark writes to (the root filesystem is read-only). */ -}}
{{- define "spark-app.writableMounts" -}}
- name: work-dir
  mountPath: /opt/spark/work-dir
- name: tmp
  mountPath: /tmp
{{- end -}}

{{- define "spark-app.writableVolumes" -}}
- name: work-dir
  emptyDir: {}
- name: tmp
  emptyDir: {}
{{- end -}}

{{- /* spark-app.executorPodTemplate is the pod template Spark starts every executor from. */ -}}
{{- define "spark-app.executorPodTemplate" -}}
{{- $pt := .Values.podTemplate.executor -}}
apiVersion: v1
kind: Pod
metadata:
  {{- include "spark-app.podMeta" (dict "ctx" . "role" "executor") | nindent 2 }}
spec:
  serviceAccountName: {{ include "spark-app.serviceAccountName" . | toYaml }}
  # executors never talk to the API server
  automountServiceAccountToken: false
  securityContext:
    {{- include "spark-app.podSecurityContext" . | nindent 4 }}
  {{- with include "spark-app.podPlacement" (dict "ctx" . "role" "executor") | trim }}
  {{- . | nindent 2 }}
  {{- end }}
  {{- if or $pt.initContainers $pt.sidecars }}
  initContainers:
    {{- include "spark-app.userContainers" $pt | nindent 4 }}
  {{- end }}
  containers:
    - name: executor
      {{- with .Values.env }}
      env:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.envFrom }}
      envFrom:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- include "spark-app.containerSecurityContext" . | nindent 8 }}
      volumeMounts:
        {{- include "spark-app.writableMounts" . | nindent 8 }}
        {{- with $pt.volumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    {{- include "spark-app.writableVolumes" . | nindent 4 }}
    {{- with $pt.volumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}

{{- /* spark-app.submitArgs: spark-submit in client mode; the Job pod is the driver. */ -}}
{{- define "spark-app.submitArgs" -}}
{{- $app := .Values.app -}}
- /opt/spark/bin/spark-submit
- --master
- k8s://https://kubernetes.default.svc:443
- --deploy-mode
- client
- --name
- {{ include "spark-app.fullname" . | toYaml }}
- --properties-file
- {{ include "spark-app.confDir" . }}/spark-defaults.conf
# executors get an ownerReference to this pod and go with it
- --conf
- spark.kubernetes.driver.pod.name=$(POD_NAME)
# unique per attempt, so a retry never collides with the executors of the last one
- --conf
- spark.kubernetes.executor.podNamePrefix=$(POD_NAME)
- --conf
- spark.driver.host=$(POD_IP)
{{- if ne $app.type "python" }}
- --class
- {{ required "app.mainClass is required for java and scala applications" $app.mainClass | quote }}
{{- end }}
{{- with $app.deps.jars }}
- --jars
- {{ join "," . | quote }}
{{- end }}
{{- with $app.deps.files }}
- --files
- {{ join "," . | quote }}
{{- end }}
{{- with $app.deps.pyFiles }}
- --py-files
- {{ join "," . | quote }}
{{- end }}
- {{ required "app.mainApplicationFile is required" $app.mainApplicationFile | quote }}
{{- range $app.args }}
- {{ . | quote }}
{{- end }}
{{- end -}}
