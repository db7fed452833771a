package descriptor

import (
	"fmt"
	"math"
	"math/big"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/jobcharts/jobcharts/pkg/spark"
)

// MaxSparkNameLength is the longest SparkApp metadata.name. The driver pod, the
// pod of the driver Job, is named <name>-<7 hex>-<5 random>, and Spark uses that
// name as the prefix of every executor pod's name, which it limits to 47
// characters (spark.kubernetes.executor.podNamePrefix).
const MaxSparkNameLength = 47 - len("-0123abc-x7k2p")

// Names the spark-app chart and Spark use inside the pods; the descriptor may not
// reuse them. Keep them in sync with charts/spark-app/templates.
var (
	// SparkReservedVolumeNames: the chart's configuration and writable
	// directories, and the configuration volume Spark adds to executor pods.
	SparkReservedVolumeNames = []string{"spark-conf", "spark-conf-volume-exec", "tmp", "work-dir"}
	// SparkReservedContainerNames are the chart's driver and executor containers.
	SparkReservedContainerNames = []string{"driver", "executor"}
	// SparkReservedEnvNames are set by the chart on the driver container.
	SparkReservedEnvNames = map[string]string{
		"POD_NAME": "the driver's pod name from the downward API",
		"POD_IP":   "the driver's pod IP from the downward API",
	}
)

// Where the chart (and Spark, on executors) mount their own volumes.
var (
	sparkDriverMountPaths   = []string{"/opt/spark/jobcharts", "/opt/spark/work-dir", "/tmp"}
	sparkExecutorMountPaths = []string{"/opt/spark/conf", "/opt/spark/work-dir", "/tmp"}
)

// Spark's lower bounds: the JVM heap must be at least 450Mi (1.5 × the 300Mi
// Spark reserves), and Spark never gives a container less than 384Mi overhead.
var (
	minSparkMemory         = resource.MustParse("512Mi")
	minSparkMemoryOverhead = resource.MustParse("384Mi")
	// maxSparkMemory: Spark reads memory sizes in whole MiB into an Int.
	maxSparkMemory = resource.MustParse("2147483647Mi")
)

const maxSparkDriverRetries = 10

var (
	// localFileURIRE is a local:// URI of an absolute path inside the image.
	localFileURIRE = regexp.MustCompile(`^local:///[^\s,]*[^\s,/]$`)
	// sparkCredentialKeyRE adds the Hadoop credential keys credentialKeyRE misses:
	// session and SAS tokens, private keys.
	sparkCredentialKeyRE = regexp.MustCompile(`(?i)\.token$|private[.-]?key`)
	// secretReferenceKeyRE are keys that name a Secret or a file rather than hold a
	// credential: spark.kubernetes.executor.secrets.*, ...secretKeyRef.*,
	// spark.kubernetes.kerberos.tokenSecret.*, *.file and *File paths.
	secretReferenceKeyRE = regexp.MustCompile(`^spark\.kubernetes\.(driver|executor)\.(secrets|secretKeyRef)\.|^spark\.kubernetes\.kerberos\.tokenSecret\.|(\.file|File)$`)
	// yunikornQueueRE is a full YuniKorn queue path.
	yunikornQueueRE = regexp.MustCompile(`^root(\.[a-zA-Z0-9_-]+)+$`)
)

const sparkCredentialAdvice = "carries a credential, which must not be in the descriptor; pass it as an environment variable from a Secret (spec.env[].valueFrom.secretKeyRef or spec.envFrom[].secretRef). For S3A, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY that way, which S3A's default credentials provider chain reads, or use a provider without keys (fs.s3a.aws.credentials.provider, e.g. web identity)"

