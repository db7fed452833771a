package descriptor

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pythonHeader is a minimal valid python SparkApp; tests append app fields from line 11 on.
const pythonHeader = `apiVersion: jobcharts.io/v1alpha1
kind: SparkApp
metadata:
  name: sessions
spec:
  sparkVersion: "3.5"
  image: registry.example.com/sessions:1.0.0
  app:
    type: python
    mainApplicationFile: local:///opt/spark/work-dir/sessions.py
`

// withSpark returns sparkHeader with old replaced by new (which must occur).
func withSpark(old, new string) string { return patched(sparkHeader, old, new) }

func TestValidSparkApp(t *testing.T) {
	doc, err := Load("testdata/valid-sparkapp.yaml")
	require.NoError(t, err)
	assert.Empty(t, doc.Validate(Options{RequireDigest: true}))

	minimal, err := Parse("t.yaml", []byte(sparkHeader))
	require.NoError(t, err)
	assert.Empty(t, minimal.Validate(Options{}))

	python, err := Parse("t.yaml", []byte(pythonHeader+
		"    deps:\n      pyFiles: [local:///opt/spark/work-dir/lib.zip, local:///opt/spark/work-dir/util.py]\n"))
	require.NoError(t, err)
	assert.Empty(t, python.Validate(Options{}))
}

