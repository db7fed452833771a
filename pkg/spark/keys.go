package spark

import (
	"strings"

	"github.com/jobcharts/jobcharts/pkg/confkeys"
)

// Reasons given for owned properties that have no descriptor field. They do not
// start with "spec." or "metadata.", which is how OwnedKey's callers tell a
// reason from a field.
const (
	reasonClientMode   = "set by the chart: the driver runs in client mode inside its Job pod"
	reasonDecommission = "set by the chart: executors are decommissioned gracefully"
	reasonDriverPod    = "ignored: the driver is the chart's Job pod, which Spark does not create; use spec.env (valueFrom.secretKeyRef) and spec.podTemplate.driver.volumes"
	reasonDriverSvc    = "set by the chart: it renders the driver's Service itself (the UI; executors reach the driver by its pod IP)"
)

// OwnedKeys are the Spark properties the chart sets itself, each mapped to the
// descriptor field a user should set instead (or, when there is none, why the
// chart owns it). They are refused in spec.sparkConf: a second value would
// silently win or lose against the chart's.
var OwnedKeys = map[string]string{
	"spark.master":            reasonClientMode,
	"spark.submit.deployMode": reasonClientMode,
	"spark.app.name":          "metadata.name",

	"spark.kubernetes.namespace":                   "metadata.namespace",
	"spark.kubernetes.container.image":             "spec.image",
	"spark.kubernetes.driver.container.image":      "spec.image",
	"spark.kubernetes.executor.container.image":    "spec.image",
	"spark.kubernetes.container.image.pullPolicy":  "spec.imagePullPolicy",
	"spark.kubernetes.container.image.pullSecrets": "spec.imagePullSecrets",

	"spark.kubernetes.driver.pod.name":        reasonClientMode,
	"spark.kubernetes.executor.podNamePrefix": reasonClientMode,
	"spark.driver.host":                       reasonClientMode,
	"spark.driver.port":                       reasonClientMode,
	"spark.driver.bindAddress":                reasonClientMode,
	"spark.driver.blockManager.port":          reasonClientMode,
	"spark.blockManager.port":                 reasonClientMode,
	"spark.ui.port":                           reasonClientMode,

	"spark.kubernetes.executor.podTemplateFile":          "spec.podTemplate",
	"spark.kubernetes.executor.podTemplateContainerName": "spec.podTemplate",
	"spark.kubernetes.driver.podTemplateFile":            "spec.podTemplate",
	"spark.kubernetes.driver.podTemplateContainerName":   "spec.podTemplate",

	"spark.driver.memory":                   "spec.driver.resources",
	"spark.driver.cores":                    "spec.driver.resources",
	"spark.driver.memoryOverhead":           "spec.driver.resources",
	"spark.driver.memoryOverheadFactor":     "spec.driver.resources",
	"spark.kubernetes.driver.request.cores": "spec.driver.resources",
	"spark.kubernetes.driver.limit.cores":   "spec.driver.resources",

	"spark.executor.instances":                "spec.executor.instances",
	"spark.executor.memory":                   "spec.executor.resources",
	"spark.executor.cores":                    "spec.executor.resources",
	"spark.executor.memoryOverhead":           "spec.executor.resources",
	"spark.executor.memoryOverheadFactor":     "spec.executor.resources",
	"spark.kubernetes.memoryOverheadFactor":   "spec.executor.resources",
	"spark.kubernetes.executor.request.cores": "spec.executor.resources",
	"spark.kubernetes.executor.limit.cores":   "spec.executor.resources",

	"spark.kubernetes.executor.deleteOnTermination": "spec.executor.deleteOnTermination",

	"spark.eventLog.enabled": "spec.eventLog.dir",
	"spark.eventLog.dir":     "spec.eventLog.dir",

	"spark.ui.prometheus.enabled": "spec.metrics.prometheus",
	// Only the dynamic-allocation keys the chart sets; tuning keys such as
	// spark.dynamicAllocation.executorIdleTimeout stay the user's.
	"spark.dynamicAllocation.enabled":                 "spec.dynamicAllocation.enabled",
	"spark.dynamicAllocation.minExecutors":            "spec.dynamicAllocation.minExecutors",
	"spark.dynamicAllocation.maxExecutors":            "spec.dynamicAllocation.maxExecutors",
	"spark.dynamicAllocation.initialExecutors":        "spec.dynamicAllocation.initialExecutors",
	"spark.dynamicAllocation.shuffleTracking.enabled": "set by the chart: Kubernetes has no external shuffle service, so dynamic allocation tracks shuffle data",

	"spark.kubernetes.scheduler.name":          "spec.batchScheduler",
	"spark.kubernetes.driver.scheduler.name":   "spec.batchScheduler",
	"spark.kubernetes.executor.scheduler.name": "spec.batchScheduler",

	"spark.jars":           "spec.app.deps",
	"spark.files":          "spec.app.deps",
	"spark.submit.pyFiles": "spec.app.deps",

	"spark.decommission.enabled":                       reasonDecommission,
	"spark.storage.decommission.enabled":               reasonDecommission,
	"spark.storage.decommission.shuffleBlocks.enabled": reasonDecommission,
	"spark.storage.decommission.rddBlocks.enabled":     reasonDecommission,
}

// OwnedKeyPrefixes are families of owned properties: every key starting with the
// prefix is owned, mapped like OwnedKeys.
var OwnedKeyPrefixes = map[string]string{
	"spark.kubernetes.authenticate.": "spec.serviceAccount",
	// The Prometheus sink is the chart's; other metrics sinks stay the user's.
	"spark.metrics.conf.*.sink.prometheusServlet.": "spec.metrics.prometheus",
	"spark.kubernetes.scheduler.volcano.":          "spec.batchScheduler",
	"spark.hadoop.":                                "spec.hadoopConf",
	"spark.kubernetes.driver.label.":               "spec.podTemplate.driver.labels",
	"spark.kubernetes.driver.annotation.":          "spec.podTemplate.driver.annotations",
	"spark.kubernetes.executor.label.":             "spec.podTemplate.executor.labels",
	"spark.kubernetes.executor.annotation.":        "spec.podTemplate.executor.annotations",

	// Driver pod settings Spark applies only to a driver pod it creates itself
	// (cluster mode); the chart's driver is its Job pod, so they would be ignored.
	"spark.kubernetes.driverEnv.":            "spec.env",
	"spark.kubernetes.driver.node.selector.": "spec.podTemplate.driver.nodeSelector",
	"spark.kubernetes.driver.secrets.":       reasonDriverPod,
	"spark.kubernetes.driver.secretKeyRef.":  reasonDriverPod,
	"spark.kubernetes.driver.volumes.":       reasonDriverPod,
	"spark.kubernetes.driver.service.":       reasonDriverSvc,
}

// OwnedKey reports whether the chart sets key itself and, if so, the descriptor
// field to use instead (or the reason, when no field exists; such texts start
// with neither "spec." nor "metadata.").
func OwnedKey(key string) (field string, owned bool) { return ownedTable.Lookup(key) }

var ownedTable = confkeys.New(OwnedKeys, OwnedKeyPrefixes)

// IsField reports whether an OwnedKey answer is a descriptor field path rather
// than a reason.
func IsField(s string) bool {
	return strings.HasPrefix(s, "spec.") || strings.HasPrefix(s, "metadata.")
}
