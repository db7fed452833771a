{{- /*
flink-job.once prints (include NAME $) but renders it only once per render (see flink-job.memo):
for the parts every Flink pod shares, JobManager and TaskManager alike. Call with (list $ "NAME").
*/ -}}
{{- define "flink-job.once" -}}
{{- $ctx := index . 0 -}}
{{- $key := printf "once/%s" (index . 1) -}}
{{- if not (hasKey $ctx "jobchartsMemo") -}}{{- $_ := set $ctx "jobchartsMemo" dict -}}{{- end -}}
{{- if not (hasKey $ctx.jobchartsMemo $key) -}}{{- $_ := set $ctx.jobchartsMemo $key (include (index . 1) $ctx) -}}{{- end -}}
{{- get $ctx.jobchartsMemo $key -}}
{{- end -}}

{{- /* flink-job.podSpecExtras renders the pod-level settings shared by every Flink pod. */ -}}
{{- define "flink-job.podSpecExtras" -}}
{{- $pt := .Values.podTemplate -}}
serviceAccountName: {{ include "flink-job.serviceAccountName" . | toYaml }}
{{- /* only Kubernetes HA talks to the API server */}}
automountServiceAccountToken: {{ eq .Values.highAvailability.type "kubernetes" }}
securityContext:
  {{- include "flink-job.podSecurityContext" . | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . | toYaml }}
  {{- end }}
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
{{- with $pt.schedulerName }}
schedulerName: {{ . | toYaml }}
{{- end }}
{{- end -}}

{{- /*
flink-job.podAnnotations: commonAnnotations, podTemplate.annotations, a checksum of the
Flink configuration (a config change rolls the pods) and scrape hints. The traceability
annotations stay on the objects: a new commit must not restart a streaming job. Memoized:
every Flink pod has the same.
*/ -}}
{{- define "flink-job.podAnnotations" -}}
{{- if not (hasKey . "jobchartsMemo") -}}{{- $_ := set . "jobchartsMemo" dict -}}{{- end -}}
{{- if not (hasKey .jobchartsMemo "podAnnotations") -}}
{{- $a := dict -}}
{{- range $k, $v := .Values.commonAnnotations -}}{{- $_ := set $a $k $v -}}{{- end -}}
{{- range $k, $v := .Values.podTemplate.annotations -}}{{- $_ := set $a $k $v -}}{{- end -}}
{{- $_ := set $a "checksum/config" (include "flink-job.configChecksum" .) -}}
{{- if .Values.metrics.prometheus.enabled -}}
{{- $_ := set $a "prometheus.io/scrape" "true" -}}
{{- $_ := set $a "prometheus.io/port" (include "flink-job.scalar" .Values.metrics.prometheus.port) -}}
{{- end -}}
{{- $_ := set .jobchartsMemo "podAnnotations" (toYaml $a) -}}
{{- end -}}
{{- .jobchartsMemo.podAnnotations -}}
{{- end -}}

{{- /* flink-job.configChecksum covers everything the ConfigMap carries: the configuration as YAML, the log4j file and the probe. */ -}}
{{- define "flink-job.configChecksum" -}}
{{- include "flink-job.config" . -}}
{{- list (toYaml .jobchartsMemo.flinkConfig) (.Files.Get "files/log4j-console.properties") (.Files.Get "files/probe.sh") | toJson | sha256sum -}}
{{- end -}}

{{- /*
flink-job.jarToCopy prints the path of job.jarURI when the JAR is outside /opt/flink/usrlib
(e.g. an example shipped with Flink): standalone-job loads user code from usrlib only, so
copy-config copies it into an emptyDir mounted there. Empty when the JAR is in usrlib.
*/ -}}
{{- define "flink-job.jarToCopy" -}}
{{- $uri := .Values.job.jarURI -}}
{{- if not (hasPrefix "local:///opt/flink/usrlib/" $uri) -}}{{- trimPrefix "local://" $uri -}}{{- end -}}
{{- end -}}

