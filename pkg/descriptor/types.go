// Package descriptor holds the job descriptor types, their strict decoding with
// source positions, defaults and validation.
package descriptor

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
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
	// NodeSelector constrains the pods to nodes with these labels.
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
	// Tolerations of the pods (Kubernetes Toleration objects).
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`
	// Affinity of the pods (a Kubernetes Affinity object).
	Affinity *corev1.Affinity `json:"affinity,omitempty"`
	// PriorityClassName of the pods.
	PriorityClassName string `json:"priorityClassName,omitempty"`
	// SchedulerName of the pods (FlinkJob only; a SparkApp picks its scheduler with spec.batchScheduler).
	SchedulerName string `json:"schedulerName,omitempty"`
	// Annotations added to the pods.
	Annotations map[string]string `json:"annotations,omitempty"`
	// Labels added to the pods (never to selectors).
	Labels map[string]string `json:"labels,omitempty"`
	// Volumes added to the pods; the chart's own names are reserved.
	Volumes []corev1.Volume `json:"volumes,omitempty"`
	// VolumeMounts added to the main container of every pod (Flink, or Spark driver or executor); each names one of Volumes.
	VolumeMounts []corev1.VolumeMount `json:"volumeMounts,omitempty"`
	// Sidecars run next to the main container (the JobManager and every TaskManager; the Spark driver or every executor).
	Sidecars []corev1.Container `json:"sidecars,omitempty"`
	// InitContainers run before the main container.
	InitContainers []corev1.Container `json:"initContainers,omitempty"`
}

// ServiceAccount the job's pods run as.
type ServiceAccount struct {
	// Create a ServiceAccount for the job (default true).
	Create *bool `json:"create,omitempty"`
	// Name of the ServiceAccount; defaults to the job's name.
	Name string `json:"name,omitempty"`
}

// NetworkPolicy is what the job's NetworkPolicy admits besides the job's own pods: peers to
// the UI and metrics ports, never to the engines' internal ports.
type NetworkPolicy struct {
	// Enabled renders a NetworkPolicy that admits ingress to the job's pods only from its own pods and the peers below (default true).
	Enabled *bool `json:"enabled,omitempty"`
	// UIFrom are NetworkPolicy peers (podSelector, namespaceSelector, ipBlock) also allowed to reach the REST API and web UI (FlinkJob 8081, SparkApp 4040), e.g. an ingress controller's namespace.
	UIFrom []networkingv1.NetworkPolicyPeer `json:"uiFrom,omitempty"`
	// MetricsFrom are the peers allowed to scrape the metrics port (needs spec.metrics.prometheus.enabled); empty admits any source.
	MetricsFrom []networkingv1.NetworkPolicyPeer `json:"metricsFrom,omitempty"`
}

// Compliance switches.
type Compliance struct {
	// RequireDigest refuses images that are not pinned by digest.
	RequireDigest bool `json:"requireDigest,omitempty"`
}

// FlinkJob describes one Flink Job Cluster (application mode, JAR in the image).
type FlinkJob struct {
	// APIVersion is jobcharts.io/v1alpha1.
	APIVersion string `json:"apiVersion"`
	// Kind is FlinkJob.
	Kind string `json:"kind"`
	// Metadata names the job.
	Metadata ObjectMeta `json:"metadata"`
	// Spec is the desired Flink Job Cluster.
	Spec FlinkJobSpec `json:"spec"`
}

// FlinkJobSpec is the desired Flink Job Cluster.
type FlinkJobSpec struct {
	// FlinkVersion is the Flink release inside the image, "MAJOR.MINOR" (1.11 to 2.2); quote it.
	FlinkVersion string `json:"flinkVersion"`
	// Image is the job's image (tag or digest); the job JAR is inside it under /opt/flink/usrlib.
	Image string `json:"image"`
	// ImagePullPolicy of every Flink container: Always, IfNotPresent (default) or Never.
	ImagePullPolicy corev1.PullPolicy `json:"imagePullPolicy,omitempty"`
	// ImagePullSecrets are names of existing docker-registry Secrets.
	ImagePullSecrets []string `json:"imagePullSecrets,omitempty"`
	// Job is the job that runs in the cluster.
	Job FlinkJobSection `json:"job"`
	// JobManager settings.
	JobManager JobManager `json:"jobManager,omitempty"`
	// TaskManager settings.
	TaskManager TaskManager `json:"taskManager,omitempty"`
	// Checkpointing is enabled when its interval is set.
	Checkpointing *Checkpointing `json:"checkpointing,omitempty"`
	// Savepoints settings.
	Savepoints *Savepoints `json:"savepoints,omitempty"`
	// HighAvailability of the JobManager.
	HighAvailability *HighAvailability `json:"highAvailability,omitempty"`
	// RestartStrategy of the job; Flink's default when absent.
	RestartStrategy *RestartStrategy `json:"restartStrategy,omitempty"`
	// Metrics exposure.
	Metrics *Metrics `json:"metrics,omitempty"`
	// FlinkConfiguration is the escape hatch for keys the generator does not own.
	FlinkConfiguration map[string]Scalar `json:"flinkConfiguration,omitempty"`
	// Env is added to every Flink container; credentials only as references to Secrets.
	Env []corev1.EnvVar `json:"env,omitempty"`
	// EnvFrom is added to every Flink container.
	EnvFrom []corev1.EnvFromSource `json:"envFrom,omitempty"`
	// PodTemplate holds pod-level extras for every Flink pod.
	PodTemplate *PodTemplate `json:"podTemplate,omitempty"`
	// NetworkPolicy of the job's pods: who besides the job itself may reach the REST API and the metrics port.
	NetworkPolicy *NetworkPolicy `json:"networkPolicy,omitempty"`
	// ServiceAccount the pods run as.
	ServiceAccount *ServiceAccount `json:"serviceAccount,omitempty"`
	// Compliance switches.
	Compliance *Compliance `json:"compliance,omitempty"`
}

// FlinkJobSection is the job that runs in the cluster.
type FlinkJobSection struct {
	// JarURI is the job JAR inside the image: local:///opt/flink/usrlib/<file>.jar.
	JarURI string `json:"jarURI"`
	// EntryClass is the job's main class; empty scans usrlib for a Main-Class.
	EntryClass string `json:"entryClass,omitempty"`
	// Args are passed to the job's main method.
	Args []string `json:"args,omitempty"`
	// Parallelism is parallelism.default; at most taskManager.replicas × taskManager.taskSlots.
	Parallelism *int `json:"parallelism,omitempty"`
	// Mode is streaming (JobManager Deployment) or batch (JobManager Job).
	Mode string `json:"mode,omitempty"`
	// JobID is a fixed 32-hex job id; derived from namespace and name when empty.
	JobID string `json:"jobId,omitempty"`
	// RestoreFrom starts the job from a savepoint or retained checkpoint.
	RestoreFrom *RestoreFrom `json:"restoreFrom,omitempty"`
	// ArchiveDir receives the archive of the finished job (jobmanager.archive.fs.dir).
	ArchiveDir string `json:"archiveDir,omitempty"`
}

// RestoreFrom starts the job from a savepoint or retained checkpoint.
type RestoreFrom struct {
	// Path of the savepoint or checkpoint, a URI such as s3://bucket/savepoints/savepoint-1.
	Path string `json:"path"`
	// AllowNonRestoredState skips state that no operator claims.
	AllowNonRestoredState bool `json:"allowNonRestoredState,omitempty"`
}

// JobManager settings.
type JobManager struct {
	// Resources of the JobManager (default cpu "1", memory 1600Mi).
	Resources *Resources `json:"resources,omitempty"`
}

// TaskManager settings.
type TaskManager struct {
	// Replicas is the number of TaskManager pods (default 1).
	Replicas *int `json:"replicas,omitempty"`
	// TaskSlots is taskmanager.numberOfTaskSlots (default 1).
	TaskSlots *int `json:"taskSlots,omitempty"`
	// Resources of each TaskManager (default cpu "1", memory 1728Mi).
	Resources *Resources `json:"resources,omitempty"`
}

// Checkpointing is enabled when Interval is set.
type Checkpointing struct {
	// Interval is a Flink duration ("60s", "5 min"); empty disables checkpointing.
	Interval string `json:"interval,omitempty"`
	// Dir receives the checkpoints (s3://, gs://, hdfs://, file://...); required with Interval.
	Dir string `json:"dir,omitempty"`
	// Mode is EXACTLY_ONCE (default) or AT_LEAST_ONCE.
	Mode string `json:"mode,omitempty"`
	// StateBackend is hashmap (default) or rocksdb.
	StateBackend string `json:"stateBackend,omitempty"`
	// Incremental turns on incremental checkpoints (rocksdb only).
	Incremental bool `json:"incremental,omitempty"`
}

// Savepoints settings.
type Savepoints struct {
	// Dir is the default savepoint target directory, a URI with a scheme.
	Dir string `json:"dir,omitempty"`
}

// HighAvailability of the JobManager.
type HighAvailability struct {
	// Type is none, zookeeper, zetcd or kubernetes.
	Type string `json:"type,omitempty"`
	// StorageDir keeps JobManager metadata on shared storage; required unless type is none.
	StorageDir string `json:"storageDir,omitempty"`
	// ZooKeeper settings, for type zookeeper only.
	ZooKeeper *ZooKeeperHA `json:"zookeeper,omitempty"`
	// Zetcd settings, for type zetcd only (Flink <= 1.14).
	Zetcd *ZetcdHA `json:"zetcd,omitempty"`
}

// ZooKeeperHA points at an existing ZooKeeper ensemble.
type ZooKeeperHA struct {
	// Quorum lists host:port of the ZooKeeper ensemble.
	Quorum []string `json:"quorum,omitempty"`
	// RootPath is high-availability.zookeeper.path.root (default /flink).
	RootPath string `json:"rootPath,omitempty"`
}

// ZetcdHA runs zetcd (a ZooKeeper API over etcd) in front of existing etcd endpoints.
type ZetcdHA struct {
	// EtcdEndpoints are the etcd client URLs (http:// or https://host:port) zetcd serves.
	EtcdEndpoints []string `json:"etcdEndpoints,omitempty"`
	// Image of zetcd (default quay.io/coreos/zetcd:v0.0.5).
	Image string `json:"image,omitempty"`
	// Replicas of the zetcd Deployment (default 2).
	Replicas *int `json:"replicas,omitempty"`
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
	// Prometheus reporter and scraping.
	Prometheus *Prometheus `json:"prometheus,omitempty"`
}

// Prometheus reporter and scraping.
type Prometheus struct {
	// Enabled turns on Flink's Prometheus reporter on every pod.
	Enabled bool `json:"enabled,omitempty"`
	// Port the reporter listens on (default 9249).
	Port *int `json:"port,omitempty"`
	// PodMonitor renders a monitoring.coreos.com/v1 PodMonitor.
	PodMonitor bool `json:"podMonitor,omitempty"`
}
