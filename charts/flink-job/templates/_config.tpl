{{- /*
flink-job.ownedConfig sets the Flink configuration the chart owns, all string values, into
a dict. Call with (list $ $dict). Each key is in the dialect of .Values.flinkVersion:
  - high-availability / restart-strategy / state.backend became *.type in 1.17
  - checkpoint and savepoint directories and incremental moved under
    execution.checkpointing.* in 1.20
  - hashmap/rocksdb state backend names exist from 1.13 (before: filesystem)
  - execution.shutdown-on-application-finish exists from 1.15 (FLINK-24113)
  - Java 17 module flags: env.java.opts.all in 1.18, env.java.default-opts.all from 1.19
    (the dist file that carries them is replaced by this ConfigMap)
*/ -}}
{{- define "flink-job.ownedConfig" -}}
{{- $c := index . 1 -}}
{{- with index . 0 -}}
{{- $v := .Values -}}
{{- $typeKeys := include "flink-job.atLeast" (list . "1.17") -}}
{{- $v120 := include "flink-job.atLeast" (list . "1.20") -}}
{{- $jm := include "flink-job.jobManagerName" . -}}
{{- /* addresses, ports and directories fixed by the pod layout */ -}}
{{- $_ := set $c "jobmanager.rpc.address" $jm -}}
{{- $_ := set $c "jobmanager.rpc.port" "6123" -}}
{{- $_ := set $c "blob.server.port" "6124" -}}
{{- $_ := set $c "taskmanager.rpc.port" "6122" -}}
{{- $_ := set $c "taskmanager.data.port" "6121" -}}
{{- $_ := set $c "rest.port" "8081" -}}
{{- $_ := set $c "rest.address" $jm -}}
{{- $_ := set $c "rest.bind-address" "0.0.0.0" -}}
{{- $_ := set $c "jobmanager.bind-host" "0.0.0.0" -}}
{{- $_ := set $c "taskmanager.bind-host" "0.0.0.0" -}}
{{- $_ := set $c "io.tmp.dirs" "/tmp" -}}
{{- /* sizes and parallelism */ -}}
{{- $_ := set $c "jobmanager.memory.process.size" (include "flink-job.flinkMemory" $v.jobManager.resources.memory) -}}
{{- $_ := set $c "taskmanager.memory.process.size" (include "flink-job.flinkMemory" $v.taskManager.resources.memory) -}}
{{- $_ := set $c "taskmanager.numberOfTaskSlots" (include "flink-job.scalar" $v.taskManager.taskSlots) -}}
{{- $_ := set $c "parallelism.default" (include "flink-job.scalar" $v.job.parallelism) -}}
{{- /* mode */ -}}
{{- $batch := eq $v.job.mode "batch" -}}
{{- if include "flink-job.atLeast" (list . "1.12") -}}
{{- $_ := set $c "execution.runtime-mode" (ternary "BATCH" "STREAMING" $batch) -}}
{{- end -}}
{{- if include "flink-job.atLeast" (list . "1.15") -}}
{{- /* a streaming JobManager is a Deployment: it must not exit (and be restarted into a re-run) when the job ends */ -}}
{{- $_ := set $c "execution.shutdown-on-application-finish" (ternary "true" "false" $batch) -}}
{{- end -}}
{{- with $v.job.archiveDir -}}{{- $_ := set $c "jobmanager.archive.fs.dir" . -}}{{- end -}}
{{- /* state and checkpoints */ -}}
{{- $backend := $v.checkpointing.stateBackend -}}
{{- if and (eq $backend "hashmap") (not (include "flink-job.atLeast" (list . "1.13"))) -}}{{- $backend = "filesystem" -}}{{- end -}}
{{- $_ := set $c (ternary "state.backend.type" "state.backend" (not (empty $typeKeys))) $backend -}}
{{- with $v.checkpointing.interval -}}
{{- $_ := set $c "execution.checkpointing.interval" . -}}
{{- $_ := set $c "execution.checkpointing.mode" $v.checkpointing.mode -}}
{{- end -}}
{{- with $v.checkpointing.dir -}}{{- $_ := set $c (ternary "execution.checkpointing.dir" "state.checkpoints.dir" (not (empty $v120))) . -}}{{- end -}}
{{- if $v.checkpointing.incremental -}}{{- $_ := set $c (ternary "execution.checkpointing.incremental" "state.backend.incremental" (not (empty $v120))) "true" -}}{{- end -}}
{{- with $v.savepoints.dir -}}{{- $_ := set $c (ternary "execution.checkpointing.savepoint-dir" "state.savepoints.dir" (not (empty $v120))) . -}}{{- end -}}
{{- /* high availability */ -}}
{{- $ha := $v.highAvailability -}}
{{- if ne $ha.type "none" -}}
{{- $haKey := ternary "high-availability.type" "high-availability" (not (empty $typeKeys)) -}}
{{- $_ := set $c "high-availability.storageDir" (required "highAvailability.storageDir is required unless highAvailability.type is none" $ha.storageDir) -}}
{{- $_ := set $c "high-availability.cluster-id" (printf "/%s/%s" .Release.Namespace (include "flink-job.fullname" .)) -}}
{{- /* pin the leader RPC port (default: random) so it is the declared container port */ -}}
{{- $_ := set $c "high-availability.jobmanager.port" "6123" -}}
{{- if eq $ha.type "kubernetes" -}}
{{- if not (include "flink-job.atLeast" (list . "1.12")) -}}{{- fail "highAvailability.type kubernetes needs Flink 1.12 or later" -}}{{- end -}}
{{- $_ := set $c $haKey (ternary "kubernetes" "org.apache.flink.kubernetes.highavailability.KubernetesHaServicesFactory" (not (empty (include "flink-job.atLeast" (list . "1.16"))))) -}}
{{- $_ := set $c "kubernetes.cluster-id" (include "flink-job.fullname" .) -}}
{{- $_ := set $c "kubernetes.namespace" .Release.Namespace -}}
{{- else if or (eq $ha.type "zookeeper") (eq $ha.type "zetcd") -}}
{{- $_ := set $c $haKey "zookeeper" -}}
{{- if eq $ha.type "zetcd" -}}
{{- if include "flink-job.atLeast" (list . "1.15") -}}{{- fail "highAvailability.type zetcd needs Flink 1.14 or earlier: zetcd speaks only the ZooKeeper 3.4 protocol and the ZooKeeper 3.5+ client of Flink 1.15+ fails against it; use highAvailability.type kubernetes or a real ZooKeeper" -}}{{- end -}}
{{- $_ := set $c "high-availability.zookeeper.quorum" (printf "%s:2181" (include "flink-job.zetcdName" .)) -}}
{{- else -}}
{{- $_ := set $c "high-availability.zookeeper.quorum" (join "," (required "highAvailability.zookeeper.quorum is required for type zookeeper" $ha.zookeeper.quorum)) -}}
{{- end -}}
{{- $_ := set $c "high-availability.zookeeper.path.root" $ha.zookeeper.rootPath -}}
{{- else -}}
{{- fail (printf "highAvailability.type %q is not one of none, zookeeper, zetcd, kubernetes" $ha.type) -}}
{{- end -}}
{{- end -}}
{{- /* restart strategy */ -}}
{{- $rs := $v.restartStrategy -}}
{{- with $rs.type -}}
{{- $_ := set $c (ternary "restart-strategy.type" "restart-strategy" (not (empty $typeKeys))) . -}}
{{- if eq . "fixed-delay" -}}
{{- if $rs.attempts -}}{{- $_ := set $c "restart-strategy.fixed-delay.attempts" (include "flink-job.scalar" $rs.attempts) -}}{{- end -}}
{{- with $rs.delay -}}{{- $_ := set $c "restart-strategy.fixed-delay.delay" . -}}{{- end -}}
{{- else if eq . "failure-rate" -}}
{{- if $rs.maxFailuresPerInterval -}}{{- $_ := set $c "restart-strategy.failure-rate.max-failures-per-interval" (include "flink-job.scalar" $rs.maxFailuresPerInterval) -}}{{- end -}}
{{- with $rs.failureRateInterval -}}{{- $_ := set $c "restart-strategy.failure-rate.failure-rate-interval" . -}}{{- end -}}
{{- with $rs.delay -}}{{- $_ := set $c "restart-strategy.failure-rate.delay" . -}}{{- end -}}
{{- else if eq . "exponential-delay" -}}
{{- with $rs.initialBackoff -}}{{- $_ := set $c "restart-strategy.exponential-delay.initial-backoff" . -}}{{- end -}}
{{- with $rs.maxBackoff -}}{{- $_ := set $c "restart-strategy.exponential-delay.max-backoff" . -}}{{- end -}}
{{- if not (kindIs "invalid" $rs.backoffMultiplier) -}}{{- $_ := set $c "restart-strategy.exponential-delay.backoff-multiplier" (include "flink-job.scalar" $rs.backoffMultiplier) -}}{{- end -}}
{{- with $rs.resetBackoffThreshold -}}{{- $_ := set $c "restart-strategy.exponential-delay.reset-backoff-threshold" . -}}{{- end -}}
{{- if not (kindIs "invalid" $rs.jitterFactor) -}}{{- $_ := set $c "restart-strategy.exponential-delay.jitter-factor" (include "flink-job.scalar" $rs.jitterFactor) -}}{{- end -}}
{{- end -}}
{{- end -}}
{{- /* metrics */ -}}
{{- if $v.metrics.prometheus.enabled -}}
{{- $_ := set $c "metrics.reporter.prom.factory.class" "org.apache.flink.metrics.prometheus.PrometheusReporterFactory" -}}
{{- $_ := set $c "metrics.reporter.prom.port" (include "flink-job.scalar" $v.metrics.prometheus.port) -}}
{{- end -}}
{{- /* Java 17 module flags */ -}}
{{- if include "flink-job.atLeast" (list . "1.19") -}}
{{- $_ := set $c "env.java.default-opts.all" (include "flink-job.java17Flags" .) -}}
{{- else if include "flink-job.atLeast" (list . "1.18") -}}
{{- $_ := set $c "env.java.opts.all" (include "flink-job.java17Flags" .) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- /* flink-job.java17Flags are the module flags Flink's own dist configuration sets for Java 17 ("must not be shortened, only extended"). */ -}}
{{- define "flink-job.java17Flags" -}}
{{- $exports := list "java.base/sun.net.util" "java.rmi/sun.rmi.registry" "jdk.compiler/com.sun.tools.javac.api" "jdk.compiler/com.sun.tools.javac.file" "jdk.compiler/com.sun.tools.javac.parser" "jdk.compiler/com.sun.tools.javac.tree" "jdk.compiler/com.sun.tools.javac.util" "java.security.jgss/sun.security.krb5" -}}
{{- $opens := list "java.base/java.lang" "java.base/java.net" "java.base/java.io" "java.base/java.nio" "java.base/sun.nio.ch" "java.base/java.lang.reflect" "java.base/java.text" "java.base/java.time" "java.base/java.util" "java.base/java.util.concurrent" "java.base/java.util.concurrent.atomic" "java.base/java.util.concurrent.locks" -}}
{{- /* each module as --add-exports=<module>=ALL-UNNAMED, space separated: joined with the text between two of them */ -}}
{{- printf "--add-exports=%s=ALL-UNNAMED --add-opens=%s=ALL-UNNAMED" (join "=ALL-UNNAMED --add-exports=" $exports) (join "=ALL-UNNAMED --add-opens=" $opens) -}}
{{- end -}}

