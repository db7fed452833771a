package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The hostile-input catalog: broken and hostile descriptors of both kinds, run
// through `gen validate FILE` and `gen render -o DIR FILE` as a user would. Each
// must be refused with exit code 1 and exactly the expected messages, each as
// FILE:LINE:COLUMN: FIELD: MESSAGE, and a refused render must leave DIR as it was.
// The unit tests in pkg/descriptor check each rule; this is the end-to-end view.

// catalogFlink is a minimal valid FlinkJob; spec fields appended to it start on line 10.
const catalogFlink = `apiVersion: jobcharts.io/v1alpha1
kind: FlinkJob
metadata:
  name: clicks
spec:
  flinkVersion: "1.20"
  image: registry.example.com/clicks:1.0.0
  job:
    jarURI: local:///opt/flink/usrlib/clicks.jar
`

// catalogSpark is a minimal valid SparkApp; spec fields appended to it start on line 11.
const catalogSpark = `apiVersion: jobcharts.io/v1alpha1
kind: SparkApp
metadata:
  name: etl
spec:
  sparkVersion: "3.5"
  image: registry.example.com/etl:1.0.0
  app:
    type: python
    mainApplicationFile: local:///opt/spark/app/main.py
`

// replaced returns base with old replaced by new; old must occur.
func replaced(base, old, new string) string {
	if !strings.Contains(base, old) {
		panic("the catalog base descriptor has no " + old)
	}
	return strings.Replace(base, old, new, 1)
}

// catalogRes are resources a sidecar or init container must have.
const catalogRes = "{requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 10m, memory: 16Mi}}"

func flinkWith(old, new string) string { return replaced(catalogFlink, old, new) }
func sparkWith(old, new string) string { return replaced(catalogSpark, old, new) }

// Messages of Kubernetes' name validation, repeated by several cases.
const (
	dns1035Msg = `a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`
	dns1123Msg = `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`
	subdomMsg  = `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`

	flinkDurationMsg   = `is not a Flink duration; write a whole number and a unit, e.g. "30s", "5 min", "500ms" (units: ms, s, min, h, d)`
	imageRefMsg        = `write registry/repository:tag or registry/repository@sha256:<digest>`
	uriMsg             = `is not a URI with a scheme; write e.g. s3://bucket/path (s3://, gs://, hdfs://, abfss://, file://...)`
	secretRefMsg       = `which must not be in the descriptor (it is kept in git and rendered into plain manifests); put it in a Kubernetes Secret and read it from there (spec.env[].valueFrom.secretKeyRef or spec.envFrom[].secretRef)`
	envSecretMsg       = `use valueFrom.secretKeyRef or envFrom[].secretRef to read it from an existing Secret`
	flinkCredMsg       = `carries a credential, which must not be in the descriptor; pass it as an environment variable from a Secret (spec.env[].valueFrom.secretKeyRef or spec.envFrom[].secretRef), e.g. AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, which Flink's S3 file systems read`
	sparkCredMsg       = `carries a credential, which must not be in the descriptor; pass it as an environment variable from a Secret (spec.env[].valueFrom.secretKeyRef or spec.envFrom[].secretRef). For S3A, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY that way, which S3A's default credentials provider chain reads, or use a provider without keys (fs.s3a.aws.credentials.provider, e.g. web identity)`
	emptyMsg           = `expected a descriptor (apiVersion: jobcharts.io/v1alpha1, kind: one of FlinkJob, SparkApp)`
	cidrMsg            = `write an address and a prefix length without leading zeros, e.g. 10.0.0.0/8 or 2001:db8::/32`
	netpolDisabledMsg  = `has no effect: spec.networkPolicy.enabled is false, so no NetworkPolicy is rendered; remove it or enable the NetworkPolicy (enabled: true)`
	netpolNoMetricsMsg = `has no effect: spec.metrics.prometheus.enabled is false, so no metrics port is opened; remove it or set spec.metrics.prometheus.enabled: true`
)

type catalogCase struct {
	name  string // the file is <name>.yaml
	kind  string // FlinkJob, SparkApp, or "" when the file is refused before its kind is known
	desc  string
	input string
	// want is the exact standard error, with FILE for the descriptor's path.
	want string
}

