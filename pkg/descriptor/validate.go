package descriptor

import (
	"fmt"
	"math"
	"net"
	"net/url"
	pathpkg "path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/distribution/reference"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/jobcharts/jobcharts/pkg/flink"
)

// Options are the caller's validation switches.
type Options struct {
	// RequireDigest refuses every image not pinned by digest, like
	// spec.compliance.requireDigest (the generator's --require-digest).
	RequireDigest bool
}

// MaxNameLength is the longest metadata.name: the longest derived object name,
// <name>-taskmanager, must fit Kubernetes' 63-character limit.
const MaxNameLength = 63 - len("-taskmanager")

// Names the chart uses itself inside the pods; the descriptor may not reuse them.
var (
	ReservedVolumeNames    = []string{"flink-config", "flink-conf", "flink-log", "tmp"}
	ReservedContainerNames = []string{"jobmanager", "taskmanager", "copy-config"}
)

// Flink's own ports in the pods; the Prometheus reporter may not take them.
var flinkPorts = []int{6121, 6122, 6123, 6124, 6125, 8081}

var (
	jarURIRE      = regexp.MustCompile(`^local:///opt/flink/usrlib/[^/\s]+\.jar$`)
	javaClassRE   = regexp.MustCompile(`^([\p{L}_$][\p{L}\p{N}_$]*\.)*[\p{L}_$][\p{L}\p{N}_$]*$`)
	jobIDRE       = regexp.MustCompile(`^[0-9a-f]{32}$`)
	uriWithScheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$`)
	// Env var names that look like credentials; their value must come from a Secret.
	credentialEnvRE = regexp.MustCompile(`(?i)SECRET|PASSWORD|PASSWD|TOKEN|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL|API_KEY`)
	// Flink configuration keys that carry credentials (S3, S3A, Azure, OSS, keystores...).
	credentialKeyRE = regexp.MustCompile(`(?i)password|secret|access-key|access\.key|accesskey|account\.key`)
)

// Values that are credentials whatever the key or variable they are given to.
var credentialValues = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`\b(AKIA|ASIA)[A-Z0-9]{16}\b`), "an AWS access key id"},
	{regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----`), "a private key"},
	{regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/@:]*:[^\s/@$][^\s/@]*@`), "a password in a URI (user:password@host)"},
	{regexp.MustCompile(`(?i)\bpassword\s*=\s*"[^"$]+"`), "a password (password=\"...\")"},
}

// credentialIn names the credential value holds, or returns "".
func credentialIn(value string) string {
	for _, c := range credentialValues {
		if c.re.MatchString(value) {
			return c.what
		}
	}
	return ""
}

// secretAdvice is where credentials go instead of the descriptor.
const secretAdvice = "put it in a Kubernetes Secret and read it from there (spec.env[].valueFrom.secretKeyRef or spec.envFrom[].secretRef)"

// credentialValue refuses a value that holds a credential.
func (v *validator) credentialValue(path, value string) bool {
	what := credentialIn(value)
	if what != "" {
		v.errorf(path, "looks like it holds %s, which must not be in the descriptor (it is kept in git and rendered into plain manifests); %s", what, secretAdvice)
	}
	return what != ""
}

// Validate checks the descriptor and returns every problem found, each at the
// position of the offending field, sorted by position.
func (d *Document) Validate(opts Options) ErrorList {
	v := &validator{doc: d, opts: opts}
	switch d.Kind {
	case KindFlinkJob:
		v.flinkJob(d.Flink)
	case KindSparkApp:
		v.sparkApp(d.Spark)
	}
	v.errs.Sort()
	return v.errs
}

type validator struct {
	doc  *Document
	opts Options
	errs ErrorList
	// version is the parsed spec.flinkVersion; versionKnown is false when it is
	// missing or unparsable, and version-dependent rules are skipped.
	version      flink.Version
	versionKnown bool
}

func (v *validator) errorf(path, format string, args ...any) {
	p := v.doc.Pos(path)
	v.errs = append(v.errs, FieldError{
		File: v.doc.Path, Line: p.Line, Column: p.Column, Field: path,
		Message: fmt.Sprintf(format, args...),
	})
}

func (v *validator) flinkJob(f *FlinkJob) {
	s := &f.Spec
	v.metadata(f.Metadata, nameRule{
		max:     MaxNameLength,
		example: "clickstream-enricher",
		why: func(name string) string {
			return fmt.Sprintf("the longest derived object name, %s-taskmanager, must stay within Kubernetes' 63 (derived names: -jobmanager, -taskmanager, -config, -zetcd)", name)
		},
	})
	v.flinkVersion(s.FlinkVersion)
	v.images(s)
	v.job(s)
	v.resources("spec.jobManager.resources", s.JobManagerResources())
	v.resources("spec.taskManager.resources", s.TaskManagerResources())
	v.count("spec.taskManager.replicas", s.TaskManager.Replicas, 1, maxInt32, "a Deployment's replicas is a 32-bit integer")
	v.count("spec.taskManager.taskSlots", s.TaskManager.TaskSlots, 1, maxInt32, "Flink reads taskmanager.numberOfTaskSlots as a 32-bit integer")
	v.checkpointing(s)
	if s.Savepoints != nil {
		v.uri("spec.savepoints.dir", s.Savepoints.Dir)
	}
	v.highAvailability(s)
	v.restartStrategy(s.RestartStrategy)
	v.metrics(s.Metrics)
	v.flinkConfiguration(s.FlinkConfiguration)
	v.env(s.Env, nil)
	v.podTemplate("spec.podTemplate", s.PodTemplate, podTemplateRules{
		reservedVolumes:    ReservedVolumeNames,
		reservedContainers: ReservedContainerNames,
	})
	v.networkPolicy(s.NetworkPolicy, s.PrometheusEnabled())
	v.serviceAccount(s.ServiceAccount)
}