{{- /*
flink-job.config builds the whole Flink configuration, the chart's keys plus flinkConfiguration
(which may not override a chart key), once per render, and keeps it as a dict in the memo: it
prints nothing; read .jobchartsMemo.flinkConfig after including it. Every value is a string
(the chart's own, and flinkConfiguration's through flink-job.scalar), so the dict needs no
toYaml/fromYaml round trip to look like what the ConfigMap and the checksum serialize.
*/ -}}
{{- define "flink-job.config" -}}
{{- if not (hasKey . "jobchartsMemo") -}}{{- $_ := set . "jobchartsMemo" dict -}}{{- end -}}
{{- if not (hasKey .jobchartsMemo "flinkConfig") -}}
{{- $conf := dict -}}
{{- include "flink-job.ownedConfig" (list . $conf) -}}
{{- /* flinkConfiguration's keys are distinct, so a key already in $conf is one the chart owns */ -}}
{{- range $k, $val := .Values.flinkConfiguration -}}
{{- if hasKey $conf $k -}}
{{- fail (printf "flinkConfiguration.%s is set by the chart from its own values (see values.yaml); remove it from flinkConfiguration" $k) -}}
{{- end -}}
{{- if regexMatch "^(?i:y|n|yes|no|true|false|on|off|null)$" $k -}}
{{- fail (printf "flinkConfiguration.%s: not a Flink configuration key (YAML reads it as a boolean or null); keys look like pipeline.name" $k) -}}
{{- end -}}
{{- $text := include "flink-job.scalar" $val -}}
{{- if not (include "flink-job.atLeast" (list $ "1.19")) -}}
{{- if contains "#" $text -}}
{{- fail (printf "flinkConfiguration.%s: Flink %s reads flink-conf.yaml line by line and drops everything from '#' on as a comment, so this value cannot be written; Flink 1.19 and newer read config.yaml as YAML, where it can" $k $.Values.flinkVersion) -}}
{{- else if not (trim $text) -}}
{{- fail (printf "flinkConfiguration.%s: Flink %s skips a flink-conf.yaml line with an empty value, so this key would not be set; remove it or give it a value" $k $.Values.flinkVersion) -}}
{{- end -}}
{{- end -}}
{{- $_ := set $conf $k $text -}}
{{- end -}}
{{- $_ := set .jobchartsMemo "flinkConfig" $conf -}}
{{- end -}}
{{- end -}}

{{- /* flink-job.configFile is flink-conf.yaml (legacy flat parser) up to 1.18 and config.yaml (standard YAML) from 1.19. */ -}}
{{- define "flink-job.configFile" -}}
{{- ternary "config.yaml" "flink-conf.yaml" (not (empty (include "flink-job.atLeast" (list . "1.19")))) -}}
{{- end -}}
