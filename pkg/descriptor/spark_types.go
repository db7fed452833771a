package descriptor

import (
	corev1 "k8s.io/api/core/v1"
)

// SparkApp describes one Apache Spark application whose code is baked into its image.
// The driver runs in client mode as the pod of a batch/v1 Job; executors are owned by
// the driver pod and garbage-collected with it.
type SparkApp struct {
	// APIVersion is jobcharts.io/v1alpha1.
	APIVersion string `json:"apiVersion"`
	// Kind is SparkApp.
	Kind string `json:"kind"`
	// Metadata names the application: metadata.name is a DNS-1035 label of at most 33 characters.
	Metadata ObjectMeta `json:"metadata"`
	// Spec is the desired Spark application.
	Spec SparkAppSpec `json:"spec"`
}

// SparkAppSpec is the desired Spark application.
type SparkAppSpec struct {
	// SparkVersion is the Spark release inside the image, "MAJOR.MINOR" (3.3 to 4.2).
	SparkVersion string `json:"sparkVersion"`
	// Image is the application's image (registry/repository:tag or @sha256:digest).
	Image string `json:"image"`
	// ImagePullPolicy of the driver and executor containers.
	ImagePullPolicy corev1.PullPolicy `json:"imagePullPolicy,omitempty"`
	// ImagePullSecrets are names of existing docker-registry Secrets.
	ImagePullSecrets []string `json:"imagePullSecrets,omitempty"`
	// App is what spark-submit runs.
	App SparkAppSection `json:"app"`
	// Driver settings.
	Driver SparkDriver `json:"driver,omitempty"`
	// Executor settings.
	Executor SparkExecutor `json:"executor,omitempty"`
	// DynamicAllocation scales executors with the workload (shuffle tracking on).
	DynamicAllocation *DynamicAllocation `json:"dynamicAllocation,omitempty"`
	// SparkConf is the escape hatch for Spark properties the generator does not own.
	SparkConf map[string]Scalar `json:"sparkConf,omitempty"`
	// HadoopConf holds Hadoop properties, rendered as spark.hadoop.<key>.
	HadoopConf map[string]Scalar `json:"hadoopConf,omitempty"`
	// EventLog keeps the application's event log for the History Server.
	EventLog *EventLog `json:"eventLog,omitempty"`
	// Metrics exposure.
	Metrics *SparkMetrics `json:"metrics,omitempty"`
	// BatchScheduler places driver and executors with Volcano or YuniKorn.
	BatchScheduler *BatchScheduler `json:"batchScheduler,omitempty"`
	// Timeouts of the driver Job.
	Timeouts *SparkTimeouts `json:"timeouts,omitempty"`
	// Env and EnvFrom are added to the driver and executor containers; credentials only
	// as references to existing Secrets.
	Env     []corev1.EnvVar        `json:"env,omitempty"`
	EnvFrom []corev1.EnvFromSource `json:"envFrom,omitempty"`
	// PodTemplate holds pod extras for the driver and the executors.
	PodTemplate *SparkPodTemplates `json:"podTemplate,omitempty"`
	// NetworkPolicy of the driver and executors: who besides the application itself may reach the UI and metrics (port 4040).
	NetworkPolicy *NetworkPolicy `json:"networkPolicy,omitempty"`
	// ServiceAccount the driver runs as (executors use it without an API token).
	ServiceAccount *ServiceAccount `json:"serviceAccount,omitempty"`
	// Compliance switches.
	Compliance *Compliance `json:"compliance,omitempty"`
}

// SparkAppSection is the application spark-submit runs.
type SparkAppSection struct {
	// Type is java, scala or python.
	Type string `json:"type"`
	// MainApplicationFile is the application inside the image: local:///path/app.jar or .py.
	MainApplicationFile string `json:"mainApplicationFile"`
	// MainClass is required for java and scala applications.
	MainClass string `json:"mainClass,omitempty"`
	// Args are passed to the application after the main file.
	Args []string `json:"args,omitempty"`
	// Deps are extra files inside the image (local:// URIs).
	Deps *SparkDeps `json:"deps,omitempty"`
}