// nameRule is how long metadata.name may be for a kind, and why.
type nameRule struct {
	max     int
	example string
	why     func(name string) string
}

func (v *validator) metadata(m ObjectMeta, rule nameRule) {
	switch {
	case m.Name == "":
		v.errorf("metadata.name", "required; a DNS-1035 label such as %s", rule.example)
	case len(m.Name) > rule.max:
		v.errorf("metadata.name", "%q is %d characters; at most %d: %s", m.Name, len(m.Name), rule.max, rule.why(m.Name))
	default:
		for _, msg := range validation.IsDNS1035Label(m.Name) {
			v.errorf("metadata.name", "%q is not a DNS-1035 label: %s", m.Name, msg)
		}
	}
	if m.Namespace != "" {
		for _, msg := range validation.IsDNS1123Label(m.Namespace) {
			v.errorf("metadata.namespace", "%q is not a valid namespace: %s", m.Namespace, msg)
		}
	}
	v.labels("metadata.labels", m.Labels)
	v.annotations("metadata.annotations", m.Annotations)
}

func (v *validator) labels(path string, labels map[string]string) {
	for _, key := range sortedKeys(labels) {
		for _, msg := range validation.IsQualifiedName(key) {
			v.errorf(path+"."+key, "%q is not a valid label key: %s", key, msg)
		}
		for _, msg := range validation.IsValidLabelValue(labels[key]) {
			v.errorf(path+"."+key, "%q is not a valid label value: %s", labels[key], msg)
		}
	}
}

func (v *validator) annotations(path string, annotations map[string]string) {
	for _, key := range sortedKeys(annotations) {
		for _, msg := range validation.IsQualifiedName(key) {
			v.errorf(path+"."+key, "%q is not a valid annotation key: %s", key, msg)
		}
	}
	// Both the objects' and the pods' annotations reach the pods.
	v.appArmorAnnotations(path, annotations)
}

func (v *validator) flinkVersion(s string) {
	const path = "spec.flinkVersion"
	if s == "" {
		v.errorf(path, "required; the Flink release inside the image, %s to %s, e.g. \"1.20\"", flink.MinVersion, flink.MaxVersion)
		return
	}
	version, err := flink.ParseVersion(s)
	if err != nil {
		v.errorf(path, "%v", err)
		return
	}
	v.version, v.versionKnown = version, true
	switch {
	case !version.AtLeast(flink.MinVersion):
		v.errorf(path, "Flink %s is not supported; the oldest supported release is %s (application mode and the JobManager memory model arrived in %s)",
			version, flink.MinVersion, flink.MinVersion)
	case !flink.MaxVersion.AtLeast(version):
		v.errorf(path, "Flink %s is not supported yet; the newest supported release is %s", version, flink.MaxVersion)
	}
}

// images checks every image of the descriptor with the same rules.
func (v *validator) images(s *FlinkJobSpec) {
	digestReason := v.digestReason(s.Compliance)
	if s.Image == "" {
		v.errorf("spec.image", "required; the job's image with the JAR under /opt/flink/usrlib, e.g. registry.example.com/team/job:1.0.0")
	} else {
		v.image("spec.image", s.Image, digestReason)
	}
	v.pullSettings(s.ImagePullPolicy, s.ImagePullSecrets)
	if s.HAType() == HATypeZetcd {
		v.image("spec.highAvailability.zetcd.image", s.ZetcdImage(), digestReason)
	}
	v.containerImages("spec.podTemplate", s.PodTemplate, digestReason)
}

// digestReason says why images must be pinned by digest, or is empty when they need not be.
func (v *validator) digestReason(c *Compliance) string {
	switch {
	case c != nil && c.RequireDigest:
		return "spec.compliance.requireDigest is true"
	case v.opts.RequireDigest:
		return "the generator runs with --require-digest"
	}
	return ""
}

func (v *validator) pullSettings(policy corev1.PullPolicy, secrets []string) {
	if policy != "" && !slices.Contains(PullPolicies, string(policy)) {
		v.errorf("spec.imagePullPolicy", "%q is not valid; use one of %s", policy, strings.Join(PullPolicies, ", "))
	}
	for i, secret := range secrets {
		for _, msg := range validation.IsDNS1123Subdomain(secret) {
			v.errorf(fmt.Sprintf("spec.imagePullSecrets[%d]", i), "%q is not a valid Secret name: %s", secret, msg)
		}
	}
}

