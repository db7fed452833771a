package flink

import (
	"github.com/jobcharts/jobcharts/pkg/confkeys"
)

// Reasons given for owned keys that have no descriptor field.
const (
	ownedByPodLayout = "set by the chart (ports, addresses and directories are fixed by the pod layout)"
)

// OwnedKeys are the Flink configuration keys the chart sets itself, old and new
// names alike, each mapped to the descriptor field a user should set instead (or,
// when there is none, why the chart owns it). They are refused in
// spec.flinkConfiguration for every Flink version: a second value would silently
// win or lose depending on the configuration file's order.
var OwnedKeys = map[string]string{
	"jobmanager.rpc.address": ownedByPodLayout,
	"jobmanager.rpc.port":    ownedByPodLayout,
	"jobmanager.bind-host":   ownedByPodLayout,
	"taskmanager.bind-host":  ownedByPodLayout,
	"taskmanager.host":       ownedByPodLayout,
	"rest.address":           ownedByPodLayout,
	"rest.bind-address":      ownedByPodLayout,
	"rest.port":              ownedByPodLayout,
	"blob.server.port":       ownedByPodLayout,
	"taskmanager.rpc.port":   ownedByPodLayout,
	"taskmanager.data.port":  ownedByPodLayout,
	"io.tmp.dirs":            ownedByPodLayout,

	"jobmanager.memory.process.size":  "spec.jobManager.resources.memory",
	"jobmanager.heap.size":            "spec.jobManager.resources.memory",
	"jobmanager.memory.flink.size":    "spec.jobManager.resources.memory",
	"taskmanager.memory.process.size": "spec.taskManager.resources.memory",
	"taskmanager.heap.size":           "spec.taskManager.resources.memory",
	"taskmanager.memory.flink.size":   "spec.taskManager.resources.memory",
	"taskmanager.numberOfTaskSlots":   "spec.taskManager.taskSlots",
	"parallelism.default":             "spec.job.parallelism",

	"execution.runtime-mode":                   "spec.job.mode",
	"execution.shutdown-on-application-finish": "set by the chart from spec.job.mode",

	"high-availability":     "spec.highAvailability",
	"kubernetes.cluster-id": "spec.highAvailability",
	"kubernetes.namespace":  "spec.highAvailability",

	"execution.checkpointing.interval":    "spec.checkpointing.interval",
	"execution.checkpointing.mode":        "spec.checkpointing.mode",
	"state.checkpoints.dir":               "spec.checkpointing.dir",
	"execution.checkpointing.dir":         "spec.checkpointing.dir",
	"state.backend":                       "spec.checkpointing.stateBackend",
	"state.backend.type":                  "spec.checkpointing.stateBackend",
	"state.backend.incremental":           "spec.checkpointing.incremental",
	"execution.checkpointing.incremental": "spec.checkpointing.incremental",

	"state.savepoints.dir":                  "spec.savepoints.dir",
	"execution.checkpointing.savepoint-dir": "spec.savepoints.dir",

	"execution.savepoint.path":                        "spec.job.restoreFrom",
	"execution.state-recovery.path":                   "spec.job.restoreFrom",
	"execution.savepoint.ignore-unclaimed-state":      "spec.job.restoreFrom",
	"execution.state-recovery.ignore-unclaimed-state": "spec.job.restoreFrom",

	"restart-strategy": "spec.restartStrategy",

	"jobmanager.archive.fs.dir": "spec.job.archiveDir",
	// The chart re-adds the --add-opens flags of Flink's distribution (Java 17).
	"env.java.default-opts.all": "set by the chart (Java 17 module flags)",
	"$internal.pipeline.job-id": "spec.job.jobId",
	"pipeline.jars":             "spec.job.jarURI",
}

// OwnedKeyPrefixes are families of owned keys: every key starting with the prefix
// is owned, mapped like OwnedKeys.
var OwnedKeyPrefixes = map[string]string{
	"high-availability.":     "spec.highAvailability",
	"restart-strategy.":      "spec.restartStrategy",
	"metrics.reporter.prom.": "spec.metrics.prometheus",
}

// OwnedKey reports whether the chart sets key itself and, if so, the descriptor
// field to use instead (or the reason, when no field exists; such texts do not
// start with "spec.").
func OwnedKey(key string) (field string, owned bool) { return ownedTable.Lookup(key) }

var ownedTable = confkeys.New(OwnedKeys, OwnedKeyPrefixes)