func (v *validator) sparkApp(a *SparkApp) {
	s := &a.Spec
	v.metadata(a.Metadata, nameRule{
		max:     MaxSparkNameLength,
		example: "sessionize-daily",
		why: func(name string) string {
			return fmt.Sprintf("the driver pod is named %s-<7 hex>-<5 random>, and Spark uses the driver pod's name as the executor pod name prefix, which may have at most 47 characters", name)
		},
	})
	v.sparkVersion(s.SparkVersion)
	v.sparkImages(s)
	v.sparkAppSection(s.App)
	v.sparkResources("spec.driver.resources", s.DriverResources())
	if r := s.Driver.Retries; r != nil && (*r < 0 || *r > maxSparkDriverRetries) {
		v.errorf("spec.driver.retries", "must be from 0 to %d (got %d): it is the driver Job's backoffLimit, and every retry runs the application again from the start", maxSparkDriverRetries, *r)
	}
	v.sparkResources("spec.executor.resources", s.ExecutorResources())
	v.executorInstances(s)
	v.dynamicAllocation(s)
	v.sparkConf(s.SparkConf)
	v.hadoopConf(s.HadoopConf)
	if s.EventLog != nil {
		if s.EventLog.Dir == "" {
			v.errorf("spec.eventLog.dir", "required when eventLog is given; a directory URI such as s3a://bucket/spark-events (or remove eventLog)")
		} else {
			v.hadoopURI("spec.eventLog.dir", s.EventLog.Dir, "s3a://bucket/spark-events")
		}
	}
	if s.Metrics != nil && s.Metrics.Prometheus != nil && s.Metrics.Prometheus.PodMonitor && !s.Metrics.Prometheus.Enabled {
		v.errorf("spec.metrics.prometheus.podMonitor", "a PodMonitor needs the metrics endpoints: set spec.metrics.prometheus.enabled: true")
	}
	v.batchScheduler(s)
	v.sparkTimeouts(s.Timeouts)
	v.env(s.Env, SparkReservedEnvNames)
	v.sparkPodTemplates(s.PodTemplate)
	v.networkPolicy(s.NetworkPolicy, s.PrometheusEnabled())
	v.serviceAccount(s.ServiceAccount)
}

func (v *validator) sparkVersion(s string) {
	const path = "spec.sparkVersion"
	if s == "" {
		v.errorf(path, "required; the Spark release inside the image, %s to %s, e.g. \"3.5\"", spark.MinVersion, spark.MaxVersion)
		return
	}
	version, err := spark.ParseVersion(s)
	if err != nil {
		v.errorf(path, "%v", err)
		return
	}
	switch {
	case !version.AtLeast(spark.MinVersion):
		v.errorf(path, "Spark %s is not supported; supported releases are %s to %s (older release lines are end of life upstream)",
			version, spark.MinVersion, spark.MaxVersion)
	case !spark.MaxVersion.AtLeast(version):
		v.errorf(path, "Spark %s is not supported yet; supported releases are %s to %s", version, spark.MinVersion, spark.MaxVersion)
	}
}

func (v *validator) sparkImages(s *SparkAppSpec) {
	digestReason := v.digestReason(s.Compliance)
	if s.Image == "" {
		v.errorf("spec.image", "required; the application's image with its code inside, e.g. registry.example.com/team/app:1.0.0")
	} else {
		v.image("spec.image", s.Image, digestReason)
	}
	v.pullSettings(s.ImagePullPolicy, s.ImagePullSecrets)
	if pt := s.PodTemplate; pt != nil {
		v.containerImages("spec.podTemplate.driver", pt.Driver, digestReason)
		v.containerImages("spec.podTemplate.executor", pt.Executor, digestReason)
	}
}