// SparkDeps are the application's extra dependencies, all inside the image.
type SparkDeps struct {
	// Jars are added to the driver and executor classpaths (spark.jars), e.g. local:///opt/spark/work-dir/lib/dep.jar.
	Jars []string `json:"jars,omitempty"`
	// Files are placed in the working directory of every executor (spark.files).
	Files []string `json:"files,omitempty"`
	// PyFiles (.py, .zip, .egg) are added to the PYTHONPATH of python applications (spark.submit.pyFiles).
	PyFiles []string `json:"pyFiles,omitempty"`
}

// SparkResources of the driver or of one executor.
type SparkResources struct {
	// CPU as a Kubernetes quantity; whole cores are also spark.{driver,executor}.cores.
	CPU string `json:"cpu,omitempty"`
	// Memory as a Kubernetes quantity: the JVM heap (spark.{driver,executor}.memory).
	Memory string `json:"memory,omitempty"`
	// MemoryOverhead adds off-heap room; the container limit is memory + memoryOverhead.
	MemoryOverhead string `json:"memoryOverhead,omitempty"`
}

// SparkDriver settings.
type SparkDriver struct {
	// Resources of the driver (default cpu "1", memory 1024Mi, memoryOverhead 384Mi).
	Resources *SparkResources `json:"resources,omitempty"`
	// Retries of the driver pod for failures other than application errors (the Job's backoffLimit).
	Retries *int `json:"retries,omitempty"`
}

// SparkExecutor settings.
type SparkExecutor struct {
	// Instances is spark.executor.instances (without dynamic allocation).
	Instances *int `json:"instances,omitempty"`
	// Resources of each executor (default cpu "1", memory 1024Mi, memoryOverhead 384Mi).
	Resources *SparkResources `json:"resources,omitempty"`
	// DeleteOnTermination removes finished executor pods (default true); false keeps them for debugging.
	DeleteOnTermination *bool `json:"deleteOnTermination,omitempty"`
}

// DynamicAllocation of executors.
type DynamicAllocation struct {
	// Enabled scales the executors between minExecutors and maxExecutors.
	Enabled bool `json:"enabled,omitempty"`
	// MinExecutors is the fewest executors kept (default 0).
	MinExecutors *int `json:"minExecutors,omitempty"`
	// MaxExecutors is the most executors started (default 10).
	MaxExecutors *int `json:"maxExecutors,omitempty"`
	// InitialExecutors is how many executors start (default minExecutors).
	InitialExecutors *int `json:"initialExecutors,omitempty"`
}

// EventLog settings.
type EventLog struct {
	// Dir is where event logs go (s3a://, gs://, hdfs://, abfss://, file://).
	Dir string `json:"dir"`
}

// SparkMetrics exposure.
type SparkMetrics struct {
	// Prometheus endpoints and scraping.
	Prometheus *SparkPrometheus `json:"prometheus,omitempty"`
}

// SparkPrometheus turns on Spark's Prometheus endpoints on the driver UI port.
type SparkPrometheus struct {
	// Enabled serves driver and executor metrics in Prometheus format on the driver UI port.
	Enabled bool `json:"enabled,omitempty"`
	// PodMonitor renders a monitoring.coreos.com/v1 PodMonitor for the driver (needs enabled).
	PodMonitor bool `json:"podMonitor,omitempty"`
}

// BatchScheduler settings.
type BatchScheduler struct {
	// Name is volcano or yunikorn.
	Name string `json:"name"`
	// Queue is the scheduler queue (Volcano queue, YuniKorn queue such as root.default).
	Queue string `json:"queue,omitempty"`
	// Gang schedules the driver and the executors all together or not at all.
	Gang bool `json:"gang,omitempty"`
}

// SparkTimeouts of the driver Job, as Go-style durations ("2h", "30m").
type SparkTimeouts struct {
	// ActiveDeadline stops the application after this long (activeDeadlineSeconds).
	ActiveDeadline string `json:"activeDeadline,omitempty"`
	// TTLAfterFinished keeps the finished driver pod and its logs this long (ttlSecondsAfterFinished).
	TTLAfterFinished string `json:"ttlAfterFinished,omitempty"`
}

// SparkPodTemplates hold the pod extras of the driver and of the executors.
type SparkPodTemplates struct {
	// Driver pod extras; schedulerName is refused (see batchScheduler).
	Driver *PodTemplate `json:"driver,omitempty"`
	// Executor pod extras; schedulerName is refused (see batchScheduler).
	Executor *PodTemplate `json:"executor,omitempty"`
}
