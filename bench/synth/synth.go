// Package synth writes synthetic but realistic job descriptors for benchmarks and batch
// tests: every supported Flink release, every HA type each release allows, streaming and
// batch jobs, every restart strategy, metrics, env from Secrets, pod template extras, and
// optionally SparkApp descriptors (Scala and Python). The output depends only on n.
package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

var (
	flinkVersions = []string{"1.11", "1.12", "1.13", "1.14", "1.15", "1.16", "1.17", "1.18", "1.19", "1.20", "2.0", "2.1", "2.2"}
	teams         = []string{"growth", "risk", "maps", "reporting", "ml", "finance", "search", "ads"}
	words         = []string{"enricher", "scorer", "tagger", "rollup", "sessionizer", "dedup", "joiner", "indexer", "compactor", "aggregator", "router", "sink"}
	sparkVersions = []string{"3.5", "4.0", "4.1"}
)

// minor is the minor release of a "1.x" Flink version; 2.x counts as newer than all.
func minor(v string) int {
	var major, min int
	fmt.Sscanf(v, "%d.%d", &major, &min)
	return major*100 + min
}

// Flink is descriptor i of a batch, a FlinkJob.
func Flink(i int) (name, namespace, yaml string) {
	team := teams[i%len(teams)]
	version := flinkVersions[(i/3)%len(flinkVersions)]
	name = fmt.Sprintf("%s-%s-%d", team, words[(i/7)%len(words)], i)
	namespace = team
	v := minor(version)
	var b strings.Builder
	fmt.Fprintf(&b, `apiVersion: jobcharts.io/v1alpha1
kind: FlinkJob
metadata:
  name: %s
  namespace: %s
  labels: {team: %s, tier: "%d"}
  annotations: {jobcharts.io/chart-version: "1.%d.0"}
spec:
  flinkVersion: "%s"
  image: registry.example.com/%s/jobs@sha256:%064x
  imagePullSecrets: [regcred]
  job:
    jarURI: local:///opt/flink/usrlib/%s.jar
    entryClass: com.example.%s.Job%d
    args: ["--source", "kafka://%s-in", "--sink", "kafka://%s-out"]
    parallelism: %d
`, name, namespace, team, i%3, i%10, version, team, i+1, name, team, i, name, name, 2*(1+i%4))
	batch := v >= 112 && i%5 == 4
	if batch {
		fmt.Fprintf(&b, "    mode: batch\n    archiveDir: s3://%s-flink/history\n", team)
	}
	fmt.Fprintf(&b, `  jobManager:
    resources: {cpu: "1", memory: %dMi}
  taskManager:
    replicas: %d
    taskSlots: 2
    resources: {cpu: "2", memory: %dGi}
`, 1024+512*(i%3), 1+i%4, 2+i%3)
	if !batch {
		backend := []string{"rocksdb", "hashmap"}[i%2]
		fmt.Fprintf(&b, `  checkpointing:
    interval: %ds
    dir: s3://%s-flink/checkpoints
    stateBackend: %s
    incremental: %t
  savepoints:
    dir: s3://%s-flink/savepoints
`, 30+i%90, team, backend, backend == "rocksdb", team)
	}
	// HA: every type the release allows, in turn.
	ha := []string{"none", "zookeeper", "kubernetes", "zetcd"}[i%4]
	if ha == "zetcd" && v > 114 {
		ha = "kubernetes"
	}
	if ha == "kubernetes" && v < 112 {
		ha = "zookeeper"
	}
	switch ha {
	case "zookeeper":
		fmt.Fprintf(&b, `  highAvailability:
    type: zookeeper
    storageDir: s3://%s-flink/ha
    zookeeper:
      quorum: ["zk-0.zk.%s.svc:2181", "zk-1.zk.%s.svc:2181", "zk-2.zk.%s.svc:2181"]
      rootPath: /flink-%s
`, team, team, team, team, team)
	case "kubernetes":
		fmt.Fprintf(&b, "  highAvailability: {type: kubernetes, storageDir: s3://%s-flink/ha}\n", team)
	case "zetcd":
		fmt.Fprintf(&b, `  highAvailability:
    type: zetcd
    storageDir: s3://%s-flink/ha
    zetcd:
      etcdEndpoints: ["http://etcd-0.etcd.%s.svc:2379", "http://etcd-1.etcd.%s.svc:2379"]
      image: quay.io/coreos/zetcd@sha256:%064x
      replicas: 2
`, team, team, team, 5)
	}
	switch restart := i % 4; {
	case restart == 0:
		b.WriteString("  restartStrategy: {type: fixed-delay, attempts: 10, delay: 10s}\n")
	case restart == 1:
		b.WriteString("  restartStrategy: {type: failure-rate, maxFailuresPerInterval: 3, failureRateInterval: 5min, delay: 10s}\n")
	case restart == 2 && v >= 113:
		b.WriteString("  restartStrategy: {type: exponential-delay, initialBackoff: 1s, maxBackoff: 5min}\n")
	}
	if i%3 == 0 {
		b.WriteString("  metrics:\n    prometheus: {enabled: true}\n")
	}
	fmt.Fprintf(&b, `  env:
    - name: AWS_ACCESS_KEY_ID
      valueFrom: {secretKeyRef: {name: %s-s3, key: access-key-id}}
    - name: AWS_SECRET_ACCESS_KEY
      valueFrom: {secretKeyRef: {name: %s-s3, key: secret-access-key}}
`, team, team)
	if i%6 == 1 {
		fmt.Fprintf(&b, `  podTemplate:
    nodeSelector: {pool: streaming}
    tolerations:
      - {key: dedicated, operator: Equal, value: %s, effect: NoSchedule}
    annotations: {example.com/cost-center: "%d"}
    priorityClassName: %s-high
`, team, 1000+i%50, team)
	}
	if i%4 == 0 {
		b.WriteString("  flinkConfiguration:\n    pipeline.object-reuse: \"true\"\n    taskmanager.memory.managed.fraction: \"0.4\"\n")
	}
	b.WriteString("  compliance: {requireDigest: true}\n")
	return name, namespace, b.String()
}