func (v *validator) sparkAppSection(a SparkAppSection) {
	const base = "spec.app"
	switch {
	case a.Type == "":
		v.errorf(base+".type", "required; one of %s", strings.Join(SparkAppTypes, ", "))
	case slices.Contains(SparkAppTypes, strings.ToLower(a.Type)) && !slices.Contains(SparkAppTypes, a.Type):
		v.errorf(base+".type", "%q is not valid; write it in lower case: %s", a.Type, strings.ToLower(a.Type))
	default:
		v.enum(base+".type", a.Type, SparkAppTypes)
	}
	python := a.Type == SparkAppTypePython
	v.args(base+".args", a.Args)

	file := a.MainApplicationFile
	switch {
	case file == "" && python:
		v.errorf(base+".mainApplicationFile", "required; the application inside the image, e.g. local:///opt/spark/work-dir/main.py")
	case file == "":
		v.errorf(base+".mainApplicationFile", "required; the application inside the image, e.g. local:///opt/spark/work-dir/app.jar")
	case !isLocalFileURI(file):
		v.errorf(base+".mainApplicationFile", "%q must be a local:// URI of a file inside the image, e.g. local:///opt/spark/work-dir/app.jar: the application is baked into the image and nothing is uploaded", file)
	case a.IsJVM() && !strings.HasSuffix(file, ".jar"):
		v.errorf(base+".mainApplicationFile", "%q must end in .jar for a %s application", file, a.Type)
	case python && !strings.HasSuffix(file, ".py"):
		v.errorf(base+".mainApplicationFile", "%q must end in .py for a python application (put other modules in app.deps.pyFiles)", file)
	}

	switch {
	case python && a.MainClass != "":
		v.errorf(base+".mainClass", "a python application has no main class; remove it")
	case a.IsJVM() && a.MainClass == "":
		v.errorf(base+".mainClass", "required for a %s application; the fully qualified main class, e.g. com.example.Main", a.Type)
	case a.MainClass != "" && !javaClassRE.MatchString(a.MainClass):
		v.errorf(base+".mainClass", "%q is not a Java class name; write the fully qualified binary name, e.g. com.example.Main or com.example.Outer$Main", a.MainClass)
	}

	if a.Deps == nil {
		return
	}
	v.localFiles(base+".deps.jars", a.Deps.Jars, nil)
	v.localFiles(base+".deps.files", a.Deps.Files, nil)
	if len(a.Deps.PyFiles) > 0 && a.Type != "" && !python {
		v.errorf(base+".deps.pyFiles", "only for python applications (spark.submit.pyFiles); this is a %s application: use deps.jars or deps.files", a.Type)
		return
	}
	v.localFiles(base+".deps.pyFiles", a.Deps.PyFiles, []string{".py", ".zip", ".egg"})
}

func isLocalFileURI(s string) bool {
	if !localFileURIRE.MatchString(s) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && !slices.Contains(strings.Split(u.Path, "/"), "..")
}

// localFiles checks a list of local:// URIs, each ending in one of suffixes when given.
func (v *validator) localFiles(path string, list []string, suffixes []string) {
	for i, file := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case strings.Contains(file, ","):
			v.errorf(p, "%q contains a comma; Spark joins the list with commas, so give one file per entry", file)
		case !isLocalFileURI(file):
			v.errorf(p, "%q must be a local:// URI of a file inside the image, e.g. local:///opt/spark/work-dir/lib/dep.jar: dependencies are baked into the image and nothing is uploaded", file)
		case suffixes != nil && !slices.ContainsFunc(suffixes, func(s string) bool { return strings.HasSuffix(file, s) }):
			v.errorf(p, "%q must end in %s", file, strings.Join(suffixes, ", "))
		}
	}
}

// sparkResources checks effective resources (defaults included).
func (v *validator) sparkResources(path string, r SparkResources) {
	v.cpu(path+".cpu", r.CPU)
	if memory, err := resource.ParseQuantity(r.Memory); err != nil {
		v.errorf(path+".memory", "%q is not a Kubernetes quantity; write e.g. 2Gi or 1536Mi", r.Memory)
	} else if memory.Cmp(minSparkMemory) < 0 {
		v.errorf(path+".memory", "%s is below the minimum 512Mi: Spark refuses a JVM heap under 450Mi (1.5 × the 300Mi it reserves) and tasks need room above that", r.Memory)
	} else if memory.Cmp(maxSparkMemory) > 0 {
		v.errorf(path+".memory", "%s is too large: Spark reads memory in MiB as a 32-bit integer, so at most %s", r.Memory, maxSparkMemory.String())
	}
	if overhead, err := resource.ParseQuantity(r.MemoryOverhead); err != nil {
		v.errorf(path+".memoryOverhead", "%q is not a Kubernetes quantity; write e.g. 384Mi or 1Gi", r.MemoryOverhead)
	} else if overhead.Cmp(minSparkMemoryOverhead) < 0 {
		v.errorf(path+".memoryOverhead", "%s is below Spark's own minimum memory overhead, 384Mi", r.MemoryOverhead)
	} else if overhead.Cmp(maxSparkMemory) > 0 {
		v.errorf(path+".memoryOverhead", "%s is too large: Spark reads memory in MiB as a 32-bit integer, so at most %s", r.MemoryOverhead, maxSparkMemory.String())
	}
}