// containerImages checks the images of a pod template's sidecars and initContainers.
func (v *validator) containerImages(base string, pt *PodTemplate, digestReason string) {
	if pt == nil {
		return
	}
	for i, c := range pt.Sidecars {
		if c.Image != "" {
			v.image(fmt.Sprintf("%s.sidecars[%d].image", base, i), c.Image, digestReason)
		}
	}
	for i, c := range pt.InitContainers {
		if c.Image != "" {
			v.image(fmt.Sprintf("%s.initContainers[%d].image", base, i), c.Image, digestReason)
		}
	}
	for i, vol := range pt.Volumes {
		if vol.Image != nil {
			path := fmt.Sprintf("%s.volumes[%d].image.reference", base, i)
			if vol.Image.Reference == "" {
				v.errorf(path, "required; pin a tag or a digest")
			} else {
				v.image(path, vol.Image.Reference, digestReason)
			}
		}
	}
}

// image checks one image reference: valid, pinned by tag or digest, and by
// digest when digestReason says digests are required.
func (v *validator) image(path, image, digestReason string) {
	ref, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		v.errorf(path, "%q is not a valid image reference (%v); write registry/repository:tag or registry/repository@sha256:<digest>", image, err)
		return
	}
	tag, tagged := ref.(reference.Tagged)
	_, digested := ref.(reference.Digested)
	switch {
	case digestReason != "" && !digested:
		v.errorf(path, "%q is not pinned by digest, which is required because %s; append @sha256:<digest>", image, digestReason)
	case !tagged && !digested:
		v.errorf(path, "%q has neither tag nor digest and would float with :latest; pin a tag or a digest", image)
	case tagged && !digested && tag.Tag() == "latest":
		v.errorf(path, "%q floats: the tag latest moves to every new push, so what runs is not what was reviewed; pin a version tag or a digest", image)
	}
}

func (v *validator) job(s *FlinkJobSpec) {
	j := s.Job
	switch {
	case j.JarURI == "":
		v.errorf("spec.job.jarURI", "required; local:///opt/flink/usrlib/<file>.jar, the job JAR inside the image")
	case !jarURIRE.MatchString(j.JarURI):
		v.errorf("spec.job.jarURI", "%q must be local:///opt/flink/usrlib/<file>.jar: standalone-job loads the user code from /opt/flink/usrlib inside the image", j.JarURI)
	}
	v.args("spec.job.args", j.Args)
	if j.EntryClass != "" && !javaClassRE.MatchString(j.EntryClass) {
		v.errorf("spec.job.entryClass", "%q is not a Java class name; write the fully qualified binary name, e.g. com.example.Job or com.example.Outer$Job", j.EntryClass)
	}
	if j.Parallelism != nil {
		replicas, slots := s.TaskManagerReplicas(), s.TaskSlots()
		switch p := *j.Parallelism; {
		case p < 1:
			v.errorf("spec.job.parallelism", "must be at least 1 (got %d)", p)
		case p > MaxParallelism:
			v.errorf("spec.job.parallelism", "must be at most %d (got %d): Flink's maximum parallelism cannot be higher", MaxParallelism, p)
		case inRange(replicas, 1, maxInt32) && inRange(slots, 1, maxInt32) && p > replicas*slots:
			v.errorf("spec.job.parallelism", "%d exceeds taskManager.replicas × taskManager.taskSlots = %d × %d = %d; raise replicas or taskSlots, or lower parallelism",
				p, replicas, slots, replicas*slots)
		}
	}
	if j.Mode != "" {
		switch {
		case !slices.Contains(JobModes, j.Mode):
			v.errorf("spec.job.mode", "%q is not valid; use one of %s", j.Mode, strings.Join(JobModes, ", "))
		case j.Mode == JobModeBatch && v.versionKnown && !flink.SupportsRuntimeMode(v.version):
			v.errorf("spec.job.mode", "batch needs Flink %s or newer (execution.runtime-mode); got %s", flink.RuntimeModeMinVersion, v.version)
		}
	}
	if j.JobID != "" && !jobIDRE.MatchString(j.JobID) {
		v.errorf("spec.job.jobId", "%q is not a Flink job id; use 32 lowercase hexadecimal characters, or leave it empty to derive one from the namespace and name", j.JobID)
	}
	if r := j.RestoreFrom; r != nil {
		if r.Path == "" {
			v.errorf("spec.job.restoreFrom.path", "required when restoreFrom is given; the savepoint or retained checkpoint to start from, e.g. s3://bucket/savepoints/savepoint-1a2b3c")
		} else {
			v.uri("spec.job.restoreFrom.path", r.Path)
		}
	}
	v.uri("spec.job.archiveDir", j.ArchiveDir)
}