func TestValidateSparkApp(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		opts Options
		want string // the whole error line: file:line:col: field: message
	}{
		// metadata
		{
			name: "name too long for the executor pod name prefix",
			yaml: withSpark("name: sessions", "name: "+strings.Repeat("s", 34)),
			want: `t.yaml:4:9: metadata.name: "` + strings.Repeat("s", 34) + `" is 34 characters; at most 33: the driver pod is named ` + strings.Repeat("s", 34) + `-<7 hex>-<5 random>, and Spark uses the driver pod's name as the executor pod name prefix, which may have at most 47 characters`,
		},
		{
			name: "name not a DNS-1035 label",
			yaml: withSpark("name: sessions", "name: 1sessions"),
			want: `t.yaml:4:9: metadata.name: "1sessions" is not a DNS-1035 label: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
		},
		{
			name: "name missing",
			yaml: withSpark("  name: sessions\n", "  labels: {team: growth}\n"),
			want: `t.yaml:4:3: metadata.name: required; a DNS-1035 label such as sessionize-daily`,
		},
		// sparkVersion
		{
			name: "spark version missing",
			yaml: withSpark("  sparkVersion: \"3.5\"\n", ""),
			want: `t.yaml:6:3: spec.sparkVersion: required; the Spark release inside the image, 3.3 to 4.2, e.g. "3.5"`,
		},
		{
			name: "spark version too old",
			yaml: withSpark(`"3.5"`, `"3.2"`),
			want: `t.yaml:6:17: spec.sparkVersion: Spark 3.2 is not supported; supported releases are 3.3 to 4.2 (older release lines are end of life upstream)`,
		},
		{
			name: "spark version too new",
			yaml: withSpark(`"3.5"`, `"4.3.0"`),
			want: `t.yaml:6:17: spec.sparkVersion: Spark 4.3 is not supported yet; supported releases are 3.3 to 4.2`,
		},
		{
			name: "spark version not a version",
			yaml: withSpark(`"3.5"`, `latest`),
			want: `t.yaml:6:17: spec.sparkVersion: "latest" is not a Spark version; write MAJOR.MINOR, e.g. "3.5"`,
		},
		// images
		{
			name: "image without tag",
			yaml: withSpark("sessions:1.0.0", "sessions"),
			want: `t.yaml:7:10: spec.image: "registry.example.com/sessions" has neither tag nor digest and would float with :latest; pin a tag or a digest`,
		},
		{
			name: "digest required for executor init containers",
			yaml: sparkHeader + "  compliance: {requireDigest: true}\n  podTemplate:\n    executor:\n      initContainers:\n        - {name: warm, image: \"busybox:1.36\"}\n",
			want: `t.yaml:16:31: spec.podTemplate.executor.initContainers[0].image: "busybox:1.36" is not pinned by digest, which is required because spec.compliance.requireDigest is true; append @sha256:<digest>`,
		},
		{
			name: "digest required for driver sidecars by the caller",
			yaml: withSpark("sessions:1.0.0", "sessions@sha256:5d41402abc4b2a76b9719d911017c592ae2f3b4c1d9e8f0a6b5c4d3e2f1a0b9c") + "  podTemplate:\n    driver:\n      sidecars:\n        - name: proxy\n          image: envoy:1.30\n",
			opts: Options{RequireDigest: true},
			want: `t.yaml:16:18: spec.podTemplate.driver.sidecars[0].image: "envoy:1.30" is not pinned by digest, which is required because the generator runs with --require-digest; append @sha256:<digest>`,
		},
		// app
		{
			name: "app type missing",
			yaml: withSpark("    type: scala\n", ""),
			want: `t.yaml:9:5: spec.app.type: required; one of java, scala, python`,
		},
		{
			name: "app type capitalised",
			yaml: withSpark("type: scala", "type: Scala"),
			want: `t.yaml:9:11: spec.app.type: "Scala" is not valid; write it in lower case: scala`,
		},
		{
			name: "app type unknown",
			yaml: withSpark("type: scala", "type: r"),
			want: `t.yaml:9:11: spec.app.type: "r" is not valid; use one of java, scala, python`,
		},
		{
			name: "main file not in the image",
			yaml: withSpark("local:///opt/spark/work-dir/sessions.jar", "s3a://bucket/sessions.jar"),
			want: `t.yaml:10:26: spec.app.mainApplicationFile: "s3a://bucket/sessions.jar" must be a local:// URI of a file inside the image, e.g. local:///opt/spark/work-dir/app.jar: the application is baked into the image and nothing is uploaded`,
		},
		{
			name: "main file relative",
			yaml: withSpark("local:///opt/spark/work-dir/sessions.jar", "local://sessions.jar"),
			want: `t.yaml:10:26: spec.app.mainApplicationFile: "local://sessions.jar" must be a local:// URI of a file inside the image`,
		},
		{
			name: "main file of a scala app not a jar",
			yaml: withSpark("sessions.jar", "sessions.py"),
			want: `t.yaml:10:26: spec.app.mainApplicationFile: "local:///opt/spark/work-dir/sessions.py" must end in .jar for a scala application`,
		},
		{
			name: "main file of a python app not a .py",
			yaml: withSpark("type: scala", "type: python"),
			want: `t.yaml:10:26: spec.app.mainApplicationFile: "local:///opt/spark/work-dir/sessions.jar" must end in .py for a python application (put other modules in app.deps.pyFiles)`,
		},
		{
			name: "python app with a main class",
			yaml: withSpark("type: scala", "type: python"),
			want: `t.yaml:11:16: spec.app.mainClass: a python application has no main class; remove it`,
		},
		{
			name: "java app without main class",
			yaml: strings.Replace(withSpark("type: scala", "type: java"), "    mainClass: com.example.Sessions\n", "", 1),
			want: `t.yaml:9:5: spec.app.mainClass: required for a java application; the fully qualified main class, e.g. com.example.Main`,
		},
		{
			name: "main class not a class name",
			yaml: withSpark("com.example.Sessions", "com/example/Sessions"),
			want: `t.yaml:11:16: spec.app.mainClass: "com/example/Sessions" is not a Java class name`,
		},
		{
			name: "dependency not local",
			yaml: sparkHeader + "    deps:\n      jars: [\"https://repo.example.com/dep.jar\"]\n",
			want: `t.yaml:13:14: spec.app.deps.jars[0]: "https://repo.example.com/dep.jar" must be a local:// URI of a file inside the image, e.g. local:///opt/spark/work-dir/lib/dep.jar: dependencies are baked into the image and nothing is uploaded`,
		},
		{
			name: "dependency with a comma",
			yaml: sparkHeader + "    deps:\n      files: [\"local:///a.conf,local:///b.conf\"]\n",
			want: `t.yaml:13:15: spec.app.deps.files[0]: "local:///a.conf,local:///b.conf" contains a comma; Spark joins the list with commas, so give one file per entry`,
		},
		{
			name: "pyFiles for a scala app",
			yaml: sparkHeader + "    deps:\n      pyFiles: [local:///opt/spark/work-dir/lib.zip]\n",
			want: `t.yaml:13:16: spec.app.deps.pyFiles: only for python applications (spark.submit.pyFiles); this is a scala application: use deps.jars or deps.files`,
		},
		{
			name: "pyFiles of the wrong kind",
			yaml: pythonHeader + "    deps:\n      pyFiles: [local:///opt/spark/work-dir/lib.tar.gz]\n",
			want: `t.yaml:12:17: spec.app.deps.pyFiles[0]: "local:///opt/spark/work-dir/lib.tar.gz" must end in .py, .zip, .egg`,
		},
		// resources
		{
			name: "driver memory below Spark's minimum",
			yaml: sparkHeader + "  driver:\n    resources: {memory: 256Mi}\n",
			want: `t.yaml:13:25: spec.driver.resources.memory: 256Mi is below the minimum 512Mi: Spark refuses a JVM heap under 450Mi (1.5 × the 300Mi it reserves) and tasks need room above that`,
		},
		{
			name: "executor overhead below Spark's minimum",
			yaml: sparkHeader + "  executor:\n    resources: {memoryOverhead: 256Mi}\n",
			want: `t.yaml:13:33: spec.executor.resources.memoryOverhead: 256Mi is below Spark's own minimum memory overhead, 384Mi`,
		},
		{
			name: "executor cpu zero",
			yaml: sparkHeader + "  executor:\n    resources: {cpu: \"0\"}\n",
			want: `t.yaml:13:22: spec.executor.resources.cpu: must be greater than 0 (got 0)`,
		},
		{
			name: "driver cpu not a quantity",
			yaml: sparkHeader + "  driver:\n    resources: {cpu: one}\n",
			want: `t.yaml:13:22: spec.driver.resources.cpu: "one" is not a Kubernetes quantity; write e.g. "1", "2" or "500m"`,
		},
		{
			name: "driver retries above 10",
			yaml: sparkHeader + "  driver:\n    retries: 11\n",
			want: `t.yaml:13:14: spec.driver.retries: must be from 0 to 10 (got 11): it is the driver Job's backoffLimit, and every retry runs the application again from the start`,
		},
		{
			name: "zero executors without dynamic allocation",
			yaml: sparkHeader + "  executor:\n    instances: 0\n",
			want: `t.yaml:13:16: spec.executor.instances: 0 executors run no tasks; set at least 1, or enable spec.dynamicAllocation to scale from 0`,
		},
		{
			name: "negative executors",
			yaml: sparkHeader + "  executor:\n    instances: -1\n",
			want: `t.yaml:13:16: spec.executor.instances: must be at least 0 (got -1)`,
		},
		// dynamicAllocation
		{
			name: "instances with dynamic allocation",
			yaml: sparkHeader + "  executor:\n    instances: 4\n  dynamicAllocation:\n    enabled: true\n",
			want: `t.yaml:13:16: spec.executor.instances: given while dynamic allocation is enabled, which sizes the executors itself; remove it and set spec.dynamicAllocation.initialExecutors`,
		},
		{
			name: "dynamic allocation fields while disabled",
			yaml: sparkHeader + "  dynamicAllocation:\n    maxExecutors: 20\n",
			want: `t.yaml:13:19: spec.dynamicAllocation.maxExecutors: given while dynamicAllocation.enabled is false, so it would be ignored; set enabled: true or remove it`,
		},
		{
			name: "min above the default max",
			yaml: sparkHeader + "  dynamicAllocation:\n    enabled: true\n    minExecutors: 12\n",
			want: `t.yaml:14:19: spec.dynamicAllocation.minExecutors: 12 exceeds maxExecutors 10 (the default); lower it or raise maxExecutors`,
		},
		{
			name: "max zero",
			yaml: sparkHeader + "  dynamicAllocation:\n    enabled: true\n    maxExecutors: 0\n",
			want: `t.yaml:14:19: spec.dynamicAllocation.maxExecutors: must be at least 1 (got 0)`,
		},
		{
			name: "initial below min",
			yaml: sparkHeader + "  dynamicAllocation:\n    enabled: true\n    minExecutors: 2\n    initialExecutors: 1\n",
			want: `t.yaml:15:23: spec.dynamicAllocation.initialExecutors: 1 is below minExecutors 2; use a value from 2 to 10`,
		},
		{
			name: "initial above max",
			yaml: sparkHeader + "  dynamicAllocation:\n    enabled: true\n    maxExecutors: 4\n    initialExecutors: 5\n",
			want: `t.yaml:15:23: spec.dynamicAllocation.initialExecutors: 5 exceeds maxExecutors 4; use a value from 0 to 4`,
		},
		// sparkConf and hadoopConf
		{
			name: "owned property with a field",
			yaml: sparkHeader + "  sparkConf:\n    spark.executor.memory: 8g\n",
			want: `t.yaml:13:5: spec.sparkConf.spark.executor.memory: set by the chart; use spec.executor.resources instead`,
		},
		{
			name: "owned property without a field",
			yaml: sparkHeader + "  sparkConf:\n    spark.driver.host: driver.example\n",
			want: `t.yaml:13:5: spec.sparkConf.spark.driver.host: set by the chart: the driver runs in client mode inside its Job pod; remove it`,
		},
		{
			name: "owned property family",
			yaml: sparkHeader + "  sparkConf:\n    spark.hadoop.fs.s3a.endpoint: s3.example.com\n",
			want: `t.yaml:13:5: spec.sparkConf.spark.hadoop.fs.s3a.endpoint: set by the chart; use spec.hadoopConf instead`,
		},
		{
			name: "app name from metadata",
			yaml: sparkHeader + "  sparkConf:\n    spark.app.name: other\n",
			want: `t.yaml:13:5: spec.sparkConf.spark.app.name: set by the chart; use metadata.name instead`,
		},
		{
			name: "driver pod setting ignored in client mode",
			yaml: sparkHeader + "  sparkConf:\n    spark.kubernetes.driver.secretKeyRef.DB_PASSWORD: db:password\n",
			want: `t.yaml:13:5: spec.sparkConf.spark.kubernetes.driver.secretKeyRef.DB_PASSWORD: ignored: the driver is the chart's Job pod, which Spark does not create; use spec.env (valueFrom.secretKeyRef) and spec.podTemplate.driver.volumes; remove it`,
		},
		{
			name: "credential in sparkConf via spark.hadoop",
			yaml: sparkHeader + "  sparkConf:\n    spark.hadoop.fs.s3a.secret.key: hunter2\n",
			want: `t.yaml:13:5: spec.sparkConf.spark.hadoop.fs.s3a.secret.key: carries a credential, which must not be in the descriptor; pass it as an environment variable from a Secret (spec.env[].valueFrom.secretKeyRef or spec.envFrom[].secretRef). For S3A, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY that way, which S3A's default credentials provider chain reads, or use a provider without keys (fs.s3a.aws.credentials.provider, e.g. web identity)`,
		},
		{
			name: "credential in sparkConf",
			yaml: sparkHeader + "  sparkConf:\n    spark.ssl.keyStorePassword: hunter2\n",
			want: `t.yaml:13:5: spec.sparkConf.spark.ssl.keyStorePassword: carries a credential, which must not be in the descriptor`,
		},
		{
			name: "non-spark property in sparkConf",
			yaml: sparkHeader + "  sparkConf:\n    sql.shuffle.partitions: 400\n",
			want: `t.yaml:13:5: spec.sparkConf.sql.shuffle.partitions: "sql.shuffle.partitions" does not start with "spark.", and spark-submit ignores such properties; Hadoop properties go in spec.hadoopConf`,
		},
		{
			name: "sparkConf key with a space",
			yaml: sparkHeader + "  sparkConf:\n    \"spark.sql. x\": 1\n",
			want: `t.yaml:13:5: spec.sparkConf.spark.sql. x: "spark.sql. x" is not a Spark property: keys are non-empty, without whitespace`,
		},
		{
			// Java properties end a key at '=' or ':' and read '\\' as an escape: either could name a chart key
			name: "sparkConf key with a separator",
			yaml: sparkHeader + "  sparkConf:\n    spark.kubernetes.executor.podTemplateFile=/tmp/x: y\n",
			want: `t.yaml:13:5: spec.sparkConf.spark.kubernetes.executor.podTemplateFile=/tmp/x: "spark.kubernetes.executor.podTemplateFile=/tmp/x" is not a Spark property: keys are non-empty, without whitespace, '=', ':' or '\' (spark-defaults.conf is a Java properties file, where these end or escape a key)`,
		},
		{
			name: "hadoopConf key with an escape",
			yaml: sparkHeader + "  hadoopConf:\n    'fs.s3a\\u002eendpoint': y\n",
			want: `t.yaml:13:5: spec.hadoopConf.fs.s3a\u002eendpoint: "fs.s3a\\u002eendpoint" is not a Hadoop property: keys are non-empty, without whitespace, '=', ':' or '\'`,
		},
		{
			name: "sparkConf value on two lines",
			yaml: sparkHeader + "  sparkConf:\n    spark.executor.extraJavaOptions: |\n      -XX:+UseG1GC\n      -Xss4m\n",
			want: `t.yaml:13:5: spec.sparkConf.spark.executor.extraJavaOptions: the value spans several lines; Spark properties are single lines, so write it on one line`,
		},
		{
			name: "hadoopConf key with the prefix",
			yaml: sparkHeader + "  hadoopConf:\n    spark.hadoop.fs.s3a.endpoint: s3.example.com\n",
			want: `t.yaml:13:5: spec.hadoopConf.spark.hadoop.fs.s3a.endpoint: the chart prefixes hadoopConf keys with spark.hadoop. itself; write "fs.s3a.endpoint"`,
		},
		{
			name: "hadoopConf Azure account key",
			yaml: sparkHeader + "  hadoopConf:\n    fs.azure.account.key.lake.dfs.core.windows.net: c2VjcmV0\n",
			want: `t.yaml:13:5: spec.hadoopConf.fs.azure.account.key.lake.dfs.core.windows.net: carries a credential, which must not be in the descriptor`,
		},
		{
			name: "hadoopConf S3A session token",
			yaml: sparkHeader + "  hadoopConf:\n    fs.s3a.session.token: abc\n",
			want: `t.yaml:13:5: spec.hadoopConf.fs.s3a.session.token: carries a credential, which must not be in the descriptor`,
		},
		{
			name: "Spark property in hadoopConf",
			yaml: sparkHeader + "  hadoopConf:\n    spark.sql.shuffle.partitions: 10\n",
			want: `t.yaml:13:5: spec.hadoopConf.spark.sql.shuffle.partitions: "spark.sql.shuffle.partitions" is a Spark property; put it in spec.sparkConf (hadoopConf holds Hadoop properties such as fs.s3a.endpoint)`,
		},
		// eventLog and metrics
		{
			name: "event log dir without a scheme",
			yaml: sparkHeader + "  eventLog:\n    dir: /spark-events\n",
			want: `t.yaml:13:10: spec.eventLog.dir: "/spark-events" is not a URI with a scheme; write e.g. s3a://bucket/spark-events (s3a://, gs://, hdfs://, abfss://, file://...)`,
		},
		{
			name: "event log dir on s3://",
			yaml: sparkHeader + "  eventLog:\n    dir: s3://bucket/events\n",
			want: `t.yaml:13:10: spec.eventLog.dir: "s3://bucket/events" uses a scheme Apache Hadoop has no file system for; use s3a://bucket/events`,
		},
		{
			name: "event log without dir",
			yaml: sparkHeader + "  eventLog: {}\n",
			want: `t.yaml:12:13: spec.eventLog.dir: required when eventLog is given; a directory URI such as s3a://bucket/spark-events (or remove eventLog)`,
		},
		{
			name: "pod monitor without metrics",
			yaml: sparkHeader + "  metrics:\n    prometheus: {podMonitor: true}\n",
			want: `t.yaml:13:30: spec.metrics.prometheus.podMonitor: a PodMonitor needs the metrics endpoints: set spec.metrics.prometheus.enabled: true`,
		},
		// batchScheduler
		{
			name: "batch scheduler without name",
			yaml: sparkHeader + "  batchScheduler:\n    queue: root.default\n",
			want: `t.yaml:13:5: spec.batchScheduler.name: required when batchScheduler is given; use one of volcano, yunikorn, or remove batchScheduler for the default scheduler`,
		},
		{
			name: "batch scheduler unknown",
			yaml: sparkHeader + "  batchScheduler:\n    name: kueue\n",
			want: `t.yaml:13:11: spec.batchScheduler.name: "kueue" is not valid; use one of volcano, yunikorn`,
		},
		{
			name: "yunikorn queue not a full path",
			yaml: sparkHeader + "  batchScheduler:\n    name: yunikorn\n    queue: analytics\n",
			want: `t.yaml:14:12: spec.batchScheduler.queue: "analytics" is not a full YuniKorn queue path; write root.<queue>[.<child>...], e.g. root.default (letters, digits, '-' and '_' in each part)`,
		},
		{
			name: "volcano queue not a name",
			yaml: sparkHeader + "  batchScheduler:\n    name: volcano\n    queue: Batch_Queue\n",
			want: `t.yaml:14:12: spec.batchScheduler.queue: "Batch_Queue" is not a Volcano queue name`,
		},
		{
			name: "gang with dynamic allocation from zero",
			yaml: sparkHeader + "  dynamicAllocation:\n    enabled: true\n  batchScheduler:\n    name: yunikorn\n    gang: true\n",
			want: `t.yaml:16:11: spec.batchScheduler.gang: a gang is the driver and dynamicAllocation.minExecutors executors, but minExecutors is 0; set spec.dynamicAllocation.minExecutors to at least 1`,
		},
		{
			name: "scheduler name in a pod template",
			yaml: sparkHeader + "  podTemplate:\n    executor:\n      schedulerName: volcano\n",
			want: `t.yaml:14:22: spec.podTemplate.executor.schedulerName: set by the chart: spec.batchScheduler.name (volcano or yunikorn) picks the scheduler of the driver and the executors, and without it they use the default scheduler; remove schedulerName`,
		},
		// timeouts
		{
			name: "active deadline not a duration",
			yaml: sparkHeader + "  timeouts:\n    activeDeadline: 6 hours\n",
			want: `t.yaml:13:21: spec.timeouts.activeDeadline: "6 hours" is not a duration; write e.g. 30m, 2h, 1h30m or 7d`,
		},
		{
			name: "ttl zero",
			yaml: sparkHeader + "  timeouts:\n    ttlAfterFinished: 0s\n",
			want: `t.yaml:13:23: spec.timeouts.ttlAfterFinished: must be greater than 0 (got "0s"); leave it out for the default`,
		},
		{
			name: "deadline in fractions of a second",
			yaml: sparkHeader + "  timeouts:\n    activeDeadline: 1500ms\n",
			want: `t.yaml:13:21: spec.timeouts.activeDeadline: "1500ms" is not a whole number of seconds`,
		},
		{
			name: "ttl beyond int32 seconds",
			yaml: sparkHeader + "  timeouts:\n    ttlAfterFinished: 25000d\n",
			want: `t.yaml:13:23: spec.timeouts.ttlAfterFinished: "25000d" is too long; at most 2147483647 seconds`,
		},
		// env and podTemplate
		{
			name: "credential env with a literal value",
			yaml: sparkHeader + "  env:\n    - name: AWS_SECRET_ACCESS_KEY\n      value: hunter2\n",
			want: `t.yaml:14:14: spec.env[0].value: AWS_SECRET_ACCESS_KEY looks like a credential; do not write its value in the descriptor: use valueFrom.secretKeyRef or envFrom[].secretRef to read it from an existing Secret`,
		},
		{
			name: "env set by the chart",
			yaml: sparkHeader + "  env:\n    - name: POD_IP\n      value: 10.0.0.1\n",
			want: `t.yaml:13:13: spec.env[0].name: POD_IP is set by the chart (the driver's pod IP from the downward API); choose another name`,
		},
		{
			name: "volume named like the chart's",
			yaml: sparkHeader + "  podTemplate:\n    driver:\n      volumes:\n        - {name: spark-conf, emptyDir: {}}\n",
			want: `t.yaml:15:18: spec.podTemplate.driver.volumes[0].name: "spark-conf" is used by the chart itself (spark-conf, spark-conf-volume-exec, tmp, work-dir); choose another name`,
		},
		{
			name: "mount over the chart's mount",
			yaml: sparkHeader + "  podTemplate:\n    executor:\n      volumes:\n        - {name: scratch, emptyDir: {}}\n      volumeMounts:\n        - {name: scratch, mountPath: /tmp/}\n",
			want: `t.yaml:17:38: spec.podTemplate.executor.volumeMounts[0].mountPath: "/tmp/" is where the chart mounts its own volumes (/opt/spark/conf, /opt/spark/work-dir, /tmp); mount elsewhere`,
		},
		{
			name: "volume mount names a volume of the other pod template",
			yaml: sparkHeader + "  podTemplate:\n    driver:\n      volumes:\n        - {name: scratch, emptyDir: {}}\n    executor:\n      volumeMounts:\n        - {name: scratch, mountPath: /scratch}\n",
			want: `t.yaml:18:18: spec.podTemplate.executor.volumeMounts[0].name: "scratch" is not a volume in podTemplate.executor.volumes; add it there or fix the name`,
		},
		{
			name: "sidecar named like the chart's container",
			yaml: sparkHeader + "  podTemplate:\n    executor:\n      sidecars:\n        - {name: executor, image: \"envoy:1.30\"}\n",
			want: `t.yaml:15:18: spec.podTemplate.executor.sidecars[0].name: "executor" is used by the chart itself (driver, executor); choose another name`,
		},
		{
			name: "service account without name",
			yaml: sparkHeader + "  serviceAccount: {create: false}\n",
			want: `t.yaml:12:19: spec.serviceAccount.name: required when create is false: name the existing ServiceAccount the pods run as`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse("t.yaml", []byte(tt.yaml))
			require.NoError(t, err)
			errs := doc.Validate(tt.opts)
			require.NotEmpty(t, errs)
			lines := strings.Split(errs.Error(), "\n")
			found := false
			for _, l := range lines {
				if strings.HasPrefix(l, tt.want) {
					found = true
				}
			}
			assert.True(t, found, "want a line starting with\n%s\ngot\n%s", tt.want, errs.Error())
		})
	}
}

