package descriptor

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// with returns header with old replaced by new (which must occur).
func with(old, new string) string { return patched(header, old, new) }

// patched returns base with old replaced by new, and panics if old does not occur.
func patched(base, old, new string) string {
	if !strings.Contains(base, old) {
		panic("the test descriptor has no " + old)
	}
	return strings.Replace(base, old, new, 1)
}

func TestValidDescriptor(t *testing.T) {
	doc, err := Load("testdata/valid-flinkjob.yaml")
	require.NoError(t, err)
	assert.Empty(t, doc.Validate(Options{RequireDigest: true}))

	minimal, err := Parse("t.yaml", []byte(header))
	require.NoError(t, err)
	assert.Empty(t, minimal.Validate(Options{}))
}

// TestFlinkConfigurationAccepts keeps the key and value rules from refusing real options.
func TestFlinkConfigurationAccepts(t *testing.T) {
	for _, text := range []string{
		header + "  flinkConfiguration:\n    taskmanager.network.memory-fraction: 0.2\n    containerized.taskmanager.env.MY_VAR: x\n    metrics.reporter.prom_2.port: 9250\n",
		header + "  flinkConfiguration:\n    pipeline.name: 'clicks #2: the \"second\" run'\n    pipeline.jar-dir: ''\n",
		with(`flinkVersion: "1.20"`, `flinkVersion: "1.18"`) + "  flinkConfiguration:\n    pipeline.name: 'clicks: 2 & more'\n",
	} {
		doc, err := Parse("t.yaml", []byte(text))
		require.NoError(t, err)
		assert.Empty(t, doc.Validate(Options{}), text)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		opts Options
		want string // substring of the error text, with file:line:col and field path
	}{
		// metadata
		{
			name: "name not a DNS-1035 label",
			yaml: with("name: clicks", "name: Clicks"),
			want: `t.yaml:4:9: metadata.name: "Clicks" is not a DNS-1035 label: a DNS-1035 label must consist of lower case alphanumeric characters or '-'`,
		},
		{
			name: "name too long for derived names",
			yaml: with("name: clicks", "name: "+strings.Repeat("a", 52)),
			want: `t.yaml:4:9: metadata.name: "` + strings.Repeat("a", 52) + `" is 52 characters; at most 51: the longest derived object name, ` + strings.Repeat("a", 52) + `-taskmanager, must stay within Kubernetes' 63`,
		},
		{
			name: "name missing is reported at metadata",
			yaml: with("  name: clicks\n", "  labels: {team: growth}\n"),
			want: `t.yaml:4:3: metadata.name: required; a DNS-1035 label such as clickstream-enricher`,
		},
		{
			name: "namespace not a DNS-1123 label",
			yaml: with("  name: clicks\n", "  name: clicks\n  namespace: Team_A\n"),
			want: `t.yaml:5:14: metadata.namespace: "Team_A" is not a valid namespace: a lowercase RFC 1123 label`,
		},
		{
			name: "label value invalid",
			yaml: with("  name: clicks\n", "  name: clicks\n  labels:\n    team: growth team\n"),
			want: `t.yaml:6:5: metadata.labels.team: "growth team" is not a valid label value`,
		},
		{
			name: "annotation key invalid",
			yaml: with("  name: clicks\n", "  name: clicks\n  annotations:\n    /owner: me\n"),
			want: `t.yaml:6:5: metadata.annotations./owner: "/owner" is not a valid annotation key`,
		},
		// flinkVersion
		{
			name: "flink version too old",
			yaml: with(`"1.20"`, `"1.10"`),
			want: `t.yaml:6:17: spec.flinkVersion: Flink 1.10 is not supported; the oldest supported release is 1.11 (application mode and the JobManager memory model arrived in 1.11)`,
		},
		{
			name: "flink version too new",
			yaml: with(`"1.20"`, `"2.3.0"`),
			want: `t.yaml:6:17: spec.flinkVersion: Flink 2.3 is not supported yet; the newest supported release is 2.2`,
		},
		{
			name: "flink version not a version",
			yaml: with(`"1.20"`, `latest`),
			want: `t.yaml:6:17: spec.flinkVersion: "latest" is not a Flink version; write MAJOR.MINOR, e.g. "1.20"`,
		},
		{
			name: "flink version missing",
			yaml: with("  flinkVersion: \"1.20\"\n", ""),
			want: `t.yaml:6:3: spec.flinkVersion: required; the Flink release inside the image, 1.11 to 2.2`,
		},
		// images
		{
			name: "image without tag or digest",
			yaml: with("clicks:1.0.0", "clicks"),
			want: `t.yaml:7:10: spec.image: "registry.example.com/clicks" has neither tag nor digest and would float with :latest; pin a tag or a digest`,
		},
		{
			name: "image tagged latest",
			yaml: with("clicks:1.0.0", "clicks:latest"),
			want: `t.yaml:7:10: spec.image: "registry.example.com/clicks:latest" floats: the tag latest moves to every new push, so what runs is not what was reviewed; pin a version tag or a digest`,
		},
		{
			name: "image not a reference",
			yaml: with("registry.example.com/clicks:1.0.0", "registry.example.com/Clicks:1.0.0"),
			want: `t.yaml:7:10: spec.image: "registry.example.com/Clicks:1.0.0" is not a valid image reference`,
		},
		{
			name: "digest required by the descriptor",
			yaml: header + "  compliance: {requireDigest: true}\n",
			want: `t.yaml:7:10: spec.image: "registry.example.com/clicks:1.0.0" is not pinned by digest, which is required because spec.compliance.requireDigest is true; append @sha256:<digest>`,
		},
		{
			name: "digest required by the caller",
			yaml: header,
			opts: Options{RequireDigest: true},
			want: `t.yaml:7:10: spec.image: "registry.example.com/clicks:1.0.0" is not pinned by digest, which is required because the generator runs with --require-digest`,
		},
		{
			name: "digest required for sidecar images too",
			yaml: header + "  podTemplate:\n    sidecars:\n      - name: proxy\n        image: envoy:1.30\n",
			opts: Options{RequireDigest: true},
			want: `t.yaml:13:16: spec.podTemplate.sidecars[0].image: "envoy:1.30" is not pinned by digest`,
		},
		{
			name: "digest required for the default zetcd image",
			yaml: with(`"1.20"`, `"1.14"`) + "  highAvailability:\n    type: zetcd\n    storageDir: s3://b/ha\n    zetcd: {etcdEndpoints: [\"http://etcd:2379\"]}\n",
			opts: Options{RequireDigest: true},
			want: `t.yaml:13:12: spec.highAvailability.zetcd.image: "quay.io/coreos/zetcd:v0.0.5" is not pinned by digest`,
		},
		{
			name: "image pull policy",
			yaml: header + "  imagePullPolicy: Sometimes\n",
			want: `t.yaml:10:20: spec.imagePullPolicy: "Sometimes" is not valid; use one of Always, IfNotPresent, Never`,
		},
		{
			name: "image pull secret name",
			yaml: header + "  imagePullSecrets: [Reg_Cred]\n",
			want: `t.yaml:10:22: spec.imagePullSecrets[0]: "Reg_Cred" is not a valid Secret name`,
		},
		// job
		{
			name: "jar outside usrlib",
			yaml: with("local:///opt/flink/usrlib/clicks.jar", "file:///tmp/clicks.jar"),
			want: `t.yaml:9:13: spec.job.jarURI: "file:///tmp/clicks.jar" must be local:///opt/flink/usrlib/<file>.jar: standalone-job loads the user code from /opt/flink/usrlib inside the image`,
		},
		{
			name: "jar missing",
			yaml: with("    jarURI: local:///opt/flink/usrlib/clicks.jar\n", "    entryClass: com.example.Clicks\n"),
			want: `t.yaml:9:5: spec.job.jarURI: required; local:///opt/flink/usrlib/<file>.jar`,
		},
		{
			name: "entry class",
			yaml: header + "    entryClass: com.example.-Clicks\n",
			want: `t.yaml:10:17: spec.job.entryClass: "com.example.-Clicks" is not a Java class name`,
		},
		{
			name: "parallelism exceeds slots",
			yaml: header + "    parallelism: 12\n  taskManager:\n    replicas: 2\n    taskSlots: 4\n",
			want: `t.yaml:10:18: spec.job.parallelism: 12 exceeds taskManager.replicas × taskManager.taskSlots = 2 × 4 = 8; raise replicas or taskSlots, or lower parallelism`,
		},
		{
			name: "parallelism exceeds default slots",
			yaml: header + "    parallelism: 2\n",
			want: `t.yaml:10:18: spec.job.parallelism: 2 exceeds taskManager.replicas × taskManager.taskSlots = 1 × 1 = 1`,
		},
		{
			name: "parallelism zero",
			yaml: header + "    parallelism: 0\n",
			want: `t.yaml:10:18: spec.job.parallelism: must be at least 1 (got 0)`,
		},
		{
			name: "job mode",
			yaml: header + "    mode: micro-batch\n",
			want: `t.yaml:10:11: spec.job.mode: "micro-batch" is not valid; use one of streaming, batch`,
		},
		{
			name: "batch mode needs 1.12",
			yaml: with(`"1.20"`, `"1.11"`) + "    mode: batch\n",
			want: `t.yaml:10:11: spec.job.mode: batch needs Flink 1.12 or newer (execution.runtime-mode); got 1.11`,
		},
		{
			name: "job id",
			yaml: header + "    jobId: 0123456789ABCDEF0123456789ABCDEF\n",
			want: `t.yaml:10:12: spec.job.jobId: "0123456789ABCDEF0123456789ABCDEF" is not a Flink job id; use 32 lowercase hexadecimal characters`,
		},
		{
			name: "restoreFrom without path",
			yaml: header + "    restoreFrom: {allowNonRestoredState: true}\n",
			want: `t.yaml:10:18: spec.job.restoreFrom.path: required when restoreFrom is given`,
		},
		{
			name: "restoreFrom path without scheme",
			yaml: header + "    restoreFrom:\n      path: /savepoints/sp-1\n",
			want: `t.yaml:11:13: spec.job.restoreFrom.path: "/savepoints/sp-1" is not a URI with a scheme; write e.g. s3://bucket/path`,
		},
		{
			name: "archiveDir without scheme",
			yaml: header + "    archiveDir: archive\n",
			want: `t.yaml:10:17: spec.job.archiveDir: "archive" is not a URI with a scheme`,
		},
		// resources
		{
			name: "job manager memory below 1Gi",
			yaml: header + "  jobManager:\n    resources: {memory: 512Mi}\n",
			want: `t.yaml:11:25: spec.jobManager.resources.memory: 512Mi is below the minimum 1Gi: Flink's JVM overhead and metaspace leave too little memory`,
		},
		{
			name: "task manager cpu zero",
			yaml: header + "  taskManager:\n    resources:\n      cpu: \"0\"\n",
			want: `t.yaml:12:12: spec.taskManager.resources.cpu: must be greater than 0 (got 0)`,
		},
		{
			name: "task manager memory not a quantity",
			yaml: header + "  taskManager:\n    resources:\n      memory: 4 GB\n",
			want: `t.yaml:12:15: spec.taskManager.resources.memory: "4 GB" is not a Kubernetes quantity; write e.g. 2Gi or 1600Mi`,
		},
		{
			name: "task manager replicas zero",
			yaml: header + "  taskManager:\n    replicas: 0\n",
			want: `t.yaml:11:15: spec.taskManager.replicas: must be at least 1 (got 0)`,
		},
		{
			name: "task slots negative",
			yaml: header + "  taskManager:\n    taskSlots: -2\n",
			want: `t.yaml:11:16: spec.taskManager.taskSlots: must be at least 1 (got -2)`,
		},
		// checkpointing and savepoints
		{
			name: "checkpoint interval in Go syntax",
			yaml: header + "  checkpointing:\n    interval: 1m30s\n    dir: s3://b/cp\n",
			want: `t.yaml:11:15: spec.checkpointing.interval: "1m30s" is not a Flink duration; write a whole number and a unit, e.g. "30s", "5 min", "500ms"`,
		},
		{
			name: "checkpoint interval zero",
			yaml: header + "  checkpointing:\n    interval: 0s\n    dir: s3://b/cp\n",
			want: `t.yaml:11:15: spec.checkpointing.interval: must be greater than 0 (got "0s")`,
		},
		{
			name: "checkpoint interval without dir",
			yaml: header + "  checkpointing:\n    interval: 60s\n",
			want: `t.yaml:11:5: spec.checkpointing.dir: required when interval is set: checkpoints kept in JobManager memory do not survive a restart`,
		},
		{
			name: "incremental with hashmap",
			yaml: header + "  checkpointing:\n    incremental: true\n",
			want: `t.yaml:11:18: spec.checkpointing.incremental: incremental checkpoints need stateBackend rocksdb (got hashmap)`,
		},
		{
			name: "checkpointing mode",
			yaml: header + "  checkpointing:\n    mode: exactly_once\n",
			want: `t.yaml:11:11: spec.checkpointing.mode: "exactly_once" is not valid; use one of EXACTLY_ONCE, AT_LEAST_ONCE`,
		},
		{
			name: "state backend",
			yaml: header + "  checkpointing:\n    stateBackend: filesystem\n",
			want: `t.yaml:11:19: spec.checkpointing.stateBackend: "filesystem" is not valid; use one of hashmap, rocksdb`,
		},
		{
			name: "savepoints dir without scheme",
			yaml: header + "  savepoints: {dir: /savepoints}\n",
			want: `t.yaml:10:21: spec.savepoints.dir: "/savepoints" is not a URI with a scheme`,
		},
		// high availability
		{
			name: "zetcd refused for Flink 1.15+",
			yaml: header + "  highAvailability:\n    type: zetcd\n    storageDir: s3://b/ha\n    zetcd: {etcdEndpoints: [\"http://etcd:2379\"]}\n",
			want: `t.yaml:11:11: spec.highAvailability.type: zetcd needs Flink <= 1.14 (got 1.20): zetcd implements only the ZooKeeper 3.4 protocol; Flink 1.15+ ships a ZooKeeper 3.5+ client (Curator) whose leader election and node creation (create2/createContainer) fail against it; use highAvailability.type kubernetes (state in the API server's etcd) or a real ZooKeeper ensemble`,
		},
		{
			name: "zetcd endpoint not a URL",
			yaml: with(`"1.20"`, `"1.14"`) + "  highAvailability:\n    type: zetcd\n    storageDir: s3://b/ha\n    zetcd:\n      etcdEndpoints: [etcd:2379]\n",
			want: `t.yaml:14:23: spec.highAvailability.zetcd.etcdEndpoints[0]: "etcd:2379" is not an etcd client URL; write http://host:port or https://host:port`,
		},
		{
			name: "zetcd without endpoints",
			yaml: with(`"1.20"`, `"1.14"`) + "  highAvailability:\n    type: zetcd\n    storageDir: s3://b/ha\n",
			want: `t.yaml:11:5: spec.highAvailability.zetcd.etcdEndpoints: required for highAvailability.type zetcd`,
		},
		{
			name: "HA without storageDir",
			yaml: header + "  highAvailability:\n    type: kubernetes\n",
			want: `t.yaml:11:5: spec.highAvailability.storageDir: required for highAvailability.type kubernetes`,
		},
		{
			name: "kubernetes HA needs 1.12",
			yaml: with(`"1.20"`, `"1.11"`) + "  highAvailability:\n    type: kubernetes\n    storageDir: s3://b/ha\n",
			want: `t.yaml:11:11: spec.highAvailability.type: kubernetes HA needs Flink 1.12 or newer (FLIP-144; got 1.11)`,
		},
		{
			name: "HA type unknown",
			yaml: header + "  highAvailability:\n    type: etcd\n",
			want: `t.yaml:11:11: spec.highAvailability.type: "etcd" is not valid; use one of none, zookeeper, zetcd, kubernetes`,
		},
		{
			name: "zookeeper quorum port out of range",
			yaml: header + "  highAvailability:\n    type: zookeeper\n    storageDir: s3://b/ha\n    zookeeper:\n      quorum: [zk-0:2181, zk-1:99999]\n",
			want: `t.yaml:14:27: spec.highAvailability.zookeeper.quorum[1]: "zk-1:99999" has no port from 1 to 65535; write host:port`,
		},
		{
			name: "zookeeper root path relative",
			yaml: header + "  highAvailability:\n    type: zookeeper\n    storageDir: s3://b/ha\n    zookeeper:\n      quorum: [zk-0:2181]\n      rootPath: flink\n",
			want: `t.yaml:15:17: spec.highAvailability.zookeeper.rootPath: "flink" must start with "/"`,
		},
		{
			name: "zookeeper block ignored by the type",
			yaml: header + "  highAvailability:\n    type: kubernetes\n    storageDir: s3://b/ha\n    zookeeper: {quorum: [zk:2181]}\n",
			want: `t.yaml:13:16: spec.highAvailability.zookeeper: given while highAvailability.type is kubernetes, so it would be ignored; remove it or set type: zookeeper`,
		},
		// restart strategy
		{
			name: "restart strategy without type",
			yaml: header + "  restartStrategy:\n    attempts: 3\n",
			want: `t.yaml:11:5: spec.restartStrategy.type: required when restartStrategy is given; use one of none, fixed-delay, failure-rate, exponential-delay`,
		},
		{
			name: "restart field of another type",
			yaml: header + "  restartStrategy:\n    type: fixed-delay\n    initialBackoff: 1s\n",
			want: `t.yaml:12:21: spec.restartStrategy.initialBackoff: does not apply to restartStrategy.type fixed-delay; remove it (fixed-delay takes attempts, delay)`,
		},
		{
			name: "exponential delay needs 1.13",
			yaml: with(`"1.20"`, `"1.12"`) + "  restartStrategy:\n    type: exponential-delay\n",
			want: `t.yaml:11:11: spec.restartStrategy.type: exponential-delay needs Flink 1.13 or newer (got 1.12); use fixed-delay or failure-rate`,
		},
		{
			name: "restart attempts zero",
			yaml: header + "  restartStrategy:\n    type: fixed-delay\n    attempts: 0\n    delay: 10 parsecs\n",
			want: `t.yaml:12:15: spec.restartStrategy.attempts: must be at least 1 (got 0)`,
		},
		{
			name: "restart delay not a duration",
			yaml: header + "  restartStrategy:\n    type: fixed-delay\n    delay: 10 parsecs\n",
			want: `t.yaml:12:12: spec.restartStrategy.delay: "10 parsecs" is not a Flink duration`,
		},
		{
			name: "jitter factor above 1",
			yaml: header + "  restartStrategy:\n    type: exponential-delay\n    jitterFactor: 1.5\n",
			want: `t.yaml:12:19: spec.restartStrategy.jitterFactor: must be from 0 to 1 (got 1.5)`,
		},
		{
			name: "pod monitor without the reporter",
			yaml: header + "  metrics:\n    prometheus:\n      podMonitor: true\n",
			want: `t.yaml:12:19: spec.metrics.prometheus.podMonitor: a PodMonitor needs the reporter: set spec.metrics.prometheus.enabled: true`,
		},
		{
			name: "java opts owned by the chart before 1.19",
			yaml: strings.Replace(header, `flinkVersion: "1.20"`, `flinkVersion: "1.18"`, 1) + "  flinkConfiguration:\n    env.java.opts.all: -Xss2m\n",
			want: `t.yaml:11:5: spec.flinkConfiguration.env.java.opts.all: before Flink 1.19 the chart sets env.java.opts.all itself`,
		},
		{
			name: "backoff multiplier below 1",
			yaml: header + "  restartStrategy:\n    type: exponential-delay\n    backoffMultiplier: 0.5\n",
			want: `t.yaml:12:24: spec.restartStrategy.backoffMultiplier: must be at least 1 (got 0.5)`,
		},
		// metrics
		{
			name: "prometheus port is a Flink port",
			yaml: header + "  metrics:\n    prometheus: {enabled: true, port: 8081}\n",
			want: `t.yaml:11:39: spec.metrics.prometheus.port: 8081 is one of Flink's own ports (6121-6125, 8081); use another, e.g. 9249`,
		},
		{
			name: "prometheus port privileged",
			yaml: header + "  metrics:\n    prometheus:\n      port: 80\n",
			want: `t.yaml:12:13: spec.metrics.prometheus.port: 80 is not a port from 1024 to 65535`,
		},
		// flinkConfiguration
		{
			name: "owned key with a field",
			yaml: header + "  flinkConfiguration:\n    parallelism.default: 4\n",
			want: `t.yaml:11:5: spec.flinkConfiguration.parallelism.default: set by the chart; use spec.job.parallelism instead`,
		},
		{
			name: "owned key family",
			yaml: header + "  flinkConfiguration:\n    high-availability.zookeeper.quorum: zk:2181\n",
			want: `t.yaml:11:5: spec.flinkConfiguration.high-availability.zookeeper.quorum: set by the chart; use spec.highAvailability instead`,
		},
		{
			name: "owned key without a field",
			yaml: header + "  flinkConfiguration:\n    rest.port: 8082\n",
			want: `t.yaml:11:5: spec.flinkConfiguration.rest.port: set by the chart (ports, addresses and directories are fixed by the pod layout); remove it`,
		},
		{
			name: "credential in flink configuration",
			yaml: header + "  flinkConfiguration:\n    s3.secret-key: abc\n",
			want: `t.yaml:11:5: spec.flinkConfiguration.s3.secret-key: carries a credential, which must not be in the descriptor; pass it as an environment variable from a Secret`,
		},
		{
			name: "azure account key in flink configuration",
			yaml: header + "  flinkConfiguration:\n    fs.azure.account.key.acct.blob.core.windows.net: abc\n",
			want: `t.yaml:11:5: spec.flinkConfiguration.fs.azure.account.key.acct.blob.core.windows.net: carries a credential`,
		},
		{
			name: "flink configuration key with a space",
			yaml: header + "  flinkConfiguration:\n    \"web timeout\": 1000\n",
			want: `t.yaml:11:5: spec.flinkConfiguration.web timeout: "web timeout" is not a Flink configuration key: keys are words of letters, digits, '-' and '_' joined by dots, starting with a letter, e.g. pipeline.name`,
		},
		{
			// config.yaml would read the quotes as YAML and see the chart's own key twice
			name: "flink configuration key in quotes",
			yaml: header + "  flinkConfiguration:\n    '\"high-availability.type\"': NONE\n",
			want: `t.yaml:11:5: spec.flinkConfiguration."high-availability.type": "\"high-availability.type\"" is not a Flink configuration key`,
		},
		{
			name: "flink configuration key that is a YAML anchor",
			yaml: header + "  flinkConfiguration:\n    '&a': x\n",
			want: `t.yaml:11:5: spec.flinkConfiguration.&a: "&a" is not a Flink configuration key`,
		},
		{
			name: "flink configuration key YAML 1.1 reads as a boolean",
			yaml: header + "  flinkConfiguration:\n    'On': x\n",
			want: `t.yaml:11:5: spec.flinkConfiguration.On: "On" is not a Flink configuration key`,
		},
		{
			name: "flink configuration key with an empty word",
			yaml: header + "  flinkConfiguration:\n    pipeline..name: x\n",
			want: `t.yaml:11:5: spec.flinkConfiguration.pipeline..name: "pipeline..name" is not a Flink configuration key`,
		},
		{
			name: "flink configuration empty value before 1.19",
			yaml: with(`flinkVersion: "1.20"`, `flinkVersion: "1.16"`) + "  flinkConfiguration:\n    pipeline.name: ' '\n",
			want: `t.yaml:11:5: spec.flinkConfiguration.pipeline.name: Flink 1.16 skips a flink-conf.yaml line with an empty value, so this key would not be set; remove it or give it a value`,
		},
		{
			name: "flink configuration value with # before 1.19",
			yaml: with(`flinkVersion: "1.20"`, `flinkVersion: "1.18"`) + "  flinkConfiguration:\n    pipeline.name: clicks#2\n",
			want: `t.yaml:11:5: spec.flinkConfiguration.pipeline.name: Flink 1.18 reads flink-conf.yaml line by line and drops everything from '#' on as a comment, so this value cannot be written; Flink 1.19 and newer read config.yaml as YAML, where it can`,
		},
		{
			name: "flink configuration value on two lines",
			yaml: header + "  flinkConfiguration:\n    env.java.opts.taskmanager: |\n      -Xss2m\n      -XX:+UseG1GC\n",
			want: `t.yaml:11:5: spec.flinkConfiguration.env.java.opts.taskmanager: the value spans several lines; Flink's configuration file is line based`,
		},
		// env
		{
			name: "credential env with a literal value",
			yaml: header + "  env:\n    - name: DB_PASSWORD\n      value: hunter2\n",
			want: `t.yaml:12:14: spec.env[0].value: DB_PASSWORD looks like a credential; do not write its value in the descriptor: use valueFrom.secretKeyRef or envFrom[].secretRef`,
		},
		{
			name: "env name invalid",
			yaml: header + "  env:\n    - name: 1BAD=NAME\n      value: x\n",
			want: `t.yaml:11:13: spec.env[0].name: "1BAD=NAME" is not a valid environment variable name`,
		},
		// podTemplate
		{
			name: "volume name used by the chart",
			yaml: header + "  podTemplate:\n    volumes:\n      - name: tmp\n        emptyDir: {}\n",
			want: `t.yaml:12:15: spec.podTemplate.volumes[0].name: "tmp" is used by the chart itself (flink-config, flink-conf, flink-log, tmp); choose another name`,
		},
		{
			name: "volume names unique",
			yaml: header + "  podTemplate:\n    volumes:\n      - {name: data, emptyDir: {}}\n      - {name: data, emptyDir: {}}\n",
			want: `t.yaml:13:16: spec.podTemplate.volumes[1].name: "data" is given twice; volume names must be unique`,
		},
		{
			name: "volume mount without volume",
			yaml: header + "  podTemplate:\n    volumeMounts:\n      - name: data\n        mountPath: /data\n",
			want: `t.yaml:12:15: spec.podTemplate.volumeMounts[0].name: "data" is not a volume in podTemplate.volumes`,
		},
		{
			name: "sidecar named like a chart container",
			yaml: header + "  podTemplate:\n    sidecars:\n      - name: jobmanager\n        image: envoy:1.30\n",
			want: `t.yaml:12:15: spec.podTemplate.sidecars[0].name: "jobmanager" is used by the chart itself (jobmanager, taskmanager, copy-config)`,
		},
		{
			name: "init container without image",
			yaml: header + "  podTemplate:\n    initContainers:\n      - name: wait\n",
			want: `t.yaml:12:9: spec.podTemplate.initContainers[0].image: required; pin a tag or a digest`,
		},
		{
			name: "priority class name",
			yaml: header + "  podTemplate:\n    priorityClassName: High_Priority\n",
			want: `t.yaml:11:24: spec.podTemplate.priorityClassName: "High_Priority" is not a valid name`,
		},
		// serviceAccount
		{
			name: "existing service account needs a name",
			yaml: header + "  serviceAccount:\n    create: false\n",
			want: `t.yaml:11:5: spec.serviceAccount.name: required when create is false: name the existing ServiceAccount the pods run as`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse("t.yaml", []byte(tt.yaml))
			require.NoError(t, err)
			errs := doc.Validate(tt.opts)
			require.NotEmpty(t, errs)
			assert.Contains(t, errs.Error(), tt.want)
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	doc, err := Parse("t.yaml", []byte(with("name: clicks", "name: Clicks")+"    parallelism: 0\n  imagePullPolicy: Sometimes\n"))
	require.NoError(t, err)
	errs := doc.Validate(Options{})
	require.Len(t, errs, 3)
	// Sorted by position.
	assert.Equal(t, "metadata.name", errs[0].Field)
	assert.Equal(t, "spec.job.parallelism", errs[1].Field)
	assert.Equal(t, "spec.imagePullPolicy", errs[2].Field)
}