// Spark is descriptor i of a batch, a SparkApp.
func Spark(i int) (name, namespace, yaml string) {
	team := teams[i%len(teams)]
	name = fmt.Sprintf("%s-%s-spark-%d", team, words[(i/7)%len(words)], i)
	namespace = team
	var b strings.Builder
	fmt.Fprintf(&b, `apiVersion: jobcharts.io/v1alpha1
kind: SparkApp
metadata:
  name: %s
  namespace: %s
  labels: {team: %s}
  annotations: {jobcharts.io/chart-version: "1.%d.0"}
spec:
  sparkVersion: "%s"
  image: registry.example.com/%s/spark-jobs:3.%d.0
`, name, namespace, team, i%10, sparkVersions[i%len(sparkVersions)], team, i%20)
	if i%2 == 0 {
		fmt.Fprintf(&b, `  app:
    type: scala
    mainApplicationFile: local:///opt/spark/app/%s.jar
    mainClass: com.example.%s.App%d
    args: ["--date", "2026-11-21"]
`, name, team, i)
	} else {
		fmt.Fprintf(&b, `  app:
    type: python
    mainApplicationFile: local:///opt/spark/app/%s.py
    args: ["--output", "s3a://%s/out"]
`, name, team)
	}
	fmt.Fprintf(&b, `  driver:
    resources: {cpu: "1", memory: 2Gi, memoryOverhead: 512Mi}
  executor:
    instances: %d
    resources: {cpu: "2", memory: 4Gi, memoryOverhead: 1Gi}
  sparkConf:
    spark.sql.shuffle.partitions: %d
  env:
    - name: AWS_ACCESS_KEY_ID
      valueFrom: {secretKeyRef: {name: %s-s3, key: access-key-id}}
`, 1+i%6, 100*(1+i%8), team)
	return name, namespace, b.String()
}

// Generate writes n descriptors under dir as <namespace>/<name>.yaml and returns their
// paths in the order `gen render dir` reads them. With spark, every fourth descriptor
// is a SparkApp.
func Generate(dir string, n int, spark bool) ([]string, error) {
	paths := make([]string, 0, n)
	for i := range n {
		name, ns, data := Flink(i)
		if spark && i%4 == 3 {
			name, ns, data = Spark(i)
		}
		p := filepath.Join(dir, ns, name+".yaml")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}