// uri checks that a non-empty value is a URI with a scheme, as Flink's file
// systems need.
func (v *validator) uri(path, value string) {
	if v.credentialValue(path, value) {
		return
	}
	if value != "" && !isURIWithScheme(value) {
		v.errorf(path, "%q is not a URI with a scheme; write e.g. s3://bucket/path (s3://, gs://, hdfs://, abfss://, file://...)", value)
	}
}

func isURIWithScheme(value string) bool {
	_, err := url.Parse(value)
	return err == nil && uriWithScheme.MatchString(value)
}

var oneGiB = resource.MustParse("1Gi")

// maxFlinkMemory is the largest memory size Flink reads (a MemorySize is a
// long number of bytes). Kubernetes clamps larger quantities to it, so reaching
// it means the quantity was larger.
var maxFlinkMemory = resource.NewQuantity(math.MaxInt64, resource.BinarySI)

func (v *validator) resources(path string, r Resources) {
	v.cpu(path+".cpu", r.CPU)
	if memory, err := resource.ParseQuantity(r.Memory); err != nil {
		v.errorf(path+".memory", "%q is not a Kubernetes quantity; write e.g. 2Gi or 1600Mi", r.Memory)
	} else if memory.Cmp(oneGiB) < 0 {
		v.errorf(path+".memory", "%s is below the minimum 1Gi: Flink's JVM overhead and metaspace leave too little memory for the process below that", r.Memory)
	} else if memory.Cmp(*maxFlinkMemory) >= 0 {
		v.errorf(path+".memory", "%s is too large: Flink reads memory sizes as a 64-bit number of bytes, so it must be below 8Ei", r.Memory)
	}
}

// maxCPU is the most cores a process may ask for: Spark reads cores as a
// 32-bit integer, and no node comes near.
var maxCPU = resource.NewQuantity(maxInt32, resource.DecimalSI)

// cpu checks a CPU quantity: above 0, no finer than a millicore (the smallest
// CPU unit Kubernetes allows) and at most maxCPU cores.
func (v *validator) cpu(path, value string) {
	cpu, err := resource.ParseQuantity(value)
	switch {
	case err != nil:
		v.errorf(path, "%q is not a Kubernetes quantity; write e.g. \"1\", \"2\" or \"500m\"", value)
	case cpu.Sign() <= 0:
		v.errorf(path, "must be greater than 0 (got %s)", value)
	case cpu.Cmp(*maxCPU) > 0:
		v.errorf(path, "%s is too large; at most %d cores", value, maxInt32)
	case resource.NewMilliQuantity(cpu.MilliValue(), resource.DecimalSI).Cmp(cpu) != 0:
		v.errorf(path, "%s is finer than a millicore; write e.g. \"500m\"", value)
	}
}

// maxInt32 bounds the counts that Kubernetes, Flink or Spark read as 32-bit integers.
const maxInt32 = math.MaxInt32

// MaxParallelism is Flink's upper bound of the maximum parallelism (2^15,
// KeyGroupRangeAssignment.UPPER_BOUND_MAX_PARALLELISM); a job's parallelism
// cannot exceed its maximum parallelism.
const MaxParallelism = 1 << 15

func inRange(n, lo, hi int) bool { return n >= lo && n <= hi }

// count checks an optional count: at least minimum, and at most maximum, why
// telling where the maximum comes from.
func (v *validator) count(path string, value *int, minimum, maximum int, why string) {
	switch {
	case value == nil:
	case *value < minimum:
		v.errorf(path, "must be at least %d (got %d)", minimum, *value)
	case *value > maximum:
		v.errorf(path, "must be at most %d (got %d): %s", maximum, *value, why)
	}
}

// duration checks a Flink duration and, when positive is set, that it is > 0.
func (v *validator) duration(path, value string, positive bool) {
	if value == "" {
		return
	}
	d, err := flink.ParseDuration(value)
	switch {
	case err != nil:
		v.errorf(path, "%v", err)
	case positive && d <= 0:
		v.errorf(path, "must be greater than 0 (got %q)", value)
	}
}

func (v *validator) enum(path, value string, valid []string) {
	if value != "" && !slices.Contains(valid, value) {
		v.errorf(path, "%q is not valid; use one of %s", value, strings.Join(valid, ", "))
	}
}

func (v *validator) checkpointing(s *FlinkJobSpec) {
	c := s.Checkpointing
	if c == nil {
		return
	}
	v.duration("spec.checkpointing.interval", c.Interval, true)
	if c.Interval != "" && c.Dir == "" {
		v.errorf("spec.checkpointing.dir", "required when interval is set: checkpoints kept in JobManager memory do not survive a restart; use e.g. s3://bucket/checkpoints")
	}
	v.uri("spec.checkpointing.dir", c.Dir)
	v.enum("spec.checkpointing.mode", c.Mode, CheckpointingModes)
	v.enum("spec.checkpointing.stateBackend", c.StateBackend, StateBackends)
	if c.Incremental && s.StateBackend() != StateBackendRocksDB {
		v.errorf("spec.checkpointing.incremental", "incremental checkpoints need stateBackend %s (got %s)", StateBackendRocksDB, s.StateBackend())
	}
}

