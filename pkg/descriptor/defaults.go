package descriptor

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Defaults of the descriptor. They mirror charts/flink-job/values.yaml, which is
// the source of truth: the generator leaves unset fields to the chart, and these
// values only answer "what will the chart use?" for validation and values. A test
// keeps the two in sync; change both together.
const (
	DefaultNamespace            = "default"
	DefaultImagePullPolicy      = corev1.PullIfNotPresent
	DefaultParallelism          = 1
	DefaultJobMode              = JobModeStreaming
	DefaultJobManagerCPU        = "1"
	DefaultJobManagerMemory     = "1600Mi"
	DefaultTaskManagerReplicas  = 1
	DefaultTaskSlots            = 1
	DefaultTaskManagerCPU       = "1"
	DefaultTaskManagerMemory    = "1728Mi"
	DefaultCheckpointingMode    = CheckpointingExactlyOnce
	DefaultStateBackend         = StateBackendHashMap
	DefaultHAType               = HATypeNone
	DefaultZooKeeperRootPath    = "/flink"
	DefaultZetcdImage           = "quay.io/coreos/zetcd:v0.0.5"
	DefaultZetcdReplicas        = 2
	DefaultPrometheusPort       = 9249
	DefaultCreateServiceAccount = true
	DefaultNetworkPolicyEnabled = true
)

// Enumerated values of descriptor fields (validation and the JSON Schema use them).
const (
	JobModeStreaming = "streaming"
	JobModeBatch     = "batch"

	CheckpointingExactlyOnce = "EXACTLY_ONCE"
	CheckpointingAtLeastOnce = "AT_LEAST_ONCE"

	StateBackendHashMap = "hashmap"
	StateBackendRocksDB = "rocksdb"

	HATypeNone       = "none"
	HATypeZooKeeper  = "zookeeper"
	HATypeZetcd      = "zetcd"
	HATypeKubernetes = "kubernetes"

	RestartNone             = "none"
	RestartFixedDelay       = "fixed-delay"
	RestartFailureRate      = "failure-rate"
	RestartExponentialDelay = "exponential-delay"
)

// Valid values of enumerated fields, in the order messages list them.
var (
	JobModes           = []string{JobModeStreaming, JobModeBatch}
	CheckpointingModes = []string{CheckpointingExactlyOnce, CheckpointingAtLeastOnce}
	StateBackends      = []string{StateBackendHashMap, StateBackendRocksDB}
	HATypes            = []string{HATypeNone, HATypeZooKeeper, HATypeZetcd, HATypeKubernetes}
	RestartTypes       = []string{RestartNone, RestartFixedDelay, RestartFailureRate, RestartExponentialDelay}
	PullPolicies       = []string{string(corev1.PullAlways), string(corev1.PullIfNotPresent), string(corev1.PullNever)}
)

// NamespaceOrDefault is the namespace the job is rendered for.
func (m ObjectMeta) NamespaceOrDefault() string { return orDefault(m.Namespace, DefaultNamespace) }

// PullPolicy is the effective imagePullPolicy.
func (s *FlinkJobSpec) PullPolicy() corev1.PullPolicy {
	if s.ImagePullPolicy == "" {
		return DefaultImagePullPolicy
	}
	return s.ImagePullPolicy
}

// JobParallelism is the effective job.parallelism.
func (s *FlinkJobSpec) JobParallelism() int {
	return intOrDefault(s.Job.Parallelism, DefaultParallelism)
}

// JobMode is the effective job.mode.
func (s *FlinkJobSpec) JobMode() string { return orDefault(s.Job.Mode, DefaultJobMode) }

// JobManagerResources are the effective jobManager.resources.
func (s *FlinkJobSpec) JobManagerResources() Resources {
	return withDefaults(s.JobManager.Resources, DefaultJobManagerCPU, DefaultJobManagerMemory)
}

// TaskManagerResources are the effective taskManager.resources.
func (s *FlinkJobSpec) TaskManagerResources() Resources {
	return withDefaults(s.TaskManager.Resources, DefaultTaskManagerCPU, DefaultTaskManagerMemory)
}

// TaskManagerReplicas is the effective taskManager.replicas.
func (s *FlinkJobSpec) TaskManagerReplicas() int {
	return intOrDefault(s.TaskManager.Replicas, DefaultTaskManagerReplicas)
}

// TaskSlots is the effective taskManager.taskSlots.
func (s *FlinkJobSpec) TaskSlots() int {
	return intOrDefault(s.TaskManager.TaskSlots, DefaultTaskSlots)
}

// CheckpointingMode is the effective checkpointing.mode.
func (s *FlinkJobSpec) CheckpointingMode() string {
	if s.Checkpointing == nil {
		return DefaultCheckpointingMode
	}
	return orDefault(s.Checkpointing.Mode, DefaultCheckpointingMode)
}