{{- /*
flink-job.initContainers copy the read-only ConfigMap into the writable conf dir the image's
entrypoint edits (and a JAR from outside usrlib into usrlib, see flink-job.jarToCopy).
*/ -}}
{{- define "flink-job.initContainers" -}}
{{- $jar := include "flink-job.jarToCopy" . -}}
- name: copy-config
  image: {{ .Values.image }}
  imagePullPolicy: {{ .Values.imagePullPolicy }}
  {{- if $jar }}
  command: ["bash", "-c", "cp /flink-config/* /opt/flink/conf/ && cp -- \"$1\" /opt/flink/usrlib/", "copy-config", {{ $jar | quote }}]
  {{- else }}
  command: ["bash", "-c", "cp /flink-config/* /opt/flink/conf/"]
  {{- end }}
  resources:
    {{- include "flink-job.resources" (dict "cpu" "100m" "memory" "64Mi") | nindent 4 }}
  securityContext:
    {{- include "flink-job.containerSecurityContext" . | nindent 4 }}
  volumeMounts:
    - name: flink-config
      mountPath: /flink-config
    - name: flink-conf
      mountPath: /opt/flink/conf
    {{- if $jar }}
    - name: usrlib
      mountPath: /opt/flink/usrlib
    {{- end }}
{{- with .Values.podTemplate.initContainers }}
{{ include "flink-job.userContainers" (dict "containers" . "sidecar" false) }}
{{- end }}
{{- with .Values.podTemplate.sidecars }}
{{ include "flink-job.userContainers" (dict "containers" . "sidecar" true) }}
{{- end }}
{{- end -}}

{{- /*
flink-job.userContainers renders podTemplate sidecars or initContainers; their
securityContext is merged over the restricted minimum and a read-only root filesystem (the
pod already sets runAsNonRoot and seccomp).
Sidecars are native sidecars (init containers with restartPolicy Always): they start
before Flink and never keep a finished batch JobManager's pod running.
Call with (dict "containers" LIST "sidecar" BOOL).
*/ -}}
{{- define "flink-job.userContainers" -}}
{{- $sidecar := .sidecar -}}
{{- $out := list -}}
{{- range .containers -}}
{{- $c := deepCopy . -}}
{{- if $sidecar -}}{{- $_ := set $c "restartPolicy" "Always" -}}{{- end -}}
{{- include "flink-job.userSecurityContext" $c -}}
{{- $out = append $out $c -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{- /* flink-job.flinkEnv is the environment of a Flink container; rpcAddress is what the entrypoint writes into jobmanager.rpc.address. */ -}}
{{- define "flink-job.flinkEnv" -}}
{{- if .podIP -}}
- name: POD_IP
  valueFrom:
    fieldRef:
      fieldPath: status.podIP
{{ end -}}
- name: JOB_MANAGER_RPC_ADDRESS
  value: {{ .rpcAddress | quote }}
{{- if .ctx.Values.env }}
{{ include "flink-job.once" (list .ctx "flink-job.userEnv") }}
{{- end }}
{{- end -}}

{{- /* flink-job.userEnv and flink-job.userEnvFrom are the job's own env and envFrom, the same in every Flink container. */ -}}
{{- define "flink-job.userEnv" -}}{{- toYaml .Values.env -}}{{- end -}}
{{- define "flink-job.userEnvFrom" -}}{{- toYaml .Values.envFrom -}}{{- end -}}

{{- /* flink-job.flinkMounts are the writable directories of a Flink container (the root filesystem is read-only). */ -}}
{{- define "flink-job.flinkMounts" -}}
- name: flink-conf
  mountPath: /opt/flink/conf
- name: flink-log
  mountPath: /opt/flink/log
- name: tmp
  mountPath: /tmp
{{- if include "flink-job.jarToCopy" . }}
- name: usrlib
  mountPath: /opt/flink/usrlib
  readOnly: true
{{- end }}
{{- with .Values.podTemplate.volumeMounts }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "flink-job.volumes" -}}
- name: flink-config
  configMap:
    name: {{ include "flink-job.configName" . }}
- name: flink-conf
  emptyDir:
    sizeLimit: 16Mi
- name: flink-log
  emptyDir:
    sizeLimit: 512Mi
- name: tmp
  emptyDir: {}
{{- if include "flink-job.jarToCopy" . }}
- name: usrlib
  emptyDir: {}
{{- end }}
{{- with .Values.podTemplate.volumes }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "flink-job.metricsPort" -}}
- name: metrics
  containerPort: {{ include "flink-job.scalar" .Values.metrics.prometheus.port }}
  protocol: TCP
{{- end -}}

{{- /* flink-job.jobManagerArgs: standalone-job with a fixed job id, the savepoint to restore, then the job's own args. */ -}}
{{- define "flink-job.jobManagerArgs" -}}
{{- $j := .Values.job -}}
- standalone-job
{{- if ne .Values.highAvailability.type "none" }}
- --host
- $(POD_IP)
{{- end }}
{{- with $j.entryClass }}
- --job-classname
- {{ . | quote }}
{{- end }}
- --job-id
- {{ include "flink-job.jobId" . | quote }}
{{- with $j.restoreFrom.path }}
- --fromSavepoint
- {{ . | quote }}
{{- if $j.restoreFrom.allowNonRestoredState }}
- --allowNonRestoredState
{{- end }}
{{- end }}
{{- range $j.args }}
- {{ . | quote }}
{{- end }}
{{- end -}}