func catalog() []catalogCase {
	big := catalogFlink + "  flinkConfiguration:\n" + strings.Repeat("    pipeline.name: x\n", 256<<10/20)
	return []catalogCase{
		// ---- file level: YAML syntax and shape ----
		{"empty", "", "an empty file", "",
			"FILE:1:1: the file is empty; " + emptyMsg},
		{"comment-only", "", "only a comment", "# TODO write the descriptor\n",
			"FILE:1:1: the file is empty; " + emptyMsg},
		{"bom-only", "", "only a UTF-8 byte order mark", "\xef\xbb\xbf",
			"FILE:1:1: the file is empty; " + emptyMsg},
		{"null-document", "", "a document that is null", "~\n",
			"FILE:1:1: the document is empty; " + emptyMsg},
		{"list-document", "", "a list instead of a mapping", "- apiVersion: jobcharts.io/v1alpha1\n- kind: FlinkJob\n",
			"FILE:1:1: a descriptor is a mapping with apiVersion, kind, metadata and spec; got a list"},
		{"scalar-document", "", "a bare string", "FlinkJob\n",
			`FILE:1:1: a descriptor is a mapping with apiVersion, kind, metadata and spec; got string "FlinkJob"`},
		{"too-large", "FlinkJob", "a descriptor over 256 KiB (refused before parsing)", big,
			"FILE:1:1: file is larger than 262144 bytes (256 KiB); a descriptor is a small file (real ones are a few KiB)"},
		{"flink-unclosed-flow", "FlinkJob", "malformed YAML: an unclosed flow mapping",
			catalogFlink + "  jobManager: {resources: {cpu: \"1\"}\n",
			"FILE:10:1: invalid YAML: did not find expected ',' or '}'"},
		{"spark-bad-indent", "SparkApp", "malformed YAML: a key indented less than its siblings (yaml.v3 reports where the enclosing block failed, not the key)",
			sparkWith("    mainApplicationFile", "   mainApplicationFile"),
			"FILE:6:1: invalid YAML: did not find expected key"},
		{"flink-tab-indent", "FlinkJob", "a tab used for indentation",
			flinkWith("  name: clicks", "\tname: clicks"),
			"FILE:4:1: invalid YAML: found a tab; YAML does not allow tabs for indentation, indent with spaces"},
		{"spark-tab-indent", "SparkApp", "a tab used for indentation",
			sparkWith("    type: python", "\ttype: python"),
			"FILE:9:1: invalid YAML: found a tab; YAML does not allow tabs for indentation, indent with spaces"},
		{"flink-duplicate-key", "FlinkJob", "a duplicate key: the second image would silently win elsewhere",
			flinkWith("  job:", "  image: registry.example.com/other:2.0.0\n  job:"),
			`FILE:8:3: spec.image: duplicate key "image" (first defined at line 7); keep one`},
		{"spark-duplicate-conf-key", "SparkApp", "a duplicate key inside sparkConf",
			catalogSpark + "  sparkConf:\n    spark.sql.shuffle.partitions: 200\n    spark.sql.shuffle.partitions: 400\n",
			`FILE:13:5: spec.sparkConf.spark.sql.shuffle.partitions: duplicate key "spark.sql.shuffle.partitions" (first defined at line 12); keep one`},
		{"flink-two-documents", "FlinkJob", "two descriptors in one file",
			catalogFlink + "---\n" + catalogFlink,
			"FILE:10:1: the file holds more than one YAML document; put one descriptor in each file"},
		{"spark-trailing-document", "SparkApp", "a trailing document separator starts a second document",
			catalogSpark + "---\n",
			"FILE:11:1: the file holds more than one YAML document; put one descriptor in each file"},
		{"flink-bom-then-error", "FlinkJob", "a UTF-8 BOM is accepted, and positions after it stay right",
			"\xef\xbb\xbf" + flinkWith("name: clicks", "name: Clicks"),
			`FILE:4:9: metadata.name: "Clicks" is not a DNS-1035 label: ` + dns1035Msg},
		{"spark-alias-cycle", "SparkApp", "an alias that contains itself through a merge key",
			catalogSpark + "  podTemplate: &pt\n    driver:\n      <<: *pt\n",
			"FILE:13:11: alias *pt refers to a node that contains it"},
		{"flink-non-string-key", "FlinkJob", "a mapping key that is a list",
			catalogFlink + "  ? [a, b]\n  : c\n",
			"FILE:10:5: spec: mapping keys must be strings, got a list"},

		// ---- apiVersion and kind ----
		{"flink-wrong-apiversion", "FlinkJob", "an apiVersion of another release",
			flinkWith("jobcharts.io/v1alpha1", "jobcharts.io/v1"),
			`FILE:1:13: apiVersion: "jobcharts.io/v1" is not supported; use jobcharts.io/v1alpha1`},
		{"spark-kubernetes-apiversion", "SparkApp", "a Kubernetes apiVersion",
			sparkWith("jobcharts.io/v1alpha1", "sparkoperator.k8s.io/v1beta2"),
			`FILE:1:13: apiVersion: "sparkoperator.k8s.io/v1beta2" is not supported; use jobcharts.io/v1alpha1`},
		{"missing-apiversion", "FlinkJob", "no apiVersion",
			flinkWith("apiVersion: jobcharts.io/v1alpha1\n", ""),
			"FILE:1:1: apiVersion: required; set apiVersion: jobcharts.io/v1alpha1"},
		{"flink-operator-kind", "", "the Flink operator's kind",
			flinkWith("kind: FlinkJob", "kind: FlinkDeployment"),
			`FILE:2:7: kind: unknown kind "FlinkDeployment"; valid kinds: FlinkJob, SparkApp`},
		{"spark-operator-kind", "", "the Spark operator's kind",
			sparkWith("kind: SparkApp", "kind: SparkApplication"),
			`FILE:2:7: kind: unknown kind "SparkApplication"; valid kinds: FlinkJob, SparkApp`},
		{"lowercase-kind", "", "a kind in the wrong case",
			sparkWith("kind: SparkApp", "kind: sparkapp"),
			`FILE:2:7: kind: unknown kind "sparkapp"; valid kinds: FlinkJob, SparkApp`},
		{"missing-kind", "", "no kind",
			flinkWith("kind: FlinkJob\n", ""),
			"FILE:1:1: kind: required; valid kinds: FlinkJob, SparkApp"},
		{"spark-field-in-flinkjob", "FlinkJob", "a SparkApp field in a FlinkJob",
			flinkWith(`flinkVersion: "1.20"`, `flinkVersion: "1.20"`+"\n  sparkVersion: \"3.5\""),
			`FILE:7:3: spec.sparkVersion: unknown field "sparkVersion": it is a SparkApp field, and this descriptor is a FlinkJob (kind: FlinkJob); valid fields: checkpointing, compliance, env, envFrom, flinkConfiguration, flinkVersion, highAvailability, image, imagePullPolicy, imagePullSecrets, job, jobManager, metrics, networkPolicy, podTemplate, restartStrategy, savepoints, serviceAccount, taskManager`},

		// ---- wrong types ----
		{"flink-version-number", "FlinkJob", "an unquoted version is the number 1.2",
			flinkWith(`"1.20"`, `1.20`),
			`FILE:6:17: spec.flinkVersion: expected a string, got number 1.20; quote it ("1.20") to keep it as text`},
		{"spark-version-number", "SparkApp", "an unquoted version is a number",
			sparkWith(`"3.5"`, `3.5`),
			`FILE:6:17: spec.sparkVersion: expected a string, got number 3.5; quote it ("3.5") to keep it as text`},
		{"flink-parallelism-string", "FlinkJob", "a count written as a string",
			catalogFlink + "    parallelism: \"4\"\n",
			`FILE:10:18: spec.job.parallelism: expected an integer, got string "4"`},
		{"flink-args-string", "FlinkJob", "args given as one string instead of a list",
			catalogFlink + "    args: --topic clicks\n",
			`FILE:10:11: spec.job.args: expected a list, got string "--topic clicks"`},
		{"flink-yes-is-not-a-boolean", "FlinkJob", "yes is a string in YAML 1.2, not a boolean",
			catalogFlink + "  checkpointing:\n    incremental: yes\n",
			`FILE:11:18: spec.checkpointing.incremental: expected a boolean (true or false), got string "yes"`},
		{"flink-label-number", "FlinkJob", "a label value that is a number",
			flinkWith("  name: clicks\n", "  name: clicks\n  labels: {team: 42}\n"),
			`FILE:5:18: metadata.labels.team: expected a string, got integer 42; quote it ("42") to keep it as text`},
		{"flink-env-mapping", "FlinkJob", "env given as a mapping instead of a list",
			catalogFlink + "  env: {REGION: eu-west-1}\n",
			"FILE:10:8: spec.env: expected a list, got a mapping"},
		{"flink-task-manager-list", "FlinkJob", "a section given as a list",
			catalogFlink + "  taskManager: []\n",
			"FILE:10:16: spec.taskManager: expected a mapping, got a list"},
		{"flink-multiplier-string", "FlinkJob", "a number given as text",
			catalogFlink + "  restartStrategy: {type: exponential-delay, backoffMultiplier: two}\n",
			`FILE:10:65: spec.restartStrategy.backoffMultiplier: expected a number, got string "two"`},
		{"flink-conf-list", "FlinkJob", "a flinkConfiguration value that is a list",
			catalogFlink + "  flinkConfiguration:\n    pipeline.jars-extra: [a, b]\n",
			"FILE:11:26: spec.flinkConfiguration.pipeline.jars-extra: expected a value (string, number or boolean), got a list"},
		{"spark-instances-float", "SparkApp", "a count with a fraction",
			catalogSpark + "  executor:\n    instances: 2.5\n",
			"FILE:12:16: spec.executor.instances: expected an integer, got number 2.5"},
		{"spark-args-mixed", "SparkApp", "args that are not strings",
			catalogSpark + "    args: [--retries, 3, true]\n",
			`FILE:11:23: spec.app.args[1]: expected a string, got integer 3; quote it ("3") to keep it as text` + "\n" +
				`FILE:11:26: spec.app.args[2]: expected a string, got boolean true; quote it ("true") to keep it as text`},
		{"spark-enabled-quoted", "SparkApp", "a boolean written as a string",
			catalogSpark + "  dynamicAllocation:\n    enabled: \"true\"\n",
			`FILE:12:14: spec.dynamicAllocation.enabled: expected a boolean (true or false), got string "true"`},
		{"spark-timeouts-number", "SparkApp", "a section given as a number",
			catalogSpark + "  timeouts: 3600\n",
			"FILE:11:13: spec.timeouts: expected a mapping, got integer 3600"},
		{"spark-conf-null", "SparkApp", "a sparkConf value that is null",
			catalogSpark + "  sparkConf:\n    spark.sql.shuffle.partitions:\n",
			"FILE:12:34: spec.sparkConf.spark.sql.shuffle.partitions: expected a value (string, number or boolean), got null"},
		{"spark-hadoop-conf-control-character", "SparkApp", "a control character in a Hadoop property (found by FuzzRender: it made the ConfigMap unreadable)",
			catalogSpark + "  hadoopConf:\n    fs.s3a.aws.credentials.provider: \"\\b\"\n",
			"FILE:12:38: spec.hadoopConf.fs.s3a.aws.credentials.provider: the value contains the invisible character U+0008 at byte 0; only printable text, tabs and newlines are allowed"},
		{"flink-conf-line-separator-key", "FlinkJob", "a line separator in a configuration key, which starts a new line for YAML 1.1 readers",
			catalogFlink + "  flinkConfiguration:\n    \"pipeline.name\\Lstate.backend.type\": x\n",
			`FILE:11:5: spec.flinkConfiguration: the key "pipeline.name\u2028state.backend.type" contains the invisible character U+2028 at byte 13; only printable text, tabs and newlines are allowed`},
		{"flink-args-terminal-escape", "FlinkJob", "a terminal escape sequence in a job argument",
			catalogFlink + "    args: [\"\\e]0;owned\\a\"]\n",
			"FILE:10:12: spec.job.args[0]: the value contains the invisible character U+001B at byte 0; only printable text, tabs and newlines are allowed"},
		{"spark-conf-key-separator", "SparkApp", "a key with '=': Java properties end the key there, which would set the chart's executor pod template",
			catalogSpark + "  sparkConf:\n    spark.kubernetes.executor.podTemplateFile=/tmp/t.yaml: x\n",
			`FILE:12:5: spec.sparkConf.spark.kubernetes.executor.podTemplateFile=/tmp/t.yaml: "spark.kubernetes.executor.podTemplateFile=/tmp/t.yaml" is not a Spark property: keys are non-empty, without whitespace, '=', ':' or '\' (spark-defaults.conf is a Java properties file, where these end or escape a key)`},
		{"flink-conf-quoted-key", "FlinkJob", "a key in quotes, which config.yaml would read as the chart's own key",
			catalogFlink + "  flinkConfiguration:\n    '\"high-availability.type\"': NONE\n",
			`FILE:11:5: spec.flinkConfiguration."high-availability.type": "\"high-availability.type\"" is not a Flink configuration key: keys are words of letters, digits, '-' and '_' joined by dots, starting with a letter, e.g. pipeline.name`},
		{"flink-conf-comment-in-value-1.18", "FlinkJob", "a '#' in a value for Flink 1.18, whose flink-conf.yaml parser would cut it off",
			flinkWith(`flinkVersion: "1.20"`, `flinkVersion: "1.18"`) + "  flinkConfiguration:\n    pipeline.name: clicks#2\n",
			"FILE:11:5: spec.flinkConfiguration.pipeline.name: Flink 1.18 reads flink-conf.yaml line by line and drops everything from '#' on as a comment, so this value cannot be written; Flink 1.19 and newer read config.yaml as YAML, where it can"},
		{"flink-volume-without-source", "FlinkJob", "a volume with no source, which Kubernetes would silently turn into an emptyDir (found by FuzzRender)",
			catalogFlink + "  podTemplate:\n    volumes:\n      - name: spill\n",
			"FILE:12:9: spec.podTemplate.volumes[0]: no volume source; set one of configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret, e.g. emptyDir: {} for scratch space"},

		// ---- numbers out of range ----
		{"flink-negative-replicas", "FlinkJob", "negative TaskManager replicas",
			catalogFlink + "  taskManager:\n    replicas: -1\n",
			"FILE:11:15: spec.taskManager.replicas: must be at least 1 (got -1)"},
		{"flink-parallelism-zero", "FlinkJob", "parallelism 0",
			catalogFlink + "    parallelism: 0\n",
			"FILE:10:18: spec.job.parallelism: must be at least 1 (got 0)"},
		{"flink-parallelism-2-63", "FlinkJob", "parallelism 2^63 does not fit an integer",
			catalogFlink + "    parallelism: 9223372036854775808\n",
			"FILE:10:18: spec.job.parallelism: 9223372036854775808 is out of range; expected an integer from -9223372036854775808 to 9223372036854775807"},
		{"flink-parallelism-huge", "FlinkJob", "a parallelism far beyond 2^64",
			catalogFlink + "    parallelism: 123456789012345678901234567890\n",
			"FILE:10:18: spec.job.parallelism: 123456789012345678901234567890 is out of range; expected an integer from -9223372036854775808 to 9223372036854775807"},
		{"flink-parallelism-max-int", "FlinkJob", "parallelism 2^63-1 fits an integer but not Flink",
			catalogFlink + "    parallelism: 9223372036854775807\n",
			"FILE:10:18: spec.job.parallelism: must be at most 32768 (got 9223372036854775807): Flink's maximum parallelism cannot be higher"},
		{"flink-slots-overflow", "FlinkJob", "replicas × taskSlots would overflow",
			catalogFlink + "    parallelism: 5\n  taskManager:\n    replicas: 9223372036854775807\n    taskSlots: 2\n",
			"FILE:12:15: spec.taskManager.replicas: must be at most 2147483647 (got 9223372036854775807): a Deployment's replicas is a 32-bit integer"},
		{"flink-replicas-int32", "FlinkJob", "replicas beyond a Deployment's int32",
			catalogFlink + "  taskManager:\n    replicas: 3000000000\n",
			"FILE:11:15: spec.taskManager.replicas: must be at most 2147483647 (got 3000000000): a Deployment's replicas is a 32-bit integer"},
		{"flink-slots-zero", "FlinkJob", "no task slots",
			catalogFlink + "  taskManager:\n    taskSlots: 0\n",
			"FILE:11:16: spec.taskManager.taskSlots: must be at least 1 (got 0)"},
		{"flink-privileged-port", "FlinkJob", "a metrics port the unprivileged pods cannot bind",
			catalogFlink + "  metrics:\n    prometheus: {enabled: true, port: 80}\n",
			"FILE:11:39: spec.metrics.prometheus.port: 80 is not a port from 1024 to 65535 (the pods run without privileges)"},
		{"flink-jitter", "FlinkJob", "a jitter factor above 1",
			catalogFlink + "  restartStrategy: {type: exponential-delay, jitterFactor: 1.5}\n",
			"FILE:10:60: spec.restartStrategy.jitterFactor: must be from 0 to 1 (got 1.5)"},
		{"flink-multiplier-nan", "FlinkJob", "a multiplier that is not a number",
			catalogFlink + "  restartStrategy: {type: exponential-delay, backoffMultiplier: .nan}\n",
			"FILE:10:65: spec.restartStrategy.backoffMultiplier: .nan is not a finite number in range"},
		{"spark-negative-instances", "SparkApp", "negative executor instances",
			catalogSpark + "  executor:\n    instances: -1\n",
			"FILE:12:16: spec.executor.instances: must be at least 0 (got -1)"},
		{"spark-zero-instances", "SparkApp", "zero executors",
			catalogSpark + "  executor:\n    instances: 0\n",
			"FILE:12:16: spec.executor.instances: 0 executors run no tasks; set at least 1, or enable spec.dynamicAllocation to scale from 0"},
		{"spark-instances-int32", "SparkApp", "more executors than Spark can count",
			catalogSpark + "  executor:\n    instances: 2147483648\n",
			"FILE:12:16: spec.executor.instances: must be at most 2147483647 (got 2147483648): Spark reads spark.executor.instances as a 32-bit integer"},
		{"spark-max-executors-2-64", "SparkApp", "maxExecutors 2^64",
			catalogSpark + "  dynamicAllocation: {enabled: true, maxExecutors: 18446744073709551616}\n",
			"FILE:11:52: spec.dynamicAllocation.maxExecutors: 18446744073709551616 is out of range; expected an integer from -9223372036854775808 to 9223372036854775807"},
		{"spark-max-executors-int32", "SparkApp", "maxExecutors beyond Spark's int",
			catalogSpark + "  dynamicAllocation: {enabled: true, maxExecutors: 9999999999}\n",
			"FILE:11:52: spec.dynamicAllocation.maxExecutors: must be at most 2147483647 (got 9999999999): Spark reads it as a 32-bit integer"},
		{"spark-min-above-max", "SparkApp", "minExecutors above maxExecutors",
			catalogSpark + "  dynamicAllocation: {enabled: true, minExecutors: 5, maxExecutors: 3}\n",
			"FILE:11:52: spec.dynamicAllocation.minExecutors: 5 exceeds maxExecutors 3; lower it or raise maxExecutors"},
		{"spark-retries", "SparkApp", "more retries than allowed",
			catalogSpark + "  driver:\n    retries: 11\n",
			"FILE:12:14: spec.driver.retries: must be from 0 to 10 (got 11): it is the driver Job's backoffLimit, and every retry runs the application again from the start"},

		// ---- resource quantities ----
		{"flink-memory-not-quantity", "FlinkJob", "memory in a made-up unit",
			catalogFlink + "  taskManager:\n    resources: {memory: 4 GB}\n",
			`FILE:11:25: spec.taskManager.resources.memory: "4 GB" is not a Kubernetes quantity; write e.g. 2Gi or 1600Mi`},
		{"flink-memory-too-small", "FlinkJob", "a JobManager below 1Gi",
			catalogFlink + "  jobManager:\n    resources: {memory: 512Mi}\n",
			"FILE:11:25: spec.jobManager.resources.memory: 512Mi is below the minimum 1Gi: Flink's JVM overhead and metaspace leave too little memory for the process below that"},
		{"flink-memory-too-large", "FlinkJob", "memory that would be silently cut to 2^63 bytes",
			catalogFlink + "  jobManager:\n    resources: {memory: 99999999999999999999Ei}\n",
			"FILE:11:25: spec.jobManager.resources.memory: 99999999999999999999Ei is too large: Flink reads memory sizes as a 64-bit number of bytes, so it must be below 8Ei"},
		{"flink-cpu-negative", "FlinkJob", "a negative CPU",
			catalogFlink + "  taskManager:\n    resources: {cpu: \"-1\"}\n",
			"FILE:11:22: spec.taskManager.resources.cpu: must be greater than 0 (got -1)"},
		{"flink-cpu-nanocores", "FlinkJob", "a CPU finer than Kubernetes allows",
			catalogFlink + "  taskManager:\n    resources: {cpu: \"0.0000001\"}\n",
			`FILE:11:22: spec.taskManager.resources.cpu: 0.0000001 is finer than a millicore; write e.g. "500m"`},
		{"spark-cpu-huge", "SparkApp", "an absurd CPU count (was reported as finer than a millicore)",
			catalogSpark + "  driver:\n    resources: {cpu: \"1e30\"}\n",
			"FILE:12:22: spec.driver.resources.cpu: 1e30 is too large; at most 2147483647 cores"},
		{"spark-memory-too-large", "SparkApp", "memory beyond what Spark reads in MiB",
			catalogSpark + "  executor:\n    resources: {memory: 4Pi}\n",
			"FILE:12:25: spec.executor.resources.memory: 4Pi is too large: Spark reads memory in MiB as a 32-bit integer, so at most 2147483647Mi"},
		{"spark-overhead-not-quantity", "SparkApp", "an overhead that is not a quantity",
			catalogSpark + "  executor:\n    resources: {memoryOverhead: lots}\n",
			`FILE:12:33: spec.executor.resources.memoryOverhead: "lots" is not a Kubernetes quantity; write e.g. 384Mi or 1Gi`},
		{"spark-sidecar-quantity", "SparkApp", "a sidecar limit that is not a quantity",
			catalogSpark + "  podTemplate:\n    driver:\n      sidecars:\n        - {name: shipper, image: \"r.example.com/s:1\", resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 10m, memory: 1 GB}}}\n",
			`FILE:14:130: spec.podTemplate.driver.sidecars[0].resources.limits.memory: invalid quantity string "1 GB": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`},

		// ---- durations ----
		{"flink-go-duration", "FlinkJob", "a Go duration is not a Flink duration",
			catalogFlink + "  checkpointing: {interval: 1m30s, dir: s3://b/checkpoints}\n",
			`FILE:10:29: spec.checkpointing.interval: "1m30s" ` + flinkDurationMsg},
		{"flink-negative-delay", "FlinkJob", "a negative restart delay",
			catalogFlink + "  restartStrategy: {type: fixed-delay, delay: -5s}\n",
			`FILE:10:47: spec.restartStrategy.delay: "-5s" ` + flinkDurationMsg},
		{"flink-huge-duration", "FlinkJob", "a duration beyond 292 years",
			catalogFlink + "  checkpointing: {interval: 99999999999999999999 s, dir: s3://b/checkpoints}\n",
			`FILE:10:29: spec.checkpointing.interval: "99999999999999999999 s" is too large a duration`},
		{"flink-zero-interval", "FlinkJob", "a zero checkpoint interval",
			catalogFlink + "  checkpointing: {interval: 0s, dir: s3://b/checkpoints}\n",
			`FILE:10:29: spec.checkpointing.interval: must be greater than 0 (got "0s")`},
		{"spark-duration-no-unit", "SparkApp", "a timeout without a unit",
			catalogSpark + "  timeouts: {activeDeadline: \"3600\"}\n",
			`FILE:11:30: spec.timeouts.activeDeadline: "3600" is not a duration; write e.g. 30m, 2h, 1h30m or 7d`},
		{"spark-duration-fraction", "SparkApp", "a timeout that is not whole seconds",
			catalogSpark + "  timeouts: {ttlAfterFinished: 1500ms}\n",
			`FILE:11:32: spec.timeouts.ttlAfterFinished: "1500ms" is not a whole number of seconds`},
		{"spark-duration-too-long", "SparkApp", "a ttl beyond a Job's int32 seconds",
			catalogSpark + "  timeouts: {ttlAfterFinished: 100000d}\n",
			`FILE:11:32: spec.timeouts.ttlAfterFinished: "100000d" is too long; at most 2147483647 seconds`},

		// ---- image references ----
		{"flink-image-uppercase", "FlinkJob", "an image repository in upper case",
			flinkWith("registry.example.com/clicks:1.0.0", "registry.example.com/Clicks:1.0.0"),
			`FILE:7:10: spec.image: "registry.example.com/Clicks:1.0.0" is not a valid image reference (invalid reference format: repository name (Clicks) must be lowercase); ` + imageRefMsg},
		{"flink-image-floating", "FlinkJob", "an image with neither tag nor digest",
			flinkWith("registry.example.com/clicks:1.0.0", "registry.example.com/clicks"),
			`FILE:7:10: spec.image: "registry.example.com/clicks" has neither tag nor digest and would float with :latest; pin a tag or a digest`},
		{"flink-image-short-digest", "FlinkJob", "a truncated digest",
			flinkWith("registry.example.com/clicks:1.0.0", "registry.example.com/clicks@sha256:abc"),
			`FILE:7:10: spec.image: "registry.example.com/clicks@sha256:abc" is not a valid image reference (invalid reference format); ` + imageRefMsg},
		{"flink-image-require-digest", "FlinkJob", "a tag where compliance requires a digest",
			catalogFlink + "  compliance: {requireDigest: true}\n",
			`FILE:7:10: spec.image: "registry.example.com/clicks:1.0.0" is not pinned by digest, which is required because spec.compliance.requireDigest is true; append @sha256:<digest>`},
		{"flink-sidecar-image", "FlinkJob", "a sidecar image with a space",
			catalogFlink + "  podTemplate:\n    sidecars: [{name: shipper, image: \"shipper:1 0\", resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 10m, memory: 16Mi}}}]\n",
			`FILE:11:39: spec.podTemplate.sidecars[0].image: "shipper:1 0" is not a valid image reference (invalid reference format); ` + imageRefMsg},
		{"spark-image-path-traversal", "SparkApp", "an image with .. in its path",
			sparkWith("registry.example.com/etl:1.0.0", "registry.example.com/../etl:1.0.0"),
			`FILE:7:10: spec.image: "registry.example.com/../etl:1.0.0" is not a valid image reference (invalid reference format); ` + imageRefMsg},
		{"spark-init-image-floating", "SparkApp", "an init container without a tag",
			catalogSpark + "  podTemplate:\n    executor:\n      initContainers: [{name: warm, image: busybox, resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 10m, memory: 16Mi}}}]\n",
			`FILE:13:44: spec.podTemplate.executor.initContainers[0].image: "busybox" has neither tag nor digest and would float with :latest; pin a tag or a digest`},

		// ---- names and namespaces ----
		{"flink-name-too-long", "FlinkJob", "a name whose derived names exceed 63 characters",
			flinkWith("name: clicks", "name: "+strings.Repeat("a", 52)),
			`FILE:4:9: metadata.name: "` + strings.Repeat("a", 52) + `" is 52 characters; at most 51: the longest derived object name, ` + strings.Repeat("a", 52) + `-taskmanager, must stay within Kubernetes' 63 (derived names: -jobmanager, -taskmanager, -config, -zetcd)`},
		{"flink-name-uppercase", "FlinkJob", "a name with upper case",
			flinkWith("name: clicks", "name: Clicks"),
			`FILE:4:9: metadata.name: "Clicks" is not a DNS-1035 label: ` + dns1035Msg},
		{"flink-name-underscore", "FlinkJob", "a name with an underscore",
			flinkWith("name: clicks", "name: click_stream"),
			`FILE:4:9: metadata.name: "click_stream" is not a DNS-1035 label: ` + dns1035Msg},
		{"flink-name-traversal", "FlinkJob", "a name that is a relative path (it names the output file)",
			flinkWith("name: clicks", "name: ../../etc/passwd"),
			`FILE:4:9: metadata.name: "../../etc/passwd" is not a DNS-1035 label: ` + dns1035Msg},
		{"flink-namespace-traversal", "FlinkJob", "a namespace that is a relative path (it names the output directory)",
			flinkWith("  name: clicks\n", "  name: clicks\n  namespace: ../kube-system\n"),
			`FILE:5:14: metadata.namespace: "../kube-system" is not a valid namespace: ` + dns1123Msg},
		{"flink-namespace-absolute", "FlinkJob", "a namespace that is an absolute path",
			flinkWith("  name: clicks\n", "  name: clicks\n  namespace: /tmp\n"),
			`FILE:5:14: metadata.namespace: "/tmp" is not a valid namespace: ` + dns1123Msg},
		{"spark-name-too-long", "SparkApp", "a name too long for the executor pod name prefix",
			sparkWith("name: etl", "name: "+strings.Repeat("e", 34)),
			`FILE:4:9: metadata.name: "` + strings.Repeat("e", 34) + `" is 34 characters; at most 33: the driver pod is named ` + strings.Repeat("e", 34) + `-<7 hex>-<5 random>, and Spark uses the driver pod's name as the executor pod name prefix, which may have at most 47 characters`},
		{"spark-name-dots", "SparkApp", "a name with dots",
			sparkWith("name: etl", "name: etl.v2"),
			`FILE:4:9: metadata.name: "etl.v2" is not a DNS-1035 label: ` + dns1035Msg},
		{"spark-name-dotdot", "SparkApp", "a name that is ..",
			sparkWith("name: etl", `name: ".."`),
			`FILE:4:9: metadata.name: ".." is not a DNS-1035 label: ` + dns1035Msg},
		{"spark-namespace-slash", "SparkApp", "a namespace with a path separator",
			sparkWith("  name: etl\n", "  name: etl\n  namespace: team/a\n"),
			`FILE:5:14: metadata.namespace: "team/a" is not a valid namespace: ` + dns1123Msg},
		{"spark-namespace-underscore", "SparkApp", "a namespace with an underscore",
			sparkWith("  name: etl\n", "  name: etl\n  namespace: team_a\n"),
			`FILE:5:14: metadata.namespace: "team_a" is not a valid namespace: ` + dns1123Msg},
		{"spark-service-account-traversal", "SparkApp", "a ServiceAccount name that is a path",
			catalogSpark + "  serviceAccount: {create: false, name: ../admin}\n",
			`FILE:11:41: spec.serviceAccount.name: "../admin" is not a valid ServiceAccount name: ` + subdomMsg},
		{"spark-pull-secret-slash", "SparkApp", "an image pull Secret name with a slash",
			catalogSpark + "  imagePullSecrets: [kube-system/regcred]\n",
			`FILE:11:22: spec.imagePullSecrets[0]: "kube-system/regcred" is not a valid Secret name: ` + subdomMsg},

		// ---- high availability, restore and other URIs ----
		{"flink-ha-unknown-type", "FlinkJob", "an HA type Flink does not have",
			catalogFlink + "  highAvailability: {type: consul, storageDir: s3://b/ha}\n",
			`FILE:10:28: spec.highAvailability.type: "consul" is not valid; use one of none, zookeeper, zetcd, kubernetes`},
		{"flink-ha-no-storage", "FlinkJob", "HA without a storage directory",
			catalogFlink + "  highAvailability: {type: kubernetes}\n",
			"FILE:10:21: spec.highAvailability.storageDir: required for highAvailability.type kubernetes: JobManager metadata must outlive the pod; use shared storage, e.g. s3://bucket/ha"},
		{"flink-ha-zetcd-new-flink", "FlinkJob", "zetcd with Flink 1.15 or newer",
			catalogFlink + "  highAvailability: {type: zetcd, storageDir: s3://b/ha, zetcd: {etcdEndpoints: [\"http://etcd:2379\"]}}\n",
			"FILE:10:28: spec.highAvailability.type: zetcd needs Flink <= 1.14 (got 1.20): zetcd implements only the ZooKeeper 3.4 protocol; Flink 1.15+ ships a ZooKeeper 3.5+ client (Curator) whose leader election and node creation (create2/createContainer) fail against it; use highAvailability.type kubernetes (state in the API server's etcd) or a real ZooKeeper ensemble"},
		{"flink-ha-storage-no-scheme", "FlinkJob", "an HA storage directory without a scheme",
			catalogFlink + "  highAvailability: {type: kubernetes, storageDir: /flink/ha}\n",
			`FILE:10:52: spec.highAvailability.storageDir: "/flink/ha" ` + uriMsg},
		{"flink-restore-no-scheme", "FlinkJob", "a restore path without a scheme",
			catalogFlink + "    restoreFrom: {path: savepoints/savepoint-1a2b3c}\n",
			`FILE:10:25: spec.job.restoreFrom.path: "savepoints/savepoint-1a2b3c" ` + uriMsg},
		{"flink-restore-no-path", "FlinkJob", "restoreFrom without a path",
			catalogFlink + "    restoreFrom: {allowNonRestoredState: true}\n",
			"FILE:10:18: spec.job.restoreFrom.path: required when restoreFrom is given; the savepoint or retained checkpoint to start from, e.g. s3://bucket/savepoints/savepoint-1a2b3c"},
		{"flink-jar-traversal", "FlinkJob", "a job JAR outside usrlib through ..",
			flinkWith("local:///opt/flink/usrlib/clicks.jar", "local:///opt/flink/usrlib/../lib/clicks.jar"),
			`FILE:9:13: spec.job.jarURI: "local:///opt/flink/usrlib/../lib/clicks.jar" must be local:///opt/flink/usrlib/<file>.jar: standalone-job loads the user code from /opt/flink/usrlib inside the image`},
		{"spark-event-log-s3", "SparkApp", "an event log on s3://, which Hadoop cannot write",
			catalogSpark + "  eventLog: {dir: s3://logs/events}\n",
			`FILE:11:19: spec.eventLog.dir: "s3://logs/events" uses a scheme Apache Hadoop has no file system for; use s3a://logs/events`},
		{"spark-main-file-traversal", "SparkApp", "an application file path with ..",
			sparkWith("local:///opt/spark/app/main.py", "local:///opt/spark/app/../../etc/main.py"),
			`FILE:10:26: spec.app.mainApplicationFile: "local:///opt/spark/app/../../etc/main.py" must be a local:// URI of a file inside the image, e.g. local:///opt/spark/work-dir/app.jar: the application is baked into the image and nothing is uploaded`},

		// ---- secrets pasted into the descriptor ----
		{"flink-conf-s3-access-key", "FlinkJob", "an S3 access key in flinkConfiguration",
			catalogFlink + "  flinkConfiguration:\n    s3.access-key: AKIAIOSFODNN7EXAMPLE\n",
			"FILE:11:5: spec.flinkConfiguration.s3.access-key: " + flinkCredMsg},
		{"flink-conf-s3-secret-key", "FlinkJob", "an S3 secret key in flinkConfiguration",
			catalogFlink + "  flinkConfiguration:\n    s3.secret-key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
			"FILE:11:5: spec.flinkConfiguration.s3.secret-key: " + flinkCredMsg},
		{"flink-conf-jaas-password", "FlinkJob", "a Kafka JAAS password under a harmless-looking key",
			catalogFlink + "  flinkConfiguration:\n    properties.sasl.jaas.config: 'org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"hunter2\";'\n",
			`FILE:11:5: spec.flinkConfiguration.properties.sasl.jaas.config: looks like it holds a password (password="..."), ` + secretRefMsg},
		{"flink-env-secret-literal", "FlinkJob", "a literal value for a credential variable",
			catalogFlink + "  env:\n    - {name: AWS_SECRET_ACCESS_KEY, value: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY}\n",
			"FILE:11:44: spec.env[0].value: AWS_SECRET_ACCESS_KEY looks like a credential; do not write its value in the descriptor: " + envSecretMsg},
		{"flink-env-key-id-value", "FlinkJob", "an AWS key id under a harmless variable name",
			catalogFlink + "  env:\n    - {name: S3_USER, value: AKIAIOSFODNN7EXAMPLE}\n",
			"FILE:11:30: spec.env[0].value: looks like it holds an AWS access key id; do not write it in the descriptor: " + envSecretMsg},
		{"flink-checkpoint-dir-userinfo", "FlinkJob", "credentials in a checkpoint URI",
			catalogFlink + "  checkpointing: {interval: 60s, dir: \"s3://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI@bucket/checkpoints\"}\n",
			"FILE:10:39: spec.checkpointing.dir: looks like it holds an AWS access key id, " + secretRefMsg},
		{"flink-args-password-uri", "FlinkJob", "a database password in the job's arguments",
			catalogFlink + "    args: [--db, \"postgres://etl:hunter2@db.example.com/clicks\"]\n",
			"FILE:10:18: spec.job.args[1]: looks like it holds a password in a URI (user:password@host), " + secretRefMsg},
		{"flink-sidecar-env-password", "FlinkJob", "a literal password in a sidecar's environment",
			catalogFlink + "  podTemplate:\n    sidecars:\n      - name: shipper\n        image: r.example.com/shipper:1\n        env: [{name: DB_PASSWORD, value: hunter2}]\n        resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 10m, memory: 16Mi}}\n",
			"FILE:14:42: spec.podTemplate.sidecars[0].env[0].value: DB_PASSWORD looks like a credential; do not write its value in the descriptor: " + envSecretMsg},
		{"spark-conf-hadoop-secret", "SparkApp", "an S3A secret key in sparkConf through spark.hadoop.",
			catalogSpark + "  sparkConf:\n    spark.hadoop.fs.s3a.secret.key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
			"FILE:12:5: spec.sparkConf.spark.hadoop.fs.s3a.secret.key: " + sparkCredMsg},
		{"spark-hadoop-access-key", "SparkApp", "an S3A access key in hadoopConf",
			catalogSpark + "  hadoopConf:\n    fs.s3a.access.key: AKIAIOSFODNN7EXAMPLE\n",
			"FILE:12:5: spec.hadoopConf.fs.s3a.access.key: " + sparkCredMsg},
		{"spark-hadoop-session-token", "SparkApp", "an S3A session token in hadoopConf",
			catalogSpark + "  hadoopConf:\n    fs.s3a.session.token: FwoGZXIvYXdzEXAMPLE\n",
			"FILE:12:5: spec.hadoopConf.fs.s3a.session.token: " + sparkCredMsg},
		{"spark-hadoop-azure-key", "SparkApp", "an Azure storage account key in hadoopConf",
			catalogSpark + "  hadoopConf:\n    fs.azure.account.key.lake.dfs.core.windows.net: bXlrZXk=\n",
			"FILE:12:5: spec.hadoopConf.fs.azure.account.key.lake.dfs.core.windows.net: " + sparkCredMsg},
		{"spark-conf-private-key-value", "SparkApp", "a private key pasted under a harmless key",
			catalogSpark + "  sparkConf:\n    spark.ssl.extra: \"-----BEGIN RSA PRIVATE KEY----- MIIEow...\"\n",
			"FILE:12:5: spec.sparkConf.spark.ssl.extra: looks like it holds a private key, " + secretRefMsg},
		{"spark-env-token-literal", "SparkApp", "a literal token variable",
			catalogSpark + "  env:\n    - name: GITHUB_TOKEN\n      value: ghp_0123456789abcdef\n",
			"FILE:13:14: spec.env[0].value: GITHUB_TOKEN looks like a credential; do not write its value in the descriptor: " + envSecretMsg},
		{"spark-init-env-key-id", "SparkApp", "an AWS key id in an init container's environment",
			catalogSpark + "  podTemplate:\n    executor:\n      initContainers:\n        - name: warm\n          image: r.example.com/warm:1\n          env: [{name: KEY, value: ASIAIOSFODNN7EXAMPLE}]\n          resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 10m, memory: 16Mi}}\n",
			"FILE:16:36: spec.podTemplate.executor.initContainers[0].env[0].value: looks like it holds an AWS access key id; do not write it in the descriptor: " + envSecretMsg},
		{"spark-event-log-userinfo", "SparkApp", "credentials in the event log URI",
			catalogSpark + "  eventLog: {dir: \"abfss://logs:c2VjcmV0@lake.dfs.core.windows.net/events\"}\n",
			"FILE:11:19: spec.eventLog.dir: looks like it holds a password in a URI (user:password@host), " + secretRefMsg},
		// ---- Pod Security "restricted" and resources of the descriptor's own containers ----
		{"flink-sidecar-privileged", "FlinkJob", "a privileged sidecar",
			catalogFlink + "  podTemplate:\n    sidecars: [{name: s, image: \"r.example.com/s:1\", resources: " + catalogRes + ", securityContext: {privileged: true}}]\n",
			`FILE:11:167: spec.podTemplate.sidecars[0].securityContext.privileged: refused: Pod Security "restricted" forbids privileged containers (so does "baseline"), and the job's pods must pass it; remove privileged (or set it to false)`},
		{"spark-sidecar-privileged", "SparkApp", "a privileged sidecar on the driver",
			catalogSpark + "  podTemplate:\n    driver:\n      sidecars: [{name: s, image: \"r.example.com/s:1\", resources: " + catalogRes + ", securityContext: {privileged: true}}]\n",
			`FILE:13:169: spec.podTemplate.driver.sidecars[0].securityContext.privileged: refused: Pod Security "restricted" forbids privileged containers (so does "baseline"), and the job's pods must pass it; remove privileged (or set it to false)`},
		{"flink-hostpath-volume", "FlinkJob", "a hostPath volume",
			catalogFlink + "  podTemplate:\n    volumes: [{name: host, hostPath: {path: /var/run}}]\n",
			`FILE:11:38: spec.podTemplate.volumes[0].hostPath: refused: Pod Security "restricted" forbids hostPath volumes, which expose the node's file system (so does "baseline"), and the job's pods must pass it; use a persistentVolumeClaim (or csi) volume for shared storage, emptyDir for scratch space`},
		{"spark-hostpath-volume", "SparkApp", "a hostPath volume on the executors",
			catalogSpark + "  podTemplate:\n    executor:\n      volumes: [{name: host, hostPath: {path: /var/run}}]\n",
			`FILE:13:40: spec.podTemplate.executor.volumes[0].hostPath: refused: Pod Security "restricted" forbids hostPath volumes, which expose the node's file system (so does "baseline"), and the job's pods must pass it; use a persistentVolumeClaim (or csi) volume for shared storage, emptyDir for scratch space`},
		{"spark-conf-hostpath-volume", "SparkApp", "a hostPath volume through Spark's executor volume keys",
			catalogSpark + "  sparkConf:\n    spark.kubernetes.executor.volumes.hostPath.host.mount.path: /host\n",
			`FILE:12:5: spec.sparkConf.spark.kubernetes.executor.volumes.hostPath.host.mount.path: refused: Pod Security "restricted" forbids hostPath volumes in the executor pods Spark creates (so does "baseline"), and the job's pods must pass it; use spec.podTemplate.executor.volumes with a persistentVolumeClaim, csi or emptyDir volume`},
		{"flink-init-root", "FlinkJob", "an init container running as root",
			catalogFlink + "  podTemplate:\n    initContainers: [{name: i, image: \"r.example.com/i:1\", resources: " + catalogRes + ", securityContext: {runAsUser: 0}}]\n",
			`FILE:11:172: spec.podTemplate.initContainers[0].securityContext.runAsUser: refused: Pod Security "restricted" forbids running as root (runAsUser: 0), and the job's pods must pass it; remove runAsUser to run as the pod's user, or set a non-zero user id`},
		{"spark-init-root", "SparkApp", "an init container running as root",
			catalogSpark + "  podTemplate:\n    executor:\n      initContainers: [{name: i, image: \"r.example.com/i:1\", resources: " + catalogRes + ", securityContext: {runAsUser: 0}}]\n",
			`FILE:13:174: spec.podTemplate.executor.initContainers[0].securityContext.runAsUser: refused: Pod Security "restricted" forbids running as root (runAsUser: 0), and the job's pods must pass it; remove runAsUser to run as the pod's user, or set a non-zero user id`},
		{"flink-sidecar-sys-admin", "FlinkJob", "a sidecar adding CAP_SYS_ADMIN",
			catalogFlink + "  podTemplate:\n    sidecars: [{name: s, image: \"r.example.com/s:1\", resources: " + catalogRes + ", securityContext: {capabilities: {add: [SYS_ADMIN]}}}]\n",
			`FILE:11:176: spec.podTemplate.sidecars[0].securityContext.capabilities.add[0]: refused: Pod Security "restricted" forbids adding the capability "SYS_ADMIN" (it admits only NET_BIND_SERVICE), and the job's pods must pass it; remove it`},
		{"spark-sidecar-sys-admin", "SparkApp", "a sidecar adding CAP_SYS_ADMIN",
			catalogSpark + "  podTemplate:\n    driver:\n      sidecars: [{name: s, image: \"r.example.com/s:1\", resources: " + catalogRes + ", securityContext: {capabilities: {add: [SYS_ADMIN]}}}]\n",
			`FILE:13:178: spec.podTemplate.driver.sidecars[0].securityContext.capabilities.add[0]: refused: Pod Security "restricted" forbids adding the capability "SYS_ADMIN" (it admits only NET_BIND_SERVICE), and the job's pods must pass it; remove it`},
		{"flink-sidecar-host-port", "FlinkJob", "a sidecar with a host port",
			catalogFlink + "  podTemplate:\n    sidecars: [{name: s, image: \"r.example.com/s:1\", resources: " + catalogRes + ", ports: [{containerPort: 80, hostPort: 80}]}]\n",
			`FILE:11:175: spec.podTemplate.sidecars[0].ports[0].hostPort: refused: Pod Security "restricted" forbids host ports (so does "baseline"), and the job's pods must pass it; remove hostPort: other pods reach the container at its containerPort (through a Service)`},
		{"spark-sidecar-host-port", "SparkApp", "a sidecar with a host port",
			catalogSpark + "  podTemplate:\n    executor:\n      sidecars: [{name: s, image: \"r.example.com/s:1\", resources: " + catalogRes + ", ports: [{containerPort: 80, hostPort: 80}]}]\n",
			`FILE:13:177: spec.podTemplate.executor.sidecars[0].ports[0].hostPort: refused: Pod Security "restricted" forbids host ports (so does "baseline"), and the job's pods must pass it; remove hostPort: other pods reach the container at its containerPort (through a Service)`},
		{"flink-sidecar-no-resources", "FlinkJob", "a sidecar without resources",
			catalogFlink + "  podTemplate:\n    sidecars: [{name: s, image: \"r.example.com/s:1\"}]\n",
			`FILE:11:16: spec.podTemplate.sidecars[0].resources: required: set cpu and memory requests and limits, e.g. {requests: {cpu: 50m, memory: 64Mi}, limits: {cpu: 100m, memory: 128Mi}}; every container of the job's pods has cpu and memory requests and limits, so the scheduler reserves what the pod uses and a runaway container cannot starve the others`},
		{"spark-init-no-cpu-limit", "SparkApp", "an init container without a cpu limit",
			catalogSpark + "  podTemplate:\n    driver:\n      initContainers: [{name: i, image: \"r.example.com/i:1\", resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {memory: 16Mi}}}]\n",
			`FILE:13:118: spec.podTemplate.driver.initContainers[0].resources.limits.cpu: required and above 0, e.g. 100m; every container of the job's pods has cpu and memory requests and limits, so the scheduler reserves what the pod uses and a runaway container cannot starve the others`},
		{"spark-volcano-gang-overflow", "SparkApp", "a Volcano gang whose total cpu overflows 64 bits",
			catalogSpark + "  executor: {instances: 2147483647, resources: {cpu: \"2147483647\"}}\n  batchScheduler: {name: volcano, gang: true}\n",
			`FILE:12:41: spec.batchScheduler.gang: the gang's PodGroup reserves the driver and 2147483647 executors (spec.executor.instances) at once: 4611686014132420610000 millicores of cpu, beyond the 64-bit integers the chart sums them in and Volcano reads them as (at most 9223372036854775807); lower spec.executor.instances or spec.executor.resources`},
		{"spark-args-key-id", "SparkApp", "an AWS key id in the application's arguments",
			catalogSpark + "    args: [--access-key, AKIAIOSFODNN7EXAMPLE]\n",
			"FILE:11:26: spec.app.args[1]: looks like it holds an AWS access key id, " + secretRefMsg},

		// ---- networkPolicy ----
		{"flink-netpol-bad-cidr", "FlinkJob", "an ipBlock whose cidr has no prefix length",
			catalogFlink + "  networkPolicy:\n    uiFrom: [{ipBlock: {cidr: 10.0.0.1}}]\n",
			`FILE:11:31: spec.networkPolicy.uiFrom[0].ipBlock.cidr: "10.0.0.1" is not a CIDR; ` + cidrMsg},
		{"spark-netpol-except-outside", "SparkApp", "an ipBlock except range outside its cidr",
			catalogSpark + "  networkPolicy:\n    uiFrom:\n      - ipBlock: {cidr: 10.0.0.0/16, except: [10.1.0.0/24]}\n",
			`FILE:13:47: spec.networkPolicy.uiFrom[0].ipBlock.except[0]: "10.1.0.0/24" is not strictly inside cidr 10.0.0.0/16; except lists ranges inside cidr to leave out, each with a prefix longer than /16`},
		{"flink-netpol-empty-peer", "FlinkJob", "an empty peer, which Kubernetes refuses",
			catalogFlink + "  networkPolicy:\n    uiFrom: [{}]\n",
			`FILE:11:14: spec.networkPolicy.uiFrom[0]: is empty, which Kubernetes refuses; give podSelector, namespaceSelector (or both) or ipBlock, e.g. {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}`},
		{"spark-netpol-ipblock-and-selector", "SparkApp", "an ipBlock and a namespaceSelector in one peer, which Kubernetes refuses",
			catalogSpark + "  networkPolicy:\n    uiFrom: [{ipBlock: {cidr: 10.0.0.0/8}, namespaceSelector: {}}]\n",
			`FILE:12:24: spec.networkPolicy.uiFrom[0].ipBlock: cannot be combined with podSelector or namespaceSelector in one peer (Kubernetes refuses it); make the ipBlock a peer of its own`},
		{"flink-netpol-ui-while-disabled", "FlinkJob", "UI peers while no NetworkPolicy is rendered",
			catalogFlink + "  networkPolicy:\n    enabled: false\n    uiFrom: [{namespaceSelector: {}}]\n",
			"FILE:12:13: spec.networkPolicy.uiFrom: " + netpolDisabledMsg},
		{"spark-netpol-ui-while-disabled", "SparkApp", "UI peers while no NetworkPolicy is rendered",
			catalogSpark + "  networkPolicy:\n    enabled: false\n    uiFrom: [{namespaceSelector: {}}]\n",
			"FILE:13:13: spec.networkPolicy.uiFrom: " + netpolDisabledMsg},
		{"flink-netpol-metrics-without-metrics", "FlinkJob", "metrics peers without the Prometheus reporter",
			catalogFlink + "  networkPolicy:\n    metricsFrom: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]\n",
			"FILE:11:18: spec.networkPolicy.metricsFrom: " + netpolNoMetricsMsg},
		{"spark-netpol-metrics-without-metrics", "SparkApp", "metrics peers without the metrics endpoints",
			catalogSpark + "  metrics: {prometheus: {podMonitor: false}}\n  networkPolicy:\n    metricsFrom: [{namespaceSelector: {}}]\n",
			"FILE:13:18: spec.networkPolicy.metricsFrom: " + netpolNoMetricsMsg},
	}
}