// StateBackend is the effective checkpointing.stateBackend.
func (s *FlinkJobSpec) StateBackend() string {
	if s.Checkpointing == nil {
		return DefaultStateBackend
	}
	return orDefault(s.Checkpointing.StateBackend, DefaultStateBackend)
}

// HAType is the effective highAvailability.type.
func (s *FlinkJobSpec) HAType() string {
	if s.HighAvailability == nil {
		return DefaultHAType
	}
	return orDefault(s.HighAvailability.Type, DefaultHAType)
}

// ZooKeeperRootPath is the effective highAvailability.zookeeper.rootPath.
func (s *FlinkJobSpec) ZooKeeperRootPath() string {
	if s.HighAvailability == nil || s.HighAvailability.ZooKeeper == nil {
		return DefaultZooKeeperRootPath
	}
	return orDefault(s.HighAvailability.ZooKeeper.RootPath, DefaultZooKeeperRootPath)
}

// ZetcdImage is the effective highAvailability.zetcd.image.
func (s *FlinkJobSpec) ZetcdImage() string {
	if s.HighAvailability == nil || s.HighAvailability.Zetcd == nil {
		return DefaultZetcdImage
	}
	return orDefault(s.HighAvailability.Zetcd.Image, DefaultZetcdImage)
}

// ZetcdReplicas is the effective highAvailability.zetcd.replicas.
func (s *FlinkJobSpec) ZetcdReplicas() int {
	if s.HighAvailability == nil || s.HighAvailability.Zetcd == nil {
		return DefaultZetcdReplicas
	}
	return intOrDefault(s.HighAvailability.Zetcd.Replicas, DefaultZetcdReplicas)
}

// PrometheusEnabled reports whether metrics.prometheus.enabled is set.
func (s *FlinkJobSpec) PrometheusEnabled() bool {
	return s.Metrics != nil && s.Metrics.Prometheus != nil && s.Metrics.Prometheus.Enabled
}

// PrometheusPort is the effective metrics.prometheus.port.
func (s *FlinkJobSpec) PrometheusPort() int {
	if s.Metrics == nil || s.Metrics.Prometheus == nil {
		return DefaultPrometheusPort
	}
	return intOrDefault(s.Metrics.Prometheus.Port, DefaultPrometheusPort)
}

// CreateServiceAccount is the effective serviceAccount.create.
func (s *FlinkJobSpec) CreateServiceAccount() bool {
	if s.ServiceAccount == nil || s.ServiceAccount.Create == nil {
		return DefaultCreateServiceAccount
	}
	return *s.ServiceAccount.Create
}

// IsEnabled is the effective networkPolicy.enabled of either kind; n may be nil.
func (n *NetworkPolicy) IsEnabled() bool {
	if n == nil || n.Enabled == nil {
		return DefaultNetworkPolicyEnabled
	}
	return *n.Enabled
}

// RequireDigest reports whether images must be pinned by digest, by the
// descriptor (spec.compliance.requireDigest) or by the caller's options.
func (s *FlinkJobSpec) RequireDigest(opts Options) bool {
	return opts.RequireDigest || (s.Compliance != nil && s.Compliance.RequireDigest)
}

// MemoryMiB parses a Kubernetes quantity ("2Gi", "1600Mi", "2G") and returns it in
// whole MiB, rounded down, so the chart can be given "<n>Mi".
func MemoryMiB(q string) (int64, error) {
	quantity, err := resource.ParseQuantity(q)
	if err != nil {
		return 0, fmt.Errorf("%q is not a Kubernetes quantity (e.g. 2Gi, 1600Mi): %w", q, err)
	}
	if quantity.Sign() < 0 {
		return 0, fmt.Errorf("%q is negative", q)
	}
	return quantity.Value() / (1 << 20), nil
}

// MilliCPU parses a Kubernetes CPU quantity ("2", "1.5", "500m") and returns it in
// millicores, rounded up, so a chart can be given "<n>m" or whole cores.
func MilliCPU(q string) (int64, error) {
	quantity, err := resource.ParseQuantity(q)
	if err != nil {
		return 0, fmt.Errorf("%q is not a Kubernetes quantity (e.g. 2, 1.5, 500m): %w", q, err)
	}
	if quantity.Sign() < 0 {
		return 0, fmt.Errorf("%q is negative", q)
	}
	return quantity.MilliValue(), nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func intOrDefault(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

func withDefaults(r *Resources, cpu, memory string) Resources {
	out := Resources{CPU: cpu, Memory: memory}
	if r != nil {
		out.CPU = orDefault(r.CPU, cpu)
		out.Memory = orDefault(r.Memory, memory)
	}
	return out
}