func (v *validator) highAvailability(s *FlinkJobSpec) {
	ha := s.HighAvailability
	if ha == nil {
		return
	}
	haType := s.HAType()
	if !slices.Contains(HATypes, haType) {
		v.errorf("spec.highAvailability.type", "%q is not valid; use one of %s", haType, strings.Join(HATypes, ", "))
		return
	}
	if haType != HATypeNone {
		if ha.StorageDir == "" {
			v.errorf("spec.highAvailability.storageDir", "required for highAvailability.type %s: JobManager metadata must outlive the pod; use shared storage, e.g. s3://bucket/ha", haType)
		} else {
			v.uri("spec.highAvailability.storageDir", ha.StorageDir)
		}
	}
	if ha.ZooKeeper != nil && haType != HATypeZooKeeper {
		v.errorf("spec.highAvailability.zookeeper", "given while highAvailability.type is %s, so it would be ignored; remove it or set type: zookeeper", haType)
	}
	if ha.Zetcd != nil && haType != HATypeZetcd {
		v.errorf("spec.highAvailability.zetcd", "given while highAvailability.type is %s, so it would be ignored; remove it or set type: zetcd", haType)
	}
	switch haType {
	case HATypeZooKeeper:
		v.zookeeper(ha.ZooKeeper)
	case HATypeZetcd:
		if v.versionKnown && !flink.SupportsZetcd(v.version) {
			v.errorf("spec.highAvailability.type", "zetcd needs Flink <= %s (got %s): zetcd implements only the ZooKeeper 3.4 protocol; Flink 1.15+ ships a ZooKeeper 3.5+ client (Curator) whose leader election and node creation (create2/createContainer) fail against it; use highAvailability.type kubernetes (state in the API server's etcd) or a real ZooKeeper ensemble",
				flink.ZetcdMaxVersion, v.version)
		}
		v.zetcd(ha.Zetcd)
	case HATypeKubernetes:
		if v.versionKnown && !flink.SupportsKubernetesHA(v.version) {
			v.errorf("spec.highAvailability.type", "kubernetes HA needs Flink %s or newer (FLIP-144; got %s); use zookeeper", flink.KubernetesHAMinVersion, v.version)
		}
	}
}

func (v *validator) zookeeper(zk *ZooKeeperHA) {
	if zk == nil || len(zk.Quorum) == 0 {
		v.errorf("spec.highAvailability.zookeeper.quorum", "required for highAvailability.type zookeeper; list the ensemble as host:port, e.g. [zk-0.zk:2181, zk-1.zk:2181]")
		return
	}
	for i, hostPort := range zk.Quorum {
		if msg := checkHostPort(hostPort); msg != "" {
			v.errorf(fmt.Sprintf("spec.highAvailability.zookeeper.quorum[%d]", i), "%q %s; write host:port, e.g. zk-0.zk:2181", hostPort, msg)
		}
	}
	if zk.RootPath != "" && !strings.HasPrefix(zk.RootPath, "/") {
		v.errorf("spec.highAvailability.zookeeper.rootPath", "%q must start with \"/\", e.g. /flink", zk.RootPath)
	}
}

// checkHostPort returns what is wrong with host:port, or "".
func checkHostPort(hostPort string) string {
	host, port, err := net.SplitHostPort(hostPort)
	if err != nil || host == "" {
		return "is not host:port"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "has no port from 1 to 65535"
	}
	return ""
}

func (v *validator) zetcd(z *ZetcdHA) {
	if z == nil || len(z.EtcdEndpoints) == 0 {
		v.errorf("spec.highAvailability.zetcd.etcdEndpoints", "required for highAvailability.type zetcd; list the etcd client URLs, e.g. [http://etcd-client.etcd:2379]")
	} else {
		for i, endpoint := range z.EtcdEndpoints {
			if v.credentialValue(fmt.Sprintf("spec.highAvailability.zetcd.etcdEndpoints[%d]", i), endpoint) {
				continue
			}
			u, err := url.Parse(endpoint)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || checkHostPort(u.Host) != "" {
				v.errorf(fmt.Sprintf("spec.highAvailability.zetcd.etcdEndpoints[%d]", i), "%q is not an etcd client URL; write http://host:port or https://host:port, e.g. http://etcd-client.etcd:2379", endpoint)
			}
		}
	}
	if z != nil {
		v.count("spec.highAvailability.zetcd.replicas", z.Replicas, 1, maxInt32, "a Deployment's replicas is a 32-bit integer")
	}
}

// restartFields lists the optional fields of each restart strategy type.
var restartFields = map[string][]string{
	RestartNone:             nil,
	RestartFixedDelay:       {"attempts", "delay"},
	RestartFailureRate:      {"maxFailuresPerInterval", "failureRateInterval", "delay"},
	RestartExponentialDelay: {"initialBackoff", "maxBackoff", "backoffMultiplier", "resetBackoffThreshold", "jitterFactor"},
}