func TestValidateSparkAppReportsEveryProblem(t *testing.T) {
	doc, err := Parse("t.yaml", []byte(withSpark(`"3.5"`, `"3.1"`)+"  executor: {instances: 0}\n  sparkConf: {spark.master: local}\n"))
	require.NoError(t, err)
	errs := doc.Validate(Options{})
	require.Len(t, errs, 3, errs.Error())
	assert.Equal(t, "spec.sparkVersion", errs[0].Field)
	assert.Equal(t, "spec.executor.instances", errs[1].Field)
	assert.Equal(t, "spec.sparkConf.spark.master", errs[2].Field)
}

// Keys that name a Secret or a file, rather than hold a credential, are accepted;
// credential-looking keys are refused wherever they are written.
func TestSparkConfCredentialKeys(t *testing.T) {
	accepted := []string{
		"spark.kubernetes.executor.secrets.spark-tls: /etc/tls",
		"spark.kubernetes.executor.secretKeyRef.DB_PASSWORD: db:password",
		"spark.kubernetes.kerberos.tokenSecret.name: hadoop-token",
		"spark.authenticate.secret.file: /etc/spark/secret",
		"spark.ssl.keyStore: /etc/tls/keystore.jks",
		"spark.kubernetes.executor.node.selector.pool: batch",
	}
	doc, err := Parse("t.yaml", []byte(sparkHeader+"  sparkConf:\n    "+strings.Join(accepted, "\n    ")+
		"\n  hadoopConf:\n    fs.s3a.delegation.token.binding: org.example.Binding\n    fs.s3a.bucket.lake.endpoint: s3.example.com\n"))
	require.NoError(t, err)
	errs := doc.Validate(Options{})
	require.Empty(t, errs, errs.Error())

	refused := []string{
		"spark.executorEnv.AWS_SECRET_ACCESS_KEY: x",
		"spark.authenticate.secret: x",
		"spark.ssl.keyPassword: x",
		"spark.hadoop.fs.azure.account.oauth2.client.secret: x",
		"spark.hadoop.fs.gs.auth.service.account.private.key: x",
		"spark.hadoop.fs.s3a.access.key: x",
	}
	doc, err = Parse("t.yaml", []byte(sparkHeader+"  sparkConf:\n    "+strings.Join(refused, "\n    ")+"\n"))
	require.NoError(t, err)
	errs = doc.Validate(Options{})
	require.Len(t, errs, len(refused), errs.Error())
	for _, e := range errs {
		assert.Contains(t, e.Message, "carries a credential", e.Field)
	}
}
