package descriptor

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Defaults of the SparkApp descriptor. They mirror charts/spark-app/values.yaml,
// which is the source of truth (a test keeps the two in sync; change both
// together). spec.sparkVersion and spec.app.type have no default in the
// descriptor: they are required.
const (
	DefaultSparkDriverCPU                   = "1"
	DefaultSparkDriverMemory                = "1024Mi"
	DefaultSparkDriverMemoryOverhead        = "384Mi"
	DefaultSparkDriverRetries               = 3
	DefaultSparkExecutorInstances           = 2
	DefaultSparkExecutorCPU                 = "1"
	DefaultSparkExecutorMemory              = "1024Mi"
	DefaultSparkExecutorMemoryOverhead      = "384Mi"
	DefaultSparkExecutorDeleteOnTermination = true
	DefaultMinExecutors                     = 0
	DefaultMaxExecutors                     = 10
	// DefaultTTLSecondsAfterFinished keeps the finished driver pod and its logs a day.
	DefaultTTLSecondsAfterFinished int64 = 86400
)

// Enumerated values of SparkApp fields.
const (
	SparkAppTypeJava   = "java"
	SparkAppTypeScala  = "scala"
	SparkAppTypePython = "python"

	BatchSchedulerVolcano  = "volcano"
	BatchSchedulerYuniKorn = "yunikorn"
)

// Valid values of enumerated SparkApp fields, in the order messages list them.
var (
	SparkAppTypes   = []string{SparkAppTypeJava, SparkAppTypeScala, SparkAppTypePython}
	BatchSchedulers = []string{BatchSchedulerVolcano, BatchSchedulerYuniKorn}
)

// PullPolicy is the effective imagePullPolicy.
func (s *SparkAppSpec) PullPolicy() corev1.PullPolicy {
	if s.ImagePullPolicy == "" {
		return DefaultImagePullPolicy
	}
	return s.ImagePullPolicy
}

// IsJVM reports whether app.type is java or scala (a main class in a JAR).
func (a SparkAppSection) IsJVM() bool {
	return a.Type == SparkAppTypeJava || a.Type == SparkAppTypeScala
}

// DriverResources are the effective driver.resources.
func (s *SparkAppSpec) DriverResources() SparkResources {
	return sparkResourcesWithDefaults(s.Driver.Resources,
		DefaultSparkDriverCPU, DefaultSparkDriverMemory, DefaultSparkDriverMemoryOverhead)
}

// DriverRetries is the effective driver.retries (the driver Job's backoffLimit).
func (s *SparkAppSpec) DriverRetries() int {
	return intOrDefault(s.Driver.Retries, DefaultSparkDriverRetries)
}

// ExecutorInstances is the effective executor.instances; it applies only
// without dynamic allocation.
func (s *SparkAppSpec) ExecutorInstances() int {
	return intOrDefault(s.Executor.Instances, DefaultSparkExecutorInstances)
}

// ExecutorResources are the effective executor.resources, per executor.
func (s *SparkAppSpec) ExecutorResources() SparkResources {
	return sparkResourcesWithDefaults(s.Executor.Resources,
		DefaultSparkExecutorCPU, DefaultSparkExecutorMemory, DefaultSparkExecutorMemoryOverhead)
}

// ExecutorDeleteOnTermination is the effective executor.deleteOnTermination.
func (s *SparkAppSpec) ExecutorDeleteOnTermination() bool {
	if s.Executor.DeleteOnTermination == nil {
		return DefaultSparkExecutorDeleteOnTermination
	}
	return *s.Executor.DeleteOnTermination
}

// DynamicAllocationEnabled reports whether dynamicAllocation.enabled is set.
func (s *SparkAppSpec) DynamicAllocationEnabled() bool {
	return s.DynamicAllocation != nil && s.DynamicAllocation.Enabled
}

// MinExecutors is the effective dynamicAllocation.minExecutors.
func (s *SparkAppSpec) MinExecutors() int {
	if s.DynamicAllocation == nil {
		return DefaultMinExecutors
	}
	return intOrDefault(s.DynamicAllocation.MinExecutors, DefaultMinExecutors)
}

// MaxExecutors is the effective dynamicAllocation.maxExecutors.
func (s *SparkAppSpec) MaxExecutors() int {
	if s.DynamicAllocation == nil {
		return DefaultMaxExecutors
	}
	return intOrDefault(s.DynamicAllocation.MaxExecutors, DefaultMaxExecutors)
}

// InitialExecutors is the effective dynamicAllocation.initialExecutors: minExecutors
// unless set (the chart leaves spark.dynamicAllocation.initialExecutors unset then).
func (s *SparkAppSpec) InitialExecutors() int {
	if s.DynamicAllocation == nil || s.DynamicAllocation.InitialExecutors == nil {
		return s.MinExecutors()
	}
	return *s.DynamicAllocation.InitialExecutors
}