func (v *validator) restartStrategy(r *RestartStrategy) {
	if r == nil {
		return
	}
	const base = "spec.restartStrategy"
	allowed, known := restartFields[r.Type]
	switch {
	case r.Type == "":
		v.errorf(base+".type", "required when restartStrategy is given; use one of %s", strings.Join(RestartTypes, ", "))
	case !known:
		v.errorf(base+".type", "%q is not valid; use one of %s", r.Type, strings.Join(RestartTypes, ", "))
	case r.Type == RestartExponentialDelay && v.versionKnown && !flink.SupportsExponentialDelayRestart(v.version):
		v.errorf(base+".type", "exponential-delay needs Flink %s or newer (got %s); use fixed-delay or failure-rate", flink.ExponentialDelayRestartMinVersion, v.version)
	}
	set := map[string]bool{
		"attempts":               r.Attempts != nil,
		"delay":                  r.Delay != "",
		"maxFailuresPerInterval": r.MaxFailuresPerInterval != nil,
		"failureRateInterval":    r.FailureRateInterval != "",
		"initialBackoff":         r.InitialBackoff != "",
		"maxBackoff":             r.MaxBackoff != "",
		"backoffMultiplier":      r.BackoffMultiplier != nil,
		"resetBackoffThreshold":  r.ResetBackoffThreshold != "",
		"jitterFactor":           r.JitterFactor != nil,
	}
	if known {
		for _, field := range sortedKeys(set) {
			if set[field] && !slices.Contains(allowed, field) {
				v.errorf(base+"."+field, "does not apply to restartStrategy.type %s; remove it (%s)", r.Type, restartFieldsText(r.Type))
			}
		}
	}
	v.count(base+".attempts", r.Attempts, 1, maxInt32, "Flink reads it as a 32-bit integer")
	v.count(base+".maxFailuresPerInterval", r.MaxFailuresPerInterval, 1, maxInt32, "Flink reads it as a 32-bit integer")
	v.duration(base+".delay", r.Delay, false)
	v.duration(base+".failureRateInterval", r.FailureRateInterval, true)
	v.duration(base+".initialBackoff", r.InitialBackoff, true)
	v.duration(base+".maxBackoff", r.MaxBackoff, true)
	v.duration(base+".resetBackoffThreshold", r.ResetBackoffThreshold, true)
	if m := r.BackoffMultiplier; m != nil && *m < 1 {
		v.errorf(base+".backoffMultiplier", "must be at least 1 (got %g)", *m)
	}
	if j := r.JitterFactor; j != nil && (*j < 0 || *j > 1) {
		v.errorf(base+".jitterFactor", "must be from 0 to 1 (got %g)", *j)
	}
}

func restartFieldsText(restartType string) string {
	fields := restartFields[restartType]
	if len(fields) == 0 {
		return restartType + " takes no other fields"
	}
	return restartType + " takes " + strings.Join(fields, ", ")
}

func (v *validator) metrics(m *Metrics) {
	if m == nil || m.Prometheus == nil {
		return
	}
	if m.Prometheus.PodMonitor && !m.Prometheus.Enabled {
		v.errorf("spec.metrics.prometheus.podMonitor", "a PodMonitor needs the reporter: set spec.metrics.prometheus.enabled: true")
	}
	if m.Prometheus.Port == nil {
		return
	}
	port := *m.Prometheus.Port
	switch {
	case port < 1024 || port > 65535:
		v.errorf("spec.metrics.prometheus.port", "%d is not a port from 1024 to 65535 (the pods run without privileges)", port)
	case slices.Contains(flinkPorts, port):
		v.errorf("spec.metrics.prometheus.port", "%d is one of Flink's own ports (6121-6125, 8081); use another, e.g. %d", port, DefaultPrometheusPort)
	}
}

