{{- /* spark-app.confDir is where the ConfigMap is mounted in the driver. */ -}}
{{- define "spark-app.confDir" -}}/opt/spark/jobcharts{{- end -}}

{{- /*
spark-app.ownedConf sets the Spark configuration the chart owns, all string values, into a
dict. Call with (list $ $dict).
Per-pod values (driver pod name, executor name prefix, driver host) are passed on the
spark-submit command line because they come from the downward API.
*/ -}}
{{- define "spark-app.ownedConf" -}}
{{- $c := index . 1 -}}
{{- with index . 0 -}}
{{- $v := .Values -}}
{{- $_ := set $c "spark.kubernetes.namespace" .Release.Namespace -}}
{{- $_ := set $c "spark.kubernetes.container.image" $v.image -}}
{{- $_ := set $c "spark.kubernetes.container.image.pullPolicy" $v.imagePullPolicy -}}
{{- with $v.imagePullSecrets -}}{{- $_ := set $c "spark.kubernetes.container.image.pullSecrets" (join "," .) -}}{{- end -}}
{{- $_ := set $c "spark.kubernetes.executor.podTemplateFile" (printf "%s/executor-pod-template.yaml" (include "spark-app.confDir" .)) -}}
{{- $_ := set $c "spark.kubernetes.executor.podTemplateContainerName" "executor" -}}
{{- /* client mode inside the Job pod: fixed ports, executors dial the driver pod's IP */ -}}
{{- $_ := set $c "spark.driver.port" "7078" -}}
{{- $_ := set $c "spark.driver.blockManager.port" "7079" -}}
{{- $_ := set $c "spark.driver.bindAddress" "0.0.0.0" -}}
{{- $_ := set $c "spark.ui.port" "4040" -}}
{{- /* sizes */ -}}
{{- $d := $v.driver.resources -}}
{{- $e := $v.executor.resources -}}
{{- $_ := set $c "spark.driver.memory" (printf "%sm" (include "spark-app.mi" $d.memory)) -}}
{{- $_ := set $c "spark.driver.cores" (include "spark-app.cores" $d.cpu) -}}
{{- $_ := set $c "spark.executor.memory" (printf "%sm" (include "spark-app.mi" $e.memory)) -}}
{{- $_ := set $c "spark.executor.memoryOverhead" (printf "%sm" (include "spark-app.mi" $e.memoryOverhead)) -}}
{{- $_ := set $c "spark.executor.cores" (include "spark-app.cores" $e.cpu) -}}
{{- $_ := set $c "spark.kubernetes.executor.request.cores" (printf "%sm" (include "spark-app.millicores" $e.cpu)) -}}
{{- $_ := set $c "spark.kubernetes.executor.limit.cores" (printf "%sm" (include "spark-app.millicores" $e.cpu)) -}}
{{- $_ := set $c "spark.kubernetes.executor.deleteOnTermination" (toString $v.executor.deleteOnTermination) -}}
{{- /* executors: fixed count, or dynamic allocation with shuffle tracking (Kubernetes has no external shuffle service) */ -}}
{{- $da := $v.dynamicAllocation -}}
{{- if $da.enabled -}}
{{- $_ := set $c "spark.dynamicAllocation.enabled" "true" -}}
{{- $_ := set $c "spark.dynamicAllocation.shuffleTracking.enabled" "true" -}}
{{- $_ := set $c "spark.dynamicAllocation.minExecutors" (include "spark-app.scalar" $da.minExecutors) -}}
{{- $_ := set $c "spark.dynamicAllocation.maxExecutors" (include "spark-app.scalar" $da.maxExecutors) -}}
{{- if not (kindIs "invalid" $da.initialExecutors) -}}
{{- $_ := set $c "spark.dynamicAllocation.initialExecutors" (include "spark-app.scalar" $da.initialExecutors) -}}
{{- end -}}
{{- else -}}
{{- $_ := set $c "spark.executor.instances" (include "spark-app.scalar" $v.executor.instances) -}}
{{- end -}}
{{- /* graceful executor loss: blocks move off an executor before it goes */ -}}
{{- $_ := set $c "spark.decommission.enabled" "true" -}}
{{- $_ := set $c "spark.storage.decommission.enabled" "true" -}}
{{- $_ := set $c "spark.storage.decommission.shuffleBlocks.enabled" "true" -}}
{{- $_ := set $c "spark.storage.decommission.rddBlocks.enabled" "true" -}}
{{- with $v.eventLog.dir -}}
{{- $_ := set $c "spark.eventLog.enabled" "true" -}}
{{- $_ := set $c "spark.eventLog.dir" . -}}
{{- end -}}
{{- if $v.metrics.prometheus.enabled -}}
{{- $_ := set $c "spark.ui.prometheus.enabled" "true" -}}
{{- $_ := set $c "spark.metrics.conf.*.sink.prometheusServlet.class" "org.apache.spark.metrics.sink.PrometheusServlet" -}}
{{- $_ := set $c "spark.metrics.conf.*.sink.prometheusServlet.path" "/metrics/prometheus" -}}
{{- end -}}
{{- with $v.batchScheduler.name -}}
{{- $_ := set $c "spark.kubernetes.executor.scheduler.name" . -}}
{{- end -}}
{{- range $k, $val := $v.hadoopConf -}}
{{- $_ := set $c (printf "spark.hadoop.%s" $k) (include "spark-app.scalar" $val) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- /*
spark-app.conf builds the chart's configuration plus sparkConf (which may not override a chart
key) once per render and keeps it as a dict in the memo: it prints nothing; read
.jobchartsMemo.sparkConf after including it. Every value is a string (the chart's own, and
sparkConf's through spark-app.scalar), so no toYaml/fromYaml round trip is needed.
*/ -}}
{{- define "spark-app.conf" -}}
{{- if not (hasKey . "jobchartsMemo") -}}{{- $_ := set . "jobchartsMemo" dict -}}{{- end -}}
{{- if not (hasKey .jobchartsMemo "sparkConf") -}}
{{- $conf := dict -}}
{{- include "spark-app.ownedConf" (list . $conf) -}}
{{- /* sparkConf's keys are distinct, so a key already in $conf is one the chart owns */ -}}
{{- range $k, $val := .Values.sparkConf -}}
{{- if hasKey $conf $k -}}
{{- fail (printf "sparkConf.%s is set by the chart from its own values (see values.yaml); remove it from sparkConf" $k) -}}
{{- end -}}
{{- $_ := set $conf $k (include "spark-app.scalar" $val) -}}
{{- end -}}
{{- $_ := set .jobchartsMemo "sparkConf" $conf -}}
{{- end -}}
{{- end -}}