// GangExecutors is the number of executors a gang-scheduled application waits
// for next to the driver: minExecutors with dynamic allocation, else instances.
func (s *SparkAppSpec) GangExecutors() int {
	if s.DynamicAllocationEnabled() {
		return s.MinExecutors()
	}
	return s.ExecutorInstances()
}

// EventLogDir is eventLog.dir, or "" when the event log is off.
func (s *SparkAppSpec) EventLogDir() string {
	if s.EventLog == nil {
		return ""
	}
	return s.EventLog.Dir
}

// PrometheusEnabled reports whether metrics.prometheus.enabled is set.
func (s *SparkAppSpec) PrometheusEnabled() bool {
	return s.Metrics != nil && s.Metrics.Prometheus != nil && s.Metrics.Prometheus.Enabled
}

// PodMonitorEnabled reports whether metrics.prometheus.podMonitor is set.
func (s *SparkAppSpec) PodMonitorEnabled() bool {
	return s.Metrics != nil && s.Metrics.Prometheus != nil && s.Metrics.Prometheus.PodMonitor
}

// BatchSchedulerName is batchScheduler.name, or "" for the default scheduler.
func (s *SparkAppSpec) BatchSchedulerName() string {
	if s.BatchScheduler == nil {
		return ""
	}
	return s.BatchScheduler.Name
}

// ActiveDeadlineSeconds is timeouts.activeDeadline in seconds, or 0 when the
// application may run forever (or the value is invalid; Validate reports that).
func (s *SparkAppSpec) ActiveDeadlineSeconds() int64 {
	if s.Timeouts == nil || s.Timeouts.ActiveDeadline == "" {
		return 0
	}
	d, err := ParseJobDuration(s.Timeouts.ActiveDeadline)
	if err != nil {
		return 0
	}
	return int64(d / time.Second)
}

// TTLSecondsAfterFinished is timeouts.ttlAfterFinished in seconds
// (DefaultTTLSecondsAfterFinished when unset or invalid; Validate reports the latter).
func (s *SparkAppSpec) TTLSecondsAfterFinished() int64 {
	if s.Timeouts == nil || s.Timeouts.TTLAfterFinished == "" {
		return DefaultTTLSecondsAfterFinished
	}
	d, err := ParseJobDuration(s.Timeouts.TTLAfterFinished)
	if err != nil {
		return DefaultTTLSecondsAfterFinished
	}
	return int64(d / time.Second)
}

// CreateServiceAccount is the effective serviceAccount.create.
func (s *SparkAppSpec) CreateServiceAccount() bool {
	if s.ServiceAccount == nil || s.ServiceAccount.Create == nil {
		return DefaultCreateServiceAccount
	}
	return *s.ServiceAccount.Create
}

// RequireDigest reports whether images must be pinned by digest, by the
// descriptor (spec.compliance.requireDigest) or by the caller's options.
func (s *SparkAppSpec) RequireDigest(opts Options) bool {
	return opts.RequireDigest || (s.Compliance != nil && s.Compliance.RequireDigest)
}

func sparkResourcesWithDefaults(r *SparkResources, cpu, memory, overhead string) SparkResources {
	out := SparkResources{CPU: cpu, Memory: memory, MemoryOverhead: overhead}
	if r != nil {
		out.CPU = orDefault(r.CPU, cpu)
		out.Memory = orDefault(r.Memory, memory)
		out.MemoryOverhead = orDefault(r.MemoryOverhead, overhead)
	}
	return out
}

var daysRE = regexp.MustCompile(`^([0-9]+)d(.*)$`)

// ParseJobDuration parses a Go duration ("90m", "2h30m") that may start with a
// whole number of days ("7d", "1d12h"), as timeouts take them.
func ParseJobDuration(s string) (time.Duration, error) {
	bad := fmt.Errorf("%q is not a duration; write e.g. 30m, 2h, 1h30m or 7d", s)
	rest, days, hasDays := s, int64(0), false
	if m := daysRE.FindStringSubmatch(s); m != nil {
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || n > math.MaxInt64/int64(24*time.Hour) {
			return 0, tooLong(s)
		}
		days, rest, hasDays = n, m[2], true
	}
	var d time.Duration
	if rest != "" || !hasDays {
		var err error
		if d, err = time.ParseDuration(rest); err != nil {
			return 0, bad
		}
		if d < 0 && hasDays {
			return 0, bad
		}
	}
	total := time.Duration(days)*24*time.Hour + d
	if total < d { // overflow
		return 0, tooLong(s)
	}
	return total, nil
}

// tooLong is the error of a duration that does not fit a time.Duration.
func tooLong(s string) error {
	return fmt.Errorf("%q is too long a duration; at most %dd", s, math.MaxInt64/int64(24*time.Hour))
}