// flinkKeyRE is the shape of Flink's option keys. It keeps a key a plain YAML
// string in config.yaml (no quotes, anchors, tags or flow syntax that would make
// it another key or no key) and one token in flink-conf.yaml.
var flinkKeyRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$`)

// yamlWordRE matches the plain words YAML 1.1 (Flink's parser) reads as booleans or null.
var yamlWordRE = regexp.MustCompile(`^(?i:y|n|yes|no|true|false|on|off|null)$`)

// Up to Flink 1.18 the Java 17 flags go into env.java.opts.all; from 1.19 into
// env.java.default-opts.all, which leaves env.java.opts.all to the user.
const javaOptsAllKey = "env.java.opts.all"

var javaDefaultOptsSince = flink.MustParseVersion("1.19")

func (v *validator) flinkConfiguration(conf map[string]Scalar) {
	for _, key := range sortedKeys(conf) {
		path := "spec.flinkConfiguration." + key
		if !flinkKeyRE.MatchString(key) || yamlWordRE.MatchString(key) {
			v.errorf(path, "%q is not a Flink configuration key: keys are words of letters, digits, '-' and '_' joined by dots, starting with a letter, e.g. pipeline.name", key)
			continue
		}
		if field, owned := flink.OwnedKey(key); owned {
			if strings.HasPrefix(field, "spec.") {
				v.errorf(path, "set by the chart; use %s instead", field)
			} else {
				v.errorf(path, "%s; remove it", field)
			}
			continue
		}
		if key == javaOptsAllKey && v.versionKnown && !v.version.AtLeast(javaDefaultOptsSince) {
			v.errorf(path, "before Flink %s the chart sets %s itself (the Java 17 module flags); use env.java.opts.jobmanager and env.java.opts.taskmanager", javaDefaultOptsSince, key)
			continue
		}
		if credentialKeyRE.MatchString(key) {
			v.errorf(path, "carries a credential, which must not be in the descriptor; pass it as an environment variable from a Secret (spec.env[].valueFrom.secretKeyRef or spec.envFrom[].secretRef), e.g. AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, which Flink's S3 file systems read")
			continue
		}
		if v.credentialValue(path, string(conf[key])) {
			continue
		}
		switch value := string(conf[key]); {
		case strings.ContainsAny(value, "\r\n"):
			v.errorf(path, "the value spans several lines; Flink's configuration file is line based, so write it on one line")
		case !v.versionKnown || flink.SupportsStandardYAML(v.version):
			// config.yaml is YAML and the chart quotes the value: anything on one line is fine
		case strings.Contains(value, "#"):
			v.errorf(path, "Flink %s reads flink-conf.yaml line by line and drops everything from '#' on as a comment, so this value cannot be written; Flink %s and newer read config.yaml as YAML, where it can", v.version, flink.StandardYAMLMinVersion)
		case strings.TrimSpace(value) == "":
			v.errorf(path, "Flink %s skips a flink-conf.yaml line with an empty value, so this key would not be set; remove it or give it a value", v.version)
		}
	}
}

// env checks spec.env; reserved maps the names the chart sets itself to why.
func (v *validator) env(list []corev1.EnvVar, reserved map[string]string) {
	for i, e := range list {
		path := fmt.Sprintf("spec.env[%d]", i)
		if e.Name == "" {
			v.errorf(path+".name", "required")
			continue
		}
		for _, msg := range validation.IsEnvVarName(e.Name) {
			v.errorf(path+".name", "%q is not a valid environment variable name: %s", e.Name, msg)
		}
		if why, ok := reserved[e.Name]; ok {
			v.errorf(path+".name", "%s is set by the chart (%s); choose another name", e.Name, why)
		}
		v.envCredential(path, e)
	}
}

// envCredential refuses a literal value for a variable whose name or value looks
// like a credential.
func (v *validator) envCredential(path string, e corev1.EnvVar) {
	switch {
	case e.Value == "":
	case credentialEnvRE.MatchString(e.Name):
		v.errorf(path+".value", "%s looks like a credential; do not write its value in the descriptor: use valueFrom.secretKeyRef or envFrom[].secretRef to read it from an existing Secret", e.Name)
	default:
		if what := credentialIn(e.Value); what != "" {
			v.errorf(path+".value", "looks like it holds %s; do not write it in the descriptor: use valueFrom.secretKeyRef or envFrom[].secretRef to read it from an existing Secret", what)
		}
	}
}

// args refuses arguments that hold credentials.
func (v *validator) args(path string, args []string) {
	for i, a := range args {
		v.credentialValue(fmt.Sprintf("%s[%d]", path, i), a)
	}
}

// podTemplateRules are what a kind's chart reserves in the pods of a pod template.
type podTemplateRules struct {
	reservedVolumes, reservedContainers []string
	// reservedMountPaths are where the chart mounts its own volumes in the main container.
	reservedMountPaths []string
	// schedulerName, when set, refuses podTemplate.schedulerName with this message.
	schedulerName string
}

func (v *validator) podTemplate(base string, pt *PodTemplate, rules podTemplateRules) {
	if pt == nil {
		return
	}
	relative := strings.TrimPrefix(base, "spec.")
	volumes := map[string]bool{}
	for i, vol := range pt.Volumes {
		path := fmt.Sprintf("%s.volumes[%d].name", base, i)
		switch {
		case vol.Name == "":
			v.errorf(path, "required")
		case slices.Contains(rules.reservedVolumes, vol.Name):
			v.errorf(path, "%q is used by the chart itself (%s); choose another name", vol.Name, strings.Join(rules.reservedVolumes, ", "))
		case volumes[vol.Name]:
			v.errorf(path, "%q is given twice; volume names must be unique", vol.Name)
		default:
			for _, msg := range validation.IsDNS1123Label(vol.Name) {
				v.errorf(path, "%q is not a valid volume name: %s", vol.Name, msg)
			}
		}
		volumes[vol.Name] = true
	}
	for i, m := range pt.VolumeMounts {
		path := fmt.Sprintf("%s.volumeMounts[%d]", base, i)
		if !volumes[m.Name] {
			v.errorf(path+".name", "%q is not a volume in %s.volumes; add it there or fix the name", m.Name, relative)
		}
		switch {
		case m.MountPath == "":
			v.errorf(path+".mountPath", "required; an absolute path such as /data")
		case !strings.HasPrefix(m.MountPath, "/"):
			v.errorf(path+".mountPath", "%q must be an absolute path, e.g. /data", m.MountPath)
		case slices.Contains(rules.reservedMountPaths, pathpkg.Clean(m.MountPath)):
			v.errorf(path+".mountPath", "%q is where the chart mounts its own volumes (%s); mount elsewhere", m.MountPath, strings.Join(rules.reservedMountPaths, ", "))
		}
	}
	containers := map[string]bool{}
	for _, group := range []struct {
		field string
		list  []corev1.Container
	}{{"sidecars", pt.Sidecars}, {"initContainers", pt.InitContainers}} {
		for i, c := range group.list {
			path := fmt.Sprintf("%s.%s[%d]", base, group.field, i)
			switch {
			case c.Name == "":
				v.errorf(path+".name", "required; a DNS-1123 label")
			case slices.Contains(rules.reservedContainers, c.Name):
				v.errorf(path+".name", "%q is used by the chart itself (%s); choose another name", c.Name, strings.Join(rules.reservedContainers, ", "))
			case containers[c.Name]:
				v.errorf(path+".name", "%q is given twice; container names must be unique across sidecars and initContainers", c.Name)
			default:
				for _, msg := range validation.IsDNS1123Label(c.Name) {
					v.errorf(path+".name", "%q is not a valid container name: %s", c.Name, msg)
				}
			}
			containers[c.Name] = true
			if c.Image == "" {
				v.errorf(path+".image", "required; pin a tag or a digest")
			}
			for j, e := range c.Env {
				v.envCredential(fmt.Sprintf("%s.env[%d]", path, j), e)
			}
			v.args(path+".command", c.Command)
			v.args(path+".args", c.Args)
			v.containerResources(path+".resources", c.Resources)
		}
	}
	if rules.schedulerName != "" && pt.SchedulerName != "" {
		v.errorf(base+".schedulerName", "%s", rules.schedulerName)
	}
	for _, field := range []struct{ path, value string }{
		{base + ".priorityClassName", pt.PriorityClassName},
		{base + ".schedulerName", pt.SchedulerName},
	} {
		if field.value == "" || (field.path == base+".schedulerName" && rules.schedulerName != "") {
			continue
		}
		for _, msg := range validation.IsDNS1123Subdomain(field.value) {
			v.errorf(field.path, "%q is not a valid name: %s", field.value, msg)
		}
	}
	v.labels(base+".nodeSelector", pt.NodeSelector)
	v.labels(base+".labels", pt.Labels)
	v.annotations(base+".annotations", pt.Annotations)
	v.podSecurity(base, pt)
}

// containerResources requires cpu and memory requests and limits of a sidecar or
// init container, as the charts' own containers have them.
func (v *validator) containerResources(path string, r corev1.ResourceRequirements) {
	var missing []string
	for _, q := range []struct {
		name string
		list corev1.ResourceList
		res  corev1.ResourceName
	}{
		{"requests.cpu", r.Requests, corev1.ResourceCPU}, {"requests.memory", r.Requests, corev1.ResourceMemory},
		{"limits.cpu", r.Limits, corev1.ResourceCPU}, {"limits.memory", r.Limits, corev1.ResourceMemory},
	} {
		if qty, ok := q.list[q.res]; !ok || qty.Sign() <= 0 {
			missing = append(missing, q.name)
		}
	}
	const why = "every container of the job's pods has cpu and memory requests and limits, so the scheduler reserves what the pod uses and a runaway container cannot starve the others"
	switch {
	case len(missing) == 4:
		v.errorf(path, "required: set cpu and memory requests and limits, e.g. {requests: {cpu: 50m, memory: 64Mi}, limits: {cpu: 100m, memory: 128Mi}}; %s", why)
	default:
		// Each at its own field, so a quantity that failed to decode is reported once.
		for _, m := range missing {
			v.errorf(path+"."+m, "required and above 0, e.g. %s; %s", map[string]string{
				"requests.cpu": "50m", "requests.memory": "64Mi", "limits.cpu": "100m", "limits.memory": "128Mi"}[m], why)
		}
	}
	for _, res := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		req, hasReq := r.Requests[res]
		lim, hasLim := r.Limits[res]
		if hasReq && hasLim && lim.Sign() > 0 && req.Cmp(lim) > 0 {
			v.errorf(fmt.Sprintf("%s.requests.%s", path, res), "%s is above the limit %s; Kubernetes refuses a request above its limit", req.String(), lim.String())
		}
	}
}

func (v *validator) serviceAccount(sa *ServiceAccount) {
	if sa == nil {
		return
	}
	if sa.Name != "" {
		for _, msg := range validation.IsDNS1123Subdomain(sa.Name) {
			v.errorf("spec.serviceAccount.name", "%q is not a valid ServiceAccount name: %s", sa.Name, msg)
		}
	}
	if sa.Create != nil && !*sa.Create && sa.Name == "" {
		v.errorf("spec.serviceAccount.name", "required when create is false: name the existing ServiceAccount the pods run as")
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