func (v *validator) executorInstances(s *SparkAppSpec) {
	n := s.Executor.Instances
	switch {
	case n == nil:
	case s.DynamicAllocationEnabled():
		v.errorf("spec.executor.instances", "given while dynamic allocation is enabled, which sizes the executors itself; remove it and set spec.dynamicAllocation.initialExecutors")
	case *n < 0:
		v.errorf("spec.executor.instances", "must be at least 0 (got %d)", *n)
	case *n == 0:
		v.errorf("spec.executor.instances", "0 executors run no tasks; set at least 1, or enable spec.dynamicAllocation to scale from 0")
	case *n > maxInt32:
		v.errorf("spec.executor.instances", "must be at most %d (got %d): Spark reads spark.executor.instances as a 32-bit integer", maxInt32, *n)
	}
}

func (v *validator) dynamicAllocation(s *SparkAppSpec) {
	da := s.DynamicAllocation
	if da == nil {
		return
	}
	const base = "spec.dynamicAllocation"
	if !da.Enabled {
		for _, f := range []struct {
			name string
			set  bool
		}{{"minExecutors", da.MinExecutors != nil}, {"maxExecutors", da.MaxExecutors != nil}, {"initialExecutors", da.InitialExecutors != nil}} {
			if f.set {
				v.errorf(base+"."+f.name, "given while dynamicAllocation.enabled is false, so it would be ignored; set enabled: true or remove it")
			}
		}
		return
	}
	lo, hi := s.MinExecutors(), s.MaxExecutors()
	v.count(base+".minExecutors", da.MinExecutors, 0, maxInt32, "Spark reads it as a 32-bit integer")
	v.count(base+".maxExecutors", da.MaxExecutors, 1, maxInt32, "Spark reads it as a 32-bit integer")
	loOK, hiOK := inRange(lo, 0, maxInt32), inRange(hi, 1, maxInt32)
	maxText := fmt.Sprint(hi)
	if da.MaxExecutors == nil {
		maxText += " (the default)"
	}
	if loOK && hiOK && lo > hi {
		v.errorf(base+".minExecutors", "%d exceeds maxExecutors %s; lower it or raise maxExecutors", lo, maxText)
		return
	}
	if init := da.InitialExecutors; init != nil && loOK && hiOK {
		switch {
		case *init < lo:
			v.errorf(base+".initialExecutors", "%d is below minExecutors %d; use a value from %d to %d", *init, lo, lo, hi)
		case *init > hi:
			v.errorf(base+".initialExecutors", "%d exceeds maxExecutors %s; use a value from %d to %d", *init, maxText, lo, hi)
		}
	}
}

