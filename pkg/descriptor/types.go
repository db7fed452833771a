// Package descriptor holds the job descriptor types, their strict decoding with
// source positions, defaults and validation.
package descriptor

import (
	corev1 "k8s.io/api/core/v1"
)

// APIVersion is the only descriptor apiVersion this release understands.
const APIVersion = "jobcharts.io/v1alpha1"

// Kinds of descriptors.
const (
	KindFlinkJob = "FlinkJob"
	KindSparkApp = "SparkApp"
)

// ObjectMeta is the Kubernetes-shaped metadata of a descriptor.
type ObjectMeta struct {
	// Name is the job's name: a DNS-1035 label; every object name derives from it.
	Name string `json:"name"`
	// Namespace the job is rendered for; "default" when empty.
	Namespace string `json:"namespace,omitempty"`
	// Labels are added to every rendered object and pod (never to selectors).
	Labels map[string]string `json:"labels,omitempty"`
	// Annotations are added to every rendered object.
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Scalar is a YAML scalar of any type (string, number, bool) kept as its literal text,
// so `taskmanager.memory.managed.fraction: 0.4` needs no quotes.
type Scalar string

// Resources of one process: requests equal limits.
type Resources struct {
	// CPU as a Kubernetes quantity ("1", "500m").
	CPU string `json:"cpu,omitempty"`
	// Memory as a Kubernetes quantity ("2Gi"); it is also the Flink process size.
	Memory string `json:"memory,omitempty"`
}

// PodTemplate carries the pod-level extras applied to every pod of the job.
type PodTemplate struct {
	NodeSelector      map[string]string    `json:"nodeSelector,omitempty"`
	Tolerations       []corev1.Toleration  `json:"tolerations,omitempty"`
	Affinity          *corev1.Affinity     `json:"affinity,omitempty"`
	PriorityClassName string               `json:"priorityClassName,omitempty"`
	SchedulerName     string               `json:"schedulerName,omitempty"`
	Annotations       map[string]string    `json:"annotations,omitempty"`
	Labels            map[string]string    `json:"labels,omitempty"`
	Volumes           []corev1.Volume      `json:"volumes,omitempty"`
	VolumeMounts      []corev1.VolumeMount `json:"volumeMounts,omitempty"`
	Sidecars          []corev1.Container   `json:"sidecars,omitempty"`
	InitContainers    []corev1.Container   `json:"initContainers,omitempty"`
}

// ServiceAccount the job's pods run as.
type ServiceAccount struct {
	// Create a ServiceAccount for the job (default true).
	Create *bool `json:"create,omitempty"`
	// Name of the ServiceAccount; defaults to the job's name.
	Name string `json:"name,omitempty"`
}

// Compliance switches.
type Compliance struct {
	// RequireDigest refuses images that are not pinned by digest.
	RequireDigest bool `json:"requireDigest,omitempty"`
}

// FlinkJob describes one Flink Job Cluster (application mode, JAR in the image).
type FlinkJob struct {
	APIVersion string       `json:"apiVersion"`
	Kind       string       `json:"kind"`
	Metadata   ObjectMeta   `json:"metadata"`
	Spec       FlinkJobSpec `json:"spec"`
}

// FlinkJobSpec is the desired Flink Job Cluster.
type FlinkJobSpec struct {
	FlinkVersion     string            `json:"flinkVersion"`
	Image            string            `json:"image"`
	ImagePullPolicy  corev1.PullPolicy `json:"imagePullPolicy,omitempty"`
	ImagePullSecrets []string          `json:"imagePullSecrets,omitempty"`
	Job              FlinkJobSection   `json:"job"`
	JobManager       JobManager        `json:"jobManager,omitempty"`
	TaskManager      TaskManager       `json:"taskManager,omitempty"`
	Checkpointing    *Checkpointing    `json:"checkpointing,omitempty"`
	Savepoints       *Savepoints       `json:"savepoints,omitempty"`
	HighAvailability *HighAvailability `json:"highAvailability,omitempty"`
	RestartStrategy  *RestartStrategy  `json:"restartStrategy,omitempty"`
	Metrics          *Metrics          `json:"metrics,omitempty"`
	// FlinkConfiguration is the escape hatch for keys the generator does not own.
	FlinkConfiguration map[string]Scalar      `json:"flinkConfiguration,omitempty"`
	Env                []corev1.EnvVar        `json:"env,omitempty"`
	EnvFrom            []corev1.EnvFromSource `json:"envFrom,omitempty"`
	PodTemplate        *PodTemplate           `json:"podTemplate,omitempty"`
	ServiceAccount     *ServiceAccount        `json:"serviceAccount,omitempty"`
	Compliance         *Compliance            `json:"compliance,omitempty"`
}

// FlinkJobSection is the job that runs in the cluster.
type FlinkJobSection struct {
	// JarURI is the job JAR inside the image: local:///opt/flink/usrlib/<file>.jar.
	JarURI      string   `json:"jarURI"`
	EntryClass  string   `json:"entryClass,omitempty"`
	Args        []string `json:"args,omitempty"`
	Parallelism *int     `json:"parallelism,omitempty"`
	// Mode is streaming (JobManager Deployment) or batch (JobManager Job).
	Mode string `json:"mode,omitempty"`
	// JobID is a fixed 32-hex job id; derived from namespace and name when empty.
	JobID       string       `json:"jobId,omitempty"`
	RestoreFrom *RestoreFrom `json:"restoreFrom,omitempty"`
	// ArchiveDir receives the archive of the finished job (jobmanager.archive.fs.dir).
	ArchiveDir string `json:"archiveDir,omitempty"`
}

// RestoreFrom starts the job from a savepoint or retained checkpoint.
type RestoreFrom struct {
	Path                  string `json:"path"`
	AllowNonRestoredState bool   `json:"allowNonRestoredState,omitempty"`
}

// JobManager settings.
type JobManager struct {
	Resources *Resources `json:"resources,omitempty"`
}

// TaskManager settings.
type TaskManager struct {
	Replicas  *int       `json:"replicas,omitempty"`
	TaskSlots *int       `json:"taskSlots,omitempty"`
	Resources *Resources `json:"resources,omitempty"`
}

// Checkpointing is enabled when Interval is set.
type Checkpointing struct {
	Interval     string `json:"interval,omitempty"`
	Dir          string `json:"dir,omitempty"`
	Mode         string `json:"mode,omitempty"`
	StateBackend string `json:"stateBackend,omitempty"`
	Incremental  bool   `json:"incremental,omitempty"`
}

// Savepoints settings.
type Savepoints struct {
	Dir string `json:"dir,omitempty"`
}

// HighAvailability of the JobManager.
type HighAvailability struct {
	// Type is none, zookeeper, zetcd or kubernetes.
	Type       string       `json:"type,omitempty"`
	StorageDir string       `json:"storageDir,omitempty"`
	ZooKeeper  *ZooKeeperHA `json:"zookeeper,omitempty"`
	Zetcd      *ZetcdHA     `json:"zetcd,omitempty"`
}

// ZooKeeperHA points at an existing ZooKeeper ensemble.
type ZooKeeperHA struct {
	Quorum   []string `json:"quorum,omitempty"`
	RootPath string   `json:"rootPath,omitempty"`
}

// ZetcdHA runs zetcd (a ZooKeeper API over etcd) in front of existing etcd endpoints.
type ZetcdHA struct {
	EtcdEndpoints []string `json:"etcdEndpoints,omitempty"`
	Image         string   `json:"image,omitempty"`
	Replicas      *int     `json:"replicas,omitempty"`
}

// RestartStrategy of the job; only the fields of the chosen type may be set.
type RestartStrategy struct {
	// Type is none, fixed-delay, failure-rate or exponential-delay.
	Type string `json:"type"`
	// fixed-delay
	Attempts *int   `json:"attempts,omitempty"`
	Delay    string `json:"delay,omitempty"` // fixed-delay and failure-rate
	// failure-rate
	MaxFailuresPerInterval *int   `json:"maxFailuresPerInterval,omitempty"`
	FailureRateInterval    string `json:"failureRateInterval,omitempty"`
	// exponential-delay
	InitialBackoff        string   `json:"initialBackoff,omitempty"`
	MaxBackoff            string   `json:"maxBackoff,omitempty"`
	BackoffMultiplier     *float64 `json:"backoffMultiplier,omitempty"`
	ResetBackoffThreshold string   `json:"resetBackoffThreshold,omitempty"`
	JitterFactor          *float64 `json:"jitterFactor,omitempty"`
}

// Metrics exposure.
type Metrics struct {
	Prometheus *Prometheus `json:"prometheus,omitempty"`
}

// Prometheus reporter and scraping.
type Prometheus struct {
	Enabled    bool `json:"enabled,omitempty"`
	Port       *int `json:"port,omitempty"`
	PodMonitor bool `json:"podMonitor,omitempty"`
}