// snapshot records every file and directory under root with its mode and content.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		entry := info.Mode().String()
		if d.Type().IsRegular() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			entry += " " + string(data)
		}
		files[path] = entry
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestHostileInputCatalog(t *testing.T) {
	cases := catalog()
	perKind := map[string]int{}
	names := map[string]bool{}
	for _, c := range cases {
		if names[c.name] {
			t.Fatalf("case %s is listed twice", c.name)
		}
		names[c.name] = true
		perKind[c.kind]++
	}
	// The catalog covers both kinds end to end.
	if perKind["FlinkJob"] < 25 || perKind["SparkApp"] < 25 || len(cases) < 60 {
		t.Fatalf("the catalog has %d cases (%v); keep at least 60, 25 per kind", len(cases), perKind)
	}
	t.Logf("%d cases: %d FlinkJob, %d SparkApp, %d refused before the kind is known", len(cases), perKind["FlinkJob"], perKind["SparkApp"], perKind[""])

	inputs := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(inputs, c.name+".yaml")
			if err := os.WriteFile(file, []byte(c.input), 0o644); err != nil {
				t.Fatal(err)
			}
			want := c.want + "\n"
			normalize := func(stderr string) string { return strings.ReplaceAll(stderr, file, "FILE") }

			code, stdout, stderr := gen(t, "validate", "--git-commit", "0123456789abcdef", file)
			if code != exitInvalid || normalize(stderr) != want || stdout != "" {
				t.Errorf("%s\ngen validate: exit %d, want %d\nstdout: %q\nstderr:\n%s\nwant:\n%s", c.desc, code, exitInvalid, stdout, normalize(stderr), want)
			}

			// A refused render writes nothing: not into DIR, which holds an earlier
			// render and an unrelated file, and not next to it.
			parent := t.TempDir()
			dir := filepath.Join(parent, "out")
			for path, content := range map[string]string{
				"default/clicks.yaml": "# an earlier render\n",
				"default/etl.yaml":    "# an earlier render\n",
				"README":              "not gen's\n",
			} {
				path = filepath.Join(dir, path)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			before := snapshot(t, parent)
			code, stdout, stderr = gen(t, "render", "-o", dir, "--git-commit", "0123456789abcdef", file)
			if code != exitInvalid || normalize(stderr) != want || stdout != "" {
				t.Errorf("%s\ngen render -o: exit %d, want %d\nstdout: %q\nstderr:\n%s\nwant:\n%s", c.desc, code, exitInvalid, stdout, normalize(stderr), want)
			}
			after := snapshot(t, parent)
			for path, entry := range after {
				if before[path] != entry {
					t.Errorf("gen render -o changed %s: %q, was %q", path, entry, before[path])
				}
			}
			for path := range before {
				if _, ok := after[path]; !ok {
					t.Errorf("gen render -o removed %s", path)
				}
			}
		})
	}
}