// confKey checks the syntax of a property key and reports whether it is usable.
func (v *validator) confKey(path, key, what string) bool {
	if key == "" || strings.IndexFunc(key, isSpace) >= 0 || strings.ContainsAny(key, `=:\`) {
		v.errorf(path, "%q is not a %s: keys are non-empty, without whitespace, '=', ':' or '\\' (spark-defaults.conf is a Java properties file, where these end or escape a key)", key, what)
		return false
	}
	return true
}

func isSpace(r rune) bool { return strings.ContainsRune(" \t\r\n\v\f", r) }

func isSparkCredentialKey(key string) bool {
	if secretReferenceKeyRE.MatchString(key) {
		return false
	}
	return credentialKeyRE.MatchString(key) || sparkCredentialKeyRE.MatchString(key)
}

func (v *validator) sparkConf(conf map[string]Scalar) {
	for _, key := range sortedKeys(conf) {
		path := "spec.sparkConf." + key
		if !v.confKey(path, key, "Spark property") {
			continue
		}
		if isSparkCredentialKey(key) {
			v.errorf(path, "%s", sparkCredentialAdvice)
			continue
		}
		if field, owned := spark.OwnedKey(key); owned {
			if spark.IsField(field) {
				v.errorf(path, "set by the chart; use %s instead", field)
			} else {
				v.errorf(path, "%s; remove it", field)
			}
			continue
		}
		if !strings.HasPrefix(key, "spark.") {
			v.errorf(path, "%q does not start with \"spark.\", and spark-submit ignores such properties; Hadoop properties go in spec.hadoopConf", key)
			continue
		}
		if t := executorVolumeType(key); t != "" && !slices.Contains(RestrictedVolumeTypes, t) {
			v.forbidden(path, t == "hostPath", t+" volumes in the executor pods Spark creates", "use spec.podTemplate.executor.volumes with a persistentVolumeClaim, csi or emptyDir volume")
			continue
		}
		if v.credentialValue(path, string(conf[key])) {
			continue
		}
		if strings.ContainsAny(string(conf[key]), "\r\n") {
			v.errorf(path, "the value spans several lines; Spark properties are single lines, so write it on one line")
		}
	}
}

func (v *validator) hadoopConf(conf map[string]Scalar) {
	for _, key := range sortedKeys(conf) {
		path := "spec.hadoopConf." + key
		if !v.confKey(path, key, "Hadoop property") {
			continue
		}
		if isSparkCredentialKey("spark.hadoop." + key) {
			v.errorf(path, "%s", sparkCredentialAdvice)
			continue
		}
		switch {
		case v.credentialValue(path, string(conf[key])):
		case strings.HasPrefix(key, "spark.hadoop."):
			v.errorf(path, "the chart prefixes hadoopConf keys with spark.hadoop. itself; write %q", strings.TrimPrefix(key, "spark.hadoop."))
		case strings.HasPrefix(key, "spark."):
			v.errorf(path, "%q is a Spark property; put it in spec.sparkConf (hadoopConf holds Hadoop properties such as fs.s3a.endpoint)", key)
		case strings.ContainsAny(string(conf[key]), "\r\n"):
			v.errorf(path, "the value spans several lines; Spark properties are single lines, so write it on one line")
		}
	}
}

// hadoopURI checks a URI for a Hadoop file system: a scheme, and not the s3://
// scheme, which Apache Hadoop no longer has.
func (v *validator) hadoopURI(path, value, example string) {
	switch {
	case v.credentialValue(path, value):
	case !isURIWithScheme(value):
		v.errorf(path, "%q is not a URI with a scheme; write e.g. %s (s3a://, gs://, hdfs://, abfss://, file://...)", value, example)
	case strings.HasPrefix(value, "s3://") || strings.HasPrefix(value, "s3n://"):
		v.errorf(path, "%q uses a scheme Apache Hadoop has no file system for; use s3a://%s", value, value[strings.Index(value, "://")+3:])
	}
}

func (v *validator) batchScheduler(s *SparkAppSpec) {
	bs := s.BatchScheduler
	if bs == nil {
		return
	}
	const base = "spec.batchScheduler"
	switch {
	case bs.Name == "":
		v.errorf(base+".name", "required when batchScheduler is given; use one of %s, or remove batchScheduler for the default scheduler", strings.Join(BatchSchedulers, ", "))
	default:
		v.enum(base+".name", bs.Name, BatchSchedulers)
	}
	if bs.Queue != "" {
		switch bs.Name {
		case BatchSchedulerYuniKorn:
			if !yunikornQueueRE.MatchString(bs.Queue) {
				v.errorf(base+".queue", "%q is not a full YuniKorn queue path; write root.<queue>[.<child>...], e.g. root.default (letters, digits, '-' and '_' in each part)", bs.Queue)
			} else {
				for _, msg := range validation.IsValidLabelValue(bs.Queue) {
					v.errorf(base+".queue", "%q cannot be the pods' queue label: %s", bs.Queue, msg)
				}
			}
		case BatchSchedulerVolcano:
			for _, msg := range validation.IsDNS1123Subdomain(bs.Queue) {
				v.errorf(base+".queue", "%q is not a Volcano queue name: %s", bs.Queue, msg)
			}
		}
	}
	if bs.Gang && s.DynamicAllocationEnabled() && s.MinExecutors() < 1 {
		v.errorf(base+".gang", "a gang is the driver and dynamicAllocation.minExecutors executors, but minExecutors is %d; set spec.dynamicAllocation.minExecutors to at least 1", s.MinExecutors())
	}
	if bs.Gang && bs.Name == BatchSchedulerVolcano {
		v.gangTotals(s)
	}
}

// gangTotals refuses a Volcano gang whose PodGroup minResources (the driver plus
// every executor of the gang) would not fit a 64-bit integer: the chart sums them
// in int64, and Kubernetes and Volcano read a quantity as int64 millicores or bytes.
func (v *validator) gangTotals(s *SparkAppSpec) {
	n := s.ExecutorInstances()
	what := "spec.executor.instances"
	if s.DynamicAllocationEnabled() {
		n, what = s.MinExecutors(), "spec.dynamicAllocation.minExecutors"
	}
	if n < 0 || n > maxInt32 {
		return // refused on its own
	}
	d, e := s.DriverResources(), s.ExecutorResources()
	total := func(unit func(q resource.Quantity) int64, quantities func(r SparkResources) []string) *big.Int {
		sum := func(r SparkResources) *big.Int {
			t := new(big.Int)
			for _, text := range quantities(r) {
				q, err := resource.ParseQuantity(text)
				if err != nil {
					return nil // refused on its own
				}
				t.Add(t, big.NewInt(unit(q)))
			}
			return t
		}
		dt, et := sum(d), sum(e)
		if dt == nil || et == nil {
			return nil
		}
		return et.Mul(et, big.NewInt(int64(n))).Add(et, dt)
	}
	limit := big.NewInt(math.MaxInt64)
	cpu := total(func(q resource.Quantity) int64 { return q.MilliValue() }, func(r SparkResources) []string { return []string{r.CPU} })
	memory := total(func(q resource.Quantity) int64 { return q.Value() }, func(r SparkResources) []string { return []string{r.Memory, r.MemoryOverhead} })
	for _, t := range []struct {
		name  string
		total *big.Int
		unit  string
	}{{"cpu", cpu, "millicores"}, {"memory", memory, "bytes"}} {
		if t.total != nil && t.total.Cmp(limit) > 0 {
			v.errorf("spec.batchScheduler.gang", "the gang's PodGroup reserves the driver and %d executors (%s) at once: %s %s of %s, beyond the 64-bit integers the chart sums them in and Volcano reads them as (at most %d); lower %s or spec.executor.resources", n, what, t.total, t.unit, t.name, limit, what)
		}
	}
}

// maxTTLSeconds is the largest ttlSecondsAfterFinished (an int32 in batch/v1 Job).
const maxTTLSeconds = math.MaxInt32

func (v *validator) sparkTimeouts(t *SparkTimeouts) {
	if t == nil {
		return
	}
	v.jobDuration("spec.timeouts.activeDeadline", t.ActiveDeadline, math.MaxInt64/int64(time.Second))
	v.jobDuration("spec.timeouts.ttlAfterFinished", t.TTLAfterFinished, maxTTLSeconds)
}

// jobDuration checks a timeout: a positive whole number of seconds up to maxSeconds.
func (v *validator) jobDuration(path, value string, maxSeconds int64) {
	if value == "" {
		return
	}
	d, err := ParseJobDuration(value)
	switch {
	case err != nil:
		v.errorf(path, "%v", err)
	case d <= 0:
		v.errorf(path, "must be greater than 0 (got %q); leave it out for the default", value)
	case d%time.Second != 0:
		v.errorf(path, "%q is not a whole number of seconds", value)
	case int64(d/time.Second) > maxSeconds:
		v.errorf(path, "%q is too long; at most %d seconds", value, maxSeconds)
	}
}

func (v *validator) sparkPodTemplates(pts *SparkPodTemplates) {
	if pts == nil {
		return
	}
	const schedulerName = "set by the chart: spec.batchScheduler.name (volcano or yunikorn) picks the scheduler of the driver and the executors, and without it they use the default scheduler; remove schedulerName"
	v.podTemplate("spec.podTemplate.driver", pts.Driver, podTemplateRules{
		reservedVolumes:    SparkReservedVolumeNames,
		reservedContainers: SparkReservedContainerNames,
		reservedMountPaths: sparkDriverMountPaths,
		schedulerName:      schedulerName,
	})
	v.podTemplate("spec.podTemplate.executor", pts.Executor, podTemplateRules{
		reservedVolumes:    SparkReservedVolumeNames,
		reservedContainers: SparkReservedContainerNames,
		reservedMountPaths: sparkExecutorMountPaths,
		schedulerName:      schedulerName,
	})
}

// executorVolumeType is the volume type of a spark.kubernetes.executor.volumes.<type>.<name>.* key, or "".
func executorVolumeType(key string) string {
	rest, ok := strings.CutPrefix(key, "spark.kubernetes.executor.volumes.")
	if !ok {
		return ""
	}
	t, _, _ := strings.Cut(rest, ".")
	return t
}