{{- /*
spark-app.schedulerMeta is the scheduler wiring of a role's pods: a dict with schedulerName,
labels and annotations, built once per render and role and kept in the memo under
schedulerMeta/<role>: it prints nothing. Call with (dict "ctx" $ "role" "driver"|"executor").
Volcano: the chart renders the PodGroup (Spark's VolcanoFeatureStep only runs in cluster
mode). YuniKorn: one application id for driver and executors, task groups for gangs.
*/ -}}
{{- define "spark-app.schedulerMeta" -}}
{{- $ctx := .ctx -}}
{{- if not (hasKey $ctx "jobchartsMemo") -}}{{- $_ := set $ctx "jobchartsMemo" dict -}}{{- end -}}
{{- $key := printf "schedulerMeta/%s" .role -}}
{{- if not (hasKey $ctx.jobchartsMemo $key) -}}
{{- $bs := $ctx.Values.batchScheduler -}}
{{- $out := dict "labels" dict "annotations" dict -}}
{{- $jobName := include "spark-app.jobName" $ctx -}}
{{- if eq $bs.name "volcano" -}}
{{- $_ := set $out "schedulerName" "volcano" -}}
{{- $_ := set $out.annotations "scheduling.k8s.io/group-name" $jobName -}}
{{- else if eq $bs.name "yunikorn" -}}
{{- $_ := set $out "schedulerName" "yunikorn" -}}
{{- $_ := set $out.annotations "yunikorn.apache.org/app-id" $jobName -}}
{{- with $bs.queue -}}{{- $_ := set $out.labels "queue" . -}}{{- end -}}
{{- if $bs.gang -}}
{{- $_ := set $out.annotations "yunikorn.apache.org/task-group-name" (printf "spark-%s" .role) -}}
{{- if eq .role "driver" -}}
{{- $_ := set $out.annotations "yunikorn.apache.org/task-groups" (include "spark-app.taskGroups" $ctx) -}}
{{- $_ := set $out.annotations "yunikorn.apache.org/schedulingPolicyParameters" "placeholderTimeoutInSeconds=300 gangSchedulingStyle=Hard" -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $_ := set $ctx.jobchartsMemo $key $out -}}
{{- end -}}
{{- end -}}

{{- /* spark-app.gangExecutors is the number of executors a gang waits for. */ -}}
{{- define "spark-app.gangExecutors" -}}
{{- if .Values.dynamicAllocation.enabled -}}{{- include "spark-app.scalar" .Values.dynamicAllocation.minExecutors -}}
{{- else -}}{{- include "spark-app.scalar" .Values.executor.instances -}}{{- end -}}
{{- end -}}

{{- define "spark-app.taskGroups" -}}
{{- $d := .Values.driver.resources -}}
{{- $e := .Values.executor.resources -}}
{{- list
  (dict "name" "spark-driver" "minMember" 1 "minResource" (dict "cpu" (toString $d.cpu) "memory" (include "spark-app.podMemory" $d)))
  (dict "name" "spark-executor" "minMember" (include "spark-app.gangExecutors" . | int) "minResource" (dict "cpu" (toString $e.cpu) "memory" (include "spark-app.podMemory" $e)))
  | toJson -}}
{{- end -}}