{{- /* flink-job.jobManagerPodTemplate: call with (dict "ctx" $ "restartPolicy" "OnFailure"|""). */ -}}
{{- define "flink-job.jobManagerPodTemplate" -}}
{{- $restartPolicy := .restartPolicy -}}
{{- with .ctx -}}
{{- $jm := .Values.jobManager -}}
{{- $ha := ne .Values.highAvailability.type "none" -}}
metadata:
  labels:
    {{- include "flink-job.podLabels" (dict "ctx" . "component" "jobmanager") | nindent 4 }}
  annotations:
    {{- include "flink-job.podAnnotations" . | nindent 4 }}
spec:
  {{- include "flink-job.once" (list . "flink-job.podSpecExtras") | nindent 2 }}
  {{- with $restartPolicy }}
  restartPolicy: {{ . }}
  {{- end }}
  initContainers:
    {{- include "flink-job.once" (list . "flink-job.initContainers") | nindent 4 }}
  containers:
    - name: jobmanager
      image: {{ .Values.image }}
      imagePullPolicy: {{ .Values.imagePullPolicy }}
      args:
        {{- include "flink-job.jobManagerArgs" . | nindent 8 }}
      env:
        {{- include "flink-job.flinkEnv" (dict "ctx" . "podIP" $ha "rpcAddress" (ternary "$(POD_IP)" (include "flink-job.jobManagerName" .) $ha)) | nindent 8 }}
      {{- if .Values.envFrom }}
      envFrom:
        {{- include "flink-job.once" (list . "flink-job.userEnvFrom") | nindent 8 }}
      {{- end }}
      ports:
        - name: rpc
          containerPort: 6123
          protocol: TCP
        - name: blob
          containerPort: 6124
          protocol: TCP
        - name: rest
          containerPort: 8081
          protocol: TCP
        {{- if .Values.metrics.prometheus.enabled }}
        {{- include "flink-job.metricsPort" . | nindent 8 }}
        {{- end }}
      resources:
        {{- include "flink-job.resources" $jm.resources | nindent 8 }}
      {{- $jobId := include "flink-job.jobId" . }}
      startupProbe:
        exec:
          command: ["bash", "/opt/flink/conf/probe.sh", "startup", {{ $jobId | quote }}]
        periodSeconds: {{ include "flink-job.scalar" $jm.startupProbe.periodSeconds }}
        failureThreshold: {{ include "flink-job.scalar" $jm.startupProbe.failureThreshold }}
        timeoutSeconds: {{ include "flink-job.scalar" $jm.startupProbe.timeoutSeconds }}
      livenessProbe:
        exec:
          command: ["bash", "/opt/flink/conf/probe.sh", "liveness", {{ $jobId | quote }}]
        periodSeconds: {{ include "flink-job.scalar" $jm.livenessProbe.periodSeconds }}
        failureThreshold: {{ include "flink-job.scalar" $jm.livenessProbe.failureThreshold }}
        timeoutSeconds: {{ include "flink-job.scalar" $jm.livenessProbe.timeoutSeconds }}
      readinessProbe:
        exec:
          command: ["bash", "/opt/flink/conf/probe.sh", "readiness", {{ $jobId | quote }}]
        periodSeconds: {{ include "flink-job.scalar" $jm.readinessProbe.periodSeconds }}
        failureThreshold: {{ include "flink-job.scalar" $jm.readinessProbe.failureThreshold }}
        timeoutSeconds: {{ include "flink-job.scalar" $jm.readinessProbe.timeoutSeconds }}
      securityContext:
        {{- include "flink-job.containerSecurityContext" . | nindent 8 }}
      volumeMounts:
        {{- include "flink-job.once" (list . "flink-job.flinkMounts") | nindent 8 }}
  volumes:
    {{- include "flink-job.once" (list . "flink-job.volumes") | nindent 4 }}
{{- end -}}
{{- end -}}

{{- /*
flink-job.userSecurityContext is a user container's securityContext merged over the chart's
default: a field it leaves out (or null) gets allowPrivilegeEscalation false,
capabilities.drop [ALL] and readOnlyRootFilesystem true, the restricted minimum plus a
read-only root filesystem. What it sets stays (validation refuses what Pod Security
"restricted" forbids). Call with the container (a copy, changed in place); prints nothing.
*/ -}}
{{- define "flink-job.userSecurityContext" -}}
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
